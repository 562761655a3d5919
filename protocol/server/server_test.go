package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transport"
	tt "github.com/marlowe-lite/marlowe-lite/protocol/transport/transporttest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestNewValidates(t *testing.T) {
	fresh := func() session.Machine { return tt.NewMachine(false) }
	serve := tt.Echo{}.Serve
	tests := []struct {
		name string
		cfg  server.Config
	}{
		{"run byte 8", server.Config{SubProtocols: []server.SubProtocol{{Run: 8, NewMachine: fresh, Serve: serve}}}},
		{"duplicate", server.Config{SubProtocols: []server.SubProtocol{{Run: 1, NewMachine: fresh, Serve: serve}, {Run: 1, NewMachine: fresh, Serve: serve}}}},
		{"no driver", server.Config{SubProtocols: []server.SubProtocol{{Run: 1, NewMachine: fresh}}}},
		{"no machine", server.Config{SubProtocols: []server.SubProtocol{{Run: 1, Serve: serve}}}},
		{"negative connections", server.Config{MaxConnections: -1}},
		{"negative message bytes", server.Config{MaxMessageBytes: -1}},
	}
	for _, tc := range tests {
		if _, err := server.New(tc.cfg); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	s, err := server.New(server.Config{})
	if err != nil || s.Addr() != nil {
		t.Fatalf("defaults: %v", err)
	}
}

