package txjob_test

import (
	"context"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// TestErrorPaths: every failure answers with its wire error type, and
// nothing reaches the ledger's queue.
func TestErrorPaths(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	l := r.d.Devnet().Ledger()
	timeout := big.NewInt(time.Now().Add(time.Hour).UnixMilli())
	a := core.RolePartyOf("A")
	contract := core.When{Cases: []core.Case{{Action: core.Deposit{Into: a, From: a, Token: core.Ada,
		Amount: core.Constant{N: big.NewInt(5_000_000)}}, Then: core.Close{}}}, Timeout: timeout, Continuation: core.Close{}}
	create := ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0), Accounts: map[ptx.Account]types.Assets{},
		RoleTokens: ptx.RoleTokensMint{Mint: ptx.Mint{"A": {Recipients: map[ptx.Destination]*big.Int{
			{Kind: ptx.ToAddress, Address: types.Address(r.wallets[1].Address)}: big.NewInt(1)}}}},
		Contract: binary.Either[core.Contract, types.DatumHash]{Left: contract}}
	cc, cerr, err := r.txjob(t).Create(ctx, create)
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	r.submit(t, cc.TxBody, r.wallets[0].Key)
	utxos := len(l.UTxOs())

	// An empty wallet: a key address of the devnet's network no one funded.
	empty := append([]byte{r.wallets[0].Address[0]}, make([]byte, 28)...)
	deposit := func(n int64) []core.Input {
		return []core.Input{{Content: core.IDeposit{Into: a, From: a, Token: core.Ada, Amount: big.NewInt(n)}}}
	}
	apply := func(who int, ins []core.Input, mod func(*ptx.ApplyInputs)) ptx.ApplyInputsError {
		pd, err := ptx.InputsToData(ins)
		if err != nil {
			t.Fatal(err)
		}
		c := ptx.ApplyInputs{Version: types.MarloweV1, WalletAddresses: r.wa(who), ContractId: cc.ContractId, Inputs: pd}
		if mod != nil {
			mod(&c)
		}
		_, aerr, err := r.txjob(t).ApplyInputs(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return aerr
	}
	future := types.UTCTimeOf(time.Now().Add(time.Hour))

	type errCase struct {
		name string
		run  func() any
		want func(any) bool
	}
	cases := []errCase{
		{"create: contract hash not in the store", func() any {
			c := create
			c.Contract = binary.Either[core.Contract, types.DatumHash]{IsRight: true, Right: types.DatumHash(make([]byte, 32))}
			_, e, err := r.txjob(t).Create(ctx, c)
			must(t, err)
			return e
		}, func(e any) bool { _, ok := e.(ptx.CreateContractNotFound); return ok }},
		{"create: empty wallet", func() any {
			c := create
			c.WalletAddresses = ptx.WalletAddresses{ChangeAddress: types.Address(empty)}
			_, e, err := r.txjob(t).Create(ctx, c)
			must(t, err)
			return e
		}, func(e any) bool {
			ce, ok := e.(ptx.CreateConstraintError)
			if !ok {
				return false
			}
			cs, ok := ce.Err.(ptx.CoinSelectionFailed)
			if !ok {
				return false
			}
			_, ok = cs.Err.(ptx.InsufficientLovelace)
			return ok
		}},
		{"create: deposit below the minimum", func() any {
			c := create
			c.MinLovelaceDeposit = big.NewInt(1)
			_, e, err := r.txjob(t).Create(ctx, c)
			must(t, err)
			return e
		}, func(e any) bool { x, ok := e.(ptx.InsufficientMinAdaDeposit); return ok && x.Lovelace.Sign() > 0 }},
		{"create: role quantity above 2^64-1 for one of two recipients", func() any {
			c := create
			c.RoleTokens = ptx.RoleTokensMint{Mint: ptx.Mint{"A": {Recipients: map[ptx.Destination]*big.Int{
				{Kind: ptx.ToAddress, Address: types.Address(r.wallets[1].Address)}: big.NewInt(1),
				{Kind: ptx.ToAddress, Address: types.Address(r.wallets[2].Address)}: new(big.Int).Lsh(big.NewInt(1), 64)}}}}
			_, e, err := r.txjob(t).Create(ctx, c)
			must(t, err)
			return e
		}, isCreateBalancing},
		{"create: thread token named as a distributed role", func() any {
			c := create
			thread := types.TokenName("A")
			c.ThreadTokenName = &thread
			c.RoleTokens = ptx.RoleTokensMint{Mint: ptx.Mint{"A": {Recipients: map[ptx.Destination]*big.Int{
				{Kind: ptx.ToScript, Script: ptx.OpenRoleScript}: big.NewInt(1)}}}}
			_, e, err := r.txjob(t).Create(ctx, c)
			must(t, err)
			return e
		}, isCreateBalancing},
		{"create: undecodable wallet address", func() any {
			c := create
			c.WalletAddresses = ptx.WalletAddresses{ChangeAddress: types.Address([]byte{0xff, 1, 2})}
			_, e, err := r.txjob(t).Create(ctx, c)
			must(t, err)
			return e
		}, func(e any) bool {
			x, ok := e.(ptx.CreateBuildupFailed)
			_, dec := x.Err.(ptx.AddressesDecodingFailed)
			return ok && dec
		}},
		{"create: initial account of an undecodable address", func() any {
			c := create
			c.Accounts = map[ptx.Account]types.Assets{{Kind: ptx.AddressAccount, Address: types.Address([]byte{0xff})}: {Ada: big.NewInt(1_000_000)}}
			_, e, err := r.txjob(t).Create(ctx, c)
			must(t, err)
			return e
		}, func(e any) bool {
			x, ok := e.(ptx.CreateBuildupFailed)
			_, inv := x.Err.(ptx.InvalidInitialState)
			return ok && inv
		}},
		{"create: unsafe contract with initial accounts", func() any {
			// Role B is used but not minted: with initial accounts the
			// safety finding is fatal.
			c := create
			c.Contract = binary.Either[core.Contract, types.DatumHash]{Left: core.When{Cases: []core.Case{{Action: core.Deposit{Into: a,
				From: core.RolePartyOf("B"), Token: core.Ada, Amount: core.Constant{N: big.NewInt(1)}}, Then: core.Close{}}},
				Timeout: timeout, Continuation: core.Close{}}}
			c.Accounts = map[ptx.Account]types.Assets{{Kind: ptx.RoleAccount, Role: "A"}: {Ada: big.NewInt(2_000_000)}}
			_, e, err := r.txjob(t).Create(ctx, c)
			must(t, err)
			return e
		}, func(e any) bool {
			x, ok := e.(ptx.CreateSafetyAnalysisFailed)
			return ok && slices.ContainsFunc(x.Errors, func(s ptx.SafetyError) bool { return s == ptx.MissingRoleToken{Role: "B"} })
		}},
		{"create: unsafe contract without initial accounts is built, findings reported", func() any {
			c := create
			c.Contract = binary.Either[core.Contract, types.DatumHash]{Left: core.When{Cases: []core.Case{{Action: core.Deposit{Into: a,
				From: core.RolePartyOf("B"), Token: core.Ada, Amount: core.Constant{N: big.NewInt(1)}}, Then: core.Close{}}},
				Timeout: timeout, Continuation: core.Close{}}}
			cr, e, err := r.txjob(t).Create(ctx, c)
			must(t, err)
			if e != nil {
				return e
			}
			return cr.SafetyErrors
		}, func(e any) bool {
			x, ok := e.([]ptx.SafetyError)
			return ok && slices.Contains(x, ptx.SafetyError(ptx.MissingRoleToken{Role: "B"}))
		}},
		{"apply: unknown contract", func() any {
			return apply(1, deposit(5_000_000), func(c *ptx.ApplyInputs) {
				c.ContractId = types.ContractId{TxId: types.TxId(make([]byte, 32))}
			})
		}, func(e any) bool {
			x, ok := e.(ptx.ApplyInputsLoadMarloweContextFailed)
			_, nf := x.Err.(ptx.LoadMarloweContextErrorNotFound)
			return ok && nf
		}},
		{"apply: semantics rejects the input", func() any { return apply(1, deposit(4_000_000), nil) },
			func(e any) bool {
				x, ok := e.(ptx.ApplyInputsConstraintsBuildupFailed)
				_, sem := x.Err.(ptx.MarloweComputeTransactionFailed)
				return ok && sem
			}},
		{"apply: wallet without the role token", func() any { return apply(2, deposit(5_000_000), nil) },
			func(e any) bool {
				x, ok := e.(ptx.ApplyInputsConstraintError)
				rt, isRT := x.Err.(ptx.RoleTokenNotFound)
				return ok && isRT && rt.AssetId.Name == "A"
			}},
		{"apply: lower bound after the tip", func() any {
			return apply(1, deposit(5_000_000), func(c *ptx.ApplyInputs) { c.InvalidBefore = &future })
		}, func(e any) bool { _, ok := e.(ptx.ValidityLowerBoundTooHigh); return ok }},
		{"apply: metadata text the ledger refuses", func() any {
			return apply(1, deposit(5_000_000), func(c *ptx.ApplyInputs) {
				c.Metadata = types.MarloweTransactionMetadata{Metadata: types.TransactionMetadata{674: types.MetadataText(strings.Repeat("m", 65))}}
			})
		}, func(e any) bool {
			x, ok := e.(ptx.ApplyInputsConstraintError)
			_, bal := x.Err.(ptx.BalancingError)
			return ok && bal
		}},
		{"withdraw: nothing", func() any {
			_, e, err := r.txjob(t).Withdraw(ctx, ptx.Withdraw{Version: types.MarloweV1, WalletAddresses: r.wa(1)})
			must(t, err)
			return e
		}, func(e any) bool { _, ok := e.(ptx.EmptyPayouts); return ok }},
		{"withdraw: unknown payout", func() any {
			_, e, err := r.txjob(t).Withdraw(ctx, ptx.Withdraw{Version: types.MarloweV1, WalletAddresses: r.wa(1),
				Payouts: []types.TxOutRef{types.TxOutRef(cc.ContractId)}})
			must(t, err)
			return e
		}, func(e any) bool {
			x, ok := e.(ptx.WithdrawConstraintError)
			_, nf := x.Err.(ptx.PayoutNotFound)
			return ok && nf
		}},
		{"burn: no matching tokens", func() any {
			_, e, err := r.txjob(t).BurnRoleTokens(ctx, ptx.BurnRoleTokens{Version: types.MarloweV1, WalletAddresses: r.wa(0),
				Filter: ptx.RoleTokenFilterByPolicyIds{Policies: []types.PolicyId{cc.RolesCurrency}}})
			must(t, err)
			return e
		}, func(e any) bool { _, ok := e.(ptx.BurnNoTokens); return ok }},
		{"submit: unsigned transaction", func() any {
			pd, _ := ptx.InputsToData(deposit(5_000_000))
			ia, aerr, err := r.txjob(t).ApplyInputs(ctx, ptx.ApplyInputs{Version: types.MarloweV1, WalletAddresses: r.wa(1),
				ContractId: cc.ContractId, Inputs: pd})
			if err != nil || aerr != nil {
				t.Fatalf("apply: %v %#v", err, aerr)
			}
			p, err := r.txjob(t).Submit(ctx, ptx.Submit{Era: types.BabbageEraOnwardsConway, Tx: ia.TxBody})
			must(t, err)
			if !p.Done {
				t.Fatal("unsigned transaction accepted")
			}
			return p.Err
		}, func(e any) bool { x, ok := e.(ptx.SubmitFailed); return ok && x.Message != "" }},
	}
	submitBad := func(era types.BabbageEraOnwards, tx []byte) func() any {
		return func() any {
			p, err := r.txjob(t).Submit(ctx, ptx.Submit{Era: era, Tx: tx})
			must(t, err)
			if !p.Done {
				t.Fatal("bad submission accepted")
			}
			return p.Err
		}
	}
	isSubmitFailed := func(e any) bool { x, ok := e.(ptx.SubmitFailed); return ok && x.Message != "" }
	cases = append(cases,
		errCase{"submit: not a transaction", submitBad(types.BabbageEraOnwardsConway, []byte{0x82, 0x01, 0x02}), isSubmitFailed},
		errCase{"submit: Babbage era", submitBad(types.BabbageEraOnwardsBabbage, cc.TxBody), isSubmitFailed},
	)
	for _, c := range cases {
		got := c.run()
		if !c.want(got) {
			t.Errorf("%s: got %#v", c.name, got)
		}
		if q := l.Queued(); q != 0 {
			t.Fatalf("%s: %d transaction(s) queued", c.name, q)
		}
	}
	if n := len(l.UTxOs()); n != utxos {
		t.Fatalf("UTxO set changed: %d → %d outputs", utxos, n)
	}
	// Attach: unknown job refused; a finished submit job found.
	if _, ok, err := r.txjob(t).AttachSubmit(ctx, types.TxId(make([]byte, 32))); err != nil || ok {
		t.Fatalf("attach to an unknown job: %v %v", ok, err)
	}
	created, err := ptx.TxIdOf(cc.TxBody)
	must(t, err)
	p, ok, err := r.txjob(t).AttachSubmit(ctx, created)
	if err != nil || !ok || !p.Done || p.Err != nil {
		t.Fatalf("attach to the creation's job: %+v %v %v", p, ok, err)
	}
}

// isCreateBalancing: a Create refused with a BalancingError.
func isCreateBalancing(e any) bool {
	x, ok := e.(ptx.CreateConstraintError)
	b, bal := x.Err.(ptx.BalancingError)
	return ok && bal && b.Message != ""
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
