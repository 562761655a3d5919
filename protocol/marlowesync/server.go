package marlowesync

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Creation is where and how a contract was created.
type Creation struct {
	Block types.BlockHeader
	Step  types.CreateStep
}

// NextKind says what a Next result is. The zero value is invalid, so that a
// forgotten result is an error rather than a silent wait.
type NextKind uint8

// The answers to MsgRequestNext and MsgPoll.
const (
	// NextRollForward: the contract's steps in the next block of its
	// history (MsgRollForward).
	NextRollForward NextKind = iota + 1
	// NextRollBackward: the client's position was rolled back; it resumes
	// from Block (MsgRollBackward).
	NextRollBackward
	// NextRollBackCreation: the contract's creation was rolled back; the
	// session ends (MsgRollBackCreation).
	NextRollBackCreation
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
	case NextRollBackCreation:
		return "RollBackCreation"
	case NextWait:
		return "Wait"
	}
	return fmt.Sprintf("NextKind(%d)", uint8(k))
}

// Next is the server's answer to a request for the next step, as a Handler
// returns it and as the Client reports it.
type Next struct {
	Kind NextKind
	// Block is the block rolled forward to (NextRollForward) or back to
	// (NextRollBackward).
	Block types.BlockHeader
	// Steps are the contract's steps in Block (NextRollForward).
	Steps []types.ContractStep
}

// RollForward is the Next that delivers steps found in block.
func RollForward(block types.BlockHeader, steps []types.ContractStep) Next {
	return Next{Kind: NextRollForward, Block: block, Steps: steps}
}

// RollBackward is the Next that moves the client back to block.
func RollBackward(block types.BlockHeader) Next {
	return Next{Kind: NextRollBackward, Block: block}
}

// RollBackCreation is the Next that ends the session because the contract's
// creation was rolled back.
func RollBackCreation() Next { return Next{Kind: NextRollBackCreation} }

// Wait is the Next that says nothing new has happened yet.
func Wait() Next { return Next{Kind: NextWait} }

// Handler answers the server side of MarloweSync sessions. It holds no
// per-session state: Serve keeps the followed contract and the client's
// position (the cursor) and passes them in. Implementations must be safe
// for concurrent use by many sessions.
type Handler interface {
	// FollowContract looks up a contract's creation; found is false for an
	// unknown contract (the session then ends with MsgContractNotFound).
	FollowContract(ctx context.Context, id types.ContractId) (c Creation, found bool, err error)
	// Intersect finds the latest of points (the client's blocks of the
	// contract's history, oldest first) that is still part of the
	// contract's history on the server; found is false when there is none
	// (the session then ends with MsgIntersectNotFound).
	Intersect(ctx context.Context, id types.ContractId, points []types.BlockHeader) (block types.BlockHeader, found bool, err error)
	// Next returns what follows cursor in the contract's history: Genesis
	// right after FollowContract (so steps in the creation block itself are
	// delivered), otherwise the last block sent to the client. It answers
	// Wait rather than blocking when nothing is new: Serve then sends
	// MsgWait and asks again when the client polls. A rollback to before the
	// contract's creation must be reported as RollBackCreation.
	Next(ctx context.Context, id types.ContractId, cursor types.ChainPoint) (Next, error)
}

