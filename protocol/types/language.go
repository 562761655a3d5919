package types

import (
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// Marlowe Core V1 language values in their generic-derived Binary form
// (wire-protocol.md §5.6; constructor tag = declaration index), mapped onto
// the Go types of contracts/core. Sum types are encoded from their value
// variants (core.Close, core.When, …) as core.ToData does; a nil or pointer
// variant records an encoding error. Every byte-valued name is a Haskell
// BuiltinByteString (bytes); POSIXTime and Timeout are Integers.

// EncodePlutusCredential appends a Plutus Credential: 00 PubKeyCredential
// bytes | 01 ScriptCredential bytes.
func EncodePlutusCredential(e *binary.Encoder, c core.Credential) {
	if c.Script {
		e.PutTag(1)
	} else {
		e.PutTag(0)
	}
	e.PutBytesString(c.Hash)
}

// DecodePlutusCredential reads a Plutus Credential.
func DecodePlutusCredential(d *binary.Decoder) (core.Credential, error) {
	t, err := d.Tag("Credential", 2)
	if err != nil {
		return core.Credential{}, binary.Wrapf(err, "decode Credential")
	}
	h, err := d.BytesString()
	if err != nil {
		return core.Credential{}, binary.Wrapf(err, "decode Credential.hash")
	}
	return core.Credential{Script: t == 1, Hash: h}, nil
}

// EncodePlutusAddress appends a Plutus (PV2) Address: Credential,
// maybe<StakingCredential> where StakingCredential is 00 StakingHash
// Credential | 01 StakingPtr integer integer integer. The network flag is
// not part of it (Party carries it). An opaque address (lenient JSON only)
// has no wire form and records an error.
func EncodePlutusAddress(e *binary.Encoder, a core.Address) {
	if a.Opaque != "" {
		e.Failf("encode Address: opaque address %q has no on-chain form", a.Opaque)
	}
	EncodePlutusCredential(e, a.Payment)
	switch a.Staking {
	case core.NoStaking:
		e.PutU8(0)
	case core.StakingHash:
		e.PutU8(1)
		e.PutTag(0)
		EncodePlutusCredential(e, a.Stake)
	case core.StakingPtr:
		e.PutU8(1)
		e.PutTag(1)
		for _, n := range a.Pointer {
			e.PutInteger(new(big.Int).SetUint64(n))
		}
	default:
		e.Failf("encode Address: invalid staking kind %d", a.Staking)
	}
}

// DecodePlutusAddress reads a Plutus (PV2) Address (without network). A
// staking pointer component outside 0..2^64-1 cannot be represented by
// core.Address and is rejected.
func DecodePlutusAddress(d *binary.Decoder) (core.Address, error) {
	var a core.Address
	var err error
	if a.Payment, err = DecodePlutusCredential(d); err != nil {
		return a, binary.Wrapf(err, "decode Address.credential")
	}
	at := d.Offset()
	just, err := d.U8()
	if err != nil {
		return a, binary.Wrapf(err, "decode Address.stakingCredential")
	}
	switch just {
	case 0:
		return a, nil
	case 1:
	default:
		return a, binary.Wrapf(d.Errorf(at, "invalid Maybe tag %#02x", just), "decode Address.stakingCredential")
	}
	t, err := d.Tag("StakingCredential", 2)
	if err != nil {
		return a, binary.Wrapf(err, "decode Address.stakingCredential")
	}
	if t == 0 {
		a.Staking = core.StakingHash
		if a.Stake, err = DecodePlutusCredential(d); err != nil {
			return a, binary.Wrapf(err, "decode Address.stakingCredential.StakingHash")
		}
		return a, nil
	}
	a.Staking = core.StakingPtr
	for i := range a.Pointer {
		at := d.Offset()
		n, err := d.Integer()
		if err != nil {
			return a, binary.Wrapf(err, "decode Address.stakingCredential.StakingPtr[%d]", i)
		}
		if !n.IsUint64() {
			return a, binary.Wrapf(d.Errorf(at, "pointer component %s outside 0..2^64-1", n), "decode Address.stakingCredential.StakingPtr[%d]", i)
		}
		a.Pointer[i] = n.Uint64()
	}
	return a, nil
}

// EncodeParty appends a Party: 00 Address (bool network, PV2 Address) |
// 01 Role TokenName.
func EncodeParty(e *binary.Encoder, p core.Party) {
	switch p.Kind {
	case core.AddressParty:
		e.PutTag(0)
		e.PutBool(p.Address.Mainnet)
		EncodePlutusAddress(e, p.Address)
	case core.RoleParty:
		e.PutTag(1)
		e.PutBytesString(string(p.Role))
	default:
		e.Failf("encode Party: invalid kind %d", p.Kind)
	}
}

// DecodeParty reads a Party.
func DecodeParty(d *binary.Decoder) (core.Party, error) {
	t, err := d.Tag("Party", 2)
	if err != nil {
		return core.Party{}, binary.Wrapf(err, "decode Party")
	}
	if t == 1 {
		r, err := d.BytesString()
		if err != nil {
			return core.Party{}, binary.Wrapf(err, "decode Party.Role")
		}
		return core.RolePartyOf(core.TokenName(r)), nil
	}
	mainnet, err := d.Bool()
	if err != nil {
		return core.Party{}, binary.Wrapf(err, "decode Party.Address.network")
	}
	a, err := DecodePlutusAddress(d)
	if err != nil {
		return core.Party{}, binary.Wrapf(err, "decode Party.Address")
	}
	a.Mainnet = mainnet
	return core.AddressPartyOf(a), nil
}

// EncodeToken appends a Token: CurrencySymbol, TokenName.
func EncodeToken(e *binary.Encoder, t core.Token) {
	e.PutBytesString(string(t.Currency))
	e.PutBytesString(string(t.Name))
}

// DecodeToken reads a Token.
func DecodeToken(d *binary.Decoder) (core.Token, error) {
	c, err := d.BytesString()
	if err != nil {
		return core.Token{}, binary.Wrapf(err, "decode Token.currencySymbol")
	}
	n, err := d.BytesString()
	if err != nil {
		return core.Token{}, binary.Wrapf(err, "decode Token.tokenName")
	}
	return core.Token{Currency: core.CurrencySymbol(c), Name: core.TokenName(n)}, nil
}

// EncodeChoiceId appends a ChoiceId: bytes name, Party.
func EncodeChoiceId(e *binary.Encoder, c core.ChoiceID) {
	e.PutBytesString(string(c.Name))
	EncodeParty(e, c.Owner)
}

// DecodeChoiceId reads a ChoiceId.
func DecodeChoiceId(d *binary.Decoder) (core.ChoiceID, error) {
	n, err := d.BytesString()
	if err != nil {
		return core.ChoiceID{}, binary.Wrapf(err, "decode ChoiceId.name")
	}
	p, err := DecodeParty(d)
	if err != nil {
		return core.ChoiceID{}, binary.Wrapf(err, "decode ChoiceId.party")
	}
	return core.ChoiceID{Name: core.ChoiceName(n), Owner: p}, nil
}

// EncodeValueId appends a ValueId (bytes).
func EncodeValueId(e *binary.Encoder, v core.ValueID) { e.PutBytesString(string(v)) }

// DecodeValueId reads a ValueId.
func DecodeValueId(d *binary.Decoder) (core.ValueID, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode ValueId")
	}
	return core.ValueID(s), nil
}

