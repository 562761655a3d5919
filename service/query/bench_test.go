package query

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// benchContracts sizes the benchmark index: -query.contracts, else the
// MARLOWE_QUERY_BENCH_CONTRACTS environment variable, else 2,000 (e.g.
// 10000 or 100000 for the large runs; generating and indexing 100,000
// contracts takes a few minutes).
var benchContracts = flag.Int("query.contracts", 0, "contracts in the MarloweQuery benchmark index (default 2000, or $MARLOWE_QUERY_BENCH_CONTRACTS)")

func benchSize(b *testing.B) int {
	if *benchContracts > 0 {
		return *benchContracts
	}
	if v := os.Getenv("MARLOWE_QUERY_BENCH_CONTRACTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("MARLOWE_QUERY_BENCH_CONTRACTS=%q: want a positive count", v)
		}
		return n
	}
	return 2000
}

// benchIndex is an index served over TCP for the benchmarks.
type benchIndex struct {
	addr      string
	contracts int
	tag       string
}

// benchServer builds an index of n contracts and serves it on loopback
// until b ends. Building stays outside every timer.
func benchServer(b *testing.B, n int) *benchIndex {
	b.Helper()
	start := time.Now()
	// One block in two carries Marlowe transactions, five contracts per
	// block on average: the index, not the chain, is what is measured.
	c := genChain(b, chaingen.Config{Seed: 7, Blocks: max(2000, n/5), Contracts: n, MarloweFraction: 0.5})
	s := openStore(b)
	index(b, s, c.Blocks)
	bi := &benchIndex{addr: serve(b, newHandler(b, s, testStatus{})), contracts: c.Stats.Created, tag: "chaingen"}
	b.Logf("index of %d contracts over %d blocks built in %v", bi.contracts, len(c.Blocks), time.Since(start).Round(time.Millisecond))
	return bi
}

// BenchmarkContractHeaders measures MarloweQuery ReqContractHeaders with
// pages of 100 over TCP loopback: headers/s across all clients and the
// p50/p99 latency of one request, for 1, 4 and 64 concurrent clients, with
// no filter and with a tag that half the contracts carry. Each client
// pages through the listing (NextRange), alternating direction at the end.
func BenchmarkContractHeaders(b *testing.B) {
	n := benchSize(b)
	// The parent runs once; its index serves every sub-benchmark.
	bi := benchServer(b, n)
	for _, filter := range []string{"all", "tag"} {
		for _, clients := range []int{1, 4, 64} {
			b.Run(fmt.Sprintf("contracts=%d/filter=%s/clients=%d", n, filter, clients), func(b *testing.B) {
				var f marlowequery.ContractFilter
				if filter == "tag" {
					f.Tags = []string{bi.tag}
				}
				benchHeaders(b, bi, f, clients)
			})
		}
	}
}

func benchHeaders(b *testing.B, bi *benchIndex, f marlowequery.ContractFilter, clients int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	conns := make([]*marlowequery.Client, clients)
	for i := range conns {
		c, conn, err := runtime.DialMarloweQuery(ctx, bi.addr, client.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		conns[i] = c
	}
	var next, items atomic.Int64
	lat := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	for i, c := range conns {
		wg.Go(func() {
			r := marlowequery.Range[types.ContractId]{Limit: 100, Offset: int64(i % 7)}
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				p, err := c.ContractHeaders(ctx, f, r)
				lat[i] = append(lat[i], time.Since(t0))
				if err != nil || p == nil {
					errs[i] = fmt.Errorf("client %d: %v %v", i, p, err)
					return
				}
				items.Add(int64(len(p.Items)))
				if p.NextRange != nil {
					r = *p.NextRange
				} else {
					r = marlowequery.Range[types.ContractId]{Limit: 100, Direction: 1 - r.Direction}
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) }
	b.ReportMetric(float64(items.Load())/b.Elapsed().Seconds(), "headers/s")
	b.ReportMetric(float64(len(all))/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}
