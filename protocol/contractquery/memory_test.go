package contractquery_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	cq "github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

var choiceID = core.ChoiceID{Name: "c", Owner: core.RolePartyOf("a")}

// twoStep is When [Notify True → When [Choice c [0,10] → Close] 2000
// Close] 1000 Close; deep merkleization turns its first case into a
// MerkleizedCase (the inner When is not Close) and leaves the inner one.
func twoStep() core.Contract {
	inner := core.When{Cases: []core.Case{{Action: core.Choice{ID: choiceID, Bounds: []core.Bound{{Low: i(0), High: i(10)}}}, Then: core.Close{}}},
		Timeout: i(2000), Continuation: core.Close{}}
	return core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: inner}}, Timeout: i(1000), Continuation: core.Close{}}
}

type store struct {
	mem        *cq.Memory
	root       core.Contract
	rootHash   types.DatumHash
	inner      core.Contract
	innerHash  types.DatumHash
	choiceIn   core.Input
	notifyIn   core.Input
	merkleized core.Input
}

func newStore(t *testing.T) store {
	t.Helper()
	s := store{mem: cq.NewMemory()}
	var err error
	if s.root, s.rootHash, err = s.mem.AddMerkleized(twoStep()); err != nil {
		t.Fatal(err)
	}
	w := s.root.(core.When)
	if !w.Cases[0].Merkleized {
		t.Fatal("root case not merkleized")
	}
	s.innerHash = types.DatumHash(w.Cases[0].Hash)
	s.inner = twoStep().(core.When).Cases[0].Then
	s.notifyIn = core.Input{Content: core.INotify{}}
	s.choiceIn = core.Input{Content: core.IChoice{ID: choiceID, Chosen: i(5)}}
	s.merkleized = core.Input{Content: core.INotify{}, Merkleized: true, Hash: []byte(s.innerHash), Continuation: s.inner}
	return s
}

// TestGetContractAdjacency checks the store's answer to GetContract
// (§4.7, §5.4 ContractWithAdjacency): adjacency is the merkleized case
// hashes, closure adds the contract's own hash and everything reachable;
// a missing contract — or a missing continuation — is Nothing.
func TestGetContractAdjacency(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	res, err := s.mem.Handle(ctx, cq.GetContract{Hash: s.rootHash})
	if err != nil {
		t.Fatal(err)
	}
	c := res.(*cq.ContractWithAdjacency)
	want := []types.DatumHash{s.rootHash, s.innerHash}
	slices.Sort(want)
	if c.ContractHash != s.rootHash || !slices.Equal(c.Adjacency, []types.DatumHash{s.innerHash}) || !slices.Equal(c.Closure, want) {
		t.Fatalf("root: %+v", c)
	}
	res, _ = s.mem.Handle(ctx, cq.GetContract{Hash: s.innerHash})
	if c := res.(*cq.ContractWithAdjacency); len(c.Adjacency) != 0 || !slices.Equal(c.Closure, []types.DatumHash{s.innerHash}) {
		t.Fatalf("inner: %+v", c)
	}
	if res, err := s.mem.Handle(ctx, cq.GetContract{Hash: "missing"}); res != nil || err != nil {
		t.Fatalf("missing: %v %v", res, err)
	}
	partial := cq.NewMemory()
	h, err := partial.Add(s.root)
	if err != nil || h != s.rootHash {
		t.Fatalf("Add: %x, %v", h, err)
	}
	if res, err := partial.Handle(ctx, cq.GetContract{Hash: h}); res != nil || err != nil {
		t.Fatalf("missing continuation: %v %v", res, err)
	}
}

