package objects_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/objects"
)

func openObjects(t testing.TB, dir string, opts kv.ObjectOptions) (*kv.Store, *kv.Objects) {
	t.Helper()
	o := kv.Options{SecurityParam: 10, MemTableSize: 16 << 20, InMemory: dir == ""}
	s, err := kv.Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	objs, err := kv.NewObjects(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, objs
}

// modelPool is the contracts and hashes a model run draws from: a DAG of
// merkleized contracts (some naming contracts the run may never store),
// Close, nil, and hashes of every shape.
type modelPool struct {
	contracts []core.Contract
	hashes    []object.ContractHash
}

func newModelPool(rng *rand.Rand) modelPool {
	var p modelPool
	var hs []object.ContractHash
	party := func() core.Party { return core.RolePartyOf(core.TokenName(fmt.Sprintf("r%d", rng.IntN(4)))) }
	for i := range 40 {
		var cases []core.Case
		for k := range 1 + rng.IntN(3) {
			action := core.Choice{ID: core.ChoiceID{Name: core.ChoiceName(fmt.Sprintf("c%d", k)), Owner: party()},
				Bounds: []core.Bound{{Low: big.NewInt(0), High: big.NewInt(int64(k))}}}
			switch {
			case len(hs) > 0 && rng.IntN(2) == 0:
				h := hs[rng.IntN(len(hs))]
				cases = append(cases, core.Case{Action: action, Merkleized: true, Hash: []byte(h)})
			case rng.IntN(8) == 0:
				missing := make([]byte, 32)
				missing[0], missing[1] = 0xEE, byte(i)
				cases = append(cases, core.Case{Action: action, Merkleized: true, Hash: missing})
			default:
				cases = append(cases, core.Case{Action: action, Then: core.Pay{From: party(),
					To: core.Payee{Kind: core.PayeeParty, Party: party()}, Token: core.Ada,
					Amount: core.Constant{N: big.NewInt(int64(i))}, Then: core.Close{}}})
			}
		}
		c := core.When{Cases: cases, Timeout: big.NewInt(int64(1000 + i)), Continuation: core.Close{}}
		h, err := object.HashContract(c)
		if err != nil {
			panic(err)
		}
		p.contracts, hs = append(p.contracts, c), append(hs, h)
	}
	closeHash, _ := object.HashContract(core.Close{})
	p.contracts = append(p.contracts, core.Close{}, nil)
	p.hashes = append(hs, closeHash, "", "short", object.ContractHash(bytes.Repeat([]byte{7}, 33)),
		object.ContractHash(bytes.Repeat([]byte{0xEE}, 32)))
	return p
}

// TestModel runs the same seeded random operation sequences (stage,
// exists, flush, commit, discard on up to four staging areas at once;
// lookups and GetContract on the store) against object.MemoryStore, with
// contractquery.WithAdjacency over it, and against the Badger store
// through this package; every answer must be the same: hashes, found
// flags, contracts byte for byte, adjacency and closure, errors (and
// whether they are ErrStagingClosed). At the end both stores hold the same
// contracts.
func TestModel(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runModel(t, seed, 600) })
	}
}

