package txbuild

import (
	"bytes"
	"errors"
	"math/big"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// applyPlain applies plain inputs to the merkleized escrow, letting the
// builder merkleize them from the continuation store.
func (e *escrowWorld) applyPlain(t *testing.T, wallet int, inputs ...core.Input) *ApplyResult {
	t.Helper()
	e.w.tip += 20
	r, err := ApplyInputs(e.w.env(wallet), ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: inputs, Continuations: ContinuationMap(e.conts)})
	if err != nil {
		t.Fatalf("apply %v: %v", inputs, err)
	}
	if len(r.Inputs) != len(inputs) {
		t.Fatalf("%d inputs applied, %d given", len(r.Inputs), len(inputs))
	}
	for i, in := range r.Inputs {
		if !in.Merkleized || in.Continuation == nil {
			t.Fatalf("input %d not merkleized: %+v", i, in)
		}
		if h, _ := core.ContractHash(in.Continuation); !bytes.Equal(h[:], in.Hash) {
			t.Fatalf("input %d: continuation hash %x, input hash %x", i, h, in.Hash)
		}
	}
	e.w.submit(t, r.Result)
	e.datum = core.MarloweData{Params: e.datum.Params, State: r.Output.State, Contract: r.Output.Contract}
	if r.Continuation != nil {
		e.ctr = e.w.l.utxos[*r.Continuation]
	}
	return r
}

