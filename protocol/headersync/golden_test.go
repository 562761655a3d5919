package headersync

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
// 43 Binary lines of MarloweHeaderSync.golden decodes, in exactly one state,
// to the message its Show line names, with no bytes left, and re-encodes to
// the identical bytes.
func TestGolden(t *testing.T) {
	const wantVectors = 43
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
	if len(perMessage) != 9 || perMessage["MsgNewHeaders"] != 32 || perMessage["MsgIntersect"] != 0 {
		t.Fatalf("message coverage %v", perMessage)
	}
}

// TestSpecExamples checks the examples of wire-protocol.md §4.2 and
// hand-derived vectors for MsgIntersect and MsgRollBackward (tag, then
// list<BlockHeader> or ChainPoint per the §4.2 table and §5.1): the bytes
// decode to the expected Go values, and those values encode to the bytes.
func TestSpecExamples(t *testing.T) {
	bh1 := types.BlockHeader{Slot: 1, Block: 1}
	bhA := types.BlockHeader{Slot: 2, Hash: "a", Block: 3}
	cases := []struct {
		name  string
		state State
		hex   string
		want  session.Message
	}{
		{"§4.2 MsgCancel", StWait, "08", MsgCancel{}},
		{"§4.2 MsgIntersectNotFound", StIntersect, "0a", MsgIntersectNotFound{}},
		{"§4.2 MsgIntersectFound", StIntersect, "09 0000000000000001 0000000000000000 0000000000000001", MsgIntersectFound{Block: bh1}},
		{"§4.2 MsgRequestNext", StIdle, "01", MsgRequestNext{}},
		{"§4.2 MsgDone", StIdle, "03", MsgDone{}},
		{"§4.2 MsgWait", StNext, "06", MsgWait{}},
		{"§4.2 MsgPoll", StWait, "07", MsgPoll{}},
		{"§4.2 MsgIntersect (derived)", StIdle,
			"02 0000000000000002 0000000000000001 0000000000000000 0000000000000001 0000000000000002 0000000000000001 61 0000000000000003",
			MsgIntersect{Points: []types.BlockHeader{bh1, bhA}}},
		{"§4.2 MsgIntersect empty (derived)", StIdle, "02 0000000000000000", MsgIntersect{Points: []types.BlockHeader{}}},
		{"§4.2 MsgRollBackward Genesis", StNext, "05 00", MsgRollBackward{}},
		{"§4.2 MsgRollBackward At", StNext, "05 01 0000000000000002 0000000000000001 61 0000000000000003", MsgRollBackward{Point: types.PointAt(bhA)}},
		{"§4.2 MsgNewHeaders no headers (derived)", StNext, "04 0000000000000001 0000000000000000 0000000000000001 0000000000000000",
			MsgNewHeaders{Block: bh1, Headers: []types.ContractHeader{}}},
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

	// §4.2 MsgNewHeaders: one ContractHeader whose Marlowe metadata (tag ""
	// with payload MetadataBytes "") is folded into label 1564.
	b := unhex(t, `04 0000000000000001 0000000000000000 0000000000000001 0000000000000001
		0000000000000000 0001
		0000000000000000
		0000000000000001 000000000000061c
		01 0000000000000002
		02 00 00000002
		01 0000000000000001
		01 0000000000000002 04 0000000000000000 03 0000000000000000
		0000000000000000 0000000000000000 0000000000000000
		00000001
		0000000000000001 0000000000000000 0000000000000001`)
	msg, err := session.DecodeMessage(machineAt(StNext), b)
	if err != nil {
		t.Fatal(err)
	}
	nh := msg.(MsgNewHeaders)
	if nh.Block != bh1 || len(nh.Headers) != 1 {
		t.Fatalf("decoded %+v", nh)
	}
	h := nh.Headers[0]
	if h.ContractId != (types.ContractId{TxIx: 1}) || h.MarloweVersion != types.MarloweV1 || h.BlockHeader != bh1 ||
		h.Metadata.Marlowe == nil || len(h.Metadata.Marlowe.Tags) != 1 {
		t.Fatalf("decoded header %+v", h)
	}
	if enc, err := session.EncodeMessage(machineAt(StNext), nh); err != nil || !bytes.Equal(enc, b) {
		t.Fatalf("re-encoded %x, %v", enc, err)
	}
}
