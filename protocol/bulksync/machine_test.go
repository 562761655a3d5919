package bulksync

import (
	"bytes"
	"errors"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

var allStates = []State{StIdle, StIntersect, StNext, StPoll, StDone}

// nextState is the transition table of wire-protocol.md §4.3, written out
// independently of the machine; both intersection answers return to StIdle.
var nextState = map[string]State{
	"MsgRequestNext":       StNext,
	"MsgIntersect":         StIntersect,
	"MsgDone":              StDone,
	"MsgRollForward":       StIdle,
	"MsgRollBackward":      StIdle,
	"MsgWait":              StPoll,
	"MsgPoll":              StNext,
	"MsgCancel":            StIdle,
	"MsgIntersectFound":    StIdle,
	"MsgIntersectNotFound": StIdle,
}

// TestTransitionMatrix tries every message in every state, from both sides:
// Encode, Decode and Step accept it exactly in the state §4.3 allows it in,
// and refuse it elsewhere with the right error and without moving.
func TestTransitionMatrix(t *testing.T) {
	for _, smp := range samples(t) {
		name := smp.msg.MessageName()
		b, err := session.EncodeMessage(machineAt(smp.state), smp.msg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sender := smp.state.Agency()
		for _, st := range allStates {
			allowed := st == smp.state
			_, err := session.EncodeMessage(machineAt(st), smp.msg)
			if allowed != (err == nil) || (!allowed && !errors.Is(err, session.ErrUnexpectedMessage)) {
				t.Errorf("Encode %s in %s: %v", name, st, err)
			}

			_, err = session.DecodeMessage(machineAt(st), b)
			switch {
			case allowed:
				if err != nil {
					t.Errorf("Decode %s in %s: %v", name, st, err)
				}
			case !errors.Is(err, binary.ErrMalformed) || binary.IsShort(err):
				t.Errorf("Decode %s in %s: want a malformed error, got %v", name, st, err)
			case st == StDone && !errors.Is(err, session.ErrNoAgency):
				t.Errorf("Decode %s after the end: %v", name, err)
			case st != StDone && !errors.Is(err, session.ErrUnexpectedMessage):
				t.Errorf("Decode %s in %s: want ErrUnexpectedMessage, got %v", name, st, err)
			}

			for _, by := range []session.Agency{session.Client, session.Server} {
				m := machineAt(st)
				err := m.Step(by, smp.msg)
				switch {
				case allowed && by == sender:
					if err != nil || m.Current() != nextState[name] {
						t.Errorf("Step %s by %s in %s: %v, now %s", name, by, st, err, m.Current())
					}
					continue
				case st.Agency() != by:
					if !errors.Is(err, session.ErrNoAgency) {
						t.Errorf("Step %s by %s in %s: want ErrNoAgency, got %v", name, by, st, err)
					}
				default:
					if !errors.Is(err, session.ErrUnexpectedMessage) {
						t.Errorf("Step %s by %s in %s: want ErrUnexpectedMessage, got %v", name, by, st, err)
					}
				}
				if m.Current() != st {
					t.Errorf("refused Step %s moved %s to %s", name, st, m.Current())
				}
			}
		}
	}
}

// TestPointerMessages: Encode and Step take *MsgX like MsgX; a nil pointer
// is refused, never dereferenced.
func TestPointerMessages(t *testing.T) {
	for _, smp := range samples(t) {
		vb, err := session.EncodeMessage(machineAt(smp.state), smp.msg)
		if err != nil {
			t.Fatal(err)
		}
		ptr := pointerTo(smp.msg)
		pb, err := session.EncodeMessage(machineAt(smp.state), ptr)
		if err != nil || !bytes.Equal(pb, vb) {
			t.Errorf("%s: pointer encodes %x (%v), value %x", smp.msg.MessageName(), pb, err, vb)
		}
		if err := machineAt(smp.state).Step(smp.state.Agency(), ptr); err != nil {
			t.Errorf("%s: pointer Step: %v", smp.msg.MessageName(), err)
		}
	}
	for _, nilMsg := range []session.Message{(*MsgRequestNext)(nil), (*MsgIntersect)(nil), nil} {
		if _, err := session.EncodeMessage(machineAt(StIdle), nilMsg); !errors.Is(err, session.ErrUnexpectedMessage) {
			t.Errorf("nil %T encoded: %v", nilMsg, err)
		}
		if err := machineAt(StIdle).Step(session.Client, nilMsg); !errors.Is(err, session.ErrUnexpectedMessage) {
			t.Errorf("nil %T stepped: %v", nilMsg, err)
		}
	}
}

func pointerTo(m session.Message) session.Message {
	switch m := m.(type) {
	case MsgRequestNext:
		return &m
	case MsgIntersect:
		return &m
	case MsgDone:
		return &m
	case MsgRollForward:
		return &m
	case MsgRollBackward:
		return &m
	case MsgWait:
		return &m
	case MsgPoll:
		return &m
	case MsgCancel:
		return &m
	case MsgIntersectFound:
		return &m
	case MsgIntersectNotFound:
		return &m
	}
	panic("unknown message")
}

// TestBadBytes: unknown tags are malformed in every state; every proper
// prefix of a message is a short error (so a stream reader waits for more);
// a trailing byte and an invalid ChainPoint tag are refused.
func TestBadBytes(t *testing.T) {
	for _, st := range allStates {
		for _, tag := range []byte{0x00, 0x0b, 0x0e, 0xff} {
			_, err := session.DecodeMessage(machineAt(st), []byte{tag})
			if !errors.Is(err, binary.ErrMalformed) || errors.Is(err, session.ErrUnexpectedMessage) && st != StDone {
				t.Errorf("tag %02x in %s: %v", tag, st, err)
			}
		}
		if st != StDone {
			if _, err := session.DecodeMessage(machineAt(st), nil); !binary.IsShort(err) {
				t.Errorf("empty input in %s: %v", st, err)
			}
		}
	}
	for _, smp := range samples(t) {
		b, _ := session.EncodeMessage(machineAt(smp.state), smp.msg)
		for n := 0; n < len(b); n++ {
			if _, err := session.DecodeMessage(machineAt(smp.state), b[:n]); !binary.IsShort(err) {
				t.Fatalf("%s cut to %d of %d bytes: want a short error, got %v", smp.msg.MessageName(), n, len(b), err)
			}
		}
		if _, err := session.DecodeMessage(machineAt(smp.state), append(bytes.Clone(b), 0)); err == nil || binary.IsShort(err) {
			t.Errorf("%s with a trailing byte: %v", smp.msg.MessageName(), err)
		}
	}
	if _, err := session.DecodeMessage(machineAt(StNext), []byte{0x05, 0x00, 0x02}); !errors.Is(err, binary.ErrMalformed) {
		t.Errorf("ChainPoint tag 02 accepted: %v", err)
	}
	// A list count larger than the input is a short error before anything
	// is allocated for it.
	huge := unhex(t, "02 7fffffffffffffff")
	if _, err := session.DecodeMessage(machineAt(StIdle), huge); !binary.IsShort(err) {
		t.Errorf("huge MsgIntersect count: %v", err)
	}
}

// TestReplay runs whole sessions through one machine, including refused
// messages in the middle, which must leave the state as it was.
func TestReplay(t *testing.T) {
	const (
		C = session.Client
		S = session.Server
	)
	type step struct {
		by      session.Agency
		msg     session.Message
		wantErr error
	}
	steps := []step{
		{S, MsgWait{}, session.ErrNoAgency},
		{C, MsgPoll{}, session.ErrUnexpectedMessage},
		{C, MsgIntersect{Points: []types.BlockHeader{header(1, "a")}}, nil},
		{C, MsgRequestNext{}, session.ErrNoAgency},
		{S, MsgWait{}, session.ErrUnexpectedMessage},
		{S, MsgIntersectNotFound{}, nil}, // back to StIdle: the session goes on
		{C, MsgRequestNext{ExtraBlockCount: 3}, nil},
		{S, MsgIntersectFound{}, session.ErrUnexpectedMessage},
		{S, MsgWait{}, nil},
		{S, MsgRollForward{}, session.ErrNoAgency},
		{C, MsgPoll{}, nil},
		{S, MsgRollForward{Tip: header(2, "b")}, nil},
		{C, MsgRequestNext{}, nil},
		{S, MsgRollBackward{}, nil},
		{C, MsgRequestNext{}, nil},
		{S, MsgWait{}, nil},
		{C, MsgDone{}, session.ErrUnexpectedMessage},
		{C, MsgCancel{}, nil},
		{C, MsgIntersect{}, nil},
		{S, MsgIntersectFound{Block: header(1, "a")}, nil},
		{C, MsgDone{}, nil},
		{C, MsgRequestNext{}, session.ErrNoAgency},
		{S, MsgWait{}, session.ErrNoAgency},
	}
	m := NewMachine()
	for i, st := range steps {
		before := m.Current()
		err := m.Step(st.by, st.msg)
		if !errors.Is(err, st.wantErr) || (st.wantErr == nil) != (err == nil) {
			t.Fatalf("step %d (%s by %s in %s): got %v, want %v", i, st.msg.MessageName(), st.by, before, err, st.wantErr)
		}
		if err != nil && m.Current() != before {
			t.Fatalf("step %d: refused message moved %s to %s", i, before, m.Current())
		}
		if m.Quiet() != (m.Current() == StPoll) {
			t.Fatalf("step %d: Quiet() = %v in %s", i, m.Quiet(), m.Current())
		}
	}
	if m.Current() != StDone || m.Agency() != session.Nobody {
		t.Fatalf("ended in %s", m.Current())
	}
}
