package kv

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Page selects a page of an index: the entries strictly after After (nil:
// from the start), at most Limit of them (zero or less: all).
type Page struct {
	After *extract.TxOutRef
	Limit int
}

// Contract returns a contract's header.
func (s *Store) Contract(id extract.TxOutRef) (h ContractHeader, ok bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		var e error
		ok, e = s.get(txn, headerKey(id), "contract header", &h)
		return e
	})
	return h, ok, err
}

// RolesPolicy returns the native-script CBOR of the role-token policy
// currency, as a creation transaction carried it in its witness set (see
// extract.Created.RolesPolicyScript); ok is false when no indexed creation
// with that roles currency did. Building a burn of role tokens needs it.
func (s *Store) RolesPolicy(currency core.CurrencySymbol) (script []byte, ok bool, err error) {
	if err := checkPart("roles currency", []byte(currency)); err != nil {
		return nil, false, fmt.Errorf("roles policy: %w", err)
	}
	err = s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(rolesPolicyKey(currency))
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
			return nil
		case err != nil:
			return err
		}
		ok = true
		script, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("roles policy %x: %w", []byte(currency), err)
	}
	return script, ok, nil
}

// Steps returns a contract's steps in chain order (block, transaction
// index, then create / apply / withdraw within one transaction).
func (s *Store) Steps(id extract.TxOutRef) ([]Step, error) {
	var out []Step
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: newKey(pStep).ref(id)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var st Step
			if err := it.Item().Value(func(b []byte) error { return s.codec.unmarshal("step", b, &st) }); err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("steps of %s: %w", id, err)
	}
	return out, nil
}

// ContractsByRolesCurrency lists the contracts whose role tokens are of
// policy currency, in ContractID order.
func (s *Store) ContractsByRolesCurrency(currency core.CurrencySymbol, p Page) ([]extract.TxOutRef, error) {
	if err := checkPart("roles currency", []byte(currency)); err != nil {
		return nil, err
	}
	return s.scanIDs(newKey(pByCurrency).str([]byte(currency)), p)
}

// ContractsByParty lists the contracts in which party appears (anywhere in
// the contract, its state, or a revealed continuation), in ContractID
// order. A role party is looked up under currency, the roles currency of
// the contracts; address parties ignore it.
func (s *Store) ContractsByParty(party core.Party, currency core.CurrencySymbol, p Page) ([]extract.TxOutRef, error) {
	switch party.Kind {
	case core.AddressParty:
		pk, err := partyKey(party)
		if err != nil {
			return nil, err
		}
		if err := checkPart("party", pk); err != nil {
			return nil, err
		}
		return s.scanIDs(newKey(pByAddress).str(pk), p)
	case core.RoleParty:
		if err := checkPart("role", []byte(party.Role)); err != nil {
			return nil, err
		}
		if err := checkPart("roles currency", []byte(currency)); err != nil {
			return nil, err
		}
		return s.scanIDs(newKey(pByRole).str([]byte(currency)).str([]byte(party.Role)), p)
	}
	return nil, fmt.Errorf("contracts by party: party kind %d", party.Kind)
}

// ContractsByTag lists the contracts created with metadata tag, in
// ContractID order.
func (s *Store) ContractsByTag(tag string, p Page) ([]extract.TxOutRef, error) {
	if err := checkPart("tag", []byte(tag)); err != nil {
		return nil, err
	}
	return s.scanIDs(newKey(pByTag).str([]byte(tag)), p)
}

