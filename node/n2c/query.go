package n2c

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"time"

	ouroboros "github.com/blinklabs-io/gouroboros"
	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/shelley"
	"github.com/blinklabs-io/gouroboros/protocol"
	pcommon "github.com/blinklabs-io/gouroboros/protocol/common"
	"github.com/blinklabs-io/gouroboros/protocol/localstatequery"
	"github.com/blinklabs-io/gouroboros/protocol/localtxsubmission"
	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

// Client runs local-state-query and local-tx-submission over one node
// connection, dialled on first use and re-dialled after it is lost. It is
// safe for concurrent use; state queries run one batch at a time.
//
// Cancelling the context of a call in progress closes the connection (the
// protocols have no cancellation); the next call reconnects.
type Client struct {
	cfg Config
	log zerolog.Logger

	qmu sync.Mutex // one query batch at a time

	mu     sync.Mutex
	conn   *liveConn
	closed bool
}

// liveConn is a node connection with a flag that turns on when it dies
// or is closed.
type liveConn struct {
	*nodeConn
	dead     chan struct{}
	deadOnce sync.Once
}

func (lc *liveConn) markDead() { lc.deadOnce.Do(func() { close(lc.dead) }) }

// kill closes the connection and marks it dead at once, so that the next
// call dials afresh instead of using a connection still shutting down.
func (lc *liveConn) kill() {
	lc.markDead()
	lc.close()
}

func (lc *liveConn) isDead() bool {
	select {
	case <-lc.dead:
		return true
	default:
		return false
	}
}

// NewClient checks the configuration; it does not connect yet.
func NewClient(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("node client: %w", err)
	}
	return &Client{cfg: cfg, log: cfg.Logger.With().Str("component", "node-client").Logger()}, nil
}

// Close closes the connection; later calls fail.
func (c *Client) Close() error {
	c.mu.Lock()
	lc := c.conn
	c.conn, c.closed = nil, true
	c.mu.Unlock()
	if lc != nil {
		lc.kill()
	}
	return nil
}

// connection returns the live connection, dialling if needed; fresh
// tells whether it was just dialled.
func (c *Client) connection(ctx context.Context) (lc *liveConn, fresh bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, false, errors.New("node client closed")
	}
	if c.conn != nil && !c.conn.isDead() {
		return c.conn, false, nil
	}
	if c.conn != nil {
		c.conn.kill()
		c.conn = nil
	}
	t := c.cfg.queryTimeout()
	nc, err := dial(ctx, c.cfg,
		ouroboros.WithLocalStateQueryConfig(localstatequery.NewConfig(
			localstatequery.WithAcquireTimeout(t),
			localstatequery.WithQueryTimeout(t),
		)),
		ouroboros.WithLocalTxSubmissionConfig(localtxsubmission.NewConfig(
			localtxsubmission.WithTimeout(t),
		)),
	)
	if err != nil {
		return nil, false, err
	}
	if nc.oc.LocalStateQuery() == nil {
		nc.close()
		return nil, false, errors.New("node does not offer local-state-query on this connection")
	}
	lc = &liveConn{nodeConn: nc, dead: make(chan struct{})}
	go func() {
		for err := range nc.errs {
			// After kill (our own Close, or a call's timeout) the
			// connection's end is expected, not worth a warning.
			if !lc.isDead() {
				c.log.Warn().Err(err).Msg("node connection error")
			}
			break
		}
		lc.markDead()
	}()
	c.conn = lc
	return lc, true, nil
}

// guard runs a blocking protocol call so that ctx cancellation closes the
// connection (unblocking the call) and a gouroboros panic on a malformed
// reply becomes an error.
func guard(ctx context.Context, lc *liveConn, call func() error) (err error) {
	stop := context.AfterFunc(ctx, lc.kill)
	defer stop()
	defer func() {
		if r := recover(); r != nil {
			lc.kill()
			err = fmt.Errorf("malformed reply from the node (decoder panic: %v)", r)
		}
	}()
	err = call()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if errors.Is(err, protocol.ErrProtocolShuttingDown) {
		lc.kill()
	}
	return err
}

