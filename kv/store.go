package kv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/dgraph-io/badger/v4"
	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// defaultMemTableSize is the memtable size unless Options.MemTableSize
// sets one.
const defaultMemTableSize = 32 << 20

// DefaultSecurityParam is Cardano's k: no rollback is deeper than this
// many blocks, so journal entries further below the tip are pruned.
const DefaultSecurityParam = 2160

// ErrBlockTooBig means one block's writes (index keys, their journal entry
// and the chain point) do not fit in one Badger transaction. The block is
// not applied: splitting it would break the atomicity the rollback journal
// relies on. Badger's limit is about 15% of MemTableSize in bytes (≈4.8 MiB
// with the 32 MiB default) and a proportional number of entries; a
// Cardano block (≤ 90 KB) stays far below it. Raise Options.MemTableSize if
// this ever fires.
var ErrBlockTooBig = errors.New("block writes exceed one badger transaction")

// ErrBeyondWindow means a rollback target is older than the journal's
// retained window: the store cannot undo that far and is left unchanged.
var ErrBeyondWindow = errors.New("rollback point is older than the retained journal window")

// ErrNotOnChain means a rollback target is not a point of the stored
// chain (no stored block has that slot and hash).
var ErrNotOnChain = errors.New("rollback point is not on the stored chain")

// Options configure Open.
type Options struct {
	// SecurityParam is k: journal entries more than k blocks below the
	// tip are pruned, so rollbacks up to k blocks deep always succeed.
	// Zero means DefaultSecurityParam.
	SecurityParam uint64
	// InMemory keeps everything in memory (tests); dir is then ignored.
	InMemory bool
	// SyncWrites fsyncs every commit: survives power loss, not only
	// process crashes (which Badger's write-ahead value log survives
	// without it).
	SyncWrites bool
	// MemTableSize overrides Badger's memtable size, which also bounds
	// one transaction (see ErrBlockTooBig). Zero means 32 MiB.
	MemTableSize int64
	// Logger receives the store's and Badger's logs.
	Logger zerolog.Logger
}

// Store is the Badger-backed Marlowe index. Reads may run concurrently with
// each other and with writes; ApplyBlock and RollBack are serialised.
type Store struct {
	db    *badger.DB
	k     uint64
	log   zerolog.Logger
	codec codec
	mu    sync.Mutex

	// pruneFrom is at or below the block number of the oldest journal
	// entry, so that pruning runs only when an entry is due and then
	// finds it by number without iterating. Guarded by mu.
	pruneFrom uint64
	// commits counts the transactions ApplyBlocks committed (tests).
	commits int

	// notifyMu guards changes, the broadcast to readers waiting for the
	// next commit or rollback (notify.go).
	notifyMu sync.Mutex
	changes  changes

	// fault, when set (tests only), is called before every index write of
	// ApplyBlock with the number of writes done so far; an error aborts
	// the block as a storage failure would.
	fault func(writes int) error
}

// Open opens (creating if needed) the store in dir.
func Open(dir string, opts Options) (*Store, error) {
	c, err := newCodec()
	if err != nil {
		return nil, err
	}
	bo := badger.DefaultOptions(dir).
		WithLogger(badgerLogger{opts.Logger}).
		WithSyncWrites(opts.SyncWrites).
		WithInMemory(opts.InMemory).
		WithNumCompactors(2).
		WithNumGoroutines(2).
		// A small footprint over peak write speed: the index is small and
		// written in block-sized transactions, so two memtables, a 32 MiB
		// block cache and 128 MiB value-log files (mapped, so they count
		// towards RSS when read) are plenty.
		WithMemTableSize(defaultMemTableSize).
		WithNumMemtables(2).
		WithBlockCacheSize(32 << 20).
		WithValueLogFileSize(128 << 20)
	if opts.InMemory {
		bo.Dir, bo.ValueDir = "", ""
	}
	if opts.MemTableSize > 0 {
		// Badger requires values stored in the LSM tree to fit a batch
		// (15% of the memtable).
		bo = bo.WithMemTableSize(opts.MemTableSize).
			WithValueThreshold(min(bo.ValueThreshold, opts.MemTableSize/10))
	}
	if !opts.InMemory {
		if err := removeEmptyMemtables(dir); err != nil {
			return nil, fmt.Errorf("open badger store %q: %w", dir, err)
		}
	}
	db, err := badger.Open(bo)
	if err != nil {
		return nil, fmt.Errorf("open badger store %q: %w", dir, err)
	}
	s := &Store{db: db, k: opts.SecurityParam, log: opts.Logger, codec: c}
	if s.k == 0 {
		s.k = DefaultSecurityParam
	}
	if err := s.checkFormat(); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	if s.pruneFrom, err = s.oldestJournalNumber(); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return s, nil
}

