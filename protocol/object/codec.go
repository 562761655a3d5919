package object

import (
	"cmp"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// Minimum encoded sizes, used to check list counts against the remaining
// input before anything is allocated.
const (
	// minLabelledObjectSize: label length (8), type tag (1), a one-byte
	// value (a nullary Value or Observation constructor).
	minLabelledObjectSize = 10
	// minCaseSize: Case tag, the shortest Action (Notify + nullary
	// Observation = 2) and Close.
	minCaseSize = 4
	// minBoundSize: two small-form Integers.
	minBoundSize = 10
)

// EncodeLabel appends a Label (Text). Invalid UTF-8 records an error.
func EncodeLabel(e *binary.Encoder, l Label) { e.PutText(string(l)) }

// DecodeLabel reads a Label.
func DecodeLabel(d *binary.Decoder) (Label, error) {
	s, err := d.Text()
	if err != nil {
		return "", binary.Wrapf(err, "decode Label")
	}
	return Label(s), nil
}

// CompareLabel is the Haskell Ord of Label (Text compares by UTF-8 bytes),
// the key order of a Map Label.
func CompareLabel(a, b Label) int { return cmp.Compare(a, b) }

// EncodeObjectType appends a SomeObjectType: one byte, 0 Value … 5 Action.
func EncodeObjectType(e *binary.Encoder, t ObjectType) {
	if !t.Valid() {
		e.Failf("encode ObjectType: invalid type %d", uint8(t))
	}
	e.PutU8(uint8(t))
}

// DecodeObjectType reads a SomeObjectType.
func DecodeObjectType(d *binary.Decoder) (ObjectType, error) {
	t, err := d.Tag("ObjectType", numObjectTypes)
	if err != nil {
		return 0, binary.Wrapf(err, "decode ObjectType")
	}
	return ObjectType(t), nil
}

// EncodeContractHash appends a ContractHash (bytes).
func EncodeContractHash(e *binary.Encoder, h ContractHash) { e.PutBytesString(string(h)) }

// DecodeContractHash reads a ContractHash.
func DecodeContractHash(d *binary.Decoder) (ContractHash, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode ContractHash")
	}
	return ContractHash(s), nil
}

// EncodeShelleyAddress appends the raw address bytes. An address that does
// not parse as a Shelley address has no wire form the Haskell peer would
// accept and records an error.
func EncodeShelleyAddress(e *binary.Encoder, a ShelleyAddress) {
	if _, err := ParseShelleyAddress([]byte(a)); err != nil {
		e.Failf("encode ShelleyAddress: %v", err)
	}
	e.PutBytesString(string(a))
}

// DecodeShelleyAddress reads raw address bytes and validates them.
func DecodeShelleyAddress(d *binary.Decoder) (ShelleyAddress, error) {
	at := d.Offset()
	b, err := d.Bytes()
	if err != nil {
		return "", binary.Wrapf(err, "decode ShelleyAddress")
	}
	a, err := ParseShelleyAddress(b)
	if err != nil {
		return "", binary.Wrapf(d.Errorf(at, "failed to deserialize address: %v", err), "decode ShelleyAddress")
	}
	return a, nil
}

// EncodeParty appends a Party: 00 Address ShelleyAddress | 01 Role TokenName
// | 02 PartyRef Label.
func EncodeParty(e *binary.Encoder, p Party) {
	switch x := p.(type) {
	case Address:
		e.PutTag(0)
		EncodeShelleyAddress(e, x.Address)
	case Role:
		e.PutTag(1)
		e.PutBytesString(string(x.Name))
	case PartyRef:
		e.PutTag(2)
		EncodeLabel(e, x.Label)
	case nil:
		e.Failf("encode Party: nil value")
	default:
		e.Failf("encode Party: unsupported type %T", p)
	}
}

// DecodeParty reads a Party.
func DecodeParty(d *binary.Decoder) (Party, error) {
	t, err := d.Tag("Party", 3)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Party")
	}
	switch t {
	case 0:
		a, err := DecodeShelleyAddress(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Party.Address")
		}
		return Address{Address: a}, nil
	case 1:
		s, err := d.BytesString()
		if err != nil {
			return nil, binary.Wrapf(err, "decode Party.Role")
		}
		return Role{Name: TokenName(s)}, nil
	default:
		l, err := DecodeLabel(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Party.PartyRef")
		}
		return PartyRef{Label: l}, nil
	}
}

