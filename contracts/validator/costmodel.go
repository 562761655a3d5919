package validator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/blinklabs-io/plutigo/cek"
	"github.com/blinklabs-io/plutigo/lang"
	"github.com/blinklabs-io/plutigo/syn"
)

// Plutus V2 cost-model lengths that have existed on chain, in plutigo's
// positional order (lang.CostModelParamNamesV2): the Alonzo/Babbage model,
// the Conway (Chang) model that added integerToByteString and
// byteStringToInteger, and plutigo's full list for later protocol versions.
// Any other length is almost certainly a mistake (plutigo would silently
// keep its defaults for the missing tail), so it is rejected.
const (
	CostModelLenBabbage = 175
	CostModelLenConway  = 185
)

// AcceptedCostModelLens lists the V2 cost-model lengths NewCostModel takes.
func AcceptedCostModelLens() []int {
	return []int{CostModelLenBabbage, CostModelLenConway, len(lang.CostModelParamNamesV2)}
}

// CostModel is a Plutus V2 cost model: integer parameters in
// lang.CostModelParamNamesV2 order. The zero value is not usable; build one
// with NewCostModel or ParseCostModelJSON. It is immutable.
type CostModel struct {
	params []int64
}

// NewCostModel validates a positional V2 cost model. Its length must be one
// of AcceptedCostModelLens.
func NewCostModel(params []int64) (CostModel, error) {
	if !slices.Contains(AcceptedCostModelLens(), len(params)) {
		return CostModel{}, fmt.Errorf("plutus V2 cost model has %d parameters, want one of %v", len(params), AcceptedCostModelLens())
	}
	for i, p := range params {
		if p < 0 {
			return CostModel{}, fmt.Errorf("plutus V2 cost model parameter %d (%s) is negative: %d", i, lang.CostModelParamNamesV2[i], p)
		}
	}
	return CostModel{params: slices.Clone(params)}, nil
}

// ParseCostModelJSON reads a named V2 cost model, either as
// {"params": [{"name": …, "value": …}, …]} (the form of
// plutusv2-benchmark-costmodel.json) or as a flat object {"name": value}.
// The order of names is irrelevant; every name must be a V2 parameter, none
// may repeat, and together they must form a complete model of an accepted
// length.
func ParseCostModelJSON(b []byte) (CostModel, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return CostModel{}, fmt.Errorf("cost model JSON: %w", err)
	}
	type named struct {
		name  string
		value json.Number
	}
	var entries []named
	if raw, ok := probe["params"]; ok {
		var list []struct {
			Name  *string      `json:"name"`
			Value *json.Number `json:"value"`
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&list); err != nil {
			return CostModel{}, fmt.Errorf("cost model JSON: params: %w", err)
		}
		for i, e := range list {
			if e.Name == nil || e.Value == nil {
				return CostModel{}, fmt.Errorf("cost model JSON: params[%d]: want {\"name\": …, \"value\": …}", i)
			}
			entries = append(entries, named{*e.Name, *e.Value})
		}
	} else {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var flat map[string]json.Number
		if err := dec.Decode(&flat); err != nil {
			return CostModel{}, fmt.Errorf("cost model JSON: want {\"params\": [...]} or {name: integer}: %w", err)
		}
		for k, v := range flat {
			entries = append(entries, named{k, v})
		}
	}

	index := make(map[string]int, len(lang.CostModelParamNamesV2))
	for i, n := range lang.CostModelParamNamesV2 {
		index[n] = i
	}
	params := make([]int64, len(lang.CostModelParamNamesV2))
	seen := make([]bool, len(lang.CostModelParamNamesV2))
	for _, e := range entries {
		i, ok := index[e.name]
		if !ok {
			return CostModel{}, fmt.Errorf("cost model JSON: unknown Plutus V2 parameter %q", e.name)
		}
		if seen[i] {
			return CostModel{}, fmt.Errorf("cost model JSON: parameter %q given twice", e.name)
		}
		v, err := e.value.Int64()
		if err != nil {
			return CostModel{}, fmt.Errorf("cost model JSON: parameter %q: %w", e.name, err)
		}
		params[i], seen[i] = v, true
	}
	n := len(entries)
	if missing := slices.Index(seen[:min(n, len(seen))], false); missing >= 0 {
		return CostModel{}, fmt.Errorf("cost model JSON: %d parameters given but %q (position %d) is missing", n, lang.CostModelParamNamesV2[missing], missing)
	}
	cm, err := NewCostModel(params[:n])
	if err != nil {
		return CostModel{}, fmt.Errorf("cost model JSON: %w", err)
	}
	return cm, nil
}

