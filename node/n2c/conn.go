// Package n2c talks to cardano-node over the node-to-client protocol
// (gouroboros): a chain follower (chain-sync with full blocks, driving a
// Consumer in order, supervised with reconnection and backoff), a
// local-state-query client (system start, era history and the slot/time
// converter built from them, protocol parameters, UTxO by address and by
// TxIn) and local-tx-submission with typed rejection reasons.
//
// The follower and the query/submission client use separate connections:
// chain-sync callbacks run on the connection's receive goroutine, and a
// slow consumer must not hold up queries sharing the multiplexer.
package n2c

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	ouroboros "github.com/blinklabs-io/gouroboros"
	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Defaults for Config's zero values.
const (
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultQueryTimeout     = 2 * time.Minute
)

// Config says how to reach the node.
type Config struct {
	// Network selects the network magic for the handshake.
	Network registry.Network
	// Magic, when non-zero, is used instead of Network's magic (a private
	// testnet).
	Magic uint32
	// Address is the node socket: a unix socket path (optionally
	// "unix:path" or "unix://path") or "tcp:host:port" / "tcp://host:port"
	// (cardano-node only offers the unix socket; TCP is for proxies and
	// tests).
	Address string
	// Logger receives connection events; the zero value discards them.
	Logger zerolog.Logger
	// HandshakeTimeout bounds connecting plus the protocol handshake.
	HandshakeTimeout time.Duration
	// QueryTimeout bounds each local-state-query acquire and query and
	// each transaction submission.
	QueryTimeout time.Duration
	// ProtocolDebug passes gouroboros' own (very verbose) debug logs
	// through; otherwise only its warnings and errors are logged.
	ProtocolDebug bool
}

// magic resolves the handshake magic.
func (c Config) magic() (uint32, error) {
	if c.Magic != 0 {
		return c.Magic, nil
	}
	if !c.Network.Valid() {
		return 0, errors.New("no network or network magic configured")
	}
	return c.Network.Magic(), nil
}

func (c Config) handshakeTimeout() time.Duration {
	if c.HandshakeTimeout > 0 {
		return c.HandshakeTimeout
	}
	return DefaultHandshakeTimeout
}

func (c Config) queryTimeout() time.Duration {
	if c.QueryTimeout > 0 {
		return c.QueryTimeout
	}
	return DefaultQueryTimeout
}

func (c Config) validate() error {
	if _, err := c.magic(); err != nil {
		return err
	}
	if _, _, err := ParseAddress(c.Address); err != nil {
		return err
	}
	return nil
}

// ResolveNetwork reads a network given by name (mainnet, preprod,
// preview, sanchonet) or by magic number. A magic that is not a known
// network is returned as is, for a private testnet (set Config.Magic).
func ResolveNetwork(s string) (registry.Network, uint32, error) {
	n, err := registry.ParseNetwork(s)
	if err == nil {
		return n, n.Magic(), nil
	}
	t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.ToLower(s)), "--testnet-magic"))
	m, perr := strconv.ParseUint(strings.TrimLeft(t, " ="), 10, 32)
	if perr != nil || m == 0 {
		return 0, 0, err
	}
	return 0, uint32(m), nil
}

// ParseAddress splits a node address into a net.Dial network ("unix" or
// "tcp") and address. A bare path is a unix socket.
func ParseAddress(s string) (network, address string, err error) {
	switch {
	case s == "":
		return "", "", errors.New("node address is empty")
	case strings.HasPrefix(s, "tcp://"):
		network, address = "tcp", strings.TrimPrefix(s, "tcp://")
	case strings.HasPrefix(s, "tcp:"):
		network, address = "tcp", strings.TrimPrefix(s, "tcp:")
	case strings.HasPrefix(s, "unix://"):
		network, address = "unix", strings.TrimPrefix(s, "unix://")
	case strings.HasPrefix(s, "unix:"):
		network, address = "unix", strings.TrimPrefix(s, "unix:")
	default:
		network, address = "unix", s
	}
	if address == "" {
		return "", "", fmt.Errorf("node address %q: empty %s address", s, network)
	}
	if network == "tcp" {
		if _, _, err := net.SplitHostPort(address); err != nil {
			return "", "", fmt.Errorf("node address %q: %w", s, err)
		}
	}
	return network, address, nil
}

// gouroborosLogger adapts the zerolog logger for gouroboros, which logs
// every message at debug level.
func (c Config) gouroborosLogger() *slog.Logger {
	l := c.Logger.With().Str("component", "gouroboros").Logger()
	if !c.ProtocolDebug && l.GetLevel() < zerolog.WarnLevel {
		l = l.Level(zerolog.WarnLevel)
	}
	return slog.New(zerolog.NewSlogHandler(l))
}

// nodeConn is one established node connection. errs receives the
// connection's asynchronous errors and is closed by gouroboros when the
// connection shuts down.
type nodeConn struct {
	oc        *ouroboros.Connection
	raw       net.Conn
	errs      chan error
	closeOnce sync.Once
}

// close shuts the connection down; it is safe to call more than once.
// Errors still to come are drained, so that gouroboros' shutdown never
// blocks on a full error channel.
func (nc *nodeConn) close() {
	nc.closeOnce.Do(func() {
		go func() {
			for range nc.errs {
			}
		}()
		nc.raw.Close()
		nc.oc.Close()
	})
}

// dial connects and performs the handshake, bounded by ctx and the
// handshake timeout.
func dial(ctx context.Context, cfg Config, opts ...ouroboros.ConnectionOptionFunc) (*nodeConn, error) {
	magic, err := cfg.magic()
	if err != nil {
		return nil, err
	}
	network, address, err := ParseAddress(cfg.Address)
	if err != nil {
		return nil, err
	}
	timeout := cfg.handshakeTimeout()
	d := net.Dialer{Timeout: timeout}
	raw, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("connect to node at %s %s: %w", network, address, err)
	}
	// The handshake has no context and gouroboros' multiplexer resets the
	// socket's read deadline itself: bound the handshake by closing the
	// socket when the timeout or ctx ends first.
	timer := time.AfterFunc(timeout, func() { raw.Close() })
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	errs := make(chan error, 16)
	all := append([]ouroboros.ConnectionOptionFunc{
		ouroboros.WithConnection(raw),
		ouroboros.WithNetworkMagic(magic),
		ouroboros.WithNodeToNode(false),
		ouroboros.WithErrorChan(errs),
		ouroboros.WithLogger(cfg.gouroborosLogger()),
	}, opts...)
	oc, err := ouroboros.NewConnection(all...)
	timedOut := !timer.Stop()
	cancelled := !stop()
	if err != nil || timedOut || cancelled {
		raw.Close()
		if oc != nil {
			oc.Close()
		}
		switch {
		case cancelled:
			return nil, fmt.Errorf("handshake with node at %s %s: %w", network, address, ctx.Err())
		case timedOut:
			return nil, fmt.Errorf("handshake with node at %s %s: no answer within %v", network, address, timeout)
		}
		return nil, fmt.Errorf("handshake with node at %s %s failed (wrong network magic %d, or not a node-to-client socket?): %w", network, address, magic, err)
	}
	return &nodeConn{oc: oc, raw: raw, errs: errs}, nil
}
