// Command serve benchmarks the real `marlowe-lite serve` binary over the
// Marlowe Runtime protocol, for issue 5. It builds the binary, runs it as
// a child process on the devnet (an in-process fake node serving a
// generated history of -contracts contracts over -blocks blocks, no
// growth), waits until the index has caught up, then drives it over TCP
// loopback with 1, 4 and 64 concurrent clients, each on its own
// connection(s):
//
//   - HeaderSync: passes from Genesis to the first Wait (contracts/s);
//   - BulkSync: passes from Genesis to the first Wait, 1+extra blocks per
//     request (blocks/s and Marlowe transactions/s);
//   - MarloweSync: one session per contract, following it from its
//     creation to the Wait (contracts/s and steps/s);
//   - MarloweQuery: ReqContractHeaders pages through the whole listing
//     (headers/s, p50/p99 latency per page).
//
// Each load runs for -duration and counts what completed. Every answer is
// checked against the generator's ground truth (the same chain, generated
// in this process with node/devnet's configuration): a protocol error, a
// wrong or missing contract, block or step, or an error in the server's
// log ends the run with a non-zero exit. It prints the catch-up time, the
// serving process's memory (VmRSS, VmHWM) when idle after catch-up and
// after the loads, and one markdown table per contract count beside
// Marlowe Runtime's published per-client figures on preprod.
//
//	go run ./bench/serve                          # 10k contracts
//	go run ./bench/serve -contracts 10000,100000  # both sizes, one after the other
//
// The clients run in this process, on the same machine as the server, and
// compete with it for the CPUs; the output says how much CPU each side
// used. Linux only (it reads /proc).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// idleSettle is how long the server idles after catching up before its
// memory is read.
const idleSettle = 10 * time.Second

type config struct {
	contracts  []int
	blocks     int
	clients    []int
	duration   time.Duration
	keep       bool
	bulkExtra  uint
	page       int64
	catchUpMax time.Duration
	command    string
}

func main() {
	var c config
	contracts := flag.String("contracts", "10000", "contracts in the devnet's history; a comma-separated list runs each size in turn")
	flag.IntVar(&c.blocks, "blocks", 0, "blocks in the devnet's history (0: twice the contracts, about 20 Marlowe transactions per block with any)")
	clients := flag.String("clients", "1,4,64", "comma-separated numbers of concurrent clients")
	flag.DurationVar(&c.duration, "duration", 20*time.Second, "length of each load (what completes within it is measured)")
	flag.BoolVar(&c.keep, "keep", false, "keep the temporary directory (binary, Badger index, server log)")
	flag.UintVar(&c.bulkExtra, "bulk-extra", 128, "BulkSync extraBlockCount: each request asks for up to 1+extra blocks (Marlowe Runtime's benchmark: 128)")
	flag.Int64Var(&c.page, "page", 100, "MarloweQuery page size")
	flag.DurationVar(&c.catchUpMax, "catch-up-timeout", 30*time.Minute, "how long the index may take to catch up")
	flag.Parse()
	c.command = "go run ./bench/serve " + strings.Join(os.Args[1:], " ")
	err := c.parseLists(*contracts, *clients)
	if err == nil {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err = run(ctx, c)
		stop()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/serve:", err)
		os.Exit(1)
	}
}

func (c *config) parseLists(contracts, clients string) error {
	var err error
	if c.contracts, err = positiveList("contracts", contracts); err != nil {
		return err
	}
	if c.clients, err = positiveList("clients", clients); err != nil {
		return err
	}
	switch {
	case c.blocks < 0:
		return fmt.Errorf("-blocks %d: want a positive number, or 0 for twice the contracts", c.blocks)
	case c.duration <= 0:
		return fmt.Errorf("-duration %v: want a positive duration", c.duration)
	case c.bulkExtra > 255:
		return fmt.Errorf("-bulk-extra %d: extraBlockCount is a byte (0..255)", c.bulkExtra)
	case c.page < 1:
		return fmt.Errorf("-page %d: want at least 1", c.page)
	}
	return nil
}

func positiveList(name, s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-%s %q: want positive numbers separated by commas", name, s)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, c config) (err error) {
	tmp, err := os.MkdirTemp("", "bench-serve-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	defer func() {
		if c.keep {
			fmt.Fprintf(os.Stderr, "kept %s\n", tmp)
		} else if rmErr := os.RemoveAll(tmp); rmErr != nil {
			err = errors.Join(err, fmt.Errorf("remove %s: %w", tmp, rmErr))
		}
	}()
	bin, err := build(ctx, tmp)
	if err != nil {
		return err
	}
	fmt.Print(describeMachine())
	// Each size's tables are printed as soon as it is done, so that a
	// failure in a later size keeps the earlier ones.
	for _, n := range c.contracts {
		r, err := measure(ctx, c, bin, filepath.Join(tmp, fmt.Sprintf("run-%d", n)), n)
		if err != nil {
			return fmt.Errorf("%d contracts: %w", n, err)
		}
		fmt.Println()
		r.print(c)
	}
	return nil
}

