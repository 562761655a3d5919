package core_test

import (
	"encoding/json"
	"math/big"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

func swapTemplate(t *testing.T) core.Contract {
	t.Helper()
	raw, err := os.ReadFile(shared.Path(t, "marlowe", "json-samples", "swap-contract.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.DecodeJSON[core.Contract](raw, core.Template)
	if err != nil {
		t.Fatalf("decode template: %v", err)
	}
	return c
}

func TestTemplateParametersOfSwap(t *testing.T) {
	consts, times := core.TemplateParameters(swapTemplate(t))
	if want := []string{"Amount of Ada", "Amount of dollars"}; !reflect.DeepEqual(consts, want) {
		t.Errorf("constants %q, want %q", consts, want)
	}
	if want := []string{"Timeout for Ada deposit", "Timeout for dollar deposit"}; !reflect.DeepEqual(times, want) {
		t.Errorf("times %q, want %q", times, want)
	}
}

func TestFillTemplate(t *testing.T) {
	tmpl := swapTemplate(t)
	before, err := core.EncodeJSON(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	p := core.TemplateParams{
		Constants: map[string]*big.Int{"Amount of Ada": big.NewInt(294), "Amount of dollars": big.NewInt(100_000_000)},
		Times:     map[string]*big.Int{"Timeout for Ada deposit": big.NewInt(1679669100000), "Timeout for dollar deposit": big.NewInt(1679673000000)},
	}
	c, err := core.FillTemplate(tmpl, p)
	if err != nil {
		t.Fatal(err)
	}
	out, err := core.EncodeJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	// A filled template is core Marlowe: strict JSON and Plutus Data.
	if _, err := core.DecodeJSON[core.Contract](out, core.Strict); err != nil {
		t.Fatalf("filled template is not core JSON: %v\n%s", err, out)
	}
	if _, err := core.EncodeData(c); err != nil {
		t.Fatalf("filled template has no Plutus Data form: %v", err)
	}
	for _, want := range []string{`"timeout":1679669100000`, `"timeout":1679673000000`, `"times":294`, `"pay":100000000`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("filled contract lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "_param") {
		t.Errorf("parameters left in the filled contract:\n%s", out)
	}
	// The template itself is unchanged.
	after, _ := core.EncodeJSON(tmpl)
	if string(before) != string(after) {
		t.Error("FillTemplate modified its input")
	}
}

func TestFillTemplateMissingParameter(t *testing.T) {
	_, err := core.FillTemplate(swapTemplate(t), core.TemplateParams{
		Constants: map[string]*big.Int{"Amount of Ada": big.NewInt(1), "Amount of dollars": big.NewInt(1)},
		Times:     map[string]*big.Int{"Timeout for Ada deposit": big.NewInt(1)},
	})
	if err == nil || !strings.Contains(err.Error(), `time parameter "Timeout for dollar deposit" has no value`) {
		t.Fatalf("got %v", err)
	}
}

func TestTemplateParametersHaveNoOnChainForm(t *testing.T) {
	if _, err := core.EncodeData(swapTemplate(t)); err == nil {
		t.Fatal("a template encoded to Plutus Data")
	}
	v := core.AddValue{L: core.ConstantParam{Name: "x"}, R: core.Constant{N: big.NewInt(1)}}
	if _, err := core.EncodeData(v); err == nil {
		t.Fatal("a constant parameter encoded to Plutus Data")
	}
}

func TestTemplateModeOnlyAcceptsParametersWhereExtendedMarloweDoes(t *testing.T) {
	bad := []string{
		`{"when":[],"timeout":{"constant_param":"t"},"timeout_continuation":"close"}`,
		`{"when":[],"timeout":{"time_param":7},"timeout_continuation":"close"}`,
		`{"let":"x","be":{"time_param":"t"},"then":"close"}`,
	}
	for _, b := range bad {
		if _, err := core.DecodeJSON[core.Contract]([]byte(b), core.Template); err == nil {
			t.Errorf("accepted %s", b)
		}
	}
	good := `{"let":"x","be":{"constant_param":"c"},"then":{"when":[],"timeout":{"time_param":"t"},"timeout_continuation":"close"}}`
	c, err := core.DecodeJSON[core.Contract]([]byte(good), core.Template)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := core.EncodeJSON(c)
	var a, b any
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(good), &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("round trip: %s", out)
	}
}
