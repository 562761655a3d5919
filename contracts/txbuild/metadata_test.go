package txbuild

import (
	"bytes"
	"math/big"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
)

// auxMetadata decodes the metadata of a built transaction.
func auxMetadata(t *testing.T, tx []byte) extract.Metadata {
	t.Helper()
	var parts []cbor.RawMessage
	if err := cbor.Unmarshal(tx, &parts); err != nil || len(parts) != 4 {
		t.Fatalf("transaction: %d parts, %v", len(parts), err)
	}
	if bytes.Equal(parts[3], []byte{0xf6}) {
		return extract.Metadata{}
	}
	md, err := extract.DecodeMetadata(parts[3])
	if err != nil {
		t.Fatalf("aux data: %v", err)
	}
	return md
}

// wantLabels checks that md holds exactly the labels of want, byte for byte.
func wantLabels(t *testing.T, md extract.Metadata, want map[uint64][]byte) {
	t.Helper()
	if len(md.Labels) != len(want) {
		t.Errorf("%d labels %+v, want %d", len(md.Labels), md.Labels, len(want))
	}
	for l, w := range want {
		got, ok := md.Label(l)
		if !ok {
			t.Errorf("label %d missing", l)
			continue
		}
		if !bytes.Equal(got, w) {
			t.Errorf("label %d = %x, want %x", l, got, w)
		}
	}
}

func strPtr(s string) *string { return &s }

