package safety

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// Small constructors that keep the table tests readable.

func bi(x int64) *big.Int { return big.NewInt(x) }

func cst(x int64) core.Value { return core.Constant{N: bi(x)} }

func role(name string) core.Party { return core.RolePartyOf(core.TokenName(name)) }

func toParty(p core.Party) core.Payee { return core.Payee{Kind: core.PayeeParty, Party: p} }

// policy is a well-formed 28-byte currency symbol.
var policy = core.CurrencySymbol(strings.Repeat("p", 28))

func tok(name string) core.Token { return core.Token{Currency: policy, Name: core.TokenName(name)} }

func hash28(c byte) string { return strings.Repeat(string([]byte{c}), 28) }

// addr is a well-formed enterprise key address.
func addr(mainnet bool, c byte) core.Party {
	return core.AddressPartyOf(core.Address{Mainnet: mainnet, Payment: core.Credential{Hash: hash28(c)}})
}

func when(timeout int64, cont core.Contract, cases ...core.Case) core.When {
	return core.When{Cases: cases, Timeout: bi(timeout), Continuation: cont}
}

func depositCase(p core.Party, t core.Token, amount core.Value, then core.Contract) core.Case {
	return core.Case{Action: core.Deposit{Into: p, From: p, Token: t, Amount: amount}, Then: then}
}

func choiceCase(id core.ChoiceID, lo, hi int64, then core.Contract) core.Case {
	return core.Case{Action: core.Choice{ID: id, Bounds: []core.Bound{{Low: bi(lo), High: bi(hi)}}}, Then: then}
}

func state(accs ...core.AccountEntry) core.State {
	return core.State{Accounts: accs, MinTime: bi(0)}
}

func acct(p core.Party, t core.Token, amt int64) core.AccountEntry {
	return core.AccountEntry{Account: p, Token: t, Amount: bi(amt)}
}

func datum(rc core.CurrencySymbol, st core.State, c core.Contract) core.MarloweData {
	return core.MarloweData{Params: core.MarloweParams{RolesCurrency: rc}, State: st, Contract: c}
}

// show renders findings canonically: type names (constructors without
// fields would all read "{}") and big integers by value.
func show(v any) string {
	if errs, ok := v.([]Error); ok {
		parts := make([]string, len(errs))
		for i, e := range errs {
			parts[i] = fmt.Sprintf("%T%+v", e, e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("%+v", v)
}

func assertErrors(t *testing.T, what string, got, want []Error) {
	t.Helper()
	if g, w := show(got), show(want); g != w {
		t.Errorf("%s:\n got: %s\nwant: %s", what, g, w)
	}
}
