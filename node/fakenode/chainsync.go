package fakenode

import (
	"fmt"
	"slices"

	"github.com/blinklabs-io/gouroboros/protocol/chainsync"
	pcommon "github.com/blinklabs-io/gouroboros/protocol/common"
	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// wellformed checks that raw is one well-formed CBOR item. Blocks nest as
// deep as the datums they carry (a Marlowe contract's datum can pass the
// decoder's default bound of 32 levels), so the bound is CBOR's own.
func wellformed(raw []byte) error {
	dm, err := cbor.DecOptions{MaxNestedLevels: 65535}.DecMode()
	if err != nil {
		return err
	}
	return dm.Wellformed(raw)
}

// Append extends the chain with blocks, as given: the caller is
// responsible for their content (a malformed block is served as is, which
// is how client error handling is tested). A block's CBOR must be one
// well-formed CBOR item, since it travels embedded in the wire message;
// its shape is not checked. Clients parked at the tip receive the first
// new block at once. Every block must have a distinct point not already
// on the chain.
func (n *Node) Append(blocks ...chain.Block) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	seen := make(map[chain.Point]bool, len(blocks))
	for i, b := range blocks {
		if b.Point.IsOrigin() {
			return fmt.Errorf("fake node: append: block %d has no point", i)
		}
		if err := wellformed(b.CBOR); err != nil {
			return fmt.Errorf("fake node: append: block %d (%s): %w", i, b.Point, err)
		}
		if _, dup := n.index[b.Point]; dup || seen[b.Point] {
			return fmt.Errorf("fake node: append: block %d (%s) is already on the chain", i, b.Point)
		}
		seen[b.Point] = true
	}
	for _, b := range blocks {
		parent := chain.Point{}
		if len(n.blocks) > 0 {
			parent = n.blocks[len(n.blocks)-1].Point
		}
		n.parent[b.Point] = parent
		n.index[b.Point] = len(n.blocks)
		n.blocks = append(n.blocks, b)
	}
	n.notifyParked()
	return nil
}

// AppendCBOR parses raw blocks of the given type and appends them.
func (n *Node) AppendCBOR(blockType uint, raws ...[]byte) error {
	blocks := make([]chain.Block, len(raws))
	for i, raw := range raws {
		b, err := chain.Parse(blockType, raw)
		if err != nil {
			return fmt.Errorf("fake node: block %d: %w", i, err)
		}
		blocks[i] = b
	}
	return n.Append(blocks...)
}

// Rollback truncates the chain back to point p (which stays on the
// chain; the origin empties it). Clients that have blocks after p are
// told to roll back: parked clients at once, the others on their next
// request.
func (n *Node) Rollback(p chain.Point) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.truncate(p); err != nil {
		return err
	}
	n.notifyParked()
	return nil
}

// Fork replaces everything after p by blocks in one step, so that
// clients see a single rollback to p followed by the new blocks.
func (n *Node) Fork(p chain.Point, blocks ...chain.Block) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	keep := n.blocks
	if err := n.truncate(p); err != nil {
		return err
	}
	for i, b := range blocks {
		if _, dup := n.index[b.Point]; dup || b.Point.IsOrigin() || wellformed(b.CBOR) != nil {
			n.restore(keep)
			return fmt.Errorf("fake node: fork: block %d (%s) has no point, is already on the chain or is not well-formed CBOR", i, b.Point)
		}
		n.parent[b.Point] = n.tipLocked().Point
		n.index[b.Point] = len(n.blocks)
		n.blocks = append(n.blocks, b)
	}
	n.notifyParked()
	return nil
}

// restore puts back a chain saved before a failed fork.
func (n *Node) restore(blocks []chain.Block) {
	n.blocks = blocks
	clear(n.index)
	for i, b := range blocks {
		n.index[b.Point] = i
	}
}