// build compiles cmd/marlowe-lite of the module this command belongs to.
func build(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("finding the module root (go env GOMOD: %q, %v): run from inside the marlowe-lite module", gomod, err)
	}
	bin := filepath.Join(dir, "marlowe-lite")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/marlowe-lite")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	began := time.Now()
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/marlowe-lite: %w", err)
	}
	fmt.Fprintf(os.Stderr, "built %s in %v\n", bin, time.Since(began).Round(time.Millisecond))
	return bin, nil
}

// report is everything measured for one contract count.
type report struct {
	truth                *truth
	generatedIn, indexed time.Duration
	readyAfter           time.Duration
	idle, end            memory
	maxLoadRSS           int64
	dbBytes              int64
	reference            []string
	loads                map[string]map[int]*loadResult
}

// measure runs the child on a history of n contracts and all the loads.
func measure(ctx context.Context, c config, bin, dir string, n int) (_ *report, err error) {
	blocks := c.blocks
	if blocks == 0 {
		blocks = 2 * n
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("run directory: %w", err)
	}
	logf("%d contracts over %d blocks: generating the ground truth", n, blocks)
	t, err := groundTruth(n, blocks)
	if err != nil {
		return nil, err
	}
	// The chain itself is garbage now; give it back before the child
	// starts so that the two processes do not hold it at once.
	debug.FreeOSMemory()
	logf("ground truth in %v: %d contracts, %d blocks with Marlowe transactions (%d transactions), %d steps to follow",
		t.generated.Round(time.Millisecond), t.contracts, len(t.marlowe), t.marloweTxs(), t.totalSteps)

	args := []string{"serve", "--devnet", "--devnet-contracts", strconv.Itoa(n), "--devnet-blocks", strconv.Itoa(blocks),
		"--devnet-interval", "-1s", "--devnet-seed", strconv.Itoa(devnetSeed), "--db", filepath.Join(dir, "db"),
		"--host", "127.0.0.1", "--port", "0", "--log-format", "json"}
	logf("starting %s %s", bin, strings.Join(args, " "))
	var lastProgress time.Time
	srv, err := startServer(bin, args, filepath.Join(dir, "serve.log"), func(l eventLine) {
		if time.Since(lastProgress) >= 10*time.Second {
			lastProgress = time.Now()
			logf("  catching up: %.1f%% (block %d of %d, %.0f blocks/s)", l.Percent, l.Block, l.NodeBlock, l.BlocksPerS)
		}
	})
	if err != nil {
		return nil, err
	}
	defer func() {
		if stopErr := srv.stop(); stopErr != nil {
			err = errors.Join(err, stopErr)
		}
	}()

	if err := srv.await(srv.histCh, "devnet history ready", c.catchUpMax, ctx.Done()); err != nil {
		return nil, err
	}
	if srv.hist.contracts != t.contracts || srv.hist.blocks != t.blocks || srv.hist.tip != uint64(t.tip.Block) {
		return nil, fmt.Errorf("the devnet generated %d contracts over %d blocks (tip %d), the ground truth %d over %d (tip %d): "+
			"has node/devnet changed its history configuration? bench/serve mirrors it in historyConfig",
			srv.hist.contracts, srv.hist.blocks, srv.hist.tip, t.contracts, t.blocks, t.tip.Block)
	}
	if err := srv.await(srv.addrCh, "marlowe-lite started", c.catchUpMax, ctx.Done()); err != nil {
		return nil, err
	}
	if err := srv.await(srv.caughtCh, "caught up with the node", c.catchUpMax, ctx.Done()); err != nil {
		return nil, err
	}
	r := &report{truth: t, generatedIn: srv.hist.generatedIn, indexed: srv.caughtUp.Sub(srv.hist.at),
		readyAfter: srv.caughtUp.Sub(srv.started), loads: map[string]map[int]*loadResult{}}
	if srv.caughtBlk != uint64(t.tip.Block) {
		return nil, fmt.Errorf("caught up at block %d, the history ends at block %d", srv.caughtBlk, t.tip.Block)
	}
	logf("caught up %v after start (history generated in %v, indexed in %v)", r.readyAfter.Round(time.Millisecond),
		r.generatedIn, r.indexed.Round(time.Millisecond))
	addr := srv.addr
	if host, _, err := net.SplitHostPort(addr); err != nil || !net.ParseIP(host).IsLoopback() {
		return nil, fmt.Errorf("the server listens on %q, want a loopback address", addr)
	}
	// Let the process settle before the idle reading: Badger's background
	// work after the last commit, and the Go runtime returning the
	// catch-up's garbage to the system.
	time.Sleep(idleSettle)
	if r.idle, err = readMemory(srv.pid); err != nil {
		return nil, err
	}
	logf("serving process %v after catch-up (idle): %s", idleSettle, r.idle)

	if err := r.referencePasses(ctx, addr, c); err != nil {
		return nil, err
	}
	order := rand.New(rand.NewPCG(devnetSeed, uint64(n))).Perm(len(t.ids))
	loads := []struct {
		name string
		body func(clients int) clientBody
	}{
		{"HeaderSync", func(int) clientBody { return headerSyncBody(addr, t) }},
		{"BulkSync", func(int) clientBody { return bulkSyncBody(addr, t, uint8(c.bulkExtra)) }},
		{"MarloweSync", func(clients int) clientBody { return marloweSyncBody(addr, t, order, clients) }},
		{"MarloweQuery", func(int) clientBody { return queryBody(addr, t, c.page) }},
	}
	for _, l := range loads {
		r.loads[l.name] = map[int]*loadResult{}
		for _, clients := range c.clients {
			res, err := runLoad(ctx, srv, l.name, clients, c.duration, l.body(clients))
			if err != nil {
				return nil, err
			}
			r.loads[l.name][clients] = res
			r.maxLoadRSS = max(r.maxLoadRSS, res.maxRSS)
			items, passes := res.items()
			logf("%-12s %2d clients: %d items, %d complete, %.0f/s per client, %.0f/s in all; CPU cores: server %.2f, clients %.2f, machine %.2f; VmRSS %s → max %s",
				l.name, clients, items, passes, res.perClient(false), res.total(false),
				res.cores(res.serverCPU), res.cores(res.benchCPU), res.cores(res.machineCPU), mib(res.startRSS), mib(res.maxRSS))
		}
	}
	if r.end, err = readMemory(srv.pid); err != nil {
		return nil, err
	}
	logf("serving process after the loads: %s", r.end)
	if err := srv.failure(); err != nil {
		return nil, err
	}
	// Stop it here rather than in the deferred call so that the index is
	// measured as it stays on disk (memtables flushed, no preallocated
	// files).
	if err := srv.stop(); err != nil {
		return nil, err
	}
	if r.dbBytes, err = diskUsage(filepath.Join(dir, "db")); err != nil {
		return nil, err
	}
	return r, nil
}

