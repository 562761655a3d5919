package kv

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Read APIs of the MarloweQuery listings. Each call reads one Badger
// snapshot, so a page, its next range and its total count always agree.
// Listings are in chain order (see the query index section of apply.go).

// ListRange selects a page of a listing the way the Haskell runtime's
// queries do: from Start (inclusive; the first item in the direction when
// nil), skip Offset items, return at most Limit. Descending pages from the
// newest item back.
type ListRange[K any] struct {
	Start      *K
	Offset     int64
	Limit      int64
	Descending bool
}

// ListPage is one page of a listing: its items, the key of the item right
// after the page in the range's direction (nil on the last page) and the
// number of items the filter matches overall.
type ListPage[K, V any] struct {
	Items []V
	Next  *K
	Total int64
}

// valid reports whether the range can be answered: a zero limit would
// page forever and a negative offset means nothing, so the runtime answers
// both with "no page".
func (r ListRange[K]) valid() bool { return r.Limit > 0 && r.Offset >= 0 }

// ContractFilter selects contracts as the runtime's ContractFilter does:
// every non-empty field must hold (a contract matches a field when it has
// any of its values), except that PartyAddresses and PartyRoles together
// form one field (a contract naming any of those parties matches). Empty
// fields do not constrain. A value too long to be a key part matches
// nothing, like any value no contract has.
type ContractFilter struct {
	Tags            []string
	RolesCurrencies []core.CurrencySymbol
	// PartyAddresses are raw (CIP-19) addresses, as the runtime's queries
	// carry them; one that is no Shelley payment address matches nothing.
	PartyAddresses [][]byte
	// PartyRoles are role tokens: the roles currency of the contract and
	// the role name.
	PartyRoles []core.Token
}

// PayoutFilter selects payouts: by status unless Status is zero, by
// contract when Contracts is non-empty and by role token when Roles is
// non-empty (any of the listed values each).
type PayoutFilter struct {
	Status    PayoutStatus
	Contracts []extract.TxOutRef
	Roles     []core.Token
}

// WithdrawalFilter selects withdrawal transactions that spent a payout of
// any of RolesCurrencies (every withdrawal when empty).
type WithdrawalFilter struct {
	RolesCurrencies []core.CurrencySymbol
}

// Withdrawal is a withdrawal transaction with the records of the payouts
// it spent, in TxOutRef order.
type Withdrawal struct {
	Tx      WithdrawalTx
	Payouts []Payout
}

// ListedContract is a contract as the contract listing delivers it: its
// header and the address of its creation output (which the listing
// reports and the header lacks).
type ListedContract struct {
	Header  ContractHeader
	Address []byte
}

// ContractRole is what the role-currency listing needs of a contract: its
// roles currency (empty for a contract without roles) and whether an
// apply step closed it.
type ContractRole struct {
	ContractID    extract.TxOutRef
	RolesCurrency core.CurrencySymbol
	Closed        bool
}

// ContractHistory is everything indexed about one contract.
type ContractHistory struct {
	Header ContractHeader
	// Steps are in chain order, the creation first.
	Steps []Step
	// Payouts are every payout of the contract, available and withdrawn,
	// in TxOutRef order.
	Payouts []Payout
}

