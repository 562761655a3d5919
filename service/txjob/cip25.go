package txjob

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"unicode/utf8"

	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// CIP-25 role-token metadata (semantics.md §6.1), shaped as the Haskell
// Runtime's encodeRoleTokenMetadata shapes it, so that a token minted here
// carries the same label-721 entry a Runtime-built creation would:
//
//	{"name": text, "image": [chunks], "mediaType"?: text,
//	 "description"?: [chunks], "files"?: file | [file, ...], props...}
//	file = {"name": text, "mediaType": text, "src": [chunks], props...}
//
// Keys are in that order, additional properties last in ascending key
// order (Haskell Map.toList). "image", "description" and "src" are
// always lists of chunks (metadata.Chunks, Text.chunksOf 64), even when
// short, and a chunk of multi-byte characters over the ledger's 64 bytes is
// refused by the size check of appendMetadatum, as cardano-api refuses it
// when the Runtime builds the transaction; "name" is never chunked; one
// file is written bare, several as a list, none not at all.

// maxMetadatumBytes is the ledger's bound on a metadatum text or byte
// string.
const maxMetadatumBytes = 64

// roleTokenMetadatum is the label-721 value of one role token: the
// metadatum the Runtime's encodeRoleTokenMetadata builds.
func roleTokenMetadatum(md ptx.RoleTokenMetadata) types.Metadata {
	m := types.MetadataMap{
		{Key: types.MetadataText("name"), Value: types.MetadataText(md.Name)},
		{Key: types.MetadataText("image"), Value: metadata.Chunks(md.Image.String())},
	}
	if md.MediaType != nil {
		m = append(m, types.MetadataPair{Key: types.MetadataText("mediaType"), Value: types.MetadataText(*md.MediaType)})
	}
	if md.Description != nil {
		m = append(m, types.MetadataPair{Key: types.MetadataText("description"), Value: metadata.Chunks(*md.Description)})
	}
	switch len(md.Files) {
	case 0:
	case 1:
		m = append(m, types.MetadataPair{Key: types.MetadataText("files"), Value: nftFileMetadatum(md.Files[0])})
	default:
		files := make(types.MetadataList, len(md.Files))
		for i, f := range md.Files {
			files[i] = nftFileMetadatum(f)
		}
		m = append(m, types.MetadataPair{Key: types.MetadataText("files"), Value: files})
	}
	return appendProperties(m, md.AdditionalProperties)
}

// nftFileMetadatum is one entry of "files".
func nftFileMetadatum(f ptx.NFTMetadataFile) types.Metadata {
	m := types.MetadataMap{
		{Key: types.MetadataText("name"), Value: types.MetadataText(f.Name)},
		{Key: types.MetadataText("mediaType"), Value: types.MetadataText(f.MediaType)},
		{Key: types.MetadataText("src"), Value: metadata.Chunks(f.Src.String())},
	}
	return appendProperties(m, f.AdditionalProperties)
}

// appendProperties appends additional properties in ascending key order
// (Go's byte order of UTF-8 strings is Haskell's Text order).
func appendProperties(m types.MetadataMap, props map[string]types.Metadata) types.MetadataMap {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		m = append(m, types.MetadataPair{Key: types.MetadataText(k), Value: props[k]})
	}
	return m
}

// roleMetadataCBOR is the CBOR of a role token's label-721 value, as
// txbuild.RolesConfig.Metadata takes it. Metadata the ledger would refuse
// (a text or byte string over 64 bytes, an integer outside ±(2^64−1),
// invalid UTF-8, an additional property reusing a CIP-25 field name) is an
// error here rather than a transaction the node rejects.
func roleMetadataCBOR(md ptx.RoleTokenMetadata) ([]byte, error) {
	if err := checkPropertyKeys(md.AdditionalProperties, "name", "image", "mediaType", "description", "files"); err != nil {
		return nil, err
	}
	for i, f := range md.Files {
		if err := checkPropertyKeys(f.AdditionalProperties, "name", "mediaType", "src"); err != nil {
			return nil, fmt.Errorf("file %d: %w", i, err)
		}
	}
	b, err := appendMetadatum(nil, roleTokenMetadatum(md), 0)
	if err != nil {
		return nil, fmt.Errorf("CIP-25 metadata: %w", err)
	}
	return b, nil
}

