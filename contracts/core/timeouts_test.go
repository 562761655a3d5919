package core

import (
	"math/big"
	"testing"
)

// TestShiftTimeouts: every When timeout on every branch moves by delta, the
// earliest one with them; merkleized cases and template parameters stay.
func TestShiftTimeouts(t *testing.T) {
	n := func(v int64) *big.Int { return big.NewInt(v) }
	inner := When{Timeout: n(50), Continuation: Close{}}
	c := When{Timeout: n(100), Cases: []Case{
		{Action: Notify{Obs: TrueObs{}}, Then: If{Obs: TrueObs{}, Then: inner, Else: Pay{Then: Let{Then: Assert{Then: When{Timeout: n(30), Continuation: Close{}}}}}}},
		{Action: Notify{Obs: TrueObs{}}, Merkleized: true, Hash: []byte{1}},
	}, Continuation: When{TimeoutParam: "later", Continuation: Close{}}}
	if got := EarliestTimeout(c); got.Cmp(n(30)) != 0 {
		t.Fatalf("earliest %v, want 30", got)
	}
	s := ShiftTimeouts(c, n(1000)).(When)
	if s.Timeout.Cmp(n(1100)) != 0 || EarliestTimeout(s).Cmp(n(1030)) != 0 {
		t.Fatalf("shifted: timeout %v, earliest %v", s.Timeout, EarliestTimeout(s))
	}
	if th := s.Cases[0].Then.(If).Then.(When).Timeout; th.Cmp(n(1050)) != 0 {
		t.Fatalf("If branch timeout %v, want 1050", th)
	}
	if !s.Cases[1].Merkleized || s.Cases[1].Then != nil {
		t.Fatal("merkleized case changed")
	}
	if p := s.Continuation.(When); p.Timeout != nil || p.TimeoutParam != "later" {
		t.Fatalf("template timeout changed: %+v", p)
	}
	if c.Timeout.Cmp(n(100)) != 0 || inner.Timeout.Cmp(n(50)) != 0 {
		t.Fatal("the original contract changed")
	}
	if EarliestTimeout(Close{}) != nil {
		t.Fatal("Close has a timeout")
	}
}

// TestAuthoriser: deposits need their depositor, choices their owner,
// notifies nobody.
func TestAuthoriser(t *testing.T) {
	a, b := RolePartyOf("a"), RolePartyOf("b")
	if p, ok := Authoriser(IDeposit{Into: b, From: a}); !ok || p != a {
		t.Fatalf("deposit: %v %v", p, ok)
	}
	if p, ok := Authoriser(IChoice{ID: ChoiceID{Name: "c", Owner: b}}); !ok || p != b {
		t.Fatalf("choice: %v %v", p, ok)
	}
	if _, ok := Authoriser(INotify{}); ok {
		t.Fatal("notify needs an authoriser")
	}
}
