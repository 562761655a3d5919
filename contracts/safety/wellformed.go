package safety

import (
	"errors"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// errNil marks a missing (nil) node or integer.
var errNil = errors.New("missing value")

// checkWellFormed rejects what the semantics cannot run: nil nodes or
// integers, template (unfilled) timeouts, a state without minimum time.
func checkWellFormed(st core.State, c core.Contract, conts Continuations) error {
	if err := wellFormedState(st); err != nil {
		return fmt.Errorf("safety: state: %w", err)
	}
	if err := wellFormedContract(c); err != nil {
		return fmt.Errorf("safety: contract: %w", err)
	}
	for _, k := range sortedKeys(conts) {
		if err := wellFormedContract(conts[k]); err != nil {
			return fmt.Errorf("safety: continuation %s: %w", k, err)
		}
	}
	return nil
}

func wellFormedState(st core.State) error {
	if st.MinTime == nil {
		return fmt.Errorf("minTime: %w", errNil)
	}
	for i, a := range st.Accounts {
		if a.Amount == nil {
			return fmt.Errorf("accounts[%d]: %w", i, errNil)
		}
	}
	for i, ch := range st.Choices {
		if ch.Value == nil {
			return fmt.Errorf("choices[%d]: %w", i, errNil)
		}
	}
	for i, b := range st.BoundValues {
		if b.Value == nil {
			return fmt.Errorf("boundValues[%d]: %w", i, errNil)
		}
	}
	return nil
}

func wellFormedContract(c core.Contract) error {
	return core.Walk(c, func(c core.Contract) error {
		switch v := c.(type) {
		case core.Close:
		case core.Pay:
			if err := wellFormedValue(v.Amount); err != nil {
				return fmt.Errorf("pay: %w", err)
			}
		case core.If:
			if err := wellFormedObservation(v.Obs); err != nil {
				return fmt.Errorf("if: %w", err)
			}
		case core.When:
			if v.TimeoutParam != "" {
				return fmt.Errorf("when: unfilled template timeout %q", v.TimeoutParam)
			}
			if v.Timeout == nil {
				return fmt.Errorf("when timeout: %w", errNil)
			}
			for i, cs := range v.Cases {
				if err := wellFormedAction(cs.Action); err != nil {
					return fmt.Errorf("when case %d: %w", i, err)
				}
			}
		case core.Let:
			if err := wellFormedValue(v.Value); err != nil {
				return fmt.Errorf("let: %w", err)
			}
		case core.Assert:
			if err := wellFormedObservation(v.Obs); err != nil {
				return fmt.Errorf("assert: %w", err)
			}
		case nil:
			return fmt.Errorf("contract: %w", errNil)
		default:
			return fmt.Errorf("unsupported contract type %T", c)
		}
		return nil
	})
}

func wellFormedAction(a core.Action) error {
	switch v := a.(type) {
	case core.Deposit:
		return wellFormedValue(v.Amount)
	case core.Choice:
		for i, b := range v.Bounds {
			if b.Low == nil || b.High == nil {
				return fmt.Errorf("choice bound %d: %w", i, errNil)
			}
		}
		return nil
	case core.Notify:
		return wellFormedObservation(v.Obs)
	case nil:
		return fmt.Errorf("action: %w", errNil)
	}
	return fmt.Errorf("unsupported action type %T", a)
}

func wellFormedValue(v core.Value) error {
	switch x := v.(type) {
	case core.AvailableMoney, core.ChoiceValue, core.TimeIntervalStart, core.TimeIntervalEnd, core.UseValue:
		return nil
	case core.Constant:
		if x.N == nil {
			return fmt.Errorf("constant: %w", errNil)
		}
		return nil
	case core.NegValue:
		return wellFormedValue(x.V)
	case core.AddValue:
		return errors.Join(wellFormedValue(x.L), wellFormedValue(x.R))
	case core.SubValue:
		return errors.Join(wellFormedValue(x.L), wellFormedValue(x.R))
	case core.MulValue:
		return errors.Join(wellFormedValue(x.L), wellFormedValue(x.R))
	case core.DivValue:
		return errors.Join(wellFormedValue(x.L), wellFormedValue(x.R))
	case core.Cond:
		return errors.Join(wellFormedObservation(x.Obs), wellFormedValue(x.Then), wellFormedValue(x.Else))
	case nil:
		return fmt.Errorf("value: %w", errNil)
	}
	return fmt.Errorf("unsupported value type %T", v)
}

func wellFormedObservation(o core.Observation) error {
	switch x := o.(type) {
	case core.TrueObs, core.FalseObs, core.ChoseSomething:
		return nil
	case core.AndObs:
		return errors.Join(wellFormedObservation(x.L), wellFormedObservation(x.R))
	case core.OrObs:
		return errors.Join(wellFormedObservation(x.L), wellFormedObservation(x.R))
	case core.NotObs:
		return wellFormedObservation(x.O)
	case core.ValueGE:
		return errors.Join(wellFormedValue(x.L), wellFormedValue(x.R))
	case core.ValueGT:
		return errors.Join(wellFormedValue(x.L), wellFormedValue(x.R))
	case core.ValueLT:
		return errors.Join(wellFormedValue(x.L), wellFormedValue(x.R))
	case core.ValueLE:
		return errors.Join(wellFormedValue(x.L), wellFormedValue(x.R))
	case core.ValueEQ:
		return errors.Join(wellFormedValue(x.L), wellFormedValue(x.R))
	case nil:
		return fmt.Errorf("observation: %w", errNil)
	}
	return fmt.Errorf("unsupported observation type %T", o)
}