// removeEmptyMemtables deletes zero-length memtable files. A crash between
// Badger creating a memtable file and its first write leaves one, on which
// badger.Open fails ("Create a new file", Badger issue #2207). Such a file
// holds no entry, so removing it loses nothing and Badger starts a fresh one.
func removeEmptyMemtables(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.IsDir() || filepath.Ext(e.Name()) != ".mem" {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if info.Size() == 0 {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("remove empty memtable file: %w", err)
			}
		}
	}
	return nil
}

func (s *Store) checkFormat() error {
	return s.db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(formatKey())
		if errors.Is(err, badger.ErrKeyNotFound) {
			b, err := s.codec.marshal("format", formatVersion)
			if err != nil {
				return err
			}
			return txn.Set(formatKey(), b)
		}
		if err != nil {
			return fmt.Errorf("read store format: %w", err)
		}
		var v uint64
		if err := item.Value(func(b []byte) error { return s.codec.unmarshal("store format", b, &v) }); err != nil {
			return err
		}
		if v != formatVersion {
			return fmt.Errorf("store format %d, this build reads format %d", v, formatVersion)
		}
		return nil
	})
}

// Close flushes and closes the store.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close badger store: %w", err)
	}
	return nil
}

// SecurityParam is the store's k.
func (s *Store) SecurityParam() uint64 { return s.k }

// Tip returns the last applied block; ok is false at the origin.
func (s *Store) Tip() (tip BlockRef, ok bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		var e error
		tip, ok, e = s.readTip(txn)
		return e
	})
	return tip, ok, err
}

func (s *Store) readTip(txn *badger.Txn) (BlockRef, bool, error) {
	var t BlockRef
	ok, err := s.get(txn, tipKey(), "tip", &t)
	return t, ok, err
}

// get decodes the value at key into v; ok is false when the key is absent.
func (s *Store) get(txn *badger.Txn, key []byte, what string, v any) (bool, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", what, err)
	}
	return true, item.Value(func(b []byte) error { return s.codec.unmarshal(what, b, v) })
}

// Lookup implements extract.UTxO over the tracked unspent outputs as of
// the tip.
func (s *Store) Lookup(ref extract.TxOutRef) (e extract.Entry, ok bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		var e2 error
		ok, e2 = s.get(txn, utxoKey(ref), "utxo entry "+ref.String(), &e)
		return e2
	})
	return e, ok, err
}

// RecentPoints returns up to n points of the stored chain, newest first:
// the tip, then the journalled blocks below it. Empty at the origin. Only
// retained blocks are offered since only they can be rolled back to.
func (s *Store) RecentPoints(n int) ([]chain.Point, error) {
	var out []chain.Point
	err := s.db.View(func(txn *badger.Txn) error {
		tip, ok, err := s.readTip(txn)
		if err != nil || !ok || n <= 0 {
			return err
		}
		out = append(out, tip.Point())
		it := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: []byte{pJournal}})
		defer it.Close()
		// Seek just past the tip's slot: entries at or above it are
		// the tip itself.
		for it.Seek(journalKey(tip.Slot)); it.Valid() && len(out) < n; it.Next() {
			var j journalRecord
			if err := it.Item().Value(func(b []byte) error { return s.codec.unmarshal("journal", b, &j) }); err != nil {
				return err
			}
			if j.Block.Slot >= tip.Slot {
				continue
			}
			out = append(out, j.Block.Point())
		}
		return nil
	})
	return out, err
}

// Block is one block to apply: its point, block number and events.
type Block struct {
	Point  chain.Point
	Number uint64
	Events extract.BlockEvents
}

// ApplyBlock indexes one block on top of the tip. Every index write, the
// block's journal entry and the new chain point commit in one Badger
// transaction, together with the pruning of journal entries more than k
// blocks below the new tip: after a crash the store is at the previous or
// the new block, never in between. Blocks without Marlowe events are
// applied too (they move the chain point and get a small journal entry).
func (s *Store) ApplyBlock(point chain.Point, blockNumber uint64, ev extract.BlockEvents) error {
	return s.ApplyBlocks([]Block{{Point: point, Number: blockNumber, Events: ev}})
}