// ListContracts pages through the contracts matching f in creation order
// (creation slot, then ContractID). The page is nil when the range is
// invalid or its start is no contract matching f.
func (s *Store) ListContracts(f ContractFilter, r ListRange[extract.TxOutRef]) (*ListPage[extract.TxOutRef, ListedContract], error) {
	if !r.valid() {
		return nil, nil
	}
	fields := contractFields(f)
	var page *ListPage[extract.TxOutRef, ListedContract]
	err := s.db.View(func(txn *badger.Txn) error {
		var start []byte
		if r.Start != nil {
			var h ContractHeader
			ok, err := s.get(txn, headerKey(*r.Start), "contract header", &h)
			if err != nil || !ok {
				return err
			}
			start = keyBuilder(nil).u64(h.Block.Slot).ref(*r.Start)
		}
		c, total, found, err := s.plan(txn, fields, []byte{pCreated}, refSortKey, start)
		if err != nil || !found {
			return err
		}
		defer c.close()
		page, err = readPage(c, start, r, total, refAfterSlot, func(k []byte) (ListedContract, error) {
			var c ListedContract
			id, err := decodeRef(k[8:])
			if err != nil {
				return c, err
			}
			ok, err := s.get(txn, headerKey(id), "contract header", &c.Header)
			if err != nil {
				return c, err
			}
			if !ok {
				return c, fmt.Errorf("creation index names %s, which has no header", id)
			}
			addr, ok, err := rawValue(txn, append([]byte{pCreated}, k...))
			if err != nil {
				return c, err
			}
			if !ok {
				return c, fmt.Errorf("contract %s is not in the creation order", id)
			}
			c.Address = addr
			return c, nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list contracts: %w", err)
	}
	return page, nil
}

// contractFields turns a filter into its fields, each the posting
// prefixes of its values. A field with no prefix (only values that cannot
// be indexed) matches nothing.
func contractFields(f ContractFilter) [][][]byte {
	var fields [][][]byte
	if len(f.Tags) > 0 {
		var ps [][]byte
		for _, t := range f.Tags {
			if !fits(t) {
				continue
			}
			ps = append(ps, newKey(pTagOrder).str([]byte(t)))
		}
		fields = append(fields, ps)
	}
	if len(f.RolesCurrencies) > 0 {
		var ps [][]byte
		for _, c := range f.RolesCurrencies {
			if !fits(c) {
				continue
			}
			ps = append(ps, newKey(pCurOrder).str([]byte(c)))
		}
		fields = append(fields, ps)
	}
	if len(f.PartyAddresses) > 0 || len(f.PartyRoles) > 0 {
		ps := [][]byte{}
		for _, raw := range f.PartyAddresses {
			a, err := core.AddressFromCIP19(raw)
			if err != nil {
				// Not an address a Marlowe party can have: no
				// contract names it.
				continue
			}
			pk, err := partyKey(core.AddressPartyOf(a))
			if err != nil {
				continue
			}
			if !fits(pk) {
				continue
			}
			ps = append(ps, newKey(pAddrOrder).str(pk))
		}
		for _, t := range f.PartyRoles {
			if !fits(t.Currency) || !fits(t.Name) {
				continue
			}
			ps = append(ps, newKey(pRoleOrder).str([]byte(t.Currency)).str([]byte(t.Name)))
		}
		fields = append(fields, ps)
	}
	return fields
}

// plan picks how to walk the items matching fields (each a list of
// posting prefixes; an item matches a field when it is in any of its
// postings): with no field, the posting all; with one field of one value,
// that posting, streamed; otherwise the matching sort keys are collected
// from the field with the fewest entries and checked against the others.
// It returns the cursor, the total count, and found = false when start is
// set but matches no item.
func (s *Store) plan(txn *badger.Txn, fields [][][]byte, all []byte, width int, start []byte) (cursor, int64, bool, error) {
	// Postings without entries match nothing; dropping them spares an
	// iterator each (a filter may list many unknown values). A field left
	// without postings matches nothing at all.
	sizes := make([]int64, len(fields))
	for i, f := range fields {
		var kept [][]byte
		for _, p := range f {
			n, err := readCount(txn, p)
			if err != nil {
				return nil, 0, false, err
			}
			if n > 0 {
				kept = append(kept, p)
				sizes[i] = satAdd(sizes[i], n)
			}
		}
		if len(kept) == 0 {
			return &sliceCursor{}, 0, start == nil, nil
		}
		fields[i] = kept
	}
	if len(fields) <= 1 && (len(fields) == 0 || len(fields[0]) == 1) {
		prefix, total := all, int64(0)
		if len(fields) == 1 {
			prefix, total = fields[0][0], sizes[0]
		} else {
			n, err := readCount(txn, prefix)
			if err != nil {
				return nil, 0, false, err
			}
			total = n
		}
		if start != nil {
			ok, err := exists(txn, append(bytes.Clone(prefix), start...))
			if err != nil || !ok {
				return nil, 0, false, err
			}
		}
		return newPosting(txn, prefix, width), total, true, nil
	}
	keys, err := collect(txn, fields, sizes, width)
	if err != nil {
		return nil, 0, false, err
	}
	if start != nil {
		if _, ok := slices.BinarySearchFunc(keys, start, bytes.Compare); !ok {
			return nil, 0, false, nil
		}
	}
	return &sliceCursor{keys: keys}, int64(len(keys)), true, nil
}

// collect returns the sorted sort keys in every field: the union of the
// postings of the field with the fewest entries, filtered by each other
// field either by probing its postings per key or by collecting it too,
// whichever reads fewer keys. sizes are the fields' entry counts.
func collect(txn *badger.Txn, fields [][][]byte, sizes []int64, width int) ([][]byte, error) {
	order := make([]int, len(fields))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sizes[a], sizes[b]) })
	keys, err := union(txn, fields[order[0]], width)
	if err != nil {
		return nil, err
	}
	for _, fi := range order[1:] {
		if len(keys) == 0 {
			break
		}
		f := fields[fi]
		if probes := int64(len(keys)) * int64(len(f)); probes <= sizes[fi] {
			keys, err = probeAll(txn, keys, f)
		} else {
			var other [][]byte
			if other, err = union(txn, f, width); err == nil {
				keys = intersect(keys, other)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// union reads the sort keys of several postings, sorted and without
// duplicates.
func union(txn *badger.Txn, prefixes [][]byte, width int) ([][]byte, error) {
	var keys [][]byte
	for _, p := range prefixes {
		c := newPosting(txn, p, width)
		c.seek(nil, false)
		for ; c.valid(); c.next() {
			keys = append(keys, bytes.Clone(c.key()))
		}
		err := c.err
		c.close()
		if err != nil {
			return nil, err
		}
	}
	if len(prefixes) > 1 {
		slices.SortFunc(keys, bytes.Compare)
		keys = slices.CompactFunc(keys, bytes.Equal)
	}
	return keys, nil
}

// probeAll keeps the keys present in any of the postings.
func probeAll(txn *badger.Txn, keys, prefixes [][]byte) ([][]byte, error) {
	out := keys[:0]
	for _, k := range keys {
		for _, p := range prefixes {
			ok, err := exists(txn, append(bytes.Clone(p), k...))
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, k)
				break
			}
		}
	}
	return out, nil
}

// intersect keeps the keys of a that are in b; both are sorted.
func intersect(a, b [][]byte) [][]byte {
	out := a[:0]
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := bytes.Compare(a[i], b[j]); {
		case c == 0:
			out = append(out, a[i])
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	return out
}

// ListPayouts pages through the payouts matching f in chain order (slot of
// the transaction that paid them, then TxOutRef). The page is nil when the
// range is invalid or its start is no payout matching f.
func (s *Store) ListPayouts(f PayoutFilter, r ListRange[extract.TxOutRef]) (*ListPage[extract.TxOutRef, Payout], error) {
	if !r.valid() {
		return nil, nil
	}
	var page *ListPage[extract.TxOutRef, Payout]
	err := s.db.View(func(txn *badger.Txn) error {
		var start []byte
		var startPayout Payout
		if r.Start != nil {
			ok, err := s.get(txn, payoutKey(*r.Start), "payout", &startPayout)
			if err != nil || !ok {
				return err
			}
			start = keyBuilder(nil).u64(startPayout.Created.Slot).ref(*r.Start)
		}
		var (
			c     cursor
			total int64
			byKey map[string]Payout
		)
		if len(f.Contracts) == 0 && len(f.Roles) == 0 {
			statuses := []PayoutStatus{PayoutAvailable, PayoutWithdrawn}
			if f.Status != 0 {
				statuses = []PayoutStatus{f.Status}
			}
			if start != nil && !slices.Contains(statuses, startPayout.Status) {
				return nil
			}
			var cs []cursor
			for _, st := range statuses {
				prefix := []byte{pPayoutOrder, byte(st)}
				n, err := readCount(txn, prefix)
				if err != nil {
					return err
				}
				total = satAdd(total, n)
				cs = append(cs, newPosting(txn, prefix, refSortKey))
			}
			c = newMerge(cs)
		} else {
			ps, err := s.filterPayouts(txn, f)
			if err != nil {
				return err
			}
			byKey = make(map[string]Payout, len(ps))
			keys := make([][]byte, 0, len(ps))
			for _, p := range ps {
				k := keyBuilder(nil).u64(p.Created.Slot).ref(p.Ref)
				byKey[string(k)] = p
				keys = append(keys, k)
			}
			slices.SortFunc(keys, bytes.Compare)
			if start != nil {
				if _, ok := byKey[string(start)]; !ok {
					return nil
				}
			}
			c, total = &sliceCursor{keys: keys}, int64(len(keys))
		}
		defer c.close()
		var err error
		page, err = readPage(c, start, r, total, refAfterSlot, func(k []byte) (Payout, error) {
			if p, ok := byKey[string(k)]; ok {
				return p, nil
			}
			var p Payout
			ref, err := decodeRef(k[8:])
			if err != nil {
				return p, err
			}
			ok, err := s.get(txn, payoutKey(ref), "payout", &p)
			if err != nil {
				return p, err
			}
			if !ok {
				return p, fmt.Errorf("payout order index names %s, which has no record", ref)
			}
			return p, nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list payouts: %w", err)
	}
	return page, nil
}

// filterPayouts collects the payouts matching a filter that names
// contracts or role tokens, from the per-contract index when it names
// contracts (a contract has few payouts), else from the per-token one.
func (s *Store) filterPayouts(txn *badger.Txn, f PayoutFilter) ([]Payout, error) {
	var prefixes [][]byte
	if len(f.Contracts) > 0 {
		for _, id := range slices.Compact(slices.SortedFunc(slices.Values(f.Contracts), registry.CompareTxOutRef)) {
			p := []byte(newKey(pPayoutByCtr).ref(id))
			if f.Status != 0 {
				p = append(p, byte(f.Status))
			}
			prefixes = append(prefixes, p)
		}
	} else {
		for _, t := range f.Roles {
			if !fits(t.Currency) || !fits(t.Name) {
				continue
			}
			p := []byte(payoutByTokenPrefix([]byte(t.Currency), []byte(t.Name)))
			if f.Status != 0 {
				p = append(p, byte(f.Status))
			}
			prefixes = append(prefixes, p)
		}
	}
	var out []Payout
	seen := map[extract.TxOutRef]struct{}{}
	for _, prefix := range prefixes {
		err := func() error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				k := it.Item().Key()
				if len(k) < refSize {
					return fmt.Errorf("payout index key %x too short", k)
				}
				ref, err := decodeRef(k[len(k)-refSize:])
				if err != nil {
					return err
				}
				if _, dup := seen[ref]; dup {
					continue
				}
				seen[ref] = struct{}{}
				var p Payout
				ok, err := s.get(txn, payoutKey(ref), "payout", &p)
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("payout index names %s, which has no record", ref)
				}
				if len(f.Roles) > 0 && !slices.Contains(f.Roles, core.Token{Currency: p.RolesCurrency, Name: p.Role}) {
					continue
				}
				out = append(out, p)
			}
			return nil
		}()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ListWithdrawals pages through the withdrawal transactions matching f in
// chain order (slot, then transaction id). The page is nil when the range
// is invalid or its start is no withdrawal matching f.
func (s *Store) ListWithdrawals(f WithdrawalFilter, r ListRange[registry.TxID]) (*ListPage[registry.TxID, Withdrawal], error) {
	if !r.valid() {
		return nil, nil
	}
	var fields [][][]byte
	if len(f.RolesCurrencies) > 0 {
		var ps [][]byte
		for _, c := range f.RolesCurrencies {
			if !fits(c) {
				continue
			}
			ps = append(ps, newKey(pWithdrawalCur).str([]byte(c)))
		}
		fields = append(fields, ps)
	}
	var page *ListPage[registry.TxID, Withdrawal]
	err := s.db.View(func(txn *badger.Txn) error {
		var start []byte
		if r.Start != nil {
			k, ok, err := rawValue(txn, withdrawalTxKey(*r.Start))
			if err != nil || !ok {
				return err
			}
			if len(k) != 1+txSortKey || k[0] != pWithdrawal {
				return fmt.Errorf("withdrawal id index holds %x", k)
			}
			start = k[1:]
		}
		c, total, found, err := s.plan(txn, fields, []byte{pWithdrawal}, txSortKey, start)
		if err != nil || !found {
			return err
		}
		defer c.close()
		txAfterSlot := func(k []byte) (id registry.TxID, err error) {
			copy(id[:], k[8:])
			return id, nil
		}
		page, err = readPage(c, start, r, total, txAfterSlot, func(k []byte) (Withdrawal, error) {
			w, ok, err := s.withdrawalAt(txn, append([]byte{pWithdrawal}, k...))
			if err == nil && !ok {
				err = fmt.Errorf("withdrawal index names %x, which has no record", k)
			}
			return w, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list withdrawals: %w", err)
	}
	return page, nil
}

// Withdrawal returns the withdrawal transaction id, if it withdrew any
// indexed payout.
func (s *Store) Withdrawal(id registry.TxID) (w Withdrawal, ok bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		k, found, err := rawValue(txn, withdrawalTxKey(id))
		if err != nil || !found {
			return err
		}
		w, ok, err = s.withdrawalAt(txn, k)
		if err == nil && !ok {
			err = fmt.Errorf("withdrawal id index names %x, which has no record", k)
		}
		return err
	})
	if err != nil {
		return Withdrawal{}, false, fmt.Errorf("withdrawal %s: %w", id, err)
	}
	return w, ok, nil
}

func (s *Store) withdrawalAt(txn *badger.Txn, key []byte) (Withdrawal, bool, error) {
	var w Withdrawal
	ok, err := s.get(txn, key, "withdrawal", &w.Tx)
	if err != nil || !ok {
		return w, ok, err
	}
	for _, ref := range w.Tx.Payouts {
		var p Payout
		found, err := s.get(txn, payoutKey(ref), "payout", &p)
		if err != nil {
			return w, false, err
		}
		if !found {
			return w, false, fmt.Errorf("withdrawal %s names payout %s, which has no record", w.Tx.TxID, ref)
		}
		w.Payouts = append(w.Payouts, p)
	}
	return w, true, nil
}

// ApplyTxContract returns the contract an apply-inputs transaction
// stepped; ok is false when id is no indexed apply-inputs transaction.
func (s *Store) ApplyTxContract(id registry.TxID) (contract extract.TxOutRef, ok bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		k, found, err := rawValue(txn, applyTxKey(id))
		if err != nil || !found {
			return err
		}
		if len(k) < 1+refSize || k[0] != pStep {
			return fmt.Errorf("apply index holds %x", k)
		}
		contract, err = decodeRef(k[1:])
		ok = err == nil
		return err
	})
	if err != nil {
		return extract.TxOutRef{}, false, fmt.Errorf("apply transaction %s: %w", id, err)
	}
	return contract, ok, nil
}

// History returns a contract's header, steps and payouts from one
// snapshot; ok is false for an unknown contract.
func (s *Store) History(id extract.TxOutRef) (h ContractHistory, ok bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		var e error
		if ok, e = s.get(txn, headerKey(id), "contract header", &h.Header); e != nil || !ok {
			return e
		}
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: newKey(pStep).ref(id)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var st Step
			if err := it.Item().Value(func(b []byte) error { return s.codec.unmarshal("step", b, &st) }); err != nil {
				return err
			}
			h.Steps = append(h.Steps, st)
		}
		pit := txn.NewIterator(badger.IteratorOptions{Prefix: newKey(pPayoutByCtr).ref(id)})
		defer pit.Close()
		for pit.Rewind(); pit.Valid(); pit.Next() {
			k := pit.Item().Key()
			ref, err := decodeRef(k[len(k)-refSize:])
			if err != nil {
				return err
			}
			var p Payout
			found, err := s.get(txn, payoutKey(ref), "payout", &p)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("payout index names %s, which has no record", ref)
			}
			h.Payouts = append(h.Payouts, p)
		}
		slices.SortFunc(h.Payouts, func(a, b Payout) int { return registry.CompareTxOutRef(a.Ref, b.Ref) })
		return nil
	})
	if err != nil {
		return ContractHistory{}, false, fmt.Errorf("history of %s: %w", id, err)
	}
	return h, ok, nil
}

