package sync_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blinklabs-io/plutigo/data"
	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	msync "github.com/marlowe-lite/marlowe-lite/service/sync"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// standard is the acceptance fixture: 150 contracts over 1,500 blocks.
func standard() chaingen.Config {
	return chaingen.Config{Seed: 42, Blocks: 1500, Contracts: 150, MarloweFraction: 0.2, FillerTxs: 1}
}

// ---------------------------------------------------------------------------
// Ground truth, in the shape each protocol delivers it.

type truthBlock struct {
	block types.BlockHeader
	sigs  []string
}

func refString(r types.TxOutRef) string { return fmt.Sprintf("%x#%d", r.TxId, r.TxIx) }

func extRef(r extract.TxOutRef) string { return fmt.Sprintf("%x#%d", r.TxID[:], r.Index) }

// truthHeaders: per block with creations, its contracts in chain order
// (with their tags).
func truthHeaders(c *chaingen.Chain) []truthBlock {
	var out []truthBlock
	for i, tr := range c.Truth {
		if len(tr.Created) == 0 {
			continue
		}
		tb := truthBlock{block: blockHeader(c.Blocks[i])}
		for _, cr := range tr.Created {
			tb.sigs = append(tb.sigs, fmt.Sprintf("%s tags=%q", extRef(cr.ContractID), cr.Tags))
		}
		out = append(out, tb)
	}
	return out
}

func headerSigs(l headerLog) []truthBlock {
	var out []truthBlock
	for _, nx := range l {
		tb := truthBlock{block: nx.Block}
		for _, h := range nx.Headers {
			var tags []string
			if h.Metadata.Marlowe != nil {
				tags = slices.Sorted(maps.Keys(h.Metadata.Marlowe.Tags))
			}
			if h.BlockHeader != nx.Block {
				tags = append(tags, "WRONG BLOCK")
			}
			tb.sigs = append(tb.sigs, fmt.Sprintf("%s tags=%q", refString(types.TxOutRef(h.ContractId)), tags))
		}
		out = append(out, tb)
	}
	return out
}

// payoutOwners maps each payout the generator created to its contract.
func payoutOwners(c *chaingen.Chain) map[extract.TxOutRef]extract.TxOutRef {
	out := map[extract.TxOutRef]extract.TxOutRef{}
	for _, tr := range c.Truth {
		for _, a := range tr.Applied {
			for _, p := range a.Payouts {
				out[p] = a.ContractID
			}
		}
	}
	return out
}

func applySig(txID string, inputs int, closed bool, payouts []string) string {
	slices.Sort(payouts)
	return fmt.Sprintf("apply %s inputs=%d closed=%v payouts=%v", txID, inputs, closed, payouts)
}

// truthSteps: the contract's blocks after its creation with applies or
// redemptions, each with its applies then its redemptions, in chain order.
func truthSteps(c *chaingen.Chain, owners map[extract.TxOutRef]extract.TxOutRef, id extract.TxOutRef) []truthBlock {
	var out []truthBlock
	for i, tr := range c.Truth {
		tb := truthBlock{block: blockHeader(c.Blocks[i])}
		for _, a := range tr.Applied {
			if a.ContractID != id {
				continue
			}
			var ps []string
			for _, p := range a.Payouts {
				ps = append(ps, extRef(p))
			}
			tb.sigs = append(tb.sigs, applySig(fmt.Sprintf("%x", a.TxID[:]), a.Inputs, a.Closed, ps))
		}
		for _, w := range tr.Withdrawn {
			for _, p := range w.Payouts {
				if owners[p] == id {
					tb.sigs = append(tb.sigs, fmt.Sprintf("redeem %s by %x", extRef(p), w.TxID[:]))
				}
			}
		}
		if len(tb.sigs) > 0 {
			out = append(out, tb)
		}
	}
	return out
}

func txSig(tx types.Transaction) string {
	var ps []string
	for r := range tx.Output.Payouts {
		ps = append(ps, refString(r))
	}
	return applySig(fmt.Sprintf("%x", tx.TransactionId), len(tx.Inputs.(*data.List).Items), tx.Output.ScriptOutput == nil, ps)
}

func stepSigs(l *contractLog) []truthBlock {
	var out []truthBlock
	for _, nx := range l.blocks {
		tb := truthBlock{block: nx.Block}
		for _, st := range nx.Steps {
			switch s := st.(type) {
			case types.Transaction:
				if s.BlockHeader != nx.Block {
					tb.sigs = append(tb.sigs, "WRONG BLOCK")
				}
				tb.sigs = append(tb.sigs, txSig(s))
			case types.RedeemStep:
				tb.sigs = append(tb.sigs, fmt.Sprintf("redeem %s by %x", refString(s.Utxo), s.RedeemingTx))
			}
		}
		out = append(out, tb)
	}
	return out
}

