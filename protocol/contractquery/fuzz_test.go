package contractquery_test

import (
	"bytes"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	cq "github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/query/querytest"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
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
	g := gen{querytest.New(3)}
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
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, m := range cq.GoldenMachines() {
			d := binary.NewDecoder(in)
			msg, err := m.Decode(d)
			if err != nil {
				continue
			}
			out, err := session.EncodeMessage(m, msg)
			if err != nil {
				t.Fatalf("%s: re-encoding a decoded %s failed: %v", m.State(), msg.MessageName(), err)
			}
			if !bytes.Equal(out, in[:d.Offset()]) {
				t.Fatalf("%s: re-encoding differs\n got %x\nwant %x", m.State(), out, in[:d.Offset()])
			}
		}
	})
}
