package semantics

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// Small constructors that keep the table tests readable.

func bi(x int64) *big.Int { return big.NewInt(x) }

func bigStr(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad test integer " + s)
	}
	return v
}

func cst(x int64) core.Value { return core.Constant{N: bi(x)} }

func role(name string) core.Party { return core.RolePartyOf(core.TokenName(name)) }

func toParty(p core.Party) core.Payee { return core.Payee{Kind: core.PayeeParty, Party: p} }

func toAccount(p core.Party) core.Payee { return core.Payee{Kind: core.PayeeAccount, Party: p} }

func tok(name string) core.Token {
	return core.Token{Currency: "\x01\x02\x03", Name: core.TokenName(name)}
}

func acct(p core.Party, t core.Token, amt int64) core.AccountEntry {
	return core.AccountEntry{Account: p, Token: t, Amount: bi(amt)}
}

func choiceID(name string, owner core.Party) core.ChoiceID {
	return core.ChoiceID{Name: core.ChoiceName(name), Owner: owner}
}

func iv(from, to int64) core.TimeInterval { return core.TimeInterval{From: bi(from), To: bi(to)} }

func env(from, to int64) core.Environment { return core.Environment{Interval: iv(from, to)} }

func deposit(into, from core.Party, t core.Token, amt int64) core.Input {
	return core.Input{Content: core.IDeposit{Into: into, From: from, Token: t, Amount: bi(amt)}}
}

func choose(id core.ChoiceID, n int64) core.Input {
	return core.Input{Content: core.IChoice{ID: id, Chosen: bi(n)}}
}

func notify() core.Input { return core.Input{Content: core.INotify{}} }

func tx(from, to int64, ins ...core.Input) core.TransactionInput {
	return core.TransactionInput{Interval: iv(from, to), Inputs: ins}
}

func when(timeout int64, cont core.Contract, cases ...core.Case) core.When {
	return core.When{Cases: cases, Timeout: bi(timeout), Continuation: cont}
}

// show renders a value canonically: fmt prints *big.Int through its
// Formatter at every depth, so equal values render equally whatever their
// pointers (reflect.DeepEqual on big.Int compares internals instead).
func show(v any) string { return fmt.Sprintf("%+v", v) }

func assertSame(t *testing.T, what string, got, want any) {
	t.Helper()
	if g, w := show(got), show(want); g != w {
		t.Errorf("%s:\n got: %s\nwant: %s", what, g, w)
	}
}
