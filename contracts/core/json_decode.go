package core

import (
	"encoding/hex"
	"math/big"
	"strconv"
	"strings"
)

// The decoder walks the parsed tree. Errors are sticky: the first one is kept
// in jsonDecoder.err, every later step becomes a no-op, and each helper that
// descended into a key or index on the way to the failure appends that path
// segment as the recursion unwinds.
//
// Constructors are chosen like Haskell's chain of (<|>) alternatives, in the
// same order, but by key presence: the first constructor whose keys are all
// present wins, and a failure inside it is reported instead of silently
// trying the next one. This differs from aeson only on contrived objects
// that carry the keys of two constructors and are invalid for the first.

type jsonDecoder struct {
	mode JSONMode
	err  *JSONError
}

func (d *jsonDecoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = jsonFail(format, args...)
	}
}

func (d *jsonDecoder) failWith(e *JSONError) {
	if d.err == nil {
		d.err = e
	}
}

// jsonGet decodes the value at key of object n with f.
func jsonGet[T any](d *jsonDecoder, n *jsonNode, key string, f func(*jsonDecoder, *jsonNode) T) T {
	var zero T
	if d.err != nil {
		return zero
	}
	c := n.get(key)
	if c == nil {
		d.fail("missing key %q", key)
		return zero
	}
	v := f(d, c)
	if d.err != nil {
		d.err.segs = append(d.err.segs, key)
		return zero
	}
	return v
}

// jsonList decodes array n element by element with f.
func jsonList[T any](d *jsonDecoder, n *jsonNode, f func(*jsonDecoder, *jsonNode) T) []T {
	if d.err != nil {
		return nil
	}
	if n.kind != jsonArray {
		d.fail("expected an array, got %s", n.describe())
		return nil
	}
	if len(n.arr) == 0 {
		return nil
	}
	out := make([]T, len(n.arr))
	for i := range n.arr {
		out[i] = f(d, &n.arr[i])
		if d.err != nil {
			d.err.segs = append(d.err.segs, jsonIndexSeg(i))
			return nil
		}
	}
	return out
}

// jsonAt decodes element i of array n (whose length the caller checked).
func jsonAt[T any](d *jsonDecoder, n *jsonNode, i int, f func(*jsonDecoder, *jsonNode) T) T {
	var zero T
	if d.err != nil {
		return zero
	}
	v := f(d, &n.arr[i])
	if d.err != nil {
		d.err.segs = append(d.err.segs, jsonIndexSeg(i))
		return zero
	}
	return v
}

// object checks that n is an object; what names the expected type.
func (d *jsonDecoder) object(n *jsonNode, what string) bool {
	if d.err != nil {
		return false
	}
	if n.kind != jsonObject {
		d.fail("expected %s object, got %s", what, n.describe())
		return false
	}
	return true
}

// jsonAlt is one constructor of a sum type: its name and the keys of its
// object form, space-separated (a single constant string, so that the
// per-call tables cost no allocation). The first key is the one that
// identifies the constructor best, used to report "missing key" instead of
// "unknown" for a half-written constructor.
type jsonAlt struct {
	name string
	keys string
}

// first returns the identifying key.
func (a jsonAlt) first() string {
	k, _, _ := strings.Cut(a.keys, " ")
	return k
}

// missing returns the first of the alternative's keys absent from n, or "".
func (a jsonAlt) missing(n *jsonNode) string {
	for rest := a.keys; rest != ""; {
		var k string
		k, rest, _ = strings.Cut(rest, " ")
		if n.get(k) == nil {
			return k
		}
	}
	return ""
}

// pick returns the index of the first alternative whose keys are all in n,
// or fails and returns -1. n must be an object.
func (d *jsonDecoder) pick(n *jsonNode, what string, alts []jsonAlt) int {
	for i, a := range alts {
		if a.missing(n) == "" {
			return i
		}
	}
	for _, a := range alts {
		if n.get(a.first()) != nil {
			d.fail("incomplete %s %s: missing key %q", what, a.name, a.missing(n))
			return -1
		}
	}
	d.fail("unknown %s: %s matches no constructor", what, n.describe())
	return -1
}

// ---------------------------------------------------------------------------
// Leaves

