package marlowequery_test

import (
	"bytes"
	"fmt"
	"testing"

	mq "github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

// gen extends typestest.Gen with the §5.4 types.
type gen struct{ typestest.Gen }

func set[T any](g gen, f func() T) []T {
	var xs []T
	for i := g.N(3); i > 0; i-- {
		xs = append(xs, f())
	}
	return dedup(xs)
}

// dedup drops repeated elements (by encoding), since a Set cannot hold
// them and the encoder refuses duplicates.
func dedup[T any](xs []T) []T {
	seen := map[string]bool{}
	var out []T
	for _, x := range xs {
		k := fmt.Sprintf("%#v", x)
		if !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	return out
}

func maybe[T any](g gen, f func() T) *T {
	if g.Bool() {
		return nil
	}
	v := f()
	return &v
}

func genRange[K any](g gen, key func() K) mq.Range[K] {
	return mq.Range[K]{Start: maybe(g, key), Offset: g.I64(), Limit: g.I64(), Direction: mq.Order(g.N(2))}
}

func genPage[K, V any](g gen, key func() K, item func() V) *mq.Page[K, V] {
	if g.N(4) == 0 {
		return nil
	}
	p := &mq.Page[K, V]{TotalCount: g.I64()}
	for i := g.N(3); i > 0; i-- {
		p.Items = append(p.Items, item())
	}
	if g.Bool() {
		r := genRange(g, key)
		p.NextRange = &r
	}
	return p
}

func (g gen) roleCurrencyFilter(depth int) mq.RoleCurrencyFilter {
	k := g.N(7)
	if depth <= 0 {
		k = 3 + g.N(4)
	}
	switch k {
	case 0:
		return mq.RoleCurrencyAnd{L: g.roleCurrencyFilter(depth - 1), R: g.roleCurrencyFilter(depth - 1)}
	case 1:
		return mq.RoleCurrencyOr{L: g.roleCurrencyFilter(depth - 1), R: g.roleCurrencyFilter(depth - 1)}
	case 2:
		return mq.RoleCurrencyNot{F: g.roleCurrencyFilter(depth - 1)}
	case 3:
		return mq.RoleCurrencyFilterNone{}
	case 4:
		return mq.RoleCurrencyFilterByContract{ContractIds: set(g, g.ContractId)}
	case 5:
		return mq.RoleCurrencyFilterByPolicy{PolicyIds: set(g, g.PolicyId)}
	}
	return mq.RoleCurrencyFilterAny{}
}

// request returns a random request of kind k (0..9 in tag order).
func (g gen) request(k int) mq.Request {
	switch k {
	case 0:
		return mq.ReqContractHeaders{
			Filter: mq.ContractFilter{Tags: set(g, g.Text), RoleCurrencies: set(g, g.PolicyId), PartyRoles: set(g, g.AssetId), PartyAddresses: set(g, g.Address)},
			Range:  genRange(g, g.ContractId)}
	case 1:
		return mq.ReqContractState{ContractId: g.ContractId()}
	case 2:
		return mq.ReqTransaction{TxId: g.TxId()}
	case 3:
		return mq.ReqTransactions{ContractId: g.ContractId()}
	case 4:
		return mq.ReqWithdrawal{TxId: g.TxId()}
	case 5:
		return mq.ReqWithdrawals{Filter: mq.WithdrawalFilter{RoleCurrencies: set(g, g.PolicyId)}, Range: genRange(g, g.TxId)}
	case 6:
		return mq.ReqStatus{}
	case 7:
		return mq.ReqPayouts{Filter: mq.PayoutFilter{IsWithdrawn: maybe(g, g.Bool), ContractIds: set(g, g.ContractId), RoleTokens: set(g, g.AssetId)},
			Range: genRange(g, g.TxOutRef)}
	case 8:
		return mq.ReqPayout{PayoutId: g.TxOutRef()}
	}
	return mq.ReqRoleCurrencies{Filter: g.roleCurrencyFilter(3)}
}

func (g gen) payoutHeader() mq.PayoutHeader {
	return mq.PayoutHeader{ContractId: g.ContractId(), PayoutId: g.TxOutRef(), WithdrawalId: maybe(g, g.TxId), Role: g.AssetId()}
}

func (g gen) withdrawal() mq.Withdrawal {
	w := mq.Withdrawal{Block: g.BlockHeader(), WithdrawnPayouts: map[types.TxOutRef]mq.PayoutHeader{}, WithdrawalTx: g.TxId()}
	for i := g.N(3); i > 0; i-- {
		w.WithdrawnPayouts[g.TxOutRef()] = g.payoutHeader()
	}
	return w
}

func (g gen) status() mq.RuntimeStatus {
	return mq.RuntimeStatus{NodeTip: g.ChainPoint(), NodeTipUTC: g.UTCTime(), RuntimeChainTip: g.ChainPoint(), RuntimeChainTipUTC: g.UTCTime(),
		RuntimeTip: g.ChainPoint(), RuntimeTipUTC: g.UTCTime(), NetworkId: g.NetworkId(), RuntimeVersion: g.Version()}
}

// result returns a random result for request r (nil pointers included).
func (g gen) result(r mq.Request) mq.Result {
	switch r.(type) {
	case mq.ReqContractHeaders:
		return genPage(g, g.ContractId, g.ContractHeader)
	case mq.ReqContractState:
		return maybe(g, func() mq.SomeContractState {
			return mq.SomeContractState{Version: types.MarloweV1, State: mq.ContractState{
				ContractId: g.ContractId(), RoleTokenMintingPolicyId: g.PolicyId(), Metadata: g.MarloweMetadata(),
				InitialBlock: g.BlockHeader(), InitialOutput: g.ScriptOutput(), LatestBlock: g.BlockHeader(),
				LatestOutput: maybe(g, g.ScriptOutput), UnclaimedPayouts: g.Payouts()}}
		})
	case mq.ReqTransaction:
		return maybe(g, func() mq.SomeTransaction {
			return mq.SomeTransaction{Version: types.MarloweV1, Input: g.TxOutRef(), InputDatum: g.MarloweData(),
				ConsumedBy: maybe(g, g.TxId), Transaction: g.Transaction()}
		})
	case mq.ReqTransactions:
		return maybe(g, func() mq.SomeTransactions {
			s := mq.SomeTransactions{Version: types.MarloweV1}
			for i := g.N(3); i > 0; i-- {
				s.Transactions = append(s.Transactions, g.Transaction())
			}
			return s
		})
	case mq.ReqWithdrawal:
		return maybe(g, g.withdrawal)
	case mq.ReqWithdrawals:
		return genPage(g, g.TxId, g.withdrawal)
	case mq.ReqStatus:
		return g.status()
	case mq.ReqPayouts:
		return genPage(g, g.TxOutRef, g.payoutHeader)
	case mq.ReqPayout:
		return maybe(g, func() mq.SomePayoutState {
			return mq.SomePayoutState{Version: types.MarloweV1, State: mq.PayoutState{ContractId: g.ContractId(), PayoutId: g.TxOutRef(),
				WithdrawalId: maybe(g, g.TxId), Payout: g.Payout()}}
		})
	}
	return mq.RoleCurrencies(set(g, func() mq.RoleCurrency {
		return mq.RoleCurrency{RolePolicyId: g.PolicyId(), RoleContract: g.ContractId(), Active: g.Bool()}
	}))
}

func (g gen) tree(depth int) *mq.Tree[mq.Request] {
	if depth <= 0 || g.N(3) > 0 {
		return query.Leaf(g.request(g.N(10)))
	}
	return query.Bin(g.tree(depth-1), g.tree(depth-1))
}

// roundTrip encodes msg in m, decodes the bytes in fresh, and requires the
// decoded message to re-encode to the same bytes with nothing left over.
func roundTrip(t *testing.T, m, fresh *mq.Machine, msg session.Message) []byte {
	t.Helper()
	b, err := session.EncodeMessage(m, msg)
	if err != nil {
		t.Fatalf("encode %s: %v", msg.MessageName(), err)
	}
	back, err := session.DecodeMessage(fresh, b)
	if err != nil {
		t.Fatalf("decode %s (%x): %v", msg.MessageName(), b, err)
	}
	again, err := session.EncodeMessage(fresh, back)
	if err != nil || !bytes.Equal(again, b) {
		t.Fatalf("%s: re-encoding differs (%v)\n got %x\nwant %x", msg.MessageName(), err, again, b)
	}
	return b
}

// TestPropertyEveryConstructor round-trips, with a fixed seed, 200
// requests of each of the ten kinds (§4.4) and 200 results of each (§5.4),
// every one as a whole message through the machine, plus random batches
// and their responses. Every RoleCurrencyFilter constructor and both Maybe
// cases of every optional field and result are reached (counted).
func TestPropertyEveryConstructor(t *testing.T) {
	g := gen{typestest.New(20241201)}
	const perKind = 200
	reqKinds := map[string]int{}
	resNil := map[string]int{}
	for k := range 10 {
		for range perKind {
			r := g.request(k)
			reqKinds[r.RequestName()]++
			roundTrip(t, mq.NewMachine(), mq.NewMachine(), mq.MsgRequest{Request: query.Leaf(r)})
			res := g.result(r)
			if res == nil || fmt.Sprintf("%v", res) == "<nil>" {
				resNil[r.RequestName()]++
			}
			roundTrip(t, awaiting(t, query.Leaf(r)), awaiting(t, query.Leaf(r)), mq.MsgRespond{Result: query.Leaf(res)})
		}
	}
	if len(reqKinds) != 10 {
		t.Fatalf("request kinds covered: %v", reqKinds)
	}
	for _, name := range []string{"ReqContractHeaders", "ReqContractState", "ReqTransaction", "ReqTransactions", "ReqWithdrawal", "ReqWithdrawals", "ReqPayouts", "ReqPayout"} {
		if n := resNil[name]; n == 0 || n == perKind {
			t.Errorf("%s: %d of %d results were Nothing; both cases must occur", name, n, perKind)
		}
	}
	// Batches.
	for range 200 {
		tree := g.tree(4)
		roundTrip(t, mq.NewMachine(), mq.NewMachine(), mq.MsgRequest{Request: tree})
		res, err := query.Map(tree, func(r mq.Request) (mq.Result, error) { return g.result(r), nil })
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, awaiting(t, tree), awaiting(t, tree), mq.MsgRespond{Result: res})
	}
}

// TestRoleCurrencyFilterCoverage checks the generator reaches all seven
// RoleCurrencyFilter constructors, so the property test covers them.
func TestRoleCurrencyFilterCoverage(t *testing.T) {
	g := gen{typestest.New(7)}
	seen := map[string]bool{}
	var walk func(f mq.RoleCurrencyFilter)
	walk = func(f mq.RoleCurrencyFilter) {
		seen[fmt.Sprintf("%T", f)] = true
		switch x := f.(type) {
		case mq.RoleCurrencyAnd:
			walk(x.L)
			walk(x.R)
		case mq.RoleCurrencyOr:
			walk(x.L)
			walk(x.R)
		case mq.RoleCurrencyNot:
			walk(x.F)
		}
	}
	for range 200 {
		walk(g.roleCurrencyFilter(3))
	}
	if len(seen) != 7 {
		t.Fatalf("constructors reached: %v", seen)
	}
}

// TestSetsAreSortedOnEncoding: Go slices given out of order encode in
// Haskell's ascending order (§6.1), so the same set always has one
// encoding, and a duplicate is refused.
func TestSetsAreSortedOnEncoding(t *testing.T) {
	a := mq.ReqWithdrawals{Filter: mq.WithdrawalFilter{RoleCurrencies: []types.PolicyId{"b", "a", "ab"}}, Range: mq.Range[types.TxId]{Limit: 1}}
	b := mq.ReqWithdrawals{Filter: mq.WithdrawalFilter{RoleCurrencies: []types.PolicyId{"a", "ab", "b"}}, Range: mq.Range[types.TxId]{Limit: 1}}
	ea, err1 := session.EncodeMessage(mq.NewMachine(), mq.MsgRequest{Request: query.Leaf[mq.Request](a)})
	eb, err2 := session.EncodeMessage(mq.NewMachine(), mq.MsgRequest{Request: query.Leaf[mq.Request](b)})
	if err1 != nil || err2 != nil || !bytes.Equal(ea, eb) {
		t.Fatalf("%x %v\n%x %v", ea, err1, eb, err2)
	}
	dup := mq.ReqWithdrawals{Filter: mq.WithdrawalFilter{RoleCurrencies: []types.PolicyId{"a", "a"}}}
	if _, err := session.EncodeMessage(mq.NewMachine(), mq.MsgRequest{Request: query.Leaf[mq.Request](dup)}); err == nil {
		t.Fatal("duplicate set element encoded")
	}
}
