package sync

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// MarloweSync is the index-backed MarloweSync handler: one contract's
// creation, then its steps block by block.
type MarloweSync struct{ s *Service }

var _ marlowesync.Handler = (*MarloweSync)(nil)

// FollowContract implements marlowesync.Handler. A contract id that cannot
// name an indexed output (a transaction id of another length) is simply
// not found.
func (m *MarloweSync) FollowContract(ctx context.Context, id types.ContractId) (marlowesync.Creation, bool, error) {
	if err := ctx.Err(); err != nil {
		return marlowesync.Creation{}, false, err
	}
	ref, err := view.ContractRef(id)
	if err != nil {
		return marlowesync.Creation{}, false, nil
	}
	var (
		out   marlowesync.Creation
		found bool
	)
	err = m.s.store.Read(func(r *kv.Snapshot) error {
		if _, ok, err := r.Contract(ref); err != nil || !ok {
			return err
		}
		cr, err := creation(r, ref)
		if err != nil {
			return err
		}
		step, err := m.s.conv.CreateStep(cr)
		if err != nil {
			return err
		}
		out, found = marlowesync.Creation{Block: view.BlockHeader(cr.Header.Block), Step: step}, true
		return nil
	})
	if err != nil {
		return marlowesync.Creation{}, false, fmt.Errorf("follow contract %s: %w", ref, err)
	}
	return out, found, nil
}

// Intersect implements marlowesync.Handler: the newest of points that is a
// block of the contract's history (its creation or a step) on the index's
// chain.
func (m *MarloweSync) Intersect(ctx context.Context, id types.ContractId, points []types.BlockHeader) (types.BlockHeader, bool, error) {
	if err := ctx.Err(); err != nil {
		return types.BlockHeader{}, false, err
	}
	ref, err := view.ContractRef(id)
	if err != nil {
		return types.BlockHeader{}, false, nil
	}
	var (
		best  types.BlockHeader
		found bool
	)
	err = m.s.store.Read(func(r *kv.Snapshot) error {
		if _, ok, err := r.Contract(ref); err != nil || !ok {
			return err
		}
		for i := len(points) - 1; i >= 0; i-- {
			ok, err := historyOnChain(r, ref, points[i])
			if err != nil {
				return err
			}
			if ok {
				best, found = points[i], true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return types.BlockHeader{}, false, fmt.Errorf("intersect contract %s: %w", ref, err)
	}
	return best, found, nil
}

// historyOnChain reports whether block h holds a step (creation included)
// of contract id on the snapshot's chain.
func historyOnChain(r *kv.Snapshot, id extract.TxOutRef, h types.BlockHeader) (bool, error) {
	steps, err := r.StepsAt(id, uint64(h.Slot))
	if err != nil {
		return false, err
	}
	return len(steps) > 0 && view.SameBlock(steps[0].Block, h), nil
}

// Next implements marlowesync.Handler.
func (m *MarloweSync) Next(ctx context.Context, id types.ContractId, cursor types.ChainPoint) (marlowesync.Next, error) {
	ref, err := view.ContractRef(id)
	if err != nil {
		return marlowesync.Next{}, fmt.Errorf("next step: %w", err)
	}
	nx, err := live(ctx, m.s, func() (marlowesync.Next, bool, error) {
		var nx marlowesync.Next
		err := m.s.store.Read(func(r *kv.Snapshot) error {
			var err error
			nx, err = m.next(r, ref, cursor)
			return err
		})
		return nx, nx.Kind == marlowesync.NextWait, err
	})
	if err != nil {
		return marlowesync.Next{}, fmt.Errorf("next step of %s: %w", ref, err)
	}
	return nx, nil
}

func (m *MarloweSync) next(r *kv.Snapshot, id extract.TxOutRef, cursor types.ChainPoint) (marlowesync.Next, error) {
	h, ok, err := r.Contract(id)
	if err != nil {
		return marlowesync.Next{}, err
	}
	if !ok {
		return marlowesync.RollBackCreation(), nil
	}
	if cursor.At {
		ok, err := historyOnChain(r, id, cursor.Header)
		if err != nil {
			return marlowesync.Next{}, err
		}
		if !ok {
			return m.rollback(r, id, cursor.Header)
		}
	}
	from, ok := after(cursor)
	if !ok {
		return marlowesync.Wait(), nil
	}
	// The steps of the first block after the cursor with an apply or a
	// withdrawal (a block holding only the creation has nothing to send).
	var steps []kv.Step
	err = r.ScanSteps(id, from, func(st kv.Step) (bool, error) {
		if len(steps) > 0 && st.Block.Slot != steps[0].Block.Slot {
			return false, nil
		}
		if st.Kind != kv.StepCreate {
			steps = append(steps, st)
		}
		return true, nil
	})
	if err != nil {
		return marlowesync.Next{}, err
	}
	if len(steps) == 0 {
		return marlowesync.Wait(), nil
	}
	out, err := m.contractSteps(r, h, steps)
	if err != nil {
		return marlowesync.Next{}, fmt.Errorf("block %d: %w", steps[0].Block.Slot, err)
	}
	return marlowesync.RollForward(view.BlockHeader(steps[0].Block), out), nil
}

// contractSteps converts one block's steps of a contract: its apply-inputs
// transactions, then its payout redemptions, each in chain order, as the
// Haskell runtime lists them.
func (m *MarloweSync) contractSteps(r *kv.Snapshot, h kv.ContractHeader, steps []kv.Step) ([]types.ContractStep, error) {
	var applies, redeems []types.ContractStep
	for _, st := range steps {
		switch st.Kind {
		case kv.StepApply:
			tx, err := m.s.conv.Transaction(h, st, r.Payout)
			if err != nil {
				return nil, err
			}
			applies = append(applies, tx)
		case kv.StepWithdraw:
			rs, err := view.RedeemSteps(st, r.Payout)
			if err != nil {
				return nil, err
			}
			for _, x := range rs {
				redeems = append(redeems, x)
			}
		default:
			return nil, fmt.Errorf("contract %s: unexpected %s step", h.ContractID, st.Kind)
		}
	}
	return append(applies, redeems...), nil
}

// rollback answers a cursor that left the chain: back to the newest block
// of the contract's history certainly shared with the client's chain, or,
// when none is that deep, the end of the session, as the creation itself
// may be what was rolled back.
func (m *MarloweSync) rollback(r *kv.Snapshot, id extract.TxOutRef, cursor types.BlockHeader) (marlowesync.Next, error) {
	shared, err := m.s.shared(r, cursor)
	if err != nil {
		return marlowesync.Next{}, err
	}
	var (
		to    kv.BlockRef
		found bool
	)
	err = r.ScanStepsBack(id, uint64(cursor.Slot), func(st kv.Step) (bool, error) {
		if shared(st.Block) {
			to, found = st.Block, true
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return marlowesync.Next{}, err
	}
	ev := m.s.log.Debug().Str("protocol", "MarloweSync").Stringer("contract", id).
		Uint64("cursor_slot", uint64(cursor.Slot)).Uint64("cursor_block", uint64(cursor.Block))
	if !found {
		ev.Msg("client position rolled back before the contract's creation")
		return marlowesync.RollBackCreation(), nil
	}
	ev.Uint64("to_slot", to.Slot).Msg("client position rolled back")
	return marlowesync.RollBackward(view.BlockHeader(to)), nil
}
