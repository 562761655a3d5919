package core

import (
	"encoding/hex"
	"math/big"
	"reflect"
	"unicode/utf8"
)

// The encoder writes compact JSON with object keys in sorted order and
// strings escaped the way aeson escapes them, so its output is byte-identical
// to the Haskell reference's for the same value. Like the decoder, errors
// are sticky and collect their path on the way up.

type jsonEncoder struct {
	buf   []byte
	depth int
	err   *JSONError
}

func (e *jsonEncoder) fail(format string, args ...any) {
	if e.err == nil {
		e.err = jsonFail(format, args...)
	}
}

func (e *jsonEncoder) raw(s string) {
	if e.err == nil {
		e.buf = append(e.buf, s...)
	}
}

// open starts an object or array, enforcing MaxJSONDepth so that cyclic
// values built from pointers end in an error rather than a stack overflow.
func (e *jsonEncoder) open(c byte) bool {
	if e.err != nil {
		return false
	}
	if e.depth >= MaxJSONDepth {
		e.fail("nesting deeper than %d levels", MaxJSONDepth)
		return false
	}
	e.depth++
	e.buf = append(e.buf, c)
	return true
}

func (e *jsonEncoder) close(c byte) {
	if e.err == nil {
		e.depth--
		e.buf = append(e.buf, c)
	}
}

// key writes an object key (a constant needing no escapes) and its colon,
// preceded by a comma unless it is the object's first.
func (e *jsonEncoder) key(k string) {
	if e.buf[len(e.buf)-1] != '{' {
		e.buf = append(e.buf, ',')
	}
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, k...)
	e.buf = append(e.buf, '"', ':')
}

// jsonPut writes "key":v using f.
func jsonPut[T any](e *jsonEncoder, key string, v T, f func(*jsonEncoder, T)) {
	if e.err != nil {
		return
	}
	e.key(key)
	f(e, v)
	if e.err != nil {
		e.err.segs = append(e.err.segs, key)
	}
}

// jsonPutAt writes element i of an array being written.
func jsonPutAt[T any](e *jsonEncoder, i int, v T, f func(*jsonEncoder, T)) {
	if e.err != nil {
		return
	}
	if i > 0 {
		e.buf = append(e.buf, ',')
	}
	f(e, v)
	if e.err != nil {
		e.err.segs = append(e.err.segs, jsonIndexSeg(i))
	}
}

// jsonPutList writes vs as an array.
func jsonPutList[T any](e *jsonEncoder, vs []T, f func(*jsonEncoder, T)) {
	if !e.open('[') {
		return
	}
	for i, v := range vs {
		jsonPutAt(e, i, v, f)
	}
	e.close(']')
}

// jsonDeref unwraps a non-nil pointer whose element is itself a T (e.g. a
// *When passed as a Contract). nilPtr reports a nil pointer.
func jsonDeref[T any](v T) (inner T, ok, nilPtr bool) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer {
		return inner, false, false
	}
	if rv.IsNil() {
		return inner, false, true
	}
	inner, ok = rv.Elem().Interface().(T)
	return inner, ok, false
}

// jsonUnsupported reports a value of the wrong dynamic type.
func jsonUnsupported[T any](e *jsonEncoder, what string, v T, recurse func(*jsonEncoder, T)) {
	inner, ok, nilPtr := jsonDeref(v)
	switch {
	case ok:
		recurse(e, inner)
	case nilPtr:
		e.fail("missing %s (nil %T)", what, v)
	case reflect.ValueOf(v).IsValid():
		e.fail("unsupported %s type %T", what, v)
	default:
		e.fail("missing %s (nil)", what)
	}
}

// ---------------------------------------------------------------------------
// Leaves

func (e *jsonEncoder) integer(n *big.Int) {
	if e.err != nil {
		return
	}
	if n == nil {
		e.fail("missing integer (nil)")
		return
	}
	e.buf = n.Append(e.buf, 10)
}

