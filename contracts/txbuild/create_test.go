package txbuild

import (
	"bytes"
	"math/big"
	"testing"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// TestCreateStakedTimeout creates a role-less contract at a staked address
// with an extra initial account, lets it time out and closes it with an
// empty input list: the accounts are refunded to both address parties.
func TestCreateStakedTimeout(t *testing.T) {
	w := newWorld(t, map[int][]Value{0: {lovelace(20 * ada), lovelace(7 * ada)}})
	other := w.keys[1]
	otherAddr, err := core.AddressFromCIP19(other.addr)
	if err != nil {
		t.Fatal(err)
	}
	stake := core.Credential{Hash: string(bytes.Repeat([]byte{7}, 28))}
	timeout := ms(w.tip + 100)
	contract := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}}, Timeout: timeout, Continuation: core.Close{}}
	cr, err := Create(w.env(0), CreateRequest{
		Contract:        contract,
		StakeCredential: &stake,
		Accounts:        []core.AccountEntry{{Account: core.AddressPartyOf(otherAddr), Token: core.Ada, Amount: big.NewInt(3 * ada)}},
		MinLovelace:     2 * ada,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.submit(t, cr.Result)
	ctr := w.l.utxos[cr.ContractID]
	if a, err := core.AddressFromCIP19(ctr.Out.Address); err != nil || a.Staking != core.StakingHash || a.Stake != stake {
		t.Fatalf("contract address %x: %+v %v", ctr.Out.Address, a, err)
	}
	if ctr.Out.Value.Lovelace != cr.Deposit+3*ada || cr.Deposit < 2*ada {
		t.Fatalf("contract holds %d, deposit %d", ctr.Out.Value.Lovelace, cr.Deposit)
	}
	if n := len(cr.Datum.State.Accounts); n != 2 {
		t.Fatalf("%d accounts", n)
	}

	// After the timeout an empty input list closes the contract.
	w.tip += 200
	before := total(w.l.at(other.addr))
	r, err := ApplyInputs(w.env(0), ApplyRequest{Contract: &ctr, Datum: cr.Datum})
	if err != nil {
		t.Fatal(err)
	}
	if r.Continuation != nil || len(r.Output.Payments) != 2 {
		t.Fatalf("close: continuation %v, payments %+v", r.Continuation, r.Output.Payments)
	}
	if r.ValidTo == nil || *r.ValidTo != w.tip+uint64(DefaultValidityHorizon.Seconds()) {
		t.Errorf("no timeout ahead: TTL %v, want the horizon", r.ValidTo)
	}
	w.submit(t, r.Result)
	if got := total(w.l.at(other.addr)); got != before+3*ada {
		t.Errorf("other party holds %d, want %d", got, before+3*ada)
	}
}

// TestCreateUsePolicy mints roles in one contract, then creates a second
// contract that hands the existing token on (RolesUsePolicy).
func TestCreateUsePolicy(t *testing.T) {
	e := setupEscrow(t, false)
	w := e.w
	w.tip += 10
	var pol [28]byte
	copy(pol[:], e.cr.RolesCurrency)
	cr, err := Create(w.env(0), CreateRequest{
		Contract: core.Close{},
		Roles:    RolesConfig{Mode: RolesUsePolicy, Policy: pol, Distribution: map[core.TokenName]RoleRecipient{"Seller": {Address: w.keys[1].addr}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.submit(t, cr.Result)
	id := AssetID{Policy: pol, Name: "Seller"}
	var held uint64
	for _, u := range w.l.at(w.keys[1].addr) {
		held += u.Out.Value.Assets[id]
	}
	if held != 1 || cr.RolesCurrency != e.cr.RolesCurrency {
		t.Fatalf("buyer holds %d Seller tokens", held)
	}
}

// TestLedgerHarnessRejects shows the verification harness can fail: an
// unsigned transaction and one submitted outside its validity interval are
// rejected.
func TestLedgerHarnessRejects(t *testing.T) {
	e := setupEscrow(t, false)
	w := e.w
	w.tip += 20
	r, err := ApplyInputs(w.env(1), ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: []core.Input{e.deposit(10 * ada)}})
	if err != nil {
		t.Fatal(err)
	}
	unsigned, err := conway.NewConwayTransactionFromCbor(r.CBOR)
	if err != nil {
		t.Fatal(err)
	}
	if err := lcommon.VerifyTransaction(unsigned, w.tip, w.l, w.pp, conway.UtxoValidationRules); err == nil {
		t.Error("unsigned transaction accepted")
	}
	signed, err := conway.NewConwayTransactionFromCbor(sign(t, r.CBOR, r.Signers, w.keys))
	if err != nil {
		t.Fatal(err)
	}
	// (gouroboros v0.199.0 checks only the lower validity bound; the TTL is
	// checked by world.submit.)
	if err := lcommon.VerifyTransaction(signed, *r.ValidFrom-1, w.l, w.pp, conway.UtxoValidationRules); err == nil {
		t.Error("transaction accepted before its validity interval")
	}
	if err := lcommon.VerifyTransaction(signed, w.tip, w.l, w.pp, conway.UtxoValidationRules); err != nil {
		t.Errorf("signed transaction rejected: %v", err)
	}
	// Another wallet's view of the contract (its datum altered) makes the
	// builder's own measurement fail: the validator rejects the spend.
	bad := e.datum
	bad.State.MinTime = big.NewInt(1)
	if _, err := ApplyInputs(w.env(1), ApplyRequest{Contract: &e.ctr, Datum: bad, Inputs: []core.Input{e.deposit(10 * ada)}}); err == nil {
		t.Error("datum mismatch not detected")
	}
}
