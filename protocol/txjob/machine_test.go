package txjob_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// TestGoldenMachines checks that GoldenMachines positions one machine in
// every non-terminal state of §4.5 for every command tag: StInit, then
// StCmd, StAttach and StAwait × 5 tags = 16, all distinct, with the agency
// the spec gives each state.
func TestGoldenMachines(t *testing.T) {
	ms := txjob.GoldenMachines()
	if len(ms) != 16 {
		t.Fatalf("%d golden machines, want 16", len(ms))
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.State()] {
			t.Errorf("state %s twice", m.State())
		}
		seen[m.State()] = true
		if m.Protocol() != "TxJob" {
			t.Errorf("protocol %q", m.Protocol())
		}
		want := map[job.State]session.Agency{job.StInit: session.Client, job.StAwait: session.Client,
			job.StCmd: session.Server, job.StAttach: session.Server}[m.JobState()]
		if m.Agency() != want {
			t.Errorf("%s: agency %s, want %s", m.State(), m.Agency(), want)
		}
		if session.IsQuiet(m) != (m.JobState() == job.StAwait) {
			t.Errorf("%s: quiet %v", m.State(), session.IsQuiet(m))
		}
	}
	for _, name := range []string{"StInit", "StCmd (TagCreate MarloweV1)", "StAttach (TagSubmit)", "StAwait (TagBurnRoleTokens MarloweV1)"} {
		if !seen[name] {
			t.Errorf("no machine in %s", name)
		}
	}
	var _ session.Machine = txjob.NewMachine()
	var _ session.Quiet = txjob.NewMachine()
}

// step is one message of a replayed session: who sends it and the state
// both machines are in afterwards.
type step struct {
	by    session.Agency
	msg   session.Message
	after string
}

// replay sends each message through a pair of machines as real bytes: the
// sender encodes and steps, the receiver decodes and steps, and both must
// agree on the resulting state.
func replay(t *testing.T, steps []step) {
	t.Helper()
	peers := map[session.Agency]*txjob.Machine{session.Client: txjob.NewMachine(), session.Server: txjob.NewMachine()}
	for i, s := range steps {
		from, to := peers[s.by], peers[s.by.Peer()]
		b, err := session.EncodeMessage(from, s.msg)
		if err != nil {
			t.Fatalf("step %d %s: encode: %v", i, s.msg.MessageName(), err)
		}
		if err := from.Step(s.by, s.msg); err != nil {
			t.Fatalf("step %d %s: sender step: %v", i, s.msg.MessageName(), err)
		}
		got, err := session.DecodeMessage(to, b)
		if err != nil {
			t.Fatalf("step %d %s: decode %x: %v", i, s.msg.MessageName(), b, err)
		}
		if err := to.Step(s.by, got); err != nil {
			t.Fatalf("step %d %s: receiver step: %v", i, s.msg.MessageName(), err)
		}
		if from.State() != s.after || to.State() != s.after {
			t.Fatalf("step %d %s: states %s / %s, want %s", i, s.msg.MessageName(), from.State(), to.State(), s.after)
		}
	}
	for _, m := range peers {
		if m.Agency() != session.Nobody {
			t.Fatalf("session did not end: %s", m.State())
		}
	}
}

