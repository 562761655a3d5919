package n2c_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

const testMagic = registry.MainnetMagic

// testLogger writes to the test log only when -v is given, to keep
// failures readable.
func testLogger(t *testing.T) zerolog.Logger {
	if !testing.Verbose() {
		return zerolog.Nop()
	}
	return zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel)
}

// startNode starts a fake node on a unix socket (tcp=false) or on
// 127.0.0.1 and returns it with a client configuration pointing at it.
func startNode(t *testing.T, cfg fakenode.Config, tcp bool) (*fakenode.Node, n2c.Config) {
	t.Helper()
	if cfg.Magic == 0 {
		cfg.Magic = testMagic
	}
	n, err := fakenode.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	var addr string
	if tcp {
		a, err := n.ListenLoopback()
		if err != nil {
			t.Fatal(err)
		}
		addr = "tcp:" + a
	} else {
		// t.TempDir can exceed the unix socket path limit (108 bytes).
		dir, err := os.MkdirTemp("", "fn")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		addr = filepath.Join(dir, "node.socket")
		if err := n.ListenUnix(addr); err != nil {
			t.Fatal(err)
		}
	}
	return n, n2c.Config{Network: registry.Mainnet, Address: addr, Logger: testLogger(t), HandshakeTimeout: 5 * time.Second, QueryTimeout: 10 * time.Second}
}

func fastBackoff() n2c.Backoff {
	return n2c.Backoff{Initial: 5 * time.Millisecond, Max: 40 * time.Millisecond, Multiplier: 2, Jitter: 0.1}
}

// recorder is a Consumer keeping the chain it was given, checking that
// every rollback point is on it, and logging every call.
type recorder struct {
	mu        sync.Mutex
	chain     []chain.Block
	events    []string
	forwards  int
	backwards []chain.Point
	// noOpBackwards counts rollbacks to the current tip (nothing undone).
	noOpBackwards int
	// keep is how many recent points IntersectPoints offers.
	keep    int
	extra   []chain.Point // offered after the stored points
	failOn  func(b chain.Block) error
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{keep: 3, changed: make(chan struct{}, 1)} }

func (r *recorder) signal() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) IntersectPoints(context.Context) ([]chain.Point, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var pts []chain.Point
	for i := len(r.chain) - 1; i >= 0 && len(pts) < r.keep; i-- {
		pts = append(pts, r.chain[i].Point)
	}
	return append(pts, r.extra...), nil
}

func (r *recorder) RollForward(_ context.Context, b chain.Block) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.signal()
	if r.failOn != nil {
		if err := r.failOn(b); err != nil {
			return err
		}
	}
	for _, have := range r.chain {
		if have.Point == b.Point {
			return fmt.Errorf("block %s delivered twice", b.Point)
		}
	}
	r.chain = append(r.chain, b)
	r.forwards++
	r.events = append(r.events, "F "+b.Point.String())
	return nil
}

func (r *recorder) RollBackward(_ context.Context, p chain.Point) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.signal()
	r.backwards = append(r.backwards, p)
	r.events = append(r.events, "B "+p.String())
	keep := 0
	if !p.IsOrigin() {
		i := slices.IndexFunc(r.chain, func(b chain.Block) bool { return b.Point == p })
		if i < 0 {
			return fmt.Errorf("rollback to unknown point %s", p)
		}
		keep = i + 1
	}
	if keep == len(r.chain) {
		r.noOpBackwards++
	}
	r.chain = r.chain[:keep]
	return nil
}

func (r *recorder) points() []chain.Point {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]chain.Point, len(r.chain))
	for i, b := range r.chain {
		out[i] = b.Point
	}
	return out
}

func (r *recorder) snapshot() (blocks []chain.Block, events []string, forwards int, backwards []chain.Point, noOps int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.chain), slices.Clone(r.events), r.forwards, slices.Clone(r.backwards), r.noOpBackwards
}

// waitFor polls cond (under no lock) until it holds or the timeout ends.
func (r *recorder) waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-r.changed:
		case <-tick.C:
		case <-deadline.C:
			_, ev, _, _, _ := r.snapshot()
			if len(ev) > 12 {
				ev = append(ev[:6:6], append([]string{"…"}, ev[len(ev)-6:]...)...)
			}
			t.Fatalf("timed out waiting for %s; events: %v", what, ev)
		}
	}
}

// waitChain waits until the consumer's chain equals want.
func (r *recorder) waitChain(t *testing.T, want []chain.Block, timeout time.Duration) {
	t.Helper()
	wantPts := make([]chain.Point, len(want))
	for i, b := range want {
		wantPts[i] = b.Point
	}
	r.waitFor(t, fmt.Sprintf("the consumer to hold the node's %d blocks", len(want)), timeout, func() bool {
		return slices.Equal(r.points(), wantPts)
	})
}

// runFollower runs f.Run in the background; the returned function stops
// it and returns Run's error.
func runFollower(t *testing.T, f *n2c.Follower) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				err = errors.New("follower did not stop within 10 s")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

func synthetic(t *testing.T) *testchain.Builder {
	t.Helper()
	b, err := testchain.NewBuilder()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustChain(t *testing.T, bld *testchain.Builder, parent chain.Point, parentNo uint64, n int, slot uint64, salt byte) []chain.Block {
	t.Helper()
	bs, err := bld.Chain(parent, parentNo, n, slot, 20, salt)
	if err != nil {
		t.Fatal(err)
	}
	return bs
}