// truthBulk: per Marlowe block, its created contracts (sorted), apply
// transactions and withdrawals in chain order.
func truthBulk(c *chaingen.Chain) []truthBlock {
	var out []truthBlock
	for i, tr := range c.Truth {
		tb := truthBlock{block: blockHeader(c.Blocks[i])}
		var created []string
		for _, cr := range tr.Created {
			created = append(created, extRef(cr.ContractID))
		}
		slices.Sort(created)
		for _, cr := range created {
			tb.sigs = append(tb.sigs, "create "+cr)
		}
		for _, a := range tr.Applied {
			var ps []string
			for _, p := range a.Payouts {
				ps = append(ps, extRef(p))
			}
			tb.sigs = append(tb.sigs, extRef(a.ContractID)+" "+applySig(fmt.Sprintf("%x", a.TxID[:]), a.Inputs, a.Closed, ps))
		}
		for _, w := range tr.Withdrawn {
			var ps []string
			for _, p := range w.Payouts {
				ps = append(ps, extRef(p))
			}
			tb.sigs = append(tb.sigs, fmt.Sprintf("withdraw %x %v", w.TxID[:], ps))
		}
		if len(tb.sigs) > 0 {
			out = append(out, tb)
		}
	}
	return out
}

func bulkSigs(l bulkLog) []truthBlock {
	var out []truthBlock
	for _, b := range l {
		tb := truthBlock{block: b.BlockHeader}
		var created []string
		for _, ct := range b.CreateTransactions {
			for ix := range ct.NewContracts {
				created = append(created, refString(types.TxOutRef{TxId: ct.TxId, TxIx: ix}))
			}
		}
		slices.Sort(created)
		for _, cr := range created {
			tb.sigs = append(tb.sigs, "create "+cr)
		}
		for _, a := range b.ApplyInputsTransactions {
			tb.sigs = append(tb.sigs, refString(types.TxOutRef(a.MarloweTransaction.ContractId))+" "+txSig(a.MarloweTransaction))
		}
		for _, w := range b.WithdrawTransactions {
			var ps []string
			for _, refs := range w.ConsumedPayouts {
				for _, r := range refs {
					ps = append(ps, refString(r))
				}
			}
			slices.Sort(ps)
			tb.sigs = append(tb.sigs, fmt.Sprintf("withdraw %x %v", w.ConsumingTx, ps))
		}
		out = append(out, tb)
	}
	return out
}

func diffBlocks(t *testing.T, what string, got, want []truthBlock) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d blocks, want %d", what, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i].block != want[i].block || !slices.Equal(got[i].sigs, want[i].sigs) {
			t.Errorf("%s: block %d:\n got %v %q\nwant %v %q", what, i, got[i].block, got[i].sigs, want[i].block, want[i].sigs)
			return
		}
	}
}

// ---------------------------------------------------------------------------

// TestHeaderSync: a HeaderSync session from Genesis sees exactly the
// generator's contracts, block by block, in chain order, then waits.
func TestHeaderSync(t *testing.T) {
	f := newFixture(t, standard(), fixtureOpts{})
	ctx := testCtx(t, 30*time.Second)
	l, err := syncHeaders(ctx, f.addr)
	if err != nil {
		t.Fatal(err)
	}
	want := truthHeaders(f.chain)
	diffBlocks(t, "headers", headerSigs(l), want)
	n := 0
	for _, nx := range l {
		n += len(nx.Headers)
	}
	if n != 150 {
		t.Errorf("%d contract headers, want 150", n)
	}
}

