package n2c

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	ouroboros "github.com/blinklabs-io/gouroboros"
	"github.com/blinklabs-io/gouroboros/protocol/chainsync"
	pcommon "github.com/blinklabs-io/gouroboros/protocol/common"
	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// Consumer receives the chain from the follower. Calls are sequential and
// in chain order, never concurrent, also across reconnections.
//
// After every (re)connection the first call is RollBackward to the
// intersection point, which may be the consumer's own latest point: treat
// RollBackward as "truncate to this point", idempotently.
type Consumer interface {
	// IntersectPoints returns recent points the consumer has stored,
	// newest first (a few recent blocks and some older ones, so that an
	// intersection is found even after a rollback); empty when nothing is
	// stored yet. It is called at every (re)connection.
	IntersectPoints(ctx context.Context) ([]chain.Point, error)
	// RollForward applies the next block.
	RollForward(ctx context.Context, b chain.Block) error
	// RollBackward undoes every block after p (the origin: all of them).
	RollBackward(ctx context.Context, p chain.Point) error
}

// ErrIntersectNotFound means none of the intersection candidates is on
// the node's chain (wrong network, or a node that is behind the stored
// points).
var ErrIntersectNotFound = errors.New("no intersection with the node's chain")

// ErrNoIntersectCandidates means there is nothing to offer the node: the
// consumer has no points, no start point is configured and following from
// the origin is off. Run returns it at once.
var ErrNoIntersectCandidates = errors.New("no intersection candidates: the consumer has no points, no start point is configured and following from the origin is off")

// ConsumerError is an error returned by the Consumer. The follower does
// not retry it: Run returns it.
type ConsumerError struct {
	// Op is "intersect points", "roll forward" or "roll backward".
	Op string
	// Point is the block or rollback point concerned.
	Point chain.Point
	Err   error
}

// Error implements error.
func (e *ConsumerError) Error() string {
	return fmt.Sprintf("consumer %s at %s: %v", e.Op, e.Point, e.Err)
}

// Unwrap returns the consumer's error.
func (e *ConsumerError) Unwrap() error { return e.Err }

// Backoff is the reconnection schedule: delays grow from Initial by
// Multiplier up to Max, each randomised by ±Jitter (a fraction). It
// restarts from Initial after a session that delivered a block.
type Backoff struct {
	Initial    time.Duration
	Max        time.Duration
	Multiplier float64
	Jitter     float64
}

// DefaultBackoff is used for Backoff's zero fields.
func DefaultBackoff() Backoff {
	return Backoff{Initial: 500 * time.Millisecond, Max: 30 * time.Second, Multiplier: 2, Jitter: 0.2}
}

func (b Backoff) withDefaults() Backoff {
	d := DefaultBackoff()
	if b.Initial <= 0 {
		b.Initial = d.Initial
	}
	if b.Max < b.Initial {
		b.Max = max(d.Max, b.Initial)
	}
	if b.Multiplier < 1 {
		b.Multiplier = d.Multiplier
	}
	if b.Jitter < 0 || b.Jitter >= 1 {
		b.Jitter = d.Jitter
	}
	return b
}

func (b Backoff) jittered(d time.Duration) time.Duration {
	if b.Jitter == 0 {
		return d
	}
	f := 1 + b.Jitter*(2*rand.Float64()-1)
	return time.Duration(float64(d) * f)
}

func (b Backoff) next(d time.Duration) time.Duration {
	n := time.Duration(float64(d) * b.Multiplier)
	if n > b.Max || n <= 0 {
		return b.Max
	}
	return n
}

// FollowerConfig configures a Follower.
type FollowerConfig struct {
	Config
	// StartPoint, when set, is offered after the consumer's points: the
	// network's Marlowe start point (resolved by the caller; the script
	// registry records the publishing transactions, not their blocks).
	StartPoint *chain.Point
	// FromOrigin offers the origin as the last candidate, to follow the
	// whole chain.
	FromOrigin bool
	// DecodeBlocks makes the follower fully decode every block (checking
	// its body hash) before delivery and fill Block.Decoded; a block that
	// fails is a connection error. Off, only headers are read and the
	// consumer decodes what it needs.
	DecodeBlocks bool
	// PipelineLimit is the number of chain-sync requests kept in flight
	// (1..100; 0 means gouroboros' default of 75).
	PipelineLimit int
	// Backoff is the reconnection schedule.
	Backoff Backoff
	// ProgressInterval is how often the follower logs its position at
	// info level (0: every 10 s; negative: never).
	ProgressInterval time.Duration
}

// Follower follows the node's chain and feeds a Consumer.
type Follower struct {
	cfg      FollowerConfig
	consumer Consumer
	log      zerolog.Logger
	sessions atomic.Int64
}