// str writes a JSON string, escaping as aeson does: \" \\ \n \r \t, other
// control characters as \u00XX, everything else (including non-ASCII UTF-8)
// verbatim. Names that are not UTF-8 cannot be JSON text, so they fail.
func (e *jsonEncoder) str(s string) {
	if e.err != nil {
		return
	}
	if !utf8.ValidString(s) {
		e.fail("%s is not valid UTF-8: names must be UTF-8 text in JSON", jsonQuote(s))
		return
	}
	const hexdig = "0123456789abcdef"
	e.buf = append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		e.buf = append(e.buf, s[start:i]...)
		switch c {
		case '"':
			e.buf = append(e.buf, '\\', '"')
		case '\\':
			e.buf = append(e.buf, '\\', '\\')
		case '\n':
			e.buf = append(e.buf, '\\', 'n')
		case '\r':
			e.buf = append(e.buf, '\\', 'r')
		case '\t':
			e.buf = append(e.buf, '\\', 't')
		default:
			e.buf = append(e.buf, '\\', 'u', '0', '0', hexdig[c>>4], hexdig[c&0xf])
		}
		start = i + 1
	}
	e.buf = append(e.buf, s[start:]...)
	e.buf = append(e.buf, '"')
}

func (e *jsonEncoder) text(s string) { e.str(s) }

func (e *jsonEncoder) hexBytes(b []byte) {
	if e.err != nil {
		return
	}
	e.buf = append(e.buf, '"')
	e.buf = hex.AppendEncode(e.buf, b)
	e.buf = append(e.buf, '"')
}

func (e *jsonEncoder) currencySymbol(c CurrencySymbol) {
	if e.err != nil {
		return
	}
	e.buf = append(e.buf, '"')
	e.buf = hex.AppendEncode(e.buf, []byte(c))
	e.buf = append(e.buf, '"')
}

func (e *jsonEncoder) address(a Address) {
	if e.err != nil {
		return
	}
	if a.Opaque != "" {
		e.str(a.Opaque)
		return
	}
	if a.Staking == StakingPtr {
		e.fail("pointer addresses have no JSON form (Marlowe rejects them)")
		return
	}
	s, err := a.Bech32()
	if err != nil {
		e.err = jsonFailErr(err, "invalid address: %v", err)
		return
	}
	e.str(s)
}

func (e *jsonEncoder) party(p Party) {
	if !e.open('{') {
		return
	}
	switch p.Kind {
	case AddressParty:
		jsonPut(e, "address", p.Address, (*jsonEncoder).address)
	case RoleParty:
		jsonPut(e, "role_token", string(p.Role), (*jsonEncoder).text)
	default:
		e.fail("invalid party kind %d", p.Kind)
	}
	e.close('}')
}

func (e *jsonEncoder) token(t Token) {
	if !e.open('{') {
		return
	}
	jsonPut(e, "currency_symbol", t.Currency, (*jsonEncoder).currencySymbol)
	jsonPut(e, "token_name", string(t.Name), (*jsonEncoder).text)
	e.close('}')
}

func (e *jsonEncoder) choiceID(c ChoiceID) {
	if !e.open('{') {
		return
	}
	jsonPut(e, "choice_name", string(c.Name), (*jsonEncoder).text)
	jsonPut(e, "choice_owner", c.Owner, (*jsonEncoder).party)
	e.close('}')
}

func (e *jsonEncoder) bound(b Bound) {
	if !e.open('{') {
		return
	}
	jsonPut(e, "from", b.Low, (*jsonEncoder).integer)
	jsonPut(e, "to", b.High, (*jsonEncoder).integer)
	e.close('}')
}

func (e *jsonEncoder) payee(p Payee) {
	if !e.open('{') {
		return
	}
	switch p.Kind {
	case PayeeAccount:
		jsonPut(e, "account", p.Party, (*jsonEncoder).party)
	case PayeeParty:
		jsonPut(e, "party", p.Party, (*jsonEncoder).party)
	default:
		e.fail("invalid payee kind %d", p.Kind)
	}
	e.close('}')
}

// ---------------------------------------------------------------------------
// Values and observations

