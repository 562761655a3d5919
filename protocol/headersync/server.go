package headersync

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// NextKind says what a Next result is. The zero value is invalid, so that a
// forgotten result is an error rather than a silent wait.
type NextKind uint8

// The answers to MsgRequestNext and MsgPoll.
const (
	// NextNewHeaders: the contracts created in the next block
	// (MsgNewHeaders).
	NextNewHeaders NextKind = iota + 1
	// NextRollBackward: the client's position was rolled back; it resumes
	// from Point (MsgRollBackward).
	NextRollBackward
	// NextWait: nothing new yet (MsgWait).
	NextWait
)

// String names the kind of answer.
func (k NextKind) String() string {
	switch k {
	case NextNewHeaders:
		return "NewHeaders"
	case NextRollBackward:
		return "RollBackward"
	case NextWait:
		return "Wait"
	}
	return fmt.Sprintf("NextKind(%d)", uint8(k))
}

// Next is the server's answer to a request for the next block, as a Handler
// returns it and as the Client reports it.
type Next struct {
	Kind NextKind
	// Block and Headers are the block and the contracts created in it
	// (NextNewHeaders).
	Block   types.BlockHeader
	Headers []types.ContractHeader
	// Point is where the client resumes (NextRollBackward).
	Point types.ChainPoint
}

// NewHeaders is the Next that delivers the contracts created in block.
func NewHeaders(block types.BlockHeader, headers []types.ContractHeader) Next {
	return Next{Kind: NextNewHeaders, Block: block, Headers: headers}
}

// RollBackward is the Next that moves the client back to point.
func RollBackward(point types.ChainPoint) Next {
	return Next{Kind: NextRollBackward, Point: point}
}

// Wait is the Next that says nothing new has happened yet.
func Wait() Next { return Next{Kind: NextWait} }

// Handler answers the server side of MarloweHeaderSync sessions. It holds
// no per-session state: Serve keeps the client's position (the cursor) and
// passes it in. Implementations must be safe for concurrent use by many
// sessions.
type Handler interface {
	// Intersect finds the latest of points (the client's known blocks,
	// oldest first) that the server also has; found is false when there
	// is none, and the client then keeps its position.
	Intersect(ctx context.Context, points []types.BlockHeader) (block types.BlockHeader, found bool, err error)
	// Next returns the first block after cursor (Genesis at the start)
	// that created contracts, or where to roll back to when cursor is no
	// longer on the chain. It answers Wait rather than blocking when
	// nothing is new: Serve then sends MsgWait and asks again when the
	// client polls.
	Next(ctx context.Context, cursor types.ChainPoint) (Next, error)
}

// Serve runs the server side of one MarloweHeaderSync session over ch,
// answering with h, until the client ends it (nil), the context is
// cancelled, the channel fails, or h fails or answers inconsistently (an
// error, after which the caller closes the connection).
func Serve(ctx context.Context, ch session.Channel, h Handler) error {
	if h == nil {
		return errors.New("headersync: Serve: nil Handler")
	}
	s := server{ch: ch, h: h}
	if err := s.run(ctx); err != nil {
		return fmt.Errorf("%s server: %w", ProtocolName, err)
	}
	return nil
}

type server struct {
	ch     session.Channel
	h      Handler
	cursor types.ChainPoint
}

func (s *server) run(ctx context.Context) error {
	for {
		msg, err := s.ch.Recv(ctx)
		if err != nil {
			return err
		}
		switch msg := msg.(type) {
		case MsgDone:
			return nil
		case MsgRequestNext:
			if err := s.next(ctx); err != nil {
				return err
			}
		case MsgIntersect:
			if err := s.intersect(ctx, msg.Points); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unexpected %s in state StIdle", msg.MessageName())
		}
	}
}

func (s *server) intersect(ctx context.Context, points []types.BlockHeader) error {
	block, found, err := s.h.Intersect(ctx, points)
	if err != nil {
		return fmt.Errorf("intersect: %w", err)
	}
	if !found {
		return s.ch.Send(ctx, MsgIntersectNotFound{})
	}
	if !slices.Contains(points, block) {
		return fmt.Errorf("handler intersection %v is not one of the client's points", block)
	}
	if err := s.ch.Send(ctx, MsgIntersectFound{Block: block}); err != nil {
		return err
	}
	s.cursor = types.PointAt(block)
	return nil
}

// next answers MsgRequestNext, and the polls that follow a MsgWait, until
// the session is back in StIdle.
func (s *server) next(ctx context.Context) error {
	hctx := ctx
	for {
		nx, err := s.h.Next(hctx, s.cursor)
		if err != nil {
			return fmt.Errorf("next after %v: %w", s.cursor, err)
		}
		if err := checkNext(s.cursor, nx); err != nil {
			return err
		}
		switch nx.Kind {
		case NextNewHeaders:
			if err := s.ch.Send(ctx, MsgNewHeaders{Block: nx.Block, Headers: nx.Headers}); err != nil {
				return err
			}
			s.cursor = types.PointAt(nx.Block)
			return nil
		case NextRollBackward:
			if err := s.ch.Send(ctx, MsgRollBackward{Point: nx.Point}); err != nil {
				return err
			}
			s.cursor = nx.Point
			return nil
		}
		if err := s.ch.Send(ctx, MsgWait{}); err != nil {
			return err
		}
		msg, err := s.ch.Recv(ctx)
		if err != nil {
			return err
		}
		switch msg.(type) {
		case MsgPoll:
			hctx = session.WithPoll(ctx)
			continue
		case MsgCancel:
			return nil
		default:
			return fmt.Errorf("unexpected %s in state StWait", msg.MessageName())
		}
	}
}

// checkNext refuses handler answers that would move the client the wrong
// way: new headers must come after the cursor and a rollback must not, or
// the client would loop or skip blocks without any error.
func checkNext(cursor types.ChainPoint, nx Next) error {
	switch nx.Kind {
	case NextNewHeaders:
		if cursor.At && nx.Block.Slot <= cursor.Header.Slot {
			return fmt.Errorf("handler sends headers of %v, not after the cursor %v", nx.Block, cursor.Header)
		}
	case NextRollBackward:
		if !cursor.At || (nx.Point.At && nx.Point.Header.Slot > cursor.Header.Slot) {
			return fmt.Errorf("handler rolls backward to %v, not before the cursor %v", nx.Point, cursor)
		}
	case NextWait:
	default:
		return fmt.Errorf("handler returned an invalid Next (kind %v)", nx.Kind)
	}
	return nil
}
