package bulksync

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// goldenVectors reads MarloweBulkSync.golden (wire-protocol.md §7).
func goldenVectors(tb testing.TB) []golden.Vector {
	tb.Helper()
	vs, err := golden.ParseFile(shared.Path(tb, "protocol", "golden", "MarloweBulkSync.golden"))
	if err != nil {
		tb.Fatal(err)
	}
	return vs
}

// goldenRollForwards returns the decoded golden MsgRollForward messages.
func goldenRollForwards(tb testing.TB) []MsgRollForward {
	tb.Helper()
	var out []MsgRollForward
	for _, v := range goldenVectors(tb) {
		if v.MessageName != "MsgRollForward" {
			continue
		}
		msg, _, ok := sessiontest.DecodeAny(GoldenMachines(), v.Binary)
		if !ok {
			tb.Fatalf("golden line %d does not decode", v.Line)
		}
		out = append(out, msg.(MsgRollForward))
	}
	return out
}

// goldenBlocks returns n golden MarloweBlocks moved to blocks 10, 20, 30...
func goldenBlocks(tb testing.TB, n int) []types.MarloweBlock {
	tb.Helper()
	var out []types.MarloweBlock
	for _, rf := range goldenRollForwards(tb) {
		for _, b := range rf.Blocks {
			if len(out) == n {
				return out
			}
			b.BlockHeader = header(uint64(len(out)+1)*10, "")
			out = append(out, b)
		}
	}
	tb.Fatalf("fewer than %d golden blocks", n)
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

// header returns a block header at slot (block number slot/10 + 1), with a
// hash derived from the slot unless one is given.
func header(slot uint64, hash string) types.BlockHeader {
	if hash == "" {
		hash = "h" + string(rune('0'+slot/10%10)) + string(rune('0'+slot%10))
	}
	return types.BlockHeader{Slot: types.SlotNo(slot), Hash: types.BlockHeaderHash(hash), Block: types.BlockNo(slot/10 + 1)}
}

// samples holds valid messages of every constructor, with the state each is
// sent in.
func samples(tb testing.TB) []sessiontest.Sample[State] {
	rf := goldenRollForwards(tb)
	return []sessiontest.Sample[State]{
		{Msg: MsgRequestNext{}, State: StIdle},
		{Msg: MsgRequestNext{ExtraBlockCount: 255}, State: StIdle},
		{Msg: MsgIntersect{Points: []types.BlockHeader{header(1, "a"), header(2, "b")}}, State: StIdle},
		{Msg: MsgDone{}, State: StIdle},
		{Msg: rf[len(rf)/2], State: StNext},
		{Msg: MsgRollForward{Blocks: []types.MarloweBlock{}, Tip: header(5, "t")}, State: StNext},
		{Msg: MsgRollBackward{Point: types.PointAt(header(2, "b")), Tip: types.PointAt(header(3, "c"))}, State: StNext},
		{Msg: MsgRollBackward{}, State: StNext},
		{Msg: MsgWait{}, State: StNext},
		{Msg: MsgPoll{}, State: StPoll},
		{Msg: MsgCancel{}, State: StPoll},
		{Msg: MsgIntersectFound{Block: header(3, "c"), Tip: header(4, "d")}, State: StIntersect},
		{Msg: MsgIntersectNotFound{}, State: StIntersect},
		{Msg: MsgIntersectNotFound{Tip: types.PointAt(header(4, "d"))}, State: StIntersect},
	}
}
