package transport

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	tt "github.com/marlowe-lite/marlowe-lite/protocol/transport/transporttest"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestFrameBytes checks §1.3: a success frame is 00 + the message, a
// failure frame is 01 + Text (i64 byte length + UTF-8).
func TestFrameBytes(t *testing.T) {
	tests := []struct {
		name string
		got  func() ([]byte, error)
		want string
	}{
		{"ping", func() ([]byte, error) {
			return AppendFrame(nil, tt.NewMachine(false), tt.Ping{N: 7, Payload: []byte("ab")})
		},
			"00 00 07 0000000000000002 6162"},
		{"accept", func() ([]byte, error) {
			m := handshake.NewMachine()
			_ = m.Step(session.Client, handshake.MsgHandshake{})
			return AppendFrame(nil, m, handshake.MsgAccept{})
		}, "00 01"},
		{"reject", func() ([]byte, error) {
			m := handshake.NewMachine()
			_ = m.Step(session.Client, handshake.MsgHandshake{})
			return AppendFrame(nil, m, handshake.MsgReject{})
		}, "00 02"},
		{"run query", func() ([]byte, error) {
			return AppendFrame(nil, handshake.NewRunMachine(), handshake.MsgRun{Run: handshake.RunMarloweQuery})
		}, "00 02"},
		{"failure", func() ([]byte, error) { return AppendFailure(nil, "boom"), nil }, "01 0000000000000004 626f6f6d"},
		{"failure utf8", func() ([]byte, error) { return AppendFailure(nil, "é"), nil }, "01 0000000000000002 c3a9"},
		{"failure invalid utf8", func() ([]byte, error) { return AppendFailure(nil, "a\xffb"), nil }, "01 0000000000000005 61 efbfbd 62"},
		{"appends", func() ([]byte, error) { return AppendFailure([]byte{9}, ""), nil }, "09 01 0000000000000000"},
	}
	for _, tc := range tests {
		got, err := tc.got()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if w := unhex(t, tc.want); !bytes.Equal(got, w) {
			t.Errorf("%s: got %x want %x", tc.name, got, w)
		}
	}
	if _, err := AppendFrame(nil, tt.NewMachine(false), tt.Pong{}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Errorf("Pong in StIdle encoded: %v", err)
	}
	long := AppendFailure(nil, strings.Repeat("é", MaxFailureTextBytes))
	if n := len(long) - 9; n > MaxFailureTextBytes || n < MaxFailureTextBytes-1 {
		t.Errorf("long failure text kept %d bytes", n)
	}
	text, err := binary.Decode(long[1:], (*binary.Decoder).Text)
	if err != nil || !strings.HasPrefix(text, "éé") {
		t.Errorf("cut failure text is not valid Text: %v", err)
	}
}

// TestFrameReader checks the receive side of §1.3: statuses, end of
// stream at and inside a frame, surplus bytes carried over, and frames
// arriving a byte at a time.
func TestFrameReader(t *testing.T) {
	ping := unhex(t, "00 00 07 0000000000000002 6162")
	tests := []struct {
		name    string
		stream  []byte
		oneByte bool
		want    []session.Message // Pong replies are not read: only pings
		err     func(error) bool
	}{
		{"one frame then EOF", ping, false, []session.Message{tt.Ping{N: 7, Payload: []byte("ab")}},
			func(err error) bool { return errors.Is(err, ErrPeerClosed) && errors.Is(err, io.EOF) }},
		{"byte at a time", append(append([]byte{}, ping...), ping...), true,
			[]session.Message{tt.Ping{N: 7, Payload: []byte("ab")}, tt.Ping{N: 7, Payload: []byte("ab")}},
			func(err error) bool { return errors.Is(err, ErrPeerClosed) }},
		{"truncated", ping[:len(ping)-1], false, nil,
			func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"failure frame", unhex(t, "01 0000000000000003 626164"), false, nil,
			func(err error) bool {
				var pf *PeerFailure
				return errors.As(err, &pf) && pf.Text == "bad"
			}},
		{"bad status", unhex(t, "02 00"), false, nil,
			func(err error) bool { return errors.Is(err, ErrBadStatus) && errors.Is(err, binary.ErrMalformed) }},
		{"unknown tag", unhex(t, "00 05"), false, nil,
			func(err error) bool { return errors.Is(err, binary.ErrMalformed) }},
		{"failure text not UTF-8", unhex(t, "01 0000000000000001 ff"), false, nil,
			func(err error) bool { return errors.Is(err, binary.ErrMalformed) }},
		{"empty stream", nil, false, nil, func(err error) bool { return errors.Is(err, ErrPeerClosed) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r io.Reader = bytes.NewReader(tc.stream)
			if tc.oneByte {
				r = iotest.OneByteReader(r)
			}
			fr := NewFrameReader(r, 1024)
			for i, w := range tc.want {
				m := tt.NewMachine(false)
				got, err := fr.Next(m, 0)
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				if gp, ok := got.(tt.Ping); !ok || gp.N != w.(tt.Ping).N || !bytes.Equal(gp.Payload, w.(tt.Ping).Payload) {
					t.Fatalf("frame %d: %#v", i, got)
				}
			}
			_, err := fr.Next(tt.NewMachine(false), 0)
			if !tc.err(err) {
				t.Fatalf("final error: %v", err)
			}
		})
	}
}

