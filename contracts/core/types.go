// Package core holds the Marlowe Core V1 language: its types, their standard
// JSON form, their Plutus Data form (datums and redeemers), and the helpers the
// semantics, the indexer and the protocol codecs share.
//
// Integers are *big.Int everywhere because Marlowe's are Haskell Integers:
// amounts, timeouts, choice numbers and bounds may exceed 64 bits and must
// never overflow silently. Values that the code treats as immutable (decoded
// contracts, states) are never mutated in place; the semantics copies on write.
//
// Byte-valued names (token names, role names, choice names, value ids) are Go
// strings holding the raw bytes, so they compare with == and can be map keys;
// on chain they are arbitrary bytes, in JSON they are UTF-8 text.
package core

import "math/big"

// CurrencySymbol is a minting policy id: 28 raw bytes, or empty for ada.
type CurrencySymbol string

// TokenName is a native token name (at most 32 raw bytes on chain).
type TokenName string

// Token identifies an asset class. The zero Token is ada.
type Token struct {
	Currency CurrencySymbol
	Name     TokenName
}

// Ada is the lovelace token.
var Ada = Token{}

// IsAda reports whether t is lovelace.
func (t Token) IsAda() bool { return t.Currency == "" && t.Name == "" }

// Credential is a Plutus payment or staking credential: a public-key hash or
// a script hash (28 raw bytes each).
type Credential struct {
	Script bool
	Hash   string
}

// StakingKind tells which form the staking part of a Plutus address takes.
type StakingKind uint8

const (
	// NoStaking is Plutus `Nothing`: an enterprise address.
	NoStaking StakingKind = iota
	// StakingHash is `Just (StakingHash cred)`.
	StakingHash
	// StakingPtr is `Just (StakingPtr slot tx cert)`.
	StakingPtr
)

// Address is Marlowe's party address: a network flag plus a Plutus address.
// It is a comparable value so that parties can key maps.
type Address struct {
	Mainnet bool
	Payment Credential
	Staking StakingKind
	// Stake is the staking credential when Staking is StakingHash.
	Stake Credential
	// Pointer holds (slot, tx index, cert index) when Staking is StakingPtr.
	Pointer [3]uint64
	// Opaque is set only by lenient (specification-mode) JSON decoding, for
	// addresses that are not bech32, e.g. "example address" in the Isabelle
	// goldens. Such an address has no on-chain form.
	Opaque string
}

// PartyKind tells an address party from a role party.
type PartyKind uint8

const (
	// AddressParty is a party identified by a Cardano address.
	AddressParty PartyKind = iota
	// RoleParty is a party identified by holding a role token.
	RoleParty
)

// Party is a participant: an address or a role-token holder. It is comparable.
type Party struct {
	Kind    PartyKind
	Address Address   // when Kind == AddressParty
	Role    TokenName // when Kind == RoleParty
}

// RolePartyOf returns the role party named name.
func RolePartyOf(name TokenName) Party { return Party{Kind: RoleParty, Role: name} }

// AddressPartyOf returns the address party for a.
func AddressPartyOf(a Address) Party { return Party{Kind: AddressParty, Address: a} }

// AccountID names an internal account; in Marlowe V1 it is a party.
type AccountID = Party

// ChoiceName is the name of a choice (raw bytes).
type ChoiceName string

// ChoiceID identifies a choice by name and owner. It is comparable.
type ChoiceID struct {
	Name  ChoiceName
	Owner Party
}

// ValueID names a bound value (raw bytes).
type ValueID string

// Bound is an inclusive range of acceptable choice numbers.
type Bound struct {
	Low  *big.Int
	High *big.Int
}

// PayeeKind tells an internal account payee from an external party payee.
type PayeeKind uint8

const (
	// PayeeAccount pays into an internal account.
	PayeeAccount PayeeKind = iota
	// PayeeParty pays out of the contract to a party.
	PayeeParty
)

// Payee is the destination of a Pay. It is comparable.
type Payee struct {
	Kind  PayeeKind
	Party Party
}

// ---------------------------------------------------------------------------
// Values and observations

// Value is a Marlowe expression that evaluates to an integer. The concrete
// types are the *Value structs below, one per Haskell constructor.
type Value interface{ isValue() }

