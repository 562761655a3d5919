// Package query answers MarloweQuery (protocol/marlowequery) from the
// Badger index (package kv): contract listings with their filters and
// paging, contract states, transactions, withdrawals, payouts, role
// currencies and the runtime status.
//
// Semantics follow the Haskell runtime's marlowe-sync queries (and the
// in-memory model protocol/marlowequery.Memory):
//
//   - Listings are in chain order: contracts by creation slot then
//     ContractID, payouts by the slot of the transaction that paid them
//     then TxOutRef, withdrawals by slot then transaction id. Descending
//     pages walk the same order backwards.
//   - A range starts at its Start item (inclusive), which must match the
//     filter, else the answer is Nothing; it skips Offset items and holds
//     at most Limit; a limit below 1 or a negative offset is Nothing too.
//     NextRange starts at the item after the page; TotalCount counts every
//     matching item regardless of the range.
//   - ContractFilter: every non-empty field must hold, a field holding when
//     the contract has any of its values; party addresses and party roles
//     together are one field (a contract naming any listed party matches).
//   - WithdrawalFilter: withdrawals that spent a payout of one of the roles
//     currencies; each listed withdrawal then lists only the payouts of
//     those currencies, as marlowe-sync's aggregate over its filtered join
//     does.
//   - RoleCurrencies: every contract is a role currency (its roles currency,
//     empty for a contract without roles, and whether it is still open),
//     filtered by the request's filter tree.
//
// Every answer is read from one committed snapshot of the index, so a page,
// its next range and its count agree. The Handler keeps no state between
// requests and is safe for any number of concurrent sessions.
package query

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// Status is what ReqStatus reports beyond the index's own tip: the chain as
// the node and the runtime's chain follower see it, the clock that turns
// their slots into times, and the runtime's version. The binary wires it to
// the node connection; it must be safe for concurrent use.
type Status interface {
	// SlotToTime is the wall-clock start of a slot, from the node's era
	// history; it also converts the validity slots of transactions.
	view.SlotClock
	// SystemStart is the chain's system start, the time a Genesis point
	// reports.
	SystemStart() (time.Time, error)
	// ChainTips returns the node's tip and the runtime chain tip (the
	// newest block the runtime's chain follower has received); the zero
	// ChainPoint (Genesis) when not known yet.
	ChainTips(ctx context.Context) (node, chain types.ChainPoint, err error)
	// RuntimeVersion is the version the runtime reports.
	RuntimeVersion() types.Version
}

// NetworkSource is implemented by a Status that knows the network id
// better than the registry network given to New: a private testnet (the
// devnet) shares a registry network's addresses but has its own magic.
type NetworkSource interface {
	NetworkId() types.NetworkId
}

// Handler is the marlowequery.Handler over a kv.Store.
type Handler struct {
	store   *kv.Store
	status  Status
	conv    *view.Converter
	network types.NetworkId
	log     zerolog.Logger
}

// New returns the MarloweQuery handler serving store, an index of network,
// with status for ReqStatus and as the slot clock.
func New(store *kv.Store, network registry.Network, status Status, log zerolog.Logger) (*Handler, error) {
	if store == nil {
		return nil, errors.New("query: nil store")
	}
	if status == nil {
		return nil, errors.New("query: nil status source")
	}
	conv, err := view.New(network, status)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	id := types.NetworkId{}
	if !network.IsMainnet() {
		id = types.NetworkId{Testnet: true, Magic: network.Magic()}
	}
	return &Handler{store: store, status: status, conv: conv, network: id, log: log}, nil
}

// Handle implements marlowequery.Handler. Unknown items are Nothing (a nil
// result); errors are failures of the index or corrupt records, which end
// the session.
func (h *Handler) Handle(ctx context.Context, req marlowequery.Request) (marlowequery.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := h.handle(ctx, req)
	if err != nil {
		name := fmt.Sprintf("%T", req)
		if req != nil {
			name = req.RequestName()
		}
		h.log.Warn().Err(err).Str("request", name).Msg("marlowe query failed")
		return nil, fmt.Errorf("marlowe query %s: %w", name, err)
	}
	return res, nil
}

