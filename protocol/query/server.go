package query

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// MaxLeaves bounds the requests one MsgRequest may batch when served by
// Serve. The wire format has no such bound, but every leaf costs a handler
// call and a result, so an unbounded batch would let one small message
// demand unbounded work; real clients batch a handful.
const MaxLeaves = 1024

// Handler answers single requests. Serve calls it once per leaf of a
// batch, left to right, and sends the results together; the Haskell
// servers also answer each leaf on its own (concurrently, with no
// cross-leaf snapshot), so a per-request handler loses nothing and keeps
// implementations to one case per request kind. An error ends the session:
// the transport reports it to the peer in a failure frame.
type Handler[Req, Res any] interface {
	Handle(ctx context.Context, req Req) (Res, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc[Req, Res any] func(ctx context.Context, req Req) (Res, error)

// Handle implements Handler.
func (f HandlerFunc[Req, Res]) Handle(ctx context.Context, req Req) (Res, error) { return f(ctx, req) }

// Serve drives the server side of a Query session on ch until the client
// sends MsgDone (nil), the context ends, the channel fails or the handler
// fails (the error). Leaves are answered sequentially: handlers are local
// index reads, and sequential calls keep the failing leaf deterministic and
// the goroutine count fixed whatever the batch.
func Serve[Req, Res any](ctx context.Context, ch session.Channel, h Handler[Req, Res]) error {
	for {
		msg, err := ch.Recv(ctx)
		if err != nil {
			return err
		}
		switch m := msg.(type) {
		case MsgDone:
			return nil
		case MsgRequest[Req]:
			if n, err := m.Request.Validate(binary.DefaultMaxDepth); err != nil {
				return fmt.Errorf("query server: request: %w", err)
			} else if n > MaxLeaves {
				return fmt.Errorf("query server: batch of %d requests exceeds the limit of %d", n, MaxLeaves)
			}
			leaf := 0
			res, err := Map(m.Request, func(r Req) (Res, error) {
				leaf++
				if err := ctx.Err(); err != nil {
					var zero Res
					return zero, err
				}
				return h.Handle(ctx, r)
			})
			if err != nil {
				return fmt.Errorf("query server: request %d of %d: %w", leaf, len(m.Request.Leaves()), err)
			}
			if err := ch.Send(ctx, MsgRespond[Res]{Result: res}); err != nil {
				return err
			}
		default:
			return fmt.Errorf("query server: unexpected %s", msg.MessageName())
		}
	}
}
