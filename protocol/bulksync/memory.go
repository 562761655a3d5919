package bulksync

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Memory is an in-memory Handler: a chain of Marlowe blocks, extended at the
// tip and rolled back on demand. It backs the tests and small demos; the
// index-backed Handler answers the same way. It is safe for concurrent use.
type Memory struct {
	mu     sync.RWMutex
	blocks []types.MarloweBlock
	// rolledBack maps each block removed by Rollback to the point the chain
	// was rolled back to, so a client positioned on a vanished block is told
	// where to resume (the Haskell runtime keeps the same table).
	rolledBack map[types.BlockHeaderHash]types.ChainPoint
}

var _ Handler = (*Memory)(nil)

// NewMemory returns an empty chain.
func NewMemory() *Memory {
	return &Memory{rolledBack: make(map[types.BlockHeaderHash]types.ChainPoint)}
}

// AddBlock appends b, which must extend the tip.
func (m *Memory) AddBlock(b types.MarloweBlock) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.blocks); n > 0 {
		tip := m.blocks[n-1].BlockHeader
		if b.BlockHeader.Slot <= tip.Slot || b.BlockHeader.Block <= tip.Block {
			return fmt.Errorf("bulksync memory: block %v does not extend the tip %v", b.BlockHeader, tip)
		}
	}
	m.blocks = append(m.blocks, b)
	delete(m.rolledBack, b.BlockHeader.Hash)
	return nil
}

// Rollback removes every block after to (all of them for Genesis),
// remembering where each removed block's clients must resume.
func (m *Memory) Rollback(to types.ChainPoint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keep := 0
	if to.At {
		for keep < len(m.blocks) && m.blocks[keep].BlockHeader.Slot <= to.Header.Slot {
			keep++
		}
	}
	removed := make(map[types.BlockHeaderHash]bool, len(m.blocks)-keep)
	for _, b := range m.blocks[keep:] {
		removed[b.BlockHeader.Hash] = true
		m.rolledBack[b.BlockHeader.Hash] = to
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

// tip returns the chain tip. The caller holds a lock.
func (m *Memory) tip() types.ChainPoint {
	if n := len(m.blocks); n > 0 {
		return types.PointAt(m.blocks[n-1].BlockHeader)
	}
	return types.ChainPoint{}
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
	tip := m.tip()
	if len(points) == 0 || !tip.At {
		return IntersectNotFound(tip), nil
	}
	start := slices.IndexFunc(m.blocks, func(b types.MarloweBlock) bool { return b.BlockHeader == points[0] })
	if start < 0 {
		return IntersectNotFound(tip), nil
	}
	last := points[0]
	for i := 1; i < len(points) && start+i < len(m.blocks) && m.blocks[start+i].BlockHeader == points[i]; i++ {
		last = points[i]
	}
	return IntersectFound(last, tip.Header), nil
}

// Next implements Handler.
func (m *Memory) Next(ctx context.Context, cursor types.ChainPoint, extraBlockCount uint8) (Next, error) {
	if err := ctx.Err(); err != nil {
		return Next{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	tip := m.tip()
	if cursor.At {
		if to, ok := m.rolledBack[cursor.Header.Hash]; ok {
			return RollBackward(to, tip), nil
		}
	}
	start := 0
	if cursor.At {
		start, _ = slices.BinarySearchFunc(m.blocks, cursor.Header.Slot, func(b types.MarloweBlock, s types.SlotNo) int {
			if b.BlockHeader.Slot <= s {
				return -1
			}
			return 1
		})
	}
	if start >= len(m.blocks) {
		return Wait(), nil
	}
	end := min(len(m.blocks), start+int(extraBlockCount)+1)
	return RollForward(slices.Clone(m.blocks[start:end]), tip.Header), nil
}
