// Package daemon is marlowe-lite's running system: it follows a node (a
// real cardano-node over its socket, or the in-process devnet), indexes
// Marlowe steps into the Badger store, and serves the store over the
// Marlowe Runtime protocol on one TCP port. Data flows one way: follower →
// indexer → store → protocol handlers; the handlers only read committed
// state and learn of new blocks and rollbacks from the store itself.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/devnet"
	"github.com/marlowe-lite/marlowe-lite/node/indexer"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/service/objects"
	"github.com/marlowe-lite/marlowe-lite/service/txjob"
)

// Defaults of Config.
const (
	DefaultHost             = "127.0.0.1"
	DefaultPort             = 3700
	DefaultBatchBlocks      = 500
	DefaultProgressInterval = 10 * time.Second
)

// Config configures a daemon.
type Config struct {
	// NodeSocket is cardano-node's socket (see n2c.Config.Address).
	// Ignored with Devnet.
	NodeSocket string
	// Network selects the handshake magic, address network and script
	// registry entries; Magic, when non-zero, overrides the magic (a
	// private testnet).
	Network registry.Network
	Magic   uint32
	// DB is the Badger directory; empty keeps the store in memory (lost
	// at exit).
	DB string
	// Host and Port are where the protocol server listens; Port 0 picks a
	// free port (tests).
	Host string
	Port int
	// StartPoint is where an empty store starts following; FromOrigin
	// follows the whole chain when there is no start point. Neither:
	// an empty store is an error unless Devnet is set.
	StartPoint *chain.Point
	FromOrigin bool
	// Devnet, when set, runs the in-process devnet and follows it.
	Devnet *devnet.Config
	// BatchBlocks is the commit batch while catching up (0: default).
	BatchBlocks int
	// ProgressInterval spaces the catch-up log lines (0: default).
	ProgressInterval time.Duration
	Logger           zerolog.Logger
}

// Daemon is a running system. Create it with Start.
type Daemon struct {
	cfg      Config
	log      zerolog.Logger
	store    *kv.Store
	net      *devnet.Devnet
	ix       *indexer.Indexer
	progress *progress
	srv      *server.Server
	ln       net.Listener
	client   *n2c.Client
	clock    *nodeClock
	objs     *kv.Objects
	txjob    *txjob.Handler
	network  registry.Network
	magic    uint32

	cancel  context.CancelFunc
	done    chan struct{}
	errMu   sync.Mutex
	err     error
	tmpDirs []string
}

// Start opens the store, starts the devnet if asked, the follower and the
// protocol server, and returns once the server listens.
func Start(ctx context.Context, cfg Config) (_ *Daemon, err error) {
	if cfg.Host == "" {
		cfg.Host = DefaultHost
	}
	if cfg.BatchBlocks == 0 {
		cfg.BatchBlocks = DefaultBatchBlocks
	}
	if cfg.ProgressInterval == 0 {
		cfg.ProgressInterval = DefaultProgressInterval
	}
	if cfg.Network == 0 {
		cfg.Network = registry.Mainnet
	}
	if cfg.Devnet != nil {
		cfg.Network = devnet.Network
	}
	if !cfg.Network.Valid() {
		return nil, fmt.Errorf("daemon: invalid network %d", cfg.Network)
	}
	d := &Daemon{cfg: cfg, log: cfg.Logger, network: cfg.Network, magic: cfg.Magic, done: make(chan struct{})}
	defer func() {
		if err != nil {
			d.closeAll()
		}
	}()

	opts := kv.Options{Logger: cfg.Logger.With().Str("component", "kv").Logger()}
	if cfg.DB == "" {
		opts.InMemory = true
	}
	if d.store, err = kv.Open(cfg.DB, opts); err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	tip, hasTip, err := d.store.Tip()
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}

	runCtx, cancel := context.WithCancel(ctx)
	d.cancel = cancel
	nodeAddr := cfg.NodeSocket
	if cfg.Devnet != nil {
		dir, err := os.MkdirTemp("", "marlowe-lite-devnet")
		if err != nil {
			return nil, fmt.Errorf("daemon: devnet socket directory: %w", err)
		}
		d.tmpDirs = append(d.tmpDirs, dir)
		nodeAddr = filepath.Join(dir, "node.socket")
		dcfg := *cfg.Devnet
		dcfg.Logger = cfg.Logger
		if hasTip {
			dcfg.ReleaseTo = tip.Number
		}
		if d.net, err = devnet.Start(runCtx, dcfg, nodeAddr); err != nil {
			return nil, fmt.Errorf("daemon: %w", err)
		}
		d.magic = d.net.Magic()
		cfg.FromOrigin = true
	}
	if nodeAddr == "" {
		return nil, errors.New("daemon: no node socket given (or use the devnet)")
	}
	if !hasTip && cfg.StartPoint == nil && !cfg.FromOrigin {
		return nil, d.noStartPoint()
	}

	if d.ix, err = indexer.New(d.store, extract.New(registry.New()), indexer.Options{
		Logger: cfg.Logger.With().Str("component", "indexer").Logger(), BatchBlocks: cfg.BatchBlocks,
	}); err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	d.progress = newProgress(d.ix, cfg.Logger.With().Str("component", "follower").Logger(), cfg.ProgressInterval)
	follower, err := n2c.NewFollower(n2c.FollowerConfig{
		Config: n2c.Config{Network: cfg.Network, Magic: d.magic, Address: nodeAddr,
			Logger: cfg.Logger.With().Str("component", "n2c").Logger()},
		StartPoint: cfg.StartPoint, FromOrigin: cfg.FromOrigin, ProgressInterval: -1,
	}, d.progress)
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}

	h, err := d.handlers(nodeAddr)
	if err != nil {
		return nil, err
	}
	if d.srv, err = runtime.NewServer(server.Config{
		Logger: cfg.Logger.With().Str("component", "server").Logger(),
	}, h); err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	if d.ln, err = net.Listen("tcp", addr); err != nil {
		return nil, fmt.Errorf("daemon: listen on %s: %w", addr, err)
	}
	d.log.Info().Str("addr", d.ln.Addr().String()).Str("network", cfg.Network.String()).
		Str("node", nodeAddr).Bool("devnet", d.net != nil).Msg("marlowe-lite started")

	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		if err := objects.RunGC(runCtx, d.objs, DefaultGCInterval, cfg.Logger.With().Str("component", "contract-store").Logger()); err != nil {
			d.fail(fmt.Errorf("contract store: %w", err))
		}
	}()
	go func() {
		defer wg.Done()
		if err := follower.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			d.fail(fmt.Errorf("follower: %w", err))
		}
	}()
	go func() {
		defer wg.Done()
		if err := d.srv.Serve(runCtx, d.ln); err != nil && !errors.Is(err, context.Canceled) {
			d.fail(fmt.Errorf("server: %w", err))
		}
	}()
	go func() {
		wg.Wait()
		d.closeAll()
		close(d.done)
	}()
	return d, nil
}

