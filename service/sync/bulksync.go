package sync

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// BulkSync is the index-backed MarloweBulkSync handler: every block with
// Marlowe activity after the client's position, with the tip (the newest
// such block).
type BulkSync struct{ s *Service }

var _ bulksync.Handler = (*BulkSync)(nil)

// Intersect implements bulksync.Handler: the newest of points that is a
// Marlowe block of the index's chain.
func (b *BulkSync) Intersect(ctx context.Context, points []types.BlockHeader) (bulksync.IntersectResult, error) {
	if err := ctx.Err(); err != nil {
		return bulksync.IntersectResult{}, err
	}
	var res bulksync.IntersectResult
	err := b.s.store.Read(func(r *kv.Snapshot) error {
		tip, ok, err := r.LatestActivity()
		if err != nil || !ok {
			res = bulksync.IntersectNotFound(types.ChainPoint{})
			return err
		}
		best, found, err := newestOnChain(r, points)
		if err != nil {
			return err
		}
		if !found {
			res = bulksync.IntersectNotFound(view.Point(tip.Block, true))
			return nil
		}
		res = bulksync.IntersectFound(best, view.BlockHeader(tip.Block))
		return nil
	})
	if err != nil {
		return bulksync.IntersectResult{}, fmt.Errorf("bulk sync intersect: %w", err)
	}
	return res, nil
}

// Next implements bulksync.Handler.
func (b *BulkSync) Next(ctx context.Context, cursor types.ChainPoint, extraBlockCount uint8) (bulksync.Next, error) {
	nx, err := live(ctx, b.s, func() (bulksync.Next, bool, error) {
		var nx bulksync.Next
		err := b.s.store.Read(func(r *kv.Snapshot) error {
			var err error
			nx, err = b.next(r, cursor, int(extraBlockCount)+1)
			return err
		})
		return nx, nx.Kind == bulksync.NextWait, err
	})
	if err != nil {
		return bulksync.Next{}, fmt.Errorf("bulk sync next: %w", err)
	}
	return nx, nil
}

func (b *BulkSync) next(r *kv.Snapshot, cursor types.ChainPoint, limit int) (bulksync.Next, error) {
	tipAct, hasTip, err := r.LatestActivity()
	if err != nil {
		return bulksync.Next{}, err
	}
	tip := view.Point(tipAct.Block, hasTip)
	if cursor.At {
		ok, err := activityOnChain(r, cursor.Header)
		if err != nil {
			return bulksync.Next{}, err
		}
		if !ok {
			return b.rollback(r, cursor.Header, tip)
		}
	}
	from, ok := after(cursor)
	if !ok {
		return bulksync.Wait(), nil
	}
	var acts []kv.BlockActivity
	txs := 0
	err = r.ScanActivity(from, func(a kv.BlockActivity) (bool, error) {
		acts = append(acts, a)
		txs += len(a.Txs)
		// A response is built in memory whole: past maxBulkTxs
		// transactions it stops early (the protocol allows fewer blocks
		// than asked, never none), so that many clients asking for 129
		// dense blocks at once cannot make the server's memory balloon.
		return len(acts) < limit && txs < b.s.maxBulkTxs, nil
	})
	if err != nil {
		return bulksync.Next{}, err
	}
	if len(acts) == 0 {
		return bulksync.Wait(), nil
	}
	blocks := make([]types.MarloweBlock, len(acts))
	cache := make(map[extract.TxOutRef]view.Creation)
	for i, a := range acts {
		if blocks[i], err = b.block(r, a, cache); err != nil {
			return bulksync.Next{}, fmt.Errorf("block %d: %w", a.Block.Slot, err)
		}
	}
	return bulksync.RollForward(blocks, tip.Header), nil
}

