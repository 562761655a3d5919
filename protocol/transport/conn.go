package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// DefaultFailureTimeout bounds the write of a failure frame when Options
// set no WriteTimeout: failure frames are best effort and must not hold a
// connection open for long.
const DefaultFailureTimeout = 2 * time.Second

// maxDrainBytes bounds what CloseGracefully reads and discards.
const maxDrainBytes = 1 << 20

// causeWait bounds the wait for a context to notice its deadline after the
// socket has.
const causeWait = 100 * time.Millisecond

// keepWriteBuffer is the largest write buffer a Conn keeps between Sends.
const keepWriteBuffer = 64 << 10

// Options configure a Conn.
type Options struct {
	// MaxMessageBytes bounds every received message (the status byte not
	// counted); DefaultMaxMessageBytes if zero. SetMessageLimit can lower
	// it for a phase of the connection.
	MaxMessageBytes int
	// IdleTimeout bounds each Recv, from its call until the whole message
	// has arrived, unless the machine is in a quiet state
	// (session.IsQuiet). Zero means no bound. A server sets it: Recv is
	// only called while the client holds agency, so time the server
	// spends holding agency itself never counts.
	IdleTimeout time.Duration
	// WriteTimeout bounds each Send (a peer that stops reading would
	// otherwise block the sender forever). Zero means no bound.
	WriteTimeout time.Duration
	// StrictAgency makes Send fail with ErrEarlyData when the peer has sent
	// bytes while this side held agency, instead of reading them later as
	// if they had been sent in turn (the Haskell driver tolerates that).
	// Servers set it so that out-of-agency clients are refused.
	StrictAgency bool
}

// Conn carries one Marlowe Runtime connection over a net.Conn: it frames
// messages (§1.3) and validates them against the machine of the current
// protocol layer (handshake, then MarloweRuntime selection, then the
// sub-protocol, switched with Upgrade). It implements session.Channel.
//
// Send and Recv must not be called concurrently (the protocols alternate
// strictly); Close may be called at any time from any goroutine. Once a
// Send or Recv has failed on I/O, decoding or a protocol violation, every
// later Send and Recv fails with the same error: the stream position is
// undefined and the connection is to be dropped (SendFailure still works).
type Conn struct {
	nc    net.Conn
	side  session.Agency
	m     session.Machine
	opts  Options
	fr    *FrameReader
	limit int
	idle  time.Duration
	wbuf  []byte
	err   error // sticky
	torn  bool  // a frame was only partly written: no failure frame can follow

	closeOnce sync.Once
	closeErr  error
	closed    chan struct{}
}

var _ session.Channel = (*Conn)(nil)

// NewConn wraps nc for side (session.Client or session.Server) with m as
// the machine of the first protocol layer.
func NewConn(nc net.Conn, side session.Agency, m session.Machine, opts Options) *Conn {
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	return &Conn{
		nc:     nc,
		side:   side,
		m:      m,
		opts:   opts,
		fr:     NewFrameReader(nc, opts.MaxMessageBytes),
		limit:  opts.MaxMessageBytes,
		idle:   opts.IdleTimeout,
		closed: make(chan struct{}),
	}
}

// Machine is the machine of the current layer.
func (c *Conn) Machine() session.Machine { return c.m }

// Side is the side this Conn speaks for.
func (c *Conn) Side() session.Agency { return c.side }

// NetConn is the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.nc }

// Err is the sticky error that ended the Conn, if any.
func (c *Conn) Err() error { return c.err }

// Upgrade hands the connection to the next protocol layer: the handshake
// lifts into MarloweRuntime, whose MsgRun selects a sub-protocol. The
// current layer must have ended (agency Nobody). Bytes already buffered
// carry over to the new layer.
func (c *Conn) Upgrade(m session.Machine) error {
	if m == nil {
		return errors.New("transport: upgrade to a nil machine")
	}
	if c.m != nil && c.m.Agency() != session.Nobody {
		return fmt.Errorf("transport: upgrade from %s to %s while %s is in state %s (agency %s)",
			c.m.Protocol(), m.Protocol(), c.m.Protocol(), c.m.State(), c.m.Agency())
	}
	c.m = m
	return nil
}

// SetMessageLimit bounds received messages to n bytes from now on; it can
// only lower the limit Options set (n ≤ 0 restores it).
func (c *Conn) SetMessageLimit(n int) {
	if n <= 0 || n > c.opts.MaxMessageBytes {
		n = c.opts.MaxMessageBytes
	}
	c.limit = n
}

// SetIdleTimeout replaces Options.IdleTimeout from now on (0 disables it).
func (c *Conn) SetIdleTimeout(d time.Duration) { c.idle = d }

