package load

import (
	"encoding/hex"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// step is one message of a replayed session and the state expected after
// it, or the error expected instead (the state must then be unchanged).
type step struct {
	by      session.Agency
	msg     session.Message
	state   string
	wantErr error
}

var (
	c = session.Client
	s = session.Server
)

func replay(t *testing.T, m *Machine, steps []step) {
	t.Helper()
	for i, st := range steps {
		before := m.State()
		if st.wantErr == nil {
			// What the machine accepts must cross the wire in this state:
			// encode it and decode it back on a copy.
			cp := *m
			cp.nodes = slices.Clone(m.nodes)
			b, err := session.EncodeMessage(&cp, st.msg)
			if err != nil {
				t.Fatalf("step %d %s: encode: %v", i, st.msg.MessageName(), err)
			}
			back, err := session.DecodeMessage(&cp, b)
			if err != nil || back.MessageName() != st.msg.MessageName() {
				t.Fatalf("step %d %s: decode %x: %v %v", i, st.msg.MessageName(), b, back, err)
			}
		}
		err := m.Step(st.by, st.msg)
		if st.wantErr != nil {
			if !errors.Is(err, st.wantErr) {
				t.Fatalf("step %d %s by %s in %s: error %v, want %v", i, st.msg.MessageName(), st.by, before, err, st.wantErr)
			}
			if m.State() != before {
				t.Fatalf("step %d: failed step moved the state %s → %s", i, before, m.State())
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d %s by %s in %s: %v", i, st.msg.MessageName(), st.by, before, err)
		}
		if m.State() != st.state {
			t.Fatalf("step %d %s: state %s, want %s", i, st.msg.MessageName(), m.State(), st.state)
		}
	}
}

// TestReplay walks sessions through the machine (§4.6 state table and Pop
// rules), including messages from the wrong side and in the wrong state.
func TestReplay(t *testing.T) {
	one := big.NewInt(1)
	obs := core.TrueObs{}
	act := core.Notify{Obs: obs}
	role := core.RolePartyOf("r")
	pay := MsgPushPay{From: role, To: core.Payee{Kind: core.PayeeParty, Party: role}, Amount: core.Constant{N: one}}
	tests := []struct {
		name  string
		steps []step
	}{
		{"close root in one batch", []step{
			{c, MsgPushClose{}, "", session.ErrNoAgency}, // server speaks first
			{s, MsgResume{N: 0}, "", session.ErrUnexpectedMessage},
			{s, MsgResume{N: 1}, "StCanPush 1 [RootNode]", nil},
			{s, MsgResume{N: 1}, "", session.ErrNoAgency},
			{c, MsgRequestResume{}, "", session.ErrUnexpectedMessage}, // must push
			{c, MsgPushCase{Action: act}, "", session.ErrUnexpectedMessage},
			{c, MsgPushClose{}, "StComplete", nil},
			{c, MsgAbort{}, "", session.ErrNoAgency},
			{s, MsgResume{N: 3}, "", session.ErrUnexpectedMessage},
			{s, MsgComplete{Hash: "h"}, "StDone", nil},
			{s, MsgComplete{Hash: "h"}, "", session.ErrNoAgency},
			{c, MsgAbort{}, "", session.ErrNoAgency},
		}},
		{"when with two cases, batches of two", []step{
			{s, MsgResume{N: 2}, "StCanPush 2 [RootNode]", nil},
			{c, MsgPushWhen{Timeout: one}, "StCanPush 1 [WhenNode RootNode]", nil},
			{c, MsgPushCase{Action: act}, "StCanPush 0 [CaseNode RootNode]", nil},
			{c, MsgPushClose{}, "", session.ErrUnexpectedMessage}, // no pushes left
			{c, MsgRequestResume{}, "StProcessing [CaseNode RootNode]", nil},
			{s, MsgResume{N: 2}, "StCanPush 2 [CaseNode RootNode]", nil},
			{c, MsgPushCase{Action: act}, "", session.ErrUnexpectedMessage}, // not on a When
			{c, pay, "StCanPush 1 [PayNode CaseNode RootNode]", nil},
			{c, MsgPushClose{}, "StCanPush 0 [WhenNode RootNode]", nil}, // Pay → Case → back to When
			{c, MsgRequestResume{}, "StProcessing [WhenNode RootNode]", nil},
			{s, MsgResume{N: 5}, "StCanPush 5 [WhenNode RootNode]", nil},
			{c, MsgPushCase{Action: act}, "StCanPush 4 [CaseNode RootNode]", nil},
			{c, MsgPushClose{}, "StCanPush 3 [WhenNode RootNode]", nil},
			{c, MsgPushClose{}, "StComplete", nil}, // timeout continuation completes the root
		}},
		{"if: then branch then else branch", []step{
			{s, MsgResume{N: 10}, "StCanPush 10 [RootNode]", nil},
			{c, MsgPushLet{ID: "x", Value: core.TimeIntervalEnd{}}, "StCanPush 9 [LetNode RootNode]", nil},
			{c, MsgPushIf{Obs: obs}, "StCanPush 8 [IfLNode LetNode RootNode]", nil},
			{c, MsgPushAssert{Obs: obs}, "StCanPush 7 [AssertNode IfLNode LetNode RootNode]", nil},
			{c, MsgPushClose{}, "StCanPush 6 [IfRNode LetNode RootNode]", nil},
			{c, MsgPushWhen{Timeout: one}, "StCanPush 5 [WhenNode IfRNode LetNode RootNode]", nil},
			{c, MsgPushClose{}, "StComplete", nil}, // When → IfR → Let → Root
		}},
		{"abort with pushes left and with none", []step{
			{s, MsgResume{N: 1}, "StCanPush 1 [RootNode]", nil},
			{c, MsgPushAssert{Obs: obs}, "StCanPush 0 [AssertNode RootNode]", nil},
			{c, MsgAbort{}, "StDone", nil},
		}},
		{"wrong messages for the state", []step{
			{s, MsgComplete{Hash: ""}, "", session.ErrUnexpectedMessage},
			{s, MsgResume{N: 1}, "StCanPush 1 [RootNode]", nil},
			{c, MsgResume{N: 1}, "", session.ErrUnexpectedMessage},
			{c, MsgComplete{}, "", session.ErrUnexpectedMessage},
			{c, MsgAbort{}, "StDone", nil},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { replay(t, NewMachine(), tc.steps) })
	}
}

// TestDepthBound: a push past the machine's depth bound is a protocol
// error (ErrTooDeep) in both Step and Encode; a Close still pops.
func TestDepthBound(t *testing.T) {
	m := NewMachine()
	m.SetMaxDepth(3)
	replay(t, m, []step{
		{s, MsgResume{N: 10}, "StCanPush 10 [RootNode]", nil},
		{c, MsgPushAssert{Obs: core.TrueObs{}}, "StCanPush 9 [AssertNode RootNode]", nil},
		{c, MsgPushWhen{Timeout: big.NewInt(1)}, "StCanPush 8 [WhenNode AssertNode RootNode]", nil},
		{c, MsgPushLet{ID: "x", Value: core.TimeIntervalEnd{}}, "", ErrTooDeep},
		{c, MsgPushCase{Action: core.Notify{Obs: core.TrueObs{}}}, "StCanPush 7 [CaseNode AssertNode RootNode]", nil},
		{c, MsgPushClose{}, "StCanPush 6 [WhenNode AssertNode RootNode]", nil},
	})
	if _, err := session.EncodeMessage(m, MsgPushIf{Obs: core.TrueObs{}}); !errors.Is(err, ErrTooDeep) {
		t.Fatalf("Encode past the bound: %v", err)
	}
}

// TestDecodeRules checks the state-dependent decoding rules of §4.6 (the
// Haskell getMessage failures) with hand-derived bytes.
func TestDecodeRules(t *testing.T) {
	at := func(st state, n int64, nodes ...Node) *Machine {
		m := NewMachine()
		m.st, m.n, m.nodes = st, n, append([]Node{RootNode}, nodes...)
		return m
	}
	for _, tc := range []struct {
		name  string
		m     *Machine
		hex   string
		want  string // error substring; "" = must decode
		short bool
	}{
		{"push with no pushes left", at(stCanPush, 0), "00", "No pushes left", false},
		{"pay with no pushes left", at(stCanPush, 0), "01", "No pushes left", false},
		{"request resume while pushes left", at(stCanPush, 1), "07", "Must push", false},
		{"request resume with none left", at(stCanPush, 0), "07", "", false},
		{"abort with none left", at(stCanPush, 0), "08", "", false},
		{"abort with pushes left", at(stCanPush, 3), "08", "", false},
		{"case not on a When", at(stCanPush, 1, PayNode), "04 02 09", "Invalid protocol state for MsgPushCase", false},
		{"case on a When", at(stCanPush, 1, WhenNode), "04 02 09", "", false},
		{"unknown tag", at(stCanPush, 1), "09", "Invalid message tag 9", false},
		{"resume zero", at(stProcessing, 0), "0000000000000000", "not positive", false},
		{"resume negative", at(stProcessing, 0), "ffffffffffffffff", "not positive", false},
		{"resume truncated", at(stProcessing, 0), "00000000", "", true},
		{"complete truncated", at(stComplete, 0), "0000000000000020 00", "", true},
		{"pay truncated", at(stCanPush, 1), "01 01", "", true},
		{"when with bad integer", at(stCanPush, 1), "03 02", "invalid Integer tag", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := hex.DecodeString(strings.ReplaceAll(tc.hex, " ", ""))
			_, err := session.DecodeMessage(tc.m, b)
			switch {
			case tc.short:
				if !binary.IsShort(err) {
					t.Fatalf("error %v: want short", err)
				}
			case tc.want == "":
				if err != nil {
					t.Fatal(err)
				}
			default:
				if err == nil || binary.IsShort(err) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v: want malformed %q", err, tc.want)
				}
			}
		})
	}
	done := NewMachine()
	done.st = stDone
	if _, err := session.DecodeMessage(done, []byte{0x08}); !errors.Is(err, session.ErrNoAgency) {
		t.Fatalf("decode in StDone: %v", err)
	}
}

// TestSpecVectors encodes the §4.6 golden examples by hand.
func TestSpecVectors(t *testing.T) {
	gm := GoldenMachines()
	proc, none, when1, complete := gm[0], gm[1], gm[2], gm[3]
	for _, tc := range []struct {
		m   *Machine
		msg session.Message
		hex string
	}{
		{proc, MsgResume{N: 1}, "0000000000000001"},
		{complete, MsgComplete{Hash: "a"}, "0000000000000001 61"},
		{when1, MsgPushWhen{Timeout: big.NewInt(1)}, "03 00 00000001"},
		{when1, MsgPushAssert{Obs: core.TrueObs{}}, "06 09"},
		{when1, MsgPushAssert{Obs: core.ChoseSomething{ID: core.ChoiceID{Owner: core.RolePartyOf("")}}}, "06 03 0000000000000000 01 0000000000000000"},
		{when1, MsgPushAssert{Obs: core.ChoseSomething{ID: core.ChoiceID{Owner: core.AddressPartyOf(core.Address{Mainnet: true})}}},
			"06 03 0000000000000000 00 01 00 0000000000000000 00"},
		{when1, MsgPushLet{ID: "", Value: core.AddValue{L: core.Constant{N: big.NewInt(1)}, R: core.Constant{N: big.NewInt(1)}}},
			"05 0000000000000000 03 01 00 00000001 01 00 00000001"},
		{when1, MsgPushCase{Action: core.Notify{Obs: core.TrueObs{}}}, "04 02 09"},
		{when1, MsgPushClose{}, "00"},
		{none, MsgRequestResume{}, "07"},
		{none, MsgAbort{}, "08"},
	} {
		t.Run(tc.msg.MessageName(), func(t *testing.T) {
			got, err := session.EncodeMessage(tc.m, tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.ReplaceAll(tc.hex, " ", ""); hex.EncodeToString(got) != want {
				t.Fatalf("encode = %x, want %s", got, want)
			}
		})
	}
	// Encoding refuses messages the state does not allow.
	if _, err := session.EncodeMessage(none, MsgPushClose{}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Fatalf("push with no pushes left encoded: %v", err)
	}
	if _, err := session.EncodeMessage(proc, MsgResume{N: 0}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Fatalf("MsgResume 0 encoded: %v", err)
	}
	if _, err := session.EncodeMessage(when1, MsgPushWhen{}); err == nil {
		t.Fatal("nil timeout encoded")
	}
}
