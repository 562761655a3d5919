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

// String returns the Haskell name of the state.
func (s State) String() string {
	switch s {
	case StInit:
		return "StInit"
	case StFollow:
		return "StFollow"
	case StIntersect:
		return "StIntersect"
	case StIdle:
		return "StIdle"
	case StNext:
		return "StNext"
	case StWait:
		return "StWait"
	case StDone:
		return "StDone"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Agency says who may send in state s.
func (s State) Agency() session.Agency {
	switch s {
	case StInit, StIdle, StWait:
		return session.Client
	case StFollow, StIntersect, StNext:
		return session.Server
	}
	return session.Nobody
}

// versioned reports whether s carries a Marlowe version.
func (s State) versioned() bool {
	return s == StIntersect || s == StIdle || s == StNext || s == StWait
}

// Machine is one MarloweSync session (see session.Machine). The zero value
// is a machine in StInit, like NewMachine.
type Machine struct {
	state   State
	version types.MarloweVersion
}

var (
	_ session.Machine = (*Machine)(nil)
	_ session.Quiet   = (*Machine)(nil)
)

// NewMachine returns a machine in StInit.
func NewMachine() *Machine { return &Machine{state: StInit} }

// machineAt returns a machine positioned in s (version V1 where s carries
// one).
func machineAt(s State) *Machine {
	m := &Machine{state: s}
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

// Protocol implements session.Machine.
func (m *Machine) Protocol() string { return ProtocolName }

// State implements session.Machine.
func (m *Machine) State() string { return m.state.String() }

// Current returns the current state.
func (m *Machine) Current() State { return m.state }

// Version returns the Marlowe version the session follows, or 0 before
// MsgIntersect or MsgContractFound has fixed it.
func (m *Machine) Version() types.MarloweVersion { return m.version }

// Agency implements session.Machine.
func (m *Machine) Agency() session.Agency { return m.state.Agency() }

// Quiet implements session.Quiet: after MsgWait the client polls when it
// chooses, so its silence is not idleness.
func (m *Machine) Quiet() bool { return m.state == StWait }

// transition returns the state that msg (a value, not a pointer) leads to
// from s, and whether msg may be sent in s at all.
func transition(s State, msg session.Message) (State, bool) {
	switch msg.(type) {
	case MsgFollowContract:
		return StFollow, s == StInit
	case MsgIntersect:
		return StIntersect, s == StInit
	case MsgContractNotFound:
		return StDone, s == StFollow
	case MsgContractFound:
		return StIdle, s == StFollow
	case MsgRequestNext:
		return StNext, s == StIdle
	case MsgDone:
		return StDone, s == StIdle
	case MsgRollForward, MsgRollBackward:
		return StIdle, s == StNext
	case MsgRollBackCreation:
		return StDone, s == StNext
	case MsgWait:
		return StWait, s == StNext
	case MsgPoll:
		return StNext, s == StWait
	case MsgCancel:
		return StIdle, s == StWait
	case MsgIntersectFound:
		return StIdle, s == StIntersect
	case MsgIntersectNotFound:
		return StDone, s == StIntersect
	}
	return s, false
}

// Step implements session.Machine.
func (m *Machine) Step(by session.Agency, msg session.Message) error {
	if err := session.CheckAgency(m, by); err != nil {
		return err
	}
	v := value(msg)
	next, ok := transition(m.state, v)
	if !ok {
		return session.Unexpected(m, v)
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
	m.state, m.version = next, version
	return nil
}

// Encode implements session.Machine.
func (m *Machine) Encode(e *binary.Encoder, msg session.Message) error {
	v := value(msg)
	if _, ok := transition(m.state, v); !ok {
		return session.Unexpected(m, v)
	}
	switch v := v.(type) {
	case MsgFollowContract:
		e.PutTag(tagFollowContract)
		types.EncodeContractId(e, v.ContractId)
	case MsgIntersect:
		e.PutTag(tagIntersect)
		types.EncodeContractId(e, v.ContractId)
		types.EncodeMarloweVersion(e, v.Version)
		binary.EncodeList(e, v.Points, types.EncodeBlockHeader)
	case MsgContractNotFound:
		e.PutTag(tagContractNotFound)
	case MsgContractFound:
		e.PutTag(tagContractFound)
		types.EncodeBlockHeader(e, v.Block)
		types.EncodeMarloweVersion(e, v.Version)
		types.EncodeCreateStep(e, v.CreateStep)
	case MsgRequestNext:
		e.PutTag(tagRequestNext)
	case MsgDone:
		e.PutTag(tagDone)
	case MsgRollForward:
		e.PutTag(tagRollForward)
		types.EncodeBlockHeader(e, v.Block)
		binary.EncodeList(e, v.Steps, types.EncodeContractStep)
	case MsgRollBackward:
		e.PutTag(tagRollBackward)
		types.EncodeBlockHeader(e, v.Block)
	case MsgWait:
		e.PutTag(tagWait)
	case MsgPoll:
		e.PutTag(tagPoll)
	case MsgCancel:
		e.PutTag(tagCancel)
	case MsgIntersectFound:
		e.PutTag(tagIntersectFound)
		types.EncodeBlockHeader(e, v.Block)
	case MsgIntersectNotFound:
		e.PutTag(tagIntersectNotFound)
	case MsgRollBackCreation:
		e.PutTag(tagRollBackCreation)
	}
	if err := e.Err(); err != nil {
		return fmt.Errorf("encode %s %s: %w", ProtocolName, v.MessageName(), err)
	}
	return nil
}

// blockHeaderMinSize is the smallest encoding of a BlockHeader (slot, empty
// hash, block number); it bounds list counts before anything is allocated.
const blockHeaderMinSize = 8 + 8 + 8

// Decode implements session.Machine: the state decides which tags are
// valid, so a tag of another state is refused even though it is a
// MarloweSync tag.
func (m *Machine) Decode(d *binary.Decoder) (session.Message, error) {
	if m.state.Agency() == session.Nobody {
		return nil, fmt.Errorf("decode %s message: %w: %w", ProtocolName,
			d.Errorf(d.Offset(), "no message may follow the end of the session"), session.ErrNoAgency)
	}
	at := d.Offset()
	tag, err := d.U8()
	if err != nil {
		return nil, binary.Wrapf(err, "decode %s message tag", ProtocolName)
	}
	switch m.state {
	case StInit:
		switch tag {
		case tagFollowContract:
			id, err := types.DecodeContractId(d)
			if err != nil {
				return nil, binary.Wrap(err, "decode MarloweSync MsgFollowContract.contractId")
			}
			return MsgFollowContract{ContractId: id}, nil
		case tagIntersect:
			return decodeIntersect(d)
		}
	case StFollow:
		switch tag {
		case tagContractNotFound:
			return MsgContractNotFound{}, nil
		case tagContractFound:
			return decodeContractFound(d)
		}
	case StIdle:
		switch tag {
		case tagRequestNext:
			return MsgRequestNext{}, nil
		case tagDone:
			return MsgDone{}, nil
		}
	case StNext:
		switch tag {
		case tagRollForward:
			return decodeRollForward(d)
		case tagRollBackward:
			b, err := types.DecodeBlockHeader(d)
			if err != nil {
				return nil, binary.Wrap(err, "decode MarloweSync MsgRollBackward.block")
			}
			return MsgRollBackward{Block: b}, nil
		case tagWait:
			return MsgWait{}, nil
		case tagRollBackCreation:
			return MsgRollBackCreation{}, nil
		}
	case StWait:
		switch tag {
		case tagPoll:
			return MsgPoll{}, nil
		case tagCancel:
			return MsgCancel{}, nil
		}
	case StIntersect:
		switch tag {
		case tagIntersectFound:
			b, err := types.DecodeBlockHeader(d)
			if err != nil {
				return nil, binary.Wrap(err, "decode MarloweSync MsgIntersectFound.block")
			}
			return MsgIntersectFound{Block: b}, nil
		case tagIntersectNotFound:
			return MsgIntersectNotFound{}, nil
		}
	}
	return nil, m.badTag(d, at, tag)
}

// badTag is the error for a tag the current state does not allow: a known
// tag of another state is also a protocol error (ErrUnexpectedMessage).
func (m *Machine) badTag(d *binary.Decoder, at int, tag uint8) error {
	if name := tagName(tag); name != "" {
		return fmt.Errorf("decode %s message: %w: %w", ProtocolName,
			d.Errorf(at, "%s (tag %02x) is not allowed in state %s", name, tag, m.state), session.ErrUnexpectedMessage)
	}
	return binary.Wrapf(d.Errorf(at, "invalid message tag %02x in state %s", tag, m.state), "decode %s message", ProtocolName)
}

func decodeIntersect(d *binary.Decoder) (session.Message, error) {
	var msg MsgIntersect
	var err error
	if msg.ContractId, err = types.DecodeContractId(d); err != nil {
		return nil, binary.Wrap(err, "decode MarloweSync MsgIntersect.contractId")
	}
	if msg.Version, err = types.DecodeMarloweVersion(d); err != nil {
		return nil, binary.Wrap(err, "decode MarloweSync MsgIntersect.version")
	}
	if msg.Points, err = binary.DecodeListMin(d, blockHeaderMinSize, types.DecodeBlockHeader); err != nil {
		return nil, binary.Wrap(err, "decode MarloweSync MsgIntersect.points")
	}
	return msg, nil
}

func decodeContractFound(d *binary.Decoder) (session.Message, error) {
	var msg MsgContractFound
	var err error
	if msg.Block, err = types.DecodeBlockHeader(d); err != nil {
		return nil, binary.Wrap(err, "decode MarloweSync MsgContractFound.block")
	}
	if msg.Version, err = types.DecodeMarloweVersion(d); err != nil {
		return nil, binary.Wrap(err, "decode MarloweSync MsgContractFound.version")
	}
	if msg.CreateStep, err = types.DecodeCreateStep(d); err != nil {
		return nil, binary.Wrap(err, "decode MarloweSync MsgContractFound.createStep")
	}
	return msg, nil
}

func decodeRollForward(d *binary.Decoder) (session.Message, error) {
	var msg MsgRollForward
	var err error
	if msg.Block, err = types.DecodeBlockHeader(d); err != nil {
		return nil, binary.Wrap(err, "decode MarloweSync MsgRollForward.block")
	}
	if msg.Steps, err = binary.DecodeList(d, types.DecodeContractStep); err != nil {
		return nil, binary.Wrap(err, "decode MarloweSync MsgRollForward.steps")
	}
	return msg, nil
}
