package core

import (
	"fmt"
	"math/big"
	"sort"
)

// Extended Marlowe templates (Language.Marlowe.Extended.V1) are core
// contracts with named holes: integer constants (ConstantParam) and When
// timeouts (When.TimeoutParam). Authoring tools (Marlowe Playground,
// marlowe-cli templates) write them; nothing on chain ever holds one. Decode
// them with the Template JSON mode, then FillTemplate to get a core contract.

// ConstantParam is a template's named integer constant. It is a Value only
// inside templates: the semantics never sees one after FillTemplate, and the
// Plutus Data encoder refuses it.
type ConstantParam struct{ Name string }

func (ConstantParam) isValue() {}

// TemplateParams are the values that fill a template's parameters.
type TemplateParams struct {
	// Constants fill ConstantParam values.
	Constants map[string]*big.Int
	// Times fill When.TimeoutParam timeouts (POSIX milliseconds).
	Times map[string]*big.Int
}

// TemplateParameters lists the distinct constant and time parameters of c,
// each sorted.
func TemplateParameters(c Contract) (constants, times []string) {
	seenC, seenT := map[string]bool{}, map[string]bool{}
	f := templateFiller{
		onConstant: func(name string) (*big.Int, error) { seenC[name] = true; return new(big.Int), nil },
		onTime:     func(name string) (*big.Int, error) { seenT[name] = true; return new(big.Int), nil },
	}
	// The walk only records names; its result and error are irrelevant.
	_, _ = f.contract(c, 0)
	return sortedKeys(seenC), sortedKeys(seenT)
}

