package load_test

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/load"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
)

// TestGoldenMarloweLoad checks wire-protocol.md §4.6 against the Haskell
// golden file: every one of the 250 Binary lines decodes, in one of the
// golden states, as the message its Show line names, with no bytes left
// over, and re-encodes byte for byte.
func TestGoldenMarloweLoad(t *testing.T) {
	vs, err := golden.ParseFile(shared.Path(t, "protocol", "golden", "MarloweLoad.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 250 {
		t.Fatalf("golden file has %d vectors, want 250", len(vs))
	}
	want := map[string]int{
		"MsgAbort": 1, "MsgComplete": 2, "MsgPushAssert": 22, "MsgPushCase": 93,
		"MsgPushClose": 1, "MsgPushIf": 22, "MsgPushLet": 37, "MsgPushPay": 69,
		"MsgPushWhen": 1, "MsgRequestResume": 1, "MsgResume": 1,
	}
	got, failures := golden.Tally(vs, sessiontest.Machines(load.GoldenMachines()), false)
	for _, f := range failures {
		t.Error(f)
	}
	passed := len(vs) - len(failures)
	if passed != 250 {
		t.Errorf("%d of 250 vectors passed", passed)
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %d vectors passed, want %d", name, got[name], n)
		}
	}
	if len(got) != 11 {
		t.Errorf("%d message kinds covered, want all 11", len(got))
	}
}