// EncodeToken appends a Token: 00 Token CurrencySymbol TokenName | 01
// TokenRef Label.
func EncodeToken(e *binary.Encoder, t Token) {
	switch x := t.(type) {
	case Asset:
		e.PutTag(0)
		e.PutBytesString(string(x.Currency))
		e.PutBytesString(string(x.Name))
	case TokenRef:
		e.PutTag(1)
		EncodeLabel(e, x.Label)
	case nil:
		e.Failf("encode Token: nil value")
	default:
		e.Failf("encode Token: unsupported type %T", t)
	}
}

// DecodeToken reads a Token.
func DecodeToken(d *binary.Decoder) (Token, error) {
	t, err := d.Tag("Token", 2)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Token")
	}
	if t == 1 {
		l, err := DecodeLabel(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Token.TokenRef")
		}
		return TokenRef{Label: l}, nil
	}
	c, err := d.BytesString()
	if err != nil {
		return nil, binary.Wrapf(err, "decode Token.currencySymbol")
	}
	n, err := d.BytesString()
	if err != nil {
		return nil, binary.Wrapf(err, "decode Token.tokenName")
	}
	return Asset{Currency: CurrencySymbol(c), Name: TokenName(n)}, nil
}

// EncodeChoiceId appends a ChoiceId: Text name, Party.
func EncodeChoiceId(e *binary.Encoder, c ChoiceID) {
	e.PutText(c.Name)
	EncodeParty(e, c.Owner)
}

// DecodeChoiceId reads a ChoiceId.
func DecodeChoiceId(d *binary.Decoder) (ChoiceID, error) {
	n, err := d.Text()
	if err != nil {
		return ChoiceID{}, binary.Wrapf(err, "decode ChoiceId.name")
	}
	p, err := DecodeParty(d)
	if err != nil {
		return ChoiceID{}, binary.Wrapf(err, "decode ChoiceId.party")
	}
	return ChoiceID{Name: n, Owner: p}, nil
}

// EncodePayee appends a Payee: 00 Party Party | 01 Account Party.
func EncodePayee(e *binary.Encoder, p Payee) {
	switch p.Kind {
	case PayeeParty, PayeeAccount:
		e.PutTag(uint8(p.Kind))
	default:
		e.Failf("encode Payee: invalid kind %d", p.Kind)
	}
	EncodeParty(e, p.Party)
}

// DecodePayee reads a Payee.
func DecodePayee(d *binary.Decoder) (Payee, error) {
	t, err := d.Tag("Payee", 2)
	if err != nil {
		return Payee{}, binary.Wrapf(err, "decode Payee")
	}
	p, err := DecodeParty(d)
	if err != nil {
		return Payee{}, binary.Wrapf(err, "decode Payee.party")
	}
	return Payee{Kind: PayeeKind(t), Party: p}, nil
}

// EncodeBound appends a Bound: Integer low, Integer high.
func EncodeBound(e *binary.Encoder, b Bound) {
	e.PutInteger(b.Low)
	e.PutInteger(b.High)
}

// DecodeBound reads a Bound.
func DecodeBound(d *binary.Decoder) (Bound, error) {
	lo, err := d.Integer()
	if err != nil {
		return Bound{}, binary.Wrapf(err, "decode Bound.low")
	}
	hi, err := d.Integer()
	if err != nil {
		return Bound{}, binary.Wrapf(err, "decode Bound.high")
	}
	return Bound{Low: lo, High: hi}, nil
}

