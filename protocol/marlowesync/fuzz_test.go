package marlowesync

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

func metadataOf(msg session.Message) []types.MarloweTransactionMetadata {
	switch msg := msg.(type) {
	case MsgContractFound:
		return []types.MarloweTransactionMetadata{msg.CreateStep.Metadata}
	case MsgRollForward:
		var ms []types.MarloweTransactionMetadata
		for _, s := range msg.Steps {
			if tx, ok := s.(types.Transaction); ok {
				ms = append(ms, tx.Metadata)
			}
		}
		return ms
	}
	return nil
}

// FuzzDecodeMarloweSync feeds arbitrary bytes to Decode in every state: it
// never panics, and a successful decode re-encodes to exactly the bytes it
// consumed (or, when label-1564 metadata was re-canonicalised, to a fixed
// point of decode/encode).
func FuzzDecodeMarloweSync(f *testing.F) {
	for _, v := range goldenVectors(f) {
		f.Add(v.Binary)
	}
	ms := sessiontest.Machines(GoldenMachines())
	f.Fuzz(func(t *testing.T, in []byte) {
		sessiontest.RoundTrip(t, ms, in, func(m session.Message) bool { return typestest.Canonicalises(metadataOf(m)...) })
	})
}
