package safety

import (
	"math/big"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

func TestWorstValueSize(t *testing.T) {
	q := core.CurrencySymbol("qqqqqqqqqqqqqqqqqqqqqqqqqqqq")
	tests := []struct {
		name   string
		tokens []core.Token
		want   int64
	}{
		{"empty is one word", nil, 8 * (6 + 1)},
		{"ada", []core.Token{core.Ada}, 8 * (6 + 6)},                    // 13+29 = 42 bytes
		{"duplicates count once", []core.Token{core.Ada, core.Ada}, 96}, // still 42 bytes
		// 3 tokens (39) + 2 policies (58) + distinct names "a","bb" (3) = 100 bytes = 13 words.
		{"names shared across policies", []core.Token{tok("a"), tok("bb"), {Currency: q, Name: "a"}}, 8 * (6 + 13)},
	}
	for _, tc := range tests {
		if got := WorstValueSize(tc.tokens); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestCheckSafety(t *testing.T) {
	ada := core.Ada
	alice := role("alice")
	ch := core.ChoiceID{Name: "c", Owner: alice}
	pay := core.Pay{From: alice, To: toParty(alice), Token: ada, Amount: cst(1), Then: core.Close{}}
	dupState := core.State{
		Accounts:    []core.AccountEntry{acct(alice, ada, 0), acct(role("bob"), ada, 2), acct(alice, ada, 3), acct(alice, ada, -1)},
		Choices:     []core.ChoiceEntry{{ID: ch, Value: bi(1)}, {ID: ch, Value: bi(2)}},
		BoundValues: []core.BoundValueEntry{{ID: "v", Value: bi(1)}, {ID: "w", Value: bi(1)}, {ID: "v", Value: bi(2)}},
		MinTime:     bi(0),
	}
	tests := []struct {
		name     string
		maxValue int64
		datum    core.MarloweData
		want     []Error
		minUtxo  *big.Int // nil: no bound
		networks []bool
	}{
		{"clean", DefaultMaxValueSize, datum(policy, state(acct(role("creator"), ada, 2000000)), pay), nil,
			// 4310 × (216 + 96 + 80)
			big.NewInt(4310 * 392), nil},
		{"state checks in order", DefaultMaxValueSize, datum(policy, dupState, pay),
			[]Error{
				NonPositiveBalance{Account: alice, Token: ada},
				NonPositiveBalance{Account: alice, Token: ada},
				DuplicateAccount{Account: alice, Token: ada},
				DuplicateAccount{Account: alice, Token: ada},
				DuplicateChoice{Choice: ch},
				DuplicateBoundValue{ValueID: "v"},
			}, nil, nil},
		{"MaximumValueMayExceedProtocol", 50, datum("", state(acct(addr(true, 1), ada, 1)), core.Close{}),
			[]Error{MaximumValueMayExceedProtocol{Bytes: big.NewInt(96)}}, big.NewInt(4310 * 392), []bool{true}},
		{"InconsistentNetworks, no WrongNetwork in the library", DefaultMaxValueSize,
			datum("", state(acct(addr(true, 1), ada, 1)), core.Pay{From: addr(false, 2), To: toParty(addr(false, 3)), Token: ada, Amount: cst(1), Then: core.Close{}}),
			[]Error{InconsistentNetworks{}}, big.NewInt(4310 * 392), []bool{false, true}},
		{"missing currency", DefaultMaxValueSize, datum("", state(), pay), []Error{MissingRolesCurrency{}}, big.NewInt(4310 * 392), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := CheckSafety(tc.maxValue, 4310, tc.datum, nil)
			if err != nil {
				t.Fatal(err)
			}
			assertErrors(t, "errors", r.Errors, tc.want)
			if show(r.BoundOnMinimumUtxo) != show(tc.minUtxo) {
				t.Errorf("min-UTxO bound %v, want %v", r.BoundOnMinimumUtxo, tc.minUtxo)
			}
			if show(r.Networks) != show(tc.networks) {
				t.Errorf("networks %v, want %v", r.Networks, tc.networks)
			}
			if r.BoundOnDatumSize <= 0 {
				t.Errorf("datum bound %d", r.BoundOnDatumSize)
			}
		})
	}
}

// TestWorstSizes checks the datum and redeemer bounds against encodings
// built by hand.
func TestWorstSizes(t *testing.T) {
	alice := role("alice")
	ch := core.ChoiceID{Name: "c", Owner: alice}
	c := when(10, core.Close{},
		depositCase(alice, core.Ada, cst(5), core.Let{ID: "v", Value: core.ChoiceValue{ID: ch}, Then: core.Close{}}),
		core.Case{Action: core.Choice{ID: ch, Bounds: []core.Bound{{Low: bi(-7), High: bi(3)}, {Low: bi(0), High: bi(7)}}}, Then: core.Close{}},
	)
	r, err := CheckSafety(DefaultMaxValueSize, 4310, datum(policy, state(), c), nil)
	if err != nil {
		t.Fatal(err)
	}
	big := new(big.Int).Lsh(bi(1), 63)
	worst := core.MarloweData{Params: core.MarloweParams{RolesCurrency: policy}, Contract: c, State: core.State{
		Accounts:    []core.AccountEntry{{Account: alice, Token: core.Ada, Amount: big}},
		Choices:     []core.ChoiceEntry{{ID: ch, Value: big}},
		BoundValues: []core.BoundValueEntry{{ID: "v", Value: big}},
		MinTime:     bi(9999999999999),
	}}
	b, err := core.EncodeData(worst)
	if err != nil {
		t.Fatal(err)
	}
	if r.BoundOnDatumSize != len(b) {
		t.Errorf("datum bound %d, want %d", r.BoundOnDatumSize, len(b))
	}
	dep, _ := core.EncodeData(core.Input{Content: core.IDeposit{Into: alice, From: alice, Token: core.Ada, Amount: big}})
	if r.BoundOnRedeemerSize != len(dep) {
		t.Errorf("redeemer bound %d, want %d (the 2^63 deposit)", r.BoundOnRedeemerSize, len(dep))
	}
	// Ties go to the later endpoint: -7 then 7 picks 7.
	if got := largestChoice([]core.Bound{{Low: bi(-7), High: bi(3)}, {Low: bi(0), High: bi(7)}}); got.Int64() != 7 {
		t.Errorf("largest choice %v, want 7", got)
	}
	if got := largestChoice(nil); got.Sign() != 0 {
		t.Errorf("largest choice of no bounds %v, want 0", got)
	}
	// The contract pays from an initial account: no min-UTxO bound.
	r, err = CheckSafety(DefaultMaxValueSize, 4310, datum(policy, state(acct(alice, core.Ada, 1)), c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.BoundOnMinimumUtxo != nil {
		t.Errorf("min-UTxO bound %v, want none", r.BoundOnMinimumUtxo)
	}
}
