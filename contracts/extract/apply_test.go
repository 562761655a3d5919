package extract

import (
	"math/big"
	"testing"

	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// lifecycle is a created contract in a chain, ready for steps.
type lifecycle struct {
	c       *chain
	v       registry.Version
	addr    []byte
	payout  []byte
	id      TxOutRef
	current TxOutRef
	datum   core.MarloweData
	funding int
}

func newLifecycle(t testing.TB, c *chain, v registry.Version, addr []byte, funding int) *lifecycle {
	t.Helper()
	d := initialDatum(t, twoRoleContract())
	tx := mustBuild(t, txtest.Create{
		Funding:   []TxOutRef{fundingRef(funding)},
		Contracts: []txtest.MarloweOutput{{Address: addr, Datum: d, Lovelace: lovelaceOf(d)}},
	})
	ev := c.run(tx)
	if len(ev.Created) != 1 {
		t.Fatalf("create: %+v", ev)
	}
	id := ev.Created[0].ContractID
	return &lifecycle{c: c, v: v, addr: addr, payout: payoutAddr(t, v), id: id, current: id, datum: d, funding: funding + 1}
}

// deposit applies B's deposit: the contract continues.
func (l *lifecycle) deposit(t testing.TB) (*txtest.Tx, []core.Input) {
	t.Helper()
	inputs := []core.Input{{Content: core.IDeposit{Into: roleParty("B"), From: roleParty("B"), Token: core.Ada, Amount: ada(10_000_000)}}}
	next, payouts := step(t, l.datum, inputs, 0, 999_999, l.payout)
	if next == nil || len(payouts) != 0 {
		t.Fatalf("deposit step: next %v payouts %d", next, len(payouts))
	}
	d := l.datum
	tx := mustBuild(t, txtest.Apply{
		Contract: l.current, SpentDatum: &d, Funding: []TxOutRef{fundingRef(l.funding)},
		Inputs: inputs, ValidFrom: 100, ValidTo: 200,
		Next:  &txtest.MarloweOutput{Address: l.addr, Datum: *next, Lovelace: lovelaceOf(*next)},
		Other: []txtest.Output{{Address: walletAddr(), Lovelace: 3_000_000}},
	})
	l.funding++
	l.datum = *next
	l.current = TxOutRef{TxID: mustID(t, tx), Index: 0}
	return tx, inputs
}

// notify closes the contract, paying A and B to the payout validator.
func (l *lifecycle) notify(t testing.TB) (*txtest.Tx, []txtest.PayoutOutput) {
	t.Helper()
	inputs := []core.Input{{Content: core.INotify{}}}
	next, payouts := step(t, l.datum, inputs, 0, 999_999, l.payout)
	if next != nil || len(payouts) != 2 {
		t.Fatalf("notify step: next %v payouts %d", next, len(payouts))
	}
	d := l.datum
	tx := mustBuild(t, txtest.Apply{
		Contract: l.current, SpentDatum: &d, Funding: []TxOutRef{fundingRef(l.funding)},
		Inputs: inputs, ValidFrom: 300, ValidTo: 400, Payouts: payouts,
	})
	l.funding++
	return tx, payouts
}

// TestLifecycleEveryVersion: create, deposit (continuing output), notify
// (close with two role payouts), withdraw one payout, for each version at a
// key-staked address. Checks every field the index relies on.
func TestLifecycleEveryVersion(t *testing.T) {
	for _, v := range registry.Versions() {
		t.Run(v.String(), func(t *testing.T) {
			set := scriptSetOf(t, v)
			addr := txtest.StakedScriptAddress(set.Semantics.Hash, keyHash(5), false, txtest.Mainnet)
			c := newChain(t)
			l := newLifecycle(t, c, v, addr, 10)

			before := l.datum
			tx, inputs := l.deposit(t)
			ev := c.run(tx)
			a := ev.Applied
			if a == nil || ev.ApplyRejected != nil || len(ev.Created) != 0 {
				t.Fatalf("deposit: %+v", ev)
			}
			if a.ContractID != l.id || a.Input.Ref != l.id || a.TxID != mustID(t, tx) || a.Closed() {
				t.Errorf("deposit: contract %s input %s closed %v", a.ContractID, a.Input.Ref, a.Closed())
			}
			if a.ValidFrom != 100 || a.ValidTo != 200 {
				t.Errorf("validity %d..%d", a.ValidFrom, a.ValidTo)
			}
			if !equalData(t, core.Redeemer(a.Inputs), core.Redeemer(inputs)) || !sameBytes(a.Redeemer, mustEncode(t, core.Redeemer(inputs))) {
				t.Error("inputs differ")
			}
			if a.Output.Ref != l.current || !sameBytes(a.Output.Address, addr) || !equalData(t, *a.Datum, l.datum) || equalData(t, *a.Datum, before) {
				t.Errorf("continuing output %s", a.Output.Ref)
			}
			if a.Output.Lovelace.Uint64() != 12_000_000 || len(a.Payouts) != 0 {
				t.Errorf("continuing value %s, payouts %d", a.Output.Lovelace, len(a.Payouts))
			}
			if _, ok := lookup(t, c.utxo, l.id); ok {
				t.Error("spent contract output still tracked")
			}
			if e, ok := lookup(t, c.utxo, l.current); !ok || e.Kind != EntryContract || e.ContractID != l.id || !sameBytes(e.Address, addr) {
				t.Errorf("continuing entry %+v", e)
			}

			tx, payouts := l.notify(t)
			ev = c.run(tx)
			a = ev.Applied
			if a == nil || !a.Closed() || a.Datum != nil {
				t.Fatalf("notify: %+v", ev)
			}
			if len(a.Payouts) != 2 {
				t.Fatalf("%d payouts", len(a.Payouts))
			}
			for i, p := range a.Payouts {
				if p.Datum != payouts[i].Datum || p.Output.Lovelace.Uint64() != payouts[i].Lovelace || !sameBytes(p.Output.Address, l.payout) {
					t.Errorf("payout %d: %+v", i, p)
				}
				e, ok := lookup(t, c.utxo, p.Output.Ref)
				if !ok || e.Kind != EntryPayout || e.ContractID != l.id || e.Role != p.Datum || e.ScriptHash != set.Payout.Hash {
					t.Errorf("payout entry %d: %+v", i, e)
				}
			}
			if _, ok := lookup(t, c.utxo, l.current); ok {
				t.Error("closed contract still tracked")
			}

			w := mustBuild(t, txtest.Withdraw{
				Payouts: []TxOutRef{a.Payouts[0].Output.Ref}, Datums: []core.PayoutDatum{a.Payouts[0].Datum},
				Funding: []TxOutRef{fundingRef(99)},
			})
			ev = c.run(w)
			if ev.Withdrawn == nil || len(ev.Withdrawn.Contracts) != 1 || ev.Applied != nil {
				t.Fatalf("withdraw: %+v", ev)
			}
			cw := ev.Withdrawn.Contracts[0]
			if cw.ContractID != l.id || len(cw.Payouts) != 1 || cw.Payouts[0].Ref != a.Payouts[0].Output.Ref || cw.Payouts[0].Role.Role != "A" {
				t.Errorf("withdrawal %+v", cw)
			}
			if _, ok := lookup(t, c.utxo, a.Payouts[0].Output.Ref); ok {
				t.Error("withdrawn payout still tracked")
			}
			if _, ok := lookup(t, c.utxo, a.Payouts[1].Output.Ref); !ok {
				t.Error("other payout lost")
			}
		})
	}
}

// TestWithdrawTwoContracts: one transaction spending payouts of two
// contracts (two of one, one of the other) yields one Withdrawn grouped by
// contract in ContractID order.
func TestWithdrawTwoContracts(t *testing.T) {
	c := newChain(t)
	var all []Payout
	for i, v := range []registry.Version{registry.V5, registry.V3} {
		l := newLifecycle(t, c, v, semanticsAddr(t, v), 100*(i+1))
		tx, _ := l.deposit(t)
		c.run(tx)
		tx, _ = l.notify(t)
		ev := c.run(tx)
		if ev.Applied == nil || len(ev.Applied.Payouts) != 2 {
			t.Fatalf("close %s: %+v", v, ev)
		}
		all = append(all, ev.Applied.Payouts...)
	}
	spent := []Payout{all[0], all[1], all[3]}
	var refs []TxOutRef
	var datums []core.PayoutDatum
	for _, p := range spent {
		refs = append(refs, p.Output.Ref)
		datums = append(datums, p.Datum)
	}
	ev := c.run(mustBuild(t, txtest.Withdraw{Payouts: refs, Datums: datums, Funding: []TxOutRef{fundingRef(7)}}))
	w := ev.Withdrawn
	if w == nil || len(w.Contracts) != 2 {
		t.Fatalf("withdrawn %+v", w)
	}
	if registry.CompareTxOutRef(w.Contracts[0].ContractID, w.Contracts[1].ContractID) >= 0 {
		t.Error("contracts not in ContractID order")
	}
	total := 0
	for _, cw := range w.Contracts {
		for i, p := range cw.Payouts {
			total++
			if i > 0 && registry.CompareTxOutRef(cw.Payouts[i-1].Ref, p.Ref) >= 0 {
				t.Error("payouts not in TxOutRef order")
			}
		}
	}
	if total != 3 {
		t.Errorf("%d payouts withdrawn, want 3", total)
	}
	if _, ok := lookup(t, c.utxo, all[2].Output.Ref); !ok {
		t.Error("unspent payout lost")
	}
}

// TestMerkleizedInput: a deep-merkleized contract advances with a
// merkleized input whose continuation travels in an output carrying its
// hash (the Runtime's shape): the event's input carries the continuation.
// With the continuation only in the witness set the Runtime reports
// InvalidRedeemer and so does the extractor; the contract output leaves the
// tracked set either way.
func TestMerkleizedInput(t *testing.T) {
	root, conts, err := core.Merkleize(twoRoleContract())
	if err != nil {
		t.Fatal(err)
	}
	when := root.(core.When)
	if !when.Cases[0].Merkleized || len(conts) == 0 {
		t.Fatal("contract not merkleized")
	}
	h := when.Cases[0].Hash
	cont := conts[hexOf(h)]
	if cont == nil {
		t.Fatal("continuation missing from Merkleize's map")
	}
	input := core.Input{
		Content:    core.IDeposit{Into: roleParty("B"), From: roleParty("B"), Token: core.Ada, Amount: ada(10_000_000)},
		Merkleized: true, Hash: h, Continuation: cont,
	}
	for _, inOutput := range []bool{true, false} {
		c := newChain(t)
		v := registry.V5
		l := newLifecycle(t, c, v, semanticsAddr(t, v), 1)
		// Replace the created contract with the merkleized one.
		d := initialDatum(t, root)
		ev := c.run(mustBuild(t, txtest.Create{
			Funding:   []TxOutRef{fundingRef(500)},
			Contracts: []txtest.MarloweOutput{{Address: l.addr, Datum: d, Lovelace: lovelaceOf(d)}},
		}))
		id := ev.Created[0].ContractID
		next, _ := step(t, d, []core.Input{input}, 0, 999_999, l.payout)
		spec := txtest.Apply{
			Contract: id, SpentDatum: &d, Funding: []TxOutRef{fundingRef(501)},
			Inputs: []core.Input{input}, ValidFrom: 1, ValidTo: 2,
			Next:                &txtest.MarloweOutput{Address: l.addr, Datum: *next, Lovelace: lovelaceOf(*next)},
			ContinuationAddress: walletAddr(),
		}
		tx := mustBuild(t, spec)
		if !inOutput {
			// Keep the continuation datum in the witness set but drop
			// its output.
			tx.Outputs = tx.Outputs[:1]
		}
		ev = c.run(tx)
		if inOutput {
			a := ev.Applied
			if a == nil || len(a.Inputs) != 1 || !a.Inputs[0].Merkleized || a.Inputs[0].Continuation == nil {
				t.Fatalf("merkleized apply: %+v %+v", ev.Applied, ev.ApplyRejected)
			}
			if !equalData(t, a.Inputs[0].Continuation, cont) || !equalData(t, *a.Datum, *next) {
				t.Error("continuation or next datum differs")
			}
			if len(ev.Foreign) != 0 {
				t.Errorf("continuation output misread as foreign: %+v", ev.Foreign)
			}
		} else {
			r := ev.ApplyRejected
			if ev.Applied != nil || r == nil || r.Reason != InvalidRedeemer || r.Consumed[0] != id || r.ContractIDs[0] != id {
				t.Fatalf("missing continuation: %+v %+v", ev.Applied, r)
			}
			// The continuing-looking output is now foreign.
			if len(ev.Foreign) != 1 {
				t.Errorf("foreign %+v", ev.Foreign)
			}
		}
		if _, ok := lookup(t, c.utxo, id); ok {
			t.Error("spent contract output still tracked")
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&0xf])
	}
	return string(out)
}

