package marlowesync

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/marlowe-lite/marlowe-lite/protocol/memchain"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Memory is an in-memory Handler: a chain of blocks holding contract
// creations and steps, extended at the tip and rolled back on demand. It
// backs the tests and small demos; the index-backed Handler answers the same
// way. It is safe for concurrent use.
type Memory struct {
	mu    sync.RWMutex
	chain *memchain.Chain[memBlock]
}

type memBlock struct {
	creates map[types.ContractId]types.CreateStep
	steps   map[types.ContractId][]types.ContractStep
}

var _ Handler = (*Memory)(nil)

// NewMemory returns an empty chain.
func NewMemory() *Memory {
	return &Memory{chain: memchain.New[memBlock]()}
}

// blockFor returns block h at the tip, appending it when it extends the
// chain. The caller holds the write lock.
func (m *Memory) blockFor(h types.BlockHeader) (*memBlock, error) {
	b, err := m.chain.At(h, func() memBlock {
		return memBlock{
			creates: make(map[types.ContractId]types.CreateStep),
			steps:   make(map[types.ContractId][]types.ContractStep),
		}
	})
	if err != nil {
		return nil, fmt.Errorf("marlowesync memory: %w", err)
	}
	return b, nil
}

// creation returns the index of the block creating id, or -1. The caller
// holds a lock.
func (m *Memory) creation(id types.ContractId) int {
	return slices.IndexFunc(m.chain.Blocks(), func(b memchain.Block[memBlock]) bool {
		_, ok := b.Data.creates[id]
		return ok
	})
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
	m.chain.Rollback(to)
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
	b := m.chain.Blocks()[i]
	return Creation{Block: b.Header, Step: b.Data.creates[id]}, true, nil
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
	if ci < 0 {
		return types.BlockHeader{}, false, nil
	}
	var history []types.BlockHeader
	for _, b := range m.chain.Blocks()[ci:] {
		_, created := b.Data.creates[id]
		if created || len(b.Data.steps[id]) > 0 {
			history = append(history, b.Header)
		}
	}
	block, found := memchain.Intersect(history, points)
	return block, found, nil
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
	blocks := m.chain.Blocks()
	if to, ok := m.chain.RolledBack(cursor); ok {
		if !to.At || types.CompareBlockHeader(to.Header, blocks[ci].Header) < 0 {
			return RollBackCreation(), nil
		}
		return RollBackward(to.Header), nil
	}
	for _, b := range blocks[max(ci, m.chain.After(cursor)):] {
		if steps := b.Data.steps[id]; len(steps) > 0 {
			return RollForward(b.Header, slices.Clone(steps)), nil
		}
	}
	return Wait(), nil
}
