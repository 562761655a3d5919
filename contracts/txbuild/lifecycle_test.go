package txbuild

import (
	"math/big"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

const ada = 1_000_000

func lovelace(n uint64) Value { return Value{Lovelace: n} }

// escrow: the buyer (an address party) deposits the price into the
// seller's (a role) account, the seller chooses, anyone notifies, and the
// contract pays the seller's role (payout validator) or refunds the buyer,
// then closes, returning the creator's deposit.
func escrow(buyer core.Address, price int64, t1, t2, t3 *big.Int) (core.Contract, core.ChoiceID) {
	seller := core.RolePartyOf("Seller")
	ok := core.ChoiceID{Name: "ok", Owner: seller}
	p := big.NewInt(price)
	settle := core.If{
		Obs: core.ValueEQ{L: core.ChoiceValue{ID: ok}, R: core.Constant{N: big.NewInt(1)}},
		Then: core.Pay{From: seller, To: core.Payee{Kind: core.PayeeParty, Party: seller}, Token: core.Ada,
			Amount: core.Constant{N: p}, Then: core.Close{}},
		Else: core.Pay{From: seller, To: core.Payee{Kind: core.PayeeParty, Party: core.AddressPartyOf(buyer)}, Token: core.Ada,
			Amount: core.AvailableMoney{Account: seller, Token: core.Ada}, Then: core.Close{}},
	}
	notify := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: settle}}, Timeout: t3, Continuation: core.Close{}}
	choose := core.When{Cases: []core.Case{{Action: core.Choice{ID: ok, Bounds: []core.Bound{{Low: big.NewInt(0), High: big.NewInt(1)}}}, Then: notify}}, Timeout: t2, Continuation: core.Close{}}
	return core.When{Cases: []core.Case{{Action: core.Deposit{Into: seller, From: core.AddressPartyOf(buyer), Token: core.Ada, Amount: core.Constant{N: p}}, Then: choose}}, Timeout: t1, Continuation: core.Close{}}, ok
}

func ms(slot uint64) *big.Int {
	return big.NewInt(systemStart.Add(time.Duration(slot) * time.Second).UnixMilli())
}

func TestLifecycle(t *testing.T) {
	w := newWorld(t, map[int][]Value{
		0: {lovelace(100 * ada), lovelace(40 * ada)},
		1: {lovelace(50 * ada), lovelace(30 * ada)},
	})
	seller, buyerKey := w.keys[0], w.keys[1]
	buyer, err := core.AddressFromCIP19(buyerKey.addr)
	if err != nil {
		t.Fatal(err)
	}
	contract, ok := escrow(buyer, 10*ada, ms(50_000), ms(60_000), ms(70_000))

	// Create, minting the Seller role to the seller.
	cr, err := Create(w.env(0), CreateRequest{
		Contract: contract,
		Roles: RolesConfig{Mode: RolesMint, Distribution: map[core.TokenName]RoleRecipient{"Seller": {Address: seller.addr}},
			Metadata: map[core.TokenName][]byte{"Seller": mustMetadatum(t, map[any]any{"name": "Seller"})}},
		Tags: []MetadataTag{{Tag: "escrow"}},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if cr.Policy == nil {
		t.Fatal("no policy")
	}
	if pid := cr.Policy.ID(); string(cr.RolesCurrency) != string(pid[:]) {
		t.Fatalf("roles currency %x, policy %+v", string(cr.RolesCurrency), cr.Policy)
	}
	w.submit(t, cr.Result)
	datum := cr.Datum
	ctr, found := w.l.utxos[cr.ContractID]
	if !found {
		t.Fatal("contract output missing")
	}
	if ctr.Out.Value.Lovelace != cr.Deposit {
		t.Errorf("contract holds %d, deposit %d", ctr.Out.Value.Lovelace, cr.Deposit)
	}

	apply := func(wallet int, inputs ...core.Input) *ApplyResult {
		t.Helper()
		w.tip += 20
		r, err := ApplyInputs(w.env(wallet), ApplyRequest{Contract: &ctr, Datum: datum, Inputs: inputs})
		if err != nil {
			t.Fatalf("apply %v: %v", inputs, err)
		}
		w.submit(t, r.Result)
		datum = core.MarloweData{Params: datum.Params, State: r.Output.State, Contract: r.Output.Contract}
		if r.Continuation != nil {
			ctr = w.l.utxos[*r.Continuation]
		}
		return r
	}

	// Deposit by the buyer (address party: required signer).
	r := apply(1, core.Input{Content: core.IDeposit{Into: core.RolePartyOf("Seller"), From: core.AddressPartyOf(buyer), Token: core.Ada, Amount: big.NewInt(10 * ada)}})
	if r.Continuation == nil || ctr.Out.Value.Lovelace != cr.Deposit+10*ada {
		t.Fatalf("after deposit the contract holds %d", ctr.Out.Value.Lovelace)
	}
	if r.Interval.To.Cmp(ms(50_000)) >= 0 {
		t.Errorf("interval %v straddles the first timeout", r.Interval)
	}

	// Choice by the seller (role party: the role token is spent and
	// returned).
	apply(0, core.Input{Content: core.IChoice{ID: ok, Chosen: big.NewInt(1)}})

	// Notify by the buyer: pays the seller's role and closes, refunding
	// the creator's deposit to the seller's address.
	r = apply(1, core.Input{Content: core.INotify{}})
	if r.Continuation != nil {
		t.Fatal("contract should close")
	}
	payoutHash, _ := registry.New().PayoutFor(registry.New().Current().Semantics.Hash)
	payoutAddr := payoutAddress(payoutHash, seller.addr)
	payouts := w.l.at(payoutAddr)
	if len(payouts) != 1 || payouts[0].Out.Value.Lovelace < 10*ada {
		t.Fatalf("payouts %+v", payouts)
	}

	// Withdraw by the seller.
	w.tip += 20
	before := total(w.l.at(seller.addr))
	wr, err := Withdraw(w.env(0), WithdrawRequest{Payouts: []Payout{{UTxO: payouts[0], Datum: core.PayoutDatum{RolesCurrency: datum.Params.RolesCurrency, Role: "Seller"}}}})
	if err != nil {
		t.Fatalf("withdraw: %v", err)
	}
	w.submit(t, wr)
	if got := total(w.l.at(seller.addr)); got != before+payouts[0].Out.Value.Lovelace-wr.Fee {
		t.Errorf("seller holds %d after withdrawal, want %d", got, before+payouts[0].Out.Value.Lovelace-wr.Fee)
	}
	if len(w.l.at(payoutAddr)) != 0 {
		t.Error("payout still unspent")
	}

	// Burn the role token while the policy is open.
	w.tip += 20
	br, err := BurnRoleTokens(w.env(0), BurnRequest{Policy: *cr.Policy})
	if err != nil {
		t.Fatalf("burn: %v", err)
	}
	w.submit(t, br)
	for _, u := range w.l.utxos {
		if u.Out.Value.HasAssets() {
			t.Errorf("token left at %s: %+v", u.Ref, u.Out.Value.Assets)
		}
	}
}

func total(us []UTxO) uint64 {
	var n uint64
	for _, u := range us {
		n += u.Out.Value.Lovelace
	}
	return n
}
