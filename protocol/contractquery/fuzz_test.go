package contractquery_test

import (
	"testing"

	cq "github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

// FuzzDecodeContractQuery feeds arbitrary bytes to Decode in every state of
// GoldenMachines: no input may panic, and a successful decode re-encodes
// to exactly the bytes consumed. Seeds are the hand-derived vectors and
// seeded random messages.
func FuzzDecodeContractQuery(f *testing.F) {
	for _, h := range []string{
		"01 00 00 00 0000000000000001 61", "00 00", "00",
		"01 00 00 01 |" + closeHex + "|" + emptyStateHex + "|" + intervalHex + "|" + notifyListHex,
		"01 |" + intervalHex + "|" + notifyListHex, "00 04 01 | 00 00000007 | 00 00000001 00 00000002",
		"01 | 0000000000000001 61 | 00 | 0000000000000000 | 0000000000000001 0000000000000001 61",
	} {
		f.Add(unhex(f, h))
	}
	g := gen{typestest.New(3)}
	for range 10 {
		r := g.request()
		if b, err := session.EncodeMessage(cq.NewMachine(), cq.MsgRequest{Request: query.Leaf(r)}); err == nil {
			f.Add(b)
		}
		m, _ := cq.NewAwaitingMachine(query.Leaf(r))
		if b, err := session.EncodeMessage(m, cq.MsgRespond{Result: query.Leaf(g.result(r))}); err == nil {
			f.Add(b)
		}
	}
	ms := sessiontest.Machines(cq.GoldenMachines())
	f.Fuzz(func(t *testing.T, in []byte) {
		sessiontest.RoundTrip(t, ms, in, nil)
	})
}
