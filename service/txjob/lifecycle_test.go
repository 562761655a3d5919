package txjob_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/conformance"
	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/node/devnet"
	"github.com/marlowe-lite/marlowe-lite/node/ledger"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/daemon"
)

// rig is a daemon on the validating devnet (generated history first) and
// its wallets.
type rig struct {
	d       *daemon.Daemon
	wallets []ledger.Wallet
}

func startRig(t *testing.T) *rig {
	t.Helper()
	lc := &devnet.LedgerConfig{ScriptsDir: shared.Path(t, "marlowe", "scripts"), Wallets: 4, History: true}
	d, err := daemon.Start(context.Background(), daemon.Config{Port: 0, Logger: zerolog.Nop(),
		Devnet: &devnet.Config{Seed: 5, Contracts: 5, Blocks: 60, Interval: -1, Ledger: lc}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop() })
	r := &rig{d: d, wallets: d.Devnet().Ledger().Wallets()}
	// A first block at the wall clock's slot, so that the tip (the
	// validity lower bound of built transactions) is current.
	r.forge(t)
	return r
}

// walletParty is the address party of wallet i.
func (r *rig) walletParty(t *testing.T, i int) core.Party {
	t.Helper()
	addr, err := core.AddressFromCIP19(r.wallets[i].Address)
	if err != nil {
		t.Fatal(err)
	}
	return core.AddressPartyOf(addr)
}

