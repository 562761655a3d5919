package txbuild

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/common/script"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/validator"
)

// maxIterations bounds the fee / ex-units fixed point; after
// monotoneAfter iterations the fee only grows, which guarantees
// termination.
const (
	maxIterations = 24
	monotoneAfter = 12
)

// minEvalBudget is the smallest budget validators are measured with
// (mainnet's maxTxExUnits).
var minEvalBudget = ExUnits{Mem: 14_000_000, Steps: 10_000_000_000}

// scriptSpend is a Plutus-locked input and how to unlock it.
type scriptSpend struct {
	script   *validator.Script
	redeemer []byte
}

// draft is a transaction an operation has laid down, before balancing.
type draft struct {
	inputs     []UTxO
	spends     map[registry.TxOutRef]scriptSpend
	refInputs  []UTxO
	outputs    []TxOut
	fixedValue []bool // output i must not be topped up
	datums     [][]byte
	mint       Value // positive part
	burn       Value // negative part, as positive quantities
	nativeScr  [][]byte
	signers    [][28]byte // required signers (body field 14)
	witnessKey [][28]byte // keys that sign without being required signers
	validFrom  *uint64
	ttl        *uint64
	metadata   []txtest.Label
}

func (d *draft) addInput(u UTxO) {
	for _, in := range d.inputs {
		if in.Ref == u.Ref {
			return
		}
	}
	d.inputs = append(d.inputs, u)
}

func (d *draft) addRefInput(u UTxO) {
	for _, in := range d.refInputs {
		if in.Ref == u.Ref {
			return
		}
	}
	d.refInputs = append(d.refInputs, u)
}

func (d *draft) addDatum(raw []byte) {
	h := core.DatumHash(raw)
	for _, x := range d.datums {
		if core.DatumHash(x) == h {
			return
		}
	}
	d.datums = append(d.datums, raw)
}

func (d *draft) addOutput(o TxOut, fixed bool) {
	d.outputs = append(d.outputs, o)
	d.fixedValue = append(d.fixedValue, fixed)
}

func (d *draft) addSigner(k [28]byte) {
	if !slices.Contains(d.signers, k) {
		d.signers = append(d.signers, k)
	}
}

// keyHashOf returns the payment key hash of a Shelley key-payment address.
func keyHashOf(addr []byte) ([28]byte, bool) {
	var k [28]byte
	if len(addr) < 29 {
		return k, false
	}
	typ := addr[0] >> 4
	if typ > 7 || typ&1 != 0 {
		return k, false
	}
	copy(k[:], addr[1:29])
	return k, true
}

// refScriptUTxO finds the reference-script UTxO carrying script h and
// decodes the script.
func refScriptUTxO(env Env, h registry.ScriptHash) (UTxO, *validator.Script, error) {
	for _, u := range env.ScriptRefs {
		if len(u.Out.ScriptRef) == 0 || registry.HashPlutusV2(u.Out.ScriptRef) != h {
			continue
		}
		s, err := validator.NewScript(u.Out.ScriptRef)
		if err != nil {
			return UTxO{}, nil, fmt.Errorf("reference script %s at %s: %w", h, u.Ref, err)
		}
		return u, s, nil
	}
	return UTxO{}, nil, &ScriptNotPublishedError{Hash: h}
}