// rollback answers a cursor that left the chain: back to the newest Marlowe
// block certainly shared with the client's chain, or Genesis.
func (b *BulkSync) rollback(r *kv.Snapshot, cursor types.BlockHeader, tip types.ChainPoint) (bulksync.Next, error) {
	shared, err := b.s.shared(r, cursor)
	if err != nil {
		return bulksync.Next{}, err
	}
	to := types.ChainPoint{}
	err = r.ScanActivityBack(uint64(cursor.Slot), func(a kv.BlockActivity) (bool, error) {
		if shared(a.Block) {
			to = types.PointAt(view.BlockHeader(a.Block))
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return bulksync.Next{}, err
	}
	b.s.log.Debug().Str("protocol", "MarloweBulkSync").Uint64("cursor_slot", uint64(cursor.Slot)).
		Uint64("cursor_block", uint64(cursor.Block)).Bool("genesis", !to.At).Uint64("to_slot", uint64(to.Header.Slot)).
		Msg("client position rolled back")
	return bulksync.RollBackward(to, tip), nil
}

// block assembles the MarloweBlock of an activity record: per transaction
// of the block, its creations, its apply-inputs step and its withdrawals.
// cache keeps the creations read for this answer (a contract stepped in
// several of its blocks is read once).
func (b *BulkSync) block(r *kv.Snapshot, a kv.BlockActivity, cache map[extract.TxOutRef]view.Creation) (types.MarloweBlock, error) {
	mb := types.MarloweBlock{BlockHeader: view.BlockHeader(a.Block)}
	creationOf := func(id extract.TxOutRef) (view.Creation, error) {
		if cr, ok := cache[id]; ok {
			return cr, nil
		}
		cr, err := creation(r, id)
		if err == nil {
			cache[id] = cr
		}
		return cr, err
	}
	for _, tx := range a.Txs {
		var (
			created     []view.Creation
			withdrawals []kv.Step
		)
		for _, id := range tx.Contracts {
			steps, err := r.TxSteps(id, a.Block.Slot, tx.Index)
			if err != nil {
				return types.MarloweBlock{}, err
			}
			if len(steps) == 0 {
				return types.MarloweBlock{}, fmt.Errorf("tx %d (%s) names contract %s, which has no step there", tx.Index, tx.TxID, id)
			}
			for _, st := range steps {
				if st.Block != a.Block || st.TxID != tx.TxID {
					return types.MarloweBlock{}, fmt.Errorf("step of %s in tx %d is recorded for tx %s of block %d", id, tx.Index, st.TxID, st.Block.Slot)
				}
				switch st.Kind {
				case kv.StepCreate:
					cr, err := creationOf(id)
					if err != nil {
						return types.MarloweBlock{}, err
					}
					created = append(created, cr)
				case kv.StepApply:
					cr, err := creationOf(id)
					if err != nil {
						return types.MarloweBlock{}, err
					}
					ait, err := b.s.conv.ApplyInputsTransaction(cr, st, r.Payout)
					if err != nil {
						return types.MarloweBlock{}, err
					}
					mb.ApplyInputsTransactions = append(mb.ApplyInputsTransactions, ait)
				case kv.StepWithdraw:
					withdrawals = append(withdrawals, st)
				default:
					return types.MarloweBlock{}, fmt.Errorf("contract %s: step of kind %s", id, st.Kind)
				}
			}
		}
		if len(created) > 0 {
			ct, err := b.s.conv.CreateTransaction(tx.TxID, created)
			if err != nil {
				return types.MarloweBlock{}, err
			}
			mb.CreateTransactions = append(mb.CreateTransactions, ct)
		}
		if len(withdrawals) > 0 {
			wt, err := view.WithdrawTransaction(tx.TxID, withdrawals)
			if err != nil {
				return types.MarloweBlock{}, err
			}
			mb.WithdrawTransactions = append(mb.WithdrawTransactions, wt)
		}
	}
	// The Haskell query orders a block's creations by transaction id.
	slices.SortStableFunc(mb.CreateTransactions, func(x, y types.MarloweCreateTransaction) int { return cmp.Compare(x.TxId, y.TxId) })
	return mb, nil
}
