package semantics

import (
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// Error is a semantics failure that is not an interval error. Its values are
// constants so that callers compare them with errors.Is or ==.
type Error string

// Error returns the message.
func (e Error) Error() string { return string(e) }

const (
	// ErrAmbiguousTimeInterval: the interval contains a When timeout, so
	// whether the When timed out depends on the instant.
	ErrAmbiguousTimeInterval Error = "semantics: ambiguous time interval"
	// ErrApplyNoMatch: the input matches no case of the current When, or the
	// contract is not waiting in a When.
	ErrApplyNoMatch Error = "semantics: input matches no case"
	// ErrHashMismatch: the first case whose action accepts the input has the
	// other kind (merkleized vs normal) or a different continuation hash.
	ErrHashMismatch Error = "semantics: merkleized continuation hash mismatch"
	// ErrMissingContinuation: a merkleized input matched its case but carries
	// no continuation (the on-chain form, not yet resolved from the datum
	// witnesses). The validator fails such a transaction too (trace `h`);
	// computeTransaction reports it as TEHashMismatch.
	ErrMissingContinuation Error = "semantics: merkleized input has no continuation"
)

// TransactionErrorOf maps an error of this package to the corresponding
// core.TransactionError, or nil for an error it does not know.
func TransactionErrorOf(err error) core.TransactionError {
	switch err {
	case ErrAmbiguousTimeInterval:
		return core.TEAmbiguousTimeIntervalError{}
	case ErrApplyNoMatch:
		return core.TEApplyNoMatchError{}
	case ErrHashMismatch, ErrMissingContinuation:
		return core.TEHashMismatch{}
	}
	return nil
}

// ReduceResult is the outcome of ReduceContractUntilQuiescent. When Err is
// set (ErrAmbiguousTimeInterval) the other fields are meaningless.
type ReduceResult struct {
	// Reduced reports whether any reduction step was taken.
	Reduced  bool
	Warnings []core.TransactionWarning
	Payments []core.Payment
	State    core.State
	Contract core.Contract
	Err      error
}

// ReduceContractUntilQuiescent reduces c without inputs until it waits in a
// When whose timeout lies after the interval, or is a Close with nothing
// left to refund (semantics.md §3.4–3.5). Warnings and payments are in
// execution order. st is not modified.
func ReduceContractUntilQuiescent(env core.Environment, st core.State, c core.Contract) ReduceResult {
	own := cloneState(st)
	r := ReduceResult{}
	cont, reduced, err := reduceOwned(&env, &own, c, &r.Warnings, &r.Payments)
	if err != nil {
		return ReduceResult{Err: err}
	}
	r.Reduced, r.State, r.Contract = reduced, own, cont
	return r
}

// reduceOwned is the reduction loop over a state whose lists this package
// owns (updated in place). It iterates rather than recursing per step, so
// long Pay/Let chains cannot exhaust the stack. Warnings and payments are
// appended to the given slices.
func reduceOwned(env *core.Environment, st *core.State, c core.Contract,
	warnings *[]core.TransactionWarning, payments *[]core.Payment) (core.Contract, bool, error) {
	reduced := false
	for {
		c = normContract(c)
		switch x := c.(type) {
		case core.Close:
			// refundOne: the first positive account is paid out; non-positive
			// ones before it are dropped with it. With none, Close is
			// quiescent and the state (including any non-positive entries)
			// stays as it is.
			i := 0
			for i < len(st.Accounts) && intOrZero(st.Accounts[i].Amount).Sign() <= 0 {
				i++
			}
			if i == len(st.Accounts) {
				return c, reduced, nil
			}
			e := st.Accounts[i]
			st.Accounts = st.Accounts[i+1:]
			*payments = append(*payments, core.Payment{
				From:   e.Account,
				To:     core.Payee{Kind: core.PayeeParty, Party: e.Account},
				Token:  e.Token,
				Amount: e.Amount,
			})
		case core.Pay:
			reducePay(env, st, x, warnings, payments)
			c = x.Then
		case core.If:
			if evalObservation(env, st, x.Obs) {
				c = x.Then
			} else {
				c = x.Else
			}
		case core.When:
			timeout := intOrZero(x.Timeout)
			if intOrZero(env.Interval.To).Cmp(timeout) < 0 {
				return c, reduced, nil
			}
			if timeout.Cmp(intOrZero(env.Interval.From)) > 0 {
				return nil, false, ErrAmbiguousTimeInterval
			}
			c = x.Continuation
		case core.Let:
			v := evalValue(env, st, x.Value)
			if old, ok := LookupBoundValue(st.BoundValues, x.ID); ok {
				*warnings = append(*warnings, core.Shadowing{ID: x.ID, Old: old, New: v})
			}
			st.BoundValues = insertBoundValueOwned(st.BoundValues, x.ID, v)
			c = x.Then
		case core.Assert:
			if !evalObservation(env, st, x.Obs) {
				*warnings = append(*warnings, core.AssertionFailed{})
			}
			c = x.Then
		}
		reduced = true
	}
}

// reducePay is the Pay step. A positive amount always yields a payment, even
// when the account is empty and the amount paid is 0 (the reference
// semantics emits it; transaction builders skip it).
func reducePay(env *core.Environment, st *core.State, p core.Pay,
	warnings *[]core.TransactionWarning, payments *[]core.Payment) {
	amount := evalValue(env, st, p.Amount)
	if amount.Sign() <= 0 {
		*warnings = append(*warnings, core.NonPositivePay{Account: p.From, Payee: p.To, Token: p.Token, Amount: amount})
		return
	}
	balance := zeroIfAbsent(st.Accounts, p.From, p.Token)
	paid := balance
	if amount.Cmp(balance) < 0 {
		paid = amount
	}
	st.Accounts = updateMoneyOwned(st.Accounts, p.From, p.Token, new(big.Int).Sub(balance, paid))
	if paid.Cmp(amount) < 0 {
		*warnings = append(*warnings, core.PartialPay{Account: p.From, Payee: p.To, Token: p.Token, Paid: paid, Expected: amount})
	}
	*payments = append(*payments, core.Payment{From: p.From, To: p.To, Token: p.Token, Amount: paid})
	if p.To.Kind == core.PayeeAccount {
		st.Accounts = addMoneyOwned(st.Accounts, p.To.Party, p.Token, paid)
	}
}