// EncodeValue appends a Value: tags 0 AvailableMoney … 11 Cond as in core,
// 12 ValueRef.
func EncodeValue(e *binary.Encoder, v Value) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch x := v.(type) {
	case AvailableMoney:
		e.PutTag(0)
		EncodeParty(e, x.Account)
		EncodeToken(e, x.Token)
	case Constant:
		e.PutTag(1)
		e.PutInteger(x.N)
	case NegValue:
		e.PutTag(2)
		EncodeValue(e, x.V)
	case AddValue:
		e.PutTag(3)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case SubValue:
		e.PutTag(4)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case MulValue:
		e.PutTag(5)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case DivValue:
		e.PutTag(6)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case ChoiceValue:
		e.PutTag(7)
		EncodeChoiceId(e, x.ID)
	case TimeIntervalStart:
		e.PutTag(8)
	case TimeIntervalEnd:
		e.PutTag(9)
	case UseValue:
		e.PutTag(10)
		e.PutBytesString(string(x.ID))
	case Cond:
		e.PutTag(11)
		EncodeObservation(e, x.Obs)
		EncodeValue(e, x.Then)
		EncodeValue(e, x.Else)
	case ValueRef:
		e.PutTag(12)
		EncodeLabel(e, x.Label)
	case nil:
		e.Failf("encode Value: nil value")
	default:
		e.Failf("encode Value: unsupported type %T", v)
	}
}

// DecodeValue reads a Value.
func DecodeValue(d *binary.Decoder) (Value, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrapf(err, "decode Value")
	}
	defer d.Leave()
	t, err := d.Tag("Value", 13)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Value")
	}
	switch t {
	case 0:
		acc, err := DecodeParty(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode AvailableMoney.account")
		}
		tok, err := DecodeToken(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode AvailableMoney.token")
		}
		return AvailableMoney{Account: acc, Token: tok}, nil
	case 1:
		n, err := d.Integer()
		if err != nil {
			return nil, binary.Wrapf(err, "decode Constant")
		}
		return Constant{N: n}, nil
	case 2:
		v, err := DecodeValue(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode NegValue")
		}
		return NegValue{V: v}, nil
	case 3, 4, 5, 6:
		names := [...]string{"AddValue", "SubValue", "MulValue", "DivValue"}
		name := names[t-3]
		l, r, err := decodeValuePair(d, name)
		if err != nil {
			return nil, err
		}
		switch t {
		case 3:
			return AddValue{L: l, R: r}, nil
		case 4:
			return SubValue{L: l, R: r}, nil
		case 5:
			return MulValue{L: l, R: r}, nil
		default:
			return DivValue{L: l, R: r}, nil
		}
	case 7:
		c, err := DecodeChoiceId(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode ChoiceValue")
		}
		return ChoiceValue{ID: c}, nil
	case 8:
		return TimeIntervalStart{}, nil
	case 9:
		return TimeIntervalEnd{}, nil
	case 10:
		s, err := d.BytesString()
		if err != nil {
			return nil, binary.Wrapf(err, "decode UseValue")
		}
		return UseValue{ID: ValueID(s)}, nil
	case 11:
		o, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Cond.observation")
		}
		l, r, err := decodeValuePair(d, "Cond")
		if err != nil {
			return nil, err
		}
		return Cond{Obs: o, Then: l, Else: r}, nil
	default:
		l, err := DecodeLabel(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode ValueRef")
		}
		return ValueRef{Label: l}, nil
	}
}

func decodeValuePair(d *binary.Decoder, name string) (Value, Value, error) {
	l, err := DecodeValue(d)
	if err != nil {
		return nil, nil, binary.Wrapf(err, "decode %s[0]", name)
	}
	r, err := DecodeValue(d)
	if err != nil {
		return nil, nil, binary.Wrapf(err, "decode %s[1]", name)
	}
	return l, r, nil
}

// EncodeObservation appends an Observation: tags 0 AndObs … 10 FalseObs as
// in core, 11 ObservationRef.
func EncodeObservation(e *binary.Encoder, o Observation) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch x := o.(type) {
	case AndObs:
		e.PutTag(0)
		EncodeObservation(e, x.L)
		EncodeObservation(e, x.R)
	case OrObs:
		e.PutTag(1)
		EncodeObservation(e, x.L)
		EncodeObservation(e, x.R)
	case NotObs:
		e.PutTag(2)
		EncodeObservation(e, x.O)
	case ChoseSomething:
		e.PutTag(3)
		EncodeChoiceId(e, x.ID)
	case ValueGE:
		e.PutTag(4)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case ValueGT:
		e.PutTag(5)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case ValueLT:
		e.PutTag(6)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case ValueLE:
		e.PutTag(7)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case ValueEQ:
		e.PutTag(8)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case TrueObs:
		e.PutTag(9)
	case FalseObs:
		e.PutTag(10)
	case ObservationRef:
		e.PutTag(11)
		EncodeLabel(e, x.Label)
	case nil:
		e.Failf("encode Observation: nil value")
	default:
		e.Failf("encode Observation: unsupported type %T", o)
	}
}

