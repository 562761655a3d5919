package headersync

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/marlowe-lite/marlowe-lite/protocol/memchain"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Memory is an in-memory Handler: a chain of blocks with the contracts each
// created, extended at the tip and rolled back on demand. It backs the tests
// and small demos; the index-backed Handler answers the same way. It is safe
// for concurrent use.
type Memory struct {
	mu    sync.RWMutex
	chain *memchain.Chain[[]types.ContractHeader]
}

var _ Handler = (*Memory)(nil)

// NewMemory returns an empty chain.
func NewMemory() *Memory {
	return &Memory{chain: memchain.New[[]types.ContractHeader]()}
}

// AddBlock records block with the contracts it created; block must be the
// tip (the headers are then added to it) or extend it. A block without
// headers still counts for intersections.
func (m *Memory) AddBlock(block types.BlockHeader, headers ...types.ContractHeader) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	hs, err := m.chain.At(block, func() []types.ContractHeader { return nil })
	if err != nil {
		return fmt.Errorf("headersync memory: %w", err)
	}
	*hs = append(*hs, headers...)
	return nil
}

// Rollback removes every block after to (all of them for Genesis),
// remembering where each removed block's clients must resume.
func (m *Memory) Rollback(to types.ChainPoint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.chain.Rollback(to)
}

// Intersect implements Handler the way the Haskell runtime does: the points
// must match a run of consecutive chain blocks starting at the first point,
// and the intersection is the last point of that run.
func (m *Memory) Intersect(ctx context.Context, points []types.BlockHeader) (types.BlockHeader, bool, error) {
	if err := ctx.Err(); err != nil {
		return types.BlockHeader{}, false, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	block, found := m.chain.Intersect(points)
	return block, found, nil
}

// Next implements Handler.
func (m *Memory) Next(ctx context.Context, cursor types.ChainPoint) (Next, error) {
	if err := ctx.Err(); err != nil {
		return Next{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if to, ok := m.chain.RolledBack(cursor); ok {
		return RollBackward(to), nil
	}
	blocks := m.chain.Blocks()
	for _, b := range blocks[m.chain.After(cursor):] {
		if len(b.Data) > 0 {
			return NewHeaders(b.Header, slices.Clone(b.Data)), nil
		}
	}
	return Wait(), nil
}
