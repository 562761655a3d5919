package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transport"
	tt "github.com/marlowe-lite/marlowe-lite/protocol/transport/transporttest"
)

// fakeServer accepts one connection on loopback and runs script on it.
func fakeServer(t *testing.T, script func(nc net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
		script(nc)
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func readN(nc net.Conn, n int) []byte {
	b := make([]byte, n)
	_, _ = io.ReadFull(nc, b)
	return b
}

func ctx5(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestDialAndRunBytes checks what the client puts on the wire (§1.4, §3,
// §1.8): the 156-byte signature handshake, then after 00 01 the MsgRun
// frame, then the sub-protocol's frames.
func TestDialAndRunBytes(t *testing.T) {
	hs, _ := transport.AppendFrame(nil, handshake.NewMachine(), handshake.MsgHandshake{Signature: handshake.MarloweRuntimeSignature})
	if len(hs) != 1+1+8+156 {
		t.Fatalf("handshake frame %d bytes", len(hs))
	}
	got := make(chan []byte, 3)
	addr := fakeServer(t, func(nc net.Conn) {
		got <- readN(nc, len(hs))
		_, _ = nc.Write([]byte{0x00, 0x01})
		got <- readN(nc, 2)
		got <- readN(nc, 1+1+1+8+2)
		_, _ = nc.Write([]byte{0x00, 0x01, 0x08, 0, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'})
	})
	ctx := ctx5(t)
	c, err := Dial(ctx, addr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if b := <-got; !bytes.Equal(b, hs) {
		t.Fatalf("handshake bytes %x", b)
	}
	ch, err := c.Run(ctx, handshake.RunMarloweQuery, tt.NewMachine(false))
	if err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, []byte{0x00, 0x02}) {
		t.Fatalf("MsgRun bytes %x", b)
	}
	p, err := tt.RoundTrip(ctx, ch, 7, []byte("hi"), 0)
	if err != nil || p.N != 8 || string(p.Payload) != "hi" {
		t.Fatalf("%v %v", p, err)
	}
	if b := <-got; !bytes.Equal(b, []byte{0x00, 0x00, 0x07, 0, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'}) {
		t.Fatalf("ping bytes %x", b)
	}
}

// TestDialErrors: a rejected handshake, a busy server (failure frame
// instead of an answer), a server closing mid-handshake, a malformed
// answer, and a context deadline each give a clear error.
func TestDialErrors(t *testing.T) {
	reject := handshake.RejectionText("Other", handshake.MarloweRuntimeSignature)
	// Scripts read the whole 15-byte handshake: closing a socket with
	// unread input resets the connection.
	tests := []struct {
		name   string
		script func(nc net.Conn)
		check  func(err error) bool
	}{
		{"rejected with reason", func(nc net.Conn) {
			readN(nc, 15)
			_, _ = nc.Write(append([]byte{0x00, 0x02}, transport.AppendFailure(nil, reject)...))
		}, func(err error) bool {
			var rej *handshake.RejectedError
			return errors.Is(err, handshake.ErrRejected) && errors.As(err, &rej) && rej.ServerText == reject &&
				strings.Contains(err.Error(), "Rejecting handshake")
		}},
		{"rejected silently", func(nc net.Conn) {
			readN(nc, 15)
			_, _ = nc.Write([]byte{0x00, 0x02})
		}, func(err error) bool {
			var rej *handshake.RejectedError
			return errors.As(err, &rej) && rej.ServerText == ""
		}},
		{"busy", func(nc net.Conn) {
			_, _ = nc.Write(transport.AppendFailure(nil, "marlowe-lite: server busy (2 connections)"))
		}, func(err error) bool {
			var pf *transport.PeerFailure
			return errors.As(err, &pf) && pf.Text == "marlowe-lite: server busy (2 connections)"
		}},
		{"closed", func(nc net.Conn) { readN(nc, 15) }, func(err error) bool {
			return errors.Is(err, transport.ErrPeerClosed)
		}},
		{"malformed answer", func(nc net.Conn) {
			readN(nc, 15)
			_, _ = nc.Write([]byte{0x00, 0x07})
		}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "expected tag 0x01 or 0x02") }},
		{"silent server", func(nc net.Conn) { time.Sleep(time.Second) }, func(err error) bool {
			return errors.Is(err, context.DeadlineExceeded)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := fakeServer(t, tc.script)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			c, err := Dial(ctx, addr, Options{Signature: "Other"})
			if err == nil {
				c.Close()
			}
			if !tc.check(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
	if _, err := Dial(ctx5(t), "127.0.0.1:1", Options{}); err == nil || !strings.Contains(err.Error(), "dial") {
		t.Fatalf("dial to a closed port: %v", err)
	}
}

// TestRunValidates: Run refuses bad arguments and a second session.
func TestRunValidates(t *testing.T) {
	addr := fakeServer(t, func(nc net.Conn) {
		readN(nc, 166)
		_, _ = nc.Write([]byte{0x00, 0x01})
		readN(nc, 2)
	})
	ctx := ctx5(t)
	c, err := Dial(ctx, addr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Run(ctx, 8, tt.NewMachine(false)); err == nil {
		t.Fatal("Run 8 accepted")
	}
	if _, err := c.Run(ctx, 0, nil); err == nil {
		t.Fatal("nil machine accepted")
	}
	if _, err := c.Run(ctx, 0, tt.NewMachine(false)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(ctx, 0, tt.NewMachine(false)); err == nil {
		t.Fatal("second Run accepted")
	}
	var _ session.Channel = c.Transport()
}
