package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"no command", nil, 2, "usage"},
		{"help", []string{"help"}, 0, "spec-client"},
		{"unknown command", []string{"frobnicate"}, 2, ""},
		{"bad log format", []string{"-log-format", "xml", "version"}, 2, ""},
		{"version", []string{"version"}, 0, "marlowe-lite"},
		{"conformance on a directory without material", []string{"conformance", t.TempDir()}, 1, ""},
		{"conformance with two directories", []string{"conformance", "a", "b"}, 2, ""},
	}
	for _, tc := range tests {
		code, out, _ := runCmd(t, "", tc.args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d", tc.name, code, tc.code)
		}
		if !strings.Contains(out, tc.out) {
			t.Errorf("%s: stdout %q lacks %q", tc.name, out, tc.out)
		}
	}
}

// The harness closes stdin when it is done; the client must answer what it
// got and exit 0.
func TestSpecClientExitsCleanlyAtEndOfInput(t *testing.T) {
	in := "```\n{\"request\":\"eval-value\",\"environment\":{\"timeInterval\":{\"from\":0,\"to\":1}},\"state\":{\"accounts\":[],\"choices\":[],\"boundValues\":[],\"minTime\":0},\"value\":{\"add\":40,\"and\":2}}\n```\n" +
		"```\n{garbage\n```\n"
	code, out, errOut := runCmd(t, in, "spec-client")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || lines[0] != `{"request-response":42}` || !strings.Contains(lines[1], "invalid-request") {
		t.Fatalf("answers: %q", lines)
	}
}

func TestConformanceCommandPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every conformance check")
	}
	code, out, errOut := runCmd(t, "", "-log-format", "console", "conformance", shared.Path(t, "marlowe"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "conformance: 906 passed, 0 failed") {
		t.Fatalf("unexpected summary:\n%s", out)
	}
}

func TestGoldenCommand(t *testing.T) {
	dir := shared.Path(t, "protocol", "golden")
	for _, tc := range []struct {
		proto, file string
		code        int
		last        string
	}{
		{"MarloweSync", "MarloweSync.golden", 0, "1240 passed, 0 failed"},
		{"MarloweHeaderSync", "MarloweHeaderSync.golden", 0, "43 passed, 0 failed"},
		{"MarloweBulkSync", "MarloweBulkSync.golden", 0, "1245 passed, 0 failed"},
		{"MarloweLoad", "MarloweLoad.golden", 0, "250 passed, 0 failed"},
		{"MarloweTransfer", "MarloweTransfer.golden", 0, "833 passed, 0 failed"},
		// Another protocol's vectors must fail, one line each.
		{"MarloweSync", "MarloweHeaderSync.golden", 1, "0 passed, 43 failed"},
	} {
		code, out, _ := runCmd(t, "", "golden", "--protocol", tc.proto, dir+"/"+tc.file)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != tc.code || lines[len(lines)-1] != tc.last {
			t.Errorf("golden %s %s: exit %d, last line %q; want %d, %q", tc.proto, tc.file, code, lines[len(lines)-1], tc.code, tc.last)
		}
		if tc.code != 0 && len(lines) != 44 {
			t.Errorf("golden %s %s: %d lines, want one per failure plus the summary", tc.proto, tc.file, len(lines))
		}
	}
	// MarloweQuery has no upstream golden file: the §1.8 transcript's
	// request and done messages, in the golden format.
	q := t.TempDir() + "/q.golden"
	if err := os.WriteFile(q, []byte("Show: MsgRequest Nothing (ReqLeaf ReqStatus)\nBinary: 01000007\nShow: MsgDone Nothing\nBinary: 0000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCmd(t, "", "golden", "--protocol", "MarloweQuery", q); code != 0 || strings.TrimSpace(out) != "2 passed, 0 failed" {
		t.Errorf("MarloweQuery vectors: exit %d, %q", code, out)
	}
	// TxJob has none either: the hand-built examples of wire-protocol.md §4.5.
	j := t.TempDir() + "/j.golden"
	if err := os.WriteFile(j, []byte(`Show: MsgExec (Withdraw MarloweV1 (WalletAddresses "" {} {}) {"61"#1})
Binary: 01030000000100000000000000000000000000000000000000000000000000000000000000010000000000000001610001
Show: MsgAwait Submitting (JobIdSubmit "61")
Binary: 050400000000000000000161
Show: MsgAttach (JobIdSubmit "61")
Binary: 0204000000000000000161
Show: MsgPoll
Binary: 06
`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCmd(t, "", "golden", "--protocol", "TxJob", j); code != 0 || strings.TrimSpace(out) != "4 passed, 0 failed" {
		t.Errorf("TxJob vectors: exit %d, %q", code, out)
	}
	if code, _, _ := runCmd(t, "", "golden", "--protocol", "Nope", dir+"/MarloweSync.golden"); code != 2 {
		t.Errorf("unknown protocol: exit %d, want 2", code)
	}
	if code, _, _ := runCmd(t, "", "golden", "--protocol", "MarloweSync"); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
}
