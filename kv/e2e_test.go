package kv

import (
	"math/big"
	"testing"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// TestWithRecogniser runs real transactions (built by txtest, decoded by
// gouroboros) through the recogniser with the store as its UTxO view: a
// role contract is created, receives a deposit, closes with two payouts,
// and one payout is withdrawn. Each later step is only recognised because
// Lookup finds the output the store indexed. Rolling back two blocks and
// re-extracting them gives the same store as the straight run.
func TestWithRecogniser(t *testing.T) {
	reg := registry.New()
	set, ok := reg.Set(registry.V1)
	if !ok {
		t.Fatal("no V1 script set")
	}
	semAddr := txtest.EnterpriseScriptAddress(set.Semantics.Hash, txtest.Testnet)
	payAddr := txtest.EnterpriseScriptAddress(set.Payout.Hash, txtest.Testnet)
	roles := core.CurrencySymbol(string(make([]byte, 27)) + "\x07")
	role := func(n string) core.Party { return core.RolePartyOf(core.TokenName(n)) }
	ada := func(n int64) *big.Int { return big.NewInt(n) }

	notify := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}},
		Timeout: ada(2_000_000), Continuation: core.Close{}}
	contract := core.When{Cases: []core.Case{{
		Action: core.Deposit{Into: role("B"), From: role("B"), Token: core.Ada, Amount: core.Constant{N: ada(10_000_000)}},
		Then:   notify,
	}}, Timeout: ada(1_000_000), Continuation: core.Close{}}
	d0 := core.MarloweData{Params: core.MarloweParams{RolesCurrency: roles}, Contract: contract,
		State: core.State{Accounts: []core.AccountEntry{{Account: role("A"), Token: core.Ada, Amount: ada(2_000_000)}}, MinTime: ada(0)}}
	d1 := core.MarloweData{Params: d0.Params, Contract: notify, State: core.State{
		Accounts: []core.AccountEntry{{Account: role("A"), Token: core.Ada, Amount: ada(2_000_000)}, {Account: role("B"), Token: core.Ada, Amount: ada(10_000_000)}},
		MinTime:  ada(10)}}

	funding := func(n byte) registry.TxOutRef { return registry.TxOutRef{TxID: registry.TxID{0xf0, n}} }
	build := func(tx *txtest.Tx, err error) *txtest.Tx {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
	createTx := build(txtest.Create{Funding: []registry.TxOutRef{funding(1)},
		Contracts: []txtest.MarloweOutput{{Address: semAddr, Datum: d0, Lovelace: 2_000_000}}, Fee: 200_000}.Tx())
	id := ref(t, createTx, 0)
	depositTx := build(txtest.Apply{Contract: id, SpentDatum: &d0, Funding: []registry.TxOutRef{funding(2)},
		Inputs:    []core.Input{{Content: core.IDeposit{Into: role("B"), From: role("B"), Token: core.Ada, Amount: ada(10_000_000)}}},
		ValidFrom: 10, ValidTo: 100, Next: &txtest.MarloweOutput{Address: semAddr, Datum: d1, Lovelace: 12_000_000}, Fee: 300_000}.Tx())
	pa, pb := core.PayoutDatum{RolesCurrency: roles, Role: "A"}, core.PayoutDatum{RolesCurrency: roles, Role: "B"}
	closeTx := build(txtest.Apply{Contract: ref(t, depositTx, 0), SpentDatum: &d1, Funding: []registry.TxOutRef{funding(3)},
		Inputs: []core.Input{{Content: core.INotify{}}}, ValidFrom: 20, ValidTo: 200,
		Payouts: []txtest.PayoutOutput{{Address: payAddr, Datum: pa, Lovelace: 2_000_000}, {Address: payAddr, Datum: pb, Lovelace: 10_000_000}},
		Fee:     300_000}.Tx())
	withdrawTx := build(txtest.Withdraw{Payouts: []registry.TxOutRef{ref(t, closeTx, 0)}, Datums: []core.PayoutDatum{pa},
		Funding: []registry.TxOutRef{funding(4)}, Fee: 200_000}.Tx())

	txs := []*txtest.Tx{createTx, depositTx, closeTx, withdrawTx}
	points := make([]chain.Point, len(txs))
	for i := range points {
		points[i] = chain.Point{Slot: uint64(100 * (i + 1)), Hash: chain.Hash{byte(i + 1)}}
	}
	x := extract.New(reg)
	apply := func(s *Store, i int) extract.BlockEvents {
		t.Helper()
		tx, err := txs[i].Conway()
		if err != nil {
			t.Fatal(err)
		}
		h := extract.BlockHeader{Slot: points[i].Slot, Hash: points[i].Hash, Number: uint64(i + 1)}
		ev, err := x.Block(h, []lcommon.Transaction{tx}, s)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ApplyBlock(points[i], h.Number, ev); err != nil {
			t.Fatal(err)
		}
		return ev
	}

	s := openMem(t, 100)
	for i := range txs {
		ev := apply(s, i)
		if len(ev.Txs) != 1 || !ev.Txs[0].HasSteps() {
			t.Fatalf("block %d: recogniser found no step: %+v", i+1, ev.Txs)
		}
	}
	steps, err := s.Steps(id)
	if err != nil {
		t.Fatal(err)
	}
	want := []StepKind{StepCreate, StepApply, StepApply, StepWithdraw}
	if len(steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(steps), len(want))
	}
	for i, st := range steps {
		if st.Kind != want[i] || st.Block.Number != uint64(i+1) {
			t.Fatalf("step %d: %s in block %d", i, st.Kind, st.Block.Number)
		}
	}
	if !steps[2].Closed || len(steps[2].Payouts) != 2 {
		t.Fatalf("closing step: closed=%v payouts=%d", steps[2].Closed, len(steps[2].Payouts))
	}
	av, _ := s.PayoutsOfContract(id, PayoutAvailable)
	wd, _ := s.PayoutsOfContract(id, PayoutWithdrawn)
	if len(av) != 1 || av[0].Role != "B" || len(wd) != 1 || wd[0].Role != "A" || wd[0].WithdrawnIn.Number != 4 {
		t.Fatalf("payouts: available %+v, withdrawn %+v", av, wd)
	}
	for _, p := range []string{"A", "B"} {
		ids, err := s.ContractsByParty(role(p), roles, Page{})
		if err != nil || len(ids) != 1 || ids[0] != id {
			t.Fatalf("party %s: %v %v", p, ids, err)
		}
	}
	if ids, _ := s.ContractsByRolesCurrency(roles, Page{}); len(ids) != 1 {
		t.Fatalf("by roles currency: %v", ids)
	}

	// Roll back the close and the withdrawal: the deposit's output is the
	// contract's current output again; re-extracting gives the same store.
	straight := dumpStore(t, s)
	if err := s.RollBack(points[1]); err != nil {
		t.Fatal(err)
	}
	if e, ok, err := s.Lookup(ref(t, depositTx, 0)); err != nil || !ok || e.Kind != extract.EntryContract {
		t.Fatalf("after rollback, contract output not tracked: %v %v", ok, err)
	}
	if _, ok, _ := s.Lookup(ref(t, closeTx, 1)); ok {
		t.Fatal("after rollback, payout still tracked")
	}
	apply(s, 2)
	apply(s, 3)
	if d := diffIndex(dumpStore(t, s), straight); d != "" {
		t.Fatal(d)
	}
}

func ref(t *testing.T, tx *txtest.Tx, i int) registry.TxOutRef {
	t.Helper()
	r, err := tx.Ref(i)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
