package bulksync

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

func blocksBytes(t *testing.T, bs []types.MarloweBlock) []byte {
	t.Helper()
	e := binary.NewEncoder(nil)
	binary.EncodeList(e, bs, types.EncodeMarloweBlock)
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
	if got.Kind != want.Kind || got.Point != want.Point || got.Tip != want.Tip ||
		!bytes.Equal(blocksBytes(t, got.Blocks), blocksBytes(t, want.Blocks)) {
		t.Fatalf("got %v point %v tip %v (%d blocks), want %v point %v tip %v (%d blocks)",
			got.Kind, got.Point, got.Tip, len(got.Blocks), want.Kind, want.Point, want.Tip, len(want.Blocks))
	}
}

// TestSession streams blocks in batches honouring extraBlockCount, waits
// until a new block arrives, intersects (a failed intersection keeps the
// position), follows a rollback, and ends with Done.
func TestSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bs := goldenBlocks(t, 6)
	mem := NewMemory()
	for _, b := range bs[:5] {
		if err := mem.AddBlock(b); err != nil {
			t.Fatal(err)
		}
	}
	tip5 := bs[4].BlockHeader
	c, ce, done := serve(t, ctx, mem)

	n, err := c.RequestNext(ctx, 0)
	expectNext(t, n, err, RollForward(bs[0:1], tip5))
	n, err = c.RequestNext(ctx, 2)
	expectNext(t, n, err, RollForward(bs[1:4], tip5))
	n, err = c.RequestNext(ctx, 5)
	expectNext(t, n, err, RollForward(bs[4:5], tip5))
	n, err = c.RequestNext(ctx, 0)
	expectNext(t, n, err, Wait())
	if !session.IsQuiet(ce.Machine()) {
		t.Fatal("client polling but machine not quiet")
	}
	n, err = c.Poll(ctx)
	expectNext(t, n, err, Wait())
	if err := mem.AddBlock(bs[5]); err != nil {
		t.Fatal(err)
	}
	tip6 := bs[5].BlockHeader
	n, err = c.Poll(ctx)
	expectNext(t, n, err, RollForward(bs[5:6], tip6))

	r, err := c.Intersect(ctx, []types.BlockHeader{bs[1].BlockHeader, bs[2].BlockHeader})
	if err != nil || r != IntersectFound(bs[2].BlockHeader, tip6) {
		t.Fatalf("intersect: %+v %v", r, err)
	}
	n, err = c.RequestNext(ctx, 255)
	expectNext(t, n, err, RollForward(bs[3:6], tip6))
	r, err = c.Intersect(ctx, []types.BlockHeader{header(15, "x")})
	if err != nil || r != IntersectNotFound(types.PointAt(tip6)) {
		t.Fatalf("intersect unknown: %+v %v", r, err)
	}
	n, err = c.RequestNext(ctx, 0)
	expectNext(t, n, err, Wait())
	if err := c.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	at3 := types.PointAt(bs[2].BlockHeader)
	mem.Rollback(at3)
	n, err = c.RequestNext(ctx, 0)
	expectNext(t, n, err, RollBackward(at3, at3))
	n, err = c.RequestNext(ctx, 0)
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