// templateParam reports (as an error) an Extended Marlowe template
// parameter, which core JSON cannot carry: a clearer message than "unknown".
func (d *jsonDecoder) templateParam(n *jsonNode) bool {
	if n.kind != jsonObject {
		return false
	}
	for _, k := range [...]string{"constant_param", "time_param"} {
		if p := n.get(k); p != nil {
			what := k
			if p.kind == jsonString {
				what += " " + jsonQuote(p.s)
			}
			d.fail("Extended Marlowe template parameter (%s) is not core Marlowe: fill in the template first", what)
			return true
		}
	}
	return false
}

// param recognises a template parameter {key: "name"}, in Template mode
// only; elsewhere templateParam reports it as an error.
func (d *jsonDecoder) param(n *jsonNode, key string) (string, bool) {
	if d.err != nil || d.mode != Template || n.kind != jsonObject {
		return "", false
	}
	p := n.get(key)
	if p == nil || p.kind != jsonString {
		return "", false
	}
	return p.s, true
}

func (d *jsonDecoder) integer(n *jsonNode) *big.Int {
	if d.err != nil {
		return nil
	}
	if n.kind != jsonNumber {
		if !d.templateParam(n) {
			d.fail("expected an integer, got %s", n.describe())
		}
		return nil
	}
	v, err := jsonInteger(n.s)
	if err != nil {
		d.failWith(err)
		return nil
	}
	return v
}

func (d *jsonDecoder) text(n *jsonNode) string {
	if d.err != nil {
		return ""
	}
	if n.kind != jsonString {
		d.fail("expected a string, got %s", n.describe())
		return ""
	}
	return n.s
}

// hexBytes decodes a hex string (either case, as base16-bytestring does).
func (d *jsonDecoder) hexBytes(n *jsonNode) []byte {
	s := d.text(n)
	if d.err != nil {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		d.failWith(jsonFailErr(err, "invalid hex %s: %v", jsonQuote(s), err))
		return nil
	}
	return b
}

// currencySymbol accepts hex of any length in both modes, as
// marlowe-cardano's decoder does: its own reference traces use one- and
// three-byte symbols ("10", "85bb65"), which are valid Plutus data even
// though no ledger policy id has that length.
func (d *jsonDecoder) currencySymbol(n *jsonNode) CurrencySymbol {
	b := d.hexBytes(n)
	if d.err != nil {
		return ""
	}
	return CurrencySymbol(b)
}

// hash32 decodes a merkle continuation hash (blake2b-256).
func (d *jsonDecoder) hash32(n *jsonNode) []byte {
	b := d.hexBytes(n)
	if d.err != nil {
		return nil
	}
	if d.mode == Strict && len(b) != 32 {
		d.fail("continuation hash must be 32 bytes, got %d bytes", len(b))
		return nil
	}
	if b == nil {
		b = []byte{}
	}
	return b
}

func (d *jsonDecoder) address(n *jsonNode) Address {
	s := d.text(n)
	if d.err != nil {
		return Address{}
	}
	a, err := ParseAddressBech32(s)
	if err == nil {
		return a
	}
	if d.mode == Lenient && s != "" {
		return Address{Opaque: s}
	}
	d.failWith(jsonFailErr(err, "%v", err))
	return Address{}
}

func (d *jsonDecoder) party(n *jsonNode) Party {
	if !d.object(n, "a party") {
		return Party{}
	}
	// Haskell tries the address first, then the role.
	switch {
	case n.get("address") != nil:
		return AddressPartyOf(jsonGet(d, n, "address", (*jsonDecoder).address))
	case n.get("role_token") != nil:
		return RolePartyOf(TokenName(jsonGet(d, n, "role_token", (*jsonDecoder).text)))
	}
	d.fail("unknown party: %s has neither \"address\" nor \"role_token\"", n.describe())
	return Party{}
}

func (d *jsonDecoder) token(n *jsonNode) Token {
	if !d.object(n, "a token") {
		return Token{}
	}
	return Token{
		Currency: jsonGet(d, n, "currency_symbol", (*jsonDecoder).currencySymbol),
		Name:     TokenName(jsonGet(d, n, "token_name", (*jsonDecoder).text)),
	}
}

func (d *jsonDecoder) choiceID(n *jsonNode) ChoiceID {
	if !d.object(n, "a choice id") {
		return ChoiceID{}
	}
	return ChoiceID{
		Name:  ChoiceName(jsonGet(d, n, "choice_name", (*jsonDecoder).text)),
		Owner: jsonGet(d, n, "choice_owner", (*jsonDecoder).party),
	}
}

