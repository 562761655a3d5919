package core

import (
	"encoding/hex"
	"errors"
	"fmt"
)

var errPDMissingContract = errors.New("missing Contract")

// Merkleize deep-merkleizes c like marlowe-cardano's deepMerkleize: every
// `Case action k` with k other than Close becomes `MerkleizedCase action
// hash(k')`, where k' is k merkleized first (bottom-up, so a continuation's
// hash covers its own merkleized form). Cases already merkleized are kept.
// It returns the new root and every continuation k' keyed by the lowercase
// hex of its hash; these are the witness datums transactions must carry. The
// input is not modified.
func Merkleize(c Contract) (Contract, map[string]Contract, error) {
	conts := make(map[string]Contract)
	root, err := merkleize(c, conts)
	if err != nil {
		return nil, nil, err
	}
	return root, conts, nil
}

func merkleize(c Contract, conts map[string]Contract) (Contract, error) {
	switch x := c.(type) {
	case Close:
		return x, nil
	case Pay:
		k, err := merkleize(x.Then, conts)
		if err != nil {
			return nil, pdAt("then", err)
		}
		x.Then = k
		return x, nil
	case If:
		t, err := merkleize(x.Then, conts)
		if err != nil {
			return nil, pdAt("then", err)
		}
		e, err := merkleize(x.Else, conts)
		if err != nil {
			return nil, pdAt("else", err)
		}
		x.Then, x.Else = t, e
		return x, nil
	case Let:
		k, err := merkleize(x.Then, conts)
		if err != nil {
			return nil, pdAt("then", err)
		}
		x.Then = k
		return x, nil
	case Assert:
		k, err := merkleize(x.Then, conts)
		if err != nil {
			return nil, pdAt("then", err)
		}
		x.Then = k
		return x, nil
	case When:
		cases := make([]Case, len(x.Cases))
		for i, cs := range x.Cases {
			mc, err := merkleizeCase(cs, conts)
			if err != nil {
				return nil, pdAtIndex("when", i, err)
			}
			cases[i] = mc
		}
		k, err := merkleize(x.Continuation, conts)
		if err != nil {
			return nil, pdAt("timeout_continuation", err)
		}
		x.Cases, x.Continuation = cases, k
		return x, nil
	case nil:
		return nil, &DataError{Err: errPDMissingContract}
	default:
		return nil, &DataError{Err: fmt.Errorf("unsupported Contract type %T", c)}
	}
}

func merkleizeCase(cs Case, conts map[string]Contract) (Case, error) {
	if cs.Merkleized {
		return cs, nil
	}
	if _, isClose := cs.Then.(Close); isClose {
		return cs, nil
	}
	k, err := merkleize(cs.Then, conts)
	if err != nil {
		return Case{}, pdAt("then", err)
	}
	h, err := ContractHash(k)
	if err != nil {
		return Case{}, pdAt("then", err)
	}
	conts[hex.EncodeToString(h[:])] = k
	return Case{Action: cs.Action, Merkleized: true, Hash: h[:]}, nil
}
