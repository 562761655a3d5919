// Package indexer joins the chain follower to the store: it is the
// n2c.Consumer that runs the Marlowe recogniser (contracts/extract) over each
// delivered block, with the store as the recogniser's UTxO view, and commits
// the result to the Badger index (kv). Rollbacks from the node are replayed
// on the store's journal.
//
// Every block is applied, Marlowe or not, because the store's chain point and
// journal must follow the node block by block: the follower resumes from the
// store's points after a reconnection or a restart, so nothing is skipped and
// nothing is applied twice.
//
// A byte-level pre-filter (extract.Filter) reads each block's raw CBOR
// once and lets only blocks that can hold a Marlowe step reach the full
// decode; the others are applied as empty blocks straight from their
// header. The filter's set of tracked transaction ids follows the store:
// loaded from it on first use, updated with every decoded block's deltas,
// and reloaded after a rollback or a failure.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

// DefaultRecentPoints is how many of the newest stored points are offered
// for intersection before the offer thins out.
const DefaultRecentPoints = 8

// maxRetainedScan bounds how many journalled points IntersectPoints reads:
// more than the default k, so the whole retained window can be sampled.
const maxRetainedScan = kv.DefaultSecurityParam + 1

// Options configure an Indexer.
type Options struct {
	// Logger receives the recogniser's diagnostics (rejected creations and
	// apply-inputs) at debug level.
	Logger zerolog.Logger
	// RecentPoints is how many of the newest stored points are offered
	// consecutively at intersection; older retained points are offered
	// at doubling distances. Zero means DefaultRecentPoints.
	RecentPoints int
	// BatchBlocks, above 1, commits up to that many blocks per Badger
	// transaction while catching up (kv.Store.ApplyBlocks): a commit
	// costs far more than an empty block's writes. Blocks within
	// BatchBlocks of the node's tip are committed at once, so readers
	// see the tip without delay. Uncommitted blocks are lost on a crash
	// and simply fetched again. Zero or 1: one transaction per block.
	BatchBlocks int
	// DecodeAll turns the pre-filter off: every block is decoded (a
	// baseline for benchmarks, and a check that the filter changes
	// nothing).
	DecodeAll bool
}

// Indexer is the n2c.Consumer that indexes Marlowe steps into a kv.Store.
// The follower calls it sequentially; beyond the store it holds only the
// uncommitted blocks of a batch, so a new Indexer over a reopened store
// resumes where the old one's last commit left it.
type Indexer struct {
	store  *kv.Store
	x      *extract.Extractor
	log    zerolog.Logger
	recent int
	batch  int

	// filter is nil with DecodeAll; filterStale asks for a reload from
	// the store before the next block. Guarded by mu.
	filter      *extract.Filter
	filterStale bool
	stats       Stats

	// mu guards the batch: the follower calls sequentially, but Flush
	// may come from the goroutine shutting down.
	mu sync.Mutex
	// pending are extracted blocks not yet committed, in chain order;
	// overlay is the store plus their Deltas, the UTxO view the next
	// block is extracted against (Lookup sees committed blocks only).
	pending []kv.Block
	overlay *extract.MemUTxO
}

var _ n2c.Consumer = (*Indexer)(nil)

// New returns an indexer writing to store with recogniser x.
func New(store *kv.Store, x *extract.Extractor, opts Options) (*Indexer, error) {
	if store == nil {
		return nil, errors.New("indexer: nil store")
	}
	if x == nil {
		return nil, errors.New("indexer: nil extractor")
	}
	if opts.RecentPoints < 0 {
		return nil, fmt.Errorf("indexer: RecentPoints %d is negative", opts.RecentPoints)
	}
	if opts.RecentPoints == 0 {
		opts.RecentPoints = DefaultRecentPoints
	}
	if opts.BatchBlocks < 0 {
		return nil, fmt.Errorf("indexer: BatchBlocks %d is negative", opts.BatchBlocks)
	}
	ix := &Indexer{store: store, x: x, log: opts.Logger, recent: opts.RecentPoints,
		batch: max(opts.BatchBlocks, 1)}
	if !opts.DecodeAll {
		ix.filter, ix.filterStale = x.NewFilter(), true
	}
	return ix, nil
}

