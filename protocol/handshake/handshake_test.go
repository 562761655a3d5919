package handshake

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// §1.4, "Exact handshake bytes on port 3700", frame without its 00 status.
const specHandshakePayload = `00 000000000000009c
4d61726c6f776552756e74696d65204d61726c6f776553796e63204d61726c6f776548656164657253796e63
204d61726c6f776542756c6b53796e63205175657279204d61726c6f776553796e6352657175657374204d61
726c6f77654c6f6164204d61726c6f77655472616e73666572204a6f62204d61726c6f77655478436f6d6d61
6e6420517565727920436f6e747261637452657175657374`

// TestMarloweRuntimeSignature checks §1.4: the signature is the 156-byte
// (0x9c) join of the sub-protocol signatures, and MsgHandshake encodes to
// the spec's bytes exactly.
func TestMarloweRuntimeSignature(t *testing.T) {
	if n := len(MarloweRuntimeSignature); n != 156 {
		t.Fatalf("signature is %d bytes, want 156", n)
	}
	want := "MarloweRuntime MarloweSync MarloweHeaderSync MarloweBulkSync Query MarloweSyncRequest MarloweLoad MarloweTransfer Job MarloweTxCommand Query ContractRequest"
	if MarloweRuntimeSignature != want {
		t.Fatalf("signature %q", MarloweRuntimeSignature)
	}
	got, err := session.EncodeMessage(NewMachine(), MsgHandshake{Signature: MarloweRuntimeSignature})
	if err != nil {
		t.Fatal(err)
	}
	if w := unhex(t, specHandshakePayload); !bytes.Equal(got, w) {
		t.Fatalf("MsgHandshake bytes\n got %x\nwant %x", got, w)
	}
	if len(got) > MaxMessageBytes {
		t.Fatalf("legitimate handshake (%d bytes) over MaxMessageBytes", len(got))
	}
}

// TestSubProtocolSignatures checks the §1.4 signature table and the §3
// MsgRun numbering together.
func TestSubProtocolSignatures(t *testing.T) {
	tests := []struct {
		run        byte
		name, sig  string
		msgRunName string
	}{
		{0x00, "MarloweSync", "MarloweSync", "MsgRunMarloweSync"},
		{0x01, "MarloweHeaderSync", "MarloweHeaderSync", "MsgRunMarloweHeaderSync"},
		{0x02, "MarloweQuery", "Query MarloweSyncRequest", "MsgRunMarloweQuery"},
		{0x03, "TxJob", "Job MarloweTxCommand", "MsgRunTxJob"},
		{0x04, "MarloweLoad", "MarloweLoad", "MsgRunMarloweLoad"},
		{0x05, "ContractQuery", "Query ContractRequest", "MsgRunContractQuery"},
		{0x06, "MarloweTransfer", "MarloweTransfer", "MsgRunMarloweTransfer"},
		{0x07, "MarloweBulkSync", "MarloweBulkSync", "MsgRunMarloweBulkSync"},
	}
	if len(tests) != RunCount {
		t.Fatalf("table has %d rows, RunCount %d", len(tests), RunCount)
	}
	for _, tc := range tests {
		name, ok := RunName(tc.run)
		sig, ok2 := RunSignature(tc.run)
		if !ok || !ok2 || name != tc.name || sig != tc.sig {
			t.Errorf("run %02x: name %q sig %q", tc.run, name, sig)
		}
		if n := (MsgRun{Run: tc.run}).MessageName(); n != tc.msgRunName {
			t.Errorf("run %02x: MessageName %q", tc.run, n)
		}
		b, err := session.EncodeMessage(NewRunMachine(), MsgRun{Run: tc.run})
		if err != nil || !bytes.Equal(b, []byte{tc.run}) {
			t.Errorf("run %02x encodes to %x, %v", tc.run, b, err)
		}
		m, err := session.DecodeMessage(NewRunMachine(), []byte{tc.run})
		if err != nil || m != (MsgRun{Run: tc.run}) {
			t.Errorf("run %02x decodes to %v, %v", tc.run, m, err)
		}
	}
	for _, bad := range []byte{0x08, 0x09, 0x7f, 0xff} {
		if _, ok := RunName(bad); ok {
			t.Errorf("RunName(%02x) ok", bad)
		}
		_, err := session.DecodeMessage(NewRunMachine(), []byte{bad})
		if !errors.Is(err, binary.ErrMalformed) || !strings.Contains(err.Error(), "invalid message tag") {
			t.Errorf("MsgRun %02x: %v", bad, err)
		}
		if _, err := session.EncodeMessage(NewRunMachine(), MsgRun{Run: bad}); !errors.Is(err, session.ErrUnexpectedMessage) {
			t.Errorf("MsgRun %02x encoded: %v", bad, err)
		}
	}
	// §3 defines the signature as the join of the sub-protocol ones in
	// the Haskell instance order (which is not the MsgRun order).
	order := []byte{RunMarloweSync, RunMarloweHeaderSync, RunMarloweBulkSync, RunMarloweQuery, RunMarloweLoad, RunMarloweTransfer, RunTxJob, RunContractQuery}
	parts := []string{"MarloweRuntime"}
	for _, r := range order {
		s, _ := RunSignature(r)
		parts = append(parts, s)
	}
	if j := strings.Join(parts, " "); j != MarloweRuntimeSignature {
		t.Fatalf("join %q", j)
	}
}

