package object

import (
	"bytes"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
)

// FuzzDecodeObjectBundle: arbitrary bytes never panic the bundle decoder,
// and whatever decodes re-encodes to exactly the bytes consumed. Seeds are
// the bundles of the MarloweTransfer golden file (MsgUpload and
// MsgDownloaded carry one after their tag byte).
func FuzzDecodeObjectBundle(f *testing.F) {
	vs, err := golden.ParseFile(shared.Path(f, "protocol", "golden", "MarloweTransfer.golden"))
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		if (v.MessageName == "MsgUpload" || v.MessageName == "MsgDownloaded") && len(v.Binary) > 1 {
			f.Add(v.Binary[1:])
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d := binary.NewDecoder(in)
		b, err := DecodeObjectBundle(d)
		if err != nil {
			return
		}
		out, err := binary.Encode(b, EncodeObjectBundle)
		if err != nil {
			t.Fatalf("decoded bundle does not re-encode: %v", err)
		}
		if !bytes.Equal(out, in[:d.Offset()]) {
			t.Fatalf("re-encode %x, consumed %x", out, in[:d.Offset()])
		}
	})
}
