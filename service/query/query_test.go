package query

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// walkConfig is one way to page through a listing: the first page's limit,
// offset and direction, then NextRange to the end.
type walkConfig struct {
	limit, offset int64
	dir           marlowequery.Order
}

// fullWalks page every way the tests care about: single items, small and
// large pages, an offset, both directions.
var fullWalks = func() []walkConfig {
	var out []walkConfig
	for _, l := range []int64{1, 3, 10, 1000} {
		for _, o := range []int64{0, 2} {
			for _, d := range []marlowequery.Order{marlowequery.Ascending, marlowequery.Descending} {
				out = append(out, walkConfig{l, o, d})
			}
		}
	}
	return out
}()

// quickWalks are the walks of the many single-value filters.
var quickWalks = []walkConfig{{4, 0, marlowequery.Ascending}, {3, 1, marlowequery.Descending}}

// expectOrder is what a walk must visit: the brute-force list in the walk's
// direction, without the first offset items.
func expectOrder[K any](all []K, w walkConfig) []K {
	out := slices.Clone(all)
	if w.dir == marlowequery.Descending {
		slices.Reverse(out)
	}
	return out[min(int(w.offset), len(out)):]
}

// walk pages through a listing with w, checking every page against the
// model, and returns the keys visited in order.
func walk[K comparable, V any](t *testing.T, fx *fixture, w walkConfig, req func(marlowequery.Range[K]) marlowequery.Request, key func(V) K) []K {
	t.Helper()
	r := marlowequery.Range[K]{Offset: w.offset, Limit: w.limit, Direction: w.dir}
	var got []K
	for pages := 0; ; pages++ {
		if pages > 100000 {
			t.Fatal("paging does not end")
		}
		res := fx.ask(t, req(r))
		p, ok := res.(*marlowequery.Page[K, V])
		if !ok || p == nil {
			t.Fatalf("page %d: %T %v", pages, res, res)
		}
		if int64(len(p.Items)) > w.limit {
			t.Fatalf("page of %d items over limit %d", len(p.Items), w.limit)
		}
		for _, it := range p.Items {
			got = append(got, key(it))
		}
		if p.NextRange == nil {
			return got
		}
		if len(p.Items) == 0 {
			t.Fatal("empty page with a next range")
		}
		r = *p.NextRange
	}
}

// checkWalk requires a walk to visit exactly want, in order, each once.
func checkWalk[K comparable](t *testing.T, what string, got, want []K) {
	t.Helper()
	seen := map[K]bool{}
	for _, k := range got {
		if seen[k] {
			t.Fatalf("%s: item %v visited twice", what, k)
		}
		seen[k] = true
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s: visited %d items, want %d (%v vs %v)", what, len(got), len(want), got, want)
	}
}

type contractCase struct {
	name string
	f    marlowequery.ContractFilter
	full bool
}

