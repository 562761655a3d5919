package txbuild

import (
	"bytes"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// TestParseRoleTokenPolicy: the native policy Create mints with
// round-trips; any other script shape is refused.
func TestParseRoleTokenPolicy(t *testing.T) {
	p := RoleTokenPolicy{KeyHash: [28]byte{1, 2, 3}, Before: 123_456_789}
	got, err := ParseRoleTokenPolicy(p.Script())
	if err != nil || got != p {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	enc := func(v any) []byte {
		b, err := cbor.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	kh := bytes.Repeat([]byte{7}, 28)
	for name, script := range map[string][]byte{
		"empty":              nil,
		"not cbor":           {0xff},
		"ScriptAny":          enc([]any{2, []any{[]any{0, kh}, []any{5, 10}}}),
		"signature only":     enc([]any{1, []any{[]any{0, kh}}}),
		"lock first":         enc([]any{1, []any{[]any{5, 10}, []any{0, kh}}}),
		"short key hash":     enc([]any{1, []any{[]any{0, kh[:27]}, []any{5, 10}}}),
		"invalid before":     enc([]any{1, []any{[]any{0, kh}, []any{4, 10}}}),
		"trailing bytes":     append(p.Script(), 0x00),
		"non-canonical uint": append(append([]byte{0x82, 0x01, 0x82, 0x82, 0x00, 0x58, 0x1c}, kh...), 0x82, 0x05, 0x1b, 0, 0, 0, 0, 0, 0, 0, 10),
	} {
		if _, err := ParseRoleTokenPolicy(script); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
