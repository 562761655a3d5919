package object

import (
	"fmt"
	"math/big"
)

// Label names an object inside a bundle (Haskell Text: valid UTF-8).
type Label string

// ObjectType is the kind of an object; its byte is the LabelledObject type
// tag on the wire.
type ObjectType uint8

// The six object kinds, numbered as on the wire.
const (
	ValueType ObjectType = iota
	ObservationType
	ContractType
	PartyType
	TokenType
	ActionType
)

// numObjectTypes is the count of valid ObjectType values.
const numObjectTypes = 6

// String returns the Haskell constructor name.
func (t ObjectType) String() string {
	switch t {
	case ValueType:
		return "ValueType"
	case ObservationType:
		return "ObservationType"
	case ContractType:
		return "ContractType"
	case PartyType:
		return "PartyType"
	case TokenType:
		return "TokenType"
	case ActionType:
		return "ActionType"
	}
	return fmt.Sprintf("ObjectType(%d)", uint8(t))
}

// Valid reports whether t is one of the six kinds.
func (t ObjectType) Valid() bool { return t < numObjectTypes }

// ContractHash is the raw datum hash of a merkleized contract.
type ContractHash string

// CurrencySymbol is a raw minting policy id ("" for ada).
type CurrencySymbol string

// TokenName is a raw token name.
type TokenName string

// ValueID names a Let-bound value (raw bytes).
type ValueID string

// ShelleyAddress is the raw binary (CIP-19) form of a Shelley payment
// address. Values built by ParseShelleyAddress or ShelleyAddressFromCore
// are valid; the codec rejects anything else, as the Haskell decoder does.
type ShelleyAddress string

// Object is any object term: the concrete constructors of Value,
// Observation, Contract, Party, Token and Action. Its kind decides the type
// tag a LabelledObject carries.
type Object interface {
	ObjectType() ObjectType
}

// ---------------------------------------------------------------------------
// Parties and tokens

// Party is a participant: Address, Role or PartyRef.
type Party interface {
	Object
	isParty()
}

// Address is a party identified by a Shelley address.
type Address struct{ Address ShelleyAddress }

// Role is a party identified by holding a role token.
type Role struct{ Name TokenName }

// PartyRef refers to a party object defined earlier.
type PartyRef struct{ Label Label }

func (Address) isParty()  {}
func (Role) isParty()     {}
func (PartyRef) isParty() {}

// ObjectType implements Object.
func (Address) ObjectType() ObjectType { return PartyType }

// ObjectType implements Object.
func (Role) ObjectType() ObjectType { return PartyType }

// ObjectType implements Object.
func (PartyRef) ObjectType() ObjectType { return PartyType }

// Token is an asset class: Asset or TokenRef.
type Token interface {
	Object
	isToken()
}

// Asset is the Haskell constructor `Token CurrencySymbol TokenName`: a
// literal asset class (both empty for ada).
type Asset struct {
	Currency CurrencySymbol
	Name     TokenName
}

// TokenRef refers to a token object defined earlier.
type TokenRef struct{ Label Label }

func (Asset) isToken()    {}
func (TokenRef) isToken() {}

// ObjectType implements Object.
func (Asset) ObjectType() ObjectType { return TokenType }

// ObjectType implements Object.
func (TokenRef) ObjectType() ObjectType { return TokenType }

// ChoiceID identifies a choice. Unlike core, the name is Text.
type ChoiceID struct {
	Name  string
	Owner Party
}

// PayeeKind tells the two Payee constructors apart, numbered as declared
// in marlowe-object (the reverse of core).
type PayeeKind uint8

const (
	// PayeeParty pays out to a party (wire tag 0).
	PayeeParty PayeeKind = iota
	// PayeeAccount pays into an internal account (wire tag 1).
	PayeeAccount
)

// Payee is the destination of a Pay.
type Payee struct {
	Kind  PayeeKind
	Party Party
}

