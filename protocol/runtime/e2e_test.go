package runtime_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	mq "github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transport"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// TestSubProtocols checks the wiring (§3): every handler is registered
// under its MsgRun byte with the sub-protocol's name and a fresh machine
// in the initial state per session; nil handlers are left out; a server
// with nothing to serve, or a MsgRun byte registered twice, is refused.
func TestSubProtocols(t *testing.T) {
	w := newWorld(t)
	subs := runtime.SubProtocols(w.h)
	if len(subs) != handshake.RunCount {
		t.Fatalf("%d sub-protocols registered, want %d", len(subs), handshake.RunCount)
	}
	wantProtocol := map[byte]string{
		handshake.RunMarloweSync: "MarloweSync", handshake.RunMarloweHeaderSync: "MarloweHeaderSync",
		handshake.RunMarloweQuery: "MarloweQuery", handshake.RunTxJob: "TxJob", handshake.RunMarloweLoad: "MarloweLoad",
		handshake.RunContractQuery: "ContractQuery", handshake.RunMarloweTransfer: "MarloweTransfer",
		handshake.RunMarloweBulkSync: "MarloweBulkSync",
	}
	for i, sp := range subs {
		name, _ := handshake.RunName(sp.Run)
		if sp.Run != byte(i) || sp.Name != name {
			t.Errorf("registration %d: run %#02x name %q", i, sp.Run, sp.Name)
		}
		m1, m2 := sp.NewMachine(), sp.NewMachine()
		if m1 == m2 {
			t.Errorf("%s: NewMachine returned the same machine twice", sp.Name)
		}
		if !strings.Contains(m1.Protocol(), wantProtocol[sp.Run]) {
			t.Errorf("%s: machine of protocol %q", sp.Name, m1.Protocol())
		}
		// Every sub-protocol starts with the client, except MarloweLoad.
		want := session.Client
		if sp.Run == handshake.RunMarloweLoad {
			want = session.Server
		}
		if m1.Agency() != want {
			t.Errorf("%s: initial state %s has agency %s, want %s", sp.Name, m1.State(), m1.Agency(), want)
		}
		dm, err := runtime.NewMachine(sp.Run)
		if err != nil || dm.Protocol() != m1.Protocol() || dm.State() != m1.State() {
			t.Errorf("%s: NewMachine(%#02x) = %v, %v", sp.Name, sp.Run, dm, err)
		}
	}
	if _, err := runtime.NewMachine(handshake.RunCount); err == nil {
		t.Error("NewMachine accepted MsgRun 08")
	}
	only := runtime.SubProtocols(runtime.Handlers{Query: w.query, Transfer: w.h.Transfer})
	if len(only) != 2 || only[0].Run != handshake.RunMarloweQuery || only[1].Run != handshake.RunMarloweTransfer {
		t.Errorf("two handlers gave %d registrations", len(only))
	}
	if _, err := runtime.NewServer(server.Config{}, runtime.Handlers{}); err == nil {
		t.Error("NewServer accepted no handler at all")
	}
	if _, err := runtime.NewServer(server.Config{SubProtocols: only[:1]}, runtime.Handlers{Query: w.query}); err == nil {
		t.Error("NewServer accepted MarloweQuery twice")
	}
}

