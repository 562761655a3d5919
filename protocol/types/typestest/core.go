package typestest

import (
	"fmt"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// Constructors lists, for every sum type whose generator reports to
// Gen.Observe, the names of all its constructors as reported. A fresh map
// is returned on each call.
func Constructors() map[string][]string {
	return map[string][]string{
		"ChainPoint":   {"Genesis", "At"},
		"NetworkId":    {"Mainnet", "Testnet"},
		"Datum":        {"Constr", "Map", "List", "Integer", "ByteString"},
		"Metadata":     {"Map", "List", "Int", "Bytes", "Text"}, // the Go types of contracts/metadata
		"ContractStep": {"Transaction", "RedeemStep"},
		"Party":        {"Role", "Address"},
		"Payee":        {"Account", "Party"},
		"Value": {"AvailableMoney", "Constant", "NegValue", "AddValue", "SubValue", "MulValue", "DivValue",
			"ChoiceValue", "TimeIntervalStart", "TimeIntervalEnd", "UseValue", "Cond"},
		"Observation": {"AndObs", "OrObs", "NotObs", "ChoseSomething", "ValueGE", "ValueGT", "ValueLT", "ValueLE",
			"ValueEQ", "TrueObs", "FalseObs"},
		"Action":        {"Deposit", "Choice", "Notify"},
		"Case":          {"Case", "MerkleizedCase"},
		"Contract":      {"Close", "Pay", "If", "When", "Let", "Assert"},
		"InputContent":  {"IDeposit", "IChoice", "INotify"},
		"Input":         {"NormalInput", "MerkleizedInput"},
		"IntervalError": {"InvalidInterval", "IntervalInPastError"},
		"TransactionWarning": {"NonPositiveDeposit", "NonPositivePay", "PartialPay", "Shadowing",
			"AssertionFailed"},
		"TransactionError": {"TEAmbiguousTimeIntervalError", "TEApplyNoMatchError", "TEIntervalError",
			"TEUselessTransaction", "TEHashMismatch"},
		"TransactionOutput": {"TransactionOutput", "Error"},
	}
}

// Marlowe Core V1 values.

func (g Gen) credential() core.Credential {
	return core.Credential{Script: g.Bool(), Hash: g.Bytes()}
}

// CoreAddress returns a Core V1 address with no, a hash or a pointer
// staking part.
func (g Gen) CoreAddress() core.Address {
	a := core.Address{Mainnet: g.Bool(), Payment: g.credential()}
	switch g.N(3) {
	case 1:
		a.Staking, a.Stake = core.StakingHash, g.credential()
	case 2:
		a.Staking, a.Pointer = core.StakingPtr, [3]uint64{g.R.Uint64(), uint64(g.N(9)), uint64(g.N(9))}
	}
	return a
}

// Party returns a role or an address party.
func (g Gen) Party() core.Party {
	if g.Bool() {
		g.note("Party", "Role")
		return core.RolePartyOf(core.TokenName(g.Bytes()))
	}
	g.note("Party", "Address")
	return core.AddressPartyOf(g.CoreAddress())
}

// Payee returns an account or a party payee.
func (g Gen) Payee() core.Payee {
	if g.Bool() {
		g.note("Payee", "Account")
		return core.Payee{Kind: core.PayeeAccount, Party: g.Party()}
	}
	g.note("Payee", "Party")
	return core.Payee{Kind: core.PayeeParty, Party: g.Party()}
}

// Token returns ada or a token.
func (g Gen) Token() core.Token {
	if g.N(3) == 0 {
		return core.Ada
	}
	return core.Token{Currency: core.CurrencySymbol(g.Bytes()), Name: core.TokenName(g.Bytes())}
}

// ChoiceId returns a choice id.
func (g Gen) ChoiceId() core.ChoiceID {
	return core.ChoiceID{Name: core.ChoiceName(g.Bytes()), Owner: g.Party()}
}

// Value returns a Value nested at most depth levels, covering all twelve
// constructors.
func (g Gen) Value(depth int) core.Value {
	k := g.N(12)
	if depth <= 0 {
		k = []int{0, 1, 7, 8, 9, 10}[g.N(6)]
	}
	var v core.Value
	switch k {
	case 0:
		v = core.AvailableMoney{Account: g.Party(), Token: g.Token()}
	case 1:
		v = core.Constant{N: g.Integer()}
	case 2:
		v = core.NegValue{V: g.Value(depth - 1)}
	case 3:
		v = core.AddValue{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 4:
		v = core.SubValue{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 5:
		v = core.MulValue{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 6:
		v = core.DivValue{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 7:
		v = core.ChoiceValue{ID: g.ChoiceId()}
	case 8:
		v = core.TimeIntervalStart{}
	case 9:
		v = core.TimeIntervalEnd{}
	case 10:
		v = core.UseValue{ID: core.ValueID(g.Bytes())}
	default:
		v = core.Cond{Obs: g.Observation(depth - 1), Then: g.Value(depth - 1), Else: g.Value(depth - 1)}
	}
	g.note("Value", v)
	return v
}

// Observation returns an Observation nested at most depth levels, covering
// all eleven constructors.
func (g Gen) Observation(depth int) core.Observation {
	k := g.N(11)
	if depth <= 0 {
		k = []int{3, 9, 10}[g.N(3)]
	}
	var o core.Observation
	switch k {
	case 0:
		o = core.AndObs{L: g.Observation(depth - 1), R: g.Observation(depth - 1)}
	case 1:
		o = core.OrObs{L: g.Observation(depth - 1), R: g.Observation(depth - 1)}
	case 2:
		o = core.NotObs{O: g.Observation(depth - 1)}
	case 3:
		o = core.ChoseSomething{ID: g.ChoiceId()}
	case 4:
		o = core.ValueGE{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 5:
		o = core.ValueGT{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 6:
		o = core.ValueLT{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 7:
		o = core.ValueLE{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 8:
		o = core.ValueEQ{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 9:
		o = core.TrueObs{}
	default:
		o = core.FalseObs{}
	}
	g.note("Observation", o)
	return o
}

// Action returns a deposit, choice or notify action.
func (g Gen) Action(depth int) core.Action {
	var a core.Action
	switch g.N(3) {
	case 0:
		a = core.Deposit{Into: g.Party(), From: g.Party(), Token: g.Token(), Amount: g.Value(depth)}
	case 1:
		var bs []core.Bound
		for i := g.N(3); i > 0; i-- {
			bs = append(bs, core.Bound{Low: g.Integer(), High: g.Integer()})
		}
		a = core.Choice{ID: g.ChoiceId(), Bounds: bs}
	default:
		a = core.Notify{Obs: g.Observation(depth)}
	}
	g.note("Action", a)
	return a
}

// Case returns a case of a When nested at most depth levels: its
// continuation inline, or merkleized (only its hash).
func (g Gen) Case(depth int) core.Case {
	c := core.Case{Action: g.Action(1)}
	if g.Bool() {
		g.note("Case", "MerkleizedCase")
		c.Merkleized, c.Hash = true, []byte(g.Bytes())
	} else {
		g.note("Case", "Case")
		c.Then = g.Contract(depth)
	}
	return c
}

// Contract returns a Contract nested at most depth levels, covering all
// six constructors and both kinds of case.
func (g Gen) Contract(depth int) core.Contract {
	k := g.N(6)
	if depth <= 0 {
		k = 0
	}
	var c core.Contract
	switch k {
	case 0:
		c = core.Close{}
	case 1:
		c = core.Pay{From: g.Party(), To: g.Payee(), Token: g.Token(), Amount: g.Value(2), Then: g.Contract(depth - 1)}
	case 2:
		c = core.If{Obs: g.Observation(2), Then: g.Contract(depth - 1), Else: g.Contract(depth - 1)}
	case 3:
		w := core.When{Timeout: g.Integer(), Continuation: g.Contract(depth - 1)}
		for i := g.N(3); i > 0; i-- {
			w.Cases = append(w.Cases, g.Case(depth-1))
		}
		c = w
	case 4:
		c = core.Let{ID: core.ValueID(g.Bytes()), Value: g.Value(2), Then: g.Contract(depth - 1)}
	default:
		c = core.Assert{Obs: g.Observation(2), Then: g.Contract(depth - 1)}
	}
	g.note("Contract", c)
	return c
}

// State returns a contract state with a few entries in each list.
func (g Gen) State() core.State {
	s := core.State{MinTime: g.Integer()}
	for i := g.N(3); i > 0; i-- {
		s.Accounts = append(s.Accounts, core.AccountEntry{Account: g.Party(), Token: g.Token(), Amount: g.Integer()})
	}
	for i := g.N(3); i > 0; i-- {
		s.Choices = append(s.Choices, core.ChoiceEntry{ID: g.ChoiceId(), Value: g.Integer()})
	}
	for i := g.N(3); i > 0; i-- {
		s.BoundValues = append(s.BoundValues, core.BoundValueEntry{ID: core.ValueID(g.Bytes()), Value: g.Integer()})
	}
	return s
}

// MarloweData returns a datum of a Marlowe script output.
func (g Gen) MarloweData() core.MarloweData {
	return core.MarloweData{Params: core.MarloweParams{RolesCurrency: core.CurrencySymbol(g.Bytes())}, State: g.State(), Contract: g.Contract(3)}
}

// MarloweDatum returns MarloweData as the Plutus Data of a script output.
func (g Gen) MarloweDatum() data.PlutusData {
	d, err := core.ToData(g.MarloweData())
	if err != nil {
		// Every generated MarloweData converts; failing here is a bug in Gen.
		panic(fmt.Errorf("typestest: MarloweData to Plutus Data: %w", err))
	}
	return d
}

// InputContent returns a deposit, choice or notify input.
func (g Gen) InputContent() core.InputContent {
	var c core.InputContent
	switch g.N(3) {
	case 0:
		c = core.IDeposit{Into: g.Party(), From: g.Party(), Token: g.Token(), Amount: g.Integer()}
	case 1:
		c = core.IChoice{ID: g.ChoiceId(), Chosen: g.Integer()}
	default:
		c = core.INotify{}
	}
	g.note("InputContent", c)
	return c
}

// Input returns a normal or a merkleized input (with its continuation).
func (g Gen) Input() core.Input {
	in := core.Input{Content: g.InputContent()}
	if g.Bool() {
		g.note("Input", "MerkleizedInput")
		in.Merkleized, in.Hash, in.Continuation = true, []byte(g.Bytes()), g.Contract(2)
	} else {
		g.note("Input", "NormalInput")
	}
	return in
}

// Inputs returns up to two inputs.
func (g Gen) Inputs() []core.Input {
	var ins []core.Input
	for i := g.N(3); i > 0; i-- {
		ins = append(ins, g.Input())
	}
	return ins
}

// TimeInterval returns an interval (not necessarily valid).
func (g Gen) TimeInterval() core.TimeInterval {
	return core.TimeInterval{From: g.Integer(), To: g.Integer()}
}

// TransactionInput returns a Marlowe transaction input.
func (g Gen) TransactionInput() core.TransactionInput {
	return core.TransactionInput{Interval: g.TimeInterval(), Inputs: g.Inputs()}
}

// IntervalError returns either interval error.
func (g Gen) IntervalError() core.IntervalError {
	var e core.IntervalError
	if g.Bool() {
		e = core.InvalidInterval{Interval: g.TimeInterval()}
	} else {
		e = core.IntervalInPastError{MinTime: g.Integer(), Interval: g.TimeInterval()}
	}
	g.note("IntervalError", e)
	return e
}

// TransactionWarning returns one of the five Core V1 transaction warnings.
func (g Gen) TransactionWarning() core.TransactionWarning {
	var w core.TransactionWarning
	switch g.N(5) {
	case 0:
		w = core.NonPositiveDeposit{Party: g.Party(), Account: g.Party(), Token: g.Token(), Amount: g.Integer()}
	case 1:
		w = core.NonPositivePay{Account: g.Party(), Payee: g.Payee(), Token: g.Token(), Amount: g.Integer()}
	case 2:
		w = core.PartialPay{Account: g.Party(), Payee: g.Payee(), Token: g.Token(), Paid: g.Integer(), Expected: g.Integer()}
	case 3:
		w = core.Shadowing{ID: core.ValueID(g.Bytes()), Old: g.Integer(), New: g.Integer()}
	default:
		w = core.AssertionFailed{}
	}
	g.note("TransactionWarning", w)
	return w
}

// TransactionError returns one of the five Core V1 transaction errors
// (an interval error of either kind).
func (g Gen) TransactionError() core.TransactionError {
	var e core.TransactionError
	switch g.N(5) {
	case 0:
		e = core.TEAmbiguousTimeIntervalError{}
	case 1:
		e = core.TEApplyNoMatchError{}
	case 2:
		e = core.TEIntervalError{Err: g.IntervalError()}
	case 3:
		e = core.TEUselessTransaction{}
	default:
		e = core.TEHashMismatch{}
	}
	g.note("TransactionError", e)
	return e
}

// CoreTransactionOutput returns the result of computing a Core V1
// transaction: an error a third of the time, otherwise warnings,
// payments, the new state and the continuation.
func (g Gen) CoreTransactionOutput() core.TransactionOutput {
	if g.N(3) == 0 {
		g.note("TransactionOutput", "Error")
		return core.TransactionOutput{Error: g.TransactionError()}
	}
	g.note("TransactionOutput", "TransactionOutput")
	out := core.TransactionOutput{}
	for i := g.N(3); i > 0; i-- {
		out.Warnings = append(out.Warnings, g.TransactionWarning())
	}
	for i := 1 + g.N(2); i > 0; i-- {
		out.Payments = append(out.Payments, core.Payment{From: g.Party(), To: g.Payee(), Token: g.Token(), Amount: g.Integer()})
	}
	out.State, out.Contract = g.State(), g.Contract(2)
	return out
}
