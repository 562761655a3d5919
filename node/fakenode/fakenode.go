// Package fakenode is an in-process cardano-node stand-in for tests: a
// node-to-client server built on gouroboros' server side. It serves a chain
// of raw blocks over chain-sync (following a growing tip, with forks and
// rollbacks injected on command), answers local-state-query from a
// configurable ledger snapshot (system start, era history, current era,
// chain point, protocol parameters, UTxO by address and by TxIn) and
// accepts or rejects submitted transactions.
//
// It listens only on a unix socket or on 127.0.0.1, and can drop every
// connection on command to simulate the node going away.
//
// The chain is a plain sequence: the fake node does not check that a block
// links to its predecessor, so real blocks from unrelated heights can be
// served in order. Each block's parent for rollback purposes is the block
// it was appended after.
package fakenode

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"sync"
	"time"

	ouroboros "github.com/blinklabs-io/gouroboros"
	"github.com/blinklabs-io/gouroboros/muxer"
	"github.com/blinklabs-io/gouroboros/protocol/chainsync"
	pcommon "github.com/blinklabs-io/gouroboros/protocol/common"
	"github.com/blinklabs-io/gouroboros/protocol/localstatequery"
	"github.com/blinklabs-io/gouroboros/protocol/localtxsubmission"
	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

// EraConway is the hard-fork-combinator index of the Conway era, the
// default current era.
const EraConway = 6

// Config configures a fake node.
type Config struct {
	// Magic is the network magic the handshake accepts (required).
	Magic uint32
	// Logger receives the node's own debug logs; zero value discards.
	Logger zerolog.Logger
	// SystemStart and Eras answer GetSystemStart and GetEraHistory.
	SystemStart time.Time
	Eras        []slottime.Era
	// CurrentEra is the hard-fork era index reported (0 means Conway).
	CurrentEra int
	// ProtocolParams answers GetCurrentProtocolParams; it must encode to
	// CBOR (e.g. a *conway.ConwayProtocolParameters with all rationals
	// set). Nil makes the query fail.
	ProtocolParams any
	// UTxOs is the initial UTxO set.
	UTxOs []UTxO
	// Answer, when set, may override the answer to any local-state-query
	// query with raw CBOR; return ok=false to answer normally. It receives
	// the innermost gouroboros query value (e.g.
	// *localstatequery.SystemStartQuery,
	// *localstatequery.ShelleyCurrentProtocolParamsQuery). Tests use it to
	// send malformed replies.
	Answer func(query any) (cbor []byte, ok bool)
	// Submit decides on submitted transactions: nil accepts everything;
	// a returned error rejects the transaction with that reason (a
	// Rejection for a ledger-shaped reason, any other error as text).
	Submit func(era uint16, tx []byte) error
}

// UTxO is an unspent output: its reference and its CBOR (either output
// form).
type UTxO struct {
	Ref    registry.TxOutRef
	Output []byte
}

type utxoEntry struct {
	UTxO
	addr []byte
}

// Submission is a transaction received over local-tx-submission.
type Submission struct {
	Era      uint16
	CBOR     []byte
	Accepted bool
}

// Node is a running fake node. All methods are safe for concurrent use.
type Node struct {
	cfg Config
	log zerolog.Logger

	mu        sync.Mutex
	blocks    []chain.Block
	index     map[chain.Point]int
	parent    map[chain.Point]chain.Point
	utxos     []utxoEntry
	ppCBOR    []byte
	submitted []Submission
	conns     map[int]*conn
	nextID    int
	served    int
	dropAfter int
	refuse    bool
	accepted  int
	listeners []net.Listener
	closed    bool

	wg sync.WaitGroup
}

// conn is one client connection. Its chain-sync cursor is guarded by
// Node.mu.
type conn struct {
	id  int
	raw net.Conn
	oc  *ouroboros.Connection

	cs              *chainsync.Server
	cursor          chain.Point
	pendingRollback bool
	parked          bool
	snapshot        *snapshot
}

