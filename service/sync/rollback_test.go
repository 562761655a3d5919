package sync_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// forkScenario is a chain A indexed up to block n, and a fork B of A that
// departs at block at; the index switches from A[:n] to B[:m].
type forkScenario struct {
	a, b      *chaingen.Chain
	at, n, m  int
	k         uint64
	createdA  []extract.TxOutRef // contracts created in A[:n]
	lastSteps map[extract.TxOutRef]int
}

// newForkScenario forks A just before its last creation, so that the
// switch removes a block with creations (HeaderSync), Marlowe blocks
// (BulkSync) and blocks of many contracts' histories (MarloweSync).
func newForkScenario(t *testing.T) forkScenario {
	t.Helper()
	cfg := chaingen.Config{Seed: 21, Blocks: 700, Contracts: 70, MarloweFraction: 0.3}
	a, err := chaingen.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lastCreate := -1
	for i, tr := range a.Truth {
		if len(tr.Created) > 0 {
			lastCreate = i
		}
	}
	s := forkScenario{a: a, at: lastCreate - 10, n: lastCreate + 60, lastSteps: map[extract.TxOutRef]int{}}
	s.m = s.n + 15
	cfg.Fork = &chaingen.Fork{At: s.at, Seed: 77}
	if s.b, err = chaingen.Generate(cfg); err != nil {
		t.Fatal(err)
	}
	// The deepest rollback is n-at blocks; k leaves a little room.
	s.k = uint64(s.n-s.at) + 5
	owners := payoutOwners(a)
	for i, tr := range a.Truth[:s.n] {
		for _, c := range tr.Created {
			s.createdA = append(s.createdA, c.ContractID)
			s.lastSteps[c.ContractID] = i
		}
		for _, ap := range tr.Applied {
			s.lastSteps[ap.ContractID] = i
		}
		for _, w := range tr.Withdrawn {
			for _, p := range w.Payouts {
				s.lastSteps[owners[p]] = i
			}
		}
	}
	if !bytes.Equal(a.Blocks[s.at-1].CBOR, s.b.Blocks[s.at-1].CBOR) || a.Blocks[s.at].Point == s.b.Blocks[s.at].Point {
		t.Fatal("fork does not depart where configured")
	}
	return s
}

// affected are the contracts whose newest history block in A[:n] is
// removed by the switch.
func (s forkScenario) affected() []extract.TxOutRef {
	var out []extract.TxOutRef
	for _, id := range s.createdA {
		if s.lastSteps[id] >= s.at {
			out = append(out, id)
		}
	}
	return out
}

// switchChain rolls the index back to the fork point and indexes B up to m.
func (s forkScenario) switchChain(t *testing.T, f *fixture) {
	t.Helper()
	f.rollBack(t, s.a.Blocks[s.at-1].Point)
	f.apply(t, s.b.Blocks[s.at:s.m])
}

// prefix is B[:m] as a chain, for its ground truth.
func (s forkScenario) prefix() *chaingen.Chain {
	return &chaingen.Chain{Blocks: s.b.Blocks[:s.m], Truth: s.b.Truth[:s.m]}
}

