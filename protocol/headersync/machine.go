package headersync

import (
	"fmt"

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

// String returns the Haskell name of the state.
func (s State) String() string {
	switch s {
	case StIdle:
		return "StIdle"
	case StIntersect:
		return "StIntersect"
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
	case StIdle, StWait:
		return session.Client
	case StIntersect, StNext:
		return session.Server
	}
	return session.Nobody
}

// Machine is one MarloweHeaderSync session (see session.Machine). The zero
// value is a machine in StIdle, like NewMachine.
type Machine struct {
	state State
}

var (
	_ session.Machine = (*Machine)(nil)
	_ session.Quiet   = (*Machine)(nil)
)

// NewMachine returns a machine in StIdle.
func NewMachine() *Machine { return &Machine{state: StIdle} }

func machineAt(s State) *Machine { return &Machine{state: s} }

// GoldenMachines returns fresh machines in every non-terminal state, for
// decoding messages whose state is not known (the golden command).
func GoldenMachines() []*Machine {
	return []*Machine{machineAt(StIdle), machineAt(StIntersect), machineAt(StNext), machineAt(StWait)}
}

// Protocol implements session.Machine.
func (m *Machine) Protocol() string { return ProtocolName }

// State implements session.Machine.
func (m *Machine) State() string { return m.state.String() }

// Current returns the current state.
func (m *Machine) Current() State { return m.state }

// Agency implements session.Machine.
func (m *Machine) Agency() session.Agency { return m.state.Agency() }

// Quiet implements session.Quiet: after MsgWait the client polls when it
// chooses, so its silence is not idleness.
func (m *Machine) Quiet() bool { return m.state == StWait }

// transition returns the state that msg (a value, not a pointer) leads to
// from s, and whether msg may be sent in s at all.
func transition(s State, msg session.Message) (State, bool) {
	switch msg.(type) {
	case MsgRequestNext:
		return StNext, s == StIdle
	case MsgIntersect:
		return StIntersect, s == StIdle
	case MsgDone:
		return StDone, s == StIdle
	case MsgNewHeaders, MsgRollBackward:
		return StIdle, s == StNext
	case MsgWait:
		return StWait, s == StNext
	case MsgPoll:
		return StNext, s == StWait
	case MsgCancel:
		return StIdle, s == StWait
	case MsgIntersectFound, MsgIntersectNotFound:
		return StIdle, s == StIntersect
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
	m.state = next
	return nil
}

// Encode implements session.Machine.
func (m *Machine) Encode(e *binary.Encoder, msg session.Message) error {
	v := value(msg)
	if _, ok := transition(m.state, v); !ok {
		return session.Unexpected(m, v)
	}
	switch v := v.(type) {
	case MsgRequestNext:
		e.PutTag(tagRequestNext)
	case MsgIntersect:
		e.PutTag(tagIntersect)
		binary.EncodeList(e, v.Points, types.EncodeBlockHeader)
	case MsgDone:
		e.PutTag(tagDone)
	case MsgNewHeaders:
		e.PutTag(tagNewHeaders)
		types.EncodeBlockHeader(e, v.Block)
		binary.EncodeList(e, v.Headers, types.EncodeContractHeader)
	case MsgRollBackward:
		e.PutTag(tagRollBackward)
		types.EncodeChainPoint(e, v.Point)
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
// MarloweHeaderSync tag.
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
	case StIdle:
		switch tag {
		case tagRequestNext:
			return MsgRequestNext{}, nil
		case tagIntersect:
			points, err := binary.DecodeListMin(d, blockHeaderMinSize, types.DecodeBlockHeader)
			if err != nil {
				return nil, binary.Wrap(err, "decode MarloweHeaderSync MsgIntersect.points")
			}
			return MsgIntersect{Points: points}, nil
		case tagDone:
			return MsgDone{}, nil
		}
	case StNext:
		switch tag {
		case tagNewHeaders:
			return decodeNewHeaders(d)
		case tagRollBackward:
			p, err := types.DecodeChainPoint(d)
			if err != nil {
				return nil, binary.Wrap(err, "decode MarloweHeaderSync MsgRollBackward.point")
			}
			return MsgRollBackward{Point: p}, nil
		case tagWait:
			return MsgWait{}, nil
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
				return nil, binary.Wrap(err, "decode MarloweHeaderSync MsgIntersectFound.block")
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

func decodeNewHeaders(d *binary.Decoder) (session.Message, error) {
	var msg MsgNewHeaders
	var err error
	if msg.Block, err = types.DecodeBlockHeader(d); err != nil {
		return nil, binary.Wrap(err, "decode MarloweHeaderSync MsgNewHeaders.block")
	}
	if msg.Headers, err = binary.DecodeList(d, types.DecodeContractHeader); err != nil {
		return nil, binary.Wrap(err, "decode MarloweHeaderSync MsgNewHeaders.headers")
	}
	return msg, nil
}
