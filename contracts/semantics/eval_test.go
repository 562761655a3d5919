package semantics

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

func TestEvalValue(t *testing.T) {
	a, b := role("a"), role("b")
	ch := choiceID("c", a)
	st := core.State{
		Accounts:    []core.AccountEntry{acct(a, core.Ada, 50), acct(a, tok("T"), 7)},
		Choices:     []core.ChoiceEntry{{ID: ch, Value: bi(-4)}},
		BoundValues: []core.BoundValueEntry{{ID: "x", Value: bi(11)}},
		MinTime:     bi(0),
	}
	e := env(100, 200)
	huge := bigStr("340282366920938463463374607431768211456") // 2^128
	tests := []struct {
		name string
		v    core.Value
		want string
	}{
		{"quot -7/2", core.DivValue{L: cst(-7), R: cst(2)}, "-3"},
		{"quot 7/-2", core.DivValue{L: cst(7), R: cst(-2)}, "-3"},
		{"quot -7/-2", core.DivValue{L: cst(-7), R: cst(-2)}, "3"},
		{"quot 7/2", core.DivValue{L: cst(7), R: cst(2)}, "3"},
		{"x/0", core.DivValue{L: cst(7), R: cst(0)}, "0"},
		{"-x/0", core.DivValue{L: cst(-7), R: cst(0)}, "0"},
		{"0/0", core.DivValue{L: cst(0), R: cst(0)}, "0"},
		{"available", core.AvailableMoney{Account: a, Token: core.Ada}, "50"},
		{"available token", core.AvailableMoney{Account: a, Token: tok("T")}, "7"},
		{"available absent", core.AvailableMoney{Account: b, Token: core.Ada}, "0"},
		{"neg", core.NegValue{V: cst(5)}, "-5"},
		{"add", core.AddValue{L: cst(5), R: cst(-8)}, "-3"},
		{"sub", core.SubValue{L: cst(5), R: cst(-8)}, "13"},
		{"mul", core.MulValue{L: cst(-5), R: cst(8)}, "-40"},
		{"big mul", core.MulValue{L: core.Constant{N: huge}, R: core.Constant{N: huge}},
			"115792089237316195423570985008687907853269984665640564039457584007913129639936"},
		{"big quot", core.DivValue{L: core.Constant{N: huge}, R: cst(-3)}, "-113427455640312821154458202477256070485"},
		{"choice", core.ChoiceValue{ID: ch}, "-4"},
		{"choice absent", core.ChoiceValue{ID: choiceID("c", b)}, "0"},
		{"use", core.UseValue{ID: "x"}, "11"},
		{"use absent", core.UseValue{ID: "y"}, "0"},
		{"start", core.TimeIntervalStart{}, "100"},
		{"end", core.TimeIntervalEnd{}, "200"},
		{"cond then", core.Cond{Obs: core.TrueObs{}, Then: cst(1), Else: cst(2)}, "1"},
		{"cond else", core.Cond{Obs: core.FalseObs{}, Then: cst(1), Else: cst(2)}, "2"},
		{"pointer form", &core.AddValue{L: &core.Constant{N: bi(2)}, R: cst(3)}, "5"},
		{"nil value", nil, "0"},
		{"nil constant", core.Constant{}, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := EvalValue(e, st, tc.v)
			if got.String() != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			// The result is the caller's: changing it must not reach the state.
			got.SetInt64(999)
			if st.Accounts[0].Amount.Int64() != 50 || st.BoundValues[0].Value.Int64() != 11 {
				t.Fatal("EvalValue returned an integer shared with the state")
			}
		})
	}
}

