package marlowesync

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Memory is an in-memory Handler: a chain of blocks holding contract
// creations and steps, extended at the tip and rolled back on demand. It
// backs the tests and small demos; the index-backed Handler answers the same
// way. It is safe for concurrent use.
type Memory struct {
	mu     sync.RWMutex
	blocks []memBlock
	// rolledBack maps each block removed by Rollback to the point the chain
	// was rolled back to, so a client positioned on a vanished block is told
	// where to resume (the Haskell runtime keeps the same table).
	rolledBack map[types.BlockHeaderHash]types.ChainPoint
}

type memBlock struct {
	header  types.BlockHeader
	creates map[types.ContractId]types.CreateStep
	steps   map[types.ContractId][]types.ContractStep
}

var _ Handler = (*Memory)(nil)

// NewMemory returns an empty chain.
func NewMemory() *Memory {
	return &Memory{rolledBack: make(map[types.BlockHeaderHash]types.ChainPoint)}
}

// blockFor returns the block header h at the tip, appending it when it
// extends the chain. The caller holds the write lock.
func (m *Memory) blockFor(h types.BlockHeader) (*memBlock, error) {
	if n := len(m.blocks); n > 0 {
		tip := &m.blocks[n-1]
		if tip.header == h {
			return tip, nil
		}
		if h.Slot <= tip.header.Slot || h.Block <= tip.header.Block {
			return nil, fmt.Errorf("marlowesync memory: block %v does not extend the tip %v", h, tip.header)
		}
	}
	m.blocks = append(m.blocks, memBlock{
		header:  h,
		creates: make(map[types.ContractId]types.CreateStep),
		steps:   make(map[types.ContractId][]types.ContractStep),
	})
	delete(m.rolledBack, h.Hash)
	return &m.blocks[len(m.blocks)-1], nil
}

// creation returns the index of the block creating id, or -1. The caller
// holds a lock.
func (m *Memory) creation(id types.ContractId) int {
	for i := range m.blocks {
		if _, ok := m.blocks[i].creates[id]; ok {
			return i
		}
	}
	return -1
}

// AddCreation records the creation of contract id in block, which must be
// the tip or extend it.
func (m *Memory) AddCreation(block types.BlockHeader, id types.ContractId, step types.CreateStep) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.creation(id) >= 0 {
		return fmt.Errorf("marlowesync memory: contract %v already created", id)
	}
	b, err := m.blockFor(block)
	if err != nil {
		return err
	}
	b.creates[id] = step
	return nil
}

// AddSteps records steps of contract id in block, which must be the tip or
// extend it; the contract must have been created.
func (m *Memory) AddSteps(block types.BlockHeader, id types.ContractId, steps ...types.ContractStep) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.creation(id) < 0 {
		return fmt.Errorf("marlowesync memory: steps for unknown contract %v", id)
	}
	b, err := m.blockFor(block)
	if err != nil {
		return err
	}
	b.steps[id] = append(b.steps[id], steps...)
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

// FollowContract implements Handler.
func (m *Memory) FollowContract(ctx context.Context, id types.ContractId) (Creation, bool, error) {
	if err := ctx.Err(); err != nil {
		return Creation{}, false, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	i := m.creation(id)
	if i < 0 {
		return Creation{}, false, nil
	}
	return Creation{Block: m.blocks[i].header, Step: m.blocks[i].creates[id]}, true, nil
}

// Intersect implements Handler the way the Haskell runtime does: the points
// must match a run of consecutive blocks of the contract's history starting
// at the first point, and the intersection is the last point of that run.
func (m *Memory) Intersect(ctx context.Context, id types.ContractId, points []types.BlockHeader) (types.BlockHeader, bool, error) {
	if err := ctx.Err(); err != nil {
		return types.BlockHeader{}, false, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	ci := m.creation(id)
	if ci < 0 || len(points) == 0 {
		return types.BlockHeader{}, false, nil
	}
	var history []types.BlockHeader
	for i := ci; i < len(m.blocks); i++ {
		b := &m.blocks[i]
		_, created := b.creates[id]
		if created || len(b.steps[id]) > 0 {
			history = append(history, b.header)
		}
	}
	start := slices.Index(history, points[0])
	if start < 0 {
		return types.BlockHeader{}, false, nil
	}
	last := points[0]
	for i := 1; i < len(points) && start+i < len(history) && history[start+i] == points[i]; i++ {
		last = points[i]
	}
	return last, true, nil
}

// Next implements Handler.
func (m *Memory) Next(ctx context.Context, id types.ContractId, cursor types.ChainPoint) (Next, error) {
	if err := ctx.Err(); err != nil {
		return Next{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	ci := m.creation(id)
	if ci < 0 {
		return RollBackCreation(), nil
	}
	if cursor.At {
		if to, ok := m.rolledBack[cursor.Header.Hash]; ok {
			if !to.At || types.CompareBlockHeader(to.Header, m.blocks[ci].header) < 0 {
				return RollBackCreation(), nil
			}
			return RollBackward(to.Header), nil
		}
	}
	for i := ci; i < len(m.blocks); i++ {
		b := &m.blocks[i]
		if cursor.At && b.header.Slot <= cursor.Header.Slot {
			continue
		}
		if steps := b.steps[id]; len(steps) > 0 {
			return RollForward(b.header, slices.Clone(steps)), nil
		}
	}
	return Wait(), nil
}