// NewFollower checks the configuration and returns a follower.
func NewFollower(cfg FollowerConfig, consumer Consumer) (*Follower, error) {
	if consumer == nil {
		return nil, errors.New("follower: nil consumer")
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("follower: %w", err)
	}
	if cfg.PipelineLimit < 0 || cfg.PipelineLimit > chainsync.MaxPipelineLimit {
		return nil, fmt.Errorf("follower: pipeline limit %d out of range 0..%d", cfg.PipelineLimit, chainsync.MaxPipelineLimit)
	}
	if cfg.StartPoint != nil && cfg.StartPoint.IsOrigin() {
		cfg.FromOrigin = true
		cfg.StartPoint = nil
	}
	cfg.Backoff = cfg.Backoff.withDefaults()
	if cfg.ProgressInterval == 0 {
		cfg.ProgressInterval = 10 * time.Second
	}
	return &Follower{cfg: cfg, consumer: consumer, log: cfg.Logger.With().Str("component", "follower").Logger()}, nil
}

// Sessions reports how many connections the follower has made.
func (f *Follower) Sessions() int64 { return f.sessions.Load() }

// Run follows the chain until ctx ends or the consumer fails. When the
// node goes away (connection lost, handshake refused, no intersection,
// malformed data) it logs, waits per the backoff and resumes from the
// consumer's points. It returns ctx's error, the *ConsumerError or
// ErrNoIntersectCandidates.
func (f *Follower) Run(ctx context.Context) error {
	delay := f.cfg.Backoff.Initial
	failures := 0
	for {
		delivered, err := f.session(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ce *ConsumerError
		if errors.As(err, &ce) {
			f.log.Error().Err(err).Msg("consumer failed; stopping")
			return err
		}
		if errors.Is(err, ErrNoIntersectCandidates) {
			return err
		}
		// gouroboros' multiplexer gives up on a connection that has been
		// silent for 120 s; at the tip of a quiet network that is normal.
		idle := errors.Is(err, os.ErrDeadlineExceeded)
		if delivered > 0 || idle {
			delay, failures = f.cfg.Backoff.Initial, 0
		}
		failures++
		wait := f.cfg.Backoff.jittered(delay)
		ev := f.log.Warn()
		if idle {
			ev = f.log.Info()
		}
		ev.Err(err).Int("failures", failures).Dur("retry_in", wait).Msg("node connection lost; reconnecting")
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = f.cfg.Backoff.next(delay)
	}
}

// RunOnce runs one connection: it finds the intersection and follows
// until the connection ends, ctx ends or the consumer fails, and returns
// why (never nil).
func (f *Follower) RunOnce(ctx context.Context) error {
	_, err := f.session(ctx)
	return err
}

// candidates lists the intersection points to offer: the consumer's,
// then the start point, then the origin.
func (f *Follower) candidates(ctx context.Context) ([]chain.Point, error) {
	pts, err := f.consumer.IntersectPoints(ctx)
	if err != nil {
		return nil, &ConsumerError{Op: "intersect points", Err: err}
	}
	out := make([]chain.Point, 0, len(pts)+2)
	for _, p := range pts {
		if !p.IsOrigin() {
			out = append(out, p)
		}
	}
	if f.cfg.StartPoint != nil {
		out = append(out, *f.cfg.StartPoint)
	}
	// A consumer listing the origin asks for the whole chain.
	if f.cfg.FromOrigin || slices.Contains(pts, chain.Point{}) {
		out = append(out, chain.Point{})
	}
	if len(out) == 0 {
		return nil, ErrNoIntersectCandidates
	}
	return out, nil
}

// session is one connection's life. It returns the number of blocks
// delivered and why it ended.
func (f *Follower) session(ctx context.Context) (int, error) {
	f.sessions.Add(1)
	pts, err := f.candidates(ctx)
	if err != nil {
		return 0, err
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &session{f: f, ctx: sctx, cancel: cancel, failed: make(chan error, 1), lastProgress: time.Now()}
	csOpts := []chainsync.ChainSyncOptionFunc{
		chainsync.WithRollForwardRawFunc(s.rollForward),
		chainsync.WithRollBackwardFunc(s.rollBackward),
	}
	if f.cfg.PipelineLimit > 0 {
		csOpts = append(csOpts, chainsync.WithPipelineLimit(f.cfg.PipelineLimit))
	}
	nc, err := dial(sctx, f.cfg.Config, ouroboros.WithChainSyncConfig(chainsync.NewConfig(csOpts...)))
	if err != nil {
		return 0, err
	}
	defer s.stop(nc)
	f.log.Info().Str("address", f.cfg.Address).Int("candidates", len(pts)).Str("newest", pts[0].String()).Msg("connected to node; finding intersection")

	wire := make([]pcommon.Point, len(pts))
	for i, p := range pts {
		wire[i] = p.Protocol()
	}
	syncDone := make(chan error, 1)
	go func() { syncDone <- nc.oc.ChainSync().Client.Sync(wire) }()
	for {
		select {
		case <-ctx.Done():
			return s.delivered(), ctx.Err()
		case err := <-s.failed:
			return s.delivered(), err
		case err := <-syncDone:
			syncDone = nil
			if errors.Is(err, chainsync.ErrIntersectNotFound) {
				return 0, fmt.Errorf("%w: tried %d points, newest %s, oldest %s", ErrIntersectNotFound, len(pts), pts[0], pts[len(pts)-1])
			}
			if err != nil {
				return 0, fmt.Errorf("chain-sync: find intersection: %w", err)
			}
		case err, ok := <-nc.errs:
			// A consumer or block error tears the connection down too;
			// report that cause rather than the resulting protocol error.
			select {
			case ferr := <-s.failed:
				return s.delivered(), ferr
			default:
			}
			if !ok {
				return s.delivered(), errors.New("node connection closed")
			}
			return s.delivered(), fmt.Errorf("node connection: %w", err)
		}
	}
}

// session holds one connection's chain-sync state. Callbacks run on the
// connection's receive goroutine, one at a time; mu also lets stop wait
// for a callback in progress so that no consumer call from an old session
// overlaps the next one.
type session struct {
	f      *Follower
	ctx    context.Context
	cancel context.CancelFunc
	failed chan error

	mu           sync.Mutex
	closed       bool
	last         chain.Point
	started      bool
	forwards     int
	lastProgress time.Time
}

var errSessionClosed = errors.New("follower session closed")

func (s *session) delivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.forwards
}

// stop cancels the consumer's context, closes the connection and waits
// for a callback in progress.
func (s *session) stop(nc *nodeConn) {
	s.cancel()
	nc.close()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
}

// fail records why the session ends (first cause wins) and returns the
// error for gouroboros, which then closes the connection.
func (s *session) fail(err error) error {
	select {
	case s.failed <- err:
	default:
	}
	return err
}

func (s *session) rollForward(_ chainsync.CallbackContext, blockType uint, raw []byte, wireTip chainsync.Tip) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.ctx.Err() != nil {
		return errSessionClosed
	}
	if !s.started {
		return s.fail(errors.New("node protocol error: RollForward before the RollBackward to the intersection"))
	}
	b, err := chain.Parse(blockType, raw)
	if err != nil {
		return s.fail(fmt.Errorf("block after %s: %w", s.last, err))
	}
	if b.Point.Slot < s.last.Slot {
		return s.fail(fmt.Errorf("node protocol error: block %s goes back in slots after %s", b.Point, s.last))
	}
	if b.Tip, err = chain.TipFromProtocol(wireTip); err != nil {
		return s.fail(fmt.Errorf("block %s after %s: %w", b.Point, s.last, err))
	}
	if s.f.cfg.DecodeBlocks {
		if b.Decoded, err = chain.DecodeBlock(blockType, raw); err != nil {
			return s.fail(fmt.Errorf("block %s after %s: %w", b.Point, s.last, err))
		}
	}
	if err := s.f.consumer.RollForward(s.ctx, b); err != nil {
		return s.fail(&ConsumerError{Op: "roll forward", Point: b.Point, Err: err})
	}
	s.last = b.Point
	s.forwards++
	s.progress(b)
	return nil
}

