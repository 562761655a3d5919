package types_test

import (
	"bytes"
	"math/big"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

func num(n int64) types.MetadataNumber { return types.MetadataNumber{Value: big.NewInt(n)} }

func encodeMeta(t *testing.T, m types.Metadata) []byte {
	t.Helper()
	b, err := binary.Encode(m, types.EncodeMetadata)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMarloweMetadataCanonicalisation covers wire-protocol.md §5.2/§6.2:
// label 1564 is parsed leniently (V1 or V2) and re-emitted in canonical V2
// form; anything that does not parse stays raw and round-trips exactly.
// The parser and the canonical form themselves are tested in
// contracts/metadata; this is what the wire codec makes of them.
func TestMarloweMetadataCanonicalisation(t *testing.T) {
	long := strings.Repeat("é", 64) + "xyz" // 67 characters, 131 bytes
	cont := "ipfs://x"
	tests := []struct {
		name      string
		raw       types.Metadata
		parses    bool
		canonical types.Metadata // expected label-1564 value after re-encoding
	}{
		{
			name:      "V1 plain tag and tag with payload become V2",
			raw:       types.MetadataList{num(1), types.MetadataList{types.MetadataText("b"), types.MetadataList{types.MetadataText("a"), num(7)}}},
			parses:    true,
			canonical: types.MetadataList{num(2), types.MetadataList{types.MetadataList{types.MetadataText("a"), num(7)}, types.MetadataList{types.MetadataText("b")}}},
		},
		{
			name:   "long tag is chunked at 64 characters, not bytes",
			raw:    types.MetadataList{num(2), types.MetadataList{types.MetadataList{types.MetadataText(long), types.MetadataBytes("p")}}},
			parses: true,
			canonical: types.MetadataList{num(2), types.MetadataList{types.MetadataList{
				types.MetadataList{types.MetadataText(strings.Repeat("é", 64)), types.MetadataText("xyz")},
				types.MetadataBytes("p"),
			}}},
		},
		{name: "unknown version stays raw", raw: types.MetadataList{num(3), types.MetadataList{}}},
		{name: "V2 bare text entry stays raw", raw: types.MetadataList{num(2), types.MetadataList{types.MetadataText("a")}}},
		{
			name:      "canonical V2 is a fixed point",
			raw:       types.MetadataList{num(2), types.MetadataList{types.MetadataList{types.MetadataText("")}}, types.MetadataText(cont)},
			parses:    true,
			canonical: types.MetadataList{num(2), types.MetadataList{types.MetadataList{types.MetadataText("")}}, types.MetadataText(cont)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := types.TransactionMetadata{1564: tc.raw, 1: types.MetadataText("other"), 2000: num(-5)}
			wire, err := binary.Encode(in, types.EncodeTransactionMetadata)
			if err != nil {
				t.Fatal(err)
			}
			m, err := binary.Decode(wire, types.DecodeMarloweTransactionMetadata)
			if err != nil {
				t.Fatal(err)
			}
			if (m.Marlowe != nil) != tc.parses {
				t.Fatalf("parsed = %v, want %v", m.Marlowe != nil, tc.parses)
			}
			out, err := binary.Encode(m, types.EncodeMarloweTransactionMetadata)
			if err != nil {
				t.Fatal(err)
			}
			want := types.TransactionMetadata{1564: tc.raw, 1: types.MetadataText("other"), 2000: num(-5)}
			if tc.parses {
				want[1564] = tc.canonical
			}
			wantBytes, err := binary.Encode(want, types.EncodeTransactionMetadata)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, wantBytes) {
				t.Fatalf("re-encoded label 1564:\n got %x\nwant %x", out, wantBytes)
			}
			if !tc.parses && !bytes.Equal(out, wire) {
				t.Fatal("unparsed metadata did not round-trip exactly")
			}
			// Canonical output is a fixed point.
			m2, err := binary.Decode(out, types.DecodeMarloweTransactionMetadata)
			if err != nil {
				t.Fatal(err)
			}
			out2, _ := binary.Encode(m2, types.EncodeMarloweTransactionMetadata)
			if !bytes.Equal(out2, out) {
				t.Fatal("canonical form is not stable")
			}
		})
	}
}

// TestMarloweMetadataEncodeOverridesLabel mirrors the Haskell values of the
// golden files: marloweMetadata = Just m with an empty (or stale) raw map
// encodes m under label 1564, keeping the other labels.
func TestMarloweMetadataEncodeOverridesLabel(t *testing.T) {
	m := types.MarloweTransactionMetadata{
		Marlowe:  &types.MarloweMetadata{Tags: map[string]types.Metadata{"": nil}},
		Metadata: types.TransactionMetadata{1564: types.MetadataText("stale"), 7: num(1)},
	}
	got, err := binary.Encode(m, types.EncodeMarloweTransactionMetadata)
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, `
		0000000000000002
		0000000000000007 02 00 00000001
		000000000000061c 01 0000000000000002 02 00 00000002 01 0000000000000001 01 0000000000000001 04 0000000000000000`)
	if !bytes.Equal(got, want) {
		t.Fatalf("got %x\nwant %x", got, want)
	}
	if _, ok := m.Metadata[1564].(types.MetadataText); !ok {
		t.Error("encoding mutated the caller's map")
	}
	// A tag that is not valid UTF-8 has no Text form.
	bad := types.MarloweTransactionMetadata{Marlowe: &types.MarloweMetadata{Tags: map[string]types.Metadata{"\xff": nil}}}
	if _, err := binary.Encode(bad, types.EncodeMarloweTransactionMetadata); err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("invalid tag: %v", err)
	}
}
