package kv

import (
	"bytes"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
)

// The sync sub-protocols build each answer from several records (a block's
// activity, then the headers, steps and payouts it names) and compare the
// client's position with the chain. Reading them one by one through the
// Store methods could mix two states of the index when a commit or a
// rollback lands in between: a header already rolled back, a payout not
// yet written. A Snapshot reads everything of one answer from one Badger
// read transaction, so the answer is that of exactly one committed state.

// Snapshot is a consistent, read-only view of the committed index. It is
// valid only inside the function given to Store.Read and must not be used
// from another goroutine.
type Snapshot struct {
	s   *Store
	txn *badger.Txn
}

// Read calls fn with a snapshot of the committed index; fn's error is
// returned. Commits and rollbacks proceed meanwhile without affecting what
// fn reads. Keep fn short: the snapshot pins Badger's read timestamp.
func (s *Store) Read(fn func(*Snapshot) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		return fn(&Snapshot{s: s, txn: txn})
	})
}

// Tip returns the last applied block; ok is false at the origin.
func (r *Snapshot) Tip() (BlockRef, bool, error) { return r.s.readTip(r.txn) }

// Contract returns a contract's header.
func (r *Snapshot) Contract(id extract.TxOutRef) (h ContractHeader, ok bool, err error) {
	ok, err = r.s.get(r.txn, headerKey(id), "contract header", &h)
	return h, ok, err
}

// Creation returns a contract's create step (its creation output, with
// the contract's script address): the first of its steps in chain order.
func (r *Snapshot) Creation(id extract.TxOutRef) (Step, bool, error) {
	var st Step
	found := false
	err := r.scanSteps(newKey(pStep).ref(id), false, nil, func(s Step) (bool, error) {
		st, found = s, true
		return false, nil
	})
	if err != nil {
		return Step{}, false, fmt.Errorf("creation of %s: %w", id, err)
	}
	if found && st.Kind != StepCreate {
		return Step{}, false, fmt.Errorf("creation of %s: first step is %s at slot %d", id, st.Kind, st.Block.Slot)
	}
	return st, found, nil
}

// Payout returns one payout by its output reference.
func (r *Snapshot) Payout(ref extract.TxOutRef) (p Payout, ok bool, err error) {
	ok, err = r.s.get(r.txn, payoutKey(ref), "payout", &p)
	return p, ok, err
}

// ActivityAt returns the Marlowe activity of the block at slot, if the
// index holds one there.
func (r *Snapshot) ActivityAt(slot uint64) (a BlockActivity, ok bool, err error) {
	ok, err = r.s.get(r.txn, activityKey(slot), "block activity", &a)
	return a, ok, err
}

// ScanActivity calls fn with the blocks with Marlowe steps at slot from
// and later, in chain order, until fn returns false or an error.
func (r *Snapshot) ScanActivity(from uint64, fn func(BlockActivity) (more bool, err error)) error {
	return r.scanActivity(false, from, fn)
}

// ScanActivityBack calls fn with the blocks with Marlowe steps strictly
// before slot below, newest first, until fn returns false or an error.
func (r *Snapshot) ScanActivityBack(below uint64, fn func(BlockActivity) (more bool, err error)) error {
	if below == 0 {
		return nil
	}
	return r.scanActivity(true, below-1, fn)
}

// scanActivity iterates activity records from slot start (inclusive),
// forward or backward.
func (r *Snapshot) scanActivity(reverse bool, start uint64, fn func(BlockActivity) (bool, error)) error {
	it := r.txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Reverse: reverse, Prefix: []byte{pActivity}})
	defer it.Close()
	for it.Seek(activityKey(start)); it.Valid(); it.Next() {
		var a BlockActivity
		if err := it.Item().Value(func(b []byte) error { return r.s.codec.unmarshal("block activity", b, &a) }); err != nil {
			return fmt.Errorf("activity at key %x: %w", it.Item().Key(), err)
		}
		more, err := fn(a)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// StepsAt returns a contract's steps in the block at slot, in chain order
// (transaction index, then create / apply / withdraw).
func (r *Snapshot) StepsAt(id extract.TxOutRef, slot uint64) ([]Step, error) {
	return r.collectSteps(newKey(pStep).ref(id).u64(slot))
}

// TxSteps returns a contract's steps in transaction txIndex of the block
// at slot (at most one of each kind), in create / apply / withdraw order.
func (r *Snapshot) TxSteps(id extract.TxOutRef, slot uint64, txIndex uint32) ([]Step, error) {
	return r.collectSteps(newKey(pStep).ref(id).u64(slot).u32(txIndex))
}

func (r *Snapshot) collectSteps(prefix []byte) ([]Step, error) {
	var out []Step
	err := r.scanSteps(prefix, false, nil, func(s Step) (bool, error) {
		out = append(out, s)
		return true, nil
	})
	return out, err
}

// ScanSteps calls fn with a contract's steps in blocks at slot from and
// later, in chain order, until fn returns false or an error.
func (r *Snapshot) ScanSteps(id extract.TxOutRef, from uint64, fn func(Step) (more bool, err error)) error {
	prefix := newKey(pStep).ref(id)
	return r.scanSteps(prefix, false, keyBuilder(bytes.Clone(prefix)).u64(from), fn)
}

// ScanStepsBack calls fn with a contract's steps in blocks strictly before
// slot below, newest first (within a block, last transaction first), until
// fn returns false or an error.
func (r *Snapshot) ScanStepsBack(id extract.TxOutRef, below uint64, fn func(Step) (more bool, err error)) error {
	prefix := newKey(pStep).ref(id)
	// In reverse, Seek finds the greatest key at or before the seek key;
	// prefix+below sorts before every key of slot below (they are longer)
	// and after every key of an earlier slot.
	return r.scanSteps(prefix, true, keyBuilder(bytes.Clone(prefix)).u64(below), fn)
}

// scanSteps iterates the step records under prefix, from seek (nil: the
// first key in iteration order).
func (r *Snapshot) scanSteps(prefix []byte, reverse bool, seek []byte, fn func(Step) (bool, error)) error {
	it := r.txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Reverse: reverse, Prefix: prefix})
	defer it.Close()
	switch {
	case seek != nil:
		it.Seek(seek)
	case reverse:
		// Past every key with this prefix: the prefix followed by 0xFF
		// bytes longer than any step key.
		it.Seek(append(bytes.Clone(prefix), bytes.Repeat([]byte{0xFF}, 16)...))
	default:
		it.Rewind()
	}
	for ; it.Valid(); it.Next() {
		var st Step
		if err := it.Item().Value(func(b []byte) error { return r.s.codec.unmarshal("step", b, &st) }); err != nil {
			return fmt.Errorf("step at key %x: %w", it.Item().Key(), err)
		}
		more, err := fn(st)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// LatestActivity returns the newest block with Marlowe steps; ok is false
// when there is none.
func (r *Snapshot) LatestActivity() (BlockActivity, bool, error) {
	var out BlockActivity
	found := false
	err := r.scanActivity(true, ^uint64(0), func(a BlockActivity) (bool, error) {
		out, found = a, true
		return false, nil
	})
	return out, found, err
}