// jsonPair writes a two-field object {"k1": v1, "k2": v2} (k1 < k2).
func jsonPair[A, B any](e *jsonEncoder, k1 string, v1 A, f1 func(*jsonEncoder, A), k2 string, v2 B, f2 func(*jsonEncoder, B)) {
	if !e.open('{') {
		return
	}
	jsonPut(e, k1, v1, f1)
	jsonPut(e, k2, v2, f2)
	e.close('}')
}

// jsonSingle writes a one-field object.
func jsonSingle[A any](e *jsonEncoder, k string, v A, f func(*jsonEncoder, A)) {
	if !e.open('{') {
		return
	}
	jsonPut(e, k, v, f)
	e.close('}')
}

func (e *jsonEncoder) value(v Value) {
	if e.err != nil {
		return
	}
	val := (*jsonEncoder).value
	switch v := v.(type) {
	case AvailableMoney:
		jsonPair(e, "amount_of_token", v.Token, (*jsonEncoder).token, "in_account", v.Account, (*jsonEncoder).party)
	case Constant:
		e.integer(v.N)
	case NegValue:
		jsonSingle(e, "negate", v.V, val)
	case AddValue:
		jsonPair(e, "add", v.L, val, "and", v.R, val)
	case SubValue:
		jsonPair(e, "minus", v.R, val, "value", v.L, val)
	case MulValue:
		jsonPair(e, "multiply", v.L, val, "times", v.R, val)
	case DivValue:
		jsonPair(e, "by", v.R, val, "divide", v.L, val)
	case ChoiceValue:
		jsonSingle(e, "value_of_choice", v.ID, (*jsonEncoder).choiceID)
	case ConstantParam:
		jsonSingle(e, "constant_param", v.Name, (*jsonEncoder).text)
	case TimeIntervalStart:
		e.raw(`"time_interval_start"`)
	case TimeIntervalEnd:
		e.raw(`"time_interval_end"`)
	case UseValue:
		jsonSingle(e, "use_value", string(v.ID), (*jsonEncoder).text)
	case Cond:
		if !e.open('{') {
			return
		}
		jsonPut(e, "else", v.Else, val)
		jsonPut(e, "if", v.Obs, (*jsonEncoder).observation)
		jsonPut(e, "then", v.Then, val)
		e.close('}')
	default:
		jsonUnsupported(e, "value", v, val)
	}
}

func (e *jsonEncoder) observation(o Observation) {
	if e.err != nil {
		return
	}
	obs, val := (*jsonEncoder).observation, (*jsonEncoder).value
	switch o := o.(type) {
	case AndObs:
		jsonPair(e, "and", o.R, obs, "both", o.L, obs)
	case OrObs:
		jsonPair(e, "either", o.L, obs, "or", o.R, obs)
	case NotObs:
		jsonSingle(e, "not", o.O, obs)
	case ChoseSomething:
		jsonSingle(e, "chose_something_for", o.ID, (*jsonEncoder).choiceID)
	case ValueGE:
		jsonPair(e, "ge_than", o.R, val, "value", o.L, val)
	case ValueGT:
		jsonPair(e, "gt", o.R, val, "value", o.L, val)
	case ValueLT:
		jsonPair(e, "lt", o.R, val, "value", o.L, val)
	case ValueLE:
		jsonPair(e, "le_than", o.R, val, "value", o.L, val)
	case ValueEQ:
		jsonPair(e, "equal_to", o.R, val, "value", o.L, val)
	case TrueObs:
		e.raw("true")
	case FalseObs:
		e.raw("false")
	default:
		jsonUnsupported(e, "observation", o, obs)
	}
}

// ---------------------------------------------------------------------------
// Actions, cases, contracts

func (e *jsonEncoder) action(a Action) {
	if e.err != nil {
		return
	}
	switch a := a.(type) {
	case Deposit:
		if !e.open('{') {
			return
		}
		jsonPut(e, "deposits", a.Amount, (*jsonEncoder).value)
		jsonPut(e, "into_account", a.Into, (*jsonEncoder).party)
		jsonPut(e, "of_token", a.Token, (*jsonEncoder).token)
		jsonPut(e, "party", a.From, (*jsonEncoder).party)
		e.close('}')
	case Choice:
		jsonPair(e, "choose_between", a.Bounds, (*jsonEncoder).bounds, "for_choice", a.ID, (*jsonEncoder).choiceID)
	case Notify:
		jsonSingle(e, "notify_if", a.Obs, (*jsonEncoder).observation)
	default:
		jsonUnsupported(e, "action", a, (*jsonEncoder).action)
	}
}

