package headersync

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// ProtocolName is the sub-protocol's name, also its handshake signature.
const ProtocolName = "MarloweHeaderSync"

// State is a MarloweHeaderSync protocol state (wire-protocol.md §4.2).
type State uint8

// The protocol states.
const (
	StIdle State = iota
	StIntersect
	StNext
	StWait
	StDone
)

// table is wire-protocol.md §4.2: states, then each message's tag, the
// state it is sent in and the state it leads to.
var table = session.NewTable(ProtocolName,
	[]session.StateSpec{
		StIdle:      {Name: "StIdle", Agency: session.Client},
		StIntersect: {Name: "StIntersect", Agency: session.Server},
		StNext:      {Name: "StNext", Agency: session.Server},
		StWait:      {Name: "StWait", Agency: session.Client, Quiet: true},
		StDone:      {Name: "StDone", Agency: session.Nobody},
	},
	[]session.MessageSpec[State]{
		{Tag: tagRequestNext, From: StIdle, To: StNext, Codec: session.Bare[MsgRequestNext]()},
		{Tag: tagIntersect, From: StIdle, To: StIntersect, Codec: session.Fields(encodeIntersect, decodeIntersect)},
		{Tag: tagDone, From: StIdle, To: StDone, Codec: session.Bare[MsgDone]()},
		{Tag: tagNewHeaders, From: StNext, To: StIdle, Codec: session.Fields(encodeNewHeaders, decodeNewHeaders)},
		{Tag: tagRollBackward, From: StNext, To: StIdle, Codec: session.Fields(encodeRollBackward, decodeRollBackward)},
		{Tag: tagWait, From: StNext, To: StWait, Codec: session.Bare[MsgWait]()},
		{Tag: tagPoll, From: StWait, To: StNext, Codec: session.Bare[MsgPoll]()},
		{Tag: tagCancel, From: StWait, To: StIdle, Codec: session.Bare[MsgCancel]()},
		{Tag: tagIntersectFound, From: StIntersect, To: StIdle, Codec: session.Fields(encodeIntersectFound, decodeIntersectFound)},
		{Tag: tagIntersectNotFound, From: StIntersect, To: StIdle, Codec: session.Bare[MsgIntersectNotFound]()},
	})

// String returns the Haskell name of the state.
func (s State) String() string { return table.Name(s) }

// Agency says who may send in state s.
func (s State) Agency() session.Agency { return table.Agency(s) }

// Machine is one MarloweHeaderSync session (see session.Machine); after
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
	return []*Machine{machineAt(StIdle), machineAt(StIntersect), machineAt(StNext), machineAt(StWait)}
}

func encodeIntersect(e *binary.Encoder, m MsgIntersect) {
	binary.EncodeList(e, m.Points, types.EncodeBlockHeader)
}

func decodeIntersect(d *binary.Decoder) (MsgIntersect, error) {
	points, err := types.DecodeBlockHeaders(d)
	if err != nil {
		return MsgIntersect{}, binary.Wrap(err, "decode MarloweHeaderSync MsgIntersect.points")
	}
	return MsgIntersect{Points: points}, nil
}

func encodeNewHeaders(e *binary.Encoder, m MsgNewHeaders) {
	types.EncodeBlockHeader(e, m.Block)
	binary.EncodeList(e, m.Headers, types.EncodeContractHeader)
}

func decodeNewHeaders(d *binary.Decoder) (MsgNewHeaders, error) {
	var msg MsgNewHeaders
	var err error
	if msg.Block, err = types.DecodeBlockHeader(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweHeaderSync MsgNewHeaders.block")
	}
	if msg.Headers, err = binary.DecodeList(d, types.DecodeContractHeader); err != nil {
		return msg, binary.Wrap(err, "decode MarloweHeaderSync MsgNewHeaders.headers")
	}
	return msg, nil
}

func encodeRollBackward(e *binary.Encoder, m MsgRollBackward) { types.EncodeChainPoint(e, m.Point) }

func decodeRollBackward(d *binary.Decoder) (MsgRollBackward, error) {
	p, err := types.DecodeChainPoint(d)
	if err != nil {
		return MsgRollBackward{}, binary.Wrap(err, "decode MarloweHeaderSync MsgRollBackward.point")
	}
	return MsgRollBackward{Point: p}, nil
}

func encodeIntersectFound(e *binary.Encoder, m MsgIntersectFound) {
	types.EncodeBlockHeader(e, m.Block)
}

func decodeIntersectFound(d *binary.Decoder) (MsgIntersectFound, error) {
	b, err := types.DecodeBlockHeader(d)
	if err != nil {
		return MsgIntersectFound{}, binary.Wrap(err, "decode MarloweHeaderSync MsgIntersectFound.block")
	}
	return MsgIntersectFound{Block: b}, nil
}