// contractFilterCases enumerates filters over the generated data: none,
// every tag, roles currency, address and role alone, pairs within and
// across fields, all four fields, and values nothing has.
func contractFilterCases(fx *fixture) []contractCase {
	tags, curs, addrs, roles := map[string]bool{}, map[types.PolicyId]bool{}, map[types.Address]bool{}, map[types.AssetId]bool{}
	for _, c := range fx.model.Contracts {
		if m := c.Header.Metadata.Marlowe; m != nil {
			for t := range m.Tags {
				tags[t] = true
			}
		}
		if c.Header.RolesCurrency != "" {
			curs[c.Header.RolesCurrency] = true
		}
		for _, a := range c.PartyAddresses {
			addrs[a] = true
		}
		for _, r := range c.PartyRoles {
			roles[r] = true
		}
	}
	ts := sortedKeys(tags, func(a, b string) int { return cmpStr(a, b) })
	cs := sortedKeys(curs, func(a, b types.PolicyId) int { return cmpStr(a, b) })
	as := sortedKeys(addrs, func(a, b types.Address) int { return cmpStr(a, b) })
	rs := sortedKeys(roles, types.CompareAssetId)
	var out []contractCase
	add := func(full bool, f marlowequery.ContractFilter, name string, args ...any) {
		out = append(out, contractCase{name: fmt.Sprintf(name, args...), f: f, full: full})
	}
	add(true, marlowequery.ContractFilter{}, "empty")
	for i, t := range ts {
		add(i < 2, marlowequery.ContractFilter{Tags: []string{t}}, "tag %s", t)
	}
	for i, c := range cs {
		add(i < 2, marlowequery.ContractFilter{RoleCurrencies: []types.PolicyId{c}}, "currency %d", i)
	}
	for i, a := range as {
		add(i < 2, marlowequery.ContractFilter{PartyAddresses: []types.Address{a}}, "address %d", i)
	}
	for i, r := range rs {
		add(i < 2, marlowequery.ContractFilter{PartyRoles: []types.AssetId{r}}, "role %d", i)
	}
	// Pairs: the first contract with a role party gives a currency, a role
	// and (usually) tags and addresses that meet in one contract.
	for i, c := range fx.model.Contracts {
		if len(c.PartyRoles) == 0 || len(c.PartyAddresses) == 0 || c.Header.Metadata.Marlowe == nil || i%7 != 0 {
			continue
		}
		var tag string
		for t := range c.Header.Metadata.Marlowe.Tags {
			tag = t
		}
		cur, role, addr := c.Header.RolesCurrency, c.PartyRoles[0], c.PartyAddresses[0]
		add(true, marlowequery.ContractFilter{Tags: []string{tag}, RoleCurrencies: []types.PolicyId{cur}}, "tag+currency %d", i)
		add(false, marlowequery.ContractFilter{Tags: []string{tag}, PartyAddresses: []types.Address{addr}}, "tag+address %d", i)
		add(false, marlowequery.ContractFilter{RoleCurrencies: []types.PolicyId{cur}, PartyRoles: []types.AssetId{role}}, "currency+role %d", i)
		add(true, marlowequery.ContractFilter{PartyAddresses: []types.Address{addr}, PartyRoles: []types.AssetId{role}}, "address|role %d", i)
		add(true, marlowequery.ContractFilter{Tags: []string{tag}, RoleCurrencies: []types.PolicyId{cur}, PartyAddresses: []types.Address{addr}, PartyRoles: []types.AssetId{role}}, "all fields %d", i)
	}
	if len(ts) >= 2 && len(cs) >= 2 && len(as) >= 2 && len(rs) >= 2 {
		add(true, marlowequery.ContractFilter{Tags: ts[:2]}, "two tags")
		add(true, marlowequery.ContractFilter{Tags: ts}, "every tag")
		add(true, marlowequery.ContractFilter{RoleCurrencies: cs[:2]}, "two currencies")
		add(true, marlowequery.ContractFilter{RoleCurrencies: cs}, "every currency")
		add(true, marlowequery.ContractFilter{PartyAddresses: as[:2]}, "two addresses")
		add(true, marlowequery.ContractFilter{PartyAddresses: as[:len(as)/2], PartyRoles: rs[:len(rs)/2]}, "half the parties")
		add(true, marlowequery.ContractFilter{Tags: ts[:1], PartyAddresses: as}, "a tag and every address")
		add(true, marlowequery.ContractFilter{Tags: ts, RoleCurrencies: cs}, "every tag and currency")
	}
	unknownCur := types.PolicyId(bytes.Repeat([]byte{0xEE}, 28))
	unknownAddr := types.Address(append([]byte{0x61}, bytes.Repeat([]byte{0xAB}, 28)...))
	add(false, marlowequery.ContractFilter{Tags: []string{"no such tag"}}, "unknown tag")
	add(false, marlowequery.ContractFilter{RoleCurrencies: []types.PolicyId{unknownCur}}, "unknown currency")
	add(false, marlowequery.ContractFilter{PartyAddresses: []types.Address{unknownAddr}}, "unknown address")
	add(false, marlowequery.ContractFilter{PartyAddresses: []types.Address{"\x01\x02"}}, "malformed address")
	add(false, marlowequery.ContractFilter{PartyAddresses: []types.Address{"\x82junk"}}, "byron-like address")
	add(false, marlowequery.ContractFilter{PartyRoles: []types.AssetId{{Policy: unknownCur, Name: "nobody"}}}, "unknown role")
	if len(ts) > 0 && len(cs) > 0 {
		add(true, marlowequery.ContractFilter{Tags: []string{ts[0], "no such tag"}}, "known and unknown tag")
		add(false, marlowequery.ContractFilter{Tags: ts[:1], RoleCurrencies: []types.PolicyId{unknownCur}}, "tag and unknown currency")
		add(false, marlowequery.ContractFilter{PartyAddresses: []types.Address{"\x01\x02"}, RoleCurrencies: cs[:1]}, "malformed address and currency")
	}
	return out
}

func cmpStr[S ~string](a, b S) int { return bytes.Compare([]byte(a), []byte(b)) }

func sortedKeys[K comparable](m map[K]bool, cmp func(a, b K) int) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, cmp)
	return out
}

// bfContracts is the brute-force answer: the contracts matching f in
// creation order, by the runtime's rules (fields all-of, values any-of,
// party addresses and roles one field).
func (fx *fixture) bfContracts(f marlowequery.ContractFilter) []types.ContractId {
	var out []types.ContractId
	for i, bc := range fx.contracts {
		mc := fx.model.Contracts[i]
		if len(f.Tags) > 0 && !slices.ContainsFunc(f.Tags, func(t string) bool { return slices.Contains(bc.tags, t) }) {
			continue
		}
		if len(f.RoleCurrencies) > 0 && !slices.Contains(f.RoleCurrencies, types.PolicyId(bc.roles)) {
			continue
		}
		if len(f.PartyAddresses) > 0 || len(f.PartyRoles) > 0 {
			if !slices.ContainsFunc(mc.PartyAddresses, func(a types.Address) bool { return slices.Contains(f.PartyAddresses, a) }) &&
				!slices.ContainsFunc(mc.PartyRoles, func(a types.AssetId) bool { return slices.Contains(f.PartyRoles, a) }) {
				continue
			}
		}
		out = append(out, mc.Header.ContractId)
	}
	return out
}

