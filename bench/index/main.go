// Command index measures chain indexing against the fake node, in one
// process, on a mainnet-like block mix (about 0.1% of blocks carry Marlowe
// transactions) continuing a chain that already created many contracts:
//
//  1. delivery: chain-sync from the fake node over its unix socket with a
//     consumer that only counts (the ceiling for anything downstream; run
//     before and after the others, the faster run counts);
//  2. decode: every block fully decoded and run through the Marlowe
//     recogniser, nothing written (what an indexer without a pre-filter
//     pays before its first write);
//  3. alone: the indexer fed the same blocks without the network, into a
//     fresh in-memory store (its CPU cost per block, for reference);
//  4. index: marlowe-lite's indexer — pre-filter, decode of the blocks that
//     pass, recognition, Badger commits — over a store already holding the
//     prefix's contracts.
//
// It prints blocks/s and MB/s for each phase, the peak RSS while indexing
// with the prefix's contracts indexed, and ends with
// `index/delivery=X index/decode=Y`.
//
//	go run ./bench/index                     # 100k contracts, 30k-block mix
//	go run ./bench/index -contracts 10000 -blocks 10000
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
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

type config struct {
	contracts, prefixBlocks int
	blocks, filler          int
	mixContracts            int
	fraction                float64
	batch                   int
	seed                    uint64
	db                      string
	heapProfile             string
}

