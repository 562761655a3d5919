package marlowesync

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// ProtocolName is the sub-protocol's name, also its handshake signature.
const ProtocolName = "MarloweSync"

// State is a MarloweSync protocol state (wire-protocol.md §4.1).
type State uint8

// The protocol states. StIntersect, StIdle, StNext and StWait carry a Marlowe
// version, kept by the Machine.
const (
	StInit State = iota
	StFollow
	StIntersect
	StIdle
	StNext
	StWait
	StDone
)

// table is wire-protocol.md §4.1: states, then each message's tag, the
// state it is sent in and the state it leads to.
var table = session.NewTable(ProtocolName,
	[]session.StateSpec{
		StInit:      {Name: "StInit", Agency: session.Client},
		StFollow:    {Name: "StFollow", Agency: session.Server},
		StIntersect: {Name: "StIntersect", Agency: session.Server},
		StIdle:      {Name: "StIdle", Agency: session.Client},
		StNext:      {Name: "StNext", Agency: session.Server},
		StWait:      {Name: "StWait", Agency: session.Client, Quiet: true},
		StDone:      {Name: "StDone", Agency: session.Nobody},
	},
	[]session.MessageSpec[State]{
		{Tag: tagFollowContract, From: StInit, To: StFollow, Codec: session.Fields(encodeFollowContract, decodeFollowContract)},
		{Tag: tagIntersect, From: StInit, To: StIntersect, Codec: session.Fields(encodeIntersect, decodeIntersect)},
		{Tag: tagContractNotFound, From: StFollow, To: StDone, Codec: session.Bare[MsgContractNotFound]()},
		{Tag: tagContractFound, From: StFollow, To: StIdle, Codec: session.Fields(encodeContractFound, decodeContractFound)},
		{Tag: tagRequestNext, From: StIdle, To: StNext, Codec: session.Bare[MsgRequestNext]()},
		{Tag: tagDone, From: StIdle, To: StDone, Codec: session.Bare[MsgDone]()},
		{Tag: tagRollForward, From: StNext, To: StIdle, Codec: session.Fields(encodeRollForward, decodeRollForward)},
		{Tag: tagRollBackward, From: StNext, To: StIdle, Codec: session.Fields(encodeRollBackward, decodeRollBackward)},
		{Tag: tagRollBackCreation, From: StNext, To: StDone, Codec: session.Bare[MsgRollBackCreation]()},
		{Tag: tagWait, From: StNext, To: StWait, Codec: session.Bare[MsgWait]()},
		{Tag: tagPoll, From: StWait, To: StNext, Codec: session.Bare[MsgPoll]()},
		{Tag: tagCancel, From: StWait, To: StIdle, Codec: session.Bare[MsgCancel]()},
		{Tag: tagIntersectFound, From: StIntersect, To: StIdle, Codec: session.Fields(encodeIntersectFound, decodeIntersectFound)},
		{Tag: tagIntersectNotFound, From: StIntersect, To: StDone, Codec: session.Bare[MsgIntersectNotFound]()},
	})

// String returns the Haskell name of the state.
func (s State) String() string { return table.Name(s) }

// Agency says who may send in state s.
func (s State) Agency() session.Agency { return table.Agency(s) }

// versioned reports whether s carries a Marlowe version.
func (s State) versioned() bool {
	return s == StIntersect || s == StIdle || s == StNext || s == StWait
}

// Machine is one MarloweSync session (see session.Machine); after MsgWait
// it is quiet (session.Quiet): the client polls when it chooses. Besides
// the state it keeps the Marlowe version the session follows.
type Machine struct {
	session.Core[State]
	version types.MarloweVersion
}

// NewMachine returns a machine in StInit.
func NewMachine() *Machine { return &Machine{Core: session.At(table, StInit)} }

// machineAt returns a machine positioned in s (version V1 where s carries
// one).
func machineAt(s State) *Machine {
	m := &Machine{Core: session.At(table, s)}
	if s.versioned() {
		m.version = types.MarloweV1
	}
	return m
}

// GoldenMachines returns fresh machines in every non-terminal state, for
// decoding messages whose state is not known (the golden command).
func GoldenMachines() []*Machine {
	return []*Machine{
		machineAt(StInit), machineAt(StFollow), machineAt(StIntersect),
		machineAt(StIdle), machineAt(StNext), machineAt(StWait),
	}
}

