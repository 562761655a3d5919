// Package specclient is the client side of the Marlowe specification test
// harness (marlowe-spec-test). The harness spawns the client, writes each
// request as one JSON document between two lines of three backticks, and
// reads exactly one line of JSON per request with a 5 s timeout; one request
// that cannot be answered must not stop the others.
//
// Handle is pure (JSON in, JSON out); Serve adds the stdin/stdout framing.
package specclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
)

// Mode is the JSON mode requests are decoded in. The harness is the
// specification's, whose own goldens use placeholder addresses and short
// currency symbols, so the client accepts them (bech32 addresses still decode
// to real Cardano addresses).
const Mode = core.Lenient

// Response wrappers, exactly as the harness parses them.
const (
	unknownRequest        = `"UnknownRequest"`
	requestNotImplemented = `"RequestNotImplemented"`
)

// DefaultTimeout bounds one request. The harness gives up after 5 s; answering
// invalid-request a little earlier keeps the stream in step.
const DefaultTimeout = 4500 * time.Millisecond

func invalidRequest(msg string) []byte {
	b, err := json.Marshal(map[string]string{"invalid-request": msg})
	if err != nil { // a string map always marshals; keep the stream alive regardless
		return []byte(`{"invalid-request":"unencodable error"}`)
	}
	return b
}

func requestResponse(payload any) []byte {
	b, err := json.Marshal(map[string]any{"request-response": payload})
	if err != nil {
		return invalidRequest("encode response: " + err.Error())
	}
	return b
}

// Handle answers one request (a JSON document) with one line of JSON (without
// the trailing newline). It never panics: a panic inside the semantics or a
// codec is reported as invalid-request.
func Handle(req []byte) (resp []byte) {
	defer func() {
		if r := recover(); r != nil {
			resp = invalidRequest(fmt.Sprintf("internal error: %v", r))
		}
	}()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(req, &fields); err != nil {
		return invalidRequest("request is not a JSON object: " + err.Error())
	}
	var kind string
	if raw, ok := fields["request"]; !ok {
		return invalidRequest(`request has no "request" key`)
	} else if err := json.Unmarshal(raw, &kind); err != nil {
		return invalidRequest(`"request" is not a string`)
	}
	h, known := handlerFor(kind)
	if !known {
		return []byte(unknownRequest)
	}
	if h == nil {
		return []byte(requestNotImplemented)
	}
	payload, err := h(fields)
	if err != nil {
		return invalidRequest(err.Error())
	}
	return requestResponse(payload)
}

type handler func(map[string]json.RawMessage) (any, error)

// handlerFor returns the implementation of a request kind. A kind the
// harness defines but whose response has no JSON encoding upstream
// (fix-interval, reduce-contract-until-quiescent) is known with a nil
// handler.
func handlerFor(kind string) (h handler, known bool) {
	switch kind {
	case "test-roundtrip-serialization":
		return roundtripSerialization, true
	case "generate-random-value":
		return generateRandomValue, true
	case "compute-transaction":
		return computeTransaction, true
	case "playtrace":
		return playTrace, true
	case "eval-value":
		return func(f map[string]json.RawMessage) (any, error) { return evalIn(f, "value", semantics.EvalValue) }, true
	case "eval-observation":
		return func(f map[string]json.RawMessage) (any, error) {
			return evalIn(f, "observation", semantics.EvalObservation)
		}, true
	case "fix-interval", "reduce-contract-until-quiescent":
		return nil, true
	}
	return nil, false
}

// field decodes fields[key] as T, naming the key in the error.
func field[T any](fields map[string]json.RawMessage, key string) (T, error) {
	var zero T
	raw, ok := fields[key]
	if !ok {
		return zero, fmt.Errorf("missing key %q", key)
	}
	v, err := core.DecodeJSON[T](raw, Mode)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", key, err)
	}
	return v, nil
}

// integerField decodes an arbitrary-precision JSON integer.
func integerField(fields map[string]json.RawMessage, key string) (*big.Int, error) {
	raw, ok := fields[key]
	if !ok {
		return nil, fmt.Errorf("missing key %q", key)
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, fmt.Errorf("%s: not a number", key)
	}
	v, ok := new(big.Int).SetString(n.String(), 10)
	if !ok {
		return nil, fmt.Errorf("%s: not an integer: %s", key, n)
	}
	return v, nil
}

