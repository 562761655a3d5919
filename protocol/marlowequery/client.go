package marlowequery

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Client is a typed MarloweQuery client: one method per request kind, plus
// Batch for several requests in one round trip. Calls must not overlap.
type Client struct {
	q *query.Client[Request, Result]
}

// NewClient returns a client on ch, whose machine must be a *Machine in
// StReq.
func NewClient(ch session.Channel) *Client {
	return &Client{q: query.NewClient[Request, Result](ch)}
}

// ask sends one request and converts its result to T.
func ask[T any](ctx context.Context, c *Client, req Request) (T, error) {
	var zero T
	res, err := c.q.RequestOne(ctx, req)
	if err != nil {
		return zero, err
	}
	if res == nil {
		return zero, nil
	}
	t, ok := res.(T)
	if !ok {
		return zero, fmt.Errorf("marlowequery: %s answered with %T", req.RequestName(), res)
	}
	return t, nil
}

// Status returns the runtime status.
func (c *Client) Status(ctx context.Context) (RuntimeStatus, error) {
	return ask[RuntimeStatus](ctx, c, ReqStatus{})
}

// ContractHeaders returns one page of contract headers matching f; nil if
// r is invalid or its start is unknown.
func (c *Client) ContractHeaders(ctx context.Context, f ContractFilter, r Range[types.ContractId]) (*ContractHeadersPage, error) {
	return ask[*ContractHeadersPage](ctx, c, ReqContractHeaders{Filter: f, Range: r})
}

// ContractState returns a contract's state, nil if unknown.
func (c *Client) ContractState(ctx context.Context, id types.ContractId) (*SomeContractState, error) {
	return ask[*SomeContractState](ctx, c, ReqContractState{ContractId: id})
}

// Transaction returns a Marlowe transaction, nil if unknown.
func (c *Client) Transaction(ctx context.Context, id types.TxId) (*SomeTransaction, error) {
	return ask[*SomeTransaction](ctx, c, ReqTransaction{TxId: id})
}

// Transactions returns a contract's transactions, nil if the contract is
// unknown.
func (c *Client) Transactions(ctx context.Context, id types.ContractId) (*SomeTransactions, error) {
	return ask[*SomeTransactions](ctx, c, ReqTransactions{ContractId: id})
}

// Withdrawal returns a withdrawal, nil if unknown.
func (c *Client) Withdrawal(ctx context.Context, id types.TxId) (*Withdrawal, error) {
	return ask[*Withdrawal](ctx, c, ReqWithdrawal{TxId: id})
}

// Withdrawals returns one page of withdrawals matching f.
func (c *Client) Withdrawals(ctx context.Context, f WithdrawalFilter, r Range[types.TxId]) (*WithdrawalsPage, error) {
	return ask[*WithdrawalsPage](ctx, c, ReqWithdrawals{Filter: f, Range: r})
}

// Payouts returns one page of payouts matching f.
func (c *Client) Payouts(ctx context.Context, f PayoutFilter, r Range[types.TxOutRef]) (*PayoutsPage, error) {
	return ask[*PayoutsPage](ctx, c, ReqPayouts{Filter: f, Range: r})
}

// Payout returns one payout, nil if unknown.
func (c *Client) Payout(ctx context.Context, id types.TxOutRef) (*SomePayoutState, error) {
	return ask[*SomePayoutState](ctx, c, ReqPayout{PayoutId: id})
}

// RoleCurrencies returns the role currencies matching f.
func (c *Client) RoleCurrencies(ctx context.Context, f RoleCurrencyFilter) (RoleCurrencies, error) {
	return ask[RoleCurrencies](ctx, c, ReqRoleCurrencies{Filter: f})
}

// Batch sends several requests at once (a ReqBin tree) and returns the
// results in a tree of the same shape.
func (c *Client) Batch(ctx context.Context, req *Tree[Request]) (*Tree[Result], error) {
	return c.q.Request(ctx, req)
}

// Done ends the session.
func (c *Client) Done(ctx context.Context) error { return c.q.Done(ctx) }
