package core

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/blinklabs-io/plutigo/data"
)

// This file maps the Marlowe core types to and from their Plutus Data form
// (semantics.md §1–2): the layout `makeIsDataIndexed` gives them in
// marlowe-cardano's Semantics/Types.hs, which is what the validators, the
// Runtime and every datum or continuation hash see.

// DataError reports where in a Plutus Data value a conversion failed; its
// path uses the field names of the core JSON form, e.g.
// "marloweContract.when[0].then".
type DataError struct {
	// segs holds the path innermost segment first: segments are added
	// while the error travels up the recursion, and appending keeps that
	// linear in the depth.
	segs []string
	Err  error
}

// Path is the position of the failure, e.g. "marloweContract.when[0].then";
// empty when the value itself is at fault.
func (e *DataError) Path() string {
	var b strings.Builder
	for i := len(e.segs) - 1; i >= 0; i-- {
		s := e.segs[i]
		if b.Len() > 0 && s != "" && s[0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

func (e *DataError) Error() string {
	if p := e.Path(); p != "" {
		return p + ": " + e.Err.Error()
	}
	return e.Err.Error()
}

func (e *DataError) Unwrap() error { return e.Err }

// pdAt prefixes err's path with seg. Paths are built only on the error path,
// so successful conversion of large datums allocates nothing for them. The
// errors passed in are always fresh, so extending them in place is safe.
func pdAt(seg string, err error) error {
	if err == nil {
		return nil
	}
	if de, ok := err.(*DataError); ok {
		de.segs = append(de.segs, seg)
		return de
	}
	return &DataError{segs: []string{seg}, Err: err}
}

func pdAtIndex(seg string, i int, err error) error {
	return pdAt(fmt.Sprintf("%s[%d]", seg, i), err)
}

// ToData converts a core value to Plutus Data. Supported: MarloweData,
// MarloweParams, Redeemer, []Input, PayoutDatum, OpenRoleDatum, State,
// Contract, Case, Action, Value, Observation, Input, InputContent, Party,
// Payee, Token, ChoiceID, Bound, ValueID, TokenName, CurrencySymbol, *big.Int,
// and data.PlutusData itself (returned unchanged). Sum types may be passed as
// their concrete variant (e.g. When, Deposit, AddValue).
func ToData(v any) (data.PlutusData, error) {
	switch x := v.(type) {
	case MarloweData:
		return marloweDataToData(x)
	case MarloweParams:
		return pdConstr(0, pdBytes(string(x.RolesCurrency))), nil
	case Redeemer:
		return inputsToData(x)
	case []Input:
		return inputsToData(x)
	case PayoutDatum:
		return pdConstr(0, pdBytes(string(x.RolesCurrency)), pdBytes(string(x.Role))), nil
	case OpenRoleDatum:
		return pdBytes(string(x.ThreadTokenName)), nil
	case State:
		return stateToData(x)
	case Case:
		return caseToData(x)
	case Input:
		return inputToData(x)
	case Party:
		return partyToData(x)
	case Payee:
		return payeeToData(x)
	case Token:
		return tokenToData(x), nil
	case ChoiceID:
		return choiceIDToData(x)
	case Bound:
		return boundToData(x)
	case ValueID:
		return valueIDToData(x), nil
	case TokenName:
		return pdBytes(string(x)), nil
	case CurrencySymbol:
		return pdBytes(string(x)), nil
	case *big.Int:
		return pdInteger(x)
	case Contract:
		return contractToData(x)
	case Action:
		return actionToData(x)
	case Value:
		return valueToData(x)
	case Observation:
		return observationToData(x)
	case InputContent:
		return inputContentToData(x)
	case data.PlutusData:
		return x, nil
	case nil:
		return nil, errors.New("plutus data: cannot convert nil")
	default:
		return nil, fmt.Errorf("plutus data: unsupported type %T", v)
	}
}

// FromData decodes Plutus Data into T, for the same set of types as ToData.
// Errors are *DataError values naming the failing position.
func FromData[T any](pd data.PlutusData) (T, error) {
	var out T
	var err error
	switch p := any(&out).(type) {
	case *MarloweData:
		*p, err = marloweDataFromData(pd)
	case *MarloweParams:
		*p, err = paramsFromData(pd)
	case *Redeemer:
		*p, err = inputsFromData(pd)
	case *[]Input:
		*p, err = inputsFromData(pd)
	case *PayoutDatum:
		*p, err = payoutFromData(pd)
	case *OpenRoleDatum:
		var b []byte
		b, err = pdAsBytes(pd)
		*p = OpenRoleDatum{ThreadTokenName: TokenName(b)}
	case *State:
		*p, err = stateFromData(pd)
	case *Contract:
		*p, err = contractFromData(pd)
	case *Case:
		*p, err = caseFromData(pd)
	case *Action:
		*p, err = actionFromData(pd)
	case *Value:
		*p, err = valueFromData(pd)
	case *Observation:
		*p, err = observationFromData(pd)
	case *Input:
		*p, err = inputFromData(pd)
	case *InputContent:
		*p, err = inputContentFromData(pd)
	case *Party:
		*p, err = partyFromData(pd)
	case *Payee:
		*p, err = payeeFromData(pd)
	case *Token:
		*p, err = tokenFromData(pd)
	case *ChoiceID:
		*p, err = choiceIDFromData(pd)
	case *Bound:
		*p, err = boundFromData(pd)
	case *ValueID:
		*p, err = valueIDFromData(pd)
	case *TokenName:
		var b []byte
		b, err = pdAsBytes(pd)
		*p = TokenName(b)
	case *CurrencySymbol:
		var b []byte
		b, err = pdAsBytes(pd)
		*p = CurrencySymbol(b)
	case **big.Int:
		*p, err = pdAsInt(pd)
	case *data.PlutusData:
		if pd == nil {
			err = errors.New("plutus data: nil value")
		}
		*p = pd
	default:
		// A concrete variant of a sum type: decode the sum, then insist
		// on the requested constructor.
		var got any
		switch any(out).(type) {
		case Contract:
			got, err = contractFromData(pd)
		case Action:
			got, err = actionFromData(pd)
		case Value:
			got, err = valueFromData(pd)
		case Observation:
			got, err = observationFromData(pd)
		case InputContent:
			got, err = inputContentFromData(pd)
		default:
			return out, fmt.Errorf("plutus data: unsupported type %T", out)
		}
		if err != nil {
			return out, err
		}
		v, ok := got.(T)
		if !ok {
			return out, &DataError{Err: fmt.Errorf("expected %T, got %T", out, got)}
		}
		return v, nil
	}
	if err != nil {
		var zero T
		if _, ok := err.(*DataError); !ok {
			err = &DataError{Err: err}
		}
		return zero, err
	}
	return out, nil
}

// EncodeData is the canonical CBOR of ToData(v): the bytes whose blake2b-256
// is v's datum hash.
func EncodeData(v any) ([]byte, error) {
	pd, err := ToData(v)
	if err != nil {
		return nil, err
	}
	return EncodePlutusData(pd)
}

// DecodeData parses CBOR bytes (exactly one value, no trailing bytes) and
// decodes them into T.
func DecodeData[T any](cbor []byte) (T, error) {
	pd, err := DecodePlutusData(cbor)
	if err != nil {
		var zero T
		return zero, err
	}
	return FromData[T](pd)
}

// EqualData reports whether a and b have the same Plutus Data form, by
// comparing canonical encodings: this is the structural equality the
// validator applies to datums (and so to parties, tokens, states and
// contracts), independent of how the Go values were built.
func EqualData(a, b any) (bool, error) {
	ea, err := EncodeData(a)
	if err != nil {
		return false, err
	}
	eb, err := EncodeData(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ea, eb), nil
}

// PlutusAddressData returns the Plutus (ledger API) form of a's address part,
// `C0[credential, maybe staking credential]`, without Marlowe's network flag.
func PlutusAddressData(a Address) (data.PlutusData, error) {
	if a.Opaque != "" {
		return nil, fmt.Errorf("plutus data: address %q has no on-chain form", a.Opaque)
	}
	var staking data.PlutusData
	switch a.Staking {
	case NoStaking:
		staking = pdConstr(1) // Nothing
	case StakingHash:
		staking = pdConstr(0, pdConstr(0, credentialToData(a.Stake)))
	case StakingPtr:
		staking = pdConstr(0, pdConstr(1,
			pdUint(a.Pointer[0]), pdUint(a.Pointer[1]), pdUint(a.Pointer[2])))
	default:
		return nil, fmt.Errorf("plutus data: unknown staking kind %d", a.Staking)
	}
	return pdConstr(0, credentialToData(a.Payment), staking), nil
}

// AddressFromPlutusData decodes a Plutus address `C0[credential, maybe
// staking]` (e.g. from a script context output); mainnet supplies the network
// flag, which the Plutus form does not carry.
func AddressFromPlutusData(pd data.PlutusData, mainnet bool) (Address, error) {
	a := Address{Mainnet: mainnet}
	fs, err := pdExpect(pd, "Address", 0, 2)
	if err != nil {
		return Address{}, err
	}
	if a.Payment, err = credentialFromData(fs[0]); err != nil {
		return Address{}, pdAt("payment_credential", err)
	}
	tag, mfs, err := pdConstrOf(fs[1], "Maybe StakingCredential")
	if err != nil {
		return Address{}, pdAt("staking_credential", err)
	}
	switch tag {
	case 1:
		if err := pdArity("Maybe StakingCredential", tag, mfs, 0); err != nil {
			return Address{}, pdAt("staking_credential", err)
		}
		a.Staking = NoStaking
	case 0:
		if err := pdArity("Maybe StakingCredential", tag, mfs, 1); err != nil {
			return Address{}, pdAt("staking_credential", err)
		}
		if err := stakingFromData(mfs[0], &a); err != nil {
			return Address{}, pdAt("staking_credential", err)
		}
	default:
		return Address{}, pdAt("staking_credential", fmt.Errorf("unknown Maybe constructor %d", tag))
	}
	return a, nil
}

// ---------------------------------------------------------------------------
// Plutus Data construction helpers

func pdConstr(tag uint, fields ...data.PlutusData) data.PlutusData {
	if fields == nil {
		fields = []data.PlutusData{}
	}
	return &data.Constr{Tag: tag, Fields: fields}
}

func pdBytes(s string) data.PlutusData { return &data.ByteString{Inner: []byte(s)} }

func pdUint(n uint64) data.PlutusData {
	return &data.Integer{Inner: new(big.Int).SetUint64(n)}
}

func pdInteger(n *big.Int) (data.PlutusData, error) {
	if n == nil {
		return nil, errors.New("missing integer (nil *big.Int)")
	}
	return &data.Integer{Inner: new(big.Int).Set(n)}, nil
}

// ---------------------------------------------------------------------------
// Plutus Data inspection helpers

func pdKind(pd data.PlutusData) string {
	switch pd.(type) {
	case *data.Constr, data.Constr:
		return "a constructor"
	case *data.List, data.List:
		return "a list"
	case *data.Map, data.Map:
		return "a map"
	case *data.Integer, data.Integer:
		return "an integer"
	case *data.ByteString, data.ByteString:
		return "a byte string"
	case nil:
		return "nothing"
	default:
		return fmt.Sprintf("%T", pd)
	}
}

// pdConstrOf returns pd's constructor index and fields, or an error naming
// the expected type.
func pdConstrOf(pd data.PlutusData, typ string) (uint, []data.PlutusData, error) {
	switch c := pd.(type) {
	case *data.Constr:
		if c != nil {
			return c.Tag, c.Fields, nil
		}
	case data.Constr:
		return c.Tag, c.Fields, nil
	}
	return 0, nil, fmt.Errorf("%s: expected a constructor, got %s", typ, pdKind(pd))
}

func pdArity(typ string, tag uint, fs []data.PlutusData, n int) error {
	if len(fs) != n {
		return fmt.Errorf("%s constructor %d has %d fields, want %d", typ, tag, len(fs), n)
	}
	return nil
}

// pdExpect checks that pd is constructor tag of typ with exactly n fields.
func pdExpect(pd data.PlutusData, typ string, tag uint, n int) ([]data.PlutusData, error) {
	t, fs, err := pdConstrOf(pd, typ)
	if err != nil {
		return nil, err
	}
	if t != tag {
		return nil, fmt.Errorf("unknown %s constructor %d", typ, t)
	}
	return fs, pdArity(typ, t, fs, n)
}

func pdAsBytes(pd data.PlutusData) ([]byte, error) {
	switch b := pd.(type) {
	case *data.ByteString:
		if b != nil {
			return b.Inner, nil
		}
	case data.ByteString:
		return b.Inner, nil
	}
	return nil, fmt.Errorf("expected a byte string, got %s", pdKind(pd))
}

// pdAsInt returns a copy of pd's integer, so decoded core values never alias
// the caller's Plutus Data.
func pdAsInt(pd data.PlutusData) (*big.Int, error) {
	switch n := pd.(type) {
	case *data.Integer:
		if n != nil && n.Inner != nil {
			return new(big.Int).Set(n.Inner), nil
		}
	case data.Integer:
		if n.Inner != nil {
			return new(big.Int).Set(n.Inner), nil
		}
	}
	return nil, fmt.Errorf("expected an integer, got %s", pdKind(pd))
}

func pdAsList(pd data.PlutusData) ([]data.PlutusData, error) {
	switch l := pd.(type) {
	case *data.List:
		if l != nil {
			return l.Items, nil
		}
	case data.List:
		return l.Items, nil
	}
	return nil, fmt.Errorf("expected a list, got %s", pdKind(pd))
}

func pdAsMap(pd data.PlutusData) ([][2]data.PlutusData, error) {
	switch m := pd.(type) {
	case *data.Map:
		if m != nil {
			return m.Pairs, nil
		}
	case data.Map:
		return m.Pairs, nil
	}
	return nil, fmt.Errorf("expected a map, got %s", pdKind(pd))
}

// ---------------------------------------------------------------------------
// Leaf types

func credentialToData(c Credential) data.PlutusData {
	if c.Script {
		return pdConstr(1, pdBytes(c.Hash))
	}
	return pdConstr(0, pdBytes(c.Hash))
}

// credentialFromData accepts hashes of any length, as the Haskell FromData
// instance does, so that every datum the chain accepts can be decoded and
// re-encoded byte for byte.
func credentialFromData(pd data.PlutusData) (Credential, error) {
	tag, fs, err := pdConstrOf(pd, "Credential")
	if err != nil {
		return Credential{}, err
	}
	if tag > 1 {
		return Credential{}, fmt.Errorf("unknown Credential constructor %d", tag)
	}
	if err := pdArity("Credential", tag, fs, 1); err != nil {
		return Credential{}, err
	}
	b, err := pdAsBytes(fs[0])
	if err != nil {
		return Credential{}, err
	}
	return Credential{Script: tag == 1, Hash: string(b)}, nil
}

func stakingFromData(pd data.PlutusData, a *Address) error {
	tag, fs, err := pdConstrOf(pd, "StakingCredential")
	if err != nil {
		return err
	}
	switch tag {
	case 0:
		if err := pdArity("StakingCredential", tag, fs, 1); err != nil {
			return err
		}
		c, err := credentialFromData(fs[0])
		if err != nil {
			return err
		}
		a.Staking, a.Stake = StakingHash, c
	case 1:
		if err := pdArity("StakingCredential", tag, fs, 3); err != nil {
			return err
		}
		for i, f := range fs {
			n, err := pdAsInt(f)
			if err != nil {
				return pdAtIndex("pointer", i, err)
			}
			if n.Sign() < 0 || !n.IsUint64() {
				return pdAtIndex("pointer", i, fmt.Errorf("staking pointer component %s does not fit 64 bits", n))
			}
			a.Pointer[i] = n.Uint64()
		}
		a.Staking = StakingPtr
	default:
		return fmt.Errorf("unknown StakingCredential constructor %d", tag)
	}
	return nil
}

func partyToData(p Party) (data.PlutusData, error) {
	switch p.Kind {
	case RoleParty:
		return pdConstr(1, pdBytes(string(p.Role))), nil
	case AddressParty:
		addr, err := PlutusAddressData(p.Address)
		if err != nil {
			return nil, err
		}
		net := pdConstr(0) // False: testnet
		if p.Address.Mainnet {
			net = pdConstr(1)
		}
		return pdConstr(0, net, addr), nil
	default:
		return nil, fmt.Errorf("plutus data: unknown party kind %d", p.Kind)
	}
}

func partyFromData(pd data.PlutusData) (Party, error) {
	tag, fs, err := pdConstrOf(pd, "Party")
	if err != nil {
		return Party{}, err
	}
	switch tag {
	case 0:
		if err := pdArity("Party", tag, fs, 2); err != nil {
			return Party{}, err
		}
		ntag, nfs, err := pdConstrOf(fs[0], "Network")
		if err != nil {
			return Party{}, pdAt("network", err)
		}
		if ntag > 1 {
			return Party{}, pdAt("network", fmt.Errorf("unknown Bool constructor %d", ntag))
		}
		if err := pdArity("Bool", ntag, nfs, 0); err != nil {
			return Party{}, pdAt("network", err)
		}
		a, err := AddressFromPlutusData(fs[1], ntag == 1)
		if err != nil {
			return Party{}, pdAt("address", err)
		}
		return AddressPartyOf(a), nil
	case 1:
		if err := pdArity("Party", tag, fs, 1); err != nil {
			return Party{}, err
		}
		b, err := pdAsBytes(fs[0])
		if err != nil {
			return Party{}, pdAt("role_token", err)
		}
		return RolePartyOf(TokenName(b)), nil
	default:
		return Party{}, fmt.Errorf("unknown Party constructor %d", tag)
	}
}

func tokenToData(t Token) data.PlutusData {
	return pdConstr(0, pdBytes(string(t.Currency)), pdBytes(string(t.Name)))
}

func tokenFromData(pd data.PlutusData) (Token, error) {
	fs, err := pdExpect(pd, "Token", 0, 2)
	if err != nil {
		return Token{}, err
	}
	cs, err := pdAsBytes(fs[0])
	if err != nil {
		return Token{}, pdAt("currency_symbol", err)
	}
	tn, err := pdAsBytes(fs[1])
	if err != nil {
		return Token{}, pdAt("token_name", err)
	}
	return Token{Currency: CurrencySymbol(cs), Name: TokenName(tn)}, nil
}

func choiceIDToData(c ChoiceID) (data.PlutusData, error) {
	owner, err := partyToData(c.Owner)
	if err != nil {
		return nil, pdAt("choice_owner", err)
	}
	return pdConstr(0, pdBytes(string(c.Name)), owner), nil
}

func choiceIDFromData(pd data.PlutusData) (ChoiceID, error) {
	fs, err := pdExpect(pd, "ChoiceId", 0, 2)
	if err != nil {
		return ChoiceID{}, err
	}
	name, err := pdAsBytes(fs[0])
	if err != nil {
		return ChoiceID{}, pdAt("choice_name", err)
	}
	owner, err := partyFromData(fs[1])
	if err != nil {
		return ChoiceID{}, pdAt("choice_owner", err)
	}
	return ChoiceID{Name: ChoiceName(name), Owner: owner}, nil
}

func valueIDToData(v ValueID) data.PlutusData { return pdConstr(0, pdBytes(string(v))) }

func valueIDFromData(pd data.PlutusData) (ValueID, error) {
	fs, err := pdExpect(pd, "ValueId", 0, 1)
	if err != nil {
		return "", err
	}
	b, err := pdAsBytes(fs[0])
	if err != nil {
		return "", err
	}
	return ValueID(b), nil
}

func boundToData(b Bound) (data.PlutusData, error) {
	lo, err := pdInteger(b.Low)
	if err != nil {
		return nil, pdAt("from", err)
	}
	hi, err := pdInteger(b.High)
	if err != nil {
		return nil, pdAt("to", err)
	}
	return pdConstr(0, lo, hi), nil
}

func boundFromData(pd data.PlutusData) (Bound, error) {
	fs, err := pdExpect(pd, "Bound", 0, 2)
	if err != nil {
		return Bound{}, err
	}
	lo, err := pdAsInt(fs[0])
	if err != nil {
		return Bound{}, pdAt("from", err)
	}
	hi, err := pdAsInt(fs[1])
	if err != nil {
		return Bound{}, pdAt("to", err)
	}
	return Bound{Low: lo, High: hi}, nil
}

func payeeToData(p Payee) (data.PlutusData, error) {
	party, err := partyToData(p.Party)
	switch p.Kind {
	case PayeeAccount:
		if err != nil {
			return nil, pdAt("account", err)
		}
		return pdConstr(0, party), nil
	case PayeeParty:
		if err != nil {
			return nil, pdAt("party", err)
		}
		return pdConstr(1, party), nil
	default:
		return nil, fmt.Errorf("plutus data: unknown payee kind %d", p.Kind)
	}
}

func payeeFromData(pd data.PlutusData) (Payee, error) {
	tag, fs, err := pdConstrOf(pd, "Payee")
	if err != nil {
		return Payee{}, err
	}
	if tag > 1 {
		return Payee{}, fmt.Errorf("unknown Payee constructor %d", tag)
	}
	if err := pdArity("Payee", tag, fs, 1); err != nil {
		return Payee{}, err
	}
	p, err := partyFromData(fs[0])
	if tag == 0 {
		return Payee{Kind: PayeeAccount, Party: p}, pdAt("account", err)
	}
	return Payee{Kind: PayeeParty, Party: p}, pdAt("party", err)
}

// ---------------------------------------------------------------------------
// Values and observations

// pdPair converts two sub-values for a binary constructor.
func pdPair[T any](tag uint, l, r T, ln, rn string, conv func(T) (data.PlutusData, error)) (data.PlutusData, error) {
	a, err := conv(l)
	if err != nil {
		return nil, pdAt(ln, err)
	}
	b, err := conv(r)
	if err != nil {
		return nil, pdAt(rn, err)
	}
	return pdConstr(tag, a, b), nil
}

func valueToData(v Value) (data.PlutusData, error) {
	switch x := v.(type) {
	case AvailableMoney:
		acc, err := partyToData(x.Account)
		if err != nil {
			return nil, pdAt("in_account", err)
		}
		return pdConstr(0, acc, tokenToData(x.Token)), nil
	case Constant:
		n, err := pdInteger(x.N)
		if err != nil {
			return nil, pdAt("constant", err)
		}
		return pdConstr(1, n), nil
	case NegValue:
		n, err := valueToData(x.V)
		if err != nil {
			return nil, pdAt("negate", err)
		}
		return pdConstr(2, n), nil
	case AddValue:
		return pdPair(3, x.L, x.R, "add", "and", valueToData)
	case SubValue:
		return pdPair(4, x.L, x.R, "value", "minus", valueToData)
	case MulValue:
		return pdPair(5, x.L, x.R, "multiply", "times", valueToData)
	case DivValue:
		return pdPair(6, x.L, x.R, "divide", "by", valueToData)
	case ChoiceValue:
		c, err := choiceIDToData(x.ID)
		if err != nil {
			return nil, pdAt("value_of_choice", err)
		}
		return pdConstr(7, c), nil
	case TimeIntervalStart:
		return pdConstr(8), nil
	case TimeIntervalEnd:
		return pdConstr(9), nil
	case UseValue:
		return pdConstr(10, valueIDToData(x.ID)), nil
	case Cond:
		o, err := observationToData(x.Obs)
		if err != nil {
			return nil, pdAt("if", err)
		}
		t, err := valueToData(x.Then)
		if err != nil {
			return nil, pdAt("then", err)
		}
		e, err := valueToData(x.Else)
		if err != nil {
			return nil, pdAt("else", err)
		}
		return pdConstr(11, o, t, e), nil
	case nil:
		return nil, errors.New("missing Value")
	default:
		return nil, fmt.Errorf("unsupported Value type %T", v)
	}
}

// pdValueArity is the field count of Value constructor tag, or -1 for an
// unknown constructor.
func pdValueArity(tag uint) int {
	switch tag {
	case 8, 9:
		return 0
	case 1, 2, 7, 10:
		return 1
	case 0, 3, 4, 5, 6:
		return 2
	case 11:
		return 3
	}
	return -1
}

func valueFromData(pd data.PlutusData) (Value, error) {
	tag, fs, err := pdConstrOf(pd, "Value")
	if err != nil {
		return nil, err
	}
	n := pdValueArity(tag)
	if n < 0 {
		return nil, fmt.Errorf("unknown Value constructor %d", tag)
	}
	if err := pdArity("Value", tag, fs, n); err != nil {
		return nil, err
	}
	bin := func(ln, rn string) (Value, Value, error) {
		l, err := valueFromData(fs[0])
		if err != nil {
			return nil, nil, pdAt(ln, err)
		}
		r, err := valueFromData(fs[1])
		if err != nil {
			return nil, nil, pdAt(rn, err)
		}
		return l, r, nil
	}
	switch tag {
	case 0:
		acc, err := partyFromData(fs[0])
		if err != nil {
			return nil, pdAt("in_account", err)
		}
		tok, err := tokenFromData(fs[1])
		if err != nil {
			return nil, pdAt("amount_of_token", err)
		}
		return AvailableMoney{Account: acc, Token: tok}, nil
	case 1:
		n, err := pdAsInt(fs[0])
		if err != nil {
			return nil, pdAt("constant", err)
		}
		return Constant{N: n}, nil
	case 2:
		v, err := valueFromData(fs[0])
		if err != nil {
			return nil, pdAt("negate", err)
		}
		return NegValue{V: v}, nil
	case 3:
		l, r, err := bin("add", "and")
		return AddValue{L: l, R: r}, err
	case 4:
		l, r, err := bin("value", "minus")
		return SubValue{L: l, R: r}, err
	case 5:
		l, r, err := bin("multiply", "times")
		return MulValue{L: l, R: r}, err
	case 6:
		l, r, err := bin("divide", "by")
		return DivValue{L: l, R: r}, err
	case 7:
		c, err := choiceIDFromData(fs[0])
		if err != nil {
			return nil, pdAt("value_of_choice", err)
		}
		return ChoiceValue{ID: c}, nil
	case 8:
		return TimeIntervalStart{}, nil
	case 9:
		return TimeIntervalEnd{}, nil
	case 10:
		id, err := valueIDFromData(fs[0])
		if err != nil {
			return nil, pdAt("use_value", err)
		}
		return UseValue{ID: id}, nil
	default: // 11
		o, err := observationFromData(fs[0])
		if err != nil {
			return nil, pdAt("if", err)
		}
		t, err := valueFromData(fs[1])
		if err != nil {
			return nil, pdAt("then", err)
		}
		e, err := valueFromData(fs[2])
		if err != nil {
			return nil, pdAt("else", err)
		}
		return Cond{Obs: o, Then: t, Else: e}, nil
	}
}

func observationToData(o Observation) (data.PlutusData, error) {
	switch x := o.(type) {
	case AndObs:
		return pdPair(0, x.L, x.R, "both", "and", observationToData)
	case OrObs:
		return pdPair(1, x.L, x.R, "either", "or", observationToData)
	case NotObs:
		n, err := observationToData(x.O)
		if err != nil {
			return nil, pdAt("not", err)
		}
		return pdConstr(2, n), nil
	case ChoseSomething:
		c, err := choiceIDToData(x.ID)
		if err != nil {
			return nil, pdAt("chose_something_for", err)
		}
		return pdConstr(3, c), nil
	case ValueGE:
		return pdPair(4, x.L, x.R, "value", "ge_than", valueToData)
	case ValueGT:
		return pdPair(5, x.L, x.R, "value", "gt", valueToData)
	case ValueLT:
		return pdPair(6, x.L, x.R, "value", "lt", valueToData)
	case ValueLE:
		return pdPair(7, x.L, x.R, "value", "le_than", valueToData)
	case ValueEQ:
		return pdPair(8, x.L, x.R, "value", "equal_to", valueToData)
	case TrueObs:
		return pdConstr(9), nil
	case FalseObs:
		return pdConstr(10), nil
	case nil:
		return nil, errors.New("missing Observation")
	default:
		return nil, fmt.Errorf("unsupported Observation type %T", o)
	}
}

// pdObservationArity is the field count of Observation constructor tag, or -1
// for an unknown constructor.
func pdObservationArity(tag uint) int {
	switch tag {
	case 9, 10:
		return 0
	case 2, 3:
		return 1
	case 0, 1, 4, 5, 6, 7, 8:
		return 2
	}
	return -1
}

// pdObservationRight names the right operand of binary observation tag.
func pdObservationRight(tag uint) string {
	switch tag {
	case 0:
		return "and"
	case 1:
		return "or"
	case 4:
		return "ge_than"
	case 5:
		return "gt"
	case 6:
		return "lt"
	case 7:
		return "le_than"
	default:
		return "equal_to"
	}
}

func observationFromData(pd data.PlutusData) (Observation, error) {
	tag, fs, err := pdConstrOf(pd, "Observation")
	if err != nil {
		return nil, err
	}
	n := pdObservationArity(tag)
	if n < 0 {
		return nil, fmt.Errorf("unknown Observation constructor %d", tag)
	}
	if err := pdArity("Observation", tag, fs, n); err != nil {
		return nil, err
	}
	switch tag {
	case 0, 1:
		left := "both"
		if tag == 1 {
			left = "either"
		}
		l, err := observationFromData(fs[0])
		if err != nil {
			return nil, pdAt(left, err)
		}
		r, err := observationFromData(fs[1])
		if err != nil {
			return nil, pdAt(pdObservationRight(tag), err)
		}
		if tag == 0 {
			return AndObs{L: l, R: r}, nil
		}
		return OrObs{L: l, R: r}, nil
	case 2:
		o, err := observationFromData(fs[0])
		if err != nil {
			return nil, pdAt("not", err)
		}
		return NotObs{O: o}, nil
	case 3:
		c, err := choiceIDFromData(fs[0])
		if err != nil {
			return nil, pdAt("chose_something_for", err)
		}
		return ChoseSomething{ID: c}, nil
	case 4, 5, 6, 7, 8:
		l, err := valueFromData(fs[0])
		if err != nil {
			return nil, pdAt("value", err)
		}
		r, err := valueFromData(fs[1])
		if err != nil {
			return nil, pdAt(pdObservationRight(tag), err)
		}
		switch tag {
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
	default: // 10
		return FalseObs{}, nil
	}
}

// ---------------------------------------------------------------------------
// Actions, cases, contracts

func actionToData(a Action) (data.PlutusData, error) {
	switch x := a.(type) {
	case Deposit:
		into, err := partyToData(x.Into)
		if err != nil {
			return nil, pdAt("into_account", err)
		}
		from, err := partyToData(x.From)
		if err != nil {
			return nil, pdAt("party", err)
		}
		amt, err := valueToData(x.Amount)
		if err != nil {
			return nil, pdAt("deposits", err)
		}
		return pdConstr(0, into, from, tokenToData(x.Token), amt), nil
	case Choice:
		id, err := choiceIDToData(x.ID)
		if err != nil {
			return nil, pdAt("for_choice", err)
		}
		bounds := make([]data.PlutusData, len(x.Bounds))
		for i, b := range x.Bounds {
			if bounds[i], err = boundToData(b); err != nil {
				return nil, pdAtIndex("choose_between", i, err)
			}
		}
		return pdConstr(1, id, &data.List{Items: bounds}), nil
	case Notify:
		o, err := observationToData(x.Obs)
		if err != nil {
			return nil, pdAt("notify_if", err)
		}
		return pdConstr(2, o), nil
	case nil:
		return nil, errors.New("missing Action")
	default:
		return nil, fmt.Errorf("unsupported Action type %T", a)
	}
}

func actionFromData(pd data.PlutusData) (Action, error) {
	tag, fs, err := pdConstrOf(pd, "Action")
	if err != nil {
		return nil, err
	}
	switch tag {
	case 0:
		if err := pdArity("Action", tag, fs, 4); err != nil {
			return nil, err
		}
		into, err := partyFromData(fs[0])
		if err != nil {
			return nil, pdAt("into_account", err)
		}
		from, err := partyFromData(fs[1])
		if err != nil {
			return nil, pdAt("party", err)
		}
		tok, err := tokenFromData(fs[2])
		if err != nil {
			return nil, pdAt("of_token", err)
		}
		amt, err := valueFromData(fs[3])
		if err != nil {
			return nil, pdAt("deposits", err)
		}
		return Deposit{Into: into, From: from, Token: tok, Amount: amt}, nil
	case 1:
		if err := pdArity("Action", tag, fs, 2); err != nil {
			return nil, err
		}
		id, err := choiceIDFromData(fs[0])
		if err != nil {
			return nil, pdAt("for_choice", err)
		}
		items, err := pdAsList(fs[1])
		if err != nil {
			return nil, pdAt("choose_between", err)
		}
		bounds := make([]Bound, len(items))
		for i, it := range items {
			if bounds[i], err = boundFromData(it); err != nil {
				return nil, pdAtIndex("choose_between", i, err)
			}
		}
		return Choice{ID: id, Bounds: bounds}, nil
	case 2:
		if err := pdArity("Action", tag, fs, 1); err != nil {
			return nil, err
		}
		o, err := observationFromData(fs[0])
		if err != nil {
			return nil, pdAt("notify_if", err)
		}
		return Notify{Obs: o}, nil
	default:
		return nil, fmt.Errorf("unknown Action constructor %d", tag)
	}
}

func caseToData(c Case) (data.PlutusData, error) {
	a, err := actionToData(c.Action)
	if err != nil {
		return nil, pdAt("case", err)
	}
	if c.Merkleized {
		return pdConstr(1, a, &data.ByteString{Inner: bytes.Clone(c.Hash)}), nil
	}
	if c.Then == nil {
		return nil, pdAt("then", errors.New("missing continuation in a non-merkleized case"))
	}
	k, err := contractToData(c.Then)
	if err != nil {
		return nil, pdAt("then", err)
	}
	return pdConstr(0, a, k), nil
}

func caseFromData(pd data.PlutusData) (Case, error) {
	tag, fs, err := pdConstrOf(pd, "Case")
	if err != nil {
		return Case{}, err
	}
	if tag > 1 {
		return Case{}, fmt.Errorf("unknown Case constructor %d", tag)
	}
	if err := pdArity("Case", tag, fs, 2); err != nil {
		return Case{}, err
	}
	a, err := actionFromData(fs[0])
	if err != nil {
		return Case{}, pdAt("case", err)
	}
	if tag == 1 {
		h, err := pdAsBytes(fs[1])
		if err != nil {
			return Case{}, pdAt("merkleized_then", err)
		}
		return Case{Action: a, Merkleized: true, Hash: bytes.Clone(h)}, nil
	}
	k, err := contractFromData(fs[1])
	if err != nil {
		return Case{}, pdAt("then", err)
	}
	return Case{Action: a, Then: k}, nil
}

func contractToData(c Contract) (data.PlutusData, error) {
	switch x := c.(type) {
	case Close:
		return pdConstr(0), nil
	case Pay:
		from, err := partyToData(x.From)
		if err != nil {
			return nil, pdAt("from_account", err)
		}
		to, err := payeeToData(x.To)
		if err != nil {
			return nil, pdAt("to", err)
		}
		amt, err := valueToData(x.Amount)
		if err != nil {
			return nil, pdAt("pay", err)
		}
		k, err := contractToData(x.Then)
		if err != nil {
			return nil, pdAt("then", err)
		}
		return pdConstr(1, from, to, tokenToData(x.Token), amt, k), nil
	case If:
		o, err := observationToData(x.Obs)
		if err != nil {
			return nil, pdAt("if", err)
		}
		t, err := contractToData(x.Then)
		if err != nil {
			return nil, pdAt("then", err)
		}
		e, err := contractToData(x.Else)
		if err != nil {
			return nil, pdAt("else", err)
		}
		return pdConstr(2, o, t, e), nil
	case When:
		cases := make([]data.PlutusData, len(x.Cases))
		for i, cs := range x.Cases {
			var err error
			if cases[i], err = caseToData(cs); err != nil {
				return nil, pdAtIndex("when", i, err)
			}
		}
		t, err := pdInteger(x.Timeout)
		if err != nil {
			return nil, pdAt("timeout", err)
		}
		k, err := contractToData(x.Continuation)
		if err != nil {
			return nil, pdAt("timeout_continuation", err)
		}
		return pdConstr(3, &data.List{Items: cases}, t, k), nil
	case Let:
		v, err := valueToData(x.Value)
		if err != nil {
			return nil, pdAt("be", err)
		}
		k, err := contractToData(x.Then)
		if err != nil {
			return nil, pdAt("then", err)
		}
		return pdConstr(4, valueIDToData(x.ID), v, k), nil
	case Assert:
		o, err := observationToData(x.Obs)
		if err != nil {
			return nil, pdAt("assert", err)
		}
		k, err := contractToData(x.Then)
		if err != nil {
			return nil, pdAt("then", err)
		}
		return pdConstr(5, o, k), nil
	case nil:
		return nil, errors.New("missing Contract")
	default:
		return nil, fmt.Errorf("unsupported Contract type %T", c)
	}
}

// pdContractArity is the field count of Contract constructor tag, or -1 for
// an unknown constructor.
func pdContractArity(tag uint) int {
	switch tag {
	case 0:
		return 0
	case 1:
		return 5
	case 2, 3, 4:
		return 3
	case 5:
		return 2
	}
	return -1
}

func contractFromData(pd data.PlutusData) (Contract, error) {
	tag, fs, err := pdConstrOf(pd, "Contract")
	if err != nil {
		return nil, err
	}
	n := pdContractArity(tag)
	if n < 0 {
		return nil, fmt.Errorf("unknown Contract constructor %d", tag)
	}
	if err := pdArity("Contract", tag, fs, n); err != nil {
		return nil, err
	}
	switch tag {
	case 0:
		return Close{}, nil
	case 1:
		from, err := partyFromData(fs[0])
		if err != nil {
			return nil, pdAt("from_account", err)
		}
		to, err := payeeFromData(fs[1])
		if err != nil {
			return nil, pdAt("to", err)
		}
		tok, err := tokenFromData(fs[2])
		if err != nil {
			return nil, pdAt("token", err)
		}
		amt, err := valueFromData(fs[3])
		if err != nil {
			return nil, pdAt("pay", err)
		}
		k, err := contractFromData(fs[4])
		if err != nil {
			return nil, pdAt("then", err)
		}
		return Pay{From: from, To: to, Token: tok, Amount: amt, Then: k}, nil
	case 2:
		o, err := observationFromData(fs[0])
		if err != nil {
			return nil, pdAt("if", err)
		}
		t, err := contractFromData(fs[1])
		if err != nil {
			return nil, pdAt("then", err)
		}
		e, err := contractFromData(fs[2])
		if err != nil {
			return nil, pdAt("else", err)
		}
		return If{Obs: o, Then: t, Else: e}, nil
	case 3:
		items, err := pdAsList(fs[0])
		if err != nil {
			return nil, pdAt("when", err)
		}
		cases := make([]Case, len(items))
		for i, it := range items {
			if cases[i], err = caseFromData(it); err != nil {
				return nil, pdAtIndex("when", i, err)
			}
		}
		t, err := pdAsInt(fs[1])
		if err != nil {
			return nil, pdAt("timeout", err)
		}
		k, err := contractFromData(fs[2])
		if err != nil {
			return nil, pdAt("timeout_continuation", err)
		}
		return When{Cases: cases, Timeout: t, Continuation: k}, nil
	case 4:
		id, err := valueIDFromData(fs[0])
		if err != nil {
			return nil, pdAt("let", err)
		}
		v, err := valueFromData(fs[1])
		if err != nil {
			return nil, pdAt("be", err)
		}
		k, err := contractFromData(fs[2])
		if err != nil {
			return nil, pdAt("then", err)
		}
		return Let{ID: id, Value: v, Then: k}, nil
	default: // 5
		o, err := observationFromData(fs[0])
		if err != nil {
			return nil, pdAt("assert", err)
		}
		k, err := contractFromData(fs[1])
		if err != nil {
			return nil, pdAt("then", err)
		}
		return Assert{Obs: o, Then: k}, nil
	}
}

// ---------------------------------------------------------------------------
// State

func stateToData(s State) (data.PlutusData, error) {
	accounts := make([][2]data.PlutusData, len(s.Accounts))
	for i, a := range s.Accounts {
		p, err := partyToData(a.Account)
		if err != nil {
			return nil, pdAtIndex("accounts", i, err)
		}
		n, err := pdInteger(a.Amount)
		if err != nil {
			return nil, pdAtIndex("accounts", i, err)
		}
		accounts[i] = [2]data.PlutusData{pdConstr(0, p, tokenToData(a.Token)), n}
	}
	choices := make([][2]data.PlutusData, len(s.Choices))
	for i, c := range s.Choices {
		id, err := choiceIDToData(c.ID)
		if err != nil {
			return nil, pdAtIndex("choices", i, err)
		}
		n, err := pdInteger(c.Value)
		if err != nil {
			return nil, pdAtIndex("choices", i, err)
		}
		choices[i] = [2]data.PlutusData{id, n}
	}
	bound := make([][2]data.PlutusData, len(s.BoundValues))
	for i, b := range s.BoundValues {
		n, err := pdInteger(b.Value)
		if err != nil {
			return nil, pdAtIndex("boundValues", i, err)
		}
		bound[i] = [2]data.PlutusData{valueIDToData(b.ID), n}
	}
	minTime, err := pdInteger(s.MinTime)
	if err != nil {
		return nil, pdAt("minTime", err)
	}
	return pdConstr(0,
		&data.Map{Pairs: accounts}, &data.Map{Pairs: choices}, &data.Map{Pairs: bound}, minTime), nil
}

func stateFromData(pd data.PlutusData) (State, error) {
	fs, err := pdExpect(pd, "State", 0, 4)
	if err != nil {
		return State{}, err
	}
	var s State
	accounts, err := pdAsMap(fs[0])
	if err != nil {
		return State{}, pdAt("accounts", err)
	}
	if len(accounts) > 0 {
		s.Accounts = make([]AccountEntry, len(accounts))
	}
	for i, kv := range accounts {
		key, err := pdExpect(kv[0], "(AccountId, Token)", 0, 2)
		if err != nil {
			return State{}, pdAtIndex("accounts", i, err)
		}
		acc, err := partyFromData(key[0])
		if err != nil {
			return State{}, pdAtIndex("accounts", i, pdAt("account", err))
		}
		tok, err := tokenFromData(key[1])
		if err != nil {
			return State{}, pdAtIndex("accounts", i, pdAt("token", err))
		}
		n, err := pdAsInt(kv[1])
		if err != nil {
			return State{}, pdAtIndex("accounts", i, pdAt("amount", err))
		}
		s.Accounts[i] = AccountEntry{Account: acc, Token: tok, Amount: n}
	}
	choices, err := pdAsMap(fs[1])
	if err != nil {
		return State{}, pdAt("choices", err)
	}
	if len(choices) > 0 {
		s.Choices = make([]ChoiceEntry, len(choices))
	}
	for i, kv := range choices {
		id, err := choiceIDFromData(kv[0])
		if err != nil {
			return State{}, pdAtIndex("choices", i, pdAt("choice", err))
		}
		n, err := pdAsInt(kv[1])
		if err != nil {
			return State{}, pdAtIndex("choices", i, pdAt("value", err))
		}
		s.Choices[i] = ChoiceEntry{ID: id, Value: n}
	}
	bound, err := pdAsMap(fs[2])
	if err != nil {
		return State{}, pdAt("boundValues", err)
	}
	if len(bound) > 0 {
		s.BoundValues = make([]BoundValueEntry, len(bound))
	}
	for i, kv := range bound {
		id, err := valueIDFromData(kv[0])
		if err != nil {
			return State{}, pdAtIndex("boundValues", i, pdAt("id", err))
		}
		n, err := pdAsInt(kv[1])
		if err != nil {
			return State{}, pdAtIndex("boundValues", i, pdAt("value", err))
		}
		s.BoundValues[i] = BoundValueEntry{ID: id, Value: n}
	}
	if s.MinTime, err = pdAsInt(fs[3]); err != nil {
		return State{}, pdAt("minTime", err)
	}
	return s, nil
}

// ---------------------------------------------------------------------------
// Inputs

func inputContentToData(c InputContent) (data.PlutusData, error) {
	switch x := c.(type) {
	case IDeposit:
		into, err := partyToData(x.Into)
		if err != nil {
			return nil, pdAt("into_account", err)
		}
		from, err := partyToData(x.From)
		if err != nil {
			return nil, pdAt("input_from_party", err)
		}
		n, err := pdInteger(x.Amount)
		if err != nil {
			return nil, pdAt("that_deposits", err)
		}
		return pdConstr(0, into, from, tokenToData(x.Token), n), nil
	case IChoice:
		id, err := choiceIDToData(x.ID)
		if err != nil {
			return nil, pdAt("for_choice_id", err)
		}
		n, err := pdInteger(x.Chosen)
		if err != nil {
			return nil, pdAt("input_that_chooses_num", err)
		}
		return pdConstr(1, id, n), nil
	case INotify:
		return pdConstr(2), nil
	case nil:
		return nil, errors.New("missing InputContent")
	default:
		return nil, fmt.Errorf("unsupported InputContent type %T", c)
	}
}

func inputContentFromData(pd data.PlutusData) (InputContent, error) {
	tag, fs, err := pdConstrOf(pd, "InputContent")
	if err != nil {
		return nil, err
	}
	switch tag {
	case 0:
		if err := pdArity("InputContent", tag, fs, 4); err != nil {
			return nil, err
		}
		into, err := partyFromData(fs[0])
		if err != nil {
			return nil, pdAt("into_account", err)
		}
		from, err := partyFromData(fs[1])
		if err != nil {
			return nil, pdAt("input_from_party", err)
		}
		tok, err := tokenFromData(fs[2])
		if err != nil {
			return nil, pdAt("of_token", err)
		}
		n, err := pdAsInt(fs[3])
		if err != nil {
			return nil, pdAt("that_deposits", err)
		}
		return IDeposit{Into: into, From: from, Token: tok, Amount: n}, nil
	case 1:
		if err := pdArity("InputContent", tag, fs, 2); err != nil {
			return nil, err
		}
		id, err := choiceIDFromData(fs[0])
		if err != nil {
			return nil, pdAt("for_choice_id", err)
		}
		n, err := pdAsInt(fs[1])
		if err != nil {
			return nil, pdAt("input_that_chooses_num", err)
		}
		return IChoice{ID: id, Chosen: n}, nil
	case 2:
		if err := pdArity("InputContent", tag, fs, 0); err != nil {
			return nil, err
		}
		return INotify{}, nil
	default:
		return nil, fmt.Errorf("unknown InputContent constructor %d", tag)
	}
}

// inputToData gives the redeemer form (MarloweTxInput): a merkleized input
// carries only its continuation hash; the continuation travels as a witness
// datum.
func inputToData(in Input) (data.PlutusData, error) {
	c, err := inputContentToData(in.Content)
	if err != nil {
		return nil, err
	}
	if in.Merkleized {
		return pdConstr(1, c, &data.ByteString{Inner: bytes.Clone(in.Hash)}), nil
	}
	return pdConstr(0, c), nil
}

func inputFromData(pd data.PlutusData) (Input, error) {
	tag, fs, err := pdConstrOf(pd, "MarloweTxInput")
	if err != nil {
		return Input{}, err
	}
	switch tag {
	case 0:
		if err := pdArity("MarloweTxInput", tag, fs, 1); err != nil {
			return Input{}, err
		}
		c, err := inputContentFromData(fs[0])
		if err != nil {
			return Input{}, err
		}
		return Input{Content: c}, nil
	case 1:
		if err := pdArity("MarloweTxInput", tag, fs, 2); err != nil {
			return Input{}, err
		}
		c, err := inputContentFromData(fs[0])
		if err != nil {
			return Input{}, err
		}
		h, err := pdAsBytes(fs[1])
		if err != nil {
			return Input{}, pdAt("continuation_hash", err)
		}
		return Input{Content: c, Merkleized: true, Hash: bytes.Clone(h)}, nil
	default:
		return Input{}, fmt.Errorf("unknown MarloweTxInput constructor %d", tag)
	}
}

func inputsToData(ins []Input) (data.PlutusData, error) {
	items := make([]data.PlutusData, len(ins))
	for i, in := range ins {
		var err error
		if items[i], err = inputToData(in); err != nil {
			return nil, pdAtIndex("", i, err)
		}
	}
	return &data.List{Items: items}, nil
}

func inputsFromData(pd data.PlutusData) ([]Input, error) {
	items, err := pdAsList(pd)
	if err != nil {
		return nil, &DataError{Err: err}
	}
	ins := make([]Input, len(items))
	for i, it := range items {
		if ins[i], err = inputFromData(it); err != nil {
			return nil, pdAtIndex("", i, err)
		}
	}
	return ins, nil
}

// ---------------------------------------------------------------------------
// Datums

func marloweDataToData(md MarloweData) (data.PlutusData, error) {
	s, err := stateToData(md.State)
	if err != nil {
		return nil, pdAt("marloweState", err)
	}
	c, err := contractToData(md.Contract)
	if err != nil {
		return nil, pdAt("marloweContract", err)
	}
	return pdConstr(0, pdConstr(0, pdBytes(string(md.Params.RolesCurrency))), s, c), nil
}

func paramsFromData(pd data.PlutusData) (MarloweParams, error) {
	fs, err := pdExpect(pd, "MarloweParams", 0, 1)
	if err != nil {
		return MarloweParams{}, err
	}
	b, err := pdAsBytes(fs[0])
	if err != nil {
		return MarloweParams{}, pdAt("rolesCurrency", err)
	}
	return MarloweParams{RolesCurrency: CurrencySymbol(b)}, nil
}

func marloweDataFromData(pd data.PlutusData) (MarloweData, error) {
	fs, err := pdExpect(pd, "MarloweData", 0, 3)
	if err != nil {
		return MarloweData{}, &DataError{Err: err}
	}
	var md MarloweData
	if md.Params, err = paramsFromData(fs[0]); err != nil {
		return MarloweData{}, pdAt("marloweParams", err)
	}
	if md.State, err = stateFromData(fs[1]); err != nil {
		return MarloweData{}, pdAt("marloweState", err)
	}
	if md.Contract, err = contractFromData(fs[2]); err != nil {
		return MarloweData{}, pdAt("marloweContract", err)
	}
	return md, nil
}

func payoutFromData(pd data.PlutusData) (PayoutDatum, error) {
	fs, err := pdExpect(pd, "PayoutDatum", 0, 2)
	if err != nil {
		return PayoutDatum{}, &DataError{Err: err}
	}
	cs, err := pdAsBytes(fs[0])
	if err != nil {
		return PayoutDatum{}, pdAt("rolesCurrency", err)
	}
	role, err := pdAsBytes(fs[1])
	if err != nil {
		return PayoutDatum{}, pdAt("role", err)
	}
	return PayoutDatum{RolesCurrency: CurrencySymbol(cs), Role: TokenName(role)}, nil
}
