package semantics

import (
	"errors"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

func TestComputeTransaction(t *testing.T) {
	a, b, c := role("a"), role("b"), role("c")
	ada := core.Ada
	st := func(min int64, accs ...core.AccountEntry) core.State {
		return core.State{Accounts: accs, MinTime: bi(min)}
	}
	closeCase := func(act core.Action) core.Case { return core.Case{Action: act, Then: core.Close{}} }
	depA10 := core.Deposit{Into: a, From: a, Token: ada, Amount: cst(10)}
	hash1 := []byte{1, 1, 1}
	hash2 := []byte{2, 2, 2}
	merkleIn := func(content core.InputContent, h []byte, cont core.Contract) core.Input {
		return core.Input{Content: content, Merkleized: true, Hash: h, Continuation: cont}
	}
	ok := func(ws []core.TransactionWarning, ps []core.Payment, s core.State, k core.Contract) core.TransactionOutput {
		return core.TransactionOutput{Warnings: ws, Payments: ps, State: s, Contract: k}
	}
	fail := func(e core.TransactionError) core.TransactionOutput { return core.TransactionOutput{Error: e} }
	pay := func(from core.Party, to core.Payee, tk core.Token, amt int64) core.Payment {
		return core.Payment{From: from, To: to, Token: tk, Amount: bi(amt)}
	}
	waiting := when(1000, core.Close{}, closeCase(depA10))

	tests := []struct {
		name  string
		tx    core.TransactionInput
		state core.State
		c     core.Contract
		want  core.TransactionOutput
	}{
		{
			name: "invalid interval", tx: tx(10, 9), state: st(0), c: waiting,
			want: fail(core.TEIntervalError{Err: core.InvalidInterval{Interval: iv(10, 9)}}),
		},
		{
			name: "interval in past", tx: tx(1, 4), state: st(5), c: waiting,
			want: fail(core.TEIntervalError{Err: core.IntervalInPastError{MinTime: bi(5), Interval: iv(1, 4)}}),
		},
		{
			name: "ambiguous interval", tx: tx(500, 1000), state: st(0), c: waiting,
			want: fail(core.TEAmbiguousTimeIntervalError{}),
		},
		{
			name: "ambiguous after inputs", tx: tx(10, 1500, deposit(a, a, ada, 10)), state: st(0),
			c:    when(5, core.Close{}, core.Case{Action: depA10, Then: waiting}),
			want: fail(core.TEAmbiguousTimeIntervalError{}),
		},
		{
			name: "waiting without inputs is useless", tx: tx(0, 999), state: st(0, acct(a, ada, 1)), c: waiting,
			want: fail(core.TEUselessTransaction{}),
		},
		{
			name: "close with no accounts is useless", tx: tx(0, 10), state: st(0), c: core.Close{},
			want: fail(core.TEUselessTransaction{}),
		},
		{
			name: "close with accounts refunds in list order", tx: tx(0, 10),
			state: st(0, acct(b, ada, 2), acct(a, ada, 1), acct(b, tok("T"), 3)), c: core.Close{},
			want: ok(nil, []core.Payment{pay(b, toParty(b), ada, 2), pay(a, toParty(a), ada, 1), pay(b, toParty(b), tok("T"), 3)},
				st(0, []core.AccountEntry{}...), core.Close{}),
		},
		{
			// Not reduced, but the original accounts are non-empty, so the
			// transaction is accepted and the zero entry survives.
			name: "close with only a zero account is not useless", tx: tx(3, 10),
			state: st(0, acct(a, ada, 0)), c: core.Close{},
			want: ok(nil, nil, st(3, acct(a, ada, 0)), core.Close{}),
		},
		{
			name: "close skips and drops non-positive entries before a positive one", tx: tx(0, 10),
			state: st(0, acct(a, ada, 0), acct(b, ada, 5), acct(c, ada, -1)), c: core.Close{},
			want: ok(nil, []core.Payment{pay(b, toParty(b), ada, 5)}, st(0, acct(c, ada, -1)), core.Close{}),
		},
		{
			name: "timeout trims minTime", tx: tx(1000, 2000), state: st(1500, acct(a, ada, 4)), c: waiting,
			want: ok(nil, []core.Payment{pay(a, toParty(a), ada, 4)}, st(1500, []core.AccountEntry{}...), core.Close{}),
		},
		{
			name: "deposit then close", tx: tx(0, 10, deposit(a, a, ada, 10)), state: st(0), c: waiting,
			want: ok(nil, []core.Payment{pay(a, toParty(a), ada, 10)}, st(0, []core.AccountEntry{}...), core.Close{}),
		},
		{
			name: "deposit of wrong amount", tx: tx(0, 10, deposit(a, a, ada, 11)), state: st(0), c: waiting,
			want: fail(core.TEApplyNoMatchError{}),
		},
		{
			name: "deposit by wrong party", tx: tx(0, 10, deposit(a, b, ada, 10)), state: st(0), c: waiting,
			want: fail(core.TEApplyNoMatchError{}),
		},
		{
			name: "input to a non-When", tx: tx(0, 10, notify()), state: st(0, acct(a, ada, 1)), c: core.Close{},
			want: fail(core.TEApplyNoMatchError{}),
		},
		{
			name: "non-positive deposit warns and changes no account", tx: tx(0, 10, deposit(a, b, ada, -5)),
			state: st(0, acct(c, ada, 1)),
			c: when(100, core.Close{}, core.Case{
				Action: core.Deposit{Into: a, From: b, Token: ada, Amount: cst(-5)},
				Then:   when(100, core.Close{}),
			}),
			want: ok([]core.TransactionWarning{core.NonPositiveDeposit{Party: b, Account: a, Token: ada, Amount: bi(-5)}},
				nil, st(0, acct(c, ada, 1)), when(100, core.Close{})),
		},
		{
			name: "partial pay", tx: tx(0, 10), state: st(0, acct(a, ada, 30), acct(b, ada, 1)),
			c: core.Pay{From: a, To: toParty(c), Token: ada, Amount: cst(100), Then: waiting},
			want: ok([]core.TransactionWarning{core.PartialPay{Account: a, Payee: toParty(c), Token: ada, Paid: bi(30), Expected: bi(100)}},
				[]core.Payment{pay(a, toParty(c), ada, 30)}, st(0, acct(b, ada, 1)), waiting),
		},
		{
			name: "pay from an empty account emits a zero payment", tx: tx(0, 10), state: st(0, acct(b, ada, 1)),
			c: core.Pay{From: a, To: toAccount(c), Token: ada, Amount: cst(7), Then: waiting},
			want: ok([]core.TransactionWarning{core.PartialPay{Account: a, Payee: toAccount(c), Token: ada, Paid: bi(0), Expected: bi(7)}},
				[]core.Payment{pay(a, toAccount(c), ada, 0)}, st(0, acct(b, ada, 1)), waiting),
		},
		{
			name: "non-positive pay warns without payment", tx: tx(0, 10), state: st(0, acct(a, ada, 5)),
			c: core.Pay{From: a, To: toParty(b), Token: ada, Amount: cst(0),
				Then: core.Pay{From: a, To: toParty(b), Token: ada, Amount: cst(-2), Then: waiting}},
			want: ok([]core.TransactionWarning{
				core.NonPositivePay{Account: a, Payee: toParty(b), Token: ada, Amount: bi(0)},
				core.NonPositivePay{Account: a, Payee: toParty(b), Token: ada, Amount: bi(-2)},
			}, nil, st(0, acct(a, ada, 5)), waiting),
		},
		{
			name: "internal pay appends the payee account", tx: tx(0, 10), state: st(0, acct(a, ada, 5), acct(b, ada, 1)),
			c:    core.Pay{From: a, To: toAccount(c), Token: ada, Amount: cst(2), Then: waiting},
			want: ok(nil, []core.Payment{pay(a, toAccount(c), ada, 2)}, st(0, acct(a, ada, 3), acct(b, ada, 1), acct(c, ada, 2)), waiting),
		},
		{
			// The source is deleted before the payee is credited, so emptying
			// an account into itself moves it to the end.
			name: "paying an account to itself in full reorders it", tx: tx(0, 10), state: st(0, acct(a, ada, 5), acct(b, ada, 1)),
			c:    core.Pay{From: a, To: toAccount(a), Token: ada, Amount: cst(5), Then: waiting},
			want: ok(nil, []core.Payment{pay(a, toAccount(a), ada, 5)}, st(0, acct(b, ada, 1), acct(a, ada, 5)), waiting),
		},
		{
			name: "close refund order after delete and re-add", tx: tx(0, 10, deposit(a, a, ada, 10)),
			state: st(0, acct(a, ada, 4), acct(b, ada, 2)),
			c:     core.Pay{From: a, To: toParty(c), Token: ada, Amount: cst(4), Then: waiting},
			want: ok(nil, []core.Payment{pay(a, toParty(c), ada, 4), pay(b, toParty(b), ada, 2), pay(a, toParty(a), ada, 10)},
				st(0, []core.AccountEntry{}...), core.Close{}),
		},
		{
			name: "shadowing and assertion", tx: tx(5, 10), state: st(0),
			c: core.Let{ID: "x", Value: cst(1), Then: core.Let{ID: "y", Value: cst(2),
				Then: core.Let{ID: "x", Value: core.TimeIntervalStart{},
					Then: core.Assert{Obs: core.ValueEQ{L: core.UseValue{ID: "x"}, R: cst(1)}, Then: waiting}}}},
			want: ok([]core.TransactionWarning{core.Shadowing{ID: "x", Old: bi(1), New: bi(5)}, core.AssertionFailed{}}, nil,
				core.State{BoundValues: []core.BoundValueEntry{{ID: "x", Value: bi(5)}, {ID: "y", Value: bi(2)}}, MinTime: bi(5)}, waiting),
		},
		{
			name: "assertion holds", tx: tx(0, 10), state: st(0),
			c:    core.Assert{Obs: core.TrueObs{}, Then: waiting},
			want: ok(nil, nil, st(0), waiting),
		},
		{
			name: "if", tx: tx(0, 10), state: st(0),
			c:    core.If{Obs: core.ValueLT{L: core.TimeIntervalEnd{}, R: cst(11)}, Then: waiting, Else: core.Close{}},
			want: ok(nil, nil, st(0), waiting),
		},
		{
			name: "choices: out of bounds", tx: tx(0, 10, choose(choiceID("c", a), 6)), state: st(0),
			c:    when(100, core.Close{}, core.Case{Action: core.Choice{ID: choiceID("c", a), Bounds: []core.Bound{{Low: bi(0), High: bi(2)}, {Low: bi(4), High: bi(5)}}}, Then: waiting}),
			want: fail(core.TEApplyNoMatchError{}),
		},
		{
			name:  "choices: second bound, re-choice replaces in place",
			tx:    tx(0, 10, choose(choiceID("c", a), 5), choose(choiceID("d", a), 1), choose(choiceID("c", a), 4)),
			state: st(0),
			c: when(100, core.Close{}, core.Case{
				Action: core.Choice{ID: choiceID("c", a), Bounds: []core.Bound{{Low: bi(0), High: bi(2)}, {Low: bi(4), High: bi(5)}}},
				Then: when(100, core.Close{}, core.Case{
					Action: core.Choice{ID: choiceID("d", a), Bounds: []core.Bound{{Low: bi(1), High: bi(1)}}},
					Then: when(100, core.Close{}, core.Case{
						Action: core.Choice{ID: choiceID("c", a), Bounds: []core.Bound{{Low: bi(4), High: bi(4)}}},
						Then:   waiting,
					}),
				}),
			}),
			want: ok(nil, nil, core.State{Choices: []core.ChoiceEntry{{ID: choiceID("c", a), Value: bi(4)}, {ID: choiceID("d", a), Value: bi(1)}}, MinTime: bi(0)}, waiting),
		},
		{
			name: "notify with false observation", tx: tx(0, 10, notify()), state: st(0),
			c:    when(100, core.Close{}, closeCase(core.Notify{Obs: core.FalseObs{}})),
			want: fail(core.TEApplyNoMatchError{}),
		},
		{
			name: "notify picks first accepting case", tx: tx(0, 10, notify()), state: st(0),
			c: when(100, core.Close{},
				closeCase(core.Notify{Obs: core.FalseObs{}}),
				core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Then: waiting},
				closeCase(core.Notify{Obs: core.TrueObs{}})),
			want: ok(nil, nil, st(0), waiting),
		},
		{
			name: "normal input vs merkleized case", tx: tx(0, 10, notify()), state: st(0),
			c:    when(100, core.Close{}, core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: hash1}),
			want: fail(core.TEHashMismatch{}),
		},
		{
			name: "merkleized input vs normal case", tx: tx(0, 10, merkleIn(core.INotify{}, hash1, waiting)), state: st(0),
			c:    when(100, core.Close{}, closeCase(core.Notify{Obs: core.TrueObs{}})),
			want: fail(core.TEHashMismatch{}),
		},
		{
			name: "merkleized input with the wrong hash", tx: tx(0, 10, merkleIn(core.INotify{}, hash2, waiting)), state: st(0),
			c:    when(100, core.Close{}, core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: hash1}),
			want: fail(core.TEHashMismatch{}),
		},
		{
			// The first action-matching case decides; a later case that would
			// match the hash is never tried.
			name: "hash mismatch stops at the first matching action", tx: tx(0, 10, merkleIn(core.INotify{}, hash2, waiting)), state: st(0),
			c: when(100, core.Close{},
				core.Case{Action: core.Notify{Obs: core.FalseObs{}}, Merkleized: true, Hash: hash2},
				core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: hash1},
				core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: hash2}),
			want: fail(core.TEHashMismatch{}),
		},
		{
			name: "merkleized input unlocks its continuation", tx: tx(0, 10, merkleIn(core.IDeposit{Into: a, From: a, Token: ada, Amount: bi(10)}, hash1, waiting)),
			state: st(0),
			c:     when(100, core.Close{}, core.Case{Action: depA10, Merkleized: true, Hash: hash1}),
			want:  ok(nil, nil, st(0, acct(a, ada, 10)), waiting),
		},
		{
			name: "merkleized input without continuation", tx: tx(0, 10, merkleIn(core.INotify{}, hash1, nil)), state: st(0),
			c:    when(100, core.Close{}, core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: hash1}),
			want: fail(core.TEHashMismatch{}),
		},
		{
			name: "deposit amount evaluated in the state before the deposit", tx: tx(0, 10, deposit(a, a, ada, 3), deposit(a, a, ada, 6)),
			state: st(0, acct(a, ada, 3)),
			c: when(100, core.Close{}, core.Case{
				Action: core.Deposit{Into: a, From: a, Token: ada, Amount: core.AvailableMoney{Account: a, Token: ada}},
				Then: when(100, core.Close{}, core.Case{
					Action: core.Deposit{Into: a, From: a, Token: ada, Amount: core.AvailableMoney{Account: a, Token: ada}},
					Then:   waiting,
				}),
			}),
			want: ok(nil, nil, st(0, acct(a, ada, 12)), waiting),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := show([]any{tc.tx, tc.state, tc.c})
			got := ComputeTransaction(tc.tx, tc.state, tc.c)
			assertSame(t, "output", got, tc.want)
			if show([]any{tc.tx, tc.state, tc.c}) != before {
				t.Error("ComputeTransaction modified its input")
			}
		})
	}
}