// Send implements session.Channel: it encodes msg in the current state,
// steps the machine and writes the whole frame with one Write.
func (c *Conn) Send(ctx context.Context, msg session.Message) error {
	if err := c.usable(); err != nil {
		return err
	}
	if err := session.CheckAgency(c.m, c.side); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if msg == nil {
		return fmt.Errorf("%s send in state %s: nil message", c.m.Protocol(), c.m.State())
	}
	b, err := AppendFrame(c.wbuf[:0], c.m, msg)
	if err != nil {
		return fmt.Errorf("%s send %s: %w", c.m.Protocol(), msg.MessageName(), err)
	}
	if c.opts.StrictAgency {
		if n := c.earlyData(); n > 0 {
			c.err = fmt.Errorf("%s: %s sent bytes in state %s where %s has agency: %w",
				c.m.Protocol(), c.side.Peer(), c.m.State(), c.side, ErrEarlyData)
			return c.err
		}
	}
	if err := c.m.Step(c.side, msg); err != nil {
		return err
	}
	if err := c.write(ctx, b, c.opts.WriteTimeout); err != nil {
		c.err = fmt.Errorf("%s send %s: %w", c.m.Protocol(), msg.MessageName(), err)
		return c.err
	}
	if cap(b) <= keepWriteBuffer {
		c.wbuf = b[:0]
	}
	return nil
}

// Recv implements session.Channel: it waits for the peer's next frame,
// decodes it as the current state dictates and steps the machine. A failure
// frame is returned as a *PeerFailure error.
func (c *Conn) Recv(ctx context.Context) (session.Message, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	peer := c.side.Peer()
	if err := session.CheckAgency(c.m, peer); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var idle time.Duration
	if c.idle > 0 && !session.IsQuiet(c.m) {
		idle = c.idle
	}
	msg, err := c.read(ctx, idle)
	if err != nil {
		c.err = fmt.Errorf("%s recv in state %s: %w", c.m.Protocol(), c.m.State(), err)
		return nil, c.err
	}
	if err := c.m.Step(peer, msg); err != nil {
		c.err = err
		return nil, err
	}
	return msg, nil
}

// ReadFailure reads one frame that must be a failure frame, whatever the
// machine's state, and returns its text. A client uses it to collect the
// reason a server gives after MsgReject (§1.4).
func (c *Conn) ReadFailure(ctx context.Context) (string, error) {
	if err := c.usable(); err != nil {
		return "", err
	}
	msg, err := c.read(ctx, 0)
	var pf *PeerFailure
	switch {
	case errors.As(err, &pf):
		return pf.Text, nil
	case err != nil:
		return "", err
	}
	return "", fmt.Errorf("transport: expected a failure frame, got %s", msg.MessageName())
}

// SendFailure writes a failure frame (01 + text), the error report of
// §1.3. It does not check agency (either side may give up at any time) and
// works after a failed Send or Recv; the caller closes the connection next.
// The write is bounded by WriteTimeout, or DefaultFailureTimeout.
func (c *Conn) SendFailure(text string) error {
	select {
	case <-c.closed:
		return ErrConnClosed
	default:
	}
	if c.torn {
		return errors.New("transport: no failure frame after a partly written frame")
	}
	timeout := c.opts.WriteTimeout
	if timeout <= 0 || timeout > DefaultFailureTimeout {
		timeout = DefaultFailureTimeout
	}
	if err := c.write(context.Background(), AppendFailure(nil, text), timeout); err != nil {
		return fmt.Errorf("transport: send failure frame: %w", err)
	}
	if c.err == nil {
		c.err = fmt.Errorf("transport: failure frame sent: %w", ErrConnClosed)
	}
	return nil
}

// Close closes the connection at once.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.closeErr = c.nc.Close()
	})
	return c.closeErr
}

// CloseGracefully closes the sending direction first, then reads and
// discards what the peer still sends for up to drain, then closes. Closing
// a socket with unread input makes the kernel reset the connection, and a
// reset can destroy the last frame (a failure frame, say) before the peer
// has read it; network-run's gracefulClose does the same.
func (c *Conn) CloseGracefully(drain time.Duration) error {
	select {
	case <-c.closed:
		return c.closeErr
	default:
	}
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok && drain > 0 {
		if err := cw.CloseWrite(); err == nil {
			_ = c.nc.SetReadDeadline(time.Now().Add(drain))
			_, _ = io.Copy(io.Discard, io.LimitReader(c.nc, maxDrainBytes))
		}
	}
	return c.Close()
}

