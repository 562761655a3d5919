package marlowesync

import (
	"bytes"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
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
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, st := range allStates {
			m := machineAt(st)
			d := binary.NewDecoder(in)
			msg, err := m.Decode(d)
			if err != nil {
				continue
			}
			out, err := session.EncodeMessage(m, msg)
			if err != nil {
				t.Fatalf("%s: re-encoding a decoded %s failed: %v", st, msg.MessageName(), err)
			}
			if bytes.Equal(out, in[:d.Offset()]) {
				continue
			}
			if !canonicalises(metadataOf(msg)) {
				t.Fatalf("%s: %s re-encodes differently:\n got %x\nwant %x", st, msg.MessageName(), out, in[:d.Offset()])
			}
			again, err := session.DecodeMessage(m, out)
			if err != nil {
				t.Fatalf("%s: canonical re-encoding does not decode: %v", st, err)
			}
			if out2, err := session.EncodeMessage(m, again); err != nil || !bytes.Equal(out2, out) {
				t.Fatalf("%s: canonical re-encoding is not a fixed point: %v", st, err)
			}
		}
	})
}
