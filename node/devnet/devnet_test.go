package devnet

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

func socket(t *testing.T) string {
	t.Helper()
	// t.TempDir can exceed the unix socket path limit.
	dir, err := os.MkdirTemp("", "devnet")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "node.socket")
}

// checkLinked: every block links to the one before, numbers consecutive.
func checkLinked(t *testing.T, blocks []chain.Block) {
	t.Helper()
	for i := 1; i < len(blocks); i++ {
		if blocks[i].Prev != blocks[i-1].Point.Hash || blocks[i].Number != blocks[i-1].Number+1 ||
			blocks[i].Point.Slot <= blocks[i-1].Point.Slot {
			t.Fatalf("block %d (#%d, slot %d) does not follow block %d (#%d, slot %d)", i,
				blocks[i].Number, blocks[i].Point.Slot, i-1, blocks[i-1].Number, blocks[i-1].Point.Slot)
		}
	}
}

// TestGrowth: the chain grows across generated chunks as one linked chain,
// and the same seed gives the same blocks, released at once with ReleaseTo.
func TestGrowth(t *testing.T) {
	ctx := context.Background()
	d, err := Start(ctx, Config{Seed: 3, Contracts: 10, Blocks: 100, Interval: -1}, socket(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for range chunkBlocks + 50 {
		if _, err := d.release(); err != nil {
			t.Fatal(err)
		}
	}
	grown := d.Node().Blocks()
	if len(grown) != 100+chunkBlocks+50 {
		t.Fatalf("%d blocks, want %d", len(grown), 100+chunkBlocks+50)
	}
	checkLinked(t, grown)

	again, err := Start(ctx, Config{Seed: 3, Contracts: 10, Blocks: 100, Interval: -1,
		ReleaseTo: grown[len(grown)-1].Number}, socket(t))
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	replay := again.Node().Blocks()
	if len(replay) != len(grown) {
		t.Fatalf("ReleaseTo gave %d blocks, want %d", len(replay), len(grown))
	}
	for i := range replay {
		if replay[i].Point != grown[i].Point {
			t.Fatalf("block %d differs between runs with the same seed", i)
		}
	}
}

// TestTicker: with an interval the tip advances on its own, and Close stops it.
func TestTicker(t *testing.T) {
	d, err := Start(context.Background(), Config{Seed: 4, Contracts: 5, Blocks: 50, Interval: 5 * time.Millisecond}, socket(t))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for d.Node().Tip().BlockNumber < 60 {
		if time.Now().After(deadline) {
			t.Fatalf("tip stuck at %d", d.Node().Tip().BlockNumber)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	tip := d.Node().Tip()
	time.Sleep(30 * time.Millisecond)
	if d.Node().Tip() != tip {
		t.Fatal("the chain grew after Close")
	}
	checkLinked(t, d.Node().Blocks())
}

func TestConfigErrors(t *testing.T) {
	if _, err := Start(context.Background(), Config{Blocks: -1}, socket(t)); err == nil {
		t.Fatal("negative block count accepted")
	}
}

// TestClock: the node's era history, as a client reads it, puts the
// generator's slots at the times its validity intervals assume.
func TestClock(t *testing.T) {
	sock := socket(t)
	d, err := Start(context.Background(), Config{Seed: 5, Contracts: 2, Blocks: 20, Interval: -1}, sock)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cl, err := n2c.NewClient(n2c.Config{Magic: d.Magic(), Address: sock, HandshakeTimeout: 5 * time.Second, QueryTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	c, err := cl.SlotConverter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ms, err := c.SlotToPOSIXMillis(140_000_000)
	if err != nil || ms.Int64() != 1_591_566_291_000+140_000_000*1000 {
		t.Fatalf("slot 140,000,000 at %v ms (%v)", ms, err)
	}
}
