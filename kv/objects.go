package kv

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
)

// The object store is the content-addressed contract store behind
// MarloweLoad, MarloweTransfer and ContractQuery (Haskell
// Language.Marlowe.Runtime.Contract.Store): merkleized Marlowe contracts kept
// once each under their hash, in the same Badger database as the index but
// outside it. Its writes never enter the rollback journal and a rollback
// never touches them: a contract is a fact about its bytes, not about the
// chain.
//
// Layout (keys.go lists the prefixes):
//
//   - 0x20 hash → the contract's Plutus-data CBOR (core.EncodeData), whose
//     blake2b-256 is hash;
//   - 0x21 hash → its adjacency: the distinct hashes of the merkleized
//     continuations it names, 32 bytes each, ascending. Closures are walked
//     over these small rows without decoding a contract;
//   - 0x22 hash → its lease: until when (Unix milliseconds) a recent load or
//     import keeps it alive (GC);
//   - 0x28 → the owner: a random id written by NewObjects, so that a second
//     Objects over the same database is detected instead of silently
//     sweeping the first one's staging rows;
//   - 0x29 session → a commit in progress (its lease expiry), for commits
//     too big for one transaction;
//   - 0x2A session seq → a staged contract of an open session.
//
// The three rows of a contract are always written and deleted in one
// transaction, so the adjacency row exists exactly when the contract does.
const (
	pObject       byte = 0x20
	pObjectAdj    byte = 0x21
	pObjectLease  byte = 0x22
	pObjectOwner  byte = 0x28
	pObjectCommit byte = 0x29
	pObjectStaged byte = 0x2A
)

// ObjectHashSize is the size of a contract hash (blake2b-256).
const ObjectHashSize = 32

// Defaults of ObjectOptions.
const (
	// DefaultLease is how long a committed contract stays alive without a
	// reference from the index: the Haskell store's minContractAge (one
	// day), time enough to create a contract on chain after loading it.
	DefaultLease = 24 * time.Hour
	// DefaultMaxObjectSize bounds one contract's Plutus-data CBOR. A
	// merkleized continuation must fit a transaction (16 KiB) to be of any
	// use on chain; the bound leaves room for the unmerkleized parts of
	// off-chain contracts while keeping a contract inside one Badger
	// transaction (with Badger's default 64 MiB memtable).
	DefaultMaxObjectSize = 2 << 20
	// DefaultMaxSessionBytes bounds the contracts one staging session may
	// hold (their CBOR and adjacency), so that one client cannot fill the
	// disk through a single load or import.
	DefaultMaxSessionBytes = 512 << 20
)

var (
	// ErrBadHash is a contract hash that is not 32 bytes: no stored
	// contract can have it, and a contract naming one as a continuation
	// could never be satisfied.
	ErrBadHash = errors.New("contract hash is not 32 bytes")
	// ErrObjectTooLarge is a contract whose Plutus-data CBOR exceeds the
	// store's MaxObjectSize.
	ErrObjectTooLarge = errors.New("contract exceeds the object size bound")
	// ErrSessionTooLarge is a staging session that would exceed
	// MaxSessionBytes.
	ErrSessionTooLarge = errors.New("staging session exceeds its size bound")
	// ErrSessionClosed is returned by a staging session used after Commit
	// or Discard.
	ErrSessionClosed = errors.New("staging session is no longer open")
	// ErrObjectsTakenOver means another Objects was opened over the same
	// database after this one, and swept this one's staging rows.
	ErrObjectsTakenOver = errors.New("another object store was opened over the same database")
)

// ObjectOptions configure NewObjects. Zero fields take the defaults.
type ObjectOptions struct {
	// Lease is how long a contract committed by a load or import session
	// is kept by GC without any other root. Default DefaultLease.
	Lease time.Duration
	// MaxObjectSize bounds one contract's CBOR; it is also capped so that
	// a contract always fits one Badger transaction. Default
	// DefaultMaxObjectSize.
	MaxObjectSize int
	// MaxSessionBytes bounds one staging session. Default
	// DefaultMaxSessionBytes.
	MaxSessionBytes int64
	// Now is the clock of leases. Default time.Now.
	Now func() time.Time
}

// Objects is the content-addressed contract store. Open at most one per
// Store (a second one is detected: the first one's sessions then fail with
// ErrObjectsTakenOver). It is safe for concurrent use.
type Objects struct {
	s          *Store
	lease      time.Duration
	maxObject  int
	maxSession int64
	now        func() time.Time
	owner      []byte

	// batchBytes and batchCount bound the writes of one transaction of
	// the multi-transaction paths, well inside Badger's limits.
	batchBytes int64
	batchCount int

	// gcMu makes GC exclusive: commits, and the pinning done by Stage and
	// Exists, hold it shared, so that GC never deletes a contract an open
	// session relies on or is committing. Lock order: gcMu, then a
	// session's mu, then sessionsMu.
	gcMu       sync.RWMutex
	sessionsMu sync.Mutex
	sessions   map[uint64]*StagingSession
}