// Len is the number of parameters.
func (c CostModel) Len() int { return len(c.params) }

// Params returns a copy of the positional parameters.
func (c CostModel) Params() []int64 { return slices.Clone(c.params) }

// Param returns the parameter with the given V2 name.
func (c CostModel) Param(name string) (int64, bool) {
	i := slices.Index(lang.CostModelParamNamesV2, name)
	if i < 0 || i >= len(c.params) {
		return 0, false
	}
	return c.params[i], true
}

// String summarises the model for logs.
func (c CostModel) String() string {
	return fmt.Sprintf("PlutusV2 cost model (%d params)", len(c.params))
}

// plutigo v0.3.0 keeps builtin cost-model parameters in process-wide
// objects: BuiltinCosts.Clone is shallow, so every cek.NewEvalContext writes
// its parameter values into models shared with DefaultBuiltinCosts and with
// every other evaluation context (upstream blinklabs-io/plutigo#395, fixed by
// #396 in later releases). Building a context for one cost model therefore
// silently changes the costs of evaluations under another, and races with
// evaluations in flight.
//
// costGuard contains that global state. Evaluations hold it shared while
// the parameters currently written into plutigo's objects are theirs; a
// different cost model takes it exclusively, rewrites the parameters by
// building its contexts afresh and discards contexts built for others. It is
// package-level because the state it protects is: any other code in the
// process that builds plutigo contexts with a different cost model bypasses
// it.
var costGuard plutigoCostGuard

type plutigoCostGuard struct {
	mu sync.RWMutex
	// applied is the parameter list last written into plutigo's shared
	// models; contexts in byPV are valid only while it is current.
	applied []int64
	byPV    map[uint]*evalEntry
}

// evalEntry is a prepared plutigo context with a pool of machines bound to
// it. Reusing machines lets plutigo keep its value and environment arenas
// between runs instead of reallocating them for every evaluation.
type evalEntry struct {
	ec       *cek.EvalContext
	machines sync.Pool // of *pooledMachine
}

type pooledMachine struct {
	m *cek.Machine[syn.DeBruijn]
	// lastLeft is the budget the previous run left. plutigo's Run treats a
	// starting budget equal to it as "unchanged" and restarts from the
	// previous starting budget instead, so such a machine must not be
	// reused with that budget.
	lastLeft cek.ExBudget
	hasRun   bool
}

// machine returns a machine for a run starting with budget start.
func (e *evalEntry) machine(start cek.ExBudget) *pooledMachine {
	if pm, ok := e.machines.Get().(*pooledMachine); ok && (!pm.hasRun || pm.lastLeft != start) {
		return pm
	}
	return &pooledMachine{m: cek.NewMachine[syn.DeBruijn](lang.LanguageVersionV2, slippage, e.ec)}
}

func (e *evalEntry) release(pm *pooledMachine) { e.machines.Put(pm) }

// maxCachedEvalContexts bounds the context cache: only a handful of
// protocol versions are meaningful, and arbitrary caller values must not
// grow it.
const maxCachedEvalContexts = 8

// acquire returns a plutigo context for cm under protocol major version pv
// and a release function; the context's costs stay cm's until release is
// called.
func (g *plutigoCostGuard) acquire(cm CostModel, pv uint) (*evalEntry, func(), error) {
	if len(cm.params) == 0 {
		return nil, nil, errors.New("cost model not initialised (use NewCostModel or ParseCostModelJSON)")
	}
	g.mu.RLock()
	if e, ok := g.byPV[pv]; ok && slices.Equal(g.applied, cm.params) {
		return e, g.mu.RUnlock, nil
	}
	g.mu.RUnlock()

	// Switching parameters (or adding a protocol version): the caller
	// evaluates under the exclusive lock it took to rebuild, so alternating
	// cost models cannot starve each other.
	g.mu.Lock()
	if !slices.Equal(g.applied, cm.params) {
		g.applied = slices.Clone(cm.params)
		g.byPV = make(map[uint]*evalEntry)
	}
	e, ok := g.byPV[pv]
	if !ok {
		ec, err := cek.NewEvalContext(lang.LanguageVersionV2, cek.ProtoVersion{Major: pv}, cm.params)
		if err != nil {
			g.mu.Unlock()
			return nil, nil, fmt.Errorf("prepare cost model for protocol version %d: %w", pv, err)
		}
		if len(g.byPV) >= maxCachedEvalContexts {
			// Rebuilding writes the same values again, so dropping the
			// others only costs a rebuild later.
			clear(g.byPV)
		}
		e = &evalEntry{ec: ec}
		g.byPV[pv] = e
	}
	return e, g.mu.Unlock, nil
}