// IntersectPoints offers the store's tip and the retained blocks below it,
// newest first: the RecentPoints newest consecutively (a shallow rollback
// while disconnected still intersects close to the tip), then older ones at
// doubling distances down to the oldest retained block, so that even a deep
// fork intersects with a short message. Points below the journal window are
// not offered since the store could not roll back to them. The start point
// or origin for an empty store comes from the follower's configuration.
func (ix *Indexer) IntersectPoints(context.Context) ([]chain.Point, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.flushLocked(); err != nil {
		return nil, err
	}
	n := int(ix.store.SecurityParam()) + 1
	if n <= 0 || n > maxRetainedScan {
		// A larger k only widens the journal; sampling its newest
		// maxRetainedScan points is enough for a node's rollbacks.
		n = maxRetainedScan
	}
	all, err := ix.store.RecentPoints(n)
	if err != nil {
		return nil, fmt.Errorf("indexer: intersect points: %w", err)
	}
	return sparse(all, ix.recent), nil
}

// sparse keeps the first recent points, then points at doubling distances,
// and always the last (oldest) one.
func sparse(all []chain.Point, recent int) []chain.Point {
	if len(all) <= recent {
		return all
	}
	out := make([]chain.Point, 0, recent+16)
	out = append(out, all[:recent]...)
	step := 2
	for i := recent - 1 + step; i < len(all)-1; i += step {
		out = append(out, all[i])
		step *= 2
	}
	return append(out, all[len(all)-1])
}

// RollForward decodes the block, extracts its Marlowe events against the
// store's tracked outputs and applies it: index writes, journal entry and
// chain point in one Badger transaction (kv.Store.ApplyBlock), or, with
// BatchBlocks, together with the blocks before it in one transaction of
// several (kv.Store.ApplyBlocks, each block still journalled on its own).
// A block that does not link to the stored (or pending) tip is refused,
// so a gap or a duplicate can never be indexed silently.
func (ix *Indexer) RollForward(_ context.Context, b chain.Block) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var tip kv.BlockRef
	var ok bool
	if n := len(ix.pending); n > 0 {
		tip, ok = kv.BlockRef{Slot: ix.pending[n-1].Point.Slot, Hash: ix.pending[n-1].Point.Hash, Number: ix.pending[n-1].Number}, true
	} else {
		var err error
		if tip, ok, err = ix.store.Tip(); err != nil {
			return fmt.Errorf("indexer: block %s #%d: read tip: %w", b.Point, b.Number, err)
		}
	}
	if ok && (b.Prev != tip.Hash || b.Number != tip.Number+1) {
		return fmt.Errorf("indexer: block %s #%d (parent %s) does not extend the stored tip %s #%d",
			b.Point, b.Number, b.Prev, tip.Point(), tip.Number)
	}
	ix.stats.Blocks++
	if !ix.mayHoldStep(b) {
		return ix.commit(b, extract.BlockEvents{Header: extract.BlockHeader{Slot: b.Point.Slot, Hash: b.Point.Hash, Number: b.Number}})
	}
	ix.stats.Decoded++
	blk, err := b.Decode()
	if err != nil {
		return fmt.Errorf("indexer: block %s #%d: decode: %w", b.Point, b.Number, err)
	}
	var utxo extract.UTxO = ix.store
	if ix.batch > 1 {
		if ix.overlay == nil {
			ix.overlay = extract.NewMemUTxO(ix.store)
		}
		utxo = ix.overlay
	}
	ev, err := ix.x.LedgerBlock(blk, utxo)
	if err != nil {
		return fmt.Errorf("indexer: block %s #%d: extract: %w", b.Point, b.Number, err)
	}
	if ev.Header.Slot != b.Point.Slot || ev.Header.Hash != b.Point.Hash {
		return fmt.Errorf("indexer: block %s #%d: decoded header is slot %d hash %x",
			b.Point, b.Number, ev.Header.Slot, ev.Header.Hash)
	}
	ix.logDiagnostics(b, &ev)
	return ix.commit(b, ev)
}

// mayHoldStep asks the pre-filter, reloading its tracked set first when
// stale. A failed reload decodes the block: the filter only saves work.
func (ix *Indexer) mayHoldStep(b chain.Block) bool {
	if ix.filter == nil {
		return true
	}
	if ix.filterStale {
		if len(ix.pending) > 0 {
			// The tracked set is the store's plus the pending deltas;
			// committing first keeps one source of truth.
			if err := ix.flushLocked(); err != nil {
				return true
			}
		}
		if err := ix.filter.Reset(ix.store.TrackedRefs); err != nil {
			ix.log.Warn().Err(err).Msg("pre-filter reload failed; decoding the block")
			return true
		}
		ix.filterStale = false
	}
	return ix.filter.MayHoldStep(b.CBOR)
}