// checkPropertyKeys refuses an additional property named like a field the
// encoding writes itself: the Runtime would write the key twice, a map
// with a duplicate key that metadata readers resolve differently, and its
// own decoder drops such properties anyway.
func checkPropertyKeys(props map[string]types.Metadata, reserved ...string) error {
	for _, r := range reserved {
		if _, ok := props[r]; ok {
			return fmt.Errorf("CIP-25 metadata: additional property %q duplicates a standard field", r)
		}
	}
	return nil
}

// maxMetadatumDepth bounds nesting so that hostile wire metadata cannot
// exhaust the stack (the wire decoder has its own, smaller, depth limit).
const maxMetadatumDepth = 256

// appendMetadatum appends the ledger CBOR of a metadatum: definite-length
// maps and lists in the given order, integers as CBOR major types 0/1.
func appendMetadatum(b []byte, m types.Metadata, depth int) ([]byte, error) {
	if depth > maxMetadatumDepth {
		return nil, fmt.Errorf("metadatum nested deeper than %d", maxMetadatumDepth)
	}
	var err error
	switch v := m.(type) {
	case types.MetadataMap:
		b = cborhead.Append(b, 5, uint64(len(v)))
		for i, p := range v {
			if b, err = appendMetadatum(b, p.Key, depth+1); err != nil {
				return nil, fmt.Errorf("map entry %d key: %w", i, err)
			}
			if b, err = appendMetadatum(b, p.Value, depth+1); err != nil {
				return nil, fmt.Errorf("map entry %d value: %w", i, err)
			}
		}
		return b, nil
	case types.MetadataList:
		b = cborhead.Append(b, 4, uint64(len(v)))
		for i, x := range v {
			if b, err = appendMetadatum(b, x, depth+1); err != nil {
				return nil, fmt.Errorf("list item %d: %w", i, err)
			}
		}
		return b, nil
	case types.MetadataNumber:
		return appendMetadataInt(b, v.Value)
	case types.MetadataBytes:
		if len(v) > maxMetadatumBytes {
			return nil, fmt.Errorf("byte string of %d bytes (the ledger allows %d)", len(v), maxMetadatumBytes)
		}
		return append(cborhead.Append(b, 2, uint64(len(v))), v...), nil
	case types.MetadataText:
		if len(v) > maxMetadatumBytes {
			return nil, fmt.Errorf("text %q of %d bytes (the ledger allows %d)", string(v), len(v), maxMetadatumBytes)
		}
		if !utf8.ValidString(string(v)) {
			return nil, fmt.Errorf("text %q is not valid UTF-8", string(v))
		}
		return append(cborhead.Append(b, 3, uint64(len(v))), v...), nil
	case nil:
		return nil, fmt.Errorf("nil metadatum")
	}
	return nil, fmt.Errorf("unsupported metadatum %T", m)
}

// appendMetadataInt appends an integer metadatum; the ledger's range is
// −(2^64−1) … 2^64−1, exactly what CBOR major types 0 and 1 hold.
func appendMetadataInt(b []byte, n *big.Int) ([]byte, error) {
	if n == nil {
		return nil, fmt.Errorf("nil integer metadatum")
	}
	if n.Sign() >= 0 {
		if !n.IsUint64() {
			return nil, fmt.Errorf("integer %v above 2^64-1", n)
		}
		return cborhead.Append(b, 0, n.Uint64()), nil
	}
	// CBOR stores −1 − n for a negative n.
	m := new(big.Int).Neg(n)
	m.Sub(m, big.NewInt(1))
	if !m.IsUint64() || m.Uint64() == math.MaxUint64 {
		return nil, fmt.Errorf("integer %v below -(2^64-1)", n)
	}
	return cborhead.Append(b, 1, m.Uint64()), nil
}