// EncodeValue appends a Value (tags 0 AvailableMoney … 11 Cond).
func EncodeValue(e *binary.Encoder, v core.Value) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch x := v.(type) {
	case core.AvailableMoney:
		e.PutTag(0)
		EncodeParty(e, x.Account)
		EncodeToken(e, x.Token)
	case core.Constant:
		e.PutTag(1)
		e.PutInteger(x.N)
	case core.NegValue:
		e.PutTag(2)
		EncodeValue(e, x.V)
	case core.AddValue:
		e.PutTag(3)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case core.SubValue:
		e.PutTag(4)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case core.MulValue:
		e.PutTag(5)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case core.DivValue:
		e.PutTag(6)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case core.ChoiceValue:
		e.PutTag(7)
		EncodeChoiceId(e, x.ID)
	case core.TimeIntervalStart:
		e.PutTag(8)
	case core.TimeIntervalEnd:
		e.PutTag(9)
	case core.UseValue:
		e.PutTag(10)
		EncodeValueId(e, x.ID)
	case core.Cond:
		e.PutTag(11)
		EncodeObservation(e, x.Obs)
		EncodeValue(e, x.Then)
		EncodeValue(e, x.Else)
	case nil:
		e.Failf("encode Value: nil value")
	default:
		e.Failf("encode Value: unsupported type %T", v)
	}
}