// TestTranscript checks the §1.8 transcript: the client's bytes up to and
// including MsgRunMarloweQuery decode through the Handshake and
// MarloweRuntime machines, the server's reply is exactly 00 01, and the
// sub-protocol's frames (the status query) are left over, untouched, for
// the sub-protocol's machine: nothing is consumed across the layer switch.
func TestTranscript(t *testing.T) {
	hs := "00 " + specHandshakePayload
	client := unhex(t, hs+" 00 02  00 01 00 00 07  00 00 00")
	fr := NewFrameReader(bytes.NewReader(client), 1<<20)
	m := handshake.NewMachine()
	msg, err := fr.Next(m, handshake.MaxMessageBytes)
	if err != nil {
		t.Fatal(err)
	}
	if msg != (handshake.MsgHandshake{Signature: handshake.MarloweRuntimeSignature}) {
		t.Fatalf("handshake %#v", msg)
	}
	if err := m.Step(session.Client, msg); err != nil {
		t.Fatal(err)
	}
	reply, err := AppendFrame(nil, m, handshake.MsgAccept{})
	if err != nil || !bytes.Equal(reply, []byte{0x00, 0x01}) {
		t.Fatalf("accept frame %x, %v", reply, err)
	}
	rm := handshake.NewRunMachine()
	msg, err = fr.Next(rm, 1)
	if err != nil || msg != (handshake.MsgRun{Run: handshake.RunMarloweQuery}) || msg.MessageName() != "MsgRunMarloweQuery" {
		t.Fatalf("MsgRun: %v %v", msg, err)
	}
	if got := fr.Buffered(); got != 8 {
		t.Fatalf("%d bytes left for the query session, want 8 (00 01 00 00 07 00 00 00)", got)
	}
}

// §1.4's handshake payload (see the handshake package's test).
const specHandshakePayload = `00 000000000000009c
4d61726c6f776552756e74696d65204d61726c6f776553796e63204d61726c6f776548656164657253796e63
204d61726c6f776542756c6b53796e63205175657279204d61726c6f776553796e6352657175657374204d61
726c6f77654c6f6164204d61726c6f77655472616e73666572204a6f62204d61726c6f77655478436f6d6d61
6e6420517565727920436f6e747261637452657175657374`

// failingReader fails the test if read: the frame reader must decide from
// what it already has.
type failingReader struct{ t *testing.T }

func (f failingReader) Read([]byte) (int, error) {
	f.t.Error("read past the announced length prefix")
	return 0, io.ErrClosedPipe
}