// CloseAfterPeer waits up to wait for the peer to close its side,
// discarding anything it still sends, then closes. It is the polite end of
// a completed session: the peer, which knows the session is over too,
// closes first, so the TIME_WAIT state lands on its side rather than on a
// busy server's; a peer that lingers is cut off after wait.
func (c *Conn) CloseAfterPeer(wait time.Duration) error {
	select {
	case <-c.closed:
		return c.closeErr
	default:
	}
	if wait > 0 {
		_ = c.nc.SetReadDeadline(time.Now().Add(wait))
		_, _ = io.Copy(io.Discard, io.LimitReader(c.nc, maxDrainBytes))
	}
	return c.Close()
}

func (c *Conn) usable() error {
	if c.m == nil {
		return errors.New("transport: no machine")
	}
	select {
	case <-c.closed:
		return ErrConnClosed
	default:
	}
	return c.err
}

// read reads one frame under the deadlines that apply: idle (if non-zero)
// and ctx's. Cancelling ctx interrupts a blocked read.
func (c *Conn) read(ctx context.Context, idle time.Duration) (session.Message, error) {
	deadline, fromIdle := time.Time{}, false
	if idle > 0 {
		deadline, fromIdle = time.Now().Add(idle), true
	}
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline, fromIdle = d, false
	}
	if err := c.nc.SetReadDeadline(deadline); err != nil {
		return nil, c.ioError(ctx, err)
	}
	stop := interruptOnDone(ctx, c.nc.SetReadDeadline)
	msg, err := c.fr.Next(c.m, c.limit)
	cancelled := stop()
	if err == nil {
		if !cancelled && !deadline.IsZero() {
			// Leave no deadline behind: the early-data probe reads too.
			_ = c.nc.SetReadDeadline(time.Time{})
		}
		return msg, nil
	}
	var pf *PeerFailure
	switch {
	case errors.As(err, &pf), errors.Is(err, ErrPeerClosed):
		return nil, err
	case cancelled || ctx.Err() != nil:
		return nil, fmt.Errorf("%w (%w)", context.Cause(ctx), err)
	case fromIdle && errors.Is(err, os.ErrDeadlineExceeded):
		return nil, fmt.Errorf("%w: nothing complete received for %v (%w)", ErrIdleTimeout, idle, err)
	case errors.Is(err, os.ErrDeadlineExceeded):
		// ctx's deadline fired through the socket a moment before ctx's
		// own timer; give that a moment so the cause can be reported.
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (%w)", context.Cause(ctx), err)
		case <-time.After(causeWait):
			return nil, fmt.Errorf("%w (%w)", context.DeadlineExceeded, err)
		}
	}
	select {
	case <-c.closed:
		return nil, fmt.Errorf("%w (%w)", ErrConnClosed, err)
	default:
	}
	return nil, err
}

// write writes b whole under timeout (if non-zero) and ctx.
func (c *Conn) write(ctx context.Context, b []byte, timeout time.Duration) error {
	deadline := time.Time{}
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	if err := c.nc.SetWriteDeadline(deadline); err != nil {
		return c.ioError(ctx, err)
	}
	stop := interruptOnDone(ctx, c.nc.SetWriteDeadline)
	n, err := c.nc.Write(b)
	if n > 0 && n < len(b) {
		c.torn = true
	}
	if cancelled := stop(); cancelled || (err != nil && ctx.Err() != nil) {
		if err == nil {
			return nil // written in full before the interruption took effect
		}
		return fmt.Errorf("%w (%w)", context.Cause(ctx), err)
	}
	if err != nil {
		return c.ioError(ctx, err)
	}
	return nil
}

func (c *Conn) ioError(ctx context.Context, err error) error {
	select {
	case <-c.closed:
		return fmt.Errorf("%w (%w)", ErrConnClosed, err)
	default:
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", context.Cause(ctx), err)
	}
	return err
}

// earlyData reports how many bytes the peer has sent that are waiting to
// be read: buffered ones, or at least one pending in the socket.
func (c *Conn) earlyData() int {
	if n := c.fr.Buffered(); n > 0 {
		return n
	}
	if pendingInput(c.nc) {
		return 1
	}
	return 0
}

// interruptOnDone arranges for setDeadline(past) when ctx is done, which
// wakes a blocked read or write. The returned stop reports whether that
// happened; it waits for a running interruption to finish, so the caller
// can safely reset the deadline afterwards.
func interruptOnDone(ctx context.Context, setDeadline func(time.Time) error) (stop func() bool) {
	if ctx.Done() == nil {
		return func() bool { return false }
	}
	done := make(chan struct{})
	stopf := context.AfterFunc(ctx, func() {
		_ = setDeadline(time.Unix(1, 0))
		close(done)
	})
	return func() bool {
		if stopf() {
			return false
		}
		<-done
		return true
	}
}
