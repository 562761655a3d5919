package validator

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blinklabs-io/plutigo/cek"
	"github.com/blinklabs-io/plutigo/data"
	"github.com/blinklabs-io/plutigo/lang"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// replayBudget is larger than any mainnet limit: 12 of the synthetic
// semantics contexts need more than a mainnet transaction may use.
var replayBudget = ExUnits{Mem: 1 << 40, Steps: 1 << 50}

// benchCase is one marlowe-plutus benchmark file:
// C0[datum, redeemer, scriptContext, I refCpu, I refMem].
type benchCase struct {
	name                     string
	datum, redeemer, context data.PlutusData
	refCPU, refMem           int64
}

func loadBenchCases(tb testing.TB, kind string) []benchCase {
	tb.Helper()
	dir := shared.Path(tb, "marlowe", "benchmarks", kind)
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []benchCase
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".benchmark") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		pd, err := core.DecodePlutusData(b)
		if err != nil {
			tb.Fatalf("%s/%s: %v", kind, e.Name(), err)
		}
		c, ok := pd.(*data.Constr)
		if !ok || c.Tag != 0 || len(c.Fields) != 5 {
			tb.Fatalf("%s/%s: not C0[datum, redeemer, ctx, cpu, mem]", kind, e.Name())
		}
		cpu, ok1 := c.Fields[3].(*data.Integer)
		mem, ok2 := c.Fields[4].(*data.Integer)
		if !ok1 || !ok2 || !cpu.Inner.IsInt64() || !mem.Inner.IsInt64() {
			tb.Fatalf("%s/%s: reference costs are not int64 integers", kind, e.Name())
		}
		out = append(out, benchCase{
			name:  e.Name(),
			datum: c.Fields[0], redeemer: c.Fields[1], context: c.Fields[2],
			refCPU: cpu.Inner.Int64(), refMem: mem.Inner.Int64(),
		})
	}
	slices.SortFunc(out, func(a, b benchCase) int { return strings.Compare(a.name, b.name) })
	return out
}

// loadV2 returns the postAudit (v2) semantics and payout scripts, the ones
// the benchmark script contexts were built for.
func loadV2(tb testing.TB) (semantics, payout *Script) {
	tb.Helper()
	loaded, err := registry.LoadScripts(shared.Path(tb, "marlowe", "scripts"))
	if err != nil {
		tb.Fatal(err)
	}
	get := func(r registry.Role) *Script {
		ls, ok := loaded.Get(registry.V2, r)
		if !ok {
			tb.Fatalf("v2 %s not loaded", r)
		}
		s, err := NewScript(ls.CBOR)
		if err != nil {
			tb.Fatalf("v2 %s: %v", r, err)
		}
		if s.Hash() != ls.Script.Hash {
			tb.Fatalf("v2 %s: hash %s, registry %s", r, s.Hash(), ls.Script.Hash)
		}
		return s
	}
	return get(registry.RoleSemantics), get(registry.RolePayout)
}

func benchmarkCostModel(tb testing.TB) CostModel {
	tb.Helper()
	b, err := os.ReadFile(shared.Path(tb, "marlowe", "protocol-params", "plutusv2-benchmark-costmodel.json"))
	if err != nil {
		tb.Fatal(err)
	}
	cm, err := ParseCostModelJSON(b)
	if err != nil {
		tb.Fatal(err)
	}
	return cm
}

type sweep struct {
	ok, exact, memExact, total int
	maxCPUDiff                 float64 // relative, over the non-exact ones
}

func runSweep(t *testing.T, s *Script, cases []benchCase, cm CostModel, pv uint) sweep {
	t.Helper()
	var sw sweep
	for _, c := range cases {
		r := s.EvaluateSpend(c.datum, c.redeemer, c.context, replayBudget, cm, pv)
		sw.total++
		if r.Err != nil {
			t.Errorf("pv %d %s: %v (logs %q)", pv, c.name, r.Err, r.Logs)
			continue
		}
		sw.ok++
		if r.Used.Mem == c.refMem {
			sw.memExact++
		}
		if r.Used.Mem == c.refMem && r.Used.Steps == c.refCPU {
			sw.exact++
		} else {
			d := float64(r.Used.Steps-c.refCPU) / float64(c.refCPU)
			sw.maxCPUDiff = max(sw.maxCPUDiff, d, -d)
		}
	}
	return sw
}

