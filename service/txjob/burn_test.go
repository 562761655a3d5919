package txjob_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/kv"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// TestBurnRoleTokens: role tokens of a running contract are not burnt
// (BurnRolesActive); once the contract has closed, BurnRoleTokens builds a
// transaction burning them under the policy the index recorded at the
// creation; afterwards the wallet holds none (BurnNoTokens). Refusals
// submit nothing.
func TestBurnRoleTokens(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	l := r.d.Devnet().Ledger()
	// A contract that only closes, its role "R" minted three times to
	// the creator.
	policy := types.PolicyId(r.mintToken(t, "R", 3, 0))
	filter := ptx.RoleTokenFilterByPolicyIds{Policies: []types.PolicyId{policy}}
	burn := func(f ptx.RoleTokenFilter) (ptx.BurnRoleTokensTx, ptx.BurnRoleTokensError) {
		t.Helper()
		res, e, err := r.txjob(t).BurnRoleTokens(ctx, ptx.BurnRoleTokens{Version: types.MarloweV1, WalletAddresses: r.wa(0), Filter: f})
		must(t, err)
		if q := l.Queued(); q != 0 {
			t.Fatalf("%d transaction(s) queued", q)
		}
		return res, e
	}
	if _, e := burn(filter); !equalPolicies(e, ptx.BurnRolesActive{Policies: []types.PolicyId{policy}}) {
		t.Fatalf("burn while the contract runs: %#v", e)
	}

	// Close the contract (no inputs: Close reduces at once).
	ids, err := r.d.Store().ContractsByRolesCurrency(core.CurrencySymbol(policy), kv.Page{Limit: 10})
	if err != nil || len(ids) != 1 {
		t.Fatalf("contracts of the policy: %v %v", ids, err)
	}
	pd, err := ptx.InputsToData(nil)
	must(t, err)
	cid, err := view.ContractId(ids[0])
	must(t, err)
	ia, aerr, err := r.txjob(t).ApplyInputs(ctx, ptx.ApplyInputs{Version: types.MarloweV1, WalletAddresses: r.wa(0), ContractId: cid, Inputs: pd})
	if err != nil || aerr != nil {
		t.Fatalf("close: %v %#v", err, aerr)
	}
	r.submit(t, ia.TxBody, r.wallets[0].Key)

	if _, e := burn(ptx.RoleTokenFilterByTokens{Tokens: []types.AssetId{{Policy: policy, Name: "S"}}}); e != (ptx.BurnNoTokens{}) {
		t.Fatalf("burn of a token the wallet lacks: %#v", e)
	}
	res, e := burn(filter)
	if e != nil {
		t.Fatalf("burn: %#v", e)
	}
	if q := res.BurnedTokens[types.AssetId{Policy: policy, Name: "R"}]; len(res.BurnedTokens) != 1 || q == nil || q.Cmp(big.NewInt(3)) != 0 {
		t.Fatalf("burned %v", res.BurnedTokens)
	}
	r.submit(t, res.TxBody, r.wallets[0].Key)
	if n := r.held(t, r.wallets[0].Address, policy, "R"); n != 0 {
		t.Fatalf("wallet still holds %d R tokens", n)
	}
	if _, e := burn(filter); e != (ptx.BurnNoTokens{}) {
		t.Fatalf("burn after burning: %#v", e)
	}
}

func equalPolicies(e ptx.BurnRoleTokensError, want ptx.BurnRolesActive) bool {
	x, ok := e.(ptx.BurnRolesActive)
	if !ok || len(x.Policies) != len(want.Policies) {
		return false
	}
	for i := range x.Policies {
		if x.Policies[i] != want.Policies[i] {
			return false
		}
	}
	return true
}
