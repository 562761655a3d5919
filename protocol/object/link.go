package object

import (
	"errors"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// Linked is what a labelled object denotes once its references are
// resolved: a Marlowe Core V1 term of the object's kind.
type Linked struct {
	Type ObjectType
	// Term is a core.Value, core.Observation, core.Contract, core.Party,
	// core.Token or core.Action, as Type says.
	Term any
}

// SymbolTable holds the objects linked so far in one import, by label.
// References resolve only against it, so an object may refer to labels
// defined before it (in its own bundle or an earlier one) and never to
// later ones.
type SymbolTable map[Label]Linked

// errMissing reports a nil field of an object term (a malformed Go value;
// nothing decoded from the wire has one).
var errMissing = errors.New("missing term")

// LinkBundle links b's objects in order and adds each to t. transform, if
// not nil, sees every linked object and returns what t should hold for its
// label instead (the MarloweTransfer importer merkleizes contracts there);
// its error stops linking. Link failures are *LinkError values (use
// errors.As), wrapped with the label and the path inside the object. On
// failure t keeps the objects linked before the failing one.
func (t SymbolTable) LinkBundle(b ObjectBundle, transform func(Label, Linked) (Linked, error)) error {
	for i, o := range b {
		l, err := t.LinkObject(o)
		if err != nil {
			return binary.Wrapf(err, "object %d (%q)", i, o.Label)
		}
		if transform != nil {
			if l, err = transform(o.Label, l); err != nil {
				return binary.Wrapf(err, "object %d (%q)", i, o.Label)
			}
		}
		t[o.Label] = l
	}
	return nil
}

// LinkObject links o against t without adding it; a label already in t is
// a DuplicateLabel error.
func (t SymbolTable) LinkObject(o LabelledObject) (Linked, error) {
	if _, dup := t[o.Label]; dup {
		return Linked{}, &LinkError{Kind: DuplicateLabel, Label: o.Label}
	}
	var (
		term any
		err  error
	)
	switch x := o.Object.(type) {
	case Value:
		term, err = t.LinkValue(x)
	case Observation:
		term, err = t.LinkObservation(x)
	case Contract:
		term, err = t.LinkContract(x)
	case Party:
		term, err = t.LinkParty(x)
	case Token:
		term, err = t.LinkToken(x)
	case Action:
		term, err = t.LinkAction(x)
	case nil:
		return Linked{}, errMissing
	default:
		return Linked{}, fmt.Errorf("unsupported object type %T", o.Object)
	}
	if err != nil {
		return Linked{}, err
	}
	return Linked{Type: o.Object.ObjectType(), Term: term}, nil
}

// resolve looks up a reference to a label of kind want.
func (t SymbolTable) resolve(l Label, want ObjectType) (any, error) {
	x, ok := t[l]
	if !ok {
		return nil, &LinkError{Kind: UnknownSymbol, Label: l}
	}
	if x.Type != want {
		return nil, &LinkError{Kind: TypeMismatch, Expected: want, Actual: x.Type}
	}
	return x.Term, nil
}

// resolveAs looks up a reference and checks the stored term's Go type,
// which a hand-built table could get wrong.
func resolveAs[T any](t SymbolTable, l Label, want ObjectType) (T, error) {
	var zero T
	term, err := t.resolve(l, want)
	if err != nil {
		return zero, err
	}
	v, ok := term.(T)
	if !ok {
		return zero, fmt.Errorf("symbol %q of type %s holds %T", l, want, term)
	}
	return v, nil
}

// LinkParty resolves a Party.
func (t SymbolTable) LinkParty(p Party) (core.Party, error) {
	switch x := p.(type) {
	case Address:
		a, err := x.Address.Core()
		if err != nil {
			return core.Party{}, err
		}
		return core.AddressPartyOf(a), nil
	case Role:
		return core.RolePartyOf(core.TokenName(x.Name)), nil
	case PartyRef:
		return resolveAs[core.Party](t, x.Label, PartyType)
	case nil:
		return core.Party{}, errMissing
	}
	return core.Party{}, fmt.Errorf("unsupported Party type %T", p)
}

// LinkToken resolves a Token.
func (t SymbolTable) LinkToken(tok Token) (core.Token, error) {
	switch x := tok.(type) {
	case Asset:
		return core.Token{Currency: core.CurrencySymbol(x.Currency), Name: core.TokenName(x.Name)}, nil
	case TokenRef:
		return resolveAs[core.Token](t, x.Label, TokenType)
	case nil:
		return core.Token{}, errMissing
	}
	return core.Token{}, fmt.Errorf("unsupported Token type %T", tok)
}

func (t SymbolTable) linkChoiceID(c ChoiceID) (core.ChoiceID, error) {
	p, err := t.LinkParty(c.Owner)
	if err != nil {
		return core.ChoiceID{}, binary.Wrap(err, "choice owner")
	}
	// The name's UTF-8 bytes become the core ByteString (T.encodeUtf8).
	return core.ChoiceID{Name: core.ChoiceName(c.Name), Owner: p}, nil
}

func (t SymbolTable) linkValues(name string, l, r Value) (core.Value, core.Value, error) {
	cl, err := t.LinkValue(l)
	if err != nil {
		return nil, nil, binary.Wrapf(err, "%s[0]", name)
	}
	cr, err := t.LinkValue(r)
	if err != nil {
		return nil, nil, binary.Wrapf(err, "%s[1]", name)
	}
	return cl, cr, nil
}

// LinkValue resolves a Value.
func (t SymbolTable) LinkValue(v Value) (core.Value, error) {
	switch x := v.(type) {
	case AvailableMoney:
		p, err := t.LinkParty(x.Account)
		if err != nil {
			return nil, binary.Wrap(err, "AvailableMoney.account")
		}
		tok, err := t.LinkToken(x.Token)
		if err != nil {
			return nil, binary.Wrap(err, "AvailableMoney.token")
		}
		return core.AvailableMoney{Account: p, Token: tok}, nil
	case Constant:
		if x.N == nil {
			return nil, binary.Wrap(errMissing, "Constant")
		}
		return core.Constant{N: x.N}, nil
	case NegValue:
		n, err := t.LinkValue(x.V)
		if err != nil {
			return nil, binary.Wrap(err, "NegValue")
		}
		return core.NegValue{V: n}, nil
	case AddValue:
		l, r, err := t.linkValues("AddValue", x.L, x.R)
		return core.AddValue{L: l, R: r}, err
	case SubValue:
		l, r, err := t.linkValues("SubValue", x.L, x.R)
		return core.SubValue{L: l, R: r}, err
	case MulValue:
		l, r, err := t.linkValues("MulValue", x.L, x.R)
		return core.MulValue{L: l, R: r}, err
	case DivValue:
		l, r, err := t.linkValues("DivValue", x.L, x.R)
		return core.DivValue{L: l, R: r}, err
	case ChoiceValue:
		c, err := t.linkChoiceID(x.ID)
		if err != nil {
			return nil, binary.Wrap(err, "ChoiceValue")
		}
		return core.ChoiceValue{ID: c}, nil
	case TimeIntervalStart:
		return core.TimeIntervalStart{}, nil
	case TimeIntervalEnd:
		return core.TimeIntervalEnd{}, nil
	case UseValue:
		return core.UseValue{ID: core.ValueID(x.ID)}, nil
	case Cond:
		o, err := t.LinkObservation(x.Obs)
		if err != nil {
			return nil, binary.Wrap(err, "Cond.observation")
		}
		l, r, err := t.linkValues("Cond", x.Then, x.Else)
		if err != nil {
			return nil, err
		}
		return core.Cond{Obs: o, Then: l, Else: r}, nil
	case ValueRef:
		return resolveAs[core.Value](t, x.Label, ValueType)
	case nil:
		return nil, errMissing
	}
	return nil, fmt.Errorf("unsupported Value type %T", v)
}

func (t SymbolTable) linkObservations(name string, l, r Observation) (core.Observation, core.Observation, error) {
	cl, err := t.LinkObservation(l)
	if err != nil {
		return nil, nil, binary.Wrapf(err, "%s[0]", name)
	}
	cr, err := t.LinkObservation(r)
	if err != nil {
		return nil, nil, binary.Wrapf(err, "%s[1]", name)
	}
	return cl, cr, nil
}

// LinkObservation resolves an Observation.
func (t SymbolTable) LinkObservation(o Observation) (core.Observation, error) {
	switch x := o.(type) {
	case AndObs:
		l, r, err := t.linkObservations("AndObs", x.L, x.R)
		return core.AndObs{L: l, R: r}, err
	case OrObs:
		l, r, err := t.linkObservations("OrObs", x.L, x.R)
		return core.OrObs{L: l, R: r}, err
	case NotObs:
		n, err := t.LinkObservation(x.O)
		if err != nil {
			return nil, binary.Wrap(err, "NotObs")
		}
		return core.NotObs{O: n}, nil
	case ChoseSomething:
		c, err := t.linkChoiceID(x.ID)
		if err != nil {
			return nil, binary.Wrap(err, "ChoseSomething")
		}
		return core.ChoseSomething{ID: c}, nil
	case ValueGE:
		l, r, err := t.linkValues("ValueGE", x.L, x.R)
		return core.ValueGE{L: l, R: r}, err
	case ValueGT:
		l, r, err := t.linkValues("ValueGT", x.L, x.R)
		return core.ValueGT{L: l, R: r}, err
	case ValueLT:
		l, r, err := t.linkValues("ValueLT", x.L, x.R)
		return core.ValueLT{L: l, R: r}, err
	case ValueLE:
		l, r, err := t.linkValues("ValueLE", x.L, x.R)
		return core.ValueLE{L: l, R: r}, err
	case ValueEQ:
		l, r, err := t.linkValues("ValueEQ", x.L, x.R)
		return core.ValueEQ{L: l, R: r}, err
	case TrueObs:
		return core.TrueObs{}, nil
	case FalseObs:
		return core.FalseObs{}, nil
	case ObservationRef:
		return resolveAs[core.Observation](t, x.Label, ObservationType)
	case nil:
		return nil, errMissing
	}
	return nil, fmt.Errorf("unsupported Observation type %T", o)
}

// LinkAction resolves an Action.
func (t SymbolTable) LinkAction(a Action) (core.Action, error) {
	switch x := a.(type) {
	case Deposit:
		into, err := t.LinkParty(x.Into)
		if err != nil {
			return nil, binary.Wrap(err, "Deposit.account")
		}
		from, err := t.LinkParty(x.From)
		if err != nil {
			return nil, binary.Wrap(err, "Deposit.party")
		}
		tok, err := t.LinkToken(x.Token)
		if err != nil {
			return nil, binary.Wrap(err, "Deposit.token")
		}
		v, err := t.LinkValue(x.Amount)
		if err != nil {
			return nil, binary.Wrap(err, "Deposit.value")
		}
		return core.Deposit{Into: into, From: from, Token: tok, Amount: v}, nil
	case Choice:
		c, err := t.linkChoiceID(x.ID)
		if err != nil {
			return nil, binary.Wrap(err, "Choice")
		}
		bounds := make([]core.Bound, len(x.Bounds))
		for i, b := range x.Bounds {
			if b.Low == nil || b.High == nil {
				return nil, binary.Wrapf(errMissing, "Choice.bounds[%d]", i)
			}
			bounds[i] = core.Bound{Low: b.Low, High: b.High}
		}
		return core.Choice{ID: c, Bounds: bounds}, nil
	case Notify:
		o, err := t.LinkObservation(x.Obs)
		if err != nil {
			return nil, binary.Wrap(err, "Notify")
		}
		return core.Notify{Obs: o}, nil
	case ActionRef:
		return resolveAs[core.Action](t, x.Label, ActionType)
	case nil:
		return nil, errMissing
	}
	return nil, fmt.Errorf("unsupported Action type %T", a)
}

// LinkContract resolves a Contract. Merkleized cases keep their hash; it is
// the importer's job to check that the continuation exists.
func (t SymbolTable) LinkContract(c Contract) (core.Contract, error) {
	switch x := c.(type) {
	case Close:
		return core.Close{}, nil
	case Pay:
		from, err := t.LinkParty(x.From)
		if err != nil {
			return nil, binary.Wrap(err, "Pay.account")
		}
		to, err := t.LinkParty(x.To.Party)
		if err != nil {
			return nil, binary.Wrap(err, "Pay.payee")
		}
		var payee core.Payee
		switch x.To.Kind {
		case PayeeParty:
			payee = core.Payee{Kind: core.PayeeParty, Party: to}
		case PayeeAccount:
			payee = core.Payee{Kind: core.PayeeAccount, Party: to}
		default:
			return nil, fmt.Errorf("Pay.payee: invalid kind %d", x.To.Kind)
		}
		tok, err := t.LinkToken(x.Token)
		if err != nil {
			return nil, binary.Wrap(err, "Pay.token")
		}
		v, err := t.LinkValue(x.Amount)
		if err != nil {
			return nil, binary.Wrap(err, "Pay.value")
		}
		k, err := t.LinkContract(x.Then)
		if err != nil {
			return nil, binary.Wrap(err, "Pay.then")
		}
		return core.Pay{From: from, To: payee, Token: tok, Amount: v, Then: k}, nil
	case If:
		o, err := t.LinkObservation(x.Obs)
		if err != nil {
			return nil, binary.Wrap(err, "If.observation")
		}
		th, err := t.LinkContract(x.Then)
		if err != nil {
			return nil, binary.Wrap(err, "If.then")
		}
		el, err := t.LinkContract(x.Else)
		if err != nil {
			return nil, binary.Wrap(err, "If.else")
		}
		return core.If{Obs: o, Then: th, Else: el}, nil
	case When:
		cases := make([]core.Case, len(x.Cases))
		for i, cs := range x.Cases {
			a, err := t.LinkAction(cs.Action)
			if err != nil {
				return nil, binary.Wrapf(err, "When.cases[%d].action", i)
			}
			if cs.Merkleized {
				cases[i] = core.Case{Action: a, Merkleized: true, Hash: []byte(cs.Hash)}
				continue
			}
			k, err := t.LinkContract(cs.Then)
			if err != nil {
				return nil, binary.Wrapf(err, "When.cases[%d].then", i)
			}
			cases[i] = core.Case{Action: a, Then: k}
		}
		if x.Timeout == nil {
			return nil, binary.Wrap(errMissing, "When.timeout")
		}
		k, err := t.LinkContract(x.Continuation)
		if err != nil {
			return nil, binary.Wrap(err, "When.timeout_continuation")
		}
		return core.When{Cases: cases, Timeout: x.Timeout, Continuation: k}, nil
	case Let:
		v, err := t.LinkValue(x.Value)
		if err != nil {
			return nil, binary.Wrap(err, "Let.value")
		}
		k, err := t.LinkContract(x.Then)
		if err != nil {
			return nil, binary.Wrap(err, "Let.then")
		}
		return core.Let{ID: core.ValueID(x.ID), Value: v, Then: k}, nil
	case Assert:
		o, err := t.LinkObservation(x.Obs)
		if err != nil {
			return nil, binary.Wrap(err, "Assert.observation")
		}
		k, err := t.LinkContract(x.Then)
		if err != nil {
			return nil, binary.Wrap(err, "Assert.then")
		}
		return core.Assert{Obs: o, Then: k}, nil
	case ContractRef:
		return resolveAs[core.Contract](t, x.Label, ContractType)
	case nil:
		return nil, errMissing
	}
	return nil, fmt.Errorf("unsupported Contract type %T", c)
}
