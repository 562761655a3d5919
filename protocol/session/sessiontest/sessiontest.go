// Package sessiontest holds the checks every sub-protocol's session machine
// must pass, written once: the transition matrix (every message in every
// state, from both sides), pointer and nil messages, truncated and padded
// input, replays, a fuzz round trip and the golden codec benchmarks. A
// protocol's tests describe it (states, a sample of every constructor, the
// spec's transition table written out independently of the machine) and
// call these.
package sessiontest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Machine is a session machine that reports its state as a value.
type Machine[S any] interface {
	session.Machine
	Current() S
}

// Sample is a valid message and the state it is sent in.
type Sample[S any] struct {
	Msg   session.Message
	State S
}

// Protocol describes one sub-protocol for the checks.
type Protocol[S comparable, M Machine[S]] struct {
	// States lists every state, the terminal one included.
	States []S
	// At returns a fresh machine in a state.
	At func(S) M
	// Samples holds at least one valid message of every constructor.
	Samples []Sample[S]
	// Next is the spec's transition table by constructor name, written out
	// independently of the machine.
	Next map[string]S
}

func (p Protocol[S, M]) encode(t testing.TB, s Sample[S]) []byte {
	t.Helper()
	b, err := session.EncodeMessage(p.At(s.State), s.Msg)
	if err != nil {
		t.Fatalf("%s in %s: %v", s.Msg.MessageName(), p.At(s.State).State(), err)
	}
	return b
}

// TransitionMatrix tries every sample in every state, from both sides:
// Encode, Decode and Step accept it exactly in the state it belongs to and
// refuse it elsewhere with the right error and without moving.
func TransitionMatrix[S comparable, M Machine[S]](t *testing.T, p Protocol[S, M]) {
	t.Helper()
	for _, smp := range p.Samples {
		name := smp.Msg.MessageName()
		want, ok := p.Next[name]
		if !ok {
			t.Fatalf("%s is not in the transition table", name)
		}
		b := p.encode(t, smp)
		sender := p.At(smp.State).Agency()
		for _, st := range p.States {
			allowed := st == smp.State
			here := p.At(st)
			terminal := here.Agency() == session.Nobody
			_, err := session.EncodeMessage(here, smp.Msg)
			if allowed != (err == nil) || (!allowed && !errors.Is(err, session.ErrUnexpectedMessage)) {
				t.Errorf("Encode %s in %s: %v", name, here.State(), err)
			}

			_, err = session.DecodeMessage(p.At(st), b)
			switch {
			case allowed:
				if err != nil {
					t.Errorf("Decode %s in %s: %v", name, here.State(), err)
				}
			case !errors.Is(err, binary.ErrMalformed) || binary.IsShort(err):
				t.Errorf("Decode %s in %s: want a malformed error, got %v", name, here.State(), err)
			case terminal && !errors.Is(err, session.ErrNoAgency):
				t.Errorf("Decode %s after the end: %v", name, err)
			case !terminal && !errors.Is(err, session.ErrUnexpectedMessage):
				t.Errorf("Decode %s in %s: want ErrUnexpectedMessage, got %v", name, here.State(), err)
			}

			for _, by := range []session.Agency{session.Client, session.Server} {
				m := p.At(st)
				err := m.Step(by, smp.Msg)
				switch {
				case allowed && by == sender:
					if err != nil || m.Current() != want {
						t.Errorf("Step %s by %s in %s: %v, now %s", name, by, here.State(), err, m.State())
					}
					continue
				case m.Agency() != by:
					if !errors.Is(err, session.ErrNoAgency) {
						t.Errorf("Step %s by %s in %s: want ErrNoAgency, got %v", name, by, here.State(), err)
					}
				default:
					if !errors.Is(err, session.ErrUnexpectedMessage) {
						t.Errorf("Step %s by %s in %s: want ErrUnexpectedMessage, got %v", name, by, here.State(), err)
					}
				}
				if m.Current() != st {
					t.Errorf("refused Step %s moved %s to %s", name, here.State(), m.State())
				}
			}
		}
	}
}

// PointerTo returns a pointer to a copy of m, as a Message.
func PointerTo(m session.Message) session.Message {
	v := reflect.New(reflect.TypeOf(m))
	v.Elem().Set(reflect.ValueOf(m))
	return v.Interface().(session.Message)
}

