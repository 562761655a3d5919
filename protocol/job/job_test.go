package job_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// A toy command family, to test the generic framing of §4.5 apart from
// MarloweTxCommand: tag 01 Quick (no status, no job id), tag 02 Slow
// (status and job id are one byte each). Commands carry one byte; errors
// and results are one byte.

type toyTag uint8

func (t toyTag) String() string { return fmt.Sprintf("Toy%d", uint8(t)) }

type quick struct{ N uint8 }

type slow struct{ N uint8 }

type slowID struct{ ID uint8 }

func (quick) CommandTag() job.Tag { return toyTag(1) }
func (slow) CommandTag() job.Tag  { return toyTag(2) }
func (slowID) JobTag() job.Tag    { return toyTag(2) }

type toyCodec struct{}

func (toyCodec) Family() string { return "Toy" }

func (toyCodec) EncodeTag(e *binary.Encoder, t job.Tag) { e.PutU8(uint8(t.(toyTag))) }

func (toyCodec) DecodeTag(d *binary.Decoder) (job.Tag, error) {
	t, err := d.U8()
	if err != nil {
		return nil, err
	}
	if t != 1 && t != 2 {
		return nil, d.Errorf(d.Offset()-1, "bad toy tag %d", t)
	}
	return toyTag(t), nil
}

func (toyCodec) EncodeCommand(e *binary.Encoder, c job.Command) {
	switch v := c.(type) {
	case quick:
		e.PutU8(v.N)
	case slow:
		e.PutU8(v.N)
	default:
		e.Failf("bad command %T", c)
	}
}

func (toyCodec) DecodeCommand(d *binary.Decoder, t job.Tag) (job.Command, error) {
	n, err := d.U8()
	if err != nil {
		return nil, err
	}
	if t == toyTag(1) {
		return quick{n}, nil
	}
	return slow{n}, nil
}

func (toyCodec) EncodeJobID(e *binary.Encoder, id job.JobID) { e.PutU8(id.(slowID).ID) }

func (toyCodec) DecodeJobID(d *binary.Decoder, t job.Tag) (job.JobID, error) {
	if t != toyTag(2) {
		return nil, d.Errorf(d.Offset(), "%s has no job id", t)
	}
	n, err := d.U8()
	return slowID{n}, err
}

func (toyCodec) EncodeStatus(e *binary.Encoder, t job.Tag, s any) {
	v, ok := s.(uint8)
	if t != toyTag(2) || !ok {
		e.Failf("no status for %s", t)
		return
	}
	e.PutU8(v)
}

func (toyCodec) DecodeStatus(d *binary.Decoder, t job.Tag) (any, error) {
	if t != toyTag(2) {
		return nil, d.Errorf(d.Offset(), "%s has no status", t)
	}
	return d.U8()
}

func putByte(e *binary.Encoder, x any) {
	v, ok := x.(uint8)
	if !ok {
		e.Failf("not a byte: %T", x)
		return
	}
	e.PutU8(v)
}

func (toyCodec) EncodeError(e *binary.Encoder, _ job.Tag, x any)        { putByte(e, x) }
func (toyCodec) DecodeError(d *binary.Decoder, _ job.Tag) (any, error)  { return d.U8() }
func (toyCodec) EncodeResult(e *binary.Encoder, _ job.Tag, x any)       { putByte(e, x) }
func (toyCodec) DecodeResult(d *binary.Decoder, _ job.Tag) (any, error) { return d.U8() }

func newToy() *job.Machine { return job.NewMachine("", toyCodec{}) }

