package txbuild

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"testing"
	"time"

	gcbor "github.com/blinklabs-io/gouroboros/cbor"
	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// testTime is a 1-second-slot era starting at zero (preprod-like).
type testTime struct{ zero time.Time }

func (tt testTime) SlotToTime(s uint64) (time.Time, error) {
	return tt.zero.Add(time.Duration(s) * time.Second), nil
}

func (tt testTime) TimeToSlot(t time.Time) (uint64, error) {
	if t.Before(tt.zero) {
		return 0, errors.New("time before system start")
	}
	return uint64(t.Sub(tt.zero) / time.Second), nil
}

var systemStart = time.UnixMilli(1655769600000).UTC()

// ledger is the in-test ledger state: the UTxO set the rules resolve
// against, the era's slot/time conversion and the testnet id. Methods the
// Conway rules do not reach for these transactions come from the nil
// embedded interface.
type ledger struct {
	lcommon.LedgerState
	testTime
	utxos map[registry.TxOutRef]UTxO
}

func (l *ledger) UtxoById(in lcommon.TransactionInput) (lcommon.Utxo, error) {
	ref := registry.TxOutRef{TxID: registry.TxID(in.Id()), Index: in.Index()}
	u, ok := l.utxos[ref]
	if !ok {
		return lcommon.Utxo{}, fmt.Errorf("utxo %s not found", ref)
	}
	raw, err := u.cbor()
	if err != nil {
		return lcommon.Utxo{}, err
	}
	o, err := lcommonOutput(raw)
	if err != nil {
		return lcommon.Utxo{}, err
	}
	return lcommon.Utxo{Id: in, Output: o}, nil
}

func (l *ledger) SlotToTime(s uint64) (time.Time, error) { return l.testTime.SlotToTime(s) }
func (l *ledger) TimeToSlot(t time.Time) (uint64, error) { return l.testTime.TimeToSlot(t) }
func (l *ledger) NetworkId() uint                        { return 0 }
func (l *ledger) CostModels() map[lcommon.PlutusLanguage]lcommon.CostModel {
	return map[lcommon.PlutusLanguage]lcommon.CostModel{}
}

// at returns the ledger's UTxOs at addr, by reference.
func (l *ledger) at(addr []byte) []UTxO {
	var out []UTxO
	for _, u := range l.utxos {
		if string(u.Out.Address) == string(addr) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b UTxO) int {
		if lessRef(a.Ref, b.Ref) {
			return -1
		}
		if a.Ref == b.Ref {
			return 0
		}
		return 1
	})
	return out
}

// apply spends the transaction's inputs and adds its outputs.
func (l *ledger) apply(t *testing.T, raw []byte) {
	t.Helper()
	tx, err := conway.NewConwayTransactionFromCbor(raw)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	for _, in := range tx.Inputs() {
		delete(l.utxos, registry.TxOutRef{TxID: registry.TxID(in.Id()), Index: in.Index()})
	}
	id := registry.TxID(tx.Hash())
	for i, o := range tx.Outputs() {
		ref := registry.TxOutRef{TxID: id, Index: uint32(i)}
		u, err := DecodeUTxO(ref, o.Cbor())
		if err != nil {
			t.Fatalf("output %d: %v", i, err)
		}
		l.utxos[ref] = u
	}
}

// key is a test wallet key with its enterprise testnet address.
type key struct {
	priv ed25519.PrivateKey
	pkh  [28]byte
	addr []byte
}

func newKey(seed byte) key {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	priv := ed25519.NewKeyFromSeed(s)
	h, _ := blake2b.New(28, nil)
	h.Write(priv.Public().(ed25519.PublicKey))
	var k key
	k.priv = priv
	copy(k.pkh[:], h.Sum(nil))
	k.addr = txtest.EnterpriseKeyAddress(k.pkh, txtest.Testnet)
	return k
}

