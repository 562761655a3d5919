// Package cborhead appends CBOR item heads (RFC 8949 §3): the one piece of
// CBOR that code writing ledger structures by hand — synthetic blocks and
// transactions, node replies, metadata — needs byte for byte, always in
// the shortest form, as the ledger's canonical encodings use it.
package cborhead

import "encoding/binary"

// Append appends the head of an item of major type major (0–7) with
// argument n (a value, a length or a tag) in its shortest form.
func Append(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, m|27), n)
}