// NewObjects opens the object store of s. It first recovers from the
// previous process: a commit that was in progress (too big for one
// transaction) is completed, and every other staged row, from sessions that
// never committed, is dropped, so that a crash leaves no visible part of an
// uncommitted session. Then it claims ownership of the object store.
func NewObjects(s *Store, opts ObjectOptions) (*Objects, error) {
	if s == nil {
		return nil, errors.New("object store: nil index store")
	}
	o := &Objects{
		s:          s,
		lease:      opts.Lease,
		maxObject:  opts.MaxObjectSize,
		maxSession: opts.MaxSessionBytes,
		now:        opts.Now,
		sessions:   make(map[uint64]*StagingSession),
	}
	if o.lease <= 0 {
		o.lease = DefaultLease
	}
	if o.maxObject <= 0 {
		o.maxObject = DefaultMaxObjectSize
	}
	if o.maxSession <= 0 {
		o.maxSession = DefaultMaxSessionBytes
	}
	if o.now == nil {
		o.now = time.Now
	}
	o.batchBytes = s.db.MaxBatchSize() / 4
	o.batchCount = int(s.db.MaxBatchCount() / 4)
	// One contract's rows must fit a batch: a batch takes at least one
	// contract, and batches stay at a quarter of Badger's limit.
	if limit := int(o.batchBytes); o.maxObject > limit {
		o.maxObject = limit
	}
	if err := o.recover(); err != nil {
		return nil, fmt.Errorf("object store: recover: %w", err)
	}
	o.owner = make([]byte, 16)
	if _, err := rand.Read(o.owner); err != nil {
		return nil, fmt.Errorf("object store: owner id: %w", err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte{pObjectOwner}, o.owner) }); err != nil {
		return nil, fmt.Errorf("object store: claim: %w", err)
	}
	return o, nil
}

// Now is the store's clock: what leases are measured against, and the
// time to pass to GC.
func (o *Objects) Now() time.Time { return o.now() }

// MaxObjectSize is the effective bound on one contract's CBOR.
func (o *Objects) MaxObjectSize() int { return o.maxObject }

func objectKey(h [32]byte) []byte      { return append([]byte{pObject}, h[:]...) }
func objectAdjKey(h [32]byte) []byte   { return append([]byte{pObjectAdj}, h[:]...) }
func objectLeaseKey(h [32]byte) []byte { return append([]byte{pObjectLease}, h[:]...) }
func commitKey(id uint64) []byte       { return newKey(pObjectCommit).u64(id) }
func stagedPrefix(id uint64) []byte    { return newKey(pObjectStaged).u64(id) }
func stagedKey(id, seq uint64) []byte  { return newKey(pObjectStaged).u64(id).u64(seq) }

// ObjectHash checks that h is a contract hash (32 bytes) and returns it.
func ObjectHash(h []byte) ([32]byte, error) {
	var out [32]byte
	if len(h) != ObjectHashSize {
		return out, fmt.Errorf("%w: %d bytes", ErrBadHash, len(h))
	}
	copy(out[:], h)
	return out, nil
}

// keyHash reads the hash after the prefix byte of an object key.
func keyHash(k []byte) ([32]byte, error) {
	if len(k) != 1+ObjectHashSize {
		return [32]byte{}, fmt.Errorf("object key %x: want %d bytes", k, 1+ObjectHashSize)
	}
	return [32]byte(k[1:]), nil
}

// ContractRefs returns the distinct hashes of the merkleized continuations
// c names directly (every MerkleizedCase anywhere in c, inline cases
// included), ascending: its adjacency. A merkleized case whose hash is not
// 32 bytes is ErrBadHash.
func ContractRefs(c core.Contract) ([][32]byte, error) {
	var out [][32]byte
	var bad error
	walkRefs(c, func(h []byte) {
		x, err := ObjectHash(h)
		if err != nil {
			bad = cmpErr(bad, fmt.Errorf("merkleized case: %w", err))
			return
		}
		out = append(out, x)
	})
	if bad != nil {
		return nil, bad
	}
	slices.SortFunc(out, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out), nil
}

func cmpErr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

// walkRefs calls fn with the hash of every merkleized case in c.
func walkRefs(c core.Contract, fn func([]byte)) {
	_ = core.Walk(c, func(c core.Contract) error {
		if w, ok := c.(core.When); ok {
			for _, cs := range w.Cases {
				if cs.Merkleized {
					fn(cs.Hash)
				}
			}
		}
		return nil
	})
}

func encodeAdj(hs [][32]byte) []byte {
	out := make([]byte, 0, len(hs)*ObjectHashSize)
	for _, h := range hs {
		out = append(out, h[:]...)
	}
	return out
}

