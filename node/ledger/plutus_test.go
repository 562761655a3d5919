package ledger

import (
	"math/big"
	"reflect"
	"testing"

	gledger "github.com/blinklabs-io/gouroboros/ledger"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
)

// marloweFixture is a ledger with a Marlowe contract created on chain:
// When [Notify True → When [Notify True → Close] t Close] t Close, one
// account of 2 ada owned by wallet 1's address.
type marloweFixture struct {
	l        *Ledger
	w        Wallet
	addr     []byte
	contract registry.TxOutRef
	datum    core.MarloweData
	funds    []registry.TxOutRef
}

const marloweDeposit = 2_000_000

func newMarloweFixture(t *testing.T) *marloweFixture {
	t.Helper()
	l := newTestLedger(t, 21)
	w := l.Wallets()[0]
	sem, ok := l.ReferenceScript(registry.RoleSemantics)
	if !ok {
		t.Fatal("no semantics reference script")
	}
	owner := core.AddressPartyOf(core.Address{Payment: core.Credential{Hash: string(w.KeyHash[:])}})
	timeout := big.NewInt(testNow().UnixMilli() + 3_600_000)
	notify := func(then core.Contract) core.Contract {
		return core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: then}}, Timeout: timeout, Continuation: core.Close{}}
	}
	datum := core.MarloweData{
		State: core.State{
			Accounts: []core.AccountEntry{{Account: owner, Token: core.Token{}, Amount: big.NewInt(marloweDeposit)}},
			MinTime:  big.NewInt(0),
		},
		Contract: notify(notify(core.Close{})),
	}
	f := &marloweFixture{l: l, w: w, addr: txtest.EnterpriseScriptAddress(sem.Script.Hash, txtest.Testnet), datum: datum}
	refs := walletRefs(t, l, w)
	create, err := txtest.Create{
		Funding:   refs[:1],
		Contracts: []txtest.MarloweOutput{{Address: f.addr, Datum: datum, Lovelace: marloweDeposit}},
		Other:     []txtest.Output{{Address: w.Address, Lovelace: DefaultLovelace - marloweDeposit - 500_000}},
		Fee:       500_000,
	}.Tx()
	if err != nil {
		t.Fatal(err)
	}
	id, err := l.Submit(signed(t, create, map[uint64][]byte{11: scriptDataHash(t, create, l.pp.CostModels, false)}, w.Key))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if _, err := l.Forge(l.CurrentSlot()); err != nil {
		t.Fatal(err)
	}
	f.contract = registry.TxOutRef{TxID: id, Index: 0}
	f.funds = append(refs[1:], registry.TxOutRef{TxID: id, Index: 1})
	return f
}

// apply builds an apply-inputs transaction on the fixture's contract,
// funded and collateralised by wallet 1, with the given redeemer inputs
// and continuing datum (nil: the contract closes).
func (f *marloweFixture) apply(t *testing.T, inputs []core.Input, next *core.MarloweData, invalid bool) []byte {
	t.Helper()
	l := f.l
	slot := l.CurrentSlot()
	sem, _ := l.ReferenceScript(registry.RoleSemantics)
	fund := f.funds[0]
	fundLovelace := lovelaceOf(t, l, fund)
	const fee = 3_000_000
	a := txtest.Apply{
		Contract:   f.contract,
		SpentDatum: &f.datum,
		Funding:    []registry.TxOutRef{fund},
		Inputs:     inputs,
		ValidFrom:  slot - 10,
		ValidTo:    slot + 100,
		Collateral: []registry.TxOutRef{f.funds[1]},
		ScriptRefs: []registry.TxOutRef{sem.Ref},
		Fee:        fee,
	}
	change := fundLovelace - fee
	if next != nil {
		a.Next = &txtest.MarloweOutput{Address: f.addr, Datum: *next, Lovelace: marloweDeposit}
	} else {
		change += marloweDeposit // the account is paid out to wallet 1
	}
	a.Other = []txtest.Output{{Address: f.w.Address, Lovelace: change}}
	tx, err := a.Tx()
	if err != nil {
		t.Fatal(err)
	}
	tx.Invalid = invalid
	return signed(t, tx, map[uint64][]byte{11: scriptDataHash(t, tx, l.pp.CostModels, true)}, f.w.Key)
}

