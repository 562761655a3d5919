package safety

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// warningsOf lists the warning types of CheckTransactions' findings.
func warningsOf(t *testing.T, errs []Error) []string {
	t.Helper()
	var out []string
	for _, e := range errs {
		tw, ok := e.(TransactionWarning)
		if !ok {
			t.Fatalf("unexpected finding %T", e)
		}
		out = append(out, fmt.Sprintf("%T", tw.Warning))
	}
	return out
}

func TestCheckTransactionsWarnings(t *testing.T) {
	ada := core.Ada
	alice, bob := role("alice"), role("bob")
	ch := core.ChoiceID{Name: "c", Owner: alice}
	payBob := func(amount core.Value, then core.Contract) core.Contract {
		return core.Pay{From: alice, To: toParty(bob), Token: ada, Amount: amount, Then: then}
	}
	tests := []struct {
		name string
		st   core.State
		c    core.Contract
		want []string
	}{
		{"safe contract", state(), when(100, core.Close{}, depositCase(alice, ada, cst(10), payBob(cst(10), core.Close{}))), nil},
		{"NonPositiveDeposit", state(), when(100, core.Close{}, depositCase(alice, ada, cst(-1), core.Close{})),
			[]string{"core.NonPositiveDeposit"}},
		{"NonPositivePay at the initial state", state(acct(alice, ada, 5)), payBob(cst(0), core.Close{}),
			[]string{"core.NonPositivePay"}},
		{"PartialPay only on the path that pays", state(), when(100, core.Close{},
			depositCase(alice, ada, cst(5), payBob(cst(7), core.Close{}))),
			[]string{"core.PartialPay"}},
		{"Shadowing", state(), core.Let{ID: "x", Value: cst(1), Then: core.Let{ID: "x", Value: cst(2), Then: core.Close{}}},
			[]string{"core.Shadowing"}},
		{"AssertionFailed on the timeout path only", state(acct(alice, ada, 1)),
			when(100, core.Assert{Obs: core.FalseObs{}, Then: core.Close{}},
				depositCase(alice, ada, cst(1), core.Close{})),
			[]string{"core.AssertionFailed"}},
		{"choice endpoints reach both branches", state(), when(100, core.Close{},
			choiceCase(ch, 0, 10, core.If{
				Obs:  core.ValueGE{L: core.ChoiceValue{ID: ch}, R: cst(5)},
				Then: core.Assert{Obs: core.FalseObs{}, Then: core.Close{}},
				Else: core.Let{ID: "x", Value: cst(1), Then: core.Let{ID: "x", Value: cst(1), Then: core.Close{}}},
			})),
			// Low endpoint first (Else: Shadowing), then the high one.
			[]string{"core.Shadowing", "core.AssertionFailed"}},
		{"notify only when its observation holds", state(), when(100, core.Close{},
			core.Case{Action: core.Notify{Obs: core.FalseObs{}}, Then: core.Assert{Obs: core.FalseObs{}, Then: core.Close{}}},
			core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Let{ID: "x", Value: cst(1), Then: core.Let{ID: "x", Value: cst(2), Then: core.Close{}}}}),
			[]string{"core.Shadowing"}},
		{"shadowed case is not repeated", state(), when(100, core.Close{},
			depositCase(alice, ada, cst(-1), core.Close{}),
			depositCase(alice, ada, cst(-1), core.Close{})),
			[]string{"core.NonPositiveDeposit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs, err := CheckTransactions(context.Background(), tc.st, tc.c, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := warningsOf(t, errs); show(got) != show(tc.want) {
				t.Errorf("warnings %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFindTransactionsPaths checks the transactions themselves: the
// instants, the inputs and the order (timeout first, pre-order).
func TestFindTransactionsPaths(t *testing.T) {
	ada := core.Ada
	alice := role("alice")
	c := when(100, core.Close{},
		depositCase(alice, ada, core.AddValue{L: cst(2), R: cst(3)},
			when(200, core.Close{}, depositCase(alice, ada, cst(1), core.Close{}))))
	st := core.State{MinTime: bi(7)}
	txs, err := FindTransactions(context.Background(), st, c, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		from, to int64
		inputs   int
		amount   int64
	}
	want := []step{
		{100, 100, 0, 0}, // timeout of the first When: Close with no accounts
		{7, 7, 1, 5},     // deposit 2+3 at minTime
		{200, 200, 0, 0}, // then the second When times out, refunding
		{7, 7, 1, 1},     // or the second deposit, then Close
	}
	if len(txs) != len(want) {
		t.Fatalf("%d transactions, want %d: %v", len(txs), len(want), show(txs))
	}
	for i, w := range want {
		in := txs[i].Input
		if in.Interval.From.Int64() != w.from || in.Interval.To.Int64() != w.to || len(in.Inputs) != w.inputs {
			t.Errorf("tx %d: %v, want %+v", i, show(in), w)
			continue
		}
		if w.inputs == 1 && in.Inputs[0].Content.(core.IDeposit).Amount.Int64() != w.amount {
			t.Errorf("tx %d deposit %v, want %d", i, in.Inputs[0].Content, w.amount)
		}
	}
	if got := len(txs[1].Output.State.Accounts); got != 1 {
		t.Errorf("after the deposit %d accounts, want 1", got)
	}
}

func TestFindTransactionsMerkleized(t *testing.T) {
	alice := role("alice")
	inner := core.Let{ID: "x", Value: cst(1), Then: core.Let{ID: "x", Value: cst(2), Then: core.Close{}}}
	m, conts, err := core.Merkleize(when(100, core.Close{}, depositCase(alice, core.Ada, cst(1), inner)))
	if err != nil {
		t.Fatal(err)
	}
	errs, err := CheckTransactions(context.Background(), state(), m, Continuations(conts), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := warningsOf(t, errs); show(got) != show([]string{"core.Shadowing"}) {
		t.Errorf("merkleized: %v", got)
	}
	tw := errs[0].(TransactionWarning)
	if in := tw.Tx.Input.Inputs[0]; !in.Merkleized || in.Continuation == nil {
		t.Errorf("input not merkleized: %+v", in)
	}
	// Without the continuation the path stops; no error, no warning.
	errs, err = CheckTransactions(context.Background(), state(), m, nil, Options{})
	if err != nil || len(errs) != 0 {
		t.Errorf("without continuation: %v, %v", show(errs), err)
	}
}

// wide is a contract whose paths multiply: n sequential Whens of k cases.
func wide(n, k int) core.Contract {
	var c core.Contract = core.Close{}
	for i := n; i > 0; i-- {
		var cases []core.Case
		for j := 0; j < k; j++ {
			cases = append(cases, choiceCase(core.ChoiceID{Name: core.ChoiceName(fmt.Sprint(i, j)), Owner: role("o")}, 0, 1, c))
		}
		c = when(int64(1000*i), c, cases...)
	}
	return c
}

func TestCheckTransactionsBudget(t *testing.T) {
	c := wide(8, 3) // (1 + 3·2)^8 paths
	errs, err := CheckTransactions(context.Background(), state(), c, nil, Options{MaxTransactions: 500})
	if err != nil {
		t.Fatal(err)
	}
	assertErrors(t, "step budget", errs, []Error{SafetyAnalysisTimeout{}})
	start := time.Now()
	errs, err = CheckTransactions(context.Background(), state(), c, nil, Options{MaxTransactions: 1 << 30, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	assertErrors(t, "time budget", errs, []Error{SafetyAnalysisTimeout{}})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout honoured after %v", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CheckTransactions(ctx, state(), c, nil, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := FindTransactions(context.Background(), state(), c, nil, Options{MaxTransactions: 10}); !errors.Is(err, ErrAnalysisLimit) {
		t.Errorf("FindTransactions over budget: %v", err)
	}
}

func TestFindTransactionsMalformed(t *testing.T) {
	tests := []struct {
		name string
		st   core.State
		c    core.Contract
	}{
		{"nil contract", state(), nil},
		{"nil minTime", core.State{}, core.Close{}},
		{"nil amount", state(core.AccountEntry{Account: role("a")}), core.Close{}},
		{"template timeout", state(), core.When{TimeoutParam: "t", Continuation: core.Close{}}},
		{"nil timeout", state(), core.When{Continuation: core.Close{}}},
		{"nil value", state(), core.Pay{From: role("a"), To: toParty(role("b")), Then: core.Close{}}},
		{"nil observation", state(), core.Assert{Then: core.Close{}}},
		{"nil bound", state(), when(1, core.Close{}, core.Case{Action: core.Choice{Bounds: []core.Bound{{}}}, Then: core.Close{}})},
		{"nil constant", state(), core.Let{ID: "x", Value: core.Constant{}, Then: core.Close{}}},
	}
	for _, tc := range tests {
		if _, err := FindTransactions(context.Background(), tc.st, tc.c, nil, Options{}); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}
