package extract

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// MarloweMetadataLabel is the transaction-metadata label of Marlowe's
// contract metadata (tags and continuation URI).
const MarloweMetadataLabel uint64 = 1564

// Metadatum is a transaction metadata value. The concrete types are MetaInt,
// MetaBytes, MetaText, MetaList and MetaMap.
type Metadatum interface{ isMetadatum() }

// MetaInt is a metadata integer.
type MetaInt struct{ Value *big.Int }

// MetaBytes is a metadata byte string.
type MetaBytes []byte

// MetaText is a metadata text string.
type MetaText string

// MetaList is a metadata list.
type MetaList []Metadatum

// MetaMap is a metadata map, kept in the order of its encoding.
type MetaMap []MetaPair

// MetaPair is one entry of a MetaMap.
type MetaPair struct{ Key, Value Metadatum }

func (MetaInt) isMetadatum()   {}
func (MetaBytes) isMetadatum() {}
func (MetaText) isMetadatum()  {}
func (MetaList) isMetadatum()  {}
func (MetaMap) isMetadatum()   {}

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
	Marlowe *MarloweMetadata
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

// MarloweMetadata is the parsed label 1564: searchable tags with optional
// payloads and an optional continuations URI.
type MarloweMetadata struct {
	// Version is the on-chain format, 1 or 2.
	Version int
	// Tags maps each tag to its payload; a nil payload is a tag without
	// one. A repeated tag keeps its last payload (Haskell Map.fromList).
	Tags map[string]Metadatum
	// Continuations is the continuations URI, if present.
	Continuations *string
}

// DecodeMetadatum decodes one metadata value from CBOR (exactly one item, no
// trailing bytes). Integers outside 64 bits (bignum tags 2 and 3) are
// accepted; other tags, floats and simple values are not metadata.
func DecodeMetadatum(b []byte) (Metadatum, error) {
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

func (r *cborReader) metadatum(depth int) (Metadatum, error) {
	if depth > maxCBORDepth {
		return nil, fmt.Errorf("metadatum: nesting deeper than %d", maxCBORDepth)
	}
	major, arg, indef, err := r.head()
	if err != nil {
		return nil, err
	}
	switch major {
	case 0:
		return MetaInt{Value: new(big.Int).SetUint64(arg)}, nil
	case 1:
		n := new(big.Int).SetUint64(arg)
		return MetaInt{Value: n.Neg(n).Sub(n, big.NewInt(1))}, nil
	case 2:
		b, err := r.stringBody(major, arg, indef)
		if err != nil {
			return nil, err
		}
		return MetaBytes(bytes.Clone(b)), nil
	case 3:
		b, err := r.stringBody(major, arg, indef)
		if err != nil {
			return nil, err
		}
		return MetaText(b), nil
	case 4:
		var out MetaList
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
		var out MetaMap
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
			out = append(out, MetaPair{Key: k, Value: v})
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
		return MetaInt{Value: v}, nil
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

// ParseMarloweMetadata parses a label-1564 value as the Runtime's
// decodeMarloweMetadata does: a list whose element 0 is the version (1 or
// 2), element 1 the tags and optional element 2 the continuations text;
// further elements are ignored. Version 1 tags are `text` or `[text,
// payload, …]`; version 2 tags are `[chunkedText, payload?, …]`, where
// chunked text is a text or a list of texts concatenated.
func ParseMarloweMetadata(m Metadatum) (MarloweMetadata, error) {
	top, ok := m.(MetaList)
	if !ok {
		return MarloweMetadata{}, errors.New("marlowe metadata: expected a list")
	}
	if len(top) < 1 {
		return MarloweMetadata{}, errors.New("marlowe metadata: missing version")
	}
	ver, ok := top[0].(MetaInt)
	if !ok || ver.Value == nil {
		return MarloweMetadata{}, errors.New("marlowe metadata: version is not a number")
	}
	out := MarloweMetadata{}
	switch {
	case ver.Value.IsInt64() && ver.Value.Int64() == 1:
		out.Version = 1
	case ver.Value.IsInt64() && ver.Value.Int64() == 2:
		out.Version = 2
	default:
		return MarloweMetadata{}, fmt.Errorf("marlowe metadata: unknown version %s", ver.Value)
	}
	if len(top) < 2 {
		return MarloweMetadata{}, errors.New("marlowe metadata: missing tags")
	}
	entries, ok := top[1].(MetaList)
	if !ok {
		return MarloweMetadata{}, errors.New("marlowe metadata: tags are not a list")
	}
	out.Tags = make(map[string]Metadatum, len(entries))
	for i, e := range entries {
		var (
			tag     string
			payload Metadatum
			err     error
		)
		if out.Version == 1 {
			tag, payload, err = tagV1(e)
		} else {
			tag, payload, err = tagV2(e)
		}
		if err != nil {
			return MarloweMetadata{}, fmt.Errorf("marlowe metadata: tag %d: %w", i, err)
		}
		out.Tags[tag] = payload
	}
	if len(top) > 2 {
		c, ok := top[2].(MetaText)
		if !ok {
			return MarloweMetadata{}, errors.New("marlowe metadata: continuations is not text")
		}
		s := string(c)
		out.Continuations = &s
	}
	return out, nil
}

func tagV1(e Metadatum) (string, Metadatum, error) {
	switch v := e.(type) {
	case MetaText:
		return string(v), nil, nil
	case MetaList:
		if len(v) < 2 {
			return "", nil, errors.New("expected [tag, payload]")
		}
		t, ok := v[0].(MetaText)
		if !ok {
			return "", nil, errors.New("tag is not text")
		}
		return string(t), v[1], nil
	}
	return "", nil, errors.New("expected a list or text")
}

func tagV2(e Metadatum) (string, Metadatum, error) {
	v, ok := e.(MetaList)
	if !ok {
		return "", nil, errors.New("expected a list")
	}
	if len(v) < 1 {
		return "", nil, errors.New("missing tag")
	}
	var tag string
	switch t := v[0].(type) {
	case MetaText:
		tag = string(t)
	case MetaList:
		var b strings.Builder
		for _, c := range t {
			ct, ok := c.(MetaText)
			if !ok {
				return "", nil, errors.New("tag chunk is not text")
			}
			b.WriteString(string(ct))
		}
		tag = b.String()
	default:
		return "", nil, errors.New("tag is not chunked text")
	}
	if len(v) > 1 {
		return tag, v[1], nil
	}
	return tag, nil, nil
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
	if raw, ok := md.Label(MarloweMetadataLabel); ok {
		if v, err := DecodeMetadatum(raw); err == nil {
			if mm, err := ParseMarloweMetadata(v); err == nil {
				md.Marlowe = &mm
			}
		}
	}
	return md, nil
}