// New builds a fake node; it serves nothing until Listen is called.
func New(cfg Config) (*Node, error) {
	if cfg.Magic == 0 {
		return nil, errors.New("fake node: network magic is required")
	}
	if cfg.CurrentEra == 0 {
		cfg.CurrentEra = EraConway
	}
	if cfg.SystemStart.IsZero() != (len(cfg.Eras) == 0) {
		return nil, errors.New("fake node: give both the system start and the era history, or neither")
	}
	if len(cfg.Eras) > 0 {
		if _, err := slottime.New(cfg.SystemStart, cfg.Eras); err != nil {
			return nil, fmt.Errorf("fake node: %w", err)
		}
	}
	n := &Node{
		cfg:    cfg,
		log:    cfg.Logger.With().Str("component", "fakenode").Logger(),
		index:  make(map[chain.Point]int),
		parent: make(map[chain.Point]chain.Point),
		conns:  make(map[int]*conn),
	}
	if err := n.SetUTxOs(cfg.UTxOs); err != nil {
		return nil, err
	}
	if cfg.ProtocolParams != nil {
		if err := n.SetProtocolParams(cfg.ProtocolParams); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// ListenUnix serves on a unix socket at path (normally inside
// t.TempDir()).
func (n *Node) ListenUnix(path string) error {
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("fake node: %w", err)
	}
	return n.serve(ln)
}

// ListenLoopback serves on 127.0.0.1 at a free TCP port and returns the
// address.
func (n *Node) ListenLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("fake node: %w", err)
	}
	if err := n.serve(ln); err != nil {
		return "", err
	}
	return ln.Addr().String(), nil
}

func (n *Node) serve(ln net.Listener) error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		ln.Close()
		return errors.New("fake node: closed")
	}
	n.listeners = append(n.listeners, ln)
	n.mu.Unlock()
	n.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.wg.Go(func() { n.handle(c) })
		}
	})
	return nil
}

// Close stops listening, drops every connection and waits for the node's
// goroutines.
func (n *Node) Close() error {
	n.mu.Lock()
	n.closed = true
	lns := n.listeners
	n.listeners = nil
	n.mu.Unlock()
	for _, ln := range lns {
		ln.Close()
		if u, ok := ln.Addr().(*net.UnixAddr); ok {
			_ = os.Remove(u.Name)
		}
	}
	n.DropConnections()
	n.wg.Wait()
	return nil
}

// handle runs one connection: handshake, then the mini-protocol servers
// until the connection ends.
func (n *Node) handle(raw net.Conn) {
	n.mu.Lock()
	if n.refuse || n.closed {
		n.mu.Unlock()
		raw.Close()
		return
	}
	n.nextID++
	cn := &conn{id: n.nextID, raw: raw}
	n.conns[cn.id] = cn
	n.accepted++
	n.mu.Unlock()
	defer n.forget(cn)

	errs := make(chan error, 16)
	oc, err := ouroboros.NewConnection(
		ouroboros.WithConnection(raw),
		ouroboros.WithServer(true),
		ouroboros.WithNodeToNode(false),
		ouroboros.WithNetworkMagic(n.cfg.Magic),
		ouroboros.WithErrorChan(errs),
		ouroboros.WithChainSyncConfig(chainsync.NewConfig(
			chainsync.WithFindIntersectFunc(func(ctx chainsync.CallbackContext, pts []pcommon.Point) (pcommon.Point, chainsync.Tip, error) {
				return n.findIntersect(cn, ctx, pts)
			}),
			chainsync.WithRequestNextFunc(func(ctx chainsync.CallbackContext) error {
				return n.requestNext(cn, ctx)
			}),
		)),
		ouroboros.WithLocalStateQueryConfig(localstatequery.NewConfig(
			localstatequery.WithAcquireFunc(func(ctx localstatequery.CallbackContext, t localstatequery.AcquireTarget, re bool) error {
				return n.acquire(cn, ctx, t, re)
			}),
			localstatequery.WithQueryFunc(func(ctx localstatequery.CallbackContext, q localstatequery.QueryWrapper) (any, error) {
				return n.query(cn, q)
			}),
			localstatequery.WithReleaseFunc(func(localstatequery.CallbackContext) error {
				n.mu.Lock()
				cn.snapshot = nil
				n.mu.Unlock()
				return nil
			}),
		)),
		ouroboros.WithLocalTxSubmissionConfig(localtxsubmission.NewConfig(
			localtxsubmission.WithSubmitTxFunc(func(_ localtxsubmission.CallbackContext, tx localtxsubmission.MsgSubmitTxTransaction) error {
				return n.submit(tx)
			}),
		)),
	)
	if err != nil {
		n.log.Debug().Err(err).Int("conn", cn.id).Msg("handshake failed")
		raw.Close()
		return
	}
	n.mu.Lock()
	cn.oc = oc
	_, live := n.conns[cn.id]
	n.mu.Unlock()
	if !live { // dropped during the handshake
		oc.Close()
		return
	}
	n.log.Debug().Int("conn", cn.id).Msg("client connected")
	for err := range errs {
		n.log.Debug().Err(err).Int("conn", cn.id).Msg("connection error")
	}
	n.log.Debug().Int("conn", cn.id).Msg("connection closed")
}

