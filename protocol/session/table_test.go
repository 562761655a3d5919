package session

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// The toy protocol of session_test.go as a Table, with a quiet wait state:
// Idle --Ping n--> Busy --Pong n--> Idle, Busy --Wait--> Waiting --Poll-->
// Busy, Idle --Done--> Done.
type wait struct{}
type poll struct{}

func (wait) MessageName() string { return "MsgWait" }
func (poll) MessageName() string { return "MsgPoll" }

// alien is another protocol's message that happens to share a name.
type alien struct{}

func (alien) MessageName() string { return "MsgPing" }

const stWaiting toyState = 3

func toyStates() []StateSpec {
	return []StateSpec{
		stIdle:    {Name: "StIdle", Agency: Client},
		stBusy:    {Name: "StBusy", Agency: Server},
		stDone:    {Name: "StDone", Agency: Nobody},
		stWaiting: {Name: "StWaiting", Agency: Client, Quiet: true},
	}
}

func pingCodec() Codec {
	return Fields(func(e *binary.Encoder, m ping) { e.PutU8(m.n) },
		func(d *binary.Decoder) (ping, error) { n, err := d.U8(); return ping{n}, err })
}

func pongCodec() Codec {
	return Fields(func(e *binary.Encoder, m pong) { e.PutU8(m.n) },
		func(d *binary.Decoder) (pong, error) { n, err := d.U8(); return pong{n}, err })
}

func toyTable() *Table[toyState] {
	return NewTable("Toy", toyStates(), []MessageSpec[toyState]{
		{Tag: 0, From: stIdle, To: stBusy, Codec: pingCodec()},
		{Tag: 1, From: stBusy, To: stIdle, Codec: pongCodec()},
		{Tag: 2, From: stIdle, To: stDone, Codec: Bare[done]()},
		{Tag: 3, From: stBusy, To: stWaiting, Codec: Bare[wait]()},
		{Tag: 4, From: stWaiting, To: stBusy, Codec: Bare[poll]()},
	})
}

func TestTableSession(t *testing.T) {
	tb := toyTable()
	c := At(tb, stIdle)
	type step struct {
		by      Agency
		msg     Message
		wantErr error
		want    toyState
	}
	steps := []step{
		{Server, pong{1}, ErrNoAgency, stIdle},
		{Client, poll{}, ErrUnexpectedMessage, stIdle},
		{Client, alien{}, ErrUnexpectedMessage, stIdle}, // right name, wrong type
		{Client, (*ping)(nil), ErrUnexpectedMessage, stIdle},
		{Client, nil, ErrUnexpectedMessage, stIdle},
		{Client, &ping{7}, nil, stBusy}, // a pointer is the message it points to
		{Server, wait{}, nil, stWaiting},
		{Client, poll{}, nil, stBusy},
		{Server, pong{8}, nil, stIdle},
		{Client, done{}, nil, stDone},
		{Client, ping{}, ErrNoAgency, stDone},
		{Server, pong{}, ErrNoAgency, stDone},
	}
	for i, s := range steps {
		next, v, err := c.Check(s.by, s.msg)
		if !errors.Is(err, s.wantErr) || (s.wantErr == nil) != (err == nil) {
			t.Fatalf("step %d: Check %v: %v, want %v", i, s.msg, err, s.wantErr)
		}
		if err == nil && (next != s.want || v == nil || v.MessageName() != s.msg.MessageName()) {
			t.Fatalf("step %d: Check → %d %v", i, next, v)
		}
		if err := c.Step(s.by, s.msg); !errors.Is(err, s.wantErr) {
			t.Fatalf("step %d: Step %v", i, err)
		}
		if c.Current() != s.want {
			t.Fatalf("step %d: in %s, want %s", i, c.State(), tb.Name(s.want))
		}
		if c.Quiet() != (c.Current() == stWaiting) {
			t.Fatalf("step %d: Quiet %v in %s", i, c.Quiet(), c.State())
		}
	}
	if c.Protocol() != "Toy" || c.Agency() != Nobody || tb.Name(9) != "State(9)" || tb.Agency(9) != Nobody {
		t.Fatal("names or agency")
	}
}

