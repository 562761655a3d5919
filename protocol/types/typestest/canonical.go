package typestest

import (
	"bytes"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Canonicalises reports whether some Marlowe metadata (label 1564) in ms is
// not in the canonical V2 form the encoder emits: the one documented reason
// (wire-protocol.md §6.2) a decode/encode round trip may change bytes, so
// fuzz targets accept a changed re-encoding only then.
func Canonicalises(ms ...types.MarloweTransactionMetadata) bool {
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
