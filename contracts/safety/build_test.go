package safety

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// buildConfig is the preprod parameters of the shared snapshot (moved to
// Conway: protocol 10, reference scripts at 15 lovelace a byte) and the v5
// validators as reference scripts.
func buildConfig(t testing.TB) BuildConfig {
	t.Helper()
	b, err := os.ReadFile(shared.Path(t, "marlowe", "protocol-params", "babbage-preprod-protocol-params.json"))
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		CollateralPercentage uint64                 `json:"collateralPercentage"`
		CostModels           map[string][]int64     `json:"costModels"`
		Prices               map[string]json.Number `json:"executionUnitPrices"`
		MaxCollateralInputs  uint64                 `json:"maxCollateralInputs"`
		MaxTxExUnits         map[string]int64       `json:"maxTxExecutionUnits"`
		MaxTxSize            uint64                 `json:"maxTxSize"`
		TxFeeFixed           uint64                 `json:"txFeeFixed"`
		TxFeePerByte         uint64                 `json:"txFeePerByte"`
		UtxoCostPerByte      uint64                 `json:"utxoCostPerByte"`
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	rat := func(n json.Number) *big.Rat {
		r, ok := new(big.Rat).SetString(n.String())
		if !ok {
			t.Fatalf("price %s", n)
		}
		return r
	}
	p := txbuild.Params{
		MinFeeA: js.TxFeePerByte, MinFeeB: js.TxFeeFixed, CoinsPerUTxOByte: js.UtxoCostPerByte,
		MaxTxSize:    js.MaxTxSize,
		MaxTxExUnits: txbuild.ExUnits{Mem: js.MaxTxExUnits["memory"], Steps: js.MaxTxExUnits["steps"]},
		PriceMem:     rat(js.Prices["priceMemory"]), PriceSteps: rat(js.Prices["priceSteps"]),
		CollateralPercentage: js.CollateralPercentage, MaxCollateralInputs: js.MaxCollateralInputs,
		CostModelV2: js.CostModels["PlutusV2"], MinFeeRefScriptCostPerByte: big.NewRat(15, 1),
		ProtocolMajor: 10,
	}
	ls, err := registry.LoadScripts(shared.Path(t, "marlowe", "scripts"))
	if err != nil {
		t.Fatal(err)
	}
	var refs []txbuild.UTxO
	for i, r := range []registry.Role{registry.RoleSemantics, registry.RolePayout} {
		s, ok := ls.Get(registry.V5, r)
		if !ok {
			t.Fatalf("no v5 %s", r)
		}
		refs = append(refs, txbuild.UTxO{
			Ref: registry.TxOutRef{TxID: mockTxID(0x5C), Index: uint32(i)},
			Out: txbuild.TxOut{Address: s.Script.EnterpriseAddressBytes(registry.Preprod), Value: txbuild.Value{Lovelace: 60_000_000}, ScriptRef: s.CBOR},
		})
	}
	return BuildConfig{Params: p, ScriptRefs: refs, Network: registry.Preprod}
}

// kinds renders findings by constructor, in order.
func kinds(errs []Error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = fmt.Sprintf("%T", e)
	}
	return out
}

