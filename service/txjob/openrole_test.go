package txjob_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// held sums the quantity of a token over the ledger's outputs at addr.
func (r *rig) held(t *testing.T, addr []byte, policy types.PolicyId, name string) uint64 {
	t.Helper()
	var id txbuild.AssetID
	copy(id.Policy[:], policy)
	id.Name = name
	var n uint64
	for _, u := range r.d.Devnet().Ledger().UTxOsAt(addr) {
		tu, err := txbuild.DecodeUTxO(u.Ref, u.Output)
		if err != nil {
			t.Fatal(err)
		}
		n += tu.Out.Value.Assets[id]
	}
	return n
}

// TestOpenRole: a contract created with its Buyer role open (the token at
// the open-role validator, a thread token in the contract) through TxJob;
// wallet 2, which holds no Buyer token, deposits as Buyer and so takes the
// role; wallet 0 notifies and the contract closes, paying the Buyer role;
// wallet 2 withdraws the payout. MarloweSync sees both steps and the
// withdrawal.
func TestOpenRole(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	buyer := core.RolePartyOf("Buyer")
	t1 := big.NewInt(time.Now().Add(time.Hour).UnixMilli())
	t2 := new(big.Int).Add(t1, big.NewInt(time.Hour.Milliseconds()))
	price := int64(10_000_000)
	// The Notify step is there because releasing an open role cannot pay
	// out in the same transaction (semantics validator).
	notify := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}}, Timeout: t2, Continuation: core.Close{}}
	contract := core.When{Cases: []core.Case{{Action: core.Deposit{Into: buyer, From: buyer, Token: core.Ada,
		Amount: core.Constant{N: big.NewInt(price)}}, Then: notify}}, Timeout: t1, Continuation: core.Close{}}
	thread := types.TokenName("Thread")
	cc, cerr, err := r.txjob(t).Create(ctx, ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0),
		ThreadTokenName: &thread, Accounts: map[ptx.Account]types.Assets{},
		RoleTokens: ptx.RoleTokensMint{Mint: ptx.Mint{"Buyer": {Recipients: map[ptx.Destination]*big.Int{
			{Kind: ptx.ToScript, Script: ptx.OpenRoleScript}: big.NewInt(1)}}}},
		Contract: binary.Either[core.Contract, types.DatumHash]{Left: contract}})
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	if len(cc.SafetyErrors) != 0 {
		t.Fatalf("safety errors %#v", cc.SafetyErrors)
	}
	if cc.Assets.Tokens[types.AssetId{Policy: cc.RolesCurrency, Name: thread}].Cmp(big.NewInt(1)) != 0 {
		t.Fatalf("contract output %+v lacks the thread token", cc.Assets)
	}
	created := r.submit(t, cc.TxBody, r.wallets[0].Key)
	openAddr, err := txbuild.OpenRoleAddress(nil, registry.V5, r.wallets[0].Address)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.held(t, openAddr, cc.RolesCurrency, "Buyer"); n != 1 {
		t.Fatalf("open-role validator holds %d Buyer tokens", n)
	}

	apply := func(who int, in core.Input) ptx.InputsApplied {
		t.Helper()
		pd, err := ptx.InputsToData([]core.Input{in})
		if err != nil {
			t.Fatal(err)
		}
		ia, aerr, err := r.txjob(t).ApplyInputs(ctx, ptx.ApplyInputs{Version: types.MarloweV1, WalletAddresses: r.wa(who),
			ContractId: cc.ContractId, Inputs: pd})
		if err != nil || aerr != nil {
			t.Fatalf("apply by wallet %d: %v %#v", who, err, aerr)
		}
		r.submit(t, ia.TxBody, r.wallets[who].Key)
		return ia
	}
	apply(2, core.Input{Content: core.IDeposit{Into: buyer, From: buyer, Token: core.Ada, Amount: big.NewInt(price)}})
	if n := r.held(t, openAddr, cc.RolesCurrency, "Buyer"); n != 0 {
		t.Fatalf("open-role validator still holds %d Buyer tokens", n)
	}
	if n := r.held(t, r.wallets[2].Address, cc.RolesCurrency, "Buyer"); n != 1 {
		t.Fatalf("wallet 2 holds %d Buyer tokens after taking the role", n)
	}

	ia := apply(0, core.Input{Content: core.INotify{}})
	if ia.Output.ScriptOutput != nil || len(ia.Output.Payouts) != 1 {
		t.Fatalf("close: continuation %v, payouts %v", ia.Output.ScriptOutput, ia.Output.Payouts)
	}
	// The thread token went back to the creator with its deposit.
	if n := r.held(t, r.wallets[0].Address, cc.RolesCurrency, string(thread)); n != 1 {
		t.Fatalf("creator holds %d thread tokens after close", n)
	}
	// The contract is closed; the open role is no longer anyone's to take.
	pd, err := ptx.InputsToData([]core.Input{{Content: core.INotify{}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, aerr, err := r.txjob(t).ApplyInputs(ctx, ptx.ApplyInputs{Version: types.MarloweV1, WalletAddresses: r.wa(1),
		ContractId: cc.ContractId, Inputs: pd}); err != nil || aerr != (ptx.ScriptOutputNotFound{}) {
		t.Fatalf("apply to the closed contract: %v %#v", err, aerr)
	}
	for ref, p := range ia.Output.Payouts {
		if p.Datum.Name != "Buyer" || p.Assets.Ada.Cmp(big.NewInt(price)) < 0 {
			t.Fatalf("payout %+v", p)
		}
		// Wallet 1 never took the role: it cannot withdraw.
		_, werr, err := r.txjob(t).Withdraw(ctx, ptx.Withdraw{Version: types.MarloweV1, WalletAddresses: r.wa(1),
			Payouts: []types.TxOutRef{ref}})
		if x, ok := werr.(ptx.WithdrawConstraintError); err != nil || !ok || x.Err != (ptx.RoleTokenNotFound{AssetId: types.AssetId{Policy: cc.RolesCurrency, Name: "Buyer"}}) {
			t.Fatalf("withdraw without the role token: %v %#v", err, werr)
		}
		if q := r.d.Devnet().Ledger().Queued(); q != 0 {
			t.Fatalf("%d transaction(s) queued after refusals", q)
		}
		wt, werr, err := r.txjob(t).Withdraw(ctx, ptx.Withdraw{Version: types.MarloweV1, WalletAddresses: r.wa(2),
			Payouts: []types.TxOutRef{ref}})
		if err != nil || werr != nil {
			t.Fatalf("withdraw: %v %#v", err, werr)
		}
		r.submit(t, wt.TxBody, r.wallets[2].Key)
	}

	ms, closer, err := runtime.DialMarloweSync(ctx, r.d.Addr(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	cr, found, err := ms.FollowContract(ctx, cc.ContractId)
	if err != nil || !found || cr.Block != created {
		t.Fatalf("follow: found %v, %+v (created in %+v): %v", found, cr.Block, created, err)
	}
	steps := 0
	for steps < 3 {
		n, err := ms.RequestNext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n.Kind != marlowesync.NextRollForward {
			t.Fatalf("next: %v after %d steps", n.Kind, steps)
		}
		steps += len(n.Steps)
	}
}
