package semantics

import (
	"bytes"
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// ApplyResult is the outcome of ApplyInput. When Err is set (ErrApplyNoMatch,
// ErrHashMismatch or ErrMissingContinuation) the other fields are
// meaningless.
type ApplyResult struct {
	// Warning is the NonPositiveDeposit warning of a deposit of a
	// non-positive amount, or nil.
	Warning  core.TransactionWarning
	State    core.State
	Contract core.Contract
	Err      error
}

// ApplyInput applies one input to c, which must be a When (anything else is
// ErrApplyNoMatch), without reducing first (semantics.md §3.6). The first
// case whose action accepts the input decides: its continuation is taken if
// the input and the case agree on merkleization (and on the hash), and the
// result is ErrHashMismatch otherwise; later cases are not tried. st is not
// modified.
func ApplyInput(env core.Environment, st core.State, in core.Input, c core.Contract) ApplyResult {
	own := cloneState(st)
	w, cont, err := applyOwned(&env, &own, in, c)
	if err != nil {
		return ApplyResult{Err: err}
	}
	return ApplyResult{Warning: w, State: own, Contract: cont}
}

// applyOwned applies in to c, updating the owned state st in place. The
// state is changed only once the input has been accepted.
func applyOwned(env *core.Environment, st *core.State, in core.Input, c core.Contract) (core.TransactionWarning, core.Contract, error) {
	when, ok := normContract(c).(core.When)
	if !ok {
		return nil, nil, ErrApplyNoMatch
	}
	content := normInputContent(in.Content)
	for _, cs := range when.Cases {
		if !actionAccepts(env, st, content, normAction(cs.Action)) {
			continue
		}
		var cont core.Contract
		switch {
		case !in.Merkleized && !cs.Merkleized:
			cont = normContract(cs.Then)
		case in.Merkleized && cs.Merkleized && bytes.Equal(in.Hash, cs.Hash):
			if in.Continuation == nil {
				return nil, nil, ErrMissingContinuation
			}
			cont = normContract(in.Continuation)
		default:
			return nil, nil, ErrHashMismatch
		}
		var warning core.TransactionWarning
		switch x := content.(type) {
		case core.IDeposit:
			amount := intOrZero(x.Amount)
			if amount.Sign() <= 0 {
				warning = core.NonPositiveDeposit{Party: x.From, Account: x.Into, Token: x.Token, Amount: amount}
			}
			st.Accounts = addMoneyOwned(st.Accounts, x.Into, x.Token, amount)
		case core.IChoice:
			st.Choices = insertChoiceOwned(st.Choices, x.ID, intOrZero(x.Chosen))
		}
		return warning, cont, nil
	}
	return nil, nil, ErrApplyNoMatch
}

// actionAccepts is applyAction's matching half: whether action a accepts
// input content ic in the current state.
func actionAccepts(env *core.Environment, st *core.State, ic core.InputContent, a core.Action) bool {
	switch x := ic.(type) {
	case core.IDeposit:
		d, ok := a.(core.Deposit)
		return ok && x.Into == d.Into && x.From == d.From && x.Token == d.Token &&
			intOrZero(x.Amount).Cmp(evalValue(env, st, d.Amount)) == 0
	case core.IChoice:
		ch, ok := a.(core.Choice)
		return ok && x.ID == ch.ID && inBounds(intOrZero(x.Chosen), ch.Bounds)
	case core.INotify:
		n, ok := a.(core.Notify)
		return ok && evalObservation(env, st, n.Obs)
	}
	return false
}

func inBounds(n *big.Int, bounds []core.Bound) bool {
	for _, b := range bounds {
		if n.Cmp(intOrZero(b.Low)) >= 0 && n.Cmp(intOrZero(b.High)) <= 0 {
			return true
		}
	}
	return false
}

// ApplyAllResult is the outcome of ApplyAllInputs. When Err is set
// (ErrAmbiguousTimeInterval, ErrApplyNoMatch, ErrHashMismatch or
// ErrMissingContinuation) the other fields are meaningless.
type ApplyAllResult struct {
	// Changed reports whether any reduction step was taken or any input
	// applied; computeTransaction calls an unchanged transaction useless.
	Changed  bool
	Warnings []core.TransactionWarning
	Payments []core.Payment
	State    core.State
	Contract core.Contract
	Err      error
}

// ApplyAllInputs reduces c to quiescence, then applies each input in turn,
// reducing again after each (semantics.md §3.7), in the given environment.
// st is not modified.
func ApplyAllInputs(env core.Environment, st core.State, c core.Contract, inputs []core.Input) ApplyAllResult {
	own := cloneState(st)
	return applyAllOwned(&env, own, c, inputs)
}

func applyAllOwned(env *core.Environment, st core.State, c core.Contract, inputs []core.Input) ApplyAllResult {
	r := ApplyAllResult{}
	for i := 0; ; i++ {
		cont, reduced, err := reduceOwned(env, &st, c, &r.Warnings, &r.Payments)
		if err != nil {
			return ApplyAllResult{Err: err}
		}
		r.Changed = r.Changed || reduced
		if i == len(inputs) {
			r.State, r.Contract = st, cont
			return r
		}
		w, next, err := applyOwned(env, &st, inputs[i], cont)
		if err != nil {
			return ApplyAllResult{Err: err}
		}
		if w != nil {
			r.Warnings = append(r.Warnings, w)
		}
		r.Changed = true
		c = next
	}
}

// ComputeTransaction runs one transaction (semantics.md §3.7): fix the
// interval, apply all inputs with reductions in between, and reject a
// transaction that changes nothing. A transaction that only closes a Close
// contract whose accounts are non-empty is not useless, even when nothing
// is refunded. st and c are not modified.
func ComputeTransaction(tx core.TransactionInput, st core.State, c core.Contract) core.TransactionOutput {
	env, fixed, ierr := FixInterval(tx.Interval, st)
	if ierr != nil {
		return core.TransactionOutput{Error: core.TEIntervalError{Err: ierr}}
	}
	r := applyAllOwned(&env, cloneState(fixed), c, tx.Inputs)
	if r.Err != nil {
		return core.TransactionOutput{Error: TransactionErrorOf(r.Err)}
	}
	// The usefulness test looks at the contract and accounts as they were
	// before the transaction, not at the trimmed or reduced ones.
	_, isClose := normContract(c).(core.Close)
	if !r.Changed && (!isClose || len(st.Accounts) == 0) {
		return core.TransactionOutput{Error: core.TEUselessTransaction{}}
	}
	return core.TransactionOutput{
		Warnings: r.Warnings,
		Payments: r.Payments,
		State:    r.State,
		Contract: r.Contract,
	}
}

// PlayTrace runs txs in order from the empty state with minimum time
// minTime, concatenating warnings and payments. It stops at the first
// failing transaction and returns that transaction's error. With no
// transactions the result is the empty state and c.
func PlayTrace(minTime *big.Int, c core.Contract, txs []core.TransactionInput) core.TransactionOutput {
	out := core.TransactionOutput{
		State:    core.EmptyState(intOrZero(minTime)),
		Contract: c,
	}
	for _, tx := range txs {
		r := ComputeTransaction(tx, out.State, out.Contract)
		if r.Error != nil {
			return r
		}
		out.Warnings = append(out.Warnings, r.Warnings...)
		out.Payments = append(out.Payments, r.Payments...)
		out.State, out.Contract = r.State, r.Contract
	}
	return out
}
