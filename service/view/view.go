package view

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// SlotClock gives the wall-clock start of a slot from the node's era
// history; *slottime.Converter implements it. The Haskell runtime converts
// validity slots with the era history when it indexes a transaction; the
// index keeps slots, so the conversion happens when serving. A clock whose
// history ends before the served slots fails the conversion, so long-running
// servers should hand in a clock that follows the node's history.
type SlotClock interface {
	SlotToTime(slot uint64) (time.Time, error)
}

// PayoutLookup finds a payout record by its output reference;
// kv.Snapshot.Payout and kv.Store.Payout have this form.
type PayoutLookup func(ref extract.TxOutRef) (kv.Payout, bool, error)

// Converter converts index records that involve addresses or times. It is
// immutable and safe for concurrent use.
type Converter struct {
	network registry.Network
	clock   SlotClock
}

// New returns a Converter for network, converting validity slots with
// clock.
func New(network registry.Network, clock SlotClock) (*Converter, error) {
	if !network.Valid() {
		return nil, fmt.Errorf("view: invalid network %s", network)
	}
	if clock == nil {
		return nil, errors.New("view: nil slot clock")
	}
	return &Converter{network: network, clock: clock}, nil
}

// Network is the network the converter serves.
func (c *Converter) Network() registry.Network { return c.network }

// ---------------------------------------------------------------------------
// Chain values

// BlockHeader is the wire header of an indexed block.
func BlockHeader(b kv.BlockRef) types.BlockHeader {
	return types.BlockHeader{Slot: types.SlotNo(b.Slot), Hash: types.BlockHeaderHash(b.Hash[:]), Block: types.BlockNo(b.Number)}
}

// Point is the wire chain point of an indexed block; ok false is Genesis.
func Point(b kv.BlockRef, ok bool) types.ChainPoint {
	if !ok {
		return types.ChainPoint{}
	}
	return types.PointAt(BlockHeader(b))
}

// SameBlock reports whether the wire header h names the indexed block b:
// same slot, hash and block number.
func SameBlock(b kv.BlockRef, h types.BlockHeader) bool {
	return uint64(h.Slot) == b.Slot && uint64(h.Block) == b.Number && string(h.Hash) == string(b.Hash[:])
}

// BlockRef reads a wire header as an index block reference. A hash of
// another length than a Cardano block hash is an error: no indexed block
// has it.
func BlockRef(h types.BlockHeader) (kv.BlockRef, error) {
	var hash chain.Hash
	if len(h.Hash) != len(hash) {
		return kv.BlockRef{}, fmt.Errorf("block header hash has %d bytes, want %d", len(h.Hash), len(hash))
	}
	copy(hash[:], h.Hash)
	return kv.BlockRef{Slot: uint64(h.Slot), Hash: hash, Number: uint64(h.Block)}, nil
}

// TxId is the wire transaction id.
func TxId(id registry.TxID) types.TxId { return types.TxId(id[:]) }

// TxOutRef is the wire output reference. The wire index is 16 bits, as in
// the runtime; a larger index is an error.
func TxOutRef(r extract.TxOutRef) (types.TxOutRef, error) {
	if r.Index > math.MaxUint16 {
		return types.TxOutRef{}, fmt.Errorf("output %s: index exceeds the 16-bit TxIx", r)
	}
	return types.TxOutRef{TxId: TxId(r.TxID), TxIx: types.TxIx(r.Index)}, nil
}

// ContractId is the wire contract id of the contract created by output r.
func ContractId(r extract.TxOutRef) (types.ContractId, error) {
	ref, err := TxOutRef(r)
	if err != nil {
		return types.ContractId{}, fmt.Errorf("contract id: %w", err)
	}
	return types.ContractId(ref), nil
}

// RefOf reads a wire output reference as an index key. A transaction id of
// another length than 32 bytes names no indexed output and is an error.
func RefOf(r types.TxOutRef) (extract.TxOutRef, error) {
	var out extract.TxOutRef
	if len(r.TxId) != len(out.TxID) {
		return out, fmt.Errorf("tx id has %d bytes, want %d", len(r.TxId), len(out.TxID))
	}
	copy(out.TxID[:], r.TxId)
	out.Index = uint32(r.TxIx)
	return out, nil
}

// ContractRef reads a wire contract id as the index key of its creation
// output.
func ContractRef(id types.ContractId) (extract.TxOutRef, error) {
	r, err := RefOf(types.TxOutRef(id))
	if err != nil {
		return r, fmt.Errorf("contract id: %w", err)
	}
	return r, nil
}

// ScriptHash is the wire form of a script hash.
func ScriptHash(h registry.ScriptHash) types.ScriptHash { return types.ScriptHash(h[:]) }

// AssetId is the wire asset id of a token.
func AssetId(t core.Token) types.AssetId {
	return types.AssetId{Policy: types.PolicyId(t.Currency), Name: types.TokenName(t.Name)}
}

// Assets is the wire value of an output: lovelace and tokens. Quantities
// are copied, so the result shares no memory with the record.
func Assets(lovelace *big.Int, assets []extract.Asset) (types.Assets, error) {
	if lovelace == nil {
		return types.Assets{}, errors.New("assets: missing lovelace")
	}
	toks := make(types.Tokens, len(assets))
	for _, a := range assets {
		if a.Quantity == nil {
			return types.Assets{}, fmt.Errorf("assets: token %x.%x without quantity", a.Token.Currency, a.Token.Name)
		}
		id := AssetId(a.Token)
		if _, dup := toks[id]; dup {
			return types.Assets{}, fmt.Errorf("assets: token %x.%x listed twice", a.Token.Currency, a.Token.Name)
		}
		toks[id] = new(big.Int).Set(a.Quantity)
	}
	return types.Assets{Ada: new(big.Int).Set(lovelace), Tokens: toks}, nil
}

