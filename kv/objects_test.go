package kv

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// objDAG generates n contracts in staging order (bottom-up, as a load or an
// import stages them): contract i names up to three earlier ones as
// merkleized continuations. salt keeps the contracts of different calls
// apart; pad adds that many Let nodes to each, to make contracts bigger.
func objDAG(rng *rand.Rand, n int, salt int64, pad int) ([]core.Contract, [][32]byte) {
	var cs []core.Contract
	var hs [][32]byte
	for i := range n {
		var cases []core.Case
		for k := range 1 + rng.IntN(3) {
			action := core.Choice{ID: core.ChoiceID{Name: core.ChoiceName(fmt.Sprintf("c%d", k)), Owner: genParty(rng)},
				Bounds: []core.Bound{{Low: big.NewInt(0), High: big.NewInt(int64(k + 1))}}}
			switch {
			case i > 0 && rng.IntN(3) > 0:
				h := hs[rng.IntN(len(hs))]
				cases = append(cases, core.Case{Action: action, Merkleized: true, Hash: h[:]})
			case rng.IntN(2) == 0:
				cases = append(cases, core.Case{Action: action, Then: core.Pay{From: genParty(rng),
					To: core.Payee{Kind: core.PayeeParty, Party: genParty(rng)}, Token: core.Ada,
					Amount: core.Constant{N: big.NewInt(int64(rng.IntN(100)))}, Then: core.Close{}}})
			default:
				cases = append(cases, core.Case{Action: action, Then: core.Close{}})
			}
		}
		var c core.Contract = core.When{Cases: cases, Timeout: big.NewInt(salt*1_000_000 + int64(i)), Continuation: core.Close{}}
		for p := range pad {
			c = core.Let{ID: core.ValueID(fmt.Sprintf("pad%d", p)), Value: core.Constant{N: big.NewInt(int64(p) << 40)}, Then: c}
		}
		h, err := core.ContractHash(c)
		if err != nil {
			panic(err)
		}
		cs, hs = append(cs, c), append(hs, h)
	}
	return cs, hs
}

func newObjects(t testing.TB, s *Store, opts ObjectOptions) *Objects {
	t.Helper()
	o, err := NewObjects(s, opts)
	if err != nil {
		t.Fatalf("NewObjects: %v", err)
	}
	return o
}

func openDir(t testing.TB, dir string, memTable int64) *Store {
	t.Helper()
	s, err := Open(dir, Options{SecurityParam: 10, MemTableSize: memTable})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return s
}

func stageAll(t testing.TB, ss *StagingSession, cs []core.Contract) {
	t.Helper()
	for _, c := range cs {
		if _, err := ss.Stage(c); err != nil {
			t.Fatalf("stage: %v", err)
		}
	}
}

// countPrefix counts the keys under prefix.
func countPrefix(t testing.TB, s *Store, prefix ...byte) int {
	t.Helper()
	n := 0
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// present counts how many of hs are stored.
func present(t testing.TB, o *Objects, hs [][32]byte) int {
	t.Helper()
	n := 0
	for _, h := range hs {
		ok, err := o.Has(h[:])
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			n++
		}
	}
	return n
}

func sortHashes(hs [][32]byte) [][32]byte {
	out := slices.Clone(hs)
	slices.SortFunc(out, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out)
}

