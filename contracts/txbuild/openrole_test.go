package txbuild

import (
	"bytes"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// withOpenRoleScript publishes the v5 open-role validator as a reference
// script in the world.
func withOpenRoleScript(t *testing.T, w *world) {
	t.Helper()
	ls, err := registry.LoadScripts(shared.Path(t, "marlowe", "scripts"))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := ls.Get(registry.V5, registry.RoleOpenRole)
	if !ok {
		t.Fatal("no v5 open-role script")
	}
	u := UTxO{Ref: registry.TxOutRef{TxID: txid("refscripts"), Index: 2}, Out: TxOut{Address: newKey(200).addr, Value: lovelace(30 * ada), ScriptRef: s.CBOR}}
	w.refs = append(w.refs, u)
	w.l.utxos[u.Ref] = u
}

// openRoleContract: the open role Buyer deposits price into its own
// account; then anyone notifies and the contract closes, refunding the
// Buyer's account to the Buyer role (payout) and the creator's deposit and
// thread token to the creator. The Notify step is there because the
// open-role release cannot pay out in the same transaction.
func openRoleContract(price int64, t1, t2 *big.Int) core.Contract {
	buyer := core.RolePartyOf("Buyer")
	notify := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}}, Timeout: t2, Continuation: core.Close{}}
	return core.When{Cases: []core.Case{{Action: core.Deposit{Into: buyer, From: buyer, Token: core.Ada, Amount: core.Constant{N: big.NewInt(price)}}, Then: notify}}, Timeout: t1, Continuation: core.Close{}}
}

type openWorld struct {
	w     *world
	cr    *CreateResult
	ctr   UTxO
	datum core.MarloweData
	// openAddr is the v5 open-role validator's testnet address.
	openAddr []byte
}

