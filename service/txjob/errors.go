package txjob

import (
	"errors"
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// The builder's typed errors map 1:1 onto the wire error types (each
// txbuild error's documentation names its counterpart). What has no typed
// counterpart — a node query that failed, a request the builder cannot
// express — is a BalancingError carrying the reason, the Runtime's
// catch-all for a transaction that could not be put together.

// constraintOf maps a builder failure to the ConstraintError shared by all
// commands.
func constraintOf(err error) ptx.ConstraintError {
	var (
		funds  *txbuild.InsufficientFundsError
		role   *txbuild.MissingRoleTokenError
		coll   *txbuild.NoCollateralError
		minU   *txbuild.MinUTxOError
		payout *txbuild.InvalidPayoutError
	)
	switch {
	case errors.As(err, &funds):
		if len(funds.Tokens) == 0 {
			return ptx.CoinSelectionFailed{Err: ptx.InsufficientLovelace{Required: bigOr0(funds.Required), Available: bigOr0(funds.Available)}}
		}
		toks := types.Tokens{}
		for id, q := range funds.Tokens {
			toks[types.AssetId{Policy: types.PolicyId(id.Policy[:]), Name: types.TokenName(id.Name)}] = new(big.Int).SetUint64(q)
		}
		return ptx.CoinSelectionFailed{Err: ptx.InsufficientTokens{Tokens: toks}}
	case errors.As(err, &role):
		return ptx.RoleTokenNotFound{AssetId: types.AssetId{Policy: types.PolicyId(role.Currency), Name: types.TokenName(role.Role)}}
	case errors.As(err, &coll):
		refs := make([]types.TxOutRef, 0, len(coll.Candidates))
		for _, c := range coll.Candidates {
			if r, err := view.TxOutRef(c); err == nil {
				refs = append(refs, r)
			}
		}
		return ptx.CoinSelectionFailed{Err: ptx.NoCollateralFound{Utxos: refs}}
	case errors.As(err, &minU):
		return ptx.CalculateMinUtxoFailed{Message: minU.Error()}
	case errors.As(err, &payout):
		ref, rerr := view.TxOutRef(payout.Ref)
		if rerr != nil {
			return ptx.BalancingError{Message: err.Error()}
		}
		if payout.Reason == "not at a script address" || payout.Reason == "not at a known payout validator" {
			return ptx.InvalidPayoutScriptAddress{TxOutRef: ref}
		}
		return ptx.InvalidPayoutDatum{TxOutRef: ref}
	}
	var addr *addressError
	if errors.As(err, &addr) {
		return ptx.ToCardanoError{}
	}
	return ptx.BalancingError{Message: err.Error()}
}

func bigOr0(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(x)
}

// notPublished maps a missing reference script to the Marlowe-context
// error naming it.
func (h *Handler) notPublished(err error) (ptx.LoadMarloweContextError, bool) {
	var np *txbuild.ScriptNotPublishedError
	if !errors.As(err, &np) {
		return nil, false
	}
	hash := view.ScriptHash(np.Hash)
	if s, ok := h.reg.ByHash(np.Hash); ok && s.Role == registry.RolePayout {
		return ptx.PayoutScriptNotPublished{ScriptHash: hash}, true
	}
	return ptx.MarloweScriptNotPublished{ScriptHash: hash}, true
}

// createError maps a Create failure.
func (h *Handler) createError(err error) ptx.CreateError {
	var addr *addressError
	if errors.As(err, &addr) {
		return ptx.CreateBuildupFailed{Err: ptx.AddressesDecodingFailed{Addresses: addr.addrs}}
	}
	if e, ok := h.notPublished(err); ok {
		return ptx.CreateLoadMarloweContextFailed{Err: e}
	}
	return ptx.CreateConstraintError{Err: constraintOf(err)}
}

// applyError maps an ApplyInputs failure.
func (h *Handler) applyError(err error) ptx.ApplyInputsError {
	var (
		closed *txbuild.ContractClosedError
		sem    *txbuild.SemanticsError
		state  *txbuild.InvalidStateError
		lower  *txbuild.ValidityLowerBoundTooHighError
	)
	switch {
	case errors.As(err, &closed):
		return ptx.ScriptOutputNotFound{}
	case errors.As(err, &sem):
		return ptx.ApplyInputsConstraintsBuildupFailed{Err: ptx.MarloweComputeTransactionFailed{Err: sem.Err}}
	case errors.As(err, &state):
		return ptx.ApplyInputsConstraintsBuildupFailed{Err: ptx.InvalidMarloweState{}}
	case errors.As(err, &lower):
		return ptx.ValidityLowerBoundTooHigh{TipSlot: types.SlotNo(lower.TipSlot), InvalidBeforeSlot: types.SlotNo(lower.InvalidBefore)}
	}
	if e, ok := h.notPublished(err); ok {
		return ptx.ApplyInputsLoadMarloweContextFailed{Err: e}
	}
	return ptx.ApplyInputsConstraintError{Err: constraintOf(err)}
}

// withdrawError maps a Withdraw failure.
func (h *Handler) withdrawError(err error) ptx.WithdrawError {
	var np *txbuild.ScriptNotPublishedError
	if errors.As(err, &np) {
		return ptx.WithdrawConstraintError{Err: ptx.UnknownPayoutScript{ScriptHash: view.ScriptHash(np.Hash)}}
	}
	return ptx.WithdrawConstraintError{Err: constraintOf(err)}
}

// burnError maps a BurnRoleTokens failure.
func (h *Handler) burnError(err error) ptx.BurnRoleTokensError {
	var (
		none   *txbuild.NoRoleTokensError
		closed *txbuild.PolicyClosedError
	)
	switch {
	case errors.As(err, &none):
		return ptx.BurnNoTokens{}
	case errors.As(err, &closed):
		return ptx.BurnInvalidPolicyId{Policies: []types.PolicyId{types.PolicyId(closed.Policy[:])}}
	}
	return ptx.BurnConstraintError{Err: constraintOf(err)}
}
