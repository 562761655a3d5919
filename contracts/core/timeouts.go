package core

import "math/big"

// ShiftTimeouts returns c with every When timeout moved by delta
// milliseconds; merkleized cases are left as they are (their continuations
// are only hashes here). Used to replay recorded contracts at another time.
func ShiftTimeouts(c Contract, delta *big.Int) Contract {
	switch v := c.(type) {
	case When:
		out := When{Continuation: ShiftTimeouts(v.Continuation, delta), TimeoutParam: v.TimeoutParam}
		if v.Timeout != nil { // a template's parameter has no value yet
			out.Timeout = new(big.Int).Add(v.Timeout, delta)
		}
		for _, cs := range v.Cases {
			if !cs.Merkleized {
				cs.Then = ShiftTimeouts(cs.Then, delta)
			}
			out.Cases = append(out.Cases, cs)
		}
		return out
	case If:
		return If{Obs: v.Obs, Then: ShiftTimeouts(v.Then, delta), Else: ShiftTimeouts(v.Else, delta)}
	case Pay:
		v.Then = ShiftTimeouts(v.Then, delta)
		return v
	case Let:
		v.Then = ShiftTimeouts(v.Then, delta)
		return v
	case Assert:
		v.Then = ShiftTimeouts(v.Then, delta)
		return v
	}
	return c
}

// EarliestTimeout is the earliest When timeout in c (nil when it has none),
// not looking into merkleized continuations.
func EarliestTimeout(c Contract) *big.Int {
	var best *big.Int
	keep := func(x *big.Int) {
		if x != nil && (best == nil || x.Cmp(best) < 0) {
			best = x
		}
	}
	switch v := c.(type) {
	case When:
		keep(v.Timeout)
		keep(EarliestTimeout(v.Continuation))
		for _, cs := range v.Cases {
			if !cs.Merkleized {
				keep(EarliestTimeout(cs.Then))
			}
		}
	case If:
		keep(EarliestTimeout(v.Then))
		keep(EarliestTimeout(v.Else))
	case Pay:
		keep(EarliestTimeout(v.Then))
	case Let:
		keep(EarliestTimeout(v.Then))
	case Assert:
		keep(EarliestTimeout(v.Then))
	}
	return best
}
