package object

import (
	"context"
	"errors"
	"math/big"
	"slices"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// TestMemoryStaging checks the staging-area model: staged contracts are
// visible to Exists at once, to the store only after Commit; Discard drops
// them; a closed area refuses every call.
func TestMemoryStaging(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	c := core.Assert{Obs: core.TrueObs{}, Then: core.Close{}}
	want, err := core.ContractHash(c)
	if err != nil {
		t.Fatal(err)
	}
	area, _ := s.NewStagingArea(ctx)
	h, err := area.Stage(ctx, c)
	if err != nil || h != ContractHash(want[:]) {
		t.Fatalf("Stage = %x, %v; want %x", h, err, want)
	}
	if ok, _ := area.Exists(ctx, h); !ok {
		t.Fatal("staged contract not visible to Exists")
	}
	if _, ok, _ := s.Contract(ctx, h); ok {
		t.Fatal("staged contract visible before commit")
	}
	if err := area.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := area.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := s.Contract(ctx, h); !ok || got == nil {
		t.Fatal("committed contract missing")
	}
	for name, call := range map[string]func() error{
		"Stage":   func() error { _, err := area.Stage(ctx, c); return err },
		"Exists":  func() error { _, err := area.Exists(ctx, h); return err },
		"Flush":   func() error { return area.Flush(ctx) },
		"Commit":  func() error { return area.Commit(ctx) },
		"Discard": func() error { return area.Discard(ctx) },
	} {
		if err := call(); !errors.Is(err, ErrStagingClosed) {
			t.Errorf("%s after commit: %v", name, err)
		}
	}

	other, _ := s.NewStagingArea(ctx)
	h2, _ := other.Stage(ctx, core.Assert{Obs: core.FalseObs{}, Then: core.Close{}})
	if ok, _ := other.Exists(ctx, h); !ok {
		t.Fatal("stored contract not visible to Exists")
	}
	if err := other.Discard(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Contract(ctx, h2); ok {
		t.Fatal("discarded contract stored")
	}
	if got := s.Hashes(); len(got) != 1 || got[0] != h {
		t.Fatalf("store holds %x", got)
	}
	if _, err := area.Stage(ctx, nil); err == nil {
		t.Fatal("staged a nil contract")
	}
}

// TestAdjacency: direct merkleized references anywhere in a contract,
// distinct and in ascending byte order (Haskell Set order).
func TestAdjacency(t *testing.T) {
	mk := func(h string) core.Case {
		return core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: []byte(h)}
	}
	c := core.If{
		Obs: core.TrueObs{},
		Then: core.When{Cases: []core.Case{mk("c"), mk("a"), {Action: core.Notify{Obs: core.TrueObs{}},
			Then: core.When{Cases: []core.Case{mk("b"), mk("a")}, Timeout: big.NewInt(1), Continuation: core.Close{}}}},
			Timeout: big.NewInt(1), Continuation: core.Close{}},
		Else: core.Let{ID: "x", Value: core.TimeIntervalEnd{}, Then: core.When{Cases: []core.Case{mk("\x00")}, Timeout: big.NewInt(2), Continuation: core.Close{}}},
	}
	got := Adjacency(c)
	want := []ContractHash{"\x00", "a", "b", "c"}
	if !slices.Equal(got, want) {
		t.Fatalf("Adjacency = %q, want %q", got, want)
	}
	if len(Adjacency(core.Close{})) != 0 {
		t.Fatal("Close has references")
	}
}
