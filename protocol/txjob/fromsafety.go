package txjob

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/safety"
)

// FromSafety maps a finding of contracts/safety to its wire form. The two
// sums correspond constructor for constructor (same names and fields), so
// the mapping is mechanical; an unknown type is an error, never a panic.
func FromSafety(e safety.Error) (SafetyError, error) {
	switch v := e.(type) {
	case safety.MissingRolesCurrency:
		return MissingRolesCurrency{}, nil
	case safety.ContractHasNoRoles:
		return ContractHasNoRoles{}, nil
	case safety.MissingRoleToken:
		return MissingRoleToken{Role: v.Role}, nil
	case safety.ExtraRoleToken:
		return ExtraRoleToken{Role: v.Role}, nil
	case safety.RoleNameTooLong:
		return RoleNameTooLong{Role: v.Role}, nil
	case safety.InvalidCurrencySymbol:
		return InvalidCurrencySymbol{Currency: v.Currency}, nil
	case safety.TokenNameTooLong:
		return TokenNameTooLong{Name: v.Name}, nil
	case safety.InvalidToken:
		return InvalidToken{Token: v.Token}, nil
	case safety.NonPositiveBalance:
		return NonPositiveBalance{Account: v.Account, Token: v.Token}, nil
	case safety.DuplicateAccount:
		return DuplicateAccount{Account: v.Account, Token: v.Token}, nil
	case safety.DuplicateChoice:
		return DuplicateChoice{Choice: v.Choice}, nil
	case safety.DuplicateBoundValue:
		return DuplicateBoundValue{ValueID: v.ValueID}, nil
	case safety.MaximumValueMayExceedProtocol:
		return MaximumValueMayExceedProtocol{Bytes: v.Bytes}, nil
	case safety.TransactionSizeMayExceedProtocol:
		return TransactionSizeMayExceedProtocol{Tx: fromSafetyTx(v.Tx), Bytes: v.Bytes}, nil
	case safety.TransactionCostMayExceedProtocol:
		return TransactionCostMayExceedProtocol{Tx: fromSafetyTx(v.Tx), Cost: ExBudget{CPU: v.Cost.CPU, Memory: v.Cost.Memory}}, nil
	case safety.TransactionValidationError:
		return TransactionValidationError{Tx: fromSafetyTx(v.Tx), Message: v.Message}, nil
	case safety.TransactionWarning:
		return TransactionWarning{Tx: fromSafetyTx(v.Tx), Warning: v.Warning}, nil
	case safety.MissingContinuation:
		return MissingContinuation{Hash: v.Hash}, nil
	case safety.InconsistentNetworks:
		return InconsistentNetworks{}, nil
	case safety.WrongNetwork:
		return WrongNetwork{}, nil
	case safety.IllegalAddress:
		return IllegalAddress{Address: v.Address}, nil
	case safety.SafetyAnalysisTimeout:
		return SafetyAnalysisTimeout{}, nil
	}
	return nil, fmt.Errorf("txjob: map safety finding: unsupported type %T", e)
}

// FromSafetyAll maps a list of findings with FromSafety, failing on the
// first unknown one.
func FromSafetyAll(errs []safety.Error) ([]SafetyError, error) {
	out := make([]SafetyError, 0, len(errs))
	for i, e := range errs {
		w, err := FromSafety(e)
		if err != nil {
			return nil, fmt.Errorf("finding %d: %w", i, err)
		}
		out = append(out, w)
	}
	return out, nil
}

func fromSafetyTx(t safety.Transaction) SafetyTx {
	return SafetyTx{State: t.State, Contract: t.Contract, Input: t.Input, Output: t.Output}
}