// DecodeValue reads a Value.
func DecodeValue(d *binary.Decoder) (core.Value, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrapf(err, "decode Value")
	}
	defer d.Leave()
	t, err := d.Tag("Value", 12)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Value")
	}
	pairOf := func(name string, mk func(l, r core.Value) core.Value) (core.Value, error) {
		l, r, err := decodeValuePair(d, name)
		if err != nil {
			return nil, err
		}
		return mk(l, r), nil
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
		return core.AvailableMoney{Account: acc, Token: tok}, nil
	case 1:
		n, err := d.Integer()
		if err != nil {
			return nil, binary.Wrapf(err, "decode Constant")
		}
		return core.Constant{N: n}, nil
	case 2:
		v, err := DecodeValue(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode NegValue")
		}
		return core.NegValue{V: v}, nil
	case 3:
		return pairOf("AddValue", func(l, r core.Value) core.Value { return core.AddValue{L: l, R: r} })
	case 4:
		return pairOf("SubValue", func(l, r core.Value) core.Value { return core.SubValue{L: l, R: r} })
	case 5:
		return pairOf("MulValue", func(l, r core.Value) core.Value { return core.MulValue{L: l, R: r} })
	case 6:
		return pairOf("DivValue", func(l, r core.Value) core.Value { return core.DivValue{L: l, R: r} })
	case 7:
		c, err := DecodeChoiceId(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode ChoiceValue")
		}
		return core.ChoiceValue{ID: c}, nil
	case 8:
		return core.TimeIntervalStart{}, nil
	case 9:
		return core.TimeIntervalEnd{}, nil
	case 10:
		id, err := DecodeValueId(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode UseValue")
		}
		return core.UseValue{ID: id}, nil
	default:
		o, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Cond.observation")
		}
		l, r, err := decodeValuePair(d, "Cond")
		if err != nil {
			return nil, err
		}
		return core.Cond{Obs: o, Then: l, Else: r}, nil
	}
}

// decodeValuePair reads the two Value operands of constructor name.
func decodeValuePair(d *binary.Decoder, name string) (core.Value, core.Value, error) {
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

// EncodeObservation appends an Observation (tags 0 AndObs … 10 FalseObs).
func EncodeObservation(e *binary.Encoder, o core.Observation) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch x := o.(type) {
	case core.AndObs:
		e.PutTag(0)
		EncodeObservation(e, x.L)
		EncodeObservation(e, x.R)
	case core.OrObs:
		e.PutTag(1)
		EncodeObservation(e, x.L)
		EncodeObservation(e, x.R)
	case core.NotObs:
		e.PutTag(2)
		EncodeObservation(e, x.O)
	case core.ChoseSomething:
		e.PutTag(3)
		EncodeChoiceId(e, x.ID)
	case core.ValueGE:
		e.PutTag(4)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case core.ValueGT:
		e.PutTag(5)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case core.ValueLT:
		e.PutTag(6)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case core.ValueLE:
		e.PutTag(7)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case core.ValueEQ:
		e.PutTag(8)
		EncodeValue(e, x.L)
		EncodeValue(e, x.R)
	case core.TrueObs:
		e.PutTag(9)
	case core.FalseObs:
		e.PutTag(10)
	case nil:
		e.Failf("encode Observation: nil value")
	default:
		e.Failf("encode Observation: unsupported type %T", o)
	}
}

