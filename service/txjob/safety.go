package txjob

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/safety"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	"github.com/marlowe-lite/marlowe-lite/kv"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
)

// DefaultSafetyTimeout bounds the transaction analysis of one Create (the
// Runtime bounds its analysis by wall-clock time too). When it runs out the
// findings are a single SafetyAnalysisTimeout.
const DefaultSafetyTimeout = 10 * time.Second

// createSafety runs the Runtime's safety checks on the datum of a contract
// being created (semantics.md §7): the fast contract check against the
// role-token configuration, then the transactions along its execution
// paths. Continuations of merkleized cases come from the contract store.
// An error means the analysis itself failed (CreateSafetyAnalysisError).
func (h *Handler) createSafety(ctx context.Context, datum core.MarloweData, roles txbuild.RolesConfig) ([]ptx.SafetyError, error) {
	rt := safety.RoleTokens{Mode: safety.RoleTokensNone}
	switch roles.Mode {
	case txbuild.RolesMint:
		rt.Mode = safety.RoleTokensMint
	case txbuild.RolesUsePolicy:
		rt.Mode = safety.RoleTokensUsePolicy
	}
	if rt.Mode != safety.RoleTokensNone {
		for name := range roles.Distribution {
			rt.Names = append(rt.Names, name)
		}
		slices.Sort(rt.Names)
	}
	return h.safetyOf(ctx, datum, &rt)
}

// applySafety analyses the contract an apply-inputs transaction continues
// with, as the Runtime does at apply time: the role tokens are already
// minted, so the minting check is skipped (nil RoleTokens). Findings are
// reported, never fatal.
func (h *Handler) applySafety(ctx context.Context, next core.MarloweData) ([]ptx.SafetyError, error) {
	return h.safetyOf(ctx, next, nil)
}

// safetyOf runs the contract check and, unless disabled, the
// transaction-path analysis, and converts the findings to wire form.
func (h *Handler) safetyOf(ctx context.Context, datum core.MarloweData, rt *safety.RoleTokens) ([]ptx.SafetyError, error) {
	conts, err := h.storedContinuations(datum.Contract)
	if err != nil {
		return nil, err
	}
	found, err := safety.CheckContract(safety.Config{Mainnet: h.cfg.Network == registry.Mainnet, RoleTokens: rt}, datum, conts)
	if err != nil {
		return nil, fmt.Errorf("contract check: %w", err)
	}
	if h.cfg.SafetyTimeout >= 0 {
		timeout := h.cfg.SafetyTimeout
		if timeout == 0 {
			timeout = DefaultSafetyTimeout
		}
		txs, err := safety.CheckTransactions(ctx, datum.State, datum.Contract, conts, safety.Options{Timeout: timeout})
		if err != nil {
			return nil, fmt.Errorf("transaction check: %w", err)
		}
		found = append(found, txs...)
	}
	out, err := ptx.FromSafetyAll(found)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ptx.SafetyError{}
	}
	return out, nil
}

// storedContinuations collects, from the contract store, the continuation
// of every merkleized case reachable from c (through stored continuations
// too). Hashes the store does not hold are left out: the contract check
// reports them as MissingContinuation.
func (h *Handler) storedContinuations(c core.Contract) (safety.Continuations, error) {
	conts := safety.Continuations{}
	if h.cfg.Objects == nil {
		return conts, nil
	}
	queue, err := kv.ContractRefs(c)
	if err != nil {
		return nil, err
	}
	seen := map[[32]byte]bool{}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if seen[x] {
			continue
		}
		seen[x] = true
		got, ok, err := h.cfg.Objects.Contract(x[:])
		if err != nil {
			return nil, fmt.Errorf("contract store: %w", err)
		}
		if !ok {
			continue
		}
		conts[hex.EncodeToString(x[:])] = got
		next, err := kv.ContractRefs(got)
		if err != nil {
			return nil, fmt.Errorf("contract store: %x: %w", x, err)
		}
		queue = append(queue, next...)
	}
	return conts, nil
}
