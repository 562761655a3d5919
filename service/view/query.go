package view

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Conversions for MarloweQuery (protocol/marlowequery): payout headers and
// states, withdrawals, contract states and transactions with the output
// they consumed, as marlowe-sync's query statements fill them.

// ListedHeader is the wire ContractHeader of a contract listed by the
// index (kv.Store.ListContracts), which keeps the address of its creation
// output instead of the whole create step: of that step, ContractHeader
// reads nothing else.
func (c *Converter) ListedHeader(h kv.ContractHeader, address []byte) (types.ContractHeader, error) {
	return c.ContractHeader(Creation{Header: h, Create: kv.Step{Kind: kv.StepCreate, ContractID: h.ContractID, Output: &extract.Output{Address: address}}})
}

// PayoutHeader is the wire PayoutHeader of a payout: its contract, output,
// withdrawing transaction (nil while available) and role token.
func PayoutHeader(p kv.Payout) (marlowequery.PayoutHeader, error) {
	id, err := ContractId(p.ContractID)
	if err != nil {
		return marlowequery.PayoutHeader{}, fmt.Errorf("payout %s: %w", p.Ref, err)
	}
	ref, err := TxOutRef(p.Ref)
	if err != nil {
		return marlowequery.PayoutHeader{}, fmt.Errorf("payout: %w", err)
	}
	wd, err := withdrawalID(p)
	if err != nil {
		return marlowequery.PayoutHeader{}, err
	}
	return marlowequery.PayoutHeader{ContractId: id, PayoutId: ref, WithdrawalId: wd, Role: payoutRole(p)}, nil
}

// withdrawalID is the wire id of the transaction that withdrew p, nil while
// p is available. A status that disagrees with the withdrawal fields is a
// corrupt record.
func withdrawalID(p kv.Payout) (*types.TxId, error) {
	switch {
	case p.Status == kv.PayoutAvailable && p.WithdrawnTx == nil:
		return nil, nil
	case p.Status == kv.PayoutWithdrawn && p.WithdrawnTx != nil:
		id := TxId(*p.WithdrawnTx)
		return &id, nil
	}
	return nil, fmt.Errorf("payout %s: status %s disagrees with its withdrawal record", p.Ref, p.Status)
}

// PayoutState is the wire PayoutState of a payout: its header facts and
// its output.
func (c *Converter) PayoutState(p kv.Payout) (marlowequery.PayoutState, error) {
	h, err := PayoutHeader(p)
	if err != nil {
		return marlowequery.PayoutState{}, err
	}
	out, err := c.Payout(p)
	if err != nil {
		return marlowequery.PayoutState{}, err
	}
	return marlowequery.PayoutState{ContractId: h.ContractId, PayoutId: h.PayoutId, WithdrawalId: h.WithdrawalId, Payout: out}, nil
}

// Withdrawal is the wire Withdrawal of a withdrawal transaction, listing
// the spent payouts that keep accepts (all when keep is nil): a listing
// filtered by roles currency lists only the payouts of those currencies,
// as marlowe-sync's aggregate over the filtered join does.
func Withdrawal(w kv.Withdrawal, keep func(kv.Payout) bool) (marlowequery.Withdrawal, error) {
	out := marlowequery.Withdrawal{
		Block:            BlockHeader(w.Tx.Block),
		WithdrawnPayouts: make(map[types.TxOutRef]marlowequery.PayoutHeader, len(w.Payouts)),
		WithdrawalTx:     TxId(w.Tx.TxID),
	}
	for _, p := range w.Payouts {
		if keep != nil && !keep(p) {
			continue
		}
		h, err := PayoutHeader(p)
		if err != nil {
			return marlowequery.Withdrawal{}, fmt.Errorf("withdrawal %s: %w", w.Tx.TxID, err)
		}
		if h.WithdrawalId == nil || *h.WithdrawalId != out.WithdrawalTx {
			return marlowequery.Withdrawal{}, fmt.Errorf("withdrawal %s: payout %s is not withdrawn by it", w.Tx.TxID, p.Ref)
		}
		out.WithdrawnPayouts[h.PayoutId] = h
	}
	return out, nil
}

