package chaingen_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

// indexer is a Consumer that runs the recogniser on every delivered block,
// keeping one Truth per block. The chain has no rollbacks, so a rollback
// is accepted only to the current tip (the intersection at connection).
type indexer struct {
	x    *extract.Extractor
	utxo *extract.MemUTxO
	want int
	mu   sync.Mutex
	tip  chain.Point
	got  []chaingen.Truth
	done chan struct{}
}

func (ix *indexer) IntersectPoints(context.Context) ([]chain.Point, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.tip.IsOrigin() {
		return nil, nil
	}
	return []chain.Point{ix.tip}, nil
}

func (ix *indexer) RollForward(_ context.Context, b chain.Block) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	tr, err := extractBlock(ix.x, ix.utxo, b)
	if err != nil {
		return fmt.Errorf("block %d: %w", b.Number, err)
	}
	ix.got = append(ix.got, tr)
	ix.tip = b.Point
	if len(ix.got) == ix.want {
		close(ix.done)
	}
	return nil
}

func (ix *indexer) RollBackward(_ context.Context, p chain.Point) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if p != ix.tip {
		return fmt.Errorf("unexpected rollback to %s (tip %s)", p, ix.tip)
	}
	return nil
}

// TestFakeNodeServesGeneratedChain follows a generated chain from a fake
// node over node-to-client chain-sync and runs the recogniser on what
// arrives: the events equal the ground truth, so node → contracts works on
// Marlowe data.
func TestFakeNodeServesGeneratedChain(t *testing.T) {
	c := generate(t, chaingen.Config{Seed: 4, Blocks: 600, Contracts: 20, MarloweFraction: 0.2, FillerTxs: 3, MalformedCreates: 1})
	node, err := fakenode.New(fakenode.Config{Magic: registry.Mainnet.Magic(), Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	// t.TempDir can exceed the unix socket path limit.
	dir, err := os.MkdirTemp("", "cg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "node.socket")
	if err := node.ListenUnix(sock); err != nil {
		t.Fatal(err)
	}
	// Half the chain is there at connection; the rest arrives while the
	// follower waits at the tip.
	half := len(c.Blocks) / 2
	if err := node.Append(c.Blocks[:half]...); err != nil {
		t.Fatal(err)
	}
	ix := &indexer{x: extract.New(registry.New()), utxo: extract.NewMemUTxO(nil), want: len(c.Blocks), done: make(chan struct{})}
	f, err := n2c.NewFollower(n2c.FollowerConfig{
		Config:     n2c.Config{Network: registry.Mainnet, Address: sock, Logger: zerolog.Nop(), HandshakeTimeout: 5 * time.Second, QueryTimeout: 10 * time.Second},
		FromOrigin: true,
		Backoff:    n2c.Backoff{Initial: 5 * time.Millisecond, Max: 40 * time.Millisecond, Multiplier: 2, Jitter: 0.1},
	}, ix)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- f.Run(ctx) }()
	if err := node.Append(c.Blocks[half:]...); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ix.done:
	case err := <-runErr:
		t.Fatalf("follower stopped: %v", err)
	case <-ctx.Done():
		ix.mu.Lock()
		n := len(ix.got)
		ix.mu.Unlock()
		t.Fatalf("timed out with %d of %d blocks", n, len(c.Blocks))
	}
	cancel()
	if err := <-runErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("follower: %v", err)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	compare(t, c, ix.got)
	steps := 0
	for _, tr := range ix.got {
		steps += len(tr.Created) + len(tr.Applied) + len(tr.Withdrawn)
	}
	if steps < 40 {
		t.Fatalf("only %d Marlowe steps arrived, want at least 40", steps)
	}
	t.Logf("%d blocks delivered, %d Marlowe steps, equal to the ground truth", len(ix.got), steps)
}
