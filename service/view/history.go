package view

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Creation is a contract's header with its create step: what every wire
// value describing the contract's creation is made of (the header lacks
// the creation output, which holds the contract's address).
type Creation struct {
	Header kv.ContractHeader
	Create kv.Step
}

// check reports records that do not belong together.
func (cr Creation) check() error {
	switch {
	case cr.Create.Kind != kv.StepCreate:
		return fmt.Errorf("contract %s: creation record is a %s step", cr.Header.ContractID, cr.Create.Kind)
	case cr.Create.ContractID != cr.Header.ContractID:
		return fmt.Errorf("contract %s: creation record is of contract %s", cr.Header.ContractID, cr.Create.ContractID)
	case cr.Create.Output == nil:
		return fmt.Errorf("contract %s: create step without its output", cr.Header.ContractID)
	}
	return nil
}

// CreateStep is the wire CreateStep of a contract (MarloweSync's
// MsgContractFound, BulkSync's create transactions): the creation output,
// the creation transaction's metadata and the payout validator hash.
func (c *Converter) CreateStep(cr Creation) (types.CreateStep, error) {
	if err := cr.check(); err != nil {
		return types.CreateStep{}, err
	}
	out, err := c.ScriptOutput(*cr.Create.Output)
	if err != nil {
		return types.CreateStep{}, fmt.Errorf("contract %s: %w", cr.Header.ContractID, err)
	}
	md, err := Metadata(cr.Header.Metadata)
	if err != nil {
		return types.CreateStep{}, fmt.Errorf("contract %s: %w", cr.Header.ContractID, err)
	}
	return types.CreateStep{CreateOutput: out, Metadata: md, PayoutValidatorHash: ScriptHash(cr.Header.PayoutHash)}, nil
}

// ContractHeader is the wire ContractHeader of a contract (HeaderSync,
// contract listings). Its script address is the creation output's address
// and the script hash that address's payment credential, as in the Haskell
// runtime.
func (c *Converter) ContractHeader(cr Creation) (types.ContractHeader, error) {
	if err := cr.check(); err != nil {
		return types.ContractHeader{}, err
	}
	h := cr.Header
	id, err := ContractId(h.ContractID)
	if err != nil {
		return types.ContractHeader{}, err
	}
	addr, err := c.Address(cr.Create.Output.Address)
	if err != nil {
		return types.ContractHeader{}, fmt.Errorf("contract %s: %w", h.ContractID, err)
	}
	md, err := Metadata(h.Metadata)
	if err != nil {
		return types.ContractHeader{}, fmt.Errorf("contract %s: %w", h.ContractID, err)
	}
	return types.ContractHeader{
		ContractId:           id,
		RolesCurrency:        types.PolicyId(h.RolesCurrency),
		Metadata:             md,
		MarloweScriptHash:    ScriptHash(h.ScriptHash),
		MarloweScriptAddress: addr,
		PayoutScriptHash:     ScriptHash(h.PayoutHash),
		MarloweVersion:       types.MarloweV1,
		BlockHeader:          BlockHeader(h.Block),
	}, nil
}

// Transaction is the wire Transaction of an apply-inputs step of the
// contract with header h: the step's metadata, block, validity bounds,
// inputs (with revealed continuations) and outputs, the payouts read
// through payouts.
func (c *Converter) Transaction(h kv.ContractHeader, apply kv.Step, payouts PayoutLookup) (types.Transaction, error) {
	if apply.Kind != kv.StepApply {
		return types.Transaction{}, fmt.Errorf("transaction of %s: a %s step", h.ContractID, apply.Kind)
	}
	if apply.ContractID != h.ContractID {
		return types.Transaction{}, fmt.Errorf("transaction of %s: step of contract %s", h.ContractID, apply.ContractID)
	}
	tx, err := c.transaction(h, apply, payouts)
	if err != nil {
		return types.Transaction{}, fmt.Errorf("apply tx %s of %s: %w", apply.TxID, h.ContractID, err)
	}
	return tx, nil
}

