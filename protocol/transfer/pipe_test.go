package transfer_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/load"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transfer"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// runSession runs Serve against client over a Pipe. The pipe is closed
// only when a side fails (see the load tests for why).
func runSession(t *testing.T, h transfer.Handler, client func(ctx context.Context, cl *transfer.Client, ch session.Channel) error) (serverErr, clientErr error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ce, se := session.Pipe(transfer.NewMachine(), transfer.NewMachine())
	done := make(chan error, 1)
	go func() {
		err := transfer.Serve(ctx, se, h)
		if err != nil {
			se.Close()
		}
		done <- err
	}()
	clientErr = client(ctx, transfer.NewClient(ce), ce)
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

func mustHash(t testing.TB, c core.Contract) object.ContractHash {
	t.Helper()
	h, err := object.HashContract(c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func coreBytes(t testing.TB, c core.Contract) []byte {
	t.Helper()
	b, err := binary.Encode(c, types.EncodeContract)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	one     = big.NewInt(1)
	alice   = object.Role{Name: "alice"}
	notify  = object.Notify{Obs: object.TrueObs{}}
	deposit = object.Deposit{Into: object.PartyRef{Label: "alice"}, From: object.PartyRef{Label: "alice"},
		Token: object.TokenRef{Label: "ada"}, Amount: object.ValueRef{Label: "price"}}
)

// testBundles is a two-bundle import: shared objects, then two contracts,
// the second referring to the first.
func testBundles() []object.ObjectBundle {
	return []object.ObjectBundle{
		{
			{Label: "alice", Object: alice},
			{Label: "ada", Object: object.Asset{}},
			{Label: "price", Object: object.MulValue{L: object.Constant{N: big.NewInt(1000)}, R: object.Constant{N: big.NewInt(1_000_000)}}},
		},
		{
			{Label: "deal", Object: object.When{
				Cases: []object.Case{{Action: deposit, Then: object.Pay{
					From: object.PartyRef{Label: "alice"}, To: object.Payee{Kind: object.PayeeParty, Party: object.Role{Name: "bob"}},
					Token: object.TokenRef{Label: "ada"}, Amount: object.ValueRef{Label: "price"},
					Then: object.When{Cases: []object.Case{{Action: notify, Then: object.Close{}}}, Timeout: big.NewInt(2000), Continuation: object.Close{}},
				}}},
				Timeout:      big.NewInt(1000),
				Continuation: object.Close{},
			}},
			{Label: "other", Object: object.When{
				Cases:        []object.Case{{Action: notify, Then: object.ContractRef{Label: "deal"}}, {Action: object.Notify{Obs: object.FalseObs{}}, Then: object.Close{}}},
				Timeout:      big.NewInt(500),
				Continuation: object.Assert{Obs: object.TrueObs{}, Then: object.ContractRef{Label: "deal"}},
			}},
		},
	}
}

// linkedContracts links the bundles and returns the core contracts.
func linkedContracts(t *testing.T, bundles []object.ObjectBundle) map[object.Label]core.Contract {
	table := object.SymbolTable{}
	out := map[object.Label]core.Contract{}
	for _, b := range bundles {
		if err := table.LinkBundle(b, nil); err != nil {
			t.Fatal(err)
		}
		for _, o := range b {
			if c, ok := table[o.Label].Term.(core.Contract); ok {
				out[o.Label] = c
			}
		}
	}
	return out
}

// TestImportExportRoundTrip imports two bundles (§4.8 import), checks the
// answered hashes against core.Merkleize, that nothing is visible before
// MsgImported, exports the second contract in batches of 1 and of 100
// (dependencies first, hex labels) and re-imports the export into a fresh
// store, which must reproduce the same hashes.
func TestImportExportRoundTrip(t *testing.T) {
	bundles := testBundles()
	linked := linkedContracts(t, bundles)
	wantRoot := map[object.Label]object.ContractHash{}
	wantStore := []object.ContractHash{}
	for l, c := range linked {
		root, conts, err := core.Merkleize(c)
		if err != nil {
			t.Fatal(err)
		}
		wantRoot[l] = mustHash(t, root)
		wantStore = append(wantStore, wantRoot[l])
		for k := range conts {
			b, _ := hex.DecodeString(k)
			wantStore = append(wantStore, object.ContractHash(b))
		}
	}
	slices.Sort(wantStore)
	wantStore = slices.Compact(wantStore)

	h := transfer.NewMemoryHandler(nil)
	store := h.Store.(*object.MemoryStore)
	var exported [2]object.ObjectBundle
	serr, cerr := runSession(t, h, func(ctx context.Context, cl *transfer.Client, _ session.Channel) error {
		if err := cl.StartImport(ctx); err != nil {
			return err
		}
		hs, err := cl.Upload(ctx, bundles[0])
		if err != nil || len(hs) != 0 {
			t.Fatalf("bundle 0: %v %v (no contracts, so no hashes)", hs, err)
		}
		hs, err = cl.Upload(ctx, bundles[1])
		if err != nil {
			return err
		}
		if len(hs) != 2 || object.ContractHash(hs["deal"]) != wantRoot["deal"] || object.ContractHash(hs["other"]) != wantRoot["other"] {
			t.Fatalf("MsgUploaded %x, want %x", hs, wantRoot)
		}
		if n := len(store.Hashes()); n != 0 {
			t.Fatalf("%d contracts visible before MsgImported", n)
		}
		if err := cl.Imported(ctx); err != nil {
			return err
		}
		for i, batch := range []uint64{1, 100} {
			b, found, err := cl.Export(ctx, hs["other"], batch)
			if err != nil || !found {
				t.Fatalf("export: %v %v", found, err)
			}
			exported[i] = b
		}
		return cl.Done(ctx)
	})
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	if got := store.Hashes(); !slices.Equal(got, wantStore) {
		t.Fatalf("store holds %x, want %x", got, wantStore)
	}
	for i, b := range exported {
		enc0, _ := binary.Encode(exported[0], object.EncodeObjectBundle)
		enc, _ := binary.Encode(b, object.EncodeObjectBundle)
		if !bytes.Equal(enc, enc0) {
			t.Fatalf("export %d differs with the batch size", i)
		}
	}
	checkExportOrder(t, exported[0])
	// The closure of "other" is everything imported (it refers to "deal").
	if len(exported[0]) != len(wantStore) {
		t.Fatalf("exported %d contracts, want %d", len(exported[0]), len(wantStore))
	}
	if last := exported[0][len(exported[0])-1].Label; last != object.Label(hex.EncodeToString([]byte(wantRoot["other"]))) {
		t.Fatalf("last exported %s, want the root", last)
	}

	// Re-import into a fresh store: every exported contract hashes to its
	// label, so the same set is rebuilt.
	h2 := transfer.NewMemoryHandler(nil)
	serr, cerr = runSession(t, h2, func(ctx context.Context, cl *transfer.Client, _ session.Channel) error {
		hs, err := cl.Import(ctx, exported[0])
		if err != nil {
			return err
		}
		for l, hash := range hs {
			if string(l) != hex.EncodeToString([]byte(hash)) {
				t.Errorf("re-imported %s hashes to %x", l, hash)
			}
		}
		return cl.Done(ctx)
	})
	if serr != nil || cerr != nil {
		t.Fatalf("re-import: server %v, client %v", serr, cerr)
	}
	if got := h2.Store.(*object.MemoryStore).Hashes(); !slices.Equal(got, wantStore) {
		t.Fatalf("re-imported store holds %x, want %x", got, wantStore)
	}
}

// checkExportOrder: labels are the hex of each contract's hash, and every
// merkleized case refers to a contract exported earlier.
func checkExportOrder(t *testing.T, b object.ObjectBundle) {
	t.Helper()
	seen := map[object.ContractHash]bool{}
	for i, o := range b {
		c, ok := o.Object.(object.Contract)
		if !ok {
			t.Fatalf("exported object %d is a %T", i, o.Object)
		}
		linked, err := object.SymbolTable{}.LinkContract(c)
		if err != nil {
			t.Fatal(err)
		}
		h := mustHash(t, linked)
		if string(o.Label) != hex.EncodeToString([]byte(h)) {
			t.Fatalf("object %d labelled %s, hash %x", i, o.Label, h)
		}
		for _, dep := range object.Adjacency(linked) {
			if !seen[dep] {
				t.Fatalf("object %d refers to %x before it is exported", i, dep)
			}
		}
		seen[h] = true
	}
}

// TestImportErrors: refused bundles answer MsgUploadFailed with the
// Haskell ImportError, end the import without storing anything, and leave
// the session usable.
func TestImportErrors(t *testing.T) {
	missing := object.ContractHash(bytes.Repeat([]byte{7}, 32))
	for _, tc := range []struct {
		name    string
		bundles []object.ObjectBundle
		want    object.ImportError
	}{
		{"unknown symbol", []object.ObjectBundle{{{Label: "c", Object: object.ContractRef{Label: "x"}}}},
			object.ImportError{Kind: object.ImportLinkError, Link: object.LinkError{Kind: object.UnknownSymbol, Label: "x"}}},
		{"duplicate label across bundles", []object.ObjectBundle{{{Label: "a", Object: alice}}, {{Label: "a", Object: object.Close{}}}},
			object.ImportError{Kind: object.ImportLinkError, Link: object.LinkError{Kind: object.DuplicateLabel, Label: "a"}}},
		{"type mismatch", []object.ObjectBundle{{{Label: "a", Object: alice}, {Label: "c", Object: object.ContractRef{Label: "a"}}}},
			object.ImportError{Kind: object.ImportLinkError, Link: object.LinkError{Kind: object.TypeMismatch, Expected: object.ContractType, Actual: object.PartyType}}},
		{"continuation not in store", []object.ObjectBundle{{{Label: "c", Object: object.When{
			Cases: []object.Case{{Action: notify, Merkleized: true, Hash: missing}}, Timeout: one, Continuation: object.Close{}}}}},
			object.ImportError{Kind: object.ContinuationNotInStore, Hash: missing}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := transfer.NewMemoryHandler(nil)
			serr, cerr := runSession(t, h, func(ctx context.Context, cl *transfer.Client, _ session.Channel) error {
				if err := cl.StartImport(ctx); err != nil {
					return err
				}
				var err error
				for _, b := range tc.bundles {
					if _, err = cl.Upload(ctx, b); err != nil {
						break
					}
				}
				var ie *object.ImportError
				if !errors.As(err, &ie) || *ie != tc.want {
					t.Fatalf("upload error %v, want %+v", err, tc.want)
				}
				// Back in StIdle: a fresh import works.
				if _, err := cl.Import(ctx, object.ObjectBundle{{Label: "ok", Object: object.Close{}}}); err != nil {
					return err
				}
				return cl.Done(ctx)
			})
			if serr != nil || cerr != nil {
				t.Fatalf("server %v, client %v", serr, cerr)
			}
			// Only the Close of the second import is stored.
			if got := h.Store.(*object.MemoryStore).Hashes(); len(got) != 1 || got[0] != mustHash(t, core.Close{}) {
				t.Fatalf("store holds %x", got)
			}
		})
	}
}

// TestImportMerkleizedCaseResolvesToStaged: a merkleized case may name a
// contract staged earlier in the same import, or one already stored.
func TestImportMerkleizedCaseResolvesToStaged(t *testing.T) {
	k := core.Assert{Obs: core.FalseObs{}, Then: core.Close{}}
	stored := core.Let{ID: "v", Value: core.TimeIntervalEnd{}, Then: core.Close{}}
	mem := object.NewMemoryStore()
	storedHash, _ := mem.Put(stored)
	h := transfer.NewMemoryHandler(mem)
	kHash := mustHash(t, k)
	serr, cerr := runSession(t, h, func(ctx context.Context, cl *transfer.Client, _ session.Channel) error {
		_, err := cl.Import(ctx,
			object.ObjectBundle{{Label: "k", Object: object.Assert{Obs: object.FalseObs{}, Then: object.Close{}}}},
			object.ObjectBundle{{Label: "w", Object: object.When{Cases: []object.Case{
				{Action: notify, Merkleized: true, Hash: kHash},
				{Action: object.Notify{Obs: object.FalseObs{}}, Merkleized: true, Hash: storedHash},
			}, Timeout: one, Continuation: object.Close{}}}})
		if err != nil {
			return err
		}
		return cl.Done(ctx)
	})
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	if n := len(mem.Hashes()); n != 3 {
		t.Fatalf("store holds %d contracts, want 3", n)
	}
}

// TestExportEdges: not found (missing root, missing dependency), MsgDownload
// 0 ends the export at once (Haskell splitAt 0), a count beyond 64 bits
// takes everything, MaxBatch caps batches, and MsgCancel returns to StIdle.
func TestExportEdges(t *testing.T) {
	mem := object.NewMemoryStore()
	leaf, _ := mem.Put(core.Assert{Obs: core.TrueObs{}, Then: core.Close{}})
	mid, _ := mem.Put(core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: []byte(leaf)}}, Timeout: one, Continuation: core.Close{}})
	root, _ := mem.Put(core.If{Obs: core.TrueObs{},
		Then: core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: []byte(mid)}}, Timeout: one, Continuation: core.Close{}},
		Else: core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.FalseObs{}}, Merkleized: true, Hash: []byte(leaf)}}, Timeout: one, Continuation: core.Close{}}})
	dangling, _ := mem.Put(core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: []byte("nope")}}, Timeout: one, Continuation: core.Close{}})
	h := transfer.NewMemoryHandler(mem)
	h.MaxBatch = 2
	serr, cerr := runSession(t, h, func(ctx context.Context, cl *transfer.Client, ch session.Channel) error {
		for _, hash := range []object.ContractHash{"unknown", dangling} {
			if found, err := cl.RequestExport(ctx, types.DatumHash(hash)); err != nil || found {
				t.Fatalf("export %x: found %v, %v", hash, found, err)
			}
		}
		if found, err := cl.RequestExport(ctx, types.DatumHash(root)); err != nil || !found {
			t.Fatalf("export root: %v %v", found, err)
		}
		if b, more, err := cl.Download(ctx, 0); err != nil || more || len(b) != 0 {
			t.Fatalf("download 0: %v %v %v", b, more, err)
		}
		if found, err := cl.RequestExport(ctx, types.DatumHash(root)); err != nil || !found {
			t.Fatal(err)
		}
		// 2^70 contracts asked, MaxBatch 2 given, in dependency order.
		if err := ch.Send(ctx, transfer.MsgDownload{N: new(big.Int).Lsh(one, 70)}); err != nil {
			return err
		}
		msg, err := ch.Recv(ctx)
		if err != nil {
			return err
		}
		b := msg.(transfer.MsgDownloaded).Bundle
		want := []object.Label{object.Label(hex.EncodeToString([]byte(leaf))), object.Label(hex.EncodeToString([]byte(mid)))}
		if len(b) != 2 || b[0].Label != want[0] || b[1].Label != want[1] {
			t.Fatalf("first batch %v, want %v", b, want)
		}
		b, more, err := cl.Download(ctx, 5)
		if err != nil || !more || len(b) != 1 || b[0].Label != object.Label(hex.EncodeToString([]byte(root))) {
			t.Fatalf("second batch %v %v %v", b, more, err)
		}
		if _, more, err := cl.Download(ctx, 5); err != nil || more {
			t.Fatalf("after the last batch: more %v, %v", more, err)
		}
		if found, err := cl.RequestExport(ctx, types.DatumHash(root)); err != nil || !found {
			t.Fatal(err)
		}
		if err := cl.Cancel(ctx); err != nil {
			return err
		}
		return cl.Done(ctx)
	})
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
}

