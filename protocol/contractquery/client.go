package contractquery

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Client is a typed ContractQuery client. Calls must not overlap.
type Client struct {
	q *query.Client[Request, Result]
}

// NewClient returns a client on ch, whose machine must be a *Machine in
// StReq.
func NewClient(ch session.Channel) *Client {
	return &Client{q: query.NewClient[Request, Result](ch)}
}

// GetContract fetches a contract with its adjacency and closure; nil when
// the store does not have it.
func (c *Client) GetContract(ctx context.Context, hash types.DatumHash) (*ContractWithAdjacency, error) {
	res, err := c.q.RequestOne(ctx, GetContract{Hash: hash})
	if err != nil || res == nil {
		return nil, err
	}
	x, ok := res.(*ContractWithAdjacency)
	if !ok {
		return nil, fmt.Errorf("contractquery: GetContract answered with %T", res)
	}
	return x, nil
}

// MerkleizeInputs asks the store to merkleize the inputs of a transaction
// on contract in state. A merkleization failure is returned as the
// MerkleizeInputsError (the session goes on); transport and protocol
// failures as other errors.
func (c *Client) MerkleizeInputs(ctx context.Context, contract core.Contract, state core.State, input core.TransactionInput) (core.TransactionInput, error) {
	res, err := c.q.RequestOne(ctx, MerkleizeInputs{Contract: contract, State: state, Input: input})
	if err != nil {
		return core.TransactionInput{}, err
	}
	x, ok := res.(MerkleizeInputsResult)
	if !ok {
		return core.TransactionInput{}, fmt.Errorf("contractquery: MerkleizeInputs answered with %T", res)
	}
	if x.Err != nil {
		return core.TransactionInput{}, x.Err
	}
	return x.Input, nil
}

// Batch sends several requests at once and returns the results in a tree
// of the same shape.
func (c *Client) Batch(ctx context.Context, req *Tree[Request]) (*Tree[Result], error) {
	return c.q.Request(ctx, req)
}

// Done ends the session.
func (c *Client) Done(ctx context.Context) error { return c.q.Done(ctx) }
