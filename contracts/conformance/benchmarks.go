package conformance

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"path/filepath"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
)

// Benchmark is one validator benchmark file of marlowe-plutus: CBOR Plutus
// Data C0[datum, redeemer, scriptContext, I refCpu, I refMem], with the facts
// index.json records about it.
type Benchmark struct {
	File string
	// Raw holds the file's bytes; Fields the raw encodings of its five fields.
	Raw    []byte
	Fields [][]byte
	// Datum, Redeemer and Context are the decoded generic Plutus Data.
	Datum, Redeemer, Context data.PlutusData
	RefCPU, RefMem           int64

	// Semantics files only.
	MarloweInterval  core.TimeInterval
	Closes           bool
	ExpectedDatumHex string // empty when the transaction closes
}

type benchIndex struct {
	Semantics []struct {
		File                    string     `json:"file"`
		RefCPU                  int64      `json:"refCpu"`
		RefMem                  int64      `json:"refMem"`
		MarloweInterval         []*big.Int `json:"marloweInterval"`
		Closes                  bool       `json:"closes"`
		ExpectedOutputDatumHash *string    `json:"expectedOutputDatumHash"`
	} `json:"semantics"`
	RolePayout []struct {
		File   string `json:"file"`
		RefCPU int64  `json:"refCpu"`
		RefMem int64  `json:"refMem"`
	} `json:"rolepayout"`
}

// LoadBenchmarks reads benchmarks/index.json under dir and every file it
// lists, returning the semantics and the role-payout benchmarks.
func LoadBenchmarks(dir string) (sem, payout []Benchmark, err error) {
	raw, err := readFile(filepath.Join(dir, "benchmarks", "index.json"))
	if err != nil {
		return nil, nil, err
	}
	var idx benchIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, nil, fmt.Errorf("benchmarks/index.json: %w", err)
	}
	for _, e := range idx.Semantics {
		b, err := loadBenchmark(dir, e.File, e.RefCPU, e.RefMem)
		if err != nil {
			return nil, nil, err
		}
		if len(e.MarloweInterval) != 2 || e.MarloweInterval[0] == nil || e.MarloweInterval[1] == nil {
			return nil, nil, fmt.Errorf("%s: index has no Marlowe interval", e.File)
		}
		b.MarloweInterval = core.TimeInterval{From: e.MarloweInterval[0], To: e.MarloweInterval[1]}
		b.Closes = e.Closes
		if e.ExpectedOutputDatumHash != nil {
			b.ExpectedDatumHex = *e.ExpectedOutputDatumHash
		}
		sem = append(sem, b)
	}
	for _, e := range idx.RolePayout {
		b, err := loadBenchmark(dir, e.File, e.RefCPU, e.RefMem)
		if err != nil {
			return nil, nil, err
		}
		payout = append(payout, b)
	}
	if len(sem) == 0 || len(payout) == 0 {
		return nil, nil, fmt.Errorf("benchmarks/index.json lists %d semantics and %d role-payout files", len(sem), len(payout))
	}
	return sem, payout, nil
}

func loadBenchmark(dir, file string, cpu, mem int64) (Benchmark, error) {
	b := Benchmark{File: file, RefCPU: cpu, RefMem: mem}
	var err error
	if b.Raw, err = readFile(filepath.Join(dir, file)); err != nil {
		return b, err
	}
	idx, fields, err := core.ConstrFieldBytes(b.Raw)
	if err != nil {
		return b, fmt.Errorf("%s: %w", file, err)
	}
	if idx != 0 || len(fields) != 5 {
		return b, fmt.Errorf("%s: constructor %d with %d fields, want C0 with 5", file, idx, len(fields))
	}
	b.Fields = fields
	parts := make([]data.PlutusData, 3)
	for i := range parts {
		if parts[i], err = core.DecodePlutusData(fields[i]); err != nil {
			return b, fmt.Errorf("%s field %d: %w", file, i, err)
		}
	}
	b.Datum, b.Redeemer, b.Context = parts[0], parts[1], parts[2]
	return b, nil
}