func TestApplyInputErrors(t *testing.T) {
	a := role("a")
	e := env(0, 10)
	st := core.EmptyState(bi(0))
	c := when(100, core.Close{}, core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: []byte{9}})
	tests := []struct {
		name string
		in   core.Input
		c    core.Contract
		want error
	}{
		{"no match on Close", notify(), core.Close{}, ErrApplyNoMatch},
		{"no match on action", deposit(a, a, core.Ada, 1), c, ErrApplyNoMatch},
		{"hash mismatch", notify(), c, ErrHashMismatch},
		{"missing continuation", core.Input{Content: core.INotify{}, Merkleized: true, Hash: []byte{9}}, c, ErrMissingContinuation},
	}
	for _, tc := range tests {
		r := ApplyInput(e, st, tc.in, tc.c)
		if !errors.Is(r.Err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, r.Err, tc.want)
		}
	}
	ok := ApplyInput(e, st, core.Input{Content: core.INotify{}, Merkleized: true, Hash: []byte{9}, Continuation: core.Close{}}, c)
	if ok.Err != nil {
		t.Fatalf("merkleized apply: %v", ok.Err)
	}
	assertSame(t, "continuation", ok.Contract, core.Close{})
}

func TestReduceContractUntilQuiescent(t *testing.T) {
	a := role("a")
	st := core.State{Accounts: []core.AccountEntry{acct(a, core.Ada, 5)}, MinTime: bi(0)}
	r := ReduceContractUntilQuiescent(env(0, 10), st, when(5, core.Close{}))
	if !errors.Is(r.Err, ErrAmbiguousTimeInterval) {
		t.Fatalf("err %v", r.Err)
	}
	r = ReduceContractUntilQuiescent(env(0, 10), st, when(11, core.Close{}))
	if r.Err != nil || r.Reduced || len(r.Payments) != 0 {
		t.Fatalf("waiting When reduced: %+v", r)
	}
	r = ReduceContractUntilQuiescent(env(10, 10), st, when(10, core.Close{}))
	if r.Err != nil || !r.Reduced || len(r.Payments) != 1 || len(r.State.Accounts) != 0 {
		t.Fatalf("timed-out When: %+v", r)
	}
	if len(st.Accounts) != 1 || st.Accounts[0].Amount.Int64() != 5 {
		t.Fatal("input state modified")
	}
}

