package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// A toy protocol: Idle (client) --Ping n--> Busy (server) --Pong n--> Idle;
// Idle --Done--> Done.
type ping struct{ n uint8 }
type pong struct{ n uint8 }
type done struct{}

func (ping) MessageName() string { return "MsgPing" }
func (pong) MessageName() string { return "MsgPong" }
func (done) MessageName() string { return "MsgDone" }

type toyState uint8

const (
	stIdle toyState = iota
	stBusy
	stDone
)

type toy struct{ st toyState }

func (t *toy) Protocol() string { return "Toy" }
func (t *toy) State() string    { return [...]string{"StIdle", "StBusy", "StDone"}[t.st] }
func (t *toy) Agency() Agency {
	return [...]Agency{Client, Server, Nobody}[t.st]
}

func (t *toy) Decode(d *binary.Decoder) (Message, error) {
	tag, err := d.U8()
	if err != nil {
		return nil, err
	}
	switch {
	case t.st == stIdle && tag == 0:
		n, err := d.U8()
		return ping{n}, err
	case t.st == stIdle && tag == 2:
		return done{}, nil
	case t.st == stBusy && tag == 1:
		n, err := d.U8()
		return pong{n}, err
	}
	return nil, errors.New("bad tag")
}

func (t *toy) Encode(e *binary.Encoder, m Message) error {
	switch m := m.(type) {
	case ping:
		e.PutU8(0)
		e.PutU8(m.n)
	case pong:
		e.PutU8(1)
		e.PutU8(m.n)
	case done:
		e.PutU8(2)
	default:
		return Unexpected(t, m)
	}
	return nil
}

func (t *toy) Step(by Agency, m Message) error {
	if err := CheckAgency(t, by); err != nil {
		return err
	}
	switch m.(type) {
	case ping:
		if t.st == stIdle {
			t.st = stBusy
			return nil
		}
	case pong:
		if t.st == stBusy {
			t.st = stIdle
			return nil
		}
	case done:
		if t.st == stIdle {
			t.st = stDone
			return nil
		}
	}
	return Unexpected(t, m)
}

func TestPipeCarriesASessionToItsEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, s := Pipe(&toy{}, &toy{})
	errc := make(chan error, 1)
	go func() { // an echo server
		for {
			m, err := s.Recv(ctx)
			if err != nil {
				errc <- err
				return
			}
			switch m := m.(type) {
			case ping:
				if err := s.Send(ctx, pong{m.n + 1}); err != nil {
					errc <- err
					return
				}
			case done:
				errc <- nil
				return
			}
		}
	}()
	for i := uint8(0); i < 3; i++ {
		if err := c.Send(ctx, ping{i}); err != nil {
			t.Fatal(err)
		}
		m, err := c.Recv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m != (pong{i + 1}) {
			t.Fatalf("got %#v", m)
		}
	}
	if err := c.Send(ctx, done{}); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if c.Machine().Agency() != Nobody || s.Machine().Agency() != Nobody {
		t.Fatal("session not ended on both sides")
	}
}

func TestAgencyAndStateAreEnforced(t *testing.T) {
	ctx := context.Background()
	c, s := Pipe(&toy{}, &toy{})
	defer c.Close()
	// The server may not speak first.
	if err := s.Send(ctx, pong{1}); !errors.Is(err, ErrNoAgency) {
		t.Fatalf("server spoke without agency: %v", err)
	}
	// The client may not receive while it has agency.
	if _, err := c.Recv(ctx); !errors.Is(err, ErrNoAgency) {
		t.Fatalf("client received while holding agency: %v", err)
	}
	// A message that the state does not allow is refused before sending,
	// and the state does not move.
	if err := c.Send(ctx, pong{1}); !errors.Is(err, ErrUnexpectedMessage) {
		t.Fatalf("unexpected message accepted: %v", err)
	}
	if c.Machine().State() != "StIdle" {
		t.Fatalf("state moved to %s", c.Machine().State())
	}
	// After Done nobody may speak.
	m := &toy{st: stDone}
	if err := m.Step(Client, ping{}); !errors.Is(err, ErrNoAgency) {
		t.Fatalf("message after the end: %v", err)
	}
}

func TestDecodeMessageRejectsLeftoverBytes(t *testing.T) {
	if _, err := DecodeMessage(&toy{}, []byte{0, 7, 9}); err == nil {
		t.Fatal("leftover byte accepted")
	}
	m, err := DecodeMessage(&toy{}, []byte{0, 7})
	if err != nil || m != (ping{7}) {
		t.Fatalf("got %v, %v", m, err)
	}
	if _, err := DecodeMessage(&toy{}, []byte{0}); !binary.IsShort(err) {
		t.Fatalf("truncated message: want a short error, got %v", err)
	}
}

func TestClosedPipe(t *testing.T) {
	c, s := Pipe(&toy{}, &toy{})
	s.Close()
	ctx := context.Background()
	if err := c.Send(ctx, ping{1}); err != nil && !errors.Is(err, ErrClosed) {
		t.Fatalf("send on closed pipe: %v", err)
	}
	if _, err := s.Recv(ctx); !errors.Is(err, ErrClosed) && err != nil {
		t.Fatalf("recv on closed pipe: %v", err)
	}
}

type ptrMsg struct{ n int }

func (p *ptrMsg) MessageName() string { return "MsgPtr" + string(rune('0'+p.n)) }

func TestNameOfNeverPanics(t *testing.T) {
	var typedNil *ptrMsg
	for _, tc := range []struct {
		m    Message
		want string
	}{{nil, "<nil>"}, {typedNil, "*session.ptrMsg(nil)"}, {&ptrMsg{1}, "MsgPtr1"}, {ping{}, "MsgPing"}} {
		if got := NameOf(tc.m); got != tc.want {
			t.Errorf("NameOf(%#v) = %q, want %q", tc.m, got, tc.want)
		}
	}
	c, _ := Pipe(&toy{}, &toy{})
	if err := c.Send(context.Background(), typedNil); err == nil {
		t.Fatal("typed nil message sent")
	}
}

func TestMessageSentBeforeCloseIsDelivered(t *testing.T) {
	for range 200 {
		c, s := Pipe(&toy{}, &toy{})
		if err := c.Send(context.Background(), done{}); err != nil {
			t.Fatal(err)
		}
		c.Close()
		m, err := s.Recv(context.Background())
		if err != nil || m != (done{}) {
			t.Fatalf("final message lost to close: %v, %v", m, err)
		}
	}
}
