package object

import (
	"context"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// ContractStore is a content-addressed store of merkleized Marlowe
// contracts: each contract is kept under its datum hash (HashContract), and
// its When cases hold either Close or the hash of another stored contract.
// It is the storage side of the MarloweLoad and MarloweTransfer servers
// (Haskell Language.Marlowe.Runtime.Contract.Store); the in-memory
// MemoryStore is the model, a Badger-backed store the production one.
// Implementations are safe for concurrent use.
type ContractStore interface {
	// Contract returns the contract stored under h; ok is false when there
	// is none. Staged but uncommitted contracts are not visible.
	Contract(ctx context.Context, h ContractHash) (c core.Contract, ok bool, err error)
	// NewStagingArea opens a staging area: contracts staged in it become
	// visible to Contract only when it is committed.
	NewStagingArea(ctx context.Context) (StagingArea, error)
}

// StagingArea collects the contracts of one load or import session.
// Exactly one of Commit and Discard ends it; every other call after that
// fails. A staging area is used by one session at a time.
type StagingArea interface {
	// Stage records c (whose non-Close case continuations must already be
	// merkleized) and returns its hash, HashContract(c).
	Stage(ctx context.Context, c core.Contract) (ContractHash, error)
	// Exists reports whether h is stored, staged or buffered here.
	Exists(ctx context.Context, h ContractHash) (bool, error)
	// Flush makes the contracts staged since the last flush durable in the
	// staging area; servers call it at batch boundaries.
	Flush(ctx context.Context) error
	// Commit flushes and makes everything staged visible in the store.
	Commit(ctx context.Context) error
	// Discard drops everything staged.
	Discard(ctx context.Context) error
}

// HashContract is the content address of c: the blake2b-256 hash of its
// canonical Plutus Data (core.ContractHash), which is the hash a
// MerkleizedCase carries and the Haskell runtime answers.
func HashContract(c core.Contract) (ContractHash, error) {
	h, err := core.ContractHash(c)
	if err != nil {
		return "", err
	}
	return ContractHash(h[:]), nil
}

// Adjacency returns the distinct hashes of the merkleized continuations c
// refers to directly (every MerkleizedCase anywhere in c, including inside
// inline cases), in ascending byte order: the order of the Haskell
// Set DatumHash, which decides the export order.
func Adjacency(c core.Contract) []ContractHash {
	var hs []ContractHash
	_ = core.Walk(c, func(c core.Contract) error {
		if w, ok := c.(core.When); ok {
			for _, cs := range w.Cases {
				if cs.Merkleized {
					hs = append(hs, ContractHash(cs.Hash))
				}
			}
		}
		return nil
	})
	slices.Sort(hs)
	return slices.Compact(hs)
}