func TestEvalObservation(t *testing.T) {
	a := role("a")
	ch := choiceID("c", a)
	st := core.State{Choices: []core.ChoiceEntry{{ID: ch, Value: bi(0)}}, MinTime: bi(0)}
	e := env(0, 0)
	tests := []struct {
		name string
		o    core.Observation
		want bool
	}{
		{"true", core.TrueObs{}, true},
		{"false", core.FalseObs{}, false},
		{"and", core.AndObs{L: core.TrueObs{}, R: core.FalseObs{}}, false},
		{"or", core.OrObs{L: core.FalseObs{}, R: core.TrueObs{}}, true},
		{"not", core.NotObs{O: core.FalseObs{}}, true},
		{"chose", core.ChoseSomething{ID: ch}, true},
		{"not chose", core.ChoseSomething{ID: choiceID("d", a)}, false},
		{"ge eq", core.ValueGE{L: cst(2), R: cst(2)}, true},
		{"ge lt", core.ValueGE{L: cst(1), R: cst(2)}, false},
		{"gt", core.ValueGT{L: cst(3), R: cst(2)}, true},
		{"gt eq", core.ValueGT{L: cst(2), R: cst(2)}, false},
		{"lt", core.ValueLT{L: cst(-3), R: cst(2)}, true},
		{"le eq", core.ValueLE{L: cst(2), R: cst(2)}, true},
		{"le gt", core.ValueLE{L: cst(3), R: cst(2)}, false},
		{"eq", core.ValueEQ{L: core.DivValue{L: cst(-7), R: cst(2)}, R: cst(-3)}, true},
		{"neq", core.ValueEQ{L: cst(1), R: cst(2)}, false},
		{"pointer form", &core.NotObs{O: &core.FalseObs{}}, true},
		{"nil", nil, false},
	}
	for _, tc := range tests {
		if got := EvalObservation(e, st, tc.o); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFixInterval(t *testing.T) {
	tests := []struct {
		name     string
		from, to int64
		minTime  int64
		wantErr  core.IntervalError
		wantEnv  core.Environment
		wantMin  int64
	}{
		{"invalid", 10, 9, 0, core.InvalidInterval{Interval: iv(10, 9)}, core.Environment{}, 0},
		// Invalid is checked before in-past.
		{"invalid and past", 10, 9, 100, core.InvalidInterval{Interval: iv(10, 9)}, core.Environment{}, 0},
		{"in past", 10, 20, 21, core.IntervalInPastError{MinTime: bi(21), Interval: iv(10, 20)}, core.Environment{}, 0},
		{"end at minTime", 10, 20, 20, nil, env(20, 20), 20},
		{"trimmed", 10, 20, 15, nil, env(15, 20), 15},
		{"not trimmed", 10, 20, 5, nil, env(10, 20), 10},
		{"point", 7, 7, 7, nil, env(7, 7), 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := core.State{Accounts: []core.AccountEntry{acct(role("a"), core.Ada, 1)}, MinTime: bi(tc.minTime)}
			e, out, err := FixInterval(iv(tc.from, tc.to), st)
			assertSame(t, "error", err, tc.wantErr)
			if tc.wantErr != nil {
				return
			}
			assertSame(t, "env", e, tc.wantEnv)
			if out.MinTime.Int64() != tc.wantMin {
				t.Errorf("minTime %v, want %d", out.MinTime, tc.wantMin)
			}
			if st.MinTime.Int64() != tc.minTime {
				t.Error("input state modified")
			}
			assertSame(t, "accounts", out.Accounts, st.Accounts)
		})
	}
}

func TestAssocHelpers(t *testing.T) {
	a, b, c := role("a"), role("b"), role("c")
	orig := []core.AccountEntry{acct(a, core.Ada, 1), acct(b, core.Ada, 2), acct(a, tok("T"), 3)}
	snapshot := show(orig)

	ins := InsertAccount(orig, b, core.Ada, bi(20))
	assertSame(t, "insert in place", ins, []core.AccountEntry{acct(a, core.Ada, 1), acct(b, core.Ada, 20), acct(a, tok("T"), 3)})
	app := InsertAccount(orig, c, core.Ada, bi(4))
	assertSame(t, "insert appends", app, []core.AccountEntry{acct(a, core.Ada, 1), acct(b, core.Ada, 2), acct(a, tok("T"), 3), acct(c, core.Ada, 4)})
	del := DeleteAccount(orig, a, core.Ada)
	assertSame(t, "delete keeps order", del, []core.AccountEntry{acct(b, core.Ada, 2), acct(a, tok("T"), 3)})
	readd := InsertAccount(del, a, core.Ada, bi(9))
	assertSame(t, "re-insert appends", readd, []core.AccountEntry{acct(b, core.Ada, 2), acct(a, tok("T"), 3), acct(a, core.Ada, 9)})
	if show(orig) != snapshot {
		t.Fatal("helpers modified their input")
	}
	if v, ok := LookupAccount(orig, a, tok("T")); !ok || v.Int64() != 3 {
		t.Errorf("lookup: %v %v", v, ok)
	}
	if _, ok := LookupAccount(orig, c, core.Ada); ok {
		t.Error("lookup of absent account succeeded")
	}
	if m := MoneyInAccount(orig, c, core.Ada); m.Sign() != 0 {
		t.Errorf("money in absent account %v", m)
	}
	// Lookup takes the first of duplicate keys.
	dup := append(orig[:0:0], acct(a, core.Ada, 5), acct(a, core.Ada, 6))
	if v, _ := LookupAccount(dup, a, core.Ada); v.Int64() != 5 {
		t.Errorf("lookup took %v, want the first entry", v)
	}

	ch := []core.ChoiceEntry{{ID: choiceID("x", a), Value: bi(1)}, {ID: choiceID("y", a), Value: bi(2)}}
	assertSame(t, "choice insert", InsertChoice(ch, choiceID("x", a), bi(7)),
		[]core.ChoiceEntry{{ID: choiceID("x", a), Value: bi(7)}, {ID: choiceID("y", a), Value: bi(2)}})
	assertSame(t, "choice delete", DeleteChoice(ch, choiceID("x", a)), []core.ChoiceEntry{{ID: choiceID("y", a), Value: bi(2)}})
	if v, ok := LookupChoice(ch, choiceID("y", a)); !ok || v.Int64() != 2 {
		t.Errorf("choice lookup %v %v", v, ok)
	}
	bv := []core.BoundValueEntry{{ID: "p", Value: bi(1)}}
	assertSame(t, "bound insert", InsertBoundValue(bv, "q", bi(2)),
		[]core.BoundValueEntry{{ID: "p", Value: bi(1)}, {ID: "q", Value: bi(2)}})
	assertSame(t, "bound delete", DeleteBoundValue(bv, "p"), []core.BoundValueEntry{})
	if v, ok := LookupBoundValue(bv, "p"); !ok || v.Int64() != 1 {
		t.Errorf("bound lookup %v %v", v, ok)
	}

	tot := TotalBalance([]core.AccountEntry{acct(a, core.Ada, 1), acct(b, core.Ada, 2), acct(a, tok("T"), 3), acct(b, tok("U"), 0)})
	if len(tot) != 2 || tot[core.Ada].Int64() != 3 || tot[tok("T")].Int64() != 3 {
		t.Errorf("total balance %v", tot)
	}
}

func TestValidateState(t *testing.T) {
	a := role("a")
	tests := []struct {
		name string
		st   core.State
		ok   bool
	}{
		{"empty", core.EmptyState(bi(0)), true},
		{"good", core.State{Accounts: []core.AccountEntry{acct(a, core.Ada, 1), acct(a, tok("T"), 1)}, MinTime: bi(0)}, true},
		{"zero balance", core.State{Accounts: []core.AccountEntry{acct(a, core.Ada, 0)}, MinTime: bi(0)}, false},
		{"duplicate account", core.State{Accounts: []core.AccountEntry{acct(a, core.Ada, 1), acct(a, core.Ada, 2)}, MinTime: bi(0)}, false},
		{"duplicate choice", core.State{Choices: []core.ChoiceEntry{{ID: choiceID("c", a), Value: bi(1)}, {ID: choiceID("c", a), Value: bi(1)}}}, false},
		{"duplicate bound", core.State{BoundValues: []core.BoundValueEntry{{ID: "x", Value: bi(1)}, {ID: "x", Value: bi(2)}}}, false},
	}
	for _, tc := range tests {
		if err := ValidateState(tc.st); (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
}
