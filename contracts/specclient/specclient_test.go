package specclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// fenced frames requests the way the harness writes them.
func fenced(reqs ...string) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "```\n%s\n```\n", r)
	}
	return b.String()
}

func serve(t *testing.T, input string) []string {
	t.Helper()
	var out bytes.Buffer
	if err := Serve(context.Background(), strings.NewReader(input), &out, Options{}); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	s := strings.TrimSuffix(out.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// jsonEqual compares two JSON documents as values, numbers exactly.
func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	dec := func(s string) any {
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("bad JSON %q: %v", s, err)
		}
		return v
	}
	return fmt.Sprint(dec(got)) == fmt.Sprint(dec(want))
}

func TestServeAnswersEveryRequestInOrder(t *testing.T) {
	tests := []struct {
		name string
		req  string
		want string
	}{
		{"roundtrip value", `{"request":"test-roundtrip-serialization","typeId":"Core.Value","json":{"add":1,"and":2}}`,
			`{"request-response":{"serialization-success":{"add":1,"and":2}}}`},
		{"roundtrip big integer", `{"request":"test-roundtrip-serialization","typeId":"Core.Value","json":123456789012345678901234567890}`,
			`{"request-response":{"serialization-success":123456789012345678901234567890}}`},
		{"roundtrip placeholder address (spec mode)", `{"request":"test-roundtrip-serialization","typeId":"Core.Party","json":{"address":"example address"}}`,
			`{"request-response":{"serialization-success":{"address":"example address"}}}`},
		{"unknown type", `{"request":"test-roundtrip-serialization","typeId":"Core.Nope","json":1}`,
			`{"request-response":{"unknown-type":"Core.Nope"}}`},
		{"unknown request", `{"request":"make-coffee"}`, `"UnknownRequest"`},
		{"not implemented", `{"request":"fix-interval","interval":[1,2],"state":{}}`, `"RequestNotImplemented"`},
		{"division rounds toward zero", `{"request":"eval-value","environment":{"timeInterval":{"from":0,"to":10}},"state":{"accounts":[],"choices":[],"boundValues":[],"minTime":0},"value":{"divide":-7,"by":2}}`,
			`{"request-response":-3}`},
		{"division by zero", `{"request":"eval-value","environment":{"timeInterval":{"from":0,"to":10}},"state":{"accounts":[],"choices":[],"boundValues":[],"minTime":0},"value":{"divide":7,"by":0}}`,
			`{"request-response":0}`},
		{"time interval start", `{"request":"eval-value","environment":{"timeInterval":{"from":5,"to":10}},"state":{"accounts":[],"choices":[],"boundValues":[],"minTime":0},"value":"time_interval_start"}`,
			`{"request-response":5}`},
		{"observation", `{"request":"eval-observation","environment":{"timeInterval":{"from":0,"to":10}},"state":{"accounts":[],"choices":[],"boundValues":[],"minTime":0},"observation":{"value":3,"gt":2}}`,
			`{"request-response":true}`},
		{"compute-transaction useless", `{"request":"compute-transaction","transactionInput":{"tx_interval":{"from":0,"to":10},"tx_inputs":[]},"coreContract":"close","state":{"accounts":[],"choices":[],"boundValues":[],"minTime":0}}`,
			`{"request-response":{"transaction_error":"TEUselessTransaction"}}`},
		{"playtrace interval in past", `{"request":"playtrace","transactionInputs":[{"tx_interval":{"from":0,"to":10}, "tx_inputs":[]}],"coreContract":"close","initialTime":100}`,
			`{"request-response":{"transaction_error":{"error":"TEIntervalError","context":{"intervalInPastError":{"minTime":100,"from":0,"to":10}}}}}`},
	}
	var reqs []string
	for _, tc := range tests {
		reqs = append(reqs, tc.req)
	}
	lines := serve(t, fenced(reqs...))
	if len(lines) != len(tests) {
		t.Fatalf("got %d answers for %d requests:\n%s", len(lines), len(tests), strings.Join(lines, "\n"))
	}
	for i, tc := range tests {
		if !jsonEqual(t, lines[i], tc.want) {
			t.Errorf("%s:\n got  %s\n want %s", tc.name, lines[i], tc.want)
		}
	}
}

func TestMalformedRequestsGetInvalidRequestAndTheStreamGoesOn(t *testing.T) {
	bad := []string{
		`{not json`,
		`[1,2,3]`,
		`{"typeId":"Core.Value"}`,
		`{"request":42}`,
		`{"request":"eval-value","environment":{"timeInterval":{"from":0,"to":10}},"state":{"accounts":[],"choices":[],"boundValues":[],"minTime":0}}`,
		`{"request":"compute-transaction","transactionInput":{"tx_interval":{"from":0,"to":10},"tx_inputs":[]},"coreContract":{"when":[],"timeout":"soon","timeout_continuation":"close"},"state":{"accounts":[],"choices":[],"boundValues":[],"minTime":0}}`,
		`{"request":"playtrace","transactionInputs":[],"coreContract":"close","initialTime":1.5}`,
	}
	good := `{"request":"test-roundtrip-serialization","typeId":"Core.Contract","json":"close"}`
	lines := serve(t, fenced(append(bad, good)...))
	if len(lines) != len(bad)+1 {
		t.Fatalf("got %d answers, want %d", len(lines), len(bad)+1)
	}
	for i := range bad {
		var v map[string]string
		if err := json.Unmarshal([]byte(lines[i]), &v); err != nil || v["invalid-request"] == "" {
			t.Errorf("request %d %q: want invalid-request, got %s", i, bad[i], lines[i])
		}
	}
	if !jsonEqual(t, lines[len(bad)], `{"request-response":{"serialization-success":"close"}}`) {
		t.Errorf("good request after bad ones: %s", lines[len(bad)])
	}
}

