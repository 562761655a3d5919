package extract

import (
	"fmt"
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// TxOutRef identifies a transaction output; a contract is identified by the
// TxOutRef of its creation output.
type TxOutRef = registry.TxOutRef

// BlockHeader identifies the block a transaction is in.
type BlockHeader struct {
	Slot   uint64
	Hash   [32]byte
	Number uint64
}

// Asset is a native-token quantity in an output.
type Asset struct {
	Token    core.Token
	Quantity *big.Int
}

// Output is a transaction output at a Marlowe or payout validator, with what
// the index and the protocol server need of it.
type Output struct {
	Ref TxOutRef
	// Address is the raw (CIP-19) address exactly as encoded on chain,
	// stake part included.
	Address  []byte
	Lovelace *big.Int
	// Assets are sorted by policy id, then token name.
	Assets []Asset
	// DatumHash is the output's datum hash: the hash it carries, or for an
	// inline datum the hash of the datum's bytes. Nil when the output has
	// no datum.
	DatumHash *[32]byte
	// InlineDatum tells an inline datum from a datum hash.
	InlineDatum bool
	// Datum is the datum's CBOR as on chain: the inline datum, or the
	// witness-set datum whose hash is DatumHash. Nil when the output has
	// none or the transaction does not reveal it.
	Datum []byte
}

// Created is a new contract: an output at a Marlowe semantics validator,
// carrying a MarloweData datum, in a transaction that spends no output at a
// Marlowe semantics validator.
type Created struct {
	// ContractID is the creation output's reference.
	ContractID TxOutRef
	Version    registry.Version
	ScriptHash registry.ScriptHash
	PayoutHash registry.ScriptHash
	Output     Output
	Datum      core.MarloweData
	// RolesCurrency is Datum.Params.RolesCurrency: the role-token policy,
	// empty when the contract has no roles.
	RolesCurrency core.CurrencySymbol
	// RolesPolicyScript is the native script whose hash is RolesCurrency,
	// as encoded in the creation transaction's witness set: present when
	// the transaction carried the roles policy as a native script (to
	// mint the role tokens), so that they can be burnt later without the
	// creator having kept the script. Nil otherwise: no roles, a Plutus
	// policy, a policy given by reference script, or tokens minted
	// before.
	RolesPolicyScript []byte
	Metadata          Metadata
}

// Payout is an output of an apply-inputs transaction at the contract's
// payout validator, with its role datum.
type Payout struct {
	Output Output
	Datum  core.PayoutDatum
}

// InputsApplied is a transaction that spent a contract's current output.
type InputsApplied struct {
	ContractID TxOutRef
	TxID       registry.TxID
	// Input is the consumed contract output as indexed.
	Input Entry
	// Redeemer is the redeemer's CBOR as on chain.
	Redeemer []byte
	// Inputs are the redeemer's inputs; a merkleized input carries the
	// continuation found in the transaction's outputs.
	Inputs []core.Input
	// ValidFrom and ValidTo are the transaction's validity bounds in
	// slots: invalidBefore (inclusive) and invalidHereafter (exclusive).
	ValidFrom, ValidTo uint64
	// Output is the continuing output and Datum its decoded datum; both are
	// nil when the contract closed.
	Output   *Output
	Datum    *core.MarloweData
	Payouts  []Payout
	Metadata Metadata
}

// Closed reports whether the transaction closed the contract.
func (a *InputsApplied) Closed() bool { return a.Output == nil }

// ContractWithdrawal lists the payouts of one contract that a transaction
// spent.
type ContractWithdrawal struct {
	ContractID TxOutRef
	// Payouts are the consumed payout outputs as indexed, in TxOutRef
	// order.
	Payouts []Entry
}

// Withdrawn is a transaction that spent payout outputs.
type Withdrawn struct {
	TxID registry.TxID
	// Contracts are in ContractID order.
	Contracts []ContractWithdrawal
}

// CreateError is why an output at a Marlowe semantics validator did not
// become a contract. The names are the Runtime's ExtractCreationError
// constructors that can arise here (Byron, non-script and unknown-script
// addresses are excluded before an output is considered).
type CreateError uint8

const (
	// NoCreateDatum: the output has no datum, or only a hash whose datum
	// the transaction does not reveal.
	NoCreateDatum CreateError = iota + 1
	// InvalidCreateDatum: the datum does not decode as MarloweData.
	InvalidCreateDatum
	// NotCreationTransaction: the output's reference is already a
	// contract's current output.
	NotCreationTransaction
)

func (e CreateError) String() string {
	switch e {
	case NoCreateDatum:
		return "NoCreateDatum"
	case InvalidCreateDatum:
		return "InvalidCreateDatum"
	case NotCreationTransaction:
		return "NotCreationTransaction"
	}
	return fmt.Sprintf("CreateError(%d)", uint8(e))
}

// CreateRejected is a diagnostic: an output that looked like a creation but
// is not indexed. It never stops indexing; the caller logs it.
type CreateRejected struct {
	Ref        TxOutRef
	Version    registry.Version
	ScriptHash registry.ScriptHash
	Reason     CreateError
	// Err details the reason (the decoding error for InvalidCreateDatum).
	Err error
}

func (r CreateRejected) String() string {
	s := fmt.Sprintf("creation %s (%s): %s", r.Ref, r.Version, r.Reason)
	if r.Err != nil {
		s += ": " + r.Err.Error()
	}
	return s
}

// ApplyError is why a transaction that spent a contract output is not an
// apply-inputs step; the names are the Runtime's
// ExtractMarloweTransactionError constructors. (TxInNotFound cannot arise;
// SlotConversionFailed belongs to the slot-to-time conversion done later.)
type ApplyError uint8

const (
	// NoRedeemer: no spend redeemer points at the contract input.
	NoRedeemer ApplyError = iota + 1
	// InvalidRedeemer: the redeemer does not decode as Marlowe inputs, or
	// a merkleized input's continuation is in no output.
	InvalidRedeemer
	// InvalidValidityRange: the transaction lacks a lower or upper bound.
	InvalidValidityRange
	// NoTransactionDatum: the continuing output has no resolvable datum.
	NoTransactionDatum
	// InvalidTransactionDatum: the continuing datum is not MarloweData.
	InvalidTransactionDatum
	// NoPayoutDatum: an output at the payout validator has no resolvable
	// datum.
	NoPayoutDatum
	// InvalidPayoutDatum: a payout datum is not (currency, role).
	InvalidPayoutDatum
	// MultipleContractInputs: the transaction spent several contracts.
	MultipleContractInputs
)

func (e ApplyError) String() string {
	switch e {
	case NoRedeemer:
		return "NoRedeemer"
	case InvalidRedeemer:
		return "InvalidRedeemer"
	case InvalidValidityRange:
		return "InvalidValidityRange"
	case NoTransactionDatum:
		return "NoTransactionDatum"
	case InvalidTransactionDatum:
		return "InvalidTransactionDatum"
	case NoPayoutDatum:
		return "NoPayoutDatum"
	case InvalidPayoutDatum:
		return "InvalidPayoutDatum"
	case MultipleContractInputs:
		return "MultipleContractInputs"
	}
	return fmt.Sprintf("ApplyError(%d)", uint8(e))
}

// ApplyRejected is a diagnostic: a transaction spent contract outputs but is
// not a valid apply-inputs step. Like the Runtime, the spent contract
// outputs leave the unspent set (the Delta removes them), so those
// contracts receive no further steps.
type ApplyRejected struct {
	TxID registry.TxID
	// Consumed are the contract outputs spent, in TxOutRef order, and
	// ContractIDs their contracts in the same order.
	Consumed    []TxOutRef
	ContractIDs []TxOutRef
	Reason      ApplyError
	// Output is the offending output for payout-datum errors.
	Output *TxOutRef
	Err    error
}

func (r ApplyRejected) String() string {
	s := fmt.Sprintf("apply-inputs tx %s: %s", r.TxID, r.Reason)
	if r.Output != nil {
		s += " at " + r.Output.String()
	}
	if r.Err != nil {
		s += ": " + r.Err.Error()
	}
	return s
}

// TxEvents is everything one transaction means for Marlowe.
type TxEvents struct {
	// TxID is set when the events are not Empty; an Empty result leaves it
	// zero, as hashing the body would be most of the cost of extracting an
	// unrelated transaction.
	TxID registry.TxID
	// Index is the transaction's position in its block.
	Index int
	// Valid is false for a phase-2-invalid transaction, which has no
	// Marlowe effect (only its collateral moves).
	Valid bool

	// Created are in output order. A transaction that creates contracts
	// spends no Marlowe output, so Created and Applied never both occur.
	Created   []Created
	Applied   *InputsApplied
	Withdrawn *Withdrawn

	// Diagnostics, not indexed as steps.
	CreateRejected []CreateRejected
	ApplyRejected  *ApplyRejected

	// Foreign lists new outputs at Marlowe semantics validators that are
	// no contract's current output (rejected creations, extra outputs of
	// apply transactions, ...); ForeignSpent the known ones this
	// transaction spent. They are tracked only so that a later transaction
	// spending one is known to have a Marlowe input and so creates
	// nothing, as in the Runtime, which sees every input's address.
	Foreign      []Entry
	ForeignSpent []TxOutRef
}

// HasSteps reports whether the transaction created, advanced or withdrew
// from a contract.
func (t *TxEvents) HasSteps() bool {
	return len(t.Created) > 0 || t.Applied != nil || t.Withdrawn != nil
}

// Empty reports whether the transaction matters to Marlowe in no way:
// no steps, no diagnostics and no bookkeeping.
func (t *TxEvents) Empty() bool {
	return !t.HasSteps() && len(t.CreateRejected) == 0 && t.ApplyRejected == nil &&
		len(t.Foreign) == 0 && len(t.ForeignSpent) == 0
}

// BlockEvents are the Marlowe transactions of one block.
type BlockEvents struct {
	Header BlockHeader
	// Txs holds, in block order, the transactions that are not Empty.
	Txs []TxEvents
}

// HasSteps reports whether any transaction of the block has a step.
func (b *BlockEvents) HasSteps() bool {
	for i := range b.Txs {
		if b.Txs[i].HasSteps() {
			return true
		}
	}
	return false
}
