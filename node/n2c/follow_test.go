package n2c_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

// TestFollowMainnetBlocks: the fake node serves gouroboros' seven real
// mainnet blocks (Byron main block to Conway, each with its block type);
// the follower delivers every one, in order, fully decoded, with the
// published slots and hashes — over a unix socket and over TCP.
func TestFollowMainnetBlocks(t *testing.T) {
	mb, err := testchain.MainnetBlocks()
	if err != nil {
		t.Fatal(err)
	}
	// Transactions per block, as decoded by gouroboros (go-cardano.md §1.6).
	wantTxs := []int{2, 6, 13, 6, 4, 14, 8}
	for _, tcp := range []bool{false, true} {
		name := map[bool]string{false: "unix", true: "tcp"}[tcp]
		t.Run(name, func(t *testing.T) {
			node, cfg := startNode(t, fakenode.Config{}, tcp)
			for _, m := range mb {
				if err := node.AppendCBOR(m.Type, m.CBOR); err != nil {
					t.Fatal(err)
				}
			}
			rec := newRecorder()
			f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true, DecodeBlocks: true, Backoff: fastBackoff()}, rec)
			if err != nil {
				t.Fatal(err)
			}
			stop := runFollower(t, f)
			rec.waitChain(t, node.Blocks(), 10*time.Second)
			if err := stop(); !errors.Is(err, context.Canceled) {
				t.Fatalf("Run returned %v, want context.Canceled", err)
			}
			blocks, events, forwards, backwards, _ := rec.snapshot()
			if len(backwards) != 1 || !backwards[0].IsOrigin() || !strings.HasPrefix(events[0], "B origin") {
				t.Fatalf("first event %q, rollbacks %v; want a single RollBackward(origin) first", events[0], backwards)
			}
			if forwards != len(mb) {
				t.Fatalf("%d RollForwards, want %d", forwards, len(mb))
			}
			for i, b := range blocks {
				m := mb[i]
				if b.Type != m.Type || b.Point.Slot != m.Slot || b.Point.Hash.String() != m.Hash {
					t.Fatalf("block %d: type %d point %s; want type %d %d.%s", i, b.Type, b.Point, m.Type, m.Slot, m.Hash)
				}
				if b.Decoded == nil {
					t.Fatalf("block %d (%s) not decoded", i, m.Name)
				}
				if got := b.Decoded.Hash().String(); got != m.Hash || b.Decoded.SlotNumber() != m.Slot {
					t.Fatalf("block %d decoded as %d.%s", i, b.Decoded.SlotNumber(), got)
				}
				if n := len(b.Decoded.Transactions()); n != wantTxs[i] {
					t.Fatalf("block %d (%s): %d transactions, want %d", i, m.Name, n, wantTxs[i])
				}
				if b.Tip.Point.Hash.String() != mb[len(mb)-1].Hash {
					t.Fatalf("block %d: tip %s, want the Conway block", i, b.Tip.Point)
				}
			}
		})
	}
}