func decodeAdj(b []byte) ([][32]byte, error) {
	if len(b)%ObjectHashSize != 0 {
		return nil, fmt.Errorf("adjacency row of %d bytes is not a list of hashes", len(b))
	}
	out := make([][32]byte, len(b)/ObjectHashSize)
	for i := range out {
		out[i] = [32]byte(b[i*ObjectHashSize:])
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Reads

// Contract returns the stored contract under h; ok is false when there is
// none. Staged, uncommitted contracts are invisible.
func (o *Objects) Contract(h []byte) (c core.Contract, ok bool, err error) {
	hh, err := ObjectHash(h)
	if err != nil {
		return nil, false, err
	}
	err = o.s.db.View(func(txn *badger.Txn) error {
		var e error
		c, ok, e = o.readContract(txn, hh)
		return e
	})
	return c, ok, err
}

func (o *Objects) readContract(txn *badger.Txn, h [32]byte) (core.Contract, bool, error) {
	item, err := txn.Get(objectKey(h))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read contract %x: %w", h, err)
	}
	var c core.Contract
	err = item.Value(func(b []byte) error {
		var e error
		c, e = core.DecodeData[core.Contract](b)
		return e
	})
	if err != nil {
		return nil, false, fmt.Errorf("decode stored contract %x: %w", h, err)
	}
	return c, true, nil
}

// Has reports whether a contract is stored under h.
func (o *Objects) Has(h []byte) (bool, error) {
	hh, err := ObjectHash(h)
	if err != nil {
		return false, err
	}
	var ok bool
	err = o.s.db.View(func(txn *badger.Txn) error {
		var e error
		ok, e = has(txn, objectAdjKey(hh))
		return e
	})
	return ok, err
}

func has(txn *badger.Txn, key []byte) (bool, error) {
	_, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %x: %w", key, err)
	}
	return true, nil
}

// readAdj returns the adjacency of h; ok is false when h is not stored.
func readAdj(txn *badger.Txn, h [32]byte) ([][32]byte, bool, error) {
	item, err := txn.Get(objectAdjKey(h))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read adjacency of %x: %w", h, err)
	}
	var adj [][32]byte
	err = item.Value(func(b []byte) error {
		var e error
		adj, e = decodeAdj(b)
		return e
	})
	if err != nil {
		return nil, false, fmt.Errorf("adjacency of %x: %w", h, err)
	}
	return adj, true, nil
}

// ObjectInfo is a stored contract with its adjacency (the continuation
// hashes it names directly) and closure (its own hash and every hash
// reachable through stored continuations), both ascending: ContractQuery's
// ContractWithAdjacency.
type ObjectInfo struct {
	Hash      [32]byte
	Contract  core.Contract
	Adjacency [][32]byte
	Closure   [][32]byte
}

// Describe returns the contract under h with its adjacency and closure, read
// in one snapshot. ok is false when h or any contract its closure reaches is
// not stored, as the Haskell store answers Nothing then. The closure is
// walked over the adjacency rows only.
func (o *Objects) Describe(h []byte) (info ObjectInfo, ok bool, err error) {
	hh, err := ObjectHash(h)
	if err != nil {
		return info, false, err
	}
	err = o.s.db.View(func(txn *badger.Txn) error {
		c, found, err := o.readContract(txn, hh)
		if err != nil || !found {
			return err
		}
		adj, found, err := readAdj(txn, hh)
		if err != nil || !found {
			return err
		}
		closure, complete, err := closureOf(txn, hh)
		if err != nil || !complete {
			return err
		}
		info = ObjectInfo{Hash: hh, Contract: c, Adjacency: adj, Closure: closure}
		ok = true
		return nil
	})
	return info, ok, err
}

// Closure returns h and every hash reachable from it through stored
// adjacency, ascending; ok is false when h or any contract reached is not
// stored.
func (o *Objects) Closure(h []byte) (closure [][32]byte, ok bool, err error) {
	hh, err := ObjectHash(h)
	if err != nil {
		return nil, false, err
	}
	err = o.s.db.View(func(txn *badger.Txn) error {
		var e error
		closure, ok, e = closureOf(txn, hh)
		return e
	})
	return closure, ok, err
}

func closureOf(txn *badger.Txn, root [32]byte) ([][32]byte, bool, error) {
	seen := map[[32]byte]struct{}{root: {}}
	stack := [][32]byte{root}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		adj, ok, err := readAdj(txn, h)
		if err != nil || !ok {
			return nil, false, err
		}
		for _, a := range adj {
			if _, dup := seen[a]; !dup {
				seen[a] = struct{}{}
				stack = append(stack, a)
			}
		}
	}
	return sortedHashes(seen), true, nil
}

func sortedHashes(set map[[32]byte]struct{}) [][32]byte {
	return slices.SortedFunc(maps.Keys(set), func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
}

// Hashes returns the hashes of every stored contract, ascending.
func (o *Objects) Hashes() ([][32]byte, error) {
	var out [][32]byte
	err := o.s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pObjectAdj}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			h, err := keyHash(it.Item().Key())
			if err != nil {
				return err
			}
			out = append(out, h)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list contracts: %w", err)
	}
	return out, nil
}