// ContractRoles returns the role facts of the given contracts that are
// indexed, in ContractID order, without duplicates.
func (s *Store) ContractRoles(ids []extract.TxOutRef) ([]ContractRole, error) {
	ids = slices.Compact(slices.SortedFunc(slices.Values(ids), registry.CompareTxOutRef))
	var out []ContractRole
	err := s.db.View(func(txn *badger.Txn) error {
		for _, id := range ids {
			var h ContractHeader
			ok, err := s.get(txn, headerKey(id), "contract header", &h)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			cr, err := contractRole(txn, &h)
			if err != nil {
				return err
			}
			out = append(out, cr)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("contract roles: %w", err)
	}
	return out, nil
}

// ContractRolesByCurrency returns the role facts of the contracts whose
// roles currency is one of currencies (non-empty ones: contracts without
// roles are not in the currency index), in currency then ContractID order.
func (s *Store) ContractRolesByCurrency(currencies []core.CurrencySymbol) ([]ContractRole, error) {
	currencies = slices.Compact(slices.Sorted(slices.Values(currencies)))
	var out []ContractRole
	err := s.db.View(func(txn *badger.Txn) error {
		for _, cur := range currencies {
			if cur == "" || !fits(cur) {
				continue
			}
			prefix := newKey(pByCurrency).str([]byte(cur))
			err := func() error {
				it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
				defer it.Close()
				for it.Rewind(); it.Valid(); it.Next() {
					id, err := decodeRef(it.Item().Key()[len(prefix):])
					if err != nil {
						return err
					}
					closed, err := exists(txn, closedKey(id))
					if err != nil {
						return err
					}
					out = append(out, ContractRole{ContractID: id, RolesCurrency: cur, Closed: closed})
				}
				return nil
			}()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("contract roles by currency: %w", err)
	}
	return out, nil
}

// EachContractRole calls fn with the role facts of every contract, in
// ContractID order; fn's error stops the scan and is returned.
func (s *Store) EachContractRole(fn func(ContractRole) error) error {
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte{pHeader}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var h ContractHeader
			if err := it.Item().Value(func(b []byte) error { return s.codec.unmarshal("contract header", b, &h) }); err != nil {
				return err
			}
			cr, err := contractRole(txn, &h)
			if err != nil {
				return err
			}
			if err := fn(cr); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("contract roles: %w", err)
	}
	return nil
}

func contractRole(txn *badger.Txn, h *ContractHeader) (ContractRole, error) {
	closed, err := exists(txn, closedKey(h.ContractID))
	return ContractRole{ContractID: h.ContractID, RolesCurrency: h.RolesCurrency, Closed: closed}, err
}

// fits reports whether a filter value can be a key part at all: a longer
// one names nothing indexed, so it matches nothing (rather than failing
// the request).
func fits[S ~string | ~[]byte](v S) bool { return len(v) <= maxKeyPart }

// exists reports whether key is present.
func exists(txn *badger.Txn, key []byte) (bool, error) {
	_, err := txn.Get(key)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, badger.ErrKeyNotFound):
		return false, nil
	}
	return false, fmt.Errorf("read %x: %w", key, err)
}

// rawValue returns a copy of the value at key.
func rawValue(txn *badger.Txn, key []byte) ([]byte, bool, error) {
	item, err := txn.Get(key)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read %x: %w", key, err)
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return nil, false, fmt.Errorf("read %x: %w", key, err)
	}
	return v, true, nil
}