func (e *jsonEncoder) bounds(bs []Bound) { jsonPutList(e, bs, (*jsonEncoder).bound) }

func (e *jsonEncoder) caseOf(c Case) {
	if c.Merkleized {
		jsonPair(e, "case", c.Action, (*jsonEncoder).action, "merkleized_then", c.Hash, (*jsonEncoder).hexBytes)
		return
	}
	jsonPair(e, "case", c.Action, (*jsonEncoder).action, "then", c.Then, (*jsonEncoder).contract)
}

func (e *jsonEncoder) cases(cs []Case) { jsonPutList(e, cs, (*jsonEncoder).caseOf) }

func (e *jsonEncoder) contract(c Contract) {
	if e.err != nil {
		return
	}
	con := (*jsonEncoder).contract
	switch c := c.(type) {
	case Close:
		e.raw(`"close"`)
	case Pay:
		if !e.open('{') {
			return
		}
		jsonPut(e, "from_account", c.From, (*jsonEncoder).party)
		jsonPut(e, "pay", c.Amount, (*jsonEncoder).value)
		jsonPut(e, "then", c.Then, con)
		jsonPut(e, "to", c.To, (*jsonEncoder).payee)
		jsonPut(e, "token", c.Token, (*jsonEncoder).token)
		e.close('}')
	case If:
		if !e.open('{') {
			return
		}
		jsonPut(e, "else", c.Else, con)
		jsonPut(e, "if", c.Obs, (*jsonEncoder).observation)
		jsonPut(e, "then", c.Then, con)
		e.close('}')
	case When:
		if !e.open('{') {
			return
		}
		if c.TimeoutParam != "" {
			jsonPut(e, "timeout", c.TimeoutParam, func(e *jsonEncoder, name string) {
				jsonSingle(e, "time_param", name, (*jsonEncoder).text)
			})
		} else {
			jsonPut(e, "timeout", c.Timeout, (*jsonEncoder).integer)
		}
		jsonPut(e, "timeout_continuation", c.Continuation, con)
		jsonPut(e, "when", c.Cases, (*jsonEncoder).cases)
		e.close('}')
	case Let:
		if !e.open('{') {
			return
		}
		jsonPut(e, "be", c.Value, (*jsonEncoder).value)
		jsonPut(e, "let", string(c.ID), (*jsonEncoder).text)
		jsonPut(e, "then", c.Then, con)
		e.close('}')
	case Assert:
		jsonPair(e, "assert", c.Obs, (*jsonEncoder).observation, "then", c.Then, con)
	default:
		jsonUnsupported(e, "contract", c, con)
	}
}

// ---------------------------------------------------------------------------
// State, environment, inputs

func (e *jsonEncoder) accountEntry(a AccountEntry) {
	if !e.open('[') {
		return
	}
	jsonPutAt(e, 0, a, func(e *jsonEncoder, a AccountEntry) {
		if !e.open('[') {
			return
		}
		jsonPutAt(e, 0, a.Account, (*jsonEncoder).party)
		jsonPutAt(e, 1, a.Token, (*jsonEncoder).token)
		e.close(']')
	})
	jsonPutAt(e, 1, a.Amount, (*jsonEncoder).integer)
	e.close(']')
}

func (e *jsonEncoder) choiceEntry(c ChoiceEntry) {
	if !e.open('[') {
		return
	}
	jsonPutAt(e, 0, c.ID, (*jsonEncoder).choiceID)
	jsonPutAt(e, 1, c.Value, (*jsonEncoder).integer)
	e.close(']')
}