// ApplyBlocks applies consecutive blocks in as few Badger transactions as
// fit, each block with its own journal entry exactly as ApplyBlock: a crash
// leaves the store at a block boundary. Committing many blocks at once is
// what makes catch-up fast, since a commit costs far more than an empty
// block's writes. A batch that exceeds one transaction is split in halves
// at block boundaries; a single block that exceeds it fails with
// ErrBlockTooBig. On error, the blocks before the failing one may have
// been applied (Tip tells). Lookup sees committed blocks only: a caller
// that batches extracts each block over an extract.MemUTxO overlay holding
// the Deltas of the batch's earlier blocks.
func (s *Store) ApplyBlocks(blocks []Block) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range blocks {
		if err := checkBlock(b); err != nil {
			return err
		}
	}
	return s.applyBatch(blocks)
}

func checkBlock(b Block) error {
	if b.Point.IsOrigin() {
		return fmt.Errorf("apply block: the origin is not a block")
	}
	if h := b.Events.Header; h != (extract.BlockHeader{}) && (h.Slot != b.Point.Slot || h.Hash != b.Point.Hash || h.Number != b.Number) {
		return fmt.Errorf("apply block %s #%d: events are for block %d.%x #%d", b.Point, b.Number, h.Slot, h.Hash, h.Number)
	}
	return nil
}

func (s *Store) applyBatch(blocks []Block) error {
	if len(blocks) == 0 {
		return nil
	}
	pruneFrom := s.pruneFrom
	var failed *Block
	err := s.db.Update(func(txn *badger.Txn) error {
		for i := range blocks {
			next, err := s.applyOne(txn, &blocks[i], pruneFrom)
			if err != nil {
				failed = &blocks[i]
				return err
			}
			pruneFrom = next
		}
		return nil
	})
	if err == nil {
		s.pruneFrom = pruneFrom
		s.commits++
		s.notify()
		return nil
	}
	if errors.Is(err, badger.ErrTxnTooBig) && len(blocks) > 1 {
		half := len(blocks) / 2
		if err := s.applyBatch(blocks[:half]); err != nil {
			return err
		}
		return s.applyBatch(blocks[half:])
	}
	if errors.Is(err, badger.ErrTxnTooBig) {
		err = fmt.Errorf("%w: %w", ErrBlockTooBig, err)
	}
	if failed != nil {
		return fmt.Errorf("apply block %s #%d: %w", failed.Point, failed.Number, err)
	}
	return fmt.Errorf("apply blocks: commit: %w", err)
}

// applyOne writes one block in txn and returns the new pruneFrom.
func (s *Store) applyOne(txn *badger.Txn, b *Block, pruneFrom uint64) (uint64, error) {
	blk := BlockRef{Slot: b.Point.Slot, Hash: b.Point.Hash, Number: b.Number}
	tip, hasTip, err := s.readTip(txn)
	if err != nil {
		return pruneFrom, err
	}
	if hasTip && (blk.Slot <= tip.Slot || blk.Number != tip.Number+1) {
		return pruneFrom, fmt.Errorf("block does not extend the tip %s #%d", tip.Point(), tip.Number)
	}
	w := &writer{txn: txn, codec: s.codec, touched: map[string]struct{}{}, fault: s.fault}
	if err := s.applyEvents(w, blk, &b.Events); err != nil {
		return pruneFrom, err
	}
	if err := w.put(tipKey(), "tip", blk); err != nil {
		return pruneFrom, err
	}
	j := journalRecord{Block: blk, HasPrev: hasTip, Prev: tip, Undo: w.undo}
	jb, err := s.codec.marshal("journal", j)
	if err != nil {
		return pruneFrom, err
	}
	if err := txn.Set(journalKey(blk.Slot), jb); err != nil {
		return pruneFrom, fmt.Errorf("write journal: %w", err)
	}
	if err := txn.Set(journalNumberKey(blk.Number), binary.BigEndian.AppendUint64(nil, blk.Slot)); err != nil {
		return pruneFrom, fmt.Errorf("write journal: %w", err)
	}
	return s.prune(txn, blk.Number, pruneFrom)
}