func (h *Handler) handle(ctx context.Context, req marlowequery.Request) (marlowequery.Result, error) {
	switch r := req.(type) {
	case marlowequery.ReqStatus:
		return h.runtimeStatus(ctx)
	case marlowequery.ReqContractHeaders:
		return h.contractHeaders(r)
	case marlowequery.ReqContractState:
		return h.contractState(r.ContractId)
	case marlowequery.ReqTransaction:
		return h.transaction(r.TxId)
	case marlowequery.ReqTransactions:
		return h.transactions(r.ContractId)
	case marlowequery.ReqWithdrawal:
		return h.withdrawal(r.TxId)
	case marlowequery.ReqWithdrawals:
		return h.withdrawals(r)
	case marlowequery.ReqPayouts:
		return h.payouts(r)
	case marlowequery.ReqPayout:
		return h.payout(r.PayoutId)
	case marlowequery.ReqRoleCurrencies:
		return h.roleCurrencies(r.Filter)
	}
	return nil, fmt.Errorf("unknown request %T", req)
}

func (h *Handler) runtimeStatus(ctx context.Context) (marlowequery.Result, error) {
	node, chain, err := h.status.ChainTips(ctx)
	if err != nil {
		return nil, fmt.Errorf("chain tips: %w", err)
	}
	tip, ok, err := h.store.Tip()
	if err != nil {
		return nil, fmt.Errorf("index tip: %w", err)
	}
	network := h.network
	if n, ok := h.status.(NetworkSource); ok {
		network = n.NetworkId()
	}
	st := marlowequery.RuntimeStatus{
		NodeTip:         node,
		RuntimeChainTip: chain,
		RuntimeTip:      view.Point(tip, ok),
		NetworkId:       network,
		RuntimeVersion:  h.status.RuntimeVersion(),
	}
	for _, p := range []struct {
		point types.ChainPoint
		out   *types.UTCTime
	}{{st.NodeTip, &st.NodeTipUTC}, {st.RuntimeChainTip, &st.RuntimeChainTipUTC}, {st.RuntimeTip, &st.RuntimeTipUTC}} {
		if *p.out, err = h.pointTime(p.point); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// pointTime is the time of a chain point: its slot's start, or the system
// start for Genesis (as the Haskell runtime's slotToUTCTime).
func (h *Handler) pointTime(p types.ChainPoint) (types.UTCTime, error) {
	if !p.At {
		t, err := h.status.SystemStart()
		if err != nil {
			return types.UTCTime{}, fmt.Errorf("system start: %w", err)
		}
		return types.UTCTimeOf(t), nil
	}
	return h.conv.UTCTime(uint64(p.Header.Slot))
}

func (h *Handler) contractHeaders(r marlowequery.ReqContractHeaders) (marlowequery.Result, error) {
	f := kv.ContractFilter{Tags: r.Filter.Tags}
	for _, p := range r.Filter.RoleCurrencies {
		f.RolesCurrencies = append(f.RolesCurrencies, core.CurrencySymbol(p))
	}
	for _, a := range r.Filter.PartyAddresses {
		f.PartyAddresses = append(f.PartyAddresses, []byte(a))
	}
	for _, a := range r.Filter.PartyRoles {
		f.PartyRoles = append(f.PartyRoles, token(a))
	}
	rng, ok := listRange(r.Range, view.ContractRef)
	if !ok {
		return nil, nil
	}
	page, err := h.store.ListContracts(f, rng)
	if err != nil || page == nil {
		return nil, err
	}
	return wirePage(page, r.Range, view.ContractId, func(c kv.ListedContract) (types.ContractHeader, error) {
		return h.conv.ListedHeader(c.Header, c.Address)
	})
}

// history is the indexed history of contract id; an id that cannot be an
// output reference (a transaction id of the wrong length) names no
// contract, so it is not found rather than an error.
func (h *Handler) history(id types.ContractId) (kv.ContractHistory, bool, error) {
	ref, err := view.ContractRef(id)
	if err != nil {
		return kv.ContractHistory{}, false, nil
	}
	return h.store.History(ref)
}

func (h *Handler) contractState(id types.ContractId) (marlowequery.Result, error) {
	hist, ok, err := h.history(id)
	if err != nil || !ok {
		return nil, err
	}
	st, err := h.conv.ContractState(hist)
	if err != nil {
		return nil, err
	}
	return &marlowequery.SomeContractState{Version: types.MarloweV1, State: st}, nil
}

func (h *Handler) transaction(id types.TxId) (marlowequery.Result, error) {
	txID, ok := txIDOf(id)
	if !ok {
		return nil, nil
	}
	contract, ok, err := h.store.ApplyTxContract(txID)
	if err != nil || !ok {
		return nil, err
	}
	hist, ok, err := h.store.History(contract)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("apply transaction %s names contract %s, which is not indexed", txID, contract)
	}
	st, ok, err := h.conv.SomeTransaction(hist, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("apply transaction %s is not among the steps of contract %s", txID, contract)
	}
	return &st, nil
}

func (h *Handler) transactions(id types.ContractId) (marlowequery.Result, error) {
	hist, ok, err := h.history(id)
	if err != nil || !ok {
		return nil, err
	}
	txs, err := h.conv.Transactions(hist)
	if err != nil {
		return nil, err
	}
	return &marlowequery.SomeTransactions{Version: types.MarloweV1, Transactions: txs}, nil
}

func (h *Handler) withdrawal(id types.TxId) (marlowequery.Result, error) {
	txID, ok := txIDOf(id)
	if !ok {
		return nil, nil
	}
	w, ok, err := h.store.Withdrawal(txID)
	if err != nil || !ok {
		return nil, err
	}
	out, err := view.Withdrawal(w, nil)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (h *Handler) withdrawals(r marlowequery.ReqWithdrawals) (marlowequery.Result, error) {
	var f kv.WithdrawalFilter
	for _, p := range r.Filter.RoleCurrencies {
		f.RolesCurrencies = append(f.RolesCurrencies, core.CurrencySymbol(p))
	}
	var keep func(kv.Payout) bool
	if len(f.RolesCurrencies) > 0 {
		keep = func(p kv.Payout) bool { return slices.Contains(f.RolesCurrencies, p.RolesCurrency) }
	}
	rng, ok := listRange(r.Range, func(id types.TxId) (registry.TxID, error) {
		t, ok := txIDOf(id)
		if !ok {
			return t, errors.New("not a transaction id")
		}
		return t, nil
	})
	if !ok {
		return nil, nil
	}
	page, err := h.store.ListWithdrawals(f, rng)
	if err != nil || page == nil {
		return nil, err
	}
	return wirePage(page, r.Range, func(id registry.TxID) (types.TxId, error) { return view.TxId(id), nil },
		func(w kv.Withdrawal) (marlowequery.Withdrawal, error) { return view.Withdrawal(w, keep) })
}

func (h *Handler) payouts(r marlowequery.ReqPayouts) (marlowequery.Result, error) {
	var f kv.PayoutFilter
	if w := r.Filter.IsWithdrawn; w != nil {
		f.Status = kv.PayoutAvailable
		if *w {
			f.Status = kv.PayoutWithdrawn
		}
	}
	for _, id := range r.Filter.ContractIds {
		if ref, err := view.ContractRef(id); err == nil {
			f.Contracts = append(f.Contracts, ref)
		}
	}
	if len(r.Filter.ContractIds) > 0 && len(f.Contracts) == 0 {
		// Only ids that name no output: nothing matches (dropping them
		// would lift the constraint).
		return emptyPage[types.TxOutRef, marlowequery.PayoutHeader](r.Range), nil
	}
	for _, a := range r.Filter.RoleTokens {
		f.Roles = append(f.Roles, token(a))
	}
	rng, ok := listRange(r.Range, view.RefOf)
	if !ok {
		return nil, nil
	}
	page, err := h.store.ListPayouts(f, rng)
	if err != nil || page == nil {
		return nil, err
	}
	return wirePage(page, r.Range, view.TxOutRef, view.PayoutHeader)
}

func (h *Handler) payout(id types.TxOutRef) (marlowequery.Result, error) {
	ref, err := view.RefOf(id)
	if err != nil {
		return nil, nil
	}
	p, ok, err := h.store.Payout(ref)
	if err != nil || !ok {
		return nil, err
	}
	st, err := h.conv.PayoutState(p)
	if err != nil {
		return nil, err
	}
	return &marlowequery.SomePayoutState{Version: types.MarloweV1, State: st}, nil
}

// roleCurrencies evaluates the filter tree on the contracts it can match:
// when the tree bounds them by contract ids or policies, only those are
// read; otherwise every contract is.
func (h *Handler) roleCurrencies(f marlowequery.RoleCurrencyFilter) (marlowequery.Result, error) {
	out := marlowequery.RoleCurrencies{}
	add := func(cr kv.ContractRole) error {
		id, err := view.ContractId(cr.ContractID)
		if err != nil {
			return err
		}
		rc := marlowequery.RoleCurrency{RolePolicyId: types.PolicyId(cr.RolesCurrency), RoleContract: id, Active: !cr.Closed}
		if marlowequery.MatchRoleCurrency(f, rc) {
			out = append(out, rc)
		}
		return nil
	}
	c := candidatesOf(f)
	if !c.bounded {
		if err := h.store.EachContractRole(add); err != nil {
			return nil, err
		}
	} else {
		byID, err := h.store.ContractRoles(c.ids)
		if err != nil {
			return nil, err
		}
		byPolicy, err := h.store.ContractRolesByCurrency(c.policies)
		if err != nil {
			return nil, err
		}
		seen := map[extract.TxOutRef]bool{}
		for _, cr := range append(byID, byPolicy...) {
			if seen[cr.ContractID] {
				continue
			}
			seen[cr.ContractID] = true
			if err := add(cr); err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(out, marlowequery.CompareRoleCurrency)
	return out, nil
}

// candidates bounds the contracts a role-currency filter can match: those
// with the listed ids or roles currencies, or any contract when unbounded.
type candidates struct {
	bounded  bool
	ids      []extract.TxOutRef
	policies []core.CurrencySymbol
}

func (c candidates) size() int { return len(c.ids) + len(c.policies) }

func candidatesOf(f marlowequery.RoleCurrencyFilter) candidates {
	switch x := f.(type) {
	case nil, marlowequery.RoleCurrencyFilterNone:
		return candidates{bounded: true}
	case marlowequery.RoleCurrencyFilterByContract:
		c := candidates{bounded: true}
		for _, id := range x.ContractIds {
			if ref, err := view.ContractRef(id); err == nil {
				c.ids = append(c.ids, ref)
			}
		}
		return c
	case marlowequery.RoleCurrencyFilterByPolicy:
		c := candidates{bounded: true}
		for _, p := range x.PolicyIds {
			if p == "" {
				// Contracts without roles have the empty currency
				// but are not in the currency index.
				return candidates{}
			}
			c.policies = append(c.policies, core.CurrencySymbol(p))
		}
		return c
	case marlowequery.RoleCurrencyAnd:
		l, r := candidatesOf(x.L), candidatesOf(x.R)
		switch {
		case l.bounded && r.bounded:
			if r.size() < l.size() {
				return r
			}
			return l
		case l.bounded:
			return l
		}
		return r
	case marlowequery.RoleCurrencyOr:
		l, r := candidatesOf(x.L), candidatesOf(x.R)
		if !l.bounded || !r.bounded {
			return candidates{}
		}
		return candidates{bounded: true, ids: append(l.ids, r.ids...), policies: append(l.policies, r.policies...)}
	}
	// Not and Any can match contracts named nowhere in the filter.
	return candidates{}
}

func token(a types.AssetId) core.Token {
	return core.Token{Currency: core.CurrencySymbol(a.Policy), Name: core.TokenName(a.Name)}
}

// txIDOf reads a wire transaction id; ok is false when it has another
// length than a transaction id, so that it names nothing indexed.
func txIDOf(id types.TxId) (registry.TxID, bool) {
	var t registry.TxID
	if len(id) != len(t) {
		return t, false
	}
	copy(t[:], id)
	return t, true
}

// listRange converts a wire range to an index range; ok is false when its
// start names nothing the index can hold, which the runtime answers with
// Nothing (as an unknown start).
func listRange[K, KK any](r marlowequery.Range[K], key func(K) (KK, error)) (kv.ListRange[KK], bool) {
	out := kv.ListRange[KK]{Offset: r.Offset, Limit: r.Limit, Descending: r.Direction == marlowequery.Descending}
	if r.Start != nil {
		k, err := key(*r.Start)
		if err != nil {
			return out, false
		}
		out.Start = &k
	}
	return out, true
}

// wirePage converts an index page to the wire page answering range r.
func wirePage[KK, V, K, W any](p *kv.ListPage[KK, V], r marlowequery.Range[K], key func(KK) (K, error), item func(V) (W, error)) (*marlowequery.Page[K, W], error) {
	out := &marlowequery.Page[K, W]{Items: make([]W, 0, len(p.Items)), TotalCount: p.Total}
	for _, v := range p.Items {
		w, err := item(v)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, w)
	}
	if p.Next != nil {
		k, err := key(*p.Next)
		if err != nil {
			return nil, err
		}
		out.NextRange = &marlowequery.Range[K]{Start: &k, Offset: 0, Limit: r.Limit, Direction: r.Direction}
	}
	return out, nil
}

// emptyPage answers range r over a listing that matches nothing: Nothing
// for an invalid range or any start (no item can be it), else an empty
// page.
func emptyPage[K, W any](r marlowequery.Range[K]) marlowequery.Result {
	if r.Limit <= 0 || r.Offset < 0 || r.Start != nil {
		return nil
	}
	return &marlowequery.Page[K, W]{Items: []W{}, TotalCount: 0}
}

// compile-time check: the handler serves the protocol.
var _ marlowequery.Handler = (*Handler)(nil)
