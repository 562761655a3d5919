// Package txtest builds Cardano transactions as CBOR, for tests and for
// generated chains: bodies, witness sets and auxiliary data in the Conway
// (and Babbage) wire format, decoded back with gouroboros so that code under
// test sees exactly what it would see from a node.
//
// It writes what it is told to write and computes nothing itself: no
// balancing, fees, signatures or script-integrity hashes (decoding does not
// check them; contracts/txbuild computes them and writes them through Tx).
package txtest

import (
	"errors"
	"fmt"
	"slices"

	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
)

// Asset is a native-token quantity of an output.
type Asset struct {
	Policy   [28]byte
	Name     []byte
	Quantity uint64
}

// MintAsset is a minted (positive) or burnt (negative) quantity.
type MintAsset struct {
	Policy   [28]byte
	Name     []byte
	Quantity int64
}

// Output is a transaction output.
type Output struct {
	// Address is the raw CIP-19 address.
	Address  []byte
	Lovelace uint64
	Assets   []Asset
	// DatumHash (32 bytes) attaches a datum by hash.
	DatumHash []byte
	// InlineDatum attaches a datum inline (its CBOR). Set at most one of
	// DatumHash and InlineDatum.
	InlineDatum []byte
	// Legacy writes the pre-Babbage array form [address, value, hash?],
	// which cannot carry an inline datum.
	Legacy bool
	// ScriptRef attaches a Plutus V2 reference script: its once-wrapped
	// CBOR (the hashed form). Not allowed with Legacy.
	ScriptRef []byte
}

// Redeemer is a witness-set redeemer.
type Redeemer struct {
	Tag   lcommon.RedeemerTag
	Index uint32
	// Data is the redeemer's Plutus Data CBOR.
	Data       []byte
	Mem, Steps uint64
}

// Label is one transaction-metadata label with its value's CBOR.
type Label struct {
	Label uint64
	Value []byte
}

// Tx is a transaction to encode.
type Tx struct {
	Inputs           []registry.TxOutRef
	ReferenceInputs  []registry.TxOutRef
	Collateral       []registry.TxOutRef
	Outputs          []Output
	CollateralReturn *Output
	Fee              uint64
	// TTL is invalidHereafter and ValidFrom invalidBefore; nil omits them.
	TTL       *uint64
	ValidFrom *uint64
	Mint      []MintAsset
	// Datums are witness-set Plutus Data, as CBOR.
	Datums    [][]byte
	Redeemers []Redeemer
	// LegacyRedeemers writes redeemers as the Alonzo/Babbage list instead
	// of the Conway map.
	LegacyRedeemers bool
	// SetTags writes the input sets with the Conway set tag 258.
	SetTags  bool
	Metadata []Label
	// Invalid marks the transaction phase-2 invalid (is_valid = false).
	Invalid bool
	// ScriptDataHash (32 bytes) is the script-integrity hash; nil omits it.
	ScriptDataHash []byte
	// RequiredSigners are key hashes the transaction must be signed by.
	RequiredSigners [][28]byte
	// NativeScripts are witness-set native scripts, as CBOR.
	NativeScripts [][]byte
	// VKeyWitnesses are witness-set signatures.
	VKeyWitnesses []VKeyWitness
}

// VKeyWitness is an ed25519 verification key and its signature of the body
// hash.
type VKeyWitness struct {
	VKey      [32]byte
	Signature [64]byte
}

// Slot returns a pointer to s, for TTL and ValidFrom.
func Slot(s uint64) *uint64 { return &s }

// enc encodes v deterministically (core deterministic encoding: shortest
// heads, sorted map keys), letting embedded raw CBOR (canonical Plutus Data
// uses indefinite lists) through unchanged. The mode is built per call
// rather than kept in a package variable; it is cheap next to the encoding.
func enc(v any) (cbor.RawMessage, error) {
	opts := cbor.CoreDetEncOptions()
	opts.IndefLength = cbor.IndefLengthAllowed
	em, err := opts.EncMode()
	if err != nil {
		return nil, err
	}
	return em.Marshal(v)
}