// Lease returns until when h is leased; ok is false when it has no lease.
func (o *Objects) Lease(h []byte) (until time.Time, ok bool, err error) {
	hh, err := ObjectHash(h)
	if err != nil {
		return until, false, err
	}
	err = o.s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(objectLeaseKey(hh))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read lease of %x: %w", hh, err)
		}
		return item.Value(func(b []byte) error {
			ms, err := decodeMillis(b)
			until, ok = time.UnixMilli(ms), err == nil
			return err
		})
	})
	return until, ok, err
}

func encodeMillis(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(t.UnixMilli()))
}

func decodeMillis(b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("timestamp of %d bytes", len(b))
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// ---------------------------------------------------------------------------
// Staging

// stagedRecord is a staged contract: one 0x2A row, and the unit a commit
// moves into the store.
type stagedRecord struct {
	_    struct{} `cbor:",toarray"`
	Hash []byte
	Adj  []byte
	Data []byte
}

// StagingSession collects the contracts of one load or import session.
// Stage buffers in memory, Flush writes the buffer to staging rows (so a
// large session streams to disk), Commit moves everything into the store,
// Discard drops it. Staged contracts are invisible to the store's reads
// until Commit, and a process that dies with the session open leaves
// nothing visible: NewObjects drops the rows.
type StagingSession struct {
	o  *Objects
	id uint64

	mu     sync.Mutex
	closed bool
	seq    uint64
	buffer []stagedRecord
	// known holds every hash staged here, buffered or flushed.
	known map[[32]byte]struct{}
	// pins are stored contracts the session relies on: continuations its
	// contracts name and hashes Exists found in the store. GC keeps them
	// (and their closures) while the session is open.
	pins map[[32]byte]struct{}
	// bytes counts what was staged (CBOR, adjacency and hash), for
	// MaxSessionBytes and to tell whether a commit fits one transaction.
	bytes int64
}

// NewSession opens a staging session.
func (o *Objects) NewSession() (*StagingSession, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("staging session id: %w", err)
	}
	ss := &StagingSession{o: o, id: binary.BigEndian.Uint64(b[:]),
		known: make(map[[32]byte]struct{}), pins: make(map[[32]byte]struct{})}
	o.sessionsMu.Lock()
	defer o.sessionsMu.Unlock()
	if _, dup := o.sessions[ss.id]; dup {
		return nil, errors.New("staging session id collision")
	}
	o.sessions[ss.id] = ss
	return ss, nil
}

func (o *Objects) forget(id uint64) {
	o.sessionsMu.Lock()
	defer o.sessionsMu.Unlock()
	delete(o.sessions, id)
}

// Stage records c and returns its hash, core.ContractHash(c). The
// continuations c names by hash must be 32-byte hashes; they need not be
// stored (a load stages them first, an import checks them with Exists).
// Staging a contract twice is a no-op.
func (ss *StagingSession) Stage(c core.Contract) ([32]byte, error) {
	data, err := core.EncodeData(c)
	if err != nil {
		return [32]byte{}, fmt.Errorf("stage: encode contract: %w", err)
	}
	if len(data) > ss.o.maxObject {
		return [32]byte{}, fmt.Errorf("stage: %w: %d bytes, bound %d", ErrObjectTooLarge, len(data), ss.o.maxObject)
	}
	h := core.DatumHash(data)
	adj, err := ContractRefs(c)
	if err != nil {
		return [32]byte{}, fmt.Errorf("stage %x: %w", h, err)
	}
	// Shared gcMu: the pins below must be in place before any GC that
	// could delete them runs.
	ss.o.gcMu.RLock()
	defer ss.o.gcMu.RUnlock()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		return [32]byte{}, ErrSessionClosed
	}
	if _, dup := ss.known[h]; dup {
		return h, nil
	}
	adjBytes := encodeAdj(adj)
	size := int64(len(data) + len(adjBytes) + ObjectHashSize)
	if ss.bytes+size > ss.o.maxSession {
		return [32]byte{}, fmt.Errorf("stage %x: %w: bound %d bytes", h, ErrSessionTooLarge, ss.o.maxSession)
	}
	ss.bytes += size
	ss.known[h] = struct{}{}
	for _, a := range adj {
		ss.pins[a] = struct{}{}
	}
	ss.buffer = append(ss.buffer, stagedRecord{Hash: h[:], Adj: adjBytes, Data: data})
	return h, nil
}

// Exists reports whether h is staged in this session or stored. A stored
// contract found here is pinned: GC keeps it while the session is open, so
// that a contract staged on the strength of this answer never commits
// with a dangling continuation.
func (ss *StagingSession) Exists(h []byte) (bool, error) {
	ss.o.gcMu.RLock()
	defer ss.o.gcMu.RUnlock()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		return false, ErrSessionClosed
	}
	hh, err := ObjectHash(h)
	if err != nil {
		return false, err
	}
	if _, ok := ss.known[hh]; ok {
		return true, nil
	}
	ok, err := ss.o.Has(hh[:])
	if err != nil {
		return false, fmt.Errorf("exists %x: %w", hh, err)
	}
	if ok {
		ss.pins[hh] = struct{}{}
	}
	return ok, nil
}

