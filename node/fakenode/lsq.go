package fakenode

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/blinklabs-io/gouroboros/ledger"
	"github.com/blinklabs-io/gouroboros/protocol/localstatequery"
	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

// snapshot is the ledger state a local-state-query client acquired:
// queries answer from it until the client releases or re-acquires, as on
// a real node.
type snapshot struct {
	tip    chain.Tip
	utxos  []utxoEntry
	ppCBOR []byte
}

// SetUTxOs replaces the UTxO set. Each output is decoded to learn its
// address; a malformed output is an error.
func (n *Node) SetUTxOs(utxos []UTxO) error {
	entries := make([]utxoEntry, 0, len(utxos))
	seen := make(map[registry.TxOutRef]bool, len(utxos))
	for _, u := range utxos {
		if seen[u.Ref] {
			return fmt.Errorf("fake node: UTxO %s given twice", u.Ref)
		}
		seen[u.Ref] = true
		out, err := ledger.NewTransactionOutputFromCbor(u.Output)
		if err != nil {
			return fmt.Errorf("fake node: UTxO %s: %w", u.Ref, err)
		}
		addr := out.Address()
		ab, err := addr.Bytes()
		if err != nil {
			return fmt.Errorf("fake node: UTxO %s: address: %w", u.Ref, err)
		}
		entries = append(entries, utxoEntry{UTxO: UTxO{Ref: u.Ref, Output: slices.Clone(u.Output)}, addr: ab})
	}
	slices.SortFunc(entries, func(a, b utxoEntry) int { return registry.CompareTxOutRef(a.Ref, b.Ref) })
	n.mu.Lock()
	n.utxos = entries
	n.mu.Unlock()
	return nil
}

// SetProtocolParams replaces the protocol parameters. They are encoded at
// once so that an unencodable value is reported here, not on a query.
func (n *Node) SetProtocolParams(pp any) error {
	b, err := encodeRecover(pp)
	if err != nil {
		return fmt.Errorf("fake node: protocol parameters: %w", err)
	}
	n.mu.Lock()
	n.ppCBOR = b
	n.mu.Unlock()
	return nil
}

// encodeRecover encodes with gouroboros' encoder, which panics on some
// incomplete ledger values (a nil rational).
func encodeRecover(v any) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("cannot encode %T: %v", v, r)
		}
	}()
	return cbor.Marshal(v)
}

func (n *Node) acquire(cn *conn, ctx localstatequery.CallbackContext, _ localstatequery.AcquireTarget, reacquire bool) error {
	n.mu.Lock()
	// Any target acquires the current state: the fake node keeps no
	// history of ledger states.
	cn.snapshot = &snapshot{tip: n.tipLocked(), utxos: n.utxos, ppCBOR: n.ppCBOR}
	n.mu.Unlock()
	if reacquire {
		// gouroboros v0.199.0's server does not answer ReAcquire itself.
		return ctx.Server.SendMessage(localstatequery.NewMsgAcquired())
	}
	return nil
}

func (n *Node) query(cn *conn, q localstatequery.QueryWrapper) (any, error) {
	n.mu.Lock()
	snap := cn.snapshot
	n.mu.Unlock()
	if snap == nil {
		return nil, errors.New("fake node: query without an acquired state")
	}
	b, err := n.answer(snap, q.Query)
	if err != nil {
		n.log.Debug().Err(err).Msg("query failed")
		return nil, err
	}
	return cbor.RawMessage(b), nil
}

