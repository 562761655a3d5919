package query

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/indexer"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// systemStartMs is the test clock's system start: chaingen's slot-time
// schedule (1 s slots from the Byron-adjusted mainnet origin).
const systemStartMs = 1_591_566_291_000

// testStatus is a fixed Status: chaingen's clock and given tips.
type testStatus struct {
	node, chain types.ChainPoint
}

func (testStatus) SlotToTime(slot uint64) (time.Time, error) {
	return time.UnixMilli(systemStartMs + int64(slot)*1000).UTC(), nil
}

func (testStatus) SystemStart() (time.Time, error) { return time.UnixMilli(systemStartMs).UTC(), nil }

func (s testStatus) ChainTips(context.Context) (types.ChainPoint, types.ChainPoint, error) {
	return s.node, s.chain, nil
}

func (testStatus) RuntimeVersion() types.Version {
	return types.Version{Branch: []int64{1, 0, 0}, Tags: []string{}}
}

// bfContract is a contract as the brute force sees it: from the
// generator's ground truth, plus the stored records the truth lacks.
type bfContract struct {
	id      extract.TxOutRef
	slot    uint64
	block   int
	tags    []string
	header  types.ContractHeader
	roles   core.CurrencySymbol
	closed  bool
	applied []chaingen.Applied
	// applyBlocks[i] is the chain index of applied[i]'s block.
	applyBlocks []int
	parties     map[core.Party]bool
}

// bfPayout is a payout from the ground truth.
type bfPayout struct {
	state marlowequery.PayoutState
	slot  uint64
	ref   extract.TxOutRef
	token core.Token
}

// bfWithdrawal is a withdrawal from the ground truth.
type bfWithdrawal struct {
	w    marlowequery.Withdrawal
	slot uint64
	id   registry.TxID
}

// fixture is an indexed generated chain, the handler over it, and the
// brute-force model of every listing.
type fixture struct {
	chain       *chaingen.Chain
	store       *kv.Store
	h           *Handler
	conv        *view.Converter
	status      testStatus
	contracts   []bfContract // creation order
	byID        map[extract.TxOutRef]*bfContract
	payouts     []bfPayout // chain order
	withdrawals []bfWithdrawal
	model       *marlowequery.Memory
}

func genChain(tb testing.TB, cfg chaingen.Config) *chaingen.Chain {
	tb.Helper()
	c, err := chaingen.Generate(cfg)
	if err != nil {
		tb.Fatalf("generate: %v", err)
	}
	return c
}