func (e *jsonEncoder) boundValueEntry(b BoundValueEntry) {
	if !e.open('[') {
		return
	}
	jsonPutAt(e, 0, string(b.ID), (*jsonEncoder).text)
	jsonPutAt(e, 1, b.Value, (*jsonEncoder).integer)
	e.close(']')
}

// state writes the maps in association-list order, as stored.
func (e *jsonEncoder) state(s State) {
	if !e.open('{') {
		return
	}
	jsonPut(e, "accounts", s.Accounts, func(e *jsonEncoder, v []AccountEntry) {
		jsonPutList(e, v, (*jsonEncoder).accountEntry)
	})
	jsonPut(e, "boundValues", s.BoundValues, func(e *jsonEncoder, v []BoundValueEntry) {
		jsonPutList(e, v, (*jsonEncoder).boundValueEntry)
	})
	jsonPut(e, "choices", s.Choices, func(e *jsonEncoder, v []ChoiceEntry) {
		jsonPutList(e, v, (*jsonEncoder).choiceEntry)
	})
	jsonPut(e, "minTime", s.MinTime, (*jsonEncoder).integer)
	e.close('}')
}

func (e *jsonEncoder) timeInterval(t TimeInterval) {
	jsonPair(e, "from", t.From, (*jsonEncoder).integer, "to", t.To, (*jsonEncoder).integer)
}

func (e *jsonEncoder) environment(env Environment) {
	jsonSingle(e, "timeInterval", env.Interval, (*jsonEncoder).timeInterval)
}

func (e *jsonEncoder) inputContent(c InputContent) {
	if e.err != nil {
		return
	}
	switch c := c.(type) {
	case IDeposit:
		if !e.open('{') {
			return
		}
		e.iDepositFields(c, nil)
		e.close('}')
	case IChoice:
		if !e.open('{') {
			return
		}
		e.iChoiceFields(c, nil)
		e.close('}')
	case INotify:
		e.raw(`"input_notify"`)
	default:
		jsonUnsupported(e, "input", c, (*jsonEncoder).inputContent)
	}
}

// iDepositFields writes an IDeposit's keys; merkle, when set, adds a
// merkleized input's two keys at their sorted positions.
func (e *jsonEncoder) iDepositFields(c IDeposit, merkle *Input) {
	if merkle != nil {
		jsonPut(e, "continuation_hash", merkle.Hash, (*jsonEncoder).hexBytes)
	}
	jsonPut(e, "input_from_party", c.From, (*jsonEncoder).party)
	jsonPut(e, "into_account", c.Into, (*jsonEncoder).party)
	if merkle != nil {
		jsonPut(e, "merkleized_continuation", merkle.Continuation, (*jsonEncoder).contract)
	}
	jsonPut(e, "of_token", c.Token, (*jsonEncoder).token)
	jsonPut(e, "that_deposits", c.Amount, (*jsonEncoder).integer)
}

func (e *jsonEncoder) iChoiceFields(c IChoice, merkle *Input) {
	if merkle != nil {
		jsonPut(e, "continuation_hash", merkle.Hash, (*jsonEncoder).hexBytes)
	}
	jsonPut(e, "for_choice_id", c.ID, (*jsonEncoder).choiceID)
	jsonPut(e, "input_that_chooses_num", c.Chosen, (*jsonEncoder).integer)
	if merkle != nil {
		jsonPut(e, "merkleized_continuation", merkle.Continuation, (*jsonEncoder).contract)
	}
}

func (e *jsonEncoder) input(in Input) {
	if e.err != nil {
		return
	}
	if !in.Merkleized {
		e.inputContent(in.Content)
		return
	}
	content := in.Content
	if inner, ok, _ := jsonDeref(content); ok {
		content = inner
	}
	switch c := content.(type) {
	case IDeposit:
		if !e.open('{') {
			return
		}
		e.iDepositFields(c, &in)
		e.close('}')
	case IChoice:
		if !e.open('{') {
			return
		}
		e.iChoiceFields(c, &in)
		e.close('}')
	case INotify:
		jsonPair(e, "continuation_hash", in.Hash, (*jsonEncoder).hexBytes, "merkleized_continuation", in.Continuation, (*jsonEncoder).contract)
	default:
		jsonUnsupported(e, "input", content, (*jsonEncoder).inputContent)
	}
}