func main() {
	var c config
	flag.IntVar(&c.contracts, "contracts", 100_000, "contracts created by the prefix chain (indexed before the measured phases)")
	flag.IntVar(&c.prefixBlocks, "prefix-blocks", 0, "blocks of the prefix chain (0: contracts/5)")
	flag.IntVar(&c.blocks, "blocks", 30_000, "blocks of the measured mainnet-like mix")
	flag.IntVar(&c.filler, "filler", 100, "maximum ordinary payments per mix block (uniform 0..filler)")
	flag.IntVar(&c.mixContracts, "mix-contracts", 60, "contracts created within the mix")
	flag.Float64Var(&c.fraction, "fraction", 0.001, "share of mix blocks eligible for Marlowe transactions")
	flag.IntVar(&c.batch, "batch", 500, "blocks per Badger transaction while catching up")
	flag.Uint64Var(&c.seed, "seed", 1, "generator seed")
	flag.StringVar(&c.db, "db", "", "Badger directory (default: a temporary one, removed at exit)")
	flag.StringVar(&c.heapProfile, "heapprofile", "", "write a heap profile after indexing to this file")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "bench/index:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	if c.prefixBlocks == 0 {
		c.prefixBlocks = max(c.contracts/5, 100)
	}
	dir := c.db
	if dir == "" {
		d, err := os.MkdirTemp("", "bench-index")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	store, err := kv.Open(filepath.Join(dir, "db"), kv.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	x := extract.New(registry.New())

	// The prefix: many contracts, indexed straight into the store.
	began := time.Now()
	prefix, err := chaingen.Generate(chaingen.Config{Seed: c.seed, Blocks: c.prefixBlocks, Contracts: c.contracts,
		MarloweFraction: 1, InvalidFraction: -1})
	if err != nil {
		return fmt.Errorf("generate prefix: %w", err)
	}
	genTime := time.Since(began)
	anchor := prefix.Blocks[len(prefix.Blocks)-1]
	began = time.Now()
	if err := indexDirect(store, x, prefix.Blocks, c.batch); err != nil {
		return fmt.Errorf("index prefix: %w", err)
	}
	fmt.Printf("prefix: %d contracts, %d blocks, %.1f MB generated in %s, indexed in %s (%v)\n",
		c.contracts, len(prefix.Blocks), mb(prefix.Stats.Bytes), genTime.Round(time.Millisecond),
		time.Since(began).Round(time.Millisecond), prefix.Stats.ByVersion)
	prefix = nil

	mix, err := chaingen.Generate(chaingen.Config{Seed: c.seed + 1, Blocks: c.blocks, Contracts: c.mixContracts,
		MarloweFraction: c.fraction, FillerTxs: c.filler, MalformedCreates: 2,
		Parent: &chaingen.Parent{Hash: anchor.Point.Hash, Number: anchor.Number}, StartSlot: anchor.Point.Slot + 20})
	if err != nil {
		return fmt.Errorf("generate mix: %w", err)
	}
	fmt.Printf("mix: %d blocks, %d with Marlowe transactions (%.2f%%), %d txs, %.1f MB (%.1f KB/block)\n",
		len(mix.Blocks), mix.Stats.MarloweBlocks, 100*float64(mix.Stats.MarloweBlocks)/float64(len(mix.Blocks)),
		mix.Stats.Txs, mb(mix.Stats.Bytes), float64(mix.Stats.Bytes)/float64(len(mix.Blocks))/1024)

	node, err := fakenode.New(fakenode.Config{Magic: registry.Mainnet.Magic()})
	if err != nil {
		return err
	}
	defer node.Close()
	sock := filepath.Join(dir, "node.socket")
	if err := node.ListenUnix(sock); err != nil {
		return err
	}
	if err := node.Append(append([]chain.Block{anchor}, mix.Blocks...)...); err != nil {
		return err
	}
	nodeCfg := n2c.Config{Network: registry.Mainnet, Address: sock, HandshakeTimeout: 10 * time.Second}
	start := anchor.Point
	total := uint64(len(mix.Blocks))
	bytes := mix.Stats.Bytes
	mix = nil
	runtime.GC()
	debug.FreeOSMemory()

	delivery, err := measure(nodeCfg, start, total, &countOnly{})
	if err != nil {
		return fmt.Errorf("delivery: %w", err)
	}
	report("delivery", total, bytes, delivery)

	decode, err := measure(nodeCfg, start, total, &decodeAll{x: x, utxo: store})
	if err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	report("decode", total, bytes, decode)

	// The indexer's own cost, without the network: the mix fed straight
	// into a fresh in-memory store (no prefix contracts tracked).
	direct, err := indexAlone(node.Blocks()[1:], x, c.batch)
	if err != nil {
		return fmt.Errorf("index alone: %w", err)
	}
	report("alone", total, bytes, direct)

	ix, err := indexer.New(store, x, indexer.Options{BatchBlocks: c.batch, Logger: zerolog.Nop()})
	if err != nil {
		return err
	}
	resetPeakRSS()
	index, err := measure(nodeCfg, start, total, ix)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if err := ix.Flush(); err != nil {
		return err
	}
	report("index", total, bytes, index)
	peak := peakRSSMB()

	// Delivery again, now that the machine is warm: the faster of the two
	// runs is the ceiling the ratio is taken against.
	again, err := measure(nodeCfg, start, total, &countOnly{})
	if err != nil {
		return fmt.Errorf("delivery: %w", err)
	}
	report("delivery", total, bytes, again)
	delivery = min(delivery, again)
	st := ix.Stats()
	tip, _, err := store.Tip()
	if err != nil {
		return err
	}
	if tip.Number != anchor.Number+total {
		return fmt.Errorf("index ended at block %d, want %d", tip.Number, anchor.Number+total)
	}
	fmt.Printf("index: pre-filter passed %d of %d blocks to the decoder\n", st.Decoded, st.Blocks)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if c.heapProfile != "" {
		if err := writeHeapProfile(c.heapProfile); err != nil {
			return err
		}
	}
	fmt.Printf("peak RSS while indexing with %d contracts indexed: %.0f MB, of which the fake node's chain in memory %.0f MB (Go heap in use at the end: %.0f MB)\n",
		c.contracts, peak, mb(bytes), mb(int(ms.HeapInuse)))
	fmt.Printf("index/delivery=%.2f index/decode=%.2f\n", delivery.Seconds()/index.Seconds(), decode.Seconds()/index.Seconds())
	return nil
}

// indexDirect feeds blocks to an indexer without the network.
func indexDirect(store *kv.Store, x *extract.Extractor, blocks []chain.Block, batch int) error {
	ix, err := indexer.New(store, x, indexer.Options{BatchBlocks: batch, Logger: zerolog.Nop()})
	if err != nil {
		return err
	}
	last := blocks[len(blocks)-1]
	tip := chain.Tip{Point: last.Point, BlockNumber: last.Number}
	for _, b := range blocks {
		b.Tip = tip
		if err := ix.RollForward(context.Background(), b); err != nil {
			return err
		}
	}
	return ix.Flush()
}

// indexAlone indexes blocks into a fresh in-memory store with no network
// and returns the time taken.
func indexAlone(blocks []chain.Block, x *extract.Extractor, batch int) (time.Duration, error) {
	mem, err := kv.Open("", kv.Options{InMemory: true})
	if err != nil {
		return 0, err
	}
	defer mem.Close()
	began := time.Now()
	if err := indexDirect(mem, x, blocks, batch); err != nil {
		return 0, err
	}
	return time.Since(began), nil
}

// measure follows the node from start with consumer until want blocks have
// been consumed and returns the elapsed time.
func measure(cfg n2c.Config, start chain.Point, want uint64, consumer n2c.Consumer) (time.Duration, error) {
	done := make(chan struct{})
	w := &watch{Consumer: consumer, want: want, done: done, start: start}
	f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, StartPoint: &start, ProgressInterval: -1}, w)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runErr := make(chan error, 1)
	began := time.Now()
	go func() { runErr <- f.Run(ctx) }()
	select {
	case <-done:
	case err := <-runErr:
		return 0, fmt.Errorf("follower stopped: %w", err)
	}
	elapsed := time.Since(began)
	cancel()
	if err := <-runErr; err != nil && !errors.Is(err, context.Canceled) {
		return 0, err
	}
	return elapsed, nil
}

