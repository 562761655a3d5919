package contractquery

import (
	"context"

	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Handler answers one ContractRequest: GetContract with a
// *ContractWithAdjacency (nil when not found), MerkleizeInputs with a
// MerkleizeInputsResult. Serve calls it once per request of a batch, in
// tree order, as the Haskell contract server answers each leaf on its own.
// Handle must be safe for concurrent use by several sessions. An error ends
// the session; a merkleization failure is not an error but a result
// (MerkleizeInputsResult.Err).
type Handler interface {
	Handle(ctx context.Context, req Request) (Result, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, req Request) (Result, error)

// Handle implements Handler.
func (f HandlerFunc) Handle(ctx context.Context, req Request) (Result, error) { return f(ctx, req) }

// Serve drives the server side of a ContractQuery session on ch (whose
// machine must be a *Machine in StReq) until the client sends MsgDone
// (nil) or an error occurs.
func Serve(ctx context.Context, ch session.Channel, h Handler) error {
	return query.Serve[Request, Result](ctx, ch, h)
}
