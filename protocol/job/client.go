package job

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Client drives the client side of one Job session over a Channel. A session
// carries one command (or one attachment): after Exec or Attach, call Poll
// or Detach while the outcome is Running; once the outcome is final the
// session is over and the client must not be used again.
type Client struct {
	ch session.Channel
}

// NewClient returns a client for a session whose channel is in StInit.
func NewClient(ch session.Channel) *Client { return &Client{ch: ch} }

// Exec sends MsgExec cmd and returns the server's first answer.
func (c *Client) Exec(ctx context.Context, cmd Command) (Outcome, error) {
	if err := c.ch.Send(ctx, MsgExec{Command: cmd}); err != nil {
		return Outcome{}, fmt.Errorf("job client: send MsgExec: %w", err)
	}
	return c.outcome(ctx)
}

// Attach sends MsgAttach id. ok is false when the server has no such job
// (the session is then over); otherwise the outcome is the server's first
// report on the job.
func (c *Client) Attach(ctx context.Context, id JobID) (o Outcome, ok bool, err error) {
	if err := c.ch.Send(ctx, MsgAttach{JobID: id}); err != nil {
		return Outcome{}, false, fmt.Errorf("job client: send MsgAttach: %w", err)
	}
	msg, err := c.ch.Recv(ctx)
	if err != nil {
		return Outcome{}, false, fmt.Errorf("job client: receive attach answer: %w", err)
	}
	switch msg.(type) {
	case MsgAttachFailed:
		return Outcome{}, false, nil
	case MsgAttached:
		o, err := c.outcome(ctx)
		return o, err == nil, err
	}
	return Outcome{}, false, fmt.Errorf("job client: unexpected %s after MsgAttach: %w", msg.MessageName(), session.ErrUnexpectedMessage)
}

// Poll asks for the job's current outcome (after a Running outcome).
func (c *Client) Poll(ctx context.Context) (Outcome, error) {
	if err := c.ch.Send(ctx, MsgPoll{}); err != nil {
		return Outcome{}, fmt.Errorf("job client: send MsgPoll: %w", err)
	}
	return c.outcome(ctx)
}

// Detach leaves a running job and ends the session.
func (c *Client) Detach(ctx context.Context) error {
	if err := c.ch.Send(ctx, MsgDetach{}); err != nil {
		return fmt.Errorf("job client: send MsgDetach: %w", err)
	}
	return nil
}

// outcome receives the server's MsgAwait, MsgSucceed or MsgFail.
func (c *Client) outcome(ctx context.Context) (Outcome, error) {
	msg, err := c.ch.Recv(ctx)
	if err != nil {
		return Outcome{}, fmt.Errorf("job client: receive outcome: %w", err)
	}
	switch x := msg.(type) {
	case MsgAwait:
		return RunningWith(x.Status, x.JobID), nil
	case MsgSucceed:
		return SucceededWith(x.Result), nil
	case MsgFail:
		return FailedWith(x.Err), nil
	}
	return Outcome{}, fmt.Errorf("job client: unexpected %s: %w", msg.MessageName(), session.ErrUnexpectedMessage)
}
