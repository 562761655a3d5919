package extract

import (
	"testing"

	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// fuzzSeeds are transactions of every shape the recogniser handles, built
// from the shared material: creations of reference-trace states, apply
// transactions rebuilt from the smaller validator benchmarks, and a
// lifecycle (deposit, close with payouts, withdrawal, merkleized input).
func fuzzSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var seeds [][]byte
	add := func(tx *txtest.Tx) {
		raw, err := tx.CBOR()
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, raw)
	}
	c := newChain(tb)
	l := newLifecycle(tb, c, registry.V5, semanticsAddr(tb, registry.V5), 1)
	dep, _ := l.deposit(tb)
	add(dep)
	c.run(dep)
	cl, _ := l.notify(tb)
	add(cl)
	ev := c.run(cl)
	p := ev.Applied.Payouts[0]
	add(mustBuild(tb, txtest.Withdraw{Payouts: []TxOutRef{p.Output.Ref}, Datums: []core.PayoutDatum{p.Datum}, Funding: []TxOutRef{fundingRef(5)}}))
	create := mustBuild(tb, txtest.Create{
		Funding:   []TxOutRef{fundingRef(9)},
		Contracts: []txtest.MarloweOutput{{Address: semanticsAddr(tb, registry.V3), Datum: initialDatum(tb, twoRoleContract()), Lovelace: 2_000_000, Inline: true}},
		Metadata:  marloweMetadataV2(tb),
	})
	add(create)
	create.Invalid = true
	add(create)
	sem, _ := loadBenchmarks(tb)
	for _, b := range sem {
		if len(b.Raw) > 16_000 {
			continue
		}
		ct, err := rebuild(b)
		if err != nil {
			tb.Fatal(err)
		}
		add(ct.tx)
		if len(seeds) > 25 {
			break
		}
	}
	return seeds
}

// fuzzView tracks the inputs of tx as Marlowe outputs of every kind, so that
// arbitrary transactions reach the apply-inputs and withdrawal paths: input
// i is a contract (at output 0's address when there is one), a payout, or a
// foreign output, by i mod 3.
func fuzzView(tx lcommon.Transaction) *MemUTxO {
	set := registry.New().Current()
	v := NewMemUTxO(nil)
	var addr []byte
	if outs := tx.Outputs(); len(outs) > 0 {
		addr = rawAddress(outs[0])
	}
	for i, in := range tx.Inputs() {
		ref := TxOutRef{TxID: registry.TxID(in.Id()), Index: in.Index()}
		switch i % 3 {
		case 0:
			v.Add(Entry{Kind: EntryContract, Ref: ref, ScriptHash: set.Semantics.Hash, Version: set.Version,
				ContractID: ref, PayoutHash: set.Payout.Hash, Address: addr})
		case 1:
			v.Add(Entry{Kind: EntryPayout, Ref: ref, ScriptHash: set.Payout.Hash, Version: set.Version,
				ContractID: TxOutRef{Index: uint32(i)}, Role: core.PayoutDatum{Role: "r"}})
		default:
			v.Add(Entry{Kind: EntryForeign, Ref: ref, ScriptHash: set.Semantics.Hash, Version: set.Version})
		}
	}
	return v
}

// FuzzExtract feeds arbitrary bytes as a transaction. Whatever gouroboros
// decodes (as Conway or Babbage) must go through extraction without a panic
// or an error, and the Delta may only remove the transaction's inputs (or
// collateral return bookkeeping) and add its own outputs.
func FuzzExtract(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	x := New(registry.New())
	f.Fuzz(func(t *testing.T, raw []byte) {
		var tx lcommon.Transaction
		if c, err := conway.NewConwayTransactionFromCbor(raw); err == nil {
			tx = c
		} else if b, err := babbage.NewBabbageTransactionFromCbor(raw); err == nil {
			tx = b
		} else {
			return
		}
		view := fuzzView(tx)
		ev, err := x.Tx(tx, 0, view)
		if err != nil {
			t.Fatalf("extract: %v", err)
		}
		id := registry.TxID(tx.Hash())
		inputs := map[TxOutRef]bool{}
		for _, in := range tx.Inputs() {
			inputs[TxOutRef{TxID: registry.TxID(in.Id()), Index: in.Index()}] = true
		}
		d := ev.Delta()
		for _, r := range d.Remove {
			if !inputs[r] {
				t.Fatalf("delta removes %s, not an input", r)
			}
		}
		for _, e := range d.Add {
			if e.Ref.TxID != id {
				t.Fatalf("delta adds %s, not an output of %s", e.Ref, id)
			}
		}
		if _, err := x.Block(BlockHeader{}, []lcommon.Transaction{tx, tx}, view); err != nil {
			t.Fatalf("block: %v", err)
		}
	})
}
