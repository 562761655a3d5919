package kv

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// TestPruning: with k = 10, after 40 blocks only the journal of blocks
// 30..40 remains; rolling back to block 29 (11 deep) works, to 28 or to the
// origin fails with ErrBeyondWindow and changes nothing.
func TestPruning(t *testing.T) {
	const k, n = 10, 40
	blocks := genChain(t, rand.New(rand.NewPCG(7, 7)), n)
	for _, tc := range []struct {
		name   string
		target int
		ok     bool
	}{
		{"tip", n, true},
		{"depth 1", n - 1, true},
		{"depth k", n - k, true},
		{"depth k+1: below the oldest retained", n - k - 1, true},
		{"depth k+2", n - k - 2, false},
		{"origin", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openMem(t, k)
			applyAll(t, s, blocks)
			d := dumpStore(t, s)
			if len(d.jkeys) != 2*(k+1) {
				t.Fatalf("journal holds %d keys, want %d (by slot and by number)", len(d.jkeys), 2*(k+1))
			}
			err := s.RollBack(pointOf(blocks, tc.target))
			if tc.ok {
				if err != nil {
					t.Fatalf("rollback: %v", err)
				}
				ref := openMem(t, k)
				applyAll(t, ref, blocks[:tc.target])
				if diff := diffIndex(dumpStore(t, s), dumpStore(t, ref)); diff != "" {
					t.Fatal(diff)
				}
				return
			}
			if !errors.Is(err, ErrBeyondWindow) {
				t.Fatalf("err %v, want ErrBeyondWindow", err)
			}
			after := dumpStore(t, s)
			if diff := diffIndex(after, d); diff != "" {
				t.Fatalf("refused rollback changed the store: %s", diff)
			}
			if len(after.jkeys) != len(d.jkeys) {
				t.Fatalf("refused rollback changed the journal")
			}
		})
	}
}

// TestRollBackBadPoints: points that are not on the stored chain are
// refused without change.
func TestRollBackBadPoints(t *testing.T) {
	blocks := genChain(t, rand.New(rand.NewPCG(8, 8)), 10)
	s := openMem(t, 100)
	applyAll(t, s, blocks)
	before := dumpStore(t, s)
	p5 := blocks[4].ref.Point()
	for _, tc := range []struct {
		name string
		p    chain.Point
	}{
		{"wrong hash", chain.Point{Slot: p5.Slot, Hash: chain.Hash{9}}},
		{"slot between blocks", chain.Point{Slot: p5.Slot + 1, Hash: p5.Hash}},
		{"ahead of tip", chain.Point{Slot: blocks[9].ref.Slot + 5, Hash: p5.Hash}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if blocks[5].ref.Slot == p5.Slot+1 && tc.name == "slot between blocks" {
				t.Skip("no gap after block 5")
			}
			if err := s.RollBack(tc.p); !errors.Is(err, ErrNotOnChain) {
				t.Fatalf("err %v, want ErrNotOnChain", err)
			}
			if d := diffIndex(dumpStore(t, s), before); d != "" {
				t.Fatal(d)
			}
		})
	}
	// Rolling back to the tip is a no-op; to the origin undoes everything.
	if err := s.RollBack(blocks[9].ref.Point()); err != nil {
		t.Fatal(err)
	}
	if err := s.RollBack(chain.Point{}); err != nil {
		t.Fatal(err)
	}
	if d := diffIndex(dumpStore(t, s), dumpStore(t, openMem(t, 100))); d != "" {
		t.Fatalf("after rollback to origin: %s", d)
	}
	if _, ok, _ := s.Tip(); ok {
		t.Fatal("tip after rollback to origin")
	}
}