// Bound is an inclusive range of acceptable choice numbers.
type Bound struct {
	Low  *big.Int
	High *big.Int
}

// ---------------------------------------------------------------------------
// Values

// Value is an integer expression.
type Value interface {
	Object
	isValue()
}

// AvailableMoney is the balance of Token in Account.
type AvailableMoney struct {
	Account Party
	Token   Token
}

// Constant is a literal integer.
type Constant struct{ N *big.Int }

// NegValue negates V.
type NegValue struct{ V Value }

// AddValue is L + R.
type AddValue struct{ L, R Value }

// SubValue is L - R.
type SubValue struct{ L, R Value }

// MulValue is L * R.
type MulValue struct{ L, R Value }

// DivValue is L quot R.
type DivValue struct{ L, R Value }

// ChoiceValue is the value chosen for ID.
type ChoiceValue struct{ ID ChoiceID }

// TimeIntervalStart is the start of the transaction interval.
type TimeIntervalStart struct{}

// TimeIntervalEnd is the end of the transaction interval.
type TimeIntervalEnd struct{}

// UseValue is the value bound to ID.
type UseValue struct{ ID ValueID }

// Cond is Then if Obs holds, else Else.
type Cond struct {
	Obs        Observation
	Then, Else Value
}

// ValueRef refers to a value object defined earlier.
type ValueRef struct{ Label Label }

func (AvailableMoney) isValue()    {}
func (Constant) isValue()          {}
func (NegValue) isValue()          {}
func (AddValue) isValue()          {}
func (SubValue) isValue()          {}
func (MulValue) isValue()          {}
func (DivValue) isValue()          {}
func (ChoiceValue) isValue()       {}
func (TimeIntervalStart) isValue() {}
func (TimeIntervalEnd) isValue()   {}
func (UseValue) isValue()          {}
func (Cond) isValue()              {}
func (ValueRef) isValue()          {}

// ObjectType implements Object.
func (AvailableMoney) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (Constant) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (NegValue) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (AddValue) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (SubValue) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (MulValue) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (DivValue) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (ChoiceValue) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (TimeIntervalStart) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (TimeIntervalEnd) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (UseValue) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (Cond) ObjectType() ObjectType { return ValueType }

// ObjectType implements Object.
func (ValueRef) ObjectType() ObjectType { return ValueType }

// ---------------------------------------------------------------------------
// Observations

// Observation is a boolean expression.
type Observation interface {
	Object
	isObservation()
}

// AndObs is L && R.
type AndObs struct{ L, R Observation }

// OrObs is L || R.
type OrObs struct{ L, R Observation }

// NotObs is !O.
type NotObs struct{ O Observation }

// ChoseSomething holds when a choice has been made for ID.
type ChoseSomething struct{ ID ChoiceID }

// ValueGE is L >= R.
type ValueGE struct{ L, R Value }

// ValueGT is L > R.
type ValueGT struct{ L, R Value }

// ValueLT is L < R.
type ValueLT struct{ L, R Value }

// ValueLE is L <= R.
type ValueLE struct{ L, R Value }

// ValueEQ is L == R.
type ValueEQ struct{ L, R Value }

// TrueObs is always true.
type TrueObs struct{}

// FalseObs is always false.
type FalseObs struct{}

// ObservationRef refers to an observation object defined earlier.
type ObservationRef struct{ Label Label }

func (AndObs) isObservation()         {}
func (OrObs) isObservation()          {}
func (NotObs) isObservation()         {}
func (ChoseSomething) isObservation() {}
func (ValueGE) isObservation()        {}
func (ValueGT) isObservation()        {}
func (ValueLT) isObservation()        {}
func (ValueLE) isObservation()        {}
func (ValueEQ) isObservation()        {}
func (TrueObs) isObservation()        {}
func (FalseObs) isObservation()       {}
func (ObservationRef) isObservation() {}

