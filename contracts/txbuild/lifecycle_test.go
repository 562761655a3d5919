package txbuild

import (
	"encoding/hex"
	"math/big"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
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

// escrowWorld is an escrow contract just created by wallet 0 (the seller,
// holding the minted Seller role) for wallet 1 (the buyer).
type escrowWorld struct {
	w      *world
	cr     *CreateResult
	ctr    UTxO
	datum  core.MarloweData
	buyer  core.Address
	choice core.ChoiceID
	// conts are the merkleized continuations by hex hash.
	conts map[string]core.Contract
}

func setupEscrow(t *testing.T, merkleize bool) *escrowWorld {
	t.Helper()
	w := newWorld(t, map[int][]Value{
		0: {lovelace(100 * ada), lovelace(40 * ada)},
		1: {lovelace(50 * ada), lovelace(30 * ada)},
		2: {lovelace(1 * ada)},
	})
	seller, buyerKey := w.keys[0], w.keys[1]
	buyer, err := core.AddressFromCIP19(buyerKey.addr)
	if err != nil {
		t.Fatal(err)
	}
	contract, ok := escrow(buyer, 10*ada, ms(50_000), ms(60_000), ms(70_000))
	var conts map[string]core.Contract
	if merkleize {
		if contract, conts, err = core.Merkleize(contract); err != nil {
			t.Fatal(err)
		}
	}
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
	ctr, found := w.l.utxos[cr.ContractID]
	if !found {
		t.Fatal("contract output missing")
	}
	if ctr.Out.Value.Lovelace != cr.Deposit {
		t.Errorf("contract holds %d, deposit %d", ctr.Out.Value.Lovelace, cr.Deposit)
	}
	return &escrowWorld{w: w, cr: cr, ctr: ctr, datum: cr.Datum, buyer: buyer, choice: ok, conts: conts}
}

// deposit is the buyer's deposit input.
func (e *escrowWorld) deposit(n int64) core.Input {
	return core.Input{Content: core.IDeposit{Into: core.RolePartyOf("Seller"), From: core.AddressPartyOf(e.buyer), Token: core.Ada, Amount: big.NewInt(n)}}
}

// apply builds, verifies and applies an apply-inputs transaction from
// wallet, advancing the tip, and tracks the contract.
func (e *escrowWorld) apply(t *testing.T, wallet int, inputs ...core.Input) *ApplyResult {
	t.Helper()
	e.w.tip += 20
	if e.conts != nil {
		inputs = merkleizeInputs(t, e.conts, e.datum.Contract, inputs)
	}
	r, err := ApplyInputs(e.w.env(wallet), ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: inputs})
	if err != nil {
		t.Fatalf("apply %v: %v", inputs, err)
	}
	e.w.submit(t, r.Result)
	e.datum = core.MarloweData{Params: e.datum.Params, State: r.Output.State, Contract: r.Output.Contract}
	if r.Continuation != nil {
		e.ctr = e.w.l.utxos[*r.Continuation]
	}
	return r
}

func TestLifecycle(t *testing.T) {
	for _, merkleized := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "merkleized"}[merkleized], func(t *testing.T) {
			testLifecycle(t, merkleized)
		})
	}
}

func testLifecycle(t *testing.T, merkleized bool) {
	e := setupEscrow(t, merkleized)
	w, cr, ok := e.w, e.cr, e.choice
	seller := w.keys[0]

	// Deposit by the buyer (address party: required signer).
	r := e.apply(t, 1, e.deposit(10*ada))
	if r.Continuation == nil || e.ctr.Out.Value.Lovelace != cr.Deposit+10*ada {
		t.Fatalf("after deposit the contract holds %d", e.ctr.Out.Value.Lovelace)
	}
	if r.Interval.To.Cmp(ms(50_000)) >= 0 {
		t.Errorf("interval %v straddles the first timeout", r.Interval)
	}

	// Choice by the seller (role party: the role token is spent and
	// returned).
	e.apply(t, 0, core.Input{Content: core.IChoice{ID: ok, Chosen: big.NewInt(1)}})

	// Notify by the buyer: pays the seller's role and closes, refunding
	// the creator's deposit to the seller's address.
	r = e.apply(t, 1, core.Input{Content: core.INotify{}})
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
	wr, err := Withdraw(w.env(0), WithdrawRequest{Payouts: []Payout{{UTxO: payouts[0], Datum: core.PayoutDatum{RolesCurrency: e.datum.Params.RolesCurrency, Role: "Seller"}}}})
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

	// The recogniser sees exactly this history.
	be, err := extract.New(registry.New()).Block(extract.BlockHeader{Slot: w.tip, Number: 1}, w.txs, extract.NewMemUTxO(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(be.Txs) != 5 {
		t.Fatalf("recognised %d transactions, want 5 (create, 3 applies, withdraw)", len(be.Txs))
	}
	if c := be.Txs[0].Created; len(c) != 1 || c[0].ContractID != cr.ContractID || c[0].RolesCurrency != cr.RolesCurrency ||
		c[0].Metadata.Marlowe == nil || c[0].Metadata.Marlowe.Tags["escrow"] != nil {
		t.Errorf("create recognised as %+v", be.Txs[0])
	}
	if _, ok := c0Tag(be.Txs[0]); !ok {
		t.Error("escrow tag missing")
	}
	for i := 1; i <= 3; i++ {
		a := be.Txs[i].Applied
		if a == nil || a.ContractID != cr.ContractID || len(a.Inputs) != 1 {
			t.Fatalf("tx %d recognised as %+v", i, be.Txs[i])
		}
		if a.Closed() != (i == 3) {
			t.Errorf("tx %d closed = %v", i, a.Closed())
		}
	}
	if p := be.Txs[3].Applied.Payouts; len(p) != 1 || p[0].Datum.Role != "Seller" {
		t.Errorf("payouts %+v", p)
	}
	if wd := be.Txs[4].Withdrawn; wd == nil || len(wd.Contracts) != 1 || wd.Contracts[0].ContractID != cr.ContractID {
		t.Errorf("withdrawal recognised as %+v", be.Txs[4])
	}
}

func c0Tag(ev extract.TxEvents) (metadata.Value, bool) {
	if len(ev.Created) == 0 || ev.Created[0].Metadata.Marlowe == nil {
		return nil, false
	}
	m, ok := ev.Created[0].Metadata.Marlowe.Tags["escrow"]
	return m, ok
}

func total(us []UTxO) uint64 {
	var n uint64
	for _, u := range us {
		n += u.Out.Value.Lovelace
	}
	return n
}

// merkleizeInputs turns each input into the merkleized input of the
// contract's first When (enough for these one-input-per-step contracts).
func merkleizeInputs(t *testing.T, conts map[string]core.Contract, c core.Contract, inputs []core.Input) []core.Input {
	t.Helper()
	when, ok := c.(core.When)
	if !ok {
		t.Fatalf("contract is not waiting: %T", c)
	}
	out := make([]core.Input, len(inputs))
	for i, in := range inputs {
		out[i] = in
		for _, cs := range when.Cases {
			if !cs.Merkleized {
				continue
			}
			out[i].Merkleized, out[i].Hash = true, cs.Hash
			out[i].Continuation = conts[hex.EncodeToString(cs.Hash)]
			if out[i].Continuation == nil {
				t.Fatalf("no continuation %x", cs.Hash)
			}
		}
	}
	return out
}