// scanIDs pages through an index whose keys are prefix + contractID.
func (s *Store) scanIDs(prefix []byte, p Page) ([]extract.TxOutRef, error) {
	var out []extract.TxOutRef
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		start := prefix
		if p.After != nil {
			// The smallest key after the page's last id.
			start = append(newKey(0).ref(*p.After)[1:], 0)
			start = append(bytes.Clone(prefix), start...)
		}
		for it.Seek(start); it.Valid(); it.Next() {
			if p.Limit > 0 && len(out) >= p.Limit {
				break
			}
			id, err := decodeRef(it.Item().Key()[len(prefix):])
			if err != nil {
				return err
			}
			out = append(out, id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index scan: %w", err)
	}
	return out, nil
}

// Payout returns one payout by its output reference.
func (s *Store) Payout(ref extract.TxOutRef) (p Payout, ok bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		var e error
		ok, e = s.get(txn, payoutKey(ref), "payout", &p)
		return e
	})
	return p, ok, err
}

// PayoutsOfContract lists a contract's payouts with the given status (zero:
// any), in TxOutRef order within each status.
func (s *Store) PayoutsOfContract(id extract.TxOutRef, status PayoutStatus) ([]Payout, error) {
	prefix := []byte(newKey(pPayoutByCtr).ref(id))
	if status != 0 {
		prefix = append(prefix, byte(status))
	}
	return s.scanPayouts(prefix, len(newKey(pPayoutByCtr).ref(id))+1, Page{})
}

// PayoutsByRole lists the payouts to role token (currency, name) with the
// given status (zero: any), in TxOutRef order within each status.
func (s *Store) PayoutsByRole(token core.Token, status PayoutStatus, p Page) ([]Payout, error) {
	cur, role := []byte(token.Currency), []byte(token.Name)
	if err := checkPart("currency", cur); err != nil {
		return nil, err
	}
	if err := checkPart("role", role); err != nil {
		return nil, err
	}
	if p.After != nil && status == 0 {
		return nil, fmt.Errorf("payouts by role: paging needs a status")
	}
	base := payoutByTokenPrefix(cur, role)
	prefix := []byte(base)
	if status != 0 {
		prefix = append(prefix, byte(status))
	}
	return s.scanPayouts(prefix, len(base)+1, p)
}

// scanPayouts reads the payouts of an index whose keys end in the payout
// reference at refAt.
func (s *Store) scanPayouts(prefix []byte, refAt int, p Page) ([]Payout, error) {
	var out []Payout
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			ref, err := decodeRef(it.Item().Key()[refAt:])
			if err != nil {
				return err
			}
			if p.After != nil && registry.CompareTxOutRef(ref, *p.After) <= 0 {
				continue
			}
			if p.Limit > 0 && len(out) >= p.Limit {
				break
			}
			var po Payout
			ok, err := s.get(txn, payoutKey(ref), "payout", &po)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("payout index names %s, which has no record", ref)
			}
			out = append(out, po)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("payout scan: %w", err)
	}
	return out, nil
}

// Activity lists the blocks with Marlowe steps after slot afterSlot (use
// the slot of the client's last seen block), at most limit of them (zero or
// less: all), in chain order: the unit of bulk sync.
func (s *Store) Activity(afterSlot uint64, limit int) ([]BlockActivity, error) {
	var out []BlockActivity
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte{pActivity}})
		defer it.Close()
		for it.Seek(activityKey(afterSlot)); it.Valid(); it.Next() {
			if bytes.Equal(it.Item().Key(), activityKey(afterSlot)) {
				continue
			}
			if limit > 0 && len(out) >= limit {
				break
			}
			var a BlockActivity
			if err := it.Item().Value(func(b []byte) error { return s.codec.unmarshal("block activity", b, &a) }); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("activity after slot %d: %w", afterSlot, err)
	}
	return out, nil
}

// TrackedRefs calls fn with the reference of every tracked unspent output
// (the recogniser's UTxO set), in TxOutRef order, as of the tip; fn's error
// stops the scan and is returned. Keys only: the pre-filter needs the
// transaction ids, not the entries.
func (s *Store) TrackedRefs(fn func(extract.TxOutRef) error) error {
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pUTxO}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			r, err := decodeRef(it.Item().Key()[1:])
			if err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("tracked outputs: %w", err)
	}
	return nil
}
