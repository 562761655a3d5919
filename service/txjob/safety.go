package txjob

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/safety"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
)

// DefaultSafetyTimeout bounds the transaction analysis of one Create (the
// Runtime bounds its analysis by wall-clock time too). When it runs out the
// findings are a single SafetyAnalysisTimeout.
const DefaultSafetyTimeout = 10 * time.Second

// createSafety runs the Runtime's safety checks on the datum of a contract
// being created (semantics.md §7): the fast contract check against the
// role-token configuration, then the transactions along its execution
// paths, each built against a mock wallet with the node's current protocol
// parameters and reference scripts (the Runtime's checkTransactions).
// Continuations of merkleized cases come from the contract store. An error
// means the analysis itself failed (CreateSafetyAnalysisError).
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
	var build *safety.BuildConfig
	if h.cfg.SafetyTimeout >= 0 {
		bc, err := h.mockBuildConfig(ctx)
		if err != nil {
			return nil, err
		}
		build = &bc
	}
	return h.safetyOf(ctx, datum, &rt, build)
}

// mockBuildConfig reads what the mock-wallet builds of the safety analysis
// need from the node: the current protocol parameters and the published
// reference scripts, so that the mock transactions face the limits a real
// one would. Everything else (wallet, clock, contract output) is mocked by
// the safety package.
func (h *Handler) mockBuildConfig(ctx context.Context) (safety.BuildConfig, error) {
	bc := safety.BuildConfig{Registry: h.reg, Network: h.cfg.Network, Version: registry.CurrentVersion}
	err := h.cfg.Node.Query(ctx, func(s *n2c.Snapshot) error {
		pp, err := s.ProtocolParams()
		if err != nil {
			return err
		}
		cp, ok := pp.(*conway.ConwayProtocolParameters)
		if !ok {
			return fmt.Errorf("protocol parameters of type %T: only Conway is supported", pp)
		}
		if bc.Params, err = txbuild.ParamsFromConway(cp); err != nil {
			return err
		}
		bc.ScriptRefs, err = h.cfg.Scripts.ReferenceScripts(ctx, s)
		return err
	})
	if err != nil {
		return bc, fmt.Errorf("mock-wallet environment: %w", err)
	}
	return bc, nil
}

// applySafety analyses the contract an apply-inputs transaction continues
// with, as the Runtime does at apply time: the role tokens are already
// minted, so the minting check is skipped (nil RoleTokens). Findings are
// reported, never fatal.
func (h *Handler) applySafety(ctx context.Context, next core.MarloweData) ([]ptx.SafetyError, error) {
	return h.safetyOf(ctx, next, nil, nil)
}

// safetyOf runs the contract check and, unless disabled, the
// transaction-path analysis, and converts the findings to wire form. With
// build set, every transaction found is also built against a mock wallet
// (the Runtime's full checkTransactions); without it only the semantic
// warnings are reported.
func (h *Handler) safetyOf(ctx context.Context, datum core.MarloweData, rt *safety.RoleTokens, build *safety.BuildConfig) ([]ptx.SafetyError, error) {
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
		opts := safety.Options{Timeout: timeout}
		var txs []safety.Error
		if build != nil {
			txs, err = safety.CheckTransactionsBuilt(ctx, datum, conts, opts, *build)
		} else {
			txs, err = safety.CheckTransactions(ctx, datum.State, datum.Contract, conts, opts)
		}
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