func array(items []cbor.RawMessage) cbor.RawMessage {
	out := cborhead.Append(nil, 4, uint64(len(items)))
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

// mapOf writes a definite map from pairs in the given order.
func mapOf(pairs [][2]cbor.RawMessage) cbor.RawMessage {
	out := cborhead.Append(nil, 5, uint64(len(pairs)))
	for _, p := range pairs {
		out = append(out, p[0]...)
		out = append(out, p[1]...)
	}
	return out
}

func uintKey(k uint64) cbor.RawMessage { return cborhead.Append(nil, 0, k) }

func refs(rs []registry.TxOutRef, setTag bool) (cbor.RawMessage, error) {
	items := make([]cbor.RawMessage, 0, len(rs))
	for _, r := range rs {
		b, err := enc([]any{r.TxID[:], r.Index})
		if err != nil {
			return nil, err
		}
		items = append(items, b)
	}
	a := array(items)
	if setTag {
		return append(cborhead.Append(nil, 6, 258), a...), nil
	}
	return a, nil
}

func value(lovelace uint64, assets []Asset) (cbor.RawMessage, error) {
	if len(assets) == 0 {
		return enc(lovelace)
	}
	ma := map[cbor.ByteString]map[cbor.ByteString]uint64{}
	for _, a := range assets {
		p := cbor.ByteString(a.Policy[:])
		if ma[p] == nil {
			ma[p] = map[cbor.ByteString]uint64{}
		}
		ma[p][cbor.ByteString(a.Name)] += a.Quantity
	}
	return enc([]any{lovelace, ma})
}

// Encode returns the output's CBOR.
func (o *Output) Encode() (cbor.RawMessage, error) {
	if len(o.Address) == 0 {
		return nil, errors.New("output: empty address")
	}
	if o.DatumHash != nil && o.InlineDatum != nil {
		return nil, errors.New("output: both a datum hash and an inline datum")
	}
	if o.DatumHash != nil && len(o.DatumHash) != 32 {
		return nil, fmt.Errorf("output: datum hash has %d bytes", len(o.DatumHash))
	}
	val, err := value(o.Lovelace, o.Assets)
	if err != nil {
		return nil, err
	}
	addr, err := enc(o.Address)
	if err != nil {
		return nil, err
	}
	if o.Legacy {
		if o.ScriptRef != nil {
			return nil, errors.New("output: a legacy output cannot carry a reference script")
		}
		if o.InlineDatum != nil {
			return nil, errors.New("output: a legacy output cannot carry an inline datum")
		}
		items := []cbor.RawMessage{addr, val}
		if o.DatumHash != nil {
			h, err := enc(o.DatumHash)
			if err != nil {
				return nil, err
			}
			items = append(items, h)
		}
		return array(items), nil
	}
	pairs := [][2]cbor.RawMessage{{uintKey(0), addr}, {uintKey(1), val}}
	switch {
	case o.DatumHash != nil:
		d, err := enc([]any{0, o.DatumHash})
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]cbor.RawMessage{uintKey(2), d})
	case o.InlineDatum != nil:
		d, err := enc([]any{1, cbor.Tag{Number: 24, Content: o.InlineDatum}})
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]cbor.RawMessage{uintKey(2), d})
	}
	if o.ScriptRef != nil {
		// script_ref = #6.24(bytes .cbor [2, plutus_v2_script]).
		inner, err := enc([]any{2, o.ScriptRef})
		if err != nil {
			return nil, err
		}
		r, err := enc(cbor.Tag{Number: 24, Content: []byte(inner)})
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]cbor.RawMessage{uintKey(3), r})
	}
	return mapOf(pairs), nil
}

