package txbuild

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// AssetID names a native token.
type AssetID struct {
	Policy [28]byte
	Name   string
}

func compareAsset(a, b AssetID) int {
	if c := bytes.Compare(a.Policy[:], b.Policy[:]); c != 0 {
		return c
	}
	return cmp.Compare(a.Name, b.Name)
}

// Value is a ledger value: lovelace plus native tokens. Quantities are
// uint64 because that is what the ledger stores; a zero-quantity asset is
// never kept.
type Value struct {
	Lovelace uint64
	Assets   map[AssetID]uint64
}

// Clone returns an independent copy.
func (v Value) Clone() Value {
	out := Value{Lovelace: v.Lovelace}
	if len(v.Assets) > 0 {
		out.Assets = make(map[AssetID]uint64, len(v.Assets))
		for k, q := range v.Assets {
			out.Assets[k] = q
		}
	}
	return out
}

// AssetIDs returns the value's assets in canonical order.
func (v Value) AssetIDs() []AssetID {
	ids := make([]AssetID, 0, len(v.Assets))
	for k := range v.Assets {
		ids = append(ids, k)
	}
	slices.SortFunc(ids, compareAsset)
	return ids
}

// HasAssets reports whether v holds any native token.
func (v Value) HasAssets() bool { return len(v.Assets) > 0 }

// add returns v + w, failing on uint64 overflow.
func (v Value) add(w Value) (Value, error) {
	out := v.Clone()
	if out.Lovelace > math.MaxUint64-w.Lovelace {
		return Value{}, errors.New("value overflow: lovelace")
	}
	out.Lovelace += w.Lovelace
	for k, q := range w.Assets {
		if q == 0 {
			continue
		}
		if out.Assets == nil {
			out.Assets = map[AssetID]uint64{}
		}
		if out.Assets[k] > math.MaxUint64-q {
			return Value{}, fmt.Errorf("value overflow: asset %x.%x", k.Policy, k.Name)
		}
		out.Assets[k] += q
	}
	return out, nil
}

// sub returns v − w, saturating at zero, and the part of w that v could not
// cover (the deficit).
func (v Value) sub(w Value) (rest, deficit Value) {
	rest = v.Clone()
	if w.Lovelace > rest.Lovelace {
		deficit.Lovelace = w.Lovelace - rest.Lovelace
		rest.Lovelace = 0
	} else {
		rest.Lovelace -= w.Lovelace
	}
	for k, q := range w.Assets {
		have := rest.Assets[k]
		if q > have {
			if deficit.Assets == nil {
				deficit.Assets = map[AssetID]uint64{}
			}
			deficit.Assets[k] = q - have
			delete(rest.Assets, k)
			continue
		}
		if have == q {
			delete(rest.Assets, k)
		} else {
			rest.Assets[k] = have - q
		}
	}
	return rest, deficit
}

// isZero reports whether v is empty.
func (v Value) isZero() bool { return v.Lovelace == 0 && len(v.Assets) == 0 }

func (v Value) txtestAssets() []txtest.Asset {
	ids := v.AssetIDs()
	out := make([]txtest.Asset, 0, len(ids))
	for _, id := range ids {
		out = append(out, txtest.Asset{Policy: id.Policy, Name: []byte(id.Name), Quantity: v.Assets[id]})
	}
	return out
}

// TxOut is a transaction output.
type TxOut struct {
	// Address is the raw CIP-19 address.
	Address []byte
	Value   Value
	// DatumHash (32 bytes) or InlineDatum (CBOR): at most one.
	DatumHash   []byte
	InlineDatum []byte
	// ScriptRef is a Plutus V2 reference script (once-wrapped CBOR).
	ScriptRef []byte
}

func (o TxOut) txtest() txtest.Output {
	return txtest.Output{
		Address:     o.Address,
		Lovelace:    o.Value.Lovelace,
		Assets:      o.Value.txtestAssets(),
		DatumHash:   o.DatumHash,
		InlineDatum: o.InlineDatum,
		ScriptRef:   o.ScriptRef,
	}
}

// Encode returns the output's CBOR (Babbage map form).
func (o TxOut) Encode() ([]byte, error) {
	t := o.txtest()
	b, err := t.Encode()
	if err != nil {
		return nil, fmt.Errorf("encode output: %w", err)
	}
	return b, nil
}

