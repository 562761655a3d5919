package conformance

import (
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// TestAllChecksPassWithExactCounts runs every family over the shared
// material and pins the counts the acceptance names: 493 reference
// transactions, 100 + 100 benchmark datums, 13 scripts, 200 validator runs at
// the reference cost.
func TestAllChecksPassWithExactCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the validators on 200 contexts")
	}
	dir := shared.Path(t, "marlowe")
	want := map[string]int{
		"reference traces": 493,
		"benchmark datums": 200,
		"scripts":          13,
		"validators":       200,
	}
	for _, c := range Checks() {
		r, err := c.Run(dir)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if r.Failed != 0 || r.Passed != want[c.Name] {
			t.Errorf("%s: %d passed, %d failed, want %d passed; failures:\n%s", c.Name, r.Passed, r.Failed, want[c.Name], strings.Join(r.Failures, "\n"))
		}
		t.Logf("%s: %d passed; %s", c.Name, r.Passed, strings.Join(r.Notes, "; "))
	}
}

func TestMissingMaterialIsAnError(t *testing.T) {
	dir := t.TempDir()
	for _, c := range Checks() {
		if _, err := c.Run(dir); err == nil {
			t.Errorf("%s on an empty directory: no error", c.Name)
		}
	}
}

func TestSameJSON(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{`{"a":1,"b":[2,3]}`, `{ "b":[2,3], "a":1 }`, true},
		{`{"a":1}`, `{"a":1.0}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`123456789012345678901234567890`, `123456789012345678901234567890`, true},
		{`123456789012345678901234567890`, `123456789012345678901234567891`, false},
	}
	for _, tc := range tests {
		got, err := SameJSON([]byte(tc.a), []byte(tc.b))
		if err != nil || got != tc.same {
			t.Errorf("SameJSON(%s, %s) = %v, %v; want %v", tc.a, tc.b, got, err, tc.same)
		}
	}
	if _, err := SameJSON([]byte(`{`), []byte(`{}`)); err == nil {
		t.Error("malformed JSON accepted")
	}
}
