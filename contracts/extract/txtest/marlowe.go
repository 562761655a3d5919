package txtest

import (
	"fmt"
	"slices"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// The builders below shape transactions the way the Marlowe Runtime does
// (semantics.md §6): datums by hash with the datum in the witness set, the
// spend redeemer at the Marlowe input's position in the sorted input set,
// one output per merkleized continuation carrying its hash. Datums and
// redeemers are the canonical encodings of contracts/core.

// MarloweOutput is an output at a Marlowe semantics validator.
type MarloweOutput struct {
	// Address is the semantics validator address (any stake part).
	Address  []byte
	Datum    core.MarloweData
	Lovelace uint64
	Assets   []Asset
	// Inline attaches the datum inline instead of by hash.
	Inline bool
}

// PayoutOutput is an output at a role-payout validator.
type PayoutOutput struct {
	// Address is the payout validator address.
	Address  []byte
	Datum    core.PayoutDatum
	Lovelace uint64
	Assets   []Asset
	// Inline attaches the datum inline instead of by hash.
	Inline bool
}

// datumOutput encodes v and attaches it to an output, inline or by hash
// (then the datum is added to the witness datums).
func datumOutput(addr []byte, lovelace uint64, assets []Asset, v any, inline bool, datums *[][]byte) (Output, error) {
	raw, err := core.EncodeData(v)
	if err != nil {
		return Output{}, err
	}
	o := Output{Address: addr, Lovelace: lovelace, Assets: assets}
	if inline {
		o.InlineDatum = raw
		return o, nil
	}
	h := core.DatumHash(raw)
	o.DatumHash = h[:]
	*datums = append(*datums, raw)
	return o, nil
}

// Create describes a contract-creation transaction.
type Create struct {
	Funding []registry.TxOutRef
	// Contracts are the new Marlowe outputs, written first, in order.
	Contracts []MarloweOutput
	// Other outputs (role tokens, change) follow the contracts.
	Other    []Output
	Mint     []MintAsset
	Metadata []Label
	Fee      uint64
}

// Tx builds the creation transaction.
func (c Create) Tx() (*Tx, error) {
	t := &Tx{Inputs: slices.Clone(c.Funding), Mint: c.Mint, Metadata: c.Metadata, Fee: c.Fee}
	for i, m := range c.Contracts {
		o, err := datumOutput(m.Address, m.Lovelace, m.Assets, m.Datum, m.Inline, &t.Datums)
		if err != nil {
			return nil, fmt.Errorf("contract %d: %w", i, err)
		}
		t.Outputs = append(t.Outputs, o)
	}
	t.Outputs = append(t.Outputs, c.Other...)
	return t, nil
}

// Apply describes an apply-inputs transaction.
type Apply struct {
	// Contract is the Marlowe output spent.
	Contract registry.TxOutRef
	// SpentDatum, when set, is added to the witness datums (the spent
	// output carries its datum by hash).
	SpentDatum *core.MarloweData
	Funding    []registry.TxOutRef
	// Inputs go into the redeemer; a merkleized input must carry its
	// Continuation, which gets an output of its own.
	Inputs             []core.Input
	ValidFrom, ValidTo uint64
	// Next is the continuing output; nil closes the contract.
	Next    *MarloweOutput
	Payouts []PayoutOutput
	Other   []Output
	// ContinuationAddress receives the merkle continuation outputs (the
	// Runtime uses the submitter's change address).
	ContinuationAddress []byte
	Collateral          []registry.TxOutRef
	ScriptRefs          []registry.TxOutRef
	Metadata            []Label
	Fee                 uint64
}

// Tx builds the apply-inputs transaction.
func (a Apply) Tx() (*Tx, error) {
	t := &Tx{
		Inputs:          append(slices.Clone(a.Funding), a.Contract),
		Collateral:      a.Collateral,
		ReferenceInputs: a.ScriptRefs,
		ValidFrom:       Slot(a.ValidFrom),
		TTL:             Slot(a.ValidTo),
		Metadata:        a.Metadata,
		Fee:             a.Fee,
	}
	if a.SpentDatum != nil {
		raw, err := core.EncodeData(*a.SpentDatum)
		if err != nil {
			return nil, fmt.Errorf("spent datum: %w", err)
		}
		t.Datums = append(t.Datums, raw)
	}
	red, err := core.EncodeData(core.Redeemer(a.Inputs))
	if err != nil {
		return nil, fmt.Errorf("redeemer: %w", err)
	}
	t.Redeemers = append(t.Redeemers, Redeemer{
		Tag: lcommon.RedeemerTagSpend, Index: SortedIndex(t.Inputs, a.Contract),
		Data: red, Mem: 10_000_000, Steps: 5_000_000_000,
	})
	if a.Next != nil {
		o, err := datumOutput(a.Next.Address, a.Next.Lovelace, a.Next.Assets, a.Next.Datum, a.Next.Inline, &t.Datums)
		if err != nil {
			return nil, fmt.Errorf("continuing output: %w", err)
		}
		t.Outputs = append(t.Outputs, o)
	}
	for i, p := range a.Payouts {
		o, err := datumOutput(p.Address, p.Lovelace, p.Assets, p.Datum, p.Inline, &t.Datums)
		if err != nil {
			return nil, fmt.Errorf("payout %d: %w", i, err)
		}
		t.Outputs = append(t.Outputs, o)
	}
	for i, in := range a.Inputs {
		if !in.Merkleized {
			continue
		}
		if in.Continuation == nil {
			return nil, fmt.Errorf("input %d: merkleized input without its continuation", i)
		}
		o, err := datumOutput(a.ContinuationAddress, 1_500_000, nil, in.Continuation, false, &t.Datums)
		if err != nil {
			return nil, fmt.Errorf("input %d continuation: %w", i, err)
		}
		t.Outputs = append(t.Outputs, o)
	}
	t.Outputs = append(t.Outputs, a.Other...)
	return t, nil
}

// Withdraw describes a payout-withdrawal transaction.
type Withdraw struct {
	Payouts []registry.TxOutRef
	// Datums are the spent payouts' datums, added to the witness set.
	Datums     []core.PayoutDatum
	Funding    []registry.TxOutRef
	Other      []Output
	Collateral []registry.TxOutRef
	ScriptRefs []registry.TxOutRef
	Fee        uint64
}

// Tx builds the withdrawal transaction, with a unit redeemer per payout.
func (w Withdraw) Tx() (*Tx, error) {
	t := &Tx{
		Inputs:          append(slices.Clone(w.Funding), w.Payouts...),
		Outputs:         w.Other,
		Collateral:      w.Collateral,
		ReferenceInputs: w.ScriptRefs,
		Fee:             w.Fee,
	}
	for i, d := range w.Datums {
		raw, err := core.EncodeData(d)
		if err != nil {
			return nil, fmt.Errorf("payout datum %d: %w", i, err)
		}
		t.Datums = append(t.Datums, raw)
	}
	for _, p := range w.Payouts {
		t.Redeemers = append(t.Redeemers, Redeemer{
			Tag: lcommon.RedeemerTagSpend, Index: SortedIndex(t.Inputs, p),
			Data: []byte{0xd8, 0x79, 0x80}, Mem: 1_000_000, Steps: 500_000_000,
		})
	}
	return t, nil
}

// SortedIndex is ref's position in the sorted, de-duplicated input set: the
// index its spend redeemer must carry.
func SortedIndex(inputs []registry.TxOutRef, ref registry.TxOutRef) uint32 {
	seen := map[registry.TxOutRef]bool{}
	var n uint32
	for _, in := range inputs {
		if seen[in] {
			continue
		}
		seen[in] = true
		if less(in, ref) {
			n++
		}
	}
	return n
}

func less(a, b registry.TxOutRef) bool {
	for i := range a.TxID {
		if a.TxID[i] != b.TxID[i] {
			return a.TxID[i] < b.TxID[i]
		}
	}
	return a.Index < b.Index
}
