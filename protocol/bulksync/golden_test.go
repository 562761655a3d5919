package bulksync

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// TestGolden checks the acceptance number of wire-protocol.md §7: each of the
// 1245 Binary lines of MarloweBulkSync.golden decodes, in exactly one state,
// to the message its Show line names, with no bytes left, and re-encodes to
// the identical bytes.
func TestGolden(t *testing.T) {
	const wantVectors = 1245
	vs := goldenVectors(t)
	if len(vs) != wantVectors {
		t.Fatalf("golden file holds %d vectors, want %d", len(vs), wantVectors)
	}
	perMessage, failures := golden.Tally(vs, sessiontest.Machines(GoldenMachines()), true)
	for _, f := range failures {
		t.Error(f)
	}
	passed := len(vs) - len(failures)
	if passed != wantVectors {
		t.Fatalf("%d of %d golden vectors passed", passed, wantVectors)
	}
	// The golden file covers every message but MsgIntersect (its Haskell
	// variations leave it out); TestSpecExamples covers that one by hand.
	if len(perMessage) != 9 || perMessage["MsgRollForward"] != 1229 || perMessage["MsgIntersect"] != 0 {
		t.Fatalf("message coverage %v", perMessage)
	}
}

// TestSpecExamples checks the examples of wire-protocol.md §4.3 and
// hand-derived vectors for the messages without a golden example (tag, then
// the fields of the §4.3 table with the §5.1 encodings): the bytes decode
// to the expected Go values, and those values encode to the bytes.
func TestSpecExamples(t *testing.T) {
	bh1 := types.BlockHeader{Slot: 1, Block: 1}
	bhA := types.BlockHeader{Slot: 1, Hash: "a", Block: 1}
	const hexBH1 = "0000000000000001 0000000000000000 0000000000000001"
	const hexBHA = "0000000000000001 0000000000000001 61 0000000000000001"
	cases := []struct {
		name  string
		state State
		hex   string
		want  session.Message
	}{
		{"§4.3 MsgRequestNext 1", StIdle, "01 01", MsgRequestNext{ExtraBlockCount: 1}},
		{"§4.3 MsgIntersectNotFound Genesis", StIntersect, "0a 00", MsgIntersectNotFound{}},
		{"§4.3 MsgIntersectNotFound At", StIntersect, "0a 01 " + hexBH1, MsgIntersectNotFound{Tip: types.PointAt(bh1)}},
		{"§4.3 MsgRollBackward At Genesis", StNext, "05 01 " + hexBHA + " 00", MsgRollBackward{Point: types.PointAt(bhA)}},
		{"§4.3 MsgRequestNext 0 (derived)", StIdle, "01 00", MsgRequestNext{}},
		{"§4.3 MsgRequestNext 255 (derived)", StIdle, "01 ff", MsgRequestNext{ExtraBlockCount: 255}},
		{"§4.3 MsgIntersect (derived)", StIdle, "02 0000000000000002 " + hexBH1 + " " + hexBHA,
			MsgIntersect{Points: []types.BlockHeader{bh1, bhA}}},
		{"§4.3 MsgIntersect empty (derived)", StIdle, "02 0000000000000000", MsgIntersect{Points: []types.BlockHeader{}}},
		{"§4.3 MsgDone (derived)", StIdle, "03", MsgDone{}},
		{"§4.3 MsgRollForward no blocks (derived)", StNext, "04 0000000000000000 " + hexBHA,
			MsgRollForward{Blocks: []types.MarloweBlock{}, Tip: bhA}},
		{"§4.3 MsgRollForward empty block (derived)", StNext,
			"04 0000000000000001 " + hexBH1 + " 0000000000000000 0000000000000000 0000000000000000 " + hexBHA,
			MsgRollForward{Blocks: []types.MarloweBlock{{BlockHeader: bh1, CreateTransactions: []types.MarloweCreateTransaction{},
				ApplyInputsTransactions: []types.MarloweApplyInputsTransaction{}, WithdrawTransactions: []types.MarloweWithdrawTransaction{}}}, Tip: bhA}},
		{"§4.3 MsgWait (derived)", StNext, "06", MsgWait{}},
		{"§4.3 MsgPoll (derived)", StPoll, "07", MsgPoll{}},
		{"§4.3 MsgCancel (derived)", StPoll, "08", MsgCancel{}},
		{"§4.3 MsgIntersectFound (derived)", StIntersect, "09 " + hexBHA + " " + hexBH1, MsgIntersectFound{Block: bhA, Tip: bh1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := unhex(t, tc.hex)
			got, err := session.DecodeMessage(machineAt(tc.state), b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("decoded %#v, want %#v", got, tc.want)
			}
			out, err := session.EncodeMessage(machineAt(tc.state), tc.want)
			if err != nil || !bytes.Equal(out, b) {
				t.Fatalf("encoded %x, %v; want %x", out, err, b)
			}
		})
	}
}