// TestMerkleizeInputs checks the default merkleization of the contract
// store: normal inputs hitting a merkleized case become merkleized inputs
// carrying the stored continuation; each failure maps to its
// MerkleizeInputsError constructor (§5.4).
func TestMerkleizeInputs(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	iv := func(a, b int64) core.TimeInterval { return core.TimeInterval{From: i(a), To: i(b)} }
	run := func(mem *cq.Memory, c core.Contract, st core.State, tx core.TransactionInput) cq.MerkleizeInputsResult {
		t.Helper()
		res, err := mem.Handle(ctx, cq.MerkleizeInputs{Contract: c, State: st, Input: tx})
		if err != nil {
			t.Fatal(err)
		}
		return res.(cq.MerkleizeInputsResult)
	}
	empty := core.EmptyState(i(0))

	r := run(s.mem, s.root, empty, core.TransactionInput{Interval: iv(0, 500), Inputs: []core.Input{s.notifyIn, s.choiceIn}})
	if r.Err != nil || len(r.Input.Inputs) != 2 {
		t.Fatalf("merkleize: %+v", r)
	}
	got := r.Input.Inputs[0]
	if !got.Merkleized || !bytes.Equal(got.Hash, []byte(s.innerHash)) || got.Continuation == nil || r.Input.Inputs[1].Merkleized {
		t.Fatalf("inputs %+v", r.Input.Inputs)
	}
	if r.Input.Interval.From.Int64() != 0 || r.Input.Interval.To.Int64() != 500 {
		t.Fatalf("interval changed: %+v", r.Input.Interval)
	}
	// An already merkleized, correct input passes through.
	r = run(s.mem, s.root, empty, core.TransactionInput{Interval: iv(0, 500), Inputs: []core.Input{s.merkleized}})
	if r.Err != nil || !r.Input.Inputs[0].Merkleized {
		t.Fatalf("merkleized input: %+v", r)
	}
	// No inputs: nothing to do.
	r = run(s.mem, s.root, empty, core.TransactionInput{Interval: iv(0, 500)})
	if r.Err != nil || len(r.Input.Inputs) != 0 {
		t.Fatalf("no inputs: %+v", r)
	}

	wrongHash := s.merkleized
	wrongHash.Hash = []byte("not the hash")
	failures := []struct {
		name string
		mem  *cq.Memory
		st   core.State
		tx   core.TransactionInput
		want string
	}{
		{"invalid interval", s.mem, empty, core.TransactionInput{Interval: iv(10, 5), Inputs: []core.Input{s.notifyIn}}, "contractquery.MerkleizeInputsIntervalError"},
		{"interval in the past", s.mem, core.EmptyState(i(100)), core.TransactionInput{Interval: iv(0, 50), Inputs: []core.Input{s.notifyIn}}, "contractquery.MerkleizeInputsIntervalError"},
		{"interval straddles the timeout", s.mem, empty, core.TransactionInput{Interval: iv(0, 1500), Inputs: []core.Input{s.notifyIn}}, "contractquery.MerkleizeInputsReduceAmbiguousInterval"},
		{"input matches no case", s.mem, empty, core.TransactionInput{Interval: iv(0, 500), Inputs: []core.Input{s.choiceIn}}, "contractquery.MerkleizeInputsApplyNoMatch"},
		{"merkleized input with the wrong hash", s.mem, empty, core.TransactionInput{Interval: iv(0, 500), Inputs: []core.Input{wrongHash}}, "contractquery.MerkleizeInputsApplyNoMatch"},
		{"continuation not in the store", cq.NewMemory(), empty, core.TransactionInput{Interval: iv(0, 500), Inputs: []core.Input{s.notifyIn}}, "contractquery.MerkleizeInputsContractNotFound"},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			r := run(f.mem, s.root, f.st, f.tx)
			if r.Err == nil || typeName(r.Err) != f.want {
				t.Fatalf("got %+v, want %s", r, f.want)
			}
		})
	}
	r = run(cq.NewMemory(), s.root, empty, core.TransactionInput{Interval: iv(0, 500), Inputs: []core.Input{s.notifyIn}})
	if nf, ok := r.Err.(cq.MerkleizeInputsContractNotFound); !ok || nf.Hash != s.innerHash {
		t.Fatalf("not found names %+v", r.Err)
	}
}

func typeName(v any) string {
	switch v.(type) {
	case cq.MerkleizeInputsContractNotFound:
		return "contractquery.MerkleizeInputsContractNotFound"
	case cq.MerkleizeInputsApplyNoMatch:
		return "contractquery.MerkleizeInputsApplyNoMatch"
	case cq.MerkleizeInputsApplyAmbiguousInterval:
		return "contractquery.MerkleizeInputsApplyAmbiguousInterval"
	case cq.MerkleizeInputsReduceAmbiguousInterval:
		return "contractquery.MerkleizeInputsReduceAmbiguousInterval"
	case cq.MerkleizeInputsIntervalError:
		return "contractquery.MerkleizeInputsIntervalError"
	}
	return "?"
}

// TestClientServer runs the typed client against the in-memory store over
// session.Pipe: GetContract, MerkleizeInputs (success and a failure that
// leaves the session usable), a batch, then MsgDone.
func TestClientServer(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, srv := session.Pipe(cq.NewMachine(), cq.NewMachine())
	defer c.Close()
	errc := make(chan error, 1)
	go func() { errc <- cq.Serve(ctx, srv, s.mem) }()
	cl := cq.NewClient(c)

	got, err := cl.GetContract(ctx, s.rootHash)
	if err != nil || got == nil || got.ContractHash != s.rootHash {
		t.Fatalf("GetContract: %+v, %v", got, err)
	}
	if got, err := cl.GetContract(ctx, "missing"); got != nil || err != nil {
		t.Fatalf("GetContract missing: %+v, %v", got, err)
	}
	tx := core.TransactionInput{Interval: core.TimeInterval{From: i(0), To: i(500)}, Inputs: []core.Input{s.notifyIn}}
	out, err := cl.MerkleizeInputs(ctx, s.root, core.EmptyState(i(0)), tx)
	if err != nil || len(out.Inputs) != 1 || !out.Inputs[0].Merkleized {
		t.Fatalf("MerkleizeInputs: %+v, %v", out, err)
	}
	_, err = cl.MerkleizeInputs(ctx, s.root, core.EmptyState(i(0)), core.TransactionInput{Interval: tx.Interval, Inputs: []core.Input{s.choiceIn}})
	var noMatch cq.MerkleizeInputsApplyNoMatch
	if !errors.As(err, &noMatch) {
		t.Fatalf("MerkleizeInputs failure: %v", err)
	}
	res, err := cl.Batch(ctx, query.Bin(leaf(cq.GetContract{Hash: s.innerHash}), leaf(cq.MerkleizeInputs{Contract: s.root, State: core.EmptyState(i(0)), Input: tx})))
	if err != nil {
		t.Fatal(err)
	}
	leaves := res.Leaves()
	if leaves[0].(*cq.ContractWithAdjacency).ContractHash != s.innerHash || leaves[1].(cq.MerkleizeInputsResult).Err != nil {
		t.Fatalf("batch %+v", leaves)
	}
	if err := cl.Done(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}
