package core

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func bigPow2(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }

func bigAdd(a *big.Int, d int64) *big.Int { return new(big.Int).Add(a, big.NewInt(d)) }

func intPD(n *big.Int) data.PlutusData { return &data.Integer{Inner: n} }

func TestEncodePlutusDataCanonical(t *testing.T) {
	chunk64 := strings.Repeat("ab", 64)
	zeros64 := strings.Repeat("00", 64)
	tests := []struct {
		name string
		pd   data.PlutusData
		want string
	}{
		{"constr 0 empty", data.NewConstr(0), "d87980"},
		{"constr 6", data.NewConstr(6, data.NewInteger(big.NewInt(1))), "d87f9f01ff"},
		{"constr 7", data.NewConstr(7), "d9050080"},
		{"constr 11", data.NewConstr(11), "d9050480"},
		{"constr 127", data.NewConstr(127), "d9057880"},
		{"constr 128 uses tag 102", data.NewConstr(128), "d86682188080"},
		{"constr 1000 uses tag 102", data.NewConstr(1000, data.NewByteString(nil)), "d866821903e89f40ff"},
		{"value-form constr", data.Constr{Tag: 1}, "d87a80"},
		{"empty list definite", data.NewList(), "80"},
		{"list indefinite", data.NewList(data.NewInteger(big.NewInt(1)), data.NewList()), "9f0180ff"},
		{"empty map", data.NewMap(nil), "a0"},
		{"map keeps order", data.NewMap([][2]data.PlutusData{
			{data.NewInteger(big.NewInt(2)), data.NewByteString([]byte{1})},
			{data.NewInteger(big.NewInt(1)), data.NewList()},
		}), "a202410101" + "80"},
		{"int 0", data.NewInteger(big.NewInt(0)), "00"},
		{"int 23", data.NewInteger(big.NewInt(23)), "17"},
		{"int 24", data.NewInteger(big.NewInt(24)), "1818"},
		{"int 256", data.NewInteger(big.NewInt(256)), "190100"},
		{"int 2^32", data.NewInteger(bigPow2(32)), "1b0000000100000000"},
		{"int -1", data.NewInteger(big.NewInt(-1)), "20"},
		{"int -25", data.NewInteger(big.NewInt(-25)), "3818"},
		{"int 2^64-1", data.NewInteger(bigAdd(bigPow2(64), -1)), "1bffffffffffffffff"},
		{"int 2^64 bignum", data.NewInteger(bigPow2(64)), "c249010000000000000000"},
		{"int -2^64", data.NewInteger(new(big.Int).Neg(bigPow2(64))), "3bffffffffffffffff"},
		{"int -2^64-1 bignum", data.NewInteger(bigAdd(new(big.Int).Neg(bigPow2(64)), -1)), "c349010000000000000000"},
		// A 66-byte bignum payload is chunked like any long byte string
		// (plutus-core encodeInteger goes through encodeBs).
		{"int 2^520 chunked", data.NewInteger(bigPow2(520)), "c25f5840" + "01" + zeros64[:126] + "42" + "0000" + "ff"},
		{"int -2^520-1 chunked", data.NewInteger(bigAdd(new(big.Int).Neg(bigPow2(520)), -1)), "c35f5840" + "01" + zeros64[:126] + "42" + "0000" + "ff"},
		{"bytes empty", data.NewByteString(nil), "40"},
		{"bytes 64 definite", data.NewByteString(mustHex(t, chunk64)), "5840" + chunk64},
		{"bytes 65 chunked", data.NewByteString(mustHex(t, chunk64+"cd")), "5f5840" + chunk64 + "41cd" + "ff"},
		{"bytes 128 two chunks", data.NewByteString(mustHex(t, chunk64+chunk64)), "5f5840" + chunk64 + "5840" + chunk64 + "ff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodePlutusData(tt.pd)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != tt.want {
				t.Fatalf("got  %x\nwant %s", got, tt.want)
			}
			back, err := DecodePlutusData(got)
			if err != nil {
				t.Fatalf("decode own encoding: %v", err)
			}
			again, err := EncodePlutusData(back)
			if err != nil || !bytes.Equal(again, got) {
				t.Fatalf("re-encode: %x, %v", again, err)
			}
		})
	}
}

