package txjob_test

import (
	"context"
	"crypto/ed25519"
	"math/big"
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

// shiftTimeouts moves every When timeout by delta ms.
func shiftTimeouts(c core.Contract, delta *big.Int) core.Contract {
	switch v := c.(type) {
	case core.When:
		out := core.When{Timeout: new(big.Int).Add(v.Timeout, delta), Continuation: shiftTimeouts(v.Continuation, delta)}
		for _, cs := range v.Cases {
			cs.Then = shiftTimeouts(cs.Then, delta)
			out.Cases = append(out.Cases, cs)
		}
		return out
	case core.If:
		return core.If{Obs: v.Obs, Then: shiftTimeouts(v.Then, delta), Else: shiftTimeouts(v.Else, delta)}
	case core.Pay:
		v.Then = shiftTimeouts(v.Then, delta)
		return v
	case core.Let:
		v.Then = shiftTimeouts(v.Then, delta)
		return v
	case core.Assert:
		v.Then = shiftTimeouts(v.Then, delta)
		return v
	}
	return c
}

// minTimeout is the earliest When timeout of c (nil: none).
func minTimeout(c core.Contract) *big.Int {
	var best *big.Int
	keep := func(x *big.Int) {
		if x != nil && (best == nil || x.Cmp(best) < 0) {
			best = x
		}
	}
	switch v := c.(type) {
	case core.When:
		keep(v.Timeout)
		keep(minTimeout(v.Continuation))
		for _, cs := range v.Cases {
			keep(minTimeout(cs.Then))
		}
	case core.If:
		keep(minTimeout(v.Then))
		keep(minTimeout(v.Else))
	case core.Pay:
		keep(minTimeout(v.Then))
	case core.Let:
		keep(minTimeout(v.Then))
	case core.Assert:
		keep(minTimeout(v.Then))
	}
	return best
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

// TestLifecycles runs reference paths of the escrow and the bonds (role
// parties, ada only) on the validating devnet through the TCP protocol:
// create, every input step, close, then every role payout withdrawn by its
// token's holder; MarloweSync sees every step.
func TestLifecycles(t *testing.T) {
	paths, err := conformance.LoadReferencePaths(shared.Path(t, "marlowe"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"escrow.paths", "zero-coupon-bond.paths", "coupon-bond-guaranteed.paths"} {
		t.Run(file, func(t *testing.T) { testLifecycle(t, inputPath(t, paths, file)) })
	}
}

func testLifecycle(t *testing.T, path conformance.TracePath) {
	r := startRig(t)
	ctx := context.Background()

	// Roles: each role party of the path's inputs gets its token in its
	// own wallet (1, 2, …); wallet 0 creates and notifies.
	owner := map[core.TokenName]int{}
	mint := ptx.Mint{}
	addRole := func(p core.Party) {
		if _, seen := owner[p.Role]; p.Kind != core.RoleParty || seen {
			return
		}
		owner[p.Role] = 1 + len(owner)%3
		mint[types.TokenName(p.Role)] = ptx.MintRole{Recipients: map[ptx.Destination]*big.Int{
			{Kind: ptx.ToAddress, Address: types.Address(r.wallets[owner[p.Role]].Address)}: big.NewInt(1)}}
	}
	for _, s := range path.Steps {
		for _, in := range s.Input.Inputs {
			if p, ok := partyOfInput(in); ok {
				addRole(p)
			}
		}
		for _, pay := range s.Output.Payments {
			if pay.To.Kind == core.PayeeParty {
				addRole(pay.To.Party)
			}
		}
	}
	now := time.Now().Add(time.Hour).UnixMilli()
	delta := new(big.Int).Sub(big.NewInt(now), minTimeout(path.Contract))
	contract := shiftTimeouts(path.Contract, delta)

	cc, cerr, err := r.txjob(t).Create(ctx, ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0),
		RoleTokens: ptx.RoleTokensMint{Mint: mint}, Accounts: map[ptx.Account]types.Assets{},
		Contract: binary.Either[core.Contract, types.DatumHash]{Left: contract}})
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
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
		ins, err := ptx.InputsToData(s.Input.Inputs)
		if err != nil {
			t.Fatal(err)
		}
		ia, aerr, err := r.txjob(t).ApplyInputs(ctx, ptx.ApplyInputs{Version: types.MarloweV1, WalletAddresses: r.wa(who),
			ContractId: cc.ContractId, Inputs: ins})
		if err != nil || aerr != nil {
			t.Fatalf("step %d: apply: %v %#v", i, err, aerr)
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
	if len(payouts) == 0 {
		t.Fatal("the path paid no role")
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
