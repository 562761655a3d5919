package txbuild

import (
	"fmt"
	"math/big"
)

// ExUnitsMarginPercent is added to every measured redeemer budget before
// it is declared: declared = measured + ⌈measured × 5 / 100⌉. It absorbs
// cost differences between plutigo and the node (semantics of a few
// builtins' costing changed across protocol versions; go-cardano.md §7
// measured ≤ 0.003%) so the transaction does not fail phase 2 on chain.
const ExUnitsMarginPercent = 5

// FeeMarginBytes bounds how far the fee may exceed the ledger minimum, in
// units of minFeeA: the fee/size fixed point can settle with the fee's own
// CBOR integer (and the change it displaces) a few bytes wider than needed.
const FeeMarginBytes = 8

// minUTxOOverhead is the Babbage constant added to an output's size.
const minUTxOOverhead = 160

// Reference-script fee tiers (Conway): the per-byte price is multiplied by
// refScriptMultiplier for every refScriptStride bytes.
const refScriptStride = 25600

var refScriptMultiplier = big.NewRat(6, 5)

// MinUTxO is the Babbage minimum lovelace of output o:
// (160 + size(o)) × coinsPerUTxOByte.
func MinUTxO(p Params, o TxOut) (uint64, error) {
	b, err := o.Encode()
	if err != nil {
		return 0, err
	}
	return (minUTxOOverhead + uint64(len(b))) * p.CoinsPerUTxOByte, nil
}

// topUp raises o's lovelace to its min-UTxO. Raising the lovelace can widen
// its CBOR integer, so it repeats until stable.
func topUp(p Params, o *TxOut) error {
	for range 4 {
		m, err := MinUTxO(p, *o)
		if err != nil {
			return err
		}
		if o.Value.Lovelace >= m {
			return nil
		}
		o.Value.Lovelace = m
	}
	return fmt.Errorf("min-UTxO of output did not converge")
}

// SizeFee is minFeeA × size + minFeeB; size is the transaction's size for
// fee purposes (its CBOR without the is_valid flag).
func SizeFee(p Params, size uint64) uint64 { return p.MinFeeA*size + p.MinFeeB }

// ExUnitsFee is ⌈mem × priceMem + steps × priceSteps⌉.
func ExUnitsFee(p Params, eu ExUnits) uint64 {
	t := new(big.Rat).Mul(p.PriceMem, new(big.Rat).SetInt64(eu.Mem))
	t.Add(t, new(big.Rat).Mul(p.PriceSteps, new(big.Rat).SetInt64(eu.Steps)))
	return ratCeil(t)
}

// RefScriptFee is the Conway tiered fee for totalSize bytes of reference
// scripts in spent and reference inputs: each full 25 600-byte stride is
// priced at the current per-byte price, which then grows by 6/5; the rest is
// priced at the last price; the total is rounded down.
func RefScriptFee(p Params, totalSize uint64) uint64 {
	if p.MinFeeRefScriptCostPerByte == nil || totalSize == 0 {
		return 0
	}
	acc := new(big.Rat)
	price := new(big.Rat).Set(p.MinFeeRefScriptCostPerByte)
	n := totalSize
	for n >= refScriptStride {
		acc.Add(acc, new(big.Rat).Mul(price, new(big.Rat).SetInt64(refScriptStride)))
		price.Mul(price, refScriptMultiplier)
		n -= refScriptStride
	}
	acc.Add(acc, new(big.Rat).Mul(price, new(big.Rat).SetUint64(n)))
	return ratFloor(acc)
}

func ratFloor(r *big.Rat) uint64 {
	q := new(big.Int).Quo(r.Num(), r.Denom())
	return q.Uint64()
}

func ratCeil(r *big.Rat) uint64 {
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Uint64()
}

// withMargin is measured plus ExUnitsMarginPercent, rounded up.
func withMargin(m ExUnits) ExUnits {
	up := func(x int64) int64 { return x + (x*ExUnitsMarginPercent+99)/100 }
	return ExUnits{Mem: up(m.Mem), Steps: up(m.Steps)}
}
