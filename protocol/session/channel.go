package session

import (
	"context"
	"errors"
	"fmt"
)

// Channel carries whole messages of one session between the two peers.
// Every implementation validates against its side's Machine: Send refuses a
// message its side may not send now, Recv decodes as the current state
// dictates and refuses what the peer may not send. Sub-protocol drivers
// (servers and clients) are written against Channel, so they run unchanged
// over TCP (package transport) and over Pipe in tests.
type Channel interface {
	// Send encodes m, steps the machine and transmits it.
	Send(ctx context.Context, m Message) error
	// Recv waits for the peer's next message, decodes it and steps the
	// machine.
	Recv(ctx context.Context) (Message, error)
}

// Call sends req over ch and returns the peer's answer: the request/answer
// step every sub-protocol client is made of.
func Call(ctx context.Context, ch Channel, req Message) (Message, error) {
	if err := ch.Send(ctx, req); err != nil {
		return nil, err
	}
	return ch.Recv(ctx)
}

// UnexpectedAnswer is a client's error for an answer the channel's machine
// let through but that does not answer its request, which only a
// misbehaving Channel can cause.
func UnexpectedAnswer(protocol string, answer Message) error {
	return fmt.Errorf("%s client: unexpected answer %s: %w", protocol, NameOf(answer), ErrUnexpectedMessage)
}

// ErrClosed is returned by a Pipe end whose peer has gone.
var ErrClosed = errors.New("session: channel closed")

// Pipe connects a client and a server machine in memory. Messages cross as
// bytes: each Send encodes under the sender's machine and each Recv decodes
// under the receiver's, exactly as over a socket, so codec and state-machine
// bugs show up in tests that use it.
func Pipe(client, server Machine) (clientEnd, serverEnd *PipeEnd) {
	c2s := make(chan []byte, 1)
	s2c := make(chan []byte, 1)
	done := make(chan struct{})
	clientEnd = &PipeEnd{side: Client, m: client, out: c2s, in: s2c, done: done}
	serverEnd = &PipeEnd{side: Server, m: server, out: s2c, in: c2s, done: done}
	return clientEnd, serverEnd
}

// PipeEnd is one side of a Pipe. It implements Channel.
type PipeEnd struct {
	side Agency
	m    Machine
	out  chan<- []byte
	in   <-chan []byte
	done chan struct{}
}

// Machine returns this side's machine (for inspecting its state in tests).
func (p *PipeEnd) Machine() Machine { return p.m }

// Close ends the pipe for both sides: pending and later calls fail with
// ErrClosed.
func (p *PipeEnd) Close() {
	select {
	case <-p.done:
	default:
		close(p.done)
	}
}

// Send implements Channel.
func (p *PipeEnd) Send(ctx context.Context, m Message) error {
	if err := CheckAgency(p.m, p.side); err != nil {
		return err
	}
	b, err := EncodeMessage(p.m, m)
	if err != nil {
		return fmt.Errorf("%s send %s: %w", p.m.Protocol(), NameOf(m), err)
	}
	if err := p.m.Step(p.side, m); err != nil {
		return err
	}
	select {
	case p.out <- b:
		return nil
	case <-p.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Recv implements Channel.
func (p *PipeEnd) Recv(ctx context.Context) (Message, error) {
	if err := CheckAgency(p.m, p.side.Peer()); err != nil {
		return nil, err
	}
	var b []byte
	// A message already sent wins over a close that came after it, as bytes
	// already in a socket buffer do.
	select {
	case b = <-p.in:
	default:
		select {
		case b = <-p.in:
		case <-p.done:
			select {
			case b = <-p.in:
			default:
				return nil, ErrClosed
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	m, err := DecodeMessage(p.m, b)
	if err != nil {
		return nil, fmt.Errorf("%s recv in state %s: %w", p.m.Protocol(), p.m.State(), err)
	}
	if err := p.m.Step(p.side.Peer(), m); err != nil {
		return nil, err
	}
	return m, nil
}