// TestObjectsStageCommit: staged contracts are invisible until Commit, and
// then readable with their adjacency and closure; the stored bytes are the
// contract's Plutus-data CBOR under its hash; a closed session refuses
// every call; a discarded one leaves nothing.
func TestObjectsStageCommit(t *testing.T) {
	s := openMem(t, 10)
	o := newObjects(t, s, ObjectOptions{})
	rng := rand.New(rand.NewPCG(1, 1))
	cs, hs := objDAG(rng, 40, 1, 0)

	ss, err := o.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		h, err := ss.Stage(c)
		if err != nil || h != hs[i] {
			t.Fatalf("stage %d: %x, %v; want %x", i, h, err, hs[i])
		}
		if i == 20 {
			if err := ss.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, h := range hs {
		if ok, err := ss.Exists(h[:]); err != nil || !ok {
			t.Fatalf("staged %x not visible to Exists: %v", h, err)
		}
	}
	if n := present(t, o, hs); n != 0 {
		t.Fatalf("%d staged contracts visible before commit", n)
	}
	if n := countPrefix(t, s, pObjectStaged); n != 21 {
		t.Fatalf("%d staging rows after flushing 21 contracts", n)
	}
	if err := ss.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := countPrefix(t, s, pObjectStaged); n != 0 {
		t.Fatalf("%d staging rows after commit", n)
	}
	got, err := o.Hashes()
	if err != nil || !slices.Equal(got, sortHashes(hs)) {
		t.Fatalf("Hashes = %d hashes, %v; want %d", len(got), err, len(hs))
	}
	byHash := map[[32]byte]core.Contract{}
	for i, h := range hs {
		byHash[h] = cs[i]
	}
	for i, h := range hs {
		c, ok, err := o.Contract(h[:])
		if err != nil || !ok {
			t.Fatalf("contract %d: %v %v", i, ok, err)
		}
		if eq, err := core.EqualData(c, cs[i]); err != nil || !eq {
			t.Fatalf("contract %d read back differently: %v", i, err)
		}
		var raw []byte
		_ = s.db.View(func(txn *badger.Txn) error {
			item, err := txn.Get(objectKey(h))
			if err == nil {
				raw, err = item.ValueCopy(nil)
			}
			return err
		})
		if want, _ := core.EncodeData(cs[i]); !bytes.Equal(raw, want) || core.DatumHash(raw) != h {
			t.Fatalf("contract %d: stored bytes are not its Plutus-data CBOR under its hash", i)
		}
		info, ok, err := o.Describe(h[:])
		if err != nil || !ok {
			t.Fatalf("describe %d: %v %v", i, ok, err)
		}
		wantAdj, _ := ContractRefs(cs[i])
		if !slices.Equal(info.Adjacency, wantAdj) {
			t.Fatalf("adjacency %d: %x, want %x", i, info.Adjacency, wantAdj)
		}
		// The closure, computed here by decoding every contract.
		want := map[[32]byte]struct{}{h: {}}
		stack := [][32]byte{h}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			refs, _ := ContractRefs(byHash[x])
			for _, r := range refs {
				if _, ok := want[r]; !ok {
					want[r] = struct{}{}
					stack = append(stack, r)
				}
			}
		}
		if !slices.Equal(info.Closure, sortedHashes(want)) {
			t.Fatalf("closure %d: %d hashes, want %d", i, len(info.Closure), len(want))
		}
		if lease, ok, err := o.Lease(h[:]); err != nil || !ok || time.Until(lease) < DefaultLease-time.Minute {
			t.Fatalf("lease %d: %v %v %v", i, lease, ok, err)
		}
	}

	for name, call := range map[string]func() error{
		"Stage":   func() error { _, err := ss.Stage(cs[0]); return err },
		"Exists":  func() error { _, err := ss.Exists(hs[0][:]); return err },
		"Flush":   ss.Flush,
		"Commit":  ss.Commit,
		"Discard": ss.Discard,
	} {
		if err := call(); !errors.Is(err, ErrSessionClosed) {
			t.Errorf("%s after commit: %v", name, err)
		}
	}

	more, mhs := objDAG(rng, 10, 2, 0)
	d, _ := o.NewSession()
	stageAll(t, d, more)
	if err := d.Flush(); err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Exists(hs[3][:]); err != nil || !ok {
		t.Fatalf("stored contract not visible to Exists: %v %v", ok, err)
	}
	if err := d.Discard(); err != nil {
		t.Fatal(err)
	}
	if n := present(t, o, mhs); n != 0 {
		t.Fatalf("%d discarded contracts stored", n)
	}
	if n := countPrefix(t, s, pObjectStaged); n != 0 {
		t.Fatalf("%d staging rows after discard", n)
	}
	if _, ok, err := o.Describe(mhs[0][:]); err != nil || ok {
		t.Fatalf("describe of an absent contract: %v %v", ok, err)
	}
}

