package sync_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	gosync "sync"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// benchContractsEnv sets the benchmark fixture's size in contracts
// (default 200, over ten blocks per contract); 10000 or 100000 give the
// large runs, whose generation and indexing take minutes.
const benchContractsEnv = "MARLOWE_SYNC_BENCH_CONTRACTS"

// BenchmarkSync measures, over TCP loopback with 1, 4 and 64 concurrent
// clients, each client's throughput in full sessions from Genesis:
// HeaderSync contracts/s, BulkSync blocks/s (one block or 256 per
// request) and MarloweSync contracts/s (one session per contract: dial,
// handshake, follow, every step, done). Fixture generation, indexing and
// the server start are outside the timed part.
func BenchmarkSync(b *testing.B) {
	contracts := 200
	if s := os.Getenv(benchContractsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("%s=%q: want a positive number of contracts", benchContractsEnv, s)
		}
		contracts = n
	}
	f := newFixture(b, chaingen.Config{Seed: 1, Blocks: contracts * 10, Contracts: contracts, MarloweFraction: 0.2}, fixtureOpts{})
	ctx := context.Background()
	hl, err := syncHeaders(ctx, f.addr)
	if err != nil {
		b.Fatal(err)
	}
	var ids []types.ContractId
	for _, nx := range hl {
		for _, h := range nx.Headers {
			ids = append(ids, h.ContractId)
		}
	}
	bl, err := syncBulk(ctx, f.addr, 255)
	if err != nil {
		b.Fatal(err)
	}
	if len(ids) != contracts {
		b.Fatalf("%d contracts served, %d generated", len(ids), contracts)
	}
	// MarloweSync: each client follows this many contracts per iteration.
	perClient := min(len(ids), 100)

	for _, clients := range []int{1, 4, 64} {
		b.Run(fmt.Sprintf("HeaderSync/clients=%d", clients), func(b *testing.B) {
			run(b, clients, func(int) error {
				n, err := countHeaders(ctx, f.addr)
				if err == nil && n != len(ids) {
					err = fmt.Errorf("%d contracts, want %d", n, len(ids))
				}
				return err
			}, float64(len(ids)), "contracts")
		})
		for _, extra := range []uint8{0, 255} {
			b.Run(fmt.Sprintf("BulkSync/extra=%d/clients=%d", extra, clients), func(b *testing.B) {
				run(b, clients, func(int) error {
					n, err := countBulk(ctx, f.addr, extra)
					if err == nil && n != len(bl) {
						err = fmt.Errorf("%d blocks, want %d", n, len(bl))
					}
					return err
				}, float64(len(bl)), "blocks")
			})
		}
		b.Run(fmt.Sprintf("MarloweSync/clients=%d", clients), func(b *testing.B) {
			run(b, clients, func(c int) error {
				for i := range perClient {
					l, err := follow(ctx, f.addr, ids[(c*perClient+i)%len(ids)])
					if err != nil {
						return err
					}
					if !l.found {
						return fmt.Errorf("contract not found")
					}
				}
				return nil
			}, float64(perClient), "contracts")
		})
	}
}

// run times b.N rounds in which each of clients goroutines calls session
// once, and reports the items (per session) per second per client and in
// total.
func run(b *testing.B, clients int, session func(client int) error, items float64, unit string) {
	b.Helper()
	errs := make(chan error, clients)
	start := time.Now()
	for range b.N {
		var wg gosync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := session(c); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		select {
		case err := <-errs:
			b.Fatal(err)
		default:
		}
	}
	elapsed := time.Since(start).Seconds()
	perClient := items * float64(b.N) / elapsed
	b.ReportMetric(perClient, unit+"/s/client")
	b.ReportMetric(perClient*float64(clients), unit+"/s")
}

// countHeaders is a HeaderSync session from Genesis that keeps nothing but
// the number of contracts, so that the clients' memory does not weigh on
// the measurement.
func countHeaders(ctx context.Context, addr string) (int, error) {
	c, closer, err := runtime.DialMarloweHeaderSync(ctx, addr, client.Options{})
	if err != nil {
		return 0, err
	}
	defer closer.Close()
	n := 0
	for {
		nx, err := c.RequestNext(ctx)
		if err != nil {
			return n, err
		}
		if nx.Kind != headersync.NextNewHeaders {
			if err := c.Cancel(ctx); err != nil {
				return n, err
			}
			return n, c.Done(ctx)
		}
		n += len(nx.Headers)
	}
}

// countBulk is a BulkSync session from Genesis that keeps only the number
// of blocks.
func countBulk(ctx context.Context, addr string, extra uint8) (int, error) {
	c, closer, err := runtime.DialMarloweBulkSync(ctx, addr, client.Options{})
	if err != nil {
		return 0, err
	}
	defer closer.Close()
	n := 0
	for {
		nx, err := c.RequestNext(ctx, extra)
		if err != nil {
			return n, err
		}
		if nx.Kind != bulksync.NextRollForward {
			if err := c.Cancel(ctx); err != nil {
				return n, err
			}
			return n, c.Done(ctx)
		}
		n += len(nx.Blocks)
	}
}
