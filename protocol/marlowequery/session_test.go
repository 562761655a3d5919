package marlowequery_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	mq "github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// TestReplayAgency44 replays MarloweQuery sessions through a machine
// (§4.4 states StReq → StRes → StReq → StDone) and checks refusals: the
// server may not speak in StReq, the client not in StRes, a response must
// answer the pending request kind, nothing follows MsgDone.
func TestReplayAgency44(t *testing.T) {
	m := mq.NewMachine()
	step := func(by session.Agency, msg session.Message, want error) {
		t.Helper()
		before := m.State()
		err := m.Step(by, msg)
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Fatalf("%s by %s in %s: got %v, want %v", msg.MessageName(), by, before, err, want)
		}
		if want != nil && m.State() != before {
			t.Fatalf("a refused message moved the state")
		}
	}
	payout := query.Leaf[mq.Request](mq.ReqPayout{})
	step(session.Server, mq.MsgRespond{Result: query.Leaf[mq.Result](nil)}, session.ErrNoAgency)
	step(session.Client, mq.MsgRequest{Request: payout}, nil)
	if m.State() != "StRes (ReqPayout)" {
		t.Fatalf("state %q", m.State())
	}
	step(session.Client, mq.MsgRequest{Request: payout}, session.ErrNoAgency)
	step(session.Server, mq.MsgDone{}, session.ErrUnexpectedMessage)
	step(session.Server, mq.MsgRespond{Result: query.Leaf[mq.Result](mq.RoleCurrencies{})}, session.ErrUnexpectedMessage)
	step(session.Server, mq.MsgRespond{Result: query.Leaf[mq.Result](&mq.SomeContractState{})}, session.ErrUnexpectedMessage)
	step(session.Server, mq.MsgRespond{Result: query.Leaf[mq.Result](nil)}, nil) // Nothing
	step(session.Client, mq.MsgRequest{Request: query.Bin(payout, query.Leaf[mq.Request](mq.ReqStatus{}))}, nil)
	step(session.Server, mq.MsgRespond{Result: query.Bin(query.Leaf[mq.Result](nil), query.Leaf[mq.Result](nil))}, session.ErrUnexpectedMessage)
	step(session.Server, mq.MsgRespond{Result: query.Bin(query.Leaf[mq.Result](nil), query.Leaf[mq.Result](exampleStatus()))}, nil)
	step(session.Client, mq.MsgDone{}, nil)
	step(session.Client, mq.MsgDone{}, session.ErrNoAgency)
	if m.Agency() != session.Nobody {
		t.Fatal("not terminal")
	}
}