// nilPointerOf returns a nil *T for m of type T.
func nilPointerOf(m session.Message) session.Message {
	return reflect.Zero(reflect.PointerTo(reflect.TypeOf(m))).Interface().(session.Message)
}

// PointerMessages: Encode and Step take *MsgX like MsgX; a nil pointer, and
// nil, are refused, never dereferenced.
func PointerMessages[S comparable, M Machine[S]](t *testing.T, p Protocol[S, M]) {
	t.Helper()
	for _, smp := range p.Samples {
		name := smp.Msg.MessageName()
		vb := p.encode(t, smp)
		ptr := PointerTo(smp.Msg)
		pb, err := session.EncodeMessage(p.At(smp.State), ptr)
		if err != nil || !bytes.Equal(pb, vb) {
			t.Errorf("%s: pointer encodes %x (%v), value %x", name, pb, err, vb)
		}
		m := p.At(smp.State)
		if err := m.Step(m.Agency(), ptr); err != nil {
			t.Errorf("%s: pointer Step: %v", name, err)
		}
		for _, bad := range []session.Message{nilPointerOf(smp.Msg), nil} {
			if _, err := session.EncodeMessage(p.At(smp.State), bad); !errors.Is(err, session.ErrUnexpectedMessage) {
				t.Errorf("%s: %T(nil) encoded: %v", name, bad, err)
			}
			m := p.At(smp.State)
			if err := m.Step(m.Agency(), bad); !errors.Is(err, session.ErrUnexpectedMessage) || m.Current() != smp.State {
				t.Errorf("%s: %T(nil) stepped: %v", name, bad, err)
			}
		}
	}
}

// Truncations: unknown tags are malformed in every state, empty input is a
// short error in every live state, every proper prefix of a sample is a
// short error (so a stream reader waits for more) and a trailing byte is
// refused. unknownTags are tag bytes the protocol does not use.
func Truncations[S comparable, M Machine[S]](t *testing.T, p Protocol[S, M], unknownTags ...byte) {
	t.Helper()
	for _, st := range p.States {
		m := p.At(st)
		for _, tag := range unknownTags {
			_, err := session.DecodeMessage(m, []byte{tag})
			if !errors.Is(err, binary.ErrMalformed) || binary.IsShort(err) ||
				(errors.Is(err, session.ErrUnexpectedMessage) && m.Agency() != session.Nobody) {
				t.Errorf("tag %02x in %s: %v", tag, m.State(), err)
			}
		}
		if m.Agency() != session.Nobody {
			if _, err := session.DecodeMessage(m, nil); !binary.IsShort(err) {
				t.Errorf("empty input in %s: %v", m.State(), err)
			}
		}
	}
	for _, smp := range p.Samples {
		b := p.encode(t, smp)
		for n := 0; n < len(b); n++ {
			if _, err := session.DecodeMessage(p.At(smp.State), b[:n]); !binary.IsShort(err) {
				t.Fatalf("%s cut to %d of %d bytes: want a short error, got %v", smp.Msg.MessageName(), n, len(b), err)
			}
		}
		if _, err := session.DecodeMessage(p.At(smp.State), append(bytes.Clone(b), 0)); err == nil || binary.IsShort(err) {
			t.Errorf("%s with a trailing byte: %v", smp.Msg.MessageName(), err)
		}
	}
}

// Step is one message of a replayed session and the error Step must give
// (nil when the message is allowed).
type Step struct {
	By      session.Agency
	Msg     session.Message
	WantErr error
}

// Replay runs steps through m: each refused message must leave the state as
// it was, and quiet must agree with the machine after every step.
func Replay[S comparable](t *testing.T, m Machine[S], steps []Step, quiet func(S) bool) {
	t.Helper()
	for i, st := range steps {
		before, name := m.Current(), m.State()
		err := m.Step(st.By, st.Msg)
		if !errors.Is(err, st.WantErr) || (st.WantErr == nil) != (err == nil) {
			t.Fatalf("step %d (%s by %s in %s): got %v, want %v", i, session.NameOf(st.Msg), st.By, name, err, st.WantErr)
		}
		if err != nil && m.Current() != before {
			t.Fatalf("step %d: refused message moved %s to %s", i, name, m.State())
		}
		if session.IsQuiet(m) != quiet(m.Current()) {
			t.Fatalf("step %d: quiet %v in %s", i, session.IsQuiet(m), m.State())
		}
	}
}

