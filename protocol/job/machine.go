package job

import (
	"bytes"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Tag identifies a kind of command of a family (Haskell `Tag cmd status err
// result`): it fixes the types, and so the wire forms, of the command's
// status, error and result. String names it in states and errors, e.g.
// "TagCreate MarloweV1".
type Tag interface {
	String() string
}

// Command is one command of a family; CommandTag is its tag (Haskell
// tagFromCommand).
type Command interface {
	CommandTag() Tag
}

// JobID identifies a running job; JobTag is the tag of the command it runs
// (Haskell tagFromJobId).
type JobID interface {
	JobTag() Tag
}

// Codec is a command family's side of the protocol (the Haskell `Command`
// class): the wire forms of its tags, commands, job ids, statuses, errors
// and results. Encoders record a value the tag does not allow (a status for
// a command without one, a result of another command's type) in the
// Encoder's sticky error; decoders fail for such tags (a job id of a command
// that has none). Codecs are stateless and safe for concurrent use.
type Codec interface {
	// Family names the command family, e.g. "MarloweTxCommand"; the
	// protocol's handshake signature is "Job " + Family().
	Family() string
	EncodeTag(e *binary.Encoder, t Tag)
	DecodeTag(d *binary.Decoder) (Tag, error)
	EncodeCommand(e *binary.Encoder, c Command)
	DecodeCommand(d *binary.Decoder, t Tag) (Command, error)
	EncodeJobID(e *binary.Encoder, id JobID)
	DecodeJobID(d *binary.Decoder, t Tag) (JobID, error)
	EncodeStatus(e *binary.Encoder, t Tag, status any)
	DecodeStatus(d *binary.Decoder, t Tag) (any, error)
	EncodeError(e *binary.Encoder, t Tag, err any)
	DecodeError(d *binary.Decoder, t Tag) (any, error)
	EncodeResult(e *binary.Encoder, t Tag, result any)
	DecodeResult(d *binary.Decoder, t Tag) (any, error)
}

// State is a Job protocol state; all but StInit and StDone carry the
// pending command's tag (Machine.Tag).
type State uint8

// The Job protocol states.
const (
	// StInit: the client chooses MsgExec or MsgAttach.
	StInit State = iota
	// StCmd: the server answers for the pending command.
	StCmd
	// StAttach: the server says whether the job to attach to exists.
	StAttach
	// StAwait: the client polls or detaches.
	StAwait
	// StDone: the session is over.
	StDone
)

// String names the state as the spec does, e.g. "StAwait".
func (s State) String() string {
	switch s {
	case StInit:
		return "StInit"
	case StCmd:
		return "StCmd"
	case StAttach:
		return "StAttach"
	case StAwait:
		return "StAwait"
	case StDone:
		return "StDone"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Machine is one Job session of a command family, positioned in its current
// state. It implements session.Machine and session.Quiet.
type Machine struct {
	name  string
	codec Codec
	st    State
	// tag and tagBytes are the pending command's tag and its exact wire
	// form, which replies must repeat (StCmd, StAttach, StAwait).
	tag      Tag
	tagBytes []byte
}

// NewMachine returns a machine in StInit for the family codec c. name is the
// protocol name reported by Protocol (e.g. "TxJob"); empty means
// "Job " + c.Family().
func NewMachine(name string, c Codec) *Machine {
	if name == "" {
		name = "Job " + c.Family()
	}
	return &Machine{name: name, codec: c}
}

// NewMachineAt returns a machine positioned in state st with pending command
// tag t (ignored for StInit and StDone), as if the session had got there.
// Golden tests and the golden command use it to decode server messages
// without replaying a session.
func NewMachineAt(name string, c Codec, st State, t Tag) (*Machine, error) {
	m := NewMachine(name, c)
	switch st {
	case StInit, StDone:
	case StCmd, StAttach, StAwait:
		tb, err := encodeTag(c, t)
		if err != nil {
			return nil, fmt.Errorf("%s: position in %s: %w", m.name, st, err)
		}
		m.tag, m.tagBytes = t, tb
	default:
		return nil, fmt.Errorf("%s: unknown state %d", m.name, uint8(st))
	}
	m.st = st
	return m, nil
}

// encodeTag returns the wire form of tag t.
func encodeTag(c Codec, t Tag) ([]byte, error) {
	if t == nil {
		return nil, fmt.Errorf("nil command tag")
	}
	e := binary.NewEncoder(nil)
	c.EncodeTag(e, t)
	return e.Result()
}

// Protocol implements session.Machine.
func (m *Machine) Protocol() string { return m.name }

// Codec returns the machine's command family codec.
func (m *Machine) Codec() Codec { return m.codec }

// JobState returns the current state.
func (m *Machine) JobState() State { return m.st }

// Tag returns the pending command's tag (nil in StInit).
func (m *Machine) Tag() Tag { return m.tag }

// State implements session.Machine: the state name with the pending tag,
// e.g. "StCmd (TagSubmit)".
func (m *Machine) State() string {
	switch m.st {
	case StCmd, StAttach, StAwait:
		return fmt.Sprintf("%s (%s)", m.st, m.tag)
	}
	return m.st.String()
}

// Agency implements session.Machine.
func (m *Machine) Agency() session.Agency {
	switch m.st {
	case StInit, StAwait:
		return session.Client
	case StCmd, StAttach:
		return session.Server
	}
	return session.Nobody
}

// Quiet implements session.Quiet: after MsgAwait the client polls when it
// chooses.
func (m *Machine) Quiet() bool { return m.st == StAwait }

// wrongState is the decoding error for a known message tag read in a state
// that does not allow it: malformed input (Haskell fails the decode with
// "Invalid protocol state") that is also a protocol error.
func (m *Machine) wrongState(d *binary.Decoder, at int, t byte) error {
	return fmt.Errorf("%s: %w (%w)", m.name,
		d.Errorf(at, "%s (tag %#02x) is not allowed in state %s", messageName(t), t, m.State()),
		session.ErrUnexpectedMessage)
}

// Decode implements session.Machine.
func (m *Machine) Decode(d *binary.Decoder) (session.Message, error) {
	at := d.Offset()
	t, err := d.U8()
	if err != nil {
		return nil, binary.Wrapf(err, "%s: decode message tag", m.name)
	}
	name := messageName(t)
	if name == "" {
		return nil, binary.Wrapf(d.Errorf(at, "invalid message tag %#02x", t), "%s: decode message in state %s", m.name, m.State())
	}
	if m.st != stateOf(t) {
		return nil, m.wrongState(d, at, t)
	}
	msg, err := m.decodeBody(d, t)
	if err != nil {
		return nil, binary.Wrapf(err, "%s: decode %s in state %s", m.name, name, m.State())
	}
	return msg, nil
}

// stateOf is the one state in which message tag t may occur.
func stateOf(t byte) State {
	switch t {
	case tagExec, tagAttach:
		return StInit
	case tagFail, tagSucceed, tagAwait:
		return StCmd
	case tagPoll, tagDetach:
		return StAwait
	case tagAttached, tagAttachFailed:
		return StAttach
	}
	return StDone
}

// decodeBody reads what follows tag byte t, which is valid in the current
// state.
func (m *Machine) decodeBody(d *binary.Decoder, t byte) (session.Message, error) {
	switch t {
	case tagExec:
		tag, err := m.codec.DecodeTag(d)
		if err != nil {
			return nil, err
		}
		cmd, err := m.codec.DecodeCommand(d, tag)
		if err != nil {
			return nil, err
		}
		return MsgExec{Command: cmd}, nil
	case tagAttach:
		tag, err := m.codec.DecodeTag(d)
		if err != nil {
			return nil, err
		}
		id, err := m.codec.DecodeJobID(d, tag)
		if err != nil {
			return nil, err
		}
		return MsgAttach{JobID: id}, nil
	case tagFail, tagSucceed, tagAwait:
		if err := m.decodeRepeatedTag(d); err != nil {
			return nil, err
		}
		switch t {
		case tagFail:
			x, err := m.codec.DecodeError(d, m.tag)
			if err != nil {
				return nil, err
			}
			return MsgFail{Err: x}, nil
		case tagSucceed:
			x, err := m.codec.DecodeResult(d, m.tag)
			if err != nil {
				return nil, err
			}
			return MsgSucceed{Result: x}, nil
		}
		status, err := m.codec.DecodeStatus(d, m.tag)
		if err != nil {
			return nil, err
		}
		id, err := m.codec.DecodeJobID(d, m.tag)
		if err != nil {
			return nil, err
		}
		return MsgAwait{Status: status, JobID: id}, nil
	case tagPoll:
		return MsgPoll{}, nil
	case tagDetach:
		return MsgDetach{}, nil
	case tagAttached:
		return MsgAttached{}, nil
	}
	return MsgAttachFailed{}, nil
}

// decodeRepeatedTag reads the command tag a server reply repeats and checks
// it against the pending one (the Haskell client's tagEq check).
func (m *Machine) decodeRepeatedTag(d *binary.Decoder) error {
	at := d.Offset()
	tag, err := m.codec.DecodeTag(d)
	if err != nil {
		return err
	}
	tb, err := encodeTag(m.codec, tag)
	if err != nil {
		return d.Errorf(at, "command tag %s has no wire form: %v", tag, err)
	}
	if !bytes.Equal(tb, m.tagBytes) {
		return d.Errorf(at, "decoded command tag %s does not match the pending command tag %s", tag, m.tag)
	}
	return nil
}

// allowed reports whether msg may be sent in the current state; it checks
// the message kind only, not its fields.
func (m *Machine) allowed(msg session.Message) bool {
	switch msg.(type) {
	case MsgExec, MsgAttach:
		return m.st == StInit
	case MsgFail, MsgSucceed, MsgAwait:
		return m.st == StCmd
	case MsgPoll, MsgDetach:
		return m.st == StAwait
	case MsgAttached, MsgAttachFailed:
		return m.st == StAttach
	}
	return false
}

// Encode implements session.Machine. Field values the pending command's tag
// does not allow are recorded in e's sticky error.
func (m *Machine) Encode(e *binary.Encoder, msg session.Message) error {
	if !m.allowed(msg) {
		return session.Unexpected(m, msg)
	}
	switch x := msg.(type) {
	case MsgExec:
		if x.Command == nil {
			return fmt.Errorf("%s: MsgExec without a command", m.name)
		}
		e.PutU8(tagExec)
		m.codec.EncodeTag(e, x.Command.CommandTag())
		m.codec.EncodeCommand(e, x.Command)
	case MsgAttach:
		if x.JobID == nil {
			return fmt.Errorf("%s: MsgAttach without a job id", m.name)
		}
		e.PutU8(tagAttach)
		m.codec.EncodeTag(e, x.JobID.JobTag())
		m.codec.EncodeJobID(e, x.JobID)
	case MsgFail:
		e.PutU8(tagFail)
		e.PutRaw(m.tagBytes)
		m.codec.EncodeError(e, m.tag, x.Err)
	case MsgSucceed:
		e.PutU8(tagSucceed)
		e.PutRaw(m.tagBytes)
		m.codec.EncodeResult(e, m.tag, x.Result)
	case MsgAwait:
		if err := m.checkJobID(x.JobID); err != nil {
			return err
		}
		e.PutU8(tagAwait)
		e.PutRaw(m.tagBytes)
		m.codec.EncodeStatus(e, m.tag, x.Status)
		m.codec.EncodeJobID(e, x.JobID)
	case MsgPoll:
		e.PutU8(tagPoll)
	case MsgDetach:
		e.PutU8(tagDetach)
	case MsgAttached:
		e.PutU8(tagAttached)
	case MsgAttachFailed:
		e.PutU8(tagAttachFailed)
	}
	return nil
}

// checkJobID verifies that a MsgAwait job id belongs to the pending command.
func (m *Machine) checkJobID(id JobID) error {
	if id == nil {
		return fmt.Errorf("%s: MsgAwait without a job id", m.name)
	}
	tb, err := encodeTag(m.codec, id.JobTag())
	if err != nil {
		return fmt.Errorf("%s: MsgAwait job id: %w", m.name, err)
	}
	if !bytes.Equal(tb, m.tagBytes) {
		return fmt.Errorf("%s: MsgAwait job id of %s for pending command %s: %w", m.name, id.JobTag(), m.tag, session.ErrUnexpectedMessage)
	}
	return nil
}

// Step implements session.Machine.
func (m *Machine) Step(by session.Agency, msg session.Message) error {
	if err := session.CheckAgency(m, by); err != nil {
		return err
	}
	if !m.allowed(msg) {
		return session.Unexpected(m, msg)
	}
	switch x := msg.(type) {
	case MsgExec:
		if x.Command == nil {
			return fmt.Errorf("%s: MsgExec without a command: %w", m.name, session.ErrUnexpectedMessage)
		}
		return m.pend(StCmd, x.Command.CommandTag())
	case MsgAttach:
		if x.JobID == nil {
			return fmt.Errorf("%s: MsgAttach without a job id: %w", m.name, session.ErrUnexpectedMessage)
		}
		return m.pend(StAttach, x.JobID.JobTag())
	case MsgAwait:
		if err := m.checkJobID(x.JobID); err != nil {
			return err
		}
		m.st = StAwait
	case MsgPoll, MsgAttached:
		m.st = StCmd
	case MsgFail, MsgSucceed, MsgDetach, MsgAttachFailed:
		m.st = StDone
	}
	return nil
}

// pend enters st with t as the pending command tag.
func (m *Machine) pend(st State, t Tag) error {
	tb, err := encodeTag(m.codec, t)
	if err != nil {
		return fmt.Errorf("%s: command tag: %w", m.name, err)
	}
	m.st, m.tag, m.tagBytes = st, t, tb
	return nil
}
