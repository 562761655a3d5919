// Package metadata is the one model of Cardano transaction metadata values
// used across the module: the recogniser decodes on-chain CBOR into it, the
// protocol layer encodes it in the Haskell runtime's Data.Binary form
// (protocol/types names these types after the Haskell constructors through
// aliases), and the transaction job writes it back as ledger CBOR.
//
// It also holds Marlowe's own metadata, the value under label 1564: the
// lenient parser the Runtime applies to what it finds on chain (versions 1
// and 2) and the canonical version-2 encoder it uses when writing.
//
// The package models values only; it knows neither CBOR nor the wire
// format, so every layer can depend on it.
package metadata

import (
	"math/big"
	"unicode/utf8"
)

// Value is a transaction metadata value (a metadatum). The set of concrete
// types is closed: Int, Bytes, Text, List and Map.
type Value interface{ isValue() }

// Int is a metadata integer. The ledger bounds it to 64 bits of magnitude,
// but values decoded from CBOR bignums may be larger, so it is a big.Int.
type Int struct{ Value *big.Int }

// Bytes is a metadata byte string.
type Bytes []byte

// Text is a metadata text string. The ledger and the wire format require
// valid UTF-8; the type does not enforce it, so that what was read from
// chain can be represented before it is checked.
type Text string

// List is a metadata list.
type List []Value

// Map is a metadata map: an association list kept in the order of its
// encoding, since metadata maps may repeat or misorder keys.
type Map []Pair

// Pair is one entry of a Map.
type Pair struct{ Key, Value Value }

func (Int) isValue()   {}
func (Bytes) isValue() {}
func (Text) isValue()  {}
func (List) isValue()  {}
func (Map) isValue()   {}

// ChunkLen is the length, in characters, of the chunks the Runtime splits
// long strings into (Haskell Text.chunksOf 64).
//
// The ledger's bound is 64 bytes, not characters, so a chunk of multi-byte
// characters can exceed it; the Runtime does not care (cardano-api then
// refuses the transaction) and neither do Chunks or EncodeMarlowe, which
// reproduce its values. Whoever writes to the ledger checks sizes.
const ChunkLen = 64

// Chunks is Haskell's Text.chunksOf 64: s split into texts of ChunkLen
// characters (runes), the last one shorter. The empty string gives the
// empty list.
func Chunks(s string) List {
	out := List{}
	for s != "" {
		cut, n := 0, 0
		for cut < len(s) && n < ChunkLen {
			_, size := utf8.DecodeRuneInString(s[cut:])
			cut += size
			n++
		}
		out = append(out, Text(s[:cut]))
		s = s[cut:]
	}
	return out
}
