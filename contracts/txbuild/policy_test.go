package txbuild

import (
	"bytes"
	"testing"
)

// TestParseRoleTokenPolicy: the builder's own scripts read back exactly;
// any other shape is refused.
func TestParseRoleTokenPolicy(t *testing.T) {
	p := RoleTokenPolicy{Before: 123_456_789}
	for i := range p.KeyHash {
		p.KeyHash[i] = byte(i + 1)
	}
	got, err := ParseRoleTokenPolicy(p.Script())
	if err != nil || got != p || got.ID() != p.ID() {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	other := RoleTokenPolicy{KeyHash: p.KeyHash, Before: 7}
	for name, script := range map[string][]byte{
		"empty":            nil,
		"not cbor":         {0xff},
		"any-of":           bytes.Replace(p.Script(), []byte{0x82, 0x01}, []byte{0x82, 0x02}, 1),
		"sig only":         {0x82, 0x01, 0x81, 0x82, 0x00, 0x41, 0x00},
		"short key":        {0x82, 0x01, 0x82, 0x82, 0x00, 0x41, 0x00, 0x82, 0x05, 0x07},
		"trailing garbage": append(other.Script(), 0x00),
		"wrong lock tag":   bytes.Replace(other.Script(), []byte{0x82, 0x05, 0x07}, []byte{0x82, 0x04, 0x07}, 1),
	} {
		if _, err := ParseRoleTokenPolicy(script); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