func (d *jsonDecoder) valueID(n *jsonNode) ValueID { return ValueID(d.text(n)) }

func (d *jsonDecoder) bound(n *jsonNode) Bound {
	if !d.object(n, "a bound") {
		return Bound{}
	}
	return Bound{
		Low:  jsonGet(d, n, "from", (*jsonDecoder).integer),
		High: jsonGet(d, n, "to", (*jsonDecoder).integer),
	}
}

func (d *jsonDecoder) payee(n *jsonNode) Payee {
	if !d.object(n, "a payee") {
		return Payee{}
	}
	switch {
	case n.get("account") != nil:
		return Payee{Kind: PayeeAccount, Party: jsonGet(d, n, "account", (*jsonDecoder).party)}
	case n.get("party") != nil:
		return Payee{Kind: PayeeParty, Party: jsonGet(d, n, "party", (*jsonDecoder).party)}
	}
	d.fail("unknown payee: %s has neither \"account\" nor \"party\"", n.describe())
	return Payee{}
}

// ---------------------------------------------------------------------------
// Values and observations

func (d *jsonDecoder) value(n *jsonNode) Value {
	if d.err != nil {
		return nil
	}
	switch n.kind {
	case jsonNumber:
		v := d.integer(n)
		if d.err != nil {
			return nil
		}
		return Constant{N: v}
	case jsonString:
		switch n.s {
		case "time_interval_start":
			return TimeIntervalStart{}
		case "time_interval_end":
			return TimeIntervalEnd{}
		}
		d.fail("unknown value: %s", n.describe())
		return nil
	case jsonObject:
		if name, ok := d.param(n, "constant_param"); ok {
			return ConstantParam{Name: name}
		}
		if d.templateParam(n) {
			return nil
		}
	default:
		d.fail("unknown value: expected an integer, \"time_interval_start\", \"time_interval_end\" or an object, got %s", n.describe())
		return nil
	}
	alts := [...]jsonAlt{
		{"AvailableMoney", "amount_of_token in_account"},
		{"NegValue", "negate"},
		{"AddValue", "add and"},
		{"SubValue", "minus value"},
		{"MulValue", "multiply times"},
		{"DivValue", "divide by"},
		{"ChoiceValue", "value_of_choice"},
		{"UseValue", "use_value"},
		{"Cond", "if then else"},
	}
	switch d.pick(n, "value", alts[:]) {
	case 0:
		return AvailableMoney{
			Account: jsonGet(d, n, "in_account", (*jsonDecoder).party),
			Token:   jsonGet(d, n, "amount_of_token", (*jsonDecoder).token),
		}
	case 1:
		return NegValue{V: jsonGet(d, n, "negate", (*jsonDecoder).value)}
	case 2:
		return AddValue{L: jsonGet(d, n, "add", (*jsonDecoder).value), R: jsonGet(d, n, "and", (*jsonDecoder).value)}
	case 3:
		return SubValue{L: jsonGet(d, n, "value", (*jsonDecoder).value), R: jsonGet(d, n, "minus", (*jsonDecoder).value)}
	case 4:
		return MulValue{L: jsonGet(d, n, "multiply", (*jsonDecoder).value), R: jsonGet(d, n, "times", (*jsonDecoder).value)}
	case 5:
		return DivValue{L: jsonGet(d, n, "divide", (*jsonDecoder).value), R: jsonGet(d, n, "by", (*jsonDecoder).value)}
	case 6:
		return ChoiceValue{ID: jsonGet(d, n, "value_of_choice", (*jsonDecoder).choiceID)}
	case 7:
		return UseValue{ID: jsonGet(d, n, "use_value", (*jsonDecoder).valueID)}
	case 8:
		return Cond{
			Obs:  jsonGet(d, n, "if", (*jsonDecoder).observation),
			Then: jsonGet(d, n, "then", (*jsonDecoder).value),
			Else: jsonGet(d, n, "else", (*jsonDecoder).value),
		}
	}
	return nil
}

