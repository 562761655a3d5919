package view_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func hash32(b byte) [32]byte {
	var h [32]byte
	for i := range h {
		h[i] = b + byte(i)
	}
	return h
}

func TestNew(t *testing.T) {
	if _, err := view.New(0, mainnetClock(t)); err == nil {
		t.Error("New accepted the zero network")
	}
	if _, err := view.New(registry.Preview, nil); err == nil {
		t.Error("New accepted a nil clock")
	}
	if c := converter(t, registry.Preprod); c.Network() != registry.Preprod {
		t.Errorf("Network() = %s", c.Network())
	}
}

func TestChainValues(t *testing.T) {
	b := kv.BlockRef{Slot: 0x0102, Hash: hash32(0xa0), Number: 0x0304}
	h := view.BlockHeader(b)
	want := unhex(t, "0000000000000102 0000000000000020"+hex.EncodeToString(b.Hash[:])+"0000000000000304")
	if got := wire(t, h, types.EncodeBlockHeader); !bytes.Equal(got, want) {
		t.Errorf("BlockHeader wire\n got %x\nwant %x", got, want)
	}
	if !view.SameBlock(b, h) {
		t.Error("SameBlock(b, BlockHeader(b)) is false")
	}
	for name, other := range map[string]types.BlockHeader{
		"slot":   {Slot: h.Slot + 1, Hash: h.Hash, Block: h.Block},
		"hash":   {Slot: h.Slot, Hash: h.Hash[:31] + "x", Block: h.Block},
		"number": {Slot: h.Slot, Hash: h.Hash, Block: h.Block + 1},
		"short":  {Slot: h.Slot, Hash: h.Hash[:31], Block: h.Block},
	} {
		if view.SameBlock(b, other) {
			t.Errorf("SameBlock true for another %s", name)
		}
	}
	if back, err := view.BlockRef(h); err != nil || back != b {
		t.Errorf("BlockRef(BlockHeader(b)) = %v, %v", back, err)
	}
	if _, err := view.BlockRef(types.BlockHeader{Hash: "short"}); err == nil {
		t.Error("BlockRef accepted a 5-byte hash")
	}
	if p := view.Point(b, false); p.At {
		t.Error("Point(_, false) is not Genesis")
	}
	if p := view.Point(b, true); !p.At || p.Header != h {
		t.Errorf("Point(b, true) = %v", p)
	}

	ref := extract.TxOutRef{TxID: hash32(1), Index: 65535}
	wr, err := view.TxOutRef(ref)
	if err != nil || wr.TxIx != 65535 || string(wr.TxId) != string(ref.TxID[:]) {
		t.Fatalf("TxOutRef = %v, %v", wr, err)
	}
	if back, err := view.RefOf(wr); err != nil || back != ref {
		t.Errorf("RefOf(TxOutRef(r)) = %v, %v", back, err)
	}
	if _, err := view.TxOutRef(extract.TxOutRef{Index: 65536}); err == nil {
		t.Error("TxOutRef accepted index 65536")
	}
	if _, err := view.ContractId(extract.TxOutRef{Index: 1 << 20}); err == nil {
		t.Error("ContractId accepted index 2^20")
	}
	id, err := view.ContractId(ref)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := view.ContractRef(id); err != nil || back != ref {
		t.Errorf("ContractRef(ContractId(r)) = %v, %v", back, err)
	}
	if _, err := view.ContractRef(types.ContractId{TxId: "a", TxIx: 1}); err == nil {
		t.Error("ContractRef accepted a 1-byte tx id")
	}
	var sh registry.ScriptHash
	sh[0], sh[27] = 1, 2
	if got := view.ScriptHash(sh); len(got) != 28 || got[0] != 1 || got[27] != 2 {
		t.Errorf("ScriptHash = %x", got)
	}
}