func (e *jsonEncoder) inputs(ins []Input) { jsonPutList(e, ins, (*jsonEncoder).input) }

func (e *jsonEncoder) transactionInput(t TransactionInput) {
	jsonPair(e, "tx_inputs", t.Inputs, (*jsonEncoder).inputs, "tx_interval", t.Interval, (*jsonEncoder).timeInterval)
}

// ---------------------------------------------------------------------------
// Outputs, warnings, errors

func (e *jsonEncoder) payment(p Payment) {
	if !e.open('{') {
		return
	}
	jsonPut(e, "amount", p.Amount, (*jsonEncoder).integer)
	jsonPut(e, "payment_from", p.From, (*jsonEncoder).party)
	jsonPut(e, "to", p.To, (*jsonEncoder).payee)
	jsonPut(e, "token", p.Token, (*jsonEncoder).token)
	e.close('}')
}

func (e *jsonEncoder) payments(ps []Payment) { jsonPutList(e, ps, (*jsonEncoder).payment) }

func (e *jsonEncoder) warning(w TransactionWarning) {
	if e.err != nil {
		return
	}
	switch w := w.(type) {
	case NonPositiveDeposit:
		if !e.open('{') {
			return
		}
		jsonPut(e, "asked_to_deposit", w.Amount, (*jsonEncoder).integer)
		jsonPut(e, "in_account", w.Account, (*jsonEncoder).party)
		jsonPut(e, "of_token", w.Token, (*jsonEncoder).token)
		jsonPut(e, "party", w.Party, (*jsonEncoder).party)
		e.close('}')
	case NonPositivePay:
		if !e.open('{') {
			return
		}
		jsonPut(e, "account", w.Account, (*jsonEncoder).party)
		jsonPut(e, "asked_to_pay", w.Amount, (*jsonEncoder).integer)
		jsonPut(e, "of_token", w.Token, (*jsonEncoder).token)
		jsonPut(e, "to_payee", w.Payee, (*jsonEncoder).payee)
		e.close('}')
	case PartialPay:
		if !e.open('{') {
			return
		}
		jsonPut(e, "account", w.Account, (*jsonEncoder).party)
		jsonPut(e, "asked_to_pay", w.Expected, (*jsonEncoder).integer)
		jsonPut(e, "but_only_paid", w.Paid, (*jsonEncoder).integer)
		jsonPut(e, "of_token", w.Token, (*jsonEncoder).token)
		jsonPut(e, "to_payee", w.Payee, (*jsonEncoder).payee)
		e.close('}')
	case Shadowing:
		if !e.open('{') {
			return
		}
		jsonPut(e, "had_value", w.Old, (*jsonEncoder).integer)
		jsonPut(e, "is_now_assigned", w.New, (*jsonEncoder).integer)
		jsonPut(e, "value_id", string(w.ID), (*jsonEncoder).text)
		e.close('}')
	case AssertionFailed:
		e.raw(`"assertion_failed"`)
	default:
		jsonUnsupported(e, "transaction warning", w, (*jsonEncoder).warning)
	}
}

func (e *jsonEncoder) warnings(ws []TransactionWarning) {
	jsonPutList(e, ws, (*jsonEncoder).warning)
}

func (e *jsonEncoder) intervalError(ie IntervalError) {
	if e.err != nil {
		return
	}
	switch ie := ie.(type) {
	case InvalidInterval:
		jsonSingle(e, "invalidInterval", ie.Interval, (*jsonEncoder).timeInterval)
	case IntervalInPastError:
		jsonSingle(e, "intervalInPastError", ie, func(e *jsonEncoder, ie IntervalInPastError) {
			if !e.open('{') {
				return
			}
			jsonPut(e, "from", ie.Interval.From, (*jsonEncoder).integer)
			jsonPut(e, "minTime", ie.MinTime, (*jsonEncoder).integer)
			jsonPut(e, "to", ie.Interval.To, (*jsonEncoder).integer)
			e.close('}')
		})
	default:
		jsonUnsupported(e, "interval error", ie, (*jsonEncoder).intervalError)
	}
}

