package extract

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// EntryKind tells what an unspent output known to the recogniser is.
type EntryKind uint8

const (
	// EntryContract is a contract's current output.
	EntryContract EntryKind = iota + 1
	// EntryPayout is an unspent payout of a contract.
	EntryPayout
	// EntryForeign is an output at a Marlowe semantics validator that is no
	// contract's current output.
	EntryForeign
)

func (k EntryKind) String() string {
	switch k {
	case EntryContract:
		return "contract"
	case EntryPayout:
		return "payout"
	case EntryForeign:
		return "foreign"
	}
	return fmt.Sprintf("EntryKind(%d)", uint8(k))
}

// Entry is an unspent output the recogniser tracks: the Marlowe UTxO set of
// the Runtime (contract and payout outputs) plus the foreign outputs at
// semantics validators.
type Entry struct {
	Kind EntryKind
	Ref  TxOutRef
	// ScriptHash is the validator holding the output: the semantics
	// validator for contract and foreign entries, the payout validator for
	// payout entries.
	ScriptHash registry.ScriptHash
	// Version is the script set of ScriptHash.
	Version registry.Version
	// ContractID is set for contract and payout entries.
	ContractID TxOutRef
	// PayoutHash is the contract's payout validator (contract entries).
	PayoutHash registry.ScriptHash
	// Address is the contract's Marlowe address as first created, stake
	// part included: its continuing output must go to exactly this address
	// (contract entries).
	Address []byte
	// Role is the payout's datum (payout entries).
	Role core.PayoutDatum
}

// Equal reports whether two entries are identical.
func (e Entry) Equal(o Entry) bool {
	return e.Kind == o.Kind && e.Ref == o.Ref && e.ScriptHash == o.ScriptHash &&
		e.Version == o.Version && e.ContractID == o.ContractID && e.PayoutHash == o.PayoutHash &&
		bytes.Equal(e.Address, o.Address) && e.Role == o.Role
}

// UTxO is the read-only view of the tracked unspent outputs the recogniser
// needs; the indexer implements it over its store. Lookup reports whether
// ref is tracked; err is for storage failures only.
type UTxO interface {
	Lookup(ref TxOutRef) (e Entry, ok bool, err error)
}

// Delta is what a transaction does to the tracked outputs: Remove the spent
// ones, then Add the new ones.
type Delta struct {
	Remove []TxOutRef
	Add    []Entry
}

// Delta computes the transaction's changes to the tracked outputs.
func (t *TxEvents) Delta() Delta {
	var d Delta
	for _, c := range t.Created {
		d.Add = append(d.Add, Entry{
			Kind: EntryContract, Ref: c.ContractID, ScriptHash: c.ScriptHash, Version: c.Version,
			ContractID: c.ContractID, PayoutHash: c.PayoutHash, Address: c.Output.Address,
		})
	}
	if a := t.Applied; a != nil {
		d.Remove = append(d.Remove, a.Input.Ref)
		if a.Output != nil {
			next := a.Input
			next.Ref = a.Output.Ref
			d.Add = append(d.Add, next)
		}
		for _, p := range a.Payouts {
			d.Add = append(d.Add, Entry{
				Kind: EntryPayout, Ref: p.Output.Ref, ScriptHash: a.Input.PayoutHash,
				Version: a.Input.Version, ContractID: a.ContractID, Role: p.Datum,
			})
		}
	}
	if r := t.ApplyRejected; r != nil {
		d.Remove = append(d.Remove, r.Consumed...)
	}
	if w := t.Withdrawn; w != nil {
		for _, c := range w.Contracts {
			for _, p := range c.Payouts {
				d.Remove = append(d.Remove, p.Ref)
			}
		}
	}
	d.Remove = append(d.Remove, t.ForeignSpent...)
	d.Add = append(d.Add, t.Foreign...)
	return d
}

// MemUTxO is an in-memory UTxO, optionally layered over a base view: the
// overlay Block uses so that later transactions of a block see the outputs
// of earlier ones, and a complete store for tests.
type MemUTxO struct {
	base    UTxO
	entries map[TxOutRef]Entry
	removed map[TxOutRef]struct{}
}

// NewMemUTxO returns an empty view over base (which may be nil).
func NewMemUTxO(base UTxO) *MemUTxO {
	return &MemUTxO{base: base, entries: map[TxOutRef]Entry{}, removed: map[TxOutRef]struct{}{}}
}

// Lookup implements UTxO.
func (m *MemUTxO) Lookup(ref TxOutRef) (Entry, bool, error) {
	if e, ok := m.entries[ref]; ok {
		return e, true, nil
	}
	if _, gone := m.removed[ref]; gone || m.base == nil {
		return Entry{}, false, nil
	}
	return m.base.Lookup(ref)
}

// Add records entries.
func (m *MemUTxO) Add(es ...Entry) {
	for _, e := range es {
		m.entries[e.Ref] = e
		delete(m.removed, e.Ref)
	}
}

// Apply applies a transaction's Delta.
func (m *MemUTxO) Apply(d Delta) {
	for _, r := range d.Remove {
		delete(m.entries, r)
		if m.base != nil {
			m.removed[r] = struct{}{}
		}
	}
	m.Add(d.Add...)
}

// Entries returns the entries held in memory (not those of the base), in
// TxOutRef order.
func (m *MemUTxO) Entries() []Entry {
	out := slices.Collect(maps.Values(m.entries))
	slices.SortFunc(out, func(a, b Entry) int { return registry.CompareTxOutRef(a.Ref, b.Ref) })
	return out
}

// Removed returns the base references this view hides, in TxOutRef order.
func (m *MemUTxO) Removed() []TxOutRef {
	out := slices.Collect(maps.Keys(m.removed))
	slices.SortFunc(out, registry.CompareTxOutRef)
	return out
}
