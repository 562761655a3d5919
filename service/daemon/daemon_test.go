package daemon_test

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/devnet"
	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/daemon"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

const timeout = 60 * time.Second

func logger(t *testing.T) zerolog.Logger {
	if !testing.Verbose() {
		return zerolog.Nop()
	}
	return zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel)
}

func start(t *testing.T, cfg daemon.Config) *daemon.Daemon {
	t.Helper()
	cfg.Logger = logger(t)
	d, err := daemon.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop() })
	return d
}

// waitIndexed waits until the index holds block number n.
func waitIndexed(t *testing.T, d *daemon.Daemon, n uint64) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		tip, ok, err := d.Store().Tip()
		if err != nil {
			t.Fatal(err)
		}
		if ok && tip.Number >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("index at %d (ok=%v), want block %d", tip.Number, ok, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func createdIDs(t *testing.T, c *chaingen.Chain) []types.ContractId {
	t.Helper()
	var out []types.ContractId
	for _, tr := range c.Truth {
		for _, cr := range tr.Created {
			id, err := view.ContractId(cr.ContractID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
	}
	return out
}

// headersUntilWait follows HeaderSync from its position until the first
// Wait and returns the contract ids seen, in order.
func headersUntilWait(t *testing.T, ctx context.Context, c *headersync.Client) []types.ContractId {
	t.Helper()
	var ids []types.ContractId
	for {
		nx, err := c.RequestNext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch nx.Kind {
		case headersync.NextNewHeaders:
			for _, h := range nx.Headers {
				ids = append(ids, h.ContractId)
			}
		case headersync.NextWait:
			return ids
		default:
			t.Fatalf("unexpected %s from genesis", nx.Kind)
		}
	}
}

// TestServeDevnet: the whole system on the devnet — HeaderSync from
// genesis sees exactly the generated contracts; a fork reaches a parked
// client as a rollback; MarloweQuery reports the tips; a restart on the
// same store resumes where it stopped.
func TestServeDevnet(t *testing.T) {
	dir := t.TempDir()
	net := &devnet.Config{Seed: 7, Contracts: 40, Blocks: 500, Interval: -1}
	d := start(t, daemon.Config{Devnet: net, DB: filepath.Join(dir, "db"), Port: 0})
	hist := d.Devnet().History()
	last := hist.Blocks[len(hist.Blocks)-1]
	waitIndexed(t, d, last.Number)

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	hs, closer, err := runtime.DialMarloweHeaderSync(ctx, d.Addr(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	got := headersUntilWait(t, ctx, hs)
	if want := createdIDs(t, hist); !slices.Equal(got, want) || len(want) < 30 {
		t.Fatalf("HeaderSync saw %d contracts, the devnet created %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}

	// Park the client (poll after the wait), then fork the chain from the
	// block of the last creation on: its cursor vanishes.
	lastCreate, prevCreate := -1, -1
	for i, tr := range hist.Truth {
		if len(tr.Created) > 0 {
			prevCreate, lastCreate = lastCreate, i
		}
	}
	polled := make(chan headersync.Next, 1)
	pollErr := make(chan error, 1)
	go func() {
		nx, err := hs.Poll(ctx)
		if err != nil {
			pollErr <- err
			return
		}
		polled <- nx
	}()
	time.Sleep(50 * time.Millisecond) // let the poll reach the server
	branch, err := d.Devnet().ForkHistory(lastCreate, 99)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case nx := <-polled:
		if nx.Kind != headersync.NextRollBackward {
			t.Fatalf("parked client got %s after the fork, want a rollback", nx.Kind)
		}
		// Exactly to the newest block with creations before the fork.
		if !nx.Point.At || uint64(nx.Point.Header.Slot) != hist.Blocks[prevCreate].Point.Slot {
			t.Fatalf("rolled back to %v, want the block of the previous creation (slot %d)", nx.Point, hist.Blocks[prevCreate].Point.Slot)
		}
	case err := <-pollErr:
		t.Fatal(err)
	case <-ctx.Done():
		t.Fatal("no rollback reached the parked client")
	}
	waitIndexed(t, d, branch.Blocks[len(branch.Blocks)-1].Number)
	tip, _, err := d.Store().Tip()
	if err != nil || tip.Point() != branch.Blocks[len(branch.Blocks)-1].Point {
		t.Fatalf("index tip %v after the fork, want the branch's tip (%v)", tip.Point(), err)
	}

	q, qc, err := runtime.DialMarloweQuery(ctx, d.Addr(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer qc.Close()
	st, err := q.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.NetworkId != (types.NetworkId{Testnet: true, Magic: devnet.DefaultMagic}) {
		t.Fatalf("status network %+v, want the devnet's magic", st.NetworkId)
	}
	if !st.RuntimeTip.At || uint64(st.RuntimeTip.Header.Slot) != tip.Slot || !st.NodeTip.At {
		t.Fatalf("status tips: runtime %v node %v, index at slot %d", st.RuntimeTip, st.NodeTip, tip.Slot)
	}

	// Stop and start again on the same store: it resumes from its tip.
	qc.Close()
	closer.Close()
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	d2 := start(t, daemon.Config{Devnet: net, DB: filepath.Join(dir, "db"), Port: 0})
	tip2, ok, err := d2.Store().Tip()
	if err != nil || !ok || tip2.Number < hist.Blocks[len(hist.Blocks)/2].Number {
		t.Fatalf("reopened store at %v (ok=%v, %v)", tip2.Point(), ok, err)
	}
}

// TestNoStartPoint: an empty store needs a start point or --from-origin,
// and the error says so with the registry's publishing transactions.
func TestNoStartPoint(t *testing.T) {
	_, err := daemon.Start(context.Background(), daemon.Config{NodeSocket: filepath.Join(t.TempDir(), "none"), Logger: zerolog.New(io.Discard)})
	if err == nil || !strings.Contains(err.Error(), "--start-point") || !strings.Contains(err.Error(), "--from-origin") {
		t.Fatalf("err %v, want advice on --start-point and --from-origin", err)
	}
}

// TestSlowClientsDoNotHoldBackIndexing: clients that ask and then stop
// reading, on every sync protocol, do not stop the index from following a
// growing chain; a stalled client still gets a correct answer when it reads.
func TestSlowClientsDoNotHoldBackIndexing(t *testing.T) {
	net := &devnet.Config{Seed: 9, Contracts: 20, Blocks: 300, Interval: 5 * time.Millisecond}
	d := start(t, daemon.Config{Devnet: net, Port: 0})
	hist := d.Devnet().History()
	waitIndexed(t, d, hist.Blocks[len(hist.Blocks)-1].Number)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	// Clients ask for a large batch and do not read the answer until the
	// index has moved on.
	var stalled []session.Channel
	for range 20 {
		ch, closer, err := runtime.Dial(ctx, d.Addr(), client.Options{}, handshake.RunMarloweBulkSync)
		if err != nil {
			t.Fatal(err)
		}
		defer closer.Close()
		if err := ch.Send(ctx, bulksync.MsgRequestNext{ExtraBlockCount: 255}); err != nil {
			t.Fatal(err)
		}
		stalled = append(stalled, ch)
	}
	tip0, _, _ := d.Store().Tip()
	// The chain grows by 100 blocks and the index follows while those
	// answers wait in the sockets.
	waitIndexed(t, d, tip0.Number+100)
	for _, ch := range stalled {
		msg, err := ch.Recv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rf, ok := msg.(bulksync.MsgRollForward); !ok || len(rf.Blocks) == 0 {
			t.Fatalf("stalled client got %#v", msg)
		}
	}
}
