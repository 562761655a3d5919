package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// requestGrace is how long past a load's duration a client may still be
// in its last request before the load counts as hung.
const requestGrace = 2 * time.Minute

// clientStat is one client's work during a load.
type clientStat struct {
	// items are contracts (HeaderSync, MarloweSync), blocks (BulkSync) or
	// headers (MarloweQuery) received, partial passes included.
	items int64
	// extra are MarloweSync steps, or BulkSync Marlowe transactions.
	extra int64
	// passes are complete passes from Genesis (HeaderSync, BulkSync),
	// contracts followed to their Wait (MarloweSync) or complete listings
	// (MarloweQuery).
	passes  int64
	elapsed time.Duration
	// lat are per-request latencies (MarloweQuery).
	lat []time.Duration
}

// loadResult is one load with one number of concurrent clients.
type loadResult struct {
	name    string
	clients int
	elapsed time.Duration
	stats   []clientStat
	// serverCPU and benchCPU are the CPU time the serving process and
	// this process (the clients) used during the load; machineCPU is
	// what every process on the machine used.
	serverCPU, benchCPU, machineCPU time.Duration
	// startRSS is the serving process's VmRSS as the load starts (memory
	// kept from earlier loads included) and maxRSS the largest sampled
	// during the load (KiB).
	startRSS, maxRSS int64
}

// cores is CPU time d as a number of cores busy during the load.
func (r *loadResult) cores(d time.Duration) float64 { return d.Seconds() / r.elapsed.Seconds() }

// perClient is the mean over clients of each client's items per second of
// its own run time.
func (r *loadResult) perClient(extra bool) float64 {
	var sum float64
	for _, s := range r.stats {
		if s.elapsed > 0 {
			n := s.items
			if extra {
				n = s.extra
			}
			sum += float64(n) / s.elapsed.Seconds()
		}
	}
	return sum / float64(len(r.stats))
}

// minMaxPerClient is the slowest and fastest client's items per second.
func (r *loadResult) minMaxPerClient() (lo, hi float64) {
	for i, s := range r.stats {
		v := float64(s.items) / s.elapsed.Seconds()
		if i == 0 || v < lo {
			lo = v
		}
		if i == 0 || v > hi {
			hi = v
		}
	}
	return lo, hi
}

// total is all clients' items per second of the load's wall time.
func (r *loadResult) total(extra bool) float64 {
	var n int64
	for _, s := range r.stats {
		if extra {
			n += s.extra
		} else {
			n += s.items
		}
	}
	return float64(n) / r.elapsed.Seconds()
}

func (r *loadResult) items() (items, passes int64) {
	for _, s := range r.stats {
		items += s.items
		passes += s.passes
	}
	return items, passes
}

// percentile is the p-quantile (0..1) of all request latencies.
func (r *loadResult) percentile(p float64) time.Duration {
	var all []time.Duration
	for _, s := range r.stats {
		all = append(all, s.lat...)
	}
	if len(all) == 0 {
		return 0
	}
	slices.Sort(all)
	return all[int(p*float64(len(all)-1)+0.5)]
}

// clientBody is one client's work until deadline.
type clientBody func(ctx context.Context, client int, deadline time.Time, st *clientStat) error