// Serve runs the server side of one MarloweSync session over ch, answering
// with h, until the session ends (nil), the context is cancelled, the
// channel fails, or h fails or answers inconsistently (an error, after which
// the caller closes the connection).
func Serve(ctx context.Context, ch session.Channel, h Handler) error {
	if h == nil {
		return errors.New("marlowesync: Serve: nil Handler")
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
	id     types.ContractId
	cursor types.ChainPoint
}

func (s *server) run(ctx context.Context) error {
	msg, err := s.ch.Recv(ctx)
	if err != nil {
		return err
	}
	switch msg := msg.(type) {
	case MsgFollowContract:
		c, found, err := s.h.FollowContract(ctx, msg.ContractId)
		if err != nil {
			return fmt.Errorf("follow contract: %w", err)
		}
		if !found {
			return s.ch.Send(ctx, MsgContractNotFound{})
		}
		if err := s.ch.Send(ctx, MsgContractFound{Block: c.Block, Version: types.MarloweV1, CreateStep: c.Step}); err != nil {
			return err
		}
		s.id, s.cursor = msg.ContractId, types.ChainPoint{}
	case MsgIntersect:
		block, found, err := s.h.Intersect(ctx, msg.ContractId, msg.Points)
		if err != nil {
			return fmt.Errorf("intersect: %w", err)
		}
		if !found {
			return s.ch.Send(ctx, MsgIntersectNotFound{})
		}
		if !slices.Contains(msg.Points, block) {
			return fmt.Errorf("handler intersection %v is not one of the client's points", block)
		}
		if err := s.ch.Send(ctx, MsgIntersectFound{Block: block}); err != nil {
			return err
		}
		s.id, s.cursor = msg.ContractId, types.PointAt(block)
	default:
		return fmt.Errorf("unexpected %s in state StInit", msg.MessageName())
	}
	for {
		msg, err := s.ch.Recv(ctx)
		if err != nil {
			return err
		}
		switch msg.(type) {
		case MsgDone:
			return nil
		case MsgRequestNext:
			end, err := s.next(ctx)
			if err != nil || end {
				return err
			}
		default:
			return fmt.Errorf("unexpected %s in state StIdle", msg.MessageName())
		}
	}
}

// next answers MsgRequestNext, and the polls that follow a MsgWait, until
// the session is back in StIdle (end false) or over (end true).
func (s *server) next(ctx context.Context) (end bool, err error) {
	hctx := ctx
	for {
		nx, err := s.h.Next(hctx, s.id, s.cursor)
		if err != nil {
			return true, fmt.Errorf("next after %v: %w", s.cursor, err)
		}
		if err := checkNext(s.cursor, nx); err != nil {
			return true, err
		}
		switch nx.Kind {
		case NextRollForward:
			if err := s.ch.Send(ctx, MsgRollForward{Block: nx.Block, Steps: nx.Steps}); err != nil {
				return true, err
			}
			s.cursor = types.PointAt(nx.Block)
			return false, nil
		case NextRollBackward:
			if err := s.ch.Send(ctx, MsgRollBackward{Block: nx.Block}); err != nil {
				return true, err
			}
			s.cursor = types.PointAt(nx.Block)
			return false, nil
		case NextRollBackCreation:
			return true, s.ch.Send(ctx, MsgRollBackCreation{})
		}
		if err := s.ch.Send(ctx, MsgWait{}); err != nil {
			return true, err
		}
		msg, err := s.ch.Recv(ctx)
		if err != nil {
			return true, err
		}
		switch msg.(type) {
		case MsgPoll:
			hctx = session.WithPoll(ctx)
			continue
		case MsgCancel:
			return false, nil
		default:
			return true, fmt.Errorf("unexpected %s in state StWait", msg.MessageName())
		}
	}
}

// checkNext refuses handler answers that would move the client the wrong
// way: a roll forward must pass the cursor and a roll backward must not, or
// the client would loop or skip history without any error.
func checkNext(cursor types.ChainPoint, nx Next) error {
	switch nx.Kind {
	case NextRollForward:
		if cursor.At && nx.Block.Slot <= cursor.Header.Slot {
			return fmt.Errorf("handler rolls forward to %v, not after the cursor %v", nx.Block, cursor.Header)
		}
	case NextRollBackward:
		if !cursor.At || nx.Block.Slot > cursor.Header.Slot {
			return fmt.Errorf("handler rolls backward to %v, not before the cursor %v", nx.Block, cursor)
		}
	case NextRollBackCreation, NextWait:
	default:
		return fmt.Errorf("handler returned an invalid Next (kind %v)", nx.Kind)
	}
	return nil
}