func TestSerializationErrorIsAResponseNotAFailure(t *testing.T) {
	got := string(Handle([]byte(`{"request":"test-roundtrip-serialization","typeId":"Core.Contract","json":{"when":[{"case":"bogus","then":"close"}],"timeout":1,"timeout_continuation":"close"}}`)))
	var v struct {
		RR map[string]string `json:"request-response"`
	}
	if err := json.Unmarshal([]byte(got), &v); err != nil || v.RR["serialization-error"] == "" {
		t.Fatalf("want serialization-error, got %s", got)
	}
}

func TestEmptyInputAndUnterminatedRequest(t *testing.T) {
	if lines := serve(t, ""); len(lines) != 0 {
		t.Fatalf("empty input answered: %q", lines)
	}
	// An unterminated request at end of input is not answered; the client
	// still exits cleanly.
	if lines := serve(t, "```\n{\"request\":\"eval-value\"\n"); len(lines) != 0 {
		t.Fatalf("unterminated request answered: %q", lines)
	}
}

func TestSlowRequestIsAnsweredInTime(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	slow := func([]byte) []byte { <-release; return []byte(`"late"`) }
	got := string(answerWithin(context.Background(), []byte(`{}`), 20*time.Millisecond, slow))
	if !strings.Contains(got, "invalid-request") {
		t.Fatalf("slow request: got %s", got)
	}
}

func TestGenerateRandomValueIsValidAndReproducible(t *testing.T) {
	for _, typeID := range []string{"Core.Token", "Core.Party"} {
		seen := map[string]bool{}
		for seed := range 200 {
			req := fmt.Sprintf(`{"request":"generate-random-value","typeId":%q,"seed":%d,"size":%d}`, typeID, seed, seed%30)
			a, b := Handle([]byte(req)), Handle([]byte(req))
			if !bytes.Equal(a, b) {
				t.Fatalf("%s seed %d not reproducible: %s vs %s", typeID, seed, a, b)
			}
			var v struct {
				RR struct {
					Value json.RawMessage `json:"value"`
				} `json:"request-response"`
			}
			if err := json.Unmarshal(a, &v); err != nil || v.RR.Value == nil {
				t.Fatalf("%s seed %d: bad answer %s", typeID, seed, a)
			}
			// Generated values must be valid on Cardano, not just in spec mode.
			var err error
			if typeID == "Core.Token" {
				_, err = core.DecodeJSON[core.Token](v.RR.Value, core.Strict)
			} else {
				_, err = core.DecodeJSON[core.Party](v.RR.Value, core.Strict)
			}
			if err != nil {
				t.Fatalf("%s seed %d: %s does not decode strictly: %v", typeID, seed, v.RR.Value, err)
			}
			seen[string(v.RR.Value)] = true
		}
		if len(seen) < 50 {
			t.Errorf("%s: only %d distinct values from 200 seeds", typeID, len(seen))
		}
	}
	if got := string(Handle([]byte(`{"request":"generate-random-value","typeId":"Core.Contract","seed":1,"size":1}`))); !jsonEqual(t, got, `{"request-response":{"unknown-type":"Core.Contract"}}`) {
		t.Errorf("unknown type: %s", got)
	}
}

func TestRandomNamesFitOnChain(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		if n := randomName(r, 1000); len(n) == 0 || len(n) > 32 {
			t.Fatalf("name length %d", len(n))
		}
	}
}

// TestComputeTransactionReproducesReferencePaths drives real reference traces through
// the client: the first transaction of the first path of every file.
func TestComputeTransactionReproducesReferencePaths(t *testing.T) {
	type tx struct {
		Input  json.RawMessage `json:"input"`
		Output json.RawMessage `json:"output"`
	}
	type path struct {
		Contract     json.RawMessage `json:"contract"`
		Transactions []tx            `json:"transactions"`
	}
	dir := shared.Path(t, "marlowe", "reference-paths")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".paths") {
			continue
		}
		raw, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		var paths []path
		if err := json.Unmarshal(raw, &paths); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		// The reference traces start from an account of 30 ada for the
		// empty role; playtrace starts from an empty state, so only a
		// compute-transaction on the first step can be compared directly.
		p := paths[0]
		var whole []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &whole); err != nil {
			t.Fatal(err)
		}
		req, _ := json.Marshal(map[string]any{
			"request":          "compute-transaction",
			"transactionInput": p.Transactions[0].Input,
			"coreContract":     p.Contract,
			"state":            whole[0]["state"],
		})
		got := Handle(req)
		want, _ := json.Marshal(map[string]json.RawMessage{"request-response": p.Transactions[0].Output})
		if !jsonEqual(t, string(got), string(want)) {
			t.Errorf("%s: first transaction differs:\n got  %s\n want %s", e.Name(), got, want)
		}
		checked++
	}
	if checked != 24 {
		t.Fatalf("checked %d reference files, want 24", checked)
	}
}