// TestObjectsDescribeIncomplete: a contract whose closure reaches a missing
// continuation is described as absent (the Haskell store's Nothing), though
// the contract itself reads.
func TestObjectsDescribeIncomplete(t *testing.T) {
	o := newObjects(t, openMem(t, 10), ObjectOptions{})
	missing := [32]byte{9, 9, 9}
	mid := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: missing[:]}},
		Timeout: big.NewInt(5), Continuation: core.Close{}}
	mh, _ := core.ContractHash(mid)
	top := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.FalseObs{}}, Merkleized: true, Hash: mh[:]}},
		Timeout: big.NewInt(6), Continuation: core.Close{}}
	ss, _ := o.NewSession()
	stageAll(t, ss, []core.Contract{mid, top})
	if err := ss.Commit(); err != nil {
		t.Fatal(err)
	}
	th, _ := core.ContractHash(top)
	if _, ok, err := o.Contract(th[:]); err != nil || !ok {
		t.Fatalf("contract: %v %v", ok, err)
	}
	if _, ok, err := o.Describe(th[:]); err != nil || ok {
		t.Fatalf("describe with a missing continuation two levels down: %v %v", ok, err)
	}
	if _, ok, err := o.Closure(th[:]); err != nil || ok {
		t.Fatalf("closure with a missing continuation: %v %v", ok, err)
	}
}

// TestObjectsReopen is the crash-safety contract within one process: after
// reopening, committed contracts are there; a discarded session, and one
// flushed and then abandoned with the store closed under it (the process
// gone), left nothing, not even staging rows.
func TestObjectsReopen(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(2, 2))
	kept, keptH := objDAG(rng, 30, 1, 0)
	dropped, droppedH := objDAG(rng, 30, 2, 0)
	abandoned, abandonedH := objDAG(rng, 30, 3, 0)

	s := openDir(t, dir, 0)
	o := newObjects(t, s, ObjectOptions{})
	a, _ := o.NewSession()
	stageAll(t, a, kept)
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	b, _ := o.NewSession()
	stageAll(t, b, dropped)
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := b.Discard(); err != nil {
		t.Fatal(err)
	}
	c, _ := o.NewSession()
	stageAll(t, c, abandoned)
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := countPrefix(t, s, pObjectStaged); n != len(abandoned) {
		t.Fatalf("%d staging rows, want the abandoned session's %d", n, len(abandoned))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openDir(t, dir, 0)
	defer s.Close()
	if n := countPrefix(t, s, pObjectStaged); n != len(abandoned) {
		t.Fatalf("%d staging rows survived the close, want %d", n, len(abandoned))
	}
	o = newObjects(t, s, ObjectOptions{})
	if n := present(t, o, keptH); n != len(kept) {
		t.Fatalf("%d of %d committed contracts after reopen", n, len(kept))
	}
	if n := present(t, o, droppedH) + present(t, o, abandonedH); n != 0 {
		t.Fatalf("%d uncommitted contracts visible after reopen", n)
	}
	if n := countPrefix(t, s, pObjectStaged); n != 0 {
		t.Fatalf("%d staging rows after recovery", n)
	}
	for _, h := range keptH {
		if _, ok, err := o.Describe(h[:]); err != nil || !ok {
			t.Fatalf("committed contract incomplete after reopen: %v %v", ok, err)
		}
	}
}

