package chaingen

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/conformance"
	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// LoadTraces reads the reference paths under dir (the shared marlowe
// directory holding reference-paths/) as traces for Config.Traces: real
// contracts with the transactions of their published executions. It is
// meant for tests; generated chains need no files.
func LoadTraces(dir string) ([]Trace, error) {
	paths, err := conformance.LoadReferencePaths(dir)
	if err != nil {
		return nil, fmt.Errorf("chaingen: load traces: %w", err)
	}
	out := make([]Trace, 0, len(paths))
	for _, p := range paths {
		tr := Trace{Name: fmt.Sprintf("%s#%d", p.File, p.Index), Contract: p.Contract, State: p.State}
		for _, s := range p.Steps {
			tr.Txs = append(tr.Txs, core.TransactionInput{Interval: s.Input.Interval, Inputs: s.Input.Inputs})
		}
		out = append(out, tr)
	}
	return out, nil
}
