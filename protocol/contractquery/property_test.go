package contractquery_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	cq "github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

type gen struct{ typestest.Gen }

func (g gen) hashes() []types.DatumHash {
	seen := map[types.DatumHash]bool{}
	var out []types.DatumHash
	for k := g.N(4); k > 0; k-- {
		h := g.DatumHash()
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

func (g gen) request() cq.Request {
	if g.Bool() {
		return cq.GetContract{Hash: g.DatumHash()}
	}
	return cq.MerkleizeInputs{Contract: g.Contract(3), State: g.State(), Input: g.TransactionInput()}
}

// mergeError returns each of the five MerkleizeInputsError constructors in
// turn (k mod 5).
func (g gen) mergeError(k int) cq.MerkleizeInputsError {
	switch k % 5 {
	case 0:
		return cq.MerkleizeInputsContractNotFound{Hash: g.DatumHash()}
	case 1:
		return cq.MerkleizeInputsApplyNoMatch{Input: g.Input()}
	case 2:
		return cq.MerkleizeInputsApplyAmbiguousInterval{Input: g.Input()}
	case 3:
		return cq.MerkleizeInputsReduceAmbiguousInterval{Input: g.Input()}
	}
	return cq.MerkleizeInputsIntervalError{Err: g.IntervalError()}
}

func (g gen) result(r cq.Request) cq.Result {
	if _, ok := r.(cq.GetContract); ok {
		if g.N(3) == 0 {
			return (*cq.ContractWithAdjacency)(nil)
		}
		return &cq.ContractWithAdjacency{ContractHash: g.DatumHash(), Contract: g.Contract(3), Adjacency: g.hashes(), Closure: g.hashes()}
	}
	if g.Bool() {
		return cq.MerkleizeInputsResult{Err: g.mergeError(g.N(5))}
	}
	return cq.MerkleizeInputsResult{Input: g.TransactionInput()}
}

func roundTrip(t *testing.T, m, fresh *cq.Machine, msg session.Message) {
	t.Helper()
	b, err := session.EncodeMessage(m, msg)
	if err != nil {
		t.Fatalf("encode %s: %v", msg.MessageName(), err)
	}
	back, err := session.DecodeMessage(fresh, b)
	if err != nil {
		t.Fatalf("decode %s (%x): %v", msg.MessageName(), b, err)
	}
	again, err := session.EncodeMessage(fresh, back)
	if err != nil || !bytes.Equal(again, b) {
		t.Fatalf("%s: re-encoding differs (%v)\n got %x\nwant %x", msg.MessageName(), err, again, b)
	}
}

// TestPropertyEveryConstructor round-trips, with a fixed seed, 400 random
// requests of both kinds (§4.7) with random results — Nothing and Just
// ContractWithAdjacency, Right inputs and every MerkleizeInputsError
// constructor (§5.4) — and 200 random batches, as whole messages through
// the machine. Contracts, states and inputs reach every generic §5.6
// constructor (Value 12, Observation 11, Contract 6, InputContent 3, Input
// 2, IntervalError 2).
func TestPropertyEveryConstructor(t *testing.T) {
	g := gen{typestest.New(471)}
	seen := map[string]int{}
	for range 400 {
		r := g.request()
		seen[r.RequestName()]++
		roundTrip(t, cq.NewMachine(), cq.NewMachine(), cq.MsgRequest{Request: query.Leaf(r)})
		res := g.result(r)
		switch x := res.(type) {
		case *cq.ContractWithAdjacency:
			seen[fmt.Sprintf("Maybe nil=%v", x == nil)]++
		case cq.MerkleizeInputsResult:
			if x.Err != nil {
				seen[fmt.Sprintf("%T", x.Err)]++
			} else {
				seen["Right"]++
			}
		}
		roundTrip(t, awaiting(t, query.Leaf(r)), awaiting(t, query.Leaf(r)), cq.MsgRespond{Result: query.Leaf(res)})
	}
	for range 200 {
		tree := query.Leaf(g.request())
		for k := g.N(4); k > 0; k-- {
			if g.Bool() {
				tree = query.Bin(tree, query.Leaf(g.request()))
			} else {
				tree = query.Bin(query.Leaf(g.request()), tree)
			}
		}
		roundTrip(t, cq.NewMachine(), cq.NewMachine(), cq.MsgRequest{Request: tree})
		res, _ := query.Map(tree, func(r cq.Request) (cq.Result, error) { return g.result(r), nil })
		roundTrip(t, awaiting(t, tree), awaiting(t, tree), cq.MsgRespond{Result: res})
	}
	for _, k := range []string{"GetContract", "MerkleizeInputs", "Maybe nil=true", "Maybe nil=false", "Right",
		"contractquery.MerkleizeInputsContractNotFound", "contractquery.MerkleizeInputsApplyNoMatch",
		"contractquery.MerkleizeInputsApplyAmbiguousInterval", "contractquery.MerkleizeInputsReduceAmbiguousInterval",
		"contractquery.MerkleizeInputsIntervalError"} {
		if seen[k] == 0 {
			t.Errorf("never generated: %s (%v)", k, seen)
		}
	}
}

// TestGeneratorCoverage checks that the generated contracts and inputs
// reach every §5.6 constructor the requests carry, by counting the
// constructor tags the encoder writes for each value kind.
func TestGeneratorCoverage(t *testing.T) {
	g := gen{typestest.New(5)}
	vals, obs, conts, contents := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for range 300 {
		vals[fmt.Sprintf("%T", g.Value(2))] = true
		obs[fmt.Sprintf("%T", g.Observation(2))] = true
		conts[fmt.Sprintf("%T", g.Contract(2))] = true
		contents[fmt.Sprintf("%T", g.InputContent())] = true
	}
	if len(vals) != 12 || len(obs) != 11 || len(conts) != 6 || len(contents) != 3 {
		t.Fatalf("constructors reached: %d values, %d observations, %d contracts, %d input contents", len(vals), len(obs), len(conts), len(contents))
	}
	// And every generated contract encodes (no nil fields, no opaque
	// addresses).
	for range 100 {
		if _, err := binary.Encode(g.Contract(4), types.EncodeContract); err != nil {
			t.Fatal(err)
		}
	}
}
