package extract

import (
	"errors"
	"fmt"
)

// The recogniser reads a few things straight from the original CBOR that
// gouroboros keeps: an output's address bytes exactly as on chain (the
// Runtime compares addresses byte for byte), whether a body field is present
// (gouroboros reports an absent validity start as 0), and transaction
// metadata (kept raw per label). A small reader is enough for that and keeps
// every read bounded.

// maxCBORDepth bounds nesting while skipping or decoding items. Transaction
// metadata and output CBOR are small; on-chain values never approach it.
const maxCBORDepth = 10000

var errCBORTruncated = errors.New("cbor: unexpected end of input")

type cborReader struct {
	b   []byte
	pos int
}

// head reads an item head. For indefinite-length items indef is set and arg
// is 0. A break code (0xff) is returned as major 7 with indef set.
func (r *cborReader) head() (major byte, arg uint64, indef bool, err error) {
	if r.pos >= len(r.b) {
		return 0, 0, false, errCBORTruncated
	}
	ib := r.b[r.pos]
	r.pos++
	major, info := ib>>5, ib&0x1f
	switch {
	case info < 24:
		return major, uint64(info), false, nil
	case info <= 27:
		n := 1 << (info - 24)
		if len(r.b)-r.pos < n {
			return 0, 0, false, errCBORTruncated
		}
		for _, c := range r.b[r.pos : r.pos+n] {
			arg = arg<<8 | uint64(c)
		}
		r.pos += n
		return major, arg, false, nil
	case info == 31:
		switch major {
		case 2, 3, 4, 5, 7:
			return major, 0, true, nil
		}
		return 0, 0, false, fmt.Errorf("cbor: indefinite length on major type %d at offset %d", major, r.pos-1)
	default:
		return 0, 0, false, fmt.Errorf("cbor: reserved additional information %d at offset %d", info, r.pos-1)
	}
}

// atBreak consumes a break code if one is next.
func (r *cborReader) atBreak() bool {
	if r.pos < len(r.b) && r.b[r.pos] == 0xff {
		r.pos++
		return true
	}
	return false
}

// take returns the next n bytes, checking the announced length against what
// is actually there before any allocation.
func (r *cborReader) take(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)-r.pos) {
		return nil, errCBORTruncated
	}
	out := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return out, nil
}

// stringBody reads the payload of a byte or text string whose head was just
// read; indefinite strings are concatenated from chunks of the same type.
func (r *cborReader) stringBody(major byte, arg uint64, indef bool) ([]byte, error) {
	if !indef {
		return r.take(arg)
	}
	var out []byte
	for !r.atBreak() {
		m, n, ind, err := r.head()
		if err != nil {
			return nil, err
		}
		if m != major || ind {
			return nil, fmt.Errorf("cbor: bad chunk in indefinite string at offset %d", r.pos)
		}
		c, err := r.take(n)
		if err != nil {
			return nil, err
		}
		out = append(out, c...)
	}
	return out, nil
}

// skip consumes one complete item.
func (r *cborReader) skip(depth int) error {
	if depth > maxCBORDepth {
		return fmt.Errorf("cbor: nesting deeper than %d", maxCBORDepth)
	}
	major, arg, indef, err := r.head()
	if err != nil {
		return err
	}
	switch major {
	case 0, 1:
		return nil
	case 2, 3:
		_, err := r.stringBody(major, arg, indef)
		return err
	case 4, 5:
		per := uint64(1)
		if major == 5 {
			per = 2
		}
		if indef {
			for !r.atBreak() {
				for k := uint64(0); k < per; k++ {
					if err := r.skip(depth + 1); err != nil {
						return err
					}
				}
			}
			return nil
		}
		// Every item takes at least one byte: a count beyond the
		// remaining input cannot be honest, and checking it first keeps
		// the loop bounded by the input size.
		if arg > uint64(len(r.b)-r.pos) {
			return errCBORTruncated
		}
		for i := uint64(0); i < arg*per; i++ {
			if err := r.skip(depth + 1); err != nil {
				return err
			}
		}
		return nil
	case 6:
		return r.skip(depth + 1)
	default: // 7: simple values and floats
		if indef {
			return fmt.Errorf("cbor: unexpected break at offset %d", r.pos-1)
		}
		return nil
	}
}

// item returns the raw bytes of the next complete item.
func (r *cborReader) item() ([]byte, error) {
	start := r.pos
	if err := r.skip(0); err != nil {
		return nil, err
	}
	return r.b[start:r.pos], nil
}

// forEachUintKey reads a map head and calls f for each key; f must consume
// the value (or return an error). Keys that are not unsigned integers are
// reported to f with ok false and the key skipped.
func (r *cborReader) forEachUintKey(f func(key uint64, ok bool) error) error {
	major, n, indef, err := r.head()
	if err != nil {
		return err
	}
	if major != 5 {
		return fmt.Errorf("cbor: expected a map, got major type %d", major)
	}
	if !indef && n > uint64(len(r.b)-r.pos) {
		return errCBORTruncated
	}
	for i := uint64(0); indef || i < n; i++ {
		if indef && r.atBreak() {
			break
		}
		save := r.pos
		km, karg, kindef, err := r.head()
		if err != nil {
			return err
		}
		if km != 0 || kindef {
			r.pos = save
			if err := r.skip(1); err != nil {
				return err
			}
			if err := f(0, false); err != nil {
				return err
			}
			continue
		}
		if err := f(karg, true); err != nil {
			return err
		}
	}
	return nil
}

// outputAddress returns the address bytes of a transaction output exactly as
// encoded: the first element of a legacy (array) output or key 0 of a
// post-Babbage (map) output.
func outputAddress(out []byte) ([]byte, error) {
	r := cborReader{b: out}
	major, n, indef, err := r.head()
	if err != nil {
		return nil, err
	}
	readAddr := func() ([]byte, error) {
		m, arg, ind, err := r.head()
		if err != nil {
			return nil, err
		}
		if m != 2 {
			return nil, fmt.Errorf("cbor: output address has major type %d", m)
		}
		return r.stringBody(m, arg, ind)
	}
	switch major {
	case 4:
		if !indef && n == 0 {
			return nil, errors.New("cbor: empty output array")
		}
		return readAddr()
	case 5:
		r.pos = 0
		var addr []byte
		found := false
		err := r.forEachUintKey(func(key uint64, ok bool) error {
			if ok && key == 0 && !found {
				a, err := readAddr()
				if err != nil {
					return err
				}
				addr, found = a, true
				return nil
			}
			return r.skip(1)
		})
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, errors.New("cbor: output map has no address")
		}
		return addr, nil
	default:
		return nil, fmt.Errorf("cbor: output has major type %d", major)
	}
}

// mapHasKey reports whether the CBOR map m has the unsigned key k.
func mapHasKey(m []byte, k uint64) (bool, error) {
	r := cborReader{b: m}
	found := false
	err := r.forEachUintKey(func(key uint64, ok bool) error {
		if ok && key == k {
			found = true
		}
		return r.skip(1)
	})
	return found, err
}