// TestImportSizeBound: references can make a tiny bundle denote an
// exponentially large contract; the server refuses it (a server failure,
// not an ImportError) instead of walking it, and stores nothing.
func TestImportSizeBound(t *testing.T) {
	b := object.ObjectBundle{{Label: "c0", Object: object.Close{}}}
	for i := 1; i <= 64; i++ {
		prev := object.ContractRef{Label: b[i-1].Label}
		b = append(b, object.LabelledObject{Label: object.Label("c" + strings.Repeat("x", i)), Object: object.If{Obs: object.TrueObs{}, Then: prev, Else: prev}})
	}
	h := transfer.NewMemoryHandler(nil)
	start := time.Now()
	serr, cerr := runSession(t, h, func(ctx context.Context, cl *transfer.Client, _ session.Channel) error {
		_, err := cl.Import(ctx, b)
		return err
	})
	if !errors.Is(serr, transfer.ErrContractTooLarge) || cerr == nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("refusal took %v", time.Since(start))
	}
	if n := len(h.Store.(*object.MemoryStore).Hashes()); n != 0 {
		t.Fatalf("store holds %d contracts", n)
	}
	// The depth bound applies as well.
	h.MaxContractDepth = 5
	var deep object.Contract = object.Close{}
	for range 10 {
		deep = object.Assert{Obs: object.TrueObs{}, Then: deep}
	}
	serr, _ = runSession(t, h, func(ctx context.Context, cl *transfer.Client, _ session.Channel) error {
		if _, err := cl.Import(ctx, object.ObjectBundle{{Label: "d", Object: deep}}); err != nil {
			return err
		}
		return cl.Done(ctx)
	})
	if !errors.Is(serr, transfer.ErrContractTooLarge) {
		t.Fatalf("depth bound: %v", serr)
	}
}

