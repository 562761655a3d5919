package txjob_test

import (
	"math/big"
	"reflect"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/safety"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
)

// TestFromSafetyEveryConstructor maps one value of each of the 22
// constructors, in the Haskell order, and checks that the wire value has
// the same name, carries the same fields, and encodes with the
// constructor's tag and round-trips.
func TestFromSafetyEveryConstructor(t *testing.T) {
	role := core.RolePartyOf("r")
	tok := core.Token{Currency: core.CurrencySymbol("0123456789012345678901234567"), Name: "t"}
	tx := safety.Transaction{
		State:    core.EmptyState(big.NewInt(5)),
		Contract: core.Close{},
		Input:    core.TransactionInput{Interval: core.TimeInterval{From: big.NewInt(1), To: big.NewInt(2)}},
		Output: core.TransactionOutput{
			State:    core.EmptyState(big.NewInt(5)),
			Contract: core.Close{},
		},
	}
	addr := core.Address{Payment: core.Credential{Hash: "short"}}
	cases := []safety.Error{
		safety.MissingRolesCurrency{},
		safety.ContractHasNoRoles{},
		safety.MissingRoleToken{Role: "a"},
		safety.ExtraRoleToken{Role: "b"},
		safety.RoleNameTooLong{Role: "c"},
		safety.InvalidCurrencySymbol{Currency: "x"},
		safety.TokenNameTooLong{Name: "n"},
		safety.InvalidToken{Token: core.Token{Name: "ada?"}},
		safety.NonPositiveBalance{Account: role, Token: tok},
		safety.DuplicateAccount{Account: role, Token: tok},
		safety.DuplicateChoice{Choice: core.ChoiceID{Name: "c", Owner: role}},
		safety.DuplicateBoundValue{ValueID: "v"},
		safety.MaximumValueMayExceedProtocol{Bytes: big.NewInt(6000)},
		safety.TransactionSizeMayExceedProtocol{Tx: tx, Bytes: big.NewInt(17000)},
		safety.TransactionCostMayExceedProtocol{Tx: tx, Cost: safety.ExBudget{CPU: 7, Memory: 8}},
		safety.TransactionValidationError{Tx: tx, Message: "no"},
		safety.TransactionWarning{Tx: tx, Warning: core.AssertionFailed{}},
		safety.MissingContinuation{Hash: []byte{1, 2, 3}},
		safety.InconsistentNetworks{},
		safety.WrongNetwork{},
		safety.IllegalAddress{Address: addr},
		safety.SafetyAnalysisTimeout{},
	}
	if len(cases) != 22 {
		t.Fatalf("%d cases, want 22", len(cases))
	}
	for i, c := range cases {
		w, err := txjob.FromSafety(c)
		if err != nil {
			t.Fatalf("%T: %v", c, err)
		}
		sv, wv := reflect.ValueOf(c), reflect.ValueOf(w)
		if sv.Type().Name() != wv.Type().Name() {
			t.Errorf("%T maps to %T", c, w)
		}
		if sv.NumField() != wv.NumField() {
			t.Errorf("%T: %d fields, wire %d", c, sv.NumField(), wv.NumField())
			continue
		}
		for f := 0; f < sv.NumField(); f++ {
			name := sv.Type().Field(f).Name
			if wv.Type().Field(f).Name != name {
				t.Errorf("%T field %d: %s vs %s", c, f, name, wv.Type().Field(f).Name)
			}
			sf, wf := sv.Field(f).Interface(), wv.Field(f).Interface()
			if name == "Tx" || name == "Cost" {
				// Different Go types with identical fields.
				if !reflect.DeepEqual(fieldsOf(sf), fieldsOf(wf)) {
					t.Errorf("%T.%s differs: %+v vs %+v", c, name, sf, wf)
				}
				continue
			}
			if !reflect.DeepEqual(sf, wf) {
				t.Errorf("%T.%s differs: %+v vs %+v", c, name, sf, wf)
			}
		}
		e := binary.NewEncoder(nil)
		txjob.EncodeSafetyError(e, w)
		if err := e.Err(); err != nil {
			t.Fatalf("%T: encode: %v", c, err)
		}
		b := e.Bytes()
		if len(b) == 0 || int(b[0]) != i {
			t.Errorf("%T: tag %v, want %d", c, b[:min(1, len(b))], i)
		}
		back, err := txjob.DecodeSafetyError(binary.NewDecoder(b))
		if err != nil {
			t.Fatalf("%T: decode: %v", c, err)
		}
		if reflect.TypeOf(back) != reflect.TypeOf(w) {
			t.Errorf("%T: decoded as %T", c, back)
		}
	}
	all, err := txjob.FromSafetyAll(cases)
	if err != nil || len(all) != len(cases) {
		t.Fatalf("FromSafetyAll: %d, %v", len(all), err)
	}
}

// fieldsOf lists a struct's field values, to compare structs of different
// types field by field.
func fieldsOf(v any) []any {
	rv := reflect.ValueOf(v)
	out := make([]any, rv.NumField())
	for i := range out {
		out[i] = rv.Field(i).Interface()
	}
	return out
}

func TestFromSafetyUnknown(t *testing.T) {
	if _, err := txjob.FromSafety(nil); err == nil {
		t.Fatal("nil finding mapped")
	}
	if _, err := txjob.FromSafetyAll([]safety.Error{safety.WrongNetwork{}, nil}); err == nil {
		t.Fatal("list with nil finding mapped")
	}
}
