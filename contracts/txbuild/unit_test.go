package txbuild

import (
	"bytes"
	"math/big"
	"strings"
	"testing"

	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

func TestRefScriptFee(t *testing.T) {
	p := Params{MinFeeRefScriptCostPerByte: big.NewRat(15, 1)}
	tests := []struct {
		size, want uint64
		base       *big.Rat
	}{
		{0, 0, nil},
		{100, 1500, nil},
		{25600, 384000, nil},
		{25601, 384018, nil},                 // the next tier costs 15 × 1.2
		{51300, 384000 + 460800 + 2160, nil}, // third tier at 21.6
		{3, 22, big.NewRat(15, 2)},           // 22.5 rounds down
	}
	for _, tc := range tests {
		q := p
		if tc.base != nil {
			q.MinFeeRefScriptCostPerByte = tc.base
		}
		if got := RefScriptFee(q, tc.size); got != tc.want {
			t.Errorf("RefScriptFee(%d) = %d, want %d", tc.size, got, tc.want)
		}
	}
	if got := RefScriptFee(Params{}, 1000); got != 0 {
		t.Errorf("no price: %d", got)
	}
}

func TestExUnitsFeeAndMargin(t *testing.T) {
	p := Params{PriceMem: big.NewRat(577, 10000), PriceSteps: big.NewRat(721, 10000000)}
	tests := []struct {
		eu   ExUnits
		want uint64
	}{
		{ExUnits{}, 0},
		{ExUnits{Mem: 1000, Steps: 1_000_000}, 130}, // 57.7 + 72.1 = 129.8
		{ExUnits{Mem: 10000, Steps: 0}, 577},
	}
	for _, tc := range tests {
		if got := ExUnitsFee(p, tc.eu); got != tc.want {
			t.Errorf("ExUnitsFee(%+v) = %d, want %d", tc.eu, got, tc.want)
		}
	}
	if got := withMargin(ExUnits{Mem: 100, Steps: 101}); got != (ExUnits{Mem: 105, Steps: 107}) {
		t.Errorf("withMargin = %+v", got)
	}
	if got := SizeFee(Params{MinFeeA: 44, MinFeeB: 155381}, 1000); got != 199381 {
		t.Errorf("SizeFee = %d", got)
	}
}

func TestMinUTxOMatchesGouroboros(t *testing.T) {
	pp := testParams(t)
	p, err := ParamsFromConway(pp)
	if err != nil {
		t.Fatal(err)
	}
	outs := []TxOut{
		{Address: newKey(1).addr, Value: lovelace(1)},
		{Address: newKey(1).addr, Value: Value{Lovelace: 5 * ada, Assets: map[AssetID]uint64{{Policy: [28]byte{1}, Name: "role"}: 1}}, DatumHash: bytes.Repeat([]byte{3}, 32)},
	}
	for i, o := range outs {
		got, err := MinUTxO(p, o)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := o.Encode()
		bo, err := babbage.NewBabbageTransactionOutputFromCbor(raw)
		if err != nil {
			t.Fatal(err)
		}
		want, err := conway.MinCoinTxOut(bo, pp)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("output %d: MinUTxO %d, gouroboros %d", i, got, want)
		}
	}
}