// TestFraming checks the bytes of every message of §4.5 for the toy family:
// the message tag, then the command tag (repeated in 03/04/05), then the
// family's fields.
func TestFraming(t *testing.T) {
	at := func(st job.State, tag job.Tag) *job.Machine {
		m, err := job.NewMachineAt("", toyCodec{}, st, tag)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	cases := []struct {
		m    *job.Machine
		msg  session.Message
		want []byte
	}{
		{newToy(), job.MsgExec{Command: slow{7}}, []byte{1, 2, 7}},
		{newToy(), job.MsgAttach{JobID: slowID{9}}, []byte{2, 2, 9}},
		{at(job.StCmd, toyTag(1)), job.MsgFail{Err: uint8(5)}, []byte{3, 1, 5}},
		{at(job.StCmd, toyTag(2)), job.MsgSucceed{Result: uint8(6)}, []byte{4, 2, 6}},
		{at(job.StCmd, toyTag(2)), job.MsgAwait{Status: uint8(1), JobID: slowID{9}}, []byte{5, 2, 1, 9}},
		{at(job.StAwait, toyTag(2)), job.MsgPoll{}, []byte{6}},
		{at(job.StAwait, toyTag(2)), job.MsgDetach{}, []byte{7}},
		{at(job.StAttach, toyTag(2)), job.MsgAttached{}, []byte{8}},
		{at(job.StAttach, toyTag(2)), job.MsgAttachFailed{}, []byte{9}},
	}
	for _, tc := range cases {
		b, err := session.EncodeMessage(tc.m, tc.msg)
		if err != nil || !bytes.Equal(b, tc.want) {
			t.Fatalf("%s in %s: %x, %v; want %x", tc.msg.MessageName(), tc.m.State(), b, err, tc.want)
		}
		got, err := session.DecodeMessage(tc.m, b)
		if err != nil || got.MessageName() != tc.msg.MessageName() {
			t.Fatalf("decode %x in %s: %v, %v", b, tc.m.State(), got, err)
		}
	}
	if m := newToy(); m.Protocol() != "Job Toy" || m.State() != "StInit" || m.Tag() != nil || m.Codec() == nil {
		t.Fatalf("new machine: %s %s %v", m.Protocol(), m.State(), m.Tag())
	}
	// §6.9: the repeated tag must equal the pending one.
	if _, err := session.DecodeMessage(at(job.StCmd, toyTag(2)), []byte{4, 1, 6}); err == nil ||
		!strings.Contains(err.Error(), "decoded command tag Toy1 does not match the pending command tag Toy2") {
		t.Fatalf("tag mismatch: %v", err)
	}
	if _, err := job.NewMachineAt("", toyCodec{}, job.StCmd, nil); err == nil {
		t.Fatal("NewMachineAt accepted a nil tag")
	}
	for _, s := range []job.State{job.StInit, job.StCmd, job.StAttach, job.StAwait, job.StDone, 7} {
		if s.String() == "" {
			t.Fatal("empty state name")
		}
	}
}

// toyHandler runs Quick at once (result = N+1, or error N when N is odd)
// and Slow as a job that stays running for N polls.
type toyHandler struct {
	jobs    map[uint8]*toyJob
	execErr error
	nilJob  bool
}

type toyJob struct {
	left    int
	pollErr error
	bad     bool
}

func (j *toyJob) Poll(context.Context) (job.Outcome, error) {
	switch {
	case j.pollErr != nil:
		return job.Outcome{}, j.pollErr
	case j.bad:
		return job.Outcome{Progress: 7}, nil
	case j.left > 0:
		j.left--
		return job.RunningWith(uint8(j.left), slowID{1}), nil
	}
	return job.SucceededWith(uint8(42)), nil
}

func (h *toyHandler) Exec(_ context.Context, cmd job.Command) (job.Job, error) {
	if h.execErr != nil || h.nilJob {
		return nil, h.execErr
	}
	switch c := cmd.(type) {
	case quick:
		if c.N%2 == 1 {
			return job.Finished(job.FailedWith(c.N)), nil
		}
		return job.Finished(job.SucceededWith(c.N + 1)), nil
	case slow:
		j := &toyJob{left: int(c.N)}
		h.jobs[1] = j
		return j, nil
	}
	return nil, fmt.Errorf("unknown command %T", cmd)
}

func (h *toyHandler) Attach(_ context.Context, id job.JobID) (job.Job, bool, error) {
	j, ok := h.jobs[id.(slowID).ID]
	return j, ok, nil
}

func run(t *testing.T, h job.Handler, client func(*job.Client) error) (serveErr error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, s := session.Pipe(newToy(), newToy())
	done := make(chan error, 1)
	go func() {
		err := job.Serve(ctx, s, h)
		if err != nil {
			s.Close()
		}
		done <- err
	}()
	if err := client(job.NewClient(c)); err != nil {
		t.Fatalf("client: %v", err)
	}
	return <-done
}

// TestServeAndClient runs the generic driver and client over a Pipe: direct
// answers, a job polled to completion, detach, attach and attach failure.
func TestServeAndClient(t *testing.T) {
	h := &toyHandler{jobs: map[uint8]*toyJob{}}
	ctx := context.Background()
	expect := func(o job.Outcome, p job.Progress, v any) error {
		if o.Progress != p {
			return fmt.Errorf("progress %s, want %s", o.Progress, p)
		}
		got := map[job.Progress]any{job.Running: o.Status, job.Succeeded: o.Result, job.Failed: o.Err}[p]
		if got != v {
			return fmt.Errorf("%s value %v, want %v", p, got, v)
		}
		return nil
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(run(t, h, func(c *job.Client) error {
		o, err := c.Exec(ctx, quick{2})
		if err != nil {
			return err
		}
		return expect(o, job.Succeeded, uint8(3))
	}))
	must(run(t, h, func(c *job.Client) error {
		o, err := c.Exec(ctx, quick{3})
		if err != nil {
			return err
		}
		return expect(o, job.Failed, uint8(3))
	}))
	must(run(t, h, func(c *job.Client) error {
		o, err := c.Exec(ctx, slow{2})
		if err != nil {
			return err
		}
		if err := expect(o, job.Running, uint8(1)); err != nil {
			return err
		}
		if o.Done() || o.JobID != (slowID{1}) {
			return fmt.Errorf("outcome %+v", o)
		}
		if o, err = c.Poll(ctx); err != nil {
			return err
		}
		if err := expect(o, job.Running, uint8(0)); err != nil {
			return err
		}
		return c.Detach(ctx)
	}))
	must(run(t, h, func(c *job.Client) error {
		o, ok, err := c.Attach(ctx, slowID{1})
		if err != nil || !ok {
			return fmt.Errorf("attach: %v %v", ok, err)
		}
		return expect(o, job.Succeeded, uint8(42))
	}))
	must(run(t, h, func(c *job.Client) error {
		if _, ok, err := c.Attach(ctx, slowID{2}); err != nil || ok {
			return fmt.Errorf("attach unknown: %v %v", ok, err)
		}
		return nil
	}))
}

// TestServeFailures checks that every handler failure ends Serve with a
// descriptive error (the transport's failure frame) rather than a panic or
// a silent close.
func TestServeFailures(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	tests := []struct {
		name string
		h    *toyHandler
		cmd  job.Command
		want string
	}{
		{"exec error", &toyHandler{execErr: boom}, quick{2}, "exec Toy1: boom"},
		{"no job", &toyHandler{nilJob: true}, quick{2}, "handler returned no job"},
		{"poll error", &toyHandler{jobs: map[uint8]*toyJob{}}, nil, "poll: boom"},
		{"invalid progress", &toyHandler{jobs: map[uint8]*toyJob{}}, nil, "invalid progress Progress(7)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cmd == nil {
				j := &toyJob{pollErr: boom}
				if tc.name == "invalid progress" {
					j = &toyJob{bad: true}
				}
				tc.h.jobs[1] = j
			}
			err := run(t, tc.h, func(c *job.Client) error {
				var err error
				if tc.cmd != nil {
					_, err = c.Exec(ctx, tc.cmd)
				} else {
					_, _, err = c.Attach(ctx, slowID{1})
				}
				if !errors.Is(err, session.ErrClosed) {
					return fmt.Errorf("client error %v, want closed", err)
				}
				return nil
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Serve error %v, want %q", err, tc.want)
			}
		})
	}
}