// openStore opens an in-memory store closed when tb ends.
func openStore(tb testing.TB) *kv.Store {
	tb.Helper()
	s := openStoreKept(tb)
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// openStoreKept opens an in-memory store the caller closes.
func openStoreKept(tb testing.TB) *kv.Store {
	tb.Helper()
	s, err := kv.Open("", kv.Options{InMemory: true, MemTableSize: 32 << 20})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	return s
}

// index applies blocks to s through the real indexer (recogniser + kv).
func index(tb testing.TB, s *kv.Store, blocks []chain.Block) {
	tb.Helper()
	ix, err := indexer.New(s, extract.New(registry.New()), indexer.Options{BatchBlocks: 256})
	if err != nil {
		tb.Fatal(err)
	}
	for _, b := range blocks {
		if err := ix.RollForward(context.Background(), b); err != nil {
			tb.Fatalf("index: %v", err)
		}
	}
	if err := ix.Flush(); err != nil {
		tb.Fatalf("flush: %v", err)
	}
}

func newHandler(tb testing.TB, s *kv.Store, st Status) *Handler {
	tb.Helper()
	h, err := New(s, registry.Mainnet, st, zerolog.Nop())
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// sharedConfig is the main fixture's chain: 600 contracts over 2,000
// blocks, a fifth of them eligible for Marlowe transactions, seed fixed.
var sharedConfig = chaingen.Config{Seed: 20251121, Blocks: 2000, Contracts: 600, MarloweFraction: 0.2, FillerTxs: 2}

// sharedIndexed is how many of its blocks are indexed: the chain stops
// while contracts are still open and payouts still unclaimed.
const sharedIndexed = 700

// prefix cuts a generated chain (blocks and truth) to its first n blocks.
func prefix(c *chaingen.Chain, n int) *chaingen.Chain {
	out := *c
	out.Blocks, out.Truth = c.Blocks[:n], c.Truth[:n]
	return &out
}

var (
	sharedOnce sync.Once
	shared     *fixture
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		_ = shared.store.Close()
	}
	os.Exit(code)
}

// sharedFixture is the package's main fixture, built once: the first 700
// blocks of sharedConfig's chain (about 280 contracts, some open, some
// payouts unclaimed), indexed in memory.
func sharedFixture(t *testing.T) *fixture {
	t.Helper()
	sharedOnce.Do(func() {
		// The store outlives the test that builds it: TestMain closes it.
		c := prefix(genChain(t, sharedConfig), sharedIndexed)
		s := openStoreKept(t)
		index(t, s, c.Blocks)
		shared = modelOf(t, c, s)
	})
	if shared == nil {
		t.Fatal("fixture build failed earlier")
	}
	return shared
}

// buildFixture generates and indexes a chain and models it; the store is
// closed when tb ends.
func buildFixture(tb testing.TB, cfg chaingen.Config) *fixture {
	tb.Helper()
	c := genChain(tb, cfg)
	s := openStore(tb)
	index(tb, s, c.Blocks)
	return modelOf(tb, c, s)
}

// modelOf builds the brute-force model of chain c as indexed in s.
func modelOf(tb testing.TB, c *chaingen.Chain, s *kv.Store) *fixture {
	tb.Helper()
	last := c.Blocks[len(c.Blocks)-1]
	tip := types.PointAt(types.BlockHeader{Slot: types.SlotNo(last.Point.Slot), Hash: types.BlockHeaderHash(last.Point.Hash[:]), Block: types.BlockNo(last.Number)})
	fx := &fixture{chain: c, store: s, status: testStatus{node: tip, chain: tip}, byID: map[extract.TxOutRef]*bfContract{}}
	fx.h = newHandler(tb, s, fx.status)
	conv, err := view.New(registry.Mainnet, fx.status)
	if err != nil {
		tb.Fatal(err)
	}
	fx.conv = conv

	// Contracts and their transactions, from the ground truth.
	for i, tr := range c.Truth {
		for _, cr := range tr.Created {
			fx.contracts = append(fx.contracts, bfContract{id: cr.ContractID, slot: c.Blocks[i].Point.Slot, block: i, tags: cr.Tags})
		}
	}
	slices.SortFunc(fx.contracts, func(a, b bfContract) int {
		if a.slot != b.slot {
			return cmpU64(a.slot, b.slot)
		}
		return registry.CompareTxOutRef(a.id, b.id)
	})
	for i := range fx.contracts {
		fx.byID[fx.contracts[i].id] = &fx.contracts[i]
	}
	for i, tr := range c.Truth {
		for _, a := range tr.Applied {
			bc := fx.byID[a.ContractID]
			if bc == nil {
				tb.Fatalf("truth applies to unknown contract %s", a.ContractID)
			}
			bc.applied = append(bc.applied, a)
			bc.applyBlocks = append(bc.applyBlocks, i)
			bc.closed = bc.closed || a.Closed
		}
	}

	// What the truth lacks comes from the store: roles currency, the
	// wire header, and the datums and redeemers the parties are read from.
	var rcs []marlowequery.RoleCurrency
	for i := range fx.contracts {
		bc := &fx.contracts[i]
		h, ok, err := s.Contract(bc.id)
		if err != nil || !ok {
			tb.Fatalf("contract %s: %v %v", bc.id, ok, err)
		}
		if !slices.Equal(h.Tags, bc.tags) {
			tb.Fatalf("contract %s: stored tags %q, truth %q", bc.id, h.Tags, bc.tags)
		}
		bc.roles = h.RolesCurrency
		steps, err := s.Steps(bc.id)
		if err != nil {
			tb.Fatal(err)
		}
		if len(steps) == 0 || steps[0].Kind != kv.StepCreate {
			tb.Fatalf("contract %s: no create step first", bc.id)
		}
		if bc.header, err = conv.ContractHeader(view.Creation{Header: h, Create: steps[0]}); err != nil {
			tb.Fatal(err)
		}
		bc.parties = partiesOf(tb, steps)
		id, err := view.ContractId(bc.id)
		if err != nil {
			tb.Fatal(err)
		}
		rcs = append(rcs, marlowequery.RoleCurrency{RolePolicyId: types.PolicyId(bc.roles), RoleContract: id, Active: !bc.closed})
	}

	// Payouts: created by the truth's apply steps, withdrawn by its
	// withdrawals; role and value from the store.
	withdrawnBy := map[extract.TxOutRef]registry.TxID{}
	for _, tr := range c.Truth {
		for _, w := range tr.Withdrawn {
			for _, p := range w.Payouts {
				withdrawnBy[p] = w.TxID
			}
		}
	}
	byRef := map[extract.TxOutRef]*bfPayout{}
	for _, bc := range fx.contracts {
		for k, a := range bc.applied {
			for _, ref := range a.Payouts {
				rec, ok, err := s.Payout(ref)
				if err != nil || !ok {
					tb.Fatalf("payout %s: %v %v", ref, ok, err)
				}
				out, err := conv.Payout(rec)
				if err != nil {
					tb.Fatal(err)
				}
				cid, _ := view.ContractId(bc.id)
				pid, _ := view.TxOutRef(ref)
				st := marlowequery.PayoutState{ContractId: cid, PayoutId: pid, Payout: out}
				if w, ok := withdrawnBy[ref]; ok {
					id := view.TxId(w)
					st.WithdrawalId = &id
				}
				fx.payouts = append(fx.payouts, bfPayout{state: st, slot: c.Blocks[bc.applyBlocks[k]].Point.Slot, ref: ref,
					token: core.Token{Currency: rec.RolesCurrency, Name: rec.Role}})
			}
		}
	}
	slices.SortFunc(fx.payouts, func(a, b bfPayout) int {
		if a.slot != b.slot {
			return cmpU64(a.slot, b.slot)
		}
		return registry.CompareTxOutRef(a.ref, b.ref)
	})
	for i := range fx.payouts {
		byRef[fx.payouts[i].ref] = &fx.payouts[i]
	}

	// Withdrawals.
	for i, tr := range c.Truth {
		for _, w := range tr.Withdrawn {
			bw := bfWithdrawal{slot: c.Blocks[i].Point.Slot, id: w.TxID, w: marlowequery.Withdrawal{
				Block:            blockHeader(c.Blocks[i]),
				WithdrawnPayouts: map[types.TxOutRef]marlowequery.PayoutHeader{},
				WithdrawalTx:     view.TxId(w.TxID),
			}}
			for _, ref := range w.Payouts {
				p := byRef[ref]
				if p == nil {
					tb.Fatalf("withdrawal %s spends unknown payout %s", w.TxID, ref)
				}
				bw.w.WithdrawnPayouts[p.state.PayoutId] = payoutHeaderOf(p.state)
			}
			fx.withdrawals = append(fx.withdrawals, bw)
		}
	}
	slices.SortFunc(fx.withdrawals, func(a, b bfWithdrawal) int {
		if a.slot != b.slot {
			return cmpU64(a.slot, b.slot)
		}
		return bytes.Compare(a.id[:], b.id[:])
	})

	m := &marlowequery.Memory{RoleCurrencies: rcs}
	m.Status = marlowequery.RuntimeStatus{NodeTip: tip, RuntimeChainTip: tip, RuntimeTip: tip, NetworkId: types.NetworkId{},
		RuntimeVersion: fx.status.RuntimeVersion()}
	utc := types.UTCTimeOf(time.UnixMilli(systemStartMs + int64(last.Point.Slot)*1000))
	m.Status.NodeTipUTC, m.Status.RuntimeChainTipUTC, m.Status.RuntimeTipUTC = utc, utc, utc
	for _, bc := range fx.contracts {
		mc := marlowequery.MemoryContract{Header: bc.header}
		for p := range bc.parties {
			switch p.Kind {
			case core.AddressParty:
				raw, err := p.Address.CIP19()
				if err != nil {
					tb.Fatal(err)
				}
				mc.PartyAddresses = append(mc.PartyAddresses, types.Address(raw))
			case core.RoleParty:
				mc.PartyRoles = append(mc.PartyRoles, types.AssetId{Policy: types.PolicyId(bc.roles), Name: types.TokenName(p.Role)})
			}
		}
		m.Contracts = append(m.Contracts, mc)
	}
	for _, p := range fx.payouts {
		m.Payouts = append(m.Payouts, p.state)
	}
	for _, w := range fx.withdrawals {
		m.Withdrawals = append(m.Withdrawals, w.w)
	}
	fx.model = m
	return fx
}

func payoutHeaderOf(p marlowequery.PayoutState) marlowequery.PayoutHeader {
	return marlowequery.PayoutHeader{ContractId: p.ContractId, PayoutId: p.PayoutId, WithdrawalId: p.WithdrawalId, Role: p.Payout.Datum}
}

func blockHeader(b chain.Block) types.BlockHeader {
	return types.BlockHeader{Slot: types.SlotNo(b.Point.Slot), Hash: types.BlockHeaderHash(b.Point.Hash[:]), Block: types.BlockNo(b.Number)}
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// partiesOf collects, by reflection over the decoded values (independently
// of the index's own walk), every party of a contract's history: in the
// contract and state of each output, in the inputs applied and in the
// continuations merkleized inputs revealed.
func partiesOf(tb testing.TB, steps []kv.Step) map[core.Party]bool {
	tb.Helper()
	out := map[core.Party]bool{}
	add := func(v any) { walkParties(reflect.ValueOf(v), out) }
	for _, st := range steps {
		if st.Output != nil {
			d, err := core.DecodeData[core.MarloweData](st.Output.Datum)
			if err != nil {
				tb.Fatalf("step %s: datum: %v", st.TxID, err)
			}
			add(d.Contract)
			add(d.State)
		}
		if st.Kind == kv.StepApply {
			ins, err := core.DecodeData[core.Redeemer](st.Redeemer)
			if err != nil {
				tb.Fatalf("step %s: redeemer: %v", st.TxID, err)
			}
			for _, in := range ins {
				add(in.Content)
			}
			for _, cb := range st.Continuations {
				if cb == nil {
					continue
				}
				k, err := core.DecodeData[core.Contract](cb)
				if err != nil {
					tb.Fatalf("step %s: continuation: %v", st.TxID, err)
				}
				add(k)
			}
		}
	}
	return out
}

var (
	partyType  = reflect.TypeFor[core.Party]()
	bigIntType = reflect.TypeFor[big.Int]()
)

func walkParties(v reflect.Value, out map[core.Party]bool) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if !v.IsNil() {
			walkParties(v.Elem(), out)
		}
	case reflect.Struct:
		switch v.Type() {
		case partyType:
			out[v.Interface().(core.Party)] = true
			return
		case bigIntType:
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkParties(v.Field(i), out)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkParties(v.Index(i), out)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			walkParties(it.Key(), out)
			walkParties(it.Value(), out)
		}
	}
}