// Body returns the transaction body's CBOR.
func (t *Tx) Body() ([]byte, error) {
	var pairs [][2]cbor.RawMessage
	add := func(k uint64, v cbor.RawMessage) { pairs = append(pairs, [2]cbor.RawMessage{uintKey(k), v}) }

	ins, err := refs(t.Inputs, t.SetTags)
	if err != nil {
		return nil, err
	}
	add(0, ins)
	outs := make([]cbor.RawMessage, 0, len(t.Outputs))
	for i := range t.Outputs {
		o, err := t.Outputs[i].Encode()
		if err != nil {
			return nil, fmt.Errorf("output %d: %w", i, err)
		}
		outs = append(outs, o)
	}
	add(1, array(outs))
	add(2, cborhead.Append(nil, 0, t.Fee))
	if t.TTL != nil {
		add(3, cborhead.Append(nil, 0, *t.TTL))
	}
	if len(t.Metadata) > 0 {
		aux, err := t.AuxData()
		if err != nil {
			return nil, err
		}
		h := blake2b.Sum256(aux)
		b, err := enc(h[:])
		if err != nil {
			return nil, err
		}
		add(7, b)
	}
	if t.ValidFrom != nil {
		add(8, cborhead.Append(nil, 0, *t.ValidFrom))
	}
	if len(t.Mint) > 0 {
		m := map[cbor.ByteString]map[cbor.ByteString]int64{}
		for _, a := range t.Mint {
			p := cbor.ByteString(a.Policy[:])
			if m[p] == nil {
				m[p] = map[cbor.ByteString]int64{}
			}
			m[p][cbor.ByteString(a.Name)] += a.Quantity
		}
		b, err := enc(m)
		if err != nil {
			return nil, err
		}
		add(9, b)
	}
	if t.ScriptDataHash != nil {
		if len(t.ScriptDataHash) != 32 {
			return nil, fmt.Errorf("script data hash has %d bytes", len(t.ScriptDataHash))
		}
		b, err := enc(t.ScriptDataHash)
		if err != nil {
			return nil, err
		}
		add(11, b)
	}
	if len(t.Collateral) > 0 {
		c, err := refs(t.Collateral, t.SetTags)
		if err != nil {
			return nil, err
		}
		add(13, c)
	}
	if len(t.RequiredSigners) > 0 {
		items := make([]cbor.RawMessage, 0, len(t.RequiredSigners))
		for _, k := range t.RequiredSigners {
			b, err := enc(k[:])
			if err != nil {
				return nil, err
			}
			items = append(items, b)
		}
		a := array(items)
		if t.SetTags {
			a = append(cborhead.Append(nil, 6, 258), a...)
		}
		add(14, a)
	}
	if t.CollateralReturn != nil {
		o, err := t.CollateralReturn.Encode()
		if err != nil {
			return nil, fmt.Errorf("collateral return: %w", err)
		}
		add(16, o)
	}
	if len(t.ReferenceInputs) > 0 {
		r, err := refs(t.ReferenceInputs, t.SetTags)
		if err != nil {
			return nil, err
		}
		add(18, r)
	}
	return mapOf(pairs), nil
}

// DatumsCBOR returns the witness-set Plutus Data list exactly as Witnesses
// writes it (nil when there are none): the bytes the script-integrity hash
// covers.
func (t *Tx) DatumsCBOR() []byte {
	if len(t.Datums) == 0 {
		return nil
	}
	ds := make([]cbor.RawMessage, len(t.Datums))
	for i, d := range t.Datums {
		ds[i] = d
	}
	return array(ds)
}