// noStartPoint explains what an empty store needs.
func (d *Daemon) noStartPoint() error {
	msg := "daemon: the store is empty and no start point is set: give --start-point SLOT.HASH " +
		"(the block of the network's first Marlowe reference-script publication, or any earlier block) or --from-origin"
	if sp, ok := registry.New().StartPoint(d.network); ok {
		msg += fmt.Sprintf("; on %s the %s scripts were published by transaction(s)", d.network, sp.Version)
		for _, id := range sp.TxIDs {
			msg += " " + id.String()
		}
	}
	return errors.New(msg)
}

// fail records the first error and stops everything.
func (d *Daemon) fail(err error) {
	d.errMu.Lock()
	if d.err == nil {
		d.err = err
		d.log.Error().Err(err).Msg("stopping")
	}
	d.errMu.Unlock()
	d.cancel()
}

// closeAll releases what Start opened, in reverse order of data flow.
func (d *Daemon) closeAll() {
	if d.cancel != nil {
		d.cancel()
	}
	if d.ix != nil {
		if err := d.ix.Flush(); err != nil {
			d.log.Warn().Err(err).Msg("flush at shutdown")
		}
	}
	if d.txjob != nil {
		d.txjob.Close()
	}
	if d.client != nil {
		_ = d.client.Close()
	}
	if d.net != nil {
		_ = d.net.Close()
	}
	if d.store != nil {
		if err := d.store.Close(); err != nil {
			d.log.Warn().Err(err).Msg("close store")
		}
	}
	for _, dir := range d.tmpDirs {
		_ = os.RemoveAll(dir)
	}
}

// Addr is the protocol server's address.
func (d *Daemon) Addr() string { return d.ln.Addr().String() }

// Store is the index (tests read it).
func (d *Daemon) Store() *kv.Store { return d.store }

// Devnet is the devnet, nil when following a real node.
func (d *Daemon) Devnet() *devnet.Devnet { return d.net }

// CaughtUp reports whether the index has reached the node's tip once.
func (d *Daemon) CaughtUp() bool { return d.progress.CaughtUp() }

// Stop shuts down and waits: the server stops accepting, sessions end,
// the follower stops, pending blocks are committed, the store closes.
func (d *Daemon) Stop() error {
	d.cancel()
	return d.Wait()
}

// Wait blocks until the daemon has stopped and returns why (nil after
// Stop or the parent context's end).
func (d *Daemon) Wait() error {
	<-d.done
	d.errMu.Lock()
	defer d.errMu.Unlock()
	return d.err
}
