package kv

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// A reader serving a client whose last block was rolled back must send it
// back to a point on both chains — the client's and the store's. Only the
// store knows where its chain left the client's: the point a rollback went
// back to. RollBack records it for every block it undoes (Haskell keeps the
// same in its rollbackBlock table), so the reader can send the client
// exactly there (then, if that point was itself rolled back later, where
// that rollback went, and so on). Records are bookkeeping, not index: they
// are not journalled, and each rollback drops the records of blocks older
// than the journal's window, since no live cursor that old can be served
// by a rollback anyway.

// rollbackRecord is where the store rolled back to from one block.
type rollbackRecord struct {
	_ struct{} `cbor:",toarray"`
	// HasTarget is false for a rollback to the origin.
	HasTarget bool
	Target    BlockRef
}

func rollbackKey(slot uint64, hash chain.Hash) []byte {
	k := newKey(pRolledBack).u64(slot)
	return append(k, hash[:]...)
}

// pruneRollbacks deletes the records of blocks older than the oldest
// journal entry.
func (s *Store) pruneRollbacks(txn *badger.Txn) error {
	oldest := uint64(0)
	jit := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pJournal}})
	jit.Rewind()
	if jit.Valid() {
		oldest = binary.BigEndian.Uint64(jit.Item().Key()[1:9])
	}
	jit.Close()
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pRolledBack}})
	defer it.Close()
	var due [][]byte
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		if len(k) < 9 || binary.BigEndian.Uint64(k[1:9]) >= oldest {
			break
		}
		due = append(due, it.Item().KeyCopy(nil))
	}
	for _, k := range due {
		if err := txn.Delete(k); err != nil {
			return fmt.Errorf("prune rollback record: %w", err)
		}
	}
	return nil
}

// RolledBack reports where the store went when it rolled back from block p:
// found is false when p was never rolled back (it is on the chain, was
// never stored, or its record is older than the journal window); otherwise
// target is that point, or the origin when hasTarget is false. The target
// may itself have been rolled back since: ask again with it.
func (sn *Snapshot) RolledBack(p chain.Point) (target BlockRef, hasTarget, found bool, err error) {
	var r rollbackRecord
	found, err = sn.s.get(sn.txn, rollbackKey(p.Slot, p.Hash), "rollback record", &r)
	if err != nil || !found {
		return BlockRef{}, false, false, err
	}
	return r.Target, r.HasTarget, true, nil
}

// CommonPoint follows the rollback records from block p, a block the store
// once held, to the newest point of the current chain it shares with p's
// chain: p itself when it is still on the chain. ok is false when that
// cannot be told (no record, or the records lead out of the journal
// window); onChain callers then fall back to a deeper, certainly shared
// point. A zero target with hasTarget false is the origin.
func (sn *Snapshot) CommonPoint(p BlockRef) (target BlockRef, hasTarget, ok bool, err error) {
	cur, has := p, true
	// Each hop goes strictly back in slots, so the walk ends; the bound
	// only guards against a corrupt store.
	for range 4096 {
		if !has {
			return BlockRef{}, false, true, nil
		}
		on, err := sn.holds(cur)
		if err != nil {
			return BlockRef{}, false, false, err
		}
		if on {
			return cur, true, true, nil
		}
		next, nextHas, found, err := sn.RolledBack(cur.Point())
		if err != nil || !found {
			return BlockRef{}, false, false, err
		}
		if nextHas && next.Slot >= cur.Slot {
			return BlockRef{}, false, false, fmt.Errorf("rollback record of %s goes forward to %s", cur.Point(), next.Point())
		}
		cur, has = next, nextHas
	}
	return BlockRef{}, false, false, fmt.Errorf("rollback records from %s do not end", p.Point())
}

// holds reports whether b is a block of the store's current chain that
// the store can still vouch for: the tip or a journalled block.
func (sn *Snapshot) holds(b BlockRef) (bool, error) {
	tip, ok, err := sn.s.readTip(sn.txn)
	if err != nil || !ok {
		return false, err
	}
	if tip.Point() == b.Point() {
		return true, nil
	}
	var j journalRecord
	found, err := sn.s.get(sn.txn, journalKey(b.Slot), "journal", &j)
	if err != nil || !found {
		return false, err
	}
	return bytes.Equal(j.Block.Hash[:], b.Hash[:]), nil
}