// step computes the contract's next datum with the reference semantics
// for a transaction at the current slot.
func (f *marloweFixture) step(t *testing.T, inputs []core.Input) *core.MarloweData {
	t.Helper()
	slot := f.l.CurrentSlot()
	from, err := f.l.conv.SlotToPOSIXMillis(slot - 10)
	if err != nil {
		t.Fatal(err)
	}
	to, err := f.l.conv.SlotToPOSIXMillis(slot + 100)
	if err != nil {
		t.Fatal(err)
	}
	out := semantics.ComputeTransaction(core.TransactionInput{
		Interval: core.TimeInterval{From: from, To: new(big.Int).Sub(to, big.NewInt(1))}, Inputs: inputs,
	}, f.datum.State, f.datum.Contract)
	if out.Error != nil {
		t.Fatalf("semantics: %#v", out.Error)
	}
	if _, closed := out.Contract.(core.Close); closed {
		return nil
	}
	return &core.MarloweData{Params: f.datum.Params, State: out.State, Contract: out.Contract}
}

func isScriptFailure(t *testing.T, err error) bool {
	t.Helper()
	r := reasonOf(t, err)
	return len(r) == 1 && reflect.TypeOf(r[0]) == reflect.TypeOf(&gledger.UtxosFailure{})
}

// TestMarloweValidator: apply-inputs transactions spending a contract at
// the real v5 semantics validator through its reference script are
// accepted when the redeemer and continuing datum are right and refused
// with a script failure (phase 2) when not; a transaction flagged
// phase-2 invalid costs only its collateral.
func TestMarloweValidator(t *testing.T) {
	f := newMarloweFixture(t)
	l := f.l
	notify := []core.Input{{Content: core.INotify{}}}
	next := f.step(t, notify)
	if next == nil {
		t.Fatal("the first notify closed the contract")
	}

	// No inputs: a useless transaction for the validator.
	_, err := l.Submit(f.apply(t, nil, next, false))
	if err == nil || !isScriptFailure(t, err) {
		t.Fatalf("wrong redeemer: %v", err)
	}
	// A continuing datum that is not the semantics' result.
	wrong := *next
	wrong.Contract = f.datum.Contract
	if _, err := l.Submit(f.apply(t, notify, &wrong, false)); err == nil || !isScriptFailure(t, err) {
		t.Fatalf("wrong continuing datum: %v", err)
	}
	// Flagging a good transaction invalid is refused.
	if _, err := l.Submit(f.apply(t, notify, next, true)); err == nil {
		t.Fatal("a valid transaction flagged invalid was accepted")
	}
	if l.Queued() != 0 {
		t.Fatal("a refused transaction was queued")
	}

	// The right transaction.
	id, err := l.Submit(f.apply(t, notify, next, false))
	if err != nil {
		t.Fatalf("apply notify: %v", err)
	}
	if _, err := l.Forge(l.CurrentSlot()); err != nil {
		t.Fatal(err)
	}
	if _, ok := l.UTxO(f.contract); ok {
		t.Fatal("contract output not spent")
	}
	f.contract, f.datum = registry.TxOutRef{TxID: id, Index: 0}, *next
	f.funds[0] = registry.TxOutRef{TxID: id, Index: 1}
	if got := l.UTxOsAt(f.addr); len(got) != 1 || got[0].Ref != f.contract {
		t.Fatalf("contract outputs %v", got)
	}

	// Phase-2 invalid on purpose: only the collateral moves.
	before := lovelaceOf(t, l, f.funds[1])
	blkInvalid := f.apply(t, nil, nil, true)
	if _, err := l.Submit(blkInvalid); err != nil {
		t.Fatalf("flagged-invalid failing transaction: %v", err)
	}
	blk, err := l.Forge(l.CurrentSlot())
	if err != nil {
		t.Fatal(err)
	}
	dec, err := blk.Decode()
	if err != nil || len(dec.Transactions()) != 1 || dec.Transactions()[0].IsValid() {
		t.Fatalf("invalid transaction not forged as invalid (%v)", err)
	}
	if _, ok := l.UTxO(f.funds[1]); ok || before == 0 {
		t.Fatal("collateral not taken")
	}
	if _, ok := l.UTxO(f.contract); !ok {
		t.Fatal("the invalid transaction spent the contract")
	}
	if _, ok := l.UTxO(f.funds[0]); !ok {
		t.Fatal("the invalid transaction spent its regular input")
	}
	f.funds = append(f.funds[:1], f.funds[2:]...)

	// Close: the account is paid to wallet 1.
	if f.step(t, notify) != nil {
		t.Fatal("the second notify did not close")
	}
	if _, err := l.Submit(f.apply(t, notify, nil, false)); err != nil {
		t.Fatalf("apply close: %v", err)
	}
	if _, err := l.Forge(l.CurrentSlot()); err != nil {
		t.Fatal(err)
	}
	if got := l.UTxOsAt(f.addr); len(got) != 0 {
		t.Fatalf("contract still open: %v", got)
	}
}
