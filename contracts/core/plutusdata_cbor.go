package core

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/blinklabs-io/plutigo/data"
)

// MaxDataDepth is the default bound on Plutus Data nesting accepted by
// DecodePlutusData and produced by EncodePlutusData. Every Constr, List and
// Map counts one level (a Constr's field list is part of its level). Marlowe
// needs about three levels per When/Case step; the deepest value in the
// shared benchmark material (a whole script context) has 69. A valid Marlowe
// datum inside a 16 KiB transaction cannot exceed about 2,400 levels (the
// cheapest level, Assert TrueObs, takes 7 bytes), so the bound never rejects
// a real datum, while it keeps the decoder's recursion, and so its stack,
// small on hostile input (one byte per level would otherwise do).
const MaxDataDepth = 10000

// pdMaxChunk is plutus-core's on-the-wire limit for a definite byte string
// inside Plutus Data (Note [The 64-byte limit]): longer byte strings and
// bignum payloads travel as indefinite strings of 64-byte chunks.
const pdMaxChunk = 64

// pdMaxPrealloc caps how many slots a definite array or map header may make
// the pdDecoder reserve up front: the announced length is untrusted, so larger
// containers grow by append as their items actually arrive.
const pdMaxPrealloc = 1024

// EncodePlutusData returns the canonical CBOR of pd, byte-identical to
// plutus-core's serialiseData: constructor tags 121+i, 1280+(i-7) or 102,
// indefinite-length non-empty lists (definite empty ones), definite maps,
// native integer heads within ±2^64 else tag 2/3 bignums, and byte strings
// (including bignum payloads) over 64 bytes split into 64-byte chunks of an
// indefinite string. Any length flags remembered by plutigo's own pdDecoder are
// ignored, so the output depends only on the value.
func EncodePlutusData(pd data.PlutusData) ([]byte, error) {
	e := pdEncoder{buf: make([]byte, 0, 256)}
	if err := e.data(pd, 0); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// DecodePlutusData parses exactly one CBOR-encoded Plutus Data value, with
// nesting bounded by MaxDataDepth. It accepts everything plutus-core's
// pdDecoder accepts and rejects what it rejects (text strings, floats, unknown
// tags, definite byte strings over 64 bytes); trailing bytes are an error.
func DecodePlutusData(cbor []byte) (data.PlutusData, error) {
	return DecodePlutusDataDepth(cbor, MaxDataDepth)
}

// DecodePlutusDataDepth is DecodePlutusData with an explicit nesting bound,
// for callers that need a tighter (or looser) limit than MaxDataDepth.
func DecodePlutusDataDepth(cbor []byte, maxDepth int) (data.PlutusData, error) {
	d := pdDecoder{buf: cbor, maxDepth: maxDepth}
	pd, err := d.item(0)
	if err != nil {
		return nil, err
	}
	if d.pos != len(d.buf) {
		return nil, fmt.Errorf("plutus data: %d trailing bytes at offset %d", len(d.buf)-d.pos, d.pos)
	}
	return pd, nil
}

// ---------------------------------------------------------------------------
// Encoder

type pdEncoder struct {
	buf []byte
}

// head appends a CBOR initial byte for major type major with argument n in
// its shortest form, as cborg (and so plutus-core) does.
func (e *pdEncoder) head(major byte, n uint64) {
	m := major << 5
	switch {
	case n < 24:
		e.buf = append(e.buf, m|byte(n))
	case n <= math.MaxUint8:
		e.buf = append(e.buf, m|24, byte(n))
	case n <= math.MaxUint16:
		e.buf = append(e.buf, m|25)
		e.buf = binary.BigEndian.AppendUint16(e.buf, uint16(n))
	case n <= math.MaxUint32:
		e.buf = append(e.buf, m|26)
		e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
	default:
		e.buf = append(e.buf, m|27)
		e.buf = binary.BigEndian.AppendUint64(e.buf, n)
	}
}

func (e *pdEncoder) data(pd data.PlutusData, depth int) error {
	switch v := pd.(type) {
	case *data.Constr:
		if v == nil {
			return errors.New("plutus data: nil Constr")
		}
		return e.constr(v.Tag, v.Fields, depth)
	case data.Constr:
		return e.constr(v.Tag, v.Fields, depth)
	case *data.List:
		if v == nil {
			return errors.New("plutus data: nil List")
		}
		return e.list(v.Items, depth)
	case data.List:
		return e.list(v.Items, depth)
	case *data.Map:
		if v == nil {
			return errors.New("plutus data: nil Map")
		}
		return e.mapPairs(v.Pairs, depth)
	case data.Map:
		return e.mapPairs(v.Pairs, depth)
	case *data.Integer:
		if v == nil {
			return errors.New("plutus data: nil Integer")
		}
		return e.integer(v.Inner)
	case data.Integer:
		return e.integer(v.Inner)
	case *data.ByteString:
		if v == nil {
			return errors.New("plutus data: nil ByteString")
		}
		e.bytes(v.Inner)
		return nil
	case data.ByteString:
		e.bytes(v.Inner)
		return nil
	case nil:
		return errors.New("plutus data: nil value")
	default:
		return fmt.Errorf("plutus data: unsupported value type %T", pd)
	}
}

func (e *pdEncoder) enter(depth int) error {
	if depth >= MaxDataDepth {
		return fmt.Errorf("plutus data: nesting deeper than %d", MaxDataDepth)
	}
	return nil
}

func (e *pdEncoder) constr(tag uint, fields []data.PlutusData, depth int) error {
	if err := e.enter(depth); err != nil {
		return err
	}
	switch {
	case tag < 7:
		e.head(6, 121+uint64(tag))
	case tag < 128:
		e.head(6, 1280+uint64(tag-7))
	default:
		e.head(6, 102)
		e.head(4, 2)
		e.head(0, uint64(tag))
	}
	return e.items(fields, depth+1)
}

func (e *pdEncoder) list(items []data.PlutusData, depth int) error {
	if err := e.enter(depth); err != nil {
		return err
	}
	return e.items(items, depth+1)
}

// items writes a Haskell list the way the serialise library does: 0x80 when
// empty, otherwise an indefinite-length array.
func (e *pdEncoder) items(items []data.PlutusData, depth int) error {
	if len(items) == 0 {
		e.buf = append(e.buf, 0x80)
		return nil
	}
	e.buf = append(e.buf, 0x9f)
	for i, it := range items {
		if err := e.data(it, depth); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	e.buf = append(e.buf, 0xff)
	return nil
}

func (e *pdEncoder) mapPairs(pairs [][2]data.PlutusData, depth int) error {
	if err := e.enter(depth); err != nil {
		return err
	}
	e.head(5, uint64(len(pairs)))
	for i, p := range pairs {
		if err := e.data(p[0], depth+1); err != nil {
			return fmt.Errorf("key %d: %w", i, err)
		}
		if err := e.data(p[1], depth+1); err != nil {
			return fmt.Errorf("value %d: %w", i, err)
		}
	}
	return nil
}

func (e *pdEncoder) integer(n *big.Int) error {
	if n == nil {
		return errors.New("plutus data: nil integer")
	}
	if n.Sign() >= 0 {
		if n.IsUint64() {
			e.head(0, n.Uint64())
			return nil
		}
		e.buf = append(e.buf, 0xc2)
		e.bytes(n.Bytes())
		return nil
	}
	// A negative n is carried as its complement -1-n, which is >= 0.
	m := new(big.Int).Neg(n)
	m.Sub(m, big.NewInt(1))
	if m.IsUint64() {
		e.head(1, m.Uint64())
		return nil
	}
	e.buf = append(e.buf, 0xc3)
	e.bytes(m.Bytes())
	return nil
}

func (e *pdEncoder) bytes(b []byte) {
	if len(b) <= pdMaxChunk {
		e.head(2, uint64(len(b)))
		e.buf = append(e.buf, b...)
		return
	}
	e.buf = append(e.buf, 0x5f)
	for len(b) > 0 {
		n := min(len(b), pdMaxChunk)
		e.head(2, uint64(n))
		e.buf = append(e.buf, b[:n]...)
		b = b[n:]
	}
	e.buf = append(e.buf, 0xff)
}

// ---------------------------------------------------------------------------
// Decoder

type pdDecoder struct {
	buf      []byte
	pos      int
	maxDepth int
}

func (d *pdDecoder) errorf(at int, format string, args ...any) error {
	return fmt.Errorf("plutus data: offset %d: %s", at, fmt.Sprintf(format, args...))
}

// head reads one CBOR initial byte and its argument. indef reports the
// indefinite-length marker (additional info 31), which the callers accept
// only where CBOR allows it. Non-shortest arguments are accepted, as cborg
// accepts them.
func (d *pdDecoder) head() (major byte, arg uint64, indef bool, err error) {
	start := d.pos
	if d.pos >= len(d.buf) {
		return 0, 0, false, d.errorf(start, "unexpected end of input")
	}
	ib := d.buf[d.pos]
	d.pos++
	major = ib >> 5
	ai := ib & 0x1f
	var n int
	switch {
	case ai < 24:
		return major, uint64(ai), false, nil
	case ai == 24:
		n = 1
	case ai == 25:
		n = 2
	case ai == 26:
		n = 4
	case ai == 27:
		n = 8
	case ai == 31:
		return major, 0, true, nil
	default:
		return 0, 0, false, d.errorf(start, "reserved additional information %d", ai)
	}
	if len(d.buf)-d.pos < n {
		return 0, 0, false, d.errorf(start, "unexpected end of input in header")
	}
	for _, b := range d.buf[d.pos : d.pos+n] {
		arg = arg<<8 | uint64(b)
	}
	d.pos += n
	return major, arg, false, nil
}

// remaining is how many input bytes are left, used to reject announced
// lengths that cannot possibly be backed by data.
func (d *pdDecoder) remaining() uint64 { return uint64(len(d.buf) - d.pos) }

// isBreak consumes a break byte (0xff) if one is next.
func (d *pdDecoder) isBreak() bool {
	if d.pos < len(d.buf) && d.buf[d.pos] == 0xff {
		d.pos++
		return true
	}
	return false
}

func (d *pdDecoder) item(depth int) (data.PlutusData, error) {
	start := d.pos
	major, arg, indef, err := d.head()
	if err != nil {
		return nil, err
	}
	switch major {
	case 0:
		if indef {
			return nil, d.errorf(start, "indefinite-length integer")
		}
		return &data.Integer{Inner: new(big.Int).SetUint64(arg)}, nil
	case 1:
		if indef {
			return nil, d.errorf(start, "indefinite-length integer")
		}
		n := new(big.Int).SetUint64(arg)
		n.Add(n, big.NewInt(1))
		return &data.Integer{Inner: n.Neg(n)}, nil
	case 2:
		b, err := d.byteString(start, arg, indef)
		if err != nil {
			return nil, err
		}
		return &data.ByteString{Inner: b}, nil
	case 4:
		if depth >= d.maxDepth {
			return nil, d.errorf(start, "nesting deeper than %d", d.maxDepth)
		}
		items, err := d.listBody(start, arg, indef, depth+1)
		if err != nil {
			return nil, err
		}
		return &data.List{Items: items}, nil
	case 5:
		if depth >= d.maxDepth {
			return nil, d.errorf(start, "nesting deeper than %d", d.maxDepth)
		}
		return d.mapBody(start, arg, indef, depth+1)
	case 6:
		if indef {
			return nil, d.errorf(start, "indefinite-length tag")
		}
		// cborg classifies only the one-byte heads 0xc2/0xc3 as bignums;
		// a longer encoding of tag 2 or 3 is an unknown constructor tag
		// there, so it is here too.
		if ib := d.buf[start]; ib == 0xc2 || ib == 0xc3 {
			return d.bignum(start, ib == 0xc3)
		}
		if depth >= d.maxDepth {
			return nil, d.errorf(start, "nesting deeper than %d", d.maxDepth)
		}
		return d.constr(start, arg, depth+1)
	case 3:
		return nil, d.errorf(start, "text string is not Plutus Data")
	default:
		if indef {
			return nil, d.errorf(start, "unexpected break")
		}
		return nil, d.errorf(start, "simple value or float is not Plutus Data")
	}
}

// byteString reads the body of a byte string whose header has been read,
// enforcing plutus-core's 64-byte limit on every definite piece.
func (d *pdDecoder) byteString(start int, n uint64, indef bool) ([]byte, error) {
	if !indef {
		return d.chunk(start, n)
	}
	var out []byte
	for !d.isBreak() {
		at := d.pos
		major, n, indef, err := d.head()
		if err != nil {
			return nil, err
		}
		if major != 2 || indef {
			return nil, d.errorf(at, "indefinite byte string chunk is not a definite byte string")
		}
		b, err := d.chunk(at, n)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	if out == nil {
		out = []byte{}
	}
	return out, nil
}

func (d *pdDecoder) chunk(start int, n uint64) ([]byte, error) {
	if n > pdMaxChunk {
		return nil, d.errorf(start, "byte string of %d bytes exceeds the 64-byte Plutus Data limit", n)
	}
	if n > d.remaining() {
		return nil, d.errorf(start, "byte string of %d bytes but only %d bytes remain", n, d.remaining())
	}
	b := make([]byte, n)
	copy(b, d.buf[d.pos:])
	d.pos += int(n)
	return b, nil
}

func (d *pdDecoder) bignum(start int, negative bool) (data.PlutusData, error) {
	at := d.pos
	major, n, indef, err := d.head()
	if err != nil {
		return nil, err
	}
	if major != 2 {
		return nil, d.errorf(at, "bignum must contain a byte string, got major type %d", major)
	}
	b, err := d.byteString(at, n, indef)
	if err != nil {
		return nil, err
	}
	v := new(big.Int).SetBytes(b)
	if negative {
		v.Add(v, big.NewInt(1))
		v.Neg(v)
	}
	return &data.Integer{Inner: v}, nil
}

// listBody reads the items of an array whose header has been read.
func (d *pdDecoder) listBody(start int, n uint64, indef bool, depth int) ([]data.PlutusData, error) {
	if indef {
		items := []data.PlutusData{}
		for !d.isBreak() {
			it, err := d.item(depth)
			if err != nil {
				return nil, err
			}
			items = append(items, it)
		}
		return items, nil
	}
	// Every item takes at least one byte.
	if n > d.remaining() {
		return nil, d.errorf(start, "array of %d items but only %d bytes remain", n, d.remaining())
	}
	items := make([]data.PlutusData, 0, min(n, pdMaxPrealloc))
	for range n {
		it, err := d.item(depth)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

func (d *pdDecoder) mapBody(start int, n uint64, indef bool, depth int) (data.PlutusData, error) {
	pair := func() ([2]data.PlutusData, error) {
		k, err := d.item(depth)
		if err != nil {
			return [2]data.PlutusData{}, err
		}
		v, err := d.item(depth)
		if err != nil {
			return [2]data.PlutusData{}, err
		}
		return [2]data.PlutusData{k, v}, nil
	}
	if indef {
		pairs := [][2]data.PlutusData{}
		for !d.isBreak() {
			p, err := pair()
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, p)
		}
		return &data.Map{Pairs: pairs}, nil
	}
	// Every pair takes at least two bytes.
	if n > d.remaining()/2 {
		return nil, d.errorf(start, "map of %d pairs but only %d bytes remain", n, d.remaining())
	}
	pairs := make([][2]data.PlutusData, 0, min(n, pdMaxPrealloc))
	for range n {
		p, err := pair()
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, p)
	}
	return &data.Map{Pairs: pairs}, nil
}

// fields reads a constructor's field list, which must be an array
// (definite or indefinite).
func (d *pdDecoder) fields(depth int) ([]data.PlutusData, error) {
	at := d.pos
	major, n, indef, err := d.head()
	if err != nil {
		return nil, err
	}
	if major != 4 {
		return nil, d.errorf(at, "constructor fields must be an array, got major type %d", major)
	}
	return d.listBody(at, n, indef, depth)
}

func (d *pdDecoder) constr(start int, tag uint64, depth int) (data.PlutusData, error) {
	switch {
	case tag >= 121 && tag <= 127:
		fs, err := d.fields(depth)
		if err != nil {
			return nil, err
		}
		return &data.Constr{Tag: uint(tag - 121), Fields: fs}, nil
	case tag >= 1280 && tag <= 1400:
		fs, err := d.fields(depth)
		if err != nil {
			return nil, err
		}
		return &data.Constr{Tag: uint(tag-1280) + 7, Fields: fs}, nil
	case tag == 102:
		at := d.pos
		major, n, indef, err := d.head()
		if err != nil {
			return nil, err
		}
		if major != 4 {
			return nil, d.errorf(at, "tag 102 constructor must be an array, got major type %d", major)
		}
		if !indef && n != 2 {
			return nil, d.errorf(at, "tag 102 constructor array has %d elements, want 2", n)
		}
		at = d.pos
		major, idx, idxIndef, err := d.head()
		if err != nil {
			return nil, err
		}
		if major != 0 || idxIndef {
			return nil, d.errorf(at, "tag 102 constructor index must be an unsigned integer")
		}
		if uint64(uint(idx)) != idx {
			return nil, d.errorf(at, "constructor index %d does not fit this platform", idx)
		}
		fs, err := d.fields(depth)
		if err != nil {
			return nil, err
		}
		if indef && !d.isBreak() {
			return nil, d.errorf(d.pos, "tag 102 constructor array has more than 2 elements")
		}
		return &data.Constr{Tag: uint(idx), Fields: fs}, nil
	default:
		return nil, d.errorf(start, "unrecognized tag %d", tag)
	}
}