// TestMemory covers the in-memory chain directly: batch sizes, intersection
// rules (a run of consecutive blocks from the first point, as in the
// Haskell runtime), the empty chain, and chained rollbacks.
func TestMemory(t *testing.T) {
	ctx := context.Background()
	mem := NewMemory()
	if r, err := mem.Intersect(ctx, []types.BlockHeader{header(10, "")}); err != nil || r != IntersectNotFound(types.ChainPoint{}) {
		t.Fatalf("intersect on an empty chain: %+v %v", r, err)
	}
	if n, err := mem.Next(ctx, types.ChainPoint{}, 3); err != nil || n.Kind != NextWait {
		t.Fatalf("next on an empty chain: %v %v", n.Kind, err)
	}
	bs := goldenBlocks(t, 4)
	for _, b := range bs {
		if err := mem.AddBlock(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := mem.AddBlock(bs[1]); err == nil {
		t.Error("block before the tip accepted")
	}
	tip := bs[3].BlockHeader
	for _, tc := range []struct {
		cursor types.ChainPoint
		extra  uint8
		want   []types.MarloweBlock
	}{
		{types.ChainPoint{}, 0, bs[:1]},
		{types.ChainPoint{}, 1, bs[:2]},
		{types.ChainPoint{}, 255, bs},
		{types.PointAt(bs[0].BlockHeader), 1, bs[1:3]},
		{types.PointAt(header(25, "between")), 0, bs[2:3]},
		{types.PointAt(tip), 9, nil},
	} {
		n, err := mem.Next(ctx, tc.cursor, tc.extra)
		want := RollForward(tc.want, tip)
		if tc.want == nil {
			want = Wait()
		}
		expectNext(t, n, err, want)
	}
	h := func(i int) types.BlockHeader { return bs[i].BlockHeader }
	for _, tc := range []struct {
		points []types.BlockHeader
		want   IntersectResult
	}{
		{[]types.BlockHeader{h(0), h(1), h(2), h(3)}, IntersectFound(h(3), tip)},
		{[]types.BlockHeader{h(1), h(2)}, IntersectFound(h(2), tip)},
		{[]types.BlockHeader{h(0), h(2)}, IntersectFound(h(0), tip)},
		{[]types.BlockHeader{header(5, "x"), h(0)}, IntersectNotFound(types.PointAt(tip))},
		{nil, IntersectNotFound(types.PointAt(tip))},
	} {
		if r, err := mem.Intersect(ctx, tc.points); err != nil || r != tc.want {
			t.Errorf("intersect %v: %+v %v, want %+v", tc.points, r, err, tc.want)
		}
	}
	mem.Rollback(types.PointAt(h(2)))
	mem.Rollback(types.PointAt(h(0)))
	for _, cur := range []int{3, 2, 1} {
		n, err := mem.Next(ctx, types.PointAt(h(cur)), 0)
		expectNext(t, n, err, RollBackward(types.PointAt(h(0)), types.PointAt(h(0))))
	}
	mem.Rollback(types.ChainPoint{})
	n, err := mem.Next(ctx, types.PointAt(h(3)), 0)
	expectNext(t, n, err, RollBackward(types.ChainPoint{}, types.ChainPoint{}))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := mem.Next(cctx, types.ChainPoint{}, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Next: %v", err)
	}
}

// stub is a Handler with canned answers.
type stub struct {
	intersect IntersectResult
	next      []Next
	err       error
}

func (s *stub) Intersect(context.Context, []types.BlockHeader) (IntersectResult, error) {
	return s.intersect, s.err
}

func (s *stub) Next(context.Context, types.ChainPoint, uint8) (Next, error) {
	if len(s.next) == 0 {
		return Wait(), s.err
	}
	n := s.next[0]
	s.next = s.next[1:]
	return n, s.err
}

// TestServeRefusesBadHandlers: handler failures and answers the client
// could not follow (wrong batch size, disorder, bad tips, backwards moves)
// end the session with an error.
func TestServeRefusesBadHandlers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	boom := errors.New("index unavailable")
	blk := func(slot uint64) types.MarloweBlock { return types.MarloweBlock{BlockHeader: header(slot, "")} }
	at5 := header(5, "a")
	found5 := IntersectFound(at5, header(90, ""))
	requestNext := func(extra uint8) func(c *Client) error {
		return func(c *Client) error { _, err := c.RequestNext(ctx, extra); return err }
	}
	intersectThenNext := func(c *Client) error {
		if _, err := c.Intersect(ctx, []types.BlockHeader{at5}); err != nil {
			return err
		}
		_, err := c.RequestNext(ctx, 3)
		return err
	}
	cases := []struct {
		name    string
		h       *stub
		client  func(c *Client) error
		wantErr error
	}{
		{"next error", &stub{err: boom}, requestNext(0), boom},
		{"zero Next", &stub{next: []Next{{}}}, requestNext(0), nil},
		{"more blocks than asked", &stub{next: []Next{RollForward([]types.MarloweBlock{blk(10), blk(20)}, header(20, ""))}}, requestNext(0), nil},
		{"no blocks", &stub{next: []Next{RollForward(nil, header(20, ""))}}, requestNext(3), nil},
		{"blocks out of order", &stub{next: []Next{RollForward([]types.MarloweBlock{blk(20), blk(10)}, header(20, ""))}}, requestNext(3), nil},
		{"blocks not past the cursor", &stub{intersect: found5, next: []Next{RollForward([]types.MarloweBlock{blk(5)}, header(20, ""))}}, intersectThenNext, nil},
		{"tip before the last block", &stub{next: []Next{RollForward([]types.MarloweBlock{blk(10), blk(20)}, header(10, ""))}}, requestNext(3), nil},
		{"tip at Genesis", &stub{next: []Next{{Kind: NextRollForward, Blocks: []types.MarloweBlock{blk(10)}}}}, requestNext(3), nil},
		{"roll backward from genesis", &stub{next: []Next{RollBackward(types.ChainPoint{}, types.ChainPoint{})}}, requestNext(0), nil},
		{"roll backward past the cursor", &stub{intersect: found5, next: []Next{RollBackward(types.PointAt(header(6, "c")), types.ChainPoint{})}}, intersectThenNext, nil},
		{"intersection not among the points", &stub{intersect: IntersectFound(header(9, "x"), header(9, "x"))}, intersectThenNext, nil},
		{"intersection with tip at Genesis", &stub{intersect: IntersectResult{Found: true, Block: at5}}, intersectThenNext, nil},
		{"intersect error", &stub{err: boom}, intersectThenNext, boom},
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
