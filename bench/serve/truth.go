package main

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/devnet"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// devnetSeed is the seed the child is started with (--devnet-seed); the
// ground truth is generated with the same one.
const devnetSeed = 1

// historyConfig mirrors the generator configuration node/devnet uses for
// its history (devnet.Start): the child serves exactly this chain, so the
// bench can check every answer against the generator's ground truth. If
// node/devnet changes it, the contract and block counts the child logs no
// longer match and the bench says so before measuring anything.
func historyConfig(contracts, blocks int) chaingen.Config {
	return chaingen.Config{Seed: devnetSeed, Blocks: blocks, Contracts: contracts,
		FillerTxs: 2, MalformedCreates: 1, Network: devnet.Network}
}

// marloweBlock is what BulkSync must deliver for one block.
type marloweBlock struct {
	header                      types.BlockHeader
	creates, applies, withdraws int
}

// truth is the ground truth of the devnet's history, in the shapes the
// loads check answers against. It holds no chain bytes, so that the bench
// process stays small while the child runs.
type truth struct {
	contracts, blocks int
	stats             chaingen.Stats
	generated         time.Duration
	tip               types.BlockHeader

	// ids are the contracts in chain order (block, transaction, output),
	// the order HeaderSync delivers them in; created[i] is the block of
	// ids[i].
	ids     []types.ContractId
	created []types.BlockHeader
	index   map[types.ContractId]int
	// steps[i] is how many steps MarloweSync delivers for ids[i] after its
	// creation: one per apply-inputs transaction, one per payout redeemed.
	steps []int
	// listing is the MarloweQuery contract order (creation slot, then
	// contract id bytes), as indexes into ids.
	listing []int
	// marlowe are the blocks BulkSync delivers, in chain order.
	marlowe []marloweBlock
	// totalSteps is the sum of steps.
	totalSteps int
}

// groundTruth generates the devnet's history and keeps its truth.
func groundTruth(contracts, blocks int) (*truth, error) {
	began := time.Now()
	c, err := chaingen.Generate(historyConfig(contracts, blocks))
	if err != nil {
		return nil, fmt.Errorf("ground truth: %w", err)
	}
	t := &truth{contracts: c.Stats.Created, blocks: len(c.Blocks), stats: c.Stats,
		generated: time.Since(began), index: map[types.ContractId]int{}}
	// payoutOwner maps a payout output to its contract, so that a
	// withdrawal's redeemed payouts count as steps of the right contracts.
	payoutOwner := map[types.TxOutRef]int{}
	for i, b := range c.Blocks {
		h := view.BlockHeader(kv.BlockRef{Slot: b.Point.Slot, Hash: b.Point.Hash, Number: b.Number})
		t.tip = h
		tr := c.Truth[i]
		for _, cr := range tr.Created {
			id, err := view.ContractId(cr.ContractID)
			if err != nil {
				return nil, fmt.Errorf("ground truth: block %d: %w", b.Number, err)
			}
			if _, dup := t.index[id]; dup {
				return nil, fmt.Errorf("ground truth: contract %v created twice", cr.ContractID)
			}
			t.index[id] = len(t.ids)
			t.ids = append(t.ids, id)
			t.created = append(t.created, h)
			t.steps = append(t.steps, 0)
		}
		for _, a := range tr.Applied {
			id, err := view.ContractId(a.ContractID)
			if err != nil {
				return nil, fmt.Errorf("ground truth: block %d: %w", b.Number, err)
			}
			k, ok := t.index[id]
			if !ok {
				return nil, fmt.Errorf("ground truth: block %d applies inputs to unknown contract %v", b.Number, a.ContractID)
			}
			t.steps[k]++
			for _, p := range a.Payouts {
				ref, err := view.TxOutRef(p)
				if err != nil {
					return nil, fmt.Errorf("ground truth: block %d: %w", b.Number, err)
				}
				payoutOwner[ref] = k
			}
		}
		for _, w := range tr.Withdrawn {
			for _, p := range w.Payouts {
				ref, err := view.TxOutRef(p)
				if err != nil {
					return nil, fmt.Errorf("ground truth: block %d: %w", b.Number, err)
				}
				k, ok := payoutOwner[ref]
				if !ok {
					return nil, fmt.Errorf("ground truth: block %d withdraws unknown payout %v", b.Number, p)
				}
				t.steps[k]++
			}
		}
		if len(tr.Created)+len(tr.Applied)+len(tr.Withdrawn) > 0 {
			t.marlowe = append(t.marlowe, marloweBlock{header: h, creates: len(tr.Created),
				applies: len(tr.Applied), withdraws: len(tr.Withdrawn)})
		}
	}
	if len(t.ids) != t.contracts {
		return nil, fmt.Errorf("ground truth: %d creations in the truth, %d in the stats", len(t.ids), t.contracts)
	}
	for _, s := range t.steps {
		t.totalSteps += s
	}
	t.listing = make([]int, len(t.ids))
	for i := range t.listing {
		t.listing[i] = i
	}
	slices.SortFunc(t.listing, func(a, b int) int {
		return cmp.Or(cmp.Compare(t.created[a].Slot, t.created[b].Slot),
			cmp.Compare(t.ids[a].TxId, t.ids[b].TxId), cmp.Compare(t.ids[a].TxIx, t.ids[b].TxIx))
	})
	return t, nil
}

// marloweTxs is the number of Marlowe transactions BulkSync delivers in
// total, counted as Marlowe Runtime's benchmark counts them (contracts
// created, apply-inputs transactions, withdrawal transactions).
func (t *truth) marloweTxs() int {
	n := 0
	for _, b := range t.marlowe {
		n += b.creates + b.applies + b.withdraws
	}
	return n
}
