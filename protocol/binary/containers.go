package binary

import (
	"slices"
)

// EncodeFunc encodes one value; (*Encoder).PutText and every types.EncodeX
// have this shape.
type EncodeFunc[T any] func(*Encoder, T)

// DecodeFunc decodes one value; (*Decoder).Text and every types.DecodeX
// have this shape.
type DecodeFunc[T any] func(*Decoder) (T, error)

// Encode runs f on x with a fresh Encoder and returns the bytes or the first
// error recorded.
func Encode[T any](x T, f EncodeFunc[T]) ([]byte, error) {
	e := NewEncoder(nil)
	f(e, x)
	return e.Result()
}

// Decode decodes exactly one value from buf: trailing bytes are an error.
func Decode[T any](buf []byte, f DecodeFunc[T]) (T, error) {
	d := NewDecoder(buf)
	v, err := f(d)
	if err != nil {
		var zero T
		return zero, err
	}
	if err := d.Finish(); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// EncodeMaybe appends Maybe a: 00 for Nothing (ok false), 01 and x for Just.
func EncodeMaybe[T any](e *Encoder, x T, ok bool, f EncodeFunc[T]) {
	if !ok {
		e.PutU8(0)
		return
	}
	e.PutU8(1)
	f(e, x)
}

// DecodeMaybe reads Maybe a; ok is false for Nothing. Tags other than 00
// and 01 are rejected (canonical decoding; Haskell reads any non-zero tag as
// Just).
func DecodeMaybe[T any](d *Decoder, f DecodeFunc[T]) (x T, ok bool, err error) {
	at := d.Offset()
	t, err := d.U8()
	if err != nil {
		return x, false, err
	}
	switch t {
	case 0:
		return x, false, nil
	case 1:
		x, err = f(d)
		if err != nil {
			return x, false, err
		}
		return x, true, nil
	}
	return x, false, d.Errorf(at, "invalid Maybe tag %#02x", t)
}

// EncodeOptional appends Maybe a for a pointer: nil is Nothing.
func EncodeOptional[T any](e *Encoder, p *T, f EncodeFunc[T]) {
	if p == nil {
		e.PutU8(0)
		return
	}
	e.PutU8(1)
	f(e, *p)
}

// DecodeOptional reads Maybe a into a pointer: Nothing is nil.
func DecodeOptional[T any](d *Decoder, f DecodeFunc[T]) (*T, error) {
	x, ok, err := DecodeMaybe(d, f)
	if err != nil || !ok {
		return nil, err
	}
	return &x, nil
}

// Either is Haskell's Either l r: Right is set when IsRight, else Left.
type Either[L, R any] struct {
	IsRight bool
	Left    L
	Right   R
}

// EncodeEither appends Either l r: 00 + l for Left, 01 + r for Right.
func EncodeEither[L, R any](e *Encoder, x Either[L, R], fl EncodeFunc[L], fr EncodeFunc[R]) {
	if x.IsRight {
		e.PutU8(1)
		fr(e, x.Right)
		return
	}
	e.PutU8(0)
	fl(e, x.Left)
}

// DecodeEither reads Either l r, rejecting tags other than 00 and 01.
func DecodeEither[L, R any](d *Decoder, fl DecodeFunc[L], fr DecodeFunc[R]) (Either[L, R], error) {
	var x Either[L, R]
	at := d.Offset()
	t, err := d.U8()
	if err != nil {
		return x, err
	}
	switch t {
	case 0:
		x.Left, err = fl(d)
		if err != nil {
			return x, Wrap(err, "Left")
		}
	case 1:
		x.IsRight = true
		x.Right, err = fr(d)
		if err != nil {
			return x, Wrap(err, "Right")
		}
	default:
		return x, d.Errorf(at, "invalid Either tag %#02x", t)
	}
	return x, nil
}

// EncodeList appends [a]: i64 count, then the elements in order.
func EncodeList[T any](e *Encoder, xs []T, f EncodeFunc[T]) {
	e.PutLen(len(xs))
	for _, x := range xs {
		f(e, x)
	}
}

// DecodeList reads [a] whose elements take at least one byte each.
func DecodeList[T any](d *Decoder, f DecodeFunc[T]) ([]T, error) {
	return DecodeListMin(d, 1, f)
}

// DecodeListMin reads [a] whose elements take at least minElemSize bytes
// each (0 for elements that may encode to nothing); the count is checked
// against the remaining input before anything is allocated, and element
// errors are wrapped with their index.
func DecodeListMin[T any](d *Decoder, minElemSize int, f DecodeFunc[T]) ([]T, error) {
	n, err := d.Len(minElemSize)
	if err != nil {
		return nil, err
	}
	xs := make([]T, 0, min(n, maxPrealloc))
	for i := 0; i < n; i++ {
		x, err := f(d)
		if err != nil {
			return nil, Wrapf(err, "[%d]", i)
		}
		xs = append(xs, x)
	}
	return xs, nil
}

// EncodeSet appends Set a: i64 count and the elements in ascending order of
// cmp, which must be the Haskell Ord of the element type. xs is not
// modified. Two elements comparing equal cannot be in a Set: that records an
// error rather than silently dropping one.
func EncodeSet[T any](e *Encoder, xs []T, cmp func(a, b T) int, f EncodeFunc[T]) {
	sorted := slices.Clone(xs)
	slices.SortFunc(sorted, cmp)
	for i := 1; i < len(sorted); i++ {
		if cmp(sorted[i-1], sorted[i]) == 0 {
			e.Failf("encode Set: duplicate element %v", sorted[i])
			break
		}
	}
	EncodeList(e, sorted, f)
}

// DecodeSet reads Set a and verifies that the elements are in strictly
// ascending order of cmp (which Haskell's fromDistinctAscList assumes
// without checking). The result is in that order.
func DecodeSet[T any](d *Decoder, cmp func(a, b T) int, f DecodeFunc[T]) ([]T, error) {
	n, err := d.Len(1)
	if err != nil {
		return nil, err
	}
	xs := make([]T, 0, min(n, maxPrealloc))
	for i := 0; i < n; i++ {
		at := d.Offset()
		x, err := f(d)
		if err != nil {
			return nil, Wrapf(err, "[%d]", i)
		}
		if i > 0 && cmp(xs[i-1], x) >= 0 {
			return nil, d.Errorf(at, "Set element %d is not greater than its predecessor (elements must be distinct and ascending)", i)
		}
		xs = append(xs, x)
	}
	return xs, nil
}

// Pair is one key/value entry of a Map kept as an ordered slice.
type Pair[K, V any] struct {
	Key   K
	Value V
}

// EncodeMap appends Map k v: i64 count and (key, value) pairs in ascending
// key order of cmp, which must be the Haskell Ord of the key type.
func EncodeMap[K comparable, V any](e *Encoder, m map[K]V, cmp func(a, b K) int, fk EncodeFunc[K], fv EncodeFunc[V]) {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp)
	for i := 1; i < len(keys); i++ {
		if cmp(keys[i-1], keys[i]) == 0 {
			// Distinct Go keys that Haskell's Ord considers equal.
			e.Failf("encode Map: keys %v and %v compare equal", keys[i-1], keys[i])
			break
		}
	}
	e.PutLen(len(keys))
	for _, k := range keys {
		fk(e, k)
		fv(e, m[k])
	}
}

