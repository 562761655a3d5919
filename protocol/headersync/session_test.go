package headersync

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// serve starts Serve on the server end of a fresh Pipe and returns a client
// on the other end and the channel Serve's result arrives on.
func serve(t *testing.T, ctx context.Context, h Handler) (*Client, *session.PipeEnd, <-chan error) {
	t.Helper()
	c, done := sessiontest.Serve(t, ctx, NewMachine(), NewMachine(), func(ctx context.Context, ch session.Channel) error {
		return Serve(ctx, ch, h)
	})
	return NewClient(c), c, done
}

func headersBytes(t *testing.T, hs []types.ContractHeader) []byte {
	t.Helper()
	e := binary.NewEncoder(nil)
	binary.EncodeList(e, hs, types.EncodeContractHeader)
	b, err := e.Result()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func expectNext(t *testing.T, got Next, err error, want Next) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != want.Kind || got.Block != want.Block || got.Point != want.Point ||
		!bytes.Equal(headersBytes(t, got.Headers), headersBytes(t, want.Headers)) {
		t.Fatalf("got %v block %v point %v (%d headers), want %v block %v point %v (%d headers)",
			got.Kind, got.Block, got.Point, len(got.Headers), want.Kind, want.Block, want.Point, len(want.Headers))
	}
}

func goldenHeaders(t *testing.T) []types.ContractHeader {
	return goldenSample(t, "MsgNewHeaders").(MsgNewHeaders).Headers
}

// TestSession discovers contracts through new headers, a wait answered by a
// later poll, intersections (including a failed one, after which the
// session goes on), rollbacks, and Done.
func TestSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hs := goldenHeaders(t)
	mem := NewMemory()
	h9, h10, h12 := header(9, "b9"), header(10, "b10"), header(12, "b12")
	if err := mem.AddBlock(h9); err != nil { // no creations: skipped by Next
		t.Fatal(err)
	}
	if err := mem.AddBlock(h10, hs...); err != nil {
		t.Fatal(err)
	}
	c, ce, done := serve(t, ctx, mem)

	n, err := c.RequestNext(ctx)
	expectNext(t, n, err, NewHeaders(h10, hs))
	n, err = c.RequestNext(ctx)
	expectNext(t, n, err, Wait())
	if !session.IsQuiet(ce.Machine()) {
		t.Fatal("client waiting but machine not quiet")
	}
	n, err = c.Poll(ctx)
	expectNext(t, n, err, Wait())
	if err := mem.AddBlock(h12, hs[0]); err != nil {
		t.Fatal(err)
	}
	n, err = c.Poll(ctx)
	expectNext(t, n, err, NewHeaders(h12, hs[:1]))

	if b, found, err := c.Intersect(ctx, []types.BlockHeader{h9, h10}); err != nil || !found || b != h10 {
		t.Fatalf("intersect: %v %v %v", b, found, err)
	}
	n, err = c.RequestNext(ctx)
	expectNext(t, n, err, NewHeaders(h12, hs[:1]))
	if _, found, err := c.Intersect(ctx, []types.BlockHeader{header(11, "b11")}); err != nil || found {
		t.Fatalf("intersect unknown: %v %v", found, err)
	}
	// Not found leaves the position where it was (after b12).
	n, err = c.RequestNext(ctx)
	expectNext(t, n, err, Wait())
	if err := c.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	mem.Rollback(types.PointAt(h10))
	n, err = c.RequestNext(ctx)
	expectNext(t, n, err, RollBackward(types.PointAt(h10)))
	mem.Rollback(types.ChainPoint{})
	n, err = c.RequestNext(ctx)
	expectNext(t, n, err, RollBackward(types.ChainPoint{}))
	n, err = c.RequestNext(ctx)
	expectNext(t, n, err, Wait())
	if err := c.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Done(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sessiontest.Wait(t, done); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if ce.Machine().Agency() != session.Nobody {
		t.Fatalf("client ended in %s", ce.Machine().State())
	}
}