// TestLongContractIsIterative reduces a Pay chain far deeper than a
// per-step recursion could comfortably handle.
func TestLongContractIsIterative(t *testing.T) {
	a, b := role("a"), role("b")
	const n = 100000
	var c core.Contract = core.Close{}
	for range n {
		c = core.Pay{From: a, To: toParty(b), Token: core.Ada, Amount: cst(1), Then: c}
	}
	st := core.State{Accounts: []core.AccountEntry{acct(a, core.Ada, n+3)}, MinTime: bi(0)}
	out := ComputeTransaction(tx(0, 0), st, c)
	if out.Error != nil {
		t.Fatal(out.Error)
	}
	if len(out.Payments) != n+1 || out.Payments[n].Amount.Int64() != 3 || len(out.State.Accounts) != 0 {
		t.Fatalf("payments %d, last %v", len(out.Payments), out.Payments[len(out.Payments)-1])
	}
}

func TestPlayTrace(t *testing.T) {
	a, b := role("a"), role("b")
	ada := core.Ada
	c := when(100, core.Close{}, core.Case{
		Action: core.Deposit{Into: a, From: a, Token: ada, Amount: cst(10)},
		Then: core.Pay{From: a, To: toAccount(b), Token: ada, Amount: cst(15),
			Then: when(200, core.Close{}, core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}})},
	})
	txs := []core.TransactionInput{tx(5, 50, deposit(a, a, ada, 10)), tx(60, 70, notify())}
	got := PlayTrace(bi(3), c, txs)
	want := core.TransactionOutput{
		Warnings: []core.TransactionWarning{core.PartialPay{Account: a, Payee: toAccount(b), Token: ada, Paid: bi(10), Expected: bi(15)}},
		Payments: []core.Payment{
			{From: a, To: toAccount(b), Token: ada, Amount: bi(10)},
			{From: b, To: toParty(b), Token: ada, Amount: bi(10)},
		},
		State:    core.State{Accounts: []core.AccountEntry{}, MinTime: bi(60)},
		Contract: core.Close{},
	}
	assertSame(t, "trace", got, want)

	// The fold agrees with running the transactions one by one.
	step := ComputeTransaction(txs[0], core.EmptyState(bi(3)), c)
	step = ComputeTransaction(txs[1], step.State, step.Contract)
	assertSame(t, "final state", got.State, step.State)

	empty := PlayTrace(bi(3), c, nil)
	assertSame(t, "empty trace", empty, core.TransactionOutput{State: core.EmptyState(bi(3)), Contract: c})

	// The first failing transaction's error is the result.
	bad := PlayTrace(bi(3), c, []core.TransactionInput{txs[0], tx(60, 70), txs[1]})
	assertSame(t, "error", bad, core.TransactionOutput{Error: core.TEUselessTransaction{}})
}