// TestSessions: whole sessions, sequential and concurrent, client-first
// and server-first (the MarloweLoad pattern: after MsgRun the server
// speaks), with per-connection structured logs.
func TestSessions(t *testing.T) {
	var logs syncBuffer
	ts := startServer(t, server.Config{Logger: zerolog.New(&logs).Level(zerolog.DebugLevel)})
	ctx := testCtx(t)
	for i := range 5 {
		if err := goodSession(ctx, ts.addr, uint8(i)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- goodSession(ctx, ts.addr, uint8(i))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Server first.
	c, err := client.Dial(ctx, ts.addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := c.Run(ctx, runGreet, tt.NewMachine(true))
	if err != nil {
		t.Fatal(err)
	}
	if m, err := ch.Recv(ctx); err != nil || m != (tt.Hello{}) {
		t.Fatalf("greeting: %v %v", m, err)
	}
	if p, err := tt.RoundTrip(ctx, ch, 41, []byte("x"), 0); err != nil || p.N != 42 {
		t.Fatalf("%v %v", p, err)
	}
	if err := ch.Send(ctx, tt.Done{}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := c.Run(ctx, runToy, tt.NewMachine(false)); err == nil {
		t.Fatal("second Run on one connection")
	}
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	// Every session logged its start with connection fields.
	started := 0
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["message"] == "session started" {
			started++
			if rec["conn"] == nil || rec["remote"] == nil || rec["protocol"] == nil {
				t.Fatalf("log line lacks connection fields: %s", line)
			}
		}
	}
	if started != 38 {
		t.Fatalf("%d sessions logged, want 38", started)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestWrongHandshake checks §1.4's rejection bytes exactly: 00 02
// (MsgReject), then 01 + Text "user error (Rejecting handshake, <show
// got> /= <show expected>)", then the server closes.
func TestWrongHandshake(t *testing.T) {
	ts := startServer(t, server.Config{})
	stop := wellBehaved(t, ts.addr)
	defer stop()
	for _, sig := range []string{"", "MarloweSync", handshake.MarloweRuntimeSignature + " ", "Marlowe\"Runtime\" é\n", strings.Repeat("x", 3000)} {
		nc := dialRaw(t, ts.addr)
		if _, err := nc.Write(handshakeFrame(sig)); err != nil {
			t.Fatal(err)
		}
		got := readToEOF(t, nc, 5*time.Second)
		want := append([]byte{0x00, 0x02}, transport.AppendFailure(nil,
			handshake.RejectionText(sig, handshake.MarloweRuntimeSignature))...)
		if !bytes.Equal(got, want) {
			t.Fatalf("signature %.40q: got %x\nwant %x", sig, got, want)
		}
	}
	// The exact text for a simple case, spelled out.
	if txt := handshake.RejectionText("MarloweSync", handshake.MarloweRuntimeSignature); txt !=
		`user error (Rejecting handshake, "MarloweSync" /= "`+handshake.MarloweRuntimeSignature+`")` {
		t.Fatal(txt)
	}
	// The Go client reports the rejection with the server's reason.
	_, err := client.Dial(testCtx(t), ts.addr, client.Options{Signature: "MarloweSync"})
	var rej *handshake.RejectedError
	if !errors.Is(err, handshake.ErrRejected) || !errors.As(err, &rej) ||
		rej.ServerText != handshake.RejectionText("MarloweSync", handshake.MarloweRuntimeSignature) {
		t.Fatalf("client: %v", err)
	}
}

// TestUnknownRun: a MsgRun byte outside 00..07 is a decode error; a valid
// one with no registered driver is refused by name. Both end with a
// failure frame after the accept.
func TestUnknownRun(t *testing.T) {
	ts := startServer(t, server.Config{})
	stop := wellBehaved(t, ts.addr)
	defer stop()
	tests := []struct {
		run  byte
		want string
	}{
		{0x08, "invalid message tag 0x08"},
		{0xff, "invalid message tag 0xff"},
		{unregistered, "ContractQuery (MsgRun 0x05) is not served here"},
	}
	for _, tc := range tests {
		nc := mustRawSession(t, ts.addr, tc.run)
		text := parseFailure(t, readToEOF(t, nc, 5*time.Second), nil)
		if !strings.Contains(text, tc.want) {
			t.Errorf("run %02x: failure %q lacks %q", tc.run, text, tc.want)
		}
	}
	// Through the client: Run has no reply; the failure shows on the first
	// exchange as a PeerFailure.
	ctx := testCtx(t)
	c, err := client.Dial(ctx, ts.addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, err := c.Run(ctx, unregistered, tt.NewMachine(false))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tt.RoundTrip(ctx, ch, 1, nil, 0)
	var pf *transport.PeerFailure
	if !errors.As(err, &pf) || !strings.Contains(pf.Text, "not served here") {
		t.Fatalf("client: %v", err)
	}
	if _, err := c.Run(ctx, 9, tt.NewMachine(false)); err == nil {
		t.Fatal("Run 9 accepted by the client")
	}
}

// TestHostileBytes sends random bytes, truncated frames, oversized
// lengths and bad statuses; each connection ends with a failure frame (or,
// when the client itself closes mid-frame, a plain close), within the
// timeouts, while a well-behaved client keeps getting correct answers.
func TestHostileBytes(t *testing.T) {
	// Timeouts of 2s; failures that must be immediate are checked under
	// 1.5s, so that they cannot have come from a timeout.
	ts := startServer(t, server.Config{MaxMessageBytes: 1 << 20, IdleTimeout: 2 * time.Second, HandshakeTimeout: 2 * time.Second})
	stop := wellBehaved(t, ts.addr)
	defer stop()
	hs := handshakeFrame(handshake.MarloweRuntimeSignature)
	ping, _ := transport.AppendFrame(nil, tt.NewMachine(false), tt.Ping{N: 1, Payload: []byte("hello")})
	tests := []struct {
		name      string
		setup     bool   // handshake and MsgRun first, in turn
		send      []byte // then these bytes
		reply     []byte // read this answer, then
		more      []byte // send these
		halfClose bool   // the client closes its side after sending
		want      string // substring of the failure text; "" = plain close
		within    time.Duration
	}{
		{name: "bad status", send: []byte{0x02, 0x00}, want: "invalid frame status byte 0x02", within: 1500 * time.Millisecond},
		{name: "bad handshake tag", send: []byte{0x00, 0x05}, want: "expected tag 0x00", within: 1500 * time.Millisecond},
		{name: "signature length 2^40", send: unhexT(t, "00 00 0000010000000000"), want: "exceeds the size limit", within: 1500 * time.Millisecond},
		{name: "signature length -1", send: unhexT(t, "00 00 ffffffffffffffff"), want: "negative length", within: 1500 * time.Millisecond},
		{name: "signature over handshake limit", send: unhexT(t, "00 00 0000000000002000"), want: "exceeds the size limit", within: 1500 * time.Millisecond},
		{name: "signature not UTF-8", send: unhexT(t, "00 00 0000000000000002 c328"), want: "UTF-8", within: 1500 * time.Millisecond},
		{name: "truncated handshake, silent", send: hs[:50], want: "handshake timeout", within: 5 * time.Second},
		{name: "truncated handshake, closed", send: hs[:50], halfClose: true, within: 5 * time.Second},
		{name: "handshake, no MsgRun", send: hs, reply: acceptFrame, want: "handshake timeout", within: 5 * time.Second},
		{name: "payload length 2^40", setup: true, send: unhexT(t, "00 00 01 0000010000000000"), want: "exceeds the size limit", within: 1500 * time.Millisecond},
		{name: "payload length max", setup: true, send: unhexT(t, "00 00 01 7fffffffffffffff"), want: "exceeds the size limit", within: 1500 * time.Millisecond},
		{name: "payload just over limit", setup: true, send: unhexT(t, "00 00 01 00000000000ffff7"), want: "exceeds the size limit", within: 1500 * time.Millisecond},
		{name: "payload within limit, never sent", setup: true, send: append(unhexT(t, "00 00 01 00000000000ffff6"), make([]byte, 1000)...), want: "idle timeout", within: 5 * time.Second},
		{name: "truncated ping, closed", setup: true, send: ping[:5], halfClose: true, within: 5 * time.Second},
		{name: "unknown tag", setup: true, send: []byte{0x00, 0x09}, want: "unknown tag 0x09", within: 1500 * time.Millisecond},
		{name: "server message from client", setup: true, send: []byte{0x00, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 0}, want: "unknown tag 0x01 in state StIdle", within: 1500 * time.Millisecond},
		{name: "client failure frame", setup: true, send: transport.AppendFailure(nil, "client gives up"), within: 1500 * time.Millisecond},
		{name: "bad status mid-session", setup: true, send: ping, reply: pongFrame(t, 2, "hello"), more: []byte{0x07}, want: "invalid frame status byte 0x07", within: 1500 * time.Millisecond},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				var nc net.Conn
				if tc.setup {
					nc = mustRawSession(t, ts.addr, runToy)
				} else {
					nc = dialRaw(t, ts.addr)
				}
				start := time.Now()
				if _, err := nc.Write(tc.send); err != nil {
					t.Fatal(err)
				}
				if tc.reply != nil {
					_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
					got := make([]byte, len(tc.reply))
					if _, err := io.ReadFull(nc, got); err != nil || !bytes.Equal(got, tc.reply) {
						t.Fatalf("reply %x, want %x: %v", got, tc.reply, err)
					}
					if tc.more != nil {
						if _, err := nc.Write(tc.more); err != nil {
							t.Fatal(err)
						}
					}
				}
				if tc.halfClose {
					_ = nc.(*net.TCPConn).CloseWrite()
				}
				got := readToEOF(t, nc, tc.within+2*time.Second)
				if el := time.Since(start); el > tc.within {
					t.Errorf("took %v, want under %v", el, tc.within)
				}
				if tc.want == "" {
					if len(got) != 0 {
						t.Fatalf("got %x, want a plain close", got)
					}
					return
				}
				if text := parseFailure(t, got, nil); !strings.Contains(text, tc.want) {
					t.Fatalf("failure %q lacks %q", text, tc.want)
				}
			})
		}
	})
	t.Run("random", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 7))
		var wg sync.WaitGroup
		for i := range 40 {
			b := make([]byte, 1+rng.IntN(600))
			for j := range b {
				b[j] = byte(rng.Uint32())
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				var nc net.Conn
				var err error
				if i%2 == 1 { // half of them after a valid setup
					nc, err = rawSession(ts.addr, runToy)
				} else {
					nc, err = net.Dial("tcp", ts.addr)
				}
				if err != nil {
					t.Error(err)
					return
				}
				defer nc.Close()
				_, _ = nc.Write(b)
				_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
				var out bytes.Buffer
				_, err = out.ReadFrom(nc)
				if err != nil && !isReset(err) {
					t.Errorf("random input %d: server kept the connection open: %v", i, err)
				}
			}()
		}
		wg.Wait()
	})
}

