package devnet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/ledger"
)

// startLedger starts the validating mode: the ledger's genesis, the fake
// node answering from it, and a block forged every Interval.
func startLedger(ctx context.Context, cfg Config, socket string) (*Devnet, error) {
	began := time.Now()
	lc := cfg.Ledger
	d := &Devnet{cfg: cfg, log: cfg.Logger.With().Str("component", "devnet").Logger(), stop: make(chan struct{})}
	if cfg.ReleaseTo > 0 {
		d.log.Warn().Uint64("release_to", cfg.ReleaseTo).Msg("a validating devnet's chain differs between runs; use a fresh store")
	}
	var after chain.Tip
	if lc.History {
		histCfg := chaingen.Config{Seed: cfg.Seed, Blocks: cfg.Blocks, Contracts: cfg.Contracts,
			FillerTxs: 2, MalformedCreates: 1, Network: Network}
		hist, err := chaingen.Generate(histCfg)
		if err != nil {
			return nil, fmt.Errorf("devnet: generate history: %w", err)
		}
		d.histCfg, d.history = histCfg, hist
		d.last = hist.Blocks[len(hist.Blocks)-1]
		after = chain.Tip{Point: d.last.Point, BlockNumber: d.last.Number}
	}
	l, err := ledger.New(ledger.Config{Seed: cfg.Seed, Wallets: lc.Wallets, ScriptsDir: lc.ScriptsDir,
		Network: Network, ProtocolParams: lc.ProtocolParams, SystemStart: SystemStart, Eras: Eras(),
		After: after, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	d.ledger = l
	if lc.KeysDir != "" {
		if err := ledger.WriteKeys(lc.KeysDir, l.Wallets()); err != nil {
			return nil, fmt.Errorf("devnet: %w", err)
		}
	}
	node, err := fakenode.New(fakenode.Config{Magic: cfg.Magic, Logger: cfg.Logger,
		SystemStart: SystemStart, Eras: Eras(), ProtocolParams: l.ProtocolParams(), UTxOs: l.UTxOs(),
		Submit: d.submit})
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	d.node = node
	if d.history != nil {
		if err := node.Append(d.history.Blocks...); err != nil {
			node.Close()
			return nil, fmt.Errorf("devnet: %w", err)
		}
	}
	if err := node.ListenUnix(socket); err != nil {
		node.Close()
		return nil, fmt.Errorf("devnet: %w", err)
	}
	ev := d.log.Info().Int("wallets", len(l.Wallets())).Int("reference_scripts", len(l.ReferenceScripts())).
		Str("socket", socket).Str("started_in", time.Since(began).Round(time.Millisecond).String())
	if lc.KeysDir != "" {
		ev = ev.Str("keys", lc.KeysDir)
	}
	ev.Msg("validating devnet ready")
	if cfg.Interval > 0 {
		d.stopped.Add(1)
		go d.grow(ctx)
	}
	return d, nil
}

// submit is the fake node's submission hook in validating mode.
func (d *Devnet) submit(era uint16, tx []byte) error {
	if era != fakenode.EraConway {
		return fmt.Errorf("devnet: transactions of era %d are not accepted, only Conway (%d)", era, fakenode.EraConway)
	}
	id, err := d.ledger.Submit(tx)
	var rej *ledger.Rejected
	if errors.As(err, &rej) {
		d.log.Info().Str("reason", rej.Error()).Msg("transaction rejected")
		return rej.Reason
	}
	if err != nil {
		return err
	}
	d.log.Info().Str("tx", id.String()).Msg("transaction accepted")
	return nil
}

// Forge forges the next block of a validating devnet from the ledger's
// queue at the current slot and appends it; the UTxO the node serves is
// updated first, so a client that sees the block also sees its outputs.
func (d *Devnet) Forge() (chain.Block, error) {
	if d.ledger == nil {
		return chain.Block{}, errors.New("devnet: not in validating mode")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	blk, err := d.ledger.Forge(d.ledger.CurrentSlot())
	if err != nil {
		return chain.Block{}, fmt.Errorf("devnet: %w", err)
	}
	if err := d.node.SetUTxOs(d.ledger.UTxOs()); err != nil {
		return chain.Block{}, fmt.Errorf("devnet: %w", err)
	}
	if err := d.node.Append(blk); err != nil {
		return chain.Block{}, fmt.Errorf("devnet: %w", err)
	}
	d.last = blk
	return blk, nil
}