// watch counts forwarded blocks and signals when the last one is consumed.
type watch struct {
	n2c.Consumer
	start chain.Point
	want  uint64
	n     atomic.Uint64
	done  chan struct{}
}

// IntersectPoints starts every phase at the same point: the indexer's own
// points would skip what it already has.
func (w *watch) IntersectPoints(context.Context) ([]chain.Point, error) {
	return []chain.Point{w.start}, nil
}

func (w *watch) RollForward(ctx context.Context, b chain.Block) error {
	if err := w.Consumer.RollForward(ctx, b); err != nil {
		return err
	}
	if w.n.Add(1) == w.want {
		close(w.done)
	}
	return nil
}

type countOnly struct{}

func (countOnly) IntersectPoints(context.Context) ([]chain.Point, error) { return nil, nil }
func (countOnly) RollBackward(context.Context, chain.Point) error        { return nil }
func (countOnly) RollForward(context.Context, chain.Block) error         { return nil }

// decodeAll decodes every block and runs the recogniser over it against
// the store's tracked outputs, writing nothing.
type decodeAll struct {
	x    *extract.Extractor
	utxo extract.UTxO
}

func (d *decodeAll) IntersectPoints(context.Context) ([]chain.Point, error) { return nil, nil }
func (d *decodeAll) RollBackward(context.Context, chain.Point) error        { return nil }
func (d *decodeAll) RollForward(_ context.Context, b chain.Block) error {
	blk, err := b.Decode()
	if err != nil {
		return err
	}
	_, err = d.x.LedgerBlock(blk, extract.NewMemUTxO(d.utxo))
	return err
}

func report(name string, blocks uint64, bytes int, d time.Duration) {
	fmt.Printf("%-8s %8d blocks in %7.2f s: %9.0f blocks/s %7.1f MB/s\n",
		name, blocks, d.Seconds(), float64(blocks)/d.Seconds(), mb(bytes)/d.Seconds())
}

func mb(n int) float64 { return float64(n) / (1 << 20) }

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// resetPeakRSS restarts the kernel's peak-RSS counter (Linux), so that the
// peak reported covers the indexing phase only.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSSMB reads VmHWM from /proc/self/status; -1 when unavailable.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				return -1
			}
			return float64(kb) / 1024
		}
	}
	return -1
}