// TestIntersection: stored points are found (newest on-chain one wins),
// unknown points fall back to the start point or the origin, and with
// nothing to fall back on the session ends with ErrIntersectNotFound.
func TestIntersection(t *testing.T) {
	bld := synthetic(t)
	blocks := mustChain(t, bld, chain.Point{}, 0, 20, 1000, 0)
	other := mustChain(t, bld, chain.Point{}, 0, 3, 1000, 7) // a chain the node does not have
	start := blocks[3].Point
	tests := []struct {
		name       string
		stored     []chain.Point
		startPoint *chain.Point
		fromOrigin bool
		wantFirst  chain.Point // the RollBackward after the intersection
		wantErr    error
		wantCfgErr bool
	}{
		{"stored points found", []chain.Point{blocks[15].Point, blocks[10].Point, blocks[5].Point}, nil, false, blocks[15].Point, nil, false},
		{"newest stored point unknown", []chain.Point{other[2].Point, blocks[12].Point}, nil, false, blocks[12].Point, nil, false},
		{"unknown points fall back to the start point", []chain.Point{other[2].Point, other[1].Point}, &start, false, start, nil, false},
		{"unknown points fall back to the origin", []chain.Point{other[2].Point}, nil, true, chain.Point{}, nil, false},
		{"no points, start point", nil, &start, false, start, nil, false},
		{"unknown points, no fallback", []chain.Point{other[2].Point, other[0].Point}, nil, false, chain.Point{}, n2c.ErrIntersectNotFound, false},
		{"nothing to offer", nil, nil, false, chain.Point{}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node, cfg := startNode(t, fakenode.Config{}, false)
			if err := node.Append(blocks...); err != nil {
				t.Fatal(err)
			}
			rec := newRecorder()
			rec.keep = 0
			rec.extra = tt.stored
			f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, StartPoint: tt.startPoint, FromOrigin: tt.fromOrigin}, rec)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if tt.wantCfgErr {
				if err := f.RunOnce(ctx); !errors.Is(err, n2c.ErrNoIntersectCandidates) {
					t.Fatalf("RunOnce = %v, want ErrNoIntersectCandidates", err)
				}
				if err := f.Run(ctx); !errors.Is(err, n2c.ErrNoIntersectCandidates) || f.Sessions() != 2 {
					t.Fatalf("Run = %v after %d sessions; want ErrNoIntersectCandidates without retrying", err, f.Sessions())
				}
				return
			}
			if tt.wantErr != nil {
				if err := f.RunOnce(ctx); !errors.Is(err, tt.wantErr) {
					t.Fatalf("RunOnce = %v, want %v", err, tt.wantErr)
				}
				return
			}
			// The consumer starts empty: seed it with the blocks up to the
			// intersection so that its rollback check passes.
			for _, b := range blocks {
				if tt.wantFirst.IsOrigin() || b.Point.Slot > tt.wantFirst.Slot {
					break
				}
				rec.chain = append(rec.chain, b)
			}
			stop := runFollower(t, f)
			rec.waitChain(t, blocks, 10*time.Second)
			stop()
			_, _, forwards, backwards, _ := rec.snapshot()
			if backwards[0] != tt.wantFirst {
				t.Fatalf("first rollback to %s, want %s", backwards[0], tt.wantFirst)
			}
			wantForwards := len(blocks)
			if !tt.wantFirst.IsOrigin() {
				wantForwards -= int(tt.wantFirst.Slot-1000)/20 + 1
			}
			if forwards != wantForwards {
				t.Fatalf("%d blocks delivered, want %d", forwards, wantForwards)
			}
		})
	}
}

// TestNodeBehind: the consumer's points are ahead of a node that is still
// syncing; Run keeps retrying (ErrIntersectNotFound is not fatal) and
// resumes once the node has caught up.
func TestNodeBehind(t *testing.T) {
	bld := synthetic(t)
	blocks := mustChain(t, bld, chain.Point{}, 0, 12, 1000, 0)
	node, cfg := startNode(t, fakenode.Config{}, false)
	if err := node.Append(blocks[:5]...); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	rec.chain = append(rec.chain, blocks[:8]...)
	f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, Backoff: fastBackoff()}, rec)
	if err != nil {
		t.Fatal(err)
	}
	stop := runFollower(t, f)
	deadline := time.Now().Add(5 * time.Second)
	for f.Sessions() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d sessions while the node was behind", f.Sessions())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := node.Append(blocks[5:]...); err != nil {
		t.Fatal(err)
	}
	rec.waitChain(t, blocks, 10*time.Second)
	stop()
	_, _, forwards, backwards, _ := rec.snapshot()
	if forwards != 4 || len(backwards) != 1 || backwards[0] != blocks[7].Point {
		t.Fatalf("forwards %d, rollbacks %v; want 4 blocks after a no-op rollback to %s", forwards, backwards, blocks[7].Point)
	}
}

// TestGrowingTip: a client parked at the tip receives blocks appended
// later, one by one and in batches.
func TestGrowingTip(t *testing.T) {
	bld := synthetic(t)
	blocks := mustChain(t, bld, chain.Point{}, 0, 30, 5000, 0)
	node, cfg := startNode(t, fakenode.Config{}, false)
	if err := node.Append(blocks[:5]...); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true, Backoff: fastBackoff()}, rec)
	if err != nil {
		t.Fatal(err)
	}
	runFollower(t, f)
	rec.waitChain(t, blocks[:5], 10*time.Second)
	for i := 5; i < 15; i++ { // one at a time, each to a parked client
		if err := node.Append(blocks[i]); err != nil {
			t.Fatal(err)
		}
		rec.waitChain(t, blocks[:i+1], 5*time.Second)
	}
	if err := node.Append(blocks[15:]...); err != nil { // a batch
		t.Fatal(err)
	}
	rec.waitChain(t, blocks, 5*time.Second)
	_, _, forwards, backwards, _ := rec.snapshot()
	if forwards != len(blocks) || len(backwards) != 1 || f.Sessions() != 1 {
		t.Fatalf("forwards %d, rollbacks %d, sessions %d", forwards, len(backwards), f.Sessions())
	}
}

