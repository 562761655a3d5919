package golden

import (
	"errors"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// echo is a one-state test protocol: MsgEcho carries one byte after tag 05.
type echo struct{ b uint8 }

func (echo) MessageName() string { return "MsgEcho" }

type echoMachine struct{}

func (echoMachine) Protocol() string                           { return "Echo" }
func (echoMachine) State() string                              { return "StIdle" }
func (echoMachine) Agency() session.Agency                     { return session.Client }
func (echoMachine) Step(session.Agency, session.Message) error { return nil }
func (m echoMachine) Decode(d *binary.Decoder) (session.Message, error) {
	tag, err := d.U8()
	if err != nil {
		return nil, err
	}
	if tag != 5 {
		return nil, errors.New("unknown tag")
	}
	b, err := d.U8()
	return echo{b}, err
}
func (m echoMachine) Encode(e *binary.Encoder, msg session.Message) error {
	x, ok := msg.(echo)
	if !ok {
		return session.Unexpected(m, msg)
	}
	e.PutU8(5)
	e.PutU8(x.b)
	return nil
}

func TestCheck(t *testing.T) {
	vs, err := Parse(strings.NewReader(
		"Show: MsgEcho 1\nBinary: 0501\n" + // passes
			"Show: MsgEcho 2\nBinary: 050200\n" + // leftover byte
			"Show: MsgOther\nBinary: 0503\n" + // decodes as another message
			"Show: MsgEcho 4\nBinary: 07\n")) // unknown tag
	if err != nil {
		t.Fatal(err)
	}
	passed, failures := Check(vs, []session.Machine{echoMachine{}})
	if passed != 1 || len(failures) != 3 {
		t.Fatalf("passed %d, failures %v", passed, failures)
	}
	for i, want := range []string{"line 3: MsgEcho", "decoded as MsgEcho", "unknown tag"} {
		if !strings.Contains(failures[i].String(), want) {
			t.Errorf("failure %d = %q, want it to mention %q", i, failures[i], want)
		}
	}
}

// echoMachine2 is a second state that also reads tag 05, so vectors are
// ambiguous between the two.
type echoMachine2 struct{ echoMachine }

func (echoMachine2) State() string { return "StOther" }

func TestTally(t *testing.T) {
	vs, err := Parse(strings.NewReader(
		"Show: MsgEcho 1\nBinary: 0501\n" +
			"Show: MsgEcho 2\nBinary: 0502\n" +
			"Show: MsgEcho 4\nBinary: 07\n"))
	if err != nil {
		t.Fatal(err)
	}
	per, failures := Tally(vs, []session.Machine{echoMachine{}}, true)
	if per["MsgEcho"] != 2 || len(failures) != 1 || failures[0].Vector.Line != 5 {
		t.Fatalf("unique, one state: %v %v", per, failures)
	}
	two := []session.Machine{echoMachine{}, echoMachine2{}}
	if per, failures := Tally(vs, two, false); per["MsgEcho"] != 2 || len(failures) != 1 {
		t.Fatalf("not unique, two states: %v %v", per, failures)
	}
	per, failures = Tally(vs, two, true)
	if per["MsgEcho"] != 0 || len(failures) != 3 || !strings.Contains(failures[0].String(), "decodes in states [StIdle StOther]") {
		t.Fatalf("unique, two states: %v %v", per, failures)
	}
}
