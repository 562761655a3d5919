package types

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// MarloweMetadataLabel is the transaction metadata label of Marlowe's
// contract metadata (CIP-0025-style registry number 1564).
const MarloweMetadataLabel uint64 = 1564

// MarloweMetadata is the structured Marlowe metadata stored under label
// 1564: searchable tags with optional payloads and an optional
// continuations URI.
type MarloweMetadata struct {
	// Tags maps each tag (Text) to its payload; a nil payload is Haskell's
	// Nothing (a tag without payload).
	Tags map[string]Metadata
	// Continuations is the continuation-map URI, if any.
	Continuations *string
}

// MarloweTransactionMetadata is a transaction's metadata with the Marlowe
// metadata parsed out (wire-protocol.md §5.2, §6.2). On the wire it is just
// the TransactionMetadata map. Decoding keeps the whole map in Metadata
// (label 1564 included) and sets Marlowe when label 1564 parses leniently
// as V1 or V2 Marlowe metadata. Encoding writes Metadata with label 1564
// replaced by the canonical V2 form of Marlowe when Marlowe is set — the
// Haskell encoder does the same, so on-chain V1 metadata leaves a Haskell
// server in V2 form and a decode/encode round trip of a non-canonical 1564
// value is not byte-identical (it is for everything a Haskell peer sends).
type MarloweTransactionMetadata struct {
	Marlowe  *MarloweMetadata
	Metadata TransactionMetadata
}

// tagChunk is the chunk size, in characters, of long tags in V2 metadata.
const tagChunk = 64

// EncodeMarloweMetadata returns the canonical V2 metadatum for m:
// [2, [[tag] | [tag, payload] …ascending by tag], continuations?], where a
// tag longer than 64 characters becomes a list of 64-character chunks.
func EncodeMarloweMetadata(m MarloweMetadata) Metadata {
	keys := slices.Sorted(maps.Keys(m.Tags))
	entries := make(MetadataList, 0, len(keys))
	for _, k := range keys {
		entry := MetadataList{encodeTag(k)}
		if p := m.Tags[k]; p != nil {
			entry = append(entry, p)
		}
		entries = append(entries, entry)
	}
	out := MetadataList{MetadataNumber{Value: bigInt(2)}, entries}
	if m.Continuations != nil {
		out = append(out, MetadataText(*m.Continuations))
	}
	return out
}

// encodeTag is Haskell's T.chunksOf 64 on the tag: one text when it has at
// most 64 characters (the empty tag included), else a list of chunks.
func encodeTag(tag string) Metadata {
	if utf8.RuneCountInString(tag) <= tagChunk {
		return MetadataText(tag)
	}
	var chunks MetadataList
	for rest := tag; rest != ""; {
		cut, n := 0, 0
		for cut < len(rest) && n < tagChunk {
			_, size := utf8.DecodeRuneInString(rest[cut:])
			cut += size
			n++
		}
		chunks = append(chunks, MetadataText(rest[:cut]))
		rest = rest[cut:]
	}
	return chunks
}

// ParseMarloweMetadata parses a label-1564 metadatum leniently, as the
// Haskell runtime does: [1 | 2, tags, continuations?] with V1 tag entries
// `text` or `[text, payload, …]` and V2 entries `[chunkedText, payload?, …]`;
// extra list elements are ignored and a repeated tag keeps its last payload.
func ParseMarloweMetadata(m Metadata) (MarloweMetadata, error) {
	top, ok := m.(MetadataList)
	if !ok {
		return MarloweMetadata{}, errors.New("marlowe metadata: expected a list")
	}
	if len(top) < 1 {
		return MarloweMetadata{}, errors.New("marlowe metadata: missing version")
	}
	ver, ok := top[0].(MetadataNumber)
	if !ok || ver.Value == nil {
		return MarloweMetadata{}, errors.New("marlowe metadata: version is not a number")
	}
	var v2 bool
	switch {
	case ver.Value.IsInt64() && ver.Value.Int64() == 1:
	case ver.Value.IsInt64() && ver.Value.Int64() == 2:
		v2 = true
	default:
		return MarloweMetadata{}, fmt.Errorf("marlowe metadata: unknown version %s", ver.Value)
	}
	if len(top) < 2 {
		return MarloweMetadata{}, errors.New("marlowe metadata: missing tags")
	}
	entries, ok := top[1].(MetadataList)
	if !ok {
		return MarloweMetadata{}, errors.New("marlowe metadata: tags are not a list")
	}
	out := MarloweMetadata{Tags: make(map[string]Metadata, len(entries))}
	for i, entry := range entries {
		var (
			tag     string
			payload Metadata
			err     error
		)
		if v2 {
			tag, payload, err = parseTagV2(entry)
		} else {
			tag, payload, err = parseTagV1(entry)
		}
		if err != nil {
			return MarloweMetadata{}, binary.Wrapf(err, "marlowe metadata: tag %d", i)
		}
		out.Tags[tag] = payload
	}
	if len(top) > 2 {
		c, ok := top[2].(MetadataText)
		if !ok {
			return MarloweMetadata{}, errors.New("marlowe metadata: continuations is not text")
		}
		s := string(c)
		out.Continuations = &s
	}
	return out, nil
}

