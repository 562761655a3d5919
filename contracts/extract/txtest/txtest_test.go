package txtest

import (
	"bytes"
	"testing"

	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// TestBuiltTransactionDecodes: every field the builder writes is what
// gouroboros reads back, and the id is gouroboros' transaction hash, in
// both encodings and for both validity flags.
func TestBuiltTransactionDecodes(t *testing.T) {
	var script, pkh, policy [28]byte
	script[0], pkh[0], policy[0] = 1, 2, 3
	datum, err := core.EncodeData(core.PayoutDatum{RolesCurrency: core.CurrencySymbol(policy[:]), Role: "r"})
	if err != nil {
		t.Fatal(err)
	}
	h := core.DatumHash(datum)
	meta, err := Metadatum([]any{2, []any{}})
	if err != nil {
		t.Fatal(err)
	}
	ref := func(b byte, ix uint32) registry.TxOutRef { return registry.TxOutRef{TxID: [32]byte{b}, Index: ix} }
	for _, legacy := range []bool{false, true} {
		for _, invalid := range []bool{false, true} {
			tx := &Tx{
				Inputs:          []registry.TxOutRef{ref(9, 0), ref(1, 3)},
				ReferenceInputs: []registry.TxOutRef{ref(5, 1)},
				Collateral:      []registry.TxOutRef{ref(6, 0)},
				Outputs: []Output{
					{Address: EnterpriseScriptAddress(script, Testnet), Lovelace: 2, DatumHash: h[:]},
					{Address: StakedScriptAddress(script, pkh, false, Mainnet), Lovelace: 3, InlineDatum: datum, Assets: []Asset{{Policy: policy, Name: []byte("r"), Quantity: 1}}},
					{Address: PointerScriptAddress(script, 1000, 2, 0, Testnet), Lovelace: 4, Legacy: true},
				},
				CollateralReturn: &Output{Address: EnterpriseKeyAddress(pkh, Testnet), Lovelace: 5},
				Fee:              170_000,
				TTL:              Slot(99),
				ValidFrom:        Slot(0),
				Mint:             []MintAsset{{Policy: policy, Name: []byte("r"), Quantity: -1}},
				Datums:           [][]byte{datum},
				Redeemers:        []Redeemer{{Tag: lcommon.RedeemerTagSpend, Index: SortedIndex([]registry.TxOutRef{ref(9, 0), ref(1, 3)}, ref(9, 0)), Data: datum, Mem: 1, Steps: 2}},
				LegacyRedeemers:  legacy,
				SetTags:          !legacy,
				Metadata:         []Label{{Label: 1564, Value: meta}},
				Invalid:          invalid,
			}
			txType := uint(conway.TxTypeConway)
			if legacy {
				txType = babbage.TxTypeBabbage
			}
			dec, err := tx.Decode(txType)
			if err != nil {
				t.Fatalf("legacy=%v invalid=%v: %v", legacy, invalid, err)
			}
			id, err := tx.ID()
			if err != nil {
				t.Fatal(err)
			}
			if dec.Hash() != lcommon.Blake2b256(id) {
				t.Errorf("hash %s, id %s", dec.Hash(), id)
			}
			if dec.IsValid() == invalid || len(dec.Inputs()) != 2 || len(dec.ReferenceInputs()) != 1 || len(dec.Collateral()) != 1 {
				t.Errorf("valid/inputs: %v %d %d %d", dec.IsValid(), len(dec.Inputs()), len(dec.ReferenceInputs()), len(dec.Collateral()))
			}
			outs := dec.Outputs()
			if len(outs) != 3 || outs[0].Datum() != nil || outs[0].DatumHash() == nil || *outs[0].DatumHash() != lcommon.Blake2b256(h) ||
				outs[1].Datum() == nil || !bytes.Equal(outs[1].Datum().Cbor(), datum) || outs[2].DatumHash() != nil {
				t.Errorf("outputs decode differently")
			}
			if q := outs[1].Assets().Asset(lcommon.Blake2b224(policy), []byte("r")); q == nil || q.Int64() != 1 {
				t.Errorf("asset %v", q)
			}
			if dec.TTL() != 99 || dec.ValidityIntervalStart() != 0 || dec.CollateralReturn() == nil || dec.AssetMint() == nil {
				t.Errorf("ttl %d start %d", dec.TTL(), dec.ValidityIntervalStart())
			}
			ws := dec.Witnesses()
			if len(ws.PlutusData()) != 1 {
				t.Errorf("%d witness datums", len(ws.PlutusData()))
			}
			n := 0
			for k, v := range ws.Redeemers().Iter() {
				n++
				if k.Tag != lcommon.RedeemerTagSpend || k.Index != 1 || !bytes.Equal(v.Data.Cbor(), datum) {
					t.Errorf("redeemer %+v", k)
				}
			}
			if n != 1 {
				t.Errorf("%d redeemers", n)
			}
			if aux := dec.AuxiliaryData(); aux == nil || len(aux.Cbor()) == 0 {
				t.Error("aux data lost")
			}
		}
	}
}

// TestSortedIndex: the index counts distinct smaller references.
func TestSortedIndex(t *testing.T) {
	a := registry.TxOutRef{TxID: [32]byte{1}, Index: 5}
	b := registry.TxOutRef{TxID: [32]byte{1}, Index: 7}
	c := registry.TxOutRef{TxID: [32]byte{2}, Index: 0}
	ins := []registry.TxOutRef{c, b, a, a}
	for want, r := range []registry.TxOutRef{a, b, c} {
		if got := SortedIndex(ins, r); got != uint32(want) {
			t.Errorf("%s: %d, want %d", r, got, want)
		}
	}
}

// TestWitnessFieldsDecode: reference scripts, the script-integrity hash,
// required signers, native scripts and vkey witnesses come back from
// gouroboros as written.
func TestWitnessFieldsDecode(t *testing.T) {
	script := []byte{0x44, 0x01, 0x02, 0x03, 0x04} // a once-wrapped byte string
	var pkh [28]byte
	pkh[0] = 7
	native, err := Metadatum([]any{0, pkh[:]})
	if err != nil {
		t.Fatal(err)
	}
	sdh := bytes.Repeat([]byte{9}, 32)
	tx := &Tx{
		Inputs:          []registry.TxOutRef{{TxID: [32]byte{1}}},
		Outputs:         []Output{{Address: EnterpriseKeyAddress(pkh, Testnet), Lovelace: 5, ScriptRef: script}},
		Fee:             1,
		ScriptDataHash:  sdh,
		RequiredSigners: [][28]byte{pkh},
		NativeScripts:   [][]byte{native},
		VKeyWitnesses:   []VKeyWitness{{VKey: [32]byte{1}, Signature: [64]byte{2}}},
		SetTags:         true,
	}
	got, err := tx.Conway()
	if err != nil {
		t.Fatal(err)
	}
	if h := got.ScriptDataHash(); h == nil || !bytes.Equal(h.Bytes(), sdh) {
		t.Errorf("script data hash %v", h)
	}
	if rs := got.RequiredSigners(); len(rs) != 1 || !bytes.Equal(rs[0].Bytes(), pkh[:]) {
		t.Errorf("required signers %v", rs)
	}
	if s := got.Outputs()[0].ScriptRef(); s == nil || !bytes.Equal(s.RawScriptBytes(), script) {
		t.Errorf("script ref %v", s)
	}
	w := got.Witnesses()
	if len(w.Vkey()) != 1 || len(w.NativeScripts()) != 1 {
		t.Errorf("witnesses: %d vkey, %d native", len(w.Vkey()), len(w.NativeScripts()))
	}
	if _, err := (&Output{Address: EnterpriseKeyAddress(pkh, Testnet), Legacy: true, ScriptRef: script}).Encode(); err == nil {
		t.Error("legacy output with a reference script encoded")
	}
	if _, err := (&Tx{ScriptDataHash: []byte{1}}).Body(); err == nil {
		t.Error("short script data hash encoded")
	}
}