// TestAutoMerkleizeLifecycle drives the deep-merkleized escrow with plain
// inputs, one per transaction, through to the payout and its withdrawal.
func TestAutoMerkleizeLifecycle(t *testing.T) {
	e := setupEscrow(t, true)
	e.applyPlain(t, 1, e.deposit(10*ada))
	e.applyPlain(t, 0, core.Input{Content: core.IChoice{ID: e.choice, Chosen: big.NewInt(1)}})
	r := e.applyPlain(t, 1, core.Input{Content: core.INotify{}})
	if r.Continuation != nil {
		t.Fatal("contract should close")
	}
	seller := e.w.keys[0]
	payoutHash, _ := registry.New().PayoutFor(registry.New().Current().Semantics.Hash)
	payouts := e.w.l.at(payoutAddress(payoutHash, seller.addr))
	if len(payouts) != 1 || payouts[0].Out.Value.Lovelace < 10*ada {
		t.Fatalf("payouts %+v", payouts)
	}
	e.w.tip += 20
	wr, err := Withdraw(e.w.env(0), WithdrawRequest{Payouts: []Payout{{UTxO: payouts[0], Datum: core.PayoutDatum{RolesCurrency: e.datum.Params.RolesCurrency, Role: "Seller"}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.w.submit(t, wr)
}

// TestAutoMerkleizeOneTransaction applies all three plain inputs in one
// transaction: each is matched against the contract the previous one
// leads to, so three continuations travel as witness datums.
func TestAutoMerkleizeOneTransaction(t *testing.T) {
	e := setupEscrow(t, true)
	inputs := []core.Input{e.deposit(10 * ada), {Content: core.IChoice{ID: e.choice, Chosen: big.NewInt(0)}}, {Content: core.INotify{}}}
	got, err := MerkleizeInputs(core.TimeInterval{From: ms(e.w.tip), To: ms(e.w.tip + 100)}, e.datum.State, e.datum.Contract, inputs, ContinuationMap(e.conts))
	if err != nil {
		t.Fatal(err)
	}
	want := merkleizeChain(t, e.conts, e.datum.Contract, inputs)
	for i := range got {
		if ok, _ := core.EqualData(got[i], want[i]); !ok || !got[i].Merkleized {
			t.Fatalf("input %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// The seller's wallet (holding the Seller token for the choice)
	// builds; the buyer's deposit makes the buyer a required signer, whose
	// signature the harness adds.
	e.w.tip += 20
	r, err := ApplyInputs(e.w.env(0), ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: inputs, Continuations: ContinuationMap(e.conts)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Continuation != nil || len(r.Inputs) != 3 {
		t.Fatalf("continuation %v, inputs %d", r.Continuation, len(r.Inputs))
	}
	e.w.submit(t, r.Result)
	// Chosen 0 refunds the buyer: its address now holds the price back.
	buyerKey := e.w.keys[1]
	if n := total(e.w.l.at(buyerKey.addr)); n < 10*ada {
		t.Errorf("buyer holds %d", n)
	}
}

// merkleizeChain is the test's own merkleization: follow the merkleized
// escrow's first cases one input at a time.
func merkleizeChain(t *testing.T, conts map[string]core.Contract, c core.Contract, inputs []core.Input) []core.Input {
	t.Helper()
	out := make([]core.Input, len(inputs))
	for i, in := range inputs {
		m := merkleizeInputs(t, conts, c, []core.Input{in})
		out[i] = m[0]
		c = m[0].Continuation
	}
	return out
}

// TestMerkleizeInputsErrors: unknown or wrong continuations are errors;
// inputs that match nothing are left for computeTransaction to reject;
// already merkleized inputs and plain cases pass through.
func TestMerkleizeInputsErrors(t *testing.T) {
	e := setupEscrow(t, true)
	iv := core.TimeInterval{From: ms(e.w.tip), To: ms(e.w.tip + 100)}
	dep := []core.Input{e.deposit(10 * ada)}

	_, err := MerkleizeInputs(iv, e.datum.State, e.datum.Contract, dep, func([]byte) (core.Contract, bool) { return nil, false })
	var mc *MissingContinuationError
	if !errors.As(err, &mc) || mc.Input != 0 || len(mc.Hash) != 32 {
		t.Fatalf("unknown continuation: %v", err)
	}
	if _, err := MerkleizeInputs(iv, e.datum.State, e.datum.Contract, dep, func([]byte) (core.Contract, bool) { return core.Close{}, true }); err == nil {
		t.Fatal("a continuation with the wrong hash was accepted")
	}
	// Through ApplyInputs the missing continuation surfaces wrapped.
	e.w.tip += 20
	if _, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: dep,
		Continuations: func([]byte) (core.Contract, bool) { return nil, false }}); !errors.As(err, &mc) {
		t.Fatalf("apply with unknown continuation: %v", err)
	}

	// A deposit of the wrong amount matches no case: unchanged, and the
	// semantics reject it.
	wrong := []core.Input{e.deposit(9 * ada)}
	got, err := MerkleizeInputs(iv, e.datum.State, e.datum.Contract, wrong, ContinuationMap(e.conts))
	if err != nil || got[0].Merkleized {
		t.Fatalf("non-matching input: %+v, %v", got, err)
	}
	var se *SemanticsError
	if _, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: wrong, Continuations: ContinuationMap(e.conts)}); !errors.As(err, &se) {
		t.Fatalf("apply non-matching input: %v", err)
	}

	// Already merkleized inputs are kept as they are; a nil lookup
	// changes nothing.
	pre := merkleizeInputs(t, e.conts, e.datum.Contract, dep)
	got, err = MerkleizeInputs(iv, e.datum.State, e.datum.Contract, pre, nil)
	if err != nil || !got[0].Merkleized || !bytes.Equal(got[0].Hash, pre[0].Hash) {
		t.Fatalf("pre-merkleized input: %+v, %v", got, err)
	}
	got, err = MerkleizeInputs(iv, e.datum.State, e.datum.Contract, dep, nil)
	if err != nil || got[0].Merkleized {
		t.Fatalf("nil lookup: %+v, %v", got, err)
	}

	// A plain (unmerkleized) contract gets plain inputs back.
	plain := setupEscrow(t, false)
	got, err = MerkleizeInputs(iv, plain.datum.State, plain.datum.Contract, []core.Input{plain.deposit(10 * ada)}, ContinuationMap(e.conts))
	if err != nil || got[0].Merkleized {
		t.Fatalf("plain contract: %+v, %v", got, err)
	}
}

// TestOpenRoleMerkleized: a deep-merkleized open-role contract driven by
// plain inputs; the open-role release and the merkleized continuation
// travel in the same transaction.
func TestOpenRoleMerkleized(t *testing.T) {
	contract, conts, err := core.Merkleize(openRoleContract(4*ada, ms(50_000), ms(60_000)))
	if err != nil {
		t.Fatal(err)
	}
	o := setupOpenRole(t, contract, "")
	o.w.tip += 20
	r, err := ApplyInputs(o.w.env(1), ApplyRequest{Contract: &o.ctr, Datum: o.datum, Inputs: []core.Input{buyerDeposit(4 * ada)},
		OpenRoles: o.w.l.at(o.openAddr), Continuations: ContinuationMap(conts)})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Inputs[0].Merkleized || len(r.OpenRoles) != 1 {
		t.Fatalf("inputs %+v, open roles %v", r.Inputs, r.OpenRoles)
	}
	o.w.submit(t, r.Result)
	o.datum = core.MarloweData{Params: o.datum.Params, State: r.Output.State, Contract: r.Output.Contract}
	o.ctr = o.w.l.utxos[*r.Continuation]
	o.w.tip += 20
	r, err = ApplyInputs(o.w.env(1), ApplyRequest{Contract: &o.ctr, Datum: o.datum, Inputs: []core.Input{{Content: core.INotify{}}}, Continuations: ContinuationMap(conts)})
	if err != nil {
		t.Fatal(err)
	}
	o.w.submit(t, r.Result)
	if r.Continuation != nil {
		t.Fatal("contract should close")
	}
}
