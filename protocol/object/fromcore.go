package object

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// The FromCore functions turn Marlowe Core V1 terms into reference-free
// object terms (Haskell fromCore*), as the MarloweTransfer export does.
// Core terms that have no object form are errors: a choice name that is not
// UTF-8 (the object name is Text; Haskell's decodeUtf8 would throw) and an
// address without a Shelley binary form.

var errNotUTF8 = errors.New("choice name is not valid UTF-8, so it has no object (Text) form")

// FromCoreParty converts a party.
func FromCoreParty(p core.Party) (Party, error) {
	switch p.Kind {
	case core.AddressParty:
		a, err := ShelleyAddressFromCore(p.Address)
		if err != nil {
			return nil, fmt.Errorf("address party: %w", err)
		}
		return Address{Address: a}, nil
	case core.RoleParty:
		return Role{Name: TokenName(p.Role)}, nil
	}
	return nil, fmt.Errorf("invalid party kind %d", p.Kind)
}

// FromCoreToken converts a token.
func FromCoreToken(t core.Token) Token {
	return Asset{Currency: CurrencySymbol(t.Currency), Name: TokenName(t.Name)}
}

func fromCoreChoiceID(c core.ChoiceID) (ChoiceID, error) {
	if !utf8.ValidString(string(c.Name)) {
		return ChoiceID{}, errNotUTF8
	}
	p, err := FromCoreParty(c.Owner)
	if err != nil {
		return ChoiceID{}, binary.Wrap(err, "choice owner")
	}
	return ChoiceID{Name: string(c.Name), Owner: p}, nil
}

func fromCoreValues(name string, l, r core.Value) (Value, Value, error) {
	ol, err := FromCoreValue(l)
	if err != nil {
		return nil, nil, binary.Wrapf(err, "%s[0]", name)
	}
	or, err := FromCoreValue(r)
	if err != nil {
		return nil, nil, binary.Wrapf(err, "%s[1]", name)
	}
	return ol, or, nil
}

// FromCoreValue converts a value.
func FromCoreValue(v core.Value) (Value, error) {
	switch x := v.(type) {
	case core.AvailableMoney:
		p, err := FromCoreParty(x.Account)
		if err != nil {
			return nil, binary.Wrap(err, "AvailableMoney.account")
		}
		return AvailableMoney{Account: p, Token: FromCoreToken(x.Token)}, nil
	case core.Constant:
		if x.N == nil {
			return nil, binary.Wrap(errMissing, "Constant")
		}
		return Constant{N: x.N}, nil
	case core.NegValue:
		n, err := FromCoreValue(x.V)
		if err != nil {
			return nil, binary.Wrap(err, "NegValue")
		}
		return NegValue{V: n}, nil
	case core.AddValue:
		l, r, err := fromCoreValues("AddValue", x.L, x.R)
		return AddValue{L: l, R: r}, err
	case core.SubValue:
		l, r, err := fromCoreValues("SubValue", x.L, x.R)
		return SubValue{L: l, R: r}, err
	case core.MulValue:
		l, r, err := fromCoreValues("MulValue", x.L, x.R)
		return MulValue{L: l, R: r}, err
	case core.DivValue:
		l, r, err := fromCoreValues("DivValue", x.L, x.R)
		return DivValue{L: l, R: r}, err
	case core.ChoiceValue:
		c, err := fromCoreChoiceID(x.ID)
		if err != nil {
			return nil, binary.Wrap(err, "ChoiceValue")
		}
		return ChoiceValue{ID: c}, nil
	case core.TimeIntervalStart:
		return TimeIntervalStart{}, nil
	case core.TimeIntervalEnd:
		return TimeIntervalEnd{}, nil
	case core.UseValue:
		return UseValue{ID: ValueID(x.ID)}, nil
	case core.Cond:
		o, err := FromCoreObservation(x.Obs)
		if err != nil {
			return nil, binary.Wrap(err, "Cond.observation")
		}
		l, r, err := fromCoreValues("Cond", x.Then, x.Else)
		if err != nil {
			return nil, err
		}
		return Cond{Obs: o, Then: l, Else: r}, nil
	case nil:
		return nil, errMissing
	}
	return nil, fmt.Errorf("unsupported core Value type %T", v)
}

// FromCoreObservation converts an observation.
func FromCoreObservation(o core.Observation) (Observation, error) {
	switch x := o.(type) {
	case core.AndObs:
		l, err := FromCoreObservation(x.L)
		if err != nil {
			return nil, binary.Wrap(err, "AndObs[0]")
		}
		r, err := FromCoreObservation(x.R)
		if err != nil {
			return nil, binary.Wrap(err, "AndObs[1]")
		}
		return AndObs{L: l, R: r}, nil
	case core.OrObs:
		l, err := FromCoreObservation(x.L)
		if err != nil {
			return nil, binary.Wrap(err, "OrObs[0]")
		}
		r, err := FromCoreObservation(x.R)
		if err != nil {
			return nil, binary.Wrap(err, "OrObs[1]")
		}
		return OrObs{L: l, R: r}, nil
	case core.NotObs:
		n, err := FromCoreObservation(x.O)
		if err != nil {
			return nil, binary.Wrap(err, "NotObs")
		}
		return NotObs{O: n}, nil
	case core.ChoseSomething:
		c, err := fromCoreChoiceID(x.ID)
		if err != nil {
			return nil, binary.Wrap(err, "ChoseSomething")
		}
		return ChoseSomething{ID: c}, nil
	case core.ValueGE:
		l, r, err := fromCoreValues("ValueGE", x.L, x.R)
		return ValueGE{L: l, R: r}, err
	case core.ValueGT:
		l, r, err := fromCoreValues("ValueGT", x.L, x.R)
		return ValueGT{L: l, R: r}, err
	case core.ValueLT:
		l, r, err := fromCoreValues("ValueLT", x.L, x.R)
		return ValueLT{L: l, R: r}, err
	case core.ValueLE:
		l, r, err := fromCoreValues("ValueLE", x.L, x.R)
		return ValueLE{L: l, R: r}, err
	case core.ValueEQ:
		l, r, err := fromCoreValues("ValueEQ", x.L, x.R)
		return ValueEQ{L: l, R: r}, err
	case core.TrueObs:
		return TrueObs{}, nil
	case core.FalseObs:
		return FalseObs{}, nil
	case nil:
		return nil, errMissing
	}
	return nil, fmt.Errorf("unsupported core Observation type %T", o)
}