// TestRollbackInjection: forks injected while the client is parked at the
// tip and while it is catching up; the consumer sees RollBackward to the
// fork point and then the new fork's blocks, and ends with the node's
// chain.
func TestRollbackInjection(t *testing.T) {
	bld := synthetic(t)
	main := mustChain(t, bld, chain.Point{}, 0, 10, 1000, 0)
	node, cfg := startNode(t, fakenode.Config{}, false)
	if err := node.Append(main...); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true, Backoff: fastBackoff()}, rec)
	if err != nil {
		t.Fatal(err)
	}
	runFollower(t, f)
	rec.waitChain(t, main, 10*time.Second)

	// Parked at the tip: fork after block 6.
	forkA := mustChain(t, bld, main[6].Point, main[6].Number, 6, main[7].Point.Slot+5, 1)
	if err := node.Fork(main[6].Point, forkA...); err != nil {
		t.Fatal(err)
	}
	rec.waitChain(t, node.Blocks(), 5*time.Second)
	_, events, _, backwards, _ := rec.snapshot()
	if last := backwards[len(backwards)-1]; last != main[6].Point {
		t.Fatalf("rollback to %s, want %s", last, main[6].Point)
	}
	i := len(events) - len(forkA) - 1
	if events[i] != "B "+main[6].Point.String() {
		t.Fatalf("event before the fork's blocks is %q", events[i])
	}
	for k, b := range forkA {
		if events[i+1+k] != "F "+b.Point.String() {
			t.Fatalf("fork block %d: event %q", k, events[i+1+k])
		}
	}

	// Plain rollback while parked, then regrowth.
	if err := node.Rollback(forkA[2].Point); err != nil {
		t.Fatal(err)
	}
	rec.waitChain(t, node.Blocks(), 5*time.Second)
	forkB := mustChain(t, bld, forkA[2].Point, forkA[2].Number, 4, forkA[3].Point.Slot+1, 2)
	if err := node.Append(forkB...); err != nil {
		t.Fatal(err)
	}
	rec.waitChain(t, node.Blocks(), 5*time.Second)

	// Rollback to the origin and a whole new chain.
	fresh := mustChain(t, bld, chain.Point{}, 0, 8, 900, 3)
	if err := node.Fork(chain.Point{}, fresh...); err != nil {
		t.Fatal(err)
	}
	rec.waitChain(t, fresh, 5*time.Second)
	if f.Sessions() != 1 {
		t.Fatalf("%d sessions; rollbacks must not cost a reconnection", f.Sessions())
	}
}

// TestForkWhileCatchingUp: a long chain is being delivered (pipelined
// requests in flight) when the node switches to a fork below the client's
// position; the client is rolled back on its next request.
func TestForkWhileCatchingUp(t *testing.T) {
	bld := synthetic(t)
	main := mustChain(t, bld, chain.Point{}, 0, 400, 1000, 0)
	node, cfg := startNode(t, fakenode.Config{}, false)
	if err := node.Append(main...); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	forked := make(chan struct{})
	fork := mustChain(t, bld, main[99].Point, main[99].Number, 50, main[100].Point.Slot+3, 4)
	rec.failOn = func(b chain.Block) error {
		if b.Point == main[200].Point {
			// Fork below the consumer while it is mid-way (called under
			// the recorder's lock: the fork happens "between" blocks).
			go func() { node.Fork(main[99].Point, fork...); close(forked) }()
			<-forked
		}
		return nil
	}
	f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true, PipelineLimit: 20, Backoff: fastBackoff()}, rec)
	if err != nil {
		t.Fatal(err)
	}
	runFollower(t, f)
	want := append(append([]chain.Block(nil), main[:100]...), fork...)
	rec.waitChain(t, want, 15*time.Second)
	_, _, _, backwards, _ := rec.snapshot()
	if len(backwards) != 2 || backwards[1] != main[99].Point {
		t.Fatalf("rollbacks %v, want origin then %s", backwards, main[99].Point)
	}
}