// Snapshot answers queries against one acquired ledger state.
type Snapshot struct {
	ctx   context.Context
	lc    *liveConn
	lsq   *localstatequery.Client
	point chain.Point
}

// Query acquires the node's current (volatile tip) ledger state, runs fn
// against it and releases it: all queries inside one call see the same
// state, and each call sees a fresh one (gouroboros would otherwise keep
// the first state acquired for the life of the connection).
func (c *Client) Query(ctx context.Context, fn func(*Snapshot) error) error {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	lc, fresh, err := c.connection(ctx)
	if err != nil {
		return err
	}
	lsq := lc.oc.LocalStateQuery().Client
	err = guard(ctx, lc, func() error { return lsq.Acquire(nil) })
	if !fresh && errors.Is(err, protocol.ErrProtocolShuttingDown) {
		// The idle connection died before its monitor noticed (a node
		// restart): nothing was asked yet, so dial again once.
		if lc, _, err = c.connection(ctx); err != nil {
			return err
		}
		lsq = lc.oc.LocalStateQuery().Client
		err = guard(ctx, lc, func() error { return lsq.Acquire(nil) })
	}
	if err != nil {
		return fmt.Errorf("acquire ledger state: %w", err)
	}
	// gouroboros' Acquired handler still writes the client's era cache
	// after Acquire has returned, racing with the next era-dependent
	// query. A first query that does not read that cache is answered
	// through the same receive goroutine, hence only after the handler has
	// finished: the state's chain point (node-to-client v10+, cardano-node
	// 1.31+) serves as that barrier and is kept.
	var wp *pcommon.Point
	if err := guard(ctx, lc, func() (err error) { wp, err = lsq.GetChainPoint(); return }); err != nil {
		return fmt.Errorf("acquire ledger state: chain point: %w", err)
	}
	if wp == nil {
		return errors.New("acquire ledger state: chain point: empty reply")
	}
	point, err := chain.FromProtocol(*wp)
	if err != nil {
		return fmt.Errorf("acquire ledger state: chain point: %w", err)
	}
	ferr := fn(&Snapshot{ctx: ctx, lc: lc, lsq: lsq, point: point})
	var rerr error
	if !lc.isDead() {
		rerr = guard(ctx, lc, lsq.Release)
	}
	if ferr != nil {
		return ferr
	}
	if rerr != nil {
		return fmt.Errorf("release ledger state: %w", rerr)
	}
	return nil
}

func (s *Snapshot) call(what string, f func() error) error {
	if err := guard(s.ctx, s.lc, f); err != nil {
		return fmt.Errorf("query %s: %w", what, err)
	}
	return nil
}

// SystemStart returns the network's system start.
func (s *Snapshot) SystemStart() (time.Time, error) {
	var r *localstatequery.SystemStartResult
	if err := s.call("system start", func() (err error) { r, err = s.lsq.GetSystemStart(); return }); err != nil {
		return time.Time{}, err
	}
	if r == nil {
		return time.Time{}, errors.New("query system start: empty reply")
	}
	t, err := slottime.SystemStartFromOrdinal(&r.Year, r.Day, &r.Picoseconds)
	if err != nil {
		return time.Time{}, fmt.Errorf("query system start: %w", err)
	}
	return t, nil
}

// EraHistory returns the hard-fork era history, oldest era first.
func (s *Snapshot) EraHistory() ([]slottime.Era, error) {
	var r []localstatequery.EraHistoryResult
	if err := s.call("era history", func() (err error) { r, err = s.lsq.GetEraHistory(); return }); err != nil {
		return nil, err
	}
	eras, err := erasFromWire(r)
	if err != nil {
		return nil, fmt.Errorf("query era history: %w", err)
	}
	return eras, nil
}

// SlotConverter builds the slot/time converter from this state's system
// start and era history.
func (s *Snapshot) SlotConverter() (*slottime.Converter, error) {
	start, err := s.SystemStart()
	if err != nil {
		return nil, err
	}
	eras, err := s.EraHistory()
	if err != nil {
		return nil, err
	}
	conv, err := slottime.New(start, eras)
	if err != nil {
		return nil, fmt.Errorf("slot converter: %w", err)
	}
	return conv, nil
}