// TestApplyRejected: each way an apply-inputs transaction can fail the
// Runtime's extraction gives that reason, as a diagnostic, and removes the
// contract output from the tracked set; a lower bound of slot 0 that is
// present is accepted.
func TestApplyRejected(t *testing.T) {
	type mutate func(t *testing.T, l *lifecycle, tx *txtest.Tx)
	payoutAt := func(t *testing.T, l *lifecycle, tx *txtest.Tx, o txtest.Output) {
		o.Address = l.payout
		tx.Outputs = append(tx.Outputs, o)
	}
	cases := []struct {
		name   string
		mut    mutate
		reason ApplyError // 0: accepted
		output bool       // the diagnostic names an output
	}{
		{"accepted", func(*testing.T, *lifecycle, *txtest.Tx) {}, 0, false},
		{"lower bound slot 0", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) { tx.ValidFrom = txtest.Slot(0) }, 0, false},
		{"no redeemer", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) { tx.Redeemers = nil }, NoRedeemer, false},
		{"redeemer at wrong index", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) { tx.Redeemers[0].Index ^= 1 }, NoRedeemer, false},
		{"mint redeemer only", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) { tx.Redeemers[0].Tag = 1 }, NoRedeemer, false},
		{"garbage redeemer", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) { tx.Redeemers[0].Data = []byte{0x05} }, InvalidRedeemer, false},
		{"no lower bound", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) { tx.ValidFrom = nil }, InvalidValidityRange, false},
		{"no upper bound", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) { tx.TTL = nil }, InvalidValidityRange, false},
		{"continuing output without datum", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) {
			tx.Outputs[0].DatumHash, tx.Outputs[0].InlineDatum = nil, nil
		}, NoTransactionDatum, true},
		{"continuing datum not revealed", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) { tx.Datums = tx.Datums[:1] }, NoTransactionDatum, true},
		{"continuing datum invalid", func(_ *testing.T, _ *lifecycle, tx *txtest.Tx) {
			tx.Outputs[0].DatumHash, tx.Outputs[0].InlineDatum = nil, []byte{0xd8, 0x79, 0x80}
		}, InvalidTransactionDatum, true},
		{"payout without datum", func(t *testing.T, l *lifecycle, tx *txtest.Tx) {
			payoutAt(t, l, tx, txtest.Output{Lovelace: 2_000_000})
		}, NoPayoutDatum, true},
		{"payout datum invalid", func(t *testing.T, l *lifecycle, tx *txtest.Tx) {
			payoutAt(t, l, tx, txtest.Output{Lovelace: 2_000_000, InlineDatum: []byte{0x41, 0x41}})
		}, InvalidPayoutDatum, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newChain(t)
			l := newLifecycle(t, c, registry.V4, semanticsAddr(t, registry.V4), 1)
			tx, _ := l.deposit(t)
			tc.mut(t, l, tx)
			ev := c.run(tx)
			if tc.reason == 0 {
				if ev.Applied == nil || ev.ApplyRejected != nil {
					t.Fatalf("not accepted: %v", ev.ApplyRejected)
				}
				return
			}
			r := ev.ApplyRejected
			if ev.Applied != nil || r == nil || r.Reason != tc.reason {
				t.Fatalf("got applied=%v rejected=%v, want %s", ev.Applied != nil, r, tc.reason)
			}
			if (r.Output != nil) != tc.output {
				t.Errorf("output %v", r.Output)
			}
			if len(r.Consumed) != 1 || r.Consumed[0] != l.id || r.ContractIDs[0] != l.id {
				t.Errorf("consumed %v", r.Consumed)
			}
			if _, ok := lookup(t, c.utxo, l.id); ok {
				t.Error("contract output still tracked after a rejected apply")
			}
		})
	}
}

