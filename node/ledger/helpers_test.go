package ledger

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"math/big"
	"slices"
	"testing"
	"time"

	gledger "github.com/blinklabs-io/gouroboros/ledger"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

// testStart and testEras are a devnet-like clock (1 s slots from a 2020
// system start); testNow is a fixed wall clock 1,000 days later.
var testStart = time.UnixMilli(1_591_566_291_000).UTC()

func testEras() []slottime.Era {
	return []slottime.Era{{Start: slottime.Bound{Time: new(big.Int)}, EpochLength: 432_000, SlotLengthMs: 1000,
		SafeZone: 129_600, GenesisWindow: 36_000}}
}

func testNow() time.Time { return testStart.Add(1000 * 24 * time.Hour) }

// newTestLedger builds a ledger with the shared v5 scripts and a fixed
// clock.
func newTestLedger(t *testing.T, seed uint64) *Ledger {
	t.Helper()
	l, err := New(Config{Seed: seed, ScriptsDir: shared.Path(t, "marlowe", "scripts"),
		SystemStart: testStart, Eras: testEras(), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// walletRefs are a wallet's chain UTxOs, ordered.
func walletRefs(t *testing.T, l *Ledger, w Wallet) []registry.TxOutRef {
	t.Helper()
	var refs []registry.TxOutRef
	for _, u := range l.UTxOsAt(w.Address) {
		refs = append(refs, u.Ref)
	}
	if len(refs) == 0 {
		t.Fatalf("wallet %d has no UTxO", w.Index)
	}
	return refs
}

// lovelaceOf is the lovelace of the chain UTxO at ref.
func lovelaceOf(t *testing.T, l *Ledger, ref registry.TxOutRef) uint64 {
	t.Helper()
	u, ok := l.UTxO(ref)
	if !ok {
		t.Fatalf("no UTxO %s", ref)
	}
	o, err := gledger.NewTransactionOutputFromCbor(u.Output)
	if err != nil {
		t.Fatal(err)
	}
	return o.Amount().Uint64()
}

// assemble writes [body, witnesses, is_valid, aux] from a txtest
// transaction, with extra body fields (e.g. 11: script data hash) merged
// in key order.
func assemble(t *testing.T, tx *txtest.Tx, extra map[uint64][]byte) []byte {
	t.Helper()
	body, err := tx.Body()
	if err != nil {
		t.Fatal(err)
	}
	if len(extra) > 0 {
		entries, err := mapEntries(body)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range extra {
			entries = append(entries, [2]cbor.RawMessage{cborhead.Append(nil, 0, k), v})
		}
		slices.SortStableFunc(entries, func(a, b [2]cbor.RawMessage) int { return bytes.Compare(a[0], b[0]) })
		body = cborhead.Append(nil, 5, uint64(len(entries)))
		for _, e := range entries {
			body = append(append(body, e[0]...), e[1]...)
		}
	}
	wits, err := tx.Witnesses()
	if err != nil {
		t.Fatal(err)
	}
	valid := []byte{0xf5}
	if tx.Invalid {
		valid = []byte{0xf4}
	}
	out := cborhead.Append(nil, 4, 4)
	for _, p := range [][]byte{body, wits, valid, {0xf6}} {
		out = append(out, p...)
	}
	return out
}

// scriptDataHash computes the script integrity hash of a txtest
// transaction the way the ledger does: redeemers, datums and the
// language views of the Plutus versions used (V2 when plutus is set).
func scriptDataHash(t *testing.T, tx *txtest.Tx, pp map[uint][]int64, plutus bool) []byte {
	t.Helper()
	wits, err := tx.Witnesses()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := mapEntries(wits)
	if err != nil {
		t.Fatal(err)
	}
	redeemers, datums := []byte{0xa0}, []byte(nil)
	for _, e := range entries {
		switch {
		case bytes.Equal(e[0], []byte{0x05}):
			redeemers = e[1]
		case bytes.Equal(e[0], []byte{0x04}):
			datums = e[1]
		}
	}
	used := map[uint]struct{}{}
	if plutus {
		used[costModelV2] = struct{}{}
	}
	views, err := lcommon.EncodeLangViews(used, pp)
	if err != nil {
		t.Fatal(err)
	}
	h := blake2b.Sum256(slices.Concat(redeemers, datums, views))
	b, err := cbor.Marshal(h[:])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signed assembles and signs tx.
func signed(t *testing.T, tx *txtest.Tx, extra map[uint64][]byte, keys ...ed25519.PrivateKey) []byte {
	t.Helper()
	raw, err := SignTx(assemble(t, tx, extra), keys...)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// reasonOf decodes a rejection's wire reason as a gouroboros client does
// and returns the innermost failures.
func reasonOf(t *testing.T, err error) []error {
	t.Helper()
	var r *Rejected
	if !errors.As(err, &r) {
		t.Fatalf("want a *Rejected, got %T: %v", err, err)
	}
	dec, derr := gledger.NewTxSubmitErrorFromCbor(r.Reason.CBOR)
	if derr != nil {
		t.Fatalf("reason %x does not decode: %v", r.Reason.CBOR, derr)
	}
	v, ok := dec.(*gledger.ShelleyTxValidationError)
	if !ok {
		return []error{dec}
	}
	var out []error
	for _, f := range v.Err.Failures {
		switch f := f.(type) {
		case *gledger.UtxowFailure:
			if u, ok := f.Err.(*gledger.UtxoFailure); ok {
				out = append(out, u.Err)
			} else {
				out = append(out, f.Err)
			}
		default:
			out = append(out, f)
		}
	}
	return out
}