// TestBenchmarkContexts replays all 200 marlowe-plutus benchmark contexts:
// every one must validate, and under protocol major 8 (the rules the
// reference costs were measured under) every cost must match exactly.
// Major 10 is logged and its documented shape asserted: same success, memory
// exact, cpu within 0.01% (newer multiply/divide cost formulas).
func TestBenchmarkContexts(t *testing.T) {
	semantics, payout := loadV2(t)
	cm := benchmarkCostModel(t)
	for _, tc := range []struct {
		kind   string
		script *Script
	}{{"semantics", semantics}, {"rolepayout", payout}} {
		cases := loadBenchCases(t, tc.kind)
		if len(cases) != 100 {
			t.Fatalf("%s: %d benchmark files, want 100", tc.kind, len(cases))
		}
		pv8 := runSweep(t, tc.script, cases, cm, 8)
		t.Logf("%s, protocol major 8: %d/%d succeed, %d/%d exact cpu+mem", tc.kind, pv8.ok, pv8.total, pv8.exact, pv8.total)
		if pv8.ok != 100 || pv8.exact != 100 {
			t.Errorf("%s, major 8: %d succeed, %d exact; want 100/100 and 100/100", tc.kind, pv8.ok, pv8.exact)
		}
		pv10 := runSweep(t, tc.script, cases, cm, 10)
		t.Logf("%s, protocol major 10: %d/%d succeed, %d/%d exact cpu+mem, %d exact mem, max cpu deviation %.4f%%",
			tc.kind, pv10.ok, pv10.total, pv10.exact, pv10.total, pv10.memExact, 100*pv10.maxCPUDiff)
		if pv10.ok != 100 || pv10.memExact != 100 || pv10.maxCPUDiff > 1e-4 {
			t.Errorf("%s, major 10: %d succeed, %d mem exact, max cpu deviation %g", tc.kind, pv10.ok, pv10.memExact, pv10.maxCPUDiff)
		}
		if tc.kind == "semantics" && pv10.exact != 86 || tc.kind == "rolepayout" && pv10.exact != 100 {
			t.Errorf("%s, major 10: %d exact, want %d", tc.kind, pv10.exact, map[string]int{"semantics": 86, "rolepayout": 100}[tc.kind])
		}
	}
}

// marloweAccounts returns the accounts map of a MarloweData datum
// (C0[params, C0[accounts, choices, bounds, minTime], contract]).
func marloweAccounts(datum data.PlutusData) (*data.Map, bool) {
	d, ok := datum.(*data.Constr)
	if !ok || len(d.Fields) != 3 {
		return nil, false
	}
	st, ok := d.Fields[1].(*data.Constr)
	if !ok || len(st.Fields) != 4 {
		return nil, false
	}
	accounts, ok := st.Fields[0].(*data.Map)
	return accounts, ok
}