// CurrentEra returns the hard-fork era index (6 is Conway).
func (s *Snapshot) CurrentEra() (int, error) {
	var era int
	err := s.call("current era", func() (err error) { era, err = s.lsq.GetCurrentEra(); return })
	return era, err
}

// ChainPoint returns the point of the acquired state (the node's tip when
// it was acquired).
func (s *Snapshot) ChainPoint() chain.Point { return s.point }

// ProtocolParams returns the current protocol parameters (a
// *conway.ConwayProtocolParameters in the Conway era).
func (s *Snapshot) ProtocolParams() (lcommon.ProtocolParameters, error) {
	var pp lcommon.ProtocolParameters
	if err := s.call("protocol parameters", func() (err error) { pp, err = s.lsq.GetCurrentProtocolParams(); return }); err != nil {
		return nil, err
	}
	if pp == nil {
		return nil, errors.New("query protocol parameters: empty reply")
	}
	return pp, nil
}

// UTxO is an unspent output.
type UTxO struct {
	Ref registry.TxOutRef
	// Output keeps its original CBOR (Output.Cbor()).
	Output lcommon.TransactionOutput
}

// UTxOByAddress returns the unspent outputs at the addresses, ordered by
// reference.
func (s *Snapshot) UTxOByAddress(addrs ...lcommon.Address) ([]UTxO, error) {
	if len(addrs) == 0 {
		return nil, nil
	}
	var r *localstatequery.UTxOsResult
	if err := s.call("UTxO by address", func() (err error) { r, err = s.lsq.GetUTxOByAddress(addrs); return }); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errors.New("query UTxO by address: empty reply")
	}
	return utxosFromWire("UTxO by address", r.Results)
}

// UTxOByTxIn returns those of the referenced outputs that are unspent,
// ordered by reference.
func (s *Snapshot) UTxOByTxIn(refs ...registry.TxOutRef) ([]UTxO, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	ins := make([]lcommon.TransactionInput, len(refs))
	for i, r := range refs {
		ins[i] = shelley.ShelleyTransactionInput{TxId: lcommon.Blake2b256(r.TxID), OutputIndex: r.Index}
	}
	var r *localstatequery.UTxOByTxInResult
	if err := s.call("UTxO by TxIn", func() (err error) { r, err = s.lsq.GetUTxOByTxIn(ins); return }); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errors.New("query UTxO by TxIn: empty reply")
	}
	return utxosFromWire("UTxO by TxIn", r.Results)
}