// TestContractHeaders: for every filter over the generated data, paging
// forward and backward with several limits and offsets visits exactly the
// brute-force list once, and every page (items, next range, total count)
// equals the model's on the same data, byte for byte.
func TestContractHeaders(t *testing.T) {
	fx := sharedFixture(t)
	cases := contractFilterCases(fx)
	walks, nonEmpty := 0, 0
	for _, c := range cases {
		want := fx.bfContracts(c.f)
		if len(want) > 0 {
			nonEmpty++
		}
		ws := quickWalks
		if c.full {
			ws = fullWalks
		}
		for _, w := range ws {
			got := walk(t, fx, w, func(r marlowequery.Range[types.ContractId]) marlowequery.Request {
				return marlowequery.ReqContractHeaders{Filter: c.f, Range: r}
			}, func(h types.ContractHeader) types.ContractId { return h.ContractId })
			checkWalk(t, fmt.Sprintf("%s %+v", c.name, w), got, expectOrder(want, w))
			walks++
		}
		if !c.full {
			continue
		}
		// Starts: matching items, a contract the filter excludes, an
		// unknown id and one that is no output reference at all.
		var starts []types.ContractId
		if len(want) > 0 {
			starts = append(starts, want[0], want[len(want)/2], want[len(want)-1])
		}
		for _, mc := range fx.model.Contracts {
			if !slices.Contains(want, mc.Header.ContractId) {
				starts = append(starts, mc.Header.ContractId)
				break
			}
		}
		starts = append(starts, types.ContractId{TxId: types.TxId(bytes.Repeat([]byte{7}, 32)), TxIx: 1}, types.ContractId{TxId: "short", TxIx: 0})
		for _, s := range starts {
			for _, w := range []walkConfig{{2, 0, marlowequery.Ascending}, {2, 1, marlowequery.Descending}, {1000, 3, marlowequery.Ascending}} {
				fx.ask(t, marlowequery.ReqContractHeaders{Filter: c.f, Range: marlowequery.Range[types.ContractId]{Start: &s, Offset: w.offset, Limit: w.limit, Direction: w.dir}})
			}
		}
		// Ranges the runtime refuses.
		for _, r := range []marlowequery.Range[types.ContractId]{{Limit: 0}, {Limit: -1}, {Limit: 5, Offset: -1}, {Limit: math.MinInt64, Offset: math.MaxInt64}} {
			if res := fx.ask(t, marlowequery.ReqContractHeaders{Filter: c.f, Range: r}); res != nil {
				t.Fatalf("%s: invalid range %+v answered %v", c.name, r, describe(res))
			}
		}
		// Offsets past the end and huge limits.
		fx.ask(t, marlowequery.ReqContractHeaders{Filter: c.f, Range: marlowequery.Range[types.ContractId]{Offset: math.MaxInt64, Limit: math.MaxInt64}})
		fx.ask(t, marlowequery.ReqContractHeaders{Filter: c.f, Range: marlowequery.Range[types.ContractId]{Offset: int64(len(want)), Limit: 1, Direction: marlowequery.Descending}})
	}
	if nonEmpty < len(cases)/2 {
		t.Fatalf("only %d of %d filters match anything: the fixture does not exercise the filters", nonEmpty, len(cases))
	}
	t.Logf("%d filters (%d matching something), %d paging walks", len(cases), nonEmpty, walks)
}

// payoutFilterCases: every withdrawal status with no other constraint,
// each contract with payouts and each role token, pairs, and values
// nothing has.
func payoutFilterCases(fx *fixture) []struct {
	name string
	f    marlowequery.PayoutFilter
	full bool
} {
	type pc = struct {
		name string
		f    marlowequery.PayoutFilter
		full bool
	}
	yes, no := true, false
	statuses := []*bool{nil, &yes, &no}
	var out []pc
	ctrs, toks := map[types.ContractId]bool{}, map[types.AssetId]bool{}
	for _, p := range fx.payouts {
		ctrs[p.state.ContractId] = true
		toks[p.state.Payout.Datum] = true
	}
	cs := sortedKeys(ctrs, types.CompareContractId)
	ts := sortedKeys(toks, types.CompareAssetId)
	unknownCtr := types.ContractId{TxId: types.TxId(bytes.Repeat([]byte{9}, 32)), TxIx: 0}
	for _, st := range statuses {
		name := "any"
		if st != nil {
			name = fmt.Sprint("withdrawn=", *st)
		}
		out = append(out, pc{name, marlowequery.PayoutFilter{IsWithdrawn: st}, true})
		for i, c := range cs {
			out = append(out, pc{fmt.Sprintf("%s contract %d", name, i), marlowequery.PayoutFilter{IsWithdrawn: st, ContractIds: []types.ContractId{c}}, i < 2})
		}
		for i, tk := range ts {
			out = append(out, pc{fmt.Sprintf("%s token %d", name, i), marlowequery.PayoutFilter{IsWithdrawn: st, RoleTokens: []types.AssetId{tk}}, i < 2})
		}
		if len(cs) >= 3 && len(ts) >= 3 {
			out = append(out,
				pc{name + " three contracts", marlowequery.PayoutFilter{IsWithdrawn: st, ContractIds: cs[:3]}, true},
				pc{name + " three tokens", marlowequery.PayoutFilter{IsWithdrawn: st, RoleTokens: ts[:3]}, true},
				pc{name + " every contract, three tokens", marlowequery.PayoutFilter{IsWithdrawn: st, ContractIds: cs, RoleTokens: ts[:3]}, true},
				pc{name + " contract and its token", marlowequery.PayoutFilter{IsWithdrawn: st, ContractIds: cs[:1], RoleTokens: ts}, true},
			)
		}
		out = append(out,
			pc{name + " unknown contract", marlowequery.PayoutFilter{IsWithdrawn: st, ContractIds: []types.ContractId{unknownCtr}}, false},
			pc{name + " malformed contract id", marlowequery.PayoutFilter{IsWithdrawn: st, ContractIds: []types.ContractId{{TxId: "x"}}}, true},
			pc{name + " unknown token", marlowequery.PayoutFilter{IsWithdrawn: st, RoleTokens: []types.AssetId{{Policy: "p", Name: "n"}}}, false},
		)
	}
	return out
}