// TestTamperedArguments changes one thing in otherwise valid contexts and
// expects the validator to reject each: an account balance in the Marlowe
// datum (the datum no longer matches the locked value), an input dropped
// from the redeemer (the continuation no longer matches the output datum),
// and the role name in a payout datum (the role token is no longer spent).
func TestTamperedArguments(t *testing.T) {
	semantics, payout := loadV2(t)
	cm := benchmarkCostModel(t)
	const perKind = 10

	var datumCases, redeemerCases int
	for _, c := range loadBenchCases(t, "semantics") {
		if accounts, ok := marloweAccounts(c.datum); ok && len(accounts.Pairs) > 0 && datumCases < perKind {
			datumCases++
			tampered := c.datum.Clone()
			acc, _ := marloweAccounts(tampered)
			amt := acc.Pairs[0][1].(*data.Integer)
			acc.Pairs[0][1] = data.NewInteger(new(big.Int).Add(amt.Inner, big.NewInt(1)))
			if orig, _ := marloweAccounts(c.datum); orig.Pairs[0][1].Equal(acc.Pairs[0][1]) {
				t.Fatal("Clone shares the account amount")
			}
			r := semantics.EvaluateSpend(tampered, c.redeemer, c.context, replayBudget, cm, 8)
			// The failure must come from the validator's checks, after it
			// decoded all three arguments, and the error must carry the
			// last trace.
			switch {
			case r.Err == nil:
				t.Errorf("%s: tampered datum accepted (used %+v)", c.name, r.Used)
			case !slices.Contains(r.Logs, "Script context decoded successfully"):
				t.Errorf("%s: tampered datum failed before validation: %v %q", c.name, r.Err, r.Logs)
			case !strings.Contains(r.Err.Error(), fmt.Sprintf("%q", r.Logs[len(r.Logs)-1])):
				t.Errorf("%s: error %v does not name the last trace", c.name, r.Err)
			default:
				t.Logf("%s tampered datum: logs %q", c.name, r.Logs)
			}
		}
		if inputs, ok := c.redeemer.(*data.List); ok && len(inputs.Items) > 0 && redeemerCases < perKind {
			redeemerCases++
			tampered := data.NewList(inputs.Items[:len(inputs.Items)-1]...)
			r := semantics.EvaluateSpend(c.datum, tampered, c.context, replayBudget, cm, 8)
			switch {
			case r.Err == nil:
				t.Errorf("%s: tampered redeemer accepted (used %+v)", c.name, r.Used)
			case !slices.Contains(r.Logs, "Script context decoded successfully"):
				t.Errorf("%s: tampered redeemer failed before validation: %v %q", c.name, r.Err, r.Logs)
			default:
				t.Logf("%s tampered redeemer: logs %q", c.name, r.Logs)
			}
		}
	}
	if datumCases != perKind || redeemerCases != perKind {
		t.Fatalf("found %d datum and %d redeemer cases to tamper, want %d each", datumCases, redeemerCases, perKind)
	}

	payoutCases := 0
	for _, c := range loadBenchCases(t, "rolepayout")[:perKind] {
		d, ok := c.datum.(*data.Constr)
		if !ok || len(d.Fields) != 2 {
			t.Fatalf("%s: payout datum is not C0[currency, role]", c.name)
		}
		role := d.Fields[1].(*data.ByteString)
		tampered := data.NewConstr(0, d.Fields[0], data.NewByteString(append(slices.Clone(role.Inner), 'X')))
		r := payout.EvaluateSpend(tampered, c.redeemer, c.context, replayBudget, cm, 8)
		if r.Err == nil {
			t.Errorf("%s: tampered payout datum accepted", c.name)
		}
		payoutCases++
	}
	if payoutCases != perKind {
		t.Fatalf("%d payout cases", payoutCases)
	}
}

func TestEvaluateSpendArgumentErrors(t *testing.T) {
	semantics, _ := loadV2(t)
	cm := benchmarkCostModel(t)
	c := loadBenchCases(t, "semantics")[0]
	for _, tc := range []struct {
		name                     string
		datum, redeemer, context data.PlutusData
		budget                   ExUnits
		cm                       CostModel
		pv                       uint
		want                     string
	}{
		{"nil datum", nil, c.redeemer, c.context, replayBudget, cm, 8, "all required"},
		{"nil context", c.datum, c.redeemer, nil, replayBudget, cm, 8, "all required"},
		{"zero budget", c.datum, c.redeemer, c.context, ExUnits{}, cm, 8, "budget must be positive"},
		{"negative steps", c.datum, c.redeemer, c.context, ExUnits{Mem: 1, Steps: -1}, cm, 8, "budget must be positive"},
		{"pre-Babbage protocol", c.datum, c.redeemer, c.context, replayBudget, cm, 6, "no Plutus V2"},
		{"zero cost model", c.datum, c.redeemer, c.context, replayBudget, CostModel{}, 8, "not initialised"},
	} {
		r := semantics.EvaluateSpend(tc.datum, tc.redeemer, tc.context, tc.budget, tc.cm, tc.pv)
		if r.Err == nil || !strings.Contains(r.Err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, r.Err, tc.want)
		}
	}

	// Over budget: fails with plutigo's budget error, having used about
	// the budget.
	small := ExUnits{Mem: c.refMem / 2, Steps: c.refCPU * 10}
	r := semantics.EvaluateSpend(c.datum, c.redeemer, c.context, small, cm, 8)
	var be *cek.BudgetError
	if !errors.As(r.Err, &be) {
		t.Fatalf("half the memory: error %v, want *cek.BudgetError", r.Err)
	}
	if r.Used.Mem < small.Mem/2 {
		t.Errorf("half the memory: used %+v, expected most of %+v", r.Used, small)
	}
	// Exactly the reference budget suffices.
	if r := semantics.EvaluateSpend(c.datum, c.redeemer, c.context, ExUnits{Mem: c.refMem, Steps: c.refCPU}, cm, 8); r.Err != nil {
		t.Errorf("exact budget: %v", r.Err)
	}
	// Swapped datum and redeemer: rejected by the script, with a trace.
	if r := semantics.EvaluateSpend(c.redeemer, c.datum, c.context, replayBudget, cm, 8); r.Err == nil {
		t.Error("swapped datum/redeemer accepted")
	}
}

