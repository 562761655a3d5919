package kv

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
)

// applyEvents writes a block's events through w, transaction by
// transaction in block order.
func (s *Store) applyEvents(w *writer, blk BlockRef, ev *extract.BlockEvents) error {
	act := BlockActivity{Block: blk}
	for i := range ev.Txs {
		tx := &ev.Txs[i]
		if !tx.Valid {
			// Phase-2 invalid: only collateral moved, nothing Marlowe.
			continue
		}
		if tx.Index < 0 || uint64(tx.Index) > math.MaxUint32 {
			return fmt.Errorf("tx %s: index %d out of range", tx.TxID, tx.Index)
		}
		a := ActivityTx{Index: uint32(tx.Index), TxID: tx.TxID}
		if err := s.applyTx(w, blk, tx, &a); err != nil {
			return fmt.Errorf("tx %d (%s): %w", tx.Index, tx.TxID, err)
		}
		if len(a.Contracts) > 0 {
			act.Txs = append(act.Txs, a)
		}
		for _, r := range tx.CreateRejected {
			s.log.Debug().Uint64("slot", blk.Slot).Stringer("rejected", r).Msg("creation not indexed")
		}
		if r := tx.ApplyRejected; r != nil {
			s.log.Debug().Uint64("slot", blk.Slot).Stringer("rejected", r).Msg("apply-inputs not indexed")
		}
	}
	if len(act.Txs) > 0 {
		return w.put(activityKey(blk.Slot), "block activity", act)
	}
	return nil
}

func (s *Store) applyTx(w *writer, blk BlockRef, tx *extract.TxEvents, act *ActivityTx) error {
	touch := func(id extract.TxOutRef) {
		if !slices.Contains(act.Contracts, id) {
			act.Contracts = append(act.Contracts, id)
		}
	}
	for i := range tx.Created {
		c := &tx.Created[i]
		if err := s.applyCreate(w, blk, tx, c); err != nil {
			return fmt.Errorf("created[%d] %s: %w", i, c.ContractID, err)
		}
		touch(c.ContractID)
	}
	if a := tx.Applied; a != nil {
		if err := s.applyInputs(w, blk, tx, a); err != nil {
			return fmt.Errorf("apply to %s: %w", a.ContractID, err)
		}
		touch(a.ContractID)
	}
	if wd := tx.Withdrawn; wd != nil {
		for i, c := range wd.Contracts {
			if err := s.applyWithdraw(w, blk, tx, c); err != nil {
				return fmt.Errorf("withdrawn[%d] %s: %w", i, c.ContractID, err)
			}
			touch(c.ContractID)
		}
	}
	d := tx.Delta()
	for _, r := range d.Remove {
		if err := w.del(utxoKey(r)); err != nil {
			return fmt.Errorf("untrack %s: %w", r, err)
		}
	}
	for _, e := range d.Add {
		if err := w.put(utxoKey(e.Ref), "utxo entry", e); err != nil {
			return fmt.Errorf("track %s: %w", e.Ref, err)
		}
	}
	return nil
}

// datumBytes returns the output's datum CBOR, re-encoding the decoded datum
// only when the transaction did not carry its bytes.
func datumBytes(o *extract.Output, decoded any) ([]byte, error) {
	if o.Datum != nil {
		return o.Datum, nil
	}
	b, err := core.EncodeData(decoded)
	if err != nil {
		return nil, fmt.Errorf("encode datum: %w", err)
	}
	return b, nil
}

func (s *Store) applyCreate(w *writer, blk BlockRef, tx *extract.TxEvents, c *extract.Created) error {
	switch _, err := w.txn.Get(headerKey(c.ContractID)); {
	case err == nil:
		return fmt.Errorf("contract already indexed")
	case !errors.Is(err, badger.ErrKeyNotFound):
		return fmt.Errorf("read contract header: %w", err)
	}
	h := ContractHeader{
		ContractID: c.ContractID, Block: blk, TxIndex: uint32(tx.Index), TxID: tx.TxID,
		Version: c.Version, ScriptHash: c.ScriptHash, PayoutHash: c.PayoutHash,
		RolesCurrency: c.RolesCurrency, Metadata: c.Metadata.Labels,
	}
	if m := c.Metadata.Marlowe; m != nil {
		for t := range m.Tags {
			h.Tags = append(h.Tags, t)
		}
		slices.Sort(h.Tags)
	}
	if err := w.put(headerKey(c.ContractID), "contract header", h); err != nil {
		return err
	}
	out := c.Output
	var err error
	if out.Datum, err = datumBytes(&c.Output, c.Datum); err != nil {
		return err
	}
	st := Step{Kind: StepCreate, ContractID: c.ContractID, Block: blk, TxIndex: uint32(tx.Index), TxID: tx.TxID, Output: &out}
	if err := w.put(stepKey(c.ContractID, blk.Slot, uint32(tx.Index), StepCreate), "step", st); err != nil {
		return err
	}
	if c.RolesCurrency != "" {
		cur := []byte(c.RolesCurrency)
		if err := checkPart("roles currency", cur); err != nil {
			return err
		}
		if err := w.setRaw(newKey(pByCurrency).str(cur).ref(c.ContractID), nil); err != nil {
			return err
		}
	}
	for _, t := range h.Tags {
		if err := checkPart("tag", []byte(t)); err != nil {
			return err
		}
		if err := w.setRaw(newKey(pByTag).str([]byte(t)).ref(c.ContractID), nil); err != nil {
			return err
		}
	}
	ps := newPartySet()
	if err := ps.addContract(c.Datum.Contract); err != nil {
		return err
	}
	if err := ps.addState(c.Datum.State); err != nil {
		return err
	}
	return s.indexParties(w, c.ContractID, c.RolesCurrency, ps)
}

