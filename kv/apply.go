package kv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
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
		if err := s.indexWithdrawal(w, blk, tx, wd); err != nil {
			return fmt.Errorf("withdrawal: %w", err)
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
		// Keyed by currency, not contract: contracts sharing a policy
		// share its script. A later creation carrying it again rewrites
		// the same bytes, and its rollback restores them (the journal
		// records that the key existed).
		if len(c.RolesPolicyScript) > 0 {
			if err := w.setRaw(rolesPolicyKey(c.RolesCurrency), c.RolesPolicyScript); err != nil {
				return err
			}
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
	if err := s.indexCreation(w, &h, c.Output.Address); err != nil {
		return err
	}
	ps := newPartySet()
	if err := ps.addContract(c.Datum.Contract); err != nil {
		return err
	}
	if err := ps.addState(c.Datum.State); err != nil {
		return err
	}
	return s.indexParties(w, c.ContractID, blk.Slot, c.RolesCurrency, ps)
}

// indexParties writes the party index keys of a contract created at slot
// created. Writing a key that already exists is harmless: the journal
// records that it existed (and the counted creation-order keys are only
// counted when new).
func (s *Store) indexParties(w *writer, id extract.TxOutRef, created uint64, currency core.CurrencySymbol, ps *partySet) error {
	for _, p := range ps.parties {
		var key, posting []byte
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
			posting = newKey(pAddrOrder).str(pk)
		case core.RoleParty:
			if err := checkPart("role", []byte(p.Role)); err != nil {
				return err
			}
			key = newKey(pByRole).str([]byte(currency)).str([]byte(p.Role)).ref(id)
			posting = newKey(pRoleOrder).str([]byte(currency)).str([]byte(p.Role))
		default:
			return fmt.Errorf("party kind %d", p.Kind)
		}
		if err := w.setRaw(key, nil); err != nil {
			return err
		}
		if err := w.setCounted(contractPosting(posting, created, id), len(posting)); err != nil {
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
	sk := stepKey(a.ContractID, blk.Slot, uint32(tx.Index), StepApply)
	if err := w.put(sk, "step", st); err != nil {
		return err
	}
	if err := w.setRaw(applyTxKey(tx.TxID), sk); err != nil {
		return err
	}
	if st.Closed {
		if err := w.setRaw(closedKey(a.ContractID), nil); err != nil {
			return err
		}
	}
	return s.indexParties(w, a.ContractID, h.Block.Slot, h.RolesCurrency, ps)
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
		if err := w.delCounted(payoutOrderKey(prev, p.Created.Slot, p.Ref), payoutOrderCounted); err != nil {
			return err
		}
	}
	if err := w.put(payoutKey(p.Ref), "payout", p); err != nil {
		return err
	}
	if err := w.setRaw(payoutByContractKey(p.ContractID, p.Status, p.Ref), nil); err != nil {
		return err
	}
	if err := w.setCounted(payoutOrderKey(p.Status, p.Created.Slot, p.Ref), payoutOrderCounted); err != nil {
		return err
	}
	return w.setRaw(payoutByTokenPrefix(cur, role).byte1(byte(p.Status)).ref(p.Ref), nil)
}

// indexedPayout reads the payout at ref, which a withdrawal spends and so
// must be indexed.
func (s *Store) indexedPayout(txn *badger.Txn, ref extract.TxOutRef) (Payout, error) {
	var p Payout
	ok, err := s.get(txn, payoutKey(ref), "payout", &p)
	if err == nil && !ok {
		err = fmt.Errorf("payout %s not indexed", ref)
	}
	return p, err
}

func (s *Store) applyWithdraw(w *writer, blk BlockRef, tx *extract.TxEvents, c extract.ContractWithdrawal) error {
	st := Step{Kind: StepWithdraw, ContractID: c.ContractID, Block: blk, TxIndex: uint32(tx.Index), TxID: tx.TxID}
	for _, e := range c.Payouts {
		p, err := s.indexedPayout(w.txn, e.Ref)
		if err != nil {
			return err
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

// Query indexes (keys 0x0D–0x17 and the counters under 0x1F): the orders
// and counts the MarloweQuery listings page through. Listings are in chain
// order — contracts by creation slot then ContractID, payouts by the slot
// of the transaction that paid them then TxOutRef, withdrawals by slot then
// transaction id, as the Haskell runtime sorts them — so each posting key
// ends in a fixed-width sort key (slot + id), and the posting lists of
// different filter values can be merged, probed and sought alike.

// Sort-key widths: slot then a contract id / payout reference, or slot then
// a transaction id.
const (
	refSortKey = 8 + refSize
	txSortKey  = 8 + 32
)

// payoutOrderCounted is the counted prefix length of a 0x12 key: the
// prefix byte and the status.
const payoutOrderCounted = 2

// contractPosting is a creation-order posting key: posting prefix, the
// contract's creation slot, its id.
func contractPosting(prefix []byte, slot uint64, id extract.TxOutRef) []byte {
	return keyBuilder(bytes.Clone(prefix)).u64(slot).ref(id)
}

func payoutOrderKey(st PayoutStatus, slot uint64, ref extract.TxOutRef) []byte {
	return newKey(pPayoutOrder).byte1(byte(st)).u64(slot).ref(ref)
}

func withdrawalKey(slot uint64, id registry.TxID) []byte {
	return append(newKey(pWithdrawal).u64(slot), id[:]...)
}

func withdrawalTxKey(id registry.TxID) []byte { return append(newKey(pWithdrawalTx), id[:]...) }

func applyTxKey(id registry.TxID) []byte { return append(newKey(pApplyTx), id[:]...) }

func closedKey(id extract.TxOutRef) []byte { return newKey(pClosed).ref(id) }

func countKey(prefix []byte) []byte { return append([]byte{pCount}, prefix...) }

// indexCreation writes a new contract's creation-order keys: the global
// order (whose value is the creation output's address), and the order
// under each of its tags and its roles currency.
func (s *Store) indexCreation(w *writer, h *ContractHeader, address []byte) error {
	slot := h.Block.Slot
	// The creation order keeps the creation output's address, the one
	// fact of a listed contract that its header lacks.
	addr := address
	if addr == nil {
		addr = []byte{}
	}
	if err := w.setCountedValue(contractPosting([]byte{pCreated}, slot, h.ContractID), 1, addr); err != nil {
		return err
	}
	for _, t := range h.Tags {
		p := newKey(pTagOrder).str([]byte(t))
		if err := w.setCounted(contractPosting(p, slot, h.ContractID), len(p)); err != nil {
			return err
		}
	}
	if h.RolesCurrency != "" {
		p := newKey(pCurOrder).str([]byte(h.RolesCurrency))
		if err := w.setCounted(contractPosting(p, slot, h.ContractID), len(p)); err != nil {
			return err
		}
	}
	return nil
}

// indexWithdrawal writes the withdrawal listing keys of a transaction whose
// payouts applyWithdraw has just marked withdrawn: the record in chain
// order, its lookup by id, and its posting under the roles currency of
// every payout it spent.
func (s *Store) indexWithdrawal(w *writer, blk BlockRef, tx *extract.TxEvents, wd *extract.Withdrawn) error {
	rec := WithdrawalTx{Block: blk, TxIndex: uint32(tx.Index), TxID: tx.TxID}
	currencies := map[core.CurrencySymbol]struct{}{}
	for _, c := range wd.Contracts {
		for _, e := range c.Payouts {
			p, err := s.indexedPayout(w.txn, e.Ref)
			if err != nil {
				return err
			}
			rec.Payouts = append(rec.Payouts, e.Ref)
			currencies[p.RolesCurrency] = struct{}{}
		}
	}
	if len(rec.Payouts) == 0 {
		return nil
	}
	slices.SortFunc(rec.Payouts, registry.CompareTxOutRef)
	rec.Payouts = slices.CompactFunc(rec.Payouts, func(a, b extract.TxOutRef) bool { return a == b })
	key := withdrawalKey(blk.Slot, tx.TxID)
	b, err := w.codec.marshal("withdrawal", rec)
	if err != nil {
		return err
	}
	if err := w.setCountedValue(key, 1, b); err != nil {
		return err
	}
	if err := w.setRaw(withdrawalTxKey(tx.TxID), key); err != nil {
		return err
	}
	// Sorted, so that the journal entry is the same on every replay.
	for _, cur := range slices.Sorted(maps.Keys(currencies)) {
		if err := checkPart("payout currency", []byte(cur)); err != nil {
			return err
		}
		p := newKey(pWithdrawalCur).str([]byte(cur))
		if err := w.setCounted(append(p.u64(blk.Slot), tx.TxID[:]...), len(p)); err != nil {
			return err
		}
	}
	return nil
}

// setCounted writes the empty-valued key unless it exists, counting it
// under its first prefixLen bytes when new.
func (w *writer) setCounted(key []byte, prefixLen int) error {
	return w.setCountedValue(key, prefixLen, nil)
}

// setCountedValue writes key = val, counting the key under its first
// prefixLen bytes when it did not exist.
func (w *writer) setCountedValue(key []byte, prefixLen int, val []byte) error {
	had, err := w.has(key)
	if err != nil {
		return err
	}
	if had && val == nil {
		// A posting key that exists already: nothing to write (parties
		// are indexed again at every step that names them).
		return nil
	}
	if err := w.setRaw(key, val); err != nil {
		return err
	}
	if had {
		return nil
	}
	return w.count(key[:prefixLen], 1)
}

// delCounted deletes key if it exists and uncounts it.
func (w *writer) delCounted(key []byte, prefixLen int) error {
	had, err := w.has(key)
	if err != nil || !had {
		return err
	}
	if err := w.del(key); err != nil {
		return err
	}
	return w.count(key[:prefixLen], -1)
}

func (w *writer) has(key []byte) (bool, error) {
	_, err := w.txn.Get(key)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, badger.ErrKeyNotFound):
		return false, nil
	}
	return false, fmt.Errorf("read %x: %w", key, err)
}

// count adds delta to the counter of prefix; a counter that reaches zero
// is deleted, so that a store equals one built from scratch.
func (w *writer) count(prefix []byte, delta int64) error {
	key := countKey(prefix)
	var n uint64
	item, err := w.txn.Get(key)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
	case err != nil:
		return fmt.Errorf("read counter %x: %w", key, err)
	default:
		if err := item.Value(func(b []byte) error {
			if len(b) != 8 {
				return fmt.Errorf("counter %x: %d bytes", key, len(b))
			}
			n = binary.BigEndian.Uint64(b)
			return nil
		}); err != nil {
			return err
		}
	}
	switch {
	case delta < 0 && n < uint64(-delta):
		return fmt.Errorf("counter %x: %d below zero", key, int64(n)+delta)
	case delta < 0:
		n -= uint64(-delta)
	default:
		n += uint64(delta)
	}
	if n == 0 {
		return w.del(key)
	}
	return w.setRaw(key, binary.BigEndian.AppendUint64(nil, n))
}
