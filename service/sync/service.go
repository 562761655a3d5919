package sync

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// DefaultMaxWait bounds how long a poll is held when nothing changes.
const DefaultMaxWait = 30 * time.Second

// Config configures a Service.
type Config struct {
	// Network is the network the index follows; addresses of another
	// network in the index are reported as errors rather than served.
	Network registry.Network
	// Clock converts validity slots to times (see view.SlotClock).
	Clock view.SlotClock
	// MaxWait bounds how long a client's poll is held while the index
	// does not change; zero means DefaultMaxWait.
	MaxWait time.Duration
	// MaxBulkTxs bounds the Marlowe transactions in one BulkSync
	// response (a block is never split and at least one is sent); zero
	// means DefaultMaxBulkTxs. Mainnet's Marlowe blocks hold one or two
	// transactions, so clients get their whole batch there; a burst of
	// dense blocks comes in a few more round trips instead of one huge
	// message per client.
	MaxBulkTxs int
	// Logger receives rollback answers at debug level.
	Logger zerolog.Logger
}

// DefaultMaxBulkTxs is Config.MaxBulkTxs's default.
const DefaultMaxBulkTxs = 256

// Service holds what the three handlers share: the store, the converter
// and the poll bound. It is immutable and safe for concurrent use.
type Service struct {
	store   *kv.Store
	conv    *view.Converter
	maxWait time.Duration
	// maxBulkTxs bounds one BulkSync response (Config.MaxBulkTxs).
	maxBulkTxs int
	log        zerolog.Logger
	// depth is the deepest rollback the store can make (k+1 blocks): a
	// block that many blocks below a vanished cursor is certainly on the
	// client's chain too.
	depth uint64
}

// New returns a Service answering from store.
func New(store *kv.Store, cfg Config) (*Service, error) {
	if store == nil {
		return nil, errors.New("sync: nil store")
	}
	conv, err := view.New(cfg.Network, cfg.Clock)
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	switch {
	case cfg.MaxWait < 0:
		return nil, fmt.Errorf("sync: MaxWait %v is negative", cfg.MaxWait)
	case cfg.MaxWait == 0:
		cfg.MaxWait = DefaultMaxWait
	}
	switch {
	case cfg.MaxBulkTxs < 0:
		return nil, fmt.Errorf("sync: MaxBulkTxs %d is negative", cfg.MaxBulkTxs)
	case cfg.MaxBulkTxs == 0:
		cfg.MaxBulkTxs = DefaultMaxBulkTxs
	}
	k := store.SecurityParam()
	if k == math.MaxUint64 {
		return nil, errors.New("sync: store security parameter out of range")
	}
	return &Service{store: store, conv: conv, maxWait: cfg.MaxWait, maxBulkTxs: cfg.MaxBulkTxs, log: cfg.Logger, depth: k + 1}, nil
}

// MarloweSync returns the MarloweSync handler.
func (s *Service) MarloweSync() *MarloweSync { return &MarloweSync{s: s} }

// HeaderSync returns the MarloweHeaderSync handler.
func (s *Service) HeaderSync() *HeaderSync { return &HeaderSync{s: s} }

// BulkSync returns the MarloweBulkSync handler.
func (s *Service) BulkSync() *BulkSync { return &BulkSync{s: s} }

// live answers a Next request with read, which reports whether its answer
// is a wait. A first request gets the answer at once; a poll that finds
// nothing new is held until the index changes (then read again), ctx ends
// or MaxWait passes. The change channel is taken before each read so that a
// commit between the read and the wait is not missed.
func live[T any](ctx context.Context, s *Service, read func() (T, bool, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	polling := session.Polling(ctx)
	var timer *time.Timer
	for {
		var changed <-chan struct{}
		if polling {
			changed = s.store.Changed()
		}
		v, wait, err := read()
		if err != nil || !wait || !polling {
			return v, err
		}
		if timer == nil {
			timer = time.NewTimer(s.maxWait)
			defer timer.Stop()
		}
		select {
		case <-changed:
		case <-timer.C:
			return v, nil
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
}

// shared returns whether a block of the index's chain is certainly on the
// chain of a client whose last block, cursor, is no longer on the index's.
// The index records where each rollback went (kv.Snapshot.CommonPoint), so
// normally that is exactly the blocks up to the fork point; when the
// records cannot tell (they are kept for the journal window only), the
// blocks at least depth below the cursor, further than any rollback
// reaches (see the package documentation).
func (s *Service) shared(r *kv.Snapshot, cursor types.BlockHeader) (func(kv.BlockRef) bool, error) {
	if ref, err := view.BlockRef(cursor); err == nil {
		common, has, ok, err := r.CommonPoint(ref)
		if err != nil {
			return nil, err
		}
		switch {
		case ok && !has:
			return func(kv.BlockRef) bool { return false }, nil
		case ok:
			return func(b kv.BlockRef) bool { return b.Slot <= common.Slot }, nil
		}
	}
	n := uint64(cursor.Block)
	return func(b kv.BlockRef) bool {
		return b.Slot < uint64(cursor.Slot) && n >= s.depth && b.Number <= n-s.depth
	}, nil
}

// after is the first slot after the cursor's block (0 at Genesis); ok is
// false when no slot follows.
func after(cursor types.ChainPoint) (slot uint64, ok bool) {
	if !cursor.At {
		return 0, true
	}
	if uint64(cursor.Header.Slot) == math.MaxUint64 {
		return 0, false
	}
	return uint64(cursor.Header.Slot) + 1, true
}

// onChain reports whether the block of an activity record at the cursor's
// slot is the cursor's block.
func activityOnChain(r *kv.Snapshot, h types.BlockHeader) (bool, error) {
	a, ok, err := r.ActivityAt(uint64(h.Slot))
	if err != nil {
		return false, err
	}
	return ok && view.SameBlock(a.Block, h), nil
}

// creationsOf returns the contracts a transaction created: a contract's id
// is its creation output, so they are the contracts whose id names the
// transaction (a transaction cannot step a contract it creates).
func creationsOf(tx kv.ActivityTx) []extract.TxOutRef {
	var out []extract.TxOutRef
	for _, id := range tx.Contracts {
		if id.TxID == tx.TxID {
			out = append(out, id)
		}
	}
	return out
}

// hasCreation reports whether a block created contracts.
func hasCreation(a kv.BlockActivity) bool {
	for _, tx := range a.Txs {
		if len(creationsOf(tx)) > 0 {
			return true
		}
	}
	return false
}

// creation reads a contract's header and create step, which every
// indexed contract has.
func creation(r *kv.Snapshot, id extract.TxOutRef) (view.Creation, error) {
	h, ok, err := r.Contract(id)
	if err != nil {
		return view.Creation{}, err
	}
	if !ok {
		return view.Creation{}, fmt.Errorf("contract %s: no header in the index", id)
	}
	st, ok, err := r.Creation(id)
	if err != nil {
		return view.Creation{}, err
	}
	if !ok {
		return view.Creation{}, fmt.Errorf("contract %s: no create step in the index", id)
	}
	return view.Creation{Header: h, Create: st}, nil
}
