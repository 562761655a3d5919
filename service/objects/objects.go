// Package objects serves the runtime's contract store — MarloweLoad,
// MarloweTransfer and ContractQuery — from the Badger object store
// (kv.Objects): content-addressed merkleized contracts kept with their
// adjacency, staged per load or import session and collected by GC.
//
// Store adapts kv.Objects to the protocol side: it is an
// object.ContractStore (whose staging areas are kv staging sessions), a
// contractquery.Lookup and a contractquery.Handler. New returns the three
// sub-protocol handlers over one store, ready for runtime.Handlers; RunGC
// collects garbage periodically.
//
// Semantics are those of the in-memory model (object.MemoryStore,
// contractquery.Memory) and of the Haskell contract store, with one
// boundary made explicit: a hash that is not 32 bytes names no contract. On
// the wire such a hash is simply not found (GetContract answers Nothing,
// an export MsgContractNotFound, an import's merkleized case
// ContinuationNotInStore), as in Haskell, where any byte string is a
// DatumHash that the store does not have; kv reports it as kv.ErrBadHash.
package objects

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/load"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/transfer"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Store is the protocol view of a kv.Objects. It is safe for concurrent use.
type Store struct {
	objs *kv.Objects
}

var (
	_ object.ContractStore  = (*Store)(nil)
	_ contractquery.Handler = (*Store)(nil)
	_ contractquery.Lookup  = (&Store{}).Lookup
)

// NewStore returns the protocol view of objs.
func NewStore(objs *kv.Objects) (*Store, error) {
	if objs == nil {
		return nil, errors.New("contract store: nil object store")
	}
	return &Store{objs: objs}, nil
}

// Objects is the underlying object store.
func (s *Store) Objects() *kv.Objects { return s.objs }

// Contract implements object.ContractStore.
func (s *Store) Contract(ctx context.Context, h object.ContractHash) (core.Contract, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	c, ok, err := s.objs.Contract([]byte(h))
	if errors.Is(err, kv.ErrBadHash) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("contract store: %w", err)
	}
	return c, ok, nil
}

// Lookup is Contract for ContractQuery (a contractquery.Lookup).
func (s *Store) Lookup(ctx context.Context, h types.DatumHash) (core.Contract, bool, error) {
	return s.Contract(ctx, object.ContractHash(h))
}

// Handle implements contractquery.Handler: GetContract reads the contract
// with its adjacency and closure in one snapshot, walking the closure over
// the stored adjacency rows (nil when the contract or any contract its
// closure reaches is missing); MerkleizeInputs runs
// contractquery.Merkleize over the store.
func (s *Store) Handle(ctx context.Context, req contractquery.Request) (contractquery.Result, error) {
	switch r := req.(type) {
	case contractquery.GetContract:
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		info, ok, err := s.objs.Describe([]byte(r.Hash))
		if errors.Is(err, kv.ErrBadHash) || (err == nil && !ok) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("contract store: GetContract: %w", err)
		}
		return &contractquery.ContractWithAdjacency{
			ContractHash: types.DatumHash(info.Hash[:]),
			Contract:     info.Contract,
			Adjacency:    datumHashes(info.Adjacency),
			Closure:      datumHashes(info.Closure),
		}, nil
	case contractquery.MerkleizeInputs:
		return contractquery.Merkleize(ctx, s.Lookup, r.Contract, r.State, r.Input)
	}
	return nil, fmt.Errorf("contract store: unknown request %T", req)
}

func datumHashes(hs [][32]byte) []types.DatumHash {
	out := make([]types.DatumHash, len(hs))
	for i, h := range hs {
		out[i] = types.DatumHash(h[:])
	}
	return out
}

// NewStagingArea implements object.ContractStore with a kv staging session.
func (s *Store) NewStagingArea(ctx context.Context) (object.StagingArea, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ss, err := s.objs.NewSession()
	if err != nil {
		return nil, fmt.Errorf("contract store: %w", err)
	}
	return &stagingArea{ss: ss}, nil
}

// stagingArea is object.StagingArea over a kv staging session.
type stagingArea struct {
	ss *kv.StagingSession
}