func sortRefs(rs []registry.TxOutRef) {
	slices.SortFunc(rs, func(a, b registry.TxOutRef) int {
		if c := bytes.Compare(a.TxID[:], b.TxID[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.Index, b.Index)
	})
}

// candidates are the wallet outputs coin selection may add: key-address
// outputs without reference scripts that the draft does not spend yet, in
// a deterministic order (by reference).
func candidates(env Env, d *draft) []UTxO {
	var out []UTxO
	for _, u := range env.Wallet.UTxOs {
		if _, ok := keyHashOf(u.Out.Address); !ok || len(u.Out.ScriptRef) > 0 {
			continue
		}
		if slices.ContainsFunc(d.inputs, func(x UTxO) bool { return x.Ref == u.Ref }) {
			continue
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b UTxO) int {
		if c := bytes.Compare(a.Ref.TxID[:], b.Ref.TxID[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.Ref.Index, b.Ref.Index)
	})
	return out
}

// pick chooses the next wallet output for a deficit: for a token deficit
// the output holding most of the first missing token (canonical order);
// otherwise the one with most lovelace. Ties go to the lower reference.
func pick(pool []UTxO, used map[registry.TxOutRef]bool, deficit Value) (UTxO, bool) {
	best := -1
	if ids := deficit.AssetIDs(); len(ids) > 0 {
		for _, id := range ids {
			for i, u := range pool {
				if used[u.Ref] || u.Out.Value.Assets[id] == 0 {
					continue
				}
				if best < 0 || u.Out.Value.Assets[id] > pool[best].Out.Value.Assets[id] {
					best = i
				}
			}
			if best >= 0 {
				return pool[best], true
			}
		}
		return UTxO{}, false
	}
	for i, u := range pool {
		if used[u.Ref] {
			continue
		}
		if best < 0 || u.Out.Value.Lovelace > pool[best].Out.Value.Lovelace {
			best = i
		}
	}
	if best < 0 {
		return UTxO{}, false
	}
	return pool[best], true
}

func sumValues(us []UTxO) (Value, error) {
	var v Value
	var err error
	for _, u := range us {
		if v, err = v.add(u.Out.Value); err != nil {
			return Value{}, err
		}
	}
	return v, nil
}

// chooseCollateral returns the smallest pure-ada key-address wallet output
// (restricted to Wallet.Collateral when given) of at least required.
func chooseCollateral(env Env, required uint64) (UTxO, error) {
	var cands []registry.TxOutRef
	var best *UTxO
	for i, u := range env.Wallet.UTxOs {
		if len(env.Wallet.Collateral) > 0 && !slices.Contains(env.Wallet.Collateral, u.Ref) {
			continue
		}
		cands = append(cands, u.Ref)
		if _, ok := keyHashOf(u.Out.Address); !ok || u.Out.Value.HasAssets() || len(u.Out.ScriptRef) > 0 {
			continue
		}
		if u.Out.Value.Lovelace < required {
			continue
		}
		if best == nil || u.Out.Value.Lovelace < best.Out.Value.Lovelace {
			best = &env.Wallet.UTxOs[i]
		}
	}
	if best == nil {
		sortRefs(cands)
		return UTxO{}, &NoCollateralError{Required: required, Candidates: cands}
	}
	return *best, nil
}

// state of one balancing iteration.
type attempt struct {
	tx         *txtest.Tx
	signers    [][28]byte
	size       uint64 // of the transaction with placeholder signatures
	minFee     uint64
	collateral []UTxO
}

// finish balances, measures and encodes the draft.
func finish(env Env, d *draft) (*Result, error) {
	p := env.Params
	if err := env.check(); err != nil {
		return nil, err
	}
	cm, err := validator.NewCostModel(p.CostModelV2)
	if err != nil {
		return nil, fmt.Errorf("protocol parameters: %w", err)
	}
	for i := range d.outputs {
		if d.fixedValue[i] {
			m, err := MinUTxO(p, d.outputs[i])
			if err != nil {
				return nil, err
			}
			if d.outputs[i].Value.Lovelace < m {
				return nil, &MinUTxOError{Have: d.outputs[i].Value.Lovelace, Need: m}
			}
			continue
		}
		if err := topUp(p, &d.outputs[i]); err != nil {
			return nil, err
		}
	}
	fixedIn, err := sumValues(d.inputs)
	if err != nil {
		return nil, err
	}
	if fixedIn, err = fixedIn.add(d.mint); err != nil {
		return nil, err
	}
	var outSum Value
	for _, o := range d.outputs {
		if outSum, err = outSum.add(o.Value); err != nil {
			return nil, err
		}
	}
	if outSum, err = outSum.add(d.burn); err != nil {
		return nil, err
	}
	for _, v := range []Value{d.mint, d.burn} {
		for id, q := range v.Assets {
			if q > math.MaxInt64 {
				return nil, fmt.Errorf("mint quantity of %x.%x out of range", id.Policy, id.Name)
			}
		}
	}
	pool := candidates(env, d)
	used := map[registry.TxOutRef]bool{}
	var selected []UTxO

	var refScriptBytes uint64
	for _, u := range append(slices.Clone(d.inputs), d.refInputs...) {
		refScriptBytes += uint64(len(u.Out.ScriptRef))
	}
	refFee := RefScriptFee(p, refScriptBytes)

	var fee uint64
	measured := map[registry.TxOutRef]ExUnits{}
	for iter := 0; iter < maxIterations; iter++ {
		// Select until inputs cover outputs + fee with a change output
		// that meets its own min-UTxO.
		var change Value
		for {
			have, err := sumValues(selected)
			if err != nil {
				return nil, err
			}
			if have, err = have.add(fixedIn); err != nil {
				return nil, err
			}
			need, err := outSum.add(Value{Lovelace: fee})
			if err != nil {
				return nil, err
			}
			rest, deficit := have.sub(need)
			if deficit.isZero() {
				m := uint64(0)
				if !rest.isZero() {
					if m, err = MinUTxO(p, TxOut{Address: env.Wallet.ChangeAddress, Value: rest}); err != nil {
						return nil, err
					}
				}
				if rest.Lovelace >= m {
					change = rest
					break
				}
				deficit = Value{Lovelace: m - rest.Lovelace}
			}
			u, ok := pick(pool, used, deficit)
			if !ok {
				return nil, insufficient(env, fixedIn, need, deficit)
			}
			used[u.Ref] = true
			selected = append(selected, u)
		}
		at, err := assemble(env, d, selected, change, fee, measured)
		if err != nil {
			return nil, err
		}
		at.minFee += refFee
		var newMeasured map[registry.TxOutRef]ExUnits
		if len(d.spends) > 0 {
			if newMeasured, err = measure(env, d, at, cm); err != nil {
				return nil, err
			}
		}
		stable := len(newMeasured) == len(measured)
		for k, v := range newMeasured {
			if measured[k] != v {
				stable = false
			}
		}
		if stable && fee >= at.minFee && (fee-at.minFee <= FeeMarginBytes*p.MinFeeA || iter >= monotoneAfter) {
			return result(env, d, at, fee, measured)
		}
		measured = newMeasured
		if iter >= monotoneAfter {
			fee = max(fee, at.minFee)
		} else {
			fee = at.minFee
		}
	}
	return nil, errors.New("balancing did not converge")
}

func insufficient(env Env, fixedIn, need, deficit Value) error {
	avail, _ := sumValues(env.Wallet.UTxOs)
	avail, _ = avail.add(fixedIn)
	e := &InsufficientFundsError{
		Required:  new(big.Int).SetUint64(need.Lovelace),
		Available: new(big.Int).SetUint64(avail.Lovelace),
	}
	if len(deficit.Assets) > 0 {
		e.Tokens = deficit.Clone().Assets
	} else if need.Lovelace < avail.Lovelace {
		// Enough lovelace in total, but not with a change output that
		// meets its min-UTxO.
		e.Required.Add(e.Required, new(big.Int).SetUint64(deficit.Lovelace))
	}
	return e
}

// assemble encodes the draft with the given selection, change, fee and
// ex-units, and computes its ledger minimum fee (without the
// reference-script part).
func assemble(env Env, d *draft, selected []UTxO, change Value, fee uint64, measured map[registry.TxOutRef]ExUnits) (*attempt, error) {
	p := env.Params
	all := append(slices.Clone(d.inputs), selected...)
	ins := make([]registry.TxOutRef, 0, len(all))
	for _, u := range all {
		ins = append(ins, u.Ref)
	}
	sortRefs(ins)
	t := &txtest.Tx{Inputs: ins, Fee: fee, TTL: d.ttl, ValidFrom: d.validFrom, Metadata: d.metadata, SetTags: true}
	for _, o := range d.outputs {
		t.Outputs = append(t.Outputs, o.txtest())
	}
	if !change.isZero() {
		t.Outputs = append(t.Outputs, TxOut{Address: env.Wallet.ChangeAddress, Value: change}.txtest())
	}
	for _, r := range d.refInputs {
		t.ReferenceInputs = append(t.ReferenceInputs, r.Ref)
	}
	sortRefs(t.ReferenceInputs)
	for _, id := range d.mint.AssetIDs() {
		t.Mint = append(t.Mint, txtest.MintAsset{Policy: id.Policy, Name: []byte(id.Name), Quantity: int64(d.mint.Assets[id])})
	}
	for _, id := range d.burn.AssetIDs() {
		t.Mint = append(t.Mint, txtest.MintAsset{Policy: id.Policy, Name: []byte(id.Name), Quantity: -int64(d.burn.Assets[id])})
	}
	t.NativeScripts = d.nativeScr
	t.Datums = d.datums
	t.RequiredSigners = slices.Clone(d.signers)
	slices.SortFunc(t.RequiredSigners, func(a, b [28]byte) int { return bytes.Compare(a[:], b[:]) })

	at := &attempt{tx: t}
	if len(d.spends) > 0 {
		var total ExUnits
		for ref, sp := range d.spends {
			eu := withMargin(measured[ref])
			total.Mem += eu.Mem
			total.Steps += eu.Steps
			t.Redeemers = append(t.Redeemers, txtest.Redeemer{
				Tag: lcommon.RedeemerTagSpend, Index: txtest.SortedIndex(ins, ref),
				Data: sp.redeemer, Mem: uint64(eu.Mem), Steps: uint64(eu.Steps),
			})
		}
		at.minFee += ExUnitsFee(p, total)
		req := (new(big.Int).Mul(new(big.Int).SetUint64(fee), new(big.Int).SetUint64(p.CollateralPercentage)))
		req.Add(req, big.NewInt(99)).Quo(req, big.NewInt(100))
		c, err := chooseCollateral(env, req.Uint64())
		switch {
		case err == nil:
			at.collateral = []UTxO{c}
			t.Collateral = []registry.TxOutRef{c.Ref}
		case fee > 0:
			return nil, err
		}
		// With no fee yet (the first iteration) a missing collateral is
		// reported once the fee, and so the requirement, is known.
	}
	if len(t.Redeemers) > 0 || len(t.Datums) > 0 {
		h, err := scriptDataHash(env, d, t)
		if err != nil {
			return nil, err
		}
		t.ScriptDataHash = h
	}

	// Every key that must sign: key-address spent inputs, collateral,
	// required signers and native-script keys.
	keys := slices.Clone(d.signers)
	keys = append(keys, d.witnessKey...)
	for _, u := range append(all, at.collateral...) {
		if k, ok := keyHashOf(u.Out.Address); ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b [28]byte) int { return bytes.Compare(a[:], b[:]) })
	at.signers = slices.Compact(keys)

	signed := *t
	signed.VKeyWitnesses = make([]txtest.VKeyWitness, len(at.signers))
	raw, err := signed.CBOR()
	if err != nil {
		return nil, fmt.Errorf("encode transaction: %w", err)
	}
	at.size = uint64(len(raw))
	// The fee covers the transaction without its is_valid byte.
	at.minFee += SizeFee(p, at.size-1)
	return at, nil
}

// scriptDataHash is blake2b-256(redeemers ‖ datums ‖ language views), the
// language views covering the Plutus versions of the reference scripts the
// transaction spends or references (only V2 is ever used here).
func scriptDataHash(env Env, d *draft, t *txtest.Tx) ([]byte, error) {
	rs, err := t.RedeemersCBOR()
	if err != nil {
		return nil, err
	}
	if rs == nil {
		rs = []byte{0xa0} // Conway: empty redeemer map
	}
	used := map[uint]struct{}{}
	for _, u := range append(slices.Clone(d.inputs), d.refInputs...) {
		if len(u.Out.ScriptRef) > 0 {
			used[1] = struct{}{}
		}
	}
	views, err := lcommon.EncodeLangViews(used, map[uint][]int64{1: env.Params.CostModelV2})
	if err != nil {
		return nil, fmt.Errorf("language views: %w", err)
	}
	buf := append(slices.Clone(rs), t.DatumsCBOR()...)
	buf = append(buf, views...)
	h := blake2b.Sum256(buf)
	return h[:], nil
}

// resolver resolves the transaction's inputs for script contexts.
func resolve(env Env, d *draft, in lcommon.TransactionInput, selectedPool []UTxO) (lcommon.Utxo, error) {
	ref := registry.TxOutRef{TxID: registry.TxID(in.Id()), Index: in.Index()}
	find := func(us []UTxO) (UTxO, bool) {
		for _, u := range us {
			if u.Ref == ref {
				return u, true
			}
		}
		return UTxO{}, false
	}
	u, ok := find(d.inputs)
	if !ok {
		if u, ok = find(d.refInputs); !ok {
			u, ok = find(selectedPool)
		}
	}
	if !ok {
		return lcommon.Utxo{}, fmt.Errorf("input %s is unknown", ref)
	}
	raw, err := u.cbor()
	if err != nil {
		return lcommon.Utxo{}, err
	}
	o, err := babbage.NewBabbageTransactionOutputFromCbor(raw)
	if err != nil {
		return lcommon.Utxo{}, fmt.Errorf("decode input %s: %w", ref, err)
	}
	return lcommon.Utxo{Id: in, Output: o}, nil
}

// measure runs every Plutus validator of the attempt on its own script
// context and returns the units each consumed.
func measure(env Env, d *draft, at *attempt, cm validator.CostModel) (map[registry.TxOutRef]ExUnits, error) {
	raw, err := at.tx.CBOR()
	if err != nil {
		return nil, fmt.Errorf("encode transaction: %w", err)
	}
	tx, err := conway.NewConwayTransactionFromCbor(raw)
	if err != nil {
		return nil, fmt.Errorf("decode built transaction: %w", err)
	}
	pool := env.Wallet.UTxOs
	var resolved []lcommon.Utxo
	byRef := map[string]lcommon.Utxo{}
	for _, in := range append(slices.Clone(tx.Inputs()), tx.ReferenceInputs()...) {
		u, err := resolve(env, d, in, pool)
		if err != nil {
			return nil, err
		}
		resolved = append(resolved, u)
		byRef[in.String()] = u
	}
	info, err := script.NewTxInfoV2FromTransaction(env.Time, tx, resolved)
	if err != nil {
		return nil, fmt.Errorf("script context: %w", err)
	}
	mint := lcommon.MultiAsset[lcommon.MultiAssetTypeMint]{}
	if m := tx.AssetMint(); m != nil {
		mint = *m
	}
	sorted := script.SortInputs(tx.Inputs())
	wd := map[lcommon.Blake2b256]*lcommon.Datum{}
	for _, dt := range tx.Witnesses().PlutusData() {
		wd[dt.Hash()] = &dt
	}
	out := map[registry.TxOutRef]ExUnits{}
	// Measure with at least mainnet's per-transaction budget even when the
	// parameters allow less, so that an over-limit transaction is reported
	// as LimitExceededError rather than as a script failure.
	budget := validator.ExUnits{
		Mem:   max(env.Params.MaxTxExUnits.Mem, minEvalBudget.Mem),
		Steps: max(env.Params.MaxTxExUnits.Steps, minEvalBudget.Steps),
	}
	for k, v := range tx.Witnesses().Redeemers().Iter() {
		purpose, err := script.BuildScriptPurpose(k, byRef, sorted, mint, nil, nil, nil, nil, wd)
		if err != nil {
			return nil, fmt.Errorf("redeemer %d/%d: %w", k.Tag, k.Index, err)
		}
		sp, ok := purpose.(script.ScriptPurposeSpending)
		if !ok {
			return nil, fmt.Errorf("redeemer %d/%d: not a spending purpose", k.Tag, k.Index)
		}
		ref := registry.TxOutRef{TxID: registry.TxID(sp.Input.Id.Id()), Index: sp.Input.Id.Index()}
		spend, ok := d.spends[ref]
		if !ok {
			return nil, fmt.Errorf("redeemer for %s: no script spend", ref)
		}
		if sp.Datum == nil {
			return nil, fmt.Errorf("script input %s: datum not found", ref)
		}
		ctx := script.NewScriptContextV1V2(info, purpose).ToPlutusData()
		res := spend.script.EvaluateSpend(sp.Datum, v.Data.Data, ctx, budget, cm, env.Params.ProtocolMajor)
		if res.Err != nil {
			return nil, &ScriptFailedError{Script: spend.script.Hash(), Logs: res.Logs, Err: res.Err}
		}
		out[ref] = ExUnits{Mem: res.Used.Mem, Steps: res.Used.Steps}
	}
	return out, nil
}

func result(env Env, d *draft, at *attempt, fee uint64, measured map[registry.TxOutRef]ExUnits) (*Result, error) {
	p := env.Params
	if at.size > p.MaxTxSize {
		return nil, &LimitExceededError{Kind: LimitTxSize, Size: at.size, MaxSize: p.MaxTxSize}
	}
	raw, err := at.tx.CBOR()
	if err != nil {
		return nil, fmt.Errorf("encode transaction: %w", err)
	}
	id, err := at.tx.ID()
	if err != nil {
		return nil, fmt.Errorf("transaction id: %w", err)
	}
	r := &Result{
		CBOR: raw, TxID: id, Fee: fee, MinFee: at.minFee, Signers: at.signers, Size: at.size,
		ValidFrom: d.validFrom, ValidTo: d.ttl,
	}
	for _, c := range at.collateral {
		r.Collateral = append(r.Collateral, c.Ref)
	}
	if len(d.metadata) > 0 {
		r.Metadata = make(map[uint64][]byte, len(d.metadata))
		for _, l := range d.metadata {
			r.Metadata[l.Label] = l.Value
		}
	}
	for _, rd := range at.tx.Redeemers {
		var ref registry.TxOutRef
		for k := range d.spends {
			if txtest.SortedIndex(at.tx.Inputs, k) == rd.Index {
				ref = k
			}
		}
		ru := RedeemerUnits{
			Purpose: "spend", Index: rd.Index, Script: d.spends[ref].script.Hash(),
			Measured: measured[ref], Declared: ExUnits{Mem: int64(rd.Mem), Steps: int64(rd.Steps)},
		}
		r.Redeemers = append(r.Redeemers, ru)
		r.ExUnits.Mem += ru.Declared.Mem
		r.ExUnits.Steps += ru.Declared.Steps
	}
	slices.SortFunc(r.Redeemers, func(a, b RedeemerUnits) int { return cmp.Compare(a.Index, b.Index) })
	if r.ExUnits.Mem > p.MaxTxExUnits.Mem || r.ExUnits.Steps > p.MaxTxExUnits.Steps {
		return nil, &LimitExceededError{Kind: LimitExUnits, ExUnits: r.ExUnits, MaxExUnits: p.MaxTxExUnits}
	}
	return r, nil
}