// readCount reads the counter of a counted index prefix (zero when
// absent).
func readCount(txn *badger.Txn, prefix []byte) (int64, error) {
	v, ok, err := rawValue(txn, countKey(prefix))
	if err != nil || !ok {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("counter %x: %d bytes", prefix, len(v))
	}
	n := binary.BigEndian.Uint64(v)
	if n > math.MaxInt64 {
		return 0, fmt.Errorf("counter %x: %d out of range", prefix, n)
	}
	return int64(n), nil
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// pageKeys reads a page from c: from start (nil: the first key in the
// direction), skip the offset, take at most the limit, and return the
// key after the page, if any. The keys are copies.
func pageKeys[K any](c cursor, start []byte, r ListRange[K]) (keys [][]byte, next []byte, err error) {
	c.seek(start, r.Descending)
	offset, limit := r.Offset, r.Limit
	for ; offset > 0 && c.valid(); offset-- {
		c.next()
	}
	for c.valid() {
		if int64(len(keys)) == limit {
			next = bytes.Clone(c.key())
			break
		}
		keys = append(keys, bytes.Clone(c.key()))
		c.next()
	}
	return keys, next, c.error()
}

// readPage reads a page from c as pageKeys does and makes it a ListPage:
// item reads the entry a sort key stands for, keyOf turns the sort key
// after the page into the range key a client continues from.
func readPage[K, T any](c cursor, start []byte, r ListRange[K], total int64, keyOf func([]byte) (K, error), item func([]byte) (T, error)) (*ListPage[K, T], error) {
	keys, next, err := pageKeys(c, start, r)
	if err != nil {
		return nil, err
	}
	page := &ListPage[K, T]{Total: total, Items: make([]T, 0, len(keys))}
	for _, k := range keys {
		x, err := item(k)
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, x)
	}
	if next != nil {
		k, err := keyOf(next)
		if err != nil {
			return nil, err
		}
		page.Next = &k
	}
	return page, nil
}

