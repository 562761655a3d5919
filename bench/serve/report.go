package main

import (
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"time"
)

// Marlowe Runtime's per-client figures on preprod: the example run in
// marlowe-benchmark's ReadMe (input-output-hk/marlowe-cardano, 2024-01-10;
// 4 clients per protocol, BulkSync extraBlockCount 128, MarloweQuery pages
// of 256, 512 contracts per Sync client).
const (
	haskellHeaderSync = "15.2"
	haskellBulkBlocks = "936"
	haskellBulkTxs    = "1 094 ¹"
	haskellSync       = "1.6"
	haskellSyncSteps  = "6.6 ¹"
	haskellQuery      = "3 068 (pages of 256)"
)

// describeMachine is the machine and toolchain, printed once.
func describeMachine() string {
	var b strings.Builder
	model := "unknown CPU"
	if s, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(s), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if s, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(s), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "MemTotal:" {
				if kib, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					mem = fmt.Sprintf(", %.0f GiB", float64(kib)/(1<<20))
				}
			}
		}
	}
	fmt.Fprintf(&b, "Machine: %d CPUs (%s)%s, %s/%s, %s; load average at start %s.\n",
		goruntime.NumCPU(), model, mem, goruntime.GOOS, goruntime.GOARCH, goruntime.Version(), loadAverage())
	b.WriteString("The clients run in the benchmark process on the same machine as the server and compete with it\n" +
		"for the CPUs (see the CPU columns, which also show what other jobs on the machine took); figures are\n" +
		"what one machine does for both sides.\n")
	return b.String()
}

// loadAverage is the 1-, 5- and 15-minute load average.
func loadAverage() string {
	s, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(s))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// print writes the markdown tables of one contract count.