// TestMultipleContractInputs: spending two contracts' outputs in one
// transaction is MultipleContractInputs; both leave the tracked set.
func TestMultipleContractInputs(t *testing.T) {
	c := newChain(t)
	a := newLifecycle(t, c, registry.V5, semanticsAddr(t, registry.V5), 1)
	b := newLifecycle(t, c, registry.V1, semanticsAddr(t, registry.V1), 50)
	tx, _ := a.deposit(t)
	tx.Inputs = append(tx.Inputs, b.id)
	ev := c.run(tx)
	r := ev.ApplyRejected
	if ev.Applied != nil || r == nil || r.Reason != MultipleContractInputs || len(r.Consumed) != 2 {
		t.Fatalf("%+v", r)
	}
	if registry.CompareTxOutRef(r.Consumed[0], r.Consumed[1]) >= 0 {
		t.Error("consumed refs not sorted")
	}
	for _, id := range []TxOutRef{a.id, b.id} {
		if _, ok := lookup(t, c.utxo, id); ok {
			t.Errorf("contract %s still tracked", id)
		}
	}
}

// TestContinuingAddressMustMatch: a "continuing" output at the same
// validator but with a different stake part is not the continuation: the
// contract closes, and that output is foreign.
func TestContinuingAddressMustMatch(t *testing.T) {
	set := scriptSetOf(t, registry.V5)
	c := newChain(t)
	l := newLifecycle(t, c, registry.V5, txtest.StakedScriptAddress(set.Semantics.Hash, keyHash(5), false, txtest.Testnet), 1)
	tx, _ := l.deposit(t)
	tx.Outputs[0].Address = txtest.StakedScriptAddress(set.Semantics.Hash, keyHash(6), false, txtest.Testnet)
	ev := c.run(tx)
	if ev.Applied == nil || !ev.Applied.Closed() {
		t.Fatalf("%+v", ev)
	}
	if len(ev.Foreign) != 1 || ev.Foreign[0].Ref.Index != 0 {
		t.Errorf("foreign %+v", ev.Foreign)
	}
}