func (n *Node) truncate(p chain.Point) error {
	keep := 0
	if !p.IsOrigin() {
		i, ok := n.index[p]
		if !ok {
			return fmt.Errorf("fake node: rollback point %s is not on the chain", p)
		}
		keep = i + 1
	}
	for _, b := range n.blocks[keep:] {
		delete(n.index, b.Point)
	}
	// Clip so that a later append does not overwrite blocks that Fork's
	// undo copy still refers to.
	n.blocks = slices.Clip(n.blocks[:keep])
	return nil
}

// Blocks returns the current chain.
func (n *Node) Blocks() []chain.Block {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]chain.Block(nil), n.blocks...)
}

// Tip returns the current tip.
func (n *Node) Tip() chain.Tip {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.tipLocked()
}

func (n *Node) tipLocked() chain.Tip {
	if len(n.blocks) == 0 {
		return chain.Tip{}
	}
	b := n.blocks[len(n.blocks)-1]
	return chain.Tip{Point: b.Point, BlockNumber: b.Number}
}

// onChain reports whether p is the origin or a point of the current chain
// and returns its index (-1 for the origin).
func (n *Node) onChain(p chain.Point) (int, bool) {
	if p.IsOrigin() {
		return -1, true
	}
	i, ok := n.index[p]
	return i, ok
}

func (n *Node) findIntersect(cn *conn, ctx chainsync.CallbackContext, pts []pcommon.Point) (pcommon.Point, chainsync.Tip, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	cn.cs = ctx.Server
	tip := n.tipLocked().Protocol()
	best, found := -2, false
	var bestPoint chain.Point
	for _, wp := range pts {
		p, err := chain.FromProtocol(wp)
		if err != nil {
			continue // a malformed point is simply not on the chain
		}
		if i, ok := n.onChain(p); ok && i > best {
			best, bestPoint, found = i, p, true
		}
	}
	if !found {
		return pcommon.Point{}, tip, chainsync.ErrIntersectNotFound
	}
	cn.cursor = bestPoint
	cn.pendingRollback = true
	cn.parked = false
	return bestPoint.Protocol(), tip, nil
}

func (n *Node) requestNext(cn *conn, ctx chainsync.CallbackContext) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	cn.cs = ctx.Server
	sent, err := n.advance(cn)
	if err != nil || sent {
		return err
	}
	cn.parked = true
	return cn.cs.AwaitReply()
}

// advance sends the client its next chain-sync reply if one is due: the
// rollback after an intersection, a rollback off an abandoned fork, or the
// next block. It reports whether it sent anything.
func (n *Node) advance(cn *conn) (bool, error) {
	tip := n.tipLocked().Protocol()
	if cn.pendingRollback {
		cn.pendingRollback = false
		return true, cn.cs.RollBackward(cn.cursor.Protocol(), tip)
	}
	i, ok := n.onChain(cn.cursor)
	if !ok {
		anc := cn.cursor
		for {
			anc = n.parent[anc]
			if _, on := n.onChain(anc); on {
				break
			}
		}
		cn.cursor = anc
		return true, cn.cs.RollBackward(anc.Protocol(), tip)
	}
	if i+1 >= len(n.blocks) {
		return false, nil
	}
	b := n.blocks[i+1]
	cn.cursor = b.Point
	n.served++
	if n.dropAfter > 0 && n.served >= n.dropAfter {
		n.dropAfter = 0
		go n.DropConnections()
	}
	return true, cn.cs.RollForward(b.Type, b.CBOR, tip)
}

// notifyParked answers the clients waiting at the tip after the chain
// changed.
func (n *Node) notifyParked() {
	for _, cn := range n.conns {
		if !cn.parked || cn.cs == nil {
			continue
		}
		sent, err := n.advance(cn)
		if err != nil {
			n.log.Debug().Err(err).Int("conn", cn.id).Msg("notify parked client")
			continue
		}
		if sent {
			cn.parked = false
		}
	}
}
