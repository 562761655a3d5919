// Package transporttest provides Toy, a tiny ping/pong sub-protocol, and an
// echo driver for it, for testing transports, servers and clients without
// depending on a real Marlowe sub-protocol.
//
// States and messages (tags are per state, as in the real protocols):
//
//	StGreet   (server) --Hello  00--> StIdle      only with NewMachine(true)
//	StIdle    (client) --Ping   00 u8 bytes--> StBusy
//	StIdle    (client) --Done   02--> StDone
//	StBusy    (server) --Pong   01 u8 bytes--> StIdle
//	StBusy    (server) --Wait   03--> StWaiting
//	StWaiting (client, quiet) --Poll 04--> StBusy
package transporttest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Hello is the server's greeting in StGreet.
type Hello struct{}

// Ping asks the server to echo Payload with N+1.
type Ping struct {
	N       uint8
	Payload []byte
}

// Pong answers a Ping.
type Pong struct {
	N       uint8
	Payload []byte
}

// Wait tells the client that the answer is not ready; the client polls.
type Wait struct{}

// Poll asks again after Wait.
type Poll struct{}

// Done ends the session.
type Done struct{}

// MessageName implements session.Message.
func (Hello) MessageName() string { return "MsgHello" }

// MessageName implements session.Message.
func (Ping) MessageName() string { return "MsgPing" }

// MessageName implements session.Message.
func (Pong) MessageName() string { return "MsgPong" }

// MessageName implements session.Message.
func (Wait) MessageName() string { return "MsgWait" }

// MessageName implements session.Message.
func (Poll) MessageName() string { return "MsgPoll" }

// MessageName implements session.Message.
func (Done) MessageName() string { return "MsgDone" }

type state uint8

const (
	stGreet state = iota
	stIdle
	stBusy
	stWaiting
	stDone
)

// Machine is the Toy protocol's session machine.
type Machine struct{ st state }

var (
	_ session.Machine = (*Machine)(nil)
	_ session.Quiet   = (*Machine)(nil)
)

// NewMachine returns a machine in the initial state: StGreet (the server
// speaks first) if greet, StIdle otherwise.
func NewMachine(greet bool) *Machine {
	if greet {
		return &Machine{st: stGreet}
	}
	return &Machine{st: stIdle}
}

// Protocol implements session.Machine.
func (m *Machine) Protocol() string { return "Toy" }

// State implements session.Machine.
func (m *Machine) State() string {
	return [...]string{"StGreet", "StIdle", "StBusy", "StWaiting", "StDone"}[m.st]
}

// Agency implements session.Machine.
func (m *Machine) Agency() session.Agency {
	return [...]session.Agency{session.Server, session.Client, session.Server, session.Client, session.Nobody}[m.st]
}

// Quiet implements session.Quiet: StWaiting, entered by Wait.
func (m *Machine) Quiet() bool { return m.st == stWaiting }

// Decode implements session.Machine.
func (m *Machine) Decode(d *binary.Decoder) (session.Message, error) {
	at := d.Offset()
	tag, err := d.U8()
	if err != nil {
		return nil, err
	}
	switch {
	case m.st == stGreet && tag == 0:
		return Hello{}, nil
	case m.st == stIdle && tag == 0:
		n, p, err := decodeNP(d)
		return Ping{n, p}, err
	case m.st == stIdle && tag == 2:
		return Done{}, nil
	case m.st == stBusy && tag == 1:
		n, p, err := decodeNP(d)
		return Pong{n, p}, err
	case m.st == stBusy && tag == 3:
		return Wait{}, nil
	case m.st == stWaiting && tag == 4:
		return Poll{}, nil
	}
	return nil, d.Errorf(at, "Toy: unknown tag %#02x in state %s", tag, m.State())
}

func decodeNP(d *binary.Decoder) (uint8, []byte, error) {
	n, err := d.U8()
	if err != nil {
		return 0, nil, err
	}
	p, err := d.Bytes()
	if err != nil {
		return 0, nil, binary.Wrap(err, "payload")
	}
	return n, p, nil
}

