package core

import (
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"
)

// This file holds the public face of the core JSON codec: the modes, the
// limits, the error type and the generic entry points. The parser lives in
// json_parse.go, the decoder in json_decode.go, the encoder in
// json_encode.go and the bech32/CIP-19 address codec in json_address.go.
//
// The JSON form is the "core JSON" shared by the Haskell reference
// (marlowe-cardano Semantics/Types.hs), the Runtime REST API, the TS SDK and
// the Isabelle specification (MarloweCoreJson.lhs); see semantics.md §1.

// JSONMode selects how strictly DecodeJSON checks Cardano-specific leaves.
type JSONMode uint8

const (
	// Strict accepts what marlowe-cardano's decoder accepts, i.e. JSON
	// that can describe a Cardano contract: party addresses are CIP-19
	// bech32 (base or enterprise, addr/addr_test, network agreeing with the
	// header) and merkle continuation hashes are 32 bytes. Currency symbols
	// may be hex of any length, as in Haskell: the upstream reference traces
	// use one- and three-byte symbols.
	Strict JSONMode = iota
	// Lenient is the specification mode of the Isabelle goldens and the
	// spec-test driver: an address that is not a valid Cardano party
	// address (e.g. "example address") is kept verbatim in Address.Opaque
	// and re-encoded as that text, and merkle hashes may have any length.
	Lenient
	// Template is Strict plus Extended Marlowe template parameters:
	// {"constant_param": name} where a Value may stand and
	// {"time_param": name} as a When timeout (see FillTemplate).
	Template
)

// String names the mode for messages.
func (m JSONMode) String() string {
	switch m {
	case Strict:
		return "strict"
	case Lenient:
		return "lenient"
	case Template:
		return "template"
	}
	return "JSONMode(" + strconv.Itoa(int(m)) + ")"
}

// MaxJSONDepth bounds the nesting of JSON arrays and objects that DecodeJSON
// accepts and EncodeJSON produces. It keeps hostile input from exhausting the
// stack while leaving ample room for real contracts: a 16 KB transaction
// cannot carry a contract nested more than a few thousand levels, and a When
// costs three JSON levels per Marlowe level.
const MaxJSONDepth = 10000

// MaxJSONIntegerDigits bounds the decimal digits of a decoded integer after
// any exponent is applied, so that a short literal such as 1e1000000000
// cannot make the decoder allocate gigabytes. Haskell's aeson bounds Integer
// exponents similarly; 10000 digits is far beyond any amount, time or choice
// that fits in a transaction.
const MaxJSONIntegerDigits = 10000

// JSONError is a failure to decode or encode core JSON, located in the JSON
// tree.
type JSONError struct {
	// Path locates the offending value from the root: object keys joined by
	// dots and array indexes in brackets, e.g. "when[2].then". It is empty
	// when the root itself is at fault.
	Path string
	// Msg says what is wrong there.
	Msg string

	// segs collects the path in reverse while the error travels up the
	// recursion, so that a deep error costs O(depth), not O(depth²).
	segs []string
	err  error
}

