package txbuild

import (
	"fmt"
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// The typed errors below are one per failure a service layer reports to
// clients; each maps 1:1 onto a protocol/txjob error (named in its doc).
// Other failures (malformed requests, encoding problems) are plain wrapped
// errors, which map to txjob's BalancingError / ToCardanoError.

// InsufficientFundsError: the wallet cannot cover the transaction
// (txjob CoinSelectionFailed InsufficientLovelace when Tokens is empty,
// InsufficientTokens otherwise). Required and Available are lovelace.
type InsufficientFundsError struct {
	Required, Available *big.Int
	// Tokens are the missing token quantities.
	Tokens map[AssetID]uint64
}

func (e *InsufficientFundsError) Error() string {
	if len(e.Tokens) > 0 {
		return fmt.Sprintf("insufficient funds: wallet lacks %d token kind(s)", len(e.Tokens))
	}
	return fmt.Sprintf("insufficient funds: %s lovelace required, %s available", e.Required, e.Available)
}

// MissingRoleTokenError: a role-authorised input or a withdrawal needs a role
// token the wallet does not hold (txjob RoleTokenNotFound).
type MissingRoleTokenError struct {
	Currency core.CurrencySymbol
	Role     core.TokenName
}

func (e *MissingRoleTokenError) Error() string {
	return fmt.Sprintf("missing role token %x.%q", string(e.Currency), string(e.Role))
}

// ContractClosedError: the contract has no unspent output, so no input can
// be applied (txjob ScriptOutputNotFound).
type ContractClosedError struct{}

func (*ContractClosedError) Error() string { return "contract is closed: no Marlowe output to spend" }

// SemanticsError: computeTransaction rejected the inputs
// (txjob MarloweComputeTransactionFailed).
type SemanticsError struct{ Err core.TransactionError }

func (e *SemanticsError) Error() string {
	return fmt.Sprintf("marlowe semantics rejected the transaction: %T%+v", e.Err, e.Err)
}

// LimitKind says which protocol limit a transaction exceeds.
type LimitKind string

// The limits checked.
const (
	LimitTxSize  LimitKind = "maxTxSize"
	LimitExUnits LimitKind = "maxTxExUnits"
)

// LimitExceededError: the transaction is too big or needs too much
// execution budget (txjob BalancingError with this message).
type LimitExceededError struct {
	Kind LimitKind
	// Size/MaxSize or ExUnits/MaxExUnits, by Kind.
	Size, MaxSize       uint64
	ExUnits, MaxExUnits ExUnits
}

func (e *LimitExceededError) Error() string {
	if e.Kind == LimitTxSize {
		return fmt.Sprintf("transaction size %d exceeds maxTxSize %d", e.Size, e.MaxSize)
	}
	return fmt.Sprintf("transaction ex-units %+v exceed maxTxExUnits %+v", e.ExUnits, e.MaxExUnits)
}

// NoCollateralError: no wallet output can serve as collateral (a pure-ada
// key-address output of at least Required lovelace) (txjob
// CoinSelectionFailed NoCollateralFound, with Candidates).
type NoCollateralError struct {
	Required   uint64
	Candidates []registry.TxOutRef
}

func (e *NoCollateralError) Error() string {
	return fmt.Sprintf("no collateral: need a pure-ada key-address output of at least %d lovelace among %d candidate(s)", e.Required, len(e.Candidates))
}

// ScriptNotPublishedError: no reference-script UTxO carries the validator
// (txjob MarloweScriptNotPublished / PayoutScriptNotPublished).
type ScriptNotPublishedError struct{ Hash registry.ScriptHash }

func (e *ScriptNotPublishedError) Error() string {
	return fmt.Sprintf("script %s has no reference-script UTxO", e.Hash)
}

// ScriptFailedError: a validator rejected the built transaction while its
// ex-units were measured (txjob BalancingError with this message). Logs are
// the script's traces (Marlowe's single-letter codes, semantics.md §4.3).
type ScriptFailedError struct {
	Script registry.ScriptHash
	Logs   []string
	Err    error
}

func (e *ScriptFailedError) Error() string {
	return fmt.Sprintf("script %s failed (traces %q): %v", e.Script, e.Logs, e.Err)
}

func (e *ScriptFailedError) Unwrap() error { return e.Err }

// MinUTxOError: an output whose value the builder may not change (the
// Marlowe continuation) is below the ledger minimum (txjob
// CalculateMinUtxoFailed).
type MinUTxOError struct {
	Have, Need uint64
}

func (e *MinUTxOError) Error() string {
	return fmt.Sprintf("marlowe output holds %d lovelace, below the min-UTxO %d", e.Have, e.Need)
}

// ValidityLowerBoundTooHighError: the requested lower bound is after the tip
// (txjob ValidityLowerBoundTooHigh).
type ValidityLowerBoundTooHighError struct{ TipSlot, InvalidBefore uint64 }

func (e *ValidityLowerBoundTooHighError) Error() string {
	return fmt.Sprintf("validity lower bound %d is after the tip %d", e.InvalidBefore, e.TipSlot)
}

// InvalidPayoutError: a withdrawal names an output that is not a payout of
// a known payout validator with a (currency, role) datum (txjob
// InvalidPayoutScriptAddress / InvalidPayoutDatum).
type InvalidPayoutError struct {
	Ref    registry.TxOutRef
	Reason string
}

func (e *InvalidPayoutError) Error() string {
	return fmt.Sprintf("payout %s: %s", e.Ref, e.Reason)
}

// InvalidStateError: the contract's datum breaks the validator's state
// invariants (positive balances, no duplicate keys, accounts total equal to
// the output's value), so the output can never be spent (txjob
// InvalidMarloweState).
type InvalidStateError struct{ Err error }

func (e *InvalidStateError) Error() string { return "invalid marlowe state: " + e.Err.Error() }

func (e *InvalidStateError) Unwrap() error { return e.Err }
