// Package validator runs Plutus V2 spending validators (the Marlowe
// semantics, role-payout and open-role scripts) with plutigo's CEK machine
// and reports the execution units they consume.
//
// A Script decodes its flat program once; every evaluation applies the three
// spending arguments (datum, redeemer, script context) to that shared,
// read-only term on a machine of its own (machines are pooled per cost model
// and protocol version), so one Script serves concurrent evaluations. Costs
// depend on the protocol major version as well as the cost model: plutigo
// switches to newer integer multiply/divide cost formulas from major 9, so
// major 8 is what reproduces costs measured under Babbage-era rules.
//
// plutigo v0.3.0 keeps cost-model parameters in process-wide objects (see
// costGuard); evaluations through this package are protected from that, but
// other code in the same process that builds plutigo evaluation contexts
// with a different cost model is not.
package validator

import (
	"errors"
	"fmt"
	"slices"

	"github.com/blinklabs-io/plutigo/cek"
	"github.com/blinklabs-io/plutigo/data"
	"github.com/blinklabs-io/plutigo/lang"
	"github.com/blinklabs-io/plutigo/syn"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// MinProtoMajor is the first protocol major version with Plutus V2
// (Babbage/Vasil).
const MinProtoMajor = 7

// slippage is how many machine steps plutigo may take between budget checks.
// It changes only how promptly an over-budget script is stopped, never the
// units charged.
const slippage = 200

// ExUnits is a Plutus execution budget or consumption.
type ExUnits struct {
	Mem   int64
	Steps int64
}

// Result is the outcome of one evaluation. Used is filled in even when the
// script fails (it is what the failed run consumed); Logs holds the script's
// trace messages, which for Marlowe name the failed check.
type Result struct {
	Used ExUnits
	Logs []string
	Err  error
}

// OK reports whether the validator succeeded.
func (r Result) OK() bool { return r.Err == nil }

// Script is a decoded Plutus V2 program, reusable and safe for concurrent
// EvaluateSpend calls.
type Script struct {
	hash    registry.ScriptHash
	program *syn.Program[syn.DeBruijn]
}

// NewScript decodes a Plutus V2 script from its once-wrapped CBOR (a CBOR
// byte string holding the flat program: the form that is hashed, placed in
// witness sets and reference scripts, and returned by
// registry.TextEnvelope.PlutusV2Script).
func NewScript(onceWrappedCBOR []byte) (*Script, error) {
	flat, err := registry.UnwrapCBORBytes(onceWrappedCBOR)
	if err != nil {
		return nil, fmt.Errorf("plutus V2 script: %w", err)
	}
	prog, err := syn.Decode[syn.DeBruijn](flat)
	if err != nil {
		return nil, fmt.Errorf("plutus V2 script: decode flat program: %w", err)
	}
	if prog.Version != (lang.LanguageVersion{1, 0, 0}) {
		return nil, fmt.Errorf("plutus V2 script: UPLC version %d.%d.%d, want 1.0.0", prog.Version[0], prog.Version[1], prog.Version[2])
	}
	return &Script{hash: registry.HashPlutusV2(onceWrappedCBOR), program: prog}, nil
}

// Hash is the script hash (blake2b-224 of 0x02 ‖ once-wrapped CBOR).
func (s *Script) Hash() registry.ScriptHash { return s.hash }

// EvaluateSpend runs the script as a spending validator: applied to exactly
// datum, redeemer and scriptContext, within budget, costed with cm under
// protocol major version protoMajor.
func (s *Script) EvaluateSpend(datum, redeemer, scriptContext data.PlutusData, budget ExUnits, cm CostModel, protoMajor uint) Result {
	if datum == nil || redeemer == nil || scriptContext == nil {
		return Result{Err: errors.New("evaluate spending validator: datum, redeemer and script context are all required")}
	}
	if budget.Mem <= 0 || budget.Steps <= 0 {
		return Result{Err: fmt.Errorf("evaluate spending validator: budget must be positive, got mem %d steps %d", budget.Mem, budget.Steps)}
	}
	if protoMajor < MinProtoMajor {
		return Result{Err: fmt.Errorf("evaluate spending validator: protocol major version %d has no Plutus V2 (need >= %d)", protoMajor, MinProtoMajor)}
	}
	entry, release, err := costGuard.acquire(cm, protoMajor)
	if err != nil {
		return Result{Err: fmt.Errorf("evaluate spending validator: %w", err)}
	}
	defer release()

	// A spending validator takes exactly three arguments; with fewer it
	// would return a partial application and look like a success.
	var term syn.Term[syn.DeBruijn] = s.program.Term
	for _, arg := range []data.PlutusData{datum, redeemer, scriptContext} {
		term = &syn.Apply[syn.DeBruijn]{
			Function: term,
			Argument: &syn.Constant{Con: &syn.Data{Inner: arg}},
		}
	}

	start := cek.ExBudget{Mem: budget.Mem, Cpu: budget.Steps}
	pm := entry.machine(start)
	pm.m.ExBudget = start
	_, runErr := pm.m.Run(term)
	left := pm.m.ExBudget
	res := Result{
		Used: ExUnits{Mem: start.Mem - left.Mem, Steps: start.Cpu - left.Cpu},
		Logs: slices.Clone(pm.m.Logs),
	}
	pm.lastLeft, pm.hasRun = left, true
	entry.release(pm)
	if runErr != nil {
		if n := len(res.Logs); n > 0 {
			res.Err = fmt.Errorf("validator %s failed (last trace %q): %w", s.hash, res.Logs[n-1], runErr)
		} else {
			res.Err = fmt.Errorf("validator %s failed: %w", s.hash, runErr)
		}
	}
	return res
}
