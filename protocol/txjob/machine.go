package txjob

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
)

// ProtocolName is the name of this sub-protocol in the marlowe-lite CLI and
// in errors.
const ProtocolName = "TxJob"

// Signature is the handshake signature of the protocol on its own port
// (3723); within MarloweRuntime it is selected by MsgRunTxJob.
const Signature = "Job MarloweTxCommand"

// Machine is one TxJob session (Job MarloweTxCommand, wire-protocol.md
// §4.5). It is the generic job.Machine with the MarloweTxCommand Codec; all
// session.Machine and session.Quiet methods are promoted from it.
type Machine struct {
	*job.Machine
}

// NewMachine returns a machine in StInit.
func NewMachine() *Machine {
	return &Machine{job.NewMachine(ProtocolName, Codec{})}
}

// NewMachineAt returns a machine in state st with the tag of kind k (at
// Marlowe V1) pending; k is ignored for StInit and StDone.
func NewMachineAt(st job.State, k CommandKind) (*Machine, error) {
	var t job.Tag
	if st != job.StInit && st != job.StDone {
		t = TagOf(k)
	}
	m, err := job.NewMachineAt(ProtocolName, Codec{}, st, t)
	if err != nil {
		return nil, err
	}
	return &Machine{m}, nil
}

// GoldenMachines returns machines in every non-terminal state: StInit, and
// StCmd, StAttach and StAwait for each of the five command tags — 16 in all.
// StAttach and StAwait are unreachable for the commands without job ids,
// but the Haskell codec tests cover them too, and MsgAttached, MsgPoll and
// the like read the same there.
func GoldenMachines() []*Machine {
	out := []*Machine{NewMachine()}
	for _, st := range []job.State{job.StCmd, job.StAttach, job.StAwait} {
		for _, k := range Kinds() {
			m, err := NewMachineAt(st, k)
			if err != nil {
				// Every V1 tag has a wire form; an error here is a bug
				// in this package caught by its tests.
				continue
			}
			out = append(out, m)
		}
	}
	return out
}