// FromCoreAction converts an action.
func FromCoreAction(a core.Action) (Action, error) {
	switch x := a.(type) {
	case core.Deposit:
		into, err := FromCoreParty(x.Into)
		if err != nil {
			return nil, binary.Wrap(err, "Deposit.account")
		}
		from, err := FromCoreParty(x.From)
		if err != nil {
			return nil, binary.Wrap(err, "Deposit.party")
		}
		v, err := FromCoreValue(x.Amount)
		if err != nil {
			return nil, binary.Wrap(err, "Deposit.value")
		}
		return Deposit{Into: into, From: from, Token: FromCoreToken(x.Token), Amount: v}, nil
	case core.Choice:
		c, err := fromCoreChoiceID(x.ID)
		if err != nil {
			return nil, binary.Wrap(err, "Choice")
		}
		bounds := make([]Bound, len(x.Bounds))
		for i, b := range x.Bounds {
			bounds[i] = Bound{Low: b.Low, High: b.High}
		}
		return Choice{ID: c, Bounds: bounds}, nil
	case core.Notify:
		o, err := FromCoreObservation(x.Obs)
		if err != nil {
			return nil, binary.Wrap(err, "Notify")
		}
		return Notify{Obs: o}, nil
	case nil:
		return nil, errMissing
	}
	return nil, fmt.Errorf("unsupported core Action type %T", a)
}

// FromCoreContract converts a contract; merkleized cases stay merkleized.
func FromCoreContract(c core.Contract) (Contract, error) {
	switch x := c.(type) {
	case core.Close:
		return Close{}, nil
	case core.Pay:
		from, err := FromCoreParty(x.From)
		if err != nil {
			return nil, binary.Wrap(err, "Pay.account")
		}
		to, err := FromCoreParty(x.To.Party)
		if err != nil {
			return nil, binary.Wrap(err, "Pay.payee")
		}
		var payee Payee
		switch x.To.Kind {
		case core.PayeeAccount:
			payee = Payee{Kind: PayeeAccount, Party: to}
		case core.PayeeParty:
			payee = Payee{Kind: PayeeParty, Party: to}
		default:
			return nil, fmt.Errorf("Pay.payee: invalid kind %d", x.To.Kind)
		}
		v, err := FromCoreValue(x.Amount)
		if err != nil {
			return nil, binary.Wrap(err, "Pay.value")
		}
		k, err := FromCoreContract(x.Then)
		if err != nil {
			return nil, binary.Wrap(err, "Pay.then")
		}
		return Pay{From: from, To: payee, Token: FromCoreToken(x.Token), Amount: v, Then: k}, nil
	case core.If:
		o, err := FromCoreObservation(x.Obs)
		if err != nil {
			return nil, binary.Wrap(err, "If.observation")
		}
		th, err := FromCoreContract(x.Then)
		if err != nil {
			return nil, binary.Wrap(err, "If.then")
		}
		el, err := FromCoreContract(x.Else)
		if err != nil {
			return nil, binary.Wrap(err, "If.else")
		}
		return If{Obs: o, Then: th, Else: el}, nil
	case core.When:
		if x.Timeout == nil {
			return nil, binary.Wrap(errMissing, "When.timeout")
		}
		cases := make([]Case, len(x.Cases))
		for i, cs := range x.Cases {
			a, err := FromCoreAction(cs.Action)
			if err != nil {
				return nil, binary.Wrapf(err, "When.cases[%d].action", i)
			}
			if cs.Merkleized {
				cases[i] = Case{Action: a, Merkleized: true, Hash: ContractHash(cs.Hash)}
				continue
			}
			k, err := FromCoreContract(cs.Then)
			if err != nil {
				return nil, binary.Wrapf(err, "When.cases[%d].then", i)
			}
			cases[i] = Case{Action: a, Then: k}
		}
		k, err := FromCoreContract(x.Continuation)
		if err != nil {
			return nil, binary.Wrap(err, "When.timeout_continuation")
		}
		return When{Cases: cases, Timeout: x.Timeout, Continuation: k}, nil
	case core.Let:
		v, err := FromCoreValue(x.Value)
		if err != nil {
			return nil, binary.Wrap(err, "Let.value")
		}
		k, err := FromCoreContract(x.Then)
		if err != nil {
			return nil, binary.Wrap(err, "Let.then")
		}
		return Let{ID: ValueID(x.ID), Value: v, Then: k}, nil
	case core.Assert:
		o, err := FromCoreObservation(x.Obs)
		if err != nil {
			return nil, binary.Wrap(err, "Assert.observation")
		}
		k, err := FromCoreContract(x.Then)
		if err != nil {
			return nil, binary.Wrap(err, "Assert.then")
		}
		return Assert{Obs: o, Then: k}, nil
	case nil:
		return nil, errMissing
	}
	return nil, fmt.Errorf("unsupported core Contract type %T", c)
}