func setupOpenRole(t *testing.T, contract core.Contract, thread core.TokenName) *openWorld {
	t.Helper()
	w := newWorld(t, map[int][]Value{
		0: {lovelace(100 * ada), lovelace(40 * ada)},
		1: {lovelace(50 * ada), lovelace(30 * ada)},
	})
	withOpenRoleScript(t, w)
	cr, err := Create(w.env(0), CreateRequest{
		Contract: contract,
		Roles: RolesConfig{Mode: RolesMint, ThreadTokenName: thread,
			Distribution: map[core.TokenName]RoleRecipient{"Buyer": {OpenRole: true}}},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	w.submit(t, cr.Result)
	openAddr, err := OpenRoleAddress(nil, registry.V5, w.keys[0].addr)
	if err != nil {
		t.Fatal(err)
	}
	return &openWorld{w: w, cr: cr, ctr: w.l.utxos[cr.ContractID], datum: cr.Datum, openAddr: openAddr}
}

func (o *openWorld) apply(t *testing.T, wallet int, inputs ...core.Input) (*ApplyResult, error) {
	t.Helper()
	o.w.tip += 20
	r, err := ApplyInputs(o.w.env(wallet), ApplyRequest{Contract: &o.ctr, Datum: o.datum, Inputs: inputs, OpenRoles: o.w.l.at(o.openAddr)})
	if err != nil {
		return nil, err
	}
	o.w.submit(t, r.Result)
	o.datum = core.MarloweData{Params: o.datum.Params, State: r.Output.State, Contract: r.Output.Contract}
	if r.Continuation != nil {
		o.ctr = o.w.l.utxos[*r.Continuation]
	}
	return r, nil
}

func buyerDeposit(n int64) core.Input {
	b := core.RolePartyOf("Buyer")
	return core.Input{Content: core.IDeposit{Into: b, From: b, Token: core.Ada, Amount: big.NewInt(n)}}
}

// TestOpenRoleLifecycle: create with one open role → another wallet takes
// it by depositing → notify closes → the new holder withdraws its payout.
func TestOpenRoleLifecycle(t *testing.T) {
	for _, thread := range []core.TokenName{"", "Thread"} {
		t.Run("thread="+string(thread), func(t *testing.T) { testOpenRoleLifecycle(t, thread) })
	}
}

func testOpenRoleLifecycle(t *testing.T, thread core.TokenName) {
	o := setupOpenRole(t, openRoleContract(10*ada, ms(50_000), ms(60_000)), thread)
	w, cr := o.w, o.cr
	creator, taker := w.keys[0], w.keys[1]
	cur := cr.RolesCurrency
	var buyerID, threadID AssetID
	copy(buyerID.Policy[:], cur)
	threadID.Policy = buyerID.Policy
	buyerID.Name, threadID.Name = "Buyer", string(thread)

	// Create: thread token in the creator's account, Buyer at the
	// open-role validator with datum hash of B thread.
	if cr.ThreadToken == nil || cr.ThreadToken.Name != thread || string(cr.ThreadToken.Currency) != string(cur) {
		t.Fatalf("thread token %+v", cr.ThreadToken)
	}
	creatorAddr, _ := core.AddressFromCIP19(creator.addr)
	if got, _ := core.EncodeData(cr.Datum.State.Accounts); len(cr.Datum.State.Accounts) != 2 ||
		cr.Datum.State.Accounts[1].Account != core.AddressPartyOf(creatorAddr) || cr.Datum.State.Accounts[1].Token != *cr.ThreadToken ||
		cr.Datum.State.Accounts[1].Amount.Cmp(big.NewInt(1)) != 0 {
		t.Fatalf("initial accounts %+v (%x)", cr.Datum.State.Accounts, got)
	}
	if o.ctr.Out.Value.Assets[threadID] != 1 {
		t.Fatalf("contract output %+v lacks the thread token", o.ctr.Out.Value)
	}
	opens := w.l.at(o.openAddr)
	if len(opens) != 1 || opens[0].Ref != cr.OpenRoles["Buyer"] || opens[0].Out.Value.Assets[buyerID] != 1 || len(opens[0].Out.Value.Assets) != 1 {
		t.Fatalf("open-role outputs %+v, result %+v", opens, cr.OpenRoles)
	}
	_, dh, _ := openRoleDatum(thread)
	if !bytes.Equal(opens[0].Out.DatumHash, dh) {
		t.Fatalf("open-role datum hash %x, want %x", opens[0].Out.DatumHash, dh)
	}

	// The taker deposits as Buyer: the open-role output is spent and
	// the token lands in the taker's wallet.
	r, err := o.apply(t, 1, buyerDeposit(10*ada))
	if err != nil {
		t.Fatalf("deposit: %v", err)
	}
	if len(r.OpenRoles) != 1 || r.OpenRoles[0] != opens[0].Ref || len(r.Redeemers) != 2 {
		t.Fatalf("open roles spent %v, redeemers %+v", r.OpenRoles, r.Redeemers)
	}
	if len(w.l.at(o.openAddr)) != 0 {
		t.Fatal("open-role output still unspent")
	}
	if n := held(w.l.at(taker.addr), buyerID); n != 1 {
		t.Fatalf("taker holds %d Buyer tokens", n)
	}

	// Anyone (here the creator) notifies: the contract closes, the Buyer
	// role is paid, the creator gets its deposit and the thread token.
	r, err = o.apply(t, 0, core.Input{Content: core.INotify{}})
	if err != nil {
		t.Fatalf("notify: %v", err)
	}
	if r.Continuation != nil {
		t.Fatal("contract should close")
	}
	if n := held(w.l.at(creator.addr), threadID); n != 1 {
		t.Errorf("creator holds %d thread tokens after close", n)
	}
	payoutHash, _ := registry.New().PayoutFor(registry.New().Current().Semantics.Hash)
	payouts := w.l.at(payoutAddress(payoutHash, creator.addr))
	if len(payouts) != 1 || payouts[0].Out.Value.Lovelace < 10*ada {
		t.Fatalf("payouts %+v", payouts)
	}

	// The new holder withdraws.
	w.tip += 20
	before := total(w.l.at(taker.addr))
	wr, err := Withdraw(w.env(1), WithdrawRequest{Payouts: []Payout{{UTxO: payouts[0], Datum: core.PayoutDatum{RolesCurrency: cur, Role: "Buyer"}}}})
	if err != nil {
		t.Fatalf("withdraw: %v", err)
	}
	w.submit(t, wr)
	if got := total(w.l.at(taker.addr)); got != before+payouts[0].Out.Value.Lovelace-wr.Fee {
		t.Errorf("taker holds %d after withdrawal, want %d", got, before+payouts[0].Out.Value.Lovelace-wr.Fee)
	}

	// The recogniser sees create, two applies and the withdrawal.
	be, err := extract.New(registry.New()).Block(extract.BlockHeader{Slot: w.tip, Number: 1}, w.txs, extract.NewMemUTxO(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(be.Txs) != 4 || len(be.Txs[0].Created) != 1 || be.Txs[1].Applied == nil || be.Txs[2].Applied == nil || be.Txs[3].Withdrawn == nil {
		t.Fatalf("recognised %+v", be.Txs)
	}
}

func held(us []UTxO, id AssetID) uint64 {
	var n uint64
	for _, u := range us {
		n += u.Out.Value.Assets[id]
	}
	return n
}

// TestOpenRoleGuards: requests the validators would reject fail with
// OpenRoleError before anything is built.
func TestOpenRoleGuards(t *testing.T) {
	// A deposit that releases the open role and closes at once would pay
	// out alongside another script input (trace z).
	buyer := core.RolePartyOf("Buyer")
	closing := core.When{Cases: []core.Case{{Action: core.Deposit{Into: buyer, From: buyer, Token: core.Ada, Amount: core.Constant{N: big.NewInt(5 * ada)}}, Then: core.Close{}}},
		Timeout: ms(50_000), Continuation: core.Close{}}
	o := setupOpenRole(t, closing, "")
	var oe *OpenRoleError
	if _, err := o.apply(t, 1, buyerDeposit(5*ada)); !errors.As(err, &oe) {
		t.Fatalf("deposit with payouts: %v, want OpenRoleError", err)
	}
	w := o.w

	// Without the open-role outputs the role token is simply missing.
	o = setupOpenRole(t, openRoleContract(5*ada, ms(50_000), ms(60_000)), "")
	_, err := ApplyInputs(o.w.env(1), ApplyRequest{Contract: &o.ctr, Datum: o.datum, Inputs: []core.Input{buyerDeposit(5 * ada)}})
	var me *MissingRoleTokenError
	if !errors.As(err, &me) || me.Role != "Buyer" {
		t.Fatalf("no open-role outputs: %v", err)
	}
	// An open-role output whose datum names another thread token.
	fake := o.w.l.at(o.openAddr)[0]
	_, fake.Out.DatumHash, _ = openRoleDatum("other")
	fake.Raw = nil
	_, err = ApplyInputs(o.w.env(1), ApplyRequest{Contract: &o.ctr, Datum: o.datum, Inputs: []core.Input{buyerDeposit(5 * ada)}, OpenRoles: []UTxO{fake}})
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "thread token") {
		t.Fatalf("foreign open-role output: %v", err)
	}
	// The same output with an inline datum naming the right thread token
	// but holding a second kind of token is not a candidate either.
	extra := o.w.l.at(o.openAddr)[0]
	extra.Raw, extra.Out.DatumHash = nil, nil
	extra.Out.InlineDatum, _, _ = openRoleDatum("")
	extra.Out.Value = extra.Out.Value.Clone()
	extra.Out.Value.Assets[AssetID{Name: "x"}] = 1
	_, err = ApplyInputs(o.w.env(1), ApplyRequest{Contract: &o.ctr, Datum: o.datum, Inputs: []core.Input{buyerDeposit(5 * ada)}, OpenRoles: []UTxO{extra}})
	if !errors.As(err, &me) {
		t.Fatalf("open-role output with two token kinds: %v", err)
	}

	cases := []struct {
		name  string
		roles RolesConfig
		c     core.Contract
	}{
		{"roles none", RolesConfig{Mode: RolesNone, Distribution: map[core.TokenName]RoleRecipient{"Buyer": {OpenRole: true}}}, core.Close{}},
		{"thread is a distributed role", RolesConfig{Mode: RolesMint, ThreadTokenName: "Seller",
			Distribution: map[core.TokenName]RoleRecipient{"Buyer": {OpenRole: true}, "Seller": {Address: w.keys[0].addr}}}, core.Close{}},
		{"thread authorises inputs", RolesConfig{Mode: RolesMint, ThreadTokenName: "Buyer2",
			Distribution: map[core.TokenName]RoleRecipient{"Buyer": {OpenRole: true}}},
			core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.When{Cases: []core.Case{{Action: core.Choice{ID: core.ChoiceID{Name: "c", Owner: core.RolePartyOf("Buyer2")}, Bounds: []core.Bound{{Low: big.NewInt(0), High: big.NewInt(1)}}}, Then: core.Close{}}}, Timeout: ms(60_000), Continuation: core.Close{}}}}, Timeout: ms(50_000), Continuation: core.Close{}}},
		{"thread name too long", RolesConfig{Mode: RolesMint, ThreadTokenName: core.TokenName(bytes.Repeat([]byte{'x'}, 33)),
			Distribution: map[core.TokenName]RoleRecipient{"Buyer": {OpenRole: true}}}, core.Close{}},
	}
	for _, tc := range cases {
		_, err := Create(w.env(0), CreateRequest{Contract: tc.c, Roles: tc.roles})
		if !errors.As(err, &oe) {
			t.Errorf("%s: %v, want OpenRoleError", tc.name, err)
		}
	}
	if _, err := Create(w.env(0), CreateRequest{Contract: core.Close{}, Version: registry.V2,
		Roles: RolesConfig{Mode: RolesMint, Distribution: map[core.TokenName]RoleRecipient{"Buyer": {OpenRole: true}}}}); !errors.As(err, &oe) {
		t.Errorf("v2 has no open-role validator: %v", err)
	}
}

