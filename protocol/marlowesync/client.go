package marlowesync

import (
	"context"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Client is the client side of one MarloweSync session. Each method sends
// one message and, where the protocol expects one, returns the server's
// answer; the channel's machine refuses calls the current state does not
// allow (for example RequestNext before a contract is followed).
type Client struct {
	ch session.Channel
}

// NewClient returns a client over ch, whose machine must be in StInit.
func NewClient(ch session.Channel) *Client { return &Client{ch: ch} }

// FollowContract starts following contract id from its creation. When found
// is false the session is over.
func (c *Client) FollowContract(ctx context.Context, id types.ContractId) (cr Creation, found bool, err error) {
	msg, err := session.Call(ctx, c.ch, MsgFollowContract{ContractId: id})
	if err != nil {
		return Creation{}, false, err
	}
	switch msg := msg.(type) {
	case MsgContractFound:
		return Creation{Block: msg.Block, Step: msg.CreateStep}, true, nil
	case MsgContractNotFound:
		return Creation{}, false, nil
	}
	return Creation{}, false, session.UnexpectedAnswer(ProtocolName, msg)
}

// Intersect resumes following contract id from the latest of points (the
// client's blocks of its history, oldest first) that the server still has.
// When found is false the session is over.
func (c *Client) Intersect(ctx context.Context, id types.ContractId, points []types.BlockHeader) (block types.BlockHeader, found bool, err error) {
	msg, err := session.Call(ctx, c.ch, MsgIntersect{ContractId: id, Version: types.MarloweV1, Points: points})
	if err != nil {
		return types.BlockHeader{}, false, err
	}
	switch msg := msg.(type) {
	case MsgIntersectFound:
		return msg.Block, true, nil
	case MsgIntersectNotFound:
		return types.BlockHeader{}, false, nil
	}
	return types.BlockHeader{}, false, session.UnexpectedAnswer(ProtocolName, msg)
}

// RequestNext asks for the next step of the contract's history. After a
// NextWait answer the client must Poll or Cancel; after NextRollBackCreation
// the session is over.
func (c *Client) RequestNext(ctx context.Context) (Next, error) {
	return c.next(ctx, MsgRequestNext{})
}

// Poll asks again after a NextWait answer.
func (c *Client) Poll(ctx context.Context) (Next, error) {
	return c.next(ctx, MsgPoll{})
}

// Cancel stops waiting after a NextWait answer; the client may then
// RequestNext again or end with Done.
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
		return RollForward(msg.Block, msg.Steps), nil
	case MsgRollBackward:
		return RollBackward(msg.Block), nil
	case MsgRollBackCreation:
		return RollBackCreation(), nil
	case MsgWait:
		return Wait(), nil
	}
	return Next{}, session.UnexpectedAnswer(ProtocolName, msg)
}