// Encode implements session.Machine.
func (m *Machine) Encode(e *binary.Encoder, msg session.Message) error {
	switch msg := msg.(type) {
	case Hello:
		if m.st == stGreet {
			e.PutU8(0)
			return nil
		}
	case Ping:
		if m.st == stIdle {
			e.PutU8(0)
			e.PutU8(msg.N)
			e.PutBytes(msg.Payload)
			return nil
		}
	case Done:
		if m.st == stIdle {
			e.PutU8(2)
			return nil
		}
	case Pong:
		if m.st == stBusy {
			e.PutU8(1)
			e.PutU8(msg.N)
			e.PutBytes(msg.Payload)
			return nil
		}
	case Wait:
		if m.st == stBusy {
			e.PutU8(3)
			return nil
		}
	case Poll:
		if m.st == stWaiting {
			e.PutU8(4)
			return nil
		}
	}
	return session.Unexpected(m, msg)
}

// Step implements session.Machine.
func (m *Machine) Step(by session.Agency, msg session.Message) error {
	if err := session.CheckAgency(m, by); err != nil {
		return err
	}
	next, ok := stGreet, false
	switch msg.(type) {
	case Hello:
		next, ok = stIdle, m.st == stGreet
	case Ping:
		next, ok = stBusy, m.st == stIdle
	case Done:
		next, ok = stDone, m.st == stIdle
	case Pong:
		next, ok = stIdle, m.st == stBusy
	case Wait:
		next, ok = stWaiting, m.st == stBusy
	case Poll:
		next, ok = stBusy, m.st == stWaiting
	}
	if !ok {
		return session.Unexpected(m, msg)
	}
	m.st = next
	return nil
}

// Special Ping numbers the Echo driver reacts to.
const (
	// WaitN: answer Wait, then Pong after the client's Poll.
	WaitN uint8 = 0xfe
	// SlowN: hold agency for Echo.Delay before answering.
	SlowN uint8 = 0xfd
	// FailN: the handler fails (ErrHandler), so the server reports it.
	FailN uint8 = 0xfc
)

// ErrHandler is the Echo driver's deliberate failure on Ping FailN.
var ErrHandler = errors.New("toy handler failure")

// Echo is a server driver for Toy: it answers Ping n with Pong n+1 and the
// same payload.
type Echo struct {
	// Greet sends Hello first; use with NewMachine(true).
	Greet bool
	// Delay is how long Ping SlowN keeps the server thinking.
	Delay time.Duration
	// GreetDelay is how long the server holds agency in StGreet before
	// Hello, so that tests can send out of turn without racing the greeting.
	GreetDelay time.Duration
}

// Serve drives the server side until the session ends.
func (e Echo) Serve(ctx context.Context, ch session.Channel) error {
	if e.Greet {
		select {
		case <-time.After(e.GreetDelay):
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := ch.Send(ctx, Hello{}); err != nil {
			return err
		}
	}
	for {
		msg, err := ch.Recv(ctx)
		if err != nil {
			return err
		}
		switch msg := msg.(type) {
		case Done:
			return nil
		case Ping:
			switch msg.N {
			case FailN:
				return ErrHandler
			case SlowN:
				select {
				case <-time.After(e.Delay):
				case <-ctx.Done():
					return ctx.Err()
				}
			case WaitN:
				if err := ch.Send(ctx, Wait{}); err != nil {
					return err
				}
				if _, err := ch.Recv(ctx); err != nil { // Poll
					return err
				}
			}
			if err := ch.Send(ctx, Pong{N: msg.N + 1, Payload: msg.Payload}); err != nil {
				return err
			}
		default:
			return fmt.Errorf("toy echo: unexpected %s", msg.MessageName())
		}
	}
}

// RoundTrip sends Ping n and returns the Pong, polling through Wait (after
// pollAfter) if the server asks the client to wait.
func RoundTrip(ctx context.Context, ch session.Channel, n uint8, payload []byte, pollAfter time.Duration) (Pong, error) {
	if err := ch.Send(ctx, Ping{N: n, Payload: payload}); err != nil {
		return Pong{}, err
	}
	for {
		msg, err := ch.Recv(ctx)
		if err != nil {
			return Pong{}, err
		}
		switch msg := msg.(type) {
		case Pong:
			return msg, nil
		case Wait:
			select {
			case <-time.After(pollAfter):
			case <-ctx.Done():
				return Pong{}, ctx.Err()
			}
			if err := ch.Send(ctx, Poll{}); err != nil {
				return Pong{}, err
			}
		default:
			return Pong{}, fmt.Errorf("toy: unexpected %s", msg.MessageName())
		}
	}
}
