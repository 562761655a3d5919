package core

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// benchmarkSeeds returns the distinct datums and redeemers of the semantics
// benchmark files, skipping datums over maxDatum bytes (huge seeds slow the
// mutator down without adding structure).
func benchmarkSeeds(tb testing.TB, maxDatum int) [][]byte {
	tb.Helper()
	files, err := filepath.Glob(shared.Path(tb, "marlowe", "benchmarks", "semantics", "*.benchmark"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no benchmark files: %v", err)
	}
	seen := map[string]bool{}
	var seeds [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		parts := benchmarkParts(tb, raw)
		for i, p := range parts[:2] {
			if i == 0 && len(p) > maxDatum {
				continue
			}
			if !seen[string(p)] {
				seen[string(p)] = true
				seeds = append(seeds, p)
			}
		}
	}
	return seeds
}

// roundTrip checks the typed codec for T on input that decodes generically
// to canonical encoding canon: a successful typed decode must re-encode to
// exactly canon (no information lost or invented) and be stable.
func roundTrip[T any](t *testing.T, in, canon []byte) {
	v, err := DecodeData[T](in)
	if err != nil {
		return
	}
	enc, err := EncodeData(v)
	if err != nil {
		t.Fatalf("%T decoded but does not encode: %v", v, err)
	}
	if !bytes.Equal(enc, canon) {
		t.Fatalf("%T re-encodes to %x, canonical form is %x", v, enc, canon)
	}
	v2, err := DecodeData[T](enc)
	if err != nil {
		t.Fatalf("%T: own encoding rejected: %v", v, err)
	}
	if enc2, err := EncodeData(v2); err != nil || !bytes.Equal(enc2, enc) {
		t.Fatalf("%T: unstable encoding (%v)", v, err)
	}
}

func FuzzDecodeData(f *testing.F) {
	for _, s := range benchmarkSeeds(f, 16<<10) {
		f.Add(s)
	}
	for _, s := range []string{
		"d87980", "80", "9f01ff", "a10102", "c249010000000000000000", "d866821903e89f40ff",
		"5f41014102ff", "9b4000000000000000", "d8799f581c1b9af43b0eaafc42dfaefbbf4e71437af45454c7292a6b66063637414141ff",
	} {
		f.Add(mustHex(f, s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		pd, err := DecodePlutusData(in)
		if err != nil {
			if _, err := DecodeData[MarloweData](in); err == nil {
				t.Fatal("typed decode accepted what the generic decoder rejects")
			}
			return
		}
		canon, err := EncodePlutusData(pd)
		if err != nil {
			t.Fatalf("decoded but does not encode: %v", err)
		}
		pd2, err := DecodePlutusData(canon)
		if err != nil {
			t.Fatalf("own encoding rejected: %v", err)
		}
		if canon2, err := EncodePlutusData(pd2); err != nil || !bytes.Equal(canon2, canon) {
			t.Fatalf("unstable encoding: %x vs %x (%v)", canon2, canon, err)
		}
		roundTrip[MarloweData](t, in, canon)
		roundTrip[Redeemer](t, in, canon)
		roundTrip[Contract](t, in, canon)
		roundTrip[State](t, in, canon)
		roundTrip[PayoutDatum](t, in, canon)
		roundTrip[Party](t, in, canon)
	})
}