// TestMemoryIntersect follows the Haskell rule: the points must be a run of
// consecutive chain blocks starting at the first point.
func TestMemoryIntersect(t *testing.T) {
	mem := NewMemory()
	var hs []types.BlockHeader
	for i := uint64(1); i <= 4; i++ {
		h := header(i*2, string(rune('a'+i)))
		hs = append(hs, h)
		if err := mem.AddBlock(h); err != nil {
			t.Fatal(err)
		}
	}
	other := header(3, "x")
	cases := []struct {
		name   string
		points []types.BlockHeader
		want   types.BlockHeader
		found  bool
	}{
		{"whole chain", hs, hs[3], true},
		{"prefix", hs[:2], hs[1], true},
		{"from the middle", hs[2:], hs[3], true},
		{"diverges", []types.BlockHeader{hs[0], other, hs[2]}, hs[0], true},
		{"unknown first point", []types.BlockHeader{other, hs[0]}, types.BlockHeader{}, false},
		{"no points", nil, types.BlockHeader{}, false},
	}
	for _, tc := range cases {
		got, found, err := mem.Intersect(context.Background(), tc.points)
		if err != nil || found != tc.found || got != tc.want {
			t.Errorf("%s: got %v %v %v, want %v %v", tc.name, got, found, err, tc.want, tc.found)
		}
	}
	if err := mem.AddBlock(header(5, "y")); err == nil {
		t.Error("block before the tip accepted")
	}
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := mem.Intersect(cctx, hs); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Intersect: %v", err)
	}
}

// stub is a Handler with canned answers.
type stub struct {
	intersect types.BlockHeader
	found     bool
	next      []Next
	err       error
}

func (s *stub) Intersect(context.Context, []types.BlockHeader) (types.BlockHeader, bool, error) {
	return s.intersect, s.found, s.err
}

func (s *stub) Next(context.Context, types.ChainPoint) (Next, error) {
	if len(s.next) == 0 {
		return Wait(), s.err
	}
	n := s.next[0]
	s.next = s.next[1:]
	return n, s.err
}

// TestServeRefusesBadHandlers: handler failures and inconsistent answers
// end the session with an error instead of confusing the client.
func TestServeRefusesBadHandlers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	boom := errors.New("index unavailable")
	at5 := header(5, "a")
	intersectThenNext := func(c *Client) error {
		if _, _, err := c.Intersect(ctx, []types.BlockHeader{at5}); err != nil {
			return err
		}
		_, err := c.RequestNext(ctx)
		return err
	}
	requestNext := func(c *Client) error { _, err := c.RequestNext(ctx); return err }
	cases := []struct {
		name    string
		h       *stub
		client  func(c *Client) error
		wantErr error
	}{
		{"next error", &stub{err: boom}, requestNext, boom},
		{"intersection not among the points", &stub{found: true, intersect: header(9, "x")}, func(c *Client) error {
			_, _, err := c.Intersect(ctx, []types.BlockHeader{at5})
			return err
		}, nil},
		{"zero Next", &stub{next: []Next{{}}}, requestNext, nil},
		{"headers not past the cursor", &stub{found: true, intersect: at5, next: []Next{NewHeaders(header(5, "b"), nil)}}, intersectThenNext, nil},
		{"roll backward from genesis", &stub{next: []Next{RollBackward(types.ChainPoint{})}}, requestNext, nil},
		{"roll backward past the cursor", &stub{found: true, intersect: at5, next: []Next{RollBackward(types.PointAt(header(6, "c")))}}, intersectThenNext, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _, done := serve(t, ctx, tc.h)
			go func() { _ = tc.client(c) }()
			err := sessiontest.Wait(t, done)
			if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("Serve: %v", err)
			}
		})
	}
	if err := Serve(ctx, nil, nil); err == nil {
		t.Fatal("nil handler accepted")
	}
	cctx, ccancel := context.WithCancel(ctx)
	_, _, done := serve(t, cctx, NewMemory())
	ccancel()
	if err := sessiontest.Wait(t, done); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Serve: %v", err)
	}
}
