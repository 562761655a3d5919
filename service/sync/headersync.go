package sync

import (
	"context"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// HeaderSync is the index-backed MarloweHeaderSync handler: blocks with
// contract creations after the client's position, with their contract
// headers in chain order.
type HeaderSync struct{ s *Service }

var _ headersync.Handler = (*HeaderSync)(nil)

// Intersect implements headersync.Handler: the newest of points that is a
// Marlowe block of the index's chain (as in the Haskell runtime, any block
// with Marlowe activity counts, not only blocks with creations).
func (h *HeaderSync) Intersect(ctx context.Context, points []types.BlockHeader) (types.BlockHeader, bool, error) {
	if err := ctx.Err(); err != nil {
		return types.BlockHeader{}, false, err
	}
	var (
		best  types.BlockHeader
		found bool
	)
	err := h.s.store.Read(func(r *kv.Snapshot) error {
		var err error
		best, found, err = newestOnChain(r, points)
		return err
	})
	if err != nil {
		return types.BlockHeader{}, false, fmt.Errorf("header sync intersect: %w", err)
	}
	return best, found, nil
}

// newestOnChain returns the newest of points (oldest first) that is a
// Marlowe block of the snapshot's chain.
func newestOnChain(r *kv.Snapshot, points []types.BlockHeader) (types.BlockHeader, bool, error) {
	for i := len(points) - 1; i >= 0; i-- {
		ok, err := activityOnChain(r, points[i])
		if err != nil {
			return types.BlockHeader{}, false, err
		}
		if ok {
			return points[i], true, nil
		}
	}
	return types.BlockHeader{}, false, nil
}

// Next implements headersync.Handler.
func (h *HeaderSync) Next(ctx context.Context, cursor types.ChainPoint) (headersync.Next, error) {
	nx, err := live(ctx, h.s, func() (headersync.Next, bool, error) {
		var nx headersync.Next
		err := h.s.store.Read(func(r *kv.Snapshot) error {
			var err error
			nx, err = h.next(r, cursor)
			return err
		})
		return nx, nx.Kind == headersync.NextWait, err
	})
	if err != nil {
		return headersync.Next{}, fmt.Errorf("header sync next: %w", err)
	}
	return nx, nil
}

func (h *HeaderSync) next(r *kv.Snapshot, cursor types.ChainPoint) (headersync.Next, error) {
	if cursor.At {
		ok, err := activityOnChain(r, cursor.Header)
		if err != nil {
			return headersync.Next{}, err
		}
		if !ok {
			return h.rollback(r, cursor.Header)
		}
	}
	from, ok := after(cursor)
	if !ok {
		return headersync.Wait(), nil
	}
	nx := headersync.Wait()
	err := r.ScanActivity(from, func(a kv.BlockActivity) (bool, error) {
		headers, err := h.headers(r, a)
		if err != nil || len(headers) == 0 {
			return err == nil, err
		}
		nx = headersync.NewHeaders(view.BlockHeader(a.Block), headers)
		return false, nil
	})
	return nx, err
}

// rollback answers a cursor that left the chain: back to the newest block
// with creations certainly shared with the client's chain, or Genesis.
func (h *HeaderSync) rollback(r *kv.Snapshot, cursor types.BlockHeader) (headersync.Next, error) {
	shared, err := h.s.shared(r, cursor)
	if err != nil {
		return headersync.Next{}, err
	}
	to := types.ChainPoint{}
	err = r.ScanActivityBack(uint64(cursor.Slot), func(a kv.BlockActivity) (bool, error) {
		if shared(a.Block) && hasCreation(a) {
			to = types.PointAt(view.BlockHeader(a.Block))
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return headersync.Next{}, err
	}
	h.s.log.Debug().Str("protocol", "MarloweHeaderSync").Uint64("cursor_slot", uint64(cursor.Slot)).
		Uint64("cursor_block", uint64(cursor.Block)).Bool("genesis", !to.At).Uint64("to_slot", uint64(to.Header.Slot)).
		Msg("client position rolled back")
	return headersync.RollBackward(to), nil
}

// headers are the contract headers of the contracts a block created, in
// chain order (transaction, then output).
func (h *HeaderSync) headers(r *kv.Snapshot, a kv.BlockActivity) ([]types.ContractHeader, error) {
	var out []types.ContractHeader
	for _, tx := range a.Txs {
		for _, id := range creationsOf(tx) {
			cr, err := creation(r, id)
			if err != nil {
				return nil, fmt.Errorf("block %d: %w", a.Block.Slot, err)
			}
			if cr.Header.Block != a.Block {
				return nil, fmt.Errorf("block %d: contract %s was created in block %d", a.Block.Slot, id, cr.Header.Block.Slot)
			}
			ch, err := h.s.conv.ContractHeader(cr)
			if err != nil {
				return nil, fmt.Errorf("block %d: %w", a.Block.Slot, err)
			}
			out = append(out, ch)
		}
	}
	return out, nil
}