func (d *jsonDecoder) observation(n *jsonNode) Observation {
	if d.err != nil {
		return nil
	}
	switch n.kind {
	case jsonBool:
		if n.b {
			return TrueObs{}
		}
		return FalseObs{}
	case jsonObject:
	default:
		d.fail("unknown observation: expected true, false or an object, got %s", n.describe())
		return nil
	}
	alts := [...]jsonAlt{
		{"AndObs", "both and"},
		{"OrObs", "either or"},
		{"NotObs", "not"},
		{"ChoseSomething", "chose_something_for"},
		{"ValueGE", "ge_than value"},
		{"ValueGT", "gt value"},
		{"ValueLT", "lt value"},
		{"ValueLE", "le_than value"},
		{"ValueEQ", "equal_to value"},
	}
	i := d.pick(n, "observation", alts[:])
	switch i {
	case 0:
		return AndObs{L: jsonGet(d, n, "both", (*jsonDecoder).observation), R: jsonGet(d, n, "and", (*jsonDecoder).observation)}
	case 1:
		return OrObs{L: jsonGet(d, n, "either", (*jsonDecoder).observation), R: jsonGet(d, n, "or", (*jsonDecoder).observation)}
	case 2:
		return NotObs{O: jsonGet(d, n, "not", (*jsonDecoder).observation)}
	case 3:
		return ChoseSomething{ID: jsonGet(d, n, "chose_something_for", (*jsonDecoder).choiceID)}
	case 4, 5, 6, 7, 8:
		l := jsonGet(d, n, "value", (*jsonDecoder).value)
		r := jsonGet(d, n, alts[i].first(), (*jsonDecoder).value)
		switch i {
		case 4:
			return ValueGE{L: l, R: r}
		case 5:
			return ValueGT{L: l, R: r}
		case 6:
			return ValueLT{L: l, R: r}
		case 7:
			return ValueLE{L: l, R: r}
		}
		return ValueEQ{L: l, R: r}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Actions, cases, contracts

func (d *jsonDecoder) action(n *jsonNode) Action {
	if !d.object(n, "an action") {
		return nil
	}
	alts := [...]jsonAlt{
		{"Deposit", "deposits into_account party of_token"},
		{"Choice", "for_choice choose_between"},
		{"Notify", "notify_if"},
	}
	switch d.pick(n, "action", alts[:]) {
	case 0:
		return Deposit{
			Into:   jsonGet(d, n, "into_account", (*jsonDecoder).party),
			From:   jsonGet(d, n, "party", (*jsonDecoder).party),
			Token:  jsonGet(d, n, "of_token", (*jsonDecoder).token),
			Amount: jsonGet(d, n, "deposits", (*jsonDecoder).value),
		}
	case 1:
		return Choice{
			ID:     jsonGet(d, n, "for_choice", (*jsonDecoder).choiceID),
			Bounds: jsonGet(d, n, "choose_between", (*jsonDecoder).bounds),
		}
	case 2:
		return Notify{Obs: jsonGet(d, n, "notify_if", (*jsonDecoder).observation)}
	}
	return nil
}

func (d *jsonDecoder) bounds(n *jsonNode) []Bound { return jsonList(d, n, (*jsonDecoder).bound) }

func (d *jsonDecoder) caseOf(n *jsonNode) Case {
	if !d.object(n, "a case") {
		return Case{}
	}
	alts := [...]jsonAlt{
		{"Case", "case then"},
		{"MerkleizedCase", "merkleized_then case"},
	}
	switch d.pick(n, "case", alts[:]) {
	case 0:
		return Case{
			Action: jsonGet(d, n, "case", (*jsonDecoder).action),
			Then:   jsonGet(d, n, "then", (*jsonDecoder).contract),
		}
	case 1:
		return Case{
			Action:     jsonGet(d, n, "case", (*jsonDecoder).action),
			Merkleized: true,
			Hash:       jsonGet(d, n, "merkleized_then", (*jsonDecoder).hash32),
		}
	}
	return Case{}
}

func (d *jsonDecoder) cases(n *jsonNode) []Case { return jsonList(d, n, (*jsonDecoder).caseOf) }

func (d *jsonDecoder) contract(n *jsonNode) Contract {
	if d.err != nil {
		return nil
	}
	switch n.kind {
	case jsonString:
		if n.s == "close" {
			return Close{}
		}
		d.fail("unknown contract: %s", n.describe())
		return nil
	case jsonObject:
	default:
		d.fail("unknown contract: expected \"close\" or an object, got %s", n.describe())
		return nil
	}
	alts := [...]jsonAlt{
		{"Pay", "pay from_account to token then"},
		{"If", "if then else"},
		{"When", "when timeout timeout_continuation"},
		{"Let", "let be then"},
		{"Assert", "assert then"},
	}
	switch d.pick(n, "contract", alts[:]) {
	case 0:
		return Pay{
			From:   jsonGet(d, n, "from_account", (*jsonDecoder).party),
			To:     jsonGet(d, n, "to", (*jsonDecoder).payee),
			Token:  jsonGet(d, n, "token", (*jsonDecoder).token),
			Amount: jsonGet(d, n, "pay", (*jsonDecoder).value),
			Then:   jsonGet(d, n, "then", (*jsonDecoder).contract),
		}
	case 1:
		return If{
			Obs:  jsonGet(d, n, "if", (*jsonDecoder).observation),
			Then: jsonGet(d, n, "then", (*jsonDecoder).contract),
			Else: jsonGet(d, n, "else", (*jsonDecoder).contract),
		}
	case 2:
		w := When{Cases: jsonGet(d, n, "when", (*jsonDecoder).cases)}
		if t := n.get("timeout"); t != nil {
			if name, ok := d.param(t, "time_param"); ok {
				w.TimeoutParam = name
			}
		}
		if w.TimeoutParam == "" {
			w.Timeout = jsonGet(d, n, "timeout", (*jsonDecoder).integer)
		}
		w.Continuation = jsonGet(d, n, "timeout_continuation", (*jsonDecoder).contract)
		return w
	case 3:
		return Let{
			ID:    jsonGet(d, n, "let", (*jsonDecoder).valueID),
			Value: jsonGet(d, n, "be", (*jsonDecoder).value),
			Then:  jsonGet(d, n, "then", (*jsonDecoder).contract),
		}
	case 4:
		return Assert{
			Obs:  jsonGet(d, n, "assert", (*jsonDecoder).observation),
			Then: jsonGet(d, n, "then", (*jsonDecoder).contract),
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// State, environment, inputs

// pair checks that n is a two-element array, the JSON form of a Haskell
// tuple (aeson insists on the exact length).
func (d *jsonDecoder) pair(n *jsonNode) bool {
	if d.err != nil {
		return false
	}
	if n.kind != jsonArray || len(n.arr) != 2 {
		d.fail("expected a pair [key, value], got %s", jsonDescribeArray(n))
		return false
	}
	return true
}

func jsonDescribeArray(n *jsonNode) string {
	if n.kind == jsonArray {
		return "an array of " + strconv.Itoa(len(n.arr)) + " elements"
	}
	return n.describe()
}

func (d *jsonDecoder) accountKey(n *jsonNode) AccountEntry {
	if !d.pair(n) {
		return AccountEntry{}
	}
	return AccountEntry{
		Account: jsonAt(d, n, 0, (*jsonDecoder).party),
		Token:   jsonAt(d, n, 1, (*jsonDecoder).token),
	}
}

func (d *jsonDecoder) accountEntry(n *jsonNode) AccountEntry {
	if !d.pair(n) {
		return AccountEntry{}
	}
	e := jsonAt(d, n, 0, (*jsonDecoder).accountKey)
	e.Amount = jsonAt(d, n, 1, (*jsonDecoder).integer)
	return e
}

func (d *jsonDecoder) choiceEntry(n *jsonNode) ChoiceEntry {
	if !d.pair(n) {
		return ChoiceEntry{}
	}
	return ChoiceEntry{
		ID:    jsonAt(d, n, 0, (*jsonDecoder).choiceID),
		Value: jsonAt(d, n, 1, (*jsonDecoder).integer),
	}
}

func (d *jsonDecoder) boundValueEntry(n *jsonNode) BoundValueEntry {
	if !d.pair(n) {
		return BoundValueEntry{}
	}
	return BoundValueEntry{
		ID:    jsonAt(d, n, 0, (*jsonDecoder).valueID),
		Value: jsonAt(d, n, 1, (*jsonDecoder).integer),
	}
}

// state keeps the three association lists exactly as written: no sorting
// and no de-duplication (Haskell's fromJSONAssocMap is unsafeFromList).
func (d *jsonDecoder) state(n *jsonNode) State {
	if !d.object(n, "a state") {
		return State{}
	}
	return State{
		Accounts: jsonGet(d, n, "accounts", func(d *jsonDecoder, n *jsonNode) []AccountEntry {
			return jsonList(d, n, (*jsonDecoder).accountEntry)
		}),
		Choices: jsonGet(d, n, "choices", func(d *jsonDecoder, n *jsonNode) []ChoiceEntry {
			return jsonList(d, n, (*jsonDecoder).choiceEntry)
		}),
		BoundValues: jsonGet(d, n, "boundValues", func(d *jsonDecoder, n *jsonNode) []BoundValueEntry {
			return jsonList(d, n, (*jsonDecoder).boundValueEntry)
		}),
		MinTime: jsonGet(d, n, "minTime", (*jsonDecoder).integer),
	}
}

func (d *jsonDecoder) timeInterval(n *jsonNode) TimeInterval {
	if !d.object(n, "a time interval") {
		return TimeInterval{}
	}
	return TimeInterval{
		From: jsonGet(d, n, "from", (*jsonDecoder).integer),
		To:   jsonGet(d, n, "to", (*jsonDecoder).integer),
	}
}

func (d *jsonDecoder) environment(n *jsonNode) Environment {
	if !d.object(n, "an environment") {
		return Environment{}
	}
	return Environment{Interval: jsonGet(d, n, "timeInterval", (*jsonDecoder).timeInterval)}
}

func (d *jsonDecoder) inputContent(n *jsonNode) InputContent {
	if d.err != nil {
		return nil
	}
	switch n.kind {
	case jsonString:
		if n.s == "input_notify" {
			return INotify{}
		}
		d.fail("unknown input: %s", n.describe())
		return nil
	case jsonObject:
	default:
		d.fail("unknown input: expected \"input_notify\" or an object, got %s", n.describe())
		return nil
	}
	alts := [...]jsonAlt{
		{"IChoice", "for_choice_id input_that_chooses_num"},
		{"IDeposit", "that_deposits into_account input_from_party of_token"},
	}
	switch d.pick(n, "input", alts[:]) {
	case 0:
		return IChoice{
			ID:     jsonGet(d, n, "for_choice_id", (*jsonDecoder).choiceID),
			Chosen: jsonGet(d, n, "input_that_chooses_num", (*jsonDecoder).integer),
		}
	case 1:
		return IDeposit{
			Into:   jsonGet(d, n, "into_account", (*jsonDecoder).party),
			From:   jsonGet(d, n, "input_from_party", (*jsonDecoder).party),
			Token:  jsonGet(d, n, "of_token", (*jsonDecoder).token),
			Amount: jsonGet(d, n, "that_deposits", (*jsonDecoder).integer),
		}
	}
	return nil
}

// input decodes a normal input (its content's JSON) or a merkleized one
// (the content's fields plus continuation_hash and merkleized_continuation;
// for INotify just those two keys).
func (d *jsonDecoder) input(n *jsonNode) Input {
	if d.err != nil {
		return Input{}
	}
	if n.kind != jsonObject {
		return Input{Content: d.inputContent(n)}
	}
	hasHash, hasCont := n.get("continuation_hash") != nil, n.get("merkleized_continuation") != nil
	switch {
	case hasHash && hasCont:
	case hasHash:
		d.fail("incomplete merkleized input: missing key %q", "merkleized_continuation")
		return Input{}
	case hasCont:
		d.fail("incomplete merkleized input: missing key %q", "continuation_hash")
		return Input{}
	default:
		return Input{Content: d.inputContent(n)}
	}
	in := Input{Merkleized: true}
	if n.get("for_choice_id") != nil || n.get("input_that_chooses_num") != nil ||
		n.get("that_deposits") != nil || n.get("input_from_party") != nil ||
		n.get("into_account") != nil || n.get("of_token") != nil {
		in.Content = d.inputContent(n)
	} else {
		in.Content = INotify{}
	}
	in.Hash = jsonGet(d, n, "continuation_hash", (*jsonDecoder).hash32)
	in.Continuation = jsonGet(d, n, "merkleized_continuation", (*jsonDecoder).contract)
	return in
}

func (d *jsonDecoder) inputs(n *jsonNode) []Input { return jsonList(d, n, (*jsonDecoder).input) }

func (d *jsonDecoder) transactionInput(n *jsonNode) TransactionInput {
	if !d.object(n, "a transaction input") {
		return TransactionInput{}
	}
	return TransactionInput{
		Interval: jsonGet(d, n, "tx_interval", (*jsonDecoder).timeInterval),
		Inputs:   jsonGet(d, n, "tx_inputs", (*jsonDecoder).inputs),
	}
}

// ---------------------------------------------------------------------------
// Outputs, warnings, errors

func (d *jsonDecoder) payment(n *jsonNode) Payment {
	if !d.object(n, "a payment") {
		return Payment{}
	}
	return Payment{
		From:   jsonGet(d, n, "payment_from", (*jsonDecoder).party),
		To:     jsonGet(d, n, "to", (*jsonDecoder).payee),
		Token:  jsonGet(d, n, "token", (*jsonDecoder).token),
		Amount: jsonGet(d, n, "amount", (*jsonDecoder).integer),
	}
}

func (d *jsonDecoder) warning(n *jsonNode) TransactionWarning {
	if d.err != nil {
		return nil
	}
	switch n.kind {
	case jsonString:
		if n.s == "assertion_failed" {
			return AssertionFailed{}
		}
		d.fail("unknown transaction warning: %s", n.describe())
		return nil
	case jsonObject:
	default:
		d.fail("unknown transaction warning: expected \"assertion_failed\" or an object, got %s", n.describe())
		return nil
	}
	alts := [...]jsonAlt{
		{"NonPositiveDeposit", "asked_to_deposit party in_account of_token"},
		{"PartialPay", "but_only_paid account to_payee of_token asked_to_pay"},
		{"NonPositivePay", "asked_to_pay account to_payee of_token"},
		{"Shadowing", "value_id had_value is_now_assigned"},
	}
	switch d.pick(n, "transaction warning", alts[:]) {
	case 0:
		return NonPositiveDeposit{
			Party:   jsonGet(d, n, "party", (*jsonDecoder).party),
			Account: jsonGet(d, n, "in_account", (*jsonDecoder).party),
			Token:   jsonGet(d, n, "of_token", (*jsonDecoder).token),
			Amount:  jsonGet(d, n, "asked_to_deposit", (*jsonDecoder).integer),
		}
	case 1:
		return PartialPay{
			Account:  jsonGet(d, n, "account", (*jsonDecoder).party),
			Payee:    jsonGet(d, n, "to_payee", (*jsonDecoder).payee),
			Token:    jsonGet(d, n, "of_token", (*jsonDecoder).token),
			Paid:     jsonGet(d, n, "but_only_paid", (*jsonDecoder).integer),
			Expected: jsonGet(d, n, "asked_to_pay", (*jsonDecoder).integer),
		}
	case 2:
		return NonPositivePay{
			Account: jsonGet(d, n, "account", (*jsonDecoder).party),
			Payee:   jsonGet(d, n, "to_payee", (*jsonDecoder).payee),
			Token:   jsonGet(d, n, "of_token", (*jsonDecoder).token),
			Amount:  jsonGet(d, n, "asked_to_pay", (*jsonDecoder).integer),
		}
	case 3:
		return Shadowing{
			ID:  jsonGet(d, n, "value_id", (*jsonDecoder).valueID),
			Old: jsonGet(d, n, "had_value", (*jsonDecoder).integer),
			New: jsonGet(d, n, "is_now_assigned", (*jsonDecoder).integer),
		}
	}
	return nil
}

func (d *jsonDecoder) warnings(n *jsonNode) []TransactionWarning {
	return jsonList(d, n, (*jsonDecoder).warning)
}

func (d *jsonDecoder) payments(n *jsonNode) []Payment { return jsonList(d, n, (*jsonDecoder).payment) }

// intervalTuple decodes the interval part of an IntervalError: the
// specification's {"from","to"} object, or marlowe-cardano's [from, to]
// tuple (its ToJSON instance emits tuples).
func (d *jsonDecoder) intervalTuple(n *jsonNode, withMinTime bool) (minTime *big.Int, iv TimeInterval) {
	if d.err != nil {
		return nil, iv
	}
	want := 2
	if withMinTime {
		want = 3
	}
	switch {
	case n.kind == jsonObject:
		if withMinTime {
			minTime = jsonGet(d, n, "minTime", (*jsonDecoder).integer)
		}
		iv.From = jsonGet(d, n, "from", (*jsonDecoder).integer)
		iv.To = jsonGet(d, n, "to", (*jsonDecoder).integer)
	case n.kind == jsonArray && len(n.arr) == want:
		i := 0
		if withMinTime {
			minTime = jsonAt(d, n, 0, (*jsonDecoder).integer)
			i = 1
		}
		iv.From = jsonAt(d, n, i, (*jsonDecoder).integer)
		iv.To = jsonAt(d, n, i+1, (*jsonDecoder).integer)
	default:
		d.fail("expected an interval object, got %s", jsonDescribeArray(n))
	}
	return minTime, iv
}

func (d *jsonDecoder) intervalError(n *jsonNode) IntervalError {
	if !d.object(n, "an interval error") {
		return nil
	}
	alts := [...]jsonAlt{
		{"IntervalInPastError", "intervalInPastError"},
		{"InvalidInterval", "invalidInterval"},
	}
	switch d.pick(n, "interval error", alts[:]) {
	case 0:
		var e IntervalInPastError
		jsonGet(d, n, "intervalInPastError", func(d *jsonDecoder, c *jsonNode) struct{} {
			e.MinTime, e.Interval = d.intervalTuple(c, true)
			return struct{}{}
		})
		return e
	case 1:
		var e InvalidInterval
		jsonGet(d, n, "invalidInterval", func(d *jsonDecoder, c *jsonNode) struct{} {
			_, e.Interval = d.intervalTuple(c, false)
			return struct{}{}
		})
		return e
	}
	return nil
}

func (d *jsonDecoder) transactionError(n *jsonNode) TransactionError {
	if d.err != nil {
		return nil
	}
	switch n.kind {
	case jsonString:
		switch n.s {
		case "TEAmbiguousTimeIntervalError":
			return TEAmbiguousTimeIntervalError{}
		case "TEApplyNoMatchError":
			return TEApplyNoMatchError{}
		case "TEUselessTransaction":
			return TEUselessTransaction{}
		case "TEHashMismatch":
			return TEHashMismatch{}
		}
		d.fail("unknown transaction error: %s", n.describe())
		return nil
	case jsonObject:
	default:
		d.fail("unknown transaction error: expected a string or an object, got %s", n.describe())
		return nil
	}
	tag := jsonGet(d, n, "error", (*jsonDecoder).text)
	if d.err != nil {
		return nil
	}
	if tag != "TEIntervalError" {
		d.fail("unknown transaction error %s", jsonQuote(tag))
		d.err.segs = append(d.err.segs, "error")
		return nil
	}
	return TEIntervalError{Err: jsonGet(d, n, "context", (*jsonDecoder).intervalError)}
}

func (d *jsonDecoder) transactionOutput(n *jsonNode) TransactionOutput {
	if !d.object(n, "a transaction output") {
		return TransactionOutput{}
	}
	alts := [...]jsonAlt{
		{"TransactionOutput", "contract payments state warnings"},
		{"Error", "transaction_error"},
	}
	switch d.pick(n, "transaction output", alts[:]) {
	case 0:
		return TransactionOutput{
			Warnings: jsonGet(d, n, "warnings", (*jsonDecoder).warnings),
			Payments: jsonGet(d, n, "payments", (*jsonDecoder).payments),
			State:    jsonGet(d, n, "state", (*jsonDecoder).state),
			Contract: jsonGet(d, n, "contract", (*jsonDecoder).contract),
		}
	case 1:
		return TransactionOutput{Error: jsonGet(d, n, "transaction_error", (*jsonDecoder).transactionError)}
	}
	return TransactionOutput{}
}

// ---------------------------------------------------------------------------
// On-chain data

func (d *jsonDecoder) marloweParams(n *jsonNode) MarloweParams {
	if !d.object(n, "Marlowe params") {
		return MarloweParams{}
	}
	return MarloweParams{RolesCurrency: jsonGet(d, n, "rolesCurrency", (*jsonDecoder).currencySymbol)}
}

func (d *jsonDecoder) marloweData(n *jsonNode) MarloweData {
	if !d.object(n, "a Marlowe datum") {
		return MarloweData{}
	}
	return MarloweData{
		Params:   jsonGet(d, n, "marloweParams", (*jsonDecoder).marloweParams),
		State:    jsonGet(d, n, "marloweState", (*jsonDecoder).state),
		Contract: jsonGet(d, n, "marloweContract", (*jsonDecoder).contract),
	}
}
