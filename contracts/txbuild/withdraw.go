package txbuild

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// unitRedeemer is Plutus Data C0[] (the payout validator ignores it).
var unitRedeemer = []byte{0xd8, 0x79, 0x80}

// Payout is a payout output to withdraw and its datum.
type Payout struct {
	UTxO  UTxO
	Datum core.PayoutDatum
}

// WithdrawRequest withdraws payouts (semantics.md §6.3).
type WithdrawRequest struct {
	Payouts []Payout
}

// Withdraw builds a transaction spending the payouts with their role tokens
// (each spent and re-created unchanged); the payouts' value goes to the
// change address.
func Withdraw(env Env, req WithdrawRequest) (*Result, error) {
	if err := env.check(); err != nil {
		return nil, err
	}
	if len(req.Payouts) == 0 {
		return nil, errors.New("withdraw: no payouts")
	}
	reg := env.registry()
	d := &draft{spends: map[registry.TxOutRef]scriptSpend{}}
	var roles []core.PayoutDatum
	for _, p := range req.Payouts {
		ref := p.UTxO.Ref
		h, ok := registry.ScriptPaymentCredential(p.UTxO.Out.Address)
		if !ok {
			return nil, &InvalidPayoutError{Ref: ref, Reason: "not at a script address"}
		}
		s, ok := reg.ByHash(h)
		if !ok || s.Role != registry.RolePayout {
			return nil, &InvalidPayoutError{Ref: ref, Reason: "not at a known payout validator"}
		}
		if p.UTxO.Out.DatumHash == nil {
			return nil, &InvalidPayoutError{Ref: ref, Reason: "no datum hash"}
		}
		raw, dh, err := datumWithHash(p.Datum)
		if err != nil {
			return nil, fmt.Errorf("withdraw: payout datum: %w", err)
		}
		if !bytes.Equal(dh, p.UTxO.Out.DatumHash) {
			return nil, &InvalidPayoutError{Ref: ref, Reason: "datum does not match the output's datum hash"}
		}
		refU, scr, err := refScriptUTxO(env, h)
		if err != nil {
			return nil, err
		}
		d.addRefInput(refU)
		d.addInput(p.UTxO)
		d.addDatum(raw)
		d.spends[ref] = scriptSpend{script: scr, redeemer: unitRedeemer}
		if !slices.Contains(roles, p.Datum) {
			roles = append(roles, p.Datum)
		}
	}
	for _, r := range roles {
		u, err := roleTokenUTxO(env, r.RolesCurrency, r.Role)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(d.inputs, func(x UTxO) bool { return x.Ref == u.Ref }) {
			continue
		}
		d.addInput(u)
		o := u.Out
		o.Value = u.Out.Value.Clone()
		d.addOutput(o, true)
	}
	return finish(env, d)
}

// NoRoleTokensError: the wallet holds no token of the policy to burn (txjob
// BurnNoTokens).
type NoRoleTokensError struct{ Policy [28]byte }

func (e *NoRoleTokensError) Error() string {
	return fmt.Sprintf("wallet holds no token of policy %x", e.Policy)
}

// PolicyClosedError: the minting policy's time lock has passed, so its
// tokens can no longer be minted or burnt (txjob BurnInvalidPolicyId).
type PolicyClosedError struct {
	Policy  [28]byte
	Before  uint64
	TipSlot uint64
}

func (e *PolicyClosedError) Error() string {
	return fmt.Sprintf("policy %x closed at slot %d (tip %d)", e.Policy, e.Before, e.TipSlot)
}

// BurnRequest burns every token of a role-token policy the wallet holds.
type BurnRequest struct {
	Policy RoleTokenPolicy
}

// BurnRoleTokens builds a transaction burning the wallet's tokens of
// req.Policy (semantics.md §6.4, with the native policy of Create).
func BurnRoleTokens(env Env, req BurnRequest) (*Result, error) {
	if err := env.check(); err != nil {
		return nil, err
	}
	id := req.Policy.ID()
	if env.TipSlot >= req.Policy.Before {
		return nil, &PolicyClosedError{Policy: id, Before: req.Policy.Before, TipSlot: env.TipSlot}
	}
	d := &draft{spends: map[registry.TxOutRef]scriptSpend{}}
	for _, u := range env.Wallet.UTxOs {
		if _, key := keyHashOf(u.Out.Address); !key {
			continue
		}
		for a, q := range u.Out.Value.Assets {
			if a.Policy != id {
				continue
			}
			d.addInput(u)
			var err error
			if d.burn, err = d.burn.add(Value{Assets: map[AssetID]uint64{a: q}}); err != nil {
				return nil, err
			}
		}
	}
	if d.burn.isZero() {
		return nil, &NoRoleTokensError{Policy: id}
	}
	before := req.Policy.Before
	d.ttl = &before
	d.nativeScr = append(d.nativeScr, req.Policy.Script())
	d.witnessKey = append(d.witnessKey, req.Policy.KeyHash)
	return finish(env, d)
}
