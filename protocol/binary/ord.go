package binary

import (
	"bytes"
	"math/big"
)

// The helpers below reproduce Haskell's Ord for the primitive types, for use
// as the cmp argument of EncodeSet/EncodeMap (wire-protocol.md §6.1).
// Go's own string comparison already matches Haskell's for ByteString
// (unsigned lexicographic, a proper prefix first) and for text-2.0 Text (its
// Ord compares the UTF-8 bytes), so strings.Compare and cmp.Compare serve
// for string-backed and integer types; records and tuples compare field by
// field (cmp.Or), sums by constructor index first.

// CompareBytes is Haskell's Ord on ByteString.
func CompareBytes(a, b []byte) int { return bytes.Compare(a, b) }

// CompareBigInt is Haskell's Ord on Integer and Natural; nil sorts first.
func CompareBigInt(a, b *big.Int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Cmp(b)
}

// CompareBool is Haskell's Ord on Bool: False < True.
func CompareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