// DecodeMap reads Map k v, verifying strictly ascending keys.
func DecodeMap[K comparable, V any](d *Decoder, cmp func(a, b K) int, fk DecodeFunc[K], fv DecodeFunc[V]) (map[K]V, error) {
	pairs, err := DecodeMapPairs(d, cmp, fk, fv)
	if err != nil {
		return nil, err
	}
	m := make(map[K]V, len(pairs))
	for _, p := range pairs {
		m[p.Key] = p.Value
	}
	return m, nil
}

// EncodeMapPairs appends Map k v from a slice of entries (for key types that
// are not Go-comparable), sorting a copy by key and rejecting equal keys.
func EncodeMapPairs[K, V any](e *Encoder, ps []Pair[K, V], cmp func(a, b K) int, fk EncodeFunc[K], fv EncodeFunc[V]) {
	sorted := slices.Clone(ps)
	slices.SortFunc(sorted, func(a, b Pair[K, V]) int { return cmp(a.Key, b.Key) })
	for i := 1; i < len(sorted); i++ {
		if cmp(sorted[i-1].Key, sorted[i].Key) == 0 {
			e.Failf("encode Map: duplicate key %v", sorted[i].Key)
			break
		}
	}
	e.PutLen(len(sorted))
	for _, p := range sorted {
		fk(e, p.Key)
		fv(e, p.Value)
	}
}

// DecodeMapPairs reads Map k v into a slice of entries in wire order,
// verifying strictly ascending keys.
func DecodeMapPairs[K, V any](d *Decoder, cmp func(a, b K) int, fk DecodeFunc[K], fv DecodeFunc[V]) ([]Pair[K, V], error) {
	n, err := d.Len(1)
	if err != nil {
		return nil, err
	}
	ps := make([]Pair[K, V], 0, min(n, maxPrealloc))
	for i := 0; i < n; i++ {
		at := d.Offset()
		k, err := fk(d)
		if err != nil {
			return nil, Wrapf(err, "[%d].key", i)
		}
		if i > 0 && cmp(ps[i-1].Key, k) >= 0 {
			return nil, d.Errorf(at, "Map key %d is not greater than its predecessor (keys must be distinct and ascending)", i)
		}
		v, err := fv(d)
		if err != nil {
			return nil, Wrapf(err, "[%d].value", i)
		}
		ps = append(ps, Pair[K, V]{k, v})
	}
	return ps, nil
}
