package bulksync

import (
	"context"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Client is the client side of one MarloweBulkSync session. Each method
// sends one message and, where the protocol expects one, returns the
// server's answer; the channel's machine refuses calls the current state
// does not allow (for example Poll without a preceding NextWait).
type Client struct {
	ch session.Channel
}

// NewClient returns a client over ch, whose machine must be in StIdle.
func NewClient(ch session.Channel) *Client { return &Client{ch: ch} }

// Intersect moves the client to the latest of points (its known blocks,
// oldest first) that the server also has. When the result is not Found the
// position is unchanged and the session goes on.
func (c *Client) Intersect(ctx context.Context, points []types.BlockHeader) (IntersectResult, error) {
	msg, err := session.Call(ctx, c.ch, MsgIntersect{Points: points})
	if err != nil {
		return IntersectResult{}, err
	}
	switch msg := msg.(type) {
	case MsgIntersectFound:
		return IntersectFound(msg.Block, msg.Tip), nil
	case MsgIntersectNotFound:
		return IntersectNotFound(msg.Tip), nil
	}
	return IntersectResult{}, session.UnexpectedAnswer(ProtocolName, msg)
}

// RequestNext asks for the next block plus at most extraBlockCount more.
// After a NextWait answer the client must Poll or Cancel.
func (c *Client) RequestNext(ctx context.Context, extraBlockCount uint8) (Next, error) {
	return c.next(ctx, MsgRequestNext{ExtraBlockCount: extraBlockCount})
}

// Poll asks again after a NextWait answer (for as many blocks as the
// RequestNext before it).
func (c *Client) Poll(ctx context.Context) (Next, error) {
	return c.next(ctx, MsgPoll{})
}

// Cancel stops waiting after a NextWait answer.
func (c *Client) Cancel(ctx context.Context) error {
	return c.ch.Send(ctx, MsgCancel{})
}

// Done ends the session.
func (c *Client) Done(ctx context.Context) error {
	return c.ch.Send(ctx, MsgDone{})
}

func (c *Client) next(ctx context.Context, req session.Message) (Next, error) {
	msg, err := session.Call(ctx, c.ch, req)
	if err != nil {
		return Next{}, err
	}
	switch msg := msg.(type) {
	case MsgRollForward:
		return RollForward(msg.Blocks, msg.Tip), nil
	case MsgRollBackward:
		return RollBackward(msg.Point, msg.Tip), nil
	case MsgWait:
		return Wait(), nil
	}
	return Next{}, session.UnexpectedAnswer(ProtocolName, msg)
}
