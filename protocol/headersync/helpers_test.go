package headersync

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

// goldenVectors reads MarloweHeaderSync.golden (wire-protocol.md §7).
func goldenVectors(tb testing.TB) []golden.Vector {
	tb.Helper()
	vs, err := golden.ParseFile(shared.Path(tb, "protocol", "golden", "MarloweHeaderSync.golden"))
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

// samples holds one valid message of every constructor (two for the
// ChainPoint of MsgRollBackward), with the state it is sent in.
func samples(tb testing.TB) []sessiontest.Sample[State] {
	return []sessiontest.Sample[State]{
		{Msg: MsgRequestNext{}, State: StIdle},
		{Msg: MsgIntersect{Points: []types.BlockHeader{header(1, "a"), header(2, "b")}}, State: StIdle},
		{Msg: MsgDone{}, State: StIdle},
		{Msg: goldenSample(tb, "MsgNewHeaders"), State: StNext},
		{Msg: MsgRollBackward{Point: types.PointAt(header(2, "b"))}, State: StNext},
		{Msg: MsgRollBackward{}, State: StNext},
		{Msg: MsgWait{}, State: StNext},
		{Msg: MsgPoll{}, State: StWait},
		{Msg: MsgCancel{}, State: StWait},
		{Msg: MsgIntersectFound{Block: header(3, "c")}, State: StIntersect},
		{Msg: MsgIntersectNotFound{}, State: StIntersect},
	}
}
