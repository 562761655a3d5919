package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transport"
)

// Defaults for zero Config fields.
const (
	DefaultAddr             = "127.0.0.1:3700"
	DefaultMaxConnections   = 1024
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultIdleTimeout      = 10 * time.Minute
	DefaultWriteTimeout     = time.Minute
	DefaultShutdownTimeout  = 5 * time.Second
)

const (
	// closeDrain bounds how long a closing connection waits for the client
	// to close its side (see transport.Conn.CloseGracefully).
	closeDrain = 250 * time.Millisecond
	// maxRefusing bounds the connections being refused at once.
	maxRefusing = 64
	// forceCloseGrace is how long shutdown waits after force-closing.
	forceCloseGrace = time.Second
	// maxAcceptBackoff bounds the pause after a failed Accept.
	maxAcceptBackoff = time.Second
)

// Failure texts the server sends on its own account.
const (
	shuttingDownText = "marlowe-lite: server shutting down"
	internalText     = "marlowe-lite: internal error"
)

// errHandshakeTimeout is the cause of the handshake context's expiry.
var errHandshakeTimeout = errors.New("handshake timeout")

// SubProtocol is one sub-protocol the server can run after MsgRun.
type SubProtocol struct {
	// Run is the MsgRun byte that selects it (§3, 00..07).
	Run byte
	// Name names it in logs, e.g. "MarloweSync" (handshake.RunName if
	// empty).
	Name string
	// NewMachine returns a fresh machine in the sub-protocol's initial
	// state.
	NewMachine func() session.Machine
	// Serve drives the server side of one session, with its handler bound,
	// until the session ends; ctx is cancelled when the server shuts down.
	Serve func(ctx context.Context, ch session.Channel) error
}

// Config configures a Server. Zero fields take the defaults above;
// negative durations disable that timeout.
type Config struct {
	// Addr is the listening address of ListenAndServe.
	Addr string
	// SubProtocols are the sub-protocols served, at most one per Run byte.
	SubProtocols []SubProtocol
	// MaxConnections bounds concurrent connections (see the package doc).
	MaxConnections int
	// MaxMessageBytes bounds each message a client sends
	// (transport.DefaultMaxMessageBytes if zero).
	MaxMessageBytes int
	// HandshakeTimeout bounds the time from accept to the MsgRun byte.
	HandshakeTimeout time.Duration
	// IdleTimeout bounds how long a client holding agency, outside quiet
	// states, may take to send its next message.
	IdleTimeout time.Duration
	// WriteTimeout bounds each message the server sends (a client that
	// stops reading would block it forever).
	WriteTimeout time.Duration
	// ShutdownTimeout bounds the wait for sessions at shutdown before
	// their connections are closed.
	ShutdownTimeout time.Duration
	// Logger receives structured logs; the zero Logger discards them.
	Logger zerolog.Logger
}

// Server serves the Marlowe Runtime protocol. Create it with New.
type Server struct {
	cfg      Config
	subs     [handshake.RunCount]*SubProtocol
	slots    chan struct{}
	refusing chan struct{}
	nextID   atomic.Uint64
	wg       sync.WaitGroup

	mu      sync.Mutex
	ln      net.Listener
	serving bool
	conns   map[*transport.Conn]struct{}
}

// New validates cfg and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	switch {
	case cfg.MaxConnections < 0:
		return nil, fmt.Errorf("server: MaxConnections %d is negative", cfg.MaxConnections)
	case cfg.MaxConnections == 0:
		cfg.MaxConnections = DefaultMaxConnections
	}
	switch {
	case cfg.MaxMessageBytes < 0:
		return nil, fmt.Errorf("server: MaxMessageBytes %d is negative", cfg.MaxMessageBytes)
	case cfg.MaxMessageBytes == 0:
		cfg.MaxMessageBytes = transport.DefaultMaxMessageBytes
	}
	cfg.HandshakeTimeout = orDefault(cfg.HandshakeTimeout, DefaultHandshakeTimeout)
	cfg.IdleTimeout = orDefault(cfg.IdleTimeout, DefaultIdleTimeout)
	cfg.WriteTimeout = orDefault(cfg.WriteTimeout, DefaultWriteTimeout)
	cfg.ShutdownTimeout = orDefault(cfg.ShutdownTimeout, DefaultShutdownTimeout)
	s := &Server{
		cfg:      cfg,
		slots:    make(chan struct{}, cfg.MaxConnections),
		refusing: make(chan struct{}, maxRefusing),
		conns:    make(map[*transport.Conn]struct{}),
	}
	for i := range cfg.SubProtocols {
		sp := cfg.SubProtocols[i]
		name, ok := handshake.RunName(sp.Run)
		switch {
		case !ok:
			return nil, fmt.Errorf("server: sub-protocol %q: Run byte %#02x is not a MsgRun tag (00..07)", sp.Name, sp.Run)
		case s.subs[sp.Run] != nil:
			return nil, fmt.Errorf("server: Run byte %#02x registered twice (%s, %s)", sp.Run, s.subs[sp.Run].Name, sp.Name)
		case sp.NewMachine == nil || sp.Serve == nil:
			return nil, fmt.Errorf("server: sub-protocol %s: NewMachine and Serve are required", name)
		}
		if sp.Name == "" {
			sp.Name = name
		}
		s.subs[sp.Run] = &sp
	}
	return s, nil
}