// ObjectType implements Object.
func (AndObs) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (OrObs) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (NotObs) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (ChoseSomething) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (ValueGE) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (ValueGT) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (ValueLT) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (ValueLE) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (ValueEQ) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (TrueObs) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (FalseObs) ObjectType() ObjectType { return ObservationType }

// ObjectType implements Object.
func (ObservationRef) ObjectType() ObjectType { return ObservationType }

// ---------------------------------------------------------------------------
// Actions, cases, contracts

// Action is what a When case waits for.
type Action interface {
	Object
	isAction()
}

// Deposit waits for From to deposit Amount of Token into Into.
type Deposit struct {
	Into   Party
	From   Party
	Token  Token
	Amount Value
}

// Choice waits for a choice of ID within one of Bounds.
type Choice struct {
	ID     ChoiceID
	Bounds []Bound
}

// Notify waits for a notification while Obs holds.
type Notify struct{ Obs Observation }

// ActionRef refers to an action object defined earlier.
type ActionRef struct{ Label Label }

func (Deposit) isAction()   {}
func (Choice) isAction()    {}
func (Notify) isAction()    {}
func (ActionRef) isAction() {}

// ObjectType implements Object.
func (Deposit) ObjectType() ObjectType { return ActionType }

// ObjectType implements Object.
func (Choice) ObjectType() ObjectType { return ActionType }

// ObjectType implements Object.
func (Notify) ObjectType() ObjectType { return ActionType }

// ObjectType implements Object.
func (ActionRef) ObjectType() ObjectType { return ActionType }

// Case is one branch of a When: an inline continuation (Then), or, when
// Merkleized, only the hash of a continuation that must already be stored.
type Case struct {
	Action     Action
	Then       Contract
	Merkleized bool
	Hash       ContractHash
}

// Contract is a Marlowe contract object.
type Contract interface {
	Object
	isContract()
}

// Close ends the contract.
type Close struct{}

// Pay moves Amount of Token from account From to To, then continues.
type Pay struct {
	From   Party
	To     Payee
	Token  Token
	Amount Value
	Then   Contract
}

// If branches on Obs.
type If struct {
	Obs        Observation
	Then, Else Contract
}

// When waits for one of Cases until Timeout (POSIX milliseconds; Haskell
// holds a UTCTime, which travels as these milliseconds), then continues.
type When struct {
	Cases        []Case
	Timeout      *big.Int
	Continuation Contract
}

// Let binds ID to Value, then continues.
type Let struct {
	ID    ValueID
	Value Value
	Then  Contract
}

// Assert checks Obs, then continues.
type Assert struct {
	Obs  Observation
	Then Contract
}

// ContractRef refers to a contract object defined earlier.
type ContractRef struct{ Label Label }

func (Close) isContract()       {}
func (Pay) isContract()         {}
func (If) isContract()          {}
func (When) isContract()        {}
func (Let) isContract()         {}
func (Assert) isContract()      {}
func (ContractRef) isContract() {}

// ObjectType implements Object.
func (Close) ObjectType() ObjectType { return ContractType }

// ObjectType implements Object.
func (Pay) ObjectType() ObjectType { return ContractType }

// ObjectType implements Object.
func (If) ObjectType() ObjectType { return ContractType }

// ObjectType implements Object.
func (When) ObjectType() ObjectType { return ContractType }

// ObjectType implements Object.
func (Let) ObjectType() ObjectType { return ContractType }

// ObjectType implements Object.
func (Assert) ObjectType() ObjectType { return ContractType }

// ObjectType implements Object.
func (ContractRef) ObjectType() ObjectType { return ContractType }

// ---------------------------------------------------------------------------
// Bundles

// LabelledObject is one named object of a bundle; its type tag on the wire
// is Object.ObjectType().
type LabelledObject struct {
	Label  Label
	Object Object
}

// ObjectBundle is an ordered list of labelled objects; an object may refer
// only to labels defined before it.
type ObjectBundle []LabelledObject
