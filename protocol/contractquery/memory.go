package contractquery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Lookup fetches a stored contract by hash; ok is false when the store does
// not have it.
type Lookup func(ctx context.Context, hash types.DatumHash) (c core.Contract, ok bool, err error)

// HashContract returns a contract's store key: the blake2b-256 hash of its
// Plutus Data, as a DatumHash.
func HashContract(c core.Contract) (types.DatumHash, error) {
	h, err := core.ContractHash(c)
	if err != nil {
		return "", err
	}
	return types.DatumHash(h[:]), nil
}

// Adjacency returns the continuation hashes c names directly: the hashes
// of all its merkleized cases, at any depth (merkleized continuations are
// not entered; they are only hashes here), as a sorted set.
func Adjacency(c core.Contract) []types.DatumHash {
	seen := map[types.DatumHash]bool{}
	var walk func(c core.Contract)
	walk = func(c core.Contract) {
		switch x := c.(type) {
		case core.Pay:
			walk(x.Then)
		case core.If:
			walk(x.Then)
			walk(x.Else)
		case core.When:
			for _, cs := range x.Cases {
				if cs.Merkleized {
					seen[types.DatumHash(cs.Hash)] = true
				} else {
					walk(cs.Then)
				}
			}
			walk(x.Continuation)
		case core.Let:
			walk(x.Then)
		case core.Assert:
			walk(x.Then)
		}
	}
	walk(c)
	out := make([]types.DatumHash, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	slices.SortFunc(out, compareHash)
	return out
}

// WithAdjacency answers GetContract as the Haskell contract store does:
// the contract under hash with its adjacency and closure (its own hash and
// every hash reachable through stored continuations). It returns nil when
// the contract or any continuation it reaches is missing.
func WithAdjacency(ctx context.Context, lookup Lookup, hash types.DatumHash) (*ContractWithAdjacency, error) {
	done := map[types.DatumHash]*ContractWithAdjacency{}
	var visit func(h types.DatumHash, depth int) (*ContractWithAdjacency, error)
	visit = func(h types.DatumHash, depth int) (*ContractWithAdjacency, error) {
		if r, ok := done[h]; ok {
			return r, nil
		}
		if depth > maxContinuationDepth {
			return nil, fmt.Errorf("continuation chain deeper than %d contracts", maxContinuationDepth)
		}
		c, ok, err := lookup(ctx, h)
		if err != nil || !ok {
			return nil, err
		}
		r := &ContractWithAdjacency{ContractHash: h, Contract: c, Adjacency: Adjacency(c)}
		closure := map[types.DatumHash]bool{h: true}
		for _, a := range r.Adjacency {
			sub, err := visit(a, depth+1)
			if err != nil || sub == nil {
				return nil, err
			}
			for _, x := range sub.Closure {
				closure[x] = true
			}
		}
		for x := range closure {
			r.Closure = append(r.Closure, x)
		}
		slices.SortFunc(r.Closure, compareHash)
		done[h] = r
		return r, nil
	}
	return visit(hash, 0)
}

// maxContinuationDepth bounds the recursion of WithAdjacency; content
// addressing rules out cycles, but a store is not trusted to be sane.
const maxContinuationDepth = 10000

// Merkleize answers MerkleizeInputs as the Haskell contract store does
// (merkleizeInputsDefault): fix the interval against state, then for each
// input reduce the contract to quiescence and find the first case of its
// When whose action accepts the input. A normal case keeps the input
// normal and continues with the case's contract; a merkleized case turns
// the input into a merkleized input carrying the continuation fetched from
// the store. An input that is already merkleized must hit a merkleized case
// of the same hash whose continuation hashes to it, in the first case
// examined. Failures are the result's Err; only store errors are returned
// as errors. The result keeps the request's interval.
func Merkleize(ctx context.Context, lookup Lookup, c core.Contract, st core.State, tx core.TransactionInput) (MerkleizeInputsResult, error) {
	env, state, ierr := semantics.FixInterval(tx.Interval, st)
	if ierr != nil {
		return MerkleizeInputsResult{Err: MerkleizeInputsIntervalError{Err: ierr}}, nil
	}
	out := make([]core.Input, 0, len(tx.Inputs))
	contract := c
	for _, in := range tx.Inputs {
		red := semantics.ReduceContractUntilQuiescent(env, state, contract)
		if red.Err != nil {
			return MerkleizeInputsResult{Err: MerkleizeInputsReduceAmbiguousInterval{Input: in}}, nil
		}
		content, cs, newState, merr := applyInputCases(env, red.State, in, red.Contract)
		if merr != nil {
			return MerkleizeInputsResult{Err: merr}, nil
		}
		state = newState
		if !cs.Merkleized {
			out = append(out, core.Input{Content: content})
			contract = cs.Then
			continue
		}
		h := types.DatumHash(cs.Hash)
		k, ok, err := lookup(ctx, h)
		if err != nil {
			return MerkleizeInputsResult{}, err
		}
		if !ok {
			return MerkleizeInputsResult{Err: MerkleizeInputsContractNotFound{Hash: h}}, nil
		}
		out = append(out, core.Input{Content: content, Merkleized: true, Hash: slices.Clone(cs.Hash), Continuation: k})
		contract = k
	}
	return MerkleizeInputsResult{Input: core.TransactionInput{Interval: tx.Interval, Inputs: out}}, nil
}

// applyInputCases finds the case of contract c (which must be a When)
// that input in selects, and the state after its action.
func applyInputCases(env core.Environment, st core.State, in core.Input, c core.Contract) (core.InputContent, core.Case, core.State, MerkleizeInputsError) {
	var when core.When
	switch x := c.(type) {
	case core.When:
		when = x
	case *core.When:
		if x == nil {
			return nil, core.Case{}, st, MerkleizeInputsApplyNoMatch{Input: in}
		}
		when = *x
	default:
		return nil, core.Case{}, st, MerkleizeInputsApplyNoMatch{Input: in}
	}
	for _, cs := range when.Cases {
		if in.Merkleized {
			if !cs.Merkleized || !bytes.Equal(cs.Hash, in.Hash) || !hashes(in.Continuation, in.Hash) {
				return nil, core.Case{}, st, MerkleizeInputsApplyNoMatch{Input: in}
			}
		}
		if s, ok := applyAction(env, st, in.Content, cs.Action); ok {
			return in.Content, cs, s, nil
		}
	}
	return nil, core.Case{}, st, MerkleizeInputsApplyNoMatch{Input: in}
}

// hashes reports whether contract c hashes to h.
func hashes(c core.Contract, h []byte) bool {
	got, err := core.ContractHash(c)
	return err == nil && bytes.Equal(got[:], h)
}

// applyAction is the semantics' applyAction: whether action accepts the
// input content, and the state after it (a deposit credited, a choice
// recorded). It asks ApplyInput about a When holding only that action.
func applyAction(env core.Environment, st core.State, content core.InputContent, action core.Action) (core.State, bool) {
	probe := core.When{Cases: []core.Case{{Action: action, Then: core.Close{}}}, Timeout: big.NewInt(0), Continuation: core.Close{}}
	r := semantics.ApplyInput(env, st, core.Input{Content: content}, probe)
	if r.Err != nil {
		return st, false
	}
	return r.State, true
}

// Memory is an in-memory contract store serving ContractQuery, for tests
// and as a model of the index-backed handler. It is safe for concurrent
// use.
type Memory struct {
	mu        sync.RWMutex
	contracts map[types.DatumHash]core.Contract
}

// NewMemory returns an empty store.
func NewMemory() *Memory {
	return &Memory{contracts: map[types.DatumHash]core.Contract{}}
}

// Add stores c under its hash and returns the hash.
func (m *Memory) Add(c core.Contract) (types.DatumHash, error) {
	h, err := HashContract(c)
	if err != nil {
		return "", fmt.Errorf("contract store: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.contracts[h] = c
	return h, nil
}

// AddMerkleized deep-merkleizes c, stores the root and every continuation,
// and returns the root and its hash.
func (m *Memory) AddMerkleized(c core.Contract) (core.Contract, types.DatumHash, error) {
	root, conts, err := core.Merkleize(c)
	if err != nil {
		return nil, "", fmt.Errorf("contract store: merkleize: %w", err)
	}
	for _, k := range conts {
		if _, err := m.Add(k); err != nil {
			return nil, "", err
		}
	}
	h, err := m.Add(root)
	return root, h, err
}

func (m *Memory) lookup(_ context.Context, h types.DatumHash) (core.Contract, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.contracts[h]
	return c, ok, nil
}

// Handle implements Handler.
func (m *Memory) Handle(ctx context.Context, req Request) (Result, error) {
	switch r := req.(type) {
	case GetContract:
		c, err := WithAdjacency(ctx, m.lookup, r.Hash)
		if err != nil || c == nil {
			return nil, err
		}
		return c, nil
	case MerkleizeInputs:
		return Merkleize(ctx, m.lookup, r.Contract, r.State, r.Input)
	}
	return nil, errors.New("contractquery memory store: unknown request")
}
