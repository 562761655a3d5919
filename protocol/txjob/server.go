package txjob

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Handler executes MarloweTxCommands for Serve. The index- and node-backed
// implementation (building and submitting real transactions) comes later;
// Memory backs the tests.
//
// A Go error from either method is a server failure: the session ends with
// a failure frame. Command failures the client should see are outcomes:
// job.FailedWith(<the command's error type>).
type Handler interface {
	// Exec starts cmd. Create, ApplyInputs, Withdraw and BurnRoleTokens
	// have no status, so their job must be finished when first polled —
	// return job.Finished(job.SucceededWith(result)) or
	// job.Finished(job.FailedWith(err)) with the result and error types of
	// the command (see Codec). Submit returns a job whose Poll reports
	// job.RunningWith(SubmitStatus, JobIdSubmit) while the transaction is
	// on its way, then job.SucceededWith(types.BlockHeader) or
	// job.FailedWith(SubmitError).
	Exec(ctx context.Context, cmd Command) (job.Job, error)
	// Attach returns the Submit job of id; ok false when there is none
	// (the client gets MsgAttachFailed).
	Attach(ctx context.Context, id JobIdSubmit) (j job.Job, ok bool, err error)
}

// Serve drives the server side of one TxJob session over ch (whose machine
// must be a TxJob Machine in StInit) until the session ends. It returns nil
// when the session reached its end, or the first protocol, channel or
// handler error; an outcome whose values do not fit the command (say a
// status for Create) is such an error.
func Serve(ctx context.Context, ch session.Channel, h Handler) error {
	return job.Serve(ctx, ch, handlerAdapter{h})
}

// handlerAdapter presents a Handler as a job.Handler.
type handlerAdapter struct{ h Handler }

func (a handlerAdapter) Exec(ctx context.Context, cmd job.Command) (job.Job, error) {
	c, ok := cmd.(Command)
	if !ok {
		return nil, fmt.Errorf("txjob: not a MarloweTxCommand: %T", cmd)
	}
	return a.h.Exec(ctx, c)
}

func (a handlerAdapter) Attach(ctx context.Context, id job.JobID) (job.Job, bool, error) {
	v, ok := id.(JobIdSubmit)
	if !ok {
		return nil, false, fmt.Errorf("txjob: not a MarloweTxCommand job id: %T", id)
	}
	return a.h.Attach(ctx, v)
}