// TestCreateMetadata builds creations with Marlowe tags, continuations and
// extra labels, checks the metadata byte for byte and has the ledger
// validate each transaction (aux-data hash, size and fee included).
func TestCreateMetadata(t *testing.T) {
	msg674 := func(t testing.TB) []byte {
		return mustMetadatum(t, map[any]any{"msg": []any{"hello", "marlowe"}})
	}
	longTag := strings.Repeat("ä", 40) // 80 bytes: two chunks
	tests := []struct {
		name   string
		req    func(t *testing.T, w *world) CreateRequest
		labels func(t *testing.T, w *world, cr *CreateResult) map[uint64][]byte
		tags   map[string]metadata.Value
		cont   *string
	}{
		{
			name: "tags with payloads, continuations and label 674",
			req: func(t *testing.T, w *world) CreateRequest {
				return CreateRequest{Contract: core.Close{},
					Tags: []MetadataTag{
						{Tag: "a", Payload: mustMetadatum(t, 42)},
						{Tag: "b"},
						{Tag: longTag, Payload: mustMetadatum(t, []byte{1, 2})},
					},
					ContinuationsURI: strPtr("ipfs://bafy"),
					Metadata:         map[uint64][]byte{674: msg674(t)},
				}
			},
			labels: func(t *testing.T, w *world, cr *CreateResult) map[uint64][]byte {
				return map[uint64][]byte{
					674: msg674(t),
					MarloweMetadataLabel: mustMetadatum(t, []any{2, []any{
						[]any{"a", 42}, []any{"b"},
						[]any{[]any{strings.Repeat("ä", 32), strings.Repeat("ä", 8)}, []byte{1, 2}},
					}, "ipfs://bafy"}),
				}
			},
			tags: map[string]metadata.Value{"a": metadata.Int{Value: big.NewInt(42)}, "b": nil, longTag: metadata.Bytes{1, 2}},
			cont: strPtr("ipfs://bafy"),
		},
		{
			name: "continuations without tags",
			req: func(t *testing.T, w *world) CreateRequest {
				return CreateRequest{Contract: core.Close{}, ContinuationsURI: strPtr("")}
			},
			labels: func(t *testing.T, w *world, cr *CreateResult) map[uint64][]byte {
				return map[uint64][]byte{MarloweMetadataLabel: mustMetadatum(t, []any{2, []any{}, ""})}
			},
			tags: map[string]metadata.Value{},
			cont: strPtr(""),
		},
		{
			name: "builder's 1564 wins over a raw one",
			req: func(t *testing.T, w *world) CreateRequest {
				return CreateRequest{Contract: core.Close{}, Tags: []MetadataTag{{Tag: "mine"}},
					Metadata: map[uint64][]byte{MarloweMetadataLabel: mustMetadatum(t, []any{2, []any{[]any{"theirs"}}})}}
			},
			labels: func(t *testing.T, w *world, cr *CreateResult) map[uint64][]byte {
				return map[uint64][]byte{MarloweMetadataLabel: mustMetadatum(t, []any{2, []any{[]any{"mine"}}})}
			},
			tags: map[string]metadata.Value{"mine": nil},
		},
		{
			name: "raw 1564 passes without tags",
			req: func(t *testing.T, w *world) CreateRequest {
				return CreateRequest{Contract: core.Close{},
					Metadata: map[uint64][]byte{MarloweMetadataLabel: mustMetadatum(t, []any{2, []any{}}), 1: mustMetadatum(t, -7)}}
			},
			labels: func(t *testing.T, w *world, cr *CreateResult) map[uint64][]byte {
				return map[uint64][]byte{MarloweMetadataLabel: mustMetadatum(t, []any{2, []any{}}), 1: mustMetadatum(t, -7)}
			},
			tags: map[string]metadata.Value{},
		},
		{
			name: "builder's 721 wins over the user's",
			req: func(t *testing.T, w *world) CreateRequest {
				return CreateRequest{Contract: core.Close{},
					Roles: RolesConfig{Mode: RolesMint, Distribution: map[core.TokenName]RoleRecipient{"R": {Address: w.keys[1].addr}},
						Metadata: map[core.TokenName][]byte{"R": mustMetadatum(t, map[any]any{"name": "R"})}},
					Metadata: map[uint64][]byte{CIP25Label: mustMetadatum(t, "user"), 674: msg674(t)}}
			},
			labels: func(t *testing.T, w *world, cr *CreateResult) map[uint64][]byte {
				l, err := cip25(cr.RolesCurrency, map[core.TokenName][]byte{"R": mustMetadatum(t, map[any]any{"name": "R"})})
				if err != nil {
					t.Fatal(err)
				}
				return map[uint64][]byte{CIP25Label: l.Value, 674: msg674(t)}
			},
		},
		{
			name: "user's 721 passes when the builder writes none",
			req: func(t *testing.T, w *world) CreateRequest {
				return CreateRequest{Contract: core.Close{}, Metadata: map[uint64][]byte{CIP25Label: mustMetadatum(t, "user")}}
			},
			labels: func(t *testing.T, w *world, cr *CreateResult) map[uint64][]byte {
				return map[uint64][]byte{CIP25Label: mustMetadatum(t, "user")}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, map[int][]Value{0: {lovelace(50 * ada)}})
			cr, err := Create(w.env(0), tc.req(t, w))
			if err != nil {
				t.Fatal(err)
			}
			md := auxMetadata(t, cr.CBOR)
			wantLabels(t, md, tc.labels(t, w, cr))
			if tc.tags != nil {
				if md.Marlowe == nil {
					t.Fatal("label 1564 does not parse as Marlowe metadata")
				}
				if len(md.Marlowe.Tags) != len(tc.tags) {
					t.Errorf("tags %v, want %v", md.Marlowe.Tags, tc.tags)
				}
				for tag, p := range tc.tags {
					got, ok := md.Marlowe.Tags[tag]
					if !ok {
						t.Errorf("tag %q missing", tag)
					} else if (got == nil) != (p == nil) {
						t.Errorf("tag %q payload %v, want %v", tag, got, p)
					}
				}
				if (md.Marlowe.Continuations == nil) != (tc.cont == nil) ||
					(tc.cont != nil && *md.Marlowe.Continuations != *tc.cont) {
					t.Errorf("continuations %v, want %v", md.Marlowe.Continuations, tc.cont)
				}
			}
			w.submit(t, cr.Result)
		})
	}
}

// TestMetadataRaisesFee checks that extra labels are paid for: the same
// creation with a large label 674 costs more by at least its size.
func TestMetadataRaisesFee(t *testing.T) {
	var chunks []any
	for i := range 20 {
		chunks = append(chunks, strings.Repeat(string(rune('a'+i)), 64))
	}
	big674 := mustMetadatum(t, map[any]any{"msg": chunks})
	w := newWorld(t, map[int][]Value{0: {lovelace(50 * ada)}})
	plain, err := Create(w.env(0), CreateRequest{Contract: core.Close{}})
	if err != nil {
		t.Fatal(err)
	}
	with, err := Create(w.env(0), CreateRequest{Contract: core.Close{}, Metadata: map[uint64][]byte{674: big674}})
	if err != nil {
		t.Fatal(err)
	}
	if with.Size < plain.Size+uint64(len(big674)) {
		t.Errorf("size %d with %d metadata bytes, %d without", with.Size, len(big674), plain.Size)
	}
	if min := plain.Fee + uint64(len(big674))*uint64(w.pp.MinFeeA); with.Fee < min {
		t.Errorf("fee %d with metadata, want at least %d", with.Fee, min)
	}
	w.submit(t, with.Result)
}

