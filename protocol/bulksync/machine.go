package bulksync

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// ProtocolName is the sub-protocol's name, also its handshake signature.
const ProtocolName = "MarloweBulkSync"

// State is a MarloweBulkSync protocol state (wire-protocol.md §4.3).
type State uint8

// The protocol states.
const (
	StIdle State = iota
	StIntersect
	StNext
	StPoll
	StDone
)

// table is wire-protocol.md §4.3: states, then each message's tag, the
// state it is sent in and the state it leads to.
var table = session.NewTable(ProtocolName,
	[]session.StateSpec{
		StIdle:      {Name: "StIdle", Agency: session.Client},
		StIntersect: {Name: "StIntersect", Agency: session.Server},
		StNext:      {Name: "StNext", Agency: session.Server},
		StPoll:      {Name: "StPoll", Agency: session.Client, Quiet: true},
		StDone:      {Name: "StDone", Agency: session.Nobody},
	},
	[]session.MessageSpec[State]{
		{Tag: tagRequestNext, From: StIdle, To: StNext, Codec: session.Fields(encodeRequestNext, decodeRequestNext)},
		{Tag: tagIntersect, From: StIdle, To: StIntersect, Codec: session.Fields(encodeIntersect, decodeIntersect)},
		{Tag: tagDone, From: StIdle, To: StDone, Codec: session.Bare[MsgDone]()},
		{Tag: tagRollForward, From: StNext, To: StIdle, Codec: session.Fields(encodeRollForward, decodeRollForward)},
		{Tag: tagRollBackward, From: StNext, To: StIdle, Codec: session.Fields(encodeRollBackward, decodeRollBackward)},
		{Tag: tagWait, From: StNext, To: StPoll, Codec: session.Bare[MsgWait]()},
		{Tag: tagPoll, From: StPoll, To: StNext, Codec: session.Bare[MsgPoll]()},
		{Tag: tagCancel, From: StPoll, To: StIdle, Codec: session.Bare[MsgCancel]()},
		{Tag: tagIntersectFound, From: StIntersect, To: StIdle, Codec: session.Fields(encodeIntersectFound, decodeIntersectFound)},
		{Tag: tagIntersectNotFound, From: StIntersect, To: StIdle, Codec: session.Fields(encodeIntersectNotFound, decodeIntersectNotFound)},
	})

// String returns the Haskell name of the state.
func (s State) String() string { return table.Name(s) }

// Agency says who may send in state s.
func (s State) Agency() session.Agency { return table.Agency(s) }

// Machine is one MarloweBulkSync session (see session.Machine); after
// MsgWait it is quiet (session.Quiet): the client polls when it chooses.
type Machine struct {
	session.Core[State]
}

// NewMachine returns a machine in StIdle.
func NewMachine() *Machine { return machineAt(StIdle) }

func machineAt(s State) *Machine { return &Machine{session.At(table, s)} }

// GoldenMachines returns fresh machines in every non-terminal state, for
// decoding messages whose state is not known (the golden command).
func GoldenMachines() []*Machine {
	return []*Machine{machineAt(StIdle), machineAt(StIntersect), machineAt(StNext), machineAt(StPoll)}
}

// marloweBlockMinSize is the smallest encoding of a MarloweBlock: a block
// header and three empty lists. It bounds list counts before anything is
// allocated.
const marloweBlockMinSize = types.BlockHeaderMinSize + 3*8

func encodeRequestNext(e *binary.Encoder, m MsgRequestNext) { e.PutU8(m.ExtraBlockCount) }

func decodeRequestNext(d *binary.Decoder) (MsgRequestNext, error) {
	n, err := d.U8()
	if err != nil {
		return MsgRequestNext{}, binary.Wrap(err, "decode MarloweBulkSync MsgRequestNext.extraBlockCount")
	}
	return MsgRequestNext{ExtraBlockCount: n}, nil
}

func encodeIntersect(e *binary.Encoder, m MsgIntersect) {
	binary.EncodeList(e, m.Points, types.EncodeBlockHeader)
}

func decodeIntersect(d *binary.Decoder) (MsgIntersect, error) {
	points, err := types.DecodeBlockHeaders(d)
	if err != nil {
		return MsgIntersect{}, binary.Wrap(err, "decode MarloweBulkSync MsgIntersect.points")
	}
	return MsgIntersect{Points: points}, nil
}

func encodeRollForward(e *binary.Encoder, m MsgRollForward) {
	binary.EncodeList(e, m.Blocks, types.EncodeMarloweBlock)
	types.EncodeBlockHeader(e, m.Tip)
}

func decodeRollForward(d *binary.Decoder) (MsgRollForward, error) {
	var msg MsgRollForward
	var err error
	if msg.Blocks, err = binary.DecodeListMin(d, marloweBlockMinSize, types.DecodeMarloweBlock); err != nil {
		return msg, binary.Wrap(err, "decode MarloweBulkSync MsgRollForward.blocks")
	}
	if msg.Tip, err = types.DecodeBlockHeader(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweBulkSync MsgRollForward.tip")
	}
	return msg, nil
}

func encodeRollBackward(e *binary.Encoder, m MsgRollBackward) {
	types.EncodeChainPoint(e, m.Point)
	types.EncodeChainPoint(e, m.Tip)
}

func decodeRollBackward(d *binary.Decoder) (MsgRollBackward, error) {
	var msg MsgRollBackward
	var err error
	if msg.Point, err = types.DecodeChainPoint(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweBulkSync MsgRollBackward.point")
	}
	if msg.Tip, err = types.DecodeChainPoint(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweBulkSync MsgRollBackward.tip")
	}
	return msg, nil
}

func encodeIntersectFound(e *binary.Encoder, m MsgIntersectFound) {
	types.EncodeBlockHeader(e, m.Block)
	types.EncodeBlockHeader(e, m.Tip)
}

func decodeIntersectFound(d *binary.Decoder) (MsgIntersectFound, error) {
	var msg MsgIntersectFound
	var err error
	if msg.Block, err = types.DecodeBlockHeader(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweBulkSync MsgIntersectFound.block")
	}
	if msg.Tip, err = types.DecodeBlockHeader(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweBulkSync MsgIntersectFound.tip")
	}
	return msg, nil
}

func encodeIntersectNotFound(e *binary.Encoder, m MsgIntersectNotFound) {
	types.EncodeChainPoint(e, m.Tip)
}

func decodeIntersectNotFound(d *binary.Decoder) (MsgIntersectNotFound, error) {
	tip, err := types.DecodeChainPoint(d)
	if err != nil {
		return MsgIntersectNotFound{}, binary.Wrap(err, "decode MarloweBulkSync MsgIntersectNotFound.tip")
	}
	return MsgIntersectNotFound{Tip: tip}, nil
}