func (c *Converter) transaction(h kv.ContractHeader, apply kv.Step, payouts PayoutLookup) (types.Transaction, error) {
	id, err := ContractId(h.ContractID)
	if err != nil {
		return types.Transaction{}, err
	}
	md, err := Metadata(apply.Metadata)
	if err != nil {
		return types.Transaction{}, err
	}
	lo, err := c.UTCTime(apply.ValidFrom)
	if err != nil {
		return types.Transaction{}, fmt.Errorf("validity lower bound: %w", err)
	}
	hi, err := c.UTCTime(apply.ValidTo)
	if err != nil {
		return types.Transaction{}, fmt.Errorf("validity upper bound: %w", err)
	}
	inputs, err := Inputs(apply.Redeemer, apply.Continuations)
	if err != nil {
		return types.Transaction{}, err
	}
	out := types.TransactionOutput{Payouts: make(map[types.TxOutRef]types.Payout, len(apply.Payouts))}
	for _, ref := range apply.Payouts {
		p, ok, err := payouts(ref)
		if err != nil {
			return types.Transaction{}, fmt.Errorf("payout %s: %w", ref, err)
		}
		if !ok {
			return types.Transaction{}, fmt.Errorf("payout %s is not indexed", ref)
		}
		wp, err := c.Payout(p)
		if err != nil {
			return types.Transaction{}, err
		}
		wr, err := TxOutRef(ref)
		if err != nil {
			return types.Transaction{}, err
		}
		out.Payouts[wr] = wp
	}
	if apply.Output != nil {
		so, err := c.ScriptOutput(*apply.Output)
		if err != nil {
			return types.Transaction{}, fmt.Errorf("continuing output: %w", err)
		}
		out.ScriptOutput = &so
	}
	return types.Transaction{
		TransactionId:      TxId(apply.TxID),
		ContractId:         id,
		Metadata:           md,
		BlockHeader:        BlockHeader(apply.Block),
		ValidityLowerBound: lo,
		ValidityUpperBound: hi,
		Inputs:             inputs,
		Output:             out,
	}, nil
}

// ApplyInputsTransaction is the wire form of an apply-inputs step in a
// BulkSync block: the contract output it spent (at the contract's address,
// which every continuing output keeps) and the Transaction.
func (c *Converter) ApplyInputsTransaction(cr Creation, apply kv.Step, payouts PayoutLookup) (types.MarloweApplyInputsTransaction, error) {
	if err := cr.check(); err != nil {
		return types.MarloweApplyInputsTransaction{}, err
	}
	tx, err := c.Transaction(cr.Header, apply, payouts)
	if err != nil {
		return types.MarloweApplyInputsTransaction{}, err
	}
	in, err := TxOutRef(apply.Input)
	if err != nil {
		return types.MarloweApplyInputsTransaction{}, fmt.Errorf("apply tx %s: input: %w", apply.TxID, err)
	}
	addr, err := c.Address(cr.Create.Output.Address)
	if err != nil {
		return types.MarloweApplyInputsTransaction{}, fmt.Errorf("apply tx %s: input: %w", apply.TxID, err)
	}
	return types.MarloweApplyInputsTransaction{
		MarloweVersion: types.MarloweV1,
		MarloweInput: types.UnspentContractOutput{
			MarloweVersion:      types.MarloweV1,
			TxOutRef:            in,
			MarloweAddress:      addr,
			PayoutValidatorHash: ScriptHash(cr.Header.PayoutHash),
		},
		MarloweTransaction: tx,
	}, nil
}

