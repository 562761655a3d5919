package contractquery_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	cq "github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Hand-derived vectors, written from wire-protocol.md (sections cited per
// test), not produced by this package.

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.NewReplacer(" ", "", "|", "").Replace(s))
	if err != nil {
		t.Fatalf("bad test hex: %v", err)
	}
	return b
}

func leaf(r cq.Request) *cq.Tree[cq.Request] { return query.Leaf(r) }

func awaiting(t testing.TB, req *cq.Tree[cq.Request]) *cq.Machine {
	t.Helper()
	m, err := cq.NewAwaitingMachine(req)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func check(t *testing.T, fresh func() *cq.Machine, msg session.Message, want []byte) session.Message {
	t.Helper()
	got, err := session.EncodeMessage(fresh(), msg)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding differs\n got %x\nwant %x", got, want)
	}
	back, err := session.DecodeMessage(fresh(), want)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	again, err := session.EncodeMessage(fresh(), back)
	if err != nil || !bytes.Equal(again, want) {
		t.Fatalf("re-encoding the decoded message: %x, %v", again, err)
	}
	return back
}

func i(n int64) *big.Int { return big.NewInt(n) }

// Generic Binary pieces (§5.6): Close = 00; an empty State with minTime 0
// = three empty lists and Integer 0; the interval (0, 10); the input list
// [NormalInput INotify] = count 1, 00 (NormalInput), 02 (INotify).
const (
	closeHex      = "00"
	emptyStateHex = "0000000000000000 0000000000000000 0000000000000000 00 00000000"
	intervalHex   = "00 00000000 00 0000000a"
	notifyListHex = "0000000000000001 00 02"
)

var notify = core.Input{Content: core.INotify{}}

func txInput() core.TransactionInput {
	return core.TransactionInput{Interval: core.TimeInterval{From: i(0), To: i(10)}, Inputs: []core.Input{notify}}
}

// TestRequestVectors47 checks the §4.7 example and a MerkleizeInputs
// request, whose contract, state and V1.TransactionInput are generic
// Binary (§5.6, §6.5: [Input] is NOT Plutus Data here).
func TestRequestVectors47(t *testing.T) {
	cases := []struct {
		name string
		req  *cq.Tree[cq.Request]
		hex  string
	}{
		{"GetContract 61 (§4.7 example)", leaf(cq.GetContract{Hash: "a"}), "01 00 00 00 0000000000000001 61"},
		{"MerkleizeInputs Close emptyState (0,10) [NormalInput INotify]",
			leaf(cq.MerkleizeInputs{Contract: core.Close{}, State: core.EmptyState(i(0)), Input: txInput()}),
			"01 00 00 01 |" + closeHex + "|" + emptyStateHex + "|" + intervalHex + "|" + notifyListHex},
		{"ReqBin GetContract MerkleizeInputs",
			query.Bin(leaf(cq.GetContract{Hash: ""}), leaf(cq.MerkleizeInputs{Contract: core.Close{}, State: core.EmptyState(i(0)),
				Input: core.TransactionInput{Interval: core.TimeInterval{From: i(0), To: i(10)}}})),
			"01 00 01 00 00 0000000000000000 00 01 |" + closeHex + "|" + emptyStateHex + "|" + intervalHex + "| 0000000000000000"},
		{"MsgRequest with a merkleized input",
			leaf(cq.MerkleizeInputs{Contract: core.Close{}, State: core.EmptyState(i(0)), Input: core.TransactionInput{
				Interval: core.TimeInterval{From: i(0), To: i(10)},
				Inputs:   []core.Input{{Content: core.INotify{}, Merkleized: true, Hash: []byte("a"), Continuation: core.Close{}}}}}),
			// MerkleizedInput = 01, InputContent, bytes hash, Contract.
			"01 00 00 01 |" + closeHex + "|" + emptyStateHex + "|" + intervalHex + "| 0000000000000001 01 02 0000000000000001 61 00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check(t, cq.NewMachine, cq.MsgRequest{Request: c.req}, unhex(t, c.hex))
		})
	}
	if _, err := session.DecodeMessage(cq.NewMachine(), unhex(t, "01 00 00 02")); err == nil || !strings.Contains(err.Error(), "invalid ContractRequest tag 0x02") {
		t.Fatalf("tag 02: %v", err)
	}
}