// mapErr gives kv's closed-session error the protocol's identity.
func mapErr(what string, err error) error {
	if errors.Is(err, kv.ErrSessionClosed) {
		return object.ErrStagingClosed
	}
	return fmt.Errorf("contract store: %s: %w", what, err)
}

func (a *stagingArea) Stage(ctx context.Context, c core.Contract) (object.ContractHash, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	h, err := a.ss.Stage(c)
	if err != nil {
		return "", mapErr("stage", err)
	}
	return object.ContractHash(h[:]), nil
}

func (a *stagingArea) Exists(ctx context.Context, h object.ContractHash) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := a.ss.Exists([]byte(h))
	if errors.Is(err, kv.ErrBadHash) {
		return false, nil
	}
	if err != nil {
		return false, mapErr("exists", err)
	}
	return ok, nil
}

func (a *stagingArea) Flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := a.ss.Flush(); err != nil {
		return mapErr("flush", err)
	}
	return nil
}

func (a *stagingArea) Commit(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := a.ss.Commit(); err != nil {
		return mapErr("commit", err)
	}
	return nil
}

// Discard ignores ctx: the servers discard from failed sessions whose
// context may be gone, and the rows must go all the same.
func (a *stagingArea) Discard(context.Context) error {
	if err := a.ss.Discard(); err != nil {
		return mapErr("discard", err)
	}
	return nil
}

// Options configure New. Zero fields take the protocol packages' defaults.
type Options struct {
	// LoadBatch is the pushes granted per MarloweLoad MsgResume, the
	// staging area being flushed at each batch boundary (default
	// load.DefaultBatchSize).
	LoadBatch int
	// ExportBatch caps the contracts per MsgDownloaded (0: as many as the
	// client asks for).
	ExportBatch int
	// MaxContractSize and MaxContractDepth bound each imported contract
	// after linking (defaults transfer.DefaultMaxContractSize and
	// transfer.DefaultMaxContractDepth).
	MaxContractSize, MaxContractDepth int
}

// Handlers are the contract-store sub-protocols' handlers over one store,
// to copy into runtime.Handlers.
type Handlers struct {
	Load          load.Handler
	Transfer      transfer.Handler
	ContractQuery contractquery.Handler
	// Store is the store they share.
	Store *Store
}

// New returns the MarloweLoad, MarloweTransfer and ContractQuery handlers
// over objs: what one session loads or imports the others see once it
// commits.
func New(objs *kv.Objects, opts Options) (Handlers, error) {
	s, err := NewStore(objs)
	if err != nil {
		return Handlers{}, err
	}
	if opts.LoadBatch < 0 || opts.ExportBatch < 0 || opts.MaxContractSize < 0 || opts.MaxContractDepth < 0 {
		return Handlers{}, fmt.Errorf("contract store: negative option in %+v", opts)
	}
	batch := opts.LoadBatch
	if batch == 0 {
		batch = load.DefaultBatchSize
	}
	return Handlers{
		Load: &load.StoreHandler{Store: s, Batch: batch},
		Transfer: &transfer.StoreHandler{Store: s, MaxBatch: opts.ExportBatch,
			MaxContractSize: opts.MaxContractSize, MaxContractDepth: opts.MaxContractDepth},
		ContractQuery: s,
		Store:         s,
	}, nil
}

// RunGC collects the object store's garbage (kv.Objects.GC) every interval
// until ctx ends, then returns nil. A failed collection is logged and
// retried at the next tick: the store stays consistent whatever point a
// collection stops at. The Haskell runtime collects when its bulk sync
// reaches the tip and when space runs out; a fixed interval is simpler and
// as good, since GC excludes the indexer only for its duration.
func RunGC(ctx context.Context, objs *kv.Objects, interval time.Duration, log zerolog.Logger) error {
	if objs == nil {
		return errors.New("contract store gc: nil object store")
	}
	if interval <= 0 {
		return fmt.Errorf("contract store gc: interval %v must be positive", interval)
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			st, err := objs.GC(objs.Now())
			if err != nil {
				log.Warn().Err(err).Msg("contract store gc failed; retrying at the next interval")
				continue
			}
			if st.Removed > 0 {
				log.Info().Int("removed", st.Removed).Int("kept", st.Kept).Int("roots", st.Roots).Msg("contract store gc")
			}
		}
	}
}
