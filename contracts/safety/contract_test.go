package safety

import (
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

func TestCheckContract(t *testing.T) {
	ada := core.Ada
	payAlice := core.Pay{From: role("alice"), To: toParty(role("alice")), Token: ada, Amount: cst(1), Then: core.Close{}}
	long := strings.Repeat("x", 33)
	merk, conts, err := core.Merkleize(when(10, core.Close{}, depositCase(role("alice"), ada, cst(1), payAlice)))
	if err != nil {
		t.Fatal(err)
	}
	var missingHash []byte
	for _, cs := range merk.(core.When).Cases {
		missingHash = cs.Hash
	}
	mint := func(names ...core.TokenName) *RoleTokens { return &RoleTokens{Mode: RoleTokensMint, Names: names} }
	tests := []struct {
		name  string
		cfg   Config
		datum core.MarloweData
		conts Continuations
		want  []Error
	}{
		{"clean roles", Config{RoleTokens: mint("alice")}, datum(policy, state(), payAlice), nil, nil},
		{"clean no roles", Config{RoleTokens: &RoleTokens{}}, datum("", state(), core.Close{}), nil, nil},
		{"apply skips minting", Config{}, datum(policy, state(), payAlice), nil, nil},
		{"MissingRolesCurrency (nub of both checks)", Config{RoleTokens: &RoleTokens{}}, datum("", state(), payAlice), nil,
			[]Error{MissingRolesCurrency{}}},
		{"ContractHasNoRoles", Config{RoleTokens: mint("alice")}, datum(policy, state(), core.Close{}), nil,
			[]Error{ContractHasNoRoles{}}},
		{"MissingRoleToken and ExtraRoleToken, sorted", Config{RoleTokens: mint("zed", "bob")},
			datum(policy, state(), core.Pay{From: role("carol"), To: toParty(role("alice")), Token: ada, Amount: cst(1), Then: core.Close{}}), nil,
			[]Error{MissingRoleToken{Role: "alice"}, MissingRoleToken{Role: "carol"}, ExtraRoleToken{Role: "bob"}, ExtraRoleToken{Role: "zed"}}},
		{"use policy: only extra", Config{RoleTokens: &RoleTokens{Mode: RoleTokensUsePolicy, Names: []core.TokenName{"bob"}}},
			datum(policy, state(), payAlice), nil, []Error{ExtraRoleToken{Role: "bob"}}},
		{"RoleNameTooLong", Config{}, datum(policy, state(), core.Pay{From: role(long), To: toParty(role("a")), Token: ada, Amount: cst(1), Then: core.Close{}}), nil,
			[]Error{RoleNameTooLong{Role: core.TokenName(long)}}},
		{"role from state only", Config{}, datum(policy, state(acct(role("s"), ada, 1)), core.Close{}), nil, nil},
		{"bad roles currency short-circuits role checks", Config{}, datum("abc", state(), core.Close{}), nil,
			[]Error{InvalidCurrencySymbol{Currency: "abc"}}},
		{"token checks", Config{}, datum("", state(acct(addr(false, 1), core.Token{Currency: "xy", Name: "n"}, 5)),
			when(10, core.Close{},
				depositCase(addr(false, 1), core.Token{Name: "fake"}, cst(1), core.Close{}),
				depositCase(addr(false, 1), core.Token{Currency: policy, Name: core.TokenName(long)}, cst(1), core.Close{}),
				depositCase(addr(false, 1), core.Token{Currency: "xy", Name: "m"}, cst(1), core.Close{}))), nil,
			// Sorted by currency: "" < "ppp…" < "xy"; "xy" twice, reported once.
			[]Error{InvalidToken{Token: core.Token{Name: "fake"}}, TokenNameTooLong{Name: core.TokenName(long)}, InvalidCurrencySymbol{Currency: "xy"}}},
		{"MissingContinuation", Config{}, datum("", state(), merk), nil,
			// The contract has roles but no currency too.
			[]Error{MissingRolesCurrency{}, MissingContinuation{Hash: missingHash}}},
		{"continuations present", Config{}, datum(policy, state(), merk), Continuations(conts), nil},
		{"WrongNetwork", Config{Mainnet: true}, datum("", state(acct(addr(false, 1), ada, 1)), core.Close{}), nil,
			[]Error{WrongNetwork{}}},
		{"InconsistentNetworks", Config{Mainnet: true}, datum("", state(acct(addr(false, 1), ada, 1)),
			core.Pay{From: addr(false, 1), To: toParty(addr(true, 2)), Token: ada, Amount: cst(1), Then: core.Close{}}), nil,
			[]Error{WrongNetwork{}, InconsistentNetworks{}}},
		{"IllegalAddress sorted, network dropped, nubbed", Config{Mainnet: true}, datum("", state(),
			core.Pay{From: core.AddressPartyOf(core.Address{Mainnet: true, Payment: core.Credential{Script: true, Hash: "s"}}),
				To:    toParty(core.AddressPartyOf(core.Address{Mainnet: true, Payment: core.Credential{Hash: "k"}, Staking: core.StakingPtr})),
				Token: ada, Amount: cst(1), Then: core.Close{}}), nil,
			[]Error{
				IllegalAddress{Address: core.Address{Payment: core.Credential{Hash: "k"}, Staking: core.StakingPtr}},
				IllegalAddress{Address: core.Address{Payment: core.Credential{Script: true, Hash: "s"}}},
			}},
		{"base address with 56 bytes split oddly is legal, as in Haskell", Config{}, datum("", state(), core.Pay{
			From: core.AddressPartyOf(core.Address{Payment: core.Credential{Hash: strings.Repeat("a", 27)}, Staking: core.StakingHash, Stake: core.Credential{Hash: strings.Repeat("b", 29)}}),
			To:   toParty(addr(false, 3)), Token: ada, Amount: cst(1), Then: core.Close{}}), nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckContract(tc.cfg, tc.datum, tc.conts)
			if err != nil {
				t.Fatal(err)
			}
			assertErrors(t, "errors", got, tc.want)
		})
	}
}

func TestCheckContractBadContinuationKey(t *testing.T) {
	if _, err := CheckContract(Config{}, datum("", state(), core.Close{}), Continuations{"zz": core.Close{}}); err == nil {
		t.Fatal("non-hex continuation key accepted")
	}
}

// TestCheckContractOrder checks the Runtime's order of the check groups:
// minting, role names, tokens, continuations, networks, addresses.
func TestCheckContractOrder(t *testing.T) {
	bad := core.AddressPartyOf(core.Address{Mainnet: true, Payment: core.Credential{Hash: "k"}})
	c := core.When{Timeout: bi(1), Continuation: core.Close{}, Cases: []core.Case{
		{Action: core.Deposit{Into: bad, From: role("r"), Token: core.Token{Name: "x"}, Amount: cst(1)}, Merkleized: true, Hash: []byte{9}},
	}}
	got, err := CheckContract(Config{RoleTokens: &RoleTokens{Mode: RoleTokensMint}}, datum("", state(acct(addr(false, 1), core.Ada, 1)), c), nil)
	if err != nil {
		t.Fatal(err)
	}
	assertErrors(t, "order", got, []Error{
		MissingRoleToken{Role: "r"},
		MissingRolesCurrency{},
		InvalidToken{Token: core.Token{Name: "x"}},
		MissingContinuation{Hash: []byte{9}},
		WrongNetwork{},
		InconsistentNetworks{},
		IllegalAddress{Address: core.Address{Payment: core.Credential{Hash: "k"}}},
	})
}