// Error renders "path: message", or just the message at the root.
func (e *JSONError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Unwrap returns the underlying cause, if any (e.g. a bech32 error).
func (e *JSONError) Unwrap() error { return e.err }

// jsonFail starts an error at the current position; the callers on the way
// up prepend their path segments.
func jsonFail(format string, args ...any) *JSONError {
	return &JSONError{Msg: fmt.Sprintf(format, args...)}
}

// jsonFailErr is jsonFail keeping cause for errors.Is/As.
func jsonFailErr(cause error, format string, args ...any) *JSONError {
	return &JSONError{Msg: fmt.Sprintf(format, args...), err: cause}
}

// jsonPathElide is how many leading and trailing segments a very deep path
// keeps; the middle is summarised so error strings stay readable.
const jsonPathElide = 32

// finish turns the reversed segments into Path.
func (e *JSONError) finish() *JSONError {
	if len(e.segs) == 0 {
		return e
	}
	segs := make([]string, len(e.segs))
	for i, s := range e.segs {
		segs[len(segs)-1-i] = s
	}
	var b strings.Builder
	write := func(s string) {
		if b.Len() > 0 && s[0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	if len(segs) > 2*jsonPathElide {
		for _, s := range segs[:jsonPathElide] {
			write(s)
		}
		write(fmt.Sprintf("…(%d levels)…", len(segs)-2*jsonPathElide))
		for _, s := range segs[len(segs)-jsonPathElide:] {
			write(s)
		}
	} else {
		for _, s := range segs {
			write(s)
		}
	}
	if e.Path != "" {
		write(e.Path)
	}
	e.Path = b.String()
	e.segs = nil
	return e
}

// jsonIndexSeg is the path segment of array element i.
func jsonIndexSeg(i int) string { return "[" + strconv.Itoa(i) + "]" }

// DecodeJSON decodes core JSON into T, which must be one of the core types:
// Contract, Value, Observation, Action, Case, Party, Address, Token, Payee,
// ChoiceID, Bound, Input, InputContent, State, Environment, TimeInterval,
// TransactionInput, Payment, TransactionWarning, TransactionError,
// IntervalError, TransactionOutput, MarloweParams, MarloweData, ValueID,
// CurrencySymbol, *big.Int, or a slice of TransactionInput, Input, Case,
// Bound, Payment or TransactionWarning.
//
// Numbers are decoded exactly (never through float64); numbers with a
// fraction or exponent are accepted only when their value is integral, as
// Haskell's Scientific-based parser does. Object keys may come in any order;
// unknown keys are ignored and a repeated key takes its last value, as in
// aeson. Empty JSON arrays decode to nil slices. Errors are *JSONError
// carrying the path of the offending value.
func DecodeJSON[T any](data []byte, mode JSONMode) (T, error) {
	var out T
	if mode != Strict && mode != Lenient && mode != Template {
		return out, fmt.Errorf("core.DecodeJSON: invalid mode %d", mode)
	}
	run := jsonDecoderFor(&out)
	if run == nil {
		return out, fmt.Errorf("core.DecodeJSON: unsupported type %v", reflect.TypeFor[T]())
	}
	root, err := jsonParse(data)
	if err != nil {
		return out, err
	}
	d := &jsonDecoder{mode: mode}
	run(d, root)
	if d.err != nil {
		var zero T
		return zero, d.err.finish()
	}
	return out, nil
}

// jsonDecoderFor returns the function that decodes into *p, or nil when the
// type is not a core type.
func jsonDecoderFor(p any) func(*jsonDecoder, *jsonNode) {
	switch p := p.(type) {
	case *Contract:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.contract(n) }
	case *Value:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.value(n) }
	case *Observation:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.observation(n) }
	case *Action:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.action(n) }
	case *Case:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.caseOf(n) }
	case *Party:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.party(n) }
	case *Address:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.address(n) }
	case *Token:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.token(n) }
	case *Payee:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.payee(n) }
	case *ChoiceID:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.choiceID(n) }
	case *Bound:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.bound(n) }
	case *Input:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.input(n) }
	case *InputContent:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.inputContent(n) }
	case *State:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.state(n) }
	case *Environment:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.environment(n) }
	case *TimeInterval:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.timeInterval(n) }
	case *TransactionInput:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.transactionInput(n) }
	case *Payment:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.payment(n) }
	case *TransactionWarning:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.warning(n) }
	case *TransactionError:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.transactionError(n) }
	case *IntervalError:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.intervalError(n) }
	case *TransactionOutput:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.transactionOutput(n) }
	case *MarloweParams:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.marloweParams(n) }
	case *MarloweData:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.marloweData(n) }
	case *ValueID:
		return func(d *jsonDecoder, n *jsonNode) { *p = ValueID(d.text(n)) }
	case *CurrencySymbol:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.currencySymbol(n) }
	case **big.Int:
		return func(d *jsonDecoder, n *jsonNode) { *p = d.integer(n) }
	case *[]TransactionInput:
		return func(d *jsonDecoder, n *jsonNode) { *p = jsonList(d, n, (*jsonDecoder).transactionInput) }
	case *[]Input:
		return func(d *jsonDecoder, n *jsonNode) { *p = jsonList(d, n, (*jsonDecoder).input) }
	case *[]Case:
		return func(d *jsonDecoder, n *jsonNode) { *p = jsonList(d, n, (*jsonDecoder).caseOf) }
	case *[]Bound:
		return func(d *jsonDecoder, n *jsonNode) { *p = jsonList(d, n, (*jsonDecoder).bound) }
	case *[]Payment:
		return func(d *jsonDecoder, n *jsonNode) { *p = jsonList(d, n, (*jsonDecoder).payment) }
	case *[]TransactionWarning:
		return func(d *jsonDecoder, n *jsonNode) { *p = jsonList(d, n, (*jsonDecoder).warning) }
	}
	return nil
}

// EncodeJSON encodes a core value as compact core JSON, byte-compatible with
// Haskell's aeson output (object keys sorted, no spaces). It accepts the
// interface types (Contract, Value, Observation, Action, InputContent,
// TransactionWarning, TransactionError, IntervalError) through any of their
// concrete structs, every struct type DecodeJSON accepts, the slices listed
// there, and pointers to any of these.
//
// It fails, with a *JSONError naming the path, on values that have no JSON
// form: nil interfaces or integers, names that are not valid UTF-8 (Haskell
// cannot represent them either), pointer-staked addresses (Marlowe rejects
// them), malformed credentials, and nesting deeper than MaxJSONDepth.
func EncodeJSON(v any) ([]byte, error) {
	e := &jsonEncoder{buf: make([]byte, 0, 256)}
	e.anyValue(v)
	if e.err != nil {
		return nil, e.err.finish()
	}
	return e.buf, nil
}

