package indexer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/indexer"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

const syncTimeout = 60 * time.Second

func generate(t *testing.T, cfg chaingen.Config) *chaingen.Chain {
	t.Helper()
	c, err := chaingen.Generate(cfg)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return c
}

func testLogger(t *testing.T) zerolog.Logger {
	if !testing.Verbose() {
		return zerolog.Nop()
	}
	return zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel)
}

// startNode starts a fake node on a unix socket serving blocks.
func startNode(t *testing.T, blocks []chain.Block) (*fakenode.Node, n2c.Config) {
	t.Helper()
	n, err := fakenode.New(fakenode.Config{Magic: registry.Mainnet.Magic(), Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	// t.TempDir can exceed the unix socket path limit (108 bytes).
	dir, err := os.MkdirTemp("", "ix")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "node.socket")
	if err := n.ListenUnix(sock); err != nil {
		t.Fatal(err)
	}
	if err := n.Append(blocks...); err != nil {
		t.Fatal(err)
	}
	return n, n2c.Config{Network: registry.Mainnet, Address: sock, Logger: testLogger(t),
		HandshakeTimeout: 5 * time.Second, QueryTimeout: 10 * time.Second}
}

func openStore(t *testing.T, dir string, k uint64) *kv.Store {
	t.Helper()
	opts := kv.Options{SecurityParam: k, MemTableSize: 16 << 20}
	if dir == "" {
		opts.InMemory = true
	}
	s, err := kv.Open(dir, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return s
}

// counting wraps a consumer to count the blocks it is given.
type counting struct {
	n2c.Consumer
	forwards atomic.Int64
}

func (c *counting) RollForward(ctx context.Context, b chain.Block) error {
	if err := c.Consumer.RollForward(ctx, b); err != nil {
		return err
	}
	c.forwards.Add(1)
	return nil
}

// follow starts a follower feeding an Indexer over s; the returned function
// stops it and returns Run's error.
func follow(t *testing.T, cfg n2c.Config, s *kv.Store, batch int) (*counting, *n2c.Follower, func() error) {
	t.Helper()
	ix, err := indexer.New(s, extract.New(registry.New()), indexer.Options{Logger: testLogger(t), BatchBlocks: batch})
	if err != nil {
		t.Fatal(err)
	}
	c := &counting{Consumer: ix}
	f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true,
		Backoff: n2c.Backoff{Initial: 5 * time.Millisecond, Max: 40 * time.Millisecond, Multiplier: 2, Jitter: 0.1}}, c)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(10 * time.Second):
				runErr = errors.New("follower did not stop within 10 s")
				return
			}
			// The shutdown path: commit what a batch still holds.
			if err := ix.Flush(); err != nil {
				runErr = err
			}
		})
		return runErr
	}
	t.Cleanup(func() { stop() })
	return c, f, stop
}

// waitTip waits until the store's tip is want, or fails.
func waitTip(t *testing.T, s *kv.Store, want chain.Point) {
	t.Helper()
	waitFor(t, s, "tip "+want.String(), func(tip kv.BlockRef, ok bool) bool { return ok && tip.Point() == want })
}