// DecodeObservation reads an Observation.
func DecodeObservation(d *binary.Decoder) (Observation, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrapf(err, "decode Observation")
	}
	defer d.Leave()
	t, err := d.Tag("Observation", 12)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Observation")
	}
	switch t {
	case 0, 1:
		name := "AndObs"
		if t == 1 {
			name = "OrObs"
		}
		l, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode %s[0]", name)
		}
		r, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode %s[1]", name)
		}
		if t == 0 {
			return AndObs{L: l, R: r}, nil
		}
		return OrObs{L: l, R: r}, nil
	case 2:
		o, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode NotObs")
		}
		return NotObs{O: o}, nil
	case 3:
		c, err := DecodeChoiceId(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode ChoseSomething")
		}
		return ChoseSomething{ID: c}, nil
	case 4, 5, 6, 7, 8:
		names := [...]string{"ValueGE", "ValueGT", "ValueLT", "ValueLE", "ValueEQ"}
		l, r, err := decodeValuePair(d, names[t-4])
		if err != nil {
			return nil, err
		}
		switch t {
		case 4:
			return ValueGE{L: l, R: r}, nil
		case 5:
			return ValueGT{L: l, R: r}, nil
		case 6:
			return ValueLT{L: l, R: r}, nil
		case 7:
			return ValueLE{L: l, R: r}, nil
		default:
			return ValueEQ{L: l, R: r}, nil
		}
	case 9:
		return TrueObs{}, nil
	case 10:
		return FalseObs{}, nil
	default:
		l, err := DecodeLabel(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode ObservationRef")
		}
		return ObservationRef{Label: l}, nil
	}
}

// EncodeAction appends an Action: 00 Deposit Party Party Token Value | 01
// Choice ChoiceId list<Bound> | 02 Notify Observation | 03 ActionRef Label.
func EncodeAction(e *binary.Encoder, a Action) {
	switch x := a.(type) {
	case Deposit:
		e.PutTag(0)
		EncodeParty(e, x.Into)
		EncodeParty(e, x.From)
		EncodeToken(e, x.Token)
		EncodeValue(e, x.Amount)
	case Choice:
		e.PutTag(1)
		EncodeChoiceId(e, x.ID)
		binary.EncodeList(e, x.Bounds, EncodeBound)
	case Notify:
		e.PutTag(2)
		EncodeObservation(e, x.Obs)
	case ActionRef:
		e.PutTag(3)
		EncodeLabel(e, x.Label)
	case nil:
		e.Failf("encode Action: nil value")
	default:
		e.Failf("encode Action: unsupported type %T", a)
	}
}

// DecodeAction reads an Action.
func DecodeAction(d *binary.Decoder) (Action, error) {
	t, err := d.Tag("Action", 4)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Action")
	}
	switch t {
	case 0:
		var x Deposit
		if x.Into, err = DecodeParty(d); err != nil {
			return nil, binary.Wrapf(err, "decode Deposit.account")
		}
		if x.From, err = DecodeParty(d); err != nil {
			return nil, binary.Wrapf(err, "decode Deposit.party")
		}
		if x.Token, err = DecodeToken(d); err != nil {
			return nil, binary.Wrapf(err, "decode Deposit.token")
		}
		if x.Amount, err = DecodeValue(d); err != nil {
			return nil, binary.Wrapf(err, "decode Deposit.value")
		}
		return x, nil
	case 1:
		var x Choice
		if x.ID, err = DecodeChoiceId(d); err != nil {
			return nil, binary.Wrapf(err, "decode Choice.choiceId")
		}
		if x.Bounds, err = binary.DecodeListMin(d, minBoundSize, DecodeBound); err != nil {
			return nil, binary.Wrapf(err, "decode Choice.bounds")
		}
		return x, nil
	case 2:
		o, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Notify")
		}
		return Notify{Obs: o}, nil
	default:
		l, err := DecodeLabel(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode ActionRef")
		}
		return ActionRef{Label: l}, nil
	}
}

