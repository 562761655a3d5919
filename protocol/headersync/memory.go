package headersync

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Memory is an in-memory Handler: a chain of blocks with the contracts each
// created, extended at the tip and rolled back on demand. It backs the tests
// and small demos; the index-backed Handler answers the same way. It is safe
// for concurrent use.
type Memory struct {
	mu     sync.RWMutex
	blocks []headerBlock
	// rolledBack maps each block removed by Rollback to the point the chain
	// was rolled back to, so a client positioned on a vanished block is told
	// where to resume (the Haskell runtime keeps the same table).
	rolledBack map[types.BlockHeaderHash]types.ChainPoint
}

type headerBlock struct {
	header  types.BlockHeader
	headers []types.ContractHeader
}

var _ Handler = (*Memory)(nil)

// NewMemory returns an empty chain.
func NewMemory() *Memory {
	return &Memory{rolledBack: make(map[types.BlockHeaderHash]types.ChainPoint)}
}

// AddBlock records block with the contracts it created; block must be the
// tip (the headers are then added to it) or extend it. A block without
// headers still counts for intersections.
func (m *Memory) AddBlock(block types.BlockHeader, headers ...types.ContractHeader) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.blocks); n > 0 {
		tip := &m.blocks[n-1]
		if tip.header == block {
			tip.headers = append(tip.headers, headers...)
			return nil
		}
		if block.Slot <= tip.header.Slot || block.Block <= tip.header.Block {
			return fmt.Errorf("headersync memory: block %v does not extend the tip %v", block, tip.header)
		}
	}
	m.blocks = append(m.blocks, headerBlock{header: block, headers: slices.Clone(headers)})
	delete(m.rolledBack, block.Hash)
	return nil
}

// Rollback removes every block after to (all of them for Genesis),
// remembering where each removed block's clients must resume.
func (m *Memory) Rollback(to types.ChainPoint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keep := 0
	if to.At {
		for keep < len(m.blocks) && m.blocks[keep].header.Slot <= to.Header.Slot {
			keep++
		}
	}
	removed := make(map[types.BlockHeaderHash]bool, len(m.blocks)-keep)
	for _, b := range m.blocks[keep:] {
		removed[b.header.Hash] = true
		m.rolledBack[b.header.Hash] = to
	}
	// Earlier rollbacks that pointed into the removed blocks now lead to
	// the new point.
	for h, p := range m.rolledBack {
		if p.At && removed[p.Header.Hash] {
			m.rolledBack[h] = to
		}
	}
	m.blocks = slices.Delete(m.blocks, keep, len(m.blocks))
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
	if len(points) == 0 {
		return types.BlockHeader{}, false, nil
	}
	start := slices.IndexFunc(m.blocks, func(b headerBlock) bool { return b.header == points[0] })
	if start < 0 {
		return types.BlockHeader{}, false, nil
	}
	last := points[0]
	for i := 1; i < len(points) && start+i < len(m.blocks) && m.blocks[start+i].header == points[i]; i++ {
		last = points[i]
	}
	return last, true, nil
}

// Next implements Handler.
func (m *Memory) Next(ctx context.Context, cursor types.ChainPoint) (Next, error) {
	if err := ctx.Err(); err != nil {
		return Next{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if cursor.At {
		if to, ok := m.rolledBack[cursor.Header.Hash]; ok {
			return RollBackward(to), nil
		}
	}
	for _, b := range m.blocks {
		if cursor.At && b.header.Slot <= cursor.Header.Slot {
			continue
		}
		if len(b.headers) > 0 {
			return NewHeaders(b.header, slices.Clone(b.headers)), nil
		}
	}
	return Wait(), nil
}