// DecodeObservation reads an Observation.
func DecodeObservation(d *binary.Decoder) (core.Observation, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrapf(err, "decode Observation")
	}
	defer d.Leave()
	t, err := d.Tag("Observation", 11)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Observation")
	}
	obsPair := func(name string, mk func(l, r core.Observation) core.Observation) (core.Observation, error) {
		l, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode %s[0]", name)
		}
		r, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode %s[1]", name)
		}
		return mk(l, r), nil
	}
	valPair := func(name string, mk func(l, r core.Value) core.Observation) (core.Observation, error) {
		l, r, err := decodeValuePair(d, name)
		if err != nil {
			return nil, err
		}
		return mk(l, r), nil
	}
	switch t {
	case 0:
		return obsPair("AndObs", func(l, r core.Observation) core.Observation { return core.AndObs{L: l, R: r} })
	case 1:
		return obsPair("OrObs", func(l, r core.Observation) core.Observation { return core.OrObs{L: l, R: r} })
	case 2:
		o, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode NotObs")
		}
		return core.NotObs{O: o}, nil
	case 3:
		c, err := DecodeChoiceId(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode ChoseSomething")
		}
		return core.ChoseSomething{ID: c}, nil
	case 4:
		return valPair("ValueGE", func(l, r core.Value) core.Observation { return core.ValueGE{L: l, R: r} })
	case 5:
		return valPair("ValueGT", func(l, r core.Value) core.Observation { return core.ValueGT{L: l, R: r} })
	case 6:
		return valPair("ValueLT", func(l, r core.Value) core.Observation { return core.ValueLT{L: l, R: r} })
	case 7:
		return valPair("ValueLE", func(l, r core.Value) core.Observation { return core.ValueLE{L: l, R: r} })
	case 8:
		return valPair("ValueEQ", func(l, r core.Value) core.Observation { return core.ValueEQ{L: l, R: r} })
	case 9:
		return core.TrueObs{}, nil
	default:
		return core.FalseObs{}, nil
	}
}

// EncodeBound appends a Bound: integer low, integer high.
func EncodeBound(e *binary.Encoder, b core.Bound) {
	e.PutInteger(b.Low)
	e.PutInteger(b.High)
}

// DecodeBound reads a Bound.
func DecodeBound(d *binary.Decoder) (core.Bound, error) {
	lo, err := d.Integer()
	if err != nil {
		return core.Bound{}, binary.Wrapf(err, "decode Bound.low")
	}
	hi, err := d.Integer()
	if err != nil {
		return core.Bound{}, binary.Wrapf(err, "decode Bound.high")
	}
	return core.Bound{Low: lo, High: hi}, nil
}

// EncodeAction appends an Action: 00 Deposit Party Party Token Value |
// 01 Choice ChoiceId list<Bound> | 02 Notify Observation.
func EncodeAction(e *binary.Encoder, a core.Action) {
	switch x := a.(type) {
	case core.Deposit:
		e.PutTag(0)
		EncodeParty(e, x.Into)
		EncodeParty(e, x.From)
		EncodeToken(e, x.Token)
		EncodeValue(e, x.Amount)
	case core.Choice:
		e.PutTag(1)
		EncodeChoiceId(e, x.ID)
		binary.EncodeList(e, x.Bounds, EncodeBound)
	case core.Notify:
		e.PutTag(2)
		EncodeObservation(e, x.Obs)
	case nil:
		e.Failf("encode Action: nil value")
	default:
		e.Failf("encode Action: unsupported type %T", a)
	}
}

// DecodeAction reads an Action.
func DecodeAction(d *binary.Decoder) (core.Action, error) {
	t, err := d.Tag("Action", 3)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Action")
	}
	switch t {
	case 0:
		var x core.Deposit
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
		var x core.Choice
		if x.ID, err = DecodeChoiceId(d); err != nil {
			return nil, binary.Wrapf(err, "decode Choice.choiceId")
		}
		if x.Bounds, err = binary.DecodeListMin(d, 10, DecodeBound); err != nil {
			return nil, binary.Wrapf(err, "decode Choice.bounds")
		}
		return x, nil
	default:
		o, err := DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode Notify")
		}
		return core.Notify{Obs: o}, nil
	}
}

// EncodePayee appends a Payee: 00 Account Party | 01 Party Party.
func EncodePayee(e *binary.Encoder, p core.Payee) {
	switch p.Kind {
	case core.PayeeAccount:
		e.PutTag(0)
	case core.PayeeParty:
		e.PutTag(1)
	default:
		e.Failf("encode Payee: invalid kind %d", p.Kind)
	}
	EncodeParty(e, p.Party)
}

