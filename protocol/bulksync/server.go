package bulksync

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
	// NextRollForward: the next blocks and the tip (MsgRollForward).
	NextRollForward NextKind = iota + 1
	// NextRollBackward: the client's position was rolled back; it resumes
	// from Point (MsgRollBackward).
	NextRollBackward
	// NextWait: nothing new yet (MsgWait).
	NextWait
)

// String names the kind of answer.
func (k NextKind) String() string {
	switch k {
	case NextRollForward:
		return "RollForward"
	case NextRollBackward:
		return "RollBackward"
	case NextWait:
		return "Wait"
	}
	return fmt.Sprintf("NextKind(%d)", uint8(k))
}

// Next is the server's answer to a request for the next blocks, as a
// Handler returns it and as the Client reports it.
type Next struct {
	Kind NextKind
	// Blocks are the next blocks in block order (NextRollForward).
	Blocks []types.MarloweBlock
	// Point is where the client resumes (NextRollBackward).
	Point types.ChainPoint
	// Tip is the server's current tip: always At a block for
	// NextRollForward, any point for NextRollBackward.
	Tip types.ChainPoint
}

// RollForward is the Next that delivers blocks, with the current tip.
func RollForward(blocks []types.MarloweBlock, tip types.BlockHeader) Next {
	return Next{Kind: NextRollForward, Blocks: blocks, Tip: types.PointAt(tip)}
}

// RollBackward is the Next that moves the client back to point, with the
// current tip.
func RollBackward(point, tip types.ChainPoint) Next {
	return Next{Kind: NextRollBackward, Point: point, Tip: tip}
}

// Wait is the Next that says nothing new has happened yet.
func Wait() Next { return Next{Kind: NextWait} }

// IntersectResult is the answer to an intersection request.
type IntersectResult struct {
	// Found says whether Block, one of the client's points, is the
	// intersection; otherwise the client keeps its position.
	Found bool
	Block types.BlockHeader
	// Tip is the server's current tip; always At a block when Found.
	Tip types.ChainPoint
}

// IntersectFound is the IntersectResult for an intersection at block.
func IntersectFound(block, tip types.BlockHeader) IntersectResult {
	return IntersectResult{Found: true, Block: block, Tip: types.PointAt(tip)}
}

// IntersectNotFound is the IntersectResult when no point is known.
func IntersectNotFound(tip types.ChainPoint) IntersectResult {
	return IntersectResult{Tip: tip}
}

// Handler answers the server side of MarloweBulkSync sessions. It holds no
// per-session state: Serve keeps the client's position (the cursor) and the
// requested batch size and passes them in. Implementations must be safe for
// concurrent use by many sessions.
type Handler interface {
	// Intersect finds the latest of points (the client's known blocks,
	// oldest first) that the server also has.
	Intersect(ctx context.Context, points []types.BlockHeader) (IntersectResult, error)
	// Next returns the blocks after cursor (Genesis at the start): at
	// least one and at most 1+extraBlockCount, in block order; or where to
	// roll back to when cursor is no longer on the chain. It answers Wait
	// rather than blocking when nothing is new: Serve then sends MsgWait
	// and asks again, with the same count, when the client polls.
	Next(ctx context.Context, cursor types.ChainPoint, extraBlockCount uint8) (Next, error)
}

// Serve runs the server side of one MarloweBulkSync session over ch,
// answering with h, until the client ends it (nil), the context is
// cancelled, the channel fails, or h fails or answers inconsistently (an
// error, after which the caller closes the connection).
func Serve(ctx context.Context, ch session.Channel, h Handler) error {
	if h == nil {
		return errors.New("bulksync: Serve: nil Handler")
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
			if err := s.next(ctx, msg.ExtraBlockCount); err != nil {
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
	r, err := s.h.Intersect(ctx, points)
	if err != nil {
		return fmt.Errorf("intersect: %w", err)
	}
	if !r.Found {
		return s.ch.Send(ctx, MsgIntersectNotFound{Tip: r.Tip})
	}
	if !slices.Contains(points, r.Block) {
		return fmt.Errorf("handler intersection %v is not one of the client's points", r.Block)
	}
	if !r.Tip.At {
		return fmt.Errorf("handler intersection %v with tip at Genesis", r.Block)
	}
	if err := s.ch.Send(ctx, MsgIntersectFound{Block: r.Block, Tip: r.Tip.Header}); err != nil {
		return err
	}
	s.cursor = types.PointAt(r.Block)
	return nil
}

// next answers MsgRequestNext, and the polls that follow a MsgWait, until
// the session is back in StIdle.
func (s *server) next(ctx context.Context, extra uint8) error {
	hctx := ctx
	for {
		nx, err := s.h.Next(hctx, s.cursor, extra)
		if err != nil {
			return fmt.Errorf("next after %v: %w", s.cursor, err)
		}
		if err := checkNext(s.cursor, extra, nx); err != nil {
			return err
		}
		switch nx.Kind {
		case NextRollForward:
			if err := s.ch.Send(ctx, MsgRollForward{Blocks: nx.Blocks, Tip: nx.Tip.Header}); err != nil {
				return err
			}
			s.cursor = types.PointAt(nx.Blocks[len(nx.Blocks)-1].BlockHeader)
			return nil
		case NextRollBackward:
			if err := s.ch.Send(ctx, MsgRollBackward{Point: nx.Point, Tip: nx.Tip}); err != nil {
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
			return fmt.Errorf("unexpected %s in state StPoll", msg.MessageName())
		}
	}
}

// checkNext refuses handler answers the client could not follow: a roll
// forward must bring between 1 and 1+extra blocks, in order, after the
// cursor and not beyond the tip it reports; a rollback must not move
// forward. Otherwise the client would loop, skip blocks or be flooded
// without any error.
func checkNext(cursor types.ChainPoint, extra uint8, nx Next) error {
	switch nx.Kind {
	case NextRollForward:
		n := len(nx.Blocks)
		if n == 0 || n > int(extra)+1 {
			return fmt.Errorf("handler rolls forward %d blocks, the client asked for 1 to %d", n, int(extra)+1)
		}
		if !nx.Tip.At {
			return errors.New("handler rolls forward with the tip at Genesis")
		}
		prev := cursor
		for i, b := range nx.Blocks {
			if prev.At && b.BlockHeader.Slot <= prev.Header.Slot {
				return fmt.Errorf("handler block %d (%v) is not after %v", i, b.BlockHeader, prev.Header)
			}
			prev = types.PointAt(b.BlockHeader)
		}
		if nx.Tip.Header.Slot < prev.Header.Slot {
			return fmt.Errorf("handler tip %v is before its last block %v", nx.Tip.Header, prev.Header)
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