func TestTableCodec(t *testing.T) {
	tb := toyTable()
	idle, busy := At(tb, stIdle), At(tb, stBusy)
	for _, tc := range []struct {
		c    Core[toyState]
		msg  Message
		wire string
	}{
		{idle, ping{5}, "\x00\x05"},
		{idle, &ping{5}, "\x00\x05"},
		{idle, done{}, "\x02"},
		{busy, pong{6}, "\x01\x06"},
		{busy, wait{}, "\x03"},
	} {
		b, err := EncodeMessage(&tc.c, tc.msg)
		if err != nil || string(b) != tc.wire {
			t.Fatalf("encode %v: %x %v", tc.msg, b, err)
		}
		m, err := DecodeMessage(&tc.c, b)
		if err != nil || m.MessageName() != tc.msg.MessageName() {
			t.Fatalf("decode %x: %v %v", b, m, err)
		}
		if p, ok := tc.msg.(*ping); ok && m != *p {
			t.Fatalf("decoded %v, want %v", m, *p)
		}
	}
	for _, msg := range []Message{pong{1}, alien{}, (*ping)(nil), nil} {
		if _, err := EncodeMessage(&idle, msg); !errors.Is(err, ErrUnexpectedMessage) {
			t.Errorf("encode %v in StIdle: %v", msg, err)
		}
	}

	// A known tag of another state names its message; an unknown tag is
	// malformed input, not a protocol step; the end accepts nothing.
	_, err := DecodeMessage(&idle, []byte{1, 0})
	if !errors.Is(err, ErrUnexpectedMessage) || !errors.Is(err, binary.ErrMalformed) || !strings.Contains(err.Error(), "MsgPong (tag 01) is not allowed in state StIdle") {
		t.Errorf("pong in StIdle: %v", err)
	}
	_, err = DecodeMessage(&idle, []byte{9})
	if !errors.Is(err, binary.ErrMalformed) || errors.Is(err, ErrUnexpectedMessage) || !strings.Contains(err.Error(), "invalid message tag 09 in state StIdle") {
		t.Errorf("tag 09: %v", err)
	}
	end := At(tb, stDone)
	if _, err := DecodeMessage(&end, []byte{0, 0}); !errors.Is(err, ErrNoAgency) {
		t.Errorf("after the end: %v", err)
	}
	for n := range 2 {
		if _, err := DecodeMessage(&idle, []byte{0, 5}[:n]); !binary.IsShort(err) {
			t.Errorf("ping cut to %d bytes: %v", n, err)
		}
	}
	if _, err := DecodeMessage(&idle, []byte{2, 0}); err == nil || binary.IsShort(err) {
		t.Errorf("trailing byte: %v", err)
	}
	// An encoder failure is reported with the message's name.
	bad := Fields(func(e *binary.Encoder, m ping) { e.Failf("no room for %d", m.n) }, func(*binary.Decoder) (ping, error) { return ping{}, nil })
	fail := At(NewTable("Toy", toyStates(), []MessageSpec[toyState]{{Tag: 0, From: stIdle, To: stBusy, Codec: bad}}), stIdle)
	if _, err := EncodeMessage(&fail, ping{}); err == nil || !strings.Contains(err.Error(), "encode Toy MsgPing") {
		t.Errorf("failing encoder: %v", err)
	}
}

// TestTablePerStateTags: when tags restart in every state, a tag outside
// its state names no message.
func TestTablePerStateTags(t *testing.T) {
	tb := NewTable("Toy", toyStates(), []MessageSpec[toyState]{
		{Tag: 0, From: stIdle, To: stBusy, Codec: pingCodec()},
		{Tag: 0, From: stBusy, To: stIdle, Codec: pongCodec()},
		{Tag: 1, From: stIdle, To: stDone, Codec: Bare[done]()},
	})
	busy := At(tb, stBusy)
	if m, err := DecodeMessage(&busy, []byte{0, 1}); err != nil || m != (pong{1}) {
		t.Fatalf("tag 0 in StBusy: %v %v", m, err)
	}
	_, err := DecodeMessage(&busy, []byte{1})
	if !errors.Is(err, binary.ErrMalformed) || errors.Is(err, ErrUnexpectedMessage) || strings.Contains(err.Error(), "MsgDone") {
		t.Errorf("tag 1 in StBusy: %v", err)
	}
}

func TestNewTableRefusesInconsistentTables(t *testing.T) {
	for name, msgs := range map[string][]MessageSpec[toyState]{
		"state out of range":  {{Tag: 0, From: stIdle, To: 7, Codec: pingCodec()}},
		"tag twice in state":  {{Tag: 0, From: stIdle, To: stBusy, Codec: pingCodec()}, {Tag: 0, From: stIdle, To: stDone, Codec: Bare[done]()}},
		"two tags":            {{Tag: 0, From: stIdle, To: stBusy, Codec: pingCodec()}, {Tag: 5, From: stWaiting, To: stBusy, Codec: pingCodec()}},
		"from terminal state": {{Tag: 0, From: stDone, To: stIdle, Codec: pingCodec()}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: accepted", name)
				}
			}()
			NewTable("Toy", toyStates(), msgs)
		}()
	}
	// The same constructor in two states with one tag is fine.
	tb := NewTable("Toy", toyStates(), []MessageSpec[toyState]{
		{Tag: 0, From: stIdle, To: stBusy, Codec: pingCodec()},
		{Tag: 0, From: stWaiting, To: stBusy, Codec: pingCodec()},
	})
	w := At(tb, stWaiting)
	if b, err := EncodeMessage(&w, ping{3}); err != nil || !bytes.Equal(b, []byte{0, 3}) {
		t.Fatalf("%x %v", b, err)
	}
}