// fixture builds a Memory data set: five contracts (two tagged, two with
// role currency "p"), their states and transactions, four payouts (two
// withdrawn in one withdrawal) and role currencies.
func fixture() *mq.Memory {
	bh := func(n uint64) types.BlockHeader {
		return types.BlockHeader{Slot: types.SlotNo(n), Hash: types.BlockHeaderHash(fmt.Sprint(n)), Block: types.BlockNo(n)}
	}
	cid := func(i int) types.ContractId {
		return types.ContractId{TxId: types.TxId(fmt.Sprintf("c%d", i)), TxIx: 1}
	}
	tagged := types.MarloweTransactionMetadataOf(types.TransactionMetadata{
		types.MarloweMetadataLabel: types.EncodeMarloweMetadata(types.MarloweMetadata{Tags: map[string]types.Metadata{"swap": nil}}),
	})
	plain := types.MarloweTransactionMetadata{Metadata: types.TransactionMetadata{}}
	noAssets := types.Assets{Ada: big.NewInt(0), Tokens: types.Tokens{}}
	m := &mq.Memory{Status: exampleStatus()}
	for i := range 5 {
		meta := plain
		if i%2 == 1 {
			meta = tagged
		}
		policy := types.PolicyId("")
		if i >= 3 {
			policy = "p"
		}
		h := types.ContractHeader{ContractId: cid(i), RolesCurrency: policy, Metadata: meta, MarloweScriptHash: "m",
			MarloweScriptAddress: "addr", PayoutScriptHash: "po", MarloweVersion: types.MarloweV1, BlockHeader: bh(uint64(10 + i))}
		out := types.TransactionScriptOutput{Address: "addr", Assets: noAssets, Utxo: types.TxOutRef(cid(i)), Datum: &data.Integer{Inner: big.NewInt(int64(i))}}
		c := mq.MemoryContract{Header: h,
			State: &mq.ContractState{ContractId: cid(i), RoleTokenMintingPolicyId: policy, Metadata: meta, InitialBlock: h.BlockHeader,
				InitialOutput: out, LatestBlock: h.BlockHeader, UnclaimedPayouts: map[types.TxOutRef]types.Payout{}},
			PartyRoles: []types.AssetId{{Policy: policy, Name: types.TokenName(fmt.Sprint("role", i))}},
		}
		if i == 2 {
			c.PartyAddresses = []types.Address{"alice"}
			tx := types.Transaction{TransactionId: "t2", ContractId: cid(i), Metadata: plain, BlockHeader: bh(20),
				ValidityLowerBound: types.UTCTimeOf(time.Unix(0, 0)), ValidityUpperBound: types.UTCTimeOf(time.Unix(1, 0)),
				Inputs: &data.List{}, Output: types.TransactionOutput{Payouts: map[types.TxOutRef]types.Payout{}}}
			c.Transactions = []mq.SomeTransaction{{Version: types.MarloweV1, Input: types.TxOutRef(cid(i)),
				InputDatum: core.MarloweData{State: core.EmptyState(big.NewInt(0)), Contract: core.Close{}}, Transaction: tx}}
		}
		m.Contracts = append(m.Contracts, c)
	}
	wd := types.TxId("w1")
	for i := range 4 {
		p := mq.PayoutState{ContractId: cid(3), PayoutId: types.TxOutRef{TxId: "po", TxIx: types.TxIx(i)},
			Payout: types.Payout{Address: "payout", Assets: noAssets, Datum: types.AssetId{Policy: "p", Name: types.TokenName(fmt.Sprint("role", i))}}}
		if i < 2 {
			p.WithdrawalId = &wd
		}
		m.Payouts = append(m.Payouts, p)
	}
	w := mq.Withdrawal{Block: bh(30), WithdrawalTx: wd, WithdrawnPayouts: map[types.TxOutRef]mq.PayoutHeader{}}
	for _, p := range m.Payouts[:2] {
		w.WithdrawnPayouts[p.PayoutId] = mq.PayoutHeader{ContractId: p.ContractId, PayoutId: p.PayoutId, WithdrawalId: p.WithdrawalId, Role: p.Payout.Datum}
	}
	m.Withdrawals = []mq.Withdrawal{w}
	m.RoleCurrencies = []mq.RoleCurrency{{RolePolicyId: "p", RoleContract: cid(3), Active: true}, {RolePolicyId: "q", RoleContract: cid(4), Active: false}}
	return m
}

func startServer(t *testing.T, h mq.Handler) (*mq.Client, context.Context, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, s := session.Pipe(mq.NewMachine(), mq.NewMachine())
	t.Cleanup(c.Close)
	errc := make(chan error, 1)
	go func() { errc <- mq.Serve(ctx, s, h) }()
	return mq.NewClient(c), ctx, errc
}

