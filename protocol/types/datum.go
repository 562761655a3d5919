package types

import (
	"math/big"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// The chain-sync Datum is the structural Plutus Data type, generic-derived:
//
//	00 Constr integer list<Datum> | 01 Map list<(Datum, Datum)> |
//	02 List list<Datum> | 03 I integer | 04 B bytes
//
// It is represented with plutigo's data.PlutusData so that datums move
// between this wire form and on-chain CBOR (core.EncodePlutusData /
// core.DecodePlutusData) without conversion. Decoding yields the pointer
// variants (*data.Constr, …); encoding accepts pointer and value variants.
// Haskell's Constr index is an unbounded Integer but plutigo's is a uint:
// indexes outside 0..MaxUint have no CBOR form either, so they are rejected.

// Minimum encoded sizes used to bound list counts before allocation.
const (
	minDatumSize    = 5  // 03 + small Integer
	minMetadataSize = 5  // 02 + small Integer
	minPairSize     = 10 // two values
)

// EncodeDatum appends a Plutus Data value in the chain-sync generic form.
func EncodeDatum(e *binary.Encoder, x data.PlutusData) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch v := x.(type) {
	case *data.Constr:
		if v == nil {
			e.Failf("encode Datum: nil *Constr")
			return
		}
		encodeConstr(e, v.Tag, v.Fields)
	case data.Constr:
		encodeConstr(e, v.Tag, v.Fields)
	case *data.Map:
		if v == nil {
			e.Failf("encode Datum: nil *Map")
			return
		}
		encodeDatumMap(e, v.Pairs)
	case data.Map:
		encodeDatumMap(e, v.Pairs)
	case *data.List:
		if v == nil {
			e.Failf("encode Datum: nil *List")
			return
		}
		e.PutTag(2)
		binary.EncodeList(e, v.Items, EncodeDatum)
	case data.List:
		e.PutTag(2)
		binary.EncodeList(e, v.Items, EncodeDatum)
	case *data.Integer:
		if v == nil {
			e.Failf("encode Datum: nil *Integer")
			return
		}
		e.PutTag(3)
		e.PutInteger(v.Inner)
	case data.Integer:
		e.PutTag(3)
		e.PutInteger(v.Inner)
	case *data.ByteString:
		if v == nil {
			e.Failf("encode Datum: nil *ByteString")
			return
		}
		e.PutTag(4)
		e.PutBytes(v.Inner)
	case data.ByteString:
		e.PutTag(4)
		e.PutBytes(v.Inner)
	case nil:
		e.Failf("encode Datum: nil value")
	default:
		e.Failf("encode Datum: unsupported PlutusData type %T", x)
	}
}

func encodeConstr(e *binary.Encoder, tag uint, fields []data.PlutusData) {
	e.PutTag(0)
	e.PutInteger(new(big.Int).SetUint64(uint64(tag)))
	binary.EncodeList(e, fields, EncodeDatum)
}

func encodeDatumMap(e *binary.Encoder, pairs [][2]data.PlutusData) {
	e.PutTag(1)
	e.PutLen(len(pairs))
	for _, p := range pairs {
		EncodeDatum(e, p[0])
		EncodeDatum(e, p[1])
	}
}

// DecodeDatum reads a Plutus Data value in the chain-sync generic form.
func DecodeDatum(d *binary.Decoder) (data.PlutusData, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrapf(err, "decode Datum")
	}
	defer d.Leave()
	t, err := d.Tag("Datum", 5)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Datum")
	}
	switch t {
	case 0:
		at := d.Offset()
		tag, err := d.Integer()
		if err != nil {
			return nil, binary.Wrapf(err, "decode Datum.Constr.index")
		}
		if !tag.IsUint64() || tag.Uint64() > uint64(^uint(0)) {
			return nil, binary.Wrapf(d.Errorf(at, "constructor index %s out of range", tag), "decode Datum.Constr.index")
		}
		fields, err := binary.DecodeListMin(d, minDatumSize, DecodeDatum)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Datum.Constr.fields")
		}
		return &data.Constr{Tag: uint(tag.Uint64()), Fields: fields}, nil
	case 1:
		n, err := d.Len(minPairSize)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Datum.Map")
		}
		pairs := make([][2]data.PlutusData, 0, min(n, 256))
		for i := 0; i < n; i++ {
			k, err := DecodeDatum(d)
			if err != nil {
				return nil, binary.Wrapf(err, "decode Datum.Map[%d].key", i)
			}
			v, err := DecodeDatum(d)
			if err != nil {
				return nil, binary.Wrapf(err, "decode Datum.Map[%d].value", i)
			}
			pairs = append(pairs, [2]data.PlutusData{k, v})
		}
		return &data.Map{Pairs: pairs}, nil
	case 2:
		items, err := binary.DecodeListMin(d, minDatumSize, DecodeDatum)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Datum.List")
		}
		return &data.List{Items: items}, nil
	case 3:
		v, err := d.Integer()
		if err != nil {
			return nil, binary.Wrapf(err, "decode Datum.I")
		}
		return &data.Integer{Inner: v}, nil
	default:
		b, err := d.Bytes()
		if err != nil {
			return nil, binary.Wrapf(err, "decode Datum.B")
		}
		return &data.ByteString{Inner: b}, nil
	}
}
