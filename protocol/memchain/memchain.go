// Package memchain is the chain behind the sync protocols' in-memory
// handlers (MarloweSync, MarloweHeaderSync, MarloweBulkSync Memory): blocks
// that extend a tip, rollbacks that remember where the clients of each
// removed block must resume (the Haskell runtime keeps the same table), and
// the Haskell runtime's intersection rule. A Chain is not safe for
// concurrent use; the handlers hold their own locks.
package memchain

import (
	"fmt"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Block is one block of a Chain with what a protocol keeps of it.
type Block[T any] struct {
	Header types.BlockHeader
	Data   T
}

// Chain is a chain of blocks, oldest first.
type Chain[T any] struct {
	blocks []Block[T]
	// rolledBack maps each block removed by Rollback to the point the
	// chain was rolled back to.
	rolledBack map[types.BlockHeaderHash]types.ChainPoint
}

// New returns an empty chain.
func New[T any]() *Chain[T] {
	return &Chain[T]{rolledBack: make(map[types.BlockHeaderHash]types.ChainPoint)}
}

// Blocks returns the blocks, oldest first. The slice is the chain's own:
// callers read it under their lock and do not modify it.
func (c *Chain[T]) Blocks() []Block[T] { return c.blocks }

// Tip is the newest block's point, or Genesis.
func (c *Chain[T]) Tip() types.ChainPoint {
	if n := len(c.blocks); n > 0 {
		return types.PointAt(c.blocks[n-1].Header)
	}
	return types.ChainPoint{}
}

// Append adds block h with data d; h must extend the tip (a later slot and
// block number).
func (c *Chain[T]) Append(h types.BlockHeader, d T) error {
	if n := len(c.blocks); n > 0 {
		tip := c.blocks[n-1].Header
		if h.Slot <= tip.Slot || h.Block <= tip.Block {
			return fmt.Errorf("block %v does not extend the tip %v", h, tip)
		}
	}
	c.blocks = append(c.blocks, Block[T]{Header: h, Data: d})
	delete(c.rolledBack, h.Hash)
	return nil
}

// At returns the data of block h for adding to it: the tip's when h is the
// tip, else that of a new block with data fresh(), h extending the tip.
func (c *Chain[T]) At(h types.BlockHeader, fresh func() T) (*T, error) {
	if n := len(c.blocks); n > 0 && c.blocks[n-1].Header == h {
		return &c.blocks[n-1].Data, nil
	}
	if err := c.Append(h, fresh()); err != nil {
		return nil, err
	}
	return &c.blocks[len(c.blocks)-1].Data, nil
}

// Rollback removes every block after to (all of them for Genesis),
// remembering where each removed block's clients must resume.
func (c *Chain[T]) Rollback(to types.ChainPoint) {
	keep := 0
	if to.At {
		for keep < len(c.blocks) && c.blocks[keep].Header.Slot <= to.Header.Slot {
			keep++
		}
	}
	removed := make(map[types.BlockHeaderHash]bool, len(c.blocks)-keep)
	for _, b := range c.blocks[keep:] {
		removed[b.Header.Hash] = true
		c.rolledBack[b.Header.Hash] = to
	}
	// Earlier rollbacks that pointed into the removed blocks now lead to
	// the new point.
	for h, p := range c.rolledBack {
		if p.At && removed[p.Header.Hash] {
			c.rolledBack[h] = to
		}
	}
	c.blocks = slices.Delete(c.blocks, keep, len(c.blocks))
}

// RolledBack says where a client positioned at cursor must resume when
// cursor's block was rolled back.
func (c *Chain[T]) RolledBack(cursor types.ChainPoint) (types.ChainPoint, bool) {
	if !cursor.At {
		return types.ChainPoint{}, false
	}
	to, ok := c.rolledBack[cursor.Header.Hash]
	return to, ok
}

// After is the index of the first block after cursor (0 for Genesis).
func (c *Chain[T]) After(cursor types.ChainPoint) int {
	if !cursor.At {
		return 0
	}
	i, _ := slices.BinarySearchFunc(c.blocks, cursor.Header.Slot, func(b Block[T], s types.SlotNo) int {
		if b.Header.Slot <= s {
			return -1
		}
		return 1
	})
	return i
}

// Intersect applies the Haskell runtime's rule to the chain's blocks (see
// Intersect).
func (c *Chain[T]) Intersect(points []types.BlockHeader) (types.BlockHeader, bool) {
	return intersect(len(c.blocks), func(i int) types.BlockHeader { return c.blocks[i].Header }, points)
}

// Intersect is the Haskell runtime's intersection of a client's points
// (oldest first) with history: the points must match a run of consecutive
// headers of history starting at the first point, and the intersection is
// the last point of that run.
func Intersect(history, points []types.BlockHeader) (types.BlockHeader, bool) {
	return intersect(len(history), func(i int) types.BlockHeader { return history[i] }, points)
}

func intersect(n int, at func(int) types.BlockHeader, points []types.BlockHeader) (types.BlockHeader, bool) {
	if len(points) == 0 {
		return types.BlockHeader{}, false
	}
	start := -1
	for i := range n {
		if at(i) == points[0] {
			start = i
			break
		}
	}
	if start < 0 {
		return types.BlockHeader{}, false
	}
	last := points[0]
	for i := 1; i < len(points) && start+i < n && at(start+i) == points[i]; i++ {
		last = points[i]
	}
	return last, true
}