// TestClientServerMemory runs every client call against the in-memory
// handler over session.Pipe (bytes through both machines) and checks the
// answers, then ends the session cleanly.
func TestClientServerMemory(t *testing.T) {
	mem := fixture()
	cl, ctx, errc := startServer(t, mem)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := cl.Status(ctx)
	must(err)
	if st.NetworkId.Magic != 1 {
		t.Fatalf("status %+v", st)
	}
	cid2 := mem.Contracts[2].Header.ContractId
	cs, err := cl.ContractState(ctx, cid2)
	must(err)
	if cs == nil || cs.State.ContractId != cid2 || cs.Version != types.MarloweV1 {
		t.Fatalf("contract state %+v", cs)
	}
	if cs, err := cl.ContractState(ctx, types.ContractId{TxId: "nope"}); err != nil || cs != nil {
		t.Fatalf("unknown contract: %v, %v", cs, err)
	}
	tx, err := cl.Transaction(ctx, "t2")
	must(err)
	if tx == nil || tx.Transaction.ContractId != cid2 {
		t.Fatalf("transaction %+v", tx)
	}
	if tx, err := cl.Transaction(ctx, "none"); err != nil || tx != nil {
		t.Fatalf("unknown transaction: %v %v", tx, err)
	}
	txs, err := cl.Transactions(ctx, cid2)
	must(err)
	if txs == nil || len(txs.Transactions) != 1 {
		t.Fatalf("transactions %+v", txs)
	}
	w, err := cl.Withdrawal(ctx, "w1")
	must(err)
	if w == nil || len(w.WithdrawnPayouts) != 2 {
		t.Fatalf("withdrawal %+v", w)
	}
	ws, err := cl.Withdrawals(ctx, mq.WithdrawalFilter{RoleCurrencies: []types.PolicyId{"q"}}, mq.Range[types.TxId]{Limit: 5})
	must(err)
	if ws == nil || len(ws.Items) != 0 || ws.TotalCount != 0 {
		t.Fatalf("withdrawals by q %+v", ws)
	}
	ps, err := cl.Payouts(ctx, mq.PayoutFilter{IsWithdrawn: ptr(false)}, mq.Range[types.TxOutRef]{Limit: 10})
	must(err)
	if ps == nil || ps.TotalCount != 2 || ps.Items[0].PayoutId.TxIx != 2 || ps.Items[0].WithdrawalId != nil {
		t.Fatalf("unwithdrawn payouts %+v", ps)
	}
	p, err := cl.Payout(ctx, types.TxOutRef{TxId: "po", TxIx: 1})
	must(err)
	if p == nil || p.State.WithdrawalId == nil || *p.State.WithdrawalId != "w1" {
		t.Fatalf("payout %+v", p)
	}
	rcs, err := cl.RoleCurrencies(ctx, mq.RoleCurrencyNot{F: mq.RoleCurrencyFilterByPolicy{PolicyIds: []types.PolicyId{"p"}}})
	must(err)
	if len(rcs) != 1 || rcs[0].RolePolicyId != "q" {
		t.Fatalf("role currencies %+v", rcs)
	}
	hs, err := cl.ContractHeaders(ctx, mq.ContractFilter{Tags: []string{"swap"}, RoleCurrencies: []types.PolicyId{"p"}}, mq.Range[types.ContractId]{Limit: 10})
	must(err)
	if hs == nil || hs.TotalCount != 1 || hs.Items[0].ContractId != mem.Contracts[3].Header.ContractId {
		t.Fatalf("headers tagged swap with policy p: %+v", hs)
	}
	hs, err = cl.ContractHeaders(ctx, mq.ContractFilter{PartyAddresses: []types.Address{"alice"}, PartyRoles: []types.AssetId{{Policy: "p", Name: "role4"}}}, mq.Range[types.ContractId]{Limit: 10})
	must(err)
	if hs == nil || hs.TotalCount != 2 {
		t.Fatalf("headers by party (address or role): %+v", hs)
	}
	// A batch: status, a missing contract and the role currencies, answered
	// in order in one round trip.
	res, err := cl.Batch(ctx, query.Bin(query.Leaf[mq.Request](mq.ReqStatus{}),
		query.Bin(query.Leaf[mq.Request](mq.ReqContractState{}), query.Leaf[mq.Request](mq.ReqRoleCurrencies{Filter: mq.RoleCurrencyFilterAny{}}))))
	must(err)
	leaves := res.Leaves()
	if _, ok := leaves[0].(mq.RuntimeStatus); !ok || leaves[1].(*mq.SomeContractState) != nil || len(leaves[2].(mq.RoleCurrencies)) != 2 {
		t.Fatalf("batch %+v", leaves)
	}
	must(cl.Done(ctx))
	if err := <-errc; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

// TestPagingBothDirections walks all contract headers page by page through
// the client, following NextRange, ascending and descending (§5.4 Range,
// Page), and checks invalid ranges and unknown starts answer Nothing.
func TestPagingBothDirections(t *testing.T) {
	mem := fixture()
	cl, ctx, _ := startServer(t, mem)
	var all []types.ContractId
	for _, c := range mem.Contracts {
		all = append(all, c.Header.ContractId)
	}
	for _, dir := range []mq.Order{mq.Ascending, mq.Descending} {
		want := slices.Clone(all)
		if dir == mq.Descending {
			slices.Reverse(want)
		}
		r := &mq.Range[types.ContractId]{Limit: 2, Direction: dir}
		var got []types.ContractId
		pages := 0
		for r != nil {
			p, err := cl.ContractHeaders(ctx, mq.ContractFilter{}, *r)
			if err != nil {
				t.Fatal(err)
			}
			if p == nil || p.TotalCount != 5 {
				t.Fatalf("%s page %d: %+v", dir, pages, p)
			}
			for _, h := range p.Items {
				got = append(got, h.ContractId)
			}
			r = p.NextRange
			pages++
		}
		if pages != 3 || !slices.Equal(got, want) {
			t.Fatalf("%s: %d pages, %v, want %v", dir, pages, got, want)
		}
	}
	// Start inclusive, then offset: from contract 1 skip 1 → 2, 3.
	p, err := cl.ContractHeaders(ctx, mq.ContractFilter{}, mq.Range[types.ContractId]{Start: &all[1], Offset: 1, Limit: 2})
	if err != nil || p == nil || !slices.Equal([]types.ContractId{p.Items[0].ContractId, p.Items[1].ContractId}, all[2:4]) ||
		p.NextRange == nil || *p.NextRange.Start != all[4] || p.NextRange.Offset != 0 {
		t.Fatalf("start+offset page %+v, %v", p, err)
	}
	for _, r := range []mq.Range[types.ContractId]{
		{Limit: 0}, {Limit: -1}, {Limit: 1, Offset: -1}, {Limit: 1, Start: &types.ContractId{TxId: "missing"}},
	} {
		p, err := cl.ContractHeaders(ctx, mq.ContractFilter{}, r)
		if err != nil || p != nil {
			t.Fatalf("range %+v: %+v, %v", r, p, err)
		}
	}
	// An offset past the end gives an empty last page.
	p, err = cl.ContractHeaders(ctx, mq.ContractFilter{}, mq.Range[types.ContractId]{Limit: 3, Offset: 10})
	if err != nil || p == nil || len(p.Items) != 0 || p.NextRange != nil || p.TotalCount != 5 {
		t.Fatalf("offset past end: %+v, %v", p, err)
	}
	// Payouts and withdrawals page the same way.
	pp, err := cl.Payouts(ctx, mq.PayoutFilter{}, mq.Range[types.TxOutRef]{Limit: 3, Direction: mq.Descending})
	if err != nil || pp == nil || len(pp.Items) != 3 || pp.Items[0].PayoutId.TxIx != 3 || pp.NextRange == nil || pp.NextRange.Start.TxIx != 0 {
		t.Fatalf("payouts descending %+v, %v", pp, err)
	}
	wp, err := cl.Withdrawals(ctx, mq.WithdrawalFilter{RoleCurrencies: []types.PolicyId{"p"}}, mq.Range[types.TxId]{Limit: 1})
	if err != nil || wp == nil || len(wp.Items) != 1 || wp.NextRange != nil {
		t.Fatalf("withdrawals by p %+v, %v", wp, err)
	}
}

// TestServeHandlerFailures: a handler error and a wrongly typed result end
// the session with an error; nothing is half-sent.
func TestServeHandlerFailures(t *testing.T) {
	boom := errors.New("index unavailable")
	cl, ctx, errc := startServer(t, mq.HandlerFunc(func(ctx context.Context, r mq.Request) (mq.Result, error) {
		if _, ok := r.(mq.ReqStatus); ok {
			return nil, boom
		}
		return exampleStatus(), nil // wrong for everything else
	}))
	go cl.Status(ctx)
	if err := <-errc; !errors.Is(err, boom) {
		t.Fatalf("Serve: %v", err)
	}
	cl, ctx, errc = startServer(t, mq.HandlerFunc(func(ctx context.Context, r mq.Request) (mq.Result, error) {
		return exampleStatus(), nil
	}))
	go cl.Payout(ctx, types.TxOutRef{})
	if err := <-errc; !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Fatalf("Serve: %v", err)
	}
}