// RedeemersCBOR returns the redeemers exactly as Witnesses writes them (the
// Conway map, or the legacy list), or nil when there are none.
func (t *Tx) RedeemersCBOR() ([]byte, error) {
	if len(t.Redeemers) == 0 {
		return nil, nil
	}
	rs := slices.Clone(t.Redeemers)
	slices.SortStableFunc(rs, func(a, b Redeemer) int {
		if a.Tag != b.Tag {
			return int(a.Tag) - int(b.Tag)
		}
		return int(int64(a.Index) - int64(b.Index))
	})
	if t.LegacyRedeemers {
		items := make([]cbor.RawMessage, 0, len(rs))
		for _, r := range rs {
			b, err := enc([]any{uint8(r.Tag), r.Index, cbor.RawMessage(r.Data), []uint64{r.Mem, r.Steps}})
			if err != nil {
				return nil, err
			}
			items = append(items, b)
		}
		return array(items), nil
	}
	var rp [][2]cbor.RawMessage
	for _, r := range rs {
		k, err := enc([]any{uint8(r.Tag), r.Index})
		if err != nil {
			return nil, err
		}
		v, err := enc([]any{cbor.RawMessage(r.Data), []uint64{r.Mem, r.Steps}})
		if err != nil {
			return nil, err
		}
		rp = append(rp, [2]cbor.RawMessage{k, v})
	}
	return mapOf(rp), nil
}

// Witnesses returns the witness set's CBOR: signatures, native scripts,
// Plutus data and redeemers.
func (t *Tx) Witnesses() ([]byte, error) {
	var pairs [][2]cbor.RawMessage
	if len(t.VKeyWitnesses) > 0 {
		items := make([]cbor.RawMessage, 0, len(t.VKeyWitnesses))
		for _, w := range t.VKeyWitnesses {
			b, err := enc([]any{w.VKey[:], w.Signature[:]})
			if err != nil {
				return nil, err
			}
			items = append(items, b)
		}
		pairs = append(pairs, [2]cbor.RawMessage{uintKey(0), array(items)})
	}
	if len(t.NativeScripts) > 0 {
		items := make([]cbor.RawMessage, len(t.NativeScripts))
		for i, ns := range t.NativeScripts {
			items[i] = ns
		}
		pairs = append(pairs, [2]cbor.RawMessage{uintKey(1), array(items)})
	}
	if ds := t.DatumsCBOR(); ds != nil {
		pairs = append(pairs, [2]cbor.RawMessage{uintKey(4), ds})
	}
	rs, err := t.RedeemersCBOR()
	if err != nil {
		return nil, err
	}
	if rs != nil {
		pairs = append(pairs, [2]cbor.RawMessage{uintKey(5), rs})
	}
	return mapOf(pairs), nil
}

// AuxData returns the auxiliary data (Alonzo form #6.259({0: metadata})), or
// nil when the transaction has no metadata.
func (t *Tx) AuxData() ([]byte, error) {
	if len(t.Metadata) == 0 {
		return nil, nil
	}
	ls := slices.Clone(t.Metadata)
	slices.SortStableFunc(ls, func(a, b Label) int {
		switch {
		case a.Label < b.Label:
			return -1
		case a.Label > b.Label:
			return 1
		}
		return 0
	})
	var md [][2]cbor.RawMessage
	for _, l := range ls {
		md = append(md, [2]cbor.RawMessage{uintKey(l.Label), l.Value})
	}
	inner := mapOf([][2]cbor.RawMessage{{uintKey(0), mapOf(md)}})
	return append(cborhead.Append(nil, 6, 259), inner...), nil
}

// CBOR returns the whole transaction: [body, witnesses, is_valid, aux].
func (t *Tx) CBOR() ([]byte, error) {
	body, err := t.Body()
	if err != nil {
		return nil, err
	}
	wits, err := t.Witnesses()
	if err != nil {
		return nil, err
	}
	aux, err := t.AuxData()
	if err != nil {
		return nil, err
	}
	if aux == nil {
		aux = []byte{0xf6}
	}
	valid := []byte{0xf5}
	if t.Invalid {
		valid = []byte{0xf4}
	}
	return array([]cbor.RawMessage{body, wits, valid, aux}), nil
}

