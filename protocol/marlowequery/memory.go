package marlowequery

import (
	"context"
	"fmt"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Paginate answers a paged listing the way marlowe-sync does (its
// PostgreSQL queries): items are the matching items in chain order
// (oldest first) and key gives an item's key. It returns nil — Haskell's
// Nothing — when the range is invalid (Limit ≤ 0 or Offset < 0; a zero
// limit would page forever) or its Start is not among the items.
// Otherwise the page starts at Start (inclusive; at the first item in
// Direction when nil), skips Offset items and holds at most Limit;
// NextRange starts at the item after the page, with offset 0 and the same
// limit and direction; TotalCount counts all matching items, regardless of
// the range.
func Paginate[K comparable, V any](items []V, key func(V) K, r Range[K]) *Page[K, V] {
	if r.Limit <= 0 || r.Offset < 0 {
		return nil
	}
	seq := items
	if r.Direction == Descending {
		seq = slices.Clone(items)
		slices.Reverse(seq)
	}
	if r.Start != nil {
		i := slices.IndexFunc(seq, func(v V) bool { return key(v) == *r.Start })
		if i < 0 {
			return nil
		}
		seq = seq[i:]
	}
	seq = seq[min(r.Offset, int64(len(seq))):]
	n := min(r.Limit, int64(len(seq)))
	p := &Page[K, V]{Items: slices.Clone(seq[:n]), TotalCount: int64(len(items))}
	if int64(len(seq)) > r.Limit {
		next := key(seq[r.Limit])
		p.NextRange = &Range[K]{Start: &next, Offset: 0, Limit: r.Limit, Direction: r.Direction}
	}
	return p
}

// MemoryContract is one contract of a Memory data set.
type MemoryContract struct {
	Header types.ContractHeader
	// State is the contract's current state; nil makes ReqContractState
	// answer Nothing.
	State *ContractState
	// Transactions are the contract's input applications in chain order,
	// each with the output it consumed.
	Transactions []SomeTransaction
	// PartyRoles and PartyAddresses are the parties named in the contract,
	// matched by ContractFilter.
	PartyRoles     []types.AssetId
	PartyAddresses []types.Address
}

// Memory is a Handler over a fixed in-memory data set, for tests and as a
// model of the index-backed handler's semantics. Lists are in chain order
// (oldest first), which is the Ascending paging order. The data must not
// change while a session uses it; reads are then safe from any number of
// sessions.
type Memory struct {
	Status         RuntimeStatus
	Contracts      []MemoryContract
	Withdrawals    []Withdrawal
	Payouts        []PayoutState
	RoleCurrencies []RoleCurrency
}

// Handle implements Handler.
func (m *Memory) Handle(ctx context.Context, req Request) (Result, error) {
	switch r := req.(type) {
	case ReqStatus:
		return m.Status, nil
	case ReqContractHeaders:
		var hs []types.ContractHeader
		for _, c := range m.Contracts {
			if matchContract(r.Filter, c) {
				hs = append(hs, c.Header)
			}
		}
		return Paginate(hs, func(h types.ContractHeader) types.ContractId { return h.ContractId }, r.Range), nil
	case ReqContractState:
		c := m.contract(r.ContractId)
		if c == nil || c.State == nil {
			return nil, nil
		}
		return &SomeContractState{Version: types.MarloweV1, State: *c.State}, nil
	case ReqTransaction:
		for _, c := range m.Contracts {
			for _, tx := range c.Transactions {
				if tx.Transaction.TransactionId == r.TxId {
					return &tx, nil
				}
			}
		}
		return nil, nil
	case ReqTransactions:
		c := m.contract(r.ContractId)
		if c == nil {
			return nil, nil
		}
		txs := make([]types.Transaction, len(c.Transactions))
		for i, tx := range c.Transactions {
			txs[i] = tx.Transaction
		}
		return &SomeTransactions{Version: types.MarloweV1, Transactions: txs}, nil
	case ReqWithdrawal:
		for _, w := range m.Withdrawals {
			if w.WithdrawalTx == r.TxId {
				return &w, nil
			}
		}
		return nil, nil
	case ReqWithdrawals:
		var ws []Withdrawal
		for _, w := range m.Withdrawals {
			if fw, ok := filterWithdrawal(r.Filter, w); ok {
				ws = append(ws, fw)
			}
		}
		return Paginate(ws, func(w Withdrawal) types.TxId { return w.WithdrawalTx }, r.Range), nil
	case ReqPayouts:
		var ps []PayoutHeader
		for _, p := range m.Payouts {
			if matchPayout(r.Filter, p) {
				ps = append(ps, payoutHeader(p))
			}
		}
		return Paginate(ps, func(p PayoutHeader) types.TxOutRef { return p.PayoutId }, r.Range), nil
	case ReqPayout:
		for _, p := range m.Payouts {
			if p.PayoutId == r.PayoutId {
				return &SomePayoutState{Version: types.MarloweV1, State: p}, nil
			}
		}
		return nil, nil
	case ReqRoleCurrencies:
		out := RoleCurrencies{}
		for _, rc := range m.RoleCurrencies {
			if MatchRoleCurrency(r.Filter, rc) {
				out = append(out, rc)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("marlowequery memory handler: unknown request %T", req)
}

func (m *Memory) contract(id types.ContractId) *MemoryContract {
	for i := range m.Contracts {
		if m.Contracts[i].Header.ContractId == id {
			return &m.Contracts[i]
		}
	}
	return nil
}

// matchContract applies a ContractFilter as marlowe-sync does: every
// non-empty criterion must hold, except that party roles and party
// addresses are alternatives (a contract naming either kind matches).
func matchContract(f ContractFilter, c MemoryContract) bool {
	if len(f.Tags) > 0 {
		var tags map[string]types.Metadata
		if c.Header.Metadata.Marlowe != nil {
			tags = c.Header.Metadata.Marlowe.Tags
		}
		if !slices.ContainsFunc(f.Tags, func(t string) bool { _, ok := tags[t]; return ok }) {
			return false
		}
	}
	if len(f.RoleCurrencies) > 0 && !slices.Contains(f.RoleCurrencies, c.Header.RolesCurrency) {
		return false
	}
	if len(f.PartyRoles) == 0 && len(f.PartyAddresses) == 0 {
		return true
	}
	return slices.ContainsFunc(c.PartyRoles, func(a types.AssetId) bool { return slices.Contains(f.PartyRoles, a) }) ||
		slices.ContainsFunc(c.PartyAddresses, func(a types.Address) bool { return slices.Contains(f.PartyAddresses, a) })
}

// filterWithdrawal applies a withdrawal filter as marlowe-sync does: with
// role currencies, a withdrawal matches when it withdrew a payout of one of
// them, and is listed with those payouts only (the query joins payouts to
// the filter's currencies); with none, every withdrawal matches whole.
func filterWithdrawal(f WithdrawalFilter, w Withdrawal) (Withdrawal, bool) {
	if len(f.RoleCurrencies) == 0 {
		return w, true
	}
	out := w
	out.WithdrawnPayouts = map[types.TxOutRef]PayoutHeader{}
	for ref, p := range w.WithdrawnPayouts {
		if slices.Contains(f.RoleCurrencies, p.Role.Policy) {
			out.WithdrawnPayouts[ref] = p
		}
	}
	return out, len(out.WithdrawnPayouts) > 0
}

func matchPayout(f PayoutFilter, p PayoutState) bool {
	if f.IsWithdrawn != nil && *f.IsWithdrawn != (p.WithdrawalId != nil) {
		return false
	}
	if len(f.ContractIds) > 0 && !slices.Contains(f.ContractIds, p.ContractId) {
		return false
	}
	return len(f.RoleTokens) == 0 || slices.Contains(f.RoleTokens, p.Payout.Datum)
}

func payoutHeader(p PayoutState) PayoutHeader {
	return PayoutHeader{ContractId: p.ContractId, PayoutId: p.PayoutId, WithdrawalId: p.WithdrawalId, Role: p.Payout.Datum}
}

// MatchRoleCurrency evaluates a RoleCurrencyFilter on one role currency.
// A nil filter matches nothing.
func MatchRoleCurrency(f RoleCurrencyFilter, rc RoleCurrency) bool {
	switch x := f.(type) {
	case RoleCurrencyAnd:
		return MatchRoleCurrency(x.L, rc) && MatchRoleCurrency(x.R, rc)
	case RoleCurrencyOr:
		return MatchRoleCurrency(x.L, rc) || MatchRoleCurrency(x.R, rc)
	case RoleCurrencyNot:
		return !MatchRoleCurrency(x.F, rc)
	case RoleCurrencyFilterByContract:
		return slices.Contains(x.ContractIds, rc.RoleContract)
	case RoleCurrencyFilterByPolicy:
		return slices.Contains(x.PolicyIds, rc.RolePolicyId)
	case RoleCurrencyFilterAny:
		return true
	}
	return false
}