// DecodePayee reads a Payee.
func DecodePayee(d *binary.Decoder) (core.Payee, error) {
	t, err := d.Tag("Payee", 2)
	if err != nil {
		return core.Payee{}, binary.Wrapf(err, "decode Payee")
	}
	p, err := DecodeParty(d)
	if err != nil {
		return core.Payee{}, binary.Wrapf(err, "decode Payee.party")
	}
	kind := core.PayeeAccount
	if t == 1 {
		kind = core.PayeeParty
	}
	return core.Payee{Kind: kind, Party: p}, nil
}

// EncodeCase appends a Case: 00 Case Action Contract | 01 MerkleizedCase
// Action bytes(continuation hash).
func EncodeCase(e *binary.Encoder, c core.Case) {
	if c.Merkleized {
		e.PutTag(1)
		EncodeAction(e, c.Action)
		e.PutBytes(c.Hash)
		return
	}
	e.PutTag(0)
	EncodeAction(e, c.Action)
	EncodeContract(e, c.Then)
}

// DecodeCase reads a Case.
func DecodeCase(d *binary.Decoder) (core.Case, error) {
	t, err := d.Tag("Case", 2)
	if err != nil {
		return core.Case{}, binary.Wrapf(err, "decode Case")
	}
	a, err := DecodeAction(d)
	if err != nil {
		return core.Case{}, binary.Wrapf(err, "decode Case.action")
	}
	if t == 1 {
		h, err := d.Bytes()
		if err != nil {
			return core.Case{}, binary.Wrapf(err, "decode MerkleizedCase.hash")
		}
		return core.Case{Action: a, Merkleized: true, Hash: h}, nil
	}
	c, err := DecodeContract(d)
	if err != nil {
		return core.Case{}, binary.Wrapf(err, "decode Case.contract")
	}
	return core.Case{Action: a, Then: c}, nil
}

// EncodeContract appends a Contract: 00 Close | 01 Pay | 02 If | 03 When |
// 04 Let | 05 Assert.
func EncodeContract(e *binary.Encoder, c core.Contract) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch x := c.(type) {
	case core.Close:
		e.PutTag(0)
	case core.Pay:
		e.PutTag(1)
		EncodeParty(e, x.From)
		EncodePayee(e, x.To)
		EncodeToken(e, x.Token)
		EncodeValue(e, x.Amount)
		EncodeContract(e, x.Then)
	case core.If:
		e.PutTag(2)
		EncodeObservation(e, x.Obs)
		EncodeContract(e, x.Then)
		EncodeContract(e, x.Else)
	case core.When:
		e.PutTag(3)
		binary.EncodeList(e, x.Cases, EncodeCase)
		e.PutInteger(x.Timeout)
		EncodeContract(e, x.Continuation)
	case core.Let:
		e.PutTag(4)
		EncodeValueId(e, x.ID)
		EncodeValue(e, x.Value)
		EncodeContract(e, x.Then)
	case core.Assert:
		e.PutTag(5)
		EncodeObservation(e, x.Obs)
		EncodeContract(e, x.Then)
	case nil:
		e.Failf("encode Contract: nil value")
	default:
		e.Failf("encode Contract: unsupported type %T", c)
	}
}

// DecodeContract reads a Contract.
func DecodeContract(d *binary.Decoder) (core.Contract, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrapf(err, "decode Contract")
	}
	defer d.Leave()
	t, err := d.Tag("Contract", 6)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Contract")
	}
	switch t {
	case 0:
		return core.Close{}, nil
	case 1:
		var x core.Pay
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
		var x core.If
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
		var x core.When
		// A Case takes at least 3 bytes (tags of Case, Action, Contract).
		if x.Cases, err = binary.DecodeListMin(d, 3, DecodeCase); err != nil {
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
		var x core.Let
		if x.ID, err = DecodeValueId(d); err != nil {
			return nil, binary.Wrapf(err, "decode Let.valueId")
		}
		if x.Value, err = DecodeValue(d); err != nil {
			return nil, binary.Wrapf(err, "decode Let.value")
		}
		if x.Then, err = DecodeContract(d); err != nil {
			return nil, binary.Wrapf(err, "decode Let.contract")
		}
		return x, nil
	default:
		var x core.Assert
		if x.Obs, err = DecodeObservation(d); err != nil {
			return nil, binary.Wrapf(err, "decode Assert.observation")
		}
		if x.Then, err = DecodeContract(d); err != nil {
			return nil, binary.Wrapf(err, "decode Assert.contract")
		}
		return x, nil
	}
}
