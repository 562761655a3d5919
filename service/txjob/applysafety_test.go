package txjob_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// TestApplySafety: ApplyInputs analyses the contract it continues with and
// reports the findings without refusing: after a Notify the continuation
// asks for a deposit of a negative amount, a path warning.
func TestApplySafety(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	a := r.walletParty(t, 0)
	t1 := big.NewInt(time.Now().Add(time.Hour).UnixMilli())
	t2 := new(big.Int).Add(t1, big.NewInt(time.Hour.Milliseconds()))
	bad := core.When{Cases: []core.Case{{Action: core.Deposit{Into: a, From: a, Token: core.Ada,
		Amount: core.Constant{N: big.NewInt(-5)}}, Then: core.Close{}}}, Timeout: t2, Continuation: core.Close{}}
	contract := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: bad}}, Timeout: t1, Continuation: core.Close{}}
	cc, cerr, err := r.txjob(t).Create(ctx, ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0),
		Accounts: map[ptx.Account]types.Assets{}, RoleTokens: ptx.RoleTokensNone{},
		Contract: binary.Either[core.Contract, types.DatumHash]{Left: contract}})
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	r.submit(t, cc.TxBody, r.wallets[0].Key)
	pd, err := ptx.InputsToData([]core.Input{{Content: core.INotify{}}})
	if err != nil {
		t.Fatal(err)
	}
	ia, aerr, err := r.txjob(t).ApplyInputs(ctx, ptx.ApplyInputs{Version: types.MarloweV1, WalletAddresses: r.wa(0),
		ContractId: cc.ContractId, Inputs: pd})
	if err != nil || aerr != nil {
		t.Fatalf("apply: %v %#v", err, aerr)
	}
	warned := false
	for _, s := range ia.SafetyErrors {
		if w, ok := s.(ptx.TransactionWarning); ok {
			if _, ok := w.Warning.(core.NonPositiveDeposit); ok {
				warned = true
			}
		}
	}
	if !warned {
		t.Fatalf("apply reported %#v, want a non-positive deposit warning for the continuation", ia.SafetyErrors)
	}
	// Not fatal: the transaction is built and the ledger accepts it.
	r.submit(t, ia.TxBody, r.wallets[0].Key)
}