// TestMetadataRefused checks that metadata the ledger would reject is
// refused with a reason, never written.
func TestMetadataRefused(t *testing.T) {
	long := strings.Repeat("x", 65)
	tests := []struct {
		name string
		req  func(t *testing.T) CreateRequest
		want string
	}{
		{"long text in a label", func(t *testing.T) CreateRequest {
			return CreateRequest{Metadata: map[uint64][]byte{674: mustMetadatum(t, []any{long})}}
		}, "text of 65 bytes"},
		{"long bytes in a payload", func(t *testing.T) CreateRequest {
			return CreateRequest{Tags: []MetadataTag{{Tag: "t", Payload: mustMetadatum(t, bytes.Repeat([]byte{1}, 65))}}}
		}, "byte string of 65 bytes"},
		{"long continuations", func(t *testing.T) CreateRequest {
			return CreateRequest{ContinuationsURI: &long}
		}, "continuations URI of 65 bytes"},
		{"trailing bytes", func(t *testing.T) CreateRequest {
			return CreateRequest{Metadata: map[uint64][]byte{1: {0x01, 0x02}}}
		}, "trailing bytes"},
		{"float", func(t *testing.T) CreateRequest {
			return CreateRequest{Metadata: map[uint64][]byte{1: {0xf9, 0x3c, 0x00}}}
		}, "major type 7"},
		{"bignum tag", func(t *testing.T) CreateRequest {
			return CreateRequest{Metadata: map[uint64][]byte{1: {0xc2, 0x41, 0x01}}}
		}, "major type 6"},
		{"truncated list", func(t *testing.T) CreateRequest {
			return CreateRequest{Metadata: map[uint64][]byte{1: {0x82, 0x01}}}
		}, "truncated"},
		{"empty value", func(t *testing.T) CreateRequest {
			return CreateRequest{Metadata: map[uint64][]byte{1: nil}}
		}, "truncated"},
		{"invalid UTF-8 tag", func(t *testing.T) CreateRequest {
			return CreateRequest{Tags: []MetadataTag{{Tag: "\xff"}}}
		}, "not valid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, map[int][]Value{0: {lovelace(50 * ada)}})
			req := tc.req(t)
			req.Contract = core.Close{}
			_, err := Create(w.env(0), req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestApplyMetadata closes a timed-out contract with tags, a
// continuations URI and a label 674 message; the ledger accepts it and
// the metadata reads back exactly.
func TestApplyMetadata(t *testing.T) {
	w := newWorld(t, map[int][]Value{0: {lovelace(50 * ada)}})
	contract := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}},
		Timeout: ms(w.tip + 100), Continuation: core.Close{}}
	cr, err := Create(w.env(0), CreateRequest{Contract: contract})
	if err != nil {
		t.Fatal(err)
	}
	w.submit(t, cr.Result)
	ctr := w.l.utxos[cr.ContractID]
	w.tip += 200
	msg := mustMetadatum(t, map[any]any{"msg": []any{"closing"}})
	r, err := ApplyInputs(w.env(0), ApplyRequest{Contract: &ctr, Datum: cr.Datum,
		Tags:             []MetadataTag{{Tag: "close", Payload: mustMetadatum(t, map[any]any{1: "x"})}},
		ContinuationsURI: strPtr("https://example.org/c"),
		Metadata:         map[uint64][]byte{674: msg, MarloweMetadataLabel: mustMetadatum(t, 0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	md := auxMetadata(t, r.CBOR)
	wantLabels(t, md, map[uint64][]byte{
		674:                  msg,
		MarloweMetadataLabel: mustMetadatum(t, []any{2, []any{[]any{"close", map[any]any{1: "x"}}}, "https://example.org/c"}),
	})
	if md.Marlowe == nil || md.Marlowe.Continuations == nil || *md.Marlowe.Continuations != "https://example.org/c" {
		t.Fatalf("marlowe metadata %+v", md.Marlowe)
	}
	w.submit(t, r.Result)
}
