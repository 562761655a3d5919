package txbuild

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
)

// ContinuationLookup returns the continuation contract whose merkle hash
// (core.ContractHash) is hash, e.g. from the contract store.
type ContinuationLookup func(hash []byte) (core.Contract, bool)

// ContinuationMap is a ContinuationLookup over continuations keyed by the
// lowercase hex of their hash, the form core.Merkleize returns.
func ContinuationMap(m map[string]core.Contract) ContinuationLookup {
	return func(h []byte) (core.Contract, bool) {
		c, ok := m[hex.EncodeToString(h)]
		return c, ok
	}
}

// MissingContinuationError: an input matches a merkleized case whose
// continuation the lookup does not know (txjob BalancingError with this
// message).
type MissingContinuationError struct {
	Input int
	Hash  []byte
}

func (e *MissingContinuationError) Error() string {
	return fmt.Sprintf("input %d: no continuation for merkleized case %x", e.Input, e.Hash)
}

// MerkleizeInputs turns plain inputs that match merkleized cases into
// merkleized inputs carrying their continuation (semantics.md §3.9, the
// Haskell merkleizeInputs): each input is matched, in order, against the
// contract reached by reducing the previous state within interval iv; the
// first case whose action accepts the input decides, as in the validator.
// Inputs already merkleized with a continuation are kept. An input that
// matches no case (or a contract that is not waiting) is left unchanged, so
// that computeTransaction reports the failure with its own error. st and the
// inputs are not modified.
func MerkleizeInputs(iv core.TimeInterval, st core.State, c core.Contract, inputs []core.Input, lookup ContinuationLookup) ([]core.Input, error) {
	out := make([]core.Input, len(inputs))
	copy(out, inputs)
	if lookup == nil {
		return out, nil
	}
	env, st, ierr := semantics.FixInterval(iv, st)
	if ierr != nil {
		return out, nil
	}
	for i, in := range out {
		red := semantics.ReduceContractUntilQuiescent(env, st, c)
		if red.Err != nil {
			return out, nil
		}
		st, c = red.State, red.Contract
		when, ok := c.(core.When)
		if !ok {
			return out, nil
		}
		if !in.Merkleized || in.Continuation == nil {
			plain := core.Input{Content: in.Content}
			for _, cs := range when.Cases {
				// A one-case When tells whether this case's action
				// accepts the input: a plain input against a merkleized
				// case is a hash mismatch, against a plain one a match.
				r := semantics.ApplyInput(env, st, plain, core.When{Cases: []core.Case{cs}, Timeout: when.Timeout, Continuation: when.Continuation})
				if errors.Is(r.Err, semantics.ErrApplyNoMatch) {
					continue
				}
				if cs.Merkleized {
					cont, found := lookup(cs.Hash)
					if !found || cont == nil {
						return nil, &MissingContinuationError{Input: i, Hash: bytes.Clone(cs.Hash)}
					}
					h, err := core.ContractHash(cont)
					if err != nil {
						return nil, fmt.Errorf("input %d: continuation %x: %w", i, cs.Hash, err)
					}
					if !bytes.Equal(h[:], cs.Hash) {
						return nil, fmt.Errorf("input %d: the continuation found for %x hashes to %x", i, cs.Hash, h)
					}
					out[i] = core.Input{Content: in.Content, Merkleized: true, Hash: bytes.Clone(cs.Hash), Continuation: cont}
				} else {
					out[i] = plain
				}
				break
			}
		}
		r := semantics.ApplyInput(env, st, out[i], c)
		if r.Err != nil {
			return out, nil
		}
		st, c = r.State, r.Contract
	}
	return out, nil
}
