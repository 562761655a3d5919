package extract

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Most blocks carry nothing for Marlowe, and decoding a block fully costs
// far more than reading its bytes once. A Marlowe step always leaves one of
// two traces in the raw block:
//
//   - an output at a semantics validator (a creation, a continuing output, a
//     foreign output, a collateral return): the output's address is a byte
//     string whose payment credential — bytes 1..28 after the address header
//     — is the validator hash;
//   - an input spending a tracked output (a contract's current output, a
//     payout, a foreign output): the input is a byte string of 32 bytes, the
//     transaction id of that output.
//
// So a block can hold a Marlowe step only if one of its byte strings is a
// semantics validator hash, holds one at offset 1, or is the id of a
// transaction with a tracked unspent output. The filter also matches the
// payout validator hashes and the ids of the registry's reference-script
// transactions (which every Runtime-built Marlowe transaction references):
// they imply no step on their own, but cost nothing and keep the filter a
// superset of what the issue asks for.
//
// The check walks the block's CBOR item by item — every head, skipping
// string payloads — so it is exact about what is a byte string whatever the
// encoding (definite or chunked, minimal or not), needs no recursion, and
// reads each byte once. It never says "no" for a block that holds a step:
// a block it cannot read to the end is reported as a possible match, so
// that the full decoder sees it and reports the damage.

// Filter is the byte-level pre-filter. It holds the validator hashes and
// reference-script ids (fixed) and the ids of transactions with tracked
// unspent outputs, which the caller keeps in step with its store through
// Apply and Reset. Not safe for concurrent use.
type Filter struct {
	hashes map[[28]byte]struct{}
	// hashPrefix has bit b0<<8|b1 set for the first two bytes of every
	// hash: most byte strings are rejected by one load.
	hashPrefix [1 << 16 / 64]uint64
	static     map[registry.TxID]struct{}
	// tracked counts the tracked outputs per transaction id.
	tracked map[registry.TxID]int32
	// chunks reassembles chunked byte strings (rare) between calls.
	chunks []byte
}

// NewFilter returns a filter for x's script sets and their reference-script
// transactions on every network, tracking no output yet.
func (x *Extractor) NewFilter() *Filter {
	reg := x.reg
	f := &Filter{
		hashes:  map[[28]byte]struct{}{},
		static:  map[registry.TxID]struct{}{},
		tracked: map[registry.TxID]int32{},
	}
	for _, set := range x.semantics {
		f.addHash(set.semantics)
		f.addHash(set.payout)
	}
	if reg != nil {
		for _, s := range reg.Scripts() {
			for _, r := range s.References() {
				f.static[r.Ref.TxID] = struct{}{}
			}
		}
	}
	return f
}

func (f *Filter) addHash(h registry.ScriptHash) {
	f.hashes[[28]byte(h)] = struct{}{}
	i := uint(h[0])<<8 | uint(h[1])
	f.hashPrefix[i/64] |= 1 << (i % 64)
}

// Reset replaces the tracked set by the outputs refs yields (the store's
// tracked UTxO), e.g. after a rollback.
func (f *Filter) Reset(refs func(yield func(TxOutRef) error) error) error {
	clear(f.tracked)
	if err := refs(func(r TxOutRef) error {
		f.tracked[r.TxID]++
		return nil
	}); err != nil {
		return fmt.Errorf("pre-filter: load tracked outputs: %w", err)
	}
	return nil
}

// Apply updates the tracked set with a transaction's Delta.
func (f *Filter) Apply(d Delta) {
	for _, r := range d.Remove {
		if n := f.tracked[r.TxID]; n > 1 {
			f.tracked[r.TxID] = n - 1
		} else {
			delete(f.tracked, r.TxID)
		}
	}
	for _, e := range d.Add {
		f.tracked[e.Ref.TxID]++
	}
}

// Tracked is the number of transaction ids with tracked outputs.
func (f *Filter) Tracked() int { return len(f.tracked) }

// MayHoldStep reports whether the raw block (or any CBOR holding
// transactions) can hold a Marlowe step: false only when none of its byte
// strings matches. Damaged CBOR answers true.
func (f *Filter) MayHoldStep(raw []byte) bool {
	r := cborReader{b: raw}
	for r.pos < len(r.b) {
		major, arg, indef, err := r.head()
		if err != nil {
			return true
		}
		switch major {
		case 2:
			if indef {
				b, ok := f.chunked(&r)
				if !ok || f.matches(b) {
					return true
				}
				continue
			}
			b, err := r.take(arg)
			if err != nil {
				return true
			}
			if f.matches(b) {
				return true
			}
		case 3:
			if indef {
				// Text chunks follow as items of their own; reading them
				// as items skips them.
				continue
			}
			if _, err := r.take(arg); err != nil {
				return true
			}
		}
		// Arrays, maps, tags, numbers, simple values and breaks carry no
		// payload of their own: their content is the items that follow.
	}
	return false
}

// chunked reads the chunks of an indefinite byte string whose head was
// just read and returns their concatenation.
func (f *Filter) chunked(r *cborReader) ([]byte, bool) {
	f.chunks = f.chunks[:0]
	for {
		if r.atBreak() {
			return f.chunks, true
		}
		major, arg, indef, err := r.head()
		if err != nil || major != 2 || indef {
			return nil, false
		}
		b, err := r.take(arg)
		if err != nil {
			return nil, false
		}
		f.chunks = append(f.chunks, b...)
	}
}

// matches checks one byte string.
func (f *Filter) matches(b []byte) bool {
	if len(b) == 32 {
		id := registry.TxID(b)
		if _, ok := f.tracked[id]; ok {
			return true
		}
		if _, ok := f.static[id]; ok {
			return true
		}
	}
	if len(b) >= 28 && f.hashAt(b, 0) {
		return true
	}
	return len(b) >= 29 && f.hashAt(b, 1)
}

func (f *Filter) hashAt(b []byte, at int) bool {
	i := uint(b[at])<<8 | uint(b[at+1])
	if f.hashPrefix[i/64]&(1<<(i%64)) == 0 {
		return false
	}
	_, ok := f.hashes[[28]byte(b[at:at+28])]
	return ok
}