// orDefault maps 0 to def and a negative duration to 0 (disabled).
func orDefault(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// Addr is the listener's address while serving, nil otherwise.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// ListenAndServe listens on Config.Addr and serves until ctx is cancelled.
func (s *Server) ListenAndServe(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve accepts connections on ln until ctx is cancelled, then shuts down
// gracefully (see the package doc) and returns nil, or an error if some
// handlers outlived the shutdown bounds. It closes ln. A Server serves one
// listener at a time.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if ln == nil {
		return errors.New("server: Serve with a nil listener")
	}
	s.mu.Lock()
	if s.serving {
		s.mu.Unlock()
		return errors.New("server: already serving")
	}
	s.serving, s.ln = true, ln
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.serving, s.ln = false, nil
		s.mu.Unlock()
	}()

	log := s.cfg.Logger
	log.Info().Str("addr", ln.Addr().String()).Int("max_connections", s.cfg.MaxConnections).Msg("serving Marlowe Runtime protocol")
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer stop()
	var acceptErr error
	backoff := time.Duration(0)
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if errors.Is(err, net.ErrClosed) {
				acceptErr = fmt.Errorf("server: listener closed: %w", err)
				break
			}
			// Running out of file descriptors and the like pass; pause so
			// as not to spin.
			backoff = min(max(2*backoff, 5*time.Millisecond), maxAcceptBackoff)
			log.Warn().Err(err).Dur("retry_in", backoff).Msg("accept failed")
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
			}
			continue
		}
		backoff = 0
		s.admit(ctx, nc)
	}
	_ = ln.Close()
	log.Info().Msg("shutting down")
	return errors.Join(acceptErr, s.shutdown())
}

// admit starts a session on nc, or refuses it when all slots are taken.
func (s *Server) admit(ctx context.Context, nc net.Conn) {
	select {
	case s.slots <- struct{}{}:
		s.wg.Add(1)
		go s.handle(ctx, nc)
		return
	default:
	}
	log := s.cfg.Logger.With().Str("remote", nc.RemoteAddr().String()).Logger()
	select {
	case s.refusing <- struct{}{}:
		log.Warn().Int("max_connections", s.cfg.MaxConnections).Msg("connection refused: server busy")
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() { <-s.refusing }()
			tc := transport.NewConn(nc, session.Server, handshake.NewMachine(), s.transportOptions())
			_ = tc.SendFailure(fmt.Sprintf("marlowe-lite: server busy (%d connections)", s.cfg.MaxConnections))
			_ = tc.CloseGracefully(closeDrain)
		}()
	default:
		log.Warn().Msg("connection dropped: server busy and refusals saturated")
		_ = nc.Close()
	}
}

func (s *Server) transportOptions() transport.Options {
	return transport.Options{
		MaxMessageBytes: s.cfg.MaxMessageBytes,
		WriteTimeout:    s.cfg.WriteTimeout,
		StrictAgency:    true,
	}
}

// handle runs one connection from accept to close.
func (s *Server) handle(ctx context.Context, nc net.Conn) {
	defer s.wg.Done()
	defer func() { <-s.slots }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	id := s.nextID.Add(1)
	log := s.cfg.Logger.With().Uint64("conn", id).Str("remote", nc.RemoteAddr().String()).Logger()
	tc := transport.NewConn(nc, session.Server, handshake.NewMachine(), s.transportOptions())
	s.track(tc)
	defer s.untrack(tc)
	start := time.Now()
	log.Debug().Msg("connection accepted")
	sub, err := s.session(ctx, tc, &log)
	s.finish(ctx, tc, sub, err, log.With().Dur("duration", time.Since(start)).Logger())
}

