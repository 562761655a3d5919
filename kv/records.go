package kv

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// formatVersion is the on-disk layout version; Open refuses another one.
// Version 3 added the roles policies (0x18): a store of version 2 lacks
// them for the contracts it indexed, so it must be rebuilt.
const formatVersion uint64 = 3

// BlockRef identifies a block: its chain point and block number.
type BlockRef struct {
	_      struct{} `cbor:",toarray"`
	Slot   uint64
	Hash   chain.Hash
	Number uint64
}

// Point is the block's chain point.
func (b BlockRef) Point() chain.Point { return chain.Point{Slot: b.Slot, Hash: b.Hash} }

// StepKind is what a step did to a contract.
type StepKind uint8

const (
	// StepCreate created the contract.
	StepCreate StepKind = iota + 1
	// StepApply applied inputs to the contract.
	StepApply
	// StepWithdraw spent payouts of the contract.
	StepWithdraw
)

func (k StepKind) String() string {
	switch k {
	case StepCreate:
		return "create"
	case StepApply:
		return "apply"
	case StepWithdraw:
		return "withdraw"
	}
	return fmt.Sprintf("StepKind(%d)", uint8(k))
}

// PayoutStatus tells whether a payout output is still unspent.
type PayoutStatus uint8

const (
	// PayoutAvailable is an unspent payout.
	PayoutAvailable PayoutStatus = iota + 1
	// PayoutWithdrawn is a payout spent by a withdrawal.
	PayoutWithdrawn
)

func (s PayoutStatus) String() string {
	switch s {
	case PayoutAvailable:
		return "available"
	case PayoutWithdrawn:
		return "withdrawn"
	}
	return fmt.Sprintf("PayoutStatus(%d)", uint8(s))
}

// ContractHeader is what never changes about a contract: where and how it
// was created.
type ContractHeader struct {
	ContractID    extract.TxOutRef
	Block         BlockRef
	TxIndex       uint32
	TxID          registry.TxID
	Version       registry.Version
	ScriptHash    registry.ScriptHash
	PayoutHash    registry.ScriptHash
	RolesCurrency core.CurrencySymbol
	// Metadata is every label of the creation transaction, as on chain.
	Metadata []extract.MetadataLabel
	// Tags are the label-1564 tags, sorted.
	Tags []string
}

// Step is one transaction's effect on one contract. Outputs keep their
// datums as on-chain CBOR, so nothing is lost to re-encoding.
type Step struct {
	Kind       StepKind
	ContractID extract.TxOutRef
	Block      BlockRef
	TxIndex    uint32
	TxID       registry.TxID

	// Output is the creation output (create) or the continuing output
	// (apply; nil when the step closed the contract).
	Output *extract.Output

	// Apply only.
	Input    extract.TxOutRef
	Redeemer []byte
	// Continuations holds, per redeemer input, the Plutus-data CBOR of the
	// continuation a merkleized input revealed (nil for other inputs).
	Continuations [][]byte
	ValidFrom     uint64
	ValidTo       uint64
	Payouts       []extract.TxOutRef
	Metadata      []extract.MetadataLabel
	Closed        bool

	// Withdraw only: the payouts spent, in TxOutRef order.
	Withdrawn []extract.TxOutRef
}

// Payout is a payout output of a contract and its status.
type Payout struct {
	Ref           extract.TxOutRef
	ContractID    extract.TxOutRef
	RolesCurrency core.CurrencySymbol
	Role          core.TokenName
	Output        extract.Output
	Created       BlockRef
	CreatedTx     registry.TxID
	Status        PayoutStatus
	// WithdrawnIn and WithdrawnTx are set once the payout is withdrawn.
	WithdrawnIn *BlockRef
	WithdrawnTx *registry.TxID
}

// ActivityTx is one transaction of a block with Marlowe steps.
type ActivityTx struct {
	Index uint32
	TxID  registry.TxID
	// Contracts are the contracts it stepped, without duplicates, in the
	// order their steps were written.
	Contracts []extract.TxOutRef
}

// BlockActivity is a block with Marlowe steps: the bulk-sync unit.
type BlockActivity struct {
	Block BlockRef
	Txs   []ActivityTx
}

// WithdrawalTx is one transaction that withdrew payouts, of one or more
// contracts: the unit of the withdrawal listings.
type WithdrawalTx struct {
	Block   BlockRef
	TxIndex uint32
	TxID    registry.TxID
	// Payouts are the payouts it spent, in TxOutRef order.
	Payouts []extract.TxOutRef
}

// undoRecord is the inverse of one key's writes in a block: its value
// before the block, or its absence.
type undoRecord struct {
	_     struct{} `cbor:",toarray"`
	Key   []byte
	Had   bool
	Value []byte
}

// journalRecord is one block's journal entry.
type journalRecord struct {
	_     struct{} `cbor:",toarray"`
	Block BlockRef
	// Prev is the tip before the block; HasPrev is false when it was the
	// origin.
	HasPrev bool
	Prev    BlockRef
	Undo    []undoRecord
}

// codec holds the CBOR modes: canonical encoding (byte-identical values for
// identical content, which the model tests rely on) and a decoder that
// accepts the non-UTF-8 text of token names and currency symbols, which
// are byte strings held in Go strings.
type codec struct {
	enc cbor.EncMode
	dec cbor.DecMode
}

func newCodec() (codec, error) {
	enc, err := cbor.CanonicalEncOptions().EncMode()
	if err != nil {
		return codec{}, fmt.Errorf("cbor encoder: %w", err)
	}
	dec, err := cbor.DecOptions{
		UTF8:             cbor.UTF8DecodeInvalid,
		MaxNestedLevels:  64,
		MaxArrayElements: 1 << 24,
		MaxMapPairs:      1 << 20,
	}.DecMode()
	if err != nil {
		return codec{}, fmt.Errorf("cbor decoder: %w", err)
	}
	return codec{enc: enc, dec: dec}, nil
}

func (c codec) marshal(what string, v any) ([]byte, error) {
	b, err := c.enc.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", what, err)
	}
	return b, nil
}

func (c codec) unmarshal(what string, b []byte, v any) error {
	if err := c.dec.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	return nil
}