// TestReplay replays the session shapes of §4.5 (and §1.5's terminal
// transitions) through client and server machines.
func TestReplay(t *testing.T) {
	sub := txjob.Submit{Era: types.BabbageEraOnwardsBabbage, Tx: txCBOR5}
	id := txjob.JobIdSubmit{TxId: "t"}
	block := types.BlockHeader{Slot: 9, Hash: "b", Block: 3}
	cases := []struct {
		name  string
		steps []step
	}{
		{"Create answered at once (MsgSucceed ends the session)", []step{
			{session.Client, job.MsgExec{Command: txjob.Create{Version: types.MarloweV1,
				Contract: binary.Either[core.Contract, types.DatumHash]{IsRight: true, Right: "h"}}}, "StCmd (TagCreate MarloweV1)"},
			{session.Server, job.MsgFail{Err: txjob.CreateContractNotFound{}}, "StDone"},
		}},
		{"Withdraw succeeds", []step{
			{session.Client, job.MsgExec{Command: txjob.Withdraw{Version: types.MarloweV1}}, "StCmd (TagWithdraw MarloweV1)"},
			{session.Server, job.MsgSucceed{Result: txjob.WithdrawTx{TxBody: txCBOR5}}, "StDone"},
		}},
		{"Submit: await, poll, await, detach", []step{
			{session.Client, job.MsgExec{Command: sub}, "StCmd (TagSubmit)"},
			{session.Server, job.MsgAwait{Status: txjob.Submitting, JobID: id}, "StAwait (TagSubmit)"},
			{session.Client, job.MsgPoll{}, "StCmd (TagSubmit)"},
			{session.Server, job.MsgAwait{Status: txjob.Accepted, JobID: id}, "StAwait (TagSubmit)"},
			{session.Client, job.MsgDetach{}, "StDone"},
		}},
		{"Submit: await, poll, fail", []step{
			{session.Client, job.MsgExec{Command: sub}, "StCmd (TagSubmit)"},
			{session.Server, job.MsgAwait{Status: txjob.Submitting, JobID: id}, "StAwait (TagSubmit)"},
			{session.Client, job.MsgPoll{}, "StCmd (TagSubmit)"},
			{session.Server, job.MsgFail{Err: txjob.TxDiscarded{}}, "StDone"},
		}},
		{"Attach: attached, await, poll, succeed", []step{
			{session.Client, job.MsgAttach{JobID: id}, "StAttach (TagSubmit)"},
			{session.Server, job.MsgAttached{}, "StCmd (TagSubmit)"},
			{session.Server, job.MsgAwait{Status: txjob.Accepted, JobID: id}, "StAwait (TagSubmit)"},
			{session.Client, job.MsgPoll{}, "StCmd (TagSubmit)"},
			{session.Server, job.MsgSucceed{Result: block}, "StDone"},
		}},
		{"Attach fails", []step{
			{session.Client, job.MsgAttach{JobID: id}, "StAttach (TagSubmit)"},
			{session.Server, job.MsgAttachFailed{}, "StDone"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { replay(t, tc.steps) })
	}
}

// TestStepRefuses checks that the machine refuses messages from the side
// without agency and messages not allowed in the current state, leaving the
// state unchanged (§4.5: the state decides who may send what).
func TestStepRefuses(t *testing.T) {
	sub := job.MsgExec{Command: txjob.Submit{Tx: txCBOR5}}
	tests := []struct {
		name string
		st   job.State
		k    txjob.CommandKind
		by   session.Agency
		msg  session.Message
		want error
	}{
		{"server speaks in StInit", job.StInit, 0, session.Server, sub, session.ErrNoAgency},
		{"client speaks in StCmd", job.StCmd, txjob.KindSubmit, session.Client, job.MsgPoll{}, session.ErrNoAgency},
		{"client speaks in StAttach", job.StAttach, txjob.KindSubmit, session.Client, job.MsgDetach{}, session.ErrNoAgency},
		{"server speaks in StAwait", job.StAwait, txjob.KindSubmit, session.Server, job.MsgAttached{}, session.ErrNoAgency},
		{"anyone speaks in StDone", job.StDone, 0, session.Client, job.MsgPoll{}, session.ErrNoAgency},
		{"MsgPoll in StInit", job.StInit, 0, session.Client, job.MsgPoll{}, session.ErrUnexpectedMessage},
		{"MsgExec in StAwait", job.StAwait, txjob.KindSubmit, session.Client, sub, session.ErrUnexpectedMessage},
		{"MsgAttached in StCmd", job.StCmd, txjob.KindSubmit, session.Server, job.MsgAttached{}, session.ErrUnexpectedMessage},
		{"MsgSucceed in StAttach", job.StAttach, txjob.KindSubmit, session.Server, job.MsgSucceed{}, session.ErrUnexpectedMessage},
		{"MsgAwait with another command's job id", job.StCmd, txjob.KindSubmit, session.Server,
			job.MsgAwait{Status: txjob.Submitting, JobID: badJobID{}}, nil},
		{"MsgExec without a command", job.StInit, 0, session.Client, job.MsgExec{}, session.ErrUnexpectedMessage},
		{"pointer message", job.StAwait, txjob.KindSubmit, session.Client, &job.MsgPoll{}, session.ErrUnexpectedMessage},
		{"nil message", job.StAwait, txjob.KindSubmit, session.Client, nil, session.ErrUnexpectedMessage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := machineAt(t, tc.st, tc.k)
			before := m.State()
			err := m.Step(tc.by, tc.msg)
			if err == nil {
				t.Fatalf("step accepted")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if m.State() != before {
				t.Fatalf("state moved from %s to %s", before, m.State())
			}
			if tc.msg != nil && tc.by == m.Agency() {
				if _, err := session.EncodeMessage(m, tc.msg); err == nil {
					t.Fatalf("encode accepted what step refused")
				}
			}
		})
	}
}

// TestStates checks the machine's own bookkeeping: NewMachineAt refuses
// unknown states, StDone reports Nobody, and the pending tag is reported.
func TestStates(t *testing.T) {
	if _, err := txjob.NewMachineAt(job.State(9), txjob.KindSubmit); err == nil {
		t.Fatal("NewMachineAt accepted state 9")
	}
	if _, err := txjob.NewMachineAt(job.StCmd, txjob.CommandKind(9)); err == nil {
		t.Fatal("NewMachineAt accepted command kind 9")
	}
	m := machineAt(t, job.StDone, 0)
	if m.Agency() != session.Nobody || m.State() != "StDone" {
		t.Fatalf("StDone: %s %s", m.Agency(), m.State())
	}
	m = machineAt(t, job.StCmd, txjob.KindApplyInputs)
	if m.Tag() != txjob.TagOf(txjob.KindApplyInputs) {
		t.Fatalf("tag %v", m.Tag())
	}
	for _, k := range txjob.Kinds() {
		if got := fmt.Sprint(txjob.TagOf(k)); got == "" || k.HasStatus() != (k == txjob.KindSubmit) {
			t.Fatalf("kind %s: tag %q", k, got)
		}
	}
}

// TestDecodeDoesNotStep checks that Decode reads without moving the state
// (session.Machine contract), so a driver may decode, then step.
func TestDecodeDoesNotStep(t *testing.T) {
	m := machineAt(t, job.StAwait, txjob.KindSubmit)
	d := binary.NewDecoder([]byte{0x06})
	if _, err := m.Decode(d); err != nil {
		t.Fatal(err)
	}
	if m.State() != "StAwait (TagSubmit)" {
		t.Fatalf("state %s", m.State())
	}
	b, _ := session.EncodeMessage(m, job.MsgDetach{})
	if !bytes.Equal(b, []byte{0x07}) {
		t.Fatalf("MsgDetach = %x", b)
	}
}