func utxosFromWire(what string, m map[localstatequery.UtxoId]babbage.BabbageTransactionOutput) ([]UTxO, error) {
	out := make([]UTxO, 0, len(m))
	for id, o := range m {
		if id.Idx < 0 || id.Idx > 1<<32-1 {
			return nil, fmt.Errorf("query %s: output index %d out of range", what, id.Idx)
		}
		out = append(out, UTxO{Ref: registry.TxOutRef{TxID: registry.TxID(id.Hash), Index: uint32(id.Idx)}, Output: &o})
	}
	slices.SortFunc(out, func(a, b UTxO) int {
		if c := bytes.Compare(a.Ref.TxID[:], b.Ref.TxID[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.Ref.Index, b.Ref.Index)
	})
	return out, nil
}

// erasFromWire converts gouroboros' era history. An end bound without a
// time (a null on the wire) is an unbounded era.
func erasFromWire(rs []localstatequery.EraHistoryResult) ([]slottime.Era, error) {
	if len(rs) == 0 {
		return nil, errors.New("empty era history")
	}
	eras := make([]slottime.Era, len(rs))
	for i, r := range rs {
		start, err := boundFromWire(r.Begin.Timespan, r.Begin.SlotNo, r.Begin.EpochNo)
		if err != nil {
			return nil, fmt.Errorf("era %d start: %w", i, err)
		}
		e := slottime.Era{Start: start}
		if r.End.Timespan != nil {
			end, err := boundFromWire(r.End.Timespan, r.End.SlotNo, r.End.EpochNo)
			if err != nil {
				return nil, fmt.Errorf("era %d end: %w", i, err)
			}
			e.End = &end
		}
		p := r.Params
		if p.EpochLength <= 0 || p.SlotLength <= 0 || p.SlotsPerKESPeriod.Value < 0 || p.Unknown < 0 {
			return nil, fmt.Errorf("era %d: bad parameters (epoch length %d, slot length %d ms, safe zone %d, genesis window %d)",
				i, p.EpochLength, p.SlotLength, p.SlotsPerKESPeriod.Value, p.Unknown)
		}
		e.EpochLength = uint64(p.EpochLength)
		e.SlotLengthMs = uint64(p.SlotLength)
		e.SafeZone = uint64(p.SlotsPerKESPeriod.Value)
		e.GenesisWindow = uint64(p.Unknown)
		eras[i] = e
	}
	return eras, nil
}

// boundFromWire converts an era bound whose time is an unsigned integer
// or a bignum (mainnet's exceed 64 bits).
func boundFromWire(ts any, slot, epoch int) (slottime.Bound, error) {
	var t *big.Int
	switch v := ts.(type) {
	case uint64:
		t = new(big.Int).SetUint64(v)
	case int64:
		t = big.NewInt(v)
	case big.Int:
		t = new(big.Int).Set(&v)
	case *big.Int:
		if v == nil {
			return slottime.Bound{}, errors.New("missing time")
		}
		t = new(big.Int).Set(v)
	default:
		return slottime.Bound{}, fmt.Errorf("time has unexpected type %T", ts)
	}
	if t.Sign() < 0 {
		return slottime.Bound{}, fmt.Errorf("negative time %s", t)
	}
	if slot < 0 || epoch < 0 {
		return slottime.Bound{}, fmt.Errorf("negative slot %d or epoch %d", slot, epoch)
	}
	return slottime.Bound{Time: t, Slot: uint64(slot), Epoch: uint64(epoch)}, nil
}

// One-call helpers, each in its own acquired state.

// SystemStart queries the system start.
func (c *Client) SystemStart(ctx context.Context) (t time.Time, err error) {
	err = c.Query(ctx, func(s *Snapshot) error { t, err = s.SystemStart(); return err })
	return t, err
}

// EraHistory queries the era history.
func (c *Client) EraHistory(ctx context.Context) (eras []slottime.Era, err error) {
	err = c.Query(ctx, func(s *Snapshot) error { eras, err = s.EraHistory(); return err })
	return eras, err
}

// SlotConverter queries the system start and era history (in one state)
// and builds the converter. The history ends at the node's forecast
// horizon: refresh the converter as the chain advances.
func (c *Client) SlotConverter(ctx context.Context) (conv *slottime.Converter, err error) {
	err = c.Query(ctx, func(s *Snapshot) error { conv, err = s.SlotConverter(); return err })
	return conv, err
}

// ProtocolParams queries the current protocol parameters.
func (c *Client) ProtocolParams(ctx context.Context) (pp lcommon.ProtocolParameters, err error) {
	err = c.Query(ctx, func(s *Snapshot) error { pp, err = s.ProtocolParams(); return err })
	return pp, err
}

// ChainPoint queries the node's tip point.
func (c *Client) ChainPoint(ctx context.Context) (p chain.Point, err error) {
	err = c.Query(ctx, func(s *Snapshot) error { p = s.ChainPoint(); return nil })
	return p, err
}

// UTxOByAddress queries the unspent outputs at the addresses.
func (c *Client) UTxOByAddress(ctx context.Context, addrs ...lcommon.Address) (us []UTxO, err error) {
	err = c.Query(ctx, func(s *Snapshot) error { us, err = s.UTxOByAddress(addrs...); return err })
	return us, err
}

// UTxOByTxIn queries which of the referenced outputs are unspent.
func (c *Client) UTxOByTxIn(ctx context.Context, refs ...registry.TxOutRef) (us []UTxO, err error) {
	err = c.Query(ctx, func(s *Snapshot) error { us, err = s.UTxOByTxIn(refs...); return err })
	return us, err
}
