package kv_test

import (
	"bytes"
	"context"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/indexer"
)

// gcTrace is a contract with two levels of merkleized continuations:
// When [Notify → When [Notify → Pay … Close] t2 Close] t1 Close, deep-merkleized.
func gcTrace(t *testing.T, t1, t2 int64) (orig, root core.Contract, closure [][32]byte) {
	t.Helper()
	alice := core.RolePartyOf("alice")
	inner := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Pay{
		From: alice, To: core.Payee{Kind: core.PayeeParty, Party: core.RolePartyOf("bob")}, Token: core.Ada,
		Amount: core.Constant{N: big.NewInt(1)}, Then: core.Close{}}}}, Timeout: big.NewInt(t2), Continuation: core.Close{}}
	c := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: inner}},
		Timeout: big.NewInt(t1), Continuation: core.Close{}}
	root, conts, err := core.Merkleize(c)
	if err != nil {
		t.Fatal(err)
	}
	orig = c
	if len(conts) != 2 {
		t.Fatalf("%d continuations, want 2", len(conts))
	}
	rh, err := core.ContractHash(root)
	if err != nil {
		t.Fatal(err)
	}
	closure = append(closure, rh)
	for _, k := range conts {
		h, _ := core.ContractHash(k)
		closure = append(closure, h)
	}
	return orig, root, closure
}

// loadMerkleized stages the deep merkleization of each of cs (its
// continuations bottom-up, then its root), as MarloweLoad does, and commits.
func loadMerkleized(t *testing.T, o *kv.Objects, cs ...core.Contract) {
	t.Helper()
	ss, err := o.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		stage := func(c core.Contract) {
			root, conts, err := core.Merkleize(c)
			if err != nil {
				t.Fatal(err)
			}
			// Stage in an order where every contract follows what it
			// names: repeat until all are staged.
			left := map[[32]byte]core.Contract{}
			for _, k := range conts {
				h, _ := core.ContractHash(k)
				left[h] = k
			}
			for len(left) > 0 {
				progress := false
				for h, k := range left {
					refs, err := kv.ContractRefs(k)
					if err != nil {
						t.Fatal(err)
					}
					if slices.ContainsFunc(refs, func(r [32]byte) bool { _, pending := left[r]; return pending }) {
						continue
					}
					if _, err := ss.Stage(k); err != nil {
						t.Fatal(err)
					}
					delete(left, h)
					progress = true
				}
				if !progress {
					t.Fatal("continuations refer to each other in a cycle")
				}
			}
			if _, err := ss.Stage(root); err != nil {
				t.Fatal(err)
			}
		}
		stage(c)
	}
	if err := ss.Commit(); err != nil {
		t.Fatal(err)
	}
}

func sorted(hs [][32]byte) [][32]byte {
	out := slices.Clone(hs)
	slices.SortFunc(out, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out)
}

