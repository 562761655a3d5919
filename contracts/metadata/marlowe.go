package metadata

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"
)

// MarloweLabel is the transaction metadata label of Marlowe's contract
// metadata (tags and continuations URI).
const MarloweLabel uint64 = 1564

// Marlowe is the Marlowe metadata stored under label 1564 (Haskell
// MarloweMetadata): searchable tags with optional payloads and an optional
// continuations URI.
//
// The on-chain version (1 or 2) is deliberately not kept: the Haskell type
// has no such field, everything written is version 2, and a value decoded
// from chain must compare equal to the same value built by hand.
type Marlowe struct {
	// Tags maps each tag to its payload; a nil payload is a tag without
	// one (Haskell Nothing). A repeated tag keeps its last payload
	// (Haskell Map.fromList).
	Tags map[string]Value
	// Continuations is the continuations URI, if any.
	Continuations *string
}

// ParseMarlowe parses a label-1564 value leniently, as the Runtime's
// decodeMarloweMetadata does: a list whose element 0 is the version (1 or
// 2), element 1 the tags and optional element 2 the continuations text;
// further elements are ignored. Version 1 tags are `text` or `[text,
// payload, …]`; version 2 tags are `[chunkedText, payload?, …]`, where
// chunked text is a text or a list of texts concatenated.
func ParseMarlowe(v Value) (Marlowe, error) {
	top, ok := v.(List)
	if !ok {
		return Marlowe{}, errors.New("marlowe metadata: expected a list")
	}
	if len(top) < 1 {
		return Marlowe{}, errors.New("marlowe metadata: missing version")
	}
	ver, ok := top[0].(Int)
	if !ok || ver.Value == nil {
		return Marlowe{}, errors.New("marlowe metadata: version is not a number")
	}
	var parseTag func(Value) (string, Value, error)
	switch {
	case ver.Value.IsInt64() && ver.Value.Int64() == 1:
		parseTag = parseTagV1
	case ver.Value.IsInt64() && ver.Value.Int64() == 2:
		parseTag = parseTagV2
	default:
		return Marlowe{}, fmt.Errorf("marlowe metadata: unknown version %s", ver.Value)
	}
	if len(top) < 2 {
		return Marlowe{}, errors.New("marlowe metadata: missing tags")
	}
	entries, ok := top[1].(List)
	if !ok {
		return Marlowe{}, errors.New("marlowe metadata: tags are not a list")
	}
	out := Marlowe{Tags: make(map[string]Value, len(entries))}
	for i, entry := range entries {
		tag, payload, err := parseTag(entry)
		if err != nil {
			return Marlowe{}, fmt.Errorf("marlowe metadata: tag %d: %w", i, err)
		}
		out.Tags[tag] = payload
	}
	if len(top) > 2 {
		c, ok := top[2].(Text)
		if !ok {
			return Marlowe{}, errors.New("marlowe metadata: continuations is not text")
		}
		s := string(c)
		out.Continuations = &s
	}
	return out, nil
}

func parseTagV1(entry Value) (string, Value, error) {
	switch v := entry.(type) {
	case Text:
		return string(v), nil, nil
	case List:
		if len(v) < 2 {
			return "", nil, errors.New("expected [tag, payload]")
		}
		t, ok := v[0].(Text)
		if !ok {
			return "", nil, errors.New("tag is not text")
		}
		return string(t), v[1], nil
	}
	return "", nil, errors.New("expected a list or text")
}

func parseTagV2(entry Value) (string, Value, error) {
	v, ok := entry.(List)
	if !ok {
		return "", nil, errors.New("expected a list")
	}
	if len(v) < 1 {
		return "", nil, errors.New("missing tag")
	}
	var tag string
	switch t := v[0].(type) {
	case Text:
		tag = string(t)
	case List:
		var b strings.Builder
		for _, c := range t {
			ct, ok := c.(Text)
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

// EncodeMarlowe returns the canonical version-2 value of m, as the Haskell
// encodeMarloweMetadata writes it: [2, [[tag] | [tag, payload] …ascending
// by tag], continuations?], where a tag longer than 64 characters becomes a
// list of 64-character chunks. ParseMarlowe inverts it.
func EncodeMarlowe(m Marlowe) Value {
	keys := slices.Sorted(maps.Keys(m.Tags))
	entries := make(List, 0, len(keys))
	for _, k := range keys {
		entry := List{encodeTag(k)}
		if p := m.Tags[k]; p != nil {
			entry = append(entry, p)
		}
		entries = append(entries, entry)
	}
	out := List{Int{Value: big.NewInt(2)}, entries}
	if m.Continuations != nil {
		out = append(out, Text(*m.Continuations))
	}
	return out
}

// encodeTag is Haskell's T.chunksOf 64 on the tag as encodeMarloweMetadata
// applies it: one text when it has at most 64 characters (the empty tag
// included), else the list of chunks.
func encodeTag(tag string) Value {
	if utf8.RuneCountInString(tag) <= ChunkLen {
		return Text(tag)
	}
	return Chunks(tag)
}