// TestOpenRoleUsePolicy hands a pre-minted role to the open-role validator
// together with a pre-minted thread token from the wallet.
func TestOpenRoleUsePolicy(t *testing.T) {
	w := newWorld(t, map[int][]Value{0: {lovelace(100 * ada)}, 1: {lovelace(50 * ada)}})
	withOpenRoleScript(t, w)
	pol := [28]byte{9, 9, 9}
	buyer, thread := AssetID{Policy: pol, Name: "Buyer"}, AssetID{Policy: pol, Name: "T"}
	u := UTxO{Ref: registry.TxOutRef{TxID: txid("preminted"), Index: 0}, Out: TxOut{Address: w.keys[0].addr, Value: Value{Lovelace: 5 * ada, Assets: map[AssetID]uint64{buyer: 1, thread: 1}}}}
	w.l.utxos[u.Ref] = u
	cr, err := Create(w.env(0), CreateRequest{
		Contract: openRoleContract(3*ada, ms(50_000), ms(60_000)),
		Roles: RolesConfig{Mode: RolesUsePolicy, Policy: pol, ThreadTokenName: "T",
			Distribution: map[core.TokenName]RoleRecipient{"Buyer": {OpenRole: true}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.submit(t, cr.Result)
	o := &openWorld{w: w, cr: cr, ctr: w.l.utxos[cr.ContractID], datum: cr.Datum}
	o.openAddr, _ = OpenRoleAddress(nil, registry.V5, w.keys[0].addr)
	if o.ctr.Out.Value.Assets[thread] != 1 || held(w.l.at(o.openAddr), buyer) != 1 {
		t.Fatalf("contract %+v, open roles %+v", o.ctr.Out.Value, w.l.at(o.openAddr))
	}
	if _, err := o.apply(t, 1, buyerDeposit(3*ada)); err != nil {
		t.Fatalf("deposit: %v", err)
	}
	if held(w.l.at(w.keys[1].addr), buyer) != 1 {
		t.Fatal("taker did not receive the role")
	}
}
