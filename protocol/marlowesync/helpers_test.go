package marlowesync

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// goldenVectors reads MarloweSync.golden (wire-protocol.md §7).
func goldenVectors(tb testing.TB) []golden.Vector {
	tb.Helper()
	vs, err := golden.ParseFile(shared.Path(tb, "protocol", "golden", "MarloweSync.golden"))
	if err != nil {
		tb.Fatal(err)
	}
	return vs
}

// goldenSample returns the first golden message named name, decoded.
func goldenSample(tb testing.TB, name string) session.Message {
	tb.Helper()
	for _, v := range goldenVectors(tb) {
		if v.MessageName != name {
			continue
		}
		msg, _, ok := sessiontest.DecodeAny(GoldenMachines(), v.Binary)
		if !ok {
			tb.Fatalf("golden line %d does not decode", v.Line)
		}
		return msg
	}
	tb.Fatalf("no golden %s", name)
	return nil
}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func header(slot uint64, hash string) types.BlockHeader {
	return types.BlockHeader{Slot: types.SlotNo(slot), Hash: types.BlockHeaderHash(hash), Block: types.BlockNo(slot)}
}

// samples holds one valid message of every constructor, with the state it
// is sent in.
func samples(tb testing.TB) []sessiontest.Sample[State] {
	found := goldenSample(tb, "MsgContractFound").(MsgContractFound)
	fwd := goldenSample(tb, "MsgRollForward").(MsgRollForward)
	id := types.ContractId{TxId: "a", TxIx: 1}
	return []sessiontest.Sample[State]{
		{Msg: MsgFollowContract{ContractId: id}, State: StInit},
		{Msg: MsgIntersect{ContractId: id, Version: types.MarloweV1, Points: []types.BlockHeader{header(1, "a")}}, State: StInit},
		{Msg: MsgContractNotFound{}, State: StFollow},
		{Msg: found, State: StFollow},
		{Msg: MsgRequestNext{}, State: StIdle},
		{Msg: MsgDone{}, State: StIdle},
		{Msg: fwd, State: StNext},
		{Msg: MsgRollBackward{Block: header(2, "b")}, State: StNext},
		{Msg: MsgWait{}, State: StNext},
		{Msg: MsgRollBackCreation{}, State: StNext},
		{Msg: MsgPoll{}, State: StWait},
		{Msg: MsgCancel{}, State: StWait},
		{Msg: MsgIntersectFound{Block: header(3, "c")}, State: StIntersect},
		{Msg: MsgIntersectNotFound{}, State: StIntersect},
	}
}