// Flush writes the contracts staged since the last flush to the session's
// staging rows.
func (ss *StagingSession) Flush() error {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		return ErrSessionClosed
	}
	if err := ss.flushLocked(); err != nil {
		return fmt.Errorf("flush staging session: %w", err)
	}
	return nil
}

// flushLocked writes the buffer in transactions that fit.
func (ss *StagingSession) flushLocked() error {
	for len(ss.buffer) > 0 {
		n, written := 0, int64(0)
		// Batches stay well inside one transaction; at least one
		// contract goes per batch (MaxObjectSize keeps it small enough).
		err := ss.o.s.db.Update(func(txn *badger.Txn) error {
			if err := ss.o.checkOwner(txn); err != nil {
				return err
			}
			for _, r := range ss.buffer {
				size := int64(len(r.Data) + len(r.Adj) + ObjectHashSize)
				if n > 0 && (written+size > ss.o.batchBytes || n >= ss.o.batchCount) {
					break
				}
				b, err := ss.o.s.codec.marshal("staged contract", r)
				if err != nil {
					return err
				}
				if err := txn.Set(stagedKey(ss.id, ss.seq+uint64(n)), b); err != nil {
					return fmt.Errorf("write staged contract: %w", err)
				}
				n++
				written += size
			}
			return nil
		})
		if err != nil {
			return err
		}
		ss.seq += uint64(n)
		ss.buffer = ss.buffer[n:]
	}
	ss.buffer = nil
	return nil
}

func (o *Objects) checkOwner(txn *badger.Txn) error {
	item, err := txn.Get([]byte{pObjectOwner})
	if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("read object store owner: %w", err)
	}
	if err == nil {
		same := false
		if err := item.Value(func(b []byte) error { same = bytes.Equal(b, o.owner); return nil }); err != nil {
			return fmt.Errorf("read object store owner: %w", err)
		}
		if same {
			return nil
		}
	}
	return ErrObjectsTakenOver
}

// Commit makes everything staged visible in the store and leases it for
// the store's Lease (a contract staged again refreshes its lease). A session
// that fits one Badger transaction commits atomically. A bigger one first
// records a commit marker, then moves its rows in several transactions,
// in staging order (a load or import stages continuations before the
// contracts naming them, so a contract is never visible before its
// continuations); a crash midway is completed by the next NewObjects, never
// undone. The session is closed afterwards, even when Commit fails.
func (ss *StagingSession) Commit() error {
	ss.o.gcMu.RLock()
	defer ss.o.gcMu.RUnlock()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		return ErrSessionClosed
	}
	ss.closed = true
	defer ss.o.forget(ss.id)
	expiry := ss.o.now().Add(ss.o.lease)
	marked, err := ss.commitLocked(expiry)
	if err == nil {
		return nil
	}
	if marked {
		// The marker promises the commit: the next NewObjects completes
		// it from the rows left in place.
		ss.o.s.log.Warn().Err(err).Uint64("session", ss.id).Msg("commit interrupted; the next start completes it")
	} else if derr := ss.o.dropStaged(ss.id); derr != nil {
		ss.o.s.log.Warn().Err(derr).Uint64("session", ss.id).Msg("dropping the rows of a failed commit; the next start drops them")
	}
	return fmt.Errorf("commit staging session: %w", err)
}

// commitLocked commits the session; marked tells whether its commit marker
// was written (the commit is then completed at the next start if it fails
// here).
func (ss *StagingSession) commitLocked(expiry time.Time) (marked bool, err error) {
	if ss.bytes+int64(len(ss.known))*3*ObjectHashSize <= ss.o.batchBytes && 4*len(ss.known) <= ss.o.batchCount {
		err := ss.o.s.db.Update(func(txn *badger.Txn) error {
			if err := ss.o.checkOwner(txn); err != nil {
				return err
			}
			if _, err := ss.o.moveStaged(txn, ss.id, expiry, -1); err != nil {
				return err
			}
			for _, r := range ss.buffer {
				if err := writeObject(txn, r, expiry); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			ss.buffer = nil
			return false, nil
		}
		if !errors.Is(err, badger.ErrTxnTooBig) {
			return false, err
		}
	}
	if err := ss.flushLocked(); err != nil {
		return false, err
	}
	err = ss.o.s.db.Update(func(txn *badger.Txn) error {
		if err := ss.o.checkOwner(txn); err != nil {
			return err
		}
		return txn.Set(commitKey(ss.id), encodeMillis(expiry))
	})
	if err != nil {
		return false, fmt.Errorf("write commit marker: %w", err)
	}
	return true, ss.o.finishCommit(ss.id, expiry)
}

// finishCommit moves a marked session's rows into the store in
// transactions that fit, then removes the marker.
func (o *Objects) finishCommit(id uint64, expiry time.Time) error {
	for {
		var n int
		err := o.s.db.Update(func(txn *badger.Txn) error {
			var e error
			n, e = o.moveStaged(txn, id, expiry, o.batchCount/4)
			return e
		})
		if err != nil {
			return fmt.Errorf("move staged contracts: %w", err)
		}
		if n == 0 {
			break
		}
	}
	if err := o.s.db.Update(func(txn *badger.Txn) error { return txn.Delete(commitKey(id)) }); err != nil {
		return fmt.Errorf("remove commit marker: %w", err)
	}
	return nil
}

// moveStaged moves staged rows of session id into the store in txn, in
// staging order: at most limit rows and about batchBytes (limit < 0: all).
// It returns how many it moved.
func (o *Objects) moveStaged(txn *badger.Txn, id uint64, expiry time.Time, limit int) (int, error) {
	var recs []stagedRecord
	var keys [][]byte
	var size int64
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: stagedPrefix(id)})
	for it.Rewind(); it.Valid(); it.Next() {
		if limit >= 0 && len(recs) > 0 && (len(recs) >= limit || size >= o.batchBytes) {
			break
		}
		var r stagedRecord
		if err := it.Item().Value(func(b []byte) error { return o.s.codec.unmarshal("staged contract", b, &r) }); err != nil {
			it.Close()
			return 0, err
		}
		recs = append(recs, r)
		keys = append(keys, it.Item().KeyCopy(nil))
		size += int64(len(r.Data) + len(r.Adj))
	}
	it.Close()
	for i, r := range recs {
		if err := writeObject(txn, r, expiry); err != nil {
			return 0, err
		}
		if err := txn.Delete(keys[i]); err != nil {
			return 0, fmt.Errorf("delete staged row: %w", err)
		}
	}
	return len(recs), nil
}

