package types

import (
	"cmp"

	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// Metadata is a transaction metadatum (chain-sync Metadata, generic-derived):
//
//	00 MetadataMap list<(Metadata, Metadata)> | 01 MetadataList list<Metadata> |
//	02 MetadataNumber integer | 03 MetadataBytes bytes | 04 MetadataText text
//
// The model is the module's one metadata model, contracts/metadata; these
// aliases name its types after the Haskell constructors. The concrete types
// are MetadataMap, MetadataList, MetadataNumber, MetadataBytes and
// MetadataText.
type Metadata = metadata.Value

// MetadataMap is a metadatum map, an association list kept in wire order.
type MetadataMap = metadata.Map

// MetadataPair is one entry of a MetadataMap.
type MetadataPair = metadata.Pair

// MetadataList is a metadatum list.
type MetadataList = metadata.List

// MetadataNumber is a metadatum integer.
type MetadataNumber = metadata.Int

// MetadataBytes is a metadatum byte string.
type MetadataBytes = metadata.Bytes

// MetadataText is a metadatum text string (valid UTF-8 on the wire: the
// encoder rejects anything else).
type MetadataText = metadata.Text

// TransactionMetadata is a transaction's metadata: metadatum per u64 label
// (Haskell Map Word64 Metadata, encoded in ascending label order).
type TransactionMetadata map[uint64]Metadata

// EncodeMetadata appends a Metadata value.
func EncodeMetadata(e *binary.Encoder, x Metadata) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch v := x.(type) {
	case MetadataMap:
		e.PutTag(0)
		e.PutLen(len(v))
		for _, p := range v {
			EncodeMetadata(e, p.Key)
			EncodeMetadata(e, p.Value)
		}
	case MetadataList:
		e.PutTag(1)
		binary.EncodeList(e, v, EncodeMetadata)
	case MetadataNumber:
		e.PutTag(2)
		e.PutInteger(v.Value)
	case MetadataBytes:
		e.PutTag(3)
		e.PutBytes(v)
	case MetadataText:
		e.PutTag(4)
		e.PutText(string(v))
	case nil:
		e.Failf("encode Metadata: nil value")
	default:
		e.Failf("encode Metadata: unsupported type %T", x)
	}
}

// DecodeMetadata reads a Metadata value.
func DecodeMetadata(d *binary.Decoder) (Metadata, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrapf(err, "decode Metadata")
	}
	defer d.Leave()
	t, err := d.Tag("Metadata", 5)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Metadata")
	}
	switch t {
	case 0:
		n, err := d.Len(minPairSize)
		if err != nil {
			return nil, binary.Wrapf(err, "decode MetadataMap")
		}
		m := make(MetadataMap, 0, min(n, 256))
		for i := 0; i < n; i++ {
			k, err := DecodeMetadata(d)
			if err != nil {
				return nil, binary.Wrapf(err, "decode MetadataMap[%d].key", i)
			}
			v, err := DecodeMetadata(d)
			if err != nil {
				return nil, binary.Wrapf(err, "decode MetadataMap[%d].value", i)
			}
			m = append(m, MetadataPair{Key: k, Value: v})
		}
		return m, nil
	case 1:
		items, err := binary.DecodeListMin(d, minMetadataSize, DecodeMetadata)
		if err != nil {
			return nil, binary.Wrapf(err, "decode MetadataList")
		}
		return MetadataList(items), nil
	case 2:
		v, err := d.Integer()
		if err != nil {
			return nil, binary.Wrapf(err, "decode MetadataNumber")
		}
		return MetadataNumber{Value: v}, nil
	case 3:
		b, err := d.Bytes()
		if err != nil {
			return nil, binary.Wrapf(err, "decode MetadataBytes")
		}
		return MetadataBytes(b), nil
	default:
		s, err := d.Text()
		if err != nil {
			return nil, binary.Wrapf(err, "decode MetadataText")
		}
		return MetadataText(s), nil
	}
}

func encodeLabel(e *binary.Encoder, k uint64) { e.PutU64(k) }

func decodeLabel(d *binary.Decoder) (uint64, error) { return d.U64() }

// EncodeTransactionMetadata appends TransactionMetadata as map<u64, Metadata>.
func EncodeTransactionMetadata(e *binary.Encoder, x TransactionMetadata) {
	binary.EncodeMap(e, x, cmp.Compare[uint64], encodeLabel, EncodeMetadata)
}

// DecodeTransactionMetadata reads TransactionMetadata, rejecting labels out
// of ascending order.
func DecodeTransactionMetadata(d *binary.Decoder) (TransactionMetadata, error) {
	m, err := binary.DecodeMap(d, cmp.Compare[uint64], decodeLabel, DecodeMetadata)
	if err != nil {
		return nil, binary.Wrapf(err, "decode TransactionMetadata")
	}
	return m, nil
}