// TestMarloweSync follows a sample of contracts (every third, so every
// template and script version is in it) and compares their histories with
// the generator's steps; an unknown contract is not found.
func TestMarloweSync(t *testing.T) {
	f := newFixture(t, standard(), fixtureOpts{})
	ctx := testCtx(t, 30*time.Second)
	owners := payoutOwners(f.chain)
	var followed, steps, redeems int
	for i, tr := range f.chain.Truth {
		for j, cr := range tr.Created {
			if (i+j)%3 != 0 {
				continue
			}
			followed++
			l, err := follow(ctx, f.addr, contractID(t, cr.ContractID))
			if err != nil {
				t.Fatal(err)
			}
			if !l.found || l.creation.Block != blockHeader(f.chain.Blocks[i]) {
				t.Fatalf("%s: found %v in %v", cr.ContractID, l.found, l.creation.Block)
			}
			if so := l.creation.Step.CreateOutput; so.Utxo != types.TxOutRef(contractID(t, cr.ContractID)) {
				t.Errorf("%s: creation output %v", cr.ContractID, so.Utxo)
			}
			got := stepSigs(l)
			diffBlocks(t, "contract "+cr.ContractID.String(), got, truthSteps(f.chain, owners, cr.ContractID))
			for _, b := range got {
				for _, s := range b.sigs {
					steps++
					if strings.HasPrefix(s, "redeem") {
						redeems++
					}
				}
			}
		}
	}
	if followed < 40 || steps < 60 || redeems == 0 {
		t.Errorf("sample too thin: %d contracts, %d steps, %d redemptions", followed, steps, redeems)
	}
	t.Logf("followed %d contracts: %d steps, %d redemptions", followed, steps, redeems)

	unknown := types.ContractId{TxId: types.TxId(bytes.Repeat([]byte{7}, 32)), TxIx: 3}
	for _, id := range []types.ContractId{unknown, {TxId: "short", TxIx: 0}} {
		l, err := follow(ctx, f.addr, id)
		if err != nil || l.found {
			t.Errorf("unknown contract %v: found %v, %v", id, l.found, err)
		}
	}
}