// Address is the wire form of a raw address as stored (the chain's bytes).
// A Shelley address must carry the converter's network id: one of another
// network means the index belongs to another chain.
func (c *Converter) Address(raw []byte) (types.Address, error) {
	if len(raw) == 0 {
		return "", errors.New("address: empty")
	}
	// Header types 0-7 are Shelley payment addresses, whose low nibble is
	// the network id; Byron addresses (8) carry the network elsewhere and
	// never hold Marlowe outputs.
	if raw[0]>>4 <= 7 && raw[0]&0x0F != c.network.AddressNetworkID() {
		return "", fmt.Errorf("address %x has network id %d, not that of %s (%d)", raw, raw[0]&0x0F, c.network, c.network.AddressNetworkID())
	}
	return types.Address(raw), nil
}

// UTCTime is the wire time at which slot begins.
func (c *Converter) UTCTime(slot uint64) (types.UTCTime, error) {
	t, err := c.clock.SlotToTime(slot)
	if err != nil {
		return types.UTCTime{}, fmt.Errorf("time of slot %d: %w", slot, err)
	}
	return types.UTCTimeOf(t), nil
}

// ---------------------------------------------------------------------------
// Data

// Datum is the Plutus Data of a datum's on-chain CBOR.
func Datum(cbor []byte) (data.PlutusData, error) {
	if len(cbor) == 0 {
		return nil, errors.New("datum: missing")
	}
	pd, err := core.DecodePlutusData(cbor)
	if err != nil {
		return nil, fmt.Errorf("datum: %w", err)
	}
	return pd, nil
}

// Inputs is the runtime's [Input] Plutus Data of an apply-inputs step: the
// redeemer's inputs, each merkleized one extended with the continuation the
// transaction revealed (Constr 1 [content, B hash, contract]), exactly as
// the Haskell runtime's Transaction.inputs. continuations holds, per
// redeemer input, the continuation's Plutus-data CBOR (nil for a normal
// input), as kv.Step keeps them. Going through the core values normalises
// the data the way the Haskell fromData/toData round trip does.
func Inputs(redeemer []byte, continuations [][]byte) (data.PlutusData, error) {
	ins, err := core.DecodeData[core.Redeemer](redeemer)
	if err != nil {
		return nil, fmt.Errorf("inputs: redeemer: %w", err)
	}
	if len(continuations) != len(ins) {
		return nil, fmt.Errorf("inputs: %d continuations for %d redeemer inputs", len(continuations), len(ins))
	}
	items := make([]data.PlutusData, len(ins))
	for i, in := range ins {
		content, err := core.ToData(in.Content)
		if err != nil {
			return nil, fmt.Errorf("inputs[%d]: %w", i, err)
		}
		if !in.Merkleized {
			if continuations[i] != nil {
				return nil, fmt.Errorf("inputs[%d]: a normal input with a continuation", i)
			}
			items[i] = &data.Constr{Tag: 0, Fields: []data.PlutusData{content}}
			continue
		}
		if continuations[i] == nil {
			return nil, fmt.Errorf("inputs[%d]: merkleized input without its continuation", i)
		}
		cont, err := core.DecodePlutusData(continuations[i])
		if err != nil {
			return nil, fmt.Errorf("inputs[%d]: continuation: %w", i, err)
		}
		items[i] = &data.Constr{Tag: 1, Fields: []data.PlutusData{content, &data.ByteString{Inner: bytes.Clone(in.Hash)}, cont}}
	}
	return &data.List{Items: items}, nil
}

// ---------------------------------------------------------------------------
// Outputs

// ScriptOutput is the wire form of a contract output (a creation or a
// continuing output): address, value, reference and datum.
func (c *Converter) ScriptOutput(o extract.Output) (types.TransactionScriptOutput, error) {
	addr, err := c.Address(o.Address)
	if err != nil {
		return types.TransactionScriptOutput{}, fmt.Errorf("script output %s: %w", o.Ref, err)
	}
	assets, err := Assets(o.Lovelace, o.Assets)
	if err != nil {
		return types.TransactionScriptOutput{}, fmt.Errorf("script output %s: %w", o.Ref, err)
	}
	ref, err := TxOutRef(o.Ref)
	if err != nil {
		return types.TransactionScriptOutput{}, fmt.Errorf("script output: %w", err)
	}
	datum, err := Datum(o.Datum)
	if err != nil {
		return types.TransactionScriptOutput{}, fmt.Errorf("script output %s: %w", o.Ref, err)
	}
	return types.TransactionScriptOutput{Address: addr, Assets: assets, Utxo: ref, Datum: datum}, nil
}

// Payout is the wire form of a payout output: address, value and the role
// token it pays (its datum).
func (c *Converter) Payout(p kv.Payout) (types.Payout, error) {
	addr, err := c.Address(p.Output.Address)
	if err != nil {
		return types.Payout{}, fmt.Errorf("payout %s: %w", p.Ref, err)
	}
	assets, err := Assets(p.Output.Lovelace, p.Output.Assets)
	if err != nil {
		return types.Payout{}, fmt.Errorf("payout %s: %w", p.Ref, err)
	}
	return types.Payout{Address: addr, Assets: assets, Datum: payoutRole(p)}, nil
}

func payoutRole(p kv.Payout) types.AssetId {
	return AssetId(core.Token{Currency: p.RolesCurrency, Name: p.Role})
}