// bfPayouts is the brute-force answer of a payout filter, in chain order.
func (fx *fixture) bfPayouts(f marlowequery.PayoutFilter) []types.TxOutRef {
	var out []types.TxOutRef
	for _, p := range fx.payouts {
		s := p.state
		if f.IsWithdrawn != nil && *f.IsWithdrawn != (s.WithdrawalId != nil) {
			continue
		}
		if len(f.ContractIds) > 0 && !slices.Contains(f.ContractIds, s.ContractId) {
			continue
		}
		if len(f.RoleTokens) > 0 && !slices.Contains(f.RoleTokens, s.Payout.Datum) {
			continue
		}
		out = append(out, s.PayoutId)
	}
	return out
}

// TestPayouts: the same for payouts under every status filter.
func TestPayouts(t *testing.T) {
	fx := sharedFixture(t)
	cases := payoutFilterCases(fx)
	available := 0
	for _, p := range fx.payouts {
		if p.state.WithdrawalId == nil {
			available++
		}
	}
	if available == 0 || available == len(fx.payouts) {
		t.Fatalf("fixture has %d available payouts of %d: both statuses must occur", available, len(fx.payouts))
	}
	walks := 0
	for _, c := range cases {
		want := fx.bfPayouts(c.f)
		ws := quickWalks
		if c.full {
			ws = fullWalks
		}
		for _, w := range ws {
			got := walk(t, fx, w, func(r marlowequery.Range[types.TxOutRef]) marlowequery.Request {
				return marlowequery.ReqPayouts{Filter: c.f, Range: r}
			}, func(h marlowequery.PayoutHeader) types.TxOutRef { return h.PayoutId })
			checkWalk(t, fmt.Sprintf("%s %+v", c.name, w), got, expectOrder(want, w))
			walks++
		}
		if !c.full {
			continue
		}
		var starts []types.TxOutRef
		if len(want) > 0 {
			starts = append(starts, want[0], want[len(want)/2], want[len(want)-1])
		}
		for _, p := range fx.payouts {
			if !slices.Contains(want, p.state.PayoutId) {
				starts = append(starts, p.state.PayoutId)
				break
			}
		}
		starts = append(starts, types.TxOutRef{TxId: types.TxId(bytes.Repeat([]byte{3}, 32))}, types.TxOutRef{TxId: "?"})
		for _, s := range starts {
			for _, w := range []walkConfig{{2, 0, marlowequery.Ascending}, {2, 1, marlowequery.Descending}} {
				fx.ask(t, marlowequery.ReqPayouts{Filter: c.f, Range: marlowequery.Range[types.TxOutRef]{Start: &s, Offset: w.offset, Limit: w.limit, Direction: w.dir}})
			}
		}
		for _, r := range []marlowequery.Range[types.TxOutRef]{{Limit: 0}, {Limit: 3, Offset: -2}} {
			if res := fx.ask(t, marlowequery.ReqPayouts{Filter: c.f, Range: r}); res != nil {
				t.Fatalf("%s: invalid range answered %v", c.name, describe(res))
			}
		}
	}
	t.Logf("%d payout filters, %d walks, %d of %d payouts available", len(cases), walks, available, len(fx.payouts))
}

// bfWithdrawals is the brute-force answer of a withdrawal filter: the
// withdrawals that spent a payout of one of the currencies, each listing
// only those payouts (marlowe-sync aggregates over the filtered join).
func (fx *fixture) bfWithdrawals(f marlowequery.WithdrawalFilter) []marlowequery.Withdrawal {
	var out []marlowequery.Withdrawal
	for _, bw := range fx.withdrawals {
		w := bw.w
		if len(f.RoleCurrencies) > 0 {
			kept := map[types.TxOutRef]marlowequery.PayoutHeader{}
			for ref, p := range w.WithdrawnPayouts {
				if slices.Contains(f.RoleCurrencies, p.Role.Policy) {
					kept[ref] = p
				}
			}
			if len(kept) == 0 {
				continue
			}
			w.WithdrawnPayouts = kept
		}
		out = append(out, w)
	}
	return out
}

