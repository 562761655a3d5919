package kv

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// partySet collects the distinct parties of a contract. The walk is
// iterative (an explicit stack), so a deeply nested contract cannot exhaust
// the goroutine stack; maxPartyWalk bounds the total work instead.
type partySet struct {
	seen    map[string]struct{}
	parties []core.Party
}

// maxPartyWalk bounds the nodes visited in one walk. A contract that fits
// in a transaction has far fewer nodes; the bound only stops a corrupt or
// hostile value from making indexing unbounded.
const maxPartyWalk = 1 << 22

func newPartySet() *partySet { return &partySet{seen: map[string]struct{}{}} }

func (s *partySet) add(p core.Party) error {
	b, err := partyKey(p)
	if err != nil {
		return err
	}
	if _, ok := s.seen[string(b)]; ok {
		return nil
	}
	s.seen[string(b)] = struct{}{}
	s.parties = append(s.parties, p)
	return nil
}

// partyKey is the key part of an address party: the canonical Plutus-data
// CBOR of the party, which identifies an address (network, credentials,
// stake reference) exactly.
func partyKey(p core.Party) ([]byte, error) {
	b, err := core.EncodeData(p)
	if err != nil {
		return nil, fmt.Errorf("encode party: %w", err)
	}
	return b, nil
}

// addState collects the parties of a state: account owners and choice
// owners (a party can remain only in the state once the contract moved on).
func (s *partySet) addState(st core.State) error {
	for i, a := range st.Accounts {
		if err := s.add(a.Account); err != nil {
			return fmt.Errorf("state.accounts[%d]: %w", i, err)
		}
	}
	for i, c := range st.Choices {
		if err := s.add(c.ID.Owner); err != nil {
			return fmt.Errorf("state.choices[%d]: %w", i, err)
		}
	}
	return nil
}

// addContract collects every party named anywhere in c: in actions, payees,
// accounts, and in the values and observations. Merkleized cases contribute
// nothing until a later input reveals their continuation; the caller then
// walks that continuation too.
func (s *partySet) addContract(c core.Contract) error {
	stack := []any{c}
	for n := 0; len(stack) > 0; n++ {
		if n > maxPartyWalk {
			return fmt.Errorf("contract walk: more than %d nodes", maxPartyWalk)
		}
		node := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		var parties []core.Party
		switch v := node.(type) {
		case nil, core.Close, core.TimeIntervalStart, core.TimeIntervalEnd, core.Constant,
			core.UseValue, core.TrueObs, core.FalseObs:
		case core.Pay:
			parties = append(parties, v.From, v.To.Party)
			stack = append(stack, v.Amount, v.Then)
		case core.If:
			stack = append(stack, v.Obs, v.Then, v.Else)
		case core.When:
			for _, cs := range v.Cases {
				stack = append(stack, cs.Action)
				if !cs.Merkleized {
					stack = append(stack, cs.Then)
				}
			}
			stack = append(stack, v.Continuation)
		case core.Let:
			stack = append(stack, v.Value, v.Then)
		case core.Assert:
			stack = append(stack, v.Obs, v.Then)
		case core.Deposit:
			parties = append(parties, v.Into, v.From)
			stack = append(stack, v.Amount)
		case core.Choice:
			parties = append(parties, v.ID.Owner)
		case core.Notify:
			stack = append(stack, v.Obs)
		case core.AvailableMoney:
			parties = append(parties, v.Account)
		case core.NegValue:
			stack = append(stack, v.V)
		case core.AddValue:
			stack = append(stack, v.L, v.R)
		case core.SubValue:
			stack = append(stack, v.L, v.R)
		case core.MulValue:
			stack = append(stack, v.L, v.R)
		case core.DivValue:
			stack = append(stack, v.L, v.R)
		case core.ChoiceValue:
			parties = append(parties, v.ID.Owner)
		case core.Cond:
			stack = append(stack, v.Obs, v.Then, v.Else)
		case core.AndObs:
			stack = append(stack, v.L, v.R)
		case core.OrObs:
			stack = append(stack, v.L, v.R)
		case core.NotObs:
			stack = append(stack, v.O)
		case core.ChoseSomething:
			parties = append(parties, v.ID.Owner)
		case core.ValueGE:
			stack = append(stack, v.L, v.R)
		case core.ValueGT:
			stack = append(stack, v.L, v.R)
		case core.ValueLT:
			stack = append(stack, v.L, v.R)
		case core.ValueLE:
			stack = append(stack, v.L, v.R)
		case core.ValueEQ:
			stack = append(stack, v.L, v.R)
		default:
			return fmt.Errorf("contract walk: unexpected node %T", node)
		}
		for _, p := range parties {
			if err := s.add(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// addInputs collects the parties of applied inputs: depositors, choice
// owners, and the continuations that merkleized inputs reveal.
func (s *partySet) addInputs(in []core.Input) error {
	for i, x := range in {
		switch c := x.Content.(type) {
		case core.IDeposit:
			if err := s.add(c.Into); err != nil {
				return fmt.Errorf("inputs[%d]: %w", i, err)
			}
			if err := s.add(c.From); err != nil {
				return fmt.Errorf("inputs[%d]: %w", i, err)
			}
		case core.IChoice:
			if err := s.add(c.ID.Owner); err != nil {
				return fmt.Errorf("inputs[%d]: %w", i, err)
			}
		}
		if x.Merkleized && x.Continuation != nil {
			if err := s.addContract(x.Continuation); err != nil {
				return fmt.Errorf("inputs[%d].continuation: %w", i, err)
			}
		}
	}
	return nil
}
