package transfer_test

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/transfer"
)

// TestGoldenMarloweTransfer checks wire-protocol.md §4.8 and §5.8 against
// the Haskell golden file: every one of the 833 Binary lines decodes, in one
// of the six non-terminal states, as the message its Show line names, with
// no bytes left over, and re-encodes byte for byte.
func TestGoldenMarloweTransfer(t *testing.T) {
	vs, err := golden.ParseFile(shared.Path(t, "protocol", "golden", "MarloweTransfer.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 833 {
		t.Fatalf("golden file has %d vectors, want 833", len(vs))
	}
	want := map[string]int{
		"MsgCancel": 1, "MsgContractNotFound": 1, "MsgDone": 1, "MsgDownload": 1,
		"MsgDownloaded": 401, "MsgExported": 1, "MsgImported": 1, "MsgRequestExport": 2,
		"MsgStartExport": 1, "MsgStartImport": 1, "MsgUpload": 401, "MsgUploadFailed": 17,
		"MsgUploaded": 4,
	}
	got, failures := golden.Tally(vs, sessiontest.Machines(transfer.GoldenMachines()), false)
	for _, f := range failures {
		t.Error(f)
	}
	passed := len(vs) - len(failures)
	if passed != 833 {
		t.Errorf("%d of 833 vectors passed", passed)
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %d vectors passed, want %d", name, got[name], n)
		}
	}
	if len(got) != 13 {
		t.Errorf("%d message kinds covered, want all 13", len(got))
	}
}
