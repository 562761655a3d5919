package object

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// ErrStagingClosed is returned by a staging area used after Commit or
// Discard.
var ErrStagingClosed = errors.New("contract staging area is no longer open")

// MemoryStore is an in-memory ContractStore, the model implementation
// (Haskell Contract.Store.Memory) that backs the protocol tests.
type MemoryStore struct {
	mu        sync.Mutex
	contracts map[ContractHash]core.Contract
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{contracts: make(map[ContractHash]core.Contract)}
}

// Contract implements ContractStore.
func (s *MemoryStore) Contract(_ context.Context, h ContractHash) (core.Contract, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.contracts[h]
	return c, ok, nil
}

// Put stores c directly (no staging) and returns its hash; tests use it to
// seed the store.
func (s *MemoryStore) Put(c core.Contract) (ContractHash, error) {
	h, err := HashContract(c)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contracts[h] = c
	return h, nil
}

// Hashes returns the hashes of every stored contract, ascending.
func (s *MemoryStore) Hashes() []ContractHash {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.contracts))
}

// NewStagingArea implements ContractStore.
func (s *MemoryStore) NewStagingArea(context.Context) (StagingArea, error) {
	return &memoryStaging{
		store:  s,
		buffer: make(map[ContractHash]core.Contract),
		staged: make(map[ContractHash]core.Contract),
	}, nil
}

// memoryStaging mirrors the Haskell model: stage writes to a buffer, flush
// moves the buffer into the staging map, commit moves that into the store.
type memoryStaging struct {
	store  *MemoryStore
	mu     sync.Mutex
	buffer map[ContractHash]core.Contract
	staged map[ContractHash]core.Contract
	closed bool
}

func (m *memoryStaging) Stage(_ context.Context, c core.Contract) (ContractHash, error) {
	h, err := HashContract(c)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return "", ErrStagingClosed
	}
	m.buffer[h] = c
	return h, nil
}

func (m *memoryStaging) Exists(ctx context.Context, h ContractHash) (bool, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return false, ErrStagingClosed
	}
	_, inBuffer := m.buffer[h]
	_, inStaged := m.staged[h]
	m.mu.Unlock()
	if inBuffer || inStaged {
		return true, nil
	}
	_, ok, err := m.store.Contract(ctx, h)
	return ok, err
}

func (m *memoryStaging) flushLocked() {
	maps.Copy(m.staged, m.buffer)
	clear(m.buffer)
}

func (m *memoryStaging) Flush(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrStagingClosed
	}
	m.flushLocked()
	return nil
}

func (m *memoryStaging) Commit(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrStagingClosed
	}
	m.flushLocked()
	m.store.mu.Lock()
	maps.Copy(m.store.contracts, m.staged)
	m.store.mu.Unlock()
	clear(m.staged)
	m.closed = true
	return nil
}

func (m *memoryStaging) Discard(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrStagingClosed
	}
	clear(m.buffer)
	clear(m.staged)
	m.closed = true
	return nil
}
