package binary

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"unicode/utf8"
)

// DefaultMaxDepth bounds the nesting of recursive values (contracts, Plutus
// data, metadata) a Decoder or Encoder accepts unless told otherwise. Each
// level costs at least one byte on the wire, so the bound only matters for
// hostile input; it keeps the recursive decoders' stack small.
const DefaultMaxDepth = 10000

// MaxZeroSizeElems caps the count of a list whose elements may encode to
// zero bytes (such as a list of ()), where the remaining input gives no
// bound.
const MaxZeroSizeElems = 1 << 16

// maxPrealloc caps the slice capacity reserved from an untrusted count; larger
// collections grow by append as their elements actually decode.
const maxPrealloc = 1024

// Decoder reads Data.Binary values from a byte slice. It never retains
// references into the slice in the values it returns: byte strings are
// copied, so the input buffer may be reused after decoding.
type Decoder struct {
	buf      []byte
	off      int
	depth    int
	maxDepth int
}

// NewDecoder returns a Decoder reading buf from its start.
func NewDecoder(buf []byte) *Decoder {
	return &Decoder{buf: buf, maxDepth: DefaultMaxDepth}
}

// SetMaxDepth changes the nesting bound enforced by Enter; n < 1 restores
// DefaultMaxDepth.
func (d *Decoder) SetMaxDepth(n int) {
	if n < 1 {
		n = DefaultMaxDepth
	}
	d.maxDepth = n
}

// Offset is the number of bytes consumed so far.
func (d *Decoder) Offset() int { return d.off }

// Remaining is the number of bytes not yet consumed.
func (d *Decoder) Remaining() int { return len(d.buf) - d.off }

// Finish reports an error if any input is left over: a message must be
// consumed exactly.
func (d *Decoder) Finish() error {
	if r := d.Remaining(); r != 0 {
		return d.Errorf(d.off, "%d trailing bytes", r)
	}
	return nil
}

// Errorf returns a malformed-input error at offset at. Type decoders use it
// for semantic failures (an unknown version, an invalid date) so that those
// carry a position too.
func (d *Decoder) Errorf(at int, format string, args ...any) error {
	return &Error{Offset: at, Msg: fmt.Sprintf(format, args...)}
}

func (d *Decoder) shortf(at int, need int64, format string, args ...any) error {
	return &Error{Offset: at, Short: true, Need: need, Msg: fmt.Sprintf(format, args...)}
}

// Enter marks the start of one nesting level of a recursive value; it fails
// once the depth bound is exceeded. Every successful Enter must be paired
// with a Leave.
func (d *Decoder) Enter() error {
	limit := d.maxDepth
	if limit < 1 {
		limit = DefaultMaxDepth
	}
	if d.depth >= limit {
		return d.Errorf(d.off, "nesting deeper than %d levels", limit)
	}
	d.depth++
	return nil
}

// Leave ends a nesting level opened by Enter.
func (d *Decoder) Leave() {
	if d.depth > 0 {
		d.depth--
	}
}