// UTxO is an unspent output and its reference. Raw, when set, is the
// output's CBOR as it sits on chain; it is what script contexts are built
// from (otherwise Out is re-encoded).
type UTxO struct {
	Ref registry.TxOutRef
	Out TxOut
	Raw []byte
}

// DecodeUTxO reads an output's CBOR (as chain-sync or the index stores it).
func DecodeUTxO(ref registry.TxOutRef, outputCBOR []byte) (UTxO, error) {
	o, err := babbage.NewBabbageTransactionOutputFromCbor(outputCBOR)
	if err != nil {
		return UTxO{}, fmt.Errorf("decode output %s: %w", ref, err)
	}
	addr, err := o.Address().Bytes()
	if err != nil {
		return UTxO{}, fmt.Errorf("decode output %s: address: %w", ref, err)
	}
	amt := o.Amount()
	if amt == nil || !amt.IsUint64() {
		return UTxO{}, fmt.Errorf("decode output %s: lovelace out of range", ref)
	}
	out := TxOut{Address: addr, Value: Value{Lovelace: amt.Uint64()}}
	if ma := o.Assets(); ma != nil {
		for _, p := range ma.Policies() {
			for _, name := range ma.Assets(p) {
				q := ma.Asset(p, name)
				if q == nil || q.Sign() <= 0 || !q.IsUint64() {
					return UTxO{}, fmt.Errorf("decode output %s: asset quantity out of range", ref)
				}
				if out.Value.Assets == nil {
					out.Value.Assets = map[AssetID]uint64{}
				}
				out.Value.Assets[AssetID{Policy: p, Name: string(name)}] = q.Uint64()
			}
		}
	}
	if d := o.Datum(); d != nil {
		out.InlineDatum = slices.Clone(d.Cbor())
	} else if h := o.DatumHash(); h != nil {
		out.DatumHash = slices.Clone(h.Bytes())
	}
	if s := o.ScriptRef(); s != nil {
		out.ScriptRef = slices.Clone(s.RawScriptBytes())
	}
	return UTxO{Ref: ref, Out: out, Raw: slices.Clone(outputCBOR)}, nil
}

// cbor returns the output's CBOR: Raw when known.
func (u UTxO) cbor() ([]byte, error) {
	if len(u.Raw) > 0 {
		return u.Raw, nil
	}
	return u.Out.Encode()
}

// ExUnits is a Plutus execution budget.
type ExUnits struct {
	Mem   int64
	Steps int64
}

// Params are the protocol parameters the builder needs.
type Params struct {
	MinFeeA, MinFeeB uint64
	CoinsPerUTxOByte uint64
	MaxTxSize        uint64
	MaxTxExUnits     ExUnits
	// PriceMem and PriceSteps are lovelace per ex-unit.
	PriceMem, PriceSteps *big.Rat
	CollateralPercentage uint64
	MaxCollateralInputs  uint64
	// CostModelV2 is the positional Plutus V2 cost model.
	CostModelV2 []int64
	// MinFeeRefScriptCostPerByte is the base price of the Conway tiered
	// reference-script fee (nil: no such fee, pre-Conway).
	MinFeeRefScriptCostPerByte *big.Rat
	// ProtocolMajor selects plutigo's cost formulas.
	ProtocolMajor uint
}

// ParamsFromConway extracts Params from gouroboros' Conway parameters.
func ParamsFromConway(p *conway.ConwayProtocolParameters) (Params, error) {
	if p == nil {
		return Params{}, errors.New("protocol parameters: nil")
	}
	if p.ExecutionCosts.MemPrice == nil || p.ExecutionCosts.StepPrice == nil {
		return Params{}, errors.New("protocol parameters: execution prices missing")
	}
	cm, ok := p.CostModels[1]
	if !ok || len(cm) == 0 {
		return Params{}, errors.New("protocol parameters: Plutus V2 cost model missing")
	}
	out := Params{
		MinFeeA:              uint64(p.MinFeeA),
		MinFeeB:              uint64(p.MinFeeB),
		CoinsPerUTxOByte:     p.AdaPerUtxoByte,
		MaxTxSize:            uint64(p.MaxTxSize),
		MaxTxExUnits:         ExUnits{Mem: p.MaxTxExUnits.Memory, Steps: p.MaxTxExUnits.Steps},
		PriceMem:             new(big.Rat).Set(p.ExecutionCosts.MemPrice.Rat),
		PriceSteps:           new(big.Rat).Set(p.ExecutionCosts.StepPrice.Rat),
		CollateralPercentage: uint64(p.CollateralPercentage),
		MaxCollateralInputs:  uint64(p.MaxCollateralInputs),
		CostModelV2:          slices.Clone(cm),
		ProtocolMajor:        p.ProtocolVersion.Major,
	}
	if p.MinFeeRefScriptCostPerByte != nil && p.MinFeeRefScriptCostPerByte.Rat != nil {
		out.MinFeeRefScriptCostPerByte = new(big.Rat).Set(p.MinFeeRefScriptCostPerByte.Rat)
	}
	return out, out.validate()
}