// TestResultVectors47 checks every result shape: Maybe
// ContractWithAdjacency (§4.7 not-found = 00) and Either
// MerkleizeInputsError TransactionInput with all five error constructors
// (§5.4 tags 0..4).
func TestResultVectors47(t *testing.T) {
	get := leaf(cq.GetContract{Hash: "a"})
	merk := leaf(cq.MerkleizeInputs{Contract: core.Close{}, State: core.EmptyState(i(0))})
	cases := []struct {
		name string
		req  *cq.Tree[cq.Request]
		res  cq.Result
		hex  string
	}{
		{"GetContract not found", get, (*cq.ContractWithAdjacency)(nil), "00"},
		{"GetContract found", get, &cq.ContractWithAdjacency{ContractHash: "a", Contract: core.Close{},
			Adjacency: []types.DatumHash{}, Closure: []types.DatumHash{"b", "a"}},
			"01 | 0000000000000001 61 | 00 | 0000000000000000 | 0000000000000002 0000000000000001 61 0000000000000001 62"},
		{"Right input", merk, cq.MerkleizeInputsResult{Input: txInput()}, "01 |" + intervalHex + "|" + notifyListHex},
		{"Left ContractNotFound", merk, cq.MerkleizeInputsResult{Err: cq.MerkleizeInputsContractNotFound{Hash: "a"}}, "00 00 0000000000000001 61"},
		{"Left ApplyNoMatch", merk, cq.MerkleizeInputsResult{Err: cq.MerkleizeInputsApplyNoMatch{Input: notify}}, "00 01 00 02"},
		{"Left ApplyAmbiguousInterval", merk, cq.MerkleizeInputsResult{Err: cq.MerkleizeInputsApplyAmbiguousInterval{Input: notify}}, "00 02 00 02"},
		{"Left ReduceAmbiguousInterval", merk, cq.MerkleizeInputsResult{Err: cq.MerkleizeInputsReduceAmbiguousInterval{Input: notify}}, "00 03 00 02"},
		{"Left IntervalError InvalidInterval (5, 1)", merk,
			cq.MerkleizeInputsResult{Err: cq.MerkleizeInputsIntervalError{Err: core.InvalidInterval{Interval: core.TimeInterval{From: i(5), To: i(1)}}}},
			"00 04 00 | 00 00000005 00 00000001"},
		{"Left IntervalError IntervalInPastError 7 (1, 2)", merk,
			cq.MerkleizeInputsResult{Err: cq.MerkleizeInputsIntervalError{Err: core.IntervalInPastError{MinTime: i(7), Interval: core.TimeInterval{From: i(1), To: i(2)}}}},
			"00 04 01 | 00 00000007 | 00 00000001 00 00000002"},
		{"Left ApplyNoMatch (deposit of 1 ada by role a into role a)", merk,
			cq.MerkleizeInputsResult{Err: cq.MerkleizeInputsApplyNoMatch{Input: core.Input{Content: core.IDeposit{
				Into: core.RolePartyOf("a"), From: core.RolePartyOf("a"), Token: core.Ada, Amount: i(1)}}}},
			// NormalInput, IDeposit 00, Party Role 01 "61" twice, Token "" "", Integer 1.
			"00 01 00 00 | 01 0000000000000001 61 | 01 0000000000000001 61 | 0000000000000000 0000000000000000 | 00 00000001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check(t, func() *cq.Machine { return awaiting(t, c.req) }, cq.MsgRespond{Result: query.Leaf(c.res)}, unhex(t, c.hex))
		})
	}
	// Either and Maybe tags other than 00/01 are refused.
	for _, h := range []string{"02", "00 05"} {
		if _, err := session.DecodeMessage(awaiting(t, merk), unhex(t, h)); err == nil || !errors.Is(err, binary.ErrMalformed) {
			t.Errorf("%s: %v", h, err)
		}
	}
	if _, err := session.DecodeMessage(awaiting(t, get), unhex(t, "02")); err == nil {
		t.Error("Maybe tag 02 accepted")
	}
	// A MerkleizeInputsResult cannot answer GetContract.
	if _, err := session.EncodeMessage(awaiting(t, get), cq.MsgRespond{Result: query.Leaf[cq.Result](cq.MerkleizeInputsResult{})}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Errorf("wrong result type: %v", err)
	}
}

// TestReplay47 drives a ContractQuery session through one machine (§4.4
// framing, §4.7 requests) with refusals of out-of-agency messages.
func TestReplay47(t *testing.T) {
	m := cq.NewMachine()
	if err := m.Step(session.Server, cq.MsgRespond{Result: query.Leaf[cq.Result](nil)}); !errors.Is(err, session.ErrNoAgency) {
		t.Fatalf("server in StReq: %v", err)
	}
	req := query.Bin(leaf(cq.GetContract{}), leaf(cq.MerkleizeInputs{Contract: core.Close{}}))
	if err := m.Step(session.Client, cq.MsgRequest{Request: req}); err != nil {
		t.Fatal(err)
	}
	if m.State() != "StRes (ReqBin (GetContract) (MerkleizeInputs))" {
		t.Fatalf("state %q", m.State())
	}
	if err := m.Step(session.Client, cq.MsgDone{}); !errors.Is(err, session.ErrNoAgency) {
		t.Fatalf("client in StRes: %v", err)
	}
	bad := query.Bin(query.Leaf[cq.Result](cq.MerkleizeInputsResult{}), query.Leaf[cq.Result](nil))
	if err := m.Step(session.Server, cq.MsgRespond{Result: bad}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Fatalf("swapped results: %v", err)
	}
	good := query.Bin(query.Leaf[cq.Result](nil), query.Leaf[cq.Result](cq.MerkleizeInputsResult{}))
	if err := m.Step(session.Server, cq.MsgRespond{Result: good}); err != nil {
		t.Fatal(err)
	}
	if err := m.Step(session.Client, cq.MsgDone{}); err != nil || m.Agency() != session.Nobody {
		t.Fatalf("done: %v", err)
	}
}

// TestGoldenMachines: StReq plus StRes for both request kinds and one
// batch; each hand vector decodes exactly in one of them.
func TestGoldenMachines(t *testing.T) {
	ms := cq.GoldenMachines()
	if len(ms) != 4 {
		t.Fatalf("%d machines", len(ms))
	}
	for _, h := range []string{"01 00 00 00 0000000000000001 61", "00 00", "00", "01 |" + intervalHex + "|" + notifyListHex, "00 | 01 00 00000000 00 00000001 0000000000000000"} {
		in := unhex(t, h)
		ok := false
		for _, m := range cq.GoldenMachines() {
			if msg, err := session.DecodeMessage(m, in); err == nil {
				if out, err := session.EncodeMessage(m, msg); err == nil && bytes.Equal(out, in) {
					ok = true
				}
			}
		}
		if !ok {
			t.Errorf("%s decodes in no golden machine", h)
		}
	}
}
