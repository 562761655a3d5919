package semantics

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// refTransaction and refPath mirror the .paths files (conformance.md §2).
type refTransaction struct {
	Input  json.RawMessage `json:"input"`
	Output json.RawMessage `json:"output"`
}

type refPath struct {
	Contract     json.RawMessage  `json:"contract"`
	State        json.RawMessage  `json:"state"`
	Transactions []refTransaction `json:"transactions"`
}

type decodedTx struct {
	input  core.TransactionInput
	output core.TransactionOutput
	// outputJSON is the expected output re-encoded, for exact comparison.
	outputJSON []byte
}

type decodedPath struct {
	contract core.Contract
	state    core.State
	txs      []decodedTx
}

func loadReferencePaths(tb testing.TB) (map[string][]decodedPath, map[string]int64) {
	tb.Helper()
	dir := shared.Path(tb, "marlowe", "reference-paths")
	files, err := filepath.Glob(filepath.Join(dir, "*.paths"))
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][]decodedPath{}
	sizes := map[string]int64{}
	for _, f := range files {
		name := filepath.Base(f)
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		if fi, err := os.Stat(f[:len(f)-len(".paths")] + ".contract"); err == nil {
			sizes[name] = fi.Size()
		} else {
			tb.Fatalf("%s: %v", name, err)
		}
		var paths []refPath
		if err := json.Unmarshal(raw, &paths); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		for pi, p := range paths {
			var dp decodedPath
			if dp.contract, err = core.DecodeJSON[core.Contract](p.Contract, core.Strict); err != nil {
				tb.Fatalf("%s path %d contract: %v", name, pi, err)
			}
			if dp.state, err = core.DecodeJSON[core.State](p.State, core.Strict); err != nil {
				tb.Fatalf("%s path %d state: %v", name, pi, err)
			}
			for ti, t := range p.Transactions {
				var dt decodedTx
				if dt.input, err = core.DecodeJSON[core.TransactionInput](t.Input, core.Strict); err != nil {
					tb.Fatalf("%s path %d tx %d input: %v", name, pi, ti, err)
				}
				if dt.output, err = core.DecodeJSON[core.TransactionOutput](t.Output, core.Strict); err != nil {
					tb.Fatalf("%s path %d tx %d output: %v", name, pi, ti, err)
				}
				if dt.outputJSON, err = core.EncodeJSON(dt.output); err != nil {
					tb.Fatalf("%s path %d tx %d output re-encode: %v", name, pi, ti, err)
				}
				// The re-encoding must be faithful to the file, or comparing
				// encodings could hide a difference.
				if !sameJSON(tb, dt.outputJSON, t.Output) {
					tb.Fatalf("%s path %d tx %d: expected output does not round-trip:\n%s\n%s", name, pi, ti, dt.outputJSON, t.Output)
				}
				dp.txs = append(dp.txs, dt)
			}
			out[name] = append(out[name], dp)
		}
	}
	return out, sizes
}

// sameJSON compares two JSON texts as values (key order and spacing
// ignored, numbers compared exactly).
func sameJSON(tb testing.TB, a, b []byte) bool {
	tb.Helper()
	va, vb := canonJSON(tb, a), canonJSON(tb, b)
	return va == vb
}

func canonJSON(tb testing.TB, b []byte) string {
	tb.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		tb.Fatalf("bad JSON %q: %v", b, err)
	}
	out, err := json.Marshal(v) // maps are marshalled with sorted keys
	if err != nil {
		tb.Fatal(err)
	}
	return string(out)
}

// TestReferencePaths replays every transaction of the 24 reference traces
// and requires the exact expected output: state lists in order, remaining
// contract, payments and warnings in order.
func TestReferencePaths(t *testing.T) {
	all, _ := loadReferencePaths(t)
	var nFiles, nPaths, nTxs int
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		nFiles++
		for pi, p := range all[name] {
			nPaths++
			st, c := p.state, p.contract
			for ti, tx := range p.txs {
				nTxs++
				got := ComputeTransaction(tx.input, st, c)
				gotJSON, err := core.EncodeJSON(got)
				if err != nil {
					t.Fatalf("%s path %d tx %d: encode: %v", name, pi, ti, err)
				}
				if !bytes.Equal(gotJSON, tx.outputJSON) {
					t.Errorf("%s path %d tx %d:\n got: %s\nwant: %s", name, pi, ti, gotJSON, tx.outputJSON)
					break
				}
				// Continue from the file's output, as the traces define.
				st, c = tx.output.State, tx.output.Contract
			}
		}
	}
	if nFiles != 24 || nPaths != 142 || nTxs != 493 {
		t.Fatalf("replayed %d files, %d paths, %d transactions; want 24, 142, 493", nFiles, nPaths, nTxs)
	}
	t.Logf("%d files, %d paths, %d transactions reproduced", nFiles, nPaths, nTxs)
}

