package golden

import (
	"bytes"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Failure is one golden vector that did not decode and re-encode exactly.
type Failure struct {
	Vector Vector
	Err    error
}

func (f Failure) String() string {
	return fmt.Sprintf("line %d: %s: %v", f.Vector.Line, f.Vector.MessageName, f.Err)
}

// Check decodes every vector as a message of the protocol whose session
// machines, positioned in its possible states, are given; a vector passes
// when some state with a speaking side decodes it as the message the Show
// line names, with no byte left over, and re-encoding that message gives
// the identical bytes. Decoding never changes a machine's state, so the same
// machines serve every vector.
func Check(vectors []Vector, machines []session.Machine) (passed int, failures []Failure) {
	for _, v := range vectors {
		if err := checkOne(v, machines); err != nil {
			failures = append(failures, Failure{Vector: v, Err: err})
			continue
		}
		passed++
	}
	return passed, failures
}

func checkOne(v Vector, machines []session.Machine) error {
	var firstErr error
	note := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	for _, m := range machines {
		if m.Agency() == session.Nobody {
			continue
		}
		msg, err := session.DecodeMessage(m, v.Binary)
		if err != nil {
			note(fmt.Errorf("state %s: %w", m.State(), err))
			continue
		}
		if msg.MessageName() != v.MessageName {
			note(fmt.Errorf("state %s: decoded as %s", m.State(), msg.MessageName()))
			continue
		}
		out, err := session.EncodeMessage(m, msg)
		if err != nil {
			return fmt.Errorf("state %s: re-encode: %w", m.State(), err)
		}
		if !bytes.Equal(out, v.Binary) {
			return fmt.Errorf("state %s: re-encoding differs:\n  got  %x\n  want %x", m.State(), out, v.Binary)
		}
		return nil
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("no state of the protocol can carry it")
	}
	return firstErr
}

// Tally checks every vector as Check does and counts the passed ones per
// message constructor. With unique, a vector that some other state also
// decodes (as anything) fails: for protocols whose tags are global, the
// state a message belongs to must be unambiguous.
func Tally(vectors []Vector, machines []session.Machine, unique bool) (perMessage map[string]int, failures []Failure) {
	perMessage = map[string]int{}
	for _, v := range vectors {
		err := checkOne(v, machines)
		if err == nil && unique {
			err = checkUnique(v, machines)
		}
		if err != nil {
			failures = append(failures, Failure{Vector: v, Err: err})
			continue
		}
		perMessage[v.MessageName]++
	}
	return perMessage, failures
}

func checkUnique(v Vector, machines []session.Machine) error {
	var states []string
	for _, m := range machines {
		if m.Agency() == session.Nobody {
			continue
		}
		if _, err := session.DecodeMessage(m, v.Binary); err == nil {
			states = append(states, m.State())
		}
	}
	if len(states) != 1 {
		return fmt.Errorf("decodes in states %v, want exactly one", states)
	}
	return nil
}