// forge forges a block and waits until the index has it.
func (r *rig) forge(t *testing.T) {
	t.Helper()
	blk, err := r.d.Devnet().Forge()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		tip, ok, err := r.d.Store().Tip()
		if err != nil {
			t.Fatal(err)
		}
		if ok && tip.Number >= blk.Number {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("index stuck at %d, forged %d", tip.Number, blk.Number)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *rig) txjob(t *testing.T) *ptx.Client {
	t.Helper()
	c, closer, err := runtime.DialTxJob(context.Background(), r.d.Addr(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closer.Close() })
	return c
}

func (r *rig) wa(i int) ptx.WalletAddresses {
	return ptx.WalletAddresses{ChangeAddress: types.Address(r.wallets[i].Address)}
}

// submit signs tx with the keys, submits it over TxJob, forges, and polls
// until the job reports the block.
func (r *rig) submit(t *testing.T, tx []byte, keys ...ed25519.PrivateKey) types.BlockHeader {
	t.Helper()
	signed, err := ledger.SignTx(tx, keys...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := r.txjob(t)
	p, err := c.Submit(ctx, ptx.Submit{Era: types.BabbageEraOnwardsConway, Tx: signed})
	if err != nil {
		t.Fatal(err)
	}
	if p.Done {
		t.Fatalf("submit: %#v", p.Err)
	}
	if p.Status != ptx.Accepted {
		t.Fatalf("submit status %v", p.Status)
	}
	r.forge(t)
	deadline := time.Now().Add(20 * time.Second)
	for !p.Done {
		if time.Now().After(deadline) {
			t.Fatal("submit job never reported the block")
		}
		time.Sleep(5 * time.Millisecond)
		if p, err = c.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if p.Err != nil {
		t.Fatalf("submit: %#v", p.Err)
	}
	return p.Block
}

// inputPath picks a path of file whose every transaction applies inputs
// and which ends closed: it needs no timeout to pass.
func inputPath(t *testing.T, paths []conformance.TracePath, file string) conformance.TracePath {
	t.Helper()
	for _, p := range paths {
		if p.File != file || len(p.Steps) == 0 {
			continue
		}
		ok := true
		for _, s := range p.Steps {
			if len(s.Input.Inputs) == 0 {
				ok = false
			}
		}
		if _, closed := p.Steps[len(p.Steps)-1].Output.Contract.(core.Close); ok && closed {
			return p
		}
	}
	t.Fatalf("%s: no path made of inputs only", file)
	return conformance.TracePath{}
}

// roles lists the role names a contract's inputs name, in order of first
// use.
func partyOfInput(in core.Input) (core.Party, bool) {
	switch c := in.Content.(type) {
	case core.IDeposit:
		return c.From, true
	case core.IChoice:
		return c.ID.Owner, true
	}
	return core.Party{}, false
}

// lifecycle configures testLifecycle.
type lifecycle struct {
	// addresses replaces every role party by the address of the wallet
	// that would hold its token: deposits and choices then need that
	// wallet's signature, and payments go straight to the addresses.
	addresses bool
	// mint substitutes tokens of the path the wallets do not hold: before
	// the contract is created, a creation (of a contract that only
	// closes) mints each under a fresh policy to the wallet owning the
	// role named, and the path's currency symbol is replaced by that
	// policy.
	mint []substitute
	// merkleize loads the contract into the contract store over
	// MarloweLoad (which merkleizes every case) and creates it by hash;
	// the steps then apply the path's plain inputs, which the handler
	// merkleizes from the store.
	merkleize bool
}

// substitute is a token of a reference path replaced by a minted one.
type substitute struct {
	currency string // hex, as in the path
	name     string
	quantity int64
	holder   core.TokenName
}

// TestLifecycles runs reference paths of the escrow, the swap of ada and a
// token and the bonds, each with role parties and with address parties
// (and one merkleized through the contract store), on the
// validating devnet through the TCP protocol: create, every input step,
// close, then every role payout withdrawn by its token's holder;
// MarloweSync sees every step.
func TestLifecycles(t *testing.T) {
	paths, err := conformance.LoadReferencePaths(shared.Path(t, "marlowe"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, file string
		cfg        lifecycle
	}{
		{"escrow", "escrow.paths", lifecycle{}},
		{"escrow-addresses", "escrow.paths", lifecycle{addresses: true}},
		{"swap", "swap-of-ada-and-dollar-token.paths", lifecycle{mint: []substitute{{
			currency: "85bb65", name: "dollar", quantity: 100, holder: "Dollar provider"}}}},
		{"swap-addresses", "swap-of-ada-and-dollar-token.paths", lifecycle{addresses: true, mint: []substitute{{
			currency: "85bb65", name: "dollar", quantity: 100, holder: "Dollar provider"}}}},
		{"zero-coupon-bond", "zero-coupon-bond.paths", lifecycle{}},
		{"zero-coupon-bond-addresses", "zero-coupon-bond.paths", lifecycle{addresses: true}},
		{"zero-coupon-bond-merkleized", "zero-coupon-bond.paths", lifecycle{merkleize: true}},
		{"coupon-bond-guaranteed", "coupon-bond-guaranteed.paths", lifecycle{}},
		{"coupon-bond-guaranteed-addresses", "coupon-bond-guaranteed.paths", lifecycle{addresses: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { testLifecycle(t, inputPath(t, paths, c.file), c.cfg) })
	}
}

// replaceJSON rewrites v through its Marlowe JSON with the replacements
// (old, new pairs) applied.
func replaceJSON[T any](t *testing.T, v T, pairs []string) T {
	t.Helper()
	b, err := core.EncodeJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer(pairs...).Replace(string(b))
	out, err := core.DecodeJSON[T]([]byte(s), core.Strict)
	if err != nil {
		t.Fatalf("decode rewritten %T: %v\n%s", v, err, s)
	}
	return out
}

func partyJSON(t *testing.T, p core.Party) string {
	t.Helper()
	b, err := core.EncodeJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testLifecycle(t *testing.T, path conformance.TracePath, cfg lifecycle) {
	r := startRig(t)
	ctx := context.Background()

	// Roles: each role of the contract gets its token in its own wallet
	// (1, 2, 3, 1, …); wallet 0 creates and notifies.
	owner := map[core.TokenName]int{}
	var order []core.TokenName
	cj, err := core.EncodeJSON(path.Contract)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`"role_token":"([^"]*)"`).FindAllStringSubmatch(string(cj), -1) {
		role := core.TokenName(m[1])
		if _, seen := owner[role]; !seen {
			owner[role] = 1 + len(owner)%3
			order = append(order, role)
		}
	}
	var pairs []string
	for _, m := range cfg.mint {
		policy := r.mintToken(t, m.name, m.quantity, owner[m.holder])
		pairs = append(pairs, `"currency_symbol":"`+m.currency+`"`, `"currency_symbol":"`+hex.EncodeToString(policy)+`"`)
	}
	mint := ptx.Mint{}
	for _, role := range order {
		w := r.wallets[owner[role]]
		if cfg.addresses {
			a, err := core.AddressFromCIP19(w.Address)
			if err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, partyJSON(t, core.RolePartyOf(role)), partyJSON(t, core.AddressPartyOf(a)))
			continue
		}
		mint[types.TokenName(role)] = ptx.MintRole{Recipients: map[ptx.Destination]*big.Int{
			{Kind: ptx.ToAddress, Address: types.Address(w.Address)}: big.NewInt(1)}}
	}
	now := time.Now().Add(time.Hour).UnixMilli()
	delta := new(big.Int).Sub(big.NewInt(now), core.EarliestTimeout(path.Contract))
	contract := replaceJSON(t, core.ShiftTimeouts(path.Contract, delta), pairs)

	var roles ptx.RoleTokensConfig = ptx.RoleTokensMint{Mint: mint}
	if len(mint) == 0 {
		roles = ptx.RoleTokensNone{}
	}
	which := binary.Either[core.Contract, types.DatumHash]{Left: contract}
	if cfg.merkleize {
		lc, closer, err := runtime.DialMarloweLoad(ctx, r.d.Addr(), client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		hash, err := lc.Load(ctx, contract)
		closer.Close()
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		which = binary.Either[core.Contract, types.DatumHash]{IsRight: true, Right: hash}
	}
	cc, cerr, err := r.txjob(t).Create(ctx, ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0),
		RoleTokens: roles, Accounts: map[ptx.Account]types.Assets{}, Contract: which})
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	// Every role of the contract is minted and its continuations are
	// stored: the safety analysis finds nothing.
	if cc.SafetyErrors == nil || len(cc.SafetyErrors) != 0 {
		t.Fatalf("create: safety errors %#v", cc.SafetyErrors)
	}
	if cfg.merkleize {
		d, err := core.FromData[core.MarloweData](cc.Datum)
		if err != nil {
			t.Fatal(err)
		}
		if w, ok := d.Contract.(core.When); !ok || len(w.Cases) == 0 || !w.Cases[0].Merkleized {
			t.Fatalf("created contract is not merkleized: %#v", d.Contract)
		}
	}
	created := r.submit(t, cc.TxBody, r.wallets[0].Key)

	applied := 0
	payouts := map[types.TxOutRef]types.Payout{}
	for i, s := range path.Steps {
		who := 0
		for _, in := range s.Input.Inputs {
			if p, ok := partyOfInput(in); ok && p.Kind == core.RoleParty {
				who = owner[p.Role]
			}
		}
		ins, err := ptx.InputsToData(replaceJSON(t, s.Input.Inputs, pairs))
		if err != nil {
			t.Fatal(err)
		}
		ia, aerr, err := r.txjob(t).ApplyInputs(ctx, ptx.ApplyInputs{Version: types.MarloweV1, WalletAddresses: r.wa(who),
			ContractId: cc.ContractId, Inputs: ins})
		if err != nil || aerr != nil {
			t.Fatalf("step %d: apply: %v %#v", i, err, aerr)
		}
		if cfg.merkleize {
			got, err := ptx.InputsFromData(ia.Inputs)
			if err != nil {
				t.Fatal(err)
			}
			for j, in := range got {
				if !in.Merkleized || in.Continuation == nil {
					t.Fatalf("step %d: input %d not merkleized: %#v", i, j, in)
				}
			}
		}
		r.submit(t, ia.TxBody, r.wallets[who].Key)
		applied++
		for ref, p := range ia.Output.Payouts {
			payouts[ref] = p
		}
		if last := i == len(path.Steps)-1; last != (ia.Output.ScriptOutput == nil) {
			t.Fatalf("step %d: continuation %v", i, ia.Output.ScriptOutput)
		}
	}

	// MarloweSync sees the creation and every step.
	ms, closer, err := runtime.DialMarloweSync(ctx, r.d.Addr(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	cr, found, err := ms.FollowContract(ctx, cc.ContractId)
	if err != nil || !found || cr.Block != created {
		t.Fatalf("follow: found %v, %+v (created in %+v): %v", found, cr.Block, created, err)
	}
	// Withdraw every payout with its role token's holder.
	withdrawn := 0
	for ref, p := range payouts {
		who := owner[core.TokenName(p.Datum.Name)]
		wt, werr, err := r.txjob(t).Withdraw(ctx, ptx.Withdraw{Version: types.MarloweV1, WalletAddresses: r.wa(who),
			Payouts: []types.TxOutRef{ref}})
		if err != nil || werr != nil {
			t.Fatalf("withdraw %v: %v %#v", ref, err, werr)
		}
		r.submit(t, wt.TxBody, r.wallets[who].Key)
		withdrawn++
	}
	if cfg.addresses != (len(payouts) == 0) {
		t.Fatalf("%d role payouts with address parties %v", len(payouts), cfg.addresses)
	}

	steps := 0
	for steps < applied+withdrawn {
		n, err := ms.RequestNext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n.Kind != marlowesync.NextRollForward {
			t.Fatalf("next: %v after %d steps", n.Kind, steps)
		}
		steps += len(n.Steps)
	}
	t.Logf("%s path %d: %d input steps, %d withdrawals", path.File, path.Index, applied, withdrawn)
}

// mintToken mints quantity of token name to wallet who, through a TxJob
// creation of a contract that only closes (the token is its "role"), and
// returns the policy id.
func (r *rig) mintToken(t *testing.T, name string, quantity int64, who int) []byte {
	t.Helper()
	cc, cerr, err := r.txjob(t).Create(context.Background(), ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0),
		RoleTokens: ptx.RoleTokensMint{Mint: ptx.Mint{types.TokenName(name): {Recipients: map[ptx.Destination]*big.Int{
			{Kind: ptx.ToAddress, Address: types.Address(r.wallets[who].Address)}: big.NewInt(quantity)}}}},
		Accounts: map[ptx.Account]types.Assets{}, Contract: binary.Either[core.Contract, types.DatumHash]{Left: core.Close{}}})
	if err != nil || cerr != nil {
		t.Fatalf("mint %s: %v %#v", name, err, cerr)
	}
	r.submit(t, cc.TxBody, r.wallets[0].Key)
	return []byte(cc.RolesCurrency)
}
