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

// TestCreateDeepContract: a contract nested deeper than CBOR decoders'
// default bound (30 payments in a row, its datum in the witness set) is
// created; reading back the built transaction once failed on it.
func TestCreateDeepContract(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	a := r.walletParty(t, 0)
	var fanOut core.Contract = core.Close{}
	for i := 30; i >= 1; i-- {
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
		Amount: core.Constant{N: big.NewInt(30 * 1_000_000)}}, Then: fanOut}}, Timeout: timeout, Continuation: core.Close{}}
	cc, cerr, err := r.txjob(t).Create(ctx, ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0),
		Accounts: map[ptx.Account]types.Assets{}, RoleTokens: ptx.RoleTokensNone{},
		Contract: binary.Either[core.Contract, types.DatumHash]{Left: contract}})
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	r.submit(t, cc.TxBody, r.wallets[0].Key)
}
