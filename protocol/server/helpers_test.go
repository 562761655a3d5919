package server_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transport"
	tt "github.com/marlowe-lite/marlowe-lite/protocol/transport/transporttest"
)

// Run bytes under which the tests register toy drivers.
const (
	runToy        = handshake.RunMarloweQuery // Echo, client first
	runGreet      = handshake.RunMarloweLoad  // Echo, server first (like MarloweLoad)
	runPanic      = handshake.RunTxJob        // a driver that panics
	runEarly      = handshake.RunMarloweTransfer
	runStubborn   = handshake.RunMarloweBulkSync // ignores its context (see shutdown test)
	unregistered  = handshake.RunContractQuery
	toyDelay      = 800 * time.Millisecond // longer than TestTimeouts' idle timeout
	testHandshake = time.Second            // generous: a loaded CI machine must not time out the well-behaved client
)

// toySubProtocols registers the Toy drivers. stubborn, if non-nil, blocks
// the runStubborn driver until closed.
func toySubProtocols(stubborn chan struct{}) []server.SubProtocol {
	fresh := func() session.Machine { return tt.NewMachine(false) }
	return []server.SubProtocol{
		{Run: runToy, Name: "Toy", NewMachine: fresh, Serve: tt.Echo{Delay: toyDelay}.Serve},
		{Run: runGreet, Name: "ToyGreet", NewMachine: func() session.Machine { return tt.NewMachine(true) },
			Serve: tt.Echo{Greet: true, GreetDelay: toyDelay / 4}.Serve},
		{Run: runPanic, Name: "ToyPanic", NewMachine: fresh, Serve: func(ctx context.Context, ch session.Channel) error {
			if _, err := ch.Recv(ctx); err != nil {
				return err
			}
			var m map[string]int
			m["boom"]++ // a driver bug: nil map write
			return nil
		}},
		{Run: runEarly, Name: "ToyEarly", NewMachine: fresh, Serve: func(context.Context, session.Channel) error { return nil }},
		{Run: runStubborn, Name: "ToyStubborn", NewMachine: fresh, Serve: func(ctx context.Context, ch session.Channel) error {
			if stubborn != nil {
				<-stubborn
			}
			return tt.Echo{}.Serve(ctx, ch)
		}},
	}
}

type testServer struct {
	srv  *server.Server
	addr string
	stop func() error
}

// startServer serves cfg on an ephemeral loopback port.
func startServer(t *testing.T, cfg server.Config) *testServer {
	t.Helper()
	return startServerTB(t, cfg)
}

func startServerTB(t testing.TB, cfg server.Config) *testServer {
	t.Helper()
	if cfg.SubProtocols == nil {
		cfg.SubProtocols = toySubProtocols(nil)
	}
	if cfg.HandshakeTimeout == 0 {
		cfg.HandshakeTimeout = testHandshake
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var stopErr error
	stopped := false
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-errc:
			case <-time.After(15 * time.Second):
				stopErr = errors.New("Serve did not return")
			}
		})
		return stopErr
	}
	t.Cleanup(func() {
		if stopped {
			return // the test checked the result itself
		}
		if err := stop(); err != nil {
			t.Errorf("server stop: %v", err)
		}
	})
	explicit := func() error {
		stopped = true
		return stop()
	}
	return &testServer{srv: srv, addr: ln.Addr().String(), stop: explicit}
}

