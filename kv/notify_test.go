package kv

import (
	"math/rand/v2"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
)

// TestChangedBroadcast: a channel taken before a commit is closed by it, one
// taken after is not; a rollback closes it too, a no-op rollback does not.
func TestChangedBroadcast(t *testing.T) {
	blocks := genChain(t, rand.New(rand.NewPCG(3, 3)), 6)
	s := openMem(t, 10)
	before := s.Changed()
	if isClosed(before) {
		t.Fatal("channel closed before any change")
	}
	applyAll(t, s, blocks[:3])
	if !isClosed(before) {
		t.Fatal("commit did not close the channel taken before it")
	}
	after := s.Changed()
	if isClosed(after) {
		t.Fatal("channel taken after the commit is already closed")
	}
	if err := s.RollBack(pointOf(blocks, 3)); err != nil {
		t.Fatal(err)
	}
	if isClosed(after) {
		t.Fatal("rollback to the tip (no change) closed the channel")
	}
	if err := s.RollBack(pointOf(blocks, 1)); err != nil {
		t.Fatal(err)
	}
	if !isClosed(after) {
		t.Fatal("rollback did not close the channel")
	}
}

// TestTrackedRefs: the scan returns exactly the refs Lookup finds.
func TestTrackedRefs(t *testing.T) {
	blocks := genChain(t, rand.New(rand.NewPCG(5, 5)), 60)
	s := openMem(t, 100)
	applyAll(t, s, blocks)
	n := 0
	if err := s.TrackedRefs(func(r extract.TxOutRef) error {
		n++
		if _, ok, err := s.Lookup(r); err != nil || !ok {
			t.Fatalf("tracked %s not found by Lookup: %v", r, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, k := range dumpStore(t, s).keys {
		if k[0] == pUTxO {
			want++
		}
	}
	if n != want || n == 0 {
		t.Fatalf("%d tracked refs, want %d", n, want)
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
