package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	tt "github.com/marlowe-lite/marlowe-lite/protocol/transport/transporttest"
)

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestConnSession runs whole Toy sessions over TCP through Conn on both
// sides, with the client or the server speaking first.
func TestConnSession(t *testing.T) {
	for _, greet := range []bool{false, true} {
		ctx := testCtx(t)
		cn, sn := tcpPair(t)
		cc := NewConn(cn, session.Client, tt.NewMachine(greet), Options{})
		sc := NewConn(sn, session.Server, tt.NewMachine(greet), Options{StrictAgency: true, IdleTimeout: 5 * time.Second})
		errc := make(chan error, 1)
		go func() { errc <- tt.Echo{Greet: greet}.Serve(ctx, sc) }()
		if greet {
			if m, err := cc.Recv(ctx); err != nil || m != (tt.Hello{}) {
				t.Fatalf("greeting: %v %v", m, err)
			}
		}
		for i := range 50 {
			payload := bytes.Repeat([]byte{byte(i)}, i*100)
			p, err := tt.RoundTrip(ctx, cc, uint8(i), payload, 0)
			if err != nil {
				t.Fatal(err)
			}
			if p.N != uint8(i+1) || !bytes.Equal(p.Payload, payload) {
				t.Fatalf("round trip %d: %d %d bytes", i, p.N, len(p.Payload))
			}
		}
		if err := cc.Send(ctx, tt.Done{}); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; err != nil {
			t.Fatalf("server: %v", err)
		}
		if cc.Machine().Agency() != session.Nobody || sc.Machine().Agency() != session.Nobody {
			t.Fatal("session not ended on both sides")
		}
	}
}

// TestConnAgency: Send and Recv refuse to act for the side without agency,
// without touching the connection (the error is not sticky).
func TestConnAgency(t *testing.T) {
	ctx := testCtx(t)
	cn, sn := net.Pipe()
	defer cn.Close()
	defer sn.Close()
	sc := NewConn(sn, session.Server, tt.NewMachine(false), Options{})
	if err := sc.Send(ctx, tt.Pong{}); !errors.Is(err, session.ErrNoAgency) {
		t.Fatalf("server sent in StIdle: %v", err)
	}
	cc := NewConn(cn, session.Client, tt.NewMachine(false), Options{})
	if _, err := cc.Recv(ctx); !errors.Is(err, session.ErrNoAgency) {
		t.Fatalf("client received in StIdle: %v", err)
	}
	if err := cc.Send(ctx, tt.Pong{}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Fatalf("client sent Pong: %v", err)
	}
	if cc.Err() != nil || sc.Err() != nil {
		t.Fatal("local refusals made the Conn unusable")
	}
	if err := cc.Upgrade(handshake.NewRunMachine()); err == nil {
		t.Fatal("upgraded from a live session")
	}
	go func() { _, _ = sc.Recv(ctx) }()
	if err := cc.Send(ctx, tt.Ping{N: 1}); err != nil {
		t.Fatal(err)
	}
	if cc.Machine().State() != "StBusy" {
		t.Fatalf("client state %s", cc.Machine().State())
	}
}

// TestUpgradeCarriesBufferedBytes: handshake, MsgRun and a sub-protocol
// frame written in one burst are read across two layer switches.
func TestUpgradeCarriesBufferedBytes(t *testing.T) {
	ctx := testCtx(t)
	cn, sn := tcpPair(t)
	hm := handshake.NewMachine()
	b, _ := AppendFrame(nil, hm, handshake.MsgHandshake{Signature: handshake.MarloweRuntimeSignature})
	b, _ = AppendFrame(b, handshake.NewRunMachine(), handshake.MsgRun{Run: 4})
	b, _ = AppendFrame(b, tt.NewMachine(false), tt.Ping{N: 9})
	if _, err := cn.Write(b); err != nil {
		t.Fatal(err)
	}
	sc := NewConn(sn, session.Server, handshake.NewMachine(), Options{})
	if m, err := sc.Recv(ctx); err != nil || m.MessageName() != "MsgHandshake" {
		t.Fatalf("%v %v", m, err)
	}
	if err := sc.Upgrade(handshake.NewRunMachine()); err == nil {
		t.Fatal("upgraded in StHandshake")
	}
	sc.m.(*handshake.Machine).Step(session.Server, handshake.MsgAccept{})
	if err := sc.Upgrade(handshake.NewRunMachine()); err != nil {
		t.Fatal(err)
	}
	if m, err := sc.Recv(ctx); err != nil || m != (handshake.MsgRun{Run: 4}) {
		t.Fatalf("%v %v", m, err)
	}
	if err := sc.Upgrade(tt.NewMachine(false)); err != nil {
		t.Fatal(err)
	}
	if m, err := sc.Recv(ctx); err != nil || m.(tt.Ping).N != 9 {
		t.Fatalf("%v %v", m, err)
	}
}