// TestPhase2Invalid: an apply-shaped and a create-shaped transaction marked
// invalid move nothing Marlowe: no events, the contract stays where it was.
// A collateral return to a semantics address is tracked as foreign.
func TestPhase2Invalid(t *testing.T) {
	c := newChain(t)
	l := newLifecycle(t, c, registry.V5, semanticsAddr(t, registry.V5), 1)
	tx, _ := l.deposit(t)
	tx.Invalid = true
	tx.Collateral = []TxOutRef{fundingRef(77)}
	tx.CollateralReturn = &txtest.Output{Address: semanticsAddr(t, registry.V5), Lovelace: 1_000_000}
	ev := c.run(tx)
	if ev.Valid || ev.HasSteps() || ev.ApplyRejected != nil || len(ev.CreateRejected) != 0 {
		t.Fatalf("invalid tx had an effect: %+v", ev)
	}
	if len(ev.Foreign) != 1 || ev.Foreign[0].Ref.Index != uint32(len(tx.Outputs)) {
		t.Errorf("collateral return: %+v", ev.Foreign)
	}
	if e, ok := lookup(t, c.utxo, l.id); !ok || e.Kind != EntryContract {
		t.Error("contract moved by an invalid transaction")
	}
	create := mustBuild(t, txtest.Create{
		Funding:   []TxOutRef{fundingRef(2)},
		Contracts: []txtest.MarloweOutput{{Address: semanticsAddr(t, registry.V5), Datum: l.datum, Lovelace: 2_000_000}},
	})
	create.Invalid = true
	if ev := c.run(create); ev.HasSteps() || !ev.Empty() {
		t.Fatalf("invalid creation had an effect: %+v", ev)
	}
}