func runModel(t *testing.T, seed uint64, ops int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 31))
	pool := newModelPool(rng)
	mem := object.NewMemoryStore()
	_, objs := openObjects(t, "", kv.ObjectOptions{})
	store, err := objects.NewStore(objs)
	if err != nil {
		t.Fatal(err)
	}
	memLookup := func(ctx context.Context, h types.DatumHash) (core.Contract, bool, error) {
		return mem.Contract(ctx, object.ContractHash(h))
	}
	var memAreas, kvAreas []object.StagingArea
	counts := map[string]int{}
	for op := range ops {
		fail := func(format string, a ...any) {
			t.Helper()
			t.Fatalf("seed %d op %d: %s", seed, op, fmt.Sprintf(format, a...))
		}
		sameErr := func(what string, e1, e2 error) {
			t.Helper()
			if (e1 == nil) != (e2 == nil) || errors.Is(e1, object.ErrStagingClosed) != errors.Is(e2, object.ErrStagingClosed) {
				fail("%s: memory %v, badger %v", what, e1, e2)
			}
		}
		area := func() int { return rng.IntN(len(memAreas)) }
		// renew replaces an ended area by a fresh one most of the time,
		// so that runs keep staging while closed areas still get used.
		renew := func(i int) {
			if rng.IntN(10) < 7 {
				m, err1 := mem.NewStagingArea(ctx)
				b, err2 := store.NewStagingArea(ctx)
				sameErr("open", err1, err2)
				memAreas[i], kvAreas[i] = m, b
			}
		}
		switch k := rng.IntN(20); {
		case len(memAreas) == 0 || (k == 0 && len(memAreas) < 4):
			counts["open"]++
			m, err1 := mem.NewStagingArea(ctx)
			b, err2 := store.NewStagingArea(ctx)
			sameErr("open", err1, err2)
			memAreas, kvAreas = append(memAreas, m), append(kvAreas, b)
		case k < 8:
			counts["stage"]++
			i, c := area(), pool.contracts[rng.IntN(len(pool.contracts))]
			h1, err1 := memAreas[i].Stage(ctx, c)
			h2, err2 := kvAreas[i].Stage(ctx, c)
			sameErr("stage", err1, err2)
			if h1 != h2 {
				fail("stage: hashes %x and %x", h1, h2)
			}
		case k < 12:
			counts["exists"]++
			i, h := area(), pool.hashes[rng.IntN(len(pool.hashes))]
			ok1, err1 := memAreas[i].Exists(ctx, h)
			ok2, err2 := kvAreas[i].Exists(ctx, h)
			sameErr("exists", err1, err2)
			if ok1 != ok2 {
				fail("exists %x: memory %v, badger %v", h, ok1, ok2)
			}
		case k == 12:
			counts["flush"]++
			i := area()
			sameErr("flush", memAreas[i].Flush(ctx), kvAreas[i].Flush(ctx))
		case k == 13:
			counts["commit"]++
			i := area()
			sameErr("commit", memAreas[i].Commit(ctx), kvAreas[i].Commit(ctx))
			renew(i)
		case k == 14:
			counts["discard"]++
			i := area()
			sameErr("discard", memAreas[i].Discard(ctx), kvAreas[i].Discard(ctx))
			renew(i)
		case k < 18:
			counts["lookup"]++
			h := pool.hashes[rng.IntN(len(pool.hashes))]
			c1, ok1, err1 := mem.Contract(ctx, h)
			c2, ok2, err2 := store.Contract(ctx, h)
			sameErr("lookup", err1, err2)
			if ok1 != ok2 {
				fail("lookup %x: memory %v, badger %v", h, ok1, ok2)
			}
			if ok1 && !sameWire(c1, c2, types.EncodeContract) {
				fail("lookup %x: contracts differ", h)
			}
		default:
			counts["get"]++
			h := types.DatumHash(pool.hashes[rng.IntN(len(pool.hashes))])
			r1, err1 := contractquery.WithAdjacency(ctx, memLookup, h)
			r2, err2 := store.Handle(ctx, contractquery.GetContract{Hash: h})
			sameErr("get contract", err1, err2)
			got, _ := r2.(*contractquery.ContractWithAdjacency)
			if (r1 == nil) != (got == nil) {
				fail("get contract %x: memory %v, badger %v", h, r1 != nil, got != nil)
			}
			if r1 != nil && !sameWire(*r1, *got, contractquery.EncodeContractWithAdjacency) {
				fail("get contract %x: answers differ", h)
			}
			if r1 != nil {
				counts["get found"]++
			}
		}
	}
	got, err := objs.Hashes()
	if err != nil {
		t.Fatal(err)
	}
	want := mem.Hashes()
	if len(got) != len(want) {
		t.Fatalf("seed %d: badger holds %d contracts, memory %d", seed, len(got), len(want))
	}
	for i := range got {
		if string(got[i][:]) != string(want[i]) {
			t.Fatalf("seed %d: stores differ at %d", seed, i)
		}
	}
	if len(want) < 20 || counts["commit"] == 0 || counts["discard"] == 0 || counts["get found"] < 8 {
		t.Fatalf("seed %d: weak run: %d stored, ops %v", seed, len(want), counts)
	}
	t.Logf("seed %d: %d contracts stored; ops %v", seed, len(want), counts)
}

// sameWire compares two values by their wire encodings.
func sameWire[T any](a, b T, f binary.EncodeFunc[T]) bool {
	ea, err1 := binary.Encode(a, f)
	eb, err2 := binary.Encode(b, f)
	return err1 == nil && err2 == nil && bytes.Equal(ea, eb)
}

// TestStoreErrors: the adapter keeps the protocol's error identities and
// kv's bounds: a closed area answers object.ErrStagingClosed; a malformed
// hash is not found rather than an error; kv's size bound reaches Stage.
func TestStoreErrors(t *testing.T) {
	ctx := context.Background()
	_, objs := openObjects(t, "", kv.ObjectOptions{MaxObjectSize: 1024})
	store, _ := objects.NewStore(objs)
	area, err := store.NewStagingArea(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := area.Exists(ctx, "short"); ok || err != nil {
		t.Fatalf("exists of a 5-byte hash: %v %v", ok, err)
	}
	if _, ok, err := store.Contract(ctx, "short"); ok || err != nil {
		t.Fatalf("contract of a 5-byte hash: %v %v", ok, err)
	}
	if r, err := store.Handle(ctx, contractquery.GetContract{Hash: "short"}); r != nil || err != nil {
		t.Fatalf("GetContract of a 5-byte hash: %v %v", r, err)
	}
	var big1 core.Contract = core.Close{}
	for i := range 300 {
		big1 = core.Let{ID: "v", Value: core.Constant{N: big.NewInt(int64(i))}, Then: big1}
	}
	if _, err := area.Stage(ctx, big1); !errors.Is(err, kv.ErrObjectTooLarge) {
		t.Fatalf("stage over the object bound: %v", err)
	}
	if err := area.Discard(ctx); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Stage":   func() error { _, err := area.Stage(ctx, core.Close{}); return err },
		"Exists":  func() error { _, err := area.Exists(ctx, "x"); return err },
		"Flush":   func() error { return area.Flush(ctx) },
		"Commit":  func() error { return area.Commit(ctx) },
		"Discard": func() error { return area.Discard(ctx) },
	} {
		if err := call(); !errors.Is(err, object.ErrStagingClosed) {
			t.Errorf("%s after discard: %v", name, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := store.NewStagingArea(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("staging area on a cancelled context: %v", err)
	}
	if _, err := objects.New(nil, objects.Options{}); err == nil {
		t.Error("New accepted a nil store")
	}
	if _, err := objects.New(objs, objects.Options{LoadBatch: -1}); err == nil {
		t.Error("New accepted a negative batch")
	}
}