// oneRoundTrip is a session with a single round trip (the benchmark's).
func oneRoundTrip(ctx context.Context, addr string) error {
	c, err := client.Dial(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	ch, err := c.Run(ctx, runToy, tt.NewMachine(false))
	if err != nil {
		return err
	}
	p, err := tt.RoundTrip(ctx, ch, 1, []byte("ping"), 0)
	if err != nil {
		return err
	}
	if p.N != 2 || string(p.Payload) != "ping" {
		return fmt.Errorf("wrong answer %d %q", p.N, p.Payload)
	}
	return ch.Send(ctx, tt.Done{})
}

// goodSession runs one whole well-behaved Toy session and checks every
// answer.
func goodSession(ctx context.Context, addr string, n uint8) error {
	c, err := client.Dial(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	ch, err := c.Run(ctx, runToy, tt.NewMachine(false))
	if err != nil {
		return err
	}
	for i := range 3 {
		payload := bytes.Repeat([]byte{n}, int(n)+i)
		p, err := tt.RoundTrip(ctx, ch, n+uint8(i), payload, 0)
		if err != nil {
			return err
		}
		if p.N != n+uint8(i)+1 || !bytes.Equal(p.Payload, payload) {
			return fmt.Errorf("wrong answer %d/%d bytes to ping %d", p.N, len(p.Payload), n+uint8(i))
		}
	}
	return ch.Send(ctx, tt.Done{})
}

// wellBehaved runs good sessions in a loop while a test attacks the
// server; the returned function stops it and fails the test unless every
// session succeeded (and at least one ran).
func wellBehaved(t *testing.T, addr string) (stop func()) {
	t.Helper()
	var ok, bad atomic.Int64
	var firstErr atomic.Value
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 100000; i++ {
			select {
			case <-quit:
				return
			default:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := goodSession(ctx, addr, uint8(i%200))
			cancel()
			if err != nil {
				bad.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
			} else {
				ok.Add(1)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	return func() {
		t.Helper()
		close(quit)
		<-done
		if bad.Load() > 0 || ok.Load() == 0 {
			t.Errorf("well-behaved client: %d sessions ok, %d failed (first: %v)", ok.Load(), bad.Load(), firstErr.Load())
		} else {
			t.Logf("well-behaved client: %d sessions ok meanwhile", ok.Load())
		}
	}
}

func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc
}

func handshakeFrame(sig string) []byte {
	b, _ := transport.AppendFrame(nil, handshake.NewMachine(), handshake.MsgHandshake{Signature: sig})
	return b
}

func runFrame(run byte) []byte {
	return []byte{transport.StatusSuccess, run}
}

// readToEOF reads everything the server sends until it closes, failing if
// that takes longer than within.
func readToEOF(t *testing.T, nc net.Conn, within time.Duration) []byte {
	t.Helper()
	_ = nc.SetReadDeadline(time.Now().Add(within))
	b, err := io.ReadAll(nc)
	if err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Fatalf("server did not close within %v: %v (got %x)", within, err, b)
	}
	return b
}

func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && !ne.Timeout()
}

// parseFailure splits a server's output into the success frames before it
// (raw bytes) and the text of the failure frame that must end it.
func parseFailure(t *testing.T, got []byte, prefix []byte) string {
	t.Helper()
	if !bytes.HasPrefix(got, prefix) {
		t.Fatalf("server sent %x, want prefix %x", got, prefix)
	}
	rest := got[len(prefix):]
	if len(rest) == 0 || rest[0] != transport.StatusFailure {
		t.Fatalf("no failure frame after %x: %x", prefix, rest)
	}
	d := binary.NewDecoder(rest[1:])
	text, err := d.Text()
	if err != nil || d.Finish() != nil {
		t.Fatalf("bad failure frame %x: %v", rest, err)
	}
	return text
}

var acceptFrame = []byte{0x00, 0x01}

// rawSession opens a raw connection and goes through the handshake and
// MsgRun properly, in turn; the caller continues with raw bytes.
// rawSession handshakes and sends MsgRun followed, in the same write, by
// extra: bytes the server finds already waiting when the session starts.
func rawSession(addr string, run byte, extra ...byte) (net.Conn, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	if _, err := nc.Write(handshakeFrame(handshake.MarloweRuntimeSignature)); err != nil {
		nc.Close()
		return nil, err
	}
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, 2)
	if _, err := io.ReadFull(nc, got); err != nil || !bytes.Equal(got, acceptFrame) {
		nc.Close()
		return nil, fmt.Errorf("handshake answer %x: %v", got, err)
	}
	_ = nc.SetReadDeadline(time.Time{})
	if _, err := nc.Write(append(runFrame(run), extra...)); err != nil {
		nc.Close()
		return nil, err
	}
	return nc, nil
}

func mustRawSession(t *testing.T, addr string, run byte, extra ...byte) net.Conn {
	t.Helper()
	nc, err := rawSession(addr, run, extra...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc
}

func unhexT(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