// EncodeCase appends a Case: 00 Case Action Contract | 01 MerkleizedCase
// Action ContractHash.
func EncodeCase(e *binary.Encoder, c Case) {
	if c.Merkleized {
		e.PutTag(1)
		EncodeAction(e, c.Action)
		EncodeContractHash(e, c.Hash)
		return
	}
	e.PutTag(0)
	EncodeAction(e, c.Action)
	EncodeContract(e, c.Then)
}

// DecodeCase reads a Case.
func DecodeCase(d *binary.Decoder) (Case, error) {
	t, err := d.Tag("Case", 2)
	if err != nil {
		return Case{}, binary.Wrapf(err, "decode Case")
	}
	a, err := DecodeAction(d)
	if err != nil {
		return Case{}, binary.Wrapf(err, "decode Case.action")
	}
	if t == 1 {
		h, err := DecodeContractHash(d)
		if err != nil {
			return Case{}, binary.Wrapf(err, "decode MerkleizedCase.hash")
		}
		return Case{Action: a, Merkleized: true, Hash: h}, nil
	}
	c, err := DecodeContract(d)
	if err != nil {
		return Case{}, binary.Wrapf(err, "decode Case.contract")
	}
	return Case{Action: a, Then: c}, nil
}

// EncodeContract appends a Contract: 00 Close | 01 Pay | 02 If | 03 When |
// 04 Let | 05 Assert | 06 ContractRef.
func EncodeContract(e *binary.Encoder, c Contract) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch x := c.(type) {
	case Close:
		e.PutTag(0)
	case Pay:
		e.PutTag(1)
		EncodeParty(e, x.From)
		EncodePayee(e, x.To)
		EncodeToken(e, x.Token)
		EncodeValue(e, x.Amount)
		EncodeContract(e, x.Then)
	case If:
		e.PutTag(2)
		EncodeObservation(e, x.Obs)
		EncodeContract(e, x.Then)
		EncodeContract(e, x.Else)
	case When:
		e.PutTag(3)
		binary.EncodeList(e, x.Cases, EncodeCase)
		e.PutInteger(x.Timeout)
		EncodeContract(e, x.Continuation)
	case Let:
		e.PutTag(4)
		e.PutBytesString(string(x.ID))
		EncodeValue(e, x.Value)
		EncodeContract(e, x.Then)
	case Assert:
		e.PutTag(5)
		EncodeObservation(e, x.Obs)
		EncodeContract(e, x.Then)
	case ContractRef:
		e.PutTag(6)
		EncodeLabel(e, x.Label)
	case nil:
		e.Failf("encode Contract: nil value")
	default:
		e.Failf("encode Contract: unsupported type %T", c)
	}
}

// DecodeContract reads a Contract.
func DecodeContract(d *binary.Decoder) (Contract, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrapf(err, "decode Contract")
	}
	defer d.Leave()
	t, err := d.Tag("Contract", 7)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Contract")
	}
	switch t {
	case 0:
		return Close{}, nil
	case 1:
		var x Pay
		if x.From, err = DecodeParty(d); err != nil {
			return nil, binary.Wrapf(err, "decode Pay.account")
		}
		if x.To, err = DecodePayee(d); err != nil {
			return nil, binary.Wrapf(err, "decode Pay.payee")
		}
		if x.Token, err = DecodeToken(d); err != nil {
			return nil, binary.Wrapf(err, "decode Pay.token")
		}
		if x.Amount, err = DecodeValue(d); err != nil {
			return nil, binary.Wrapf(err, "decode Pay.value")
		}
		if x.Then, err = DecodeContract(d); err != nil {
			return nil, binary.Wrapf(err, "decode Pay.contract")
		}
		return x, nil
	case 2:
		var x If
		if x.Obs, err = DecodeObservation(d); err != nil {
			return nil, binary.Wrapf(err, "decode If.observation")
		}
		if x.Then, err = DecodeContract(d); err != nil {
			return nil, binary.Wrapf(err, "decode If.then")
		}
		if x.Else, err = DecodeContract(d); err != nil {
			return nil, binary.Wrapf(err, "decode If.else")
		}
		return x, nil
	case 3:
		var x When
		if x.Cases, err = binary.DecodeListMin(d, minCaseSize, DecodeCase); err != nil {
			return nil, binary.Wrapf(err, "decode When.cases")
		}
		if x.Timeout, err = d.Integer(); err != nil {
			return nil, binary.Wrapf(err, "decode When.timeout")
		}
		if x.Continuation, err = DecodeContract(d); err != nil {
			return nil, binary.Wrapf(err, "decode When.continuation")
		}
		return x, nil
	case 4:
		var x Let
		s, err := d.BytesString()
		if err != nil {
			return nil, binary.Wrapf(err, "decode Let.valueId")
		}
		x.ID = ValueID(s)
		if x.Value, err = DecodeValue(d); err != nil {
			return nil, binary.Wrapf(err, "decode Let.value")
		}
		if x.Then, err = DecodeContract(d); err != nil {
			return nil, binary.Wrapf(err, "decode Let.contract")
		}
		return x, nil
	case 5:
		var x Assert
		if x.Obs, err = DecodeObservation(d); err != nil {
			return nil, binary.Wrapf(err, "decode Assert.observation")
		}
		if x.Then, err = DecodeContract(d); err != nil {
			return nil, binary.Wrapf(err, "decode Assert.contract")
		}
		return x, nil
	default:
		l, err := DecodeLabel(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode ContractRef")
		}
		return ContractRef{Label: l}, nil
	}
}

