package cborhead

import (
	"bytes"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// TestAppend: every argument width, against fxamacker's canonical encoder
// for unsigned integers, arrays and tags.
func TestAppend(t *testing.T) {
	for _, n := range []uint64{0, 23, 24, 255, 256, 65535, 65536, 1<<32 - 1, 1 << 32, 1<<64 - 1} {
		want, err := cbor.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		if got := Append([]byte{0xaa}, 0, n); !bytes.Equal(got, append([]byte{0xaa}, want...)) {
			t.Errorf("uint %d: %x, want aa%x", n, got, want)
		}
	}
	if got := Append(nil, 4, 2); !bytes.Equal(got, []byte{0x82}) {
		t.Errorf("array of 2: %x", got)
	}
	if got := Append(nil, 6, 258); !bytes.Equal(got, []byte{0xd9, 0x01, 0x02}) {
		t.Errorf("tag 258: %x", got)
	}
}
