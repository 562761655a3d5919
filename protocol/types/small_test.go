package types_test

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// TestSmallCodecs covers the newtype codecs (each the bytes of its wrapped
// type, §5.1) and the value/pointer variants accepted by sum encoders.
func TestSmallCodecs(t *testing.T) {
	a := "0000000000000001 61"
	examples := []example{
		ex("§5.1 SlotNo", "000000000000002a", types.SlotNo(42), types.EncodeSlotNo, types.DecodeSlotNo),
		ex("§5.1 BlockNo", "000000000000002a", types.BlockNo(42), types.EncodeBlockNo, types.DecodeBlockNo),
		ex("§5.1 TxIx", "002a", types.TxIx(42), types.EncodeTxIx, types.DecodeTxIx),
		ex("§5.1 TxId", a, types.TxId("a"), types.EncodeTxId, types.DecodeTxId),
		ex("§5.1 TokenName", a, types.TokenName("a"), types.EncodeTokenName, types.DecodeTokenName),
		ex("§5.1 PolicyId", a, types.PolicyId("a"), types.EncodePolicyId, types.DecodePolicyId),
		ex("§5.1 Address", a, types.Address("a"), types.EncodeAddress, types.DecodeAddress),
		ex("§5.1 DatumHash", a, types.DatumHash("a"), types.EncodeDatumHash, types.DecodeDatumHash),
		ex("§5.1 ScriptHash", a, types.ScriptHash("a"), types.EncodeScriptHash, types.DecodeScriptHash),
		ex("§5.1 PaymentKeyHash", a, types.PaymentKeyHash("a"), types.EncodePaymentKeyHash, types.DecodePaymentKeyHash),
		ex("§5.1 StakeKeyHash", a, types.StakeKeyHash("a"), types.EncodeStakeKeyHash, types.DecodeStakeKeyHash),
		ex("§5.1 PlutusScript", a, types.PlutusScript("a"), types.EncodePlutusScript, types.DecodePlutusScript),
		ex("§5.1 Quantity big", "01 01 0000000000000009 000000000000000001", new(big.Int).Lsh(big.NewInt(1), 64), types.EncodeQuantity, types.DecodeQuantity),
		ex("§5.1 Datum B", "04 "+a, data.PlutusData(&data.ByteString{Inner: []byte("a")}), types.EncodeDatum, types.DecodeDatum),
	}
	for _, tc := range examples {
		t.Run(tc.name, func(t *testing.T) {
			e := binary.NewEncoder(nil)
			tc.enc(e)
			want := unhex(t, tc.hex)
			if got, err := e.Result(); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("encode = %x, %v; want %x", got, err, want)
			}
			d := binary.NewDecoder(want)
			e2 := binary.NewEncoder(nil)
			if err := tc.dec(d, e2); err != nil || d.Finish() != nil || !bytes.Equal(e2.Bytes(), want) {
				t.Fatalf("decode/re-encode: %v", err)
			}
		})
	}

	// Datum and ContractStep encoders accept value and pointer variants.
	pairs := []struct {
		name       string
		value, ptr func(e *binary.Encoder)
	}{
		{"Constr", func(e *binary.Encoder) { types.EncodeDatum(e, data.Constr{Tag: 3}) }, func(e *binary.Encoder) { types.EncodeDatum(e, &data.Constr{Tag: 3}) }},
		{"Map", func(e *binary.Encoder) {
			types.EncodeDatum(e, data.Map{Pairs: [][2]data.PlutusData{{data.Integer{Inner: big.NewInt(1)}, data.ByteString{}}}})
		}, func(e *binary.Encoder) {
			types.EncodeDatum(e, &data.Map{Pairs: [][2]data.PlutusData{{&data.Integer{Inner: big.NewInt(1)}, &data.ByteString{}}}})
		}},
		{"List", func(e *binary.Encoder) { types.EncodeDatum(e, data.List{Items: []data.PlutusData{data.List{}}}) }, func(e *binary.Encoder) {
			types.EncodeDatum(e, &data.List{Items: []data.PlutusData{&data.List{}}})
		}},
		{"RedeemStep", func(e *binary.Encoder) { types.EncodeContractStep(e, types.RedeemStep{RedeemingTx: "x"}) }, func(e *binary.Encoder) {
			types.EncodeContractStep(e, &types.RedeemStep{RedeemingTx: "x"})
		}},
	}
	for _, p := range pairs {
		ev, ep := binary.NewEncoder(nil), binary.NewEncoder(nil)
		p.value(ev)
		p.ptr(ep)
		if ev.Err() != nil || ep.Err() != nil || !bytes.Equal(ev.Bytes(), ep.Bytes()) {
			t.Errorf("%s: value %x (%v) vs pointer %x (%v)", p.name, ev.Bytes(), ev.Err(), ep.Bytes(), ep.Err())
		}
	}
	for _, bad := range []func(e *binary.Encoder){
		func(e *binary.Encoder) { types.EncodeDatum(e, (*data.Constr)(nil)) },
		func(e *binary.Encoder) { types.EncodeDatum(e, &data.Integer{}) },
		func(e *binary.Encoder) { types.EncodeContractStep(e, (*types.Transaction)(nil)) },
		func(e *binary.Encoder) { types.EncodeContractStep(e, nil) },
		func(e *binary.Encoder) { types.EncodeCardanoEra(e, 7) },
		func(e *binary.Encoder) { types.EncodeExtractCreationError(e, 7) },
	} {
		e := binary.NewEncoder(nil)
		bad(e)
		if e.Err() == nil {
			t.Error("encoder accepted a value without a wire form")
		}
	}
}

// TestOrd checks the Haskell Ord helpers against §6.1.
func TestOrd(t *testing.T) {
	if types.CompareBlockHeader(types.BlockHeader{Slot: 1, Hash: "b"}, types.BlockHeader{Slot: 2, Hash: "a"}) >= 0 {
		t.Error("BlockHeader must order by slot first")
	}
	if types.CompareTxOutRef(types.TxOutRef{TxId: "a", TxIx: 9}, types.TxOutRef{TxId: "b"}) >= 0 {
		t.Error("TxOutRef must order by txId bytes first")
	}
	if types.CompareTxOutRef(types.TxOutRef{TxId: "a"}, types.TxOutRef{TxId: "a\x00"}) >= 0 {
		t.Error("a shorter prefix must come first")
	}
	if types.CompareAssetId(types.AssetId{Policy: "\x80"}, types.AssetId{Policy: "\x7f", Name: "z"}) <= 0 {
		t.Error("bytes compare unsigned")
	}
	if types.CompareStakeCredential(types.StakeCredential{Script: true, Hash: "a"}, types.StakeCredential{Hash: "b"}) <= 0 {
		t.Error("key credentials come before script credentials")
	}
	if types.NotCreationTransaction.String() != "NotCreationTransaction" {
		t.Error(types.NotCreationTransaction.String())
	}
}
