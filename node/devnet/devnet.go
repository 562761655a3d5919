// Package devnet runs an in-process chain for trying marlowe-lite without a
// cardano-node: the fake node (node/fakenode) serving a generated history of
// Marlowe contracts (node/chaingen), then growing by one block per
// interval, so that the whole system — follower, index, protocol server —
// runs live with one command.
//
// In validating mode (Config.Ledger) the devnet behaves like a one-node
// chain instead: a ledger (node/ledger) funds test wallets at genesis,
// validates every submitted transaction with the Conway rules (Plutus
// included) and forges the accepted ones into a block every interval; the
// fake node answers UTxO and protocol-parameter queries from that ledger.
//
// The chain is deterministic for a seed: the history and every later block
// are the same on every run, only their release times differ. A store kept
// from an earlier run therefore stays on the devnet's chain; Start releases
// blocks up to a given height at once so that such a store intersects.
package devnet

import (
	"context"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/ledger"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

// Defaults of Config.
const (
	DefaultContracts = 200
	DefaultBlocks    = 2000
	DefaultInterval  = time.Second
	// DefaultMagic is the devnet's network magic (a private testnet).
	DefaultMagic uint32 = 42
	// chunkBlocks is how many future blocks are generated at a time.
	chunkBlocks = 600
)

// Config configures a devnet. Zero fields take the defaults.
type Config struct {
	// Seed drives the generator.
	Seed uint64
	// Contracts and Blocks size the history served from the start.
	Contracts, Blocks int
	// Interval is the time between new blocks after the history;
	// negative stops growth (the history only).
	Interval time.Duration
	// Magic is the handshake magic.
	Magic uint32
	// ReleaseTo releases blocks up to this block number at start, beyond
	// the history when needed (a store kept from an earlier run).
	ReleaseTo uint64
	// Ledger, when set, runs the validating mode.
	Ledger *LedgerConfig
	Logger zerolog.Logger
}

// LedgerConfig configures the validating mode. Its chain starts empty, or
// after the generated history when History is set (history blocks are
// served but not applied to the ledger: their outputs cannot be spent).
// Blocks depend on submissions and the wall clock, so the chain is not
// reproducible across runs and Config.ReleaseTo is ignored.
type LedgerConfig struct {
	// ScriptsDir holds the Marlowe validators' text envelopes; the v5 ones
	// become reference-script outputs at genesis.
	ScriptsDir string
	// Wallets is the number of funded test wallets (0: the ledger's
	// default).
	Wallets int
	// KeysDir, when set, receives the wallets' signing keys, verification
	// keys and addresses (cardano-cli formats).
	KeysDir string
	// History serves the generated history (Contracts, Blocks) first.
	History bool
	// ProtocolParams overrides the ledger's default Conway parameters.
	ProtocolParams *conway.ConwayProtocolParameters
}

// SystemStart and Eras are the devnet's time: one era of 1 s slots from
// the system start, unbounded, the schedule the generator's validity
// intervals follow (mainnet's Shelley-onwards slot times).
var SystemStart = time.UnixMilli(1_591_566_291_000).UTC()

// Eras returns the devnet's era history.
func Eras() []slottime.Era {
	return []slottime.Era{{Start: slottime.Bound{Time: new(big.Int)}, EpochLength: 432_000, SlotLengthMs: 1000,
		SafeZone: 129_600, GenesisWindow: 36_000}}
}

// Network is the address network of the generated transactions (testnet
// addresses; the registry's preprod reference scripts).
const Network = registry.Preprod

// Devnet is a running devnet.
type Devnet struct {
	cfg    Config
	node   *fakenode.Node
	log    zerolog.Logger
	ledger *ledger.Ledger

	histCfg chaingen.Config
	history *chaingen.Chain

	mu      sync.Mutex
	future  []chain.Block
	chunk   uint64
	last    chain.Block
	stop    chan struct{}
	stopped sync.WaitGroup
}

// Start generates the history and serves it on a unix socket at socket;
// blocks then grow every Interval until Close or ctx ends.
func Start(ctx context.Context, cfg Config, socket string) (*Devnet, error) {
	if cfg.Contracts == 0 {
		cfg.Contracts = DefaultContracts
	}
	if cfg.Blocks == 0 {
		cfg.Blocks = DefaultBlocks
	}
	if cfg.Interval == 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Magic == 0 {
		cfg.Magic = DefaultMagic
	}
	if cfg.Contracts < 0 || cfg.Blocks <= 0 {
		return nil, fmt.Errorf("devnet: %d contracts over %d blocks", cfg.Contracts, cfg.Blocks)
	}
	if cfg.Ledger != nil {
		return startLedger(ctx, cfg, socket)
	}
	began := time.Now()
	histCfg := chaingen.Config{Seed: cfg.Seed, Blocks: cfg.Blocks, Contracts: cfg.Contracts,
		FillerTxs: 2, MalformedCreates: 1, Network: Network}
	hist, err := chaingen.Generate(histCfg)
	if err != nil {
		return nil, fmt.Errorf("devnet: generate history: %w", err)
	}
	node, err := fakenode.New(fakenode.Config{Magic: cfg.Magic, Logger: cfg.Logger,
		SystemStart: SystemStart, Eras: Eras()})
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	d := &Devnet{cfg: cfg, node: node, log: cfg.Logger.With().Str("component", "devnet").Logger(),
		stop: make(chan struct{}), last: hist.Blocks[len(hist.Blocks)-1], histCfg: histCfg, history: hist}
	if err := node.Append(hist.Blocks...); err != nil {
		node.Close()
		return nil, fmt.Errorf("devnet: %w", err)
	}
	for d.last.Number < cfg.ReleaseTo {
		if _, err := d.release(); err != nil {
			node.Close()
			return nil, err
		}
	}
	if err := node.ListenUnix(socket); err != nil {
		node.Close()
		return nil, fmt.Errorf("devnet: %w", err)
	}
	d.log.Info().Int("contracts", hist.Stats.Created).Int("blocks", len(hist.Blocks)).
		Uint64("tip", d.last.Number).Str("socket", socket).Str("generated_in", time.Since(began).Round(time.Millisecond).String()).
		Msg("devnet history ready")
	if cfg.Interval > 0 {
		d.stopped.Add(1)
		go d.grow(ctx)
	}
	return d, nil
}

// Magic is the devnet's network magic.
func (d *Devnet) Magic() uint32 { return d.cfg.Magic }

// Ledger is the validating ledger, nil unless Config.Ledger was set.
func (d *Devnet) Ledger() *ledger.Ledger { return d.ledger }

// Node is the fake node serving the devnet (tests inject forks through it).
func (d *Devnet) Node() *fakenode.Node { return d.node }

// History is the generated history with its ground truth (tests).
func (d *Devnet) History() *chaingen.Chain { return d.history }

// ForkHistory replaces the history from block index at on by a competing
// branch drawn from seed (chaingen's Fork), as a node switching to a
// longer fork would: clients past that block are rolled back. Only for a
// devnet that has not grown beyond its history (Interval < 0); it returns
// the new branch's chain, ground truth included.
func (d *Devnet) ForkHistory(at int, seed uint64) (*chaingen.Chain, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.history == nil || d.ledger != nil {
		return nil, fmt.Errorf("devnet: fork: only a generated-history devnet forks")
	}
	if d.last.Point != d.history.Blocks[len(d.history.Blocks)-1].Point {
		return nil, fmt.Errorf("devnet: fork: the chain has grown past its history")
	}
	if at <= 0 || at >= len(d.history.Blocks) {
		return nil, fmt.Errorf("devnet: fork at %d outside the history's %d blocks", at, len(d.history.Blocks))
	}
	cfg := d.histCfg
	cfg.Fork = &chaingen.Fork{At: at, Seed: seed}
	branch, err := chaingen.Generate(cfg)
	if err != nil {
		return nil, fmt.Errorf("devnet: fork: %w", err)
	}
	if err := d.node.Fork(d.history.Blocks[at-1].Point, branch.Blocks[at:]...); err != nil {
		return nil, fmt.Errorf("devnet: fork: %w", err)
	}
	d.history, d.last = branch, branch.Blocks[len(branch.Blocks)-1]
	return branch, nil
}

// Close stops growth and the node.
func (d *Devnet) Close() error {
	d.mu.Lock()
	select {
	case <-d.stop:
	default:
		close(d.stop)
	}
	d.mu.Unlock()
	d.stopped.Wait()
	return d.node.Close()
}

func (d *Devnet) grow(ctx context.Context) {
	defer d.stopped.Done()
	t := time.NewTicker(d.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.stop:
			return
		case <-t.C:
			b, err := d.release()
			if err != nil {
				d.log.Error().Err(err).Msg("devnet stops growing")
				return
			}
			d.log.Debug().Uint64("block", b.Number).Uint64("slot", b.Point.Slot).Msg("new block")
		}
	}
}

// release appends the next block, generating a new chunk when needed (or,
// in validating mode, forging it from the ledger's queue).
func (d *Devnet) release() (chain.Block, error) {
	if d.ledger != nil {
		return d.Forge()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.future) == 0 {
		d.chunk++
		contracts := max(1, d.cfg.Contracts*chunkBlocks/d.cfg.Blocks)
		c, err := chaingen.Generate(chaingen.Config{Seed: d.cfg.Seed + d.chunk<<32, Blocks: chunkBlocks,
			Contracts: contracts, FillerTxs: 2, Network: Network,
			Parent:    &chaingen.Parent{Hash: d.last.Point.Hash, Number: d.last.Number},
			StartSlot: d.last.Point.Slot + 20})
		if err != nil {
			return chain.Block{}, fmt.Errorf("devnet: generate chunk %d: %w", d.chunk, err)
		}
		d.future = c.Blocks
	}
	b := d.future[0]
	if err := d.node.Append(b); err != nil {
		return chain.Block{}, fmt.Errorf("devnet: %w", err)
	}
	d.future, d.last = d.future[1:], b
	return b, nil
}