func TestNewScript(t *testing.T) {
	loaded, err := registry.LoadScripts(shared.Path(t, "marlowe", "scripts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ls := range loaded.All() {
		s, err := NewScript(ls.CBOR)
		if err != nil {
			t.Errorf("%s: %v", ls.Script, err)
			continue
		}
		if s.Hash() != ls.Script.Hash {
			t.Errorf("%s: hash %s", ls.Script, s.Hash())
		}
	}
	good := loaded.All()[0].CBOR
	flat, _ := registry.UnwrapCBORBytes(good)
	v3prog := slices.Clone(flat)
	v3prog[2] = 1 // UPLC 1.0.0 -> 1.1.0
	wrap := func(b []byte) []byte {
		return append([]byte{0x5a, byte(len(b) >> 24), byte(len(b) >> 16), byte(len(b) >> 8), byte(len(b))}, b...)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "plutus V2 script"},
		{"doubly wrapped", wrap(good), "decode flat program"},
		{"not a byte string", flat, "byte string"},
		{"truncated program", wrap(flat[:len(flat)/2]), "decode flat program"},
		{"UPLC 1.1.0", wrap(v3prog), "want 1.0.0"},
	} {
		if _, err := NewScript(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCostModel(t *testing.T) {
	bench := benchmarkCostModel(t)
	if bench.Len() != CostModelLenBabbage {
		t.Fatalf("benchmark cost model has %d params", bench.Len())
	}
	if v, ok := bench.Param("addInteger-cpu-arguments-intercept"); !ok || v != 205665 {
		t.Errorf("addInteger intercept %d %v", v, ok)
	}
	if _, ok := bench.Param("integerToByteString-cpu-arguments-c0"); ok {
		t.Error("175-param model reports a Conway parameter")
	}
	params := bench.Params()
	params[0] = -5
	if v, _ := bench.Param("addInteger-cpu-arguments-intercept"); v != 205665 {
		t.Error("Params returned shared storage")
	}

	for _, n := range AcceptedCostModelLens() {
		if _, err := NewCostModel(make([]int64, n)); err != nil {
			t.Errorf("length %d: %v", n, err)
		}
	}
	for _, n := range []int{0, 166, 174, 176, 186, 400} {
		if _, err := NewCostModel(make([]int64, n)); err == nil || !strings.Contains(err.Error(), fmt.Sprint(n)) {
			t.Errorf("length %d: error %v", n, err)
		}
	}
	neg := bench.Params()
	neg[0] = 5
	neg[17] = -1
	if _, err := NewCostModel(neg); err == nil || !strings.Contains(err.Error(), "cekApplyCost-exBudgetCPU") {
		t.Errorf("negative parameter: %v", err)
	}

	// The flat-object form of the same model parses to the same list.
	flat := "{"
	for i, v := range bench.Params() {
		if i > 0 {
			flat += ","
		}
		flat += fmt.Sprintf("%q:%d", lang.CostModelParamNamesV2[i], v)
	}
	flat += "}"
	fromFlat, err := ParseCostModelJSON([]byte(flat))
	if err != nil || !slices.Equal(fromFlat.Params(), bench.Params()) {
		t.Errorf("flat form: %v", err)
	}

	for _, tc := range []struct {
		name, in, want string
	}{
		{"not JSON", `[1,2]`, "cost model JSON"},
		{"unknown name", `{"nope": 1}`, `unknown Plutus V2 parameter "nope"`},
		{"duplicate", `{"params":[{"name":"addInteger-cpu-arguments-slope","value":1},{"name":"addInteger-cpu-arguments-slope","value":2}]}`, "given twice"},
		{"missing value", `{"params":[{"name":"addInteger-cpu-arguments-slope"}]}`, "params[0]"},
		{"fraction", `{"addInteger-cpu-arguments-slope": 1.5}`, "addInteger-cpu-arguments-slope"},
		{"gap", `{"addInteger-cpu-arguments-slope": 1}`, `"addInteger-cpu-arguments-intercept" (position 0) is missing`},
		{"incomplete prefix", `{"addInteger-cpu-arguments-intercept": 1}`, "has 1 parameters"},
	} {
		if _, err := ParseCostModelJSON([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// otherCostModel is the benchmark model with dearer integer addition, so
// its costs differ measurably.
func otherCostModel(t *testing.T, base CostModel) CostModel {
	t.Helper()
	p := base.Params()
	p[0] *= 2 // addInteger-cpu-arguments-intercept
	p[2] += 7 // addInteger-memory-arguments-intercept
	cm, err := NewCostModel(p)
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

// TestCostModelsIsolated guards against plutigo's process-wide cost state
// (plutigo#395): building a second cost model must not change the costs
// charged under the first.
func TestCostModelsIsolated(t *testing.T) {
	semantics, _ := loadV2(t)
	a := benchmarkCostModel(t)
	b := otherCostModel(t, a)
	c := loadBenchCases(t, "semantics")[0]
	run := func(cm CostModel, pv uint) ExUnits {
		r := semantics.EvaluateSpend(c.datum, c.redeemer, c.context, replayBudget, cm, pv)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		return r.Used
	}
	ref := ExUnits{Mem: c.refMem, Steps: c.refCPU}
	if got := run(a, 8); got != ref {
		t.Fatalf("model A: %+v, want %+v", got, ref)
	}
	usedB := run(b, 8)
	if usedB == ref {
		t.Fatal("model B costs the same as A; the test proves nothing")
	}
	run(b, 10)
	if got := run(a, 8); got != ref {
		t.Errorf("model A after B: %+v, want %+v", got, ref)
	}
	if got := run(b, 8); got != usedB {
		t.Errorf("model B after A: %+v, want %+v", got, usedB)
	}
}

// TestConcurrentEvaluate shares Scripts and two cost models between
// goroutines (run with -race to check the sharing) and expects the serial
// results.
func TestConcurrentEvaluate(t *testing.T) {
	semantics, payout := loadV2(t)
	cmA := benchmarkCostModel(t)
	cmB := otherCostModel(t, cmA)
	type job struct {
		s      *Script
		c      benchCase
		cm     CostModel
		pv     uint
		serial ExUnits
	}
	var jobs []job
	sem := loadBenchCases(t, "semantics")[:6]
	pay := loadBenchCases(t, "rolepayout")[:6]
	for i := range sem {
		for _, cm := range []CostModel{cmA, cmB} {
			for _, pv := range []uint{8, 10} {
				jobs = append(jobs, job{s: semantics, c: sem[i], cm: cm, pv: pv}, job{s: payout, c: pay[i], cm: cm, pv: pv})
			}
		}
	}
	for i, j := range jobs {
		r := j.s.EvaluateSpend(j.c.datum, j.c.redeemer, j.c.context, replayBudget, j.cm, j.pv)
		if r.Err != nil {
			t.Fatalf("serial %s: %v", j.c.name, r.Err)
		}
		jobs[i].serial = r.Used
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(jobs))
	for g := range 4 {
		wg.Go(func() {
			for i := range jobs {
				j := jobs[(i*(g+1)+g)%len(jobs)]
				r := j.s.EvaluateSpend(j.c.datum, j.c.redeemer, j.c.context, replayBudget, j.cm, j.pv)
				if r.Err != nil || r.Used != j.serial {
					errs <- fmt.Errorf("goroutine %d %s pv %d: %+v %v, serial %+v", g, j.c.name, j.pv, r.Used, r.Err, j.serial)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestMachineReuse checks the pooled-machine path: a starting budget equal
// to what the previous run left (which plutigo would silently replace by
// the previous starting budget) is honoured, and results do not alias the
// machine's trace buffer.
func TestMachineReuse(t *testing.T) {
	semantics, _ := loadV2(t)
	cm := benchmarkCostModel(t)
	c := loadBenchCases(t, "semantics")[0]
	first := semantics.EvaluateSpend(c.datum, c.redeemer, c.context, replayBudget, cm, 8)
	if first.Err != nil {
		t.Fatal(first.Err)
	}
	left := ExUnits{Mem: replayBudget.Mem - first.Used.Mem, Steps: replayBudget.Steps - first.Used.Steps}
	second := semantics.EvaluateSpend(c.datum, c.redeemer, c.context, left, cm, 8)
	if second.Err != nil || second.Used != first.Used {
		t.Errorf("budget equal to the previous remainder: used %+v (%v), want %+v", second.Used, second.Err, first.Used)
	}

	failed := semantics.EvaluateSpend(c.redeemer, c.datum, c.context, replayBudget, cm, 8)
	logs := slices.Clone(failed.Logs)
	for range 3 {
		semantics.EvaluateSpend(c.datum, c.redeemer, c.context, replayBudget, cm, 8)
	}
	if !slices.Equal(failed.Logs, logs) {
		t.Errorf("Result.Logs changed by later runs: %q, was %q", failed.Logs, logs)
	}
}
