package marlowequery

import (
	"context"

	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Handler answers one MarloweSyncRequest with the result type its kind
// expects (see the Req… types; "not found" is a nil pointer or an untyped
// nil). Batches are split by Serve, which calls Handle once per request in
// tree order; the Haskell server also answers each leaf independently, so
// there is no cross-request consistency to lose. Handle must be safe to
// call from the goroutines of several sessions at once. An error ends the
// session (the transport sends a failure frame).
type Handler interface {
	Handle(ctx context.Context, req Request) (Result, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, req Request) (Result, error)

// Handle implements Handler.
func (f HandlerFunc) Handle(ctx context.Context, req Request) (Result, error) { return f(ctx, req) }

// Serve drives the server side of a MarloweQuery session on ch (whose
// machine must be a *Machine in StReq) until the client sends MsgDone
// (nil) or an error occurs. Batches are limited to query.MaxLeaves
// requests.
func Serve(ctx context.Context, ch session.Channel, h Handler) error {
	return query.Serve[Request, Result](ctx, ch, h)
}