// TestIdleTimeout: the timeout applies while the peer holds agency in an
// ordinary state, and not in a quiet one (after Wait).
func TestIdleTimeout(t *testing.T) {
	const idle = 150 * time.Millisecond
	ctx := testCtx(t)

	// Ordinary state: the client stays silent in StIdle.
	cn, sn := tcpPair(t)
	sc := NewConn(sn, session.Server, tt.NewMachine(false), Options{IdleTimeout: idle})
	start := time.Now()
	_, err := sc.Recv(ctx)
	if el := time.Since(start); !errors.Is(err, ErrIdleTimeout) || el < idle || el > idle+2*time.Second {
		t.Fatalf("after %v: %v", el, err)
	}
	if _, err2 := sc.Recv(ctx); err2 == nil {
		t.Fatal("Conn usable after a timeout")
	}
	// The server can still report the timeout to the client.
	if err := sc.SendFailure(err.Error()); err != nil {
		t.Fatal(err)
	}
	cc := NewConn(cn, session.Client, tt.NewMachine(false), Options{})
	cc.m.Step(session.Client, tt.Ping{}) // pretend the client waits for a reply
	var pf *PeerFailure
	if _, err := cc.Recv(ctx); !errors.As(err, &pf) {
		t.Fatalf("client got %v", err)
	}

	// Quiet state: the client lets three idle periods pass in StWaiting.
	cn, sn = tcpPair(t)
	sc = NewConn(sn, session.Server, tt.NewMachine(false), Options{IdleTimeout: idle, StrictAgency: true})
	cc = NewConn(cn, session.Client, tt.NewMachine(false), Options{})
	errc := make(chan error, 1)
	go func() { errc <- tt.Echo{}.Serve(ctx, sc) }()
	p, err := tt.RoundTrip(ctx, cc, tt.WaitN, []byte("w"), 3*idle)
	if err != nil || p.N != tt.WaitN+1 {
		t.Fatalf("quiet wait: %v %v", p, err)
	}
	// And the server may hold agency as long as it likes: the client has
	// no idle timeout, and the server's does not run while it thinks.
	if err := cc.Send(ctx, tt.Done{}); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("server: %v", err)
	}
}

// TestContextCancel: cancelling the context interrupts a blocked Recv at
// once and reports the cancellation.
func TestContextCancel(t *testing.T) {
	_, sn := tcpPair(t)
	sc := NewConn(sn, session.Server, tt.NewMachine(false), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := sc.Recv(ctx)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("after %v: %v", time.Since(start), err)
	}
	// A context deadline acts the same way.
	_, sn = tcpPair(t)
	sc = NewConn(sn, session.Server, tt.NewMachine(false), Options{IdleTimeout: time.Hour})
	dctx, dcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer dcancel()
	if _, err := sc.Recv(dctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	// An already-cancelled context does no I/O and leaves the Conn usable.
	_, sn = tcpPair(t)
	sc = NewConn(sn, session.Server, tt.NewMachine(false), Options{})
	if _, err := sc.Recv(ctx); !errors.Is(err, context.Canceled) || sc.Err() != nil {
		t.Fatalf("pre-cancelled: %v, sticky %v", err, sc.Err())
	}
}

// TestStrictAgency: bytes from the client while the server holds agency
// make the server's next Send fail with ErrEarlyData; without
// StrictAgency they are read later as the next message (as Haskell does).
func TestStrictAgency(t *testing.T) {
	for _, strict := range []bool{true, false} {
		ctx := testCtx(t)
		cn, sn := tcpPair(t)
		sc := NewConn(sn, session.Server, tt.NewMachine(false), Options{StrictAgency: strict})
		two, _ := AppendFrame(nil, tt.NewMachine(false), tt.Ping{N: 1})
		two = append(two, two...)
		// First the early frame arrives after the server has read the
		// first one (it sits in the socket), then in the same segment
		// (it sits in the reader's buffer).
		for round, split := range []bool{true, false} {
			if split {
				if _, err := cn.Write(two[:len(two)/2]); err != nil {
					t.Fatal(err)
				}
			} else if _, err := cn.Write(two); err != nil {
				t.Fatal(err)
			}
			if _, err := sc.Recv(ctx); err != nil {
				t.Fatal(err)
			}
			if split {
				if _, err := cn.Write(two[len(two)/2:]); err != nil {
					t.Fatal(err)
				}
				time.Sleep(50 * time.Millisecond) // let it arrive
			}
			err := sc.Send(ctx, tt.Pong{N: 2})
			if strict {
				if !errors.Is(err, ErrEarlyData) || !errors.Is(err, session.ErrNoAgency) {
					t.Fatalf("strict, round %d: %v", round, err)
				}
				break // the Conn is finished
			}
			if err != nil {
				t.Fatalf("lenient: %v", err)
			}
			if _, err := sc.Recv(ctx); err != nil { // the early Ping
				t.Fatalf("lenient: %v", err)
			}
			if err := sc.Send(ctx, tt.Pong{N: 2}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestFailureAndClose: a failure frame reaches the client even when the
// client has unread data in flight, thanks to the graceful close.
func TestFailureAndClose(t *testing.T) {
	ctx := testCtx(t)
	cn, sn := tcpPair(t)
	junk := bytes.Repeat([]byte{0xee}, 64<<10)
	if _, err := cn.Write(junk); err != nil {
		t.Fatal(err)
	}
	sc := NewConn(sn, session.Server, tt.NewMachine(false), Options{})
	if _, err := sc.Recv(ctx); err == nil {
		t.Fatal("junk decoded")
	}
	if err := sc.SendFailure("bad client"); err != nil {
		t.Fatal(err)
	}
	if err := sc.Send(ctx, tt.Pong{}); err == nil {
		t.Fatal("Send after a failure frame")
	}
	go sc.CloseGracefully(time.Second)
	_ = cn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(cn)
	if err != nil {
		t.Fatalf("client read: %v", err)
	}
	if want := AppendFailure(nil, "bad client"); !bytes.Equal(got, want) {
		t.Fatalf("client got %x, want %x", got, want)
	}
	if err := sc.SendFailure("again"); err == nil {
		t.Fatal("failure frame on a closed Conn")
	}
}