// TestWithdrawals: withdrawal listings equal Paginate over the brute-force
// list for every roles-currency filter, and paging visits each once.
func TestWithdrawals(t *testing.T) {
	fx := sharedFixture(t)
	curs := map[types.PolicyId]bool{}
	multi := 0
	for _, w := range fx.withdrawals {
		pol := map[types.PolicyId]bool{}
		for _, p := range w.w.WithdrawnPayouts {
			curs[p.Role.Policy] = true
			pol[p.Role.Policy] = true
		}
		if len(pol) > 1 {
			multi++
		}
	}
	if multi == 0 {
		t.Fatal("no withdrawal spends payouts of two currencies: the restriction of listed payouts is not exercised")
	}
	cs := sortedKeys(curs, func(a, b types.PolicyId) int { return cmpStr(a, b) })
	type wc struct {
		name string
		f    marlowequery.WithdrawalFilter
		full bool
	}
	cases := []wc{{"empty", marlowequery.WithdrawalFilter{}, true}}
	for i, c := range cs {
		cases = append(cases, wc{fmt.Sprint("currency ", i), marlowequery.WithdrawalFilter{RoleCurrencies: []types.PolicyId{c}}, i < 2})
	}
	cases = append(cases,
		wc{"two currencies", marlowequery.WithdrawalFilter{RoleCurrencies: cs[:2]}, true},
		wc{"every currency", marlowequery.WithdrawalFilter{RoleCurrencies: cs}, true},
		wc{"unknown currency", marlowequery.WithdrawalFilter{RoleCurrencies: []types.PolicyId{"nope"}}, true},
	)
	key := func(w marlowequery.Withdrawal) types.TxId { return w.WithdrawalTx }
	walks := 0
	for _, c := range cases {
		list := fx.bfWithdrawals(c.f)
		ask := func(r marlowequery.Range[types.TxId]) *marlowequery.WithdrawalsPage {
			req := marlowequery.ReqWithdrawals{Filter: c.f, Range: r}
			got, err := fx.h.Handle(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			want := marlowequery.Paginate(list, key, r)
			var wantRes marlowequery.Result
			if want != nil {
				wantRes = want
			}
			if g, w := encodeResult(t, req, got), encodeResult(t, req, wantRes); !bytes.Equal(g, w) {
				t.Fatalf("%s %+v:\n got  %s\n want %s", c.name, r, describe(got), describe(wantRes))
			}
			p, _ := got.(*marlowequery.WithdrawalsPage)
			return p
		}
		ws := quickWalks
		if c.full {
			ws = fullWalks
		}
		for _, w := range ws {
			r := marlowequery.Range[types.TxId]{Offset: w.offset, Limit: w.limit, Direction: w.dir}
			var got []types.TxId
			for {
				p := ask(r)
				for _, it := range p.Items {
					got = append(got, it.WithdrawalTx)
				}
				if p.NextRange == nil {
					break
				}
				r = *p.NextRange
			}
			var ids []types.TxId
			for _, it := range list {
				ids = append(ids, it.WithdrawalTx)
			}
			checkWalk(t, fmt.Sprintf("%s %+v", c.name, w), got, expectOrder(ids, w))
			walks++
		}
		if !c.full {
			continue
		}
		var starts []types.TxId
		if len(list) > 0 {
			starts = append(starts, list[0].WithdrawalTx, list[len(list)/2].WithdrawalTx, list[len(list)-1].WithdrawalTx)
		}
		for _, w := range fx.withdrawals {
			if !slices.ContainsFunc(list, func(x marlowequery.Withdrawal) bool { return x.WithdrawalTx == w.w.WithdrawalTx }) {
				starts = append(starts, w.w.WithdrawalTx)
				break
			}
		}
		starts = append(starts, types.TxId(bytes.Repeat([]byte{1}, 32)), "short")
		for _, s := range starts {
			ask(marlowequery.Range[types.TxId]{Start: &s, Limit: 2})
			ask(marlowequery.Range[types.TxId]{Start: &s, Limit: 3, Offset: 1, Direction: marlowequery.Descending})
		}
		ask(marlowequery.Range[types.TxId]{Limit: 0})
		ask(marlowequery.Range[types.TxId]{Limit: 1, Offset: -1})
	}
	t.Logf("%d withdrawal filters, %d walks, %d withdrawals (%d across currencies)", len(cases), walks, len(fx.withdrawals), multi)
}

// TestSingleItems checks the single-item requests against the ground
// truth: every contract's state and transactions, every transaction,
// withdrawal and payout, and unknown or malformed keys.
func TestSingleItems(t *testing.T) {
	fx := sharedFixture(t)
	ctx := context.Background()
	get := func(req marlowequery.Request) marlowequery.Result {
		t.Helper()
		res, err := fx.h.Handle(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", req.RequestName(), err)
		}
		return res
	}
	unclaimed := map[extract.TxOutRef]bool{}
	for _, p := range fx.payouts {
		if p.state.WithdrawalId == nil {
			unclaimed[p.ref] = true
		}
	}
	txs := 0
	for _, bc := range fx.contracts {
		id, _ := view.ContractId(bc.id)
		// Transactions: the truth's apply steps in order.
		res := get(marlowequery.ReqTransactions{ContractId: id})
		st, ok := res.(*marlowequery.SomeTransactions)
		if !ok || st == nil {
			t.Fatalf("transactions of %s: %v", bc.id, res)
		}
		if len(st.Transactions) != len(bc.applied) {
			t.Fatalf("contract %s: %d transactions, truth %d", bc.id, len(st.Transactions), len(bc.applied))
		}
		for k, tx := range st.Transactions {
			a := bc.applied[k]
			if tx.TransactionId != view.TxId(a.TxID) || tx.ContractId != id || (tx.Output.ScriptOutput == nil) != a.Closed {
				t.Fatalf("contract %s tx %d: %s closed=%v, truth %s closed=%v", bc.id, k, tx.TransactionId, tx.Output.ScriptOutput == nil, a.TxID, a.Closed)
			}
			if tx.BlockHeader != blockHeader(fx.chain.Blocks[bc.applyBlocks[k]]) {
				t.Fatalf("contract %s tx %d: block %+v", bc.id, k, tx.BlockHeader)
			}
			var refs []types.TxOutRef
			for _, p := range a.Payouts {
				r, _ := view.TxOutRef(p)
				refs = append(refs, r)
				if _, ok := tx.Output.Payouts[r]; !ok {
					t.Fatalf("contract %s tx %d: payout %s missing", bc.id, k, p)
				}
			}
			if len(tx.Output.Payouts) != len(refs) {
				t.Fatalf("contract %s tx %d: %d payouts, truth %d", bc.id, k, len(tx.Output.Payouts), len(refs))
			}
			// The single transaction: same transaction, the output it
			// consumed, the transaction that consumed its output.
			one, ok := get(marlowequery.ReqTransaction{TxId: tx.TransactionId}).(*marlowequery.SomeTransaction)
			if !ok || one == nil {
				t.Fatalf("transaction %s not found", a.TxID)
			}
			if g, w := encodeResult(t, marlowequery.ReqTransactions{}, &marlowequery.SomeTransactions{Version: 1, Transactions: []types.Transaction{one.Transaction}}),
				encodeResult(t, marlowequery.ReqTransactions{}, &marlowequery.SomeTransactions{Version: 1, Transactions: []types.Transaction{tx}}); !bytes.Equal(g, w) {
				t.Fatalf("transaction %s differs from its listing", a.TxID)
			}
			wantInput := id
			if k > 0 {
				wantInput = types.ContractId(st.Transactions[k-1].Output.ScriptOutput.Utxo)
			}
			if one.Input != types.TxOutRef(wantInput) {
				t.Fatalf("transaction %s consumed %+v, want %+v", a.TxID, one.Input, wantInput)
			}
			if one.InputDatum.Params.RolesCurrency != bc.roles {
				t.Fatalf("transaction %s: input datum of another roles currency", a.TxID)
			}
			switch {
			case k+1 < len(bc.applied):
				if one.ConsumedBy == nil || *one.ConsumedBy != view.TxId(bc.applied[k+1].TxID) {
					t.Fatalf("transaction %s consumed by %v, want %s", a.TxID, one.ConsumedBy, bc.applied[k+1].TxID)
				}
			case one.ConsumedBy != nil:
				t.Fatalf("last transaction %s consumed by %v", a.TxID, *one.ConsumedBy)
			}
			txs++
		}
		// State: latest output nil iff closed; latest block the last
		// step's; unclaimed payouts those not withdrawn.
		cs, ok := get(marlowequery.ReqContractState{ContractId: id}).(*marlowequery.SomeContractState)
		if !ok || cs == nil {
			t.Fatalf("state of %s missing", bc.id)
		}
		s := cs.State
		if (s.LatestOutput == nil) != bc.closed || s.ContractId != id || s.RoleTokenMintingPolicyId != types.PolicyId(bc.roles) {
			t.Fatalf("state of %s: %+v", bc.id, s)
		}
		wantBlock := blockHeader(fx.chain.Blocks[bc.block])
		if n := len(bc.applyBlocks); n > 0 {
			wantBlock = blockHeader(fx.chain.Blocks[bc.applyBlocks[n-1]])
		}
		if s.LatestBlock != wantBlock || s.InitialBlock != blockHeader(fx.chain.Blocks[bc.block]) {
			t.Fatalf("state of %s: latest block %+v want %+v", bc.id, s.LatestBlock, wantBlock)
		}
		want := 0
		for _, a := range bc.applied {
			for _, p := range a.Payouts {
				if unclaimed[p] {
					want++
					r, _ := view.TxOutRef(p)
					if _, ok := s.UnclaimedPayouts[r]; !ok {
						t.Fatalf("state of %s: unclaimed payout %s missing", bc.id, p)
					}
				}
			}
		}
		if len(s.UnclaimedPayouts) != want {
			t.Fatalf("state of %s: %d unclaimed payouts, want %d", bc.id, len(s.UnclaimedPayouts), want)
		}
	}
	// Payouts one by one equal their listing entries (the model).
	for _, p := range fx.payouts {
		res := get(marlowequery.ReqPayout{PayoutId: p.state.PayoutId})
		want := &marlowequery.SomePayoutState{Version: types.MarloweV1, State: p.state}
		if !bytes.Equal(encodeResult(t, marlowequery.ReqPayout{}, res), encodeResult(t, marlowequery.ReqPayout{}, want)) {
			t.Fatalf("payout %s: %+v, want %+v", p.ref, res, want)
		}
	}
	for _, w := range fx.withdrawals {
		fx.ask(t, marlowequery.ReqWithdrawal{TxId: w.w.WithdrawalTx})
	}
	// Unknown and malformed keys are Nothing, whatever the request.
	unknownTx := types.TxId(bytes.Repeat([]byte{0x42}, 32))
	unknownRef := types.TxOutRef{TxId: unknownTx, TxIx: 3}
	for _, req := range []marlowequery.Request{
		marlowequery.ReqContractState{ContractId: types.ContractId(unknownRef)},
		marlowequery.ReqContractState{ContractId: types.ContractId{TxId: "short"}},
		marlowequery.ReqTransactions{ContractId: types.ContractId(unknownRef)},
		marlowequery.ReqTransactions{ContractId: types.ContractId{TxId: ""}},
		marlowequery.ReqTransaction{TxId: unknownTx},
		marlowequery.ReqTransaction{TxId: "x"},
		// A withdrawal's id names no apply-inputs transaction.
		marlowequery.ReqTransaction{TxId: fx.withdrawals[0].w.WithdrawalTx},
		marlowequery.ReqWithdrawal{TxId: unknownTx},
		marlowequery.ReqWithdrawal{TxId: "y"},
		marlowequery.ReqWithdrawal{TxId: view.TxId(fx.contracts[0].applied[0].TxID)},
		marlowequery.ReqPayout{PayoutId: unknownRef},
		marlowequery.ReqPayout{PayoutId: types.TxOutRef{TxId: "z"}},
		// A contract id is no payout.
		marlowequery.ReqPayout{PayoutId: types.TxOutRef(fx.model.Contracts[0].Header.ContractId)},
	} {
		if res := get(req); res != nil && !isNilResult(res) {
			t.Fatalf("%s %+v: %v, want Nothing", req.RequestName(), req, res)
		}
	}
	t.Logf("%d contracts, %d transactions, %d payouts, %d withdrawals checked", len(fx.contracts), txs, len(fx.payouts), len(fx.withdrawals))
}

func isNilResult(res marlowequery.Result) bool {
	switch r := res.(type) {
	case *marlowequery.SomeContractState:
		return r == nil
	case *marlowequery.SomeTransaction:
		return r == nil
	case *marlowequery.SomeTransactions:
		return r == nil
	case *marlowequery.Withdrawal:
		return r == nil
	case *marlowequery.SomePayoutState:
		return r == nil
	}
	return false
}

// TestRoleCurrencies: filter trees (leaves, and/or/not, nesting) over
// every contract give the model's set.
func TestRoleCurrencies(t *testing.T) {
	fx := sharedFixture(t)
	var pols []types.PolicyId
	var ids []types.ContractId
	closed, open := 0, 0
	for i, bc := range fx.contracts {
		if bc.roles != "" && len(pols) < 5 {
			pols = append(pols, types.PolicyId(bc.roles))
		}
		if i%9 == 0 {
			ids = append(ids, fx.model.Contracts[i].Header.ContractId)
		}
		if bc.closed {
			closed++
		} else {
			open++
		}
	}
	if closed == 0 || open == 0 {
		t.Fatalf("fixture: %d open and %d closed contracts, want both", open, closed)
	}
	byPol := marlowequery.RoleCurrencyFilterByPolicy{PolicyIds: pols}
	byCtr := marlowequery.RoleCurrencyFilterByContract{ContractIds: ids}
	empty := marlowequery.RoleCurrencyFilterByPolicy{PolicyIds: []types.PolicyId{""}}
	filters := []marlowequery.RoleCurrencyFilter{
		marlowequery.RoleCurrencyFilterNone{},
		marlowequery.RoleCurrencyFilterAny{},
		byPol, byCtr, empty,
		marlowequery.RoleCurrencyFilterByPolicy{PolicyIds: []types.PolicyId{"unknown"}},
		marlowequery.RoleCurrencyFilterByContract{ContractIds: []types.ContractId{{TxId: "bad"}}},
		marlowequery.RoleCurrencyAnd{L: byPol, R: byCtr},
		marlowequery.RoleCurrencyOr{L: byPol, R: byCtr},
		marlowequery.RoleCurrencyNot{F: byPol},
		marlowequery.RoleCurrencyNot{F: marlowequery.RoleCurrencyFilterAny{}},
		marlowequery.RoleCurrencyAnd{L: marlowequery.RoleCurrencyNot{F: empty}, R: byCtr},
		marlowequery.RoleCurrencyOr{L: empty, R: byPol},
		marlowequery.RoleCurrencyAnd{L: marlowequery.RoleCurrencyFilterAny{}, R: marlowequery.RoleCurrencyOr{L: byCtr, R: marlowequery.RoleCurrencyFilterNone{}}},
		marlowequery.RoleCurrencyOr{L: marlowequery.RoleCurrencyNot{F: byCtr}, R: byPol},
	}
	for i, f := range filters {
		req := marlowequery.ReqRoleCurrencies{Filter: f}
		res := fx.ask(t, req)
		rc := res.(marlowequery.RoleCurrencies)
		if i == 1 && len(rc) != len(fx.contracts) {
			t.Fatalf("Any: %d role currencies, want one per contract (%d)", len(rc), len(fx.contracts))
		}
	}
}

// TestStatus: the tips and their times, the network and the version.
func TestStatus(t *testing.T) {
	fx := sharedFixture(t)
	fx.ask(t, marlowequery.ReqStatus{})
	// Genesis tips report the system start; an empty store is at Genesis.
	s := openStore(t)
	h := newHandler(t, s, testStatus{})
	res, err := h.Handle(context.Background(), marlowequery.ReqStatus{})
	if err != nil {
		t.Fatal(err)
	}
	st := res.(marlowequery.RuntimeStatus)
	start := types.UTCTimeOf(mustTime(testStatus{}.SystemStart()))
	if st.RuntimeTip.At || st.NodeTip.At || st.RuntimeTipUTC.Picoseconds.Cmp(start.Picoseconds) != 0 || st.NodeTipUTC.DayOfYear != start.DayOfYear {
		t.Fatalf("empty store status %+v", st)
	}
	// Other networks report their magic.
	hp, err := New(s, registry.Preprod, testStatus{}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	res, err = hp.Handle(context.Background(), marlowequery.ReqStatus{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.(marlowequery.RuntimeStatus).NetworkId; got != (types.NetworkId{Testnet: true, Magic: registry.Preprod.Magic()}) {
		t.Fatalf("preprod network id %+v", got)
	}
	// A failing status source fails the request, not the process.
	hf := newHandler(t, s, failingStatus{})
	if _, err := hf.Handle(context.Background(), marlowequery.ReqStatus{}); err == nil {
		t.Fatal("status with a failing source succeeded")
	}
	// A cancelled context is an error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Handle(ctx, marlowequery.ReqStatus{}); err == nil {
		t.Fatal("cancelled request succeeded")
	}
}

type failingStatus struct{ testStatus }

func (failingStatus) ChainTips(context.Context) (types.ChainPoint, types.ChainPoint, error) {
	return types.ChainPoint{}, types.ChainPoint{}, errors.New("node unreachable")
}

func mustTime(t time.Time, err error) time.Time {
	if err != nil {
		panic(err)
	}
	return t
}

// TestRollbackEqualsFresh: an index that followed a chain, rolled back and
// followed a competing fork answers every listing exactly as an index
// built from the fork alone (the query keys and counters are journalled
// with the rest of the index).
func TestRollbackEqualsFresh(t *testing.T) {
	cfg := chaingen.Config{Seed: 99, Blocks: 500, Contracts: 160, MarloweFraction: 0.25}
	const at = 300
	parent := genChain(t, cfg)
	cfg.Fork = &chaingen.Fork{At: at, Seed: 1234}
	fork := genChain(t, cfg)

	followed := openStore(t)
	index(t, followed, parent.Blocks)
	if err := followed.RollBack(parent.Blocks[at-1].Point); err != nil {
		t.Fatal(err)
	}
	index(t, followed, fork.Blocks[at:])
	freshStore := openStore(t)
	index(t, freshStore, fork.Blocks)
	fresh := modelOf(t, fork, freshStore)

	// Both handlers must agree on everything.
	hf := newHandler(t, followed, fresh.status)
	ctx := context.Background()
	var reqs []marlowequery.Request
	for _, c := range contractFilterCases(fresh) {
		for _, w := range []walkConfig{{7, 0, marlowequery.Ascending}, {1000, 1, marlowequery.Descending}} {
			reqs = append(reqs, marlowequery.ReqContractHeaders{Filter: c.f, Range: marlowequery.Range[types.ContractId]{Limit: w.limit, Offset: w.offset, Direction: w.dir}})
		}
	}
	yes, no := true, false
	for _, st := range []*bool{nil, &yes, &no} {
		reqs = append(reqs, marlowequery.ReqPayouts{Filter: marlowequery.PayoutFilter{IsWithdrawn: st}, Range: marlowequery.Range[types.TxOutRef]{Limit: 1000}})
	}
	reqs = append(reqs,
		marlowequery.ReqWithdrawals{Range: marlowequery.Range[types.TxId]{Limit: 1000}},
		marlowequery.ReqRoleCurrencies{Filter: marlowequery.RoleCurrencyFilterAny{}},
		marlowequery.ReqStatus{})
	for _, bc := range fresh.contracts {
		id, _ := view.ContractId(bc.id)
		reqs = append(reqs, marlowequery.ReqContractState{ContractId: id}, marlowequery.ReqTransactions{ContractId: id})
	}
	// Contracts of the abandoned branch are gone.
	for _, tr := range parent.Truth[at:] {
		for _, c := range tr.Created {
			id, _ := view.ContractId(c.ContractID)
			reqs = append(reqs, marlowequery.ReqContractState{ContractId: id})
		}
	}
	for _, req := range reqs {
		got, err := hf.Handle(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fresh.h.Handle(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(encodeResult(t, req, got), encodeResult(t, req, want)) {
			t.Fatalf("%s %+v: followed index %s, fresh %s", req.RequestName(), req, describe(got), describe(want))
		}
	}
	// And the fresh index is right about the fork.
	for _, c := range contractFilterCases(fresh)[:20] {
		fresh.ask(t, marlowequery.ReqContractHeaders{Filter: c.f, Range: marlowequery.Range[types.ContractId]{Limit: 1000}})
	}
	t.Logf("%d requests agree after rolling back %d blocks", len(reqs), len(parent.Blocks)-at)
}

// TestHostileInput: values no index can hold, huge filters, absurd ranges
// and unknown requests give answers or errors, never panics; values that
// cannot exist simply match nothing.
func TestHostileInput(t *testing.T) {
	fx := sharedFixture(t)
	huge := string(bytes.Repeat([]byte{'x'}, 70000))
	many := make([]string, 5000)
	for i := range many {
		many[i] = fmt.Sprintf("tag-%05d", i)
	}
	r := marlowequery.Range[types.ContractId]{Limit: 10}
	for _, f := range []marlowequery.ContractFilter{
		{Tags: []string{huge}},
		{RoleCurrencies: []types.PolicyId{types.PolicyId(huge)}},
		{PartyRoles: []types.AssetId{{Policy: types.PolicyId(huge), Name: "r"}, {Policy: "p", Name: types.TokenName(huge)}}},
		{PartyAddresses: []types.Address{types.Address(huge), ""}},
		{Tags: many},
		{Tags: append([]string{"chaingen"}, many...)},
	} {
		fx.ask(t, marlowequery.ReqContractHeaders{Filter: f, Range: r})
	}
	fx.ask(t, marlowequery.ReqPayouts{Filter: marlowequery.PayoutFilter{RoleTokens: []types.AssetId{{Policy: types.PolicyId(huge)}}}, Range: marlowequery.Range[types.TxOutRef]{Limit: 5}})
	res, err := fx.h.Handle(context.Background(), marlowequery.ReqWithdrawals{Filter: marlowequery.WithdrawalFilter{RoleCurrencies: []types.PolicyId{types.PolicyId(huge)}}, Range: marlowequery.Range[types.TxId]{Limit: 5}})
	if p, ok := res.(*marlowequery.WithdrawalsPage); err != nil || !ok || p.TotalCount != 0 || len(p.Items) != 0 {
		t.Fatalf("oversized currency: %v %v", describe(res), err)
	}
	fx.ask(t, marlowequery.ReqRoleCurrencies{Filter: marlowequery.RoleCurrencyFilterByPolicy{PolicyIds: []types.PolicyId{types.PolicyId(huge)}}})
	// A deep filter tree (the decoder bounds nesting; the handler copes
	// with whatever it is given).
	var deep marlowequery.RoleCurrencyFilter = marlowequery.RoleCurrencyFilterAny{}
	for i := range 10000 {
		if i%2 == 0 {
			deep = marlowequery.RoleCurrencyNot{F: deep}
		} else {
			deep = marlowequery.RoleCurrencyAnd{L: deep, R: marlowequery.RoleCurrencyFilterAny{}}
		}
	}
	fx.ask(t, marlowequery.ReqRoleCurrencies{Filter: deep})
	if _, err := fx.h.Handle(context.Background(), nil); err == nil {
		t.Fatal("nil request answered")
	}
}
