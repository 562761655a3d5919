package session

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// Table is a sub-protocol whose state is a single enumerated value, written
// as data: each state's Haskell name and agency, and each message's tag,
// the state it may be sent in, the state it leads to and its fields' codec.
// The sync sub-protocols (MarloweSync, MarloweHeaderSync, MarloweBulkSync)
// are such protocols; a Core positioned in a Table is their Machine, so the
// wire rules of wire-protocol.md §4 live in one table per protocol instead
// of in parallel switches over states, tags and message types.
//
// A Table is immutable once built by NewTable and may be shared by any
// number of machines.
type Table[S ~uint8] struct {
	protocol string
	states   []StateSpec
	byTag    map[uint8][]int  // tag → indexes into messages
	byName   map[string][]int // Haskell name → indexes into messages
	messages []MessageSpec[S]
	// perState: some tag means different messages in different states, so
	// a tag outside its state names no message.
	perState bool
}

// StateSpec is one protocol state.
type StateSpec struct {
	// Name is the Haskell name, e.g. "StIdle".
	Name string
	// Agency is who may send in this state; Nobody for a terminal state.
	Agency Agency
	// Quiet marks a wait state where the client polls at its own pace (see
	// the Quiet interface).
	Quiet bool
}

// MessageSpec is one message: a constructor that may be sent in state From
// and moves the session to state To. A constructor allowed in several
// states has one MessageSpec per state, all with the same tag. Tags are
// unique within a state; protocols whose tags restart in every state
// (MarloweTransfer) reuse them across states.
type MessageSpec[S ~uint8] struct {
	Tag   uint8
	From  S
	To    S
	Codec Codec
}

// Codec reads and writes the fields of one message type (what follows the
// tag). Build it with Fields or Bare.
type Codec struct {
	name   string
	value  func(Message) (Message, bool)
	encode func(*binary.Encoder, Message)
	decode func(*binary.Decoder) (Message, error)
}

// Name is the Haskell constructor name of the codec's message type.
func (c Codec) Name() string { return c.name }

// Fields is the codec of message type T whose fields enc writes and dec
// reads. Encode and Step accept T and a non-nil *T alike.
func Fields[T Message](enc func(*binary.Encoder, T), dec func(*binary.Decoder) (T, error)) Codec {
	var zero T
	return Codec{
		name:   zero.MessageName(),
		value:  valueOf[T],
		encode: func(e *binary.Encoder, m Message) { enc(e, m.(T)) },
		decode: func(d *binary.Decoder) (Message, error) {
			m, err := dec(d)
			if err != nil {
				return nil, err
			}
			return m, nil
		},
	}
}

// Bare is the codec of message type T, which has no fields: its zero value
// is the message.
func Bare[T Message]() Codec {
	var zero T
	return Codec{
		name:   zero.MessageName(),
		value:  valueOf[T],
		encode: func(*binary.Encoder, Message) {},
		decode: func(*binary.Decoder) (Message, error) { return zero, nil },
	}
}

// valueOf returns m as a T if it is a T or a non-nil *T.
func valueOf[T Message](m Message) (Message, bool) {
	switch v := any(m).(type) {
	case T:
		return m, true // already boxed: no copy
	case *T:
		if v != nil {
			return *v, true
		}
	}
	return nil, false
}

// NewTable builds the table of protocol from its states (indexed by S) and
// messages. It panics on an inconsistent table (a state out of range, a
// tag used twice in one state, a constructor with two tags or sent from a
// terminal state): tables are package-level literals, so such a mistake is
// a programming error that any test of the protocol finds.
func NewTable[S ~uint8](protocol string, states []StateSpec, messages []MessageSpec[S]) *Table[S] {
	t := &Table[S]{
		protocol: protocol,
		states:   states,
		byTag:    map[uint8][]int{},
		byName:   map[string][]int{},
		messages: messages,
	}
	for i, ms := range messages {
		if int(ms.From) >= len(states) || int(ms.To) >= len(states) {
			panic(fmt.Sprintf("%s: %s: state out of range", protocol, ms.Codec.name))
		}
		if states[ms.From].Agency == Nobody {
			panic(fmt.Sprintf("%s: %s sent from terminal state %s", protocol, ms.Codec.name, states[ms.From].Name))
		}
		for _, j := range t.byTag[ms.Tag] {
			if messages[j].From == ms.From {
				panic(fmt.Sprintf("%s: tag %02x twice in state %s", protocol, ms.Tag, states[ms.From].Name))
			}
			if messages[j].Codec.name != ms.Codec.name {
				t.perState = true
			}
		}
		for _, j := range t.byName[ms.Codec.name] {
			if messages[j].Tag != ms.Tag {
				panic(fmt.Sprintf("%s: %s has two tags", protocol, ms.Codec.name))
			}
		}
		t.byTag[ms.Tag] = append(t.byTag[ms.Tag], i)
		t.byName[ms.Codec.name] = append(t.byName[ms.Codec.name], i)
	}
	return t
}