// session runs the handshake, the selection and the sub-protocol. A panic
// in a driver is turned into an error so that it ends this connection
// only.
func (s *Server) session(ctx context.Context, tc *transport.Conn, log *zerolog.Logger) (sub *SubProtocol, err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Error().Str("panic", fmt.Sprint(r)).Bytes("stack", debug.Stack()).Msg("driver panicked")
			err = fmt.Errorf("%s: %w", internalText, errPanic)
		}
	}()
	hctx, cancel := ctx, context.CancelFunc(func() {})
	if s.cfg.HandshakeTimeout > 0 {
		hctx, cancel = context.WithTimeoutCause(ctx, s.cfg.HandshakeTimeout, errHandshakeTimeout)
	}
	defer cancel()
	tc.SetMessageLimit(handshake.MaxMessageBytes)
	if err := handshake.Accept(hctx, tc, handshake.MarloweRuntimeSignature); err != nil {
		return nil, err
	}
	if err := tc.Upgrade(handshake.NewRunMachine()); err != nil {
		return nil, err
	}
	tc.SetMessageLimit(1)
	msg, err := tc.Recv(hctx)
	if err != nil {
		return nil, fmt.Errorf("MarloweRuntime: %w", err)
	}
	sel, ok := msg.(handshake.MsgRun)
	if !ok {
		return nil, fmt.Errorf("MarloweRuntime: unexpected %s", msg.MessageName())
	}
	run := sel.Run
	sub = s.subs[run]
	if sub == nil {
		name, _ := handshake.RunName(run)
		return nil, fmt.Errorf("MarloweRuntime: %s (MsgRun %#02x) is not served here", name, run)
	}
	cancel() // the handshake bound no longer applies
	*log = log.With().Str("protocol", sub.Name).Logger()
	m := sub.NewMachine()
	if m == nil || m.Agency() == session.Nobody {
		return sub, fmt.Errorf("%s: %s: NewMachine returned no live session", internalText, sub.Name)
	}
	if err := tc.Upgrade(m); err != nil {
		return sub, err
	}
	tc.SetMessageLimit(0)
	tc.SetIdleTimeout(s.cfg.IdleTimeout)
	log.Debug().Msg("session started")
	if err := sub.Serve(ctx, tc); err != nil {
		return sub, err
	}
	if a := m.Agency(); a != session.Nobody {
		return sub, fmt.Errorf("%s: %s driver returned in state %s (agency %s) before the session ended",
			internalText, sub.Name, m.State(), a)
	}
	return sub, nil
}

var errPanic = errors.New("driver panicked")

// finish reports err to the client if it is worth it, then closes.
func (s *Server) finish(ctx context.Context, tc *transport.Conn, sub *SubProtocol, err error, log zerolog.Logger) {
	state := ""
	if m := tc.Machine(); m != nil {
		state = m.Protocol() + "." + m.State()
	}
	var rej *handshake.RejectedError
	var pf *transport.PeerFailure
	switch {
	case err == nil:
		log.Debug().Msg("session ended")
		_ = tc.CloseAfterPeer(closeDrain)
		return
	case errors.As(err, &pf):
		log.Info().Str("state", state).Str("client_failure", pf.Text).Msg("client reported a failure")
		_ = tc.Close()
		return
	case errors.Is(err, transport.ErrPeerClosed), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, transport.ErrConnClosed):
		log.Info().Str("state", state).Err(err).Msg("client disconnected")
		_ = tc.Close()
		return
	case errors.As(err, &rej):
		log.Info().Str("signature", rej.Got).Msg("handshake rejected")
		_ = tc.SendFailure(handshake.RejectionText(rej.Got, rej.Expected))
	case ctx.Err() != nil:
		log.Info().Str("state", state).Msg("session cancelled by shutdown")
		_ = tc.SendFailure(shuttingDownText)
	default:
		ev := log.Warn()
		if sub != nil {
			ev = ev.Str("protocol", sub.Name)
		}
		ev.Str("state", state).Err(err).Msg("session failed")
		_ = tc.SendFailure(err.Error())
	}
	_ = tc.CloseGracefully(closeDrain)
}

func (s *Server) track(tc *transport.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[tc] = struct{}{}
}

func (s *Server) untrack(tc *transport.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, tc)
}

// shutdown waits for the connection handlers (whose contexts are already
// cancelled) within the bounds.
func (s *Server) shutdown() error {
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	wait := s.cfg.ShutdownTimeout
	if wait <= 0 {
		wait = DefaultShutdownTimeout
	}
	select {
	case <-done:
		s.cfg.Logger.Info().Msg("shutdown complete")
		return nil
	case <-time.After(wait):
	}
	s.mu.Lock()
	n := len(s.conns)
	for tc := range s.conns {
		_ = tc.Close()
	}
	s.mu.Unlock()
	s.cfg.Logger.Warn().Int("connections", n).Dur("after", wait).Msg("closing connections still open at shutdown")
	select {
	case <-done:
		return nil
	case <-time.After(forceCloseGrace):
	}
	return fmt.Errorf("server: connection handlers still running %v after shutdown began (a driver ignores its context?)", wait+forceCloseGrace)
}
