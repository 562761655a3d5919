package binary

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// ErrMalformed is what every non-truncation decoding error unwraps to: the
// bytes read so far can never become a valid encoding, whatever follows.
var ErrMalformed = errors.New("malformed input")

// Error is a decoding failure at a byte offset of the decoder's input.
type Error struct {
	// Offset is the position of the read that failed, counted from the
	// start of the decoder's input.
	Offset int
	// Short is set when the input ended too early: appending more bytes
	// could make it decode.
	Short bool
	// Need is, for a short error, the least number of further bytes the
	// failing read requires (saturating at math.MaxInt64 for absurd length
	// prefixes). It is a lower bound for the whole value, not its size.
	Need int64
	// Msg describes the failure.
	Msg string
}

func (e *Error) Error() string {
	return fmt.Sprintf("at offset %d: %s", e.Offset, e.Msg)
}

// Unwrap lets errors.Is tell truncated input (io.ErrUnexpectedEOF) from
// malformed input (ErrMalformed).
func (e *Error) Unwrap() error {
	if e.Short {
		return io.ErrUnexpectedEOF
	}
	return ErrMalformed
}

// IsShort reports whether err (or an error it wraps) says the input ended
// too early rather than being malformed.
func IsShort(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }

// NeedMore returns, for a short decoding error, the least number of further
// bytes the decoder needs before a retry can get further.
func NeedMore(err error) (int64, bool) {
	var e *Error
	if errors.As(err, &e) && e.Short {
		return e.Need, true
	}
	return 0, false
}

// satMul returns a*b for non-negative operands, saturating at MaxInt64 so
// that a hostile count times an element size cannot wrap around.
func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// pathError adds one path segment to a decoding error. The message is
// assembled only when Error is called, in one pass over the chain: an
// error raised deep inside a recursive value (thousands of levels) would
// otherwise cost time and memory quadratic in the depth, since fmt.Errorf
// formats the whole inner message at every level.
type pathError struct {
	seg string
	err error
}

func (p *pathError) Error() string {
	var b strings.Builder
	var e error = p
	for {
		pe, ok := e.(*pathError)
		if !ok {
			break
		}
		b.WriteString(pe.seg)
		b.WriteString(": ")
		e = pe.err
	}
	if e != nil {
		b.WriteString(e.Error())
	}
	return b.String()
}

func (p *pathError) Unwrap() error { return p.err }

// Wrap prefixes err with a path segment ("decode ContractHeader.metadata");
// it returns nil for a nil err. Decoders of recursive values must use Wrap
// or Wrapf rather than fmt.Errorf (see pathError).
func Wrap(err error, segment string) error {
	if err == nil {
		return nil
	}
	return &pathError{seg: segment, err: err}
}

// Wrapf is Wrap with a formatted segment.
func Wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &pathError{seg: fmt.Sprintf(format, args...), err: err}
}
