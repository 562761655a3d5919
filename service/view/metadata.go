package view

import (
	"fmt"
	"math/big"
	"unicode/utf8"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Metadata is the wire MarloweTransactionMetadata of a transaction's
// metadata labels (their on-chain CBOR): the whole map, with label 1564
// parsed leniently. No labels give the empty metadata, as a transaction
// without metadata does in the Haskell runtime.
func Metadata(labels []extract.MetadataLabel) (types.MarloweTransactionMetadata, error) {
	tm := make(types.TransactionMetadata, len(labels))
	for _, l := range labels {
		if _, dup := tm[l.Label]; dup {
			return types.MarloweTransactionMetadata{}, fmt.Errorf("metadata: label %d listed twice", l.Label)
		}
		m, err := extract.DecodeMetadatum(l.CBOR)
		if err != nil {
			return types.MarloweTransactionMetadata{}, fmt.Errorf("metadata label %d: %w", l.Label, err)
		}
		v, err := metadatum(m)
		if err != nil {
			return types.MarloweTransactionMetadata{}, fmt.Errorf("metadata label %d: %w", l.Label, err)
		}
		tm[l.Label] = v
	}
	return types.MarloweTransactionMetadataOf(tm), nil
}

// metadatum maps the recogniser's metadatum onto the wire one; the two
// have the same five shapes.
func metadatum(m extract.Metadatum) (types.Metadata, error) {
	switch v := m.(type) {
	case extract.MetaInt:
		if v.Value == nil {
			return nil, fmt.Errorf("metadatum: integer without value")
		}
		return types.MetadataNumber{Value: new(big.Int).Set(v.Value)}, nil
	case extract.MetaBytes:
		return types.MetadataBytes(append([]byte{}, v...)), nil
	case extract.MetaText:
		// The ledger only accepts UTF-8 text; the wire encoder would
		// reject anything else later and less clearly.
		if !utf8.ValidString(string(v)) {
			return nil, fmt.Errorf("metadatum: text is not UTF-8")
		}
		return types.MetadataText(v), nil
	case extract.MetaList:
		out := make(types.MetadataList, len(v))
		for i, e := range v {
			x, err := metadatum(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = x
		}
		return out, nil
	case extract.MetaMap:
		out := make(types.MetadataMap, len(v))
		for i, p := range v {
			k, err := metadatum(p.Key)
			if err != nil {
				return nil, fmt.Errorf("map entry %d key: %w", i, err)
			}
			x, err := metadatum(p.Value)
			if err != nil {
				return nil, fmt.Errorf("map entry %d value: %w", i, err)
			}
			out[i] = types.MetadataPair{Key: k, Value: x}
		}
		return out, nil
	case nil:
		return nil, fmt.Errorf("metadatum: missing value")
	}
	return nil, fmt.Errorf("metadatum: unsupported type %T", m)
}
