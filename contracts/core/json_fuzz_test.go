package core_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// fuzzDecodeAs checks, for one target type, that a successful decode
// re-encodes, that the encoding decodes again, and that the second encoding
// equals the first (the encoder's output is a fixed point).
func fuzzDecodeAs[T any](t *testing.T, data []byte, mode core.JSONMode) {
	v, err := core.DecodeJSON[T](data, mode)
	if err != nil {
		return
	}
	if !json.Valid(data) {
		t.Fatalf("%T (%v): accepted input that encoding/json rejects: %q", v, mode, data)
	}
	enc, err := core.EncodeJSON(v)
	if err != nil {
		t.Fatalf("%T (%v): decoded but cannot encode: %v\ninput %q", v, mode, err, data)
	}
	v2, err := core.DecodeJSON[T](enc, mode)
	if err != nil {
		t.Fatalf("%T (%v): own encoding does not decode: %v\ninput    %q\nencoding %q", v, mode, err, data, enc)
	}
	enc2, err := core.EncodeJSON(v2)
	if err != nil {
		t.Fatalf("%T (%v): re-encoding failed: %v", v, mode, err)
	}
	if !bytes.Equal(enc, enc2) {
		t.Fatalf("%T (%v): encoding is not stable\ninput %q\nfirst  %q\nsecond %q", v, mode, data, enc, enc2)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	var seeds int
	for _, dir := range []struct{ path, suffix string }{
		{filepath.Join("marlowe", "json-samples"), ".json"},
		{filepath.Join("marlowe", "isabelle-golden-json"), ".json"},
		{filepath.Join("marlowe", "reference-paths"), ".contract"},
	} {
		for _, data := range readDir(f, shared.Path(f, dir.path), dir.suffix) {
			f.Add(data)
			seeds++
		}
	}
	if seeds != 88 {
		f.Fatalf("want 88 seed files, found %d", seeds)
	}
	// The first path of a small trace covers State, TransactionInput and
	// TransactionOutput.
	trace, err := os.ReadFile(shared.Path(f, "marlowe", "reference-paths", "zero-coupon-bond.paths"))
	if err != nil {
		f.Fatal(err)
	}
	var paths []struct {
		State        json.RawMessage `json:"state"`
		Transactions []struct {
			Input  json.RawMessage `json:"input"`
			Output json.RawMessage `json:"output"`
		} `json:"transactions"`
	}
	if err := json.Unmarshal(trace, &paths); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(paths[0].State))
	for _, tx := range paths[0].Transactions {
		f.Add([]byte(tx.Input))
		f.Add([]byte(tx.Output))
	}
	for _, s := range []string{
		`1e3`, `-0`, `12.50e1`, `{"negate":1e1000000000}`,
		`{"intervalInPastError":[30,10,20]}`,
		`{"continuation_hash":"` + strings.Repeat("00", 32) + `","merkleized_continuation":"close"}`,
		`{"role_token":"\ud83d\ude00\u0000"}`,
		strings.Repeat(`{"not":`, 50) + "true" + strings.Repeat("}", 50),
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(fuzzAllTypes)
}

// fuzzAllTypes runs the round-trip property for every decodable type in
// every mode.
func fuzzAllTypes(t *testing.T, data []byte) {
	for _, mode := range []core.JSONMode{core.Strict, core.Lenient, core.Template} {
		fuzzDecodeAs[core.Contract](t, data, mode)
		fuzzDecodeAs[core.Value](t, data, mode)
		fuzzDecodeAs[core.Observation](t, data, mode)
		fuzzDecodeAs[core.Action](t, data, mode)
		fuzzDecodeAs[core.Case](t, data, mode)
		fuzzDecodeAs[core.Party](t, data, mode)
		fuzzDecodeAs[core.Token](t, data, mode)
		fuzzDecodeAs[core.Payee](t, data, mode)
		fuzzDecodeAs[core.ChoiceID](t, data, mode)
		fuzzDecodeAs[core.Bound](t, data, mode)
		fuzzDecodeAs[core.Input](t, data, mode)
		fuzzDecodeAs[[]core.Input](t, data, mode)
		fuzzDecodeAs[core.InputContent](t, data, mode)
		fuzzDecodeAs[core.State](t, data, mode)
		fuzzDecodeAs[core.Environment](t, data, mode)
		fuzzDecodeAs[core.TransactionInput](t, data, mode)
		fuzzDecodeAs[[]core.TransactionInput](t, data, mode)
		fuzzDecodeAs[core.Payment](t, data, mode)
		fuzzDecodeAs[core.TransactionWarning](t, data, mode)
		fuzzDecodeAs[core.TransactionError](t, data, mode)
		fuzzDecodeAs[core.IntervalError](t, data, mode)
		fuzzDecodeAs[core.TransactionOutput](t, data, mode)
		fuzzDecodeAs[core.MarloweData](t, data, mode)
	}
}