// TestLoadThenExport: a contract uploaded with MarloweLoad into a store is
// exported by MarloweTransfer from the same store, and the export
// re-imports to the same root hash.
func TestLoadThenExport(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(shared.Path(t, "marlowe", "reference-paths"), "escrow.contract"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.DecodeJSON[core.Contract](src, core.Strict)
	if err != nil {
		t.Fatal(err)
	}
	mem := object.NewMemoryStore()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ce, se := session.Pipe(load.NewMachine(), load.NewMachine())
	done := make(chan error, 1)
	go func() { done <- load.Serve(ctx, se, &load.StoreHandler{Store: mem, Batch: 5}) }()
	root, err := load.NewClient(ce).Load(ctx, c)
	if err != nil || <-done != nil {
		t.Fatalf("load: %v", err)
	}

	var exported object.ObjectBundle
	serr, cerr := runSession(t, transfer.NewMemoryHandler(mem), func(ctx context.Context, cl *transfer.Client, _ session.Channel) error {
		b, found, err := cl.Export(ctx, root, 3)
		if err != nil || !found {
			t.Fatalf("export: %v %v", found, err)
		}
		exported = b
		return cl.Done(ctx)
	})
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	if len(exported) != len(mem.Hashes()) {
		t.Fatalf("exported %d of %d stored contracts", len(exported), len(mem.Hashes()))
	}
	checkExportOrder(t, exported)

	var reimported map[object.Label]types.DatumHash
	serr, cerr = runSession(t, transfer.NewMemoryHandler(nil), func(ctx context.Context, cl *transfer.Client, _ session.Channel) error {
		reimported, err = cl.Import(ctx, exported)
		if err != nil {
			return err
		}
		return cl.Done(ctx)
	})
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	if got := reimported[object.Label(hex.EncodeToString([]byte(root)))]; got != root {
		t.Fatalf("re-imported root %x, want %x", got, root)
	}
	linked := linkedContracts(t, []object.ObjectBundle{exported})
	stored, _, _ := mem.Contract(ctx, object.ContractHash(root))
	if !bytes.Equal(coreBytes(t, linked[object.Label(hex.EncodeToString([]byte(root)))]), coreBytes(t, stored)) {
		t.Fatal("exported root differs from the stored one")
	}
}

// TestImportGoldenBundles uploads each of the 401 golden MsgUpload bundles
// in a fresh import: the server must answer every one with MsgUploaded or
// MsgUploadFailed (never fail), and each contract it accepts must hash as
// core.Merkleize says.
func TestImportGoldenBundles(t *testing.T) {
	vs, err := golden.ParseFile(shared.Path(t, "protocol", "golden", "MarloweTransfer.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var bundles []object.ObjectBundle
	for _, v := range vs {
		if v.MessageName != "MsgUpload" {
			continue
		}
		msg, err := session.DecodeMessage(transfer.GoldenMachines()[2], v.Binary)
		if err != nil {
			t.Fatal(err)
		}
		bundles = append(bundles, msg.(transfer.MsgUpload).Bundle)
	}
	if len(bundles) != 401 {
		t.Fatalf("%d MsgUpload vectors, want 401", len(bundles))
	}
	uploaded, failed := 0, 0
	serr, cerr := runSession(t, transfer.NewMemoryHandler(nil), func(ctx context.Context, cl *transfer.Client, _ session.Channel) error {
		for i, b := range bundles {
			if err := cl.StartImport(ctx); err != nil {
				return err
			}
			hs, err := cl.Upload(ctx, b)
			var ie *object.ImportError
			switch {
			case errors.As(err, &ie):
				failed++
				continue
			case err != nil:
				return err
			}
			uploaded++
			for l, h := range hs {
				c := linkedContracts(t, []object.ObjectBundle{b})[l]
				m, _, err := core.Merkleize(c)
				if err != nil {
					t.Fatal(err)
				}
				if object.ContractHash(h) != mustHash(t, m) {
					t.Fatalf("bundle %d: %s hashed %x", i, l, h)
				}
			}
			if err := cl.Imported(ctx); err != nil {
				return err
			}
		}
		return cl.Done(ctx)
	})
	if serr != nil || cerr != nil {
		t.Fatalf("server %v, client %v", serr, cerr)
	}
	t.Logf("%d bundles uploaded, %d refused with an ImportError", uploaded, failed)
	if uploaded == 0 || failed == 0 {
		t.Fatalf("uploaded %d, failed %d: expected both outcomes", uploaded, failed)
	}
}