// TestObjectsBigCommit: a session too big for one Badger transaction
// commits through the marker in several transactions; a commit cut short
// after its marker (simulated: the marker and part of the moves done, then
// the store closed) is completed by the next NewObjects, never undone or
// left half visible.
func TestObjectsBigCommit(t *testing.T) {
	const memTable = 1 << 20 // transactions of ~150 KB
	rng := rand.New(rand.NewPCG(3, 3))
	dir := t.TempDir()
	s := openDir(t, dir, memTable)
	o := newObjects(t, s, ObjectOptions{})
	big1, h1 := objDAG(rng, 600, 1, 8)
	ss, _ := o.NewSession()
	stageAll(t, ss, big1)
	if ss.bytes <= o.batchBytes {
		t.Fatalf("session of %d bytes fits one batch of %d: the test needs a bigger one", ss.bytes, o.batchBytes)
	}
	if err := ss.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := present(t, o, h1); n != len(big1) {
		t.Fatalf("%d of %d contracts after a multi-transaction commit", n, len(big1))
	}
	if n := countPrefix(t, s, pObjectStaged) + countPrefix(t, s, pObjectCommit); n != 0 {
		t.Fatalf("%d staging rows or markers left", n)
	}

	big2, h2 := objDAG(rng, 600, 2, 8)
	ss, _ = o.NewSession()
	stageAll(t, ss, big2)
	if err := ss.Flush(); err != nil {
		t.Fatal(err)
	}
	expiry := time.Now().Add(time.Hour)
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(commitKey(ss.id), encodeMillis(expiry)) }); err != nil {
		t.Fatal(err)
	}
	var moved int
	if err := s.db.Update(func(txn *badger.Txn) error {
		var err error
		moved, err = o.moveStaged(txn, ss.id, expiry, 100)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if moved == 0 || moved >= len(big2) {
		t.Fatalf("moved %d of %d", moved, len(big2))
	}
	// Moved in staging order: a bottom-up prefix is visible, nothing else.
	if n, m := present(t, o, h2[:moved]), present(t, o, h2[moved:]); n != moved || m != 0 {
		t.Fatalf("%d of the first %d visible, %d of the rest", n, moved, m)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openDir(t, dir, memTable)
	defer s.Close()
	o = newObjects(t, s, ObjectOptions{})
	if n := present(t, o, h2); n != len(big2) {
		t.Fatalf("%d of %d contracts after completing an interrupted commit", n, len(big2))
	}
	if n := countPrefix(t, s, pObjectStaged) + countPrefix(t, s, pObjectCommit); n != 0 {
		t.Fatalf("%d staging rows or markers left after recovery", n)
	}
	if until, ok, err := o.Lease(h2[599][:]); err != nil || !ok || until.UnixMilli() != expiry.UnixMilli() {
		t.Fatalf("recovered lease %v %v %v, want the marker's %v", until, ok, err, expiry)
	}
}

// TestObjectsGCLeasesAndPins: without chain roots, a committed contract
// lives as long as its lease; a contract an open session pinned (through
// Exists, or as a continuation of a staged contract) survives GC with its
// whole closure until the session ends.
func TestObjectsGCLeasesAndPins(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := t0
	s := openMem(t, 10)
	o := newObjects(t, s, ObjectOptions{Lease: time.Hour, Now: func() time.Time { return clock }})
	rng := rand.New(rand.NewPCG(4, 4))
	first, fh := objDAG(rng, 30, 1, 0)
	ss, _ := o.NewSession()
	stageAll(t, ss, first)
	if err := ss.Commit(); err != nil {
		t.Fatal(err)
	}
	clock = t0.Add(30 * time.Minute)
	second, sh := objDAG(rng, 30, 2, 0)
	ss, _ = o.NewSession()
	stageAll(t, ss, second)
	if err := ss.Commit(); err != nil {
		t.Fatal(err)
	}

	st, err := o.GC(t0.Add(59 * time.Minute))
	if err != nil || st.Removed != 0 || st.Kept != 60 {
		t.Fatalf("GC within both leases: %+v, %v", st, err)
	}
	st, err = o.GC(t0.Add(61 * time.Minute))
	if err != nil || st.Removed != 30 || st.Kept != 30 || st.LeasesExpired != 30 {
		t.Fatalf("GC after the first lease: %+v, %v", st, err)
	}
	if present(t, o, fh) != 0 || present(t, o, sh) != 30 {
		t.Fatal("wrong contracts collected")
	}

	// Pins: a session that found the last of the second batch (the
	// root of most of it) with Exists, and one that staged a contract
	// naming another one, keep those closures past their leases.
	pinned, err := o.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	root := sh[len(sh)-1]
	if ok, err := pinned.Exists(root[:]); err != nil || !ok {
		t.Fatal(ok, err)
	}
	other := sh[5]
	naming, _ := o.NewSession()
	if _, err := naming.Stage(core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: other[:]}},
		Timeout: big.NewInt(1), Continuation: core.Close{}}); err != nil {
		t.Fatal(err)
	}
	closure, ok, err := o.Closure(root[:])
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	otherClosure, _, _ := o.Closure(other[:])
	keep := sortHashes(append(slices.Clone(closure), otherClosure...))
	st, err = o.GC(t0.Add(5 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := o.Hashes()
	if !slices.Equal(got, keep) || st.Removed != 30-len(keep) {
		t.Fatalf("GC with pins kept %d contracts, want the %d of the pinned closures (%+v)", len(got), len(keep), st)
	}
	if err := pinned.Discard(); err != nil {
		t.Fatal(err)
	}
	if err := naming.Commit(); err != nil {
		t.Fatal(err)
	}
	// The committed contract (leased from the clock, t0+30m) and what
	// it names are gone once its lease is over too.
	if _, err := o.GC(t0.Add(5 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.Hashes(); len(got) != 0 {
		t.Fatalf("%d contracts survive with no root", len(got))
	}
	if n := countPrefix(t, s, pObjectLease) + countPrefix(t, s, pObject) + countPrefix(t, s, pObjectAdj); n != 0 {
		t.Fatalf("%d object rows left", n)
	}
}

// TestParentsFirst: on random DAGs, the sweep order puts every dead
// contract before the dead contracts it names, and lists each once.
func TestParentsFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for round := range 50 {
		n := 1 + rng.IntN(60)
		hs := make([][32]byte, n)
		for i := range hs {
			hs[i] = [32]byte{byte(round), byte(i), byte(rng.IntN(256))}
		}
		dead := map[[32]byte][][32]byte{}
		for i, h := range hs {
			var adj [][32]byte
			for range rng.IntN(4) {
				if i > 0 {
					adj = append(adj, hs[rng.IntN(i)])
				}
			}
			if rng.IntN(5) == 0 {
				adj = append(adj, [32]byte{0xFF, byte(i)}) // a live or absent one
			}
			dead[h] = sortHashes(adj)
		}
		order := parentsFirst(dead)
		pos := map[[32]byte]int{}
		for i, h := range order {
			if _, dup := pos[h]; dup {
				t.Fatalf("round %d: %x twice", round, h)
			}
			pos[h] = i
		}
		if len(order) != n {
			t.Fatalf("round %d: %d of %d ordered", round, len(order), n)
		}
		for h, adj := range dead {
			for _, a := range adj {
				if pa, ok := pos[a]; ok && pa < pos[h] {
					t.Fatalf("round %d: %x deleted before its parent %x", round, a, h)
				}
			}
		}
	}
}

// TestObjectsHostile: malformed hashes, oversized and over-deep contracts,
// over-full sessions and corrupt rows are errors, never panics, and never
// reach the store.
func TestObjectsHostile(t *testing.T) {
	s := openMem(t, 10)
	o := newObjects(t, s, ObjectOptions{MaxObjectSize: 2048, MaxSessionBytes: 20_000})
	ss, _ := o.NewSession()
	for _, h := range [][]byte{nil, {}, make([]byte, 31), make([]byte, 33), bytes.Repeat([]byte{1}, 1000)} {
		if _, _, err := o.Contract(h); !errors.Is(err, ErrBadHash) {
			t.Errorf("Contract(%d bytes): %v", len(h), err)
		}
		if _, err := o.Has(h); !errors.Is(err, ErrBadHash) {
			t.Errorf("Has(%d bytes): %v", len(h), err)
		}
		if _, _, err := o.Describe(h); !errors.Is(err, ErrBadHash) {
			t.Errorf("Describe(%d bytes): %v", len(h), err)
		}
		if _, _, err := o.Closure(h); !errors.Is(err, ErrBadHash) {
			t.Errorf("Closure(%d bytes): %v", len(h), err)
		}
		if _, err := ss.Exists(h); !errors.Is(err, ErrBadHash) {
			t.Errorf("Exists(%d bytes): %v", len(h), err)
		}
	}
	badCase := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: []byte("short")}},
		Timeout: big.NewInt(1), Continuation: core.Close{}}
	if _, err := ss.Stage(badCase); !errors.Is(err, ErrBadHash) {
		t.Errorf("merkleized case with a 5-byte hash: %v", err)
	}
	if _, err := ss.Stage(nil); err == nil {
		t.Error("staged a nil contract")
	}
	var deep core.Contract = core.Close{}
	for range core.MaxDataDepth {
		deep = core.Assert{Obs: core.TrueObs{}, Then: deep}
	}
	if _, err := ss.Stage(deep); err == nil {
		t.Error("staged a contract nested beyond the Plutus Data depth bound")
	}
	var wide core.Contract = core.Close{}
	for i := range 400 {
		wide = core.Let{ID: "x", Value: core.Constant{N: big.NewInt(int64(i))}, Then: wide}
	}
	if _, err := ss.Stage(wide); !errors.Is(err, ErrObjectTooLarge) {
		t.Errorf("contract over MaxObjectSize: %v", err)
	}
	rng := rand.New(rand.NewPCG(6, 6))
	cs, _ := objDAG(rng, 400, 1, 0)
	var err error
	staged := 0
	for _, c := range cs {
		if _, err = ss.Stage(c); err != nil {
			break
		}
		staged++
	}
	if !errors.Is(err, ErrSessionTooLarge) || staged == 0 {
		t.Errorf("session bound: %v after %d contracts", err, staged)
	}
	if err := ss.Discard(); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.Hashes(); len(got) != 0 {
		t.Fatalf("hostile session stored %d contracts", len(got))
	}

	// Corrupt rows read as errors.
	good, gh := objDAG(rng, 3, 2, 0)
	ss, _ = o.NewSession()
	stageAll(t, ss, good)
	if err := ss.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(objectKey(gh[0]), []byte{0xff, 0x00}); err != nil {
			return err
		}
		return txn.Set(objectAdjKey(gh[1]), []byte{1, 2, 3})
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := o.Contract(gh[0][:]); err == nil {
		t.Error("corrupt contract decoded")
	}
	if _, _, err := o.Closure(gh[1][:]); err == nil {
		t.Error("corrupt adjacency accepted")
	}
	if _, err := o.GC(time.Now()); err == nil {
		t.Error("GC over a corrupt adjacency row succeeded")
	}
}