// FillTemplate replaces every parameter of c by its value in p, giving a
// core contract. A parameter missing from p is an error naming it.
func FillTemplate(c Contract, p TemplateParams) (Contract, error) {
	f := templateFiller{
		onConstant: func(name string) (*big.Int, error) {
			if v, ok := p.Constants[name]; ok && v != nil {
				return new(big.Int).Set(v), nil
			}
			return nil, fmt.Errorf("constant parameter %q has no value", name)
		},
		onTime: func(name string) (*big.Int, error) {
			if v, ok := p.Times[name]; ok && v != nil {
				return new(big.Int).Set(v), nil
			}
			return nil, fmt.Errorf("time parameter %q has no value", name)
		},
	}
	return f.contract(c, 0)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// templateFiller rebuilds a contract with parameters replaced. It copies the
// nodes it passes through, so the template is never modified.
type templateFiller struct {
	onConstant func(string) (*big.Int, error)
	onTime     func(string) (*big.Int, error)
}

func (f templateFiller) depthCheck(depth int) error {
	if depth > MaxJSONDepth {
		return fmt.Errorf("template nesting deeper than %d levels", MaxJSONDepth)
	}
	return nil
}

func (f templateFiller) contract(c Contract, depth int) (Contract, error) {
	if err := f.depthCheck(depth); err != nil {
		return nil, err
	}
	switch x := c.(type) {
	case Close:
		return x, nil
	case Pay:
		amt, err := f.value(x.Amount, depth+1)
		if err != nil {
			return nil, err
		}
		then, err := f.contract(x.Then, depth+1)
		if err != nil {
			return nil, err
		}
		x.Amount, x.Then = amt, then
		return x, nil
	case If:
		obs, err := f.observation(x.Obs, depth+1)
		if err != nil {
			return nil, err
		}
		th, err := f.contract(x.Then, depth+1)
		if err != nil {
			return nil, err
		}
		el, err := f.contract(x.Else, depth+1)
		if err != nil {
			return nil, err
		}
		x.Obs, x.Then, x.Else = obs, th, el
		return x, nil
	case When:
		cases := make([]Case, len(x.Cases))
		for i, cs := range x.Cases {
			a, err := f.action(cs.Action, depth+1)
			if err != nil {
				return nil, err
			}
			cs.Action = a
			if !cs.Merkleized {
				if cs.Then, err = f.contract(cs.Then, depth+1); err != nil {
					return nil, err
				}
			}
			cases[i] = cs
		}
		x.Cases = cases
		if x.TimeoutParam != "" {
			t, err := f.onTime(x.TimeoutParam)
			if err != nil {
				return nil, err
			}
			x.Timeout, x.TimeoutParam = t, ""
		}
		cont, err := f.contract(x.Continuation, depth+1)
		if err != nil {
			return nil, err
		}
		x.Continuation = cont
		return x, nil
	case Let:
		v, err := f.value(x.Value, depth+1)
		if err != nil {
			return nil, err
		}
		then, err := f.contract(x.Then, depth+1)
		if err != nil {
			return nil, err
		}
		x.Value, x.Then = v, then
		return x, nil
	case Assert:
		obs, err := f.observation(x.Obs, depth+1)
		if err != nil {
			return nil, err
		}
		then, err := f.contract(x.Then, depth+1)
		if err != nil {
			return nil, err
		}
		x.Obs, x.Then = obs, then
		return x, nil
	}
	return nil, fmt.Errorf("template: unsupported contract %T", c)
}

func (f templateFiller) action(a Action, depth int) (Action, error) {
	switch x := a.(type) {
	case Deposit:
		v, err := f.value(x.Amount, depth+1)
		if err != nil {
			return nil, err
		}
		x.Amount = v
		return x, nil
	case Choice:
		return x, nil
	case Notify:
		o, err := f.observation(x.Obs, depth+1)
		if err != nil {
			return nil, err
		}
		x.Obs = o
		return x, nil
	}
	return nil, fmt.Errorf("template: unsupported action %T", a)
}

// pair maps both operands of a binary node.
func (f templateFiller) pair(l, r Value, depth int) (Value, Value, error) {
	a, err := f.value(l, depth+1)
	if err != nil {
		return nil, nil, err
	}
	b, err := f.value(r, depth+1)
	if err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

func (f templateFiller) value(v Value, depth int) (Value, error) {
	if err := f.depthCheck(depth); err != nil {
		return nil, err
	}
	var err error
	switch x := v.(type) {
	case ConstantParam:
		n, err := f.onConstant(x.Name)
		if err != nil {
			return nil, err
		}
		return Constant{N: n}, nil
	case AvailableMoney, Constant, ChoiceValue, TimeIntervalStart, TimeIntervalEnd, UseValue:
		return x, nil
	case NegValue:
		x.V, err = f.value(x.V, depth+1)
		return x, err
	case AddValue:
		x.L, x.R, err = f.pair(x.L, x.R, depth)
		return x, err
	case SubValue:
		x.L, x.R, err = f.pair(x.L, x.R, depth)
		return x, err
	case MulValue:
		x.L, x.R, err = f.pair(x.L, x.R, depth)
		return x, err
	case DivValue:
		x.L, x.R, err = f.pair(x.L, x.R, depth)
		return x, err
	case Cond:
		if x.Obs, err = f.observation(x.Obs, depth+1); err != nil {
			return nil, err
		}
		x.Then, x.Else, err = f.pair(x.Then, x.Else, depth)
		return x, err
	}
	return nil, fmt.Errorf("template: unsupported value %T", v)
}

func (f templateFiller) observation(o Observation, depth int) (Observation, error) {
	if err := f.depthCheck(depth); err != nil {
		return nil, err
	}
	var err error
	switch x := o.(type) {
	case AndObs:
		if x.L, err = f.observation(x.L, depth+1); err != nil {
			return nil, err
		}
		x.R, err = f.observation(x.R, depth+1)
		return x, err
	case OrObs:
		if x.L, err = f.observation(x.L, depth+1); err != nil {
			return nil, err
		}
		x.R, err = f.observation(x.R, depth+1)
		return x, err
	case NotObs:
		x.O, err = f.observation(x.O, depth+1)
		return x, err
	case ValueGE:
		x.L, x.R, err = f.pair(x.L, x.R, depth)
		return x, err
	case ValueGT:
		x.L, x.R, err = f.pair(x.L, x.R, depth)
		return x, err
	case ValueLT:
		x.L, x.R, err = f.pair(x.L, x.R, depth)
		return x, err
	case ValueLE:
		x.L, x.R, err = f.pair(x.L, x.R, depth)
		return x, err
	case ValueEQ:
		x.L, x.R, err = f.pair(x.L, x.R, depth)
		return x, err
	case ChoseSomething, TrueObs, FalseObs:
		return x, nil
	}
	return nil, fmt.Errorf("template: unsupported observation %T", o)
}