// writeObject stores a staged contract with its adjacency and lease. The
// writes are blind (no read): content addressing makes rewriting an
// existing contract harmless, and blind writes never conflict with a
// concurrent commit of the same contract.
func writeObject(txn *badger.Txn, r stagedRecord, expiry time.Time) error {
	h, err := ObjectHash(r.Hash)
	if err != nil {
		return fmt.Errorf("staged contract: %w", err)
	}
	if len(r.Adj)%ObjectHashSize != 0 {
		return fmt.Errorf("staged contract %x: adjacency of %d bytes", h, len(r.Adj))
	}
	if err := txn.Set(objectKey(h), r.Data); err != nil {
		return fmt.Errorf("write contract %x: %w", h, err)
	}
	adj := r.Adj
	if adj == nil {
		adj = []byte{}
	}
	if err := txn.Set(objectAdjKey(h), adj); err != nil {
		return fmt.Errorf("write adjacency of %x: %w", h, err)
	}
	if err := txn.Set(objectLeaseKey(h), encodeMillis(expiry)); err != nil {
		return fmt.Errorf("write lease of %x: %w", h, err)
	}
	return nil
}

// Discard drops everything staged and closes the session.
func (ss *StagingSession) Discard() error {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		return ErrSessionClosed
	}
	ss.closed = true
	ss.buffer, ss.known, ss.pins = nil, nil, nil
	ss.o.forget(ss.id)
	if ss.seq == 0 {
		return nil
	}
	if err := ss.o.dropStaged(ss.id); err != nil {
		return fmt.Errorf("discard staging session (its rows go at the next start): %w", err)
	}
	return nil
}

// dropStaged deletes the staging rows of session id.
func (o *Objects) dropStaged(id uint64) error {
	_, err := o.deleteByPrefix(stagedPrefix(id))
	return err
}