// refAfterSlot is the output reference in a sort key that starts with a
// slot.
func refAfterSlot(k []byte) (extract.TxOutRef, error) { return decodeRef(k[8:]) }

// cursor walks sorted sort keys in one direction.
type cursor interface {
	// seek positions at from (inclusive) or the first key past it in
	// the direction; nil from positions at the first key.
	seek(from []byte, desc bool)
	valid() bool
	// key is the current sort key, valid until the next move.
	key() []byte
	next()
	error() error
	close()
}

// posting is a cursor over one index prefix whose keys end in a sort key
// of a fixed width.
type posting struct {
	txn    *badger.Txn
	prefix []byte
	width  int
	it     *badger.Iterator
	err    error
}

func newPosting(txn *badger.Txn, prefix []byte, width int) *posting {
	return &posting{txn: txn, prefix: prefix, width: width}
}

func (p *posting) seek(from []byte, desc bool) {
	if p.it != nil {
		p.it.Close()
	}
	p.it = p.txn.NewIterator(badger.IteratorOptions{Prefix: p.prefix, Reverse: desc})
	k := append(bytes.Clone(p.prefix), from...)
	if from == nil && desc {
		// A reverse seek lands on the greatest key at or below its
		// argument: past every key of the prefix.
		k = append(k, bytes.Repeat([]byte{0xFF}, p.width+1)...)
	}
	p.it.Seek(k)
}