// Protocol is the sub-protocol's name.
func (t *Table[S]) Protocol() string { return t.protocol }

// Name is the Haskell name of state s.
func (t *Table[S]) Name(s S) string {
	if int(s) < len(t.states) {
		return t.states[s].Name
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Agency is who may send in state s (Nobody for a state out of range).
func (t *Table[S]) Agency(s S) Agency {
	if int(s) < len(t.states) {
		return t.states[s].Agency
	}
	return Nobody
}

// spec finds the message that msg is in state s: the spec, and msg as a
// value (one level of pointer removed).
func (t *Table[S]) spec(s S, msg Message) (*MessageSpec[S], Message, bool) {
	if msg == nil {
		return nil, nil, false
	}
	name := NameOf(msg)
	for _, i := range t.byName[name] {
		ms := &t.messages[i]
		v, ok := ms.Codec.value(msg)
		if !ok {
			return nil, nil, false // another protocol's message of the same name
		}
		if ms.From == s {
			return ms, v, true
		}
	}
	return nil, nil, false
}

// tagName names the message tag stands for in the protocol, or "" when it
// stands for none or the protocol's tags restart in every state.
func (t *Table[S]) tagName(tag uint8) string {
	if specs := t.byTag[tag]; len(specs) > 0 && !t.perState {
		return t.messages[specs[0]].Codec.name
	}
	return ""
}

// Core is a session of a Table's protocol positioned in a state. It
// implements Machine and Quiet; protocols whose state carries more than
// the enumerated value (MarloweSync's version) wrap it and use Check.
type Core[S ~uint8] struct {
	table *Table[S]
	state S
}

var (
	_ Machine = (*Core[uint8])(nil)
	_ Quiet   = (*Core[uint8])(nil)
)

// At returns a Core of t in state s.
func At[S ~uint8](t *Table[S], s S) Core[S] { return Core[S]{table: t, state: s} }

// Protocol implements Machine.
func (c *Core[S]) Protocol() string { return c.table.protocol }

// State implements Machine.
func (c *Core[S]) State() string { return c.table.Name(c.state) }

// Current returns the current state.
func (c *Core[S]) Current() S { return c.state }

// Agency implements Machine.
func (c *Core[S]) Agency() Agency { return c.table.Agency(c.state) }

// Quiet implements Quiet.
func (c *Core[S]) Quiet() bool {
	return int(c.state) < len(c.table.states) && c.table.states[c.state].Quiet
}

// Check says what Step(by, msg) would do without doing it: the state msg
// leads to and msg as a value (*MsgX becomes MsgX), or the error Step
// would return.
func (c *Core[S]) Check(by Agency, msg Message) (S, Message, error) {
	if err := CheckAgency(c, by); err != nil {
		return c.state, nil, err
	}
	ms, v, ok := c.table.spec(c.state, msg)
	if !ok {
		return c.state, nil, Unexpected(c, msg)
	}
	return ms.To, v, nil
}

// Step implements Machine.
func (c *Core[S]) Step(by Agency, msg Message) error {
	next, _, err := c.Check(by, msg)
	if err != nil {
		return err
	}
	c.state = next
	return nil
}

// MoveTo puts the core in state s; wrappers call it after their own checks
// of a message Check accepted.
func (c *Core[S]) MoveTo(s S) { c.state = s }

// Encode implements Machine.
func (c *Core[S]) Encode(e *binary.Encoder, msg Message) error {
	ms, v, ok := c.table.spec(c.state, msg)
	if !ok {
		return Unexpected(c, msg)
	}
	e.PutTag(ms.Tag)
	ms.Codec.encode(e, v)
	if err := e.Err(); err != nil {
		return fmt.Errorf("encode %s %s: %w", c.table.protocol, ms.Codec.name, err)
	}
	return nil
}

// Decode implements Machine: the state decides which tags are valid, so a
// tag of another state is refused even though it belongs to the protocol.
func (c *Core[S]) Decode(d *binary.Decoder) (Message, error) {
	p := c.table.protocol
	if c.Agency() == Nobody {
		return nil, fmt.Errorf("decode %s message: %w: %w", p,
			d.Errorf(d.Offset(), "no message may follow the end of the session"), ErrNoAgency)
	}
	at := d.Offset()
	tag, err := d.U8()
	if err != nil {
		return nil, binary.Wrapf(err, "decode %s message tag", p)
	}
	specs := c.table.byTag[tag]
	for _, i := range specs {
		if ms := &c.table.messages[i]; ms.From == c.state {
			return ms.Codec.decode(d)
		}
	}
	if name := c.table.tagName(tag); name != "" {
		return nil, fmt.Errorf("decode %s message: %w: %w", p,
			d.Errorf(at, "%s (tag %02x) is not allowed in state %s", name, tag, c.State()), ErrUnexpectedMessage)
	}
	return nil, binary.Wrapf(d.Errorf(at, "invalid message tag %02x in state %s", tag, c.State()), "decode %s message", p)
}
