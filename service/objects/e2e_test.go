package objects_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime/runtimetest"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/objects"
)

// serve starts a runtime server on 127.0.0.1 with the contract-store
// handlers over objs and returns its address.
func serve(t *testing.T, objs *kv.Objects, opts objects.Options) string {
	t.Helper()
	h, err := objects.New(objs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return runtimetest.Serve(t, runtime.Handlers{Load: h.Load, Transfer: h.Transfer, ContractQuery: h.ContractQuery}, server.Config{})
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// referenceContracts reads the 24 reference contracts of the shared
// conformance material (conformance.md §2).
func referenceContracts(t *testing.T) (names []string, cs []core.Contract) {
	t.Helper()
	dir := shared.Path(t, "marlowe", "reference-paths")
	files, err := filepath.Glob(filepath.Join(dir, "*.contract"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := core.DecodeJSON[core.Contract](src, core.Strict)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		names, cs = append(names, strings.TrimSuffix(filepath.Base(f), ".contract")), append(cs, c)
	}
	if len(cs) != 24 {
		t.Fatalf("%d reference contracts, want 24", len(cs))
	}
	return names, cs
}

func hashSet(hs []types.DatumHash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hex.EncodeToString([]byte(h))
	}
	slices.Sort(out)
	return out
}

// TestReferenceContractsOverTCP loads each of the 24 reference contracts
// with MarloweLoad over TCP into a Badger store, reads it back with
// ContractQuery (the merkleized root, its adjacency and closure, every
// continuation), exports it with MarloweTransfer and imports the export
// into a second Badger store behind a second server: the load answers the
// hash of core.Merkleize's root, and both stores end up with identical
// hashes. The stores are reopened from disk at the end and still answer.
func TestReferenceContractsOverTCP(t *testing.T) {
	ctx := testCtx(t)
	names, cs := referenceContracts(t)
	dir1, dir2 := t.TempDir(), t.TempDir()
	s1, objs1 := openObjects(t, dir1, kv.ObjectOptions{})
	s2, objs2 := openObjects(t, dir2, kv.ObjectOptions{})
	addr1 := serve(t, objs1, objects.Options{LoadBatch: 16, ExportBatch: 5})
	addr2 := serve(t, objs2, objects.Options{})

	q, qc, err := runtime.DialContractQuery(ctx, addr1, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer qc.Close()
	q2, qc2, err := runtime.DialContractQuery(ctx, addr2, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer qc2.Close()

	totalConts := 0
	roots := map[string]types.DatumHash{}
	for i, c := range cs {
		name := names[i]
		root, conts, err := core.Merkleize(c)
		if err != nil {
			t.Fatal(err)
		}
		rh, _ := object.HashContract(root)
		want := types.DatumHash(rh)
		totalConts += len(conts)

		lc, conn, err := runtime.DialMarloweLoad(ctx, addr1, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		h, err := lc.Load(ctx, c)
		conn.Close()
		if err != nil {
			t.Fatalf("%s: load: %v", name, err)
		}
		if h != want {
			t.Fatalf("%s: load answered %x, want the merkleized root's %x", name, h, want)
		}
		roots[name] = h

		cwa, err := q.GetContract(ctx, h)
		if err != nil || cwa == nil {
			t.Fatalf("%s: GetContract: %v %v", name, cwa, err)
		}
		if !sameWire(cwa.Contract, root, types.EncodeContract) || cwa.ContractHash != h {
			t.Fatalf("%s: GetContract returned another contract", name)
		}
		if !slices.Equal(cwa.Adjacency, contractquery.Adjacency(root)) {
			t.Fatalf("%s: adjacency %x, want %x", name, cwa.Adjacency, contractquery.Adjacency(root))
		}
		wantClosure := []string{hex.EncodeToString([]byte(h))}
		for k := range conts {
			wantClosure = append(wantClosure, k)
		}
		slices.Sort(wantClosure)
		if got := hashSet(cwa.Closure); !slices.Equal(got, wantClosure) {
			t.Fatalf("%s: closure of %d hashes, want the root and its %d continuations", name, len(got), len(conts))
		}
		for k, kc := range conts {
			kh, _ := hex.DecodeString(k)
			sub, err := q.GetContract(ctx, types.DatumHash(kh))
			if err != nil || sub == nil || !sameWire(sub.Contract, kc, types.EncodeContract) {
				t.Fatalf("%s: continuation %s: %v %v", name, k, sub, err)
			}
			if !slices.Equal(sub.Adjacency, contractquery.Adjacency(kc)) {
				t.Fatalf("%s: continuation %s: adjacency differs", name, k)
			}
		}

		tc, conn, err := runtime.DialMarloweTransfer(ctx, addr1, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		bundle, found, err := tc.Export(ctx, h, 7)
		if err != nil || !found {
			t.Fatalf("%s: export: %v %v", name, found, err)
		}
		if err := tc.Done(ctx); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		if len(bundle) != len(wantClosure) || string(bundle[len(bundle)-1].Label) != hex.EncodeToString([]byte(h)) {
			t.Fatalf("%s: export of %d objects, want %d ending with the root", name, len(bundle), len(wantClosure))
		}

		tc2, conn2, err := runtime.DialMarloweTransfer(ctx, addr2, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		imported, err := tc2.Import(ctx, bundle)
		if err != nil {
			t.Fatalf("%s: import: %v", name, err)
		}
		// MsgImported has no answer: the server commits as it reads it.
		// An export request in the same session is answered after the
		// commit, and finds the root.
		if found, err := tc2.RequestExport(ctx, h); err != nil || !found {
			t.Fatalf("%s: export from the importing store: %v %v", name, found, err)
		}
		if err := tc2.Cancel(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tc2.Done(ctx); err != nil {
			t.Fatal(err)
		}
		conn2.Close()
		if len(imported) != len(bundle) {
			t.Fatalf("%s: imported %d of %d", name, len(imported), len(bundle))
		}
		for l, ih := range imported {
			if string(l) != hex.EncodeToString([]byte(ih)) {
				t.Fatalf("%s: imported %s under hash %x", name, l, ih)
			}
		}
		cwa2, err := q2.GetContract(ctx, h)
		if err != nil || cwa2 == nil || !sameWire(*cwa2, *cwa, contractquery.EncodeContractWithAdjacency) {
			t.Fatalf("%s: the importing store answers GetContract differently: %v", name, err)
		}
	}

	// MerkleizeInputs over the store: the escrow's first deposit case is
	// merkleized; the store's answer equals the in-memory model's.
	esc := cs[slices.Index(names, "escrow")]
	mem := contractquery.NewMemory()
	escRoot, _, err := mem.AddMerkleized(esc)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkMerkleizeInputs(ctx, q, mem, escRoot); err != nil {
		t.Fatal(err)
	}
	if err := q.Done(ctx); err != nil {
		t.Fatal(err)
	}
	if err := q2.Done(ctx); err != nil {
		t.Fatal(err)
	}

	h1, _ := objs1.Hashes()
	h2, _ := objs2.Hashes()
	if len(h1) == 0 || !slices.Equal(h1, h2) {
		t.Fatalf("stores differ: %d and %d contracts", len(h1), len(h2))
	}
	t.Logf("24 contracts, %d continuations, %d distinct stored contracts in both stores", totalConts, len(h1))

	// Both stores survive a reopen.
	for i, st := range []struct {
		s   *kv.Store
		dir string
	}{{s1, dir1}, {s2, dir2}} {
		if err := st.s.Close(); err != nil {
			t.Fatal(err)
		}
		_, objs := openObjects(t, st.dir, kv.ObjectOptions{})
		got, _ := objs.Hashes()
		if !slices.Equal(got, h1) {
			t.Fatalf("store %d holds %d contracts after reopen, want %d", i+1, len(got), len(h1))
		}
		for name, h := range roots {
			if _, ok, err := objs.Describe([]byte(h)); err != nil || !ok {
				t.Fatalf("store %d: %s incomplete after reopen: %v %v", i+1, name, ok, err)
			}
		}
	}
}

// checkMerkleizeInputs asks for the merkleization of a deposit into
// escrow's first case, over TCP, and compares with the model.
func checkMerkleizeInputs(ctx context.Context, q *contractquery.Client, mem *contractquery.Memory, root core.Contract) error {
	w, ok := root.(core.When)
	if !ok || len(w.Cases) == 0 {
		return errors.New("escrow root is not a When")
	}
	dep, ok := w.Cases[0].Action.(core.Deposit)
	if !ok {
		return errors.New("escrow's first case is not a deposit")
	}
	amount, ok := dep.Amount.(core.Constant)
	if !ok {
		return errors.New("escrow's deposit is not constant")
	}
	st := core.EmptyState(big.NewInt(0))
	in := core.TransactionInput{Interval: core.TimeInterval{From: big.NewInt(0), To: big.NewInt(1000)},
		Inputs: []core.Input{{Content: core.IDeposit{Into: dep.Into, From: dep.From, Token: dep.Token, Amount: amount.N}}}}
	got, err := q.MerkleizeInputs(ctx, root, st, in)
	if err != nil {
		return err
	}
	want, err := mem.Handle(ctx, contractquery.MerkleizeInputs{Contract: root, State: st, Input: in})
	if err != nil {
		return err
	}
	wr := want.(contractquery.MerkleizeInputsResult)
	if wr.Err != nil {
		return wr.Err
	}
	if len(got.Inputs) != 1 || got.Inputs[0].Merkleized != w.Cases[0].Merkleized {
		return errors.New("MerkleizeInputs did not follow the case")
	}
	if !sameWire(got, wr.Input, types.EncodeCoreTransactionInput) {
		return errors.New("MerkleizeInputs answers differ from the model")
	}
	return nil
}

// TestHostileOverTCP: bad hashes are not found; an import naming a missing
// or malformed continuation is refused with ContinuationNotInStore; an
// import beyond the handler's size bound, and loads beyond the store's
// object bound or the Plutus Data depth bound, fail their session; none of
// them leaves anything in the store, and the server keeps serving.
func TestHostileOverTCP(t *testing.T) {
	ctx := testCtx(t)
	_, objs := openObjects(t, "", kv.ObjectOptions{MaxObjectSize: 8192})
	addr := serve(t, objs, objects.Options{MaxContractSize: 5000})

	q, qc, err := runtime.DialContractQuery(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer qc.Close()
	for _, h := range []types.DatumHash{"", "short", types.DatumHash(bytes.Repeat([]byte{1}, 32)), types.DatumHash(bytes.Repeat([]byte{1}, 300))} {
		if r, err := q.GetContract(ctx, h); err != nil || r != nil {
			t.Fatalf("GetContract(%d bytes): %v %v", len(h), r, err)
		}
	}

	importErr := func(b object.ObjectBundle) error {
		t.Helper()
		tc, conn, err := runtime.DialMarloweTransfer(ctx, addr, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if found, err := tc.RequestExport(ctx, "short"); err != nil || found {
			t.Fatalf("export of a malformed hash: %v %v", found, err)
		}
		_, err = tc.Import(ctx, b)
		return err
	}
	for _, h := range []object.ContractHash{object.ContractHash(bytes.Repeat([]byte{2}, 32)), "bad"} {
		b := object.ObjectBundle{{Label: "c", Object: object.When{
			Cases:   []object.Case{{Action: object.Notify{Obs: object.TrueObs{}}, Merkleized: true, Hash: h}},
			Timeout: big.NewInt(1), Continuation: object.Close{}}}}
		var ie *object.ImportError
		if err := importErr(b); !errors.As(err, &ie) || ie.Kind != object.ContinuationNotInStore {
			t.Fatalf("import naming a missing %d-byte continuation: %v", len(h), err)
		}
	}
	// Each level doubles the linked contract: 2^13 leaves.
	blowup := object.ObjectBundle{{Label: "l0", Object: object.Close{}}}
	for i := 1; i <= 13; i++ {
		prev := object.Label(fmt.Sprintf("l%d", i-1))
		blowup = append(blowup, object.LabelledObject{Label: object.Label(fmt.Sprintf("l%d", i)),
			Object: object.If{Obs: object.TrueObs{}, Then: object.ContractRef{Label: prev}, Else: object.ContractRef{Label: prev}}})
	}
	if err := importErr(blowup); err == nil {
		t.Fatal("import beyond the size bound succeeded")
	}

	load := func(c core.Contract) error {
		lc, conn, err := runtime.DialMarloweLoad(ctx, addr, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, err = lc.Load(ctx, c)
		return err
	}
	// A merkleized continuation beyond the object bound: a long Let chain
	// under a case.
	var long core.Contract = core.Close{}
	for i := range 2000 {
		long = core.Let{ID: "v", Value: core.Constant{N: big.NewInt(int64(i))}, Then: long}
	}
	oversized := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: long}},
		Timeout: big.NewInt(1), Continuation: core.Close{}}
	if err := load(oversized); err == nil {
		t.Fatal("load of a contract over the object bound succeeded")
	}
	var deep core.Contract = core.Close{}
	for range core.MaxDataDepth + 10 {
		deep = core.Assert{Obs: core.TrueObs{}, Then: deep}
	}
	if err := load(deep); err == nil {
		t.Fatal("load of a contract beyond the Plutus Data depth succeeded")
	}
	if got, _ := objs.Hashes(); len(got) != 0 {
		t.Fatalf("hostile sessions stored %d contracts", len(got))
	}

	// The server still serves, and a good load right after works.
	good := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}},
		Then: core.Assert{Obs: core.TrueObs{}, Then: core.Close{}}}}, Timeout: big.NewInt(9), Continuation: core.Close{}}
	if err := load(good); err != nil {
		t.Fatal(err)
	}
	if got, _ := objs.Hashes(); len(got) != 2 {
		t.Fatalf("good load stored %d contracts, want the root and its continuation", len(got))
	}
	if err := q.Done(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRunGC: the periodic collector removes what nothing references once
// its lease is over, and stops with its context.
func TestRunGC(t *testing.T) {
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	_, objs := openObjects(t, "", kv.ObjectOptions{Lease: time.Minute, Now: func() time.Time { return clock }})
	h, err := objects.New(objs, objects.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	area, _ := h.Store.NewStagingArea(ctx)
	if _, err := area.Stage(ctx, core.Assert{Obs: core.TrueObs{}, Then: core.Close{}}); err != nil {
		t.Fatal(err)
	}
	if err := area.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// The collector's clock is past the lease from the start.
	clock = clock.Add(time.Hour)
	gctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- objects.RunGC(gctx, objs, 5*time.Millisecond, zerolog.Nop()) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := objs.Hashes()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("RunGC did not collect the expired contract")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := objects.RunGC(ctx, objs, 0, zerolog.Nop()); err == nil {
		t.Fatal("RunGC accepted a zero interval")
	}
}
