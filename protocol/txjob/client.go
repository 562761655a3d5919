package txjob

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Client is a typed TxJob client over one session. A session carries one
// command: call exactly one of Create, ApplyInputs, Withdraw,
// BurnRoleTokens, Submit or AttachSubmit; after a Submit or AttachSubmit
// that is still running, Poll or Detach. Once a final answer has arrived the
// session is over.
//
// The transaction-building commands return their result, or a non-nil
// command error (the server's MsgFail); the Go error reports protocol and
// channel failures.
type Client struct {
	c *job.Client
}

// NewClient returns a client over ch, whose machine must be a TxJob Machine
// in StInit.
func NewClient(ch session.Channel) *Client { return &Client{c: job.NewClient(ch)} }

// run executes a command without status and splits its outcome.
func run[R, E any](ctx context.Context, c *Client, cmd Command) (r R, cmdErr E, err error) {
	o, err := c.c.Exec(ctx, cmd)
	if err != nil {
		return r, cmdErr, err
	}
	switch o.Progress {
	case job.Succeeded:
		v, ok := o.Result.(R)
		if !ok {
			return r, cmdErr, fmt.Errorf("txjob client: %s result has type %T", cmd.CommandTag(), o.Result)
		}
		return v, cmdErr, nil
	case job.Failed:
		v, ok := o.Err.(E)
		if !ok {
			return r, cmdErr, fmt.Errorf("txjob client: %s error has type %T", cmd.CommandTag(), o.Err)
		}
		return r, v, nil
	}
	return r, cmdErr, fmt.Errorf("txjob client: %s answered with a status, which it does not have", cmd.CommandTag())
}

// Create builds a contract-creation transaction.
func (c *Client) Create(ctx context.Context, cmd Create) (ContractCreated, CreateError, error) {
	return run[ContractCreated, CreateError](ctx, c, cmd)
}

// ApplyInputs builds an input-application transaction.
func (c *Client) ApplyInputs(ctx context.Context, cmd ApplyInputs) (InputsApplied, ApplyInputsError, error) {
	return run[InputsApplied, ApplyInputsError](ctx, c, cmd)
}

// Withdraw builds a payout-withdrawal transaction.
func (c *Client) Withdraw(ctx context.Context, cmd Withdraw) (WithdrawTx, WithdrawError, error) {
	return run[WithdrawTx, WithdrawError](ctx, c, cmd)
}

// BurnRoleTokens builds a role-token burning transaction.
func (c *Client) BurnRoleTokens(ctx context.Context, cmd BurnRoleTokens) (BurnRoleTokensTx, BurnRoleTokensError, error) {
	return run[BurnRoleTokensTx, BurnRoleTokensError](ctx, c, cmd)
}

// SubmitProgress is what the server last reported about a Submit job.
type SubmitProgress struct {
	// Done is set once the job has finished; then Err is nil and Block
	// holds the block containing the transaction, or Err says why it
	// failed.
	Done  bool
	Block types.BlockHeader
	Err   SubmitError
	// Status and Job describe a running job (Done false).
	Status SubmitStatus
	Job    JobIdSubmit
}

func submitProgress(o job.Outcome) (SubmitProgress, error) {
	switch o.Progress {
	case job.Running:
		s, ok1 := o.Status.(SubmitStatus)
		id, ok2 := o.JobID.(JobIdSubmit)
		if !ok1 || !ok2 {
			return SubmitProgress{}, fmt.Errorf("txjob client: submit status %T / job id %T", o.Status, o.JobID)
		}
		return SubmitProgress{Status: s, Job: id}, nil
	case job.Succeeded:
		b, ok := o.Result.(types.BlockHeader)
		if !ok {
			return SubmitProgress{}, fmt.Errorf("txjob client: submit result has type %T", o.Result)
		}
		return SubmitProgress{Done: true, Block: b}, nil
	}
	e, ok := o.Err.(SubmitError)
	if !ok {
		return SubmitProgress{}, fmt.Errorf("txjob client: submit error has type %T", o.Err)
	}
	return SubmitProgress{Done: true, Err: e}, nil
}

// Submit submits a signed transaction and returns the first report.
func (c *Client) Submit(ctx context.Context, cmd Submit) (SubmitProgress, error) {
	o, err := c.c.Exec(ctx, cmd)
	if err != nil {
		return SubmitProgress{}, err
	}
	return submitProgress(o)
}

// AttachSubmit attaches to the Submit job of txId; ok is false when the
// server does not know it.
func (c *Client) AttachSubmit(ctx context.Context, txId types.TxId) (p SubmitProgress, ok bool, err error) {
	o, ok, err := c.c.Attach(ctx, JobIdSubmit{TxId: txId})
	if err != nil || !ok {
		return SubmitProgress{}, false, err
	}
	p, err = submitProgress(o)
	return p, err == nil, err
}

// Poll asks for the running Submit job's progress.
func (c *Client) Poll(ctx context.Context) (SubmitProgress, error) {
	o, err := c.c.Poll(ctx)
	if err != nil {
		return SubmitProgress{}, err
	}
	return submitProgress(o)
}

// Detach leaves the running Submit job and ends the session.
func (c *Client) Detach(ctx context.Context) error { return c.c.Detach(ctx) }
