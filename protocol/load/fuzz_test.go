package load

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
)

// fuzzMachines are machines in every kind of state: the golden ones plus
// StCanPush on nodes other than When.
func fuzzMachines() []*Machine {
	ms := GoldenMachines()
	for _, nodes := range [][]Node{{RootNode}, {RootNode, IfLNode, CaseNode}} {
		m := NewMachine()
		m.st, m.n, m.nodes = stCanPush, 2, nodes
		ms = append(ms, m)
	}
	return ms
}

// FuzzDecodeMarloweLoad feeds arbitrary bytes to Decode in every state:
// no panic, and whatever decodes re-encodes to exactly the bytes consumed.
// Seeds are the 250 golden vectors.
func FuzzDecodeMarloweLoad(f *testing.F) {
	vs, err := golden.ParseFile(shared.Path(f, "protocol", "golden", "MarloweLoad.golden"))
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		f.Add(v.Binary)
	}
	ms := sessiontest.Machines(fuzzMachines())
	f.Fuzz(func(t *testing.T, in []byte) { sessiontest.RoundTrip(t, ms, in, nil) })
}
