package binary

import (
	"errors"
	"fmt"
	"io"
)

// minGrow is the least the Reader adds to its buffer when it grows. Growth is
// otherwise geometric in the bytes that have actually arrived (at most
// doubling), never sized by what a length prefix announces: a hostile prefix
// claiming a terabyte costs nothing until the bytes exist, and a message
// arriving in many small TCP segments is still re-parsed only a logarithmic
// number of times.
const minGrow = 4 << 10

// Reader decodes a stream of self-delimiting values — the wire protocol's
// frames have no length prefix (wire-protocol.md §1.3) — from an io.Reader,
// keeping surplus bytes for the next value. It tries to decode what it has;
// on a short error it reads at least the missing Need bytes and retries, and
// it refuses any value that would need more than its limit, so a hostile
// length prefix cannot make it buffer without bound.
type Reader struct {
	r        io.Reader
	buf      []byte // unread bytes are buf[start:]
	start    int
	limit    int
	maxDepth int
	eof      error // sticky read error
}

// NewReader returns a Reader over r that buffers at most limit bytes for a
// single value.
func NewReader(r io.Reader, limit int) *Reader {
	return &Reader{r: r, limit: limit}
}

// SetMaxDepth sets the nesting bound of the Decoders the Reader uses.
func (rd *Reader) SetMaxDepth(n int) { rd.maxDepth = n }

// Buffered is the number of bytes read from the stream but not yet decoded.
func (rd *Reader) Buffered() int { return len(rd.buf) - rd.start }

// ReadValue decodes the next value with f. At a clean end of stream (no
// buffered bytes) it returns io.EOF; a stream ending inside a value gives an
// error wrapping io.ErrUnexpectedEOF; a malformed value gives f's error
// (wrapping ErrMalformed), after which the stream position is undefined and
// the connection should be dropped.
func ReadValue[T any](rd *Reader, f DecodeFunc[T]) (T, error) {
	var zero T
	for {
		if rd.Buffered() > 0 {
			d := NewDecoder(rd.buf[rd.start:])
			if rd.maxDepth > 0 {
				d.SetMaxDepth(rd.maxDepth)
			}
			v, err := f(d)
			if err == nil {
				if d.Offset() > rd.limit {
					return zero, fmt.Errorf("value of %d bytes exceeds the %d-byte limit: %w", d.Offset(), rd.limit, ErrMalformed)
				}
				rd.start += d.Offset()
				return v, nil
			}
			if !IsShort(err) {
				return zero, err
			}
			need, _ := NeedMore(err)
			if need < 1 {
				need = 1
			}
			if need > int64(rd.limit-rd.Buffered()) {
				return zero, fmt.Errorf("value needs at least %d more bytes beyond %d buffered, over the %d-byte limit: %w",
					need, rd.Buffered(), rd.limit, ErrMalformed)
			}
			if rd.eof != nil {
				return zero, fmt.Errorf("stream ended inside a value (%d bytes buffered): %w", rd.Buffered(), io.ErrUnexpectedEOF)
			}
			if err := rd.fill(int(need)); err != nil && !errors.Is(err, io.EOF) {
				return zero, err
			}
			continue
		}
		if rd.eof != nil {
			if errors.Is(rd.eof, io.EOF) {
				return zero, io.EOF
			}
			return zero, rd.eof
		}
		if err := rd.fill(1); err != nil && !errors.Is(err, io.EOF) {
			return zero, err
		}
	}
}

// fill reads until at least need more bytes are buffered or the stream
// ends; read errors are kept sticky.
func (rd *Reader) fill(need int) error {
	if rd.start > 0 {
		// Drop consumed bytes so the buffer only ever holds one value.
		n := copy(rd.buf, rd.buf[rd.start:])
		rd.buf = rd.buf[:n]
		rd.start = 0
	}
	want := len(rd.buf) + need
	for idle := 0; len(rd.buf) < want; {
		if cap(rd.buf)-len(rd.buf) < minGrow/2 {
			grown := make([]byte, len(rd.buf), len(rd.buf)+max(minGrow, len(rd.buf)))
			copy(grown, rd.buf)
			rd.buf = grown
		}
		n, err := rd.r.Read(rd.buf[len(rd.buf):cap(rd.buf)])
		rd.buf = rd.buf[:len(rd.buf)+n]
		if err != nil {
			rd.eof = err
			return err
		}
		if n == 0 {
			// A reader that keeps returning nothing would spin forever.
			if idle++; idle >= 100 {
				rd.eof = io.ErrNoProgress
				return rd.eof
			}
		}
	}
	return nil
}