// runLoad runs body in clients goroutines for dur, then waits for each to
// finish its current step, sampling the server's memory and both
// processes' CPU time. The first client error ends the load and is
// returned.
func runLoad(ctx context.Context, srv *server, name string, clients int, dur time.Duration, body clientBody) (*loadResult, error) {
	ctx, cancel := context.WithTimeout(ctx, dur+requestGrace)
	defer cancel()
	res := &loadResult{name: name, clients: clients, stats: make([]clientStat, clients)}
	srvCPU0, err := readCPU(srv.pid)
	if err != nil {
		return nil, err
	}
	benchCPU0, err := readCPU(os.Getpid())
	if err != nil {
		return nil, err
	}
	machineCPU0, err := readMachineBusy()
	if err != nil {
		return nil, err
	}
	m0, err := readMemory(srv.pid)
	if err != nil {
		return nil, err
	}
	res.startRSS, res.maxRSS = m0.rss, m0.rss
	stopSampling := make(chan struct{})
	sampled := make(chan error, 1)
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			m, err := readMemory(srv.pid)
			if err != nil {
				sampled <- err
				return
			}
			res.maxRSS = max(res.maxRSS, m.rss)
			select {
			case <-stopSampling:
				sampled <- nil
				return
			case <-t.C:
			}
		}
	}()

	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var firstErr error
	for c := range clients {
		wg.Go(func() {
			st := &res.stats[c]
			err := body(ctx, c, deadline, st)
			st.elapsed = time.Since(start)
			if err != nil {
				errMu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("%s, %d clients: client %d: %w", name, clients, c, err)
					cancel()
				}
				errMu.Unlock()
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	close(stopSampling)
	if err := <-sampled; err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr != nil {
		return nil, errors.Join(firstErr, srv.failure())
	}
	if err := srv.failure(); err != nil {
		return nil, err
	}
	srvCPU1, err := readCPU(srv.pid)
	if err != nil {
		return nil, err
	}
	benchCPU1, err := readCPU(os.Getpid())
	if err != nil {
		return nil, err
	}
	machineCPU1, err := readMachineBusy()
	if err != nil {
		return nil, err
	}
	res.serverCPU, res.benchCPU, res.machineCPU = srvCPU1-srvCPU0, benchCPU1-benchCPU0, machineCPU1-machineCPU0
	return res, nil
}

// headerSyncBody repeats HeaderSync passes from Genesis until the deadline.
func headerSyncBody(addr string, t *truth) clientBody {
	return func(ctx context.Context, _ int, deadline time.Time, st *clientStat) error {
		for time.Now().Before(deadline) {
			if err := headerPass(ctx, addr, t, deadline, st); err != nil {
				return err
			}
		}
		return nil
	}
}

// headerPass is one HeaderSync session from Genesis to the first Wait (or
// to the deadline), every header checked against the ground truth: the
// contracts in creation order, each in its creation block, and exactly as
// many as were created.
func headerPass(ctx context.Context, addr string, t *truth, deadline time.Time, st *clientStat) error {
	hs, conn, err := runtime.DialMarloweHeaderSync(ctx, addr, client.Options{})
	if err != nil {
		return fmt.Errorf("HeaderSync: %w", err)
	}
	defer conn.Close()
	k := 0
	for {
		if time.Now().After(deadline) {
			return hs.Done(ctx)
		}
		nx, err := hs.RequestNext(ctx)
		if err != nil {
			return fmt.Errorf("HeaderSync: request after %d contracts: %w", k, err)
		}
		switch nx.Kind {
		case headersync.NextNewHeaders:
			if len(nx.Headers) == 0 {
				return fmt.Errorf("HeaderSync: NewHeaders without headers in block %d", nx.Block.Block)
			}
			for _, h := range nx.Headers {
				if k >= len(t.ids) {
					return fmt.Errorf("HeaderSync: more contracts than the %d created", len(t.ids))
				}
				if h.ContractId != t.ids[k] || h.BlockHeader != t.created[k] || nx.Block != t.created[k] {
					return fmt.Errorf("HeaderSync: contract #%d is %s in block %d (message for block %d), want %s in block %d",
						k, idString(h.ContractId), h.BlockHeader.Block, nx.Block.Block, idString(t.ids[k]), t.created[k].Block)
				}
				k++
			}
			st.items += int64(len(nx.Headers))
		case headersync.NextWait:
			if k != len(t.ids) {
				return fmt.Errorf("HeaderSync: Wait after %d contracts, %d were created", k, len(t.ids))
			}
			if err := hs.Cancel(ctx); err != nil {
				return fmt.Errorf("HeaderSync: cancel: %w", err)
			}
			st.passes++
			return hs.Done(ctx)
		default:
			return fmt.Errorf("HeaderSync: %s after %d contracts on a chain that does not change", nx.Kind, k)
		}
	}
}

// bulkSyncBody repeats BulkSync passes from Genesis until the deadline.
func bulkSyncBody(addr string, t *truth, extra uint8) clientBody {
	return func(ctx context.Context, _ int, deadline time.Time, st *clientStat) error {
		for time.Now().Before(deadline) {
			if err := bulkPass(ctx, addr, t, extra, deadline, st); err != nil {
				return err
			}
		}
		return nil
	}
}

// bulkPass is one BulkSync session from Genesis to the first Wait (or to
// the deadline) asking for 1+extra blocks at a time, every block checked
// against the ground truth: the blocks with Marlowe transactions in chain
// order, each with its creations, apply-inputs and withdrawal
// transactions, and the tip.
func bulkPass(ctx context.Context, addr string, t *truth, extra uint8, deadline time.Time, st *clientStat) error {
	bs, conn, err := runtime.DialMarloweBulkSync(ctx, addr, client.Options{})
	if err != nil {
		return fmt.Errorf("BulkSync: %w", err)
	}
	defer conn.Close()
	k := 0
	// The tip BulkSync reports is the newest block with Marlowe activity,
	// as the runtime's Marlowe block table holds only those.
	tip := types.PointAt(t.marlowe[len(t.marlowe)-1].header)
	for {
		if time.Now().After(deadline) {
			return bs.Done(ctx)
		}
		nx, err := bs.RequestNext(ctx, extra)
		if err != nil {
			return fmt.Errorf("BulkSync: request after %d blocks: %w", k, err)
		}
		switch nx.Kind {
		case bulksync.NextRollForward:
			if len(nx.Blocks) == 0 || len(nx.Blocks) > int(extra)+1 {
				return fmt.Errorf("BulkSync: %d blocks for extraBlockCount %d", len(nx.Blocks), extra)
			}
			if nx.Tip != tip {
				return fmt.Errorf("BulkSync: tip at %s, want the newest block with Marlowe activity, %s",
					pointString(nx.Tip), pointString(tip))
			}
			for _, b := range nx.Blocks {
				if k >= len(t.marlowe) {
					return fmt.Errorf("BulkSync: more blocks than the %d with Marlowe transactions", len(t.marlowe))
				}
				want := t.marlowe[k]
				creates := 0
				for _, c := range b.CreateTransactions {
					creates += len(c.NewContracts)
				}
				applies, withdraws := len(b.ApplyInputsTransactions), len(b.WithdrawTransactions)
				if b.BlockHeader != want.header || creates != want.creates || applies != want.applies || withdraws != want.withdraws {
					return fmt.Errorf("BulkSync: block #%d is block %d with %d/%d/%d creations/applies/withdrawals, want block %d with %d/%d/%d",
						k, b.BlockHeader.Block, creates, applies, withdraws, want.header.Block, want.creates, want.applies, want.withdraws)
				}
				st.extra += int64(creates + applies + withdraws)
				k++
			}
			st.items += int64(len(nx.Blocks))
		case bulksync.NextWait:
			if k != len(t.marlowe) {
				return fmt.Errorf("BulkSync: Wait after %d blocks, %d carry Marlowe transactions", k, len(t.marlowe))
			}
			if err := bs.Cancel(ctx); err != nil {
				return fmt.Errorf("BulkSync: cancel: %w", err)
			}
			st.passes++
			return bs.Done(ctx)
		default:
			return fmt.Errorf("BulkSync: %s after %d blocks on a chain that does not change", nx.Kind, k)
		}
	}
}

// marloweSyncBody follows contracts one session each, client c starting
// at its own share of order and going on cyclically until the deadline.
func marloweSyncBody(addr string, t *truth, order []int, clients int) clientBody {
	return func(ctx context.Context, c int, deadline time.Time, st *clientStat) error {
		for i := c * len(order) / clients; time.Now().Before(deadline); i++ {
			if err := followContract(ctx, addr, t, order[i%len(order)], st); err != nil {
				return err
			}
		}
		return nil
	}
}

// followContract is one MarloweSync session: follow contract ids[k] from
// its creation to the first Wait, checking the creation block and the
// number of steps against the ground truth.
func followContract(ctx context.Context, addr string, t *truth, k int, st *clientStat) error {
	ms, conn, err := runtime.DialMarloweSync(ctx, addr, client.Options{})
	if err != nil {
		return fmt.Errorf("MarloweSync: %w", err)
	}
	defer conn.Close()
	id := t.ids[k]
	name := idString(id)
	cr, found, err := ms.FollowContract(ctx, id)
	if err != nil {
		return fmt.Errorf("MarloweSync: follow %s: %w", name, err)
	}
	if !found {
		return fmt.Errorf("MarloweSync: contract %s (created in block %d) not found", name, t.created[k].Block)
	}
	if cr.Block != t.created[k] {
		return fmt.Errorf("MarloweSync: contract %s found in block %d, created in block %d", name, cr.Block.Block, t.created[k].Block)
	}
	steps, last, first := 0, cr.Block.Slot, true
	for {
		nx, err := ms.RequestNext(ctx)
		if err != nil {
			return fmt.Errorf("MarloweSync: %s: request after %d steps: %w", name, steps, err)
		}
		switch nx.Kind {
		case marlowesync.NextRollForward:
			// The first steps may be in the creation block itself.
			if len(nx.Steps) == 0 || nx.Block.Slot < last || (!first && nx.Block.Slot == last) {
				return fmt.Errorf("MarloweSync: %s: %d steps in block %d (slot %d) after slot %d", name, len(nx.Steps), nx.Block.Block, nx.Block.Slot, last)
			}
			steps += len(nx.Steps)
			last, first = nx.Block.Slot, false
		case marlowesync.NextWait:
			if steps != t.steps[k] {
				return fmt.Errorf("MarloweSync: %s: Wait after %d steps, the chain holds %d", name, steps, t.steps[k])
			}
			if err := ms.Cancel(ctx); err != nil {
				return fmt.Errorf("MarloweSync: %s: cancel: %w", name, err)
			}
			st.items++
			st.passes++
			st.extra += int64(steps)
			return ms.Done(ctx)
		default:
			return fmt.Errorf("MarloweSync: %s: %s after %d steps on a chain that does not change", name, nx.Kind, steps)
		}
	}
}

// queryBody pages through the contract listing on one MarloweQuery
// session until the deadline, alternating direction at each end, every
// page checked against the ground truth: the total count, and each header
// at its place in creation order.
func queryBody(addr string, t *truth, page int64) clientBody {
	return func(ctx context.Context, _ int, deadline time.Time, st *clientStat) error {
		return queryPages(ctx, addr, t, page, deadline, false, st)
	}
}

// queryPages is queryBody's loop; once stops after one whole listing.
func queryPages(ctx context.Context, addr string, t *truth, page int64, deadline time.Time, once bool, st *clientStat) error {
	q, conn, err := runtime.DialMarloweQuery(ctx, addr, client.Options{})
	if err != nil {
		return fmt.Errorf("MarloweQuery: %w", err)
	}
	defer conn.Close()
	n := len(t.ids)
	dir := marlowequery.Ascending
	r := marlowequery.Range[types.ContractId]{Limit: page, Direction: dir}
	pos := 0
	for time.Now().Before(deadline) {
		t0 := time.Now()
		p, err := q.ContractHeaders(ctx, marlowequery.ContractFilter{}, r)
		st.lat = append(st.lat, time.Since(t0))
		if err != nil {
			return fmt.Errorf("MarloweQuery: contract headers %s from #%d: %w", dir, pos, err)
		}
		if p == nil {
			return fmt.Errorf("MarloweQuery: no page for the range %s from #%d", dir, pos)
		}
		if p.TotalCount != int64(n) {
			return fmt.Errorf("MarloweQuery: total count %d, %d contracts were created (and HeaderSync delivers them)", p.TotalCount, n)
		}
		if len(p.Items) > int(page) {
			return fmt.Errorf("MarloweQuery: %d headers in a page of %d", len(p.Items), page)
		}
		for _, h := range p.Items {
			if pos >= n {
				return fmt.Errorf("MarloweQuery: more than %d contracts listed %s", n, dir)
			}
			want := t.listing[pos]
			if dir == marlowequery.Descending {
				want = t.listing[n-1-pos]
			}
			if h.ContractId != t.ids[want] || h.BlockHeader != t.created[want] {
				return fmt.Errorf("MarloweQuery: contract #%d listed %s is %s in block %d, want %s in block %d",
					pos, dir, idString(h.ContractId), h.BlockHeader.Block, idString(t.ids[want]), t.created[want].Block)
			}
			pos++
		}
		st.items += int64(len(p.Items))
		if p.NextRange != nil {
			if len(p.Items) == 0 {
				return fmt.Errorf("MarloweQuery: an empty page with a next range (%s from #%d)", dir, pos)
			}
			r = *p.NextRange
			continue
		}
		if pos != n {
			return fmt.Errorf("MarloweQuery: listing %s ended after %d of %d contracts", dir, pos, n)
		}
		st.passes++
		if once {
			break
		}
		dir = 1 - dir
		r, pos = marlowequery.Range[types.ContractId]{Limit: page, Direction: dir}, 0
	}
	return q.Done(ctx)
}

// idString is a contract id as the runtime prints it: the transaction id
// in hex, '#', the output index.
func idString(id types.ContractId) string {
	return hex.EncodeToString([]byte(id.TxId)) + "#" + strconv.Itoa(int(id.TxIx))
}

// pointString is a chain point for messages.
func pointString(p types.ChainPoint) string {
	if !p.At {
		return "Genesis"
	}
	return fmt.Sprintf("block %d (slot %d, hash %x)", p.Header.Block, p.Header.Slot, []byte(p.Header.Hash))
}

// checkStatus asks MarloweQuery for the runtime status: both tips must be
// the history's last block.
func checkStatus(ctx context.Context, addr string, t *truth) error {
	q, conn, err := runtime.DialMarloweQuery(ctx, addr, client.Options{})
	if err != nil {
		return fmt.Errorf("MarloweQuery: %w", err)
	}
	defer conn.Close()
	st, err := q.Status(ctx)
	if err != nil {
		return fmt.Errorf("MarloweQuery: status: %w", err)
	}
	want := types.PointAt(t.tip)
	if st.RuntimeTip != want || st.NodeTip != want || st.RuntimeChainTip != want {
		return fmt.Errorf("MarloweQuery: status tips runtime %s, runtime chain %s, node %s; want all at block %d",
			pointString(st.RuntimeTip), pointString(st.RuntimeChainTip), pointString(st.NodeTip), t.tip.Block)
	}
	return q.Done(ctx)
}