// TestApplyAtomic: a failure injected before any of a block's writes
// leaves nothing of the block visible and the chain point unchanged; the
// block then applies cleanly.
func TestApplyAtomic(t *testing.T) {
	blocks := genChain(t, rand.New(rand.NewPCG(9, 9)), 30)
	// The block with the most writes, to fail at many places.
	s := openMem(t, 100)
	applyAll(t, s, blocks[:20])
	counts := make([]int, len(blocks))
	probe := openMem(t, 100)
	for i, b := range blocks {
		probe.fault = func(n int) error { counts[i] = n + 1; return nil }
		applyAll(t, probe, []genBlock{b})
	}
	best := 20 + slices.Index(counts[20:], slices.Max(counts[20:]))
	applyAll(t, s, blocks[20:best])
	before := dumpStore(t, s)
	injected := errors.New("injected fault")
	for at := range counts[best] {
		s.fault = func(n int) error {
			if n == at {
				return injected
			}
			return nil
		}
		b := blocks[best]
		if err := s.ApplyBlock(b.ref.Point(), b.ref.Number, b.ev); !errors.Is(err, injected) {
			t.Fatalf("fault at write %d: err %v", at, err)
		}
		after := dumpStore(t, s)
		if d := diffIndex(after, before); d != "" {
			t.Fatalf("fault at write %d: block partly visible: %s", at, d)
		}
		if len(after.jkeys) != len(before.jkeys) {
			t.Fatalf("fault at write %d: journal changed", at)
		}
	}
	s.fault = nil
	applyAll(t, s, blocks[best:])
	ref := openMem(t, 100)
	applyAll(t, ref, blocks)
	if d := diffIndex(dumpStore(t, s), dumpStore(t, ref)); d != "" {
		t.Fatal(d)
	}
	t.Logf("failed block #%d at each of its %d writes", best+1, counts[best])
	if counts[best] < 10 {
		t.Fatalf("the busiest block has only %d writes", counts[best])
	}
}

// TestApplyRejectsBadBlocks: blocks that do not extend the tip, or whose
// events do not match the point, are refused.
func TestApplyRejectsBadBlocks(t *testing.T) {
	blocks := genChain(t, rand.New(rand.NewPCG(10, 10)), 3)
	s := openMem(t, 100)
	applyAll(t, s, blocks[:2])
	b := blocks[1]
	if err := s.ApplyBlock(b.ref.Point(), b.ref.Number, extract.BlockEvents{}); err == nil {
		t.Fatal("re-applying the tip succeeded")
	}
	c := blocks[2]
	if err := s.ApplyBlock(c.ref.Point(), c.ref.Number+1, c.ev); err == nil {
		t.Fatal("header/number mismatch accepted")
	}
	if err := s.ApplyBlock(chain.Point{}, 0, extract.BlockEvents{}); err == nil {
		t.Fatal("origin accepted as a block")
	}
}