// ContractState is the wire ContractState of a contract: its creation, the
// output of its latest apply-inputs step (the creation output when none;
// nil once closed) with that step's block, and its payouts not yet
// withdrawn.
func (c *Converter) ContractState(h kv.ContractHistory) (marlowequery.ContractState, error) {
	cr, err := creation(h)
	if err != nil {
		return marlowequery.ContractState{}, err
	}
	hd := h.Header
	id, err := ContractId(hd.ContractID)
	if err != nil {
		return marlowequery.ContractState{}, err
	}
	md, err := Metadata(hd.Metadata)
	if err != nil {
		return marlowequery.ContractState{}, fmt.Errorf("contract %s: %w", hd.ContractID, err)
	}
	initial, err := c.ScriptOutput(*cr.Create.Output)
	if err != nil {
		return marlowequery.ContractState{}, fmt.Errorf("contract %s: %w", hd.ContractID, err)
	}
	st := marlowequery.ContractState{
		ContractId:               id,
		RoleTokenMintingPolicyId: types.PolicyId(hd.RolesCurrency),
		Metadata:                 md,
		InitialBlock:             BlockHeader(hd.Block),
		InitialOutput:            initial,
		LatestBlock:              BlockHeader(hd.Block),
		LatestOutput:             &initial,
		UnclaimedPayouts:         map[types.TxOutRef]types.Payout{},
	}
	// The latest apply step is the one whose output no later step
	// consumed: in a valid history, the last one in chain order.
	for i := len(h.Steps) - 1; i >= 0; i-- {
		s := h.Steps[i]
		if s.Kind != kv.StepApply {
			continue
		}
		st.LatestBlock, st.LatestOutput = BlockHeader(s.Block), nil
		if s.Output != nil {
			out, err := c.ScriptOutput(*s.Output)
			if err != nil {
				return marlowequery.ContractState{}, fmt.Errorf("contract %s: %w", hd.ContractID, err)
			}
			st.LatestOutput = &out
		}
		break
	}
	for _, p := range h.Payouts {
		if p.Status != kv.PayoutAvailable {
			continue
		}
		ref, err := TxOutRef(p.Ref)
		if err != nil {
			return marlowequery.ContractState{}, fmt.Errorf("contract %s: %w", hd.ContractID, err)
		}
		out, err := c.Payout(p)
		if err != nil {
			return marlowequery.ContractState{}, fmt.Errorf("contract %s: %w", hd.ContractID, err)
		}
		st.UnclaimedPayouts[ref] = out
	}
	return st, nil
}

// creation finds the create step of a history.
func creation(h kv.ContractHistory) (Creation, error) {
	for _, s := range h.Steps {
		if s.Kind == kv.StepCreate {
			cr := Creation{Header: h.Header, Create: s}
			return cr, cr.check()
		}
	}
	return Creation{}, fmt.Errorf("contract %s: no create step indexed", h.Header.ContractID)
}

// lookupIn is a PayoutLookup over a history's payouts.
func lookupIn(h kv.ContractHistory) PayoutLookup {
	byRef := make(map[extract.TxOutRef]kv.Payout, len(h.Payouts))
	for _, p := range h.Payouts {
		byRef[p.Ref] = p
	}
	return func(ref extract.TxOutRef) (kv.Payout, bool, error) {
		p, ok := byRef[ref]
		return p, ok, nil
	}
}

// Transactions is the wire list of a contract's apply-inputs transactions,
// in chain order (each consumes the previous one's output).
func (c *Converter) Transactions(h kv.ContractHistory) ([]types.Transaction, error) {
	lookup := lookupIn(h)
	out := []types.Transaction{}
	for _, s := range h.Steps {
		if s.Kind != kv.StepApply {
			continue
		}
		tx, err := c.Transaction(h.Header, s, lookup)
		if err != nil {
			return nil, err
		}
		out = append(out, tx)
	}
	return out, nil
}

// SomeTransaction is the wire SomeTransaction of the apply-inputs
// transaction txID of a contract: the transaction, the contract output it
// consumed with that output's MarloweData (in its generic Binary form) and
// the transaction that consumed its own output, if any. ok is false when
// the history has no such transaction.
func (c *Converter) SomeTransaction(h kv.ContractHistory, txID types.TxId) (st marlowequery.SomeTransaction, ok bool, err error) {
	idx := -1
	for i, s := range h.Steps {
		if s.Kind == kv.StepApply && TxId(s.TxID) == txID {
			idx = i
			break
		}
	}
	if idx < 0 {
		return st, false, nil
	}
	apply := h.Steps[idx]
	tx, err := c.Transaction(h.Header, apply, lookupIn(h))
	if err != nil {
		return st, false, err
	}
	// The consumed output is the previous create or apply step's output.
	var consumed *extract.Output
	for i := idx - 1; i >= 0 && consumed == nil; i-- {
		if s := h.Steps[i]; s.Kind != kv.StepWithdraw && s.Output != nil && s.Output.Ref == apply.Input {
			consumed = s.Output
		}
	}
	if consumed == nil {
		return st, false, fmt.Errorf("apply tx %s of %s: the output it consumed, %s, is not indexed", apply.TxID, h.Header.ContractID, apply.Input)
	}
	datum, err := core.DecodeData[core.MarloweData](consumed.Datum)
	if err != nil {
		return st, false, fmt.Errorf("apply tx %s of %s: datum of %s: %w", apply.TxID, h.Header.ContractID, apply.Input, err)
	}
	input, err := TxOutRef(apply.Input)
	if err != nil {
		return st, false, fmt.Errorf("apply tx %s: %w", apply.TxID, err)
	}
	st = marlowequery.SomeTransaction{Version: types.MarloweV1, Input: input, InputDatum: datum, Transaction: tx}
	if apply.Output != nil {
		for _, s := range h.Steps[idx+1:] {
			if s.Kind == kv.StepApply && s.Input == apply.Output.Ref {
				id := TxId(s.TxID)
				st.ConsumedBy = &id
				break
			}
		}
	}
	return st, true, nil
}