func parseTagV1(entry Metadata) (string, Metadata, error) {
	switch v := entry.(type) {
	case MetadataText:
		return string(v), nil, nil
	case MetadataList:
		if len(v) < 2 {
			return "", nil, errors.New("expected [tag, payload]")
		}
		t, ok := v[0].(MetadataText)
		if !ok {
			return "", nil, errors.New("tag is not text")
		}
		return string(t), v[1], nil
	}
	return "", nil, errors.New("expected a list or text")
}

func parseTagV2(entry Metadata) (string, Metadata, error) {
	v, ok := entry.(MetadataList)
	if !ok {
		return "", nil, errors.New("expected a list")
	}
	if len(v) < 1 {
		return "", nil, errors.New("missing tag")
	}
	var tag string
	switch t := v[0].(type) {
	case MetadataText:
		tag = string(t)
	case MetadataList:
		var b strings.Builder
		for _, c := range t {
			ct, ok := c.(MetadataText)
			if !ok {
				return "", nil, errors.New("tag chunk is not text")
			}
			b.WriteString(string(ct))
		}
		tag = b.String()
	default:
		return "", nil, errors.New("tag is not chunked text")
	}
	if len(v) > 1 {
		return tag, v[1], nil
	}
	return tag, nil, nil
}

// MarloweTransactionMetadataOf splits raw transaction metadata as the
// decoder does: the map is kept whole and label 1564 is parsed leniently.
func MarloweTransactionMetadataOf(tm TransactionMetadata) MarloweTransactionMetadata {
	out := MarloweTransactionMetadata{Metadata: tm}
	if raw, ok := tm[MarloweMetadataLabel]; ok {
		if mm, err := ParseMarloweMetadata(raw); err == nil {
			out.Marlowe = &mm
		}
	}
	return out
}

// TransactionMetadata returns the metadata as encoded: Metadata with label
// 1564 set to the canonical form of Marlowe when Marlowe is set.
func (m MarloweTransactionMetadata) TransactionMetadata() TransactionMetadata {
	if m.Marlowe == nil {
		return m.Metadata
	}
	out := make(TransactionMetadata, len(m.Metadata)+1)
	maps.Copy(out, m.Metadata)
	out[MarloweMetadataLabel] = EncodeMarloweMetadata(*m.Marlowe)
	return out
}

// EncodeMarloweTransactionMetadata appends MarloweTransactionMetadata as a
// TransactionMetadata map (see the type's documentation for label 1564).
func EncodeMarloweTransactionMetadata(e *binary.Encoder, x MarloweTransactionMetadata) {
	EncodeTransactionMetadata(e, x.TransactionMetadata())
}

// DecodeMarloweTransactionMetadata reads MarloweTransactionMetadata.
func DecodeMarloweTransactionMetadata(d *binary.Decoder) (MarloweTransactionMetadata, error) {
	tm, err := DecodeTransactionMetadata(d)
	if err != nil {
		return MarloweTransactionMetadata{}, binary.Wrapf(err, "decode MarloweTransactionMetadata")
	}
	return MarloweTransactionMetadataOf(tm), nil
}
