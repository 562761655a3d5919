package bulksync

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

func metadataOf(msg session.Message) []types.MarloweTransactionMetadata {
	var ms []types.MarloweTransactionMetadata
	rf, ok := msg.(MsgRollForward)
	if !ok {
		return nil
	}
	for _, b := range rf.Blocks {
		for _, c := range b.CreateTransactions {
			for _, s := range c.NewContracts {
				ms = append(ms, s.Step.Metadata)
			}
		}
		for _, a := range b.ApplyInputsTransactions {
			ms = append(ms, a.MarloweTransaction.Metadata)
		}
	}
	return ms
}

// FuzzDecodeMarloweBulkSync feeds arbitrary bytes to Decode in every state:
// it never panics, and a successful decode re-encodes to exactly the bytes
// it consumed (or, when label-1564 metadata was re-canonicalised, to a fixed
// point of decode/encode).
func FuzzDecodeMarloweBulkSync(f *testing.F) {
	for _, v := range goldenVectors(f) {
		f.Add(v.Binary)
	}
	f.Add([]byte{0x02, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 1})
	ms := sessiontest.Machines(GoldenMachines())
	f.Fuzz(func(t *testing.T, in []byte) {
		sessiontest.RoundTrip(t, ms, in, func(m session.Message) bool { return typestest.Canonicalises(metadataOf(m)...) })
	})
}
