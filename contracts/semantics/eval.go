package semantics

import (
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// FixInterval validates the transaction interval against the state and trims
// its start to the state's minimum time (semantics.md §3.2). On success it
// returns the environment for the transaction and the state with MinTime set
// to the trimmed start; the returned state shares its lists with st (neither
// is modified). The error is nil on success.
func FixInterval(iv core.TimeInterval, st core.State) (core.Environment, core.State, core.IntervalError) {
	lo, hi := intOrZero(iv.From), intOrZero(iv.To)
	minTime := intOrZero(st.MinTime)
	if hi.Cmp(lo) < 0 {
		return core.Environment{}, core.State{}, core.InvalidInterval{Interval: iv}
	}
	if hi.Cmp(minTime) < 0 {
		return core.Environment{}, core.State{}, core.IntervalInPastError{MinTime: minTime, Interval: iv}
	}
	newLo := lo
	if minTime.Cmp(lo) > 0 {
		newLo = minTime
	}
	out := st
	out.MinTime = newLo
	return core.Environment{Interval: core.TimeInterval{From: newLo, To: hi}}, out, nil
}

// EvalValue evaluates v in env and st (semantics.md §3.3). Division
// truncates toward zero and division by zero yields 0. The result is a fresh
// integer the caller owns.
func EvalValue(env core.Environment, st core.State, v core.Value) *big.Int {
	return new(big.Int).Set(evalValue(&env, &st, v))
}

// EvalObservation evaluates o in env and st (semantics.md §3.3).
func EvalObservation(env core.Environment, st core.State, o core.Observation) bool {
	return evalObservation(&env, &st, o)
}

// evalValue may return an integer shared with env, st or v: callers treat it
// as read-only. A nil or foreign Value evaluates to 0 (decoders never produce
// one; this keeps hand-built values from panicking).
func evalValue(env *core.Environment, st *core.State, v core.Value) *big.Int {
	switch x := normValue(v).(type) {
	case core.AvailableMoney:
		return zeroIfAbsent(st.Accounts, x.Account, x.Token)
	case core.Constant:
		return intOrZero(x.N)
	case core.NegValue:
		return new(big.Int).Neg(evalValue(env, st, x.V))
	case core.AddValue:
		l := evalValue(env, st, x.L)
		return new(big.Int).Add(l, evalValue(env, st, x.R))
	case core.SubValue:
		l := evalValue(env, st, x.L)
		return new(big.Int).Sub(l, evalValue(env, st, x.R))
	case core.MulValue:
		l := evalValue(env, st, x.L)
		return new(big.Int).Mul(l, evalValue(env, st, x.R))
	case core.DivValue:
		n := evalValue(env, st, x.L)
		d := evalValue(env, st, x.R)
		if d.Sign() == 0 {
			return new(big.Int)
		}
		// big.Int.Quo truncates toward zero, as Haskell's quot does.
		return new(big.Int).Quo(n, d)
	case core.ChoiceValue:
		if i := choiceIndex(st.Choices, x.ID); i >= 0 {
			return intOrZero(st.Choices[i].Value)
		}
		return new(big.Int)
	case core.TimeIntervalStart:
		return intOrZero(env.Interval.From)
	case core.TimeIntervalEnd:
		return intOrZero(env.Interval.To)
	case core.UseValue:
		if i := boundValueIndex(st.BoundValues, x.ID); i >= 0 {
			return intOrZero(st.BoundValues[i].Value)
		}
		return new(big.Int)
	case core.Cond:
		if evalObservation(env, st, x.Obs) {
			return evalValue(env, st, x.Then)
		}
		return evalValue(env, st, x.Else)
	default:
		return new(big.Int)
	}
}

// evalObservation reads a nil or foreign Observation as false.
func evalObservation(env *core.Environment, st *core.State, o core.Observation) bool {
	switch x := normObservation(o).(type) {
	case core.AndObs:
		return evalObservation(env, st, x.L) && evalObservation(env, st, x.R)
	case core.OrObs:
		return evalObservation(env, st, x.L) || evalObservation(env, st, x.R)
	case core.NotObs:
		return !evalObservation(env, st, x.O)
	case core.ChoseSomething:
		return choiceIndex(st.Choices, x.ID) >= 0
	case core.ValueGE:
		return compareValues(env, st, x.L, x.R) >= 0
	case core.ValueGT:
		return compareValues(env, st, x.L, x.R) > 0
	case core.ValueLT:
		return compareValues(env, st, x.L, x.R) < 0
	case core.ValueLE:
		return compareValues(env, st, x.L, x.R) <= 0
	case core.ValueEQ:
		return compareValues(env, st, x.L, x.R) == 0
	case core.TrueObs:
		return true
	default:
		return false
	}
}

func compareValues(env *core.Environment, st *core.State, l, r core.Value) int {
	lv := evalValue(env, st, l)
	return lv.Cmp(evalValue(env, st, r))
}

// The core types implement their interfaces with value receivers, so a
// pointer to one satisfies the interface too. The norm* helpers accept both
// forms so that hand-built trees using pointers evaluate the same way.

func normValue(v core.Value) core.Value {
	switch x := v.(type) {
	case *core.AvailableMoney:
		return deref[core.Value](x)
	case *core.Constant:
		return deref[core.Value](x)
	case *core.NegValue:
		return deref[core.Value](x)
	case *core.AddValue:
		return deref[core.Value](x)
	case *core.SubValue:
		return deref[core.Value](x)
	case *core.MulValue:
		return deref[core.Value](x)
	case *core.DivValue:
		return deref[core.Value](x)
	case *core.ChoiceValue:
		return deref[core.Value](x)
	case *core.TimeIntervalStart:
		return deref[core.Value](x)
	case *core.TimeIntervalEnd:
		return deref[core.Value](x)
	case *core.UseValue:
		return deref[core.Value](x)
	case *core.Cond:
		return deref[core.Value](x)
	}
	return v
}

func normObservation(o core.Observation) core.Observation {
	switch x := o.(type) {
	case *core.AndObs:
		return deref[core.Observation](x)
	case *core.OrObs:
		return deref[core.Observation](x)
	case *core.NotObs:
		return deref[core.Observation](x)
	case *core.ChoseSomething:
		return deref[core.Observation](x)
	case *core.ValueGE:
		return deref[core.Observation](x)
	case *core.ValueGT:
		return deref[core.Observation](x)
	case *core.ValueLT:
		return deref[core.Observation](x)
	case *core.ValueLE:
		return deref[core.Observation](x)
	case *core.ValueEQ:
		return deref[core.Observation](x)
	case *core.TrueObs:
		return deref[core.Observation](x)
	case *core.FalseObs:
		return deref[core.Observation](x)
	}
	return o
}

func normAction(a core.Action) core.Action {
	switch x := a.(type) {
	case *core.Deposit:
		return deref[core.Action](x)
	case *core.Choice:
		return deref[core.Action](x)
	case *core.Notify:
		return deref[core.Action](x)
	}
	return a
}

func normInputContent(c core.InputContent) core.InputContent {
	switch x := c.(type) {
	case *core.IDeposit:
		return deref[core.InputContent](x)
	case *core.IChoice:
		return deref[core.InputContent](x)
	case *core.INotify:
		return deref[core.InputContent](x)
	}
	return c
}

// normContract returns the value form of c; a nil or foreign contract reads
// as Close, the zero contract, so reduction always terminates on it.
func normContract(c core.Contract) core.Contract {
	switch x := c.(type) {
	case core.Close, core.Pay, core.If, core.When, core.Let, core.Assert:
		return c
	case *core.Close:
		return core.Close{}
	case *core.Pay:
		return derefOrClose(x)
	case *core.If:
		return derefOrClose(x)
	case *core.When:
		return derefOrClose(x)
	case *core.Let:
		return derefOrClose(x)
	case *core.Assert:
		return derefOrClose(x)
	}
	return core.Close{}
}

// deref dereferences p as interface I (which *p implements); a nil pointer
// becomes a nil interface, which the evaluators read as 0 / false.
func deref[I any, T any](p *T) I {
	if p == nil {
		var zero I
		return zero
	}
	v, _ := any(*p).(I)
	return v
}

func derefOrClose[T core.Contract](p *T) core.Contract {
	if p == nil {
		return core.Close{}
	}
	return *p
}