func TestAssets(t *testing.T) {
	p1, p2 := core.CurrencySymbol(bytes.Repeat([]byte{1}, 28)), core.CurrencySymbol(bytes.Repeat([]byte{2}, 28))
	huge := new(big.Int).Lsh(big.NewInt(1), 70)
	in := []extract.Asset{
		{Token: core.Token{Currency: p2, Name: "b"}, Quantity: big.NewInt(5)},
		{Token: core.Token{Currency: p1, Name: "a"}, Quantity: huge},
	}
	lovelace := big.NewInt(2_000_000)
	got, err := view.Assets(lovelace, in)
	if err != nil {
		t.Fatal(err)
	}
	want := types.Assets{Ada: big.NewInt(2_000_000), Tokens: types.Tokens{
		{Policy: types.PolicyId(p1), Name: "a"}: new(big.Int).Lsh(big.NewInt(1), 70),
		{Policy: types.PolicyId(p2), Name: "b"}: big.NewInt(5),
	}}
	if g, w := wire(t, got, types.EncodeAssets), wire(t, want, types.EncodeAssets); !bytes.Equal(g, w) {
		t.Errorf("Assets wire\n got %x\nwant %x", g, w)
	}
	// The result owns its numbers.
	lovelace.SetInt64(1)
	in[0].Quantity.SetInt64(1)
	if got.Ada.Int64() != 2_000_000 || got.Tokens[types.AssetId{Policy: types.PolicyId(p2), Name: "b"}].Int64() != 5 {
		t.Error("Assets shares memory with its arguments")
	}
	if _, err := view.Assets(nil, nil); err == nil {
		t.Error("Assets accepted nil lovelace")
	}
	if _, err := view.Assets(big.NewInt(1), []extract.Asset{{Token: core.Token{Currency: p1}}}); err == nil {
		t.Error("Assets accepted a token without quantity")
	}
	dup := []extract.Asset{in[1], in[1]}
	if _, err := view.Assets(big.NewInt(1), dup); err == nil {
		t.Error("Assets accepted a token twice")
	}
}

func TestAddress(t *testing.T) {
	set := registry.New().Current()
	mainnet, preprod := converter(t, registry.Mainnet), converter(t, registry.Preprod)
	ent := set.Semantics.EnterpriseAddressBytes(registry.Mainnet)
	if got, err := mainnet.Address(ent); err != nil || string(got) != string(ent) {
		t.Errorf("mainnet enterprise address: %x, %v", got, err)
	}
	if _, err := preprod.Address(ent); err == nil || !strings.Contains(err.Error(), "network id 1") {
		t.Errorf("preprod converter took a mainnet address: %v", err)
	}
	// A script address with a stake key (header 0x11 on mainnet) keeps its
	// stake part.
	staked := append(append([]byte{0x11}, set.Semantics.Hash[:]...), bytes.Repeat([]byte{7}, 28)...)
	if got, err := mainnet.Address(staked); err != nil || string(got) != string(staked) {
		t.Errorf("staked address: %x, %v", got, err)
	}
	test := set.Semantics.EnterpriseAddressBytes(registry.Preprod)
	if _, err := preprod.Address(test); err != nil {
		t.Errorf("preprod address: %v", err)
	}
	if _, err := mainnet.Address(nil); err == nil {
		t.Error("Address accepted an empty address")
	}
	// Byron addresses carry no network nibble; they pass unchanged.
	if _, err := preprod.Address([]byte{0x82, 0xd8, 0x18}); err != nil {
		t.Errorf("byron-shaped address: %v", err)
	}
}