// TestReopen: after Close, a reopened store has the same tip, content,
// journal and recent points, and keeps extending and rolling back.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	blocks := genChain(t, rand.New(rand.NewPCG(11, 11)), 60)
	s, err := Open(dir, Options{SecurityParam: 20, MemTableSize: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	applyAll(t, s, blocks[:40])
	before := dumpStore(t, s)
	pts, err := s.RecentPoints(5)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{SecurityParam: 20, MemTableSize: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after := dumpStore(t, s)
	if d := diffIndex(after, before); d != "" {
		t.Fatal(d)
	}
	if d := journalSubset(after, before); d != "" || len(after.jkeys) != len(before.jkeys) {
		t.Fatalf("journal after reopen: %s", d)
	}
	pts2, err := s.RecentPoints(5)
	if err != nil || !slices.Equal(pts, pts2) {
		t.Fatalf("recent points %v, then %v (%v)", pts, pts2, err)
	}
	want := []chain.Point{blocks[39].ref.Point(), blocks[38].ref.Point(), blocks[37].ref.Point(), blocks[36].ref.Point(), blocks[35].ref.Point()}
	if !slices.Equal(pts, want) {
		t.Fatalf("recent points %v, want %v", pts, want)
	}
	if err := s.RollBack(blocks[29].ref.Point()); err != nil {
		t.Fatal(err)
	}
	applyAll(t, s, blocks[30:])
	ref := openMem(t, 20)
	applyAll(t, ref, blocks)
	got, fresh := dumpStore(t, s), dumpStore(t, ref)
	if d := diffIndex(got, fresh); d != "" {
		t.Fatal(d)
	}
	// Pruning resumed after the reopen: same journal as the fresh store.
	if d := journalSubset(got, fresh); d != "" || len(got.jkeys) != len(fresh.jkeys) {
		t.Fatalf("journal: %s (%d keys, want %d)", d, len(got.jkeys), len(fresh.jkeys))
	}
}

// TestReadAPI checks the read side against the generator's events.
func TestReadAPI(t *testing.T) {
	blocks := genChain(t, rand.New(rand.NewPCG(12, 12)), 80)
	s := openMem(t, 100)
	applyAll(t, s, blocks)

	// Expected facts, from the events.
	steps := map[extract.TxOutRef][]StepKind{}
	byTag := map[string][]extract.TxOutRef{}
	byCur := map[core.CurrencySymbol][]extract.TxOutRef{}
	available := map[extract.TxOutRef]bool{}
	var withMerkle *extract.InputsApplied
	for _, b := range blocks {
		for _, tx := range b.ev.Txs {
			if !tx.Valid {
				continue
			}
			for _, c := range tx.Created {
				steps[c.ContractID] = append(steps[c.ContractID], StepCreate)
				if c.Metadata.Marlowe != nil {
					for tag := range c.Metadata.Marlowe.Tags {
						byTag[tag] = append(byTag[tag], c.ContractID)
					}
				}
				if c.RolesCurrency != "" {
					byCur[c.RolesCurrency] = append(byCur[c.RolesCurrency], c.ContractID)
				}
			}
			if a := tx.Applied; a != nil {
				steps[a.ContractID] = append(steps[a.ContractID], StepApply)
				for _, p := range a.Payouts {
					available[p.Output.Ref] = true
				}
				if len(a.Inputs) > 1 && a.Inputs[1].Merkleized {
					withMerkle = a
				}
			}
			if w := tx.Withdrawn; w != nil {
				for _, c := range w.Contracts {
					steps[c.ContractID] = append(steps[c.ContractID], StepWithdraw)
					for _, p := range c.Payouts {
						available[p.Ref] = false
					}
				}
			}
		}
	}
	for id, kinds := range steps {
		got, err := s.Steps(id)
		if err != nil {
			t.Fatal(err)
		}
		var gk []StepKind
		for _, st := range got {
			gk = append(gk, st.Kind)
		}
		if !slices.Equal(gk, kinds) {
			t.Fatalf("steps of %s: %v, want %v", id, gk, kinds)
		}
		if _, ok, err := s.Contract(id); !ok || err != nil {
			t.Fatalf("header of %s: %v %v", id, ok, err)
		}
	}
	sortRefs := func(rs []extract.TxOutRef) []extract.TxOutRef {
		rs = slices.Clone(rs)
		slices.SortFunc(rs, registry.CompareTxOutRef)
		return slices.Compact(rs)
	}
	for tag, ids := range byTag {
		got, err := s.ContractsByTag(tag, Page{})
		if err != nil || !slices.Equal(got, sortRefs(ids)) {
			t.Fatalf("tag %s: %v (%v), want %v", tag, got, err, sortRefs(ids))
		}
		// Paging: pages of 2 concatenate to the whole.
		var paged []extract.TxOutRef
		var after *extract.TxOutRef
		for {
			page, err := s.ContractsByTag(tag, Page{After: after, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			paged = append(paged, page...)
			after = &page[len(page)-1]
		}
		if !slices.Equal(paged, got) {
			t.Fatalf("tag %s paged: %v, want %v", tag, paged, got)
		}
	}
	for cur, ids := range byCur {
		got, err := s.ContractsByRolesCurrency(cur, Page{})
		if err != nil || !slices.Equal(got, sortRefs(ids)) {
			t.Fatalf("currency: %v (%v), want %v", got, err, sortRefs(ids))
		}
	}
	nAvail, nWithdrawn := 0, 0
	for ref, av := range available {
		p, ok, err := s.Payout(ref)
		if !ok || err != nil {
			t.Fatalf("payout %s: %v %v", ref, ok, err)
		}
		want := PayoutWithdrawn
		if av {
			want = PayoutAvailable
			nAvail++
		} else {
			nWithdrawn++
		}
		if p.Status != want {
			t.Fatalf("payout %s: %s, want %s", ref, p.Status, want)
		}
		for _, st := range []PayoutStatus{0, want} {
			ps, err := s.PayoutsOfContract(p.ContractID, st)
			if err != nil || !slices.ContainsFunc(ps, func(q Payout) bool { return q.Ref == ref }) {
				t.Fatalf("payout %s not listed for its contract with status %d", ref, st)
			}
			ps, err = s.PayoutsByRole(core.Token{Currency: p.RolesCurrency, Name: p.Role}, st, Page{})
			if err != nil || !slices.ContainsFunc(ps, func(q Payout) bool { return q.Ref == ref }) {
				t.Fatalf("payout %s not listed for its role with status %d", ref, st)
			}
		}
		other := PayoutAvailable + PayoutWithdrawn - want
		ps, _ := s.PayoutsOfContract(p.ContractID, other)
		if slices.ContainsFunc(ps, func(q Payout) bool { return q.Ref == ref }) {
			t.Fatalf("payout %s listed with status %s too", ref, other)
		}
	}
	if nAvail == 0 || nWithdrawn == 0 {
		t.Fatalf("generator gave %d available and %d withdrawn payouts", nAvail, nWithdrawn)
	}
	// Parties revealed by a merkleized continuation are indexed.
	if withMerkle == nil {
		t.Fatal("generator produced no merkleized input")
	}
	ps := newPartySet()
	if err := ps.addContract(withMerkle.Inputs[1].Continuation); err != nil {
		t.Fatal(err)
	}
	h, _, _ := s.Contract(withMerkle.ContractID)
	for _, p := range ps.parties {
		ids, err := s.ContractsByParty(p, h.RolesCurrency, Page{})
		if err != nil || !slices.Contains(ids, withMerkle.ContractID) {
			t.Fatalf("party %+v of a revealed continuation not indexed for %s", p, withMerkle.ContractID)
		}
	}
	// Bulk-sync activity covers every block with steps, in order.
	act, err := s.Activity(0, 0)
	if err != nil || len(act) == 0 {
		t.Fatalf("activity: %d blocks, %v", len(act), err)
	}
	for i := 1; i < len(act); i++ {
		if act[i].Block.Slot <= act[i-1].Block.Slot {
			t.Fatal("activity out of order")
		}
	}
	if next, _ := s.Activity(act[0].Block.Slot, 1); len(next) != 1 || next[0].Block != act[1].Block {
		t.Fatal("activity paging")
	}
	// Lookup serves the recogniser.
	for ref, av := range available {
		e, ok, err := s.Lookup(ref)
		if err != nil || ok != av || (ok && e.Kind != extract.EntryPayout) {
			t.Fatalf("lookup %s: %v %v %v, want tracked=%v", ref, e.Kind, ok, err, av)
		}
	}
}

// TestParties: every party of a contract is found, including those only
// in values, observations, the state, and the action of a merkleized case
// (whose continuation is not in the datum).
func TestParties(t *testing.T) {
	addr := core.AddressPartyOf(core.Address{Payment: core.Credential{Hash: "\x01\x02"}})
	r := func(n string) core.Party { return core.RolePartyOf(core.TokenName(n)) }
	c := core.When{
		Cases: []core.Case{
			{Action: core.Notify{Obs: core.ChoseSomething{ID: core.ChoiceID{Name: "x", Owner: r("obs")}}},
				Then: core.If{Obs: core.ValueGE{L: core.AvailableMoney{Account: r("val"), Token: core.Ada}, R: core.Constant{N: nil}},
					Then: core.Let{ID: "v", Value: core.ChoiceValue{ID: core.ChoiceID{Name: "y", Owner: addr}}, Then: core.Close{}},
					Else: core.Pay{From: r("from"), To: core.Payee{Kind: core.PayeeAccount, Party: r("to")}, Token: core.Ada, Amount: core.Constant{}, Then: core.Close{}}}},
			{Action: core.Deposit{Into: r("into"), From: r("dep"), Amount: core.Constant{}}, Merkleized: true},
		},
		Continuation: core.Assert{Obs: core.TrueObs{}, Then: core.Close{}},
	}
	ps := newPartySet()
	if err := ps.addContract(c); err != nil {
		t.Fatal(err)
	}
	if err := ps.addState(core.State{Choices: []core.ChoiceEntry{{ID: core.ChoiceID{Owner: r("st")}}}}); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"obs": true, "val": true, "from": true, "to": true, "st": true, "into": true, "dep": true}
	gotAddr := false
	for _, p := range ps.parties {
		if p.Kind == core.AddressParty {
			gotAddr = true
			continue
		}
		if !want[string(p.Role)] {
			t.Fatalf("unexpected party %q", p.Role)
		}
		delete(want, string(p.Role))
	}
	if len(want) != 0 || !gotAddr {
		t.Fatalf("missing parties %v (address found: %v)", want, gotAddr)
	}
}

// TestApplyBlocksBatch: applying a chain in batches gives the same store as
// applying it block by block, also when the batch exceeds one transaction
// (a 1 MiB memtable forces splits); a single block too big for one
// transaction fails with ErrBlockTooBig and leaves the store unchanged.
func TestApplyBlocksBatch(t *testing.T) {
	blocks := genChain(t, rand.New(rand.NewPCG(14, 14)), 600)
	var in []Block
	for _, b := range blocks {
		in = append(in, Block{Point: b.ref.Point(), Number: b.ref.Number, Events: b.ev})
	}
	small, err := Open("", Options{InMemory: true, SecurityParam: 50, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	if err := small.ApplyBlocks(in[:400]); err != nil {
		t.Fatal(err)
	}
	if small.commits < 2 {
		t.Fatalf("400 blocks in a 1 MiB memtable committed in %d transaction(s)", small.commits)
	}
	t.Logf("400 blocks committed in %d transactions", small.commits)
	for i := 400; i < len(in); i += 37 {
		if err := small.ApplyBlocks(in[i:min(i+37, len(in))]); err != nil {
			t.Fatal(err)
		}
	}
	ref := openMem(t, 50)
	applyAll(t, ref, blocks)
	got, want := dumpStore(t, small), dumpStore(t, ref)
	if d := diffIndex(got, want); d != "" {
		t.Fatal(d)
	}
	if d := journalSubset(got, want); d != "" || len(got.jkeys) != len(want.jkeys) {
		t.Fatalf("journal: %s (%d entries, want %d)", d, len(got.jkeys), len(want.jkeys))
	}

	// One block creating 4000 contracts.
	rng := rand.New(rand.NewPCG(15, 15))
	st := genState{roles: map[extract.TxOutRef]core.CurrencySymbol{}}
	big := blocks[len(blocks)-1].ref
	big.Slot, big.Number = big.Slot+1, big.Number+1
	ev := extract.BlockEvents{Header: extract.BlockHeader{Slot: big.Slot, Hash: big.Hash, Number: big.Number}}
	for i := range 2000 {
		tx := extract.TxEvents{TxID: randTxID(rng), Index: i, Valid: true}
		st.create(t, rng, &tx)
		ev.Txs = append(ev.Txs, tx)
	}
	if err := small.ApplyBlock(big.Point(), big.Number, ev); !errors.Is(err, ErrBlockTooBig) {
		t.Fatalf("huge block: err %v, want ErrBlockTooBig", err)
	}
	if d := diffIndex(dumpStore(t, small), want); d != "" {
		t.Fatalf("huge block left traces: %s", d)
	}
}

// TestCorruptValues: garbage where a record should be is a clear error,
// not a panic; a store of another format version is refused at Open.
func TestCorruptValues(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{MemTableSize: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	blocks := genChain(t, rand.New(rand.NewPCG(16, 16)), 5)
	applyAll(t, s, blocks)
	var id extract.TxOutRef
	for _, tx := range blocks[0].ev.Txs {
		if len(tx.Created) > 0 && tx.Valid {
			id = tx.Created[0].ContractID
		}
	}
	garbage := []byte{0xff, 0x00, 0x13}
	err = s.db.Update(func(txn *badger.Txn) error {
		for _, k := range [][]byte{tipKey(), headerKey(id), formatKey()} {
			if err := txn.Set(k, garbage); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Tip(); err == nil || !strings.Contains(err.Error(), "decode tip") {
		t.Fatalf("corrupt tip: %v", err)
	}
	if _, _, err := s.Contract(id); err == nil || !strings.Contains(err.Error(), "decode contract header") {
		t.Fatalf("corrupt header: %v", err)
	}
	b := genChain(t, rand.New(rand.NewPCG(16, 16)), 6)[5]
	if err := s.ApplyBlock(b.ref.Point(), b.ref.Number, b.ev); err == nil {
		t.Fatal("apply over a corrupt tip succeeded")
	}
	if err := s.RollBack(chain.Point{}); err == nil {
		t.Fatal("rollback over a corrupt tip succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{MemTableSize: 16 << 20}); err == nil || !strings.Contains(err.Error(), "format") {
		t.Fatalf("open with a corrupt format key: %v", err)
	}
}

// TestOpenAfterEmptyMemtable: a zero-length memtable file, as a crash right
// after Badger creates one leaves it, does not stop the store from opening
// with its content intact.
func TestOpenAfterEmptyMemtable(t *testing.T) {
	dir := t.TempDir()
	blocks := genChain(t, rand.New(rand.NewPCG(9, 9)), 20)
	s, err := Open(dir, Options{SecurityParam: 100})
	if err != nil {
		t.Fatal(err)
	}
	applyAll(t, s, blocks)
	want := dumpStore(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "00099.mem"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{SecurityParam: 100})
	if err != nil {
		t.Fatalf("open with an empty memtable file: %v", err)
	}
	defer s.Close()
	if d := diffIndex(dumpStore(t, s), want); d != "" {
		t.Fatal(d)
	}
}
