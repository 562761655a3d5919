package core

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// TestReferenceContractsPlutusData: each of the 24 reference contracts,
// read from its core JSON, encodes to exactly the canonical CBOR recorded in
// contracts-as-plutusdata.json and hashes to its blake2b256; the CBOR decodes
// back to the same contract; merkleizing and demerkleizing is lossless.
func TestReferenceContractsPlutusData(t *testing.T) {
	raw, err := os.ReadFile(shared.Path(t, "marlowe", "reference-paths", "contracts-as-plutusdata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Contracts map[string]struct {
			PlutusDataCborHex string
			Blake2b256        string
		}
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(f.Contracts))
	for n := range f.Contracts {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) != 24 {
		t.Fatalf("%d contracts, want 24", len(names))
	}
	for _, name := range names {
		want := f.Contracts[name]
		t.Run(name, func(t *testing.T) {
			js, err := os.ReadFile(shared.Path(t, "marlowe", "reference-paths", name))
			if err != nil {
				t.Fatal(err)
			}
			c, err := DecodeJSON[Contract](js, Strict)
			if err != nil {
				t.Fatal(err)
			}
			enc, err := EncodeData(c)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(enc) != want.PlutusDataCborHex {
				t.Fatalf("canonical CBOR differs:\ngot  %x\nwant %s", enc, want.PlutusDataCborHex)
			}
			h, err := ContractHash(c)
			if err != nil || hex.EncodeToString(h[:]) != want.Blake2b256 {
				t.Fatalf("hash %x (%v), want %s", h, err, want.Blake2b256)
			}
			back, err := DecodeData[Contract](enc)
			if err != nil {
				t.Fatal(err)
			}
			// Through JSON again: PD -> core -> JSON -> core -> PD.
			js2, err := EncodeJSON(back)
			if err != nil {
				t.Fatal(err)
			}
			c2, err := DecodeJSON[Contract](js2, Strict)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(mustEncode(t, c2), enc) {
				t.Fatal("PD -> JSON -> PD round trip differs")
			}
			root, conts, err := Merkleize(c)
			if err != nil {
				t.Fatal(err)
			}
			for k, cont := range conts {
				if h, _ := ContractHash(cont); hex.EncodeToString(h[:]) != k {
					t.Fatalf("continuation keyed %s hashes to %x", k, h)
				}
			}
			if !bytes.Equal(mustEncode(t, demerkleize(t, root, conts)), enc) {
				t.Fatal("demerkleize(Merkleize(c)) differs from c")
			}
		})
	}
}

// TestMerkleVectorsJSON: the JSON forms in simple-1-continuations.json agree
// with their CBOR forms.
func TestMerkleVectorsJSON(t *testing.T) {
	v := readMerkleVectors(t)
	for _, c := range v.Continuations {
		k, err := DecodeJSON[Contract](c.Contract, Strict)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(mustEncode(t, k)) != c.PlutusDataCborHex {
			t.Fatalf("continuation %s: JSON and CBOR forms differ", c.Hash)
		}
	}
	root, err := DecodeJSON[Contract](v.Contract, Strict)
	if err != nil {
		t.Fatal(err)
	}
	w, ok := root.(When)
	if !ok || len(w.Cases) != 1 || !w.Cases[0].Merkleized || hex.EncodeToString(w.Cases[0].Hash) != v.Continuations[0].Hash {
		t.Fatalf("root %#v does not point at the first continuation", root)
	}
	full := Contract(When{Cases: []Case{{Action: w.Cases[0].Action, Then: mustContinuation(t, v, 0)}},
		Timeout: w.Timeout, Continuation: w.Continuation})
	full = demerkleize(t, full, map[string]Contract{v.Continuations[1].Hash: mustContinuation(t, v, 1)})
	got, _, err := Merkleize(full)
	if err != nil || !bytes.Equal(mustEncode(t, got), mustEncode(t, root)) {
		t.Fatalf("Merkleize does not reproduce the JSON root (%v)", err)
	}
}

func mustContinuation(t testing.TB, v merkleVectors, i int) Contract {
	t.Helper()
	k, err := DecodeData[Contract](mustHex(t, v.Continuations[i].PlutusDataCborHex))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestReferencePathsPlutusData: every contract and state of the 24
// reference traces (inputs and outputs of all 493 transactions) converts to
// Plutus Data and back without change.
func TestReferencePathsPlutusData(t *testing.T) {
	files, err := filepath.Glob(shared.Path(t, "marlowe", "reference-paths", "*.paths"))
	if err != nil || len(files) != 24 {
		t.Fatalf("%d .paths files (%v)", len(files), err)
	}
	type step struct {
		Contract json.RawMessage
		State    json.RawMessage
	}
	checked := 0
	check := func(name string, s step) {
		c, err := DecodeJSON[Contract](s.Contract, Strict)
		if err != nil {
			t.Fatalf("%s: contract: %v", name, err)
		}
		st, err := DecodeJSON[State](s.State, Strict)
		if err != nil {
			t.Fatalf("%s: state: %v", name, err)
		}
		md := MarloweData{Params: MarloweParams{RolesCurrency: "\x01"}, State: st, Contract: c}
		enc := mustEncode(t, md)
		back, err := DecodeData[MarloweData](enc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(mustEncode(t, back), enc) {
			t.Fatalf("%s: round trip differs", name)
		}
		checked++
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var paths []struct {
			step
			Transactions []struct {
				Output struct {
					Contract json.RawMessage
					State    json.RawMessage
				}
			}
		}
		if err := json.Unmarshal(raw, &paths); err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			check(filepath.Base(f), p.step)
			for _, tx := range p.Transactions {
				if tx.Output.Contract != nil {
					check(filepath.Base(f), step(tx.Output))
				}
			}
		}
	}
	if checked < 142+493 {
		t.Fatalf("only %d contract/state pairs checked", checked)
	}
	t.Logf("%d contract/state pairs round-trip", checked)
}