func (s *session) rollBackward(_ chainsync.CallbackContext, wirePoint pcommon.Point, wireTip chainsync.Tip) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.ctx.Err() != nil {
		return errSessionClosed
	}
	p, err := chain.FromProtocol(wirePoint)
	if err != nil {
		return s.fail(fmt.Errorf("node protocol error: rollback point: %w", err))
	}
	tip, err := chain.TipFromProtocol(wireTip)
	if err != nil {
		return s.fail(fmt.Errorf("node protocol error: %w", err))
	}
	if err := s.f.consumer.RollBackward(s.ctx, p); err != nil {
		return s.fail(&ConsumerError{Op: "roll backward", Point: p, Err: err})
	}
	if !s.started {
		s.started = true
		s.f.log.Info().Str("intersection", p.String()).Str("tip", tip.Point.String()).Uint64("tip_block", tip.BlockNumber).Msg("intersection found")
	} else {
		s.f.log.Info().Str("to", p.String()).Str("from", s.last.String()).Msg("rollback")
	}
	s.last = p
	return nil
}

func (s *session) progress(b chain.Block) {
	iv := s.f.cfg.ProgressInterval
	if iv < 0 || time.Since(s.lastProgress) < iv {
		return
	}
	s.lastProgress = time.Now()
	s.f.log.Info().Uint64("slot", b.Point.Slot).Uint64("block", b.Number).
		Uint64("tip_slot", b.Tip.Point.Slot).Uint64("tip_block", b.Tip.BlockNumber).
		Int("blocks_this_session", s.forwards).Msg("following")
}
