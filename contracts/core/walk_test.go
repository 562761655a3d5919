package core

import (
	"errors"
	"math/big"
	"reflect"
	"testing"
)

func TestWalk(t *testing.T) {
	pay := func(n int64, then Contract) Contract {
		return Pay{From: RolePartyOf("a"), To: Payee{Kind: PayeeAccount, Party: RolePartyOf("b")}, Token: Ada,
			Amount: Constant{N: big.NewInt(n)}, Then: then}
	}
	c := When{
		Cases: []Case{
			{Action: Notify{Obs: TrueObs{}}, Then: pay(1, Close{})},
			{Action: Notify{Obs: FalseObs{}}, Merkleized: true, Hash: []byte{1}},
			{Action: Notify{Obs: TrueObs{}}, Then: If{Obs: TrueObs{}, Then: pay(2, Close{}), Else: Let{ID: "x", Value: Constant{N: big.NewInt(0)},
				Then: Assert{Obs: TrueObs{}, Then: nil}}}},
		},
		Timeout:      big.NewInt(10),
		Continuation: pay(3, Close{}),
	}
	var got []string
	err := Walk(c, func(c Contract) error {
		switch x := c.(type) {
		case Pay:
			got = append(got, "Pay"+x.Amount.(Constant).N.String())
		case nil:
			got = append(got, "nil")
		default:
			got = append(got, reflect.TypeOf(c).Name())
		}
		return nil
	})
	want := []string{"When", "Pay1", "Close", "If", "Pay2", "Close", "Let", "Assert", "nil", "Pay3", "Close"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("visited %v (%v), want %v", got, err, want)
	}

	stop := errors.New("stop")
	n := 0
	if err := Walk(c, func(Contract) error { n++; return map[bool]error{true: stop}[n == 3] }); err != stop || n != 3 {
		t.Fatalf("stopped after %d with %v", n, err)
	}

	// A chain far deeper than recursion would allow.
	var deep Contract = Close{}
	for i := range 200_000 {
		deep = pay(int64(i), deep)
	}
	n = 0
	if err := Walk(deep, func(Contract) error { n++; return nil }); err != nil || n != 200_001 {
		t.Fatalf("deep chain: %d nodes, %v", n, err)
	}
}
