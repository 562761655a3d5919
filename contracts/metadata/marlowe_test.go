package metadata_test

import (
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
)

func num(n int64) metadata.Int { return metadata.Int{Value: big.NewInt(n)} }

type (
	L = metadata.List
	T = metadata.Text
)

// TestParseMarlowe: the lenient label-1564 parser accepts what the
// Runtime's decodeMarloweMetadata accepts (versions 1 and 2, extra list
// elements ignored, repeated tags last-wins, chunked version-2 tags) and
// rejects the rest, with the reason.
func TestParseMarlowe(t *testing.T) {
	long := strings.Repeat("a", 64) + strings.Repeat("b", 10)
	uri := "uri"
	tests := []struct {
		name string
		v    metadata.Value
		want metadata.Marlowe
		err  string // "" = must parse
	}{
		{name: "v2 canonical", v: L{num(2), L{L{T("t1")}, L{T("t2"), T("p")}}, T(uri)},
			want: metadata.Marlowe{Tags: map[string]metadata.Value{"t1": nil, "t2": T("p")}, Continuations: &uri}},
		{name: "v2 chunked", v: L{num(2), L{L{L{T(long[:64]), T(long[64:])}, T("p")}}},
			want: metadata.Marlowe{Tags: map[string]metadata.Value{long: T("p")}}},
		{name: "v2 short tag in chunks", v: L{num(2), L{L{L{T("ab"), T("c")}}}},
			want: metadata.Marlowe{Tags: map[string]metadata.Value{"abc": nil}}},
		{name: "v2 extra elements", v: L{num(2), L{L{T("t"), T("p"), T("ignored")}}, T(uri), num(99)},
			want: metadata.Marlowe{Tags: map[string]metadata.Value{"t": T("p")}, Continuations: &uri}},
		{name: "v2 repeated tag", v: L{num(2), L{L{T("t"), T("first")}, L{T("t"), T("last")}, L{T("u")}, L{T("u"), num(1)}}},
			want: metadata.Marlowe{Tags: map[string]metadata.Value{"t": T("last"), "u": num(1)}}},
		{name: "v2 empty tags", v: L{num(2), L{}},
			want: metadata.Marlowe{Tags: map[string]metadata.Value{}}},
		{name: "v1 texts and pairs", v: L{num(1), L{T("t1"), L{T("t2"), T("p")}}},
			want: metadata.Marlowe{Tags: map[string]metadata.Value{"t1": nil, "t2": T("p")}}},
		{name: "v1 extra tuple elements and continuations", v: L{num(1), L{L{T("t"), num(1), num(2)}}, T(uri), num(9)},
			want: metadata.Marlowe{Tags: map[string]metadata.Value{"t": num(1)}, Continuations: &uri}},

		{name: "not a list", v: metadata.Map{{Key: T("a"), Value: num(1)}}, err: "marlowe metadata: expected a list"},
		{name: "empty list", v: L{}, err: "marlowe metadata: missing version"},
		{name: "version not a number", v: L{T("2"), L{}}, err: "marlowe metadata: version is not a number"},
		{name: "version without value", v: L{metadata.Int{}, L{}}, err: "marlowe metadata: version is not a number"},
		{name: "unknown version", v: L{num(3), L{}}, err: "marlowe metadata: unknown version 3"},
		{name: "huge version", v: L{metadata.Int{Value: new(big.Int).Lsh(big.NewInt(1), 70)}, L{}}, err: "marlowe metadata: unknown version 1180591620717411303424"},
		{name: "missing tags", v: L{num(2)}, err: "marlowe metadata: missing tags"},
		{name: "tags not a list", v: L{num(2), T("t")}, err: "marlowe metadata: tags are not a list"},
		{name: "continuations not text", v: L{num(2), L{}, num(5)}, err: "marlowe metadata: continuations is not text"},
		{name: "v1 pair without payload", v: L{num(1), L{L{T("t")}}}, err: "marlowe metadata: tag 0: expected [tag, payload]"},
		{name: "v1 tag not text", v: L{num(1), L{T("ok"), L{num(1), num(2)}}}, err: "marlowe metadata: tag 1: tag is not text"},
		{name: "v1 bytes entry", v: L{num(1), L{metadata.Bytes("t")}}, err: "marlowe metadata: tag 0: expected a list or text"},
		{name: "v2 bare text tag", v: L{num(2), L{T("t")}}, err: "marlowe metadata: tag 0: expected a list"},
		{name: "v2 empty entry", v: L{num(2), L{L{}}}, err: "marlowe metadata: tag 0: missing tag"},
		{name: "v2 tag not text", v: L{num(2), L{L{num(5)}}}, err: "marlowe metadata: tag 0: tag is not chunked text"},
		{name: "v2 chunk not text", v: L{num(2), L{L{L{T("a"), num(1)}}}}, err: "marlowe metadata: tag 0: tag chunk is not text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := metadata.ParseMarlowe(tc.v)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// TestEncodeMarlowe: parsing and re-encoding gives the canonical version-2
// value the Runtime writes (wire-protocol.md §5.2/§6.2), tags ascending by
// UTF-8 bytes and long tags in chunks of 64 characters, not bytes; the
// canonical value is a fixed point and parses back to the same Marlowe.
func TestEncodeMarlowe(t *testing.T) {
	long := strings.Repeat("é", 64) + "xyz" // 67 characters, 131 bytes
	cont := "ipfs://x"
	tests := []struct {
		name      string
		raw       metadata.Value
		canonical metadata.Value
	}{
		{
			name:      "V1 plain tag and tag with payload become V2",
			raw:       L{num(1), L{T("b"), L{T("a"), num(7)}}},
			canonical: L{num(2), L{L{T("a"), num(7)}, L{T("b")}}},
		},
		{
			name:      "V1 with continuations and extra tuple elements ignored",
			raw:       L{num(1), L{L{T("t"), num(1), num(2)}}, T(cont), num(9)},
			canonical: L{num(2), L{L{T("t"), num(1)}}, T(cont)},
		},
		{
			name:      "V2 unsorted tags get sorted by UTF-8 bytes",
			raw:       L{num(2), L{L{T("é")}, L{T("z")}, L{T("")}}},
			canonical: L{num(2), L{L{T("")}, L{T("z")}, L{T("é")}}},
		},
		{
			name:      "V2 short tag sent in chunks is re-joined",
			raw:       L{num(2), L{L{L{T("ab"), T("c")}}}},
			canonical: L{num(2), L{L{T("abc")}}},
		},
		{
			name:      "long tag is chunked at 64 characters, not bytes",
			raw:       L{num(2), L{L{T(long), metadata.Bytes("p")}}},
			canonical: L{num(2), L{L{L{T(strings.Repeat("é", 64)), T("xyz")}, metadata.Bytes("p")}}},
		},
		{
			name:      "a tag of exactly 64 characters stays one text",
			raw:       L{num(2), L{L{L{T(strings.Repeat("€", 60)), T("€€€€")}}}},
			canonical: L{num(2), L{L{T(strings.Repeat("€", 64))}}},
		},
		{
			name:      "duplicate tags: the last one wins",
			raw:       L{num(2), L{L{T("a"), num(1)}, L{T("a"), num(2)}}},
			canonical: L{num(2), L{L{T("a"), num(2)}}},
		},
		{
			name:      "canonical V2 is a fixed point",
			raw:       L{num(2), L{L{T("")}}, T(cont)},
			canonical: L{num(2), L{L{T("")}}, T(cont)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := metadata.ParseMarlowe(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			got := metadata.EncodeMarlowe(m)
			if !reflect.DeepEqual(got, tc.canonical) {
				t.Fatalf("canonical form\n got %#v\nwant %#v", got, tc.canonical)
			}
			again, err := metadata.ParseMarlowe(got)
			if err != nil {
				t.Fatalf("canonical form does not parse: %v", err)
			}
			if !reflect.DeepEqual(again, m) {
				t.Fatalf("round trip\n got %#v\nwant %#v", again, m)
			}
			if !reflect.DeepEqual(metadata.EncodeMarlowe(again), got) {
				t.Fatal("canonical form is not stable")
			}
		})
	}
}

// TestChunks: Text.chunksOf 64 counts characters (runes) and never splits
// one.
func TestChunks(t *testing.T) {
	tests := []struct {
		in   string
		want L
	}{
		{"", L{}},
		{"abc", L{T("abc")}},
		{strings.Repeat("x", 64), L{T(strings.Repeat("x", 64))}},
		{strings.Repeat("x", 65), L{T(strings.Repeat("x", 64)), T("x")}},
		{strings.Repeat("ä", 129), L{T(strings.Repeat("ä", 64)), T(strings.Repeat("ä", 64)), T("ä")}},
		{strings.Repeat("a", 63) + "😀b", L{T(strings.Repeat("a", 63) + "😀"), T("b")}},
	}
	for _, tc := range tests {
		if got := metadata.Chunks(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Chunks(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

// FuzzParseMarlowe: the parser never panics on any value, and whatever it
// accepts survives the canonical encoding: EncodeMarlowe parses back to the
// same Marlowe and is a fixed point.
func FuzzParseMarlowe(f *testing.F) {
	long := strings.Repeat("é", 64) + "xyz"
	for _, v := range []metadata.Value{
		L{num(2), L{L{T("t1")}, L{T("t2"), T("p")}}, T("uri")},
		L{num(1), L{T("t1"), L{T("t2"), metadata.Map{{Key: num(1), Value: metadata.Bytes{0}}}}}},
		L{num(2), L{L{L{T(long[:100]), T(long[100:])}, num(-3)}}},
		L{num(2), L{L{T(long)}, L{T("a"), num(1)}, L{T("a")}}},
		L{num(3), L{}},
	} {
		f.Add(fuzzEncode(nil, v))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := fuzzReader{b: in}
		m, err := metadata.ParseMarlowe(r.value(0))
		if err != nil {
			return
		}
		canon := metadata.EncodeMarlowe(m)
		again, err := metadata.ParseMarlowe(canon)
		if err != nil {
			t.Fatalf("canonical form %#v does not parse: %v", canon, err)
		}
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip\n got %#v\nwant %#v", again, m)
		}
		if !reflect.DeepEqual(metadata.EncodeMarlowe(again), canon) {
			t.Fatal("canonical form is not stable")
		}
	})
}

// fuzzReader builds a value from fuzz input: a kind byte (mod 5: integer,
// bytes, text, list, map) followed by an int8, a length and that many raw
// bytes, or a count and that many items. Exhausted input reads as 0.
type fuzzReader struct {
	b   []byte
	pos int
}

func (r *fuzzReader) byte() byte {
	if r.pos >= len(r.b) {
		return 0
	}
	r.pos++
	return r.b[r.pos-1]
}

func (r *fuzzReader) raw() []byte {
	n := min(int(r.byte()), len(r.b)-r.pos)
	r.pos += n
	return r.b[r.pos-n : r.pos]
}

func (r *fuzzReader) value(depth int) metadata.Value {
	if depth > 16 || r.pos >= len(r.b) {
		return num(0)
	}
	switch r.byte() % 5 {
	case 0:
		return num(int64(int8(r.byte())))
	case 1:
		return metadata.Bytes(r.raw())
	case 2:
		return T(r.raw())
	case 3:
		out := L{}
		for i := int(r.byte()); i > 0; i-- {
			out = append(out, r.value(depth+1))
		}
		return out
	default:
		out := metadata.Map{}
		for i := int(r.byte()); i > 0; i-- {
			k := r.value(depth + 1)
			out = append(out, metadata.Pair{Key: k, Value: r.value(depth + 1)})
		}
		return out
	}
}

// fuzzEncode is fuzzReader's inverse for the seeds (small integers, strings
// and lists of at most 255 elements).
func fuzzEncode(b []byte, v metadata.Value) []byte {
	switch x := v.(type) {
	case metadata.Int:
		return append(b, 0, byte(int8(x.Value.Int64())))
	case metadata.Bytes:
		return append(append(b, 1, byte(len(x))), x...)
	case metadata.Text:
		return append(append(b, 2, byte(len(x))), x...)
	case metadata.List:
		b = append(b, 3, byte(len(x)))
		for _, e := range x {
			b = fuzzEncode(b, e)
		}
		return b
	case metadata.Map:
		b = append(b, 4, byte(len(x)))
		for _, p := range x {
			b = fuzzEncode(fuzzEncode(b, p.Key), p.Value)
		}
		return b
	}
	panic("fuzzEncode: unexpected value")
}
