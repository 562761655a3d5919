package txjob

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// errNotBurnable marks a roles policy this builder cannot burn under.
var errNotBurnable = errors.New("not a role-token policy of this builder")

// burnOutcome is the refusal found while inspecting the wallet, if any.
type burnOutcome struct{ err ptx.BurnRoleTokensError }

func (b *burnOutcome) Error() string { return fmt.Sprintf("burn refused: %#v", b.err) }

// burn answers BurnRoleTokens. The wallet's tokens matching the filter are
// grouped by policy; every policy must be the roles currency of indexed
// contracts whose creation carried the native policy Create mints with
// (kv.Store.RolesPolicy), else BurnInvalidPolicyId; every such contract
// must be closed, else BurnRolesActive (burning a token of a running
// contract would lock its role). The builder burns every token of one
// policy the wallet holds, so a filter selecting only some of them, or
// tokens of several policies, is refused with a BalancingError rather than
// burning something else.
func (h *Handler) burn(ctx context.Context, c ptx.BurnRoleTokens) job.Outcome {
	fail := func(e ptx.BurnRoleTokensError) job.Outcome { return job.FailedWith(e) }
	var (
		benv    txbuild.Env
		bpolicy txbuild.RoleTokenPolicy
		burned  types.Tokens
	)
	qerr := h.cfg.Node.Query(ctx, func(s *n2c.Snapshot) error {
		st, err := h.loadEnv(ctx, s, c.WalletAddresses)
		if err != nil {
			return err
		}
		// Matching tokens by policy, and whether the wallet holds other
		// tokens of the same policies.
		matched := map[types.PolicyId]types.Tokens{}
		unmatched := map[types.PolicyId]bool{}
		var order []types.PolicyId
		for _, u := range st.env.Wallet.UTxOs {
			for id, q := range u.Out.Value.Assets {
				pid, name := types.PolicyId(id.Policy[:]), types.TokenName(id.Name)
				m, err := h.matches(c.Filter, pid, name)
				if err != nil {
					return err
				}
				if !m {
					unmatched[pid] = true
					continue
				}
				if matched[pid] == nil {
					matched[pid] = types.Tokens{}
					order = append(order, pid)
				}
				aid := types.AssetId{Policy: pid, Name: name}
				sum := matched[pid][aid]
				if sum == nil {
					sum = new(big.Int)
				}
				matched[pid][aid] = sum.Add(sum, new(big.Int).SetUint64(q))
			}
		}
		slices.Sort(order)
		if len(order) == 0 {
			return &burnOutcome{ptx.BurnNoTokens{}}
		}
		var invalid, active []types.PolicyId
		policies := map[types.PolicyId]txbuild.RoleTokenPolicy{}
		for _, pid := range order {
			p, err := h.rolesPolicy(pid)
			if errors.Is(err, errNotBurnable) {
				invalid = append(invalid, pid)
				continue
			}
			if err != nil {
				return err
			}
			policies[pid] = p
			open, err := h.policyActive(pid)
			if err != nil {
				return err
			}
			if open {
				active = append(active, pid)
			}
		}
		switch {
		case len(invalid) > 0:
			return &burnOutcome{ptx.BurnInvalidPolicyId{Policies: invalid}}
		case len(active) > 0:
			return &burnOutcome{ptx.BurnRolesActive{Policies: active}}
		case len(order) > 1:
			return fmt.Errorf("the wallet holds matching role tokens of %d policies: burn one policy per transaction", len(order))
		case unmatched[order[0]]:
			return fmt.Errorf("the wallet holds tokens of policy %x the filter does not select; the builder burns all of a policy's tokens", []byte(order[0]))
		}
		benv, bpolicy = st.env, policies[order[0]]
		burned = matched[order[0]]
		return nil
	})
	if qerr != nil {
		var bo *burnOutcome
		if errors.As(qerr, &bo) {
			return fail(bo.err)
		}
		h.log.Debug().Err(qerr).Msg("burn role tokens failed")
		return fail(h.burnError(qerr))
	}
	// Built outside the node's query lock, like the other commands.
	res, err := txbuild.BurnRoleTokens(benv, txbuild.BurnRequest{Policy: bpolicy})
	if err != nil {
		h.log.Debug().Err(err).Msg("burn role tokens failed")
		return fail(h.burnError(err))
	}
	return job.SucceededWith(ptx.BurnRoleTokensTx{Era: types.BabbageEraOnwardsConway, BurnedTokens: burned, TxBody: res.CBOR})
}

// rolesPolicy returns the native policy of roles currency pid as the
// index recorded it at the contract's creation. Policies the index does not
// know, or whose script is not of the shape Create mints with, are
// errNotBurnable.
func (h *Handler) rolesPolicy(pid types.PolicyId) (txbuild.RoleTokenPolicy, error) {
	var p txbuild.RoleTokenPolicy
	script, ok, err := h.cfg.Store.RolesPolicy(core.CurrencySymbol(pid))
	if err != nil {
		return p, fmt.Errorf("roles policy %x: %w", []byte(pid), err)
	}
	if !ok {
		return p, errNotBurnable
	}
	p, err = txbuild.ParseRoleTokenPolicy(script)
	if err != nil {
		return p, fmt.Errorf("roles policy %x: %v: %w", []byte(pid), err, errNotBurnable)
	}
	if id := p.ID(); string(id[:]) != string(pid) {
		return p, fmt.Errorf("roles policy %x: script hashes to %x: %w", []byte(pid), id, errNotBurnable)
	}
	return p, nil
}

// policyActive reports whether some contract of roles currency pid has
// not closed.
func (h *Handler) policyActive(pid types.PolicyId) (bool, error) {
	page := kv.Page{Limit: 100}
	for {
		ids, err := h.cfg.Store.ContractsByRolesCurrency(core.CurrencySymbol(pid), page)
		if err != nil {
			return false, fmt.Errorf("contracts of policy %x: %w", []byte(pid), err)
		}
		for _, id := range ids {
			cur, found, err := h.currentOutput(id)
			if err != nil {
				return false, err
			}
			if found && cur.out != nil {
				return true, nil
			}
		}
		if len(ids) < page.Limit {
			return false, nil
		}
		page.After = &ids[len(ids)-1]
	}
}
