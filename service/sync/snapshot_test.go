package sync_test

import (
	"math"
	"slices"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
)

// TestSnapshotReads checks the snapshot reads the handlers are built on
// (kv/read_sync.go) against the store's plain read API: forward and
// backward scans with their exclusive and inclusive bounds, per-block and
// per-transaction steps, the creation step and the newest Marlowe block.
func TestSnapshotReads(t *testing.T) {
	f := newFixture(t, chaingen.Config{Seed: 13, Blocks: 400, Contracts: 30, MarloweFraction: 0.3}, fixtureOpts{})
	acts, err := f.store.Activity(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) < 20 {
		t.Fatalf("%d Marlowe blocks", len(acts))
	}
	slotsOf := func(as []kv.BlockActivity) []uint64 {
		var out []uint64
		for _, a := range as {
			out = append(out, a.Block.Slot)
		}
		return out
	}
	all := slotsOf(acts)
	mid := acts[len(acts)/2].Block.Slot
	// The contract with the longest history.
	var steps []kv.Step
	var id = acts[0].Txs[0].Contracts[0]
	for _, tr := range f.chain.Truth {
		for _, c := range tr.Created {
			st, err := f.store.Steps(c.ContractID)
			if err != nil {
				t.Fatal(err)
			}
			if len(st) > len(steps) {
				steps, id = st, c.ContractID
			}
		}
	}
	if len(slices.CompactFunc(slices.Clone(steps), func(a, b kv.Step) bool { return a.Block == b.Block })) < 3 {
		t.Fatalf("longest history spans fewer than 3 blocks")
	}
	err = f.store.Read(func(r *kv.Snapshot) error {
		collect := func(scan func(func(kv.BlockActivity) (bool, error)) error, limit int) []uint64 {
			var out []uint64
			if err := scan(func(a kv.BlockActivity) (bool, error) {
				out = append(out, a.Block.Slot)
				return limit == 0 || len(out) < limit, nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		fwd := func(from uint64) func(func(kv.BlockActivity) (bool, error)) error {
			return func(fn func(kv.BlockActivity) (bool, error)) error { return r.ScanActivity(from, fn) }
		}
		back := func(below uint64) func(func(kv.BlockActivity) (bool, error)) error {
			return func(fn func(kv.BlockActivity) (bool, error)) error { return r.ScanActivityBack(below, fn) }
		}
		i := slices.Index(all, mid)
		if got := collect(fwd(0), 0); !slices.Equal(got, all) {
			t.Errorf("forward scan from 0: %d blocks, want %d", len(got), len(all))
		}
		if got := collect(fwd(mid), 0); !slices.Equal(got, all[i:]) {
			t.Error("forward scan includes its start slot and everything after")
		}
		if got := collect(fwd(mid+1), 3); !slices.Equal(got, all[i+1:i+4]) {
			t.Error("forward scan stops when told")
		}
		below := slices.Clone(all[:i])
		slices.Reverse(below)
		if got := collect(back(mid), 0); !slices.Equal(got, below) {
			t.Errorf("backward scan below %d: %v", mid, got)
		}
		if got := collect(back(0), 0); len(got) != 0 {
			t.Error("backward scan below slot 0 found blocks")
		}
		if got := collect(back(math.MaxUint64), 1); !slices.Equal(got, all[len(all)-1:]) {
			t.Error("backward scan from the top does not start at the newest block")
		}
		if latest, ok, err := r.LatestActivity(); err != nil || !ok || latest.Block != acts[len(acts)-1].Block {
			t.Errorf("LatestActivity = %v %v %v", latest.Block, ok, err)
		}
		if a, ok, err := r.ActivityAt(mid); err != nil || !ok || a.Block.Slot != mid {
			t.Errorf("ActivityAt(%d) = %v %v", mid, ok, err)
		}
		if _, ok, err := r.ActivityAt(mid + 1); err != nil || ok {
			t.Errorf("ActivityAt(a quiet slot) = %v %v", ok, err)
		}

		// Steps of one contract.
		cr, ok, err := r.Creation(id)
		if err != nil || !ok || cr.Kind != kv.StepCreate || cr.Block != steps[0].Block {
			t.Errorf("Creation = %v %v %v", cr.Kind, ok, err)
		}
		var got []kv.Step
		if err := r.ScanSteps(id, 0, func(s kv.Step) (bool, error) { got = append(got, s); return true, nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(steps) {
			t.Errorf("ScanSteps: %d steps, want %d", len(got), len(steps))
		}
		last := steps[len(steps)-1]
		var rev []kv.Step
		if err := r.ScanStepsBack(id, last.Block.Slot, func(s kv.Step) (bool, error) { rev = append(rev, s); return true, nil }); err != nil {
			t.Fatal(err)
		}
		for j, s := range rev {
			want := steps[len(steps)-1-j-countAt(steps, last.Block.Slot)]
			if s.Block != want.Block || s.Kind != want.Kind || s.TxID != want.TxID {
				t.Errorf("ScanStepsBack[%d] = %v %v, want %v %v", j, s.Block.Slot, s.Kind, want.Block.Slot, want.Kind)
			}
		}
		if len(rev) != len(steps)-countAt(steps, last.Block.Slot) {
			t.Errorf("ScanStepsBack below the last step block: %d steps", len(rev))
		}
		at, err := r.StepsAt(id, last.Block.Slot)
		if err != nil || len(at) != countAt(steps, last.Block.Slot) {
			t.Errorf("StepsAt = %d, %v", len(at), err)
		}
		tx, err := r.TxSteps(id, cr.Block.Slot, cr.TxIndex)
		if err != nil || len(tx) == 0 || tx[0].Kind != kv.StepCreate {
			t.Errorf("TxSteps of the creation = %v, %v", tx, err)
		}
		if none, err := r.TxSteps(id, cr.Block.Slot, cr.TxIndex+1000); err != nil || len(none) != 0 {
			t.Errorf("TxSteps of another transaction = %v, %v", none, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func countAt(steps []kv.Step, slot uint64) int {
	n := 0
	for _, s := range steps {
		if s.Block.Slot == slot {
			n++
		}
	}
	return n
}