// encodeResult is the wire form of a result: answers are compared as the
// client would receive them.
func encodeResult(tb testing.TB, req marlowequery.Request, res marlowequery.Result) []byte {
	tb.Helper()
	e := binary.NewEncoder(nil)
	marlowequery.EncodeResult(e, req, res)
	b, err := e.Result()
	if err != nil {
		tb.Fatalf("encode result of %s: %v", req.RequestName(), err)
	}
	return b
}

// ask sends req to the handler and to the brute-force model and requires
// byte-identical answers; it returns the handler's.
func (fx *fixture) ask(tb testing.TB, req marlowequery.Request) marlowequery.Result {
	tb.Helper()
	got, err := fx.h.Handle(context.Background(), req)
	if err != nil {
		tb.Fatalf("%s %+v: %v", req.RequestName(), req, err)
	}
	want, err := fx.model.Handle(context.Background(), req)
	if err != nil {
		tb.Fatal(err)
	}
	if g, w := encodeResult(tb, req, got), encodeResult(tb, req, want); !bytes.Equal(g, w) {
		tb.Fatalf("%s %+v:\n got  %s\n want %s", req.RequestName(), req, describe(got), describe(want))
	}
	return got
}

// describe renders a result for a failure message, with page keys spelled
// out.
func describe(res marlowequery.Result) string {
	switch p := res.(type) {
	case *marlowequery.ContractHeadersPage:
		if p == nil {
			return "Nothing"
		}
		ids := make([]string, len(p.Items))
		for i, h := range p.Items {
			ids[i] = fmt.Sprintf("%x#%d", h.ContractId.TxId[:4], h.ContractId.TxIx)
		}
		return fmt.Sprintf("items %v next %v total %d", ids, describeRange(p.NextRange), p.TotalCount)
	case *marlowequery.PayoutsPage:
		if p == nil {
			return "Nothing"
		}
		ids := make([]string, len(p.Items))
		for i, h := range p.Items {
			ids[i] = fmt.Sprintf("%x#%d", h.PayoutId.TxId[:4], h.PayoutId.TxIx)
		}
		return fmt.Sprintf("items %v next %v total %d", ids, describeRange(p.NextRange), p.TotalCount)
	case *marlowequery.WithdrawalsPage:
		if p == nil {
			return "Nothing"
		}
		ids := make([]string, len(p.Items))
		for i, w := range p.Items {
			ids[i] = fmt.Sprintf("%x(%d payouts)", w.WithdrawalTx[:4], len(w.WithdrawnPayouts))
		}
		return fmt.Sprintf("items %v next %v total %d", ids, describeRange(p.NextRange), p.TotalCount)
	}
	return fmt.Sprintf("%+v", res)
}

func describeRange[K any](r *marlowequery.Range[K]) string {
	if r == nil {
		return "none"
	}
	start := "nil"
	if r.Start != nil {
		start = fmt.Sprintf("%x", fmt.Sprint(*r.Start))
		if len(start) > 16 {
			start = start[:16]
		}
	}
	return fmt.Sprintf("{start %s offset %d limit %d %s}", start, r.Offset, r.Limit, r.Direction)
}
