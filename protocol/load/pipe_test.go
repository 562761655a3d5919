package load_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/load"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// spyHandler wraps a handler and counts what the driver does with the
// staging area.
type spyHandler struct {
	load.Handler
	mu                                 sync.Mutex
	stages, flushes, commits, discards int
}

type spyArea struct {
	object.StagingArea
	h *spyHandler
}

func (h *spyHandler) BeginLoad(ctx context.Context) (object.StagingArea, error) {
	a, err := h.Handler.BeginLoad(ctx)
	if err != nil {
		return nil, err
	}
	return &spyArea{StagingArea: a, h: h}, nil
}

func (a *spyArea) count(p *int) { a.h.mu.Lock(); *p++; a.h.mu.Unlock() }

func (a *spyArea) Stage(ctx context.Context, c core.Contract) (object.ContractHash, error) {
	a.count(&a.h.stages)
	return a.StagingArea.Stage(ctx, c)
}
func (a *spyArea) Flush(ctx context.Context) error {
	a.count(&a.h.flushes)
	return a.StagingArea.Flush(ctx)
}
func (a *spyArea) Commit(ctx context.Context) error {
	a.count(&a.h.commits)
	return a.StagingArea.Commit(ctx)
}
func (a *spyArea) Discard(ctx context.Context) error {
	a.count(&a.h.discards)
	return a.StagingArea.Discard(ctx)
}

// runSession runs Serve against the client function over a Pipe and
// returns both results. The pipe is closed when either side fails, so the
// other side, blocked on it, fails too instead of hanging. (It is not
// closed on success: a PipeEnd's Recv may prefer a closed pipe over a
// message still buffered in it.)
func runSession(t *testing.T, h load.Handler, serverMachine *load.Machine, client func(ctx context.Context, ch session.Channel) error) (serverErr, clientErr error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ce, se := session.Pipe(load.NewMachine(), serverMachine)
	done := make(chan error, 1)
	go func() {
		err := load.Serve(ctx, se, h)
		if err != nil {
			se.Close()
		}
		done <- err
	}()
	clientErr = client(ctx, ce)
	if clientErr != nil {
		// Give a server that was told (MsgAbort) time to finish before
		// unblocking one that was not.
		select {
		case serverErr = <-done:
			return serverErr, clientErr
		case <-time.After(2 * time.Second):
			ce.Close()
		}
	}
	return <-done, clientErr
}

func loadContract(t *testing.T, h load.Handler, c core.Contract) (types.DatumHash, error, error) {
	t.Helper()
	var hash types.DatumHash
	serr, cerr := runSession(t, h, load.NewMachine(), func(ctx context.Context, ch session.Channel) error {
		var err error
		hash, err = load.NewClient(ch).Load(ctx, c)
		return err
	})
	return hash, serr, cerr
}

