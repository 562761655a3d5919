package txbuild

import (
	"errors"
	"math/big"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// TestErrors builds each failing request against a freshly created escrow
// and checks the typed error it yields.
func TestErrors(t *testing.T) {
	slot := func(s uint64) *uint64 { return &s }
	tests := []struct {
		name  string
		build func(t *testing.T, e *escrowWorld) error
		check func(t *testing.T, err error)
	}{
		{
			name: "insufficient lovelace",
			build: func(t *testing.T, e *escrowWorld) error {
				_, err := Create(e.w.env(2), CreateRequest{Contract: core.Close{}})
				return err
			},
			check: func(t *testing.T, err error) {
				var ie *InsufficientFundsError
				if !errors.As(err, &ie) || len(ie.Tokens) != 0 || ie.Required.Cmp(ie.Available) <= 0 || ie.Available.Int64() != 1*ada {
					t.Fatalf("got %v (%+v)", err, ie)
				}
			},
		},
		{
			name: "insufficient tokens",
			build: func(t *testing.T, e *escrowWorld) error {
				_, err := Create(e.w.env(1), CreateRequest{Contract: core.Close{}, Roles: RolesConfig{
					Mode: RolesUsePolicy, Policy: [28]byte{9},
					Distribution: map[core.TokenName]RoleRecipient{"A": {Address: e.w.keys[1].addr}},
				}})
				return err
			},
			check: func(t *testing.T, err error) {
				var ie *InsufficientFundsError
				if !errors.As(err, &ie) || ie.Tokens[AssetID{Policy: [28]byte{9}, Name: "A"}] != 1 {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "missing role token",
			build: func(t *testing.T, e *escrowWorld) error {
				e.apply(t, 1, e.deposit(10*ada))
				_, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &e.ctr, Datum: e.datum,
					Inputs: []core.Input{{Content: core.IChoice{ID: e.choice, Chosen: big.NewInt(1)}}}})
				return err
			},
			check: func(t *testing.T, err error) {
				var me *MissingRoleTokenError
				if !errors.As(err, &me) || me.Role != "Seller" {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "contract closed",
			build: func(t *testing.T, e *escrowWorld) error {
				_, err := ApplyInputs(e.w.env(1), ApplyRequest{Datum: e.datum})
				return err
			},
			check: func(t *testing.T, err error) {
				if !errors.As(err, new(*ContractClosedError)) {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "semantics rejection",
			build: func(t *testing.T, e *escrowWorld) error {
				_, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: []core.Input{e.deposit(9 * ada)}})
				return err
			},
			check: func(t *testing.T, err error) {
				var se *SemanticsError
				if !errors.As(err, &se) {
					t.Fatalf("got %v", err)
				}
				if _, ok := se.Err.(core.TEApplyNoMatchError); !ok {
					t.Fatalf("semantics error %T", se.Err)
				}
			},
		},
		{
			name: "useless transaction",
			build: func(t *testing.T, e *escrowWorld) error {
				_, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &e.ctr, Datum: e.datum})
				return err
			},
			check: func(t *testing.T, err error) {
				var se *SemanticsError
				if !errors.As(err, &se) {
					t.Fatalf("got %v", err)
				}
				if _, ok := se.Err.(core.TEUselessTransaction); !ok {
					t.Fatalf("semantics error %T", se.Err)
				}
			},
		},
		{
			name: "invalid state",
			build: func(t *testing.T, e *escrowWorld) error {
				bad := e.datum
				bad.State.Accounts = append([]core.AccountEntry{{Account: core.RolePartyOf("x"), Token: core.Ada, Amount: big.NewInt(1)}}, bad.State.Accounts...)
				_, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &e.ctr, Datum: bad, Inputs: []core.Input{e.deposit(10 * ada)}})
				return err
			},
			check: func(t *testing.T, err error) {
				if !errors.As(err, new(*InvalidStateError)) {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "size limit",
			build: func(t *testing.T, e *escrowWorld) error {
				env := e.w.env(1)
				env.Params.MaxTxSize = 1000
				_, err := ApplyInputs(env, ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: []core.Input{e.deposit(10 * ada)}})
				return err
			},
			check: func(t *testing.T, err error) {
				var le *LimitExceededError
				if !errors.As(err, &le) || le.Kind != LimitTxSize || le.Size <= 1000 || le.MaxSize != 1000 {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "ex-units limit",
			build: func(t *testing.T, e *escrowWorld) error {
				env := e.w.env(1)
				env.Params.MaxTxExUnits = ExUnits{Mem: 1_000_000, Steps: 10_000_000_000}
				_, err := ApplyInputs(env, ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: []core.Input{e.deposit(10 * ada)}})
				return err
			},
			check: func(t *testing.T, err error) {
				var le *LimitExceededError
				if !errors.As(err, &le) || le.Kind != LimitExUnits || le.ExUnits.Mem <= 1_000_000 {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "no collateral",
			build: func(t *testing.T, e *escrowWorld) error {
				env := e.w.env(1)
				env.Wallet.Collateral = []registry.TxOutRef{{Index: 7}}
				_, err := ApplyInputs(env, ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: []core.Input{e.deposit(10 * ada)}})
				return err
			},
			check: func(t *testing.T, err error) {
				var ne *NoCollateralError
				if !errors.As(err, &ne) || ne.Required == 0 {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "validity lower bound after tip",
			build: func(t *testing.T, e *escrowWorld) error {
				_, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: []core.Input{e.deposit(10 * ada)}, ValidFrom: slot(e.w.tip + 1)})
				return err
			},
			check: func(t *testing.T, err error) {
				var ve *ValidityLowerBoundTooHighError
				if !errors.As(err, &ve) || ve.InvalidBefore != ve.TipSlot+1 {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "script not published",
			build: func(t *testing.T, e *escrowWorld) error {
				env := e.w.env(1)
				env.ScriptRefs = nil
				_, err := ApplyInputs(env, ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: []core.Input{e.deposit(10 * ada)}})
				return err
			},
			check: func(t *testing.T, err error) {
				var se *ScriptNotPublishedError
				if !errors.As(err, &se) || se.Hash != registry.New().Current().Semantics.Hash {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "invalid payout",
			build: func(t *testing.T, e *escrowWorld) error {
				_, err := Withdraw(e.w.env(0), WithdrawRequest{Payouts: []Payout{{UTxO: e.ctr, Datum: core.PayoutDatum{Role: "Seller"}}}})
				return err
			},
			check: func(t *testing.T, err error) {
				var pe *InvalidPayoutError
				if !errors.As(err, &pe) {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "burn after the policy closed",
			build: func(t *testing.T, e *escrowWorld) error {
				env := e.w.env(0)
				env.TipSlot = e.cr.Policy.Before
				_, err := BurnRoleTokens(env, BurnRequest{Policy: *e.cr.Policy})
				return err
			},
			check: func(t *testing.T, err error) {
				if !errors.As(err, new(*PolicyClosedError)) {
					t.Fatalf("got %v", err)
				}
			},
		},
		{
			name: "burn without tokens",
			build: func(t *testing.T, e *escrowWorld) error {
				_, err := BurnRoleTokens(e.w.env(1), BurnRequest{Policy: *e.cr.Policy})
				return err
			},
			check: func(t *testing.T, err error) {
				if !errors.As(err, new(*NoRoleTokensError)) {
					t.Fatalf("got %v", err)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := setupEscrow(t, false)
			err := tc.build(t, e)
			if err == nil {
				t.Fatal("built without error")
			}
			tc.check(t, err)
		})
	}
}

// TestMalformedRequests: bad input yields an error, never a panic.
func TestMalformedRequests(t *testing.T) {
	e := setupEscrow(t, false)
	noTime := e.w.env(1)
	noTime.Time = nil
	noChange := e.w.env(1)
	noChange.Wallet.ChangeAddress = nil
	junk := e.ctr
	junk.Out.Address = []byte{0x61}
	tests := []struct {
		name  string
		build func() error
	}{
		{"apply without time", func() error {
			_, err := ApplyInputs(noTime, ApplyRequest{Contract: &e.ctr, Datum: e.datum})
			return err
		}},
		{"create without change address", func() error {
			_, err := Create(noChange, CreateRequest{Contract: core.Close{}})
			return err
		}},
		{"create without contract", func() error {
			_, err := Create(e.w.env(0), CreateRequest{})
			return err
		}},
		{"deposit without amount", func() error {
			_, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &e.ctr, Datum: e.datum, Inputs: []core.Input{{Content: core.IDeposit{From: core.AddressPartyOf(e.buyer)}}}})
			return err
		}},
		{"empty datum", func() error {
			_, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &e.ctr})
			return err
		}},
		{"contract at a key address", func() error {
			_, err := ApplyInputs(e.w.env(1), ApplyRequest{Contract: &junk, Datum: e.datum})
			return err
		}},
		{"withdraw nothing", func() error {
			_, err := Withdraw(e.w.env(0), WithdrawRequest{})
			return err
		}},
		{"unknown roles mode", func() error {
			_, err := Create(e.w.env(0), CreateRequest{Contract: core.Close{}, Roles: RolesConfig{Mode: 9}})
			return err
		}},
		{"role name too long", func() error {
			_, err := Create(e.w.env(0), CreateRequest{Contract: core.Close{}, Roles: RolesConfig{Mode: RolesMint,
				Distribution: map[core.TokenName]RoleRecipient{core.TokenName(make([]byte, 33)): {Address: e.w.keys[0].addr}}}})
			return err
		}},
	}
	for _, tc := range tests {
		if err := tc.build(); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