// TestObjectsTakeOver: a second Objects over the same store sweeps the
// first one's staging rows at start; the first one's sessions then fail
// with ErrObjectsTakenOver instead of committing a partial session.
func TestObjectsTakeOver(t *testing.T) {
	s := openMem(t, 10)
	first := newObjects(t, s, ObjectOptions{})
	rng := rand.New(rand.NewPCG(7, 7))
	cs, hs := objDAG(rng, 10, 1, 0)
	ss, _ := first.NewSession()
	stageAll(t, ss, cs[:5])
	if err := ss.Flush(); err != nil {
		t.Fatal(err)
	}
	second := newObjects(t, s, ObjectOptions{})
	stageAll(t, ss, cs[5:])
	if err := ss.Flush(); !errors.Is(err, ErrObjectsTakenOver) {
		t.Fatalf("flush after a take-over: %v", err)
	}
	if err := ss.Commit(); !errors.Is(err, ErrObjectsTakenOver) {
		t.Fatalf("commit after a take-over: %v", err)
	}
	if n := present(t, second, hs); n != 0 {
		t.Fatalf("%d contracts of the swept session stored", n)
	}
	ss2, _ := second.NewSession()
	stageAll(t, ss2, cs)
	if err := ss2.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := present(t, second, hs); n != len(hs) {
		t.Fatalf("%d of %d", n, len(hs))
	}
}

