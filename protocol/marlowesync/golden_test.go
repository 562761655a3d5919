package marlowesync

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
// 1240 Binary lines of MarloweSync.golden decodes, in exactly one state, to
// the message its Show line names, with no bytes left, and re-encodes to the
// identical bytes.
func TestGolden(t *testing.T) {
	const wantVectors = 1240
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
	// §7: all 14 messages are covered, RollForward 825 and ContractFound 397.
	if len(perMessage) != 14 || perMessage["MsgRollForward"] != 825 || perMessage["MsgContractFound"] != 397 {
		t.Fatalf("message coverage %v", perMessage)
	}
}

// TestSpecExamples checks the hand-annotated examples of wire-protocol.md
// §4.1 field by field: the bytes decode to the expected Go values, and those
// values encode to the bytes.
func TestSpecExamples(t *testing.T) {
	bh1 := types.BlockHeader{Slot: 1, Block: 1}
	cases := []struct {
		name  string
		state State
		hex   string
		want  session.Message
	}{
		{"§4.1 MsgFollowContract", StInit, "01 0000000000000001 61 0001",
			MsgFollowContract{ContractId: types.ContractId{TxId: "a", TxIx: 1}}},
		{"§4.1 MsgIntersect", StInit,
			"02 0000000000000000 0001 00000001 0000000000000001 0000000000000001 0000000000000000 0000000000000001",
			MsgIntersect{ContractId: types.ContractId{TxIx: 1}, Version: types.MarloweV1, Points: []types.BlockHeader{bh1}}},
		{"§4.1 MsgIntersectFound", StIntersect, "0c 0000000000000001 0000000000000001 61 0000000000000001",
			MsgIntersectFound{Block: types.BlockHeader{Slot: 1, Hash: "a", Block: 1}}},
		{"§4.1 MsgRollForward RedeemPayout", StNext,
			"07 0000000000000001 0000000000000000 0000000000000001 0000000000000001 01 0000000000000000 0001 0000000000000000 0000000000000000 0000000000000000",
			MsgRollForward{Block: bh1, Steps: []types.ContractStep{types.RedeemStep{Utxo: types.TxOutRef{TxIx: 1}}}}},
		{"§4.1 MsgRollBackward", StNext, "08 0000000000000001 0000000000000000 0000000000000001", MsgRollBackward{Block: bh1}},
		{"§4.1 MsgContractNotFound", StFollow, "03", MsgContractNotFound{}},
		{"§4.1 MsgRequestNext", StIdle, "05", MsgRequestNext{}},
		{"§4.1 MsgDone", StIdle, "06", MsgDone{}},
		{"§4.1 MsgWait", StNext, "09", MsgWait{}},
		{"§4.1 MsgPoll", StWait, "0a", MsgPoll{}},
		{"§4.1 MsgCancel", StWait, "0b", MsgCancel{}},
		{"§4.1 MsgIntersectNotFound", StIntersect, "0d", MsgIntersectNotFound{}},
		{"§4.1 MsgRollBackCreation", StNext, "0e", MsgRollBackCreation{}},
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

	// §4.1 MsgContractFound: the annotated CreateStep with a PlutusData
	// datum, empty metadata and an empty payout validator hash.
	b := unhex(t, `04 0000000000000001 0000000000000000 0000000000000001 00000001
		0000000000000000
		00 00000001 0000000000000001 0000000000000000 0000000000000000 00 00000001
		0000000000000000 0001
		00 00 00000000 0000000000000003
		00 00 00000000 0000000000000001 04 0000000000000000
		00 00 00000000 0000000000000004 01 0000000000000000 01 0000000000000000 01 0000000000000000 03 00 00000001
		00 00 00000000 0000000000000000
		0000000000000000
		0000000000000000`)
	msg, err := session.DecodeMessage(machineAt(StFollow), b)
	if err != nil {
		t.Fatal(err)
	}
	cf := msg.(MsgContractFound)
	out := cf.CreateStep.CreateOutput
	if cf.Block != bh1 || cf.Version != types.MarloweV1 || out.Utxo != (types.TxOutRef{TxIx: 1}) ||
		out.Assets.Ada.Int64() != 1 || len(out.Assets.Tokens) != 1 || len(cf.CreateStep.Metadata.Metadata) != 0 ||
		cf.CreateStep.PayoutValidatorHash != "" {
		t.Fatalf("decoded %+v", cf)
	}
	if enc, err := session.EncodeMessage(machineAt(StFollow), cf); err != nil || !bytes.Equal(enc, b) {
		t.Fatalf("re-encoded %x, %v", enc, err)
	}
}
