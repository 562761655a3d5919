package extract

import (
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustMeta(t testing.TB, v any) []byte {
	t.Helper()
	b, err := txtest.Metadatum(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeMetadataForms: auxiliary data in each era's shape splits into
// the same labels; label 1564 is parsed only when it parses.
func TestDecodeMetadataForms(t *testing.T) {
	m1564 := mustMeta(t, []any{2, []any{[]any{"t"}}})
	m674 := mustMeta(t, "hi")
	// map {674: "hi", 1564: [...]}
	mdMap := append(append(append([]byte{0xa2, 0x19, 0x02, 0xa2}, m674...), 0x19, 0x06, 0x1c), m1564...)
	forms := map[string][]byte{
		"shelley map":           mdMap,
		"allegra array":         append(append([]byte{0x82}, mdMap...), 0x80),
		"alonzo tag 259":        append([]byte{0xd9, 0x01, 0x03, 0xa1, 0x00}, mdMap...),
		"alonzo with scripts":   append(append([]byte{0xd9, 0x01, 0x03, 0xa2, 0x00}, mdMap...), 0x01, 0x80),
		"indefinite label map":  append(append(append(append([]byte{0xbf, 0x19, 0x02, 0xa2}, m674...), 0x19, 0x06, 0x1c), m1564...), 0xff),
		"repeated label (last)": append(append(append([]byte{0xa3, 0x19, 0x06, 0x1c, 0x00, 0x19, 0x02, 0xa2}, m674...), 0x19, 0x06, 0x1c), m1564...),
	}
	for name, aux := range forms {
		t.Run(name, func(t *testing.T) {
			md, err := DecodeMetadata(aux)
			if err != nil {
				t.Fatal(err)
			}
			if len(md.Labels) != 2 || md.Labels[0].Label != 674 || md.Labels[1].Label != 1564 {
				t.Fatalf("labels %+v", md.Labels)
			}
			if raw, ok := md.Label(674); !ok || !sameBytes(raw, m674) {
				t.Errorf("label 674 %x", raw)
			}
			if md.Marlowe == nil || len(md.Marlowe.Tags) != 1 || md.Marlowe.Tags["t"] != nil {
				t.Errorf("marlowe %+v", md.Marlowe)
			}
		})
	}
	// No metadata at all.
	for _, aux := range [][]byte{nil, {0x82, 0xf6, 0x80}, {0xd9, 0x01, 0x03, 0xa1, 0x01, 0x80}} {
		md, err := DecodeMetadata(aux)
		if err != nil || len(md.Labels) != 0 || md.Marlowe != nil {
			t.Errorf("%x: %+v %v", aux, md, err)
		}
	}
	// An unparseable 1564 keeps the labels and leaves Marlowe nil.
	bad := append([]byte{0xa1, 0x19, 0x06, 0x1c}, mustMeta(t, []any{9})...)
	if md, err := DecodeMetadata(bad); err != nil || md.Marlowe != nil || len(md.Labels) != 1 {
		t.Errorf("bad 1564: %+v %v", md, err)
	}
	// Malformed aux data is an error (the extractor then keeps no metadata).
	for _, aux := range [][]byte{{0xa1}, {0xa1, 0x61, 0x61, 0x00}, {0x05}, {0xd8, 0x18, 0x00}} {
		if _, err := DecodeMetadata(aux); err == nil {
			t.Errorf("%x accepted", aux)
		}
	}
}

// TestDecodeMetadatum covers every metadatum shape, big integers and the
// rejections.
func TestDecodeMetadatum(t *testing.T) {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	cases := []struct {
		hex  string
		want string // rendering; "" = must fail
	}{
		{"00", "0"}, {"1bffffffffffffffff", "18446744073709551615"}, {"20", "-1"},
		{"3bffffffffffffffff", "-18446744073709551616"},
		{"c249010000000000000000", two64.String()},
		{"c349010000000000000000", new(big.Int).Sub(new(big.Int).Neg(two64), big.NewInt(1)).String()},
		{"4161", "b:61"}, {"5f4161426262ff", "b:616262"}, {"6161", "t:a"}, {"7f61616162ff", "t:ab"},
		{"820102", "[1 2]"}, {"9f0102ff", "[1 2]"}, {"a10102", "{1:2}"}, {"bf0102ff", "{1:2}"},
		{"f6", ""}, {"f93c00", ""}, {"d81800", ""}, {"82", ""}, {"0000", ""}, {"5f6161ff", ""}, {"1c", ""},
	}
	for _, tc := range cases {
		v, err := DecodeMetadatum(mustHex(t, tc.hex))
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s: accepted as %#v", tc.hex, v)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.hex, err)
			continue
		}
		if got := render(v); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.hex, got, tc.want)
		}
	}
	// Nesting is bounded, with an error rather than a crash.
	deep := append([]byte(strings.Repeat("\x81", maxCBORDepth+2)), 0x00)
	if _, err := DecodeMetadatum(deep); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Errorf("deep nesting: %v", err)
	}
}

func render(v metadata.Value) string {
	switch x := v.(type) {
	case metadata.Int:
		return x.Value.String()
	case metadata.Bytes:
		return "b:" + hex.EncodeToString(x)
	case metadata.Text:
		return "t:" + string(x)
	case metadata.List:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case metadata.Map:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = render(p.Key) + ":" + render(p.Value)
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return "?"
}

// TestOutputAddressAndBodyKeys: the raw readers used on gouroboros' stored
// CBOR.
func TestOutputAddressAndBodyKeys(t *testing.T) {
	addr := walletAddr()
	for _, o := range []txtest.Output{{Address: addr, Lovelace: 1}, {Address: addr, Lovelace: 1, Legacy: true}, {Address: addr, Lovelace: 1, InlineDatum: []byte{0x00}}} {
		raw, err := o.Encode()
		if err != nil {
			t.Fatal(err)
		}
		got, err := outputAddress(raw)
		if err != nil || !sameBytes(got, addr) {
			t.Errorf("%x: %x %v", raw, got, err)
		}
	}
	// Map output with the address key last and an indefinite address.
	raw := append([]byte{0xa2, 0x01, 0x01, 0x00, 0x5f, 0x41}, addr[0])
	raw = append(append(raw, 0x58, byte(len(addr)-1)), addr[1:]...)
	raw = append(raw, 0xff)
	if got, err := outputAddress(raw); err != nil || !sameBytes(got, addr) {
		t.Errorf("reordered map: %x %v", got, err)
	}
	for _, bad := range []string{"", "80", "a10101", "8201", "a1005f", "05"} {
		if _, err := outputAddress(mustHex(t, bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	body := mustHex(t, "a3008002000800")
	if has, err := mapHasKey(body, 8); err != nil || !has {
		t.Errorf("key 8: %v %v", has, err)
	}
	if has, err := mapHasKey(body, 3); err != nil || has {
		t.Errorf("key 3: %v %v", has, err)
	}
	if _, err := mapHasKey(mustHex(t, "a300800200"), 8); err == nil {
		t.Error("truncated map accepted")
	}
	if _, err := mapHasKey(mustHex(t, "bb00000000ffffffff"), 8); err == nil {
		t.Error("huge announced map accepted")
	}
}
