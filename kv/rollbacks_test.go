package kv

import (
	"math/rand/v2"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// emptyChain extends from prev (zero: the origin) with n empty blocks.
func emptyChain(rng *rand.Rand, prev BlockRef, hasPrev bool, n int) []BlockRef {
	var out []BlockRef
	for range n {
		b := BlockRef{Slot: prev.Slot + 1 + uint64(rng.IntN(5))}
		if hasPrev {
			b.Number = prev.Number + 1
		}
		copy(b.Hash[:], randBytes(rng, 32))
		out = append(out, b)
		prev, hasPrev = b, true
	}
	return out
}

func applyRefs(t *testing.T, s *Store, bs []BlockRef) {
	t.Helper()
	for _, b := range bs {
		if err := s.ApplyBlock(b.Point(), b.Number, extract.BlockEvents{}); err != nil {
			t.Fatal(err)
		}
	}
}

func commonPoint(t *testing.T, s *Store, b BlockRef) (BlockRef, bool, bool) {
	t.Helper()
	var target BlockRef
	var has, ok bool
	if err := s.Read(func(sn *Snapshot) error {
		var err error
		target, has, ok, err = sn.CommonPoint(b)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return target, has, ok
}

// TestCommonPoint: after forks, a block of an abandoned branch leads to
// the fork point, through several rollbacks; a block on the chain is its
// own common point; records older than the window are pruned.
func TestCommonPoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	s := openMem(t, 30)
	a := emptyChain(rng, BlockRef{}, false, 20)
	applyRefs(t, s, a)
	// Fork 1 at block 15 (a[14] stays).
	if err := s.RollBack(a[14].Point()); err != nil {
		t.Fatal(err)
	}
	b := emptyChain(rng, a[14], true, 8)
	applyRefs(t, s, b)
	if got, has, ok := commonPoint(t, s, a[18]); !ok || !has || got != a[14] {
		t.Fatalf("common point of abandoned %s: %v %v %v, want %s", a[18].Point(), got.Point(), has, ok, a[14].Point())
	}
	if got, _, ok := commonPoint(t, s, b[3]); !ok || got != b[3] {
		t.Fatalf("a block on the chain is not its own common point: %v", got.Point())
	}
	// Fork 2 deeper, at a[9]: a[18] now leads through a[14] (gone too) to a[9].
	if err := s.RollBack(a[9].Point()); err != nil {
		t.Fatal(err)
	}
	c := emptyChain(rng, a[9], true, 12)
	applyRefs(t, s, c)
	for _, gone := range []BlockRef{a[18], a[14], b[5]} {
		if got, has, ok := commonPoint(t, s, gone); !ok || !has || got != a[9] {
			t.Fatalf("common point of %s: %v %v %v, want %s", gone.Point(), got.Point(), has, ok, a[9].Point())
		}
	}
	// A rollback to the origin.
	if err := s.RollBack(chain.Point{}); err != nil {
		t.Fatal(err)
	}
	d := emptyChain(rng, BlockRef{}, false, 5)
	applyRefs(t, s, d)
	if _, has, ok := commonPoint(t, s, c[4]); !ok || has {
		t.Fatalf("after a rollback to the origin: has %v ok %v, want the origin", has, ok)
	}
	// A block never stored has no common point.
	if _, _, ok := commonPoint(t, s, BlockRef{Slot: 3, Number: 1}); ok {
		t.Fatal("an unknown block has a common point")
	}
	// Records below the window go at the next rollback.
	applyRefs(t, s, emptyChain(rng, d[4], true, 60))
	tip, _, _ := s.Tip()
	if err := s.RollBack(tip.Point()); err != nil { // no-op: prunes nothing
		t.Fatal(err)
	}
	recent, _ := s.RecentPoints(2)
	if err := s.RollBack(recent[1]); err != nil {
		t.Fatal(err)
	}
	if n := len(dumpStore(t, s).rkeys); n != 1 {
		t.Fatalf("%d rollback records after pruning, want 1 (the last rollback's)", n)
	}
}
