package typestest_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

// TestGeneratorCoversEveryConstructor fails if some constructor listed in
// Constructors is never produced from a fixed seed, or if a generator
// reports a sum type or constructor the list does not name, so the
// property tests built on Gen really exercise every constructor.
func TestGeneratorCoversEveryConstructor(t *testing.T) {
	g := typestest.New(1)
	seen := map[string]map[string]int{}
	g.Observe = func(typ, name string) {
		if seen[typ] == nil {
			seen[typ] = map[string]int{}
		}
		seen[typ][name]++
	}
	for i := 0; i < 300; i++ {
		g.ChainPoint()
		g.NetworkId()
		g.MarloweBlock()
		g.ContractStep()
		g.MarloweData()
		g.TransactionInput()
		g.CoreTransactionOutput()
	}
	want := typestest.Constructors()
	for typ, names := range want {
		for _, name := range names {
			if seen[typ][name] == 0 {
				t.Errorf("%s constructor %s was never generated", typ, name)
			}
		}
	}
	for typ, m := range seen {
		names, ok := want[typ]
		if !ok {
			t.Errorf("generated sum type %s is not listed in Constructors", typ)
			continue
		}
		for name := range m {
			if !slices.Contains(names, name) {
				t.Errorf("%s: generated unlisted constructor %s", typ, name)
			}
		}
	}
}

// TestDeterministic checks that one seed always yields the same values, so
// a failing property case replays.
func TestDeterministic(t *testing.T) {
	a, b := typestest.New(42), typestest.New(42)
	for i := 0; i < 50; i++ {
		x, err := binary.Encode(a.MarloweBlock(), types.EncodeMarloweBlock)
		if err != nil {
			t.Fatalf("case %d: encode: %v", i, err)
		}
		y, err := binary.Encode(b.MarloweBlock(), types.EncodeMarloweBlock)
		if err != nil {
			t.Fatalf("case %d: encode: %v", i, err)
		}
		if !bytes.Equal(x, y) {
			t.Fatalf("case %d: same seed, different MarloweBlock", i)
		}
	}
}
