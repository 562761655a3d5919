package view

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
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
		if err := checkWire(m); err != nil {
			return types.MarloweTransactionMetadata{}, fmt.Errorf("metadata label %d: %w", l.Label, err)
		}
		tm[l.Label] = m
	}
	return types.MarloweTransactionMetadataOf(tm), nil
}

// checkWire reports what in a decoded metadatum the wire encoder would
// reject later and less clearly: text that is not UTF-8 (the ledger only
// accepts UTF-8, so this is corrupt input) or a missing value.
func checkWire(m metadata.Value) error {
	switch v := m.(type) {
	case metadata.Int:
		if v.Value == nil {
			return errors.New("metadatum: integer without value")
		}
	case metadata.Bytes:
	case metadata.Text:
		if !utf8.ValidString(string(v)) {
			return errors.New("metadatum: text is not UTF-8")
		}
	case metadata.List:
		for i, e := range v {
			if err := checkWire(e); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
	case metadata.Map:
		for i, p := range v {
			if err := checkWire(p.Key); err != nil {
				return fmt.Errorf("map entry %d key: %w", i, err)
			}
			if err := checkWire(p.Value); err != nil {
				return fmt.Errorf("map entry %d value: %w", i, err)
			}
		}
	case nil:
		return errors.New("metadatum: missing value")
	default:
		return fmt.Errorf("metadatum: unsupported type %T", m)
	}
	return nil
}