func encodeContract(t testing.TB, c core.Contract) []byte {
	t.Helper()
	b, err := binary.Encode(c, types.EncodeContract)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countPushes is the number of push messages a contract takes (one per
// node and per case).
func countPushes(c core.Contract) int {
	switch x := c.(type) {
	case core.Pay:
		return 1 + countPushes(x.Then)
	case core.If:
		return 1 + countPushes(x.Then) + countPushes(x.Else)
	case core.When:
		n := 1 + countPushes(x.Continuation)
		for _, cs := range x.Cases {
			n += 1 + countPushes(cs.Then)
		}
		return n
	case core.Let:
		return 1 + countPushes(x.Then)
	case core.Assert:
		return 1 + countPushes(x.Then)
	}
	return 1
}

// checkStored verifies the store holds exactly the merkleized root (unless
// it is Close) and its continuations, each under its real hash.
func checkStored(t *testing.T, store *object.MemoryStore, c core.Contract, hash types.DatumHash) {
	t.Helper()
	root, conts, err := core.Merkleize(c)
	if err != nil {
		t.Fatal(err)
	}
	want, err := object.HashContract(root)
	if err != nil {
		t.Fatal(err)
	}
	if object.ContractHash(hash) != want {
		t.Fatalf("MsgComplete hash %x, want hash of merkleized root %x", hash, want)
	}
	wantHashes := []object.ContractHash{}
	for k := range conts {
		b, _ := hex.DecodeString(k)
		wantHashes = append(wantHashes, object.ContractHash(b))
	}
	if _, isClose := root.(core.Close); !isClose {
		wantHashes = append(wantHashes, want)
	}
	slices.Sort(wantHashes)
	wantHashes = slices.Compact(wantHashes)
	if got := store.Hashes(); !slices.Equal(got, wantHashes) {
		t.Fatalf("store holds %d contracts, want %d", len(got), len(wantHashes))
	}
	for _, h := range wantHashes {
		got, _, _ := store.Contract(context.Background(), h)
		var exp core.Contract = root
		if h != want {
			exp = conts[hex.EncodeToString([]byte(h))]
		}
		if !bytes.Equal(encodeContract(t, got), encodeContract(t, exp)) {
			t.Fatalf("stored %x differs from the merkleized continuation", h)
		}
	}
}

// TestLoadReferenceContracts loads the 24 upstream reference contracts
// over a Pipe with several batch sizes (§4.6): the returned hash is the
// real datum hash of the merkleized root, the store holds exactly the
// merkleized root and continuations, the staging area is flushed at every
// batch boundary and committed once. (TestLoadUpstreamMerkleHashes checks
// the hashes against independently computed upstream ones.)
func TestLoadReferenceContracts(t *testing.T) {
	dir := shared.Path(t, "marlowe", "reference-paths")
	files, _ := filepath.Glob(filepath.Join(dir, "*.contract"))
	sort.Strings(files)
	if len(files) != 24 {
		t.Fatalf("%d reference contracts, want 24", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := core.DecodeJSON[core.Contract](src, core.Strict)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		pushes := countPushes(c)
		for _, batch := range []int{1, 3, 64} {
			t.Run(fmt.Sprintf("%s/batch%d", filepath.Base(f), batch), func(t *testing.T) {
				mem := load.NewMemoryHandler(batch)
				spy := &spyHandler{Handler: mem}
				hash, serr, cerr := loadContract(t, spy, c)
				if serr != nil || cerr != nil {
					t.Fatalf("server %v, client %v", serr, cerr)
				}
				checkStored(t, mem.Store.(*object.MemoryStore), c, hash)
				resumes := (pushes - 1) / batch
				if spy.flushes != resumes+1 || spy.commits != 1 || spy.discards != 0 {
					t.Fatalf("%d pushes in batches of %d: flushes %d (want %d), commits %d, discards %d",
						pushes, batch, spy.flushes, resumes+1, spy.commits, spy.discards)
				}
			})
		}
	}
}

// demerkleize inlines every merkleized case from conts.
func demerkleize(t *testing.T, c core.Contract, conts map[string]core.Contract) core.Contract {
	switch x := c.(type) {
	case core.Pay:
		x.Then = demerkleize(t, x.Then, conts)
		return x
	case core.If:
		x.Then, x.Else = demerkleize(t, x.Then, conts), demerkleize(t, x.Else, conts)
		return x
	case core.Let:
		x.Then = demerkleize(t, x.Then, conts)
		return x
	case core.Assert:
		x.Then = demerkleize(t, x.Then, conts)
		return x
	case core.When:
		cases := make([]core.Case, len(x.Cases))
		for i, cs := range x.Cases {
			k := cs.Then
			if cs.Merkleized {
				var ok bool
				if k, ok = conts[hex.EncodeToString(cs.Hash)]; !ok {
					t.Fatalf("missing continuation %x", cs.Hash)
				}
			}
			cases[i] = core.Case{Action: cs.Action, Then: demerkleize(t, k, conts)}
		}
		x.Cases, x.Continuation = cases, demerkleize(t, x.Continuation, conts)
		return x
	}
	return c
}

// TestLoadUpstreamMerkleHashes loads the unmerkleized form of the
// marlowe-cli simple-1 example; the server must stage its continuations
// under exactly the upstream hashes and answer the hash of the upstream
// merkleized root.
func TestLoadUpstreamMerkleHashes(t *testing.T) {
	raw, err := os.ReadFile(shared.Path(t, "marlowe", "merkle", "simple-1-continuations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Contract      json.RawMessage
		Continuations []struct {
			Hash     string
			Contract json.RawMessage
		}
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	root, err := core.DecodeJSON[core.Contract](v.Contract, core.Strict)
	if err != nil {
		t.Fatal(err)
	}
	conts := map[string]core.Contract{}
	var want []object.ContractHash
	for _, c := range v.Continuations {
		k, err := core.DecodeJSON[core.Contract](c.Contract, core.Strict)
		if err != nil {
			t.Fatal(err)
		}
		conts[c.Hash] = k
		b, _ := hex.DecodeString(c.Hash)
		want = append(want, object.ContractHash(b))
	}
	rootHash, err := object.HashContract(root)
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, rootHash)
	slices.Sort(want)
	mem := load.NewMemoryHandler(2)
	hash, serr, cerr := loadContract(t, mem, demerkleize(t, root, conts))
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	if object.ContractHash(hash) != rootHash {
		t.Fatalf("hash %x, want %x", hash, rootHash)
	}
	if got := mem.Store.(*object.MemoryStore).Hashes(); !slices.Equal(got, want) {
		t.Fatalf("stored %x, want %x", got, want)
	}
}

// TestLoadClose: a Close root is hashed but not stored (Haskell closeHash).
func TestLoadClose(t *testing.T) {
	mem := load.NewMemoryHandler(1)
	hash, serr, cerr := loadContract(t, mem, core.Close{})
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	want, _ := core.ContractHash(core.Close{})
	if !bytes.Equal([]byte(hash), want[:]) {
		t.Fatalf("hash %x, want %x", hash, want)
	}
	if n := len(mem.Store.(*object.MemoryStore).Hashes()); n != 0 {
		t.Fatalf("store holds %d contracts", n)
	}
}

// TestLoadAbort: MsgAbort ends the session cleanly and nothing is stored.
func TestLoadAbort(t *testing.T) {
	mem := load.NewMemoryHandler(4)
	spy := &spyHandler{Handler: mem}
	serr, cerr := runSession(t, spy, load.NewMachine(), func(ctx context.Context, ch session.Channel) error {
		if _, err := ch.Recv(ctx); err != nil {
			return err
		}
		for _, m := range []session.Message{
			load.MsgPushWhen{Timeout: big.NewInt(5)},
			load.MsgPushCase{Action: core.Notify{Obs: core.TrueObs{}}},
			load.MsgPushAssert{Obs: core.TrueObs{}},
			load.MsgPushClose{}, // stages the case continuation
			load.MsgAbort{},
		} {
			if err := ch.Send(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	if spy.stages != 1 || spy.discards != 1 || spy.commits != 0 {
		t.Fatalf("stages %d discards %d commits %d", spy.stages, spy.discards, spy.commits)
	}
	if n := len(mem.Store.(*object.MemoryStore).Hashes()); n != 0 {
		t.Fatalf("store holds %d contracts after abort", n)
	}
}

// TestLoadMerkleizedCaseAborts: the protocol cannot carry a merkleized
// case; the client aborts and the server stores nothing.
func TestLoadMerkleizedCaseAborts(t *testing.T) {
	mem := load.NewMemoryHandler(8)
	c := core.Let{ID: "x", Value: core.TimeIntervalStart{}, Then: core.When{
		Cases:        []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: make([]byte, 32)}},
		Timeout:      big.NewInt(1),
		Continuation: core.Close{},
	}}
	_, serr, cerr := loadContract(t, mem, c)
	if serr != nil || !errors.Is(cerr, load.ErrMerkleized) {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	if n := len(mem.Store.(*object.MemoryStore).Hashes()); n != 0 {
		t.Fatalf("store holds %d contracts", n)
	}
}

// TestLoadDeepContract streams a contract nested 3000 levels (When chains
// through cases, Let chains) in batches of 100.
func TestLoadDeepContract(t *testing.T) {
	var c core.Contract = core.Close{}
	for i := 0; i < 1000; i++ {
		c = core.When{
			Cases:        []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Let{ID: "i", Value: core.Constant{N: big.NewInt(int64(i))}, Then: c}}},
			Timeout:      big.NewInt(int64(1000 + i)),
			Continuation: core.Close{},
		}
	}
	mem := load.NewMemoryHandler(100)
	hash, serr, cerr := loadContract(t, mem, c)
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	checkStored(t, mem.Store.(*object.MemoryStore), c, hash)
}

// TestLoadDepthBoundFailsSession: a server whose machine has a small depth
// bound refuses the push that exceeds it; Serve returns the protocol error
// and discards the staging area.
func TestLoadDepthBoundFailsSession(t *testing.T) {
	var c core.Contract = core.Close{}
	for i := 0; i < 20; i++ {
		c = core.Assert{Obs: core.TrueObs{}, Then: c}
	}
	sm := load.NewMachine()
	sm.SetMaxDepth(10)
	spy := &spyHandler{Handler: load.NewMemoryHandler(50)}
	serr, cerr := runSession(t, spy, sm, func(ctx context.Context, ch session.Channel) error {
		_, err := load.NewClient(ch).Load(ctx, c)
		return err
	})
	if !errors.Is(serr, load.ErrTooDeep) {
		t.Fatalf("server error %v, want ErrTooDeep", serr)
	}
	if cerr == nil {
		t.Fatal("client finished a load the server refused")
	}
	if spy.discards != 1 || spy.commits != 0 {
		t.Fatalf("discards %d commits %d", spy.discards, spy.commits)
	}
}

// TestLoadBadHandler: a handler with no batch size fails cleanly.
func TestLoadBadHandler(t *testing.T) {
	serr, _ := runSession(t, load.NewMemoryHandler(0), load.NewMachine(), func(ctx context.Context, ch session.Channel) error {
		_, err := ch.Recv(ctx)
		return err
	})
	if serr == nil || !strings.Contains(serr.Error(), "batch size") {
		t.Fatalf("server error %v", serr)
	}
}

// TestLoadUnpushableAborts: a contract with a hole (nil continuation, a
// value with no wire form) is aborted mid-walk; the server ends cleanly
// and stores nothing.
func TestLoadUnpushableAborts(t *testing.T) {
	for name, c := range map[string]core.Contract{
		"nil continuation": core.If{Obs: core.TrueObs{}, Then: core.Close{}},
		"nil amount":       core.Assert{Obs: core.TrueObs{}, Then: core.Pay{From: core.RolePartyOf("a"), To: core.Payee{Party: core.RolePartyOf("b")}, Then: core.Close{}}},
		"template timeout": core.When{TimeoutParam: "t", Continuation: core.Close{}},
		"nil root":         nil,
	} {
		t.Run(name, func(t *testing.T) {
			spy := &spyHandler{Handler: load.NewMemoryHandler(2)}
			_, serr, cerr := loadContract(t, spy, c)
			if serr != nil || cerr == nil {
				t.Fatalf("server %v, client %v", serr, cerr)
			}
			if spy.discards != 1 || spy.commits != 0 {
				t.Fatalf("discards %d commits %d", spy.discards, spy.commits)
			}
		})
	}
}