// ID returns the transaction id (blake2b-256 of the body).
func (t *Tx) ID() (registry.TxID, error) {
	body, err := t.Body()
	if err != nil {
		return registry.TxID{}, err
	}
	return registry.TxID(blake2b.Sum256(body)), nil
}

// Ref returns the reference of output i of t.
func (t *Tx) Ref(i int) (registry.TxOutRef, error) {
	id, err := t.ID()
	if err != nil {
		return registry.TxOutRef{}, err
	}
	return registry.TxOutRef{TxID: id, Index: uint32(i)}, nil
}

// Decode encodes t and decodes it with gouroboros as a transaction of type
// txType: conway.TxTypeConway or babbage.TxTypeBabbage (a Babbage
// transaction needs LegacyRedeemers and no SetTags).
func (t *Tx) Decode(txType uint) (lcommon.Transaction, error) {
	raw, err := t.CBOR()
	if err != nil {
		return nil, err
	}
	var tx lcommon.Transaction
	switch txType {
	case conway.TxTypeConway:
		tx, err = conway.NewConwayTransactionFromCbor(raw)
	case babbage.TxTypeBabbage:
		tx, err = babbage.NewBabbageTransactionFromCbor(raw)
	default:
		return nil, fmt.Errorf("decode built transaction: unsupported type %d", txType)
	}
	if err != nil {
		return nil, fmt.Errorf("decode built transaction: %w", err)
	}
	return tx, nil
}

// Conway is Decode(conway.TxTypeConway).
func (t *Tx) Conway() (lcommon.Transaction, error) { return t.Decode(conway.TxTypeConway) }

// Network ids of Shelley addresses.
const (
	Testnet byte = 0
	Mainnet byte = 1
)

// EnterpriseScriptAddress is the unstaked address of script h.
func EnterpriseScriptAddress(h [28]byte, network byte) []byte {
	return append([]byte{lcommon.AddressTypeScriptNone<<4 | network&0x0f}, h[:]...)
}

// StakedScriptAddress is the address of script h with a stake key (or, with
// stakeIsScript, a stake script) credential.
func StakedScriptAddress(h, stake [28]byte, stakeIsScript bool, network byte) []byte {
	typ := byte(lcommon.AddressTypeScriptKey)
	if stakeIsScript {
		typ = lcommon.AddressTypeScriptScript
	}
	out := append([]byte{typ<<4 | network&0x0f}, h[:]...)
	return append(out, stake[:]...)
}

// PointerScriptAddress is the address of script h with a stake pointer.
func PointerScriptAddress(h [28]byte, slot, txIx, certIx uint64, network byte) []byte {
	out := append([]byte{lcommon.AddressTypeScriptPointer<<4 | network&0x0f}, h[:]...)
	for _, n := range []uint64{slot, txIx, certIx} {
		out = appendNatural(out, n)
	}
	return out
}

// EnterpriseKeyAddress is the unstaked address of key hash pkh.
func EnterpriseKeyAddress(pkh [28]byte, network byte) []byte {
	return append([]byte{lcommon.AddressTypeKeyNone<<4 | network&0x0f}, pkh[:]...)
}

// appendNatural writes the variable-length natural of CIP-19 pointers:
// big-endian base-128 digits, the continuation bit on all but the last.
func appendNatural(out []byte, n uint64) []byte {
	var digits []byte
	digits = append(digits, byte(n&0x7f))
	for n >>= 7; n > 0; n >>= 7 {
		digits = append(digits, byte(n&0x7f)|0x80)
	}
	slices.Reverse(digits)
	return append(out, digits...)
}

// Metadatum encodes a metadata value: unsigned and signed integers, strings
// (text), []byte, []any (list) and map[any]any are accepted, as well as raw
// CBOR (cbor.RawMessage).
func Metadatum(v any) ([]byte, error) { return enc(v) }