func (p *posting) valid() bool {
	if p.err != nil || p.it == nil || !p.it.Valid() {
		return false
	}
	if n := len(p.it.Item().Key()); n != len(p.prefix)+p.width {
		p.err = fmt.Errorf("index key %x: want %d bytes", p.it.Item().Key(), len(p.prefix)+p.width)
		return false
	}
	return true
}

func (p *posting) key() []byte  { return p.it.Item().Key()[len(p.prefix):] }
func (p *posting) next()        { p.it.Next() }
func (p *posting) error() error { return p.err }

func (p *posting) close() {
	if p.it != nil {
		p.it.Close()
		p.it = nil
	}
}

// merge is the sorted union of cursors, without duplicates.
type merge struct {
	cs   []cursor
	desc bool
}

func newMerge(cs []cursor) cursor {
	if len(cs) == 1 {
		return cs[0]
	}
	return &merge{cs: cs}
}

func (m *merge) seek(from []byte, desc bool) {
	m.desc = desc
	for _, c := range m.cs {
		c.seek(from, desc)
	}
}

func (m *merge) best() cursor {
	var b cursor
	for _, c := range m.cs {
		if !c.valid() {
			continue
		}
		if b == nil {
			b = c
			continue
		}
		cmp := bytes.Compare(c.key(), b.key())
		if (cmp < 0) != m.desc && cmp != 0 {
			b = c
		}
	}
	return b
}