func waitFor(t *testing.T, s *kv.Store, what string, cond func(kv.BlockRef, bool) bool) {
	t.Helper()
	deadline := time.Now().Add(syncTimeout)
	for {
		tip, ok, err := s.Tip()
		if err != nil {
			t.Fatalf("tip: %v", err)
		}
		if cond(tip, ok) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; store at %v (ok=%v)", what, tip.Point(), ok)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// scratch builds a store directly, with no network: extract over the
// blocks in order with the store as UTxO, one ApplyBlock per block.
func scratch(t *testing.T, blocks []chain.Block) *kv.Store {
	t.Helper()
	s := openStore(t, "", 0)
	t.Cleanup(func() { s.Close() })
	x := extract.New(registry.New())
	for _, b := range blocks {
		blk, err := b.Decode()
		if err != nil {
			t.Fatalf("block %d: %v", b.Number, err)
		}
		ev, err := x.LedgerBlock(blk, s)
		if err != nil {
			t.Fatalf("block %d: %v", b.Number, err)
		}
		if err := s.ApplyBlock(b.Point, b.Number, ev); err != nil {
			t.Fatalf("block %d: %v", b.Number, err)
		}
	}
	return s
}

// contractView is everything the store's read API says about one contract.
type contractView struct {
	Found   bool
	Header  kv.ContractHeader
	Steps   []kv.Step
	Payouts []kv.Payout
}

// storeView is a store's logical content over a set of contract ids: the
// tip, the per-block activity and each contract's header, steps and
// payouts, plus whether each contract's latest output is tracked.
type storeView struct {
	Tip       kv.BlockRef
	HasTip    bool
	Activity  []kv.BlockActivity
	Contracts map[extract.TxOutRef]contractView
	Tracked   map[extract.TxOutRef]extract.Entry
}

func view(t *testing.T, s *kv.Store, ids []extract.TxOutRef) storeView {
	t.Helper()
	v := storeView{Contracts: map[extract.TxOutRef]contractView{}, Tracked: map[extract.TxOutRef]extract.Entry{}}
	var err error
	if v.Tip, v.HasTip, err = s.Tip(); err != nil {
		t.Fatal(err)
	}
	if v.Activity, err = s.Activity(0, 0); err != nil {
		t.Fatal(err)
	}
	track := func(ref extract.TxOutRef) {
		e, ok, err := s.Lookup(ref)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			v.Tracked[ref] = e
		}
	}
	for _, id := range ids {
		var cv contractView
		if cv.Header, cv.Found, err = s.Contract(id); err != nil {
			t.Fatal(err)
		}
		if cv.Steps, err = s.Steps(id); err != nil {
			t.Fatal(err)
		}
		if cv.Payouts, err = s.PayoutsOfContract(id, 0); err != nil {
			t.Fatal(err)
		}
		v.Contracts[id] = cv
		track(id)
		for _, st := range cv.Steps {
			if st.Output != nil {
				track(st.Output.Ref)
			}
		}
		for _, p := range cv.Payouts {
			track(p.Ref)
		}
	}
	return v
}

// diffViews names the first difference between two views.
func diffViews(got, want storeView) string {
	if got.Tip != want.Tip || got.HasTip != want.HasTip {
		return fmt.Sprintf("tip %v (ok=%v), want %v (ok=%v)", got.Tip.Point(), got.HasTip, want.Tip.Point(), want.HasTip)
	}
	if !reflect.DeepEqual(got.Activity, want.Activity) {
		return fmt.Sprintf("activity: %d blocks, want %d (or contents differ)", len(got.Activity), len(want.Activity))
	}
	for id, w := range want.Contracts {
		g := got.Contracts[id]
		switch {
		case g.Found != w.Found:
			return fmt.Sprintf("contract %v: found=%v, want %v", id, g.Found, w.Found)
		case !reflect.DeepEqual(g.Header, w.Header):
			return fmt.Sprintf("contract %v: header differs", id)
		case !reflect.DeepEqual(g.Steps, w.Steps):
			return fmt.Sprintf("contract %v: %d steps, want %d (or contents differ)", id, len(g.Steps), len(w.Steps))
		case !reflect.DeepEqual(g.Payouts, w.Payouts):
			return fmt.Sprintf("contract %v: %d payouts, want %d (or contents differ)", id, len(g.Payouts), len(w.Payouts))
		}
	}
	if !reflect.DeepEqual(got.Tracked, want.Tracked) {
		return fmt.Sprintf("tracked outputs: %d, want %d (or contents differ)", len(got.Tracked), len(want.Tracked))
	}
	return ""
}

// createdIDs lists the contracts created in any of the chains, without
// duplicates (forks share a prefix), and the rejected creations.
func createdIDs(chains ...*chaingen.Chain) []extract.TxOutRef {
	seen := map[extract.TxOutRef]bool{}
	var out []extract.TxOutRef
	add := func(r extract.TxOutRef) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, c := range chains {
		for _, tr := range c.Truth {
			for _, cr := range tr.Created {
				add(cr.ContractID)
			}
			for _, r := range tr.CreateRejected {
				add(r.Ref)
			}
		}
	}
	return out
}

// assertSameAsScratch checks that s equals a store built from scratch over
// blocks, on every contract of chains.
func assertSameAsScratch(t *testing.T, s *kv.Store, blocks []chain.Block, chains ...*chaingen.Chain) {
	t.Helper()
	ids := createdIDs(chains...)
	if d := diffViews(view(t, s, ids), view(t, scratch(t, blocks), ids)); d != "" {
		t.Fatalf("indexed store differs from the from-scratch one: %s", d)
	}
}

// checkTruth checks the store against the generator's ground truth:
// every created contract with its version, its step count (create, each
// apply, each withdrawal touching it), every payout with its contract and
// status, and no contract for a rejected creation. It returns the number
// of steps checked.
func checkTruth(t *testing.T, s *kv.Store, c *chaingen.Chain) int {
	t.Helper()
	wantSteps := map[extract.TxOutRef]int{}
	version := map[extract.TxOutRef]registry.Version{}
	payoutOf := map[extract.TxOutRef]extract.TxOutRef{}
	withdrawn := map[extract.TxOutRef]bool{}
	var rejected []extract.TxOutRef
	for _, tr := range c.Truth {
		for _, cr := range tr.Created {
			wantSteps[cr.ContractID]++
			version[cr.ContractID] = cr.Version
		}
		for _, a := range tr.Applied {
			wantSteps[a.ContractID]++
			for _, p := range a.Payouts {
				payoutOf[p] = a.ContractID
			}
		}
		for _, w := range tr.Withdrawn {
			touched := map[extract.TxOutRef]bool{}
			for _, p := range w.Payouts {
				withdrawn[p] = true
				touched[payoutOf[p]] = true
			}
			for id := range touched {
				wantSteps[id]++
			}
		}
		for _, r := range tr.CreateRejected {
			rejected = append(rejected, r.Ref)
		}
	}
	total := 0
	for id, n := range wantSteps {
		h, ok, err := s.Contract(id)
		if err != nil || !ok {
			t.Fatalf("contract %v: found=%v err=%v", id, ok, err)
		}
		if h.Version != version[id] {
			t.Fatalf("contract %v: version %v, want %v", id, h.Version, version[id])
		}
		steps, err := s.Steps(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != n {
			t.Fatalf("contract %v: %d steps, want %d", id, len(steps), n)
		}
		total += n
	}
	for ref, id := range payoutOf {
		p, ok, err := s.Payout(ref)
		if err != nil || !ok {
			t.Fatalf("payout %v: found=%v err=%v", ref, ok, err)
		}
		want := kv.PayoutAvailable
		if withdrawn[ref] {
			want = kv.PayoutWithdrawn
		}
		if p.ContractID != id || p.Status != want {
			t.Fatalf("payout %v: contract %v status %v, want %v %v", ref, p.ContractID, p.Status, id, want)
		}
	}
	for _, r := range rejected {
		if _, ok, err := s.Contract(r); err != nil || ok {
			t.Fatalf("rejected creation %v indexed as a contract (err %v)", r, err)
		}
	}
	return total
}

// forBatches runs a test with one Badger transaction per block and with
// batches of up to 64 blocks while catching up.
func forBatches(t *testing.T, test func(*testing.T, int)) {
	for _, batch := range []int{1, 64} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) { test(t, batch) })
	}
}