func TestNextTimeoutAfter(t *testing.T) {
	n := func(x int64) *big.Int { return big.NewInt(x) }
	when := func(t int64, cont core.Contract) core.Contract {
		return core.When{Timeout: n(t), Continuation: cont}
	}
	tests := []struct {
		name string
		c    core.Contract
		at   int64
		want *big.Int
	}{
		{"close", core.Close{}, 0, nil},
		{"when ahead", when(100, core.Close{}), 50, n(100)},
		{"when passed continues", when(100, when(200, core.Close{})), 100, n(200)},
		{"all passed", when(100, core.Close{}), 150, nil},
		{"if takes the earlier", core.If{Obs: core.TrueObs{}, Then: when(300, core.Close{}), Else: when(200, core.Close{})}, 0, n(200)},
		{"if with one side closed", core.If{Obs: core.TrueObs{}, Then: core.Close{}, Else: when(200, core.Close{})}, 0, n(200)},
		{"through let/assert/pay", core.Let{ID: "x", Value: core.Constant{N: n(1)}, Then: core.Assert{Obs: core.TrueObs{}, Then: core.Pay{Amount: core.Constant{N: n(1)}, Then: when(9, core.Close{})}}}, 0, n(9)},
	}
	for _, tc := range tests {
		got := NextTimeoutAfter(n(tc.at), tc.c)
		if (got == nil) != (tc.want == nil) || (got != nil && got.Cmp(tc.want) != 0) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMetadataText(t *testing.T) {
	if got := metadataText("short"); got != "short" {
		t.Errorf("short: %v", got)
	}
	long := strings.Repeat("a", 63) + "é" + strings.Repeat("b", 70)
	chunks, ok := metadataText(long).([]any)
	if !ok || len(chunks) != 3 {
		t.Fatalf("long: %v", metadataText(long))
	}
	var joined string
	for _, c := range chunks {
		s := c.(string)
		if len(s) > 64 || !strings.HasPrefix(long[len(joined):], s) {
			t.Fatalf("chunk %q", s)
		}
		joined += s
	}
	if joined != long || len(chunks[0].(string)) != 63 {
		t.Errorf("chunks %q do not split on the rune boundary", chunks)
	}
}

func TestInitialAccountsOrder(t *testing.T) {
	a1, _ := core.AddressFromCIP19(newKey(1).addr)
	a2, _ := core.AddressFromCIP19(newKey(2).addr)
	if bytes.Compare(newKey(1).addr, newKey(2).addr) > 0 {
		a1, a2 = a2, a1
	}
	tok := core.Token{Currency: core.CurrencySymbol(bytes.Repeat([]byte{1}, 28)), Name: "t"}
	accs, err := initialAccounts(a2, 2*ada, []core.AccountEntry{
		{Account: a1Party(a2), Token: tok, Amount: big.NewInt(5)},
		{Account: a1Party(a1), Token: core.Ada, Amount: big.NewInt(7)},
		{Account: core.RolePartyOf("b"), Token: core.Ada, Amount: big.NewInt(1)},
		{Account: core.RolePartyOf("a"), Token: core.Ada, Amount: big.NewInt(1)},
		{Account: a1Party(a2), Token: core.Ada, Amount: big.NewInt(3)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		p   core.Party
		tok core.Token
		n   int64
	}{
		{core.RolePartyOf("a"), core.Ada, 1},
		{core.RolePartyOf("b"), core.Ada, 1},
		{a1Party(a1), core.Ada, 7},
		{a1Party(a2), core.Ada, 2*ada + 3},
		{a1Party(a2), tok, 5},
	}
	if len(accs) != len(want) {
		t.Fatalf("%d accounts", len(accs))
	}
	for i, w := range want {
		if accs[i].Account != w.p || accs[i].Token != w.tok || accs[i].Amount.Int64() != w.n {
			t.Errorf("account %d: %+v, want %+v", i, accs[i], w)
		}
	}
	if _, err := initialAccounts(a1, 1, []core.AccountEntry{{Account: a1Party(a1), Amount: big.NewInt(0)}}); err == nil {
		t.Error("zero initial account accepted")
	}
}

func a1Party(a core.Address) core.Party { return core.AddressPartyOf(a) }

func TestDecodeUTxORoundTrip(t *testing.T) {
	sem, _ := scripts(t)
	o := TxOut{
		Address:   newKey(3).addr,
		Value:     Value{Lovelace: 3 * ada, Assets: map[AssetID]uint64{{Policy: [28]byte{2}, Name: "x"}: 9}},
		DatumHash: bytes.Repeat([]byte{4}, 32),
		ScriptRef: sem,
	}
	raw, err := o.Encode()
	if err != nil {
		t.Fatal(err)
	}
	ref := registry.TxOutRef{TxID: txid("x"), Index: 2}
	u, err := DecodeUTxO(ref, raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(u.Out.Address, o.Address) || u.Out.Value.Lovelace != o.Value.Lovelace ||
		u.Out.Value.Assets[AssetID{Policy: [28]byte{2}, Name: "x"}] != 9 || !bytes.Equal(u.Out.DatumHash, o.DatumHash) ||
		registry.HashPlutusV2(u.Out.ScriptRef) != registry.New().Current().Semantics.Hash {
		t.Errorf("round trip: %+v", u.Out)
	}
	if _, err := DecodeUTxO(ref, []byte{0xff}); err == nil {
		t.Error("garbage decoded")
	}
}

func TestValueArithmetic(t *testing.T) {
	a := AssetID{Policy: [28]byte{1}, Name: "a"}
	b := AssetID{Policy: [28]byte{1}, Name: "b"}
	v := Value{Lovelace: 10, Assets: map[AssetID]uint64{a: 5}}
	rest, def := v.sub(Value{Lovelace: 12, Assets: map[AssetID]uint64{a: 5, b: 1}})
	if !rest.isZero() || def.Lovelace != 2 || def.Assets[b] != 1 || def.Assets[a] != 0 {
		t.Errorf("sub: rest %+v deficit %+v", rest, def)
	}
	if _, err := (Value{Lovelace: ^uint64(0)}).add(Value{Lovelace: 1}); err == nil {
		t.Error("overflow not detected")
	}
	if v.Assets[a] != 5 {
		t.Error("sub modified its receiver")
	}
}

func TestRoleTokenPolicy(t *testing.T) {
	p := RoleTokenPolicy{KeyHash: [28]byte{1}, Before: 1000}
	q := p
	q.Before++
	if p.ID() == q.ID() || len(p.Script()) == 0 {
		t.Error("policy id does not depend on the time lock")
	}
	// [1, [[0, kh], [5, 1000]]]
	want := append([]byte{0x82, 0x01, 0x82, 0x82, 0x00, 0x58, 0x1c}, p.KeyHash[:]...)
	want = append(want, 0x82, 0x05, 0x19, 0x03, 0xe8)
	if !bytes.Equal(p.Script(), want) {
		t.Errorf("script %x, want %x", p.Script(), want)
	}
}