// TestObjectsConcurrentGC runs load-like sessions (continuations staged
// before the contracts naming them, some naming contracts committed
// earlier, found with Exists as an import does) against a GC that runs all
// the time with every lease already expired. Whatever GC removes, no
// snapshot ever shows a stored contract with a missing continuation, and a
// contract committed after a successful Exists is complete right after its
// commit. Run it with -race.
func TestObjectsConcurrentGC(t *testing.T) {
	s := openMem(t, 10)
	o := newObjects(t, s, ObjectOptions{Lease: time.Millisecond})
	const workers, rounds = 4, 40
	stop := make(chan struct{})
	var gcErr error
	var gcRuns int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := o.GC(time.Now().Add(time.Hour)); err != nil {
				gcErr = err
				return
			}
			gcRuns++
		}
	}()
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(w), 8))
			var prev [][32]byte
			for r := range rounds {
				cs, hs := objDAG(rng, 5+rng.IntN(10), int64(w*1000+r), 0)
				ss, err := o.NewSession()
				if err != nil {
					errs <- err
					return
				}
				// Name a previously committed contract if it still
				// exists, as an import's merkleized case would.
				var extra core.Contract
				if len(prev) > 0 {
					p := prev[rng.IntN(len(prev))]
					ok, err := ss.Exists(p[:])
					if err != nil {
						errs <- err
						return
					}
					if ok {
						// Give GC the chance to run between the
						// answer and the commit that relies on it.
						time.Sleep(200 * time.Microsecond)
						extra = core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: p[:]}},
							Timeout: big.NewInt(int64(w*1000 + r)), Continuation: core.Close{}}
					}
				}
				for _, c := range cs {
					if _, err := ss.Stage(c); err != nil {
						errs <- err
						return
					}
				}
				if extra != nil {
					if _, err := ss.Stage(extra); err != nil {
						errs <- err
						return
					}
				}
				if err := ss.Commit(); err != nil {
					errs <- err
					return
				}
				prev = hs
				if err := checkComplete(s); err != nil {
					errs <- fmt.Errorf("worker %d round %d: %w", w, r, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	close(stop)
	wg.Wait()
	if gcErr != nil {
		t.Fatal(gcErr)
	}
	if err := checkComplete(s); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d GC runs during %d commits", gcRuns, workers*rounds)
}

// checkComplete verifies, in one snapshot, that every stored contract's
// continuations are stored.
func checkComplete(s *Store) error {
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte{pObjectAdj}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			h, _ := keyHash(it.Item().Key())
			var adj [][32]byte
			if err := it.Item().Value(func(b []byte) error {
				var e error
				adj, e = decodeAdj(b)
				return e
			}); err != nil {
				return err
			}
			for _, a := range adj {
				ok, err := has(txn, objectAdjKey(a))
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("stored contract %x names %x, which is gone", h, a)
				}
			}
			if ok, err := has(txn, objectKey(h)); err != nil || !ok {
				return fmt.Errorf("adjacency of %x without its contract (%v)", h, err)
			}
		}
		return nil
	})
}
