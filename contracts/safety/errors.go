package safety

import (
	"bytes"
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// Error is one finding of the safety analysis: one of the 22 constructors
// of the Haskell SafetyError (marlowe Analysis/Safety/Types.hs), in the same
// order. The marker method keeps other types out of the sum.
type Error interface{ isSafetyError() }

// MissingRolesCurrency: roles are used but there is no roles currency.
type MissingRolesCurrency struct{}

// ContractHasNoRoles: a roles currency is set (or role tokens are minted)
// but the contract uses no roles.
type ContractHasNoRoles struct{}

// MissingRoleToken: a role the contract uses is not minted.
type MissingRoleToken struct{ Role core.TokenName }

// ExtraRoleToken: a minted or distributed role is not used by the contract.
type ExtraRoleToken struct{ Role core.TokenName }

// RoleNameTooLong: a role name is longer than the ledger's 32 bytes.
type RoleNameTooLong struct{ Role core.TokenName }

// InvalidCurrencySymbol: a non-ada currency symbol is not 28 bytes.
type InvalidCurrencySymbol struct{ Currency core.CurrencySymbol }

// TokenNameTooLong: a token name is longer than the ledger's 32 bytes.
type TokenNameTooLong struct{ Name core.TokenName }

// InvalidToken: a non-empty token name is paired with the ada symbol.
type InvalidToken struct{ Token core.Token }

// NonPositiveBalance: an initial account balance is not positive.
type NonPositiveBalance struct {
	Account core.Party
	Token   core.Token
}

// DuplicateAccount: an initial account appears more than once in the state.
type DuplicateAccount struct {
	Account core.Party
	Token   core.Token
}

// DuplicateChoice: an initial choice appears more than once in the state.
type DuplicateChoice struct{ Choice core.ChoiceID }

// DuplicateBoundValue: an initial bound value appears more than once.
type DuplicateBoundValue struct{ ValueID core.ValueID }

// MaximumValueMayExceedProtocol: the contract may hold a token bundle of
// Bytes bytes, more than the ledger's maxValueSize (a Natural).
type MaximumValueMayExceedProtocol struct{ Bytes *big.Int }

// TransactionSizeMayExceedProtocol: a transaction may exceed the ledger's
// maximum size (Bytes, a Natural). Only a transaction builder can raise it.
type TransactionSizeMayExceedProtocol struct {
	Tx    Transaction
	Bytes *big.Int
}

// TransactionCostMayExceedProtocol: a transaction's script execution may
// exceed the ledger's budget. Only a builder with a Plutus evaluator can
// raise it.
type TransactionCostMayExceedProtocol struct {
	Tx   Transaction
	Cost ExBudget
}

// TransactionValidationError: a transaction would not build or validate
// (Message is the builder's error text). Only a builder can raise it.
type TransactionValidationError struct {
	Tx      Transaction
	Message string
}

// TransactionWarning: a transaction along some execution path raises a
// semantic warning.
type TransactionWarning struct {
	Tx      Transaction
	Warning core.TransactionWarning
}

// MissingContinuation: a merkleized case's continuation (Hash, the raw
// 32-byte datum hash) is not among the supplied continuations.
type MissingContinuation struct{ Hash []byte }

// InconsistentNetworks: the contract mixes mainnet and testnet addresses.
type InconsistentNetworks struct{}

// WrongNetwork: the contract holds addresses of another network.
type WrongNetwork struct{}

// IllegalAddress: the contract holds an address the ledger cannot
// represent. Haskell carries only the Plutus address, so Mainnet is always
// false here.
type IllegalAddress struct{ Address core.Address }

// SafetyAnalysisTimeout: the transaction analysis ran out of time (or
// steps). Like the Runtime, it replaces the transaction findings.
type SafetyAnalysisTimeout struct{}

func (MissingRolesCurrency) isSafetyError()             {}
func (ContractHasNoRoles) isSafetyError()               {}
func (MissingRoleToken) isSafetyError()                 {}
func (ExtraRoleToken) isSafetyError()                   {}
func (RoleNameTooLong) isSafetyError()                  {}
func (InvalidCurrencySymbol) isSafetyError()            {}
func (TokenNameTooLong) isSafetyError()                 {}
func (InvalidToken) isSafetyError()                     {}
func (NonPositiveBalance) isSafetyError()               {}
func (DuplicateAccount) isSafetyError()                 {}
func (DuplicateChoice) isSafetyError()                  {}
func (DuplicateBoundValue) isSafetyError()              {}
func (MaximumValueMayExceedProtocol) isSafetyError()    {}
func (TransactionSizeMayExceedProtocol) isSafetyError() {}
func (TransactionCostMayExceedProtocol) isSafetyError() {}
func (TransactionValidationError) isSafetyError()       {}
func (TransactionWarning) isSafetyError()               {}
func (MissingContinuation) isSafetyError()              {}
func (InconsistentNetworks) isSafetyError()             {}
func (WrongNetwork) isSafetyError()                     {}
func (IllegalAddress) isSafetyError()                   {}
func (SafetyAnalysisTimeout) isSafetyError()            {}

// Transaction is one transaction found by the analysis (Haskell
// `Transaction ()` with its unit annotation dropped): the state and
// contract it starts from, its input, and computeTransaction's output.
type Transaction struct {
	State    core.State
	Contract core.Contract
	Input    core.TransactionInput
	Output   core.TransactionOutput
}

// ExBudget is a Plutus execution budget (CPU and memory units).
type ExBudget struct {
	CPU    int64
	Memory int64
}

// nub removes later duplicates, keeping the first occurrence of each error,
// like Haskell's Data.List.nub. It compares only the constructors that the
// fast checks produce structurally; the transaction constructors are never
// de-duplicated here.
func nub(errs []Error) []Error {
	out := make([]Error, 0, len(errs))
	for _, e := range errs {
		dup := false
		for _, o := range out {
			if sameError(e, o) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out
}

// sameError is structural equality for the errors of the fast checks. The
// comparable constructors use ==; the two with slices or big integers are
// compared by value.
func sameError(a, b Error) bool {
	switch x := a.(type) {
	case MissingContinuation:
		y, ok := b.(MissingContinuation)
		return ok && bytes.Equal(x.Hash, y.Hash)
	case MaximumValueMayExceedProtocol:
		y, ok := b.(MaximumValueMayExceedProtocol)
		return ok && x.Bytes != nil && y.Bytes != nil && x.Bytes.Cmp(y.Bytes) == 0
	case TransactionSizeMayExceedProtocol, TransactionCostMayExceedProtocol,
		TransactionValidationError, TransactionWarning:
		return false
	}
	switch b.(type) {
	case MissingContinuation, MaximumValueMayExceedProtocol, TransactionSizeMayExceedProtocol,
		TransactionCostMayExceedProtocol, TransactionValidationError, TransactionWarning:
		return false
	}
	return a == b
}