// EncodeObject appends o's value in the codec of its kind, without a type
// tag.
func EncodeObject(e *binary.Encoder, o Object) {
	switch x := o.(type) {
	case Value:
		EncodeValue(e, x)
	case Observation:
		EncodeObservation(e, x)
	case Contract:
		EncodeContract(e, x)
	case Party:
		EncodeParty(e, x)
	case Token:
		EncodeToken(e, x)
	case Action:
		EncodeAction(e, x)
	case nil:
		e.Failf("encode Object: nil value")
	default:
		e.Failf("encode Object: unsupported type %T", o)
	}
}

// DecodeObject reads a value of kind t.
func DecodeObject(d *binary.Decoder, t ObjectType) (Object, error) {
	switch t {
	case ValueType:
		return DecodeValue(d)
	case ObservationType:
		return DecodeObservation(d)
	case ContractType:
		return DecodeContract(d)
	case PartyType:
		return DecodeParty(d)
	case TokenType:
		return DecodeToken(d)
	case ActionType:
		return DecodeAction(d)
	}
	return nil, d.Errorf(d.Offset(), "decode Object: invalid object type %d", uint8(t))
}

// EncodeLabelledObject appends a LabelledObject: Label, the object's type
// byte, then the object.
func EncodeLabelledObject(e *binary.Encoder, o LabelledObject) {
	EncodeLabel(e, o.Label)
	if o.Object == nil {
		e.Failf("encode LabelledObject %q: nil object", o.Label)
		return
	}
	EncodeObjectType(e, o.Object.ObjectType())
	EncodeObject(e, o.Object)
}

// DecodeLabelledObject reads a LabelledObject.
func DecodeLabelledObject(d *binary.Decoder) (LabelledObject, error) {
	l, err := DecodeLabel(d)
	if err != nil {
		return LabelledObject{}, binary.Wrapf(err, "decode LabelledObject.label")
	}
	t, err := DecodeObjectType(d)
	if err != nil {
		return LabelledObject{}, binary.Wrapf(err, "decode LabelledObject.type")
	}
	o, err := DecodeObject(d, t)
	if err != nil {
		return LabelledObject{}, binary.Wrapf(err, "decode LabelledObject.value")
	}
	return LabelledObject{Label: l, Object: o}, nil
}

// EncodeObjectBundle appends an ObjectBundle: list<LabelledObject>.
func EncodeObjectBundle(e *binary.Encoder, b ObjectBundle) {
	binary.EncodeList(e, b, EncodeLabelledObject)
}

// DecodeObjectBundle reads an ObjectBundle.
func DecodeObjectBundle(d *binary.Decoder) (ObjectBundle, error) {
	xs, err := binary.DecodeListMin(d, minLabelledObjectSize, DecodeLabelledObject)
	if err != nil {
		return nil, binary.Wrapf(err, "decode ObjectBundle")
	}
	return ObjectBundle(xs), nil
}