func (m *merge) valid() bool { return m.best() != nil }
func (m *merge) key() []byte { return m.best().key() }

func (m *merge) next() {
	k := bytes.Clone(m.key())
	for _, c := range m.cs {
		if c.valid() && bytes.Equal(c.key(), k) {
			c.next()
		}
	}
}

func (m *merge) error() error {
	for _, c := range m.cs {
		if err := c.error(); err != nil {
			return err
		}
	}
	return nil
}

func (m *merge) close() {
	for _, c := range m.cs {
		c.close()
	}
}

// sliceCursor walks sorted keys held in memory.
type sliceCursor struct {
	keys [][]byte
	i    int
	desc bool
}

func (s *sliceCursor) seek(from []byte, desc bool) {
	s.desc = desc
	switch {
	case from == nil && desc:
		s.i = len(s.keys) - 1
	case from == nil:
		s.i = 0
	case desc:
		// The last key at or below from.
		i, found := slices.BinarySearchFunc(s.keys, from, bytes.Compare)
		if !found {
			i--
		}
		s.i = i
	default:
		s.i, _ = slices.BinarySearchFunc(s.keys, from, bytes.Compare)
	}
}

func (s *sliceCursor) valid() bool { return s.i >= 0 && s.i < len(s.keys) }
func (s *sliceCursor) key() []byte { return s.keys[s.i] }

func (s *sliceCursor) next() {
	if s.desc {
		s.i--
	} else {
		s.i++
	}
}

func (s *sliceCursor) error() error { return nil }
func (s *sliceCursor) close()       {}