// take returns the next n bytes (aliasing the input) and advances.
func (d *Decoder) take(n int) ([]byte, error) {
	if r := d.Remaining(); n > r {
		return nil, d.shortf(d.off, int64(n-r), "need %d bytes, have %d", n, r)
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b, nil
}

// Raw reads exactly n bytes with no length prefix (a copy).
func (d *Decoder) Raw(n int) ([]byte, error) {
	if n < 0 {
		return nil, d.Errorf(d.off, "negative raw length %d", n)
	}
	b, err := d.take(n)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// U8 reads a Word8.
func (d *Decoder) U8() (uint8, error) {
	b, err := d.take(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// U16 reads a big-endian Word16.
func (d *Decoder) U16() (uint16, error) {
	b, err := d.take(2)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(b), nil
}

// U32 reads a big-endian Word32.
func (d *Decoder) U32() (uint32, error) {
	b, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

// U64 reads a big-endian Word64.
func (d *Decoder) U64() (uint64, error) {
	b, err := d.take(8)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(b), nil
}

// I32 reads a big-endian two's-complement Int32.
func (d *Decoder) I32() (int32, error) {
	v, err := d.U32()
	return int32(v), err
}

// I64 reads a big-endian two's-complement Int64 (also Haskell Int).
func (d *Decoder) I64() (int64, error) {
	v, err := d.U64()
	return int64(v), err
}

// Bool reads a Bool: 00 is False, 01 is True, anything else is an error
// (as in binary-0.8.8).
func (d *Decoder) Bool() (bool, error) {
	at := d.off
	b, err := d.U8()
	if err != nil {
		return false, err
	}
	switch b {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, d.Errorf(at, "invalid Bool byte %#02x", b)
}

// Tag reads the u8 constructor index of a generic-derived sum type with n
// constructors and rejects indexes out of range; typeName names the type in
// the error.
func (d *Decoder) Tag(typeName string, n int) (uint8, error) {
	at := d.off
	t, err := d.U8()
	if err != nil {
		return 0, err
	}
	if int(t) >= n {
		return 0, d.Errorf(at, "unknown %s constructor tag %d (want < %d)", typeName, t, n)
	}
	return t, nil
}

// Len reads an i64 length or count prefix for a sequence whose elements
// each take at least minElemSize bytes, and checks it against the remaining
// input before anything is allocated: a negative count is malformed, a count
// the remaining bytes cannot hold is a short error whose Need is the exact
// shortfall. With minElemSize 0 (elements that may encode to nothing) the
// count is capped at MaxZeroSizeElems instead.
func (d *Decoder) Len(minElemSize int) (int, error) {
	at := d.off
	n, err := d.I64()
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, d.Errorf(at, "negative length %d", n)
	}
	if minElemSize <= 0 {
		if n > MaxZeroSizeElems {
			return 0, d.Errorf(at, "count %d of zero-size elements exceeds the limit %d", n, MaxZeroSizeElems)
		}
		return int(n), nil
	}
	r := int64(d.Remaining())
	if want := satMul(n, int64(minElemSize)); want > r {
		if minElemSize == 1 {
			return 0, d.shortf(at, want-r, "length %d exceeds remaining %d bytes", n, r)
		}
		return 0, d.shortf(at, want-r, "count %d of %d-byte elements exceeds remaining %d bytes", n, minElemSize, r)
	}
	return int(n), nil
}

// bytesView reads a ByteString and returns a view into the input.
func (d *Decoder) bytesView() ([]byte, error) {
	n, err := d.Len(1)
	if err != nil {
		return nil, err
	}
	return d.take(n)
}

// Bytes reads a ByteString: an i64 length and that many raw bytes. The
// result is a copy, never nil.
func (d *Decoder) Bytes() ([]byte, error) {
	b, err := d.bytesView()
	if err != nil {
		return nil, err
	}
	return append([]byte{}, b...), nil
}

// BytesString reads a ByteString into a Go string (the representation used
// for hashes, ids and names so they are comparable).
func (d *Decoder) BytesString() (string, error) {
	b, err := d.bytesView()
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Text reads a Data.Text value: an i64 byte length and that many bytes of
// valid UTF-8 (text-2.0 rejects invalid UTF-8 with decodeUtf8').
func (d *Decoder) Text() (string, error) {
	at := d.off
	b, err := d.bytesView()
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", d.Errorf(at, "Text is not valid UTF-8")
	}
	return string(b), nil
}

// CharString reads a Haskell String ([Char]): an i64 count of characters
// (not bytes), then each character in UTF-8. Only well-formed UTF-8 is
// accepted (binary-0.8.8 would also take overlong forms and surrogates,
// which no encoder produces).
func (d *Decoder) CharString() (string, error) {
	n, err := d.Len(1)
	if err != nil {
		return "", err
	}
	start := d.off
	for i := 0; i < n; i++ {
		at := d.off
		if at >= len(d.buf) {
			// Len guaranteed one byte per character; multi-byte
			// characters can still run past the end.
			return "", d.shortf(at, int64(n-i), "String ends after %d of %d characters", i, n)
		}
		r, size := utf8.DecodeRune(d.buf[at:])
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(d.buf[at:]) {
				return "", d.shortf(at, int64(n-i), "String character %d is truncated", i)
			}
			return "", d.Errorf(at, "String character %d is not valid UTF-8", i)
		}
		d.off += size
	}
	return string(d.buf[start:d.off]), nil
}

// Integer reads a Haskell Integer: 00 + i32 for values in the Int32 range,
// otherwise 01, a sign byte (01 positive, ff negative) and the magnitude as a
// list of bytes, least significant first. Non-canonical forms are rejected.
func (d *Decoder) Integer() (*big.Int, error) {
	at := d.off
	tag, err := d.U8()
	if err != nil {
		return nil, err
	}
	switch tag {
	case 0:
		v, err := d.I32()
		if err != nil {
			return nil, err
		}
		return big.NewInt(int64(v)), nil
	case 1:
	default:
		return nil, d.Errorf(at, "invalid Integer tag %#02x", tag)
	}
	signAt := d.off
	sign, err := d.U8()
	if err != nil {
		return nil, err
	}
	if sign != 0x01 && sign != 0xff {
		return nil, d.Errorf(signAt, "invalid Integer sign byte %#02x", sign)
	}
	mag, err := d.magnitude()
	if err != nil {
		return nil, err
	}
	if sign == 0xff {
		mag.Neg(mag)
	}
	if mag.IsInt64() && mag.Int64() >= math.MinInt32 && mag.Int64() <= math.MaxInt32 {
		return nil, d.Errorf(at, "non-canonical Integer: %s in big form", mag)
	}
	return mag, nil
}

// magnitude reads a [Word8] magnitude, least significant byte first, and
// rejects a most significant zero byte (Haskell's unroll never emits one).
func (d *Decoder) magnitude() (*big.Int, error) {
	at := d.off
	le, err := d.bytesView()
	if err != nil {
		return nil, err
	}
	if len(le) > 0 && le[len(le)-1] == 0 {
		return nil, d.Errorf(at, "non-canonical magnitude: most significant byte is zero")
	}
	be := make([]byte, len(le))
	for i, b := range le {
		be[len(le)-1-i] = b
	}
	return new(big.Int).SetBytes(be), nil
}

// Natural reads a Haskell Natural: 00 + u64 up to 2^64-1, otherwise 01 and
// the magnitude as a little-endian byte list. Non-canonical forms are
// rejected.
func (d *Decoder) Natural() (*big.Int, error) {
	at := d.off
	tag, err := d.U8()
	if err != nil {
		return nil, err
	}
	switch tag {
	case 0:
		v, err := d.U64()
		if err != nil {
			return nil, err
		}
		return new(big.Int).SetUint64(v), nil
	case 1:
		mag, err := d.magnitude()
		if err != nil {
			return nil, err
		}
		if mag.IsUint64() {
			return nil, d.Errorf(at, "non-canonical Natural: %s in big form", mag)
		}
		return mag, nil
	}
	return nil, d.Errorf(at, "invalid Natural tag %#02x", tag)
}