// BenchmarkDatums checks, for every semantics benchmark, that the datum
// decodes as MarloweData and the redeemer as the Marlowe redeemer and both
// re-encode to exactly the bytes in the file, and that computeTransaction on
// them gives the continuing datum whose hash the transaction carries (or
// closes the contract); for every role-payout benchmark, that the payout
// datum round-trips byte for byte.
func BenchmarkDatums(dir string) (Result, error) {
	r := Result{Check: "benchmark datums"}
	sem, payout, err := LoadBenchmarks(dir)
	if err != nil {
		return r, err
	}
	closes, continues := 0, 0
	for _, b := range sem {
		name := filepath.Base(b.File)
		md, err := core.FromData[core.MarloweData](b.Datum)
		if err != nil {
			r.fail("%s: datum: %v", name, err)
			continue
		}
		red, err := core.FromData[core.Redeemer](b.Redeemer)
		if err != nil {
			r.fail("%s: redeemer: %v", name, err)
			continue
		}
		if err := sameBytes(md, b.Fields[0]); err != nil {
			r.fail("%s: datum: %v", name, err)
			continue
		}
		if err := sameBytes(red, b.Fields[1]); err != nil {
			r.fail("%s: redeemer: %v", name, err)
			continue
		}
		inputs := []core.Input(red)
		if hasMerkleized(inputs) {
			// On chain the continuation comes from the witness datums; the
			// benchmarks have none, so finding one means this check is wrong.
			r.fail("%s: merkleized redeemer input: continuation lookup not supported here", name)
			continue
		}
		out := semantics.ComputeTransaction(core.TransactionInput{Interval: b.MarloweInterval, Inputs: inputs}, md.State, md.Contract)
		if out.Error != nil {
			r.fail("%s: computeTransaction: %T", name, out.Error)
			continue
		}
		if b.Closes {
			if _, ok := out.Contract.(core.Close); !ok {
				r.fail("%s: expected the contract to close, got %T", name, out.Contract)
				continue
			}
			closes++
			r.pass()
			continue
		}
		h, err := core.HashData(core.MarloweData{Params: md.Params, State: out.State, Contract: out.Contract})
		if err != nil {
			r.fail("%s: hash continuing datum: %v", name, err)
			continue
		}
		if got := hex.EncodeToString(h[:]); got != b.ExpectedDatumHex {
			r.fail("%s: continuing datum hash %s, want %s", name, got, b.ExpectedDatumHex)
			continue
		}
		continues++
		r.pass()
	}
	for _, b := range payout {
		name := filepath.Base(b.File)
		pd, err := core.FromData[core.PayoutDatum](b.Datum)
		if err != nil {
			r.fail("%s: payout datum: %v", name, err)
			continue
		}
		if err := sameBytes(pd, b.Fields[0]); err != nil {
			r.fail("%s: payout datum: %v", name, err)
			continue
		}
		r.pass()
	}
	r.Notes = append(r.Notes, fmt.Sprintf("%d semantics contexts (%d continue with the expected datum hash, %d close), %d role-payout datums",
		len(sem), continues, closes, len(payout)))
	return r, nil
}

// sameBytes requires the canonical encoding of v to equal raw exactly.
func sameBytes(v any, raw []byte) error {
	enc, err := core.EncodeData(v)
	if err != nil {
		return fmt.Errorf("re-encode: %w", err)
	}
	if !bytes.Equal(enc, raw) {
		return fmt.Errorf("re-encoding differs from the file (%d vs %d bytes)", len(enc), len(raw))
	}
	return nil
}

func hasMerkleized(inputs []core.Input) bool {
	for _, in := range inputs {
		if in.Merkleized {
			return true
		}
	}
	return false
}
