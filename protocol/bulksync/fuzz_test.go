package bulksync

import (
	"bytes"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// canonicalises reports whether some Marlowe metadata (label 1564) in ms is
// not in the canonical V2 form the encoder emits: the one documented reason
// (wire-protocol.md §6.2) a decode/encode round trip may change bytes.
func canonicalises(ms []types.MarloweTransactionMetadata) bool {
	for _, m := range ms {
		if m.Marlowe == nil {
			continue
		}
		raw, err1 := binary.Encode(m.Metadata[types.MarloweMetadataLabel], types.EncodeMetadata)
		canon, err2 := binary.Encode(types.EncodeMarloweMetadata(*m.Marlowe), types.EncodeMetadata)
		if err1 != nil || err2 != nil || !bytes.Equal(raw, canon) {
			return true
		}
	}
	return false
}

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
		sessiontest.RoundTrip(t, ms, in, func(m session.Message) bool { return canonicalises(metadataOf(m)) })
	})
}