// RedeemSteps are the wire steps of a withdrawal step: one RedeemStep per
// payout it spent, in the step's (TxOutRef) order, each naming the payout's
// role token.
func RedeemSteps(withdraw kv.Step, payouts PayoutLookup) ([]types.RedeemStep, error) {
	if withdraw.Kind != kv.StepWithdraw {
		return nil, fmt.Errorf("redeem steps of %s: a %s step", withdraw.ContractID, withdraw.Kind)
	}
	out := make([]types.RedeemStep, 0, len(withdraw.Withdrawn))
	for _, ref := range withdraw.Withdrawn {
		p, ok, err := payouts(ref)
		if err != nil {
			return nil, fmt.Errorf("withdraw tx %s: payout %s: %w", withdraw.TxID, ref, err)
		}
		if !ok {
			return nil, fmt.Errorf("withdraw tx %s: payout %s is not indexed", withdraw.TxID, ref)
		}
		if p.ContractID != withdraw.ContractID {
			return nil, fmt.Errorf("withdraw tx %s: payout %s is of contract %s, not %s", withdraw.TxID, ref, p.ContractID, withdraw.ContractID)
		}
		wr, err := TxOutRef(ref)
		if err != nil {
			return nil, fmt.Errorf("withdraw tx %s: %w", withdraw.TxID, err)
		}
		out = append(out, types.RedeemStep{Utxo: wr, RedeemingTx: TxId(withdraw.TxID), Datum: payoutRole(p)})
	}
	return out, nil
}

// CreateTransaction is the wire form of a transaction that created
// contracts: each creation keyed by its output index.
func (c *Converter) CreateTransaction(txID registry.TxID, created []Creation) (types.MarloweCreateTransaction, error) {
	out := types.MarloweCreateTransaction{TxId: TxId(txID), NewContracts: make(map[types.TxIx]types.SomeCreateStep, len(created))}
	for _, cr := range created {
		if cr.Header.ContractID.TxID != txID {
			return types.MarloweCreateTransaction{}, fmt.Errorf("create tx %s: contract %s was created by another transaction", txID, cr.Header.ContractID)
		}
		id, err := TxOutRef(cr.Header.ContractID)
		if err != nil {
			return types.MarloweCreateTransaction{}, fmt.Errorf("create tx %s: %w", txID, err)
		}
		if _, dup := out.NewContracts[id.TxIx]; dup {
			return types.MarloweCreateTransaction{}, fmt.Errorf("create tx %s: output %d listed twice", txID, id.TxIx)
		}
		step, err := c.CreateStep(cr)
		if err != nil {
			return types.MarloweCreateTransaction{}, fmt.Errorf("create tx %s: %w", txID, err)
		}
		out.NewContracts[id.TxIx] = types.SomeCreateStep{Version: types.MarloweV1, Step: step}
	}
	return out, nil
}

// WithdrawTransaction is the wire form of a transaction that withdrew
// payouts: the payouts it spent, per contract.
func WithdrawTransaction(txID registry.TxID, withdrawals []kv.Step) (types.MarloweWithdrawTransaction, error) {
	out := types.MarloweWithdrawTransaction{ConsumedPayouts: make(map[types.ContractId][]types.TxOutRef, len(withdrawals)), ConsumingTx: TxId(txID)}
	seen := make(map[extract.TxOutRef]bool)
	for _, w := range withdrawals {
		if w.Kind != kv.StepWithdraw || w.TxID != txID {
			return types.MarloweWithdrawTransaction{}, fmt.Errorf("withdraw tx %s: a %s step of tx %s", txID, w.Kind, w.TxID)
		}
		id, err := ContractId(w.ContractID)
		if err != nil {
			return types.MarloweWithdrawTransaction{}, fmt.Errorf("withdraw tx %s: %w", txID, err)
		}
		for _, ref := range w.Withdrawn {
			if seen[ref] {
				return types.MarloweWithdrawTransaction{}, fmt.Errorf("withdraw tx %s: payout %s listed twice", txID, ref)
			}
			seen[ref] = true
			wr, err := TxOutRef(ref)
			if err != nil {
				return types.MarloweWithdrawTransaction{}, fmt.Errorf("withdraw tx %s: %w", txID, err)
			}
			out.ConsumedPayouts[id] = append(out.ConsumedPayouts[id], wr)
		}
	}
	return out, nil
}