// jsonMarshal backs the MarshalJSON methods.
func jsonMarshal(v any) ([]byte, error) { return EncodeJSON(v) }

// jsonUnmarshal backs the UnmarshalJSON methods (strict mode: they are used
// for Cardano data such as the reference traces).
func jsonUnmarshal[T any](data []byte, dst *T) error {
	v, err := DecodeJSON[T](data, Strict)
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// MarshalJSON encodes t as core JSON.
func (t Token) MarshalJSON() ([]byte, error) { return jsonMarshal(t) }

// UnmarshalJSON decodes strict core JSON into t.
func (t *Token) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, t) }

// MarshalJSON encodes a as its bech32 text (or its opaque text).
func (a Address) MarshalJSON() ([]byte, error) { return jsonMarshal(a) }

// UnmarshalJSON decodes a strict bech32 party address into a.
func (a *Address) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, a) }

// MarshalJSON encodes p as core JSON.
func (p Party) MarshalJSON() ([]byte, error) { return jsonMarshal(p) }

// UnmarshalJSON decodes strict core JSON into p.
func (p *Party) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, p) }

// MarshalJSON encodes c as core JSON.
func (c ChoiceID) MarshalJSON() ([]byte, error) { return jsonMarshal(c) }

// UnmarshalJSON decodes strict core JSON into c.
func (c *ChoiceID) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, c) }

// MarshalJSON encodes b as core JSON.
func (b Bound) MarshalJSON() ([]byte, error) { return jsonMarshal(b) }

// UnmarshalJSON decodes strict core JSON into b.
func (b *Bound) UnmarshalJSON(data []byte) error { return jsonUnmarshal(data, b) }

// MarshalJSON encodes p as core JSON.
func (p Payee) MarshalJSON() ([]byte, error) { return jsonMarshal(p) }

// UnmarshalJSON decodes strict core JSON into p.
func (p *Payee) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, p) }

// MarshalJSON encodes c as core JSON.
func (c Case) MarshalJSON() ([]byte, error) { return jsonMarshal(c) }

// UnmarshalJSON decodes strict core JSON into c.
func (c *Case) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, c) }

// MarshalJSON encodes i as core JSON.
func (i Input) MarshalJSON() ([]byte, error) { return jsonMarshal(i) }

// UnmarshalJSON decodes strict core JSON into i.
func (i *Input) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, i) }

// MarshalJSON encodes s as core JSON, maps in association-list order.
func (s State) MarshalJSON() ([]byte, error) { return jsonMarshal(s) }

// UnmarshalJSON decodes strict core JSON into s, keeping map order.
func (s *State) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, s) }

// MarshalJSON encodes e as core JSON.
func (e Environment) MarshalJSON() ([]byte, error) { return jsonMarshal(e) }

// UnmarshalJSON decodes strict core JSON into e.
func (e *Environment) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, e) }

// MarshalJSON encodes t as core JSON.
func (t TimeInterval) MarshalJSON() ([]byte, error) { return jsonMarshal(t) }

// UnmarshalJSON decodes strict core JSON into t.
func (t *TimeInterval) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, t) }

// MarshalJSON encodes t as core JSON.
func (t TransactionInput) MarshalJSON() ([]byte, error) { return jsonMarshal(t) }

// UnmarshalJSON decodes strict core JSON into t.
func (t *TransactionInput) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, t) }

// MarshalJSON encodes p as core JSON.
func (p Payment) MarshalJSON() ([]byte, error) { return jsonMarshal(p) }

// UnmarshalJSON decodes strict core JSON into p.
func (p *Payment) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, p) }

// MarshalJSON encodes t as core JSON.
func (t TransactionOutput) MarshalJSON() ([]byte, error) { return jsonMarshal(t) }

// UnmarshalJSON decodes strict core JSON into t.
func (t *TransactionOutput) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, t) }

// MarshalJSON encodes p as core JSON.
func (p MarloweParams) MarshalJSON() ([]byte, error) { return jsonMarshal(p) }

// UnmarshalJSON decodes strict core JSON into p.
func (p *MarloweParams) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, p) }

// MarshalJSON encodes m as core JSON.
func (m MarloweData) MarshalJSON() ([]byte, error) { return jsonMarshal(m) }

// UnmarshalJSON decodes strict core JSON into m.
func (m *MarloweData) UnmarshalJSON(b []byte) error { return jsonUnmarshal(b, m) }