// deleteByPrefix deletes every key under prefix in transactions that fit
// and returns how many it deleted.
func (o *Objects) deleteByPrefix(prefix []byte) (int, error) {
	total := 0
	for {
		var keys [][]byte
		err := o.s.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
			defer it.Close()
			for it.Rewind(); it.Valid() && len(keys) < o.batchCount/2; it.Next() {
				keys = append(keys, it.Item().KeyCopy(nil))
			}
			return nil
		})
		if err != nil || len(keys) == 0 {
			return total, err
		}
		err = o.s.db.Update(func(txn *badger.Txn) error {
			for _, k := range keys {
				if err := txn.Delete(k); err != nil {
					return fmt.Errorf("delete %x: %w", k, err)
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(keys)
	}
}

// recover completes the commits a previous process left marked and drops
// every other staged row.
func (o *Objects) recover() error {
	type marker struct {
		id     uint64
		expiry time.Time
	}
	var marks []marker
	err := o.s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte{pObjectCommit}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			if len(k) != 9 {
				return fmt.Errorf("commit marker key %x", k)
			}
			var ms int64
			if err := it.Item().Value(func(b []byte) error {
				var e error
				ms, e = decodeMillis(b)
				return e
			}); err != nil {
				return fmt.Errorf("commit marker %x: %w", k, err)
			}
			marks = append(marks, marker{id: binary.BigEndian.Uint64(k[1:]), expiry: time.UnixMilli(ms)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range marks {
		if err := o.finishCommit(m.id, m.expiry); err != nil {
			return fmt.Errorf("complete interrupted commit of session %x: %w", m.id, err)
		}
	}
	dropped, err := o.deleteByPrefix([]byte{pObjectStaged})
	if err != nil {
		return fmt.Errorf("drop abandoned staging rows: %w", err)
	}
	if len(marks) > 0 || dropped > 0 {
		o.s.log.Info().Int("completed_commits", len(marks)).Int("dropped_staged", dropped).Msg("object store recovered")
	}
	return nil
}

// ---------------------------------------------------------------------------
// Garbage collection

// GCStats reports what one GC did.
type GCStats struct {
	// Roots is the number of distinct root hashes (stored or not).
	Roots int
	// Kept and Removed count stored contracts.
	Kept, Removed int
	// LeasesExpired counts lease rows removed.
	LeasesExpired int
}

// GC removes every stored contract that no root reaches. The policy follows
// the Haskell contract store and its garbage collector: the roots are
//
//   - chain roots: the hash of the contract in the datum of every contract
//     output the index tracks as unspent at its tip, and of every
//     merkleized continuation that contract names; plus the same for every
//     contract output spent within the retained journal window (the last
//     k+1 blocks), since a rollback can bring those back (Haskell keeps
//     consumed outputs for k blocks);
//   - leases: every contract committed by a load or import session in the
//     last Lease (default a day) before now, the Haskell minContractAge,
//     so that a client has time to create the contract it loaded;
//   - pins: the stored contracts open staging sessions rely on.
//
// A contract is kept when it is in the closure of a root (the root itself
// and every continuation reachable from it); everything else goes, with its
// adjacency and lease. Expired leases go too. GC excludes commits and the
// indexer (ApplyBlock, RollBack) while it runs, so the roots and the sweep
// see one state. Dead contracts are deleted parents first, so a GC cut
// short leaves no stored contract with a missing continuation.
func (o *Objects) GC(now time.Time) (GCStats, error) {
	o.gcMu.Lock()
	defer o.gcMu.Unlock()
	o.s.mu.Lock()
	defer o.s.mu.Unlock()

	var st GCStats
	roots := make(map[[32]byte]struct{})
	var expired [][32]byte
	nowMs := now.UnixMilli()
	err := o.s.db.View(func(txn *badger.Txn) error {
		if err := o.leaseRoots(txn, nowMs, roots, &expired); err != nil {
			return err
		}
		return o.chainRoots(txn, roots)
	})
	if err != nil {
		return st, fmt.Errorf("gc: roots: %w", err)
	}
	o.pinRoots(roots)
	st.Roots = len(roots)

	live := make(map[[32]byte]struct{})
	dead := make(map[[32]byte][][32]byte)
	err = o.s.db.View(func(txn *badger.Txn) error {
		stack := slices.Collect(maps.Keys(roots))
		for len(stack) > 0 {
			h := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if _, done := live[h]; done {
				continue
			}
			adj, ok, err := readAdj(txn, h)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			live[h] = struct{}{}
			stack = append(stack, adj...)
		}
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: []byte{pObjectAdj}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			h, err := keyHash(it.Item().Key())
			if err != nil {
				return err
			}
			if _, ok := live[h]; ok {
				continue
			}
			var adj [][32]byte
			if err := it.Item().Value(func(b []byte) error {
				var e error
				adj, e = decodeAdj(b)
				return e
			}); err != nil {
				return fmt.Errorf("adjacency of %x: %w", h, err)
			}
			dead[h] = adj
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("gc: mark: %w", err)
	}
	st.Kept = len(live)

	order := parentsFirst(dead)
	per := max(1, o.batchCount/8)
	for len(order) > 0 {
		n := min(per, len(order))
		err := o.s.db.Update(func(txn *badger.Txn) error {
			for _, h := range order[:n] {
				for _, k := range [][]byte{objectKey(h), objectAdjKey(h), objectLeaseKey(h)} {
					if err := txn.Delete(k); err != nil {
						return fmt.Errorf("delete %x: %w", k, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return st, fmt.Errorf("gc: sweep: %w", err)
		}
		st.Removed += n
		order = order[n:]
	}
	for len(expired) > 0 {
		n := min(per, len(expired))
		err := o.s.db.Update(func(txn *badger.Txn) error {
			for _, h := range expired[:n] {
				if err := txn.Delete(objectLeaseKey(h)); err != nil {
					return fmt.Errorf("delete lease of %x: %w", h, err)
				}
			}
			return nil
		})
		if err != nil {
			return st, fmt.Errorf("gc: expire leases: %w", err)
		}
		st.LeasesExpired += n
		expired = expired[n:]
	}
	o.s.log.Debug().Int("roots", st.Roots).Int("kept", st.Kept).Int("removed", st.Removed).
		Int("leases_expired", st.LeasesExpired).Msg("contract store gc")
	return st, nil
}

// leaseRoots adds the hashes leased beyond nowMs to roots and collects the
// expired leases.
func (o *Objects) leaseRoots(txn *badger.Txn, nowMs int64, roots map[[32]byte]struct{}, expired *[][32]byte) error {
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte{pObjectLease}})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		h, err := keyHash(it.Item().Key())
		if err != nil {
			return err
		}
		var until int64
		if err := it.Item().Value(func(b []byte) error {
			var e error
			until, e = decodeMillis(b)
			return e
		}); err != nil {
			return fmt.Errorf("lease of %x: %w", h, err)
		}
		if until > nowMs {
			roots[h] = struct{}{}
		} else {
			*expired = append(*expired, h)
		}
	}
	return nil
}

// pinRoots adds the pins of the open sessions to roots.
func (o *Objects) pinRoots(roots map[[32]byte]struct{}) {
	o.sessionsMu.Lock()
	sessions := slices.Collect(maps.Values(o.sessions))
	o.sessionsMu.Unlock()
	for _, ss := range sessions {
		ss.mu.Lock()
		for h := range ss.pins {
			roots[h] = struct{}{}
		}
		ss.mu.Unlock()
	}
}

// chainRoots adds the roots of the contract outputs unspent at the tip or
// spent within the journal window.
func (o *Objects) chainRoots(txn *badger.Txn, roots map[[32]byte]struct{}) error {
	outs := map[extract.TxOutRef]extract.TxOutRef{} // output → contract
	addEntry := func(b []byte) error {
		var e extract.Entry
		if err := o.s.codec.unmarshal("utxo entry", b, &e); err != nil {
			return err
		}
		if e.Kind == extract.EntryContract {
			outs[e.Ref] = e.ContractID
		}
		return nil
	}
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte{pUTxO}})
	for it.Rewind(); it.Valid(); it.Next() {
		if err := it.Item().Value(addEntry); err != nil {
			it.Close()
			return err
		}
	}
	it.Close()
	it = txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte{pJournal}})
	for it.Rewind(); it.Valid(); it.Next() {
		var j journalRecord
		if err := it.Item().Value(func(b []byte) error { return o.s.codec.unmarshal("journal", b, &j) }); err != nil {
			it.Close()
			return err
		}
		for _, u := range j.Undo {
			if u.Had && len(u.Key) > 0 && u.Key[0] == pUTxO {
				if err := addEntry(u.Value); err != nil {
					it.Close()
					return err
				}
			}
		}
	}
	it.Close()

	byContract := map[extract.TxOutRef][]extract.TxOutRef{}
	for out, id := range outs {
		byContract[id] = append(byContract[id], out)
	}
	for id, wanted := range byContract {
		if err := o.contractRoots(txn, id, wanted, roots); err != nil {
			return fmt.Errorf("roots of contract %s: %w", id, err)
		}
	}
	return nil
}

// contractRoots finds, among contract id's steps, the outputs in wanted and
// adds the roots of their datums.
func (o *Objects) contractRoots(txn *badger.Txn, id extract.TxOutRef, wanted []extract.TxOutRef, roots map[[32]byte]struct{}) error {
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: newKey(pStep).ref(id)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var st Step
		if err := it.Item().Value(func(b []byte) error { return o.s.codec.unmarshal("step", b, &st) }); err != nil {
			return err
		}
		if st.Output == nil || !slices.Contains(wanted, st.Output.Ref) {
			continue
		}
		if st.Output.Datum == nil {
			o.s.log.Debug().Stringer("output", st.Output.Ref).Msg("gc: contract output without a datum")
			continue
		}
		md, err := core.DecodeData[core.MarloweData](st.Output.Datum)
		if err != nil {
			// The recogniser indexed it as MarloweData; a datum that
			// no longer decodes is corruption, not a reason to drop
			// contracts.
			return fmt.Errorf("datum of %s: %w", st.Output.Ref, err)
		}
		h, err := core.ContractHash(md.Contract)
		if err != nil {
			return fmt.Errorf("datum of %s: %w", st.Output.Ref, err)
		}
		roots[h] = struct{}{}
		walkRefs(md.Contract, func(b []byte) {
			if x, err := ObjectHash(b); err == nil {
				roots[x] = struct{}{}
			}
		})
	}
	return nil
}

// parentsFirst orders the dead contracts so that each comes before every
// dead contract it names: the reverse of a depth-first post-order. No live
// contract names a dead one (the live set is closed under adjacency), so
// deleting in this order never leaves a stored contract whose continuation
// is gone.
func parentsFirst(dead map[[32]byte][][32]byte) [][32]byte {
	type frame struct {
		h    [32]byte
		next int
	}
	keys := sortedHashes(func() map[[32]byte]struct{} {
		m := make(map[[32]byte]struct{}, len(dead))
		for h := range dead {
			m[h] = struct{}{}
		}
		return m
	}())
	done := make(map[[32]byte]bool, len(dead))
	post := make([][32]byte, 0, len(dead))
	for _, start := range keys {
		if done[start] {
			continue
		}
		done[start] = true
		stack := []frame{{h: start}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			adj := dead[top.h]
			if top.next < len(adj) {
				c := adj[top.next]
				top.next++
				if _, isDead := dead[c]; isDead && !done[c] {
					done[c] = true
					stack = append(stack, frame{h: c})
				}
				continue
			}
			post = append(post, top.h)
			stack = stack[:len(stack)-1]
		}
	}
	slices.Reverse(post)
	return post
}
