package types_test

import (
	"bytes"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

// propRoundTrip checks encode → decode (consuming everything) → encode gives
// the same bytes.
func propRoundTrip[T any](t *testing.T, i int, x T, enc binary.EncodeFunc[T], dec binary.DecodeFunc[T]) {
	t.Helper()
	b, err := binary.Encode(x, enc)
	if err != nil {
		t.Fatalf("case %d: encode: %v", i, err)
	}
	y, err := binary.Decode(b, dec)
	if err != nil {
		t.Fatalf("case %d: decode: %v", i, err)
	}
	b2, err := binary.Encode(y, enc)
	if err != nil {
		t.Fatalf("case %d: re-encode: %v", i, err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatalf("case %d: re-encoding differs", i)
	}
}

// TestPropertyRoundTrip round-trips random values of every composite type
// (fixed seed, so failures reproduce), and checks that every constructor of
// every sum type it generated at all was among the values round-tripped.
func TestPropertyRoundTrip(t *testing.T) {
	g := typestest.New(1564)
	seen := map[string]map[string]bool{}
	g.Observe = func(typ, name string) {
		if seen[typ] == nil {
			seen[typ] = map[string]bool{}
		}
		seen[typ][name] = true
	}
	for i := 0; i < 300; i++ {
		propRoundTrip(t, i, g.MarloweBlock(), types.EncodeMarloweBlock, types.DecodeMarloweBlock)
		propRoundTrip(t, i, g.ContractHeader(), types.EncodeContractHeader, types.DecodeContractHeader)
		propRoundTrip(t, i, g.ContractStep(), types.EncodeContractStep, types.DecodeContractStep)
		propRoundTrip(t, i, g.Contract(5), types.EncodeContract, types.DecodeContract)
		propRoundTrip(t, i, g.MarloweData(), types.EncodeMarloweData, types.DecodeMarloweData)
		propRoundTrip(t, i, g.CoreTransactionOutput(), types.EncodeCoreTransactionOutput, types.DecodeCoreTransactionOutput)
		propRoundTrip(t, i, g.TransactionInput(), types.EncodeCoreTransactionInput, types.DecodeCoreTransactionInput)
		propRoundTrip(t, i, g.Datum(6), types.EncodeDatum, types.DecodeDatum)
		propRoundTrip(t, i, types.Version{Branch: []int64{g.R.Int64(), -1}, Tags: []string{g.Text()}}, types.EncodeVersion, types.DecodeVersion)
	}
	for typ, names := range typestest.Constructors() {
		for _, name := range names {
			if seen[typ] != nil && !seen[typ][name] {
				t.Errorf("%s constructor %s was never round-tripped", typ, name)
			}
		}
	}
}

// TestEncodeErrors checks that values without a wire form are refused with
// a clear error instead of producing bytes a peer would misread.
func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		enc  func(e *binary.Encoder)
		msg  string
	}{
		{"nil contract", func(e *binary.Encoder) { types.EncodeContract(e, nil) }, "encode Contract: nil value"},
		{"pointer variant", func(e *binary.Encoder) { types.EncodeContract(e, &core.Close{}) }, "encode Contract: unsupported type *core.Close"},
		{"nil timeout", func(e *binary.Encoder) {
			types.EncodeContract(e, core.When{Continuation: core.Close{}})
		}, "encode Integer: nil value"},
		{"opaque address", func(e *binary.Encoder) {
			types.EncodeParty(e, core.AddressPartyOf(core.Address{Opaque: "example address"}))
		}, "opaque address"},
		{"MarloweVersion 2", func(e *binary.Encoder) { types.EncodeMarloweVersion(e, 2) }, "unknown version 2"},
		{"nil datum", func(e *binary.Encoder) { types.EncodeDatum(e, nil) }, "encode Datum: nil value"},
		{"nil metadata", func(e *binary.Encoder) { types.EncodeMetadata(e, nil) }, "encode Metadata: nil value"},
		{"duplicate set element", func(e *binary.Encoder) {
			types.EncodeMarloweWithdrawTransaction(e, types.MarloweWithdrawTransaction{
				ConsumedPayouts: map[types.ContractId][]types.TxOutRef{{}: {{TxIx: 1}, {TxIx: 1}}}})
		}, "duplicate element"},
		{"contract nested past the bound", func(e *binary.Encoder) {
			var c core.Contract = core.Close{}
			for i := 0; i <= binary.DefaultMaxDepth; i++ {
				c = core.Assert{Obs: core.TrueObs{}, Then: c}
			}
			types.EncodeContract(e, c)
		}, "nesting deeper than 10000 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := binary.NewEncoder(nil)
			tc.enc(e)
			if err := e.Err(); err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.msg)) {
				t.Fatalf("error %v, want containing %q", err, tc.msg)
			}
		})
	}
}