func last(blocks []chain.Block) chain.Point { return blocks[len(blocks)-1].Point }

// TestSyncMatchesTruth follows a generated chain of 30 contracts over 1,500
// blocks through the fake node: the store equals the ground truth and the
// from-scratch store.
func TestSyncMatchesTruth(t *testing.T) { forBatches(t, testSyncMatchesTruth) }

func testSyncMatchesTruth(t *testing.T, batch int) {
	c := generate(t, chaingen.Config{Seed: 11, Blocks: 1500, Contracts: 30, MarloweFraction: 0.1, FillerTxs: 2, MalformedCreates: 2})
	node, cfg := startNode(t, c.Blocks)
	s := openStore(t, "", 0)
	defer s.Close()
	cons, _, stop := follow(t, cfg, s, batch)
	waitTip(t, s, last(c.Blocks))
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("follower: %v", err)
	}
	if got := cons.forwards.Load(); got != int64(len(c.Blocks)) {
		t.Fatalf("%d blocks applied, want %d", got, len(c.Blocks))
	}
	steps := checkTruth(t, s, c)
	if c.Stats.Created < 30 || steps < 60 {
		t.Fatalf("chain too thin to prove anything: %d contracts, %d steps", c.Stats.Created, steps)
	}
	assertSameAsScratch(t, s, node.Blocks(), c)
	t.Logf("%d blocks, %d contracts, %d steps: equal to truth and to the from-scratch store", len(c.Blocks), c.Stats.Created, steps)
}