// sign adds one vkey witness per signer to the unsigned transaction.
func sign(t *testing.T, raw []byte, signers [][28]byte, keys []key) []byte {
	t.Helper()
	var parts []cbor.RawMessage
	if err := cbor.Unmarshal(raw, &parts); err != nil || len(parts) != 4 {
		t.Fatalf("tx envelope: %v", err)
	}
	bodyHash := blake2b.Sum256(parts[0])
	var wits map[uint64]cbor.RawMessage
	if err := cbor.Unmarshal(parts[1], &wits); err != nil {
		t.Fatalf("witness set: %v", err)
	}
	var vk [][]any
	for _, s := range signers {
		i := slices.IndexFunc(keys, func(k key) bool { return k.pkh == s })
		if i < 0 {
			t.Fatalf("no key for signer %x", s)
		}
		vk = append(vk, []any{[]byte(keys[i].priv.Public().(ed25519.PublicKey)), ed25519.Sign(keys[i].priv, bodyHash[:])})
	}
	opts := cbor.CoreDetEncOptions()
	opts.IndefLength = cbor.IndefLengthAllowed
	em, _ := opts.EncMode()
	b, err := em.Marshal(vk)
	if err != nil {
		t.Fatal(err)
	}
	wits[0] = b
	wb, err := em.Marshal(wits)
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = wb
	out, err := em.Marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testParams are the preprod parameters of the shared snapshot, moved to
// Conway (protocol 10, the mainnet reference-script price 15/byte).
func testParams(t testing.TB) *conway.ConwayProtocolParameters {
	t.Helper()
	b, err := os.ReadFile(shared.Path(t, "marlowe", "protocol-params", "babbage-preprod-protocol-params.json"))
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		CollateralPercentage uint                       `json:"collateralPercentage"`
		CostModels           map[string][]int64         `json:"costModels"`
		Prices               map[string]json.Number     `json:"executionUnitPrices"`
		MaxCollateralInputs  uint                       `json:"maxCollateralInputs"`
		MaxTxExUnits         map[string]int64           `json:"maxTxExecutionUnits"`
		MaxTxSize            uint                       `json:"maxTxSize"`
		MaxValueSize         uint                       `json:"maxValueSize"`
		TxFeeFixed           uint                       `json:"txFeeFixed"`
		TxFeePerByte         uint                       `json:"txFeePerByte"`
		UtxoCostPerByte      uint64                     `json:"utxoCostPerByte"`
		Extra                map[string]json.RawMessage `json:"-"`
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	rat := func(n json.Number) *gcbor.Rat {
		r, ok := new(big.Rat).SetString(n.String())
		if !ok {
			t.Fatalf("price %s", n)
		}
		return &gcbor.Rat{Rat: r}
	}
	pp := &conway.ConwayProtocolParameters{
		MinFeeA:                    js.TxFeePerByte,
		MinFeeB:                    js.TxFeeFixed,
		MaxTxSize:                  js.MaxTxSize,
		AdaPerUtxoByte:             js.UtxoCostPerByte,
		CostModels:                 map[uint][]int64{1: js.CostModels["PlutusV2"]},
		ExecutionCosts:             lcommon.ExUnitPrice{MemPrice: rat(js.Prices["priceMemory"]), StepPrice: rat(js.Prices["priceSteps"])},
		MaxTxExUnits:               lcommon.ExUnits{Memory: js.MaxTxExUnits["memory"], Steps: js.MaxTxExUnits["steps"]},
		MaxValueSize:               js.MaxValueSize,
		CollateralPercentage:       js.CollateralPercentage,
		MaxCollateralInputs:        js.MaxCollateralInputs,
		MinFeeRefScriptCostPerByte: &gcbor.Rat{Rat: big.NewRat(15, 1)},
	}
	pp.ProtocolVersion.Major = 10
	return pp
}

// scripts loads the v5 validators.
func scripts(t testing.TB) (semantics, payout []byte) {
	t.Helper()
	ls, err := registry.LoadScripts(shared.Path(t, "marlowe", "scripts"))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := ls.Get(registry.V5, registry.RoleSemantics)
	if !ok {
		t.Fatal("no v5 semantics")
	}
	p, ok := ls.Get(registry.V5, registry.RolePayout)
	if !ok {
		t.Fatal("no v5 payout")
	}
	return s.CBOR, p.CBOR
}

func txid(s string) registry.TxID { return registry.TxID(blake2b.Sum256([]byte(s))) }

// world is a ledger with reference scripts and funded wallets.
type world struct {
	pp     *conway.ConwayProtocolParameters
	params Params
	l      *ledger
	refs   []UTxO
	keys   []key
	tip    uint64
	// txs are the transactions submitted so far, signed and decoded.
	txs []lcommon.Transaction
}

func newWorld(t *testing.T, wallets map[int][]Value) *world {
	t.Helper()
	pp := testParams(t)
	params, err := ParamsFromConway(pp)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{pp: pp, params: params, l: &ledger{testTime: testTime{systemStart}, utxos: map[registry.TxOutRef]UTxO{}}, tip: 10_000}
	sem, pay := scripts(t)
	publisher := newKey(200)
	for i, s := range [][]byte{sem, pay} {
		u := UTxO{Ref: registry.TxOutRef{TxID: txid("refscripts"), Index: uint32(i)}, Out: TxOut{Address: publisher.addr, Value: Value{Lovelace: 60_000_000}, ScriptRef: s}}
		w.refs = append(w.refs, u)
		w.l.utxos[u.Ref] = u
	}
	for i := 0; i < 4; i++ {
		k := newKey(byte(i + 1))
		w.keys = append(w.keys, k)
		for j, v := range wallets[i] {
			u := UTxO{Ref: registry.TxOutRef{TxID: txid(fmt.Sprintf("fund-%d-%d", i, j)), Index: 0}, Out: TxOut{Address: k.addr, Value: v}}
			w.l.utxos[u.Ref] = u
		}
	}
	return w
}

func (w *world) env(i int) Env {
	return Env{
		Params:     w.params,
		Time:       w.l.testTime,
		TipSlot:    w.tip,
		Wallet:     Wallet{UTxOs: w.l.at(w.keys[i].addr), ChangeAddress: w.keys[i].addr},
		ScriptRefs: w.refs,
	}
}

// submit signs, verifies with the full Conway rule set and applies a
// built transaction, and checks its fee against an independently computed
// ledger minimum.
func (w *world) submit(t *testing.T, r *Result) {
	t.Helper()
	signed := sign(t, r.CBOR, r.Signers, w.keys)
	if uint64(len(signed)) != r.Size {
		t.Errorf("signed size %d, builder assumed %d", len(signed), r.Size)
	}
	tx, err := conway.NewConwayTransactionFromCbor(signed)
	if err != nil {
		t.Fatalf("decode signed: %v", err)
	}
	// gouroboros checks only the lower validity bound; check the TTL here.
	if r.ValidTo != nil && w.tip >= *r.ValidTo {
		t.Fatalf("tip %d is past the TTL %d", w.tip, *r.ValidTo)
	}
	if err := lcommon.VerifyTransaction(tx, w.tip, w.l, w.pp, conway.UtxoValidationRules); err != nil {
		t.Fatalf("ledger rejects the transaction: %v", err)
	}
	minFee := independentMinFee(t, w, tx)
	if r.Fee < minFee || r.Fee > minFee+FeeMarginBytes*uint64(w.pp.MinFeeA) {
		t.Errorf("fee %d, ledger minimum %d (margin %d)", r.Fee, minFee, FeeMarginBytes*w.pp.MinFeeA)
	}
	if r.MinFee != minFee {
		t.Errorf("builder's minimum fee %d, independent %d", r.MinFee, minFee)
	}
	for _, ru := range r.Redeemers {
		m := ru.Measured
		want := ExUnits{Mem: m.Mem + (m.Mem*5+99)/100, Steps: m.Steps + (m.Steps*5+99)/100}
		if ru.Declared != want || m.Mem == 0 || m.Steps == 0 {
			t.Errorf("redeemer %d: declared %+v, measured %+v (want declared %+v)", ru.Index, ru.Declared, m, want)
		}
	}
	t.Logf("tx %s: %d bytes, fee %d (min %d), ex-units %+v, %d redeemer(s), %d signer(s)", r.TxID, r.Size, r.Fee, minFee, r.ExUnits, len(r.Redeemers), len(r.Signers))
	w.l.apply(t, signed)
	w.txs = append(w.txs, tx)
}

// independentMinFee is the Conway minimum fee: gouroboros' size fee, the
// redeemers' ex-units at the prices, and the tiered reference-script fee.
func independentMinFee(t *testing.T, w *world, tx *conway.ConwayTransaction) uint64 {
	t.Helper()
	sizeFee, err := conway.MinFeeTx(tx, w.pp)
	if err != nil {
		t.Fatal(err)
	}
	var mem, steps int64
	for _, v := range tx.Witnesses().Redeemers().Iter() {
		mem += v.ExUnits.Memory
		steps += v.ExUnits.Steps
	}
	eu := new(big.Rat).Add(
		new(big.Rat).Mul(w.pp.ExecutionCosts.MemPrice.Rat, big.NewRat(mem, 1)),
		new(big.Rat).Mul(w.pp.ExecutionCosts.StepPrice.Rat, big.NewRat(steps, 1)))
	euFee := new(big.Int).Quo(eu.Num(), eu.Denom())
	if new(big.Rat).SetInt(euFee).Cmp(eu) < 0 {
		euFee.Add(euFee, big.NewInt(1))
	}
	var refBytes int64
	for _, in := range append(slices.Clone(tx.Inputs()), tx.ReferenceInputs()...) {
		u, err := w.l.UtxoById(in)
		if err != nil {
			t.Fatal(err)
		}
		if s := u.Output.ScriptRef(); s != nil {
			refBytes += int64(len(s.RawScriptBytes()))
		}
	}
	// Tiers of 25 600 bytes, price ×1.2 per tier, floor at the end.
	price := new(big.Rat).Set(w.pp.MinFeeRefScriptCostPerByte.Rat)
	acc := new(big.Rat)
	for refBytes > 0 {
		n := min(refBytes, 25600)
		acc.Add(acc, new(big.Rat).Mul(price, big.NewRat(n, 1)))
		price.Mul(price, big.NewRat(12, 10))
		refBytes -= n
	}
	refFee := new(big.Int).Quo(acc.Num(), acc.Denom())
	return sizeFee + euFee.Uint64() + refFee.Uint64()
}

func mustMetadatum(t testing.TB, v any) []byte {
	t.Helper()
	b, err := txtest.Metadatum(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Empty governance state: these transactions carry no certificates,
// votes or proposals, but the Conway rules still query it.
func (l *ledger) CommitteeMembers() ([]lcommon.CommitteeMember, error) { return nil, nil }
func (l *ledger) CommitteeMember(lcommon.Blake2b224) (*lcommon.CommitteeMember, error) {
	return nil, nil
}
func (l *ledger) DRepRegistration(lcommon.Blake2b224) (*lcommon.DRepRegistration, error) {
	return nil, nil
}
func (l *ledger) DRepRegistrations() ([]lcommon.DRepRegistration, error) { return nil, nil }
func (l *ledger) GovActionById(lcommon.GovActionId) (*lcommon.GovActionState, error) {
	return nil, nil
}
func (l *ledger) GovActionExists(lcommon.GovActionId) bool { return false }
func (l *ledger) TreasuryValue() (uint64, error)           { return 0, nil }

func lcommonOutput(raw []byte) (lcommon.TransactionOutput, error) {
	return babbage.NewBabbageTransactionOutputFromCbor(raw)
}
