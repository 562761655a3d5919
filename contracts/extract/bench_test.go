package extract

import (
	"testing"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Per-transaction extraction cost on already-decoded transactions (decoding
// is the chain follower's cost, measured there).

func benchTx(b *testing.B, tx lcommon.Transaction, view UTxO, check func(TxEvents) bool) {
	x := New(registry.New())
	ev, err := x.Tx(tx, 0, view)
	if err != nil || !check(ev) {
		b.Fatalf("unexpected extraction: %+v %v", ev, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Tx(tx, 0, view); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTxMainnet: every transaction of the seven real mainnet blocks,
// none of them Marlowe: the cost the indexer pays on every transaction of
// a block it decodes. Reported per transaction.
func BenchmarkTxMainnet(b *testing.B) {
	var txs []lcommon.Transaction
	for _, mb := range loadMainnetBlocks(b) {
		txs = append(txs, mb.block.Transactions()...)
	}
	x := New(registry.New())
	view := NewMemUTxO(nil)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, tx := range txs {
			if ev, err := x.Tx(tx, 0, view); err != nil || !ev.Empty() {
				b.Fatal(err)
			}
		}
		n += len(txs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/tx")
}

// BenchmarkTxCreate: a Runtime-shaped creation (datum by hash, metadata).
func BenchmarkTxCreate(b *testing.B) {
	tx := mustBuild(b, txtest.Create{
		Funding:   []TxOutRef{fundingRef(1), fundingRef(2)},
		Contracts: []txtest.MarloweOutput{{Address: semanticsAddr(b, registry.V5), Datum: initialDatum(b, twoRoleContract()), Lovelace: 2_000_000}},
		Other:     []txtest.Output{{Address: walletAddr(), Lovelace: 5_000_000}},
		Metadata:  marloweMetadataV2(b),
	})
	benchTx(b, decode(b, tx), NewMemUTxO(nil), func(ev TxEvents) bool { return len(ev.Created) == 1 })
}

// BenchmarkTxApply: a deposit with a continuing output.
func BenchmarkTxApply(b *testing.B) {
	c := newChain(b)
	l := newLifecycle(b, c, registry.V5, semanticsAddr(b, registry.V5), 1)
	tx, _ := l.deposit(b)
	benchTx(b, decode(b, tx), c.utxo, func(ev TxEvents) bool { return ev.Applied != nil && !ev.Applied.Closed() })
}

// BenchmarkTxClose: a close with two role payouts.
func BenchmarkTxClose(b *testing.B) {
	c := newChain(b)
	l := newLifecycle(b, c, registry.V5, semanticsAddr(b, registry.V5), 1)
	dep, _ := l.deposit(b)
	c.run(dep)
	tx, _ := l.notify(b)
	benchTx(b, decode(b, tx), c.utxo, func(ev TxEvents) bool { return ev.Applied != nil && len(ev.Applied.Payouts) == 2 })
}

// BenchmarkTxWithdraw: a withdrawal of one payout.
func BenchmarkTxWithdraw(b *testing.B) {
	c := newChain(b)
	l := newLifecycle(b, c, registry.V5, semanticsAddr(b, registry.V5), 1)
	dep, _ := l.deposit(b)
	c.run(dep)
	cl, _ := l.notify(b)
	p := c.run(cl).Applied.Payouts[0]
	tx := mustBuild(b, txtest.Withdraw{Payouts: []TxOutRef{p.Output.Ref}, Datums: []core.PayoutDatum{p.Datum}, Funding: []TxOutRef{fundingRef(3)}})
	benchTx(b, decode(b, tx), c.utxo, func(ev TxEvents) bool { return ev.Withdrawn != nil })
}
