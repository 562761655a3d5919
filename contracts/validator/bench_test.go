package validator

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// benchmarkEvaluate evaluates the benchmark contexts of one kind round-robin
// (sorted by file name), one context per op, under protocol major 8, and
// fails if any result departs from the reference. Besides wall-clock ns/op
// it reports contexts/s and the process CPU time per op.
func benchmarkEvaluate(b *testing.B, kind string, script func(sem, pay *Script) *Script) {
	sem, pay := loadV2(b)
	s := script(sem, pay)
	cases := loadBenchCases(b, kind)
	cm := benchmarkCostModel(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, cpuOK := processCPUTime()
	for i := range b.N {
		c := cases[i%len(cases)]
		r := s.EvaluateSpend(c.datum, c.redeemer, c.context, replayBudget, cm, 8)
		if r.Err != nil || r.Used.Mem != c.refMem || r.Used.Steps != c.refCPU {
			b.Fatalf("%s: %+v %v", c.name, r.Used, r.Err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "contexts/s")
	if cpu1, ok := processCPUTime(); ok && cpuOK {
		// Includes the garbage collector's work on other threads.
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkEvaluateSemantics measures the v2 semantics validator per
// script context; -benchtime 100x covers each of the 100 contexts once.
func BenchmarkEvaluateSemantics(b *testing.B) {
	benchmarkEvaluate(b, "semantics", func(sem, _ *Script) *Script { return sem })
}

// BenchmarkEvaluateRolePayout measures the v2 role-payout validator per
// script context.
func BenchmarkEvaluateRolePayout(b *testing.B) {
	benchmarkEvaluate(b, "rolepayout", func(_, pay *Script) *Script { return pay })
}

// BenchmarkNewScript measures decoding the 12 KB v2 semantics validator,
// the one-off cost a Script amortises.
func BenchmarkNewScript(b *testing.B) {
	loaded, err := registry.LoadScripts(shared.Path(b, "marlowe", "scripts"))
	if err != nil {
		b.Fatal(err)
	}
	ls, _ := loaded.Get(registry.V2, registry.RoleSemantics)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := NewScript(ls.CBOR); err != nil {
			b.Fatal(err)
		}
	}
}