// TestEndToEnd runs a whole session of each of the eight sub-protocols over
// TCP on 127.0.0.1, every one backed by its in-memory handler.
func TestEndToEnd(t *testing.T) {
	w := newWorld(t)
	addr := startServer(t, w.h, server.Config{})
	for _, s := range sessions() {
		t.Run(s.name, func(t *testing.T) {
			if err := s.run(testCtx(t), addr, w); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestMarloweSyncLive follows a contract while the chain moves (§4.1): a
// step arriving while the client waits is delivered to its poll, a
// rollback is reported as MsgRollBackward, and following an unknown
// contract ends the session with MsgContractNotFound.
func TestMarloweSyncLive(t *testing.T) {
	w := newWorld(t)
	addr := startServer(t, w.h, server.Config{})
	ctx := testCtx(t)
	c, conn, err := runtime.DialMarloweSync(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, found, err := c.FollowContract(ctx, w.ids[1]); err != nil || !found {
		t.Fatalf("follow: %v %v", found, err)
	}
	if n, err := c.RequestNext(ctx); err != nil || n.Kind != marlowesync.NextWait {
		t.Fatalf("contract 1 has no step yet: %v, %v", n.Kind, err)
	}
	b14 := bh(14)
	redeem := types.RedeemStep{Utxo: types.TxOutRef{TxId: "payout", TxIx: 2}, RedeemingTx: "withdraw-14", Datum: types.AssetId{Policy: "p", Name: "role"}}
	if err := w.sync.AddSteps(b14, w.ids[1], redeem); err != nil {
		t.Fatal(err)
	}
	n, err := c.Poll(ctx)
	if err != nil || n.Kind != marlowesync.NextRollForward || n.Block != b14 {
		t.Fatalf("poll after the new block: %v at %v, %v", n.Kind, n.Block, err)
	}
	if err := sameBytes("steps", n.Steps, []types.ContractStep{redeem}, encodeSteps); err != nil {
		t.Fatal(err)
	}
	w.sync.Rollback(types.PointAt(w.b12))
	if n, err := c.RequestNext(ctx); err != nil || n.Kind != marlowesync.NextRollBackward || n.Block != w.b12 {
		t.Fatalf("after the rollback: %v at %v, %v", n.Kind, n.Block, err)
	}
	if err := c.Done(ctx); err != nil {
		t.Fatal(err)
	}

	c, conn2, err := runtime.DialMarloweSync(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	if _, found, err := c.FollowContract(ctx, types.ContractId{TxId: "unknown"}); err != nil || found {
		t.Fatalf("unknown contract: found %v, %v", found, err)
	}
	if err := c.Done(ctx); !errors.Is(err, session.ErrNoAgency) {
		t.Fatalf("Done after MsgContractNotFound: %v, want ErrNoAgency (the session is over)", err)
	}
}

// TestTxJobSubmitLifecycle drives a Submit job across sessions (§4.5):
// MsgAwait Submitting, a poll answered Accepted, MsgDetach; a later session
// attaches by transaction id and gets the block; an unknown job answers
// MsgAttachFailed.
func TestTxJobSubmitLifecycle(t *testing.T) {
	w := newWorld(t)
	addr := startServer(t, w.h, server.Config{})
	ctx := testCtx(t)
	dial := func() *txjob.Client {
		t.Helper()
		c, conn, err := runtime.DialTxJob(ctx, addr, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return c
	}
	c := dial()
	p, err := c.Submit(ctx, txjob.Submit{Era: types.BabbageEraOnwardsConway, Tx: txCBOR()})
	if err != nil || p.Done || p.Status != txjob.Submitting || p.Job.TxId != w.txId {
		t.Fatalf("submit: %+v, %v", p, err)
	}
	if err := w.tx.SetSubmitOutcome(w.txId, job.RunningWith(txjob.Accepted, nil)); err != nil {
		t.Fatal(err)
	}
	if p, err = c.Poll(ctx); err != nil || p.Done || p.Status != txjob.Accepted {
		t.Fatalf("poll: %+v, %v", p, err)
	}
	if err := c.Detach(ctx); err != nil {
		t.Fatal(err)
	}

	block := bh(20)
	if err := w.tx.SetSubmitOutcome(w.txId, job.SucceededWith(block)); err != nil {
		t.Fatal(err)
	}
	p, ok, err := dial().AttachSubmit(ctx, w.txId)
	if err != nil || !ok || !p.Done || p.Err != nil || p.Block != block {
		t.Fatalf("attach: %+v %v, %v", p, ok, err)
	}
	if _, ok, err := dial().AttachSubmit(ctx, "unknown"); err != nil || ok {
		t.Fatalf("attach to an unknown job: %v, %v", ok, err)
	}
	if n := len(w.tx.Commands()); n != 1 {
		t.Fatalf("handler executed %d commands, want the one Submit", n)
	}
}

// TestLoadThenExport loads the escrow reference contract with MarloweLoad
// and exports it with MarloweTransfer from the same store, over two
// connections: the export holds exactly the merkleized root and its
// continuations, root last.
func TestLoadThenExport(t *testing.T) {
	w := newWorld(t)
	addr := startServer(t, w.h, server.Config{})
	ctx := testCtx(t)
	if err := loadSession(ctx, addr, w); err != nil {
		t.Fatal(err)
	}
	c, conn, err := runtime.DialMarloweTransfer(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	b, found, err := c.Export(ctx, w.escrowHash, 3)
	if err != nil || !found {
		t.Fatalf("export: %v %v", found, err)
	}
	if len(b) != 1+len(w.escrowConts) {
		t.Fatalf("exported %d contracts, want the root and %d continuations", len(b), len(w.escrowConts))
	}
	for _, o := range b[:len(b)-1] {
		if _, ok := w.escrowConts[string(o.Label)]; !ok {
			t.Fatalf("exported %s, not a continuation of the root", o.Label)
		}
	}
	if last := b[len(b)-1].Label; string(last) != hex.EncodeToString([]byte(w.escrowHash)) {
		t.Fatalf("export ends with %s, want the root", last)
	}
	if err := c.Done(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(w.store.Hashes()); n != 1+len(w.escrowConts) {
		t.Fatalf("store holds %d contracts", n)
	}
}

// TestNotOffered: a sub-protocol without a handler is refused with a
// failure frame at the client's first message, while the offered ones
// work on the same server.
func TestNotOffered(t *testing.T) {
	w := newWorld(t)
	addr := startServer(t, runtime.Handlers{Query: w.query}, server.Config{})
	ctx := testCtx(t)
	c, conn, err := runtime.DialMarloweSync(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _, err = c.FollowContract(ctx, w.ids[0])
	var pf *transport.PeerFailure
	if !errors.As(err, &pf) || !strings.Contains(pf.Text, "MarloweSync") || !strings.Contains(pf.Text, "not served") {
		t.Fatalf("MarloweSync on a query-only server: %v", err)
	}
	q, qconn, err := runtime.DialMarloweQuery(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer qconn.Close()
	st, err := q.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameBytes("status", st, w.status, mq.EncodeRuntimeStatus); err != nil {
		t.Fatal(err)
	}
	if err := q.Done(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentSessions runs 32 clients at once, each running a whole
// session of every sub-protocol in a different order (256 sessions, eight
// connections per client, all eight sub-protocols in flight together)
// against one server and one world. Run it with -race.
func TestConcurrentSessions(t *testing.T) {
	w := newWorld(t)
	addr := startServer(t, w.h, server.Config{})
	ctx := testCtx(t)
	const clients = 32
	all := sessions()
	errs := concurrently(clients, func(i int) error {
		for j := range all {
			s := all[(i+j)%len(all)]
			if err := s.run(ctx, addr, w); err != nil {
				return fmt.Errorf("client %d, %s: %w", i, s.name, err)
			}
		}
		return nil
	})
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
			if failed <= 5 {
				t.Error(err)
			}
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d clients failed", failed, clients)
	}
	// Every Submit found the same job; every load and import was
	// idempotent.
	if n := len(w.tx.Commands()); n != 2*clients {
		t.Fatalf("TxJob handler executed %d commands, want %d", n, 2*clients)
	}
	if _, ok, _ := w.store.Contract(ctx, object.ContractHash(w.escrowHash)); !ok {
		t.Fatal("escrow root not stored")
	}
}