// TestReferencePathsPlayTrace checks that each path replayed as one trace
// ends where the step-by-step replay ends. The traces start from a funded
// state, so the fold is compared rather than PlayTrace's empty start.
func TestReferencePathsPlayTrace(t *testing.T) {
	all, _ := loadReferencePaths(t)
	for name, paths := range all {
		for pi, p := range paths {
			txs := make([]core.TransactionInput, len(p.txs))
			for i, tx := range p.txs {
				txs[i] = tx.input
			}
			got := computeChain(p.state, p.contract, txs)
			last := p.txs[len(p.txs)-1].outputJSON
			// Warnings and payments of the chain are those of the last
			// transaction only, so compare state and contract.
			gotSC, err1 := core.EncodeJSON(core.TransactionOutput{State: got.State, Contract: got.Contract})
			wantOut := p.txs[len(p.txs)-1].output
			wantSC, err2 := core.EncodeJSON(core.TransactionOutput{State: wantOut.State, Contract: wantOut.Contract})
			if err1 != nil || err2 != nil {
				t.Fatalf("%s path %d: encode: %v %v", name, pi, err1, err2)
			}
			if !bytes.Equal(gotSC, wantSC) {
				t.Errorf("%s path %d: chain ends at %s, want %s (last output %s)", name, pi, gotSC, wantSC, last)
			}
		}
	}
}

// benchIndex mirrors the fields of benchmarks/index.json used here.
type benchIndex struct {
	Semantics []struct {
		File                    string     `json:"file"`
		MarloweInterval         []*big.Int `json:"marloweInterval"`
		RedeemerInputs          int        `json:"redeemerInputs"`
		Closes                  bool       `json:"closes"`
		ExpectedOutputDatumHash *string    `json:"expectedOutputDatumHash"`
	} `json:"semantics"`
}

