package load

import (
	"bytes"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
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
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, m := range fuzzMachines() {
			d := binary.NewDecoder(in)
			msg, err := m.Decode(d)
			if err != nil {
				continue
			}
			e := binary.NewEncoder(nil)
			if err := m.Encode(e, msg); err != nil {
				t.Fatalf("state %s: decoded %s does not re-encode: %v", m.State(), msg.MessageName(), err)
			}
			if !bytes.Equal(e.Bytes(), in[:d.Offset()]) {
				t.Fatalf("state %s: re-encode %x, consumed %x", m.State(), e.Bytes(), in[:d.Offset()])
			}
		}
	})
}