// TestObjectsGCChainRoots builds a real index (chaingen chain through the
// recogniser and node/indexer) holding two contracts whose merkleized
// continuations were loaded into the object store: A stays open, B is
// closed by a timeout transaction. With every lease expired, GC keeps A's
// whole closure, keeps B's while the transaction that closed it is within
// the journal window (a rollback could revive B's output), removes B's
// after that, and always removes contracts nothing on chain names. A
// rollback never touches the object store.
func TestObjectsGCChainRoots(t *testing.T) {
	const k = 5
	origA, rootA, closureA := gcTrace(t, 4_000_000_000_000, 4_000_000_000_001)
	origB, rootB, closureB := gcTrace(t, 1000, 2000)
	trB := chaingen.Trace{Name: "B", Contract: rootB, State: core.EmptyState(big.NewInt(0)),
		Txs: []core.TransactionInput{{Interval: core.TimeInterval{From: big.NewInt(10_000), To: big.NewInt(20_000)}}}}
	trA := chaingen.Trace{Name: "A", Contract: rootA, State: core.EmptyState(big.NewInt(0))}
	ch, err := chaingen.Generate(chaingen.Config{Seed: 21, Blocks: 160, Contracts: 6, MarloweFraction: 0.3,
		Traces: []chaingen.Trace{trA, trB}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Stats.StalledTraces != 0 {
		t.Fatalf("%d traces stalled", ch.Stats.StalledTraces)
	}

	s, err := kv.Open("", kv.Options{InMemory: true, SecurityParam: k, MemTableSize: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ix, err := indexer.New(s, extract.New(registry.New()), indexer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	o, err := kv.NewObjects(s, kv.ObjectOptions{Lease: time.Hour, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	// Unrelated contracts: loaded, never on chain.
	var junk []core.Contract
	var junkHashes [][32]byte
	for i := range 5 {
		j := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}},
			Then: core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.FalseObs{}}, Then: core.Close{}}},
				Timeout: big.NewInt(int64(i)), Continuation: core.Close{}}}},
			Timeout: big.NewInt(int64(100 + i)), Continuation: core.Close{}}
		root, conts, _ := core.Merkleize(j)
		junk = append(junk, j)
		h, _ := core.ContractHash(root)
		junkHashes = append(junkHashes, h)
		for _, c := range conts {
			h, _ := core.ContractHash(c)
			junkHashes = append(junkHashes, h)
		}
	}
	loadMerkleized(t, o, append([]core.Contract{origA, origB}, junk...)...)
	// A and B share their innermost continuation (the same Pay): content
	// addressing stores it once, and B's collection must leave it to A.
	all := sorted(append(append(slices.Clone(closureA), closureB...), junkHashes...))
	if len(all) != len(closureA)+len(closureB)+len(junkHashes)-1 {
		t.Fatalf("A and B should share exactly one continuation")
	}
	if got, _ := o.Hashes(); !slices.Equal(got, all) {
		t.Fatalf("store holds %d contracts before indexing", len(got))
	}

	ctx := context.Background()
	applied := 0
	applyTo := func(n int) {
		t.Helper()
		for ; applied < n; applied++ {
			if err := ix.RollForward(ctx, ch.Blocks[applied]); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Index the whole chain once to find where B closes.
	hashB, _ := core.ContractHash(rootB)
	hashA, _ := core.ContractHash(rootA)
	applyTo(len(ch.Blocks))
	var idB, idA extract.TxOutRef
	closeB := uint64(0)
	var createA, createB uint64
	acts, err := s.Activity(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acts {
		for _, tx := range a.Txs {
			for _, id := range tx.Contracts {
				steps, err := s.Steps(id)
				if err != nil {
					t.Fatal(err)
				}
				if len(steps) == 0 || steps[0].Output == nil {
					continue
				}
				md, err := core.DecodeData[core.MarloweData](steps[0].Output.Datum)
				if err != nil {
					t.Fatal(err)
				}
				h, _ := core.ContractHash(md.Contract)
				switch h {
				case hashA:
					idA, createA = id, steps[0].Block.Number
				case hashB:
					idB, createB = id, steps[0].Block.Number
					for _, st := range steps {
						if st.Kind == kv.StepApply && st.Closed {
							closeB = st.Block.Number
						}
					}
				}
			}
		}
	}
	if createA == 0 || createB == 0 || closeB == 0 {
		t.Fatalf("trace contracts not indexed as expected: A %s created #%d, B %s created #%d closed #%d", idA, createA, idB, createB, closeB)
	}
	if int(closeB)+k+3 > len(ch.Blocks) || createA > closeB+1 {
		t.Fatalf("B closes at #%d, A created at #%d: the chain must leave room past the window", closeB, createA)
	}

	// Index again from scratch, stopping right after B's close: the
	// closing block is in the journal window.
	s2, err := kv.Open("", kv.Options{InMemory: true, SecurityParam: k, MemTableSize: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if ix, err = indexer.New(s2, extract.New(registry.New()), indexer.Options{}); err != nil {
		t.Fatal(err)
	}
	s = s2
	if o, err = kv.NewObjects(s, kv.ObjectOptions{Lease: time.Hour, Now: func() time.Time { return t0 }}); err != nil {
		t.Fatal(err)
	}
	loadMerkleized(t, o, append([]core.Contract{origA, origB}, junk...)...)
	applied = 0
	applyTo(int(closeB) + 2) // block i has number i: the tip is B's close + 1

	later := t0.Add(2 * time.Hour) // every lease is over
	st, err := o.GC(later)
	if err != nil {
		t.Fatal(err)
	}
	want := sorted(append(slices.Clone(closureA), closureB...))
	if got, _ := o.Hashes(); !slices.Equal(got, want) {
		t.Fatalf("B closed within the window: kept %d contracts, want A's and B's closures (%d); %+v", len(got), len(want), st)
	}
	if st.Removed != len(junkHashes) {
		t.Fatalf("removed %d, want the %d unreferenced contracts", st.Removed, len(junkHashes))
	}

	// A rollback of the last block never touches the object store.
	tip, _, _ := s.Tip()
	prev := ch.Blocks[applied-2]
	if err := ix.RollBackward(ctx, prev.Point); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.Hashes(); !slices.Equal(got, want) {
		t.Fatalf("rollback from %v changed the object store", tip.Point())
	}
	applied--

	applyTo(int(closeB) + k + 3)
	if _, err := o.GC(later); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.Hashes(); !slices.Equal(got, sorted(closureA)) {
		t.Fatalf("B's close left the window: kept %d contracts, want A's closure (%d)", len(got), len(closureA))
	}
	for _, h := range closureA {
		if _, ok, err := o.Describe(h[:]); err != nil || !ok {
			t.Fatalf("A's contract %x incomplete after GC: %v %v", h, ok, err)
		}
	}
}
