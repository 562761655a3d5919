package n2c_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

// counter is a consumer that only counts, to measure raw delivery.
type counter struct {
	n     atomic.Int64
	bytes atomic.Int64
	done  chan struct{}
	want  int64
}

func (c *counter) IntersectPoints(context.Context) ([]chain.Point, error) { return nil, nil }
func (c *counter) RollBackward(context.Context, chain.Point) error        { return nil }
func (c *counter) RollForward(_ context.Context, b chain.Block) error {
	c.bytes.Add(int64(len(b.CBOR)))
	if c.n.Add(1) == c.want {
		close(c.done)
	}
	return nil
}

// BenchmarkFollowDelivery measures chain-sync delivery from the fake node
// over 127.0.0.1 with the follower reading headers only: the per-block
// overhead of the node-facing side (empty synthetic blocks).
func BenchmarkFollowDelivery(b *testing.B) {
	bld, err := testchain.NewBuilder()
	if err != nil {
		b.Fatal(err)
	}
	const n = 2000
	blocks, err := bld.Chain(chain.Point{}, 0, n, 1000, 20, 0)
	if err != nil {
		b.Fatal(err)
	}
	node, err := fakenode.New(fakenode.Config{Magic: testMagic})
	if err != nil {
		b.Fatal(err)
	}
	defer node.Close()
	if err := node.Append(blocks...); err != nil {
		b.Fatal(err)
	}
	addr, err := node.ListenLoopback()
	if err != nil {
		b.Fatal(err)
	}
	cfg := n2c.Config{Network: registry.Mainnet, Address: "tcp:" + addr, Logger: zerolog.Nop()}
	b.ResetTimer()
	var total time.Duration
	for range b.N {
		c := &counter{done: make(chan struct{}), want: n}
		f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true}, c)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		began := time.Now()
		go f.Run(ctx)
		<-c.done
		total += time.Since(began)
		cancel()
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "blocks/s")
}