func (n *Node) answer(snap *snapshot, q any) ([]byte, error) {
	if n.cfg.Answer != nil {
		inner := q
		if bq, ok := q.(*localstatequery.BlockQuery); ok {
			inner = bq.Query
			switch iq := bq.Query.(type) {
			case *localstatequery.HardForkQuery:
				inner = iq.Query
			case *localstatequery.ShelleyQuery:
				inner = iq.Query
			}
		}
		if b, ok := n.cfg.Answer(inner); ok {
			return b, nil
		}
	}
	switch q := q.(type) {
	case *localstatequery.SystemStartQuery:
		if len(n.cfg.Eras) == 0 {
			return nil, errors.New("fake node: no system start configured")
		}
		y, d, ps := slottime.OrdinalFromSystemStart(n.cfg.SystemStart)
		return cbor.Marshal([]any{y, d, ps})
	case *localstatequery.ChainPointQuery:
		p := snap.tip.Point.Protocol()
		return cbor.Marshal(&p)
	case *localstatequery.ChainBlockNoQuery:
		if snap.tip.Point.IsOrigin() {
			return cbor.Marshal([]any{0})
		}
		return cbor.Marshal([]any{1, snap.tip.BlockNumber})
	case *localstatequery.BlockQuery:
		switch bq := q.Query.(type) {
		case *localstatequery.HardForkQuery:
			switch bq.Query.(type) {
			case *localstatequery.HardForkCurrentEraQuery:
				return cbor.Marshal(n.cfg.CurrentEra)
			case *localstatequery.HardForkEraHistoryQuery:
				if len(n.cfg.Eras) == 0 {
					return nil, errors.New("fake node: no era history configured")
				}
				return EncodeEraHistory(n.cfg.Eras)
			}
			return nil, fmt.Errorf("fake node: unsupported hard-fork query %T", bq.Query)
		case *localstatequery.ShelleyQuery:
			if int(bq.Era) != n.cfg.CurrentEra {
				return nil, fmt.Errorf("fake node: query for era %d, current era is %d", bq.Era, n.cfg.CurrentEra)
			}
			return n.shelleyAnswer(snap, bq.Query)
		}
		return nil, fmt.Errorf("fake node: unsupported block query %T", q.Query)
	}
	return nil, fmt.Errorf("fake node: unsupported query %T", q)
}

func (n *Node) shelleyAnswer(snap *snapshot, q any) ([]byte, error) {
	switch q := q.(type) {
	case *localstatequery.ShelleyCurrentProtocolParamsQuery:
		if snap.ppCBOR == nil {
			return nil, errors.New("fake node: no protocol parameters configured")
		}
		return cbor.Marshal([]cbor.RawMessage{snap.ppCBOR})
	case *localstatequery.ShelleyUtxoByAddressQuery:
		want := make([][]byte, 0, len(q.Addrs))
		for _, a := range q.Addrs {
			ab, err := a.Bytes()
			if err != nil {
				return nil, fmt.Errorf("fake node: query address: %w", err)
			}
			want = append(want, ab)
		}
		var hits []utxoEntry
		for _, u := range snap.utxos {
			if slices.ContainsFunc(want, func(a []byte) bool { return bytes.Equal(a, u.addr) }) {
				hits = append(hits, u)
			}
		}
		return encodeUTxOs(hits)
	case *localstatequery.ShelleyUtxoByTxinQuery:
		var hits []utxoEntry
		for _, in := range q.TxIns {
			ref := registry.TxOutRef{TxID: registry.TxID(in.TxId), Index: in.OutputIndex}
			i, ok := slices.BinarySearchFunc(snap.utxos, ref, func(u utxoEntry, r registry.TxOutRef) int { return registry.CompareTxOutRef(u.Ref, r) })
			if ok && !slices.ContainsFunc(hits, func(h utxoEntry) bool { return h.Ref == ref }) {
				hits = append(hits, snap.utxos[i])
			}
		}
		return encodeUTxOs(hits)
	}
	return nil, fmt.Errorf("fake node: unsupported shelley query %T", q)
}

// encodeUTxOs writes the node's UTxO query result: a one-element list
// holding a map from [txid, index] to the output's original CBOR.
func encodeUTxOs(us []utxoEntry) ([]byte, error) {
	out := []byte{0x81}
	out = cborhead.Append(out, 5, uint64(len(us)))
	for _, u := range us {
		k, err := cbor.Marshal([]any{u.Ref.TxID[:], u.Ref.Index})
		if err != nil {
			return nil, err
		}
		out = append(out, k...)
		out = append(out, u.Output...)
	}
	return out, nil
}

// EncodeEraHistory writes an era history in the node's wire form: a list
// of [start bound, end bound or null when unbounded, params], a bound
// being [picoseconds since the system start (a bignum when it exceeds 64
// bits), slot, epoch] and params [epoch length, slot length in ms,
// safe zone [0, n, [0]], genesis window].
func EncodeEraHistory(eras []slottime.Era) ([]byte, error) {
	bound := func(b slottime.Bound) []any {
		return []any{new(big.Int).Set(b.Time), b.Slot, b.Epoch}
	}
	list := make([]any, 0, len(eras))
	for i, e := range eras {
		if e.Start.Time == nil || (e.End != nil && e.End.Time == nil) {
			return nil, fmt.Errorf("era history[%d]: missing time", i)
		}
		var end any
		if e.End != nil {
			end = bound(*e.End)
		}
		params := []any{e.EpochLength, e.SlotLengthMs, []any{0, e.SafeZone, []any{0}}, e.GenesisWindow}
		list = append(list, []any{bound(e.Start), end, params})
	}
	return cbor.Marshal(list)
}