func pongFrame(t *testing.T, n uint8, payload string) []byte {
	m := tt.NewMachine(false)
	_ = m.Step(session.Client, tt.Ping{})
	b, err := transport.AppendFrame(nil, m, tt.Pong{N: n, Payload: []byte(payload)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOutOfAgency: a client that sends while the server holds agency gets
// a failure frame and is disconnected, instead of having its message
// processed out of turn.
func TestOutOfAgency(t *testing.T) {
	ts := startServer(t, server.Config{})
	stop := wellBehaved(t, ts.addr)
	defer stop()
	slow, _ := transport.AppendFrame(nil, tt.NewMachine(false), tt.Ping{N: tt.SlowN})
	ping, _ := transport.AppendFrame(nil, tt.NewMachine(false), tt.Ping{N: 1})

	// While the server thinks about Ping SlowN (server agency, toyDelay),
	// another Ping is already waiting: both go in one write, so nothing
	// depends on how fast this process runs.
	nc := mustRawSession(t, ts.addr, runToy, append(slow, ping...)...)
	text := parseFailure(t, readToEOF(t, nc, 5*time.Second), nil)
	if !strings.Contains(text, "client sent bytes in state StBusy where server has agency") {
		t.Fatalf("failure %q", text)
	}

	// Server first: the client must wait for Hello (held back for
	// GreetDelay), but its Ping arrives with MsgRun.
	nc = mustRawSession(t, ts.addr, runGreet, ping...)
	text = parseFailure(t, readToEOF(t, nc, 5*time.Second), nil)
	if !strings.Contains(text, "StGreet where server has agency") {
		t.Fatalf("failure %q", text)
	}

	// MsgRun sent with the handshake, before MsgAccept: during the
	// server's handshake turn. (Haskell tolerates this; we do not.)
	nc = dialRaw(t, ts.addr)
	if _, err := nc.Write(append(handshakeFrame(handshake.MarloweRuntimeSignature), runFrame(runToy)...)); err != nil {

		t.Fatal(err)
	}
	text = parseFailure(t, readToEOF(t, nc, 5*time.Second), nil)
	if !strings.Contains(text, "StHandshake where server has agency") {
		t.Fatalf("failure %q", text)
	}
}

// TestMaxConnections: beyond the limit a connection receives the failure
// frame "server busy" before any handshake and is closed; a freed slot is
// usable again.
func TestMaxConnections(t *testing.T) {
	ts := startServer(t, server.Config{MaxConnections: 2})
	ctx := testCtx(t)
	var held []*client.Conn
	for range 2 {
		c, err := client.Dial(ctx, ts.addr, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for range 5 {
		nc := dialRaw(t, ts.addr)
		got := readToEOF(t, nc, 5*time.Second)
		if want := transport.AppendFailure(nil, "marlowe-lite: server busy (2 connections)"); !bytes.Equal(got, want) {
			t.Fatalf("refusal bytes %x, want %x", got, want)
		}
	}
	_, err := client.Dial(ctx, ts.addr, client.Options{})
	var pf *transport.PeerFailure
	if !errors.As(err, &pf) || !strings.Contains(pf.Text, "server busy") {
		t.Fatalf("client on a full server: %v", err)
	}
	// The held connections still work.
	ch, err := held[0].Run(ctx, runToy, tt.NewMachine(false))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := tt.RoundTrip(ctx, ch, 5, nil, 0); err != nil || p.N != 6 {
		t.Fatalf("%v %v", p, err)
	}
	if err := ch.Send(ctx, tt.Done{}); err != nil {
		t.Fatal(err)
	}
	held[0].Close()
	// The slot frees once the server has closed that connection.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := goodSession(ctx, ts.addr, 9)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slot never freed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	held[1].Close()
}

// TestTimeouts: the handshake timeout; the idle timeout while the client
// holds agency; no idle timeout in a quiet state (after Wait) nor while
// the server holds agency.
func TestTimeouts(t *testing.T) {
	const idle = 400 * time.Millisecond
	ts := startServer(t, server.Config{IdleTimeout: idle, HandshakeTimeout: time.Second})
	stop := wellBehaved(t, ts.addr)
	defer stop()
	ctx := testCtx(t)

	t.Run("handshake", func(t *testing.T) {
		nc := dialRaw(t, ts.addr)
		start := time.Now()
		text := parseFailure(t, readToEOF(t, nc, 5*time.Second), nil)
		if el := time.Since(start); !strings.Contains(text, "handshake timeout") || el < 900*time.Millisecond || el > 4*time.Second {
			t.Fatalf("after %v: %q", el, text)
		}
	})
	t.Run("idle", func(t *testing.T) {
		c, err := client.Dial(ctx, ts.addr, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ch, err := c.Run(ctx, runToy, tt.NewMachine(false))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * idle) // silent in StIdle, holding agency
		_, err = tt.RoundTrip(ctx, ch, 1, nil, 0)
		var pf *transport.PeerFailure
		if !errors.As(err, &pf) || !strings.Contains(pf.Text, "idle timeout") || !strings.Contains(pf.Text, "StIdle") {
			t.Fatalf("after idling: %v", err)
		}
	})
	t.Run("quiet and server agency", func(t *testing.T) {
		c, err := client.Dial(ctx, ts.addr, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ch, err := c.Run(ctx, runToy, tt.NewMachine(false))
		if err != nil {
			t.Fatal(err)
		}
		// Wait: the client polls only after 3 idle periods.
		if p, err := tt.RoundTrip(ctx, ch, tt.WaitN, []byte("q"), 3*idle); err != nil || p.N != tt.WaitN+1 {
			t.Fatalf("quiet: %v %v", p, err)
		}
		// SlowN: the server holds agency for toyDelay > idle.
		if p, err := tt.RoundTrip(ctx, ch, tt.SlowN, []byte("s"), 0); err != nil || p.N != tt.SlowN+1 {
			t.Fatalf("server agency: %v %v", p, err)
		}
		if err := ch.Send(ctx, tt.Done{}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDriverFailures: a handler error, a panicking driver and a driver
// returning before the session ended each end their own connection with
// a failure frame; the server goes on serving.
func TestDriverFailures(t *testing.T) {
	ts := startServer(t, server.Config{})
	stop := wellBehaved(t, ts.addr)
	defer stop()
	ctx := testCtx(t)
	tests := []struct {
		run  byte
		n    uint8
		want string
	}{
		{runToy, tt.FailN, "toy handler failure"},
		{runPanic, 1, "marlowe-lite: internal error: driver panicked"},
		{runEarly, 1, "ToyEarly driver returned in state StIdle"},
	}
	for _, tc := range tests {
		c, err := client.Dial(ctx, ts.addr, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := c.Run(ctx, tc.run, tt.NewMachine(false))
		if err != nil {
			t.Fatal(err)
		}
		_, err = tt.RoundTrip(ctx, ch, tc.n, nil, 0)
		var pf *transport.PeerFailure
		if !errors.As(err, &pf) || !strings.Contains(pf.Text, tc.want) {
			t.Errorf("run %02x: %v", tc.run, err)
		}
		c.Close()
	}
}

// TestGracefulShutdown: cancelling the server's context stops accepting,
// ends live sessions in every state with the shutdown failure frame, and
// Serve returns nil promptly.
func TestGracefulShutdown(t *testing.T) {
	ts := startServer(t, server.Config{IdleTimeout: time.Hour, ShutdownTimeout: 2 * time.Second})
	ctx := testCtx(t)
	type live struct {
		c  *client.Conn
		ch session.Channel
	}
	var sessions []live
	for range 4 { // client agency, StIdle
		c, err := client.Dial(ctx, ts.addr, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := c.Run(ctx, runToy, tt.NewMachine(false))
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, live{c, ch})
	}
	// One in server agency (thinking about SlowN), one mid-handshake.
	c, err := client.Dial(ctx, ts.addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	slowCh, err := c.Run(ctx, runToy, tt.NewMachine(false))
	if err != nil {
		t.Fatal(err)
	}
	if err := slowCh.Send(ctx, tt.Ping{N: tt.SlowN}); err != nil {
		t.Fatal(err)
	}
	raw := dialRaw(t, ts.addr)

	start := time.Now()
	if err := ts.stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("shutdown took %v", el)
	}
	for i, s := range sessions {
		_, err := tt.RoundTrip(ctx, s.ch, 1, nil, 0)
		var pf *transport.PeerFailure
		if !errors.As(err, &pf) || pf.Text != "marlowe-lite: server shutting down" {
			t.Errorf("session %d: %v", i, err)
		}
		s.c.Close()
	}
	_, err = slowCh.Recv(ctx)
	var pf *transport.PeerFailure
	if !errors.As(err, &pf) || pf.Text != "marlowe-lite: server shutting down" {
		t.Errorf("server-agency session: %v", err)
	}
	c.Close()
	if got := readToEOF(t, raw, 2*time.Second); len(got) > 0 && parseFailure(t, got, nil) != "marlowe-lite: server shutting down" {
		t.Errorf("mid-handshake connection got %x", got)
	}
	// No longer accepting.
	if nc, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		nc.Close()
		t.Fatal("still accepting after shutdown")
	}
}

// TestShutdownBound: a driver that ignores its context is cut off: its
// connection is closed after ShutdownTimeout, and Serve reports it.
func TestShutdownBound(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ts := startServer(t, server.Config{SubProtocols: toySubProtocols(release), ShutdownTimeout: 200 * time.Millisecond})
	ctx := testCtx(t)
	c, err := client.Dial(ctx, ts.addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Run(ctx, runStubborn, tt.NewMachine(false)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the driver start
	start := time.Now()
	err = ts.stop()
	if el := time.Since(start); err == nil || el < 200*time.Millisecond || el > 3*time.Second {
		t.Fatalf("after %v: %v", el, err)
	}
	// The stubborn driver's connection was closed under it.
	_ = c.Transport().NetConn().SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := c.Transport().NetConn().Read(make([]byte, 1)); err == nil {
		t.Fatalf("connection still open (%d bytes)", n)
	}
}

// TestHeapBounded: hundreds of hostile connections announcing huge
// messages (beyond the limit, and just within it) leave the heap where it
// was, and the room made for each follows the bytes actually sent, not
// the claims.
func TestHeapBounded(t *testing.T) {
	const limit = 1 << 20
	ts := startServer(t, server.Config{MaxMessageBytes: limit, IdleTimeout: 500 * time.Millisecond})
	hostile := []struct {
		setup bool
		send  []byte
	}{
		{false, unhexT(t, "00 00 0000010000000000")},                                    // handshake claiming 1 TiB
		{false, unhexT(t, "00 00 00000000000ffff0")},                                    // handshake claiming ~1 MiB (over its phase limit)
		{true, unhexT(t, "00 00 01 0000010000000000")},                                  // ping claiming 1 TiB
		{true, append(unhexT(t, "00 00 01 00000000000ffff0"), make([]byte, 64<<10)...)}, // ~1 MiB claim, 64 KiB sent
	}
	attack := func(rounds int) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 32)
		for i := range rounds {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				h := hostile[i%len(hostile)]
				var nc net.Conn
				var err error
				if h.setup {
					nc, err = rawSession(ts.addr, runToy)
				} else {
					nc, err = net.Dial("tcp", ts.addr)
				}
				if err != nil {
					t.Error(err)
					return
				}
				defer nc.Close()
				_, _ = nc.Write(h.send)
				_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
				var out bytes.Buffer
				if _, err := out.ReadFrom(nc); err != nil && !isReset(err) {
					t.Errorf("hostile connection not closed: %v", err)
				}
				if b := out.Bytes(); len(b) == 0 || bytes.IndexByte(b, transport.StatusFailure) < 0 {
					t.Errorf("hostile connection got no failure frame: %x", b)
				}
			}()
		}
		wg.Wait()
	}
	attack(40) // warm up pools and the runtime
	// Measured alone, so that the well-behaved client's own allocations
	// do not blur the figure.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const rounds = 400
	attack(rounds)
	runtime.ReadMemStats(&after)
	perConn := (after.TotalAlloc - before.TotalAlloc) / rounds
	runtime.GC()
	runtime.ReadMemStats(&after)
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d hostile connections: %d bytes allocated per connection, client side included (claims: 1 TiB and 1 MiB); live heap %+d bytes",
		rounds, perConn, growth)
	// A claim honoured up front would cost 1 MiB per connection for a
	// quarter of them; following the data costs what was sent (64 KiB)
	// plus buffer doubling.
	if perConn > 200<<10 {
		t.Errorf("allocated %d bytes per hostile connection; buffers must follow the data, not the claims", perConn)
	}
	if growth > 8<<20 {
		t.Errorf("live heap grew by %d bytes after the attack", growth)
	}
	// And again with a well-behaved client alongside.
	stop := wellBehaved(t, ts.addr)
	attack(100)
	stop()
}

// TestListenAndServe: Config.Addr is listened on (here an ephemeral
// loopback port; the default is 127.0.0.1:3700) and Addr reports it.
func TestListenAndServe(t *testing.T) {
	if server.DefaultAddr != "127.0.0.1:3700" {
		t.Fatalf("default address %s", server.DefaultAddr)
	}
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", SubProtocols: toySubProtocols(nil)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for srv.Addr() == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if srv.Addr() == nil {
		t.Fatal("not listening")
	}
	if err := goodSession(testCtx(t), srv.Addr().String(), 3); err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(ctx, nil); err == nil {
		t.Fatal("second Serve accepted")
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if srv.Addr() != nil {
		t.Fatal("Addr after shutdown")
	}
}
