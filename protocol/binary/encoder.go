package binary

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"unicode/utf8"
)

// Encoder appends Data.Binary encodings to a byte slice. The zero value is
// ready to use. Values without a wire form record a sticky error (the first
// one wins) instead of failing each call, so composite encoders stay
// straight-line; check Err or Result when done.
type Encoder struct {
	buf      []byte
	err      error
	depth    int
	maxDepth int
}

// NewEncoder returns an Encoder appending to buf (which may be nil).
func NewEncoder(buf []byte) *Encoder {
	return &Encoder{buf: buf}
}

// SetMaxDepth changes the nesting bound enforced by Enter; n < 1 restores
// DefaultMaxDepth.
func (e *Encoder) SetMaxDepth(n int) { e.maxDepth = n }

// Bytes returns the encoding so far (valid only if Err is nil).
func (e *Encoder) Bytes() []byte { return e.buf }

// Len is the number of bytes encoded so far.
func (e *Encoder) Len() int { return len(e.buf) }

// Err returns the first error recorded, if any.
func (e *Encoder) Err() error { return e.err }

// Result returns the encoding, or the first error recorded.
func (e *Encoder) Result() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	return e.buf, nil
}

// Fail records err unless an earlier error is already recorded.
func (e *Encoder) Fail(err error) {
	if e.err == nil && err != nil {
		e.err = err
	}
}

// Failf records a formatted error unless one is already recorded.
func (e *Encoder) Failf(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf(format, args...)
	}
}

// Enter opens one nesting level of a recursive value and reports whether the
// caller may proceed; past the depth bound it records an error and returns
// false. Every Enter that returns true must be paired with a Leave.
func (e *Encoder) Enter() bool {
	limit := e.maxDepth
	if limit < 1 {
		limit = DefaultMaxDepth
	}
	if e.depth >= limit {
		e.Failf("encode: nesting deeper than %d levels", limit)
		return false
	}
	e.depth++
	return true
}

// Leave closes a nesting level opened by Enter.
func (e *Encoder) Leave() {
	if e.depth > 0 {
		e.depth--
	}
}

// PutRaw appends b with no length prefix.
func (e *Encoder) PutRaw(b []byte) { e.buf = append(e.buf, b...) }

// PutU8 appends a Word8.
func (e *Encoder) PutU8(v uint8) { e.buf = append(e.buf, v) }

// PutU16 appends a big-endian Word16.
func (e *Encoder) PutU16(v uint16) { e.buf = binary.BigEndian.AppendUint16(e.buf, v) }

// PutU32 appends a big-endian Word32.
func (e *Encoder) PutU32(v uint32) { e.buf = binary.BigEndian.AppendUint32(e.buf, v) }

// PutU64 appends a big-endian Word64.
func (e *Encoder) PutU64(v uint64) { e.buf = binary.BigEndian.AppendUint64(e.buf, v) }

// PutI32 appends a big-endian Int32.
func (e *Encoder) PutI32(v int32) { e.PutU32(uint32(v)) }

// PutI64 appends a big-endian Int64 (also Haskell Int).
func (e *Encoder) PutI64(v int64) { e.PutU64(uint64(v)) }

// PutBool appends 00 for false, 01 for true.
func (e *Encoder) PutBool(v bool) {
	if v {
		e.PutU8(1)
	} else {
		e.PutU8(0)
	}
}

// PutTag appends the u8 constructor index of a generic-derived sum.
func (e *Encoder) PutTag(t uint8) { e.PutU8(t) }

// PutLen appends an i64 length or count prefix.
func (e *Encoder) PutLen(n int) {
	if n < 0 {
		e.Failf("encode: negative length %d", n)
	}
	e.PutI64(int64(n))
}

// PutBytes appends a ByteString: i64 length, then the bytes.
func (e *Encoder) PutBytes(b []byte) {
	e.PutLen(len(b))
	e.buf = append(e.buf, b...)
}

// PutBytesString appends a ByteString held in a Go string.
func (e *Encoder) PutBytesString(s string) {
	e.PutLen(len(s))
	e.buf = append(e.buf, s...)
}

// PutText appends a Data.Text: i64 byte length, then UTF-8. Invalid UTF-8
// has no Text form and records an error.
func (e *Encoder) PutText(s string) {
	if !utf8.ValidString(s) {
		e.Failf("encode Text: %q is not valid UTF-8", s)
	}
	e.PutBytesString(s)
}

// PutCharString appends a Haskell String ([Char]): i64 count of characters,
// then the UTF-8 bytes. Invalid UTF-8 records an error.
func (e *Encoder) PutCharString(s string) {
	if !utf8.ValidString(s) {
		e.Failf("encode String: %q is not valid UTF-8", s)
	}
	e.PutLen(utf8.RuneCountInString(s))
	e.buf = append(e.buf, s...)
}

// PutInteger appends a Haskell Integer in binary-0.8.8's form: 00 + i32
// within the Int32 range, otherwise 01, sign byte (01 or ff) and the
// magnitude's bytes least significant first, as a byte list. A nil value
// records an error.
func (e *Encoder) PutInteger(n *big.Int) {
	if n == nil {
		e.Failf("encode Integer: nil value")
		e.PutU8(0)
		e.PutI32(0)
		return
	}
	if n.IsInt64() {
		e.PutInt64AsInteger(n.Int64())
		return
	}
	e.PutU8(1)
	if n.Sign() > 0 {
		e.PutU8(0x01)
	} else {
		e.PutU8(0xff)
	}
	e.putMagnitude(n)
}

// PutInt64AsInteger appends v as a Haskell Integer without going through
// math/big.
func (e *Encoder) PutInt64AsInteger(v int64) {
	if v >= math.MinInt32 && v <= math.MaxInt32 {
		e.PutU8(0)
		e.PutI32(int32(v))
		return
	}
	e.PutU8(1)
	mag := uint64(v)
	if v < 0 {
		e.PutU8(0xff)
		mag = -mag // two's complement negation gives |v|, also for MinInt64
	} else {
		e.PutU8(0x01)
	}
	var le [8]byte
	k := 0
	for mag != 0 {
		le[k] = byte(mag)
		mag >>= 8
		k++
	}
	e.PutBytes(le[:k])
}

// putMagnitude appends |n| as a [Word8] list, least significant byte first.
func (e *Encoder) putMagnitude(n *big.Int) {
	be := new(big.Int).Abs(n).Bytes()
	e.PutLen(len(be))
	for i := len(be) - 1; i >= 0; i-- {
		e.buf = append(e.buf, be[i])
	}
}

// PutNatural appends a Haskell Natural: 00 + u64 up to 2^64-1, otherwise
// 01 and the magnitude as a little-endian byte list. A nil or negative value
// records an error.
func (e *Encoder) PutNatural(n *big.Int) {
	switch {
	case n == nil:
		e.Fail(errors.New("encode Natural: nil value"))
		e.PutU8(0)
		e.PutU64(0)
	case n.Sign() < 0:
		e.Failf("encode Natural: negative value %s", n)
		e.PutU8(0)
		e.PutU64(0)
	case n.IsUint64():
		e.PutU8(0)
		e.PutU64(n.Uint64())
	default:
		e.PutU8(1)
		e.putMagnitude(n)
	}
}