// indexParties writes the party index keys of a contract. Writing a key
// that already exists is harmless: the journal records that it existed.
func (s *Store) indexParties(w *writer, id extract.TxOutRef, currency core.CurrencySymbol, ps *partySet) error {
	for _, p := range ps.parties {
		var key []byte
		switch p.Kind {
		case core.AddressParty:
			pk, err := partyKey(p)
			if err != nil {
				return err
			}
			if err := checkPart("party", pk); err != nil {
				return err
			}
			key = newKey(pByAddress).str(pk).ref(id)
		case core.RoleParty:
			if err := checkPart("role", []byte(p.Role)); err != nil {
				return err
			}
			key = newKey(pByRole).str([]byte(currency)).str([]byte(p.Role)).ref(id)
		default:
			return fmt.Errorf("party kind %d", p.Kind)
		}
		if err := w.setRaw(key, nil); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyInputs(w *writer, blk BlockRef, tx *extract.TxEvents, a *extract.InputsApplied) error {
	var h ContractHeader
	ok, err := s.get(w.txn, headerKey(a.ContractID), "contract header", &h)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("contract not indexed")
	}
	st := Step{
		Kind: StepApply, ContractID: a.ContractID, Block: blk, TxIndex: uint32(tx.Index), TxID: tx.TxID,
		Input: a.Input.Ref, Redeemer: a.Redeemer, ValidFrom: a.ValidFrom, ValidTo: a.ValidTo,
		Metadata: a.Metadata.Labels, Closed: a.Closed(),
	}
	for i, in := range a.Inputs {
		var cb []byte
		if in.Merkleized && in.Continuation != nil {
			if cb, err = core.EncodeData(in.Continuation); err != nil {
				return fmt.Errorf("inputs[%d].continuation: %w", i, err)
			}
		}
		st.Continuations = append(st.Continuations, cb)
	}
	ps := newPartySet()
	if err := ps.addInputs(a.Inputs); err != nil {
		return err
	}
	if a.Output != nil {
		out := *a.Output
		if a.Datum == nil && out.Datum == nil {
			return fmt.Errorf("continuing output %s without datum", out.Ref)
		}
		if a.Datum != nil {
			if out.Datum, err = datumBytes(a.Output, *a.Datum); err != nil {
				return err
			}
			if err := ps.addContract(a.Datum.Contract); err != nil {
				return err
			}
			if err := ps.addState(a.Datum.State); err != nil {
				return err
			}
		}
		st.Output = &out
	}
	for i, p := range a.Payouts {
		st.Payouts = append(st.Payouts, p.Output.Ref)
		po := Payout{
			Ref: p.Output.Ref, ContractID: a.ContractID, RolesCurrency: p.Datum.RolesCurrency,
			Role: p.Datum.Role, Output: p.Output, Created: blk, CreatedTx: tx.TxID, Status: PayoutAvailable,
		}
		if err := s.putPayout(w, po, 0); err != nil {
			return fmt.Errorf("payouts[%d]: %w", i, err)
		}
	}
	if err := w.put(stepKey(a.ContractID, blk.Slot, uint32(tx.Index), StepApply), "step", st); err != nil {
		return err
	}
	return s.indexParties(w, a.ContractID, h.RolesCurrency, ps)
}

// putPayout writes a payout record and its index keys, removing the index
// keys of its previous status (zero: none).
func (s *Store) putPayout(w *writer, p Payout, prev PayoutStatus) error {
	cur, role := []byte(p.RolesCurrency), []byte(p.Role)
	if err := checkPart("payout currency", cur); err != nil {
		return err
	}
	if err := checkPart("payout role", role); err != nil {
		return err
	}
	if prev != 0 {
		if err := w.del(payoutByContractKey(p.ContractID, prev, p.Ref)); err != nil {
			return err
		}
		if err := w.del(payoutByTokenPrefix(cur, role).byte1(byte(prev)).ref(p.Ref)); err != nil {
			return err
		}
	}
	if err := w.put(payoutKey(p.Ref), "payout", p); err != nil {
		return err
	}
	if err := w.setRaw(payoutByContractKey(p.ContractID, p.Status, p.Ref), nil); err != nil {
		return err
	}
	return w.setRaw(payoutByTokenPrefix(cur, role).byte1(byte(p.Status)).ref(p.Ref), nil)
}

func (s *Store) applyWithdraw(w *writer, blk BlockRef, tx *extract.TxEvents, c extract.ContractWithdrawal) error {
	st := Step{Kind: StepWithdraw, ContractID: c.ContractID, Block: blk, TxIndex: uint32(tx.Index), TxID: tx.TxID}
	for _, e := range c.Payouts {
		var p Payout
		ok, err := s.get(w.txn, payoutKey(e.Ref), "payout", &p)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("payout %s not indexed", e.Ref)
		}
		if p.Status != PayoutAvailable {
			return fmt.Errorf("payout %s is %s", e.Ref, p.Status)
		}
		b, id := blk, tx.TxID
		p.Status, p.WithdrawnIn, p.WithdrawnTx = PayoutWithdrawn, &b, &id
		if err := s.putPayout(w, p, PayoutAvailable); err != nil {
			return fmt.Errorf("payout %s: %w", e.Ref, err)
		}
		st.Withdrawn = append(st.Withdrawn, e.Ref)
	}
	return w.put(stepKey(c.ContractID, blk.Slot, uint32(tx.Index), StepWithdraw), "step", st)
}
