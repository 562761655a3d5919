package transfer

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
)

// FuzzDecodeMarloweTransfer feeds arbitrary bytes to Decode in every
// non-terminal state: no panic, and whatever decodes re-encodes to exactly
// the bytes consumed. Seeds are the 833 golden vectors.
func FuzzDecodeMarloweTransfer(f *testing.F) {
	vs, err := golden.ParseFile(shared.Path(f, "protocol", "golden", "MarloweTransfer.golden"))
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		f.Add(v.Binary)
	}
	ms := sessiontest.Machines(GoldenMachines())
	f.Fuzz(func(t *testing.T, in []byte) { sessiontest.RoundTrip(t, ms, in, nil) })
}
