// Package session is the shape every Marlowe Runtime sub-protocol shares: who
// may speak (agency), how the current state decides the reading of the next
// bytes, and how messages move the state. It is the typed-protocols model of
// the Haskell implementation, as pure Go values with no I/O.
//
// Each sub-protocol package (marlowesync, headersync, bulksync, query,
// txjob, load, contractquery, transfer) provides a Machine: a value that
// holds the session's current state, decodes the next message as that state
// dictates, encodes outgoing messages, and refuses any message that is not
// allowed in the current state or comes from the side without agency.
// Drivers (the TCP server, the Go client, tests) move bytes; the machine
// decides what they mean. Because a Machine is pure, sessions are tested by
// replaying message sequences, with no sockets involved.
package session

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// Agency says who may send the next message.
type Agency uint8

const (
	// Nobody: the session is over (a terminal state).
	Nobody Agency = iota
	// Client: the connection's initiator may send.
	Client
	// Server: the accepting side may send.
	Server
)

func (a Agency) String() string {
	switch a {
	case Nobody:
		return "nobody"
	case Client:
		return "client"
	case Server:
		return "server"
	}
	return fmt.Sprintf("Agency(%d)", uint8(a))
}

// Peer returns the other side of a (Client ↔ Server); Nobody stays Nobody.
func (a Agency) Peer() Agency {
	switch a {
	case Client:
		return Server
	case Server:
		return Client
	}
	return Nobody
}

// Message is one message of a sub-protocol: a Go value per Haskell
// constructor (MsgRollForward, MsgRequest, ...).
type Message interface {
	// MessageName is the Haskell constructor name, e.g. "MsgRollForward",
	// as it appears at the start of a golden file's Show line.
	MessageName() string
}

// Machine is one session of one sub-protocol, positioned in its current
// state. Implementations are pure and not safe for concurrent use: one
// driver owns a machine.
type Machine interface {
	// Protocol names the sub-protocol, e.g. "MarloweSync".
	Protocol() string
	// State names the current state for errors and logs, e.g. "StIdle".
	State() string
	// Agency says who may send in the current state; Nobody once the
	// session has ended.
	Agency() Agency
	// Decode reads one message as the current state dictates (the tag byte
	// and the fields that follow). It does not change the state. A short
	// read is reported as a binary short error (binary.IsShort), so a stream
	// reader can fetch more bytes and retry.
	Decode(d *binary.Decoder) (Message, error)
	// Encode writes m's wire form. It does not change the state; it fails
	// with ErrUnexpectedMessage if m cannot occur in the current state.
	Encode(e *binary.Encoder, m Message) error
	// Step moves the state on message m sent by side by. It fails, leaving
	// the state unchanged, with ErrNoAgency when by may not speak now and
	// ErrUnexpectedMessage when m is not allowed in the current state.
	Step(by Agency, m Message) error
}

// Errors a Machine reports; drivers treat both as protocol errors (send a
// failure frame, close the connection).
var (
	// ErrNoAgency: a side sent while the other side had agency, or after
	// the session ended.
	ErrNoAgency = errors.New("protocol error: message sent without agency")
	// ErrUnexpectedMessage: the message is not allowed in the current state.
	ErrUnexpectedMessage = errors.New("protocol error: message not allowed in this state")
)

// Unexpected builds the error for message m arriving in machine mc's current
// state, naming both so that logs and failure frames are actionable.
func Unexpected(mc Machine, m Message) error {
	return fmt.Errorf("%s: %s in state %s: %w", mc.Protocol(), NameOf(m), mc.State(), ErrUnexpectedMessage)
}

// NameOf is m.MessageName(), safe for nil and typed-nil pointer messages
// (whose method would dereference nil), so error paths never panic.
func NameOf(m Message) string {
	if m == nil {
		return "<nil>"
	}
	if v := reflect.ValueOf(m); v.Kind() == reflect.Pointer && v.IsNil() {
		return fmt.Sprintf("%T(nil)", m)
	}
	return m.MessageName()
}

// CheckAgency returns ErrNoAgency (wrapped with context) unless by may speak
// in mc's current state. Machines call it first in Step.
func CheckAgency(mc Machine, by Agency) error {
	if a := mc.Agency(); a == Nobody || a != by {
		return fmt.Errorf("%s: %s sent in state %s where %s has agency: %w", mc.Protocol(), by, mc.State(), a, ErrNoAgency)
	}
	return nil
}

// EncodeMessage returns the bytes of m in mc's current state (without the
// frame's status byte).
func EncodeMessage(mc Machine, m Message) ([]byte, error) {
	e := binary.NewEncoder(nil)
	if err := mc.Encode(e, m); err != nil {
		return nil, err
	}
	return e.Result()
}

// DecodeMessage decodes exactly one message from b in mc's current state;
// bytes left over are an error.
func DecodeMessage(mc Machine, b []byte) (Message, error) {
	d := binary.NewDecoder(b)
	m, err := mc.Decode(d)
	if err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%s %s in state %s: %w", mc.Protocol(), NameOf(m), mc.State(), err)
	}
	return m, nil
}

// Quiet is implemented by machines whose protocol has states in which the
// client holds agency yet may legitimately stay silent for a long time: the
// wait states entered by MsgWait, where a client polls at its own pace. The
// server's idle timeout does not apply while Quiet reports true.
type Quiet interface {
	Quiet() bool
}

// IsQuiet reports whether mc is in a quiet state.
func IsQuiet(mc Machine) bool {
	q, ok := mc.(Quiet)
	return ok && q.Quiet()
}
