package marlowesync

import (
	"bytes"
	"errors"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

var allStates = []State{StInit, StFollow, StIntersect, StIdle, StNext, StWait, StDone}

// nextState is the transition table of wire-protocol.md §4.1, written out
// independently of the machine.
var nextState = map[string]State{
	"MsgFollowContract":    StFollow,
	"MsgIntersect":         StIntersect,
	"MsgContractNotFound":  StDone,
	"MsgContractFound":     StIdle,
	"MsgRequestNext":       StNext,
	"MsgDone":              StDone,
	"MsgRollForward":       StIdle,
	"MsgRollBackward":      StIdle,
	"MsgWait":              StWait,
	"MsgPoll":              StNext,
	"MsgCancel":            StIdle,
	"MsgIntersectFound":    StIdle,
	"MsgIntersectNotFound": StDone,
	"MsgRollBackCreation":  StDone,
}

// TestTransitionMatrix tries every message in every state, from both sides:
// Encode, Decode and Step accept it exactly in the state §4.1 allows it in,
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
		m := machineAt(smp.state)
		if err := m.Step(smp.state.Agency(), ptr); err != nil {
			t.Errorf("%s: pointer Step: %v", smp.msg.MessageName(), err)
		}
	}
	for _, nilMsg := range []session.Message{(*MsgRequestNext)(nil), (*MsgRollForward)(nil), nil} {
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
	case MsgFollowContract:
		return &m
	case MsgIntersect:
		return &m
	case MsgContractNotFound:
		return &m
	case MsgContractFound:
		return &m
	case MsgRequestNext:
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
	case MsgRollBackCreation:
		return &m
	}
	panic("unknown message")
}

// TestMarloweVersion: only V1 (u32 00000001) exists (§5.2); any other
// version is refused by Decode, Encode and Step.
func TestMarloweVersion(t *testing.T) {
	intersect := unhex(t, "02 0000000000000000 0001 00000001 0000000000000000")
	found := goldenSample(t, "MsgContractFound").(MsgContractFound)
	foundBytes, err := session.EncodeMessage(machineAt(StFollow), found)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []uint32{0, 2, 0xffffffff} {
		bad := bytes.Clone(intersect)
		bad[11], bad[12], bad[13], bad[14] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
		if _, err := session.DecodeMessage(machineAt(StInit), bad); !errors.Is(err, binary.ErrMalformed) {
			t.Errorf("MsgIntersect version %d decoded: %v", v, err)
		}
		badFound := bytes.Clone(foundBytes)
		badFound[25], badFound[26], badFound[27], badFound[28] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
		if _, err := session.DecodeMessage(machineAt(StFollow), badFound); !errors.Is(err, binary.ErrMalformed) {
			t.Errorf("MsgContractFound version %d decoded: %v", v, err)
		}
		msg := MsgIntersect{Version: types.MarloweVersion(v)}
		if _, err := session.EncodeMessage(machineAt(StInit), msg); err == nil {
			t.Errorf("MsgIntersect version %d encoded", v)
		}
		m := NewMachine()
		if err := m.Step(session.Client, msg); !errors.Is(err, session.ErrUnexpectedMessage) || m.Current() != StInit {
			t.Errorf("MsgIntersect version %d stepped: %v", v, err)
		}
		m = machineAt(StFollow)
		f := found
		f.Version = types.MarloweVersion(v)
		if err := m.Step(session.Server, f); !errors.Is(err, session.ErrUnexpectedMessage) || m.Current() != StFollow {
			t.Errorf("MsgContractFound version %d stepped: %v", v, err)
		}
	}
	m := NewMachine()
	if m.Version() != 0 {
		t.Fatal("version known before it was sent")
	}
	if err := m.Step(session.Client, MsgIntersect{Version: types.MarloweV1}); err != nil || m.Version() != types.MarloweV1 {
		t.Fatalf("V1 intersect: %v, version %d", err, m.Version())
	}
}

// TestBadBytes: unknown tags are malformed in every state; every proper
// prefix of a message is a short error (so a stream reader waits for more);
// a trailing byte is refused.
func TestBadBytes(t *testing.T) {
	for _, st := range allStates {
		for _, tag := range []byte{0x00, 0x0f, 0x10, 0xff} {
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
	id := types.ContractId{TxId: "a"}
	found := MsgContractFound{Block: header(1, "a"), Version: types.MarloweV1}
	sessions := []struct {
		name  string
		steps []step
		final State
	}{
		{"follow to rollback of creation", []step{
			{S, MsgContractFound{}, session.ErrNoAgency},
			{C, MsgRequestNext{}, session.ErrUnexpectedMessage},
			{C, MsgFollowContract{ContractId: id}, nil},
			{C, MsgRequestNext{}, session.ErrNoAgency},
			{S, MsgRollForward{}, session.ErrUnexpectedMessage},
			{S, found, nil},
			{C, MsgRequestNext{}, nil},
			{S, MsgWait{}, nil},
			{S, MsgRollForward{}, session.ErrNoAgency},
			{C, MsgRequestNext{}, session.ErrUnexpectedMessage},
			{C, MsgPoll{}, nil},
			{S, MsgRollForward{Block: header(2, "b")}, nil},
			{C, MsgRequestNext{}, nil},
			{S, MsgRollBackward{Block: header(1, "a")}, nil},
			{C, MsgRequestNext{}, nil},
			{S, MsgWait{}, nil},
			{C, MsgCancel{}, nil},
			{C, MsgRequestNext{}, nil},
			{S, MsgRollBackCreation{}, nil},
			{C, MsgDone{}, session.ErrNoAgency},
			{S, MsgWait{}, session.ErrNoAgency},
		}, StDone},
		{"intersect then done", []step{
			{C, MsgIntersect{ContractId: id, Version: types.MarloweV1, Points: []types.BlockHeader{header(1, "a")}}, nil},
			{S, MsgContractFound{}, session.ErrUnexpectedMessage},
			{S, MsgIntersectFound{Block: header(1, "a")}, nil},
			{C, MsgDone{}, nil},
		}, StDone},
		{"intersect not found", []step{
			{C, MsgIntersect{ContractId: id, Version: types.MarloweV1}, nil},
			{S, MsgIntersectNotFound{}, nil},
		}, StDone},
		{"contract not found", []step{
			{C, MsgFollowContract{ContractId: id}, nil},
			{S, MsgContractNotFound{}, nil},
			{C, MsgFollowContract{ContractId: id}, session.ErrNoAgency},
		}, StDone},
		{"wait is quiet", []step{
			{C, MsgFollowContract{ContractId: id}, nil},
			{S, found, nil},
			{C, MsgRequestNext{}, nil},
			{S, MsgWait{}, nil},
		}, StWait},
	}
	for _, s := range sessions {
		t.Run(s.name, func(t *testing.T) {
			m := NewMachine()
			for i, st := range s.steps {
				before := m.Current()
				err := m.Step(st.by, st.msg)
				if !errors.Is(err, st.wantErr) || (st.wantErr == nil) != (err == nil) {
					t.Fatalf("step %d (%s by %s in %s): got %v, want %v", i, st.msg.MessageName(), st.by, before, err, st.wantErr)
				}
				if err != nil && m.Current() != before {
					t.Fatalf("step %d: refused message moved %s to %s", i, before, m.Current())
				}
			}
			if m.Current() != s.final {
				t.Fatalf("ended in %s, want %s", m.Current(), s.final)
			}
			if m.Quiet() != (s.final == StWait) || session.IsQuiet(m) != m.Quiet() {
				t.Fatalf("Quiet() = %v in %s", m.Quiet(), m.Current())
			}
		})
	}
}