// TestBabbageEncoding: the same apply transaction in the Babbage encoding
// (list redeemers) decoded as a Babbage transaction gives the same step.
func TestBabbageEncoding(t *testing.T) {
	for _, txType := range []uint{babbage.TxTypeBabbage, conway.TxTypeConway} {
		c := newChain(t)
		l := newLifecycle(t, c, registry.V3, semanticsAddr(t, registry.V3), 1)
		tx, _ := l.deposit(t)
		tx.LegacyRedeemers = true
		dec, err := tx.Decode(txType)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := c.x.Tx(dec, 3, c.utxo)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Applied == nil || ev.Index != 3 || ev.Applied.Closed() || !equalData(t, *ev.Applied.Datum, l.datum) {
			t.Fatalf("type %d: %+v", txType, ev)
		}
	}
}

// TestSetTagsAndLegacyOutputs: Conway set tags on inputs and a legacy
// (array) continuing output do not change recognition.
func TestSetTagsAndLegacyOutputs(t *testing.T) {
	c := newChain(t)
	l := newLifecycle(t, c, registry.V2, semanticsAddr(t, registry.V2), 1)
	tx, _ := l.deposit(t)
	tx.SetTags = true
	tx.Outputs[0].Legacy = true
	ev := c.run(tx)
	if ev.Applied == nil || ev.Applied.Closed() || ev.Applied.Output.InlineDatum {
		t.Fatalf("%+v", ev)
	}
	if got := ev.Applied.Output.Lovelace; got.Cmp(big.NewInt(12_000_000)) != 0 {
		t.Errorf("lovelace %s", got)
	}
}