// Version returns the Marlowe version the session follows, or 0 before
// MsgIntersect or MsgContractFound has fixed it.
func (m *Machine) Version() types.MarloweVersion { return m.version }

// Step implements session.Machine: the table's transition, and the version
// MsgIntersect or MsgContractFound fixes, which must be one that exists.
func (m *Machine) Step(by session.Agency, msg session.Message) error {
	next, v, err := m.Check(by, msg)
	if err != nil {
		return err
	}
	version := m.version
	switch v := v.(type) {
	case MsgIntersect:
		version = v.Version
	case MsgContractFound:
		version = v.Version
	}
	if next.versioned() && version != types.MarloweV1 {
		return fmt.Errorf("%s: %s for Marlowe version %d, only V1 exists: %w",
			ProtocolName, v.MessageName(), version, session.ErrUnexpectedMessage)
	}
	m.MoveTo(next)
	m.version = version
	return nil
}

func encodeFollowContract(e *binary.Encoder, m MsgFollowContract) {
	types.EncodeContractId(e, m.ContractId)
}

func decodeFollowContract(d *binary.Decoder) (MsgFollowContract, error) {
	id, err := types.DecodeContractId(d)
	if err != nil {
		return MsgFollowContract{}, binary.Wrap(err, "decode MarloweSync MsgFollowContract.contractId")
	}
	return MsgFollowContract{ContractId: id}, nil
}

func encodeIntersect(e *binary.Encoder, m MsgIntersect) {
	types.EncodeContractId(e, m.ContractId)
	types.EncodeMarloweVersion(e, m.Version)
	binary.EncodeList(e, m.Points, types.EncodeBlockHeader)
}

func encodeContractFound(e *binary.Encoder, m MsgContractFound) {
	types.EncodeBlockHeader(e, m.Block)
	types.EncodeMarloweVersion(e, m.Version)
	types.EncodeCreateStep(e, m.CreateStep)
}

func encodeRollForward(e *binary.Encoder, m MsgRollForward) {
	types.EncodeBlockHeader(e, m.Block)
	binary.EncodeList(e, m.Steps, types.EncodeContractStep)
}

func encodeRollBackward(e *binary.Encoder, m MsgRollBackward) { types.EncodeBlockHeader(e, m.Block) }

func decodeRollBackward(d *binary.Decoder) (MsgRollBackward, error) {
	b, err := types.DecodeBlockHeader(d)
	if err != nil {
		return MsgRollBackward{}, binary.Wrap(err, "decode MarloweSync MsgRollBackward.block")
	}
	return MsgRollBackward{Block: b}, nil
}

func encodeIntersectFound(e *binary.Encoder, m MsgIntersectFound) {
	types.EncodeBlockHeader(e, m.Block)
}

func decodeIntersectFound(d *binary.Decoder) (MsgIntersectFound, error) {
	b, err := types.DecodeBlockHeader(d)
	if err != nil {
		return MsgIntersectFound{}, binary.Wrap(err, "decode MarloweSync MsgIntersectFound.block")
	}
	return MsgIntersectFound{Block: b}, nil
}

func decodeIntersect(d *binary.Decoder) (MsgIntersect, error) {
	var msg MsgIntersect
	var err error
	if msg.ContractId, err = types.DecodeContractId(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweSync MsgIntersect.contractId")
	}
	if msg.Version, err = types.DecodeMarloweVersion(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweSync MsgIntersect.version")
	}
	if msg.Points, err = types.DecodeBlockHeaders(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweSync MsgIntersect.points")
	}
	return msg, nil
}

func decodeContractFound(d *binary.Decoder) (MsgContractFound, error) {
	var msg MsgContractFound
	var err error
	if msg.Block, err = types.DecodeBlockHeader(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweSync MsgContractFound.block")
	}
	if msg.Version, err = types.DecodeMarloweVersion(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweSync MsgContractFound.version")
	}
	if msg.CreateStep, err = types.DecodeCreateStep(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweSync MsgContractFound.createStep")
	}
	return msg, nil
}

func decodeRollForward(d *binary.Decoder) (MsgRollForward, error) {
	var msg MsgRollForward
	var err error
	if msg.Block, err = types.DecodeBlockHeader(d); err != nil {
		return msg, binary.Wrap(err, "decode MarloweSync MsgRollForward.block")
	}
	if msg.Steps, err = binary.DecodeList(d, types.DecodeContractStep); err != nil {
		return msg, binary.Wrap(err, "decode MarloweSync MsgRollForward.steps")
	}
	return msg, nil
}
