package query_test

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
)

// csMachines are the generic machine in StReq and in StRes for every
// chain-sync request kind and for a two-leaf batch.
func csMachines(t testing.TB) []*csMachine {
	ms := []*csMachine{newCS()}
	for k := range csNames {
		ms = append(ms, awaitCS(t, query.Leaf(csReq{kind: k})))
	}
	sp := query.Leaf(csReq{kind: csSecurityParameter})
	return append(ms, awaitCS(t, query.Bin(sp, query.Bin(query.Leaf(csReq{kind: csEra}), sp))))
}

// FuzzDecodeChainSeekQuery feeds arbitrary bytes, seeded with all 82
// ChainSeekQuery golden vectors, to the generic Query machine in every
// state: no panic, and a successful decode re-encodes to exactly the bytes
// consumed. It exercises the framing, span contexts and ReqBin nesting.
func FuzzDecodeChainSeekQuery(f *testing.F) {
	vs, err := golden.ParseFile(shared.Path(f, "protocol", "golden", "ChainSeekQuery.golden"))
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		f.Add(v.Binary)
	}
	f.Add(mustHex(f, "00 01"+exampleSpanHex))
	ms := sessiontest.Machines(csMachines(f))
	f.Fuzz(func(t *testing.T, in []byte) {
		sessiontest.RoundTrip(t, ms, in, nil)
	})
}