// TestForksThroughNode syncs, then makes the node switch to competing
// branches forking 2, 9 and 40 blocks below its tip, and finally rolls
// back without a replacement and extends again: after each the store
// equals the from-scratch store over the node's chain.
func TestForksThroughNode(t *testing.T) { forBatches(t, testForksThroughNode) }

func testForksThroughNode(t *testing.T, batch int) {
	base := chaingen.Config{Seed: 21, Blocks: 400, Contracts: 12, MarloweFraction: 0.3, FillerTxs: 1}
	c := generate(t, base)
	node, cfg := startNode(t, c.Blocks)
	s := openStore(t, "", 0)
	defer s.Close()
	_, _, stop := follow(t, cfg, s, batch)
	waitTip(t, s, last(c.Blocks))
	chains := []*chaingen.Chain{c}
	for i, depth := range []int{2, 9, 40} {
		// The fork must keep the parent's Config (Blocks included): a
		// chain generated with another length is another chain.
		fc := base
		fc.Fork = &chaingen.Fork{At: len(c.Blocks) - depth, Seed: uint64(100 + i)}
		f := generate(t, fc)
		chains = append(chains, f)
		at := fc.Fork.At
		if err := node.Fork(c.Blocks[at-1].Point, f.Blocks[at:]...); err != nil {
			t.Fatal(err)
		}
		waitTip(t, s, last(f.Blocks))
		assertSameAsScratch(t, s, node.Blocks(), chains...)
	}
	// A plain rollback then the base chain again from there.
	cur := node.Blocks()
	cut := len(cur) - 30
	if err := node.Rollback(cur[cut-1].Point); err != nil {
		t.Fatal(err)
	}
	waitTip(t, s, cur[cut-1].Point)
	assertSameAsScratch(t, s, node.Blocks(), chains...)
	if err := node.Append(cur[cut:]...); err != nil {
		t.Fatal(err)
	}
	waitTip(t, s, last(cur))
	assertSameAsScratch(t, s, node.Blocks(), chains...)
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("follower: %v", err)
	}
}

// TestForkBeyondWindow: a fork deeper than the store's journal window is a
// fatal consumer error, and the store is left at its tip.
func TestForkBeyondWindow(t *testing.T) { forBatches(t, testForkBeyondWindow) }