// TestRollbackParked parks clients of every protocol at the tip of A, then
// switches the index to the fork B. Each parked client whose position was
// removed is answered with a rollback (MsgRollBackCreation for a contract
// whose history holds no block deep enough to be shared) as soon as the
// rollback is committed; after following on, every client holds exactly
// what a fresh session on B sees, and that is B's ground truth.
func TestRollbackParked(t *testing.T) {
	s := newForkScenario(t)
	f := serveChain(t, s.a, fixtureOpts{K: s.k, Indexed: s.n, MaxWait: 2 * time.Minute})
	ctx := testCtx(t, 90*time.Second)

	type parked struct {
		name   string
		answer chan any
		err    chan error
	}
	var all []parked
	park := func(name string, poll func() (any, error)) {
		p := parked{name: name, answer: make(chan any, 1), err: make(chan error, 1)}
		go func() {
			v, err := poll()
			if err != nil {
				p.err <- err
				return
			}
			p.answer <- v
		}()
		all = append(all, p)
	}

	h := dialHeaders(t, ctx, f.addr)
	var hl headerLog
	if _, err := drainHeaders(ctx, h, &hl); err != nil {
		t.Fatal(err)
	}
	if nx, err := h.RequestNext(ctx); err != nil || nx.Kind != headersync.NextWait {
		t.Fatalf("header client not at the tip: %v %v", nx.Kind, err)
	}
	park("header", func() (any, error) { return h.Poll(ctx) })

	bulks := map[uint8]*bulksync.Client{}
	bls := map[uint8]*bulkLog{}
	for _, extra := range []uint8{0, 4} {
		b := dialBulk(t, ctx, f.addr)
		bls[extra] = &bulkLog{}
		if _, err := drainBulk(ctx, b, extra, bls[extra]); err != nil {
			t.Fatal(err)
		}
		if nx, err := b.RequestNext(ctx, extra); err != nil || nx.Kind != bulksync.NextWait {
			t.Fatalf("bulk client not at the tip: %v %v", nx.Kind, err)
		}
		bulks[extra] = b
		park("bulk", func() (any, error) { return b.Poll(ctx) })
	}

	affected := s.affected()
	if len(affected) < 5 {
		t.Fatalf("only %d contracts affected by the fork", len(affected))
	}
	syncs := map[extract.TxOutRef]*marlowesync.Client{}
	logs := map[extract.TxOutRef]*contractLog{}
	for _, id := range affected {
		c := dialSync(t, ctx, f.addr)
		cr, found, err := c.FollowContract(ctx, contractID(t, id))
		if err != nil || !found {
			t.Fatalf("%s: found %v, %v", id, found, err)
		}
		l := &contractLog{found: true, creation: cr}
		if _, err := drainSync(ctx, c, l); err != nil {
			t.Fatal(err)
		}
		if nx, err := c.RequestNext(ctx); err != nil || nx.Kind != marlowesync.NextWait {
			t.Fatalf("%s: not at the tip: %v %v", id, nx.Kind, err)
		}
		syncs[id], logs[id] = c, l
		park("sync "+id.String(), func() (any, error) { return c.Poll(ctx) })
	}
	// Nothing is answered while the index is quiet.
	time.Sleep(100 * time.Millisecond)
	for _, p := range all {
		select {
		case v := <-p.answer:
			t.Fatalf("%s: answered %v before the switch", p.name, v)
		case err := <-p.err:
			t.Fatalf("%s: %v", p.name, err)
		default:
		}
	}

	s.switchChain(t, f)
	var creationsRolledBack, rollbacks int
	for i, p := range all {
		var v any
		select {
		case v = <-p.answer:
		case err := <-p.err:
			t.Fatalf("%s: %v", p.name, err)
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: no answer 30 s after the switch was committed", p.name)
		}
		switch nx := v.(type) {
		case headersync.Next:
			if nx.Kind != headersync.NextRollBackward {
				t.Fatalf("header: %s after the switch", nx.Kind)
			}
			if err := hl.apply(nx); err != nil {
				t.Fatal(err)
			}
		case bulksync.Next:
			if nx.Kind != bulksync.NextRollBackward {
				t.Fatalf("bulk: %s after the switch", nx.Kind)
			}
			extra := uint8(0)
			if i == 2 {
				extra = 4
			}
			if err := bls[extra].apply(nx); err != nil {
				t.Fatal(err)
			}
		case marlowesync.Next:
			id := affected[i-3]
			switch nx.Kind {
			case marlowesync.NextRollBackward:
				rollbacks++
				if err := logs[id].apply(nx); err != nil {
					t.Fatal(err)
				}
			case marlowesync.NextRollBackCreation:
				creationsRolledBack++
				logs[id].ended = true
			default:
				t.Fatalf("%s: %s after the switch", p.name, nx.Kind)
			}
		}
	}
	t.Logf("%d contract clients rolled back, %d told their creation was rolled back", rollbacks, creationsRolledBack)
	if rollbacks == 0 || creationsRolledBack == 0 {
		t.Errorf("the scenario should exercise both MarloweSync rollback answers")
	}

	// Follow on and compare with fresh sessions and with B's truth.
	if _, err := drainHeaders(ctx, h, &hl); err != nil {
		t.Fatal(err)
	}
	fresh, err := syncHeaders(ctx, f.addr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(hl.wire(), fresh.wire()) {
		t.Error("header client after the switch differs from a fresh session")
	}
	diffBlocks(t, "headers on B", headerSigs(fresh), truthHeaders(s.prefix()))
	freshBulk, err := syncBulk(ctx, f.addr, 255)
	if err != nil {
		t.Fatal(err)
	}
	for extra, b := range bulks {
		if _, err := drainBulk(ctx, b, extra, bls[extra]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(bls[extra].wire(), freshBulk.wire()) {
			t.Errorf("bulk client (extra %d) after the switch differs from a fresh session", extra)
		}
	}
	diffBlocks(t, "bulk on B", bulkSigs(freshBulk), truthBulk(s.prefix()))
	owners := payoutOwners(s.b)
	for _, id := range affected {
		l := logs[id]
		if l.ended {
			// The session is over; a client follows the contract anew.
			var err error
			if l, err = follow(ctx, f.addr, contractID(t, id)); err != nil {
				t.Fatal(err)
			}
		} else if _, err := drainSync(ctx, syncs[id], l); err != nil {
			t.Fatal(err)
		}
		fresh, err := follow(ctx, f.addr, contractID(t, id))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(l.wire(), fresh.wire()) {
			t.Errorf("%s: client after the switch differs from a fresh follow", id)
		}
		if fresh.found {
			diffBlocks(t, "contract "+id.String()+" on B", stepSigs(fresh), truthSteps(s.prefix(), owners, id))
		}
	}
}

// TestRollbackIdle: clients that hold A's tip but are not waiting when the
// index switches to B (a slow client, busy elsewhere) ask for more only
// once B's blocks are in. Their first answer is a rollback to a block they
// hold: B's blocks older than their position are no such block, and a
// rollback there would leave them with A's blocks after the fork and
// without B's.
func TestRollbackIdle(t *testing.T) {
	s := newForkScenario(t)
	f := serveChain(t, s.a, fixtureOpts{K: s.k, Indexed: s.n})
	ctx := testCtx(t, 60*time.Second)
	h := dialHeaders(t, ctx, f.addr)
	var hl headerLog
	if _, err := drainHeaders(ctx, h, &hl); err != nil {
		t.Fatal(err)
	}
	b := dialBulk(t, ctx, f.addr)
	var bl bulkLog
	if _, err := drainBulk(ctx, b, 2, &bl); err != nil {
		t.Fatal(err)
	}
	affected := s.affected()
	syncs := make([]*marlowesync.Client, len(affected))
	logs := make([]*contractLog, len(affected))
	for i, id := range affected {
		syncs[i] = dialSync(t, ctx, f.addr)
		cr, found, err := syncs[i].FollowContract(ctx, contractID(t, id))
		if err != nil || !found {
			t.Fatalf("%s: %v %v", id, found, err)
		}
		logs[i] = &contractLog{found: true, creation: cr}
		if _, err := drainSync(ctx, syncs[i], logs[i]); err != nil {
			t.Fatal(err)
		}
	}

	s.switchChain(t, f)
	forkSlot := types.SlotNo(s.a.Blocks[s.at].Point.Slot)
	if nx, err := h.RequestNext(ctx); err != nil || nx.Kind != headersync.NextRollBackward || nx.Point.Header.Slot >= forkSlot {
		t.Fatalf("idle header client: %+v, %v", nx, err)
	} else if err := hl.apply(nx); err != nil {
		t.Fatal(err)
	}
	if nx, err := b.RequestNext(ctx, 2); err != nil || nx.Kind != bulksync.NextRollBackward || nx.Point.Header.Slot >= forkSlot {
		t.Fatalf("idle bulk client: %+v, %v", nx, err)
	} else if err := bl.apply(nx); err != nil {
		t.Fatal(err)
	}
	drainLikeFresh(t, ctx, f.addr, h, &hl, b, 2, &bl, "idle clients after the switch")
	for i, id := range affected {
		l := logs[i]
		nx, err := syncs[i].RequestNext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case nx.Kind == marlowesync.NextRollBackCreation:
			if l, err = follow(ctx, f.addr, contractID(t, id)); err != nil {
				t.Fatal(err)
			}
		case nx.Kind == marlowesync.NextRollBackward && nx.Block.Slot < forkSlot:
			if err := l.apply(nx); err != nil {
				t.Fatal(err)
			}
			if _, err := drainSync(ctx, syncs[i], l); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("%s: idle client's first answer after the switch: %s to %v (fork at slot %d)", id, nx.Kind, nx.Block, forkSlot)
		}
		fresh, err := follow(ctx, f.addr, contractID(t, id))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(l.wire(), fresh.wire()) {
			t.Errorf("%s: idle client after the switch differs from a fresh follow", id)
		}
	}
}

// TestRollbackDisconnected: clients synced on A reconnect after the index
// switched to B and resume by intersecting with the blocks they hold; the
// intersection is the newest of them still on the chain, and what follows
// brings them to exactly what a fresh session sees.
func TestRollbackDisconnected(t *testing.T) {
	s := newForkScenario(t)
	f := serveChain(t, s.a, fixtureOpts{K: s.k, Indexed: s.n})
	ctx := testCtx(t, 60*time.Second)
	hl, err := syncHeaders(ctx, f.addr)
	if err != nil {
		t.Fatal(err)
	}
	bl, err := syncBulk(ctx, f.addr, 7)
	if err != nil {
		t.Fatal(err)
	}
	ids := s.createdA
	logs := make([]*contractLog, len(ids))
	for i, id := range ids {
		if logs[i], err = follow(ctx, f.addr, contractID(t, id)); err != nil {
			t.Fatal(err)
		}
	}
	s.switchChain(t, f)
	forkSlot := types.SlotNo(s.a.Blocks[s.at].Point.Slot)

	h := dialHeaders(t, ctx, f.addr)
	at, found, err := h.Intersect(ctx, hl.points())
	if err != nil || !found || at.Slot >= forkSlot || at != hl.points()[slices.IndexFunc(hl.points(), func(b types.BlockHeader) bool { return b.Slot >= forkSlot })-1] {
		t.Fatalf("header intersect: %v %v %v", at, found, err)
	}
	if err := hl.apply(headersync.RollBackward(types.PointAt(at))); err != nil {
		t.Fatal(err)
	}
	if _, err := drainHeaders(ctx, h, &hl); err != nil {
		t.Fatal(err)
	}
	fresh, err := syncHeaders(ctx, f.addr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(hl.wire(), fresh.wire()) {
		t.Error("reconnected header client differs from a fresh session")
	}

	b := dialBulk(t, ctx, f.addr)
	r, err := b.Intersect(ctx, bl.points())
	if err != nil || !r.Found || r.Block.Slot >= forkSlot {
		t.Fatalf("bulk intersect: %+v %v", r, err)
	}
	if err := bl.apply(bulksync.RollBackward(types.PointAt(r.Block), r.Tip)); err != nil {
		t.Fatal(err)
	}
	if _, err := drainBulk(ctx, b, 7, &bl); err != nil {
		t.Fatal(err)
	}
	freshBulk, err := syncBulk(ctx, f.addr, 255)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bl.wire(), freshBulk.wire()) {
		t.Error("reconnected bulk client differs from a fresh session")
	}

	var resumed, gone int
	for i, id := range ids {
		l := logs[i]
		c := dialSync(t, ctx, f.addr)
		at, found, err := c.Intersect(ctx, contractID(t, id), l.points())
		if err != nil {
			t.Fatal(err)
		}
		if found {
			resumed++
			if err := l.apply(marlowesync.RollBackward(at)); err != nil {
				t.Fatal(err)
			}
			if _, err := drainSync(ctx, c, l); err != nil {
				t.Fatal(err)
			}
		} else {
			gone++
			// No common block: the contract is followed anew.
			if l, err = follow(ctx, f.addr, contractID(t, id)); err != nil {
				t.Fatal(err)
			}
		}
		fresh, err := follow(ctx, f.addr, contractID(t, id))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(l.wire(), fresh.wire()) {
			t.Errorf("%s: reconnected client differs from a fresh follow", id)
		}
	}
	if gone == 0 || resumed < len(ids)/2 {
		t.Errorf("%d contracts resumed, %d gone", resumed, gone)
	}
	t.Logf("%d contracts resumed by intersection, %d no longer on the chain", resumed, gone)
}
