package query

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Client is the client side of a Query session over a channel whose
// machine is a Machine[Req, Res]. Calls must not overlap: the protocol
// allows one outstanding request (batch) at a time.
type Client[Req, Res any] struct {
	ch session.Channel
}

// NewClient returns a client on ch, which must be in StReq.
func NewClient[Req, Res any](ch session.Channel) *Client[Req, Res] {
	return &Client[Req, Res]{ch: ch}
}

// Request sends the batch req (without a span context) and returns the
// response, a tree of req's shape.
func (c *Client[Req, Res]) Request(ctx context.Context, req *Tree[Req]) (*Tree[Res], error) {
	if err := c.ch.Send(ctx, MsgRequest[Req]{Request: req}); err != nil {
		return nil, err
	}
	msg, err := c.ch.Recv(ctx)
	if err != nil {
		return nil, err
	}
	res, ok := msg.(MsgRespond[Res])
	if !ok {
		return nil, fmt.Errorf("query client: got %s, want MsgRespond", msg.MessageName())
	}
	return res.Result, nil
}

// RequestOne sends a single request and returns its result.
func (c *Client[Req, Res]) RequestOne(ctx context.Context, req Req) (Res, error) {
	var zero Res
	res, err := c.Request(ctx, Leaf(req))
	if err != nil {
		return zero, err
	}
	if !res.IsLeaf() {
		return zero, fmt.Errorf("query client: a pair answered a single request")
	}
	return res.Value, nil
}

// Done ends the session.
func (c *Client[Req, Res]) Done(ctx context.Context) error {
	return c.ch.Send(ctx, MsgDone{})
}