func testForkBeyondWindow(t *testing.T, batch int) {
	base := chaingen.Config{Seed: 31, Blocks: 60, Contracts: 3, MarloweFraction: 0.3}
	c := generate(t, base)
	node, cfg := startNode(t, c.Blocks)
	s := openStore(t, "", 5)
	defer s.Close()
	_, f, stop := follow(t, cfg, s, batch)
	waitTip(t, s, last(c.Blocks))
	fc := base
	fc.Fork = &chaingen.Fork{At: len(c.Blocks) - 20, Seed: 7}
	fk := generate(t, fc)
	if err := node.Fork(c.Blocks[fc.Fork.At-1].Point, fk.Blocks[fc.Fork.At:]...); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(syncTimeout)
	var err error
	for {
		// Run returns by itself on a consumer error; stop only
		// collects it.
		if _, open, _ := node.Stats(); open == 0 || time.Now().After(deadline) {
			err = stop()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	var ce *n2c.ConsumerError
	if !errors.As(err, &ce) || !errors.Is(err, kv.ErrBeyondWindow) {
		t.Fatalf("Run = %v after %d sessions, want a ConsumerError wrapping kv.ErrBeyondWindow", err, f.Sessions())
	}
	tip, _, _ := s.Tip()
	if tip.Point() != last(c.Blocks) {
		t.Fatalf("store moved to %v after a refused rollback", tip.Point())
	}
}

// TestDisconnectMidSync drops the node's connections five times during
// catch-up: the follower reconnects from the stored points each time and
// the final store equals the from-scratch one, with every block applied
// exactly once.
func TestDisconnectMidSync(t *testing.T) { forBatches(t, testDisconnectMidSync) }

func testDisconnectMidSync(t *testing.T, batch int) {
	c := generate(t, chaingen.Config{Seed: 41, Blocks: 1200, Contracts: 20, MarloweFraction: 0.1, FillerTxs: 1})
	node, cfg := startNode(t, c.Blocks)
	s := openStore(t, "", 0)
	defer s.Close()
	node.DropAfterBlocks(150)
	cons, f, stop := follow(t, cfg, s, batch)
	// Count reconnections only: the first session is not one.
	waitFor(t, s, "the first connection", func(kv.BlockRef, bool) bool { return f.Sessions() >= 1 })
	drops := 0
	for drops < 5 {
		sessions := f.Sessions()
		waitFor(t, s, "a reconnection or the tip", func(tip kv.BlockRef, ok bool) bool {
			return f.Sessions() > sessions || (ok && tip.Point() == last(c.Blocks))
		})
		if f.Sessions() == sessions {
			break
		}
		drops++
		node.DropAfterBlocks(150)
	}
	node.DropAfterBlocks(0)
	waitTip(t, s, last(c.Blocks))
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("follower: %v", err)
	}
	if drops < 5 || f.Sessions() < 6 {
		t.Fatalf("only %d disconnections happened during catch-up (%d sessions), want 5", drops, f.Sessions())
	}
	if got := cons.forwards.Load(); got != int64(len(c.Blocks)) {
		t.Fatalf("%d blocks applied over %d sessions, want exactly %d", got, f.Sessions(), len(c.Blocks))
	}
	checkTruth(t, s, c)
	assertSameAsScratch(t, s, node.Blocks(), c)
	t.Logf("%d sessions, %d blocks applied once each", f.Sessions(), len(c.Blocks))
}

// TestRestart stops the follower and closes the store mid-sync, reopens
// it and starts a new follower: it resumes from the stored tip (applies
// only the remaining blocks) and ends equal to the from-scratch store.
func TestRestart(t *testing.T) { forBatches(t, testRestart) }

func testRestart(t *testing.T, batch int) {
	c := generate(t, chaingen.Config{Seed: 51, Blocks: 1000, Contracts: 20, MarloweFraction: 0.1, FillerTxs: 1})
	node, cfg := startNode(t, c.Blocks)
	dir := t.TempDir()
	first := c.Blocks[0].Number
	for round, stopAt := range []int{300, 650} {
		s := openStore(t, dir, 0)
		before, ok, err := s.Tip()
		if err != nil {
			t.Fatal(err)
		}
		cons, _, stop := follow(t, cfg, s, batch)
		waitFor(t, s, fmt.Sprintf("block %d", stopAt), func(tip kv.BlockRef, ok bool) bool {
			return ok && tip.Number >= first+uint64(stopAt)
		})
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Fatalf("round %d: follower: %v", round, err)
		}
		after, _, err := s.Tip()
		if err != nil {
			t.Fatal(err)
		}
		want := after.Number - first + 1
		if ok {
			want = after.Number - before.Number
		}
		if got := cons.forwards.Load(); uint64(got) != want {
			t.Fatalf("round %d: %d blocks applied, want %d (resume from #%d to #%d)", round, got, want, before.Number, after.Number)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	s := openStore(t, dir, 0)
	defer s.Close()
	_, _, stop := follow(t, cfg, s, batch)
	waitTip(t, s, last(c.Blocks))
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("follower: %v", err)
	}
	checkTruth(t, s, c)
	assertSameAsScratch(t, s, node.Blocks(), c)
}

// TestIntersectPoints checks the offer: the newest points consecutively,
// then sparser, always ending with the oldest retained one, newest first.
func TestIntersectPoints(t *testing.T) {
	c := generate(t, chaingen.Config{Seed: 61, Blocks: 120, Contracts: 1})
	s := scratch(t, c.Blocks)
	ix, err := indexer.New(s, extract.New(registry.New()), indexer.Options{RecentPoints: 4})
	if err != nil {
		t.Fatal(err)
	}
	pts, err := ix.IntersectPoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := len(c.Blocks)
	wantIdx := []int{n - 1, n - 2, n - 3, n - 4, n - 6, n - 10, n - 18, n - 34, n - 66, 0}
	if len(pts) != len(wantIdx) {
		t.Fatalf("%d points %v, want %d", len(pts), pts, len(wantIdx))
	}
	for i, j := range wantIdx {
		if pts[i] != c.Blocks[j].Point {
			t.Fatalf("point %d is %v, want block %d %v", i, pts[i], j, c.Blocks[j].Point)
		}
	}
	empty := openStore(t, "", 0)
	defer empty.Close()
	ix, _ = indexer.New(empty, extract.New(registry.New()), indexer.Options{})
	if pts, err := ix.IntersectPoints(context.Background()); err != nil || len(pts) != 0 {
		t.Fatalf("empty store offers %v (%v)", pts, err)
	}
}

// TestNew rejects bad arguments.
func TestNew(t *testing.T) {
	s := openStore(t, "", 0)
	defer s.Close()
	x := extract.New(registry.New())
	tests := []struct {
		name  string
		store *kv.Store
		x     *extract.Extractor
		opts  indexer.Options
	}{
		{"nil store", nil, x, indexer.Options{}},
		{"nil extractor", s, nil, indexer.Options{}},
		{"negative recent", s, x, indexer.Options{RecentPoints: -1}},
		{"negative batch", s, x, indexer.Options{BatchBlocks: -1}},
	}
	for _, tt := range tests {
		if _, err := indexer.New(tt.store, tt.x, tt.opts); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

// TestBatchDirect drives the Indexer without a node: with BatchBlocks 50
// nothing is committed until 50 blocks are held, blocks near the node's tip
// are committed one by one, a rollback commits the batch first, and the
// result (each block extracted over the batch's overlay) equals the
// from-scratch store.
func TestBatchDirect(t *testing.T) {
	c := generate(t, chaingen.Config{Seed: 71, Blocks: 300, Contracts: 10, MarloweFraction: 0.3, FillerTxs: 1, MalformedCreates: 2})
	s := openStore(t, "", 0)
	defer s.Close()
	var logs bytes.Buffer
	ix, err := indexer.New(s, extract.New(registry.New()), indexer.Options{BatchBlocks: 50,
		Logger: zerolog.New(&logs).Level(zerolog.DebugLevel)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	nodeTip := chain.Tip{Point: last(c.Blocks), BlockNumber: c.Blocks[len(c.Blocks)-1].Number}
	feed := func(blocks []chain.Block) {
		t.Helper()
		for _, b := range blocks {
			b.Tip = nodeTip
			if err := ix.RollForward(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	tipIs := func(want int) {
		t.Helper()
		tip, ok, err := s.Tip()
		if err != nil {
			t.Fatal(err)
		}
		if want < 0 && ok || want >= 0 && (!ok || tip.Point() != c.Blocks[want].Point) {
			t.Fatalf("store tip %v (ok=%v), want block %d", tip.Point(), ok, want)
		}
	}
	feed(c.Blocks[:49])
	tipIs(-1)
	feed(c.Blocks[49:50])
	tipIs(49)
	feed(c.Blocks[50:120])
	tipIs(99)
	// A rollback into the held blocks commits them, then undoes.
	if err := ix.RollBackward(ctx, c.Blocks[110].Point); err != nil {
		t.Fatal(err)
	}
	tipIs(110)
	// Re-delivering a committed block is refused (no duplicates).
	if err := ix.RollForward(ctx, c.Blocks[110]); err == nil {
		t.Fatal("a duplicate block was accepted")
	}
	// So is a gap.
	if err := ix.RollForward(ctx, c.Blocks[112]); err == nil {
		t.Fatal("a block after a gap was accepted")
	}
	feed(c.Blocks[111 : len(c.Blocks)-30])
	// The last 50 blocks are within a batch of the node's tip: each is
	// committed at once.
	for i := len(c.Blocks) - 30; i < len(c.Blocks); i++ {
		feed(c.Blocks[i : i+1])
		tipIs(i)
	}
	steps := checkTruth(t, s, c)
	assertSameAsScratch(t, s, c.Blocks, c)
	if steps < 20 {
		t.Fatalf("only %d steps", steps)
	}
	// The malformed creations are logged at debug, not indexed.
	if n := strings.Count(logs.String(), "is no contract"); n < 2 {
		t.Fatalf("%d rejected creations logged, want at least 2:\n%s", n, logs.String())
	}
}

// TestPreFilter: on a mostly non-Marlowe chain with rollbacks, the
// pre-filter sends only a small share of blocks to the decoder — every
// block with a Marlowe event among them — and the store equals the
// decode-everything one, batched or not.
func TestPreFilter(t *testing.T) {
	c := generate(t, chaingen.Config{Seed: 81, Blocks: 1500, Contracts: 25, MarloweFraction: 0.05,
		FillerTxs: 6, MalformedCreates: 3})
	fork := generate(t, chaingen.Config{Seed: 81, Blocks: 1500, Contracts: 25, MarloweFraction: 0.05,
		FillerTxs: 6, MalformedCreates: 3, Fork: &chaingen.Fork{At: 1200, Seed: 5}})
	marlowe := 0
	for i := range c.Truth {
		if !c.Truth[i].Empty() {
			marlowe++
		}
	}
	for _, batch := range []int{1, 64} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, "", 0)
			defer s.Close()
			ix, err := indexer.New(s, extract.New(registry.New()), indexer.Options{BatchBlocks: batch})
			if err != nil {
				t.Fatal(err)
			}
			feed := func(blocks []chain.Block) {
				t.Helper()
				for _, b := range blocks {
					if err := ix.RollForward(ctx, b); err != nil {
						t.Fatal(err)
					}
				}
			}
			feed(c.Blocks)
			st := ix.Stats()
			if st.Blocks != uint64(len(c.Blocks)) || st.Decoded < uint64(marlowe) || st.Decoded > st.Blocks/5 {
				t.Fatalf("decoded %d of %d blocks; %d hold Marlowe events", st.Decoded, st.Blocks, marlowe)
			}
			assertSameAsScratch(t, s, c.Blocks, c)
			// Switch to the fork: the rollback reloads the filter's set.
			if err := ix.RollBackward(ctx, c.Blocks[1199].Point); err != nil {
				t.Fatal(err)
			}
			feed(fork.Blocks[1200:])
			if err := ix.Flush(); err != nil {
				t.Fatal(err)
			}
			assertSameAsScratch(t, s, fork.Blocks, c, fork)
			checkTruth(t, s, fork)
		})
	}
}