func (p Params) validate() error {
	switch {
	case p.PriceMem == nil || p.PriceSteps == nil:
		return errors.New("protocol parameters: execution prices missing")
	case p.CoinsPerUTxOByte == 0:
		return errors.New("protocol parameters: coinsPerUTxOByte is zero")
	case p.MaxTxSize == 0:
		return errors.New("protocol parameters: maxTxSize is zero")
	case len(p.CostModelV2) == 0:
		return errors.New("protocol parameters: Plutus V2 cost model missing")
	case p.MaxCollateralInputs == 0:
		return errors.New("protocol parameters: maxCollateralInputs is zero")
	}
	return nil
}

// TimeConverter converts between slots and wall-clock time (the era
// history). Its method set is gouroboros' common.SlotState, so a ledger
// state can be passed as is.
type TimeConverter interface {
	SlotToTime(slot uint64) (time.Time, error)
	TimeToSlot(t time.Time) (uint64, error)
}

// Wallet is the submitting wallet.
type Wallet struct {
	// UTxOs are the wallet's spendable outputs.
	UTxOs []UTxO
	// ChangeAddress receives change and (for Create) the creator's
	// account; its payment key signs minting.
	ChangeAddress []byte
	// Collateral, when not empty, restricts collateral to these outputs.
	Collateral []registry.TxOutRef
}

// Env is what every build needs besides its own request.
type Env struct {
	Params Params
	Time   TimeConverter
	// TipSlot is the current tip; the default validity lower bound.
	TipSlot uint64
	Wallet  Wallet
	// ScriptRefs are reference-script UTxOs (semantics, payout, …); the
	// builder references the ones it needs, found by script hash.
	ScriptRefs []UTxO
	// Registry resolves validator hashes; nil means registry.New().
	Registry *registry.Registry
}

func (e Env) registry() *registry.Registry {
	if e.Registry != nil {
		return e.Registry
	}
	return registry.New()
}

// RedeemerUnits are the ex-units of one redeemer.
type RedeemerUnits struct {
	// Purpose is "spend" or "mint"; Index its index in the sorted inputs
	// or policies.
	Purpose  string
	Index    uint32
	Script   registry.ScriptHash
	Measured ExUnits
	Declared ExUnits
}

// Result is a built, unsigned transaction and its summary.
type Result struct {
	// CBOR is the unsigned Conway transaction.
	CBOR []byte
	TxID registry.TxID
	Fee  uint64
	// MinFee is the ledger minimum fee of the transaction once signed by
	// Signers (Fee ≥ MinFee).
	MinFee uint64
	// ExUnits is the total declared; Redeemers details each one.
	ExUnits   ExUnits
	Redeemers []RedeemerUnits
	// Signers are the key hashes whose signatures the ledger requires.
	Signers [][28]byte
	// Size is the signed transaction's size in bytes.
	Size uint64
	// ValidFrom and ValidTo are the validity slots (nil: unbounded).
	ValidFrom, ValidTo *uint64
	// Collateral is the collateral input, if any.
	Collateral []registry.TxOutRef
	// Metadata is the transaction metadata as written: each label's
	// metadatum CBOR (nil: none).
	Metadata map[uint64][]byte
}

// check rejects an environment no build can use.
func (e Env) check() error {
	if err := e.Params.validate(); err != nil {
		return err
	}
	if e.Time == nil {
		return errors.New("no slot/time converter")
	}
	if len(e.Wallet.ChangeAddress) == 0 {
		return errors.New("wallet: no change address")
	}
	return nil
}
