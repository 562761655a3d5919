package bulksync

import (
	"context"
	"fmt"
	"sync"

	"github.com/marlowe-lite/marlowe-lite/protocol/memchain"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Memory is an in-memory Handler: a chain of Marlowe blocks, extended at the
// tip and rolled back on demand. It backs the tests and small demos; the
// index-backed Handler answers the same way. It is safe for concurrent use.
type Memory struct {
	mu    sync.RWMutex
	chain *memchain.Chain[types.MarloweBlock]
}

var _ Handler = (*Memory)(nil)

// NewMemory returns an empty chain.
func NewMemory() *Memory {
	return &Memory{chain: memchain.New[types.MarloweBlock]()}
}

// AddBlock appends b, which must extend the tip.
func (m *Memory) AddBlock(b types.MarloweBlock) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.chain.Append(b.BlockHeader, b); err != nil {
		return fmt.Errorf("bulksync memory: %w", err)
	}
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
func (m *Memory) Intersect(ctx context.Context, points []types.BlockHeader) (IntersectResult, error) {
	if err := ctx.Err(); err != nil {
		return IntersectResult{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	tip := m.chain.Tip()
	if !tip.At {
		return IntersectNotFound(tip), nil
	}
	block, found := m.chain.Intersect(points)
	if !found {
		return IntersectNotFound(tip), nil
	}
	return IntersectFound(block, tip.Header), nil
}

// Next implements Handler.
func (m *Memory) Next(ctx context.Context, cursor types.ChainPoint, extraBlockCount uint8) (Next, error) {
	if err := ctx.Err(); err != nil {
		return Next{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	tip := m.chain.Tip()
	if to, ok := m.chain.RolledBack(cursor); ok {
		return RollBackward(to, tip), nil
	}
	blocks := m.chain.Blocks()
	start := m.chain.After(cursor)
	if start >= len(blocks) {
		return Wait(), nil
	}
	end := min(len(blocks), start+int(extraBlockCount)+1)
	out := make([]types.MarloweBlock, 0, end-start)
	for _, b := range blocks[start:end] {
		out = append(out, b.Data)
	}
	return RollForward(out, tip.Header), nil
}
