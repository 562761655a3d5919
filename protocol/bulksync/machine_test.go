package bulksync

import (
	"errors"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
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

// proto describes MarloweBulkSync for the generic session checks.
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
// a trailing byte and an invalid ChainPoint tag are refused.
func TestBadBytes(t *testing.T) {
	sessiontest.Truncations(t, proto(t), 0x00, 0x0b, 0x0e, 0xff)

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
	steps := []sessiontest.Step{
		{By: S, Msg: MsgWait{}, WantErr: session.ErrNoAgency},
		{By: C, Msg: MsgPoll{}, WantErr: session.ErrUnexpectedMessage},
		{By: C, Msg: MsgIntersect{Points: []types.BlockHeader{header(1, "a")}}, WantErr: nil},
		{By: C, Msg: MsgRequestNext{}, WantErr: session.ErrNoAgency},
		{By: S, Msg: MsgWait{}, WantErr: session.ErrUnexpectedMessage},
		{By: S, Msg: MsgIntersectNotFound{}, WantErr: nil}, // back to StIdle: the session goes on
		{By: C, Msg: MsgRequestNext{ExtraBlockCount: 3}, WantErr: nil},
		{By: S, Msg: MsgIntersectFound{}, WantErr: session.ErrUnexpectedMessage},
		{By: S, Msg: MsgWait{}, WantErr: nil},
		{By: S, Msg: MsgRollForward{}, WantErr: session.ErrNoAgency},
		{By: C, Msg: MsgPoll{}, WantErr: nil},
		{By: S, Msg: MsgRollForward{Tip: header(2, "b")}, WantErr: nil},
		{By: C, Msg: MsgRequestNext{}, WantErr: nil},
		{By: S, Msg: MsgRollBackward{}, WantErr: nil},
		{By: C, Msg: MsgRequestNext{}, WantErr: nil},
		{By: S, Msg: MsgWait{}, WantErr: nil},
		{By: C, Msg: MsgDone{}, WantErr: session.ErrUnexpectedMessage},
		{By: C, Msg: MsgCancel{}, WantErr: nil},
		{By: C, Msg: MsgIntersect{}, WantErr: nil},
		{By: S, Msg: MsgIntersectFound{Block: header(1, "a")}, WantErr: nil},
		{By: C, Msg: MsgDone{}, WantErr: nil},
		{By: C, Msg: MsgRequestNext{}, WantErr: session.ErrNoAgency},
		{By: S, Msg: MsgWait{}, WantErr: session.ErrNoAgency},
	}
	m := NewMachine()
	sessiontest.Replay(t, m, steps, func(s State) bool { return s == StPoll })
	if m.Current() != StDone || m.Agency() != session.Nobody {
		t.Fatalf("ended in %s", m.Current())
	}
}