// TestValidatorBenchmarks runs computeTransaction on the datum and redeemer
// of each of the 100 semantics-validator benchmark script contexts: the 46
// closing ones must end in Close and the 54 others must produce exactly the
// continuing datum the transaction carries (by hash).
func TestValidatorBenchmarks(t *testing.T) {
	root := shared.Path(t, "marlowe")
	raw, err := os.ReadFile(filepath.Join(root, "benchmarks", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx benchIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatal(err)
	}
	var nClose, nHash int
	for _, b := range idx.Semantics {
		name := filepath.Base(b.File)
		cbor, err := os.ReadFile(filepath.Join(root, b.File))
		if err != nil {
			t.Fatal(err)
		}
		datum, redeemer := benchmarkDatumRedeemer(t, name, cbor)
		if len(redeemer) != b.RedeemerInputs {
			t.Fatalf("%s: %d redeemer inputs, index says %d", name, len(redeemer), b.RedeemerInputs)
		}
		for i, in := range redeemer {
			if in.Merkleized {
				// On chain the continuation comes from the script context's
				// datum witnesses; these benchmarks are not expected to need it.
				t.Fatalf("%s: redeemer input %d is merkleized; resolving continuations from txInfoData is not implemented in this test", name, i)
			}
		}
		if len(b.MarloweInterval) != 2 {
			t.Fatalf("%s: marloweInterval %v", name, b.MarloweInterval)
		}
		tx := core.TransactionInput{
			Interval: core.TimeInterval{From: b.MarloweInterval[0], To: b.MarloweInterval[1]},
			Inputs:   redeemer,
		}
		out := ComputeTransaction(tx, datum.State, datum.Contract)
		if out.Error != nil {
			t.Errorf("%s: %T", name, out.Error)
			continue
		}
		_, closed := out.Contract.(core.Close)
		switch {
		case b.Closes:
			if !closed {
				t.Errorf("%s: expected Close, got %T", name, out.Contract)
			}
			nClose++
		case b.ExpectedOutputDatumHash != nil:
			if closed {
				t.Errorf("%s: closed, expected a continuing output", name)
				continue
			}
			h, err := core.HashData(core.MarloweData{Params: datum.Params, State: out.State, Contract: out.Contract})
			if err != nil {
				t.Fatalf("%s: hash: %v", name, err)
			}
			if got := hex.EncodeToString(h[:]); got != *b.ExpectedOutputDatumHash {
				t.Errorf("%s: output datum hash %s, want %s", name, got, *b.ExpectedOutputDatumHash)
			}
			if err := ValidateState(out.State); err != nil {
				t.Errorf("%s: output state breaks the validator invariants: %v", name, err)
			}
			nHash++
		default:
			t.Fatalf("%s: index entry neither closes nor has an expected hash", name)
		}
	}
	if nClose != 46 || nHash != 54 || nClose+nHash != 100 {
		t.Fatalf("checked %d closing and %d continuing benchmarks; want 46 + 54 = 100", nClose, nHash)
	}
}

// benchmarkDatumRedeemer decodes C0[datum, redeemer, ctx, cpu, mem].
func benchmarkDatumRedeemer(tb testing.TB, name string, cbor []byte) (core.MarloweData, core.Redeemer) {
	tb.Helper()
	pd, err := core.DecodePlutusData(cbor)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	var fields []data.PlutusData
	switch c := pd.(type) {
	case *data.Constr:
		fields = c.Fields
	case data.Constr:
		fields = c.Fields
	default:
		tb.Fatalf("%s: top level is %T, want Constr", name, pd)
	}
	if len(fields) != 5 {
		tb.Fatalf("%s: %d fields, want 5", name, len(fields))
	}
	datum, err := core.FromData[core.MarloweData](fields[0])
	if err != nil {
		tb.Fatalf("%s: datum: %v", name, err)
	}
	redeemer, err := core.FromData[core.Redeemer](fields[1])
	if err != nil {
		tb.Fatalf("%s: redeemer: %v", name, err)
	}
	return datum, redeemer
}

// BenchmarkComputeTransactionLargest replays the longest path of the
// largest reference contract (by .contract size) per iteration.
func BenchmarkComputeTransactionLargest(b *testing.B) {
	all, sizes := loadReferencePaths(b)
	largest := ""
	for n, s := range sizes {
		if largest == "" || s > sizes[largest] || (s == sizes[largest] && n < largest) {
			largest = n
		}
	}
	var longest decodedPath
	for _, p := range all[largest] {
		if len(p.txs) > len(longest.txs) {
			longest = p
		}
	}
	b.Logf("%s (.contract %d bytes): longest path has %d transactions", largest, sizes[largest], len(longest.txs))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		st, c := longest.state, longest.contract
		for _, tx := range longest.txs {
			out := ComputeTransaction(tx.input, st, c)
			if out.Error != nil {
				b.Fatalf("%T", out.Error)
			}
			st, c = out.State, out.Contract
		}
	}
}

// FuzzComputeTransaction feeds core-JSON (contract, state, transaction)
// triples, seeded with every step of the reference traces, to
// ComputeTransaction: it must not panic or modify its input, a success must
// be encodable, and from a valid state money must be conserved and the
// validator's state invariants kept.
func FuzzComputeTransaction(f *testing.F) {
	all, _ := loadReferencePaths(f)
	for _, paths := range all {
		for _, p := range paths {
			st, c := p.state, p.contract
			for _, tx := range p.txs {
				cj, err1 := core.EncodeJSON(c)
				sj, err2 := core.EncodeJSON(st)
				tj, err3 := core.EncodeJSON(tx.input)
				if err1 != nil || err2 != nil || err3 != nil {
					f.Fatalf("seed encode: %v %v %v", err1, err2, err3)
				}
				f.Add(cj, sj, tj)
				st, c = tx.output.State, tx.output.Contract
			}
		}
	}
	f.Fuzz(func(t *testing.T, cj, sj, tj []byte) {
		c, err := core.DecodeJSON[core.Contract](cj, core.Lenient)
		if err != nil {
			return
		}
		st, err := core.DecodeJSON[core.State](sj, core.Lenient)
		if err != nil {
			return
		}
		tx, err := core.DecodeJSON[core.TransactionInput](tj, core.Lenient)
		if err != nil {
			return
		}
		before := show([]any{c, st, tx})
		out := ComputeTransaction(tx, st, c)
		if show([]any{c, st, tx}) != before {
			t.Fatal("input modified")
		}
		if _, err := core.EncodeJSON(out); err != nil {
			t.Fatalf("output not encodable: %v", err)
		}
		if out.Error != nil || ValidateState(st) != nil {
			return
		}
		checkConservation(t, 0, st, tx, out)
		if err := ValidateState(out.State); err != nil {
			t.Fatalf("valid state became invalid: %v", err)
		}
	})
}