func TestCheckTransactionsBuilt(t *testing.T) {
	cfg := buildConfig(t)
	ada := core.Token{}
	seller, buyer := role("seller"), role("buyer")
	// The buyer deposits 10 ada for the seller, then either party may
	// notify; the seller is paid on Close. Every transaction builds.
	good := when(1000, core.Close{}, depositCase(buyer, ada, cst(10_000_000),
		when(2000, core.Close{}, core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Pay{From: buyer, To: toParty(seller), Token: ada, Amount: cst(10_000_000), Then: core.Close{}}})))
	withMinAda := state(acct(seller, ada, 2_000_000))
	// The same contract started without the min-ada deposit: after the
	// one-lovelace deposit the Marlowe output is below the min-UTxO.
	tiny := when(1000, core.Close{}, depositCase(buyer, ada, cst(1),
		when(2000, core.Close{}, core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}})))
	// The buyer's 150 ada go to 150 addresses in one transaction.
	var fanOut core.Contract = core.Close{}
	for i := 150; i >= 1; i-- {
		fanOut = core.Pay{From: buyer, To: toParty(addr(false, byte(i))), Token: ada, Amount: cst(1_000_000), Then: fanOut}
	}
	fanOut = when(1000, core.Close{}, depositCase(buyer, ada, cst(150_000_000), fanOut))
	small := cfg
	small.Params.MaxTxSize = 300
	cheap := cfg
	cheap.Params.MaxTxExUnits = txbuild.ExUnits{Mem: 100_000, Steps: 100_000_000}

	tests := []struct {
		name  string
		d     core.MarloweData
		cfg   BuildConfig
		opts  Options
		want  []string
		check func(t *testing.T, errs []Error)
	}{
		{name: "builds", d: datum(policy, withMinAda, good), cfg: cfg, want: []string{}},
		{
			name: "below min-UTxO", d: datum(policy, state(), tiny), cfg: cfg,
			// Only the deposit fails: the transactions after it close
			// the contract, and the builder tops the one-lovelace
			// payout up to the min-UTxO as the Runtime does.
			want: []string{"safety.TransactionValidationError"},
			check: func(t *testing.T, errs []Error) {
				v := errs[0].(TransactionValidationError)
				if v.Tx.Input.Inputs == nil || v.Message == "" {
					t.Errorf("first finding: %+v", v)
				}
			},
		},
		{
			name: "too large", d: datum(policy, withMinAda, good), cfg: small,
			want: []string{"safety.TransactionSizeMayExceedProtocol", "safety.TransactionSizeMayExceedProtocol", "safety.TransactionSizeMayExceedProtocol", "safety.TransactionSizeMayExceedProtocol"},
			check: func(t *testing.T, errs []Error) {
				for _, e := range errs {
					if s := e.(TransactionSizeMayExceedProtocol); s.Bytes.Cmp(big.NewInt(300)) <= 0 {
						t.Errorf("size %s not over the limit", s.Bytes)
					}
				}
			},
		},
		{
			name: "too costly", d: datum(policy, withMinAda, good), cfg: cheap,
			want: []string{"safety.TransactionCostMayExceedProtocol", "safety.TransactionCostMayExceedProtocol", "safety.TransactionCostMayExceedProtocol", "safety.TransactionCostMayExceedProtocol"},
			check: func(t *testing.T, errs []Error) {
				for _, e := range errs {
					if c := e.(TransactionCostMayExceedProtocol); c.Cost.Memory <= 100_000 && c.Cost.CPU <= 100_000_000 {
						t.Errorf("cost %+v within the limit", c.Cost)
					}
				}
			},
		},
		{
			name: "fan-out too costly", d: datum(policy, withMinAda, fanOut), cfg: cfg,
			// The timeout refunds the seller and builds; the deposit's
			// 150 payouts exhaust the validator's budget.
			want: []string{"safety.TransactionCostMayExceedProtocol"},
			check: func(t *testing.T, errs []Error) {
				c := errs[0].(TransactionCostMayExceedProtocol)
				if len(c.Tx.Input.Inputs) != 1 || c.Cost.Memory != cfg.Params.MaxTxExUnits.Mem {
					t.Errorf("finding %s on %d input(s)", brief(c), len(c.Tx.Input.Inputs))
				}
			},
		},
		{name: "budget", d: datum(policy, withMinAda, good), cfg: cfg, opts: Options{MaxTransactions: 1}, want: []string{"safety.SafetyAnalysisTimeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, err := CheckTransactionsBuilt(context.Background(), tt.d, nil, tt.opts, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := fmt.Sprint(kinds(errs)), fmt.Sprint(tt.want); g != w {
				t.Fatalf("findings %s, want %s\n%s", g, w, show(errs))
			}
			if tt.check != nil {
				tt.check(t, errs)
			}
		})
	}
}

