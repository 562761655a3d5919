package devnet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/node/ledger"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

func startValidating(t *testing.T, lc LedgerConfig, interval time.Duration) (*Devnet, *n2c.Client) {
	t.Helper()
	sock := socket(t)
	lc.ScriptsDir = shared.Path(t, "marlowe", "scripts")
	d, err := Start(context.Background(), Config{Seed: 12, Contracts: 5, Blocks: 50, Interval: interval, Ledger: &lc}, sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	cl, err := n2c.NewClient(n2c.Config{Magic: d.Magic(), Address: sock, HandshakeTimeout: 5 * time.Second, QueryTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return d, cl
}

func address(t *testing.T, raw []byte) lcommon.Address {
	t.Helper()
	a, err := lcommon.NewAddressFromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestValidatingPayment: a payment between two devnet wallets, signed
// with the wallet's key file, submitted over the node socket, is accepted,
// appears in the next forged block and moves the funds as seen by
// local-state-query; a double spend of it is refused with a typed reason.
func TestValidatingPayment(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	d, cl := startValidating(t, LedgerConfig{Wallets: 2, KeysDir: keys}, -1)
	ctx := context.Background()
	l := d.Ledger()
	w1, w2 := l.Wallets()[0], l.Wallets()[1]

	// The chain starts empty; the node serves the ledger's parameters.
	if tip := d.Node().Tip(); !tip.Point.IsOrigin() {
		t.Fatalf("validating chain starts at %v", tip)
	}
	pp, err := cl.ProtocolParams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cp, ok := pp.(*conway.ConwayProtocolParameters); !ok || cp.MinFeeA != 44 || len(cp.CostModels[1]) != 175 {
		t.Fatalf("protocol parameters %T", pp)
	}
	before, err := cl.UTxOByAddress(ctx, address(t, w1.Address))
	if err != nil || len(before) != ledger.DefaultUTxOsPerWallet {
		t.Fatalf("wallet 1 UTxO over LSQ: %d (%v)", len(before), err)
	}
	in := before[0]
	inLovelace := in.Output.Amount().Uint64()

	skey, err := os.ReadFile(filepath.Join(keys, "wallet1.skey"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := ledger.ParseSigningKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	tx := &txtest.Tx{
		Inputs: []registry.TxOutRef{in.Ref},
		Outputs: []txtest.Output{{Address: w2.Address, Lovelace: 7_000_000},
			{Address: w1.Address, Lovelace: inLovelace - 7_000_000 - 200_000}},
		Fee: 200_000,
	}
	unsigned, err := tx.CBOR()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ledger.SignTx(unsigned, key)
	if err != nil {
		t.Fatal(err)
	}
	// Unsigned: refused with a typed reason.
	var rej *n2c.RejectedError
	if err := cl.SubmitTx(ctx, n2c.TxEraConway, unsigned); !errors.As(err, &rej) || !rej.Has(n2c.RejectMissingWitnesses) {
		t.Fatalf("unsigned transaction: %v", err)
	}
	if err := cl.SubmitTx(ctx, n2c.TxEraConway, raw); err != nil {
		t.Fatalf("submit: %v", err)
	}
	// The same body unsigned, now that its inputs are spent in the
	// mempool: bad inputs.
	if err := cl.SubmitTx(ctx, n2c.TxEraConway, unsigned); !errors.As(err, &rej) || !rej.Has(n2c.RejectBadInputs) {
		t.Fatalf("unsigned copy of a queued transaction: %v", err)
	}
	blk, err := d.Forge()
	if err != nil {
		t.Fatal(err)
	}
	dec, err := blk.Decode()
	if err != nil || len(dec.Transactions()) != 1 {
		t.Fatalf("forged block: %v", err)
	}
	id, _ := tx.ID()
	if registry.TxID(dec.Transactions()[0].Hash()) != id || d.Node().Tip().Point != blk.Point {
		t.Fatal("the payment is not the forged block's transaction")
	}
	got, err := cl.UTxOByAddress(ctx, address(t, w2.Address))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range got {
		if u.Ref == (registry.TxOutRef{TxID: id, Index: 0}) && u.Output.Amount().Uint64() == 7_000_000 {
			found = true
		}
	}
	if !found || len(got) != ledger.DefaultUTxOsPerWallet+1 {
		t.Fatalf("wallet 2 UTxO after the block: %d outputs, payment found %v", len(got), found)
	}
	if spent, err := cl.UTxOByTxIn(ctx, in.Ref); err != nil || len(spent) != 0 {
		t.Fatalf("spent input still served (%v)", err)
	}
	// Spending the same input again: bad inputs.
	tx.Outputs[0].Lovelace++
	tx.Outputs[1].Lovelace--
	again, err := tx.CBOR()
	if err != nil {
		t.Fatal(err)
	}
	if again, err = ledger.SignTx(again, key); err != nil {
		t.Fatal(err)
	}
	if err := cl.SubmitTx(ctx, n2c.TxEraConway, again); !errors.As(err, &rej) || !rej.Has(n2c.RejectBadInputs) {
		t.Fatalf("double spend: %v", err)
	}
	// Another era: refused.
	if err := cl.SubmitTx(ctx, 5, raw); err == nil {
		t.Fatal("a Babbage-era submission was accepted")
	}
}

// TestValidatingTicker: with an interval the validating devnet forges
// (empty) blocks on its own, after the generated history when asked.
func TestValidatingTicker(t *testing.T) {
	d, _ := startValidating(t, LedgerConfig{Wallets: 1, History: true}, 5*time.Millisecond)
	hist := d.History()
	if hist == nil {
		t.Fatal("no history")
	}
	histTip := hist.Blocks[len(hist.Blocks)-1]
	deadline := time.Now().Add(10 * time.Second)
	for d.Node().Tip().BlockNumber < histTip.Number+3 {
		if time.Now().After(deadline) {
			t.Fatalf("tip stuck at %d", d.Node().Tip().BlockNumber)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	checkLinked(t, d.Node().Blocks())
	if _, err := d.ForkHistory(5, 1); err == nil {
		t.Fatal("forked a validating devnet")
	}
}