// referencePasses checks the status and one whole pass of each protocol
// with one client before anything is timed, so that a wrong answer fails
// fast and the first timed load does not pay for cold caches.
func (r *report) referencePasses(ctx context.Context, addr string, c config) error {
	t := r.truth
	ctx, cancel := context.WithTimeout(ctx, c.catchUpMax)
	defer cancel()
	// A deadline no pass reaches: each reference pass runs to its end.
	forever := time.Now().Add(100 * 365 * 24 * time.Hour)
	if err := checkStatus(ctx, addr, t); err != nil {
		return err
	}
	passes := []struct {
		name string
		unit string
		pass func(st *clientStat) error
	}{
		{"HeaderSync", "contracts", func(st *clientStat) error { return headerPass(ctx, addr, t, forever, st) }},
		{"BulkSync", "blocks", func(st *clientStat) error {
			return bulkPass(ctx, addr, t, uint8(c.bulkExtra), forever, st)
		}},
		{"MarloweQuery", "headers", func(st *clientStat) error {
			return queryPages(ctx, addr, t, c.page, forever, true, st)
		}},
		{"MarloweSync", "contracts", func(st *clientStat) error {
			// The first, the last and a few in between.
			for _, k := range []int{0, len(t.ids) / 3, len(t.ids) / 2, len(t.ids) - 1} {
				if err := followContract(ctx, addr, t, k, st); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, p := range passes {
		var st clientStat
		began := time.Now()
		if err := p.pass(&st); err != nil {
			return fmt.Errorf("reference pass: %w", err)
		}
		line := fmt.Sprintf("%s: %d %s checked in %v", p.name, st.items, p.unit, time.Since(began).Round(time.Millisecond))
		r.reference = append(r.reference, line)
		logf("reference pass, %s", line)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}
