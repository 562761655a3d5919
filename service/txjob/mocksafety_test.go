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

// TestCreateMockWalletSafety: Create builds every transaction of the
// contract's paths against a mock wallet with the node's parameters. A
// deposit that fans out to n addresses builds for 5 payees; for 20 the
// validator exhausts the ledger's budget, which Create reports (without
// refusing: there are no initial accounts). The timeout path builds.
func TestCreateMockWalletSafety(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	a := r.walletParty(t, 0)
	for _, tc := range []struct {
		payees, costly int
	}{{5, 0}, {20, 1}} {
		var fanOut core.Contract = core.Close{}
		for i := tc.payees; i >= 1; i-- {
			h := make([]byte, 28)
			for j := range h {
				h[j] = byte(i)
			}
			payee := core.AddressPartyOf(core.Address{Mainnet: a.Address.Mainnet, Payment: core.Credential{Hash: string(h)}})
			fanOut = core.Pay{From: a, To: core.Payee{Kind: core.PayeeParty, Party: payee}, Token: core.Ada,
				Amount: core.Constant{N: big.NewInt(1_000_000)}, Then: fanOut}
		}
		timeout := big.NewInt(time.Now().Add(time.Hour).UnixMilli())
		contract := core.When{Cases: []core.Case{{Action: core.Deposit{Into: a, From: a, Token: core.Ada,
			Amount: core.Constant{N: big.NewInt(int64(tc.payees) * 1_000_000)}}, Then: fanOut}}, Timeout: timeout, Continuation: core.Close{}}
		cc, cerr, err := r.txjob(t).Create(ctx, ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0),
			Accounts: map[ptx.Account]types.Assets{}, RoleTokens: ptx.RoleTokensNone{},
			Contract: binary.Either[core.Contract, types.DatumHash]{Left: contract}})
		if err != nil || cerr != nil {
			t.Fatalf("%d payees: create: %v %#v", tc.payees, err, cerr)
		}
		costly := 0
		for _, s := range cc.SafetyErrors {
			switch s.(type) {
			case ptx.TransactionCostMayExceedProtocol:
				costly++
			default:
				t.Errorf("%d payees: unexpected finding %#v", tc.payees, s)
			}
		}
		if costly != tc.costly {
			t.Errorf("%d payees: %d cost finding(s) in %d, want %d", tc.payees, costly, len(cc.SafetyErrors), tc.costly)
		}
	}
}
