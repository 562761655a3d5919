package extract

import (
	"encoding/hex"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

func newFilter() *Filter {
	return New(registry.New()).NewFilter()
}

func mustCBOR(t testing.TB, tx *txtest.Tx) []byte {
	t.Helper()
	b, err := tx.CBOR()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFilterMainnet: none of the real mainnet blocks (no Marlowe in them)
// passes the filter, and each passes once one of its inputs' transactions
// is tracked: the filter can say both things about real blocks.
func TestFilterMainnet(t *testing.T) {
	f := newFilter()
	for _, mb := range loadMainnetBlocks(t) {
		raw := mb.block.Cbor()
		if f.MayHoldStep(raw) {
			t.Errorf("%s: passes the filter with nothing tracked", mb.file)
		}
		var in *TxOutRef
		for _, tx := range mb.block.Transactions() {
			for _, i := range tx.Inputs() {
				in = &TxOutRef{TxID: registry.TxID(i.Id()), Index: i.Index()}
			}
		}
		if in == nil || mb.file == "byron_block.hex" {
			continue // Byron inputs are not Shelley-shaped byte strings
		}
		g := newFilter()
		g.Apply(Delta{Add: []Entry{{Kind: EntryPayout, Ref: *in}}})
		if !g.MayHoldStep(raw) {
			t.Errorf("%s: spends tracked %s but fails the filter", mb.file, in)
		}
	}
}

// TestFilterSteps: every kind of Marlowe transaction passes the filter
// with the tracked set of the moment, and an unrelated payment does not.
func TestFilterSteps(t *testing.T) {
	c := newChain(t)
	f := newFilter()
	check := func(name string, tx *txtest.Tx) {
		t.Helper()
		if !f.MayHoldStep(mustCBOR(t, tx)) {
			t.Fatalf("%s: fails the filter", name)
		}
		ev := c.run(tx)
		f.Apply(ev.Delta())
	}
	l := newLifecycle(t, c, registry.V5, semanticsAddr(t, registry.V5), 1)
	// The creation went through newLifecycle; track it.
	if err := f.Reset(func(yield func(TxOutRef) error) error {
		for _, e := range c.utxo.Entries() {
			if err := yield(e.Ref); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if f.Tracked() == 0 {
		t.Fatal("creation left nothing tracked")
	}
	dep, _ := l.deposit(t)
	check("deposit", dep)
	cl, _ := l.notify(t)
	check("close with payouts", cl)

	pay := &txtest.Tx{Inputs: []TxOutRef{fundingRef(9)}, Outputs: []txtest.Output{{Address: walletAddr(), Lovelace: 3_000_000}}, Fee: 170_000}
	if f.MayHoldStep(mustCBOR(t, pay)) {
		t.Fatal("an unrelated payment passes the filter")
	}
	for _, v := range []registry.Version{registry.V1, registry.V2, registry.V3, registry.V4, registry.V5} {
		create := mustBuild(t, txtest.Create{
			Funding:   []TxOutRef{fundingRef(1)},
			Contracts: []txtest.MarloweOutput{{Address: semanticsAddr(t, v), Datum: initialDatum(t, twoRoleContract()), Lovelace: 2_000_000}},
		})
		if !f.MayHoldStep(mustCBOR(t, create)) {
			t.Fatalf("creation at the %s validator fails the filter", v)
		}
	}
}

// TestFilterEncodings: byte strings are found however they are encoded;
// damaged CBOR is a possible match; counts survive add/remove.
func TestFilterEncodings(t *testing.T) {
	f := newFilter()
	set := scriptSetOf(t, registry.V5)
	h := set.Semantics.Hash[:]
	addr := append([]byte{0x71}, h...)
	id, other := fundingRef(4).TxID, fundingRef(5).TxID
	f.Apply(Delta{Add: []Entry{{Ref: TxOutRef{TxID: id, Index: 0}}, {Ref: TxOutRef{TxID: id, Index: 1}}}})
	hexs := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cat := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		raw  []byte
		want bool
	}{
		{"address", cat(hexs("82011a"), hexs("581d"), addr), true},
		{"bare hash", cat(hexs("a1"), hexs("00581c"), h), true},
		{"payout hash", cat(hexs("581d71"), set.Payout.Hash[:]), true},
		{"non-minimal length", cat(hexs("59001d"), addr), true},
		{"chunked address", cat(hexs("5f4571"), h[:4], hexs("5818"), h[4:], hexs("ff")), true},
		{"tracked id", cat(hexs("8182"), hexs("5820"), id[:], hexs("00")), true},
		{"hash inside text is not a byte string", cat(hexs("781d"), addr), false},
		{"other id", cat(hexs("5820"), other[:]), false},
		{"truncated", cat(hexs("5820"), id[:10]), true},
		{"reserved head", hexs("1c"), true},
		{"empty", nil, false},
	} {
		if got := f.MayHoldStep(tc.raw); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	f.Apply(Delta{Remove: []TxOutRef{{TxID: id, Index: 0}}})
	if !f.MayHoldStep(cat(hexs("5820"), id[:])) {
		t.Fatal("id forgotten while one of its outputs is still tracked")
	}
	f.Apply(Delta{Remove: []TxOutRef{{TxID: id, Index: 1}}})
	if f.MayHoldStep(cat(hexs("5820"), id[:])) || f.Tracked() != 0 {
		t.Fatal("id still matches after its last output was removed")
	}
}

// FuzzFilter: any input is answered without panic, and wrapping a tracked
// id as a byte string in an array with the input always matches.
func FuzzFilter(f *testing.F) {
	f.Add([]byte{0x82, 0x01, 0x02})
	f.Add([]byte{0x5f, 0x41, 0x00, 0xff})
	f.Add([]byte{0x9f, 0x5f, 0xff})
	id := fundingRef(7).TxID
	f.Fuzz(func(t *testing.T, b []byte) {
		flt := newFilter()
		flt.MayHoldStep(b)
		flt.Apply(Delta{Add: []Entry{{Ref: TxOutRef{TxID: id}}}})
		item := append([]byte{0x82, 0x58, 0x20}, id[:]...)
		if !flt.MayHoldStep(append(item, b...)) {
			t.Fatal("tracked id at the start not found")
		}
	})
}