// TestDisconnectResume is acceptance point 3 at the node level: the node
// drops every connection several times mid-sync (and once refuses
// connections for a while, and once forks while the follower is away);
// the supervisor reconnects with backoff and resumes from the consumer's
// last point. The consumer's final chain equals the node's exactly, no
// block was delivered twice (the recorder rejects duplicates) and every
// resumption rolled back to the consumer's own tip (nothing skipped).
func TestDisconnectResume(t *testing.T) {
	mb, err := testchain.MainnetBlocks()
	if err != nil {
		t.Fatal(err)
	}
	real, err := testchain.ParseMainnet(mb)
	if err != nil {
		t.Fatal(err)
	}
	bld := synthetic(t)
	last := real[len(real)-1]
	synth := mustChain(t, bld, last.Point, last.Number, 400, last.Point.Slot+20, 0)
	all := append(append([]chain.Block(nil), real...), synth...)

	node, cfg := startNode(t, fakenode.Config{}, false)
	if err := node.Append(all...); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	drops := []int{3, 40, 1, 97, 150}
	f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true, PipelineLimit: 10, Backoff: fastBackoff()}, rec)
	if err != nil {
		t.Fatal(err)
	}
	// Each drop is armed once the follower has reconnected.
	node.DropAfterBlocks(drops[0])
	runFollower(t, f)
	for i := 1; i < len(drops); i++ {
		want := int64(i + 1)
		deadline := time.Now().Add(10 * time.Second)
		for f.Sessions() < want {
			if time.Now().After(deadline) {
				t.Fatalf("no reconnection after drop %d (sessions %d)", i, f.Sessions())
			}
			time.Sleep(2 * time.Millisecond)
		}
		node.DropAfterBlocks(drops[i])
	}
	rec.waitChain(t, all, 20*time.Second)
	_, _, forwards, backwards, noOps := rec.snapshot()
	if forwards != len(all) {
		t.Fatalf("%d blocks delivered for a %d-block chain", forwards, len(all))
	}
	sessions := f.Sessions()
	if sessions < int64(len(drops)+1) {
		t.Fatalf("%d sessions for %d drops", sessions, len(drops))
	}
	if noOps != len(backwards) || !backwards[0].IsOrigin() {
		t.Fatalf("rollbacks %d (no-op %d); every resumption must roll back to the consumer's own tip", len(backwards), noOps)
	}

	// The node goes down (refusing connections), forks while the
	// follower is away, and comes back: the follower intersects at one of
	// its stored points and the consumer is rolled back onto the fork.
	before := f.Sessions()
	node.SetRefuse(true)
	node.DropConnections()
	deadline := time.Now().Add(5 * time.Second)
	for f.Sessions() < before+3 {
		if time.Now().After(deadline) {
			t.Fatalf("no retries while the node refused connections (sessions %d)", f.Sessions())
		}
		time.Sleep(2 * time.Millisecond)
	}
	tip := all[len(all)-1]
	base := all[len(all)-3] // within the recorder's 3 stored points
	fork := mustChain(t, bld, base.Point, base.Number, 5, base.Point.Slot+7, 9)
	if err := node.Fork(base.Point, fork...); err != nil {
		t.Fatal(err)
	}
	node.SetRefuse(false)
	rec.waitChain(t, node.Blocks(), 10*time.Second)
	_, _, _, backwards, _ = rec.snapshot()
	if got := backwards[len(backwards)-1]; got != base.Point || got == tip.Point {
		t.Fatalf("resumed with a rollback to %s, want the fork point %s", got, base.Point)
	}
}

// TestConsumerErrorIsFatal: a consumer failure stops Run at once (no
// retry), as a *ConsumerError naming the block.
func TestConsumerErrorIsFatal(t *testing.T) {
	bld := synthetic(t)
	blocks := mustChain(t, bld, chain.Point{}, 0, 10, 1000, 0)
	node, cfg := startNode(t, fakenode.Config{}, false)
	if err := node.Append(blocks...); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	boom := errors.New("disk full")
	rec.failOn = func(b chain.Block) error {
		if b.Point == blocks[4].Point {
			return boom
		}
		return nil
	}
	f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true, Backoff: fastBackoff()}, rec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = f.Run(ctx)
	var ce *n2c.ConsumerError
	if !errors.As(err, &ce) || !errors.Is(err, boom) || ce.Point != blocks[4].Point || ce.Op != "roll forward" {
		t.Fatalf("Run = %v, want a ConsumerError at %s", err, blocks[4].Point)
	}
	if f.Sessions() != 1 {
		t.Fatalf("%d sessions; a consumer error must not be retried", f.Sessions())
	}
	if got := len(rec.points()); got != 4 {
		t.Fatalf("consumer holds %d blocks, want 4", got)
	}
}