func (n *Node) forget(cn *conn) {
	n.mu.Lock()
	delete(n.conns, cn.id)
	n.mu.Unlock()
}

// DropConnections closes every client connection abruptly, as a node that
// stops would. The listener keeps accepting.
func (n *Node) DropConnections() {
	n.mu.Lock()
	cs := make([]*conn, 0, len(n.conns))
	for id, cn := range n.conns {
		cs = append(cs, cn)
		delete(n.conns, id)
	}
	n.mu.Unlock()
	for _, cn := range cs {
		cn.raw.Close()
		if cn.oc != nil {
			cn.oc.Close()
		}
	}
	if len(cs) > 0 {
		n.log.Debug().Int("connections", len(cs)).Msg("dropped connections")
	}
}

// DropAfterBlocks arms a one-shot trigger: after k more RollForward
// messages have been sent (over all connections), every connection is
// dropped. k ≤ 0 disarms it.
func (n *Node) DropAfterBlocks(k int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if k <= 0 {
		n.dropAfter = 0
		return
	}
	n.dropAfter = n.served + k
}

// SetRefuse makes the node close new connections immediately (refuse =
// true), as a node that is down would, or accept them again.
func (n *Node) SetRefuse(refuse bool) {
	n.mu.Lock()
	n.refuse = refuse
	n.mu.Unlock()
}

// Stats reports how many connections were accepted, how many are open and
// how many RollForward messages were sent.
func (n *Node) Stats() (accepted, open, rollForwards int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.accepted, len(n.conns), n.served
}

// InjectChainSync sends payload as a raw chain-sync message from the
// server to every connected client, bypassing the protocol state machine:
// a way to test a client against an unexpected or malformed node message.
func (n *Node) InjectChainSync(payload []byte) int {
	n.mu.Lock()
	var ocs []*ouroboros.Connection
	for _, cn := range n.conns {
		if cn.oc != nil {
			ocs = append(ocs, cn.oc)
		}
	}
	n.mu.Unlock()
	sent := 0
	for _, oc := range ocs {
		if err := oc.Muxer().Send(muxer.NewSegment(chainsync.ProtocolIdNtC, bytes.Clone(payload), true)); err == nil {
			sent++
		}
	}
	return sent
}

// Submitted returns the transactions received so far.
func (n *Node) Submitted() []Submission {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]Submission, len(n.submitted))
	for i, s := range n.submitted {
		s.CBOR = slices.Clone(s.CBOR)
		out[i] = s
	}
	return out
}

func (n *Node) submit(tx localtxsubmission.MsgSubmitTxTransaction) error {
	raw, ok := tx.Raw.Content.([]byte)
	if !ok {
		return fmt.Errorf("transaction is not wrapped in a CBOR byte string (got %T)", tx.Raw.Content)
	}
	var err error
	if n.cfg.Submit != nil {
		err = n.cfg.Submit(tx.EraId, slices.Clone(raw))
	}
	n.mu.Lock()
	n.submitted = append(n.submitted, Submission{Era: tx.EraId, CBOR: slices.Clone(raw), Accepted: err == nil})
	n.mu.Unlock()
	return err
}