// commit applies a block's events: at once, or into the pending batch.
// Any failure marks the filter stale, since its deltas may then be ahead
// of the store.
func (ix *Indexer) commit(b chain.Block, ev extract.BlockEvents) (err error) {
	defer func() {
		if err != nil {
			ix.filterStale = true
		}
	}()
	if ix.filter != nil && !ix.filterStale {
		for i := range ev.Txs {
			ix.filter.Apply(ev.Txs[i].Delta())
		}
	}
	if ix.batch <= 1 {
		if err := ix.store.ApplyBlock(b.Point, b.Number, ev); err != nil {
			return fmt.Errorf("indexer: %w", err)
		}
		return nil
	}
	if ix.overlay == nil {
		ix.overlay = extract.NewMemUTxO(ix.store)
	}
	for i := range ev.Txs {
		ix.overlay.Apply(ev.Txs[i].Delta())
	}
	ix.pending = append(ix.pending, kv.Block{Point: b.Point, Number: b.Number, Events: ev})
	// Near the node's tip (or when it is unknown) every block is
	// committed at once.
	nearTip := b.Tip.BlockNumber == 0 || b.Tip.BlockNumber < b.Number+uint64(ix.batch)
	if nearTip || len(ix.pending) >= ix.batch {
		return ix.flushLocked()
	}
	return nil
}

// Stats counts the blocks an Indexer was given and how many of them the
// pre-filter let through to the full decode.
type Stats struct {
	Blocks, Decoded uint64
}

// Stats returns the counts so far.
func (ix *Indexer) Stats() Stats {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.stats
}

// Flush commits the blocks held for batching. Call it when stopping the
// follower; not calling it only loses blocks the follower will fetch again.
func (ix *Indexer) Flush() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.flushLocked()
}

func (ix *Indexer) flushLocked() error {
	if len(ix.pending) == 0 {
		return nil
	}
	blocks := ix.pending
	// Whatever happens the batch is dropped: on failure the store is at a
	// block boundary (Tip tells) and the follower stops.
	ix.pending, ix.overlay = nil, nil
	if err := ix.store.ApplyBlocks(blocks); err != nil {
		ix.filterStale = true
		return fmt.Errorf("indexer: %w", err)
	}
	return nil
}

// logDiagnostics reports what the recogniser saw but did not index: neither
// stops the indexer (a malformed creation is not a contract, as in the
// Runtime).
func (ix *Indexer) logDiagnostics(b chain.Block, ev *extract.BlockEvents) {
	if ix.log.GetLevel() > zerolog.DebugLevel {
		return
	}
	for i := range ev.Txs {
		tx := &ev.Txs[i]
		for _, r := range tx.CreateRejected {
			ix.log.Debug().Stringer("block", b.Point).Int("tx", tx.Index).
				Str("rejected", r.String()).Msg("output at a Marlowe validator is no contract")
		}
		if r := tx.ApplyRejected; r != nil {
			ix.log.Debug().Stringer("block", b.Point).Int("tx", tx.Index).
				Str("rejected", r.String()).Msg("Marlowe output spent without a recognised step")
		}
	}
}

// RollBackward truncates the store to p. A rollback to the store's own tip
// (the follower's first call after every connection) changes nothing.
// A point older than the journal window (kv.ErrBeyondWindow) or not on the
// stored chain (kv.ErrNotOnChain) is returned to the follower, which stops:
// the store cannot follow that chain without a rebuild.
func (ix *Indexer) RollBackward(_ context.Context, p chain.Point) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	// The pending blocks were on the node's chain; committing them first
	// keeps one path for rollbacks (the journal).
	if err := ix.flushLocked(); err != nil {
		return err
	}
	if tip, ok, err := ix.store.Tip(); err != nil || !ok || tip.Point() != p {
		// Anything but the no-op rollback to the tip may change the
		// tracked outputs.
		ix.filterStale = true
	}
	if err := ix.store.RollBack(p); err != nil {
		return fmt.Errorf("indexer: %w", err)
	}
	return nil
}
