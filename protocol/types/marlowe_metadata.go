package types

import (
	"maps"

	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// MarloweMetadataLabel is the transaction metadata label of Marlowe's
// contract metadata (CIP-0025-style registry number 1564).
const MarloweMetadataLabel = metadata.MarloweLabel

// MarloweMetadata is the structured Marlowe metadata stored under label
// 1564 (contracts/metadata.Marlowe): searchable tags with optional payloads
// and an optional continuations URI.
type MarloweMetadata = metadata.Marlowe

// MarloweTransactionMetadata is a transaction's metadata with the Marlowe
// metadata parsed out (wire-protocol.md §5.2, §6.2). On the wire it is just
// the TransactionMetadata map. Decoding keeps the whole map in Metadata
// (label 1564 included) and sets Marlowe when label 1564 parses leniently
// as V1 or V2 Marlowe metadata. Encoding writes Metadata with label 1564
// replaced by the canonical V2 form of Marlowe when Marlowe is set — the
// Haskell encoder does the same, so on-chain V1 metadata leaves a Haskell
// server in V2 form and a decode/encode round trip of a non-canonical 1564
// value is not byte-identical (it is for everything a Haskell peer sends).
type MarloweTransactionMetadata struct {
	Marlowe  *MarloweMetadata
	Metadata TransactionMetadata
}

// EncodeMarloweMetadata returns the canonical V2 metadatum for m (Haskell
// encodeMarloweMetadata); see metadata.EncodeMarlowe.
func EncodeMarloweMetadata(m MarloweMetadata) Metadata { return metadata.EncodeMarlowe(m) }

// ParseMarloweMetadata parses a label-1564 metadatum leniently, as the
// Haskell runtime does; see metadata.ParseMarlowe.
func ParseMarloweMetadata(m Metadata) (MarloweMetadata, error) { return metadata.ParseMarlowe(m) }

// MarloweTransactionMetadataOf splits raw transaction metadata as the
// decoder does: the map is kept whole and label 1564 is parsed leniently.
func MarloweTransactionMetadataOf(tm TransactionMetadata) MarloweTransactionMetadata {
	out := MarloweTransactionMetadata{Metadata: tm}
	if raw, ok := tm[MarloweMetadataLabel]; ok {
		if mm, err := ParseMarloweMetadata(raw); err == nil {
			out.Marlowe = &mm
		}
	}
	return out
}

// TransactionMetadata returns the metadata as encoded: Metadata with label
// 1564 set to the canonical form of Marlowe when Marlowe is set.
func (m MarloweTransactionMetadata) TransactionMetadata() TransactionMetadata {
	if m.Marlowe == nil {
		return m.Metadata
	}
	out := make(TransactionMetadata, len(m.Metadata)+1)
	maps.Copy(out, m.Metadata)
	out[MarloweMetadataLabel] = EncodeMarloweMetadata(*m.Marlowe)
	return out
}

// EncodeMarloweTransactionMetadata appends MarloweTransactionMetadata as a
// TransactionMetadata map (see the type's documentation for label 1564).
func EncodeMarloweTransactionMetadata(e *binary.Encoder, x MarloweTransactionMetadata) {
	EncodeTransactionMetadata(e, x.TransactionMetadata())
}

// DecodeMarloweTransactionMetadata reads MarloweTransactionMetadata.
func DecodeMarloweTransactionMetadata(d *binary.Decoder) (MarloweTransactionMetadata, error) {
	tm, err := DecodeTransactionMetadata(d)
	if err != nil {
		return MarloweTransactionMetadata{}, binary.Wrapf(err, "decode MarloweTransactionMetadata")
	}
	return MarloweTransactionMetadataOf(tm), nil
}
