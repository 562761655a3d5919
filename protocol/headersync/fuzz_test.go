package headersync

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

func metadataOf(msg session.Message) []types.MarloweTransactionMetadata {
	var ms []types.MarloweTransactionMetadata
	if nh, ok := msg.(MsgNewHeaders); ok {
		for _, h := range nh.Headers {
			ms = append(ms, h.Metadata)
		}
	}
	return ms
}

// FuzzDecodeMarloweHeaderSync feeds arbitrary bytes to Decode in every
// state: it never panics, and a successful decode re-encodes to exactly the
// bytes it consumed (or, when label-1564 metadata was re-canonicalised, to a
// fixed point of decode/encode).
func FuzzDecodeMarloweHeaderSync(f *testing.F) {
	for _, v := range goldenVectors(f) {
		f.Add(v.Binary)
	}
	f.Add([]byte{0x02, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 1})
	ms := sessiontest.Machines(GoldenMachines())
	f.Fuzz(func(t *testing.T, in []byte) {
		sessiontest.RoundTrip(t, ms, in, func(m session.Message) bool { return typestest.Canonicalises(metadataOf(m)...) })
	})
}