func TestUTCTime(t *testing.T) {
	c := converter(t, registry.Mainnet)
	for _, tc := range []struct {
		slot uint64
		want time.Time
	}{
		{0, time.Date(2017, 9, 23, 21, 44, 51, 0, time.UTC)},
		{100, time.Date(2017, 9, 23, 22, 18, 11, 0, time.UTC)},           // 100 Byron slots of 20 s
		{140_000_000, time.Unix(1_591_566_291+140_000_000, 0).UTC()},     // Shelley onwards, 1 s slots
		{4_492_800, time.Date(2020, 7, 29, 21, 44, 51, 0, time.UTC)},     // the Shelley hard fork
		{4_492_801, time.Date(2020, 7, 29, 21, 44, 52, 0, time.UTC)},     // one slot later
		{200_000_000, time.Date(2026, 10, 9, 17, 18, 11, 0, time.UTC)},   // far future, same era
		{1_000_000_000, time.Unix(1_591_566_291+1_000_000_000, 0).UTC()}, // no horizon in this history
	} {
		u, err := c.UTCTime(tc.slot)
		if err != nil {
			t.Fatalf("slot %d: %v", tc.slot, err)
		}
		got, err := u.Time()
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("slot %d: %v, %v; want %v", tc.slot, got, err, tc.want)
		}
		if w := wire(t, types.UTCTimeOf(tc.want), types.EncodeUTCTime); !bytes.Equal(wire(t, u, types.EncodeUTCTime), w) {
			t.Errorf("slot %d: wire form differs from UTCTimeOf", tc.slot)
		}
	}
	// A history with a horizon refuses slots past it, naming the slot.
	ps := func(s uint64) *big.Int { return new(big.Int).Mul(new(big.Int).SetUint64(s), big.NewInt(1e12)) }
	short, err := slottime.New(time.Unix(0, 0), []slottime.Era{{Start: slottime.Bound{Time: ps(0)},
		End: &slottime.Bound{Time: ps(100), Slot: 100, Epoch: 1}, EpochLength: 100, SlotLengthMs: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := view.New(registry.Mainnet, short)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.UTCTime(100); !errors.Is(err, slottime.ErrPastHorizon) || !strings.Contains(err.Error(), "slot 100") {
		t.Errorf("past the horizon: %v", err)
	}
}

func TestMetadata(t *testing.T) {
	// Label 1564 in the V1 format ([1, ["t1", ["t2", 42]]]) and label 674
	// ({"msg": ["hi"]}), as on chain.
	labels := []extract.MetadataLabel{
		{Label: 674, CBOR: unhex(t, "a1 63 6d7367 81 62 6869")},
		{Label: 1564, CBOR: unhex(t, "82 01 82 62 7431 82 62 7432 18 2a")},
	}
	got, err := view.Metadata(labels)
	if err != nil {
		t.Fatal(err)
	}
	if got.Marlowe == nil || len(got.Marlowe.Tags) != 2 || got.Marlowe.Tags["t1"] != nil {
		t.Fatalf("Marlowe metadata %+v", got.Marlowe)
	}
	if n, ok := got.Marlowe.Tags["t2"].(types.MetadataNumber); !ok || n.Value.Int64() != 42 {
		t.Errorf("tag t2 payload %#v", got.Marlowe.Tags["t2"])
	}
	// On the wire label 1564 is re-emitted in canonical V2 form, as the
	// Haskell runtime does; other labels are kept.
	want := types.TransactionMetadata{
		674: types.MetadataMap{{Key: types.MetadataText("msg"), Value: types.MetadataList{types.MetadataText("hi")}}},
		1564: types.MetadataList{types.MetadataNumber{Value: big.NewInt(2)}, types.MetadataList{
			types.MetadataList{types.MetadataText("t1")},
			types.MetadataList{types.MetadataText("t2"), types.MetadataNumber{Value: big.NewInt(42)}},
		}},
	}
	if g, w := wire(t, got, types.EncodeMarloweTransactionMetadata), wire(t, want, types.EncodeTransactionMetadata); !bytes.Equal(g, w) {
		t.Errorf("metadata wire\n got %x\nwant %x", g, w)
	}

	empty, err := view.Metadata(nil)
	if err != nil || empty.Marlowe != nil {
		t.Fatalf("no labels: %+v, %v", empty, err)
	}
	if g := wire(t, empty, types.EncodeMarloweTransactionMetadata); !bytes.Equal(g, make([]byte, 8)) {
		t.Errorf("empty metadata wire %x", g)
	}
	// A label 1564 that is no Marlowe metadata stays raw.
	raw, err := view.Metadata([]extract.MetadataLabel{{Label: 1564, CBOR: []byte{0x81, 0x03}}})
	if err != nil || raw.Marlowe != nil || len(raw.Metadata) != 1 {
		t.Errorf("non-Marlowe 1564: %+v, %v", raw, err)
	}
	for name, bad := range map[string][]extract.MetadataLabel{
		"garbage":   {{Label: 1, CBOR: []byte{0xff}}},
		"trailing":  {{Label: 1, CBOR: []byte{0x01, 0x02}}},
		"float":     {{Label: 1, CBOR: unhex(t, "f93c00")}},
		"twice":     {{Label: 1, CBOR: []byte{0x01}}, {Label: 1, CBOR: []byte{0x02}}},
		"bad utf-8": {{Label: 1, CBOR: []byte{0x61, 0xff}}},
	} {
		if _, err := view.Metadata(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestInputs(t *testing.T) {
	cont := core.Contract(core.Close{})
	h, err := core.ContractHash(cont)
	if err != nil {
		t.Fatal(err)
	}
	redeemer, err := core.EncodeData(core.Redeemer{
		{Content: core.INotify{}},
		{Content: core.INotify{}, Merkleized: true, Hash: h[:]},
	})
	if err != nil {
		t.Fatal(err)
	}
	contCBOR, err := core.EncodeData(cont)
	if err != nil {
		t.Fatal(err)
	}
	got, err := view.Inputs(redeemer, [][]byte{nil, contCBOR})
	if err != nil {
		t.Fatal(err)
	}
	// [NormalInput INotify, MerkleizedInput INotify hash Close]: the
	// runtime's form, whose merkleized input has three fields.
	notify := &data.Constr{Tag: 2}
	want := &data.List{Items: []data.PlutusData{
		&data.Constr{Tag: 0, Fields: []data.PlutusData{notify}},
		&data.Constr{Tag: 1, Fields: []data.PlutusData{notify, &data.ByteString{Inner: h[:]}, &data.Constr{Tag: 0}}},
	}}
	if g, w := wire[data.PlutusData](t, got, types.EncodeDatum), wire[data.PlutusData](t, want, types.EncodeDatum); !bytes.Equal(g, w) {
		t.Errorf("inputs wire\n got %x\nwant %x", g, w)
	}
	// The golden vector of wire-protocol.md §5.7:
	// NormalInput (IChoice (ChoiceId "" (Role ""))) 1.
	choice, err := core.EncodeData(core.Redeemer{{Content: core.IChoice{ID: core.ChoiceID{Owner: core.RolePartyOf("")}, Chosen: big.NewInt(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	gc, err := view.Inputs(choice, [][]byte{nil})
	if err != nil {
		t.Fatal(err)
	}
	// List [Constr 0 [Constr 1 [Constr 0 [B "", Constr 1 [B ""]], I 1]]]
	wantChoice := unhex(t, "02 0000000000000001 00 00 00000000 0000000000000001"+
		" 00 00 00000001 0000000000000002"+
		" 00 00 00000000 0000000000000002 04 0000000000000000 00 00 00000001 0000000000000001 04 0000000000000000"+
		" 03 00 00000001")
	if g := wire[data.PlutusData](t, gc, types.EncodeDatum); !bytes.Equal(g, wantChoice) {
		t.Errorf("IChoice input wire\n got %x\nwant %x", g, wantChoice)
	}
	if empty, err := view.Inputs(unhex(t, "80"), nil); err != nil || len(empty.(*data.List).Items) != 0 {
		t.Errorf("no inputs (a timeout): %v, %v", empty, err)
	}

	for name, tc := range map[string]struct {
		redeemer []byte
		conts    [][]byte
	}{
		"count":                 {redeemer, [][]byte{nil}},
		"merkleized without":    {redeemer, [][]byte{nil, nil}},
		"normal with":           {redeemer, [][]byte{contCBOR, contCBOR}},
		"garbage redeemer":      {[]byte{0xff}, nil},
		"redeemer not a list":   {unhex(t, "d87980"), nil},
		"garbage continuation":  {redeemer, [][]byte{nil, {0xff}}},
		"unknown input content": {unhex(t, "9fd8799fd87f80ffff"), [][]byte{nil}},
	} {
		if _, err := view.Inputs(tc.redeemer, tc.conts); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDatum(t *testing.T) {
	md := core.MarloweData{State: core.EmptyState(big.NewInt(5)), Contract: core.Close{}}
	cbor, err := core.EncodeData(md)
	if err != nil {
		t.Fatal(err)
	}
	pd, err := view.Datum(cbor)
	if err != nil {
		t.Fatal(err)
	}
	back, err := core.FromData[core.MarloweData](pd)
	if err != nil {
		t.Fatal(err)
	}
	if eq, err := core.EqualData(back, md); err != nil || !eq {
		t.Errorf("datum round trip differs: %v", err)
	}
	if _, err := view.Datum(nil); err == nil {
		t.Error("Datum accepted a missing datum")
	}
	if _, err := view.Datum([]byte{0x61, 0x61}); err == nil {
		t.Error("Datum accepted text (not Plutus Data)")
	}
}

// TestRecordErrors feeds the composite conversions records that do not fit
// together, as a corrupt or mismatched index would hold them: each is an
// error, never a panic or a silently wrong value.
func TestRecordErrors(t *testing.T) {
	c := converter(t, registry.Mainnet)
	set := registry.New().Current()
	id := extract.TxOutRef{TxID: hash32(1), Index: 0}
	other := extract.TxOutRef{TxID: hash32(2), Index: 0}
	datum, err := core.EncodeData(core.MarloweData{State: core.EmptyState(big.NewInt(0)), Contract: core.Close{}})
	if err != nil {
		t.Fatal(err)
	}
	out := extract.Output{Ref: id, Address: set.Semantics.EnterpriseAddressBytes(registry.Mainnet), Lovelace: big.NewInt(2_000_000), Datum: datum}
	h := kv.ContractHeader{ContractID: id, TxID: id.TxID, ScriptHash: set.Semantics.Hash, PayoutHash: set.Payout.Hash}
	good := view.Creation{Header: h, Create: kv.Step{Kind: kv.StepCreate, ContractID: id, TxID: id.TxID, Output: &out}}
	if _, err := c.ContractHeader(good); err != nil {
		t.Fatalf("good creation: %v", err)
	}
	if _, err := c.CreateTransaction(id.TxID, []view.Creation{good}); err != nil {
		t.Fatalf("good create transaction: %v", err)
	}
	noOutput := good
	noOutput.Create.Output = nil
	wrongKind := good
	wrongKind.Create.Kind = kv.StepApply
	wrongContract := good
	wrongContract.Create.ContractID = other
	badDatum := good
	bd := out
	bd.Datum = []byte{0xff}
	badDatum.Create.Output = &bd
	wrongNet := good
	wn := out
	wn.Address = set.Semantics.EnterpriseAddressBytes(registry.Preview)
	wrongNet.Create.Output = &wn
	for name, cr := range map[string]view.Creation{"no output": noOutput, "apply as creation": wrongKind,
		"other contract": wrongContract, "bad datum": badDatum, "other network": wrongNet} {
		if _, err := c.CreateStep(cr); err == nil {
			t.Errorf("CreateStep %s: accepted", name)
		}
		if _, err := c.CreateTransaction(id.TxID, []view.Creation{cr}); err == nil {
			t.Errorf("CreateTransaction %s: accepted", name)
		}
	}
	for name, cr := range map[string]view.Creation{"no output": noOutput, "apply as creation": wrongKind, "other network": wrongNet} {
		if _, err := c.ContractHeader(cr); err == nil {
			t.Errorf("ContractHeader %s: accepted", name)
		}
	}
	if _, err := c.CreateTransaction(other.TxID, []view.Creation{good}); err == nil {
		t.Error("CreateTransaction accepted a contract of another transaction")
	}
	if _, err := c.CreateTransaction(id.TxID, []view.Creation{good, good}); err == nil {
		t.Error("CreateTransaction accepted a contract twice")
	}

	redeemer, err := core.EncodeData(core.Redeemer{{Content: core.INotify{}}})
	if err != nil {
		t.Fatal(err)
	}
	payoutRef := extract.TxOutRef{TxID: hash32(3), Index: 1}
	payout := kv.Payout{Ref: payoutRef, ContractID: id, RolesCurrency: "c", Role: "r",
		Output: extract.Output{Ref: payoutRef, Address: set.Payout.EnterpriseAddressBytes(registry.Mainnet), Lovelace: big.NewInt(1)}}
	payouts := func(ref extract.TxOutRef) (kv.Payout, bool, error) {
		if ref == payoutRef {
			return payout, true, nil
		}
		return kv.Payout{}, false, nil
	}
	failing := func(extract.TxOutRef) (kv.Payout, bool, error) { return kv.Payout{}, false, errors.New("disk on fire") }
	apply := kv.Step{Kind: kv.StepApply, ContractID: id, TxID: hash32(3), Input: id, Redeemer: redeemer,
		Continuations: [][]byte{nil}, ValidFrom: 140_000_000, ValidTo: 140_000_100, Payouts: []extract.TxOutRef{payoutRef}, Closed: true}
	tx, err := c.Transaction(h, apply, payouts)
	if err != nil {
		t.Fatalf("good transaction: %v", err)
	}
	if len(tx.Output.Payouts) != 1 || tx.Output.ScriptOutput != nil {
		t.Errorf("transaction output %+v", tx.Output)
	}
	if _, err := c.ApplyInputsTransaction(good, apply, payouts); err != nil {
		t.Errorf("good apply-inputs transaction: %v", err)
	}
	if _, err := c.ApplyInputsTransaction(noOutput, apply, payouts); err == nil {
		t.Error("ApplyInputsTransaction accepted a creation without output")
	}
	mutate := func(f func(*kv.Step)) kv.Step {
		s := apply
		f(&s)
		return s
	}
	for name, tc := range map[string]struct {
		st      kv.Step
		payouts view.PayoutLookup
	}{
		"withdraw step":      {mutate(func(s *kv.Step) { s.Kind = kv.StepWithdraw }), payouts},
		"other contract":     {mutate(func(s *kv.Step) { s.ContractID = other }), payouts},
		"unknown payout":     {mutate(func(s *kv.Step) { s.Payouts = []extract.TxOutRef{other} }), payouts},
		"lookup failure":     {apply, failing},
		"bad redeemer":       {mutate(func(s *kv.Step) { s.Redeemer = []byte{0x00} }), payouts},
		"bad output":         {mutate(func(s *kv.Step) { s.Output = &bd }), payouts},
		"16-bit input index": {mutate(func(s *kv.Step) { s.Input.Index = 70_000 }), payouts},
	} {
		_, err1 := c.Transaction(h, tc.st, tc.payouts)
		_, err2 := c.ApplyInputsTransaction(good, tc.st, tc.payouts)
		if err2 == nil || (err1 == nil && name != "16-bit input index") {
			t.Errorf("%s: Transaction %v, ApplyInputsTransaction %v", name, err1, err2)
		}
	}

	withdraw := kv.Step{Kind: kv.StepWithdraw, ContractID: id, TxID: hash32(4), Withdrawn: []extract.TxOutRef{payoutRef}}
	rs, err := view.RedeemSteps(withdraw, payouts)
	if err != nil || len(rs) != 1 || rs[0].Datum != (types.AssetId{Policy: "c", Name: "r"}) {
		t.Fatalf("RedeemSteps = %+v, %v", rs, err)
	}
	for name, tc := range map[string]struct {
		st      kv.Step
		payouts view.PayoutLookup
	}{
		"apply step":     {apply, payouts},
		"unknown payout": {kv.Step{Kind: kv.StepWithdraw, ContractID: id, Withdrawn: []extract.TxOutRef{other}}, payouts},
		"other contract": {kv.Step{Kind: kv.StepWithdraw, ContractID: other, Withdrawn: []extract.TxOutRef{payoutRef}}, payouts},
		"lookup failure": {withdraw, failing},
	} {
		if _, err := view.RedeemSteps(tc.st, tc.payouts); err == nil {
			t.Errorf("RedeemSteps %s: accepted", name)
		}
	}
	if _, err := view.WithdrawTransaction(withdraw.TxID, []kv.Step{withdraw}); err != nil {
		t.Errorf("good withdraw transaction: %v", err)
	}
	for name, steps := range map[string][]kv.Step{
		"apply step":    {apply},
		"other tx":      {mutate(func(s *kv.Step) { s.Kind = kv.StepWithdraw })},
		"payout twice":  {withdraw, withdraw},
		"16-bit payout": {{Kind: kv.StepWithdraw, ContractID: id, TxID: withdraw.TxID, Withdrawn: []extract.TxOutRef{{Index: 1 << 17}}}},
	} {
		if _, err := view.WithdrawTransaction(withdraw.TxID, steps); err == nil {
			t.Errorf("WithdrawTransaction %s: accepted", name)
		}
	}
}