func encoded(v any) (json.RawMessage, error) {
	b, err := core.EncodeJSON(v)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(b), nil
}

func computeTransaction(f map[string]json.RawMessage) (any, error) {
	tx, err := field[core.TransactionInput](f, "transactionInput")
	if err != nil {
		return nil, err
	}
	st, err := field[core.State](f, "state")
	if err != nil {
		return nil, err
	}
	c, err := field[core.Contract](f, "coreContract")
	if err != nil {
		return nil, err
	}
	return encoded(semantics.ComputeTransaction(tx, st, c))
}

func playTrace(f map[string]json.RawMessage) (any, error) {
	txs, err := field[[]core.TransactionInput](f, "transactionInputs")
	if err != nil {
		return nil, err
	}
	c, err := field[core.Contract](f, "coreContract")
	if err != nil {
		return nil, err
	}
	t0, err := integerField(f, "initialTime")
	if err != nil {
		return nil, err
	}
	return encoded(semantics.PlayTrace(t0, c, txs))
}

// evalIn reads the request's environment and state and the expression
// under key, and evaluates it. A big.Int result marshals as a bare JSON
// number of any size.
func evalIn[T, R any](f map[string]json.RawMessage, key string, eval func(core.Environment, core.State, T) R) (any, error) {
	env, err := field[core.Environment](f, "environment")
	if err != nil {
		return nil, err
	}
	st, err := field[core.State](f, "state")
	if err != nil {
		return nil, err
	}
	x, err := field[T](f, key)
	if err != nil {
		return nil, err
	}
	return eval(env, st, x), nil
}

// roundtripperFor decodes and re-encodes one type id (conformance.md §1).
func roundtripperFor(typeID string) func([]byte) (json.RawMessage, error) {
	switch typeID {
	case "Core.Action":
		return roundtrip[core.Action]
	case "Core.Bound":
		return roundtrip[core.Bound]
	case "Core.Case":
		return roundtrip[core.Case]
	case "Core.ChoiceId":
		return roundtrip[core.ChoiceID]
	case "Core.Contract":
		return roundtrip[core.Contract]
	case "Core.Token":
		return roundtrip[core.Token]
	case "Core.Payee":
		return roundtrip[core.Payee]
	case "Core.Input":
		return roundtrip[core.Input]
	case "Core.Observation":
		return roundtrip[core.Observation]
	case "Core.Value":
		return roundtrip[core.Value]
	case "Core.Payment":
		return roundtrip[core.Payment]
	case "Core.Party":
		return roundtrip[core.Party]
	case "Core.State":
		return roundtrip[core.State]
	case "Core.TransactionError":
		return roundtrip[core.TransactionError]
	case "Core.TransactionOutput":
		return roundtrip[core.TransactionOutput]
	case "Core.TransactionWarning":
		return roundtrip[core.TransactionWarning]
	case "Core.IntervalError":
		return roundtrip[core.IntervalError]
	case "Core.Transaction":
		return roundtrip[core.TransactionInput]
	}
	return nil
}

func roundtrip[T any](raw []byte) (json.RawMessage, error) {
	v, err := core.DecodeJSON[T](raw, Mode)
	if err != nil {
		return nil, err
	}
	return encoded(v)
}

func roundtripSerialization(f map[string]json.RawMessage) (any, error) {
	var typeID string
	if err := json.Unmarshal(f["typeId"], &typeID); err != nil {
		return nil, errors.New(`"typeId" is missing or not a string`)
	}
	raw, ok := f["json"]
	if !ok {
		return nil, errors.New(`missing key "json"`)
	}
	rt := roundtripperFor(typeID)
	if rt == nil {
		return map[string]string{"unknown-type": typeID}, nil
	}
	out, err := rt(raw)
	if err != nil {
		return map[string]string{"serialization-error": err.Error()}, nil
	}
	return map[string]json.RawMessage{"serialization-success": out}, nil
}
