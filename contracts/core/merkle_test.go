package core

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

type merkleVectors struct {
	Contract      json.RawMessage
	Continuations []struct {
		Hash              string
		Contract          json.RawMessage
		PlutusDataCborHex string
	}
}

func readMerkleVectors(t testing.TB) merkleVectors {
	t.Helper()
	raw, err := os.ReadFile(shared.Path(t, "marlowe", "merkle", "simple-1-continuations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v merkleVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Continuations) != 2 {
		t.Fatalf("%d continuations, want 2", len(v.Continuations))
	}
	return v
}

// demerkleize substitutes every merkleized case with its continuation
// (deepDemerkleize), failing on a missing one.
func demerkleize(t testing.TB, c Contract, conts map[string]Contract) Contract {
	t.Helper()
	switch x := c.(type) {
	case Pay:
		x.Then = demerkleize(t, x.Then, conts)
		return x
	case If:
		x.Then, x.Else = demerkleize(t, x.Then, conts), demerkleize(t, x.Else, conts)
		return x
	case Let:
		x.Then = demerkleize(t, x.Then, conts)
		return x
	case Assert:
		x.Then = demerkleize(t, x.Then, conts)
		return x
	case When:
		cases := make([]Case, len(x.Cases))
		for i, cs := range x.Cases {
			k := cs.Then
			if cs.Merkleized {
				var ok bool
				if k, ok = conts[hex.EncodeToString(cs.Hash)]; !ok {
					t.Fatalf("missing continuation %x", cs.Hash)
				}
			}
			cases[i] = Case{Action: cs.Action, Then: demerkleize(t, k, conts)}
		}
		x.Cases, x.Continuation = cases, demerkleize(t, x.Continuation, conts)
		return x
	}
	return c
}

func mustEncode(t testing.TB, v any) []byte {
	t.Helper()
	b, err := EncodeData(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMerkleVectors: the two continuations of marlowe-cli's
// simple-1-merkleized example decode from their CBOR, re-encode identically
// and hash to their keys; merkleizing the demerkleized contract reproduces
// the upstream root and continuations exactly.
func TestMerkleVectors(t *testing.T) {
	v := readMerkleVectors(t)
	conts := map[string]Contract{}
	for _, c := range v.Continuations {
		b := mustHex(t, c.PlutusDataCborHex)
		k, err := DecodeData[Contract](b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(mustEncode(t, k), b) {
			t.Fatalf("continuation %s re-encodes differently", c.Hash)
		}
		if h := DatumHash(b); hex.EncodeToString(h[:]) != c.Hash {
			t.Fatalf("continuation hashes to %x, keyed %s", h, c.Hash)
		}
		if h, err := ContractHash(k); err != nil || hex.EncodeToString(h[:]) != c.Hash {
			t.Fatalf("ContractHash = %x, %v", h, err)
		}
		conts[c.Hash] = k
	}
	// The upstream root, as in the vector's JSON: one merkleized deposit case.
	var rootJSON struct {
		Timeout int64
		When    []struct {
			MerkleizedThen string `json:"merkleized_then"`
		}
	}
	if err := json.Unmarshal(v.Contract, &rootJSON); err != nil {
		t.Fatal(err)
	}
	party := exAddrParty(t)
	root := When{
		Cases: []Case{{
			Action:     Deposit{Into: party, From: party, Token: Ada, Amount: Constant{N: big.NewInt(12000000)}},
			Merkleized: true,
			Hash:       mustHex(t, rootJSON.When[0].MerkleizedThen),
		}},
		Timeout:      big.NewInt(rootJSON.Timeout),
		Continuation: Close{},
	}
	if rootJSON.When[0].MerkleizedThen != v.Continuations[0].Hash {
		t.Fatalf("root points at %s", rootJSON.When[0].MerkleizedThen)
	}
	// The first continuation's merkleized case points at the second.
	first := conts[v.Continuations[0].Hash].(When)
	if hex.EncodeToString(first.Cases[0].Hash) != v.Continuations[1].Hash {
		t.Fatalf("first continuation points at %x", first.Cases[0].Hash)
	}

	full := demerkleize(t, root, conts)
	got, gotConts, err := Merkleize(full)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustEncode(t, got), mustEncode(t, root)) {
		t.Fatal("merkleized root differs from upstream")
	}
	if len(gotConts) != 2 {
		t.Fatalf("%d continuations, want 2", len(gotConts))
	}
	for _, c := range v.Continuations {
		k, ok := gotConts[c.Hash]
		if !ok {
			t.Fatalf("continuation %s missing", c.Hash)
		}
		if hex.EncodeToString(mustEncode(t, k)) != c.PlutusDataCborHex {
			t.Fatalf("continuation %s encodes differently", c.Hash)
		}
	}
}

func TestMerkleizeRules(t *testing.T) {
	notify := func(c Contract) Case { return Case{Action: Notify{Obs: TrueObs{}}, Then: c} }
	inner := When{Cases: []Case{notify(Pay{From: exRoleA(), To: Payee{Kind: PayeeParty, Party: exRoleA()},
		Token: Ada, Amount: Constant{N: big.NewInt(1)}, Then: Close{}})}, Timeout: big.NewInt(20), Continuation: Close{}}
	pre := Case{Action: Notify{Obs: FalseObs{}}, Merkleized: true, Hash: bytes.Repeat([]byte{7}, 32)}
	c := Assert{Obs: TrueObs{}, Then: When{
		Cases:        []Case{notify(Close{}), notify(inner), pre},
		Timeout:      big.NewInt(10),
		Continuation: If{Obs: TrueObs{}, Then: inner, Else: Close{}},
	}}
	before := mustEncode(t, c)

	root, conts, err := Merkleize(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustEncode(t, c), before) {
		t.Fatal("Merkleize modified its input")
	}
	w := root.(Assert).Then.(When)
	if w.Cases[0].Merkleized {
		t.Fatal("Case _ Close was merkleized")
	}
	if !w.Cases[1].Merkleized || w.Cases[1].Then != nil {
		t.Fatalf("case 1 not merkleized: %+v", w.Cases[1])
	}
	if !bytes.Equal(w.Cases[2].Hash, pre.Hash) {
		t.Fatal("pre-merkleized case changed")
	}
	// Bottom-up: the stored continuation is inner with its own case
	// merkleized, and the hash covers that form.
	k := conts[hex.EncodeToString(w.Cases[1].Hash)]
	kw, ok := k.(When)
	if !ok || !kw.Cases[0].Merkleized {
		t.Fatalf("continuation not merkleized bottom-up: %#v", k)
	}
	if h, _ := ContractHash(k); !bytes.Equal(h[:], w.Cases[1].Hash) {
		t.Fatal("case hash is not the continuation's hash")
	}
	// Timeout continuations are merkleized inside but never replaced.
	tc := w.Continuation.(If).Then.(When)
	if !tc.Cases[0].Merkleized {
		t.Fatal("When inside the timeout continuation not merkleized")
	}
	// inner's Pay continuation and inner itself: 2 continuations in all
	// (inner appears twice with the same hash).
	if len(conts) != 2 {
		t.Fatalf("%d continuations, want 2", len(conts))
	}
	for h, k := range conts {
		if got, _ := ContractHash(k); hex.EncodeToString(got[:]) != h {
			t.Fatalf("continuation keyed %s hashes to %x", h, got)
		}
	}
	// Idempotent, and demerkleizing restores the original.
	again, more, err := Merkleize(root)
	if err != nil || len(more) != 0 || !bytes.Equal(mustEncode(t, again), mustEncode(t, root)) {
		t.Fatalf("second Merkleize: %d new continuations, %v", len(more), err)
	}
	conts[hex.EncodeToString(pre.Hash)] = Close{}
	restored := demerkleize(t, root, conts)
	want := Assert{Obs: TrueObs{}, Then: When{
		Cases:        []Case{notify(Close{}), notify(inner), {Action: pre.Action, Then: Close{}}},
		Timeout:      big.NewInt(10),
		Continuation: If{Obs: TrueObs{}, Then: inner, Else: Close{}},
	}}
	if !bytes.Equal(mustEncode(t, restored), mustEncode(t, want)) {
		t.Fatal("demerkleize(Merkleize(c)) != c")
	}

	// Every constructor survives merkleization.
	all := allConstructors(t)
	mroot, mconts, err := Merkleize(all)
	if err != nil {
		t.Fatal(err)
	}
	if len(mconts) == 0 {
		t.Fatal("nothing merkleized")
	}
	if _, err := EncodeData(mroot); err != nil {
		t.Fatal(err)
	}

	for _, bad := range []Contract{nil, Assert{Obs: TrueObs{}}, When{Cases: []Case{notify(&When{})}}} {
		if _, _, err := Merkleize(bad); err == nil {
			t.Errorf("Merkleize(%#v) accepted", bad)
		}
	}
}
