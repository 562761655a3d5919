package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

// progress wraps the indexer to report catch-up in the log (slot, percent
// of the node's height, blocks/s at most every interval, one line when
// caught up) and to remember the node's tip for status queries.
type progress struct {
	n2c.Consumer
	log      zerolog.Logger
	interval time.Duration
	now      func() time.Time

	mu         sync.Mutex
	nodeTip    chain.Tip
	last       chain.Block
	lastReport time.Time
	blocks     uint64
	caughtUp   bool
	seen       bool
}

func newProgress(c n2c.Consumer, log zerolog.Logger, interval time.Duration) *progress {
	return &progress{Consumer: c, log: log, interval: interval, now: time.Now}
}

func (p *progress) RollForward(ctx context.Context, b chain.Block) error {
	if err := p.Consumer.RollForward(ctx, b); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.lastReport.IsZero() {
		p.lastReport = now
	}
	p.blocks++
	p.last, p.seen = b, true
	if b.Tip.BlockNumber > 0 {
		p.nodeTip = b.Tip
	}
	atTip := b.Tip.BlockNumber > 0 && b.Number >= b.Tip.BlockNumber
	if atTip && !p.caughtUp {
		p.caughtUp = true
		p.log.Info().Uint64("slot", b.Point.Slot).Uint64("block", b.Number).Msg("caught up with the node")
		p.blocks, p.lastReport = 0, now
		return nil
	}
	if !p.caughtUp && now.Sub(p.lastReport) >= p.interval {
		elapsed := now.Sub(p.lastReport).Seconds()
		ev := p.log.Info().Uint64("slot", b.Point.Slot).Uint64("block", b.Number).
			Float64("blocks_per_s", float64(int(float64(p.blocks)/elapsed*10))/10)
		if b.Tip.BlockNumber > 0 {
			ev = ev.Float64("percent", float64(int(float64(b.Number)/float64(b.Tip.BlockNumber)*1000))/10).
				Uint64("node_block", b.Tip.BlockNumber)
		}
		ev.Msg("catching up")
		p.blocks, p.lastReport = 0, now
	}
	return nil
}

func (p *progress) RollBackward(ctx context.Context, pt chain.Point) error {
	if err := p.Consumer.RollBackward(ctx, pt); err != nil {
		return err
	}
	p.log.Debug().Stringer("point", pt).Msg("rolled back")
	return nil
}

// NodeTip is the node's tip as last reported with a block; ok is false
// before the first block.
func (p *progress) NodeTip() (chain.Tip, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nodeTip, p.nodeTip.BlockNumber > 0
}

// Last is the last block received; ok is false before the first.
func (p *progress) Last() (chain.Block, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, p.seen
}

// CaughtUp reports whether the index has reached the node's tip once.
func (p *progress) CaughtUp() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.caughtUp
}
