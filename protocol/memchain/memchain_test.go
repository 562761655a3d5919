package memchain

import (
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

func hdr(slot uint64, hash string) types.BlockHeader {
	return types.BlockHeader{Slot: types.SlotNo(slot), Hash: types.BlockHeaderHash(hash), Block: types.BlockNo(slot)}
}

func TestChain(t *testing.T) {
	c := New[[]int]()
	if c.Tip().At || c.After(types.ChainPoint{}) != 0 {
		t.Fatal("empty chain")
	}
	a, b, d, e := hdr(1, "a"), hdr(2, "b"), hdr(3, "d"), hdr(4, "e")
	for _, h := range []types.BlockHeader{a, b, d} {
		if err := c.Append(h, []int{int(h.Slot)}); err != nil {
			t.Fatal(err)
		}
	}
	// The tip takes more data; an older or equal block is refused.
	x, err := c.At(d, func() []int { t.Fatal("fresh for the tip"); return nil })
	if err != nil {
		t.Fatal(err)
	}
	*x = append(*x, 30)
	if err := c.Append(d, nil); err == nil || !strings.Contains(err.Error(), "does not extend the tip") {
		t.Fatalf("re-append of the tip: %v", err)
	}
	if _, err := c.At(hdr(2, "z"), func() []int { return nil }); err == nil {
		t.Fatal("an older block was accepted")
	}
	if got := c.Blocks()[2].Data; len(got) != 2 || got[1] != 30 || c.Tip() != types.PointAt(d) {
		t.Fatalf("tip data %v, tip %v", got, c.Tip())
	}
	if c.After(types.PointAt(a)) != 1 || c.After(types.PointAt(d)) != 3 || c.After(types.PointAt(hdr(2, "?"))) != 2 {
		t.Fatal("After")
	}

	// Roll back to a, then (after e) to Genesis: clients on b and d go to
	// Genesis too, since a was removed with the second rollback.
	c.Rollback(types.PointAt(a))
	if to, ok := c.RolledBack(types.PointAt(d)); !ok || to != types.PointAt(a) {
		t.Fatalf("d rolled back to %v %v", to, ok)
	}
	if _, ok := c.RolledBack(types.PointAt(a)); ok || len(c.Blocks()) != 1 {
		t.Fatal("a is on the chain")
	}
	if _, ok := c.RolledBack(types.ChainPoint{}); ok {
		t.Fatal("Genesis rolled back")
	}
	if err := c.Append(e, nil); err != nil {
		t.Fatal(err)
	}
	c.Rollback(types.ChainPoint{})
	for _, h := range []types.BlockHeader{a, b, d, e} {
		if to, ok := c.RolledBack(types.PointAt(h)); !ok || to.At {
			t.Fatalf("%s: rolled back to %v %v", h.Hash, to, ok)
		}
	}
	// A block that comes back is no longer rolled back.
	if err := c.Append(b, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.RolledBack(types.PointAt(b)); ok {
		t.Fatal("b is back on the chain")
	}
}

func TestIntersect(t *testing.T) {
	a, b, d, e := hdr(1, "a"), hdr(2, "b"), hdr(3, "d"), hdr(4, "e")
	history := []types.BlockHeader{a, b, d}
	for _, tc := range []struct {
		points []types.BlockHeader
		want   types.BlockHeader
		found  bool
	}{
		{nil, types.BlockHeader{}, false},
		{[]types.BlockHeader{e}, types.BlockHeader{}, false},
		{[]types.BlockHeader{a}, a, true},
		{[]types.BlockHeader{a, b, d, e}, d, true},
		{[]types.BlockHeader{b, d}, d, true},
		{[]types.BlockHeader{a, d}, a, true}, // the run breaks at d
		{[]types.BlockHeader{e, a}, types.BlockHeader{}, false},
	} {
		got, found := Intersect(history, tc.points)
		c := New[struct{}]()
		for _, h := range history {
			_ = c.Append(h, struct{}{})
		}
		got2, found2 := c.Intersect(tc.points)
		if got != tc.want || found != tc.found || got2 != got || found2 != found {
			t.Errorf("%v: %v %v / %v %v, want %v %v", tc.points, got, found, got2, found2, tc.want, tc.found)
		}
	}
}