// TestHandshakeMessages checks the §1.4 message table: bytes, states,
// agency, and refusals.
func TestHandshakeMessages(t *testing.T) {
	tests := []struct {
		name  string
		pre   []session.Message // messages moving the machine into place
		msg   session.Message
		by    session.Agency
		bytes string
		state string
	}{
		{"handshake", nil, MsgHandshake{Signature: "MarloweSync"}, session.Client, "00 000000000000000b 4d61726c6f776553796e63", "StHandshake"},
		{"empty signature", nil, MsgHandshake{}, session.Client, "00 0000000000000000", "StHandshake"},
		{"accept", []session.Message{MsgHandshake{Signature: "x"}}, MsgAccept{}, session.Server, "01", "StLift"},
		{"reject", []session.Message{MsgHandshake{Signature: "x"}}, MsgReject{}, session.Server, "02", "StDone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMachine()
			for _, p := range tc.pre {
				by := session.Client
				if m.Agency() == session.Server {
					by = session.Server
				}
				if err := m.Step(by, p); err != nil {
					t.Fatal(err)
				}
			}
			b, err := session.EncodeMessage(m, tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if w := unhex(t, tc.bytes); !bytes.Equal(b, w) {
				t.Fatalf("got %x want %x", b, w)
			}
			back, err := session.DecodeMessage(m, b)
			if err != nil || back != tc.msg {
				t.Fatalf("decode: %v %v", back, err)
			}
			if err := m.Step(tc.by.Peer(), tc.msg); !errors.Is(err, session.ErrNoAgency) {
				t.Fatalf("wrong side accepted: %v", err)
			}
			if err := m.Step(tc.by, tc.msg); err != nil {
				t.Fatal(err)
			}
			if m.State() != tc.state || m.Agency() != session.Nobody && tc.state != "StHandshake" {
				t.Fatalf("state %s agency %s", m.State(), m.Agency())
			}
		})
	}
	// Refusals: wrong tags per state, messages out of state, truncation.
	m := NewMachine()
	for _, bad := range []string{"01", "02", "ff"} {
		if _, err := session.DecodeMessage(m, unhex(t, bad)); !errors.Is(err, binary.ErrMalformed) {
			t.Errorf("StInit accepted %s: %v", bad, err)
		}
	}
	if _, err := session.DecodeMessage(m, unhex(t, "00 0000000000000005 6162")); !binary.IsShort(err) {
		t.Errorf("truncated signature: %v", err)
	}
	if _, err := session.DecodeMessage(m, unhex(t, "00 0000000000000001 ff")); !errors.Is(err, binary.ErrMalformed) {
		t.Errorf("invalid UTF-8 signature: %v", err)
	}
	if err := m.Step(session.Client, MsgAccept{}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Errorf("accept in StInit: %v", err)
	}
	_ = m.Step(session.Client, MsgHandshake{})
	for _, bad := range []string{"00", "03", "ff"} {
		if _, err := session.DecodeMessage(m, unhex(t, bad)); !errors.Is(err, binary.ErrMalformed) {
			t.Errorf("StHandshake accepted %s: %v", bad, err)
		}
	}
	_ = m.Step(session.Server, MsgAccept{})
	if !m.Accepted() || m.Rejected() {
		t.Fatal("not accepted")
	}
	if _, err := session.DecodeMessage(m, unhex(t, "01")); err == nil {
		t.Error("decoded a message in StLift")
	}
}