// prune deletes the journal entries more than k blocks below tipNumber and
// returns the new lower bound of the oldest entry's number. Block numbers
// are consecutive, so the due entries are found by number.
func (s *Store) prune(txn *badger.Txn, tipNumber, from uint64) (uint64, error) {
	if tipNumber <= s.k {
		return from, nil
	}
	floor := tipNumber - s.k
	for n := from; n < floor; n++ {
		item, err := txn.Get(journalNumberKey(n))
		if errors.Is(err, badger.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return from, fmt.Errorf("prune journal #%d: %w", n, err)
		}
		var slot uint64
		if err := item.Value(func(b []byte) error {
			if len(b) != 8 {
				return fmt.Errorf("journal number entry #%d: %d bytes", n, len(b))
			}
			slot = binary.BigEndian.Uint64(b)
			return nil
		}); err != nil {
			return from, err
		}
		if err := txn.Delete(journalKey(slot)); err != nil {
			return from, fmt.Errorf("prune journal #%d: %w", n, err)
		}
		if err := txn.Delete(journalNumberKey(n)); err != nil {
			return from, fmt.Errorf("prune journal #%d: %w", n, err)
		}
	}
	return max(from, floor), nil
}

// oldestJournalNumber reads the block number of the oldest journal entry
// (the tip's successor number when the journal is empty): Open's starting
// point for pruning.
func (s *Store) oldestJournalNumber() (uint64, error) {
	var n uint64
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pJournalNumber}})
		defer it.Close()
		it.Rewind()
		if it.Valid() {
			k := it.Item().Key()
			if len(k) != 9 {
				return fmt.Errorf("journal number key %x", k)
			}
			n = binary.BigEndian.Uint64(k[1:])
			return nil
		}
		tip, ok, err := s.readTip(txn)
		if ok {
			n = tip.Number + 1
		}
		return err
	})
	return n, err
}

// RollBack undoes every block after point, newest first, restoring exactly
// the state before each. The target must be the tip, a retained block, the
// block just below the oldest retained one, or the origin when nothing was
// ever pruned; otherwise nothing changes and the error is ErrBeyondWindow
// or ErrNotOnChain. Each block is undone in its own transaction, so a crash
// midway leaves the store at an intermediate block of the same chain.
func (s *Store) RollBack(point chain.Point) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var plan []uint64
	var target rollbackRecord
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		plan, target, err = s.rollbackPlan(txn, point)
		return err
	})
	if err != nil {
		return fmt.Errorf("roll back to %s: %w", point, err)
	}

	if len(plan) > 0 {
		// Readers learn of every undone block, even when a later one
		// fails and the store stops at an intermediate block.
		defer s.notify()
	}
	for i, slot := range plan {
		if err := s.db.Update(func(txn *badger.Txn) error {
			if i == 0 {
				if err := s.pruneRollbacks(txn); err != nil {
					return err
				}
			}
			return s.undoBlock(txn, slot, target)
		}); err != nil {
			return fmt.Errorf("roll back to %s: undo block at slot %d: %w", point, slot, err)
		}
	}
	if len(plan) > 0 {
		s.log.Debug().Stringer("point", point).Int("blocks", len(plan)).Msg("rolled back")
	}
	return nil
}

// rollbackPlan returns the slots of the journal entries to undo, newest
// first, after checking that point is reachable.
func (s *Store) rollbackPlan(txn *badger.Txn, point chain.Point) ([]uint64, rollbackRecord, error) {
	tip, ok, err := s.readTip(txn)
	if err != nil {
		return nil, rollbackRecord{}, err
	}
	if !ok {
		if point.IsOrigin() {
			return nil, rollbackRecord{}, nil
		}
		return nil, rollbackRecord{}, fmt.Errorf("%w: the store is at the origin", ErrNotOnChain)
	}
	if tip.Point() == point {
		return nil, rollbackRecord{}, nil
	}
	if !point.IsOrigin() && point.Slot >= tip.Slot {
		return nil, rollbackRecord{}, fmt.Errorf("%w: tip is %s", ErrNotOnChain, tip.Point())
	}
	it := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: []byte{pJournal}})
	defer it.Close()
	var plan []uint64
	expect := tip.Point()
	for it.Seek(journalKey(tip.Slot)); it.Valid(); it.Next() {
		var j journalRecord
		if err := it.Item().Value(func(b []byte) error { return s.codec.unmarshal("journal", b, &j) }); err != nil {
			return nil, rollbackRecord{}, err
		}
		if j.Block.Point() != expect {
			return nil, rollbackRecord{}, fmt.Errorf("journal corrupt: entry %s where %s was expected", j.Block.Point(), expect)
		}
		plan = append(plan, j.Block.Slot)
		if !j.HasPrev {
			if point.IsOrigin() {
				return plan, rollbackRecord{}, nil
			}
			return nil, rollbackRecord{}, fmt.Errorf("%w: reached the origin", ErrNotOnChain)
		}
		switch {
		case j.Prev.Point() == point:
			return plan, rollbackRecord{HasTarget: true, Target: j.Prev}, nil
		case !point.IsOrigin() && j.Prev.Slot < point.Slot:
			return nil, rollbackRecord{}, fmt.Errorf("%w: the block at slot %d is %s", ErrNotOnChain, j.Block.Slot, j.Block.Point())
		case !point.IsOrigin() && j.Prev.Slot == point.Slot:
			return nil, rollbackRecord{}, fmt.Errorf("%w: slot %d holds block %s", ErrNotOnChain, point.Slot, j.Prev.Point())
		}
		expect = j.Prev.Point()
	}
	return nil, rollbackRecord{}, fmt.Errorf("%w: oldest retained block is %s", ErrBeyondWindow, expect)
}

