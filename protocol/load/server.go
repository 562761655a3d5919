package load

import (
	"context"
	"errors"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Handler is what a MarloweLoad server needs from the runtime: a batch size
// and somewhere to stage contracts. The driver (Serve) reassembles the
// pushed nodes itself and merkleizes as it goes, exactly like the Haskell
// pullContract: each time a case's continuation is complete it is staged
// (Stage hashes it) and replaced by a MerkleizedCase, so the server holds
// only the unfinished frames, never the whole contract. The staging area
// is flushed at every batch boundary (MsgRequestResume), committed when the
// root completes and discarded on MsgAbort or any error.
type Handler interface {
	// BatchSize is the number of pushes granted by each MsgResume (≥ 1).
	BatchSize() int
	// BeginLoad opens the staging area of one load session.
	BeginLoad(ctx context.Context) (object.StagingArea, error)
}

// DefaultBatchSize is the Haskell marlowe-contract default (--buffer-size
// 512): pushes accepted before the staging area is flushed.
const DefaultBatchSize = 512

// StoreHandler is the Handler over a content-addressed contract store.
type StoreHandler struct {
	Store object.ContractStore
	Batch int
}

// BatchSize implements Handler.
func (h *StoreHandler) BatchSize() int { return h.Batch }

// BeginLoad implements Handler.
func (h *StoreHandler) BeginLoad(ctx context.Context) (object.StagingArea, error) {
	return h.Store.NewStagingArea(ctx)
}

// frame is one unfinished node of the contract being assembled: the
// contract built so far with its continuation still missing.
type frame struct {
	node Node
	// partial is the node's contract: core.Pay, core.If (IfL: Then still
	// missing; IfR: Else missing), core.When (cases so far), core.Let or
	// core.Assert. A case frame holds its When here.
	partial core.Contract
	// action is a case frame's action.
	action core.Action
}

// loader assembles one session's contract.
type loader struct {
	area   object.StagingArea
	frames []frame
}

// push records a new unfinished node.
func (l *loader) push(f frame) { l.frames = append(l.frames, f) }

// close completes the innermost node with contract c and keeps completing
// its ancestors; it returns the root once the whole contract is done (nil
// while nodes remain open).
func (l *loader) close(ctx context.Context, c core.Contract) (core.Contract, error) {
	for len(l.frames) > 0 {
		f := l.frames[len(l.frames)-1]
		l.frames = l.frames[:len(l.frames)-1]
		switch f.node {
		case RootNode:
			return c, nil
		case PayNode:
			p, ok := f.partial.(core.Pay)
			if !ok {
				return nil, fmt.Errorf("load: pay frame holds %T", f.partial)
			}
			p.Then = c
			c = p
		case IfLNode:
			x, ok := f.partial.(core.If)
			if !ok {
				return nil, fmt.Errorf("load: if frame holds %T", f.partial)
			}
			x.Then = c
			l.push(frame{node: IfRNode, partial: x})
			return nil, nil
		case IfRNode:
			x, ok := f.partial.(core.If)
			if !ok {
				return nil, fmt.Errorf("load: if frame holds %T", f.partial)
			}
			x.Else = c
			c = x
		case WhenNode:
			w, ok := f.partial.(core.When)
			if !ok {
				return nil, fmt.Errorf("load: when frame holds %T", f.partial)
			}
			w.Continuation = c
			c = w
		case CaseNode:
			w, ok := f.partial.(core.When)
			if !ok {
				return nil, fmt.Errorf("load: case frame holds %T", f.partial)
			}
			cs := core.Case{Action: f.action, Then: c}
			if _, isClose := c.(core.Close); !isClose {
				h, err := l.area.Stage(ctx, c)
				if err != nil {
					return nil, fmt.Errorf("load: stage case continuation: %w", err)
				}
				cs = core.Case{Action: f.action, Merkleized: true, Hash: []byte(h)}
			}
			w.Cases = append(w.Cases, cs)
			l.push(frame{node: WhenNode, partial: w})
			return nil, nil
		case LetNode:
			x, ok := f.partial.(core.Let)
			if !ok {
				return nil, fmt.Errorf("load: let frame holds %T", f.partial)
			}
			x.Then = c
			c = x
		case AssertNode:
			x, ok := f.partial.(core.Assert)
			if !ok {
				return nil, fmt.Errorf("load: assert frame holds %T", f.partial)
			}
			x.Then = c
			c = x
		default:
			return nil, fmt.Errorf("load: unknown frame %s", f.node)
		}
	}
	return nil, errors.New("load: Close with no open node")
}

// Serve drives the server side of one MarloweLoad session over ch until it
// ends: it sends MsgResume first, assembles and merkleizes the pushed
// contract, and answers MsgComplete with the hash of the merkleized root (a
// Close root is hashed but not staged, as in Haskell). It returns nil when
// the session ends normally (completed or aborted by the client).
func Serve(ctx context.Context, ch session.Channel, h Handler) error {
	batch := h.BatchSize()
	if batch < 1 {
		return fmt.Errorf("load: batch size %d must be at least 1", batch)
	}
	area, err := h.BeginLoad(ctx)
	if err != nil {
		return fmt.Errorf("load: open staging area: %w", err)
	}
	open := true
	defer func() {
		if open {
			// The session failed; its context may be gone already.
			_ = area.Discard(context.WithoutCancel(ctx))
		}
	}()
	l := &loader{area: area, frames: []frame{{node: RootNode}}}
	if err := ch.Send(ctx, MsgResume{N: int64(batch)}); err != nil {
		return err
	}
	for {
		msg, err := ch.Recv(ctx)
		if err != nil {
			return err
		}
		switch x := msg.(type) {
		case MsgAbort:
			open = false
			if err := area.Discard(ctx); err != nil {
				return fmt.Errorf("load: discard: %w", err)
			}
			return nil
		case MsgRequestResume:
			if err := area.Flush(ctx); err != nil {
				return fmt.Errorf("load: flush: %w", err)
			}
			if err := ch.Send(ctx, MsgResume{N: int64(batch)}); err != nil {
				return err
			}
		case MsgPushPay:
			l.push(frame{node: PayNode, partial: core.Pay{From: x.From, To: x.To, Token: x.Token, Amount: x.Amount}})
		case MsgPushIf:
			l.push(frame{node: IfLNode, partial: core.If{Obs: x.Obs}})
		case MsgPushWhen:
			l.push(frame{node: WhenNode, partial: core.When{Timeout: x.Timeout}})
		case MsgPushLet:
			l.push(frame{node: LetNode, partial: core.Let{ID: x.ID, Value: x.Value}})
		case MsgPushAssert:
			l.push(frame{node: AssertNode, partial: core.Assert{Obs: x.Obs}})
		case MsgPushCase:
			n := len(l.frames)
			if n == 0 || l.frames[n-1].node != WhenNode {
				return errors.New("load: MsgPushCase outside a When")
			}
			l.frames[n-1].node, l.frames[n-1].action = CaseNode, x.Action
		case MsgPushClose:
			root, err := l.close(ctx, core.Close{})
			if err != nil {
				return err
			}
			if root == nil {
				continue
			}
			hash, err := finish(ctx, area, root)
			if err != nil {
				return err
			}
			open = false
			return ch.Send(ctx, MsgComplete{Hash: types.DatumHash(hash)})
		default:
			return fmt.Errorf("load: unexpected %s", msg.MessageName())
		}
	}
}

// finish stores the completed root and commits the staging area.
func finish(ctx context.Context, area object.StagingArea, root core.Contract) (object.ContractHash, error) {
	var hash object.ContractHash
	var err error
	if _, isClose := root.(core.Close); isClose {
		hash, err = object.HashContract(root)
		if err != nil {
			return "", fmt.Errorf("load: hash root: %w", err)
		}
	} else {
		if hash, err = area.Stage(ctx, root); err != nil {
			return "", fmt.Errorf("load: stage root: %w", err)
		}
		if err := area.Flush(ctx); err != nil {
			return "", fmt.Errorf("load: flush: %w", err)
		}
	}
	if err := area.Commit(ctx); err != nil {
		return "", fmt.Errorf("load: commit: %w", err)
	}
	return hash, nil
}