func (e *jsonEncoder) transactionError(te TransactionError) {
	if e.err != nil {
		return
	}
	switch te := te.(type) {
	case TEAmbiguousTimeIntervalError:
		e.raw(`"TEAmbiguousTimeIntervalError"`)
	case TEApplyNoMatchError:
		e.raw(`"TEApplyNoMatchError"`)
	case TEUselessTransaction:
		e.raw(`"TEUselessTransaction"`)
	case TEHashMismatch:
		e.raw(`"TEHashMismatch"`)
	case TEIntervalError:
		jsonPair(e, "context", te.Err, (*jsonEncoder).intervalError, "error", "TEIntervalError", (*jsonEncoder).text)
	default:
		jsonUnsupported(e, "transaction error", te, (*jsonEncoder).transactionError)
	}
}

// transactionOutput writes the error form when Error is set, otherwise the
// success form.
func (e *jsonEncoder) transactionOutput(t TransactionOutput) {
	if t.Error != nil {
		jsonSingle(e, "transaction_error", t.Error, (*jsonEncoder).transactionError)
		return
	}
	if !e.open('{') {
		return
	}
	jsonPut(e, "contract", t.Contract, (*jsonEncoder).contract)
	jsonPut(e, "payments", t.Payments, (*jsonEncoder).payments)
	jsonPut(e, "state", t.State, (*jsonEncoder).state)
	jsonPut(e, "warnings", t.Warnings, (*jsonEncoder).warnings)
	e.close('}')
}

// ---------------------------------------------------------------------------
// On-chain data

func (e *jsonEncoder) marloweParams(p MarloweParams) {
	jsonSingle(e, "rolesCurrency", p.RolesCurrency, (*jsonEncoder).currencySymbol)
}

func (e *jsonEncoder) marloweData(m MarloweData) {
	if !e.open('{') {
		return
	}
	jsonPut(e, "marloweContract", m.Contract, (*jsonEncoder).contract)
	jsonPut(e, "marloweParams", m.Params, (*jsonEncoder).marloweParams)
	jsonPut(e, "marloweState", m.State, (*jsonEncoder).state)
	e.close('}')
}

// anyValue dispatches EncodeJSON's argument.
func (e *jsonEncoder) anyValue(v any) {
	switch v := v.(type) {
	case nil:
		e.fail("cannot encode nil")
	case Contract:
		e.contract(v)
	case Value:
		e.value(v)
	case Observation:
		e.observation(v)
	case Action:
		e.action(v)
	case InputContent:
		e.inputContent(v)
	case TransactionWarning:
		e.warning(v)
	case TransactionError:
		e.transactionError(v)
	case IntervalError:
		e.intervalError(v)
	case Case:
		e.caseOf(v)
	case Party:
		e.party(v)
	case Address:
		e.address(v)
	case Token:
		e.token(v)
	case Payee:
		e.payee(v)
	case ChoiceID:
		e.choiceID(v)
	case Bound:
		e.bound(v)
	case Input:
		e.input(v)
	case State:
		e.state(v)
	case Environment:
		e.environment(v)
	case TimeInterval:
		e.timeInterval(v)
	case TransactionInput:
		e.transactionInput(v)
	case Payment:
		e.payment(v)
	case TransactionOutput:
		e.transactionOutput(v)
	case MarloweParams:
		e.marloweParams(v)
	case MarloweData:
		e.marloweData(v)
	case ValueID:
		e.str(string(v))
	case CurrencySymbol:
		e.currencySymbol(v)
	case *big.Int:
		e.integer(v)
	case []TransactionInput:
		jsonPutList(e, v, (*jsonEncoder).transactionInput)
	case []Input:
		e.inputs(v)
	case []Case:
		e.cases(v)
	case []Bound:
		e.bounds(v)
	case []Payment:
		e.payments(v)
	case []TransactionWarning:
		e.warnings(v)
	default:
		jsonUnsupported(e, "core value", v, (*jsonEncoder).anyValue)
	}
}
