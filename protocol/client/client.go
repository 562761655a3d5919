// Package client is the Go client of the Marlowe Runtime protocol
// (wire-protocol.md §1.2, §1.4, §3): Dial connects and performs the
// handshake, Run selects the sub-protocol and returns the session.Channel
// that a sub-protocol's typed client wraps. One connection carries one
// session; open another connection for the next one.
//
// Errors are explicit: a refused handshake is a *handshake.RejectedError
// (errors.Is(err, handshake.ErrRejected)) carrying the server's reason; a
// failure frame from the server, at any point, is a *transport.PeerFailure
// with the server's text.
package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transport"
)

// DefaultMaxMessageBytes bounds a message from the server when Options
// leave it zero. Server replies (bulk sync batches, contract bundles) can
// be much larger than anything a client sends.
const DefaultMaxMessageBytes = 64 << 20

// rejectionReasonWait bounds the wait for the failure frame a server sends
// after MsgReject.
const rejectionReasonWait = time.Second

// Options configure a client connection. The zero value is usable.
type Options struct {
	// Signature is offered in the handshake
	// (handshake.MarloweRuntimeSignature if empty).
	Signature string
	// MaxMessageBytes bounds each message received
	// (DefaultMaxMessageBytes if zero).
	MaxMessageBytes int
	// WriteTimeout bounds each message sent (zero: only the context does).
	WriteTimeout time.Duration
	// Dialer makes the TCP connection (a zero net.Dialer if nil).
	Dialer *net.Dialer
}

// Conn is a connection past its handshake, ready for Run.
type Conn struct {
	tc  *transport.Conn
	mu  sync.Mutex
	ran bool
}

// Dial connects to addr (host:port; the server's default is
// 127.0.0.1:3700) and performs the handshake. ctx bounds both.
func Dial(ctx context.Context, addr string, opts Options) (*Conn, error) {
	d := opts.Dialer
	if d == nil {
		d = &net.Dialer{}
	}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("marlowe runtime client: dial %s: %w", addr, err)
	}
	c, err := NewConn(ctx, nc, opts)
	if err != nil {
		_ = nc.Close()
		return nil, fmt.Errorf("marlowe runtime client: %s: %w", addr, err)
	}
	return c, nil
}

// NewConn performs the handshake over an established connection, which it
// then owns.
func NewConn(ctx context.Context, nc net.Conn, opts Options) (*Conn, error) {
	if opts.Signature == "" {
		opts.Signature = handshake.MarloweRuntimeSignature
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	tc := transport.NewConn(nc, session.Client, handshake.NewMachine(), transport.Options{
		MaxMessageBytes: opts.MaxMessageBytes,
		WriteTimeout:    opts.WriteTimeout,
	})
	err := handshake.Offer(ctx, tc, opts.Signature)
	var rej *handshake.RejectedError
	if errors.As(err, &rej) {
		// The server explains itself in a failure frame (§1.4).
		rctx, cancel := context.WithTimeout(ctx, rejectionReasonWait)
		defer cancel()
		if text, ferr := tc.ReadFailure(rctx); ferr == nil {
			rej.ServerText = text
		}
	}
	if err != nil {
		return nil, err
	}
	if err := tc.Upgrade(handshake.NewRunMachine()); err != nil {
		return nil, err
	}
	return &Conn{tc: tc}, nil
}

// Run selects sub-protocol run (handshake.RunMarloweSync …) with MsgRun and
// returns the session's Channel, validated by m, which must be a fresh
// machine of that sub-protocol in its initial state. Run may be called
// once per connection. There is no reply to MsgRun: a server that does
// not serve the sub-protocol answers the first exchange with a failure
// frame.
func (c *Conn) Run(ctx context.Context, run byte, m session.Machine) (session.Channel, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ran {
		return nil, errors.New("marlowe runtime client: Run called twice (one session per connection)")
	}
	if m == nil {
		return nil, errors.New("marlowe runtime client: Run with a nil machine")
	}
	if _, ok := handshake.RunName(run); !ok {
		return nil, fmt.Errorf("marlowe runtime client: MsgRun %#02x is not a sub-protocol (00..07)", run)
	}
	if err := c.tc.Send(ctx, handshake.MsgRun{Run: run}); err != nil {
		return nil, fmt.Errorf("marlowe runtime client: %w", err)
	}
	c.ran = true
	if err := c.tc.Upgrade(m); err != nil {
		return nil, fmt.Errorf("marlowe runtime client: %w", err)
	}
	return c.tc, nil
}

// Transport is the underlying transport connection.
func (c *Conn) Transport() *transport.Conn { return c.tc }

// Close closes the connection.
func (c *Conn) Close() error { return c.tc.Close() }
