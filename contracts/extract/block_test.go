package extract

import (
	"errors"
	"strings"
	"testing"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// TestBlockIntraDependencies: one block holding a whole lifecycle (create,
// deposit, close with payouts, withdraw) with unrelated transactions in
// between yields every step, in block order, from a base view that knows
// nothing; the base is not written; applying the deltas in order gives the
// same tracked set as running the transactions one by one.
func TestBlockIntraDependencies(t *testing.T) {
	// Build the transactions with a scratch chain (that is how their
	// references are known), then replay them as one block. createTx is
	// byte-identical to the creation newLifecycle ran, so it has the same
	// id and the deposit spends its output.
	scratch := newChain(t)
	v := registry.V5
	l := newLifecycle(t, scratch, v, semanticsAddr(t, v), 1)
	createTx := mustBuild(t, txtest.Create{
		Funding:   []TxOutRef{fundingRef(1)},
		Contracts: []txtest.MarloweOutput{{Address: l.addr, Datum: initialDatum(t, twoRoleContract()), Lovelace: 2_000_000}},
	})
	depositTx, _ := l.deposit(t)
	scratch.run(depositTx)
	closeTx, _ := l.notify(t)
	ev := scratch.run(closeTx)
	if ev.Applied == nil || len(ev.Applied.Payouts) != 2 {
		t.Fatalf("scratch close: %+v", ev)
	}
	p := ev.Applied.Payouts[1]
	withdrawTx := mustBuild(t, txtest.Withdraw{Payouts: []TxOutRef{p.Output.Ref}, Datums: []core.PayoutDatum{p.Datum}, Funding: []TxOutRef{fundingRef(900)}})
	noise := &txtest.Tx{Inputs: []TxOutRef{fundingRef(901)}, Outputs: []txtest.Output{{Address: walletAddr(), Lovelace: 9}}}

	txs := []lcommon.Transaction{
		decode(t, noise), decode(t, createTx), decode(t, depositTx), decode(t, noise),
		decode(t, closeTx), decode(t, withdrawTx),
	}
	base := NewMemUTxO(nil)
	x := New(registry.New())
	h := BlockHeader{Slot: 42, Number: 7, Hash: [32]byte{1}}
	be, err := x.Block(h, txs, base)
	if err != nil {
		t.Fatal(err)
	}
	if be.Header != h || !be.HasSteps() {
		t.Fatalf("header %+v", be.Header)
	}
	wantIdx := []int{1, 2, 4, 5}
	if len(be.Txs) != len(wantIdx) {
		t.Fatalf("%d transactions reported, want %d", len(be.Txs), len(wantIdx))
	}
	wantIDs := []registry.TxID{mustID(t, createTx), mustID(t, depositTx), mustID(t, closeTx), mustID(t, withdrawTx)}
	for i, ev := range be.Txs {
		if ev.Index != wantIdx[i] || ev.TxID != wantIDs[i] {
			t.Errorf("tx %d: index %d id %s, want %d %s", i, ev.Index, ev.TxID, wantIdx[i], wantIDs[i])
		}
	}
	if len(be.Txs[0].Created) != 1 || be.Txs[1].Applied == nil || be.Txs[1].Applied.Closed() ||
		be.Txs[2].Applied == nil || !be.Txs[2].Applied.Closed() || be.Txs[3].Withdrawn == nil {
		t.Fatalf("steps: %+v", be.Txs)
	}
	if len(base.Entries()) != 0 || len(base.Removed()) != 0 {
		t.Error("Block wrote to its base view")
	}
	// The deltas applied in order give what the scratch chain has, minus
	// the scratch chain's own first contract and the withdrawn payout.
	final := NewMemUTxO(nil)
	for _, ev := range be.Txs {
		final.Apply(ev.Delta())
	}
	got := final.Entries()
	want, ok := lookup(t, scratch.utxo, ev.Applied.Payouts[0].Output.Ref)
	if !ok || len(got) != 1 || got[0].Kind != EntryPayout || !got[0].Equal(want) {
		t.Errorf("final tracked set %+v, want %+v", got, want)
	}
}

// TestBlockCreateThenApplyVisible: a transaction later in the block that
// spends an output created earlier sees it only because of the overlay.
// Extracted alone against the same (empty) base, the apply transaction is
// no step and, its input being unknown, its continuing output even looks
// like a creation: the recogniser is exact only over a complete tracked
// set, which is why foreign outputs are tracked at all.
func TestBlockCreateThenApplyVisible(t *testing.T) {
	scratch := newChain(t)
	l := newLifecycle(t, scratch, registry.V1, semanticsAddr(t, registry.V1), 3)
	createTx := mustBuild(t, txtest.Create{
		Funding:   []TxOutRef{fundingRef(3)},
		Contracts: []txtest.MarloweOutput{{Address: l.addr, Datum: initialDatum(t, twoRoleContract()), Lovelace: 2_000_000}},
	})
	depositTx, _ := l.deposit(t)
	x := New(registry.New())
	alone, err := x.Tx(decode(t, depositTx), 0, NewMemUTxO(nil))
	if err != nil || alone.Applied != nil || len(alone.Created) != 1 {
		t.Fatalf("apply alone: %+v %v", alone, err)
	}
	be, err := x.Block(BlockHeader{}, []lcommon.Transaction{decode(t, createTx), decode(t, depositTx)}, NewMemUTxO(nil))
	if err != nil || len(be.Txs) != 2 || be.Txs[1].Applied == nil || len(be.Txs[1].Created) != 0 {
		t.Fatalf("block: %+v %v", be, err)
	}
}

type failingUTxO struct{}

func (failingUTxO) Lookup(TxOutRef) (Entry, bool, error) {
	return Entry{}, false, errors.New("disk on fire")
}

// TestStoreErrorsPropagate: a failing store is the only error source, and
// it is reported with context; nil arguments are errors, not panics.
func TestStoreErrorsPropagate(t *testing.T) {
	x := New(registry.New())
	tx := decode(t, &txtest.Tx{Inputs: []TxOutRef{fundingRef(1)}, Outputs: []txtest.Output{{Address: walletAddr(), Lovelace: 1}}})
	if _, err := x.Block(BlockHeader{Number: 9}, []lcommon.Transaction{tx}, failingUTxO{}); err == nil {
		t.Fatal("store error swallowed")
	} else if want := "disk on fire"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "block 9") {
		t.Errorf("error %q lacks context", err)
	}
	if _, err := x.Tx(nil, 0, NewMemUTxO(nil)); err == nil {
		t.Error("nil transaction accepted")
	}
	if _, err := x.Tx(tx, 0, nil); err == nil {
		t.Error("nil view accepted")
	}
	if _, err := x.Block(BlockHeader{}, []lcommon.Transaction{nil}, NewMemUTxO(nil)); err == nil {
		t.Error("nil transaction in block accepted")
	}
	if _, err := x.LedgerBlock(nil, NewMemUTxO(nil)); err == nil {
		t.Error("nil block accepted")
	}
}