func (r *report) print(c config) {
	t := r.truth
	cols := c.clients
	fmt.Printf("### marlowe-lite serve, %s contracts\n\n", group(int64(t.contracts)))
	fmt.Printf("Command: `%s` (each load %v).\n\n", strings.TrimSpace(c.command), c.duration)
	fmt.Printf("History (devnet, seed %d): %s contracts over %s blocks; %s blocks carry %s Marlowe transactions "+
		"(%.1f per such block; creations, apply-inputs and withdrawals); %s steps after the creations; %s contracts closed; "+
		"%.0f MB of blocks.\n\n",
		devnetSeed, group(int64(t.contracts)), group(int64(t.blocks)), group(int64(len(t.marlowe))), group(int64(t.marloweTxs())),
		float64(t.marloweTxs())/float64(len(t.marlowe)), group(int64(t.totalSteps)), group(int64(t.stats.Closed)), float64(t.stats.Bytes)/1e6)

	b := &strings.Builder{}
	b.WriteString("| measure |")
	for _, n := range cols {
		fmt.Fprintf(b, " %d %s |", n, plural(n, "client"))
	}
	b.WriteString(" Marlowe Runtime, preprod (per client, 4 clients) |\n|---|")
	for range cols {
		b.WriteString("---:|")
	}
	b.WriteString("---:|\n")
	row := func(label, haskell string, cell func(*loadResult) string, load string) {
		fmt.Fprintf(b, "| %s |", label)
		for _, n := range cols {
			fmt.Fprintf(b, " %s |", cell(r.loads[load][n]))
		}
		fmt.Fprintf(b, " %s |\n", haskell)
	}
	per := func(extra bool) func(*loadResult) string {
		return func(l *loadResult) string { return rate(l.perClient(extra)) }
	}
	all := func(l *loadResult) string { return rate(l.total(false)) }
	row("HeaderSync contracts/s per client", haskellHeaderSync, per(false), "HeaderSync")
	row("HeaderSync contracts/s, all clients", "—", all, "HeaderSync")
	row(fmt.Sprintf("BulkSync blocks/s per client (≤ %d per request)", c.bulkExtra+1), haskellBulkBlocks, per(false), "BulkSync")
	row("BulkSync blocks/s, all clients", "—", all, "BulkSync")
	row("BulkSync Marlowe transactions/s per client", haskellBulkTxs, per(true), "BulkSync")
	row("MarloweSync contracts/s per client (a session per contract)", haskellSync, per(false), "MarloweSync")
	row("MarloweSync contracts/s, all clients", "—", all, "MarloweSync")
	row("MarloweSync steps/s per client", haskellSyncSteps, per(true), "MarloweSync")
	row(fmt.Sprintf("MarloweQuery headers/s per client (pages of %d)", c.page), haskellQuery, per(false), "MarloweQuery")
	row("MarloweQuery headers/s, all clients", "—", all, "MarloweQuery")
	row("MarloweQuery latency per page, p50 / p99", "—", func(l *loadResult) string {
		return latency(l.percentile(0.50)) + " / " + latency(l.percentile(0.99))
	}, "MarloweQuery")
	fmt.Print(b.String())
	fmt.Println()
	fmt.Println("¹ From the same published run (not among issue 5's four figures): BulkSync creates + applyInputs + withdraws per second " +
		"(174.7 + 899.6 + 20.0); Sync stepsPerSecond. Marlowe Runtime figures: the preprod example run in marlowe-benchmark's ReadMe " +
		"(input-output-hk/marlowe-cardano, 2024-01-10; 4 clients per protocol, BulkSync extraBlockCount 128, Query pages of 256). " +
		"Preprod's Marlowe blocks hold about 1.2 Marlowe transactions each, this history's about " +
		fmt.Sprintf("%.0f", float64(t.marloweTxs())/float64(len(t.marlowe))) + ", so compare BulkSync by transactions rather than blocks.")
	fmt.Println()

	fmt.Println("| serving process | |\n|---|---|")
	fmt.Printf("| catch-up: history generated by the devnet in the child | %v |\n", r.generatedIn.Round(10*time.Millisecond))
	fmt.Printf("| catch-up: indexed (devnet ready → \"caught up with the node\") | %v |\n", r.indexed.Round(10*time.Millisecond))
	fmt.Printf("| catch-up: process start → caught up | %v |\n", r.readyAfter.Round(10*time.Millisecond))
	fmt.Printf("| memory after catch-up (%v idle) | %s |\n", idleSettle, r.idle)
	fmt.Printf("| memory after the loads | %s |\n", r.end)
	fmt.Printf("| largest VmRSS sampled during the loads | %s |\n", mib(r.maxLoadRSS))
	fmt.Printf("| Badger index on disk after shutdown (allocated) | %.1f MiB |\n", float64(r.dbBytes)/(1<<20))
	fmt.Println()
	fmt.Printf("The serving process's memory includes the devnet: the fake node holds the whole generated chain in memory "+
		"(%.0f MB of blocks, see above) and the generator's ground truth, which a process following a real node does not.\n",
		float64(t.stats.Bytes)/1e6)
	fmt.Println()

	fmt.Println("| load | clients | wall | items | complete | per client, slowest – fastest /s | CPU cores: server / clients / whole machine | server's VmRSS: start → max |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, name := range []string{"HeaderSync", "BulkSync", "MarloweSync", "MarloweQuery"} {
		for _, n := range cols {
			l := r.loads[name][n]
			items, passes := l.items()
			lo, hi := l.minMaxPerClient()
			fmt.Printf("| %s | %d | %.1f s | %s | %s | %s – %s | %.2f / %.2f / %.2f | %s |\n", name, n, l.elapsed.Seconds(), group(items),
				group(passes), rate(lo), rate(hi), l.cores(l.serverCPU), l.cores(l.benchCPU), l.cores(l.machineCPU), mib(l.startRSS)+" → "+mib(l.maxRSS))
		}
	}
	fmt.Println()
	fmt.Println("Items: contracts (HeaderSync, MarloweSync), blocks (BulkSync), headers (MarloweQuery), partial passes included. " +
		"Complete: passes from Genesis to the first Wait (HeaderSync, BulkSync), contracts followed to their Wait (MarloweSync), " +
		"whole listings (MarloweQuery). Whole machine: CPU time of every process on it, other jobs included, " +
		fmt.Sprintf("out of %d cores. VmRSS at the start holds what the Go runtime kept from the loads before. "+
			"Every answer was checked against the generator's ground truth.", goruntime.NumCPU()))
	fmt.Println()
	fmt.Printf("Reference passes (one client, before the loads): %s. Load average at the end: %s.\n",
		strings.Join(r.reference, "; "), loadAverage())
}

// rate formats items per second with about three significant digits.
func rate(v float64) string {
	switch {
	case v >= 1000:
		return group(int64(v + 0.5))
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// latency formats a duration in µs or ms.
func latency(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
}

// group writes n with spaces between groups of three digits, as
// bench/RESULTS.md does.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(ch)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
