package marlowesync

import (
	"bytes"
	"errors"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
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

// proto describes MarloweSync for the generic session checks.
func proto(tb testing.TB) sessiontest.Protocol[State, *Machine] {
	return sessiontest.Protocol[State, *Machine]{States: allStates, At: machineAt, Samples: samples(tb), Next: nextState}
}

// TestTransitionMatrix tries every message in every state, from both sides:
// Encode, Decode and Step accept it exactly in the state the spec allows it
// in, and refuse it elsewhere with the right error and without moving.
func TestTransitionMatrix(t *testing.T) { sessiontest.TransitionMatrix(t, proto(t)) }

// TestPointerMessages: Encode and Step take *MsgX like MsgX; a nil pointer
// is refused, never dereferenced.
func TestPointerMessages(t *testing.T) { sessiontest.PointerMessages(t, proto(t)) }

// TestBadBytes: unknown tags are malformed in every state; every proper
// prefix of a message is a short error (so a stream reader waits for more);
// a trailing byte is refused.
func TestBadBytes(t *testing.T) {
	sessiontest.Truncations(t, proto(t), 0x00, 0x0f, 0x10, 0xff)

}

// TestReplay runs whole sessions through one machine, including refused
// messages in the middle, which must leave the state as it was.
func TestReplay(t *testing.T) {
	const (
		C = session.Client
		S = session.Server
	)
	type step = sessiontest.Step
	id := types.ContractId{TxId: "a"}
	found := MsgContractFound{Block: header(1, "a"), Version: types.MarloweV1}
	sessions := []struct {
		name  string
		steps []step
		final State
	}{
		{"follow to rollback of creation", []step{
			{By: S, Msg: MsgContractFound{}, WantErr: session.ErrNoAgency},
			{By: C, Msg: MsgRequestNext{}, WantErr: session.ErrUnexpectedMessage},
			{By: C, Msg: MsgFollowContract{ContractId: id}, WantErr: nil},
			{By: C, Msg: MsgRequestNext{}, WantErr: session.ErrNoAgency},
			{By: S, Msg: MsgRollForward{}, WantErr: session.ErrUnexpectedMessage},
			{By: S, Msg: found, WantErr: nil},
			{By: C, Msg: MsgRequestNext{}, WantErr: nil},
			{By: S, Msg: MsgWait{}, WantErr: nil},
			{By: S, Msg: MsgRollForward{}, WantErr: session.ErrNoAgency},
			{By: C, Msg: MsgRequestNext{}, WantErr: session.ErrUnexpectedMessage},
			{By: C, Msg: MsgPoll{}, WantErr: nil},
			{By: S, Msg: MsgRollForward{Block: header(2, "b")}, WantErr: nil},
			{By: C, Msg: MsgRequestNext{}, WantErr: nil},
			{By: S, Msg: MsgRollBackward{Block: header(1, "a")}, WantErr: nil},
			{By: C, Msg: MsgRequestNext{}, WantErr: nil},
			{By: S, Msg: MsgWait{}, WantErr: nil},
			{By: C, Msg: MsgCancel{}, WantErr: nil},
			{By: C, Msg: MsgRequestNext{}, WantErr: nil},
			{By: S, Msg: MsgRollBackCreation{}, WantErr: nil},
			{By: C, Msg: MsgDone{}, WantErr: session.ErrNoAgency},
			{By: S, Msg: MsgWait{}, WantErr: session.ErrNoAgency},
		}, StDone},
		{"intersect then done", []step{
			{By: C, Msg: MsgIntersect{ContractId: id, Version: types.MarloweV1, Points: []types.BlockHeader{header(1, "a")}}, WantErr: nil},
			{By: S, Msg: MsgContractFound{}, WantErr: session.ErrUnexpectedMessage},
			{By: S, Msg: MsgIntersectFound{Block: header(1, "a")}, WantErr: nil},
			{By: C, Msg: MsgDone{}, WantErr: nil},
		}, StDone},
		{"intersect not found", []step{
			{By: C, Msg: MsgIntersect{ContractId: id, Version: types.MarloweV1}, WantErr: nil},
			{By: S, Msg: MsgIntersectNotFound{}, WantErr: nil},
		}, StDone},
		{"contract not found", []step{
			{By: C, Msg: MsgFollowContract{ContractId: id}, WantErr: nil},
			{By: S, Msg: MsgContractNotFound{}, WantErr: nil},
			{By: C, Msg: MsgFollowContract{ContractId: id}, WantErr: session.ErrNoAgency},
		}, StDone},
		{"wait is quiet", []step{
			{By: C, Msg: MsgFollowContract{ContractId: id}, WantErr: nil},
			{By: S, Msg: found, WantErr: nil},
			{By: C, Msg: MsgRequestNext{}, WantErr: nil},
			{By: S, Msg: MsgWait{}, WantErr: nil},
		}, StWait},
	}
	for _, s := range sessions {
		t.Run(s.name, func(t *testing.T) {
			m := NewMachine()
			sessiontest.Replay(t, m, s.steps, func(s State) bool { return s == StWait })
			if m.Current() != s.final {
				t.Fatalf("ended in %s, want %s", m.Current(), s.final)
			}
			if m.Quiet() != (s.final == StWait) || session.IsQuiet(m) != m.Quiet() {
				t.Fatalf("Quiet() = %v in %s", m.Quiet(), m.Current())
			}
		})
	}
}