// TestBulkSync: the blocks and transactions of every BulkSync session equal
// the generator's, whatever the batch size, and each batch carries the tip.
func TestBulkSync(t *testing.T) {
	// No response budget here, so that answer counts are exact; see
	// TestBulkSyncBudget for the budget.
	f := newFixture(t, standard(), fixtureOpts{MaxBulkTxs: 1 << 30})
	ctx := testCtx(t, 30*time.Second)
	want := truthBulk(f.chain)
	var tip types.BlockHeader
	if err := f.store.Read(func(r *kv.Snapshot) error {
		a, ok, err := r.LatestActivity()
		if !ok {
			return errors.Join(err, errors.New("no activity"))
		}
		tip = view.BlockHeader(a.Block)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var first []byte
	for _, extra := range []uint8{0, 1, 7, 255} {
		c := dialBulk(t, ctx, f.addr)
		var l bulkLog
		answers := 0
		for {
			nx, err := c.RequestNext(ctx, extra)
			if err != nil {
				t.Fatal(err)
			}
			if nx.Kind == bulksync.NextWait {
				break
			}
			answers++
			if nx.Kind != bulksync.NextRollForward || len(nx.Blocks) > int(extra)+1 || nx.Tip.Header != tip {
				t.Fatalf("extra %d: answer %s with %d blocks, tip %v (want %v)", extra, nx.Kind, len(nx.Blocks), nx.Tip, tip)
			}
			if err := l.apply(nx); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Cancel(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.Done(ctx); err != nil {
			t.Fatal(err)
		}
		diffBlocks(t, fmt.Sprintf("bulk extra=%d", extra), bulkSigs(l), want)
		if wantAnswers := (len(want) + int(extra)) / (int(extra) + 1); answers != wantAnswers {
			t.Errorf("extra %d: %d answers, want %d", extra, answers, wantAnswers)
		}
		var creates, applies, withdraws int
		for _, b := range l {
			for _, ct := range b.CreateTransactions {
				creates += len(ct.NewContracts)
			}
			applies += len(b.ApplyInputsTransactions)
			withdraws += len(b.WithdrawTransactions)
		}
		if s := f.chain.Stats; creates != s.Created || applies != s.Applied || withdraws != s.Withdrawals {
			t.Errorf("extra %d: %d creates, %d applies, %d withdrawals; generator: %d, %d, %d",
				extra, creates, applies, withdraws, s.Created, s.Applied, s.Withdrawals)
		}
		if first == nil {
			first = l.wire()
		} else if !bytes.Equal(l.wire(), first) {
			t.Errorf("extra %d: blocks differ from extra 0's", extra)
		}
	}
	t.Logf("%d Marlowe blocks", len(want))
}

// TestCrossProtocol: the three protocols describe the same index: each
// contract's header equals its BulkSync creation, and each apply-inputs
// transaction of BulkSync is the one MarloweSync delivers.
func TestCrossProtocol(t *testing.T) {
	f := newFixture(t, chaingen.Config{Seed: 5, Blocks: 600, Contracts: 40, MarloweFraction: 0.3}, fixtureOpts{})
	ctx := testCtx(t, 30*time.Second)
	hl, err := syncHeaders(ctx, f.addr)
	if err != nil {
		t.Fatal(err)
	}
	bl, err := syncBulk(ctx, f.addr, 10)
	if err != nil {
		t.Fatal(err)
	}
	creates := map[types.ContractId][]byte{}
	applies := map[types.TxId][]byte{}
	for _, b := range bl {
		for _, ct := range b.CreateTransactions {
			for ix, sc := range ct.NewContracts {
				creates[types.ContractId{TxId: ct.TxId, TxIx: ix}] = append(enc(b.BlockHeader, types.EncodeBlockHeader), enc(sc.Step, types.EncodeCreateStep)...)
			}
		}
		for _, a := range b.ApplyInputsTransactions {
			applies[a.MarloweTransaction.TransactionId] = enc(a.MarloweTransaction, types.EncodeTransaction)
		}
	}
	n := 0
	for _, nx := range hl {
		for _, h := range nx.Headers {
			l, err := follow(ctx, f.addr, h.ContractId)
			if err != nil {
				t.Fatal(err)
			}
			got := append(enc(l.creation.Block, types.EncodeBlockHeader), enc(l.creation.Step, types.EncodeCreateStep)...)
			if !bytes.Equal(got, creates[h.ContractId]) {
				t.Errorf("%v: MarloweSync creation differs from BulkSync's", h.ContractId)
			}
			if string(l.creation.Step.CreateOutput.Address) != string(h.MarloweScriptAddress) ||
				l.creation.Step.PayoutValidatorHash != h.PayoutScriptHash || l.creation.Block != h.BlockHeader {
				t.Errorf("%v: header disagrees with the creation", h.ContractId)
			}
			for _, b := range l.blocks {
				for _, st := range b.Steps {
					if tx, ok := st.(types.Transaction); ok {
						n++
						if !bytes.Equal(enc(tx, types.EncodeTransaction), applies[tx.TransactionId]) {
							t.Errorf("%v: transaction %x differs between MarloweSync and BulkSync", h.ContractId, tx.TransactionId)
						}
					}
				}
			}
		}
	}
	if n != len(applies) || len(creates) != 40 {
		t.Errorf("%d transactions followed, BulkSync has %d; %d creations", n, len(applies), len(creates))
	}
}

// TestIntersect: each protocol intersects at the newest client point still
// on the index's chain, skipping points it does not hold.
func TestIntersect(t *testing.T) {
	f := newFixture(t, chaingen.Config{Seed: 9, Blocks: 400, Contracts: 30, MarloweFraction: 0.3}, fixtureOpts{})
	ctx := testCtx(t, 30*time.Second)
	hl, err := syncHeaders(ctx, f.addr)
	if err != nil {
		t.Fatal(err)
	}
	bl, err := syncBulk(ctx, f.addr, 255)
	if err != nil {
		t.Fatal(err)
	}
	bogus := types.BlockHeader{Slot: hl[len(hl)-1].Block.Slot + 1, Hash: types.BlockHeaderHash(bytes.Repeat([]byte{9}, 32)), Block: 1}
	forged := hl[3].Block
	forged.Hash = types.BlockHeaderHash(bytes.Repeat([]byte{8}, 32))
	quiet := slices.IndexFunc(f.chain.Truth, func(tr chaingen.Truth) bool { return tr.Empty() })
	nonMarlowe := blockHeader(f.chain.Blocks[quiet])

	hp := hl.points()
	h := dialHeaders(t, ctx, f.addr)
	for _, tc := range []struct {
		name   string
		points []types.BlockHeader
		want   types.BlockHeader
		found  bool
	}{
		{"all", hp, hp[len(hp)-1], true},
		{"newest first in the list is still newest on chain", []types.BlockHeader{hp[5], hp[2]}, hp[2], true},
		{"unknown after known", []types.BlockHeader{hp[1], hp[4], bogus}, hp[4], true},
		{"forged hash", []types.BlockHeader{hp[2], forged}, hp[2], true},
		{"apply-only Marlowe block", []types.BlockHeader{bl.points()[len(bl)-1]}, bl.points()[len(bl)-1], true},
		{"not a Marlowe block", []types.BlockHeader{nonMarlowe}, types.BlockHeader{}, false},
		{"none", nil, types.BlockHeader{}, false},
	} {
		got, found, err := h.Intersect(ctx, tc.points)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if found != tc.found || got != tc.want {
			t.Errorf("header %s: %v %v, want %v %v", tc.name, got, found, tc.want, tc.found)
		}
	}
	// After an intersection the next headers follow it.
	if _, _, err := h.Intersect(ctx, hp[:10]); err != nil {
		t.Fatal(err)
	}
	var rest headerLog
	if _, err := drainHeaders(ctx, h, &rest); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(hl[:10].wire(), rest.wire()...), hl.wire()) {
		t.Error("headers after an intersection differ from a full sync's")
	}

	bp := bl.points()
	b := dialBulk(t, ctx, f.addr)
	tip := bp[len(bp)-1]
	for _, tc := range []struct {
		name   string
		points []types.BlockHeader
		want   types.BlockHeader
		found  bool
	}{
		{"all", bp, tip, true},
		{"middle", []types.BlockHeader{bp[3], bp[7], bogus}, bp[7], true},
		{"none known", []types.BlockHeader{bogus, forged, nonMarlowe}, types.BlockHeader{}, false},
	} {
		r, err := b.Intersect(ctx, tc.points)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.Found != tc.found || r.Block != tc.want || r.Tip != types.PointAt(tip) {
			t.Errorf("bulk %s: %+v, want %v %v tip %v", tc.name, r, tc.want, tc.found, tip)
		}
	}
	if _, err := b.Intersect(ctx, bp[:7]); err != nil {
		t.Fatal(err)
	}
	var brest bulkLog
	if _, err := drainBulk(ctx, b, 3, &brest); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(bl[:7].wire(), brest.wire()...), bl.wire()) {
		t.Error("blocks after an intersection differ from a full sync's")
	}

	// MarloweSync: the contract's own blocks only.
	var long *contractLog
	var longID types.ContractId
	for _, nx := range hl {
		for _, hd := range nx.Headers {
			l, err := follow(ctx, f.addr, hd.ContractId)
			if err != nil {
				t.Fatal(err)
			}
			if long == nil || len(l.blocks) > len(long.blocks) {
				long, longID = l, hd.ContractId
			}
		}
	}
	if len(long.blocks) < 2 {
		t.Fatalf("no contract with two step blocks")
	}
	cp := long.points()
	otherIdx := slices.IndexFunc(hp, func(b types.BlockHeader) bool { return !slices.Contains(cp, b) })
	if otherIdx < 0 {
		t.Fatal("every creation block is in one contract's history")
	}
	other := hp[otherIdx]
	for _, tc := range []struct {
		name   string
		id     types.ContractId
		points []types.BlockHeader
		want   types.BlockHeader
		found  bool
	}{
		{"all", longID, cp, cp[len(cp)-1], true},
		{"creation only", longID, cp[:1], cp[0], true},
		{"skip unknown", longID, []types.BlockHeader{cp[0], bogus, cp[1], forged}, cp[1], true},
		{"another contract's block", longID, []types.BlockHeader{nonMarlowe, other}, types.BlockHeader{}, false},
		{"unknown contract", types.ContractId{TxId: types.TxId(bytes.Repeat([]byte{1}, 32))}, cp, types.BlockHeader{}, false},
		{"malformed contract id", types.ContractId{TxId: "x"}, cp, types.BlockHeader{}, false},
	} {
		c := dialSync(t, ctx, f.addr)
		got, found, err := c.Intersect(ctx, tc.id, tc.points)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if found != tc.found || got != tc.want {
			t.Errorf("sync %s: %v %v, want %v %v", tc.name, got, found, tc.want, tc.found)
		}
	}
	// Resume after the first step block: the rest of the history follows.
	c := dialSync(t, ctx, f.addr)
	if _, found, err := c.Intersect(ctx, longID, cp[:2]); err != nil || !found {
		t.Fatalf("resume: %v %v", found, err)
	}
	resumed := &contractLog{found: true, creation: long.creation, blocks: slices.Clone(long.blocks[:1])}
	if _, err := drainSync(ctx, c, resumed); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resumed.wire(), long.wire()) {
		t.Error("history after an intersection differs from a full follow's")
	}
}

// TestLiveTail parks clients of each protocol at the tip of a partly
// indexed chain, then indexes the rest block by block: every parked poll
// is answered with the new block once it is committed (well before the
// poll bound), and in the end each client holds what a fresh session sees.
func TestLiveTail(t *testing.T) {
	cfg := chaingen.Config{Seed: 3, Blocks: 500, Contracts: 40, MarloweFraction: 0.3}
	c, err := chaingen.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Stop just before the last block with a creation, so that every
	// protocol has news to hear.
	lastCreate := -1
	for i := len(c.Truth) - 1; i >= 0; i-- {
		if len(c.Truth[i].Created) > 0 {
			lastCreate = i
			break
		}
	}
	if lastCreate < 1 {
		t.Fatal("no creation in the chain")
	}
	f := serveChain(t, c, fixtureOpts{Indexed: lastCreate, MaxWait: time.Minute})
	ctx := testCtx(t, 60*time.Second)

	h := dialHeaders(t, ctx, f.addr)
	var hl headerLog
	if _, err := drainHeaders(ctx, h, &hl); err != nil {
		t.Fatal(err)
	}
	b := dialBulk(t, ctx, f.addr)
	var bl bulkLog
	if _, err := drainBulk(ctx, b, 0, &bl); err != nil {
		t.Fatal(err)
	}
	// Park: a request that waits, then a poll held by the server.
	type answer struct {
		kind string
		err  error
	}
	hc, bc := make(chan answer, 1), make(chan answer, 1)
	if nx, err := h.RequestNext(ctx); err != nil || nx.Kind != headersync.NextWait {
		t.Fatalf("parked header client: %v %v", nx.Kind, err)
	}
	if nx, err := b.RequestNext(ctx, 0); err != nil || nx.Kind != bulksync.NextWait {
		t.Fatalf("parked bulk client: %v %v", nx.Kind, err)
	}
	go func() {
		nx, err := h.Poll(ctx)
		if err == nil {
			err = hl.apply(nx)
		}
		hc <- answer{nx.Kind.String(), err}
	}()
	go func() {
		nx, err := b.Poll(ctx)
		if err == nil {
			err = bl.apply(nx)
		}
		bc <- answer{nx.Kind.String(), err}
	}()
	// The polls are held: nothing is answered while the index is quiet.
	select {
	case a := <-hc:
		t.Fatalf("header poll answered %s before any change", a.kind)
	case a := <-bc:
		t.Fatalf("bulk poll answered %s before any change", a.kind)
	case <-time.After(200 * time.Millisecond):
	}
	f.apply(t, c.Blocks[lastCreate:lastCreate+1])
	for name, ch := range map[string]chan answer{"header": hc, "bulk": bc} {
		select {
		case a := <-ch:
			if a.err != nil || a.kind == "Wait" {
				t.Fatalf("%s poll: %s, %v", name, a.kind, a.err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s poll not answered 30 s after the commit", name)
		}
	}
	// The rest, block by block, with the clients polling along.
	for i := lastCreate + 1; i < len(c.Blocks); i++ {
		f.apply(t, c.Blocks[i:i+1])
	}
	drainLikeFresh(t, ctx, f.addr, h, &hl, b, 0, &bl, "live clients")
	diffBlocks(t, "live headers", headerSigs(hl), truthHeaders(c))
	diffBlocks(t, "live bulk", bulkSigs(bl), truthBulk(c))
}

// TestPollBound: a poll on a quiet index is answered Wait once MaxWait has
// passed, and a change that brings nothing new (a block without Marlowe
// transactions) does not end the wait with news.
func TestPollBound(t *testing.T) {
	c, err := chaingen.Generate(chaingen.Config{Seed: 4, Blocks: 300, Contracts: 10, MarloweFraction: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	last := len(c.Blocks) - 1
	for len(c.Truth[last].Created)+len(c.Truth[last].Applied)+len(c.Truth[last].Withdrawn) > 0 {
		last--
	}
	f := serveChain(t, c, fixtureOpts{Indexed: last, MaxWait: 300 * time.Millisecond})
	ctx := testCtx(t, 30*time.Second)
	h := dialHeaders(t, ctx, f.addr)
	var hl headerLog
	if _, err := drainHeaders(ctx, h, &hl); err != nil {
		t.Fatal(err)
	}
	if nx, err := h.RequestNext(ctx); err != nil || nx.Kind != headersync.NextWait {
		t.Fatalf("request at the tip: %v %v", nx.Kind, err)
	}
	done := make(chan headersync.Next, 1)
	go func() {
		nx, err := h.Poll(ctx)
		if err != nil {
			t.Error(err)
		}
		done <- nx
	}()
	// An empty block changes the store but not the headers.
	f.apply(t, c.Blocks[last:last+1])
	select {
	case nx := <-done:
		if nx.Kind != headersync.NextWait {
			t.Errorf("poll answered %s after an empty block", nx.Kind)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("poll not answered within 20 s with a 300 ms bound")
	}
	if err := h.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.Done(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestHandlerDirect calls the handlers without a server: a first request at
// the tip waits without blocking, a cancelled poll returns the context's
// error, and a cursor the index never held is rolled back.
func TestHandlerDirect(t *testing.T) {
	f := newFixture(t, chaingen.Config{Seed: 8, Blocks: 300, Contracts: 12, MarloweFraction: 0.3}, fixtureOpts{K: 20, MaxWait: time.Hour})
	ctx := testCtx(t, 30*time.Second)
	hs, bs, ms := f.svc.HeaderSync(), f.svc.BulkSync(), f.svc.MarloweSync()
	hl, err := syncHeaders(ctx, f.addr)
	if err != nil {
		t.Fatal(err)
	}
	tip := types.PointAt(hl[len(hl)-1].Block)
	if nx, err := hs.Next(ctx, tip); err != nil || nx.Kind != headersync.NextWait {
		t.Fatalf("first request at the tip: %v %v", nx.Kind, err)
	}
	pctx, cancel := context.WithTimeout(session.WithPoll(ctx), 100*time.Millisecond)
	defer cancel()
	if _, err := hs.Next(pctx, tip); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("poll past its context: %v", err)
	}
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	if _, err := bs.Next(cctx, types.ChainPoint{}, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled bulk next: %v", err)
	}
	if _, _, err := ms.FollowContract(cctx, hl[0].Headers[0].ContractId); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled follow: %v", err)
	}

	// A cursor the index never held: a block far above everything, which
	// rolls back to the newest settled block (k+1 = 21 blocks below it).
	ghost := types.BlockHeader{Slot: tip.Header.Slot + 5, Hash: types.BlockHeaderHash(bytes.Repeat([]byte{3}, 32)), Block: tip.Header.Block + 1}
	nx, err := hs.Next(ctx, types.PointAt(ghost))
	if err != nil || nx.Kind != headersync.NextRollBackward || !nx.Point.At || uint64(nx.Point.Header.Block)+21 > uint64(ghost.Block) {
		t.Errorf("header rollback of a ghost cursor: %+v, %v", nx, err)
	}
	bn, err := bs.Next(ctx, types.PointAt(ghost), 0)
	if err != nil || bn.Kind != bulksync.NextRollBackward || !bn.Point.At || uint64(bn.Point.Header.Block)+21 > uint64(ghost.Block) || !bn.Tip.At {
		t.Errorf("bulk rollback of a ghost cursor: %+v, %v", bn, err)
	}
	// A ghost cursor low in the chain rolls back to Genesis.
	low := types.BlockHeader{Slot: hl[0].Block.Slot, Hash: types.BlockHeaderHash(bytes.Repeat([]byte{4}, 32)), Block: hl[0].Block.Block}
	if nx, err := hs.Next(ctx, types.PointAt(low)); err != nil || nx.Kind != headersync.NextRollBackward || nx.Point.At {
		t.Errorf("low ghost cursor: %+v, %v", nx, err)
	}
	id := hl[0].Headers[0].ContractId
	if mn, err := ms.Next(ctx, id, types.PointAt(low)); err != nil || mn.Kind != marlowesync.NextRollBackCreation {
		t.Errorf("sync ghost cursor at the creation: %+v, %v", mn, err)
	}
	unknown := types.ContractId{TxId: types.TxId(bytes.Repeat([]byte{5}, 32))}
	if mn, err := ms.Next(ctx, unknown, types.ChainPoint{}); err != nil || mn.Kind != marlowesync.NextRollBackCreation {
		t.Errorf("next of an unknown contract: %+v, %v", mn, err)
	}
	if _, err := ms.Next(ctx, types.ContractId{TxId: "x"}, types.ChainPoint{}); err == nil {
		t.Error("next of a malformed contract id: no error")
	}
}

func TestNewErrors(t *testing.T) {
	s, err := kv.Open("", kv.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clock := mainnetClock(t)
	for name, tc := range map[string]struct {
		store *kv.Store
		cfg   msync.Config
	}{
		"nil store":        {nil, msync.Config{Network: registry.Mainnet, Clock: clock}},
		"no network":       {s, msync.Config{Clock: clock}},
		"no clock":         {s, msync.Config{Network: registry.Mainnet}},
		"negative maxwait": {s, msync.Config{Network: registry.Mainnet, Clock: clock, MaxWait: -time.Second}},
	} {
		if _, err := msync.New(tc.store, tc.cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	svc, err := msync.New(s, msync.Config{Network: registry.Mainnet, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	// An empty index: everything waits or is not found.
	ctx := testCtx(t, 10*time.Second)
	if nx, err := svc.HeaderSync().Next(ctx, types.ChainPoint{}); err != nil || nx.Kind != headersync.NextWait {
		t.Errorf("empty index header next: %v %v", nx.Kind, err)
	}
	if r, err := svc.BulkSync().Intersect(ctx, []types.BlockHeader{{Slot: 1}}); err != nil || r.Found || r.Tip.At {
		t.Errorf("empty index bulk intersect: %+v %v", r, err)
	}
	if nx, err := svc.BulkSync().Next(ctx, types.ChainPoint{}, 3); err != nil || nx.Kind != bulksync.NextWait {
		t.Errorf("empty index bulk next: %v %v", nx.Kind, err)
	}
	ghost := types.PointAt(types.BlockHeader{Slot: 10, Hash: "h", Block: 1})
	if nx, err := svc.BulkSync().Next(ctx, ghost, 3); err != nil || nx.Kind != bulksync.NextRollBackward || nx.Point.At || nx.Tip.At {
		t.Errorf("empty index bulk ghost: %+v %v", nx, err)
	}
}

// TestShutdownReleasesPolls: polls held by the handlers end with their
// session's context, so a server shutting down with parked clients
// finishes cleanly instead of waiting out MaxWait.
func TestShutdownReleasesPolls(t *testing.T) {
	f := newFixture(t, chaingen.Config{Seed: 6, Blocks: 200, Contracts: 8, MarloweFraction: 0.3}, fixtureOpts{MaxWait: time.Hour})
	srv, err := runtime.NewServer(server.Config{ShutdownTimeout: 3 * time.Second},
		runtime.Handlers{Sync: f.svc.MarloweSync(), HeaderSync: f.svc.HeaderSync(), BulkSync: f.svc.BulkSync()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx, ln) }()
	ctx := testCtx(t, 30*time.Second)
	addr := ln.Addr().String()

	h := dialHeaders(t, ctx, addr)
	var hl headerLog
	if _, err := drainHeaders(ctx, h, &hl); err != nil {
		t.Fatal(err)
	}
	b := dialBulk(t, ctx, addr)
	var bl bulkLog
	if _, err := drainBulk(ctx, b, 0, &bl); err != nil {
		t.Fatal(err)
	}
	m := dialSync(t, ctx, addr)
	if _, _, err := m.FollowContract(ctx, hl[0].Headers[0].ContractId); err != nil {
		t.Fatal(err)
	}
	if _, err := drainSync(ctx, m, &contractLog{}); err != nil {
		t.Fatal(err)
	}
	polls := make(chan error, 3)
	park := func(next func() error, poll func() error) {
		if err := next(); err != nil {
			t.Fatal(err)
		}
		go func() { polls <- poll() }()
	}
	park(func() error { _, err := h.RequestNext(ctx); return err }, func() error { _, err := h.Poll(ctx); return err })
	park(func() error { _, err := b.RequestNext(ctx, 0); return err }, func() error { _, err := b.Poll(ctx); return err })
	park(func() error { _, err := m.RequestNext(ctx); return err }, func() error { _, err := m.Poll(ctx); return err })
	time.Sleep(100 * time.Millisecond)
	stop()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("shutdown with parked polls: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not shut down within 20 s")
	}
	for range 3 {
		if err := <-polls; err == nil {
			t.Error("a parked poll was answered although the server shut down")
		}
	}
}

// TestBulkSyncBudget: with a budget of 3 transactions per response, a
// client asking for 256 blocks at a time gets the same blocks in more
// answers, each of at least one block, and cut short only once the budget
// is reached.
func TestBulkSyncBudget(t *testing.T) {
	const budget = 3
	f := newFixture(t, standard(), fixtureOpts{MaxBulkTxs: budget})
	ctx := testCtx(t, 30*time.Second)
	c := dialBulk(t, ctx, f.addr)
	var l bulkLog
	answers, cut := 0, 0
	for {
		nx, err := c.RequestNext(ctx, 255)
		if err != nil {
			t.Fatal(err)
		}
		if nx.Kind == bulksync.NextWait {
			break
		}
		answers++
		if nx.Kind != bulksync.NextRollForward || len(nx.Blocks) == 0 {
			t.Fatalf("answer %s with %d blocks", nx.Kind, len(nx.Blocks))
		}
		// All but the last block of an answer stayed under the budget.
		txs := 0
		for _, b := range nx.Blocks[:len(nx.Blocks)-1] {
			txs += len(b.CreateTransactions) + len(b.ApplyInputsTransactions) + len(b.WithdrawTransactions)
		}
		if txs >= budget*3 {
			t.Fatalf("answer with %d transactions before its last block, budget %d", txs, budget)
		}
		if len(nx.Blocks) < 256 {
			cut++
		}
		if err := l.apply(nx); err != nil {
			t.Fatal(err)
		}
	}
	diffBlocks(t, "bulk with budget", bulkSigs(l), truthBulk(f.chain))
	if answers < 10 || cut < answers-1 {
		t.Fatalf("%d answers, %d cut short: the budget did not apply", answers, cut)
	}
}
