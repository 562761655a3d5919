package conformance

import (
	"fmt"
	"path/filepath"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/validator"
)

// BenchmarkProtoMajor is the protocol major version under which the
// benchmark reference costs were measured (Babbage rules).
const BenchmarkProtoMajor = 8

// CurrentProtoMajor is today's mainnet protocol major version, for the
// informational cost comparison.
const CurrentProtoMajor = 10

// benchmarkBudget is generous: some synthetic contexts exceed mainnet's
// per-transaction limits, and the check is about acceptance and cost, not
// limits.
const (
	budgetMem   = 1 << 40
	budgetSteps = 1 << 50
)

// Validators runs the real v2 (postAudit) semantics and role-payout
// validators on every benchmark script context (the contexts name the v2
// hashes). Each must succeed; its cost is compared with the reference
// measured under the benchmark cost model and protocol major 8. A context
// passes only when it validates and costs exactly the reference.
func Validators(dir string) (Result, error) {
	r := Result{Check: "validators"}
	sem, payout, err := LoadBenchmarks(dir)
	if err != nil {
		return r, err
	}
	cmJSON, err := readFile(filepath.Join(dir, "protocol-params", "plutusv2-benchmark-costmodel.json"))
	if err != nil {
		return r, err
	}
	cm, err := validator.ParseCostModelJSON(cmJSON)
	if err != nil {
		return r, err
	}
	loaded, err := registry.LoadScripts(filepath.Join(dir, "scripts"))
	if err != nil {
		return r, err
	}
	script := func(role registry.Role) (*validator.Script, error) {
		ls, ok := loaded.Get(registry.V2, role)
		if !ok {
			return nil, fmt.Errorf("v2 %s script not found in %s", role, filepath.Join(dir, "scripts"))
		}
		return validator.NewScript(ls.CBOR)
	}
	semScript, err := script(registry.RoleSemantics)
	if err != nil {
		return r, err
	}
	payScript, err := script(registry.RolePayout)
	if err != nil {
		return r, err
	}
	exactNow := 0
	run := func(s *validator.Script, benches []Benchmark) {
		for _, b := range benches {
			name := filepath.Base(b.File)
			res := s.EvaluateSpend(b.Datum, b.Redeemer, b.Context, validator.ExUnits{Mem: budgetMem, Steps: budgetSteps}, cm, BenchmarkProtoMajor)
			switch {
			case res.Err != nil:
				r.fail("%s: validator failed: %v (logs %v)", name, res.Err, res.Logs)
			case res.Used.Steps != b.RefCPU || res.Used.Mem != b.RefMem:
				r.fail("%s: cost cpu %d mem %d, reference cpu %d mem %d", name, res.Used.Steps, res.Used.Mem, b.RefCPU, b.RefMem)
			default:
				r.pass()
			}
			now := s.EvaluateSpend(b.Datum, b.Redeemer, b.Context, validator.ExUnits{Mem: budgetMem, Steps: budgetSteps}, cm, CurrentProtoMajor)
			if now.Err == nil && now.Used.Steps == b.RefCPU && now.Used.Mem == b.RefMem {
				exactNow++
			}
		}
	}
	run(semScript, sem)
	run(payScript, payout)
	r.Notes = append(r.Notes,
		fmt.Sprintf("%d semantics + %d role-payout contexts under protocol major %d", len(sem), len(payout), BenchmarkProtoMajor),
		fmt.Sprintf("under protocol major %d, %d of %d match the reference cost exactly (newer integer multiply/divide costing)", CurrentProtoMajor, exactNow, len(sem)+len(payout)))
	return r, nil
}