// TestShowString checks the Haskell show rendering used in the rejection
// text (GHC.Show.showLitString), against strings whose show is known.
func TestShowString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"MarloweSync", `"MarloweSync"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"tab\there\nnl", `"tab\there\nnl"`},
		{"\x00\x01\x1b\x1f", `"\NUL\SOH\ESC\US"`},
		{"\x0eH", `"\SO\&H"`},
		{"\x0eI", `"\SOI"`},
		{"\x7f", `"\DEL"`},
		{"é", `"\233"`},
		{"é1", `"\233\&1"`},
		{"éa", `"\233a"`},
		{"日本", `"\26085\26412"`},
		{"\a\b\f\r\v", `"\a\b\f\r\v"`},
		{"\xff", `"\65533"`},
	}
	for _, tc := range tests {
		if got := ShowString(tc.in); got != tc.want {
			t.Errorf("ShowString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	want := `user error (Rejecting handshake, "Wrong" /= "MarloweSync")`
	if got := RejectionText("Wrong", "MarloweSync"); got != want {
		t.Fatalf("RejectionText = %s", got)
	}
}

// TestAcceptOfferOverPipe runs both handshake sides over session.Pipe.
func TestAcceptOfferOverPipe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tests := []struct {
		offer    string
		accepted bool
	}{
		{MarloweRuntimeSignature, true},
		{MarloweSyncSignature, false},
		{MarloweRuntimeSignature + " ", false},
		{"", false},
	}
	for _, tc := range tests {
		c, s := session.Pipe(NewMachine(), NewMachine())
		errc := make(chan error, 1)
		go func() { errc <- Accept(ctx, s, MarloweRuntimeSignature) }()
		cerr := Offer(ctx, c, tc.offer)
		serr := <-errc
		if tc.accepted {
			if cerr != nil || serr != nil {
				t.Fatalf("%q: client %v, server %v", tc.offer, cerr, serr)
			}
			if !c.Machine().(*Machine).Accepted() || !s.Machine().(*Machine).Accepted() {
				t.Fatal("machines not in StLift")
			}
			continue
		}
		var rej *RejectedError
		if !errors.Is(cerr, ErrRejected) || !errors.As(serr, &rej) || rej.Got != tc.offer {
			t.Fatalf("%q: client %v, server %v", tc.offer, cerr, serr)
		}
		if want := RejectionText(tc.offer, MarloweRuntimeSignature); !strings.Contains(serr.Error(), want) {
			t.Fatalf("server error %q lacks %q", serr, want)
		}
	}
}

// TestTranscriptSetup replays the connection setup of the §1.8 transcript
// (frames with their 00 status byte): the client's handshake, the
// server's MsgAccept, the client's MsgRunMarloweQuery, each encoded
// exactly and decoded back in turn by the two machines. (The transport
// package replays the same bytes through its frame reader.)
func TestTranscriptSetup(t *testing.T) {
	steps := []struct {
		by    session.Agency
		frame string
		msg   session.Message
	}{
		{session.Client, "00 " + specHandshakePayload, MsgHandshake{Signature: MarloweRuntimeSignature}},
		{session.Server, "00 01", MsgAccept{}},
		{session.Client, "00 02", MsgRun{Run: RunMarloweQuery}},
	}
	client, server := session.Machine(NewMachine()), session.Machine(NewMachine())
	for i, st := range steps {
		if i == 2 { // the handshake lifted: MarloweRuntime takes over
			if client.Agency() != session.Nobody || server.Agency() != session.Nobody {
				t.Fatal("handshake not finished")
			}
			client, server = NewRunMachine(), NewRunMachine()
		}
		sender, receiver := client, server
		if st.by == session.Server {
			sender, receiver = server, client
		}
		b, err := session.EncodeMessage(sender, st.msg)
		if err != nil {
			t.Fatal(err)
		}
		if want := unhex(t, st.frame); !bytes.Equal(append([]byte{0x00}, b...), want) {
			t.Fatalf("step %d: frame %x, want %x", i, append([]byte{0x00}, b...), want)
		}
		got, err := session.DecodeMessage(receiver, b)
		if err != nil || got != st.msg {
			t.Fatalf("step %d: decoded %v, %v", i, got, err)
		}
		if err := sender.Step(st.by, st.msg); err != nil {
			t.Fatal(err)
		}
		if err := receiver.Step(st.by, got); err != nil {
			t.Fatal(err)
		}
	}
	if r, ok := server.(*RunMachine).Selected(); !ok || r != RunMarloweQuery || server.State() != "StMarloweQuery" {
		t.Fatalf("selection %v %v %s", r, ok, server.State())
	}
}
