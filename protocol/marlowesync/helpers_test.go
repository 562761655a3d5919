package marlowesync

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
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

// decodeAnyState decodes b in the one state that accepts it, returning the
// message and that state.
func decodeAnyState(b []byte) (session.Message, State, bool) {
	for _, m := range GoldenMachines() {
		if msg, err := session.DecodeMessage(m, b); err == nil {
			return msg, m.Current(), true
		}
	}
	return nil, 0, false
}

// goldenSample returns the first golden message named name, decoded.
func goldenSample(tb testing.TB, name string) session.Message {
	tb.Helper()
	for _, v := range goldenVectors(tb) {
		if v.MessageName != name {
			continue
		}
		msg, _, ok := decodeAnyState(v.Binary)
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
func samples(tb testing.TB) []struct {
	msg   session.Message
	state State
} {
	found := goldenSample(tb, "MsgContractFound").(MsgContractFound)
	fwd := goldenSample(tb, "MsgRollForward").(MsgRollForward)
	id := types.ContractId{TxId: "a", TxIx: 1}
	return []struct {
		msg   session.Message
		state State
	}{
		{MsgFollowContract{ContractId: id}, StInit},
		{MsgIntersect{ContractId: id, Version: types.MarloweV1, Points: []types.BlockHeader{header(1, "a")}}, StInit},
		{MsgContractNotFound{}, StFollow},
		{found, StFollow},
		{MsgRequestNext{}, StIdle},
		{MsgDone{}, StIdle},
		{fwd, StNext},
		{MsgRollBackward{Block: header(2, "b")}, StNext},
		{MsgWait{}, StNext},
		{MsgRollBackCreation{}, StNext},
		{MsgPoll{}, StWait},
		{MsgCancel{}, StWait},
		{MsgIntersectFound{Block: header(3, "c")}, StIntersect},
		{MsgIntersectNotFound{}, StIntersect},
	}
}
