package txbuild

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// roleOutputs lists the outputs of the ledger holding asset id, with the
// quantity each holds, by address.
func roleOutputs(w *world, id AssetID) map[string][]uint64 {
	out := map[string][]uint64{}
	for _, u := range w.l.utxos {
		if q := u.Out.Value.Assets[id]; q > 0 {
			out[string(u.Out.Address)] = append(out[string(u.Out.Address)], q)
		}
	}
	return out
}

// TestCreateSeveralRecipients mints two roles to several destinations
// each — Seller to two wallets, Buyer to a wallet and the open-role
// validator — and the full Conway rules accept the transaction: the mint
// is each role's total, every (role, destination) has its own output with
// its quantity (and only that token), and the open-role output is the one
// CreateResult.OpenRoles names.
func TestCreateSeveralRecipients(t *testing.T) {
	w := newWorld(t, map[int][]Value{0: {lovelace(100 * ada), lovelace(40 * ada)}})
	withOpenRoleScript(t, w)
	k := w.keys
	cr, err := Create(w.env(0), CreateRequest{
		Contract: openRoleContract(10*ada, ms(50_000), ms(60_000)),
		Roles: RolesConfig{Mode: RolesMint, ThreadTokenName: "Thread", Distribution: map[core.TokenName]RoleRecipient{
			"Seller": {Address: k[1].addr, Extra: []RoleRecipient{{Address: k[2].addr, Quantity: 2}}},
			"Buyer":  {Address: k[3].addr, Quantity: 3, Extra: []RoleRecipient{{OpenRole: true}}},
		}},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	w.submit(t, cr.Result)
	openAddr, err := OpenRoleAddress(nil, registry.V5, k[0].addr)
	if err != nil {
		t.Fatal(err)
	}
	var seller, buyer AssetID
	copy(seller.Policy[:], cr.RolesCurrency)
	buyer.Policy = seller.Policy
	seller.Name, buyer.Name = "Seller", "Buyer"
	for _, tc := range []struct {
		id   AssetID
		want map[string][]uint64
	}{
		{seller, map[string][]uint64{string(k[1].addr): {1}, string(k[2].addr): {2}}},
		{buyer, map[string][]uint64{string(k[3].addr): {3}, string(openAddr): {1}}},
	} {
		got := roleOutputs(w, tc.id)
		if len(got) != len(tc.want) {
			t.Fatalf("%s held at %d addresses, want %d", tc.id.Name, len(got), len(tc.want))
		}
		for a, qs := range tc.want {
			if len(got[a]) != 1 || got[a][0] != qs[0] {
				t.Errorf("%s at %x: %v, want %v", tc.id.Name, a, got[a], qs)
			}
		}
	}
	opens := w.l.at(openAddr)
	if len(opens) != 1 || opens[0].Ref != cr.OpenRoles["Buyer"] || len(opens[0].Out.Value.Assets) != 1 {
		t.Fatalf("open-role outputs %+v, result %+v", opens, cr.OpenRoles)
	}
	// Each recipient's output carries only its role token.
	for _, i := range []int{1, 2, 3} {
		for _, u := range w.l.at(k[i].addr) {
			if len(u.Out.Value.Assets) != 1 {
				t.Errorf("wallet %d output holds %d assets", i, len(u.Out.Value.Assets))
			}
		}
	}
	if cr.ThreadToken == nil || w.l.utxos[cr.ContractID].Out.Value.Assets[AssetID{Policy: seller.Policy, Name: "Thread"}] != 1 {
		t.Fatalf("thread token %+v not in the contract", cr.ThreadToken)
	}
}

// TestCreateUsePolicySeveralRecipients splits three existing Seller tokens
// of the creating wallet between two wallets (RolesUsePolicy).
func TestCreateUsePolicySeveralRecipients(t *testing.T) {
	w := newWorld(t, map[int][]Value{0: {lovelace(100 * ada), lovelace(40 * ada)}})
	k := w.keys
	first, err := Create(w.env(0), CreateRequest{
		Contract: core.Close{},
		Roles:    RolesConfig{Mode: RolesMint, Distribution: map[core.TokenName]RoleRecipient{"Seller": {Address: k[0].addr, Quantity: 3}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.submit(t, first.Result)
	w.tip += 10
	var pol [28]byte
	copy(pol[:], first.RolesCurrency)
	cr, err := Create(w.env(0), CreateRequest{
		Contract: core.Close{},
		Roles: RolesConfig{Mode: RolesUsePolicy, Policy: pol, Distribution: map[core.TokenName]RoleRecipient{
			"Seller": {Address: k[1].addr, Extra: []RoleRecipient{{Address: k[2].addr, Quantity: 2}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.submit(t, cr.Result)
	got := roleOutputs(w, AssetID{Policy: pol, Name: "Seller"})
	if len(got) != 2 || len(got[string(k[1].addr)]) != 1 || got[string(k[1].addr)][0] != 1 ||
		len(got[string(k[2].addr)]) != 1 || got[string(k[2].addr)][0] != 2 {
		t.Fatalf("Seller tokens %v, want 1 at wallet 1 and 2 at wallet 2", got)
	}
}

// TestCreateRecipientsRefused: inconsistent recipient lists are errors, and
// the open-role rules (thread token name, roles mode) apply to an open-role
// destination among the extra recipients as to the first.
func TestCreateRecipientsRefused(t *testing.T) {
	w := newWorld(t, map[int][]Value{0: {lovelace(100 * ada)}})
	withOpenRoleScript(t, w)
	k := w.keys
	contract := openRoleContract(10*ada, ms(50_000), ms(60_000))
	for _, tc := range []struct {
		name     string
		noRoles  bool // RolesNone instead of RolesMint
		thread   core.TokenName
		rc       RoleRecipient
		msg      string
		openRole bool
	}{
		{name: "nested extra", rc: RoleRecipient{Address: k[1].addr, Extra: []RoleRecipient{{Address: k[2].addr, Extra: []RoleRecipient{{Address: k[3].addr}}}}}, msg: "extra recipients of its own"},
		{name: "repeated address", rc: RoleRecipient{Address: k[1].addr, Quantity: 2, Extra: []RoleRecipient{{Address: k[1].addr}}}, msg: "recipient twice"},
		{name: "two open roles", rc: RoleRecipient{OpenRole: true, Extra: []RoleRecipient{{OpenRole: true, Quantity: 2}}}, msg: "open-role validator is a recipient twice"},
		{name: "total overflow", rc: RoleRecipient{Address: k[1].addr, Quantity: math.MaxUint64, Extra: []RoleRecipient{{Address: k[2].addr}}}, msg: "above 2^64-1"},
		{name: "bad extra address", rc: RoleRecipient{Address: k[1].addr, Extra: []RoleRecipient{{Address: []byte{0x60, 1, 2}}}}, msg: `recipient of role "Buyer"`},
		{name: "thread token is the role", thread: "Buyer", rc: RoleRecipient{Address: k[1].addr, Extra: []RoleRecipient{{OpenRole: true}}}, openRole: true, msg: "also a distributed role"},
		{name: "open role without roles", noRoles: true, rc: RoleRecipient{Address: k[1].addr, Extra: []RoleRecipient{{OpenRole: true}}}, openRole: true, msg: "roles mode none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mode := RolesMint
			if tc.noRoles {
				mode = RolesNone
			}
			_, err := Create(w.env(0), CreateRequest{Contract: contract, Roles: RolesConfig{Mode: mode, ThreadTokenName: tc.thread,
				Distribution: map[core.TokenName]RoleRecipient{"Buyer": tc.rc}}})
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want one containing %q", err, tc.msg)
			}
			var oe *OpenRoleError
			if errors.As(err, &oe) != tc.openRole {
				t.Fatalf("error %v: open-role error %v, want %v", err, !tc.openRole, tc.openRole)
			}
		})
	}
}