// TestGoldenMachines checks the set the golden command uses: StReq plus
// StRes for each of the ten kinds and one batch, all distinct states, and
// that every hand-derived vector of this package decodes exactly in some
// machine of the right agency (as the command will try them).
func TestGoldenMachines(t *testing.T) {
	ms := mq.GoldenMachines()
	if len(ms) != 12 {
		t.Fatalf("%d machines, want 12", len(ms))
	}
	states := map[string]bool{}
	clients := 0
	for _, m := range ms {
		states[m.State()] = true
		if m.Agency() == session.Client {
			clients++
		}
	}
	if len(states) != 12 || clients != 1 {
		t.Fatalf("states %v, %d client-agency machines", states, clients)
	}
	vectors := []struct {
		by  session.Agency
		hex string
	}{
		{session.Client, "01 00 00 07"},
		{session.Client, "00 00"},
		{session.Client, "01 00 01 00 07 00 0a 03"},
		{session.Server, statusHex},
		{session.Server, statusHex + "0000000000000000"},
		{session.Server, "00"},
		{session.Server, "01 0000000000000000 00 0000000000000000"},
	}
	for _, v := range vectors {
		ok := false
		for _, m := range mq.GoldenMachines() {
			if m.Agency() != v.by {
				continue
			}
			msg, err := session.DecodeMessage(m, unhex(t, v.hex))
			if err != nil {
				continue
			}
			if out, err := session.EncodeMessage(m, msg); err == nil && string(out) == string(unhex(t, v.hex)) {
				ok = true
				break
			}
		}
		if !ok {
			t.Errorf("vector %s decodes in no golden machine", v.hex)
		}
	}
}