// AvailableMoney is the balance of Token in Account.
type AvailableMoney struct {
	Account AccountID
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

// DivValue is L quot R (truncated toward zero; division by zero yields 0).
type DivValue struct{ L, R Value }

// ChoiceValue is the last number chosen for ID, or 0.
type ChoiceValue struct{ ID ChoiceID }

// TimeIntervalStart is the (trimmed) start of the transaction interval.
type TimeIntervalStart struct{}

// TimeIntervalEnd is the end of the transaction interval.
type TimeIntervalEnd struct{}

// UseValue is the value bound to ID by Let, or 0.
type UseValue struct{ ID ValueID }

// Cond is Then if Obs holds, else Else.
type Cond struct {
	Obs        Observation
	Then, Else Value
}

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

// Observation is a Marlowe boolean expression.
type Observation interface{ isObservation() }

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

// ---------------------------------------------------------------------------
// Actions, cases, contracts

// Action is what a When case waits for.
type Action interface{ isAction() }

// Deposit waits for From to deposit Amount of Token into Into.
type Deposit struct {
	Into   AccountID
	From   Party
	Token  Token
	Amount Value
}

// Choice waits for ID's owner to choose a number within one of Bounds.
type Choice struct {
	ID     ChoiceID
	Bounds []Bound
}

// Notify waits for a notification while Obs holds.
type Notify struct{ Obs Observation }

func (Deposit) isAction() {}
func (Choice) isAction()  {}
func (Notify) isAction()  {}

// Case is one branch of a When. A normal case carries its continuation in
// Then; a merkleized case carries only the blake2b-256 hash of the
// continuation's canonical Plutus Data (Merkleized set, Then nil).
type Case struct {
	Action     Action
	Then       Contract
	Merkleized bool
	Hash       []byte
}

// Contract is a Marlowe contract.
type Contract interface{ isContract() }

// Close refunds every account to its owner and ends the contract.
type Close struct{}

// Pay moves Amount of Token from account From to payee To, then continues.
type Pay struct {
	From   AccountID
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

// When waits for one of Cases until Timeout (POSIX ms), then continues with
// Continuation.
type When struct {
	Cases        []Case
	Timeout      *big.Int
	Continuation Contract
	// TimeoutParam is set only in Extended Marlowe templates (see
	// FillTemplate): the timeout is the named time parameter and Timeout is
	// nil. Core contracts never carry it.
	TimeoutParam string
}

// Let binds ID to the current value of Value, then continues.
type Let struct {
	ID    ValueID
	Value Value
	Then  Contract
}

// Assert warns when Obs is false, then continues.
type Assert struct {
	Obs  Observation
	Then Contract
}

func (Close) isContract()  {}
func (Pay) isContract()    {}
func (If) isContract()     {}
func (When) isContract()   {}
func (Let) isContract()    {}
func (Assert) isContract() {}

// ---------------------------------------------------------------------------
// State and environment

// AccountEntry is one (account, token) balance of State.Accounts.
type AccountEntry struct {
	Account AccountID
	Token   Token
	Amount  *big.Int
}

// ChoiceEntry is one recorded choice.
type ChoiceEntry struct {
	ID    ChoiceID
	Value *big.Int
}

// BoundValueEntry is one Let binding.
type BoundValueEntry struct {
	ID    ValueID
	Value *big.Int
}

// State is a contract's state. The three maps are PlutusTx association lists:
// their order is observable on chain (datum equality, Close refund order) and
// is preserved exactly by every codec.
type State struct {
	Accounts    []AccountEntry
	Choices     []ChoiceEntry
	BoundValues []BoundValueEntry
	MinTime     *big.Int
}

// EmptyState is the state of a fresh contract with the given minimum time.
func EmptyState(minTime *big.Int) State {
	return State{MinTime: new(big.Int).Set(minTime)}
}

// TimeInterval is an inclusive POSIX-milliseconds interval.
type TimeInterval struct {
	From *big.Int
	To   *big.Int
}

// Environment is what the semantics sees of the transaction.
type Environment struct {
	Interval TimeInterval
}

// ---------------------------------------------------------------------------
// Inputs

// InputContent is what an input does: deposit, choose or notify.
type InputContent interface{ isInputContent() }

// IDeposit deposits Amount of Token from From into account Into.
type IDeposit struct {
	Into   AccountID
	From   Party
	Token  Token
	Amount *big.Int
}

// IChoice chooses Chosen for ID.
type IChoice struct {
	ID     ChoiceID
	Chosen *big.Int
}

// INotify notifies the contract.
type INotify struct{}

func (IDeposit) isInputContent() {}
func (IChoice) isInputContent()  {}
func (INotify) isInputContent()  {}

// Input is a transaction input. A merkleized input carries the hash of the
// continuation it unlocks and, off chain, the continuation itself; on chain
// (in a redeemer) only the hash travels, so Continuation may be nil there.
type Input struct {
	Content      InputContent
	Merkleized   bool
	Hash         []byte
	Continuation Contract
}

// TransactionInput is one Marlowe transaction: an interval and its inputs.
type TransactionInput struct {
	Interval TimeInterval
	Inputs   []Input
}

// Payment is money leaving an account: to another account or out to a party.
type Payment struct {
	From   AccountID
	To     Payee
	Token  Token
	Amount *big.Int
}

// ---------------------------------------------------------------------------
// Warnings and errors

// TransactionWarning is a non-fatal observation made while computing a
// transaction.
type TransactionWarning interface{ isWarning() }

// NonPositiveDeposit: Party was asked to deposit a non-positive Amount.
type NonPositiveDeposit struct {
	Party   Party
	Account AccountID
	Token   Token
	Amount  *big.Int
}

// NonPositivePay: a Pay evaluated to a non-positive Amount.
type NonPositivePay struct {
	Account AccountID
	Payee   Payee
	Token   Token
	Amount  *big.Int
}

// PartialPay: the account held only Paid of the Expected amount.
type PartialPay struct {
	Account  AccountID
	Payee    Payee
	Token    Token
	Paid     *big.Int
	Expected *big.Int
}

// Shadowing: a Let rebound ID from Old to New.
type Shadowing struct {
	ID  ValueID
	Old *big.Int
	New *big.Int
}

// AssertionFailed: an Assert's observation was false.
type AssertionFailed struct{}

func (NonPositiveDeposit) isWarning() {}
func (NonPositivePay) isWarning()     {}
func (PartialPay) isWarning()         {}
func (Shadowing) isWarning()          {}
func (AssertionFailed) isWarning()    {}

// IntervalError says why a transaction interval was rejected.
type IntervalError interface{ isIntervalError() }

// InvalidInterval: the interval ends before it starts.
type InvalidInterval struct{ Interval TimeInterval }

// IntervalInPastError: the interval ends before the state's minimum time.
type IntervalInPastError struct {
	MinTime  *big.Int
	Interval TimeInterval
}

func (InvalidInterval) isIntervalError()     {}
func (IntervalInPastError) isIntervalError() {}

// TransactionError is a fatal error of computeTransaction.
type TransactionError interface{ isTransactionError() }

// TEAmbiguousTimeIntervalError: the interval straddles a When timeout.
type TEAmbiguousTimeIntervalError struct{}

// TEApplyNoMatchError: an input matched no case.
type TEApplyNoMatchError struct{}

// TEIntervalError: the interval is invalid or in the past.
type TEIntervalError struct{ Err IntervalError }

// TEUselessTransaction: the transaction changes nothing.
type TEUselessTransaction struct{}

// TEHashMismatch: a merkleized input does not match its case.
type TEHashMismatch struct{}

func (TEAmbiguousTimeIntervalError) isTransactionError() {}
func (TEApplyNoMatchError) isTransactionError()          {}
func (TEIntervalError) isTransactionError()              {}
func (TEUselessTransaction) isTransactionError()         {}
func (TEHashMismatch) isTransactionError()               {}

// TransactionOutput is the result of computeTransaction or playTrace: either
// Error is set, or the other fields describe the successful outcome.
type TransactionOutput struct {
	Warnings []TransactionWarning
	Payments []Payment
	State    State
	Contract Contract
	Error    TransactionError
}

// ---------------------------------------------------------------------------
// On-chain data

// MarloweParams are the validator parameters carried in the datum.
type MarloweParams struct {
	// RolesCurrency is the role-token policy id, or "" when the contract
	// has no roles.
	RolesCurrency CurrencySymbol
}

// MarloweData is the datum of a Marlowe output at the semantics validator.
type MarloweData struct {
	Params   MarloweParams
	State    State
	Contract Contract
}

// PayoutDatum is the datum of an output at the role-payout validator.
type PayoutDatum struct {
	RolesCurrency CurrencySymbol
	Role          TokenName
}

// OpenRoleDatum is the datum of an output at the open-role validator: the
// thread-token name.
type OpenRoleDatum struct {
	ThreadTokenName TokenName
}

// Redeemer is the semantics validator's redeemer: the inputs of one
// transaction, merkleized ones without their continuation.
type Redeemer []Input