func TestCheckTransactionsBuiltBadConfig(t *testing.T) {
	cfg := buildConfig(t)
	d := datum(policy, state(acct(role("a"), core.Token{}, 2_000_000)), core.Close{})
	bad := cfg
	bad.Network = 0
	if _, err := CheckTransactionsBuilt(context.Background(), d, nil, Options{}, bad); err == nil {
		t.Error("invalid network accepted")
	}
	noScripts := cfg
	noScripts.ScriptRefs = nil
	errs, err := CheckTransactionsBuilt(context.Background(), d, nil, Options{}, noScripts)
	if err != nil {
		t.Fatal(err)
	}
	if g := fmt.Sprint(kinds(errs)); g != "[safety.TransactionValidationError]" {
		t.Errorf("without reference scripts: %s", show(errs))
	}
	// A cancelled context fails the analysis; an expired one is a
	// timeout, like the step budget.
	paying := datum(policy, state(acct(role("a"), core.Token{}, 2_000_000)), when(10, core.Close{}, core.Case{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CheckTransactionsBuilt(ctx, paying, nil, Options{}, cfg); err == nil {
		t.Error("cancelled context: no error")
	}
	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	errs, err = CheckTransactionsBuilt(ctx, paying, nil, Options{}, cfg)
	if err != nil || fmt.Sprint(kinds(errs)) != "[safety.SafetyAnalysisTimeout]" {
		t.Errorf("expired context: %v %s", err, show(errs))
	}
}

// TestReferenceContractsBuild builds every transaction of the reference
// contracts (the Haskell-generated paths' starting states) against the
// mock wallet: none may fail to build. The roles currency is the test
// policy, as in TestReferenceContracts.
func TestReferenceContractsBuild(t *testing.T) {
	cfg := buildConfig(t)
	start := time.Now()
	built, unbuilt, contracts := 0, 0, 0
	for _, rc := range loadReference(t) {
		if _, bad := trueErrors[rc.name]; bad {
			continue
		}
		_, cur := configFor(rc)
		d := core.MarloweData{Params: core.MarloweParams{RolesCurrency: cur}, State: rc.state, Contract: rc.contract}
		txs, err := FindTransactions(context.Background(), d.State, d.Contract, nil, Options{MaxTransactions: 200})
		if err != nil {
			t.Logf("%s: %v (skipped)", rc.name, err)
			continue
		}
		errs, err := CheckTransactionsBuilt(context.Background(), d, nil, Options{MaxTransactions: 200}, cfg)
		if err != nil {
			t.Fatalf("%s: %v", rc.name, err)
		}
		for _, tx := range txs {
			if representable(tx.Input.Interval) {
				built++
			} else {
				unbuilt++
			}
		}
		contracts++
		for _, e := range errs {
			if _, warn := e.(TransactionWarning); warn {
				continue
			}
			t.Errorf("%s: %s", rc.name, brief(e))
		}
	}
	t.Logf("%d contracts: %d transactions built, %d before the epoch not built, in %v", contracts, built, unbuilt, time.Since(start))
	if contracts < 20 || built < 300 {
		t.Errorf("only %d contracts and %d transactions built", contracts, built)
	}
}

// brief names a build finding without its (long) transaction.
func brief(e Error) string {
	switch x := e.(type) {
	case TransactionValidationError:
		return fmt.Sprintf("TransactionValidationError at %v with %d input(s): %s", x.Tx.Input.Interval.From, len(x.Tx.Input.Inputs), x.Message)
	case TransactionSizeMayExceedProtocol:
		return fmt.Sprintf("TransactionSizeMayExceedProtocol %s bytes", x.Bytes)
	case TransactionCostMayExceedProtocol:
		return fmt.Sprintf("TransactionCostMayExceedProtocol %+v", x.Cost)
	}
	return fmt.Sprintf("%T", e)
}
