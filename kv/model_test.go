package kv

import (
	"errors"
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
)

var longRun = flag.Bool("kv.long", false, "run the model-based rollback test with many more operations")

// TestModelRollbacks is acceptance 1: random extensions and rollbacks
// (depth 1 to beyond k); after every operation the store's logical content
// equals that of a fresh store built from scratch over the surviving chain,
// its journal is a subset of the fresh one's, and a rollback deeper than
// the retained window fails with ErrBeyondWindow, changing nothing.
func TestModelRollbacks(t *testing.T) {
	ops, seeds := 1000, []uint64{1}
	if *longRun {
		ops, seeds = 5000, []uint64{2, 3, 4}
	}
	for _, seed := range seeds {
		runModel(t, seed, ops, 24)
	}
}

func runModel(t *testing.T, seed uint64, ops int, k uint64) {
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, 0xC0FFEE))
	s := openMem(t, k)
	var (
		blocks  []genBlock
		states  = []genState{{roles: map[extract.TxOutRef]core.CurrencySymbol{}}}
		floor   uint64 // lowest block number that can still be rolled back to
		ext     int
		backs   int
		refused int
		maxLen  int
	)
	// ref is the from-scratch store: it only ever moves forward and is
	// rebuilt over the surviving chain after every rollback.
	ref := openMem(t, k)
	for op := range ops {
		// Extensions win 78% of the time, 50% on a chain of 150 or more
		// blocks, keeping the chain (and the reference rebuilds) bounded.
		extend := 78
		if len(blocks) >= 150 {
			extend = 50
		}
		if len(blocks) == 0 || rng.IntN(100) < extend {
			st := states[len(states)-1].clone()
			var prev BlockRef
			if len(blocks) > 0 {
				prev = blocks[len(blocks)-1].ref
			}
			b := nextBlock(t, rng, &st, prev)
			applyAll(t, s, []genBlock{b})
			applyAll(t, ref, []genBlock{b})
			blocks, states = append(blocks, b), append(states, st)
			if n := b.ref.Number; n > k+1 {
				floor = max(floor, n-k-1)
			}
			ext++
		} else {
			depth := 1 + rng.IntN(3)
			if rng.IntN(10) == 0 {
				depth = 1 + rng.IntN(int(k)+8)
			}
			depth = min(depth, len(blocks))
			target := len(blocks) - depth
			before := dumpStore(t, s)
			err := s.RollBack(pointOf(blocks, target))
			if uint64(target) < floor {
				if !errors.Is(err, ErrBeyondWindow) {
					t.Fatalf("seed %d op %d: rollback %d blocks to #%d below floor #%d: err %v, want ErrBeyondWindow", seed, op, depth, target, floor, err)
				}
				if d := diffIndex(dumpStore(t, s), before); d != "" {
					t.Fatalf("seed %d op %d: refused rollback changed the store: %s", seed, op, d)
				}
				refused++
				continue
			}
			if err != nil {
				t.Fatalf("seed %d op %d: rollback %d blocks: %v", seed, op, depth, err)
			}
			blocks, states = blocks[:target], states[:target+1]
			if err := ref.Close(); err != nil {
				t.Fatal(err)
			}
			ref = openMem(t, k)
			applyAll(t, ref, blocks)
			backs++
		}
		maxLen = max(maxLen, len(blocks))
		got, want := dumpStore(t, s), dumpStore(t, ref)
		if d := diffIndex(got, want); d != "" {
			t.Fatalf("seed %d op %d (chain %d blocks): store differs from the fresh one: %s", seed, op, len(blocks), d)
		}
		if d := journalSubset(got, want); d != "" {
			t.Fatalf("seed %d op %d: %s", seed, op, d)
		}
		tip, ok, err := s.Tip()
		if err != nil || ok != (len(blocks) > 0) || (ok && tip != blocks[len(blocks)-1].ref) {
			t.Fatalf("seed %d op %d: tip %v %v %v", seed, op, tip, ok, err)
		}
	}
	if ext < ops/3 || backs < ops/10 || refused == 0 {
		t.Fatalf("seed %d: unbalanced run: %d extensions, %d rollbacks, %d refused", seed, ext, backs, refused)
	}
	t.Logf("seed %d: %d ops (%d extensions, %d rollbacks, %d refused beyond window), longest chain %d, %v",
		seed, ops, ext, backs, refused, maxLen, time.Since(start).Round(time.Millisecond))
}
