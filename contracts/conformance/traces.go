package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
)

// TraceStep is one transaction of a reference path with its expected output.
type TraceStep struct {
	Input  core.TransactionInput
	Output core.TransactionOutput
	// OutputJSON is the expected output as encoded by core.EncodeJSON;
	// LoadReferencePaths has checked it equals the file's JSON as a value, so
	// comparing encodings cannot hide a difference.
	OutputJSON []byte
}

// TracePath is one path of a reference file: a start and its transactions,
// each starting from the previous expected output.
type TracePath struct {
	File     string
	Index    int
	Contract core.Contract
	State    core.State
	Steps    []TraceStep
}

type rawPath struct {
	Contract     json.RawMessage `json:"contract"`
	State        json.RawMessage `json:"state"`
	Transactions []struct {
		Input  json.RawMessage `json:"input"`
		Output json.RawMessage `json:"output"`
	} `json:"transactions"`
}

// LoadReferencePaths decodes every reference-paths/*.paths file under dir
// (the shared/marlowe directory), in file-name order.
func LoadReferencePaths(dir string) ([]TracePath, error) {
	files, err := sortedGlob(filepath.Join(dir, "reference-paths"), "*.paths")
	if err != nil {
		return nil, err
	}
	var out []TracePath
	for _, f := range files {
		name := filepath.Base(f)
		raw, err := readFile(f)
		if err != nil {
			return nil, err
		}
		var paths []rawPath
		if err := json.Unmarshal(raw, &paths); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for pi, p := range paths {
			tp := TracePath{File: name, Index: pi}
			if tp.Contract, err = core.DecodeJSON[core.Contract](p.Contract, core.Strict); err != nil {
				return nil, fmt.Errorf("%s path %d contract: %w", name, pi, err)
			}
			if tp.State, err = core.DecodeJSON[core.State](p.State, core.Strict); err != nil {
				return nil, fmt.Errorf("%s path %d state: %w", name, pi, err)
			}
			for ti, t := range p.Transactions {
				var s TraceStep
				if s.Input, err = core.DecodeJSON[core.TransactionInput](t.Input, core.Strict); err != nil {
					return nil, fmt.Errorf("%s path %d tx %d input: %w", name, pi, ti, err)
				}
				if s.Output, err = core.DecodeJSON[core.TransactionOutput](t.Output, core.Strict); err != nil {
					return nil, fmt.Errorf("%s path %d tx %d output: %w", name, pi, ti, err)
				}
				if s.OutputJSON, err = core.EncodeJSON(s.Output); err != nil {
					return nil, fmt.Errorf("%s path %d tx %d output: %w", name, pi, ti, err)
				}
				same, err := SameJSON(s.OutputJSON, t.Output)
				if err != nil || !same {
					return nil, fmt.Errorf("%s path %d tx %d: expected output does not round-trip through the JSON codec (%v)", name, pi, ti, err)
				}
				tp.Steps = append(tp.Steps, s)
			}
			out = append(out, tp)
		}
	}
	return out, nil
}

// ReferenceTraces replays every transaction of every reference path with
// ComputeTransaction and requires the expected output exactly: state lists in
// order, remaining contract, payments and warnings in order.
func ReferenceTraces(dir string) (Result, error) {
	r := Result{Check: "reference traces"}
	paths, err := LoadReferencePaths(dir)
	if err != nil {
		return r, err
	}
	files := map[string]bool{}
	for _, p := range paths {
		files[p.File] = true
		st, c := p.State, p.Contract
		for ti, s := range p.Steps {
			got, err := core.EncodeJSON(semantics.ComputeTransaction(s.Input, st, c))
			switch {
			case err != nil:
				r.fail("%s path %d tx %d: encode: %v", p.File, p.Index, ti, err)
			case !bytes.Equal(got, s.OutputJSON):
				r.fail("%s path %d tx %d:\n  got  %s\n  want %s", p.File, p.Index, ti, got, s.OutputJSON)
			default:
				r.pass()
			}
			st, c = s.Output.State, s.Output.Contract
		}
	}
	r.Notes = append(r.Notes, fmt.Sprintf("%d files, %d paths, %d transactions", len(files), len(paths), r.Passed+r.Failed))
	return r, nil
}

// SameJSON compares two JSON texts as values: key order and spacing are
// ignored, numbers compared exactly as written.
func SameJSON(a, b []byte) (bool, error) {
	ca, err := canonicalJSON(a)
	if err != nil {
		return false, err
	}
	cb, err := canonicalJSON(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ca, cb), nil
}

func canonicalJSON(b []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v) // objects marshal with sorted keys
}
