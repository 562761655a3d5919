package binary

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// fuzzSeeds adds the spec's primitive examples and the payloads (after the
// tag byte) of a sample of golden vectors, which are full of Integers,
// Texts and lists at varied offsets.
func fuzzSeeds(f *testing.F) {
	for _, h := range []string{
		"0000000001", "0101000000000000000500 10a5d4e8", "01ff00000000000000050010a5d4e8",
		"0000000000000002c3a9", "0000000000000001c3a9", "00000000000000020001 0002",
		"7fffffffffffffff", "ffffffffffffffff", "",
	} {
		f.Add(unhex(f, h))
	}
	// The golden parser lives in a package that depends on this one, so the
	// Binary lines are picked out directly.
	for _, name := range []string{"MarloweHeaderSync", "MarloweLoad", "MarloweTransfer"} {
		raw, err := os.ReadFile(shared.Path(f, "protocol", "golden", name+".golden"))
		if err != nil {
			f.Fatal(err)
		}
		i := 0
		for _, line := range strings.Split(string(raw), "\n") {
			h, ok := strings.CutPrefix(line, "Binary: ")
			if !ok {
				continue
			}
			if b, err := hex.DecodeString(h); err == nil && i%7 == 0 && len(b) > 1 {
				f.Add(b[1:])
			}
			i++
		}
	}
}

// checkPrefix asserts the fuzz property: a successful decode re-encodes to
// exactly the bytes it consumed.
func checkPrefix(t *testing.T, in []byte, d *Decoder, e *Encoder) {
	t.Helper()
	out, err := e.Result()
	if err != nil {
		t.Fatalf("re-encoding a decoded value failed: %v", err)
	}
	if !bytes.Equal(out, in[:d.Offset()]) {
		t.Fatalf("re-encoding %x differs from consumed input %x", out, in[:d.Offset()])
	}
}

func FuzzInteger(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(in)
		n, err := d.Integer()
		if err != nil {
			return
		}
		e := NewEncoder(nil)
		e.PutInteger(n)
		checkPrefix(t, in, d, e)
		d2 := NewDecoder(in)
		if m, err := d2.Natural(); err == nil {
			e2 := NewEncoder(nil)
			e2.PutNatural(m)
			checkPrefix(t, in, d2, e2)
		}
	})
}

func FuzzText(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(in)
		s, err := d.Text()
		if err != nil {
			return
		}
		e := NewEncoder(nil)
		e.PutText(s)
		checkPrefix(t, in, d, e)
	})
}

func FuzzCharString(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(in)
		s, err := d.CharString()
		if err != nil {
			return
		}
		e := NewEncoder(nil)
		e.PutCharString(s)
		checkPrefix(t, in, d, e)
	})
}

// FuzzList decodes a list of Maybe Integer followed by a Set of Text and a
// Map of u64 to Bool, exercising the count checks and order verification.
func FuzzList(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(in)
		xs, err := DecodeList(d, func(d *Decoder) (**big.Int, error) {
			return DecodeOptional(d, (*Decoder).Integer)
		})
		if err != nil {
			return
		}
		e := NewEncoder(nil)
		EncodeList(e, xs, func(e *Encoder, p **big.Int) { EncodeOptional(e, p, (*Encoder).PutInteger) })
		checkPrefix(t, in, d, e)
		set, err := DecodeSet(d, strings.Compare, (*Decoder).Text)
		if err != nil {
			return
		}
		EncodeSet(e, set, strings.Compare, (*Encoder).PutText)
		checkPrefix(t, in, d, e)
		m, err := DecodeMapPairs(d, cmp.Compare[uint64], (*Decoder).U64, (*Decoder).Bool)
		if err != nil {
			return
		}
		EncodeMapPairs(e, m, cmp.Compare[uint64], (*Encoder).PutU64, (*Encoder).PutBool)
		checkPrefix(t, in, d, e)
	})
}
