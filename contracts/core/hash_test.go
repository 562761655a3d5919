package core

import (
	"encoding/hex"
	"testing"
)

func TestDatumHash(t *testing.T) {
	tests := []struct{ in, want string }{
		// blake2b-256 test vectors.
		{"", "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"},
		{"616263", "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"},
	}
	for _, tt := range tests {
		h := DatumHash(mustHex(t, tt.in))
		if hex.EncodeToString(h[:]) != tt.want {
			t.Errorf("DatumHash(%s) = %x, want %s", tt.in, h, tt.want)
		}
	}
	if _, err := HashData(Constant{}); err == nil {
		t.Error("HashData of an unencodable value succeeded")
	}
	if _, err := ContractHash(nil); err == nil {
		t.Error("ContractHash(nil) succeeded")
	}
}