// TestOversizedLength checks that a length prefix beyond the limit is
// refused as soon as it is read, without reading on, and that a claim
// within the limit makes room only as the bytes actually arrive.
func TestOversizedLength(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		frame string
	}{
		{"2^40 payload", 1 << 20, "00 00 07 0000010000000000"},
		{"max int64 payload", 1 << 20, "00 00 07 7fffffffffffffff"},
		{"failure text", 1000, "01 00000000000003e8"},
		{"handshake phase", handshake.MaxMessageBytes, "00 00 0000000000001000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := unhex(t, tc.frame)
			fr := NewFrameReader(io.MultiReader(bytes.NewReader(b), failingReader{t}), tc.limit)
			var m session.Machine = tt.NewMachine(false)
			if tc.name == "handshake phase" {
				m = handshake.NewMachine()
			}
			_, err := fr.Next(m, 0)
			if !errors.Is(err, ErrMessageTooLarge) || !errors.Is(err, binary.ErrMalformed) {
				t.Fatalf("got %v", err)
			}
		})
	}
	// A message of exactly the limit (tag, N, length: 10 bytes, then 990)
	// is waited for; one byte more is refused.
	fr := NewFrameReader(bytes.NewReader(unhex(t, "00 00 07 00000000000003de")), 1000)
	if _, err := fr.Next(tt.NewMachine(false), 0); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("limit-sized message refused: %v", err)
	}
	full, _ := AppendFrame(nil, tt.NewMachine(false), tt.Ping{N: 7, Payload: make([]byte, 990)})
	if _, err := NewFrameReader(bytes.NewReader(full), 1000).Next(tt.NewMachine(false), 0); err != nil {
		t.Fatalf("limit-sized message: %v", err)
	}
	fr = NewFrameReader(io.MultiReader(bytes.NewReader(unhex(t, "00 00 07 00000000000003df")), failingReader{t}), 1000)
	if _, err := fr.Next(tt.NewMachine(false), 0); !errors.Is(err, ErrMessageTooLarge) {
		t.Fatalf("limit+1: %v", err)
	}
	// The per-call limit lowers the reader's own.
	fr = NewFrameReader(io.MultiReader(bytes.NewReader(unhex(t, "00 00 07 0000000000000100")), failingReader{t}), 1<<20)
	if _, err := fr.Next(tt.NewMachine(false), 100); !errors.Is(err, ErrMessageTooLarge) {
		t.Fatalf("per-call limit: %v", err)
	}
}

// TestClaimDoesNotAllocate: a length prefix just under an 8 MiB limit,
// followed by 40 KiB (enough to make the reader grow its buffer) and the
// end of the stream, must not make the reader reserve the 8 MiB it
// announces.
func TestClaimDoesNotAllocate(t *testing.T) {
	const limit = 8 << 20
	claim := unhex(t, "00 00 07 00000000007ffff0")
	stream := append(claim, make([]byte, 40<<10)...)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const rounds = 20
	for range rounds {
		fr := NewFrameReader(&chunkReader{b: stream, n: 4096}, limit)
		if _, err := fr.Next(tt.NewMachine(false), 0); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("got %v", err)
		}
	}
	runtime.ReadMemStats(&after)
	perRound := (after.TotalAlloc - before.TotalAlloc) / rounds
	t.Logf("allocated %d bytes per hostile claim of %d bytes", perRound, limit)
	if perRound > 256<<10 {
		t.Fatalf("allocated %d bytes per claim; room must follow the data, not the claim", perRound)
	}
}

// TestLargeFrameInSmallChunks: a 3 MiB message trickling in 1,000-byte
// reads is decoded exactly, with the buffer growing as data arrives.
func TestLargeFrameInSmallChunks(t *testing.T) {
	payload := bytes.Repeat([]byte("marlowe!"), 3<<17)
	frame, err := AppendFrame(nil, tt.NewMachine(false), tt.Ping{N: 1, Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	frame = append(frame, frame...)
	fr := NewFrameReader(&chunkReader{b: frame, n: 1000}, 4<<20)
	for i := range 2 {
		msg, err := fr.Next(tt.NewMachine(false), 0)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if p := msg.(tt.Ping); !bytes.Equal(p.Payload, payload) {
			t.Fatalf("frame %d payload differs", i)
		}
	}
	if _, err := fr.Next(tt.NewMachine(false), 0); !errors.Is(err, ErrPeerClosed) {
		t.Fatal(err)
	}
}

type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[n:]
	return n, nil
}