func (s *Store) undoBlock(txn *badger.Txn, slot uint64, target rollbackRecord) error {
	var j journalRecord
	ok, err := s.get(txn, journalKey(slot), "journal", &j)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("journal entry vanished")
	}
	for i := len(j.Undo) - 1; i >= 0; i-- {
		u := j.Undo[i]
		if u.Had {
			err = txn.Set(u.Key, u.Value)
		} else {
			err = txn.Delete(u.Key)
		}
		if err != nil {
			return fmt.Errorf("undo key %x: %w", u.Key, err)
		}
	}
	if err := txn.Delete(journalKey(slot)); err != nil {
		return fmt.Errorf("delete journal entry: %w", err)
	}
	rec, err := s.codec.marshal("rollback record", target)
	if err != nil {
		return err
	}
	if err := txn.Set(rollbackKey(j.Block.Slot, j.Block.Hash), rec); err != nil {
		return fmt.Errorf("record rollback: %w", err)
	}
	if err := txn.Delete(journalNumberKey(j.Block.Number)); err != nil {
		return fmt.Errorf("delete journal entry: %w", err)
	}
	return nil
}

// writer performs a block's writes and records, for each key on its first
// touch, the value it had before the block.
type writer struct {
	txn     *badger.Txn
	codec   codec
	touched map[string]struct{}
	undo    []undoRecord
	writes  int
	fault   func(int) error
}

func (w *writer) capture(key []byte) error {
	if w.fault != nil {
		if err := w.fault(w.writes); err != nil {
			return err
		}
	}
	w.writes++
	if _, ok := w.touched[string(key)]; ok {
		return nil
	}
	w.touched[string(key)] = struct{}{}
	u := undoRecord{Key: bytes.Clone(key)}
	item, err := w.txn.Get(key)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
	case err != nil:
		return fmt.Errorf("read %x: %w", key, err)
	default:
		u.Had = true
		if u.Value, err = item.ValueCopy(nil); err != nil {
			return fmt.Errorf("read %x: %w", key, err)
		}
	}
	w.undo = append(w.undo, u)
	return nil
}

func (w *writer) setRaw(key, val []byte) error {
	if err := w.capture(key); err != nil {
		return err
	}
	if err := w.txn.Set(key, val); err != nil {
		return fmt.Errorf("write %x: %w", key, err)
	}
	return nil
}

func (w *writer) put(key []byte, what string, v any) error {
	b, err := w.codec.marshal(what, v)
	if err != nil {
		return err
	}
	return w.setRaw(key, b)
}

func (w *writer) del(key []byte) error {
	if err := w.capture(key); err != nil {
		return err
	}
	if err := w.txn.Delete(key); err != nil {
		return fmt.Errorf("delete %x: %w", key, err)
	}
	return nil
}

// badgerLogger routes Badger's logs to zerolog.
type badgerLogger struct{ l zerolog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error().Msgf(f, a...) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn().Msgf(f, a...) }
func (b badgerLogger) Infof(f string, a ...any)    { b.l.Debug().Msgf(f, a...) }
func (b badgerLogger) Debugf(f string, a ...any)   { b.l.Trace().Msgf(f, a...) }
