package load

import (
	"context"
	"errors"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// ErrMerkleized is returned by Client.Load for a contract that already
// holds a merkleized case: the protocol can only push inline cases, so the
// client aborts the load (as Haskell's pushContract does).
var ErrMerkleized = errors.New("load: contract holds a merkleized case, which cannot be pushed; load aborted")

// Client is the client side of a MarloweLoad session.
type Client struct {
	ch session.Channel
}

// NewClient returns a client over ch, whose machine must be in the initial
// state (the server speaks first).
func NewClient(ch session.Channel) *Client { return &Client{ch: ch} }

// item is one unit of the pre-order walk: a contract to push, or a case
// (its action, then its continuation).
type item struct {
	contract core.Contract
	cs       *core.Case
}

// Load streams c to the server as a pre-order walk of nodes, pausing with
// MsgRequestResume whenever the server's batch is used up, and returns the
// hash of the merkleized contract the server stored. The session ends with
// it. A contract the walk cannot push (one holding a merkleized case:
// ErrMerkleized; a nil continuation; a template timeout) is aborted with
// MsgAbort when the walk reaches it.
func (cl *Client) Load(ctx context.Context, c core.Contract) (types.DatumHash, error) {
	left, err := cl.resume(ctx)
	if err != nil {
		return "", err
	}
	todo := []item{{contract: c}}
	for len(todo) > 0 {
		it := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		msg, next, err := pushOf(it)
		if err != nil {
			// Leave the server nothing half-loaded: abort (best effort,
			// the walk error is what matters to the caller).
			_ = cl.ch.Send(ctx, MsgAbort{})
			return "", err
		}
		if left == 0 {
			if err := cl.ch.Send(ctx, MsgRequestResume{}); err != nil {
				return "", err
			}
			if left, err = cl.resume(ctx); err != nil {
				return "", err
			}
		}
		if err := cl.ch.Send(ctx, msg); err != nil {
			// A value with no wire form fails before anything is sent;
			// abort so the server does not wait for the rest.
			_ = cl.ch.Send(ctx, MsgAbort{})
			return "", err
		}
		left--
		todo = append(todo, next...)
	}
	reply, err := cl.ch.Recv(ctx)
	if err != nil {
		return "", err
	}
	done, ok := reply.(MsgComplete)
	if !ok {
		return "", fmt.Errorf("load: expected MsgComplete, got %s", reply.MessageName())
	}
	return done.Hash, nil
}

// resume waits for MsgResume and returns its push count.
func (cl *Client) resume(ctx context.Context) (int64, error) {
	msg, err := cl.ch.Recv(ctx)
	if err != nil {
		return 0, err
	}
	r, ok := msg.(MsgResume)
	if !ok {
		return 0, fmt.Errorf("load: expected MsgResume, got %s", msg.MessageName())
	}
	return r.N, nil
}

// pushOf returns the message for one walk item and the items that follow
// it, in stack order (the last one is pushed next).
func pushOf(it item) (session.Message, []item, error) {
	if it.cs != nil {
		if it.cs.Merkleized {
			return nil, nil, ErrMerkleized
		}
		if it.cs.Then == nil {
			return nil, nil, errors.New("load: case without continuation")
		}
		return MsgPushCase{Action: it.cs.Action}, []item{{contract: it.cs.Then}}, nil
	}
	switch x := it.contract.(type) {
	case core.Close:
		return MsgPushClose{}, nil, nil
	case core.Pay:
		return MsgPushPay{From: x.From, To: x.To, Token: x.Token, Amount: x.Amount}, []item{{contract: x.Then}}, nil
	case core.If:
		return MsgPushIf{Obs: x.Obs}, []item{{contract: x.Else}, {contract: x.Then}}, nil
	case core.When:
		if x.Timeout == nil {
			return nil, nil, errors.New("load: When without a timeout (template parameter?)")
		}
		next := make([]item, 0, len(x.Cases)+1)
		next = append(next, item{contract: x.Continuation})
		for i := len(x.Cases) - 1; i >= 0; i-- {
			next = append(next, item{cs: &x.Cases[i]})
		}
		return MsgPushWhen{Timeout: x.Timeout}, next, nil
	case core.Let:
		return MsgPushLet{ID: x.ID, Value: x.Value}, []item{{contract: x.Then}}, nil
	case core.Assert:
		return MsgPushAssert{Obs: x.Obs}, []item{{contract: x.Then}}, nil
	case nil:
		return nil, nil, errors.New("load: missing contract")
	}
	return nil, nil, fmt.Errorf("load: unsupported contract type %T", it.contract)
}
