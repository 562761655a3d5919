package job

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Progress says where a job stands.
type Progress uint8

// The job progress values.
const (
	// Running: the job goes on; Outcome.Status and Outcome.JobID describe
	// it and the server answers MsgAwait.
	Running Progress = iota
	// Succeeded: Outcome.Result holds the result (MsgSucceed).
	Succeeded
	// Failed: Outcome.Err holds the command's error value (MsgFail).
	Failed
)

// String names the progress for logs and errors.
func (p Progress) String() string {
	switch p {
	case Running:
		return "running"
	case Succeeded:
		return "succeeded"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("Progress(%d)", uint8(p))
}

// Outcome is a job's state as reported to the client: exactly the content of
// one of MsgAwait, MsgSucceed or MsgFail.
type Outcome struct {
	Progress Progress
	// Status and JobID are set when Running.
	Status any
	JobID  JobID
	// Result is set when Succeeded.
	Result any
	// Err is set when Failed: a value of the command's error type (a
	// protocol-level answer, not a Go error).
	Err any
}

// Done reports whether the job has finished (succeeded or failed).
func (o Outcome) Done() bool { return o.Progress != Running }

// RunningWith is the outcome of a job still running with status under id.
func RunningWith(status any, id JobID) Outcome {
	return Outcome{Progress: Running, Status: status, JobID: id}
}

// SucceededWith is the outcome of a job that produced result.
func SucceededWith(result any) Outcome { return Outcome{Progress: Succeeded, Result: result} }

// FailedWith is the outcome of a job that failed with err, a value of the
// command's error type.
func FailedWith(err any) Outcome { return Outcome{Progress: Failed, Err: err} }

// Job is a command being executed by a Handler.
type Job interface {
	// Poll reports the job's current outcome. It must not wait for the job
	// to finish — the client polls at its own pace — but may block on ctx
	// for a lookup. A Go error means the job cannot be reported at all
	// (the server crashed); the session then ends with a failure frame.
	Poll(ctx context.Context) (Outcome, error)
}

// Finished returns a Job that has already ended with o; handlers use it for
// commands answered at once (all MarloweTxCommands but Submit).
func Finished(o Outcome) Job { return finished(o) }

type finished Outcome

func (f finished) Poll(context.Context) (Outcome, error) { return Outcome(f), nil }

// Handler executes the commands of one family on behalf of Serve.
type Handler interface {
	// Exec starts cmd and returns its job. Commands that are answered at
	// once return Finished(...). A Go error is a server failure (the
	// session ends with a failure frame), not a command error: those are
	// Outcomes with Progress Failed.
	Exec(ctx context.Context, cmd Command) (Job, error)
	// Attach returns the running or finished job id names; ok false means
	// no such job (the client gets MsgAttachFailed).
	Attach(ctx context.Context, id JobID) (j Job, ok bool, err error)
}

// Serve drives the server side of one Job session over ch until it ends:
// it receives MsgExec or MsgAttach, asks h, and answers with the job's
// outcome, polling the job again on each MsgPoll. It returns nil when the
// session reached StDone, or the first protocol, channel or handler error.
func Serve(ctx context.Context, ch session.Channel, h Handler) error {
	msg, err := ch.Recv(ctx)
	if err != nil {
		return fmt.Errorf("job server: receive first message: %w", err)
	}
	switch x := msg.(type) {
	case MsgExec:
		j, err := h.Exec(ctx, x.Command)
		if err != nil {
			return fmt.Errorf("job server: exec %s: %w", x.Command.CommandTag(), err)
		}
		if j == nil {
			return fmt.Errorf("job server: exec %s: handler returned no job", x.Command.CommandTag())
		}
		return serveJob(ctx, ch, j)
	case MsgAttach:
		j, ok, err := h.Attach(ctx, x.JobID)
		if err != nil {
			return fmt.Errorf("job server: attach %s: %w", x.JobID.JobTag(), err)
		}
		if !ok || j == nil {
			if err := ch.Send(ctx, MsgAttachFailed{}); err != nil {
				return fmt.Errorf("job server: send MsgAttachFailed: %w", err)
			}
			return nil
		}
		if err := ch.Send(ctx, MsgAttached{}); err != nil {
			return fmt.Errorf("job server: send MsgAttached: %w", err)
		}
		return serveJob(ctx, ch, j)
	}
	// The channel's machine only lets MsgExec or MsgAttach through in
	// StInit.
	return fmt.Errorf("job server: unexpected first message %s: %w", msg.MessageName(), session.ErrUnexpectedMessage)
}

// serveJob reports j's outcome until it is final or the client detaches.
func serveJob(ctx context.Context, ch session.Channel, j Job) error {
	for {
		o, err := j.Poll(ctx)
		if err != nil {
			return fmt.Errorf("job server: poll: %w", err)
		}
		var reply session.Message
		switch o.Progress {
		case Running:
			reply = MsgAwait{Status: o.Status, JobID: o.JobID}
		case Succeeded:
			reply = MsgSucceed{Result: o.Result}
		case Failed:
			reply = MsgFail{Err: o.Err}
		default:
			return fmt.Errorf("job server: poll: invalid progress %s", o.Progress)
		}
		if err := ch.Send(ctx, reply); err != nil {
			return fmt.Errorf("job server: send %s: %w", reply.MessageName(), err)
		}
		if o.Done() {
			return nil
		}
		next, err := ch.Recv(ctx)
		if err != nil {
			return fmt.Errorf("job server: receive in await: %w", err)
		}
		switch next.(type) {
		case MsgPoll:
		case MsgDetach:
			return nil
		default:
			return fmt.Errorf("job server: unexpected %s in await: %w", next.MessageName(), session.ErrUnexpectedMessage)
		}
	}
}