// TestDecodePlutusDataLenient checks that every encoding plutus-core's decoder
// accepts is accepted, and that re-encoding yields the canonical form.
func TestDecodePlutusDataLenient(t *testing.T) {
	tests := []struct{ name, in, canonical string }{
		{"definite constr fields", "d8799f0102ff", "d8799f0102ff"},
		{"definite non-empty field list", "d879820102", "d8799f0102ff"},
		{"indefinite empty field list", "d8799fff", "d87980"},
		{"definite list", "820102", "9f0102ff"},
		{"indefinite empty list", "9fff", "80"},
		{"indefinite map", "bf0102ff", "a10102"},
		{"non-minimal uint", "1b0000000000000005", "05"},
		{"non-minimal nint", "3800", "20"},
		{"non-minimal array head", "9800", "80"},
		{"non-minimal constr tag", "da0000007980", "d87980"},
		{"tag 1280 long head", "da0000050080", "d9050080"},
		{"tag 102 small index", "d866820080", "d87980"},
		{"tag 102 index 7", "d866820780", "d9050080"},
		{"tag 102 indefinite outer", "d8669f0080ff", "d87980"},
		{"tag 102 large index", "d866821b000000010000000080", "d866821b000000010000000080"},
		{"small bignum", "c24101", "01"},
		{"empty bignum", "c240", "00"},
		{"negative small bignum", "c340", "20"},
		{"indefinite bignum payload", "c25f4101ff", "01"},
		{"bignum of exactly 2^64", "c249010000000000000000", "c249010000000000000000"},
		{"indefinite bytes", "5f41014102ff", "420102"},
		{"indefinite bytes no chunks", "5fff", "40"},
		{"indefinite bytes empty chunk", "5f40ff", "40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pd, err := DecodePlutusData(mustHex(t, tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := EncodePlutusData(pd)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != tt.canonical {
				t.Fatalf("got %x, want %s", got, tt.canonical)
			}
		})
	}
}

func TestDecodePlutusDataRejects(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("9f", n) + strings.Repeat("ff", n) }
	tests := []struct{ name, in, want string }{
		{"empty input", "", "unexpected end of input"},
		{"truncated constr", "d8799f", "unexpected end of input"},
		{"truncated head argument", "1b0001", "unexpected end of input in header"},
		{"truncated bytes", "43 0102", "3 bytes but only 2 bytes remain"},
		{"unterminated indefinite list", "9f01", "unexpected end of input"},
		{"unterminated indefinite map", "bf0102", "unexpected end of input"},
		{"map missing value", "a101", "map of 1 pairs but only 1 bytes remain"},
		{"indefinite map missing value", "bf01", "unexpected end of input"},
		{"trailing bytes", "d8798000", "1 trailing bytes at offset 3"},
		{"text string", "6161", "text string"},
		{"float", "f93c00", "simple value or float"},
		{"true", "f5", "simple value or float"},
		{"lone break", "ff", "unexpected break"},
		{"reserved additional info", "1c", "reserved additional information 28"},
		{"indefinite integer", "1f", "indefinite-length integer"},
		{"indefinite tag", "df", "indefinite-length tag"},
		{"definite bytes over 64", "5841" + strings.Repeat("00", 65), "exceeds the 64-byte"},
		{"chunk over 64", "5f5841" + strings.Repeat("00", 65) + "ff", "exceeds the 64-byte"},
		{"nested indefinite chunk", "5f5fffff", "not a definite byte string"},
		{"non-bytes chunk", "5f01ff", "not a definite byte string"},
		{"unknown tag 120", "d87880", "unrecognized tag 120"},
		{"unknown tag 1401", "d9057980", "unrecognized tag 1401"},
		{"long-form tag 2 is not a bignum", "d8024101", "unrecognized tag 2"},
		{"bignum of non-bytes", "c201", "bignum must contain a byte string"},
		{"bignum over 64 bytes", "c25841" + strings.Repeat("01", 65), "exceeds the 64-byte"},
		{"constr fields not an array", "d87901", "constructor fields must be an array"},
		{"constr fields map", "d879a0", "constructor fields must be an array"},
		{"tag 102 three elements", "d86683008000", "has 3 elements, want 2"},
		{"tag 102 one element", "d8668100", "has 1 elements, want 2"},
		{"tag 102 negative index", "d866822080", "index must be an unsigned integer"},
		{"tag 102 not array", "d86600", "tag 102 constructor must be an array"},
		{"tag 102 fields not array", "d866820000", "constructor fields must be an array"},
		{"tag 102 indefinite extra", "d8669f008000ff", "more than 2 elements"},
		{"hostile array length", "9b4000000000000000", "array of 4611686018427387904 items but only 0 bytes remain"},
		{"hostile array length with data", "9b40000000000000000102", "but only 2 bytes remain"},
		{"hostile map length", "bb4000000000000000", "map of 4611686018427387904 pairs"},
		{"hostile bytes length", "5b4000000000000000", "exceeds the 64-byte"},
		{"hostile constr fields", "d8799bffffffffffffffff", "items but only 0 bytes remain"},
		{"too deep", deep(MaxDataDepth + 1), "nesting deeper than 10000"},
		{"too deep constrs", strings.Repeat("d8799f", MaxDataDepth+1), "nesting deeper than 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustHex(t, strings.ReplaceAll(tt.in, " ", ""))
			pd, err := DecodePlutusData(in)
			if err == nil {
				t.Fatalf("accepted %s as %v", tt.in, pd)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
			if _, err := DecodeData[MarloweData](in); err == nil {
				t.Fatal("DecodeData accepted it")
			}
		})
	}
}

