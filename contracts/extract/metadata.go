package extract

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
)

// MetadataLabel is one label of a transaction's metadata with its value's
// CBOR exactly as on chain.
type MetadataLabel struct {
	Label uint64
	CBOR  []byte
}

// Metadata is a transaction's metadata as the Runtime keeps it: every label
// untouched, plus label 1564 parsed leniently (Marlowe is nil when the label
// is absent or does not parse as Marlowe metadata version 1 or 2, exactly
// when the Haskell decodeMarloweTransactionMetadataLenient gives Nothing).
type Metadata struct {
	// Labels are in ascending label order; a label repeated in the
	// encoding keeps its last value.
	Labels  []MetadataLabel
	Marlowe *metadata.Marlowe
}

// Label returns the CBOR of label l's value.
func (m Metadata) Label(l uint64) ([]byte, bool) {
	i, ok := slices.BinarySearchFunc(m.Labels, l, func(e MetadataLabel, l uint64) int {
		switch {
		case e.Label < l:
			return -1
		case e.Label > l:
			return 1
		}
		return 0
	})
	if !ok {
		return nil, false
	}
	return m.Labels[i].CBOR, true
}

// DecodeMetadatum decodes one metadata value from CBOR (exactly one item, no
// trailing bytes). Integers outside 64 bits (bignum tags 2 and 3) are
// accepted; other tags, floats and simple values are not metadata. Text is
// not checked for UTF-8: the ledger admits no other, and callers that
// depend on it check it themselves.
func DecodeMetadatum(b []byte) (metadata.Value, error) {
	r := cborReader{b: b}
	v, err := r.metadatum(0)
	if err != nil {
		return nil, err
	}
	if r.pos != len(b) {
		return nil, fmt.Errorf("metadatum: %d trailing bytes", len(b)-r.pos)
	}
	return v, nil
}

func (r *cborReader) metadatum(depth int) (metadata.Value, error) {
	if depth > maxCBORDepth {
		return nil, fmt.Errorf("metadatum: nesting deeper than %d", maxCBORDepth)
	}
	major, arg, indef, err := r.head()
	if err != nil {
		return nil, err
	}
	switch major {
	case 0:
		return metadata.Int{Value: new(big.Int).SetUint64(arg)}, nil
	case 1:
		n := new(big.Int).SetUint64(arg)
		return metadata.Int{Value: n.Neg(n).Sub(n, big.NewInt(1))}, nil
	case 2:
		b, err := r.stringBody(major, arg, indef)
		if err != nil {
			return nil, err
		}
		return metadata.Bytes(bytes.Clone(b)), nil
	case 3:
		b, err := r.stringBody(major, arg, indef)
		if err != nil {
			return nil, err
		}
		return metadata.Text(b), nil
	case 4:
		var out metadata.List
		if !indef && arg > uint64(len(r.b)-r.pos) {
			return nil, errCBORTruncated
		}
		for i := uint64(0); indef || i < arg; i++ {
			if indef && r.atBreak() {
				break
			}
			// Errors are not wrapped per level: at the depth bound that
			// would build a quadratic message.
			v, err := r.metadatum(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case 5:
		var out metadata.Map
		if !indef && arg > uint64(len(r.b)-r.pos) {
			return nil, errCBORTruncated
		}
		for i := uint64(0); indef || i < arg; i++ {
			if indef && r.atBreak() {
				break
			}
			k, err := r.metadatum(depth + 1)
			if err != nil {
				return nil, err
			}
			v, err := r.metadatum(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, metadata.Pair{Key: k, Value: v})
		}
		return out, nil
	case 6:
		if arg != 2 && arg != 3 {
			return nil, fmt.Errorf("metadatum: unsupported tag %d", arg)
		}
		m, n, ind, err := r.head()
		if err != nil {
			return nil, err
		}
		if m != 2 {
			return nil, errors.New("metadatum: bignum payload is not a byte string")
		}
		b, err := r.stringBody(m, n, ind)
		if err != nil {
			return nil, err
		}
		v := new(big.Int).SetBytes(b)
		if arg == 3 {
			v.Neg(v).Sub(v, big.NewInt(1))
		}
		return metadata.Int{Value: v}, nil
	default:
		return nil, fmt.Errorf("metadatum: major type 7 (float or simple value) at offset %d", r.pos-1)
	}
}

// metadataLabels splits auxiliary data (any era's form) into its metadata
// labels. Aux data without metadata gives no labels.
func metadataLabels(aux []byte) ([]MetadataLabel, error) {
	r := cborReader{b: aux}
	major, arg, indef, err := r.head()
	if err != nil {
		return nil, err
	}
	var md []byte
	switch major {
	case 5: // Shelley: the metadata map itself
		md = aux
	case 4: // Allegra/Mary: [metadata, scripts]
		if !indef && arg == 0 {
			return nil, errors.New("aux data: empty array")
		}
		if r.pos < len(aux) && aux[r.pos] == 0xf6 {
			return nil, nil
		}
		if md, err = r.item(); err != nil {
			return nil, fmt.Errorf("aux data: %w", err)
		}
	case 6: // Alonzo onwards: #6.259({? 0: metadata, ...})
		if arg != 259 {
			return nil, fmt.Errorf("aux data: unexpected tag %d", arg)
		}
		err := r.forEachUintKey(func(key uint64, ok bool) error {
			if ok && key == 0 {
				v, err := r.item()
				md = v
				return err
			}
			return r.skip(1)
		})
		if err != nil {
			return nil, fmt.Errorf("aux data: %w", err)
		}
		if md == nil {
			return nil, nil
		}
	default:
		return nil, fmt.Errorf("aux data: major type %d", major)
	}
	mr := cborReader{b: md}
	var labels []MetadataLabel
	err = mr.forEachUintKey(func(key uint64, ok bool) error {
		if !ok {
			return errors.New("metadata: label is not an unsigned integer")
		}
		v, err := mr.item()
		if err != nil {
			return fmt.Errorf("metadata label %d: %w", key, err)
		}
		labels = append(labels, MetadataLabel{Label: key, CBOR: bytes.Clone(v)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if mr.pos != len(md) {
		return nil, errors.New("metadata: trailing bytes")
	}
	// Sort by label and keep the last value of a repeated label, as a
	// Haskell Map built from the encoding would.
	slices.SortStableFunc(labels, func(a, b MetadataLabel) int {
		switch {
		case a.Label < b.Label:
			return -1
		case a.Label > b.Label:
			return 1
		}
		return 0
	})
	out := labels[:0]
	for i, l := range labels {
		if i+1 < len(labels) && labels[i+1].Label == l.Label {
			continue
		}
		out = append(out, l)
	}
	return out, nil
}

// DecodeMetadata splits raw auxiliary data into labels and parses label 1564
// leniently. Metadata that cannot be split at all (impossible for a
// transaction the ledger accepted) yields an error; an unparseable 1564
// value does not, it only leaves Marlowe nil.
func DecodeMetadata(aux []byte) (Metadata, error) {
	if len(aux) == 0 {
		return Metadata{}, nil
	}
	labels, err := metadataLabels(aux)
	if err != nil {
		return Metadata{}, err
	}
	md := Metadata{Labels: labels}
	if raw, ok := md.Label(metadata.MarloweLabel); ok {
		if v, err := DecodeMetadatum(raw); err == nil {
			if mm, err := metadata.ParseMarlowe(v); err == nil {
				md.Marlowe = &mm
			}
		}
	}
	return md, nil
}