// DecodeAny decodes b in the first of machines that accepts it.
func DecodeAny[S any, M Machine[S]](machines []M, b []byte) (session.Message, S, bool) {
	for _, m := range machines {
		if msg, err := session.DecodeMessage(m, b); err == nil {
			return msg, m.Current(), true
		}
	}
	var zero S
	return nil, zero, false
}

// RoundTrip is the body of a decoder fuzz target: in each of machines, in
// either fails to decode or re-encodes to exactly the bytes it consumed,
// unless canonicalises (may be nil) reports that the message holds data
// the encoder writes in a canonical form; then the re-encoding must be a
// fixed point. Decoding never moves a machine, so the same ones serve every
// input.
func RoundTrip(t *testing.T, machines []session.Machine, in []byte, canonicalises func(session.Message) bool) {
	t.Helper()
	for _, m := range machines {
		d := binary.NewDecoder(in)
		msg, err := m.Decode(d)
		if err != nil {
			continue
		}
		out, err := session.EncodeMessage(m, msg)
		if err != nil {
			t.Fatalf("%s: re-encoding a decoded %s failed: %v", m.State(), msg.MessageName(), err)
		}
		if bytes.Equal(out, in[:d.Offset()]) {
			continue
		}
		if canonicalises == nil || !canonicalises(msg) {
			t.Fatalf("%s: %s re-encodes differently:\n got %x\nwant %x", m.State(), msg.MessageName(), out, in[:d.Offset()])
		}
		again, err := session.DecodeMessage(m, out)
		if err != nil {
			t.Fatalf("%s: canonical re-encoding does not decode: %v", m.State(), err)
		}
		if out2, err := session.EncodeMessage(m, again); err != nil || !bytes.Equal(out2, out) {
			t.Fatalf("%s: canonical re-encoding is not a fixed point: %v", m.State(), err)
		}
	}
}

// codecItem is one golden message with a machine in its state.
type codecItem struct {
	m   session.Machine
	bin []byte
	msg session.Message
}

func codecItems[S any, M Machine[S]](b *testing.B, machines []M, vectors []golden.Vector) ([]codecItem, int64) {
	b.Helper()
	var items []codecItem
	var total int64
	for _, v := range vectors {
		found := false
		for _, m := range machines {
			if msg, err := session.DecodeMessage(m, v.Binary); err == nil {
				items = append(items, codecItem{m: m, bin: v.Binary, msg: msg})
				found = true
				break
			}
		}
		if !found {
			b.Fatalf("golden line %d does not decode", v.Line)
		}
		total += int64(len(v.Binary))
	}
	return items, total
}

// BenchDecode decodes every golden vector, each in its state, per
// iteration. Decoding never moves a machine, so they are reused.
func BenchDecode[S any, M Machine[S]](b *testing.B, machines []M, vectors []golden.Vector) {
	items, total := codecItems(b, machines, vectors)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range items {
			d := binary.NewDecoder(it.bin)
			if _, err := it.m.Decode(d); err != nil || d.Remaining() != 0 {
				b.Fatalf("decode: %v", err)
			}
		}
	}
}

// BenchEncode encodes every golden message per iteration, back to back into
// one reused buffer, as a connection writer would send them.
func BenchEncode[S any, M Machine[S]](b *testing.B, machines []M, vectors []golden.Vector) {
	items, total := codecItems(b, machines, vectors)
	b.SetBytes(total)
	b.ReportAllocs()
	buf := make([]byte, 0, total)
	for b.Loop() {
		e := binary.NewEncoder(buf[:0])
		for _, it := range items {
			if err := it.m.Encode(e, it.msg); err != nil {
				b.Fatal(err)
			}
		}
		if e.Len() != int(total) {
			b.Fatalf("encoded %d bytes, want %d", e.Len(), total)
		}
	}
}

// Machines converts a protocol's machines to session.Machine values.
func Machines[M session.Machine](ms []M) []session.Machine {
	out := make([]session.Machine, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

// Serve runs serve on the server end of a fresh Pipe between the given
// machines and returns the client end (closed when the test ends) and the
// channel serve's result arrives on.
func Serve(t *testing.T, ctx context.Context, client, server session.Machine, serve func(context.Context, session.Channel) error) (*session.PipeEnd, <-chan error) {
	t.Helper()
	c, s := session.Pipe(client, server)
	t.Cleanup(c.Close)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, s) }()
	return c, done
}

// Wait returns what a Serve started by Serve returned, failing the test if
// it has not returned within 5 s.
func Wait(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
		return nil
	}
}