func TestDecodePlutusDataDepthBoundary(t *testing.T) {
	nest := func(n int) []byte {
		return mustHex(t, strings.Repeat("d8799f", n-1)+"d87980"+strings.Repeat("ff", n-1))
	}
	for _, bound := range []int{1, 3, 70, MaxDataDepth} {
		if _, err := DecodePlutusDataDepth(nest(bound), bound); err != nil {
			t.Errorf("depth %d at bound %d rejected: %v", bound, bound, err)
		}
		_, err := DecodePlutusDataDepth(nest(bound+1), bound)
		if err == nil || !strings.Contains(err.Error(), "nesting deeper than") {
			t.Errorf("depth %d at bound %d: err = %v", bound+1, bound, err)
		}
	}
	// The encoder refuses what the default decoder would refuse, so every
	// encoding it emits decodes.
	var pd data.PlutusData = data.NewConstr(0)
	for range MaxDataDepth {
		pd = data.NewList(pd)
	}
	if _, err := EncodePlutusData(pd); err == nil || !strings.Contains(err.Error(), "nesting deeper than 10000") {
		t.Fatalf("encoding %d levels: %v", MaxDataDepth+1, err)
	}
}

func TestEncodePlutusDataRejects(t *testing.T) {
	tests := []struct {
		name string
		pd   data.PlutusData
	}{
		{"nil", nil},
		{"nil integer", &data.Integer{}},
		{"nil constr pointer", (*data.Constr)(nil)},
		{"nil item", data.NewList(data.NewConstr(0), nil)},
		{"nil map key", &data.Map{Pairs: [][2]data.PlutusData{{nil, data.NewList()}}}},
		{"nil constr field", &data.Constr{Fields: []data.PlutusData{&data.Integer{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := EncodePlutusData(tt.pd); err == nil {
				t.Fatalf("encoded %x", b)
			}
		})
	}
}

// TestBenchmarkFilesGenericRoundTrip: every benchmark file (datum, redeemer
// and a whole PlutusV2 script context) re-encodes byte for byte, and an
// independent decoder (plutigo's) reads the same values.
func TestBenchmarkFilesGenericRoundTrip(t *testing.T) {
	for _, dir := range []string{"semantics", "rolepayout"} {
		files, err := filepath.Glob(shared.Path(t, "marlowe", "benchmarks", dir, "*.benchmark"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 100 {
			t.Fatalf("%s: %d files, want 100", dir, len(files))
		}
		same := 0
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			pd, err := DecodePlutusData(raw)
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(f), err)
			}
			enc, err := EncodePlutusData(pd)
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(f), err)
			}
			if !bytes.Equal(enc, raw) {
				t.Errorf("%s: re-encoding differs", filepath.Base(f))
				continue
			}
			other, err := data.Decode(raw)
			if err != nil {
				t.Fatalf("%s: plutigo: %v", filepath.Base(f), err)
			}
			if !other.Equal(pd) {
				t.Errorf("%s: plutigo decodes a different value", filepath.Base(f))
				continue
			}
			same++
		}
		if same != 100 {
			t.Fatalf("%s: %d/100 files round-trip", dir, same)
		}
	}
}
