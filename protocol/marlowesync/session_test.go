package marlowesync

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

func stepsBytes(t *testing.T, steps []types.ContractStep) []byte {
	t.Helper()
	e := binary.NewEncoder(nil)
	binary.EncodeList(e, steps, types.EncodeContractStep)
	b, err := e.Result()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixture is a chain with one contract created in block 10 and stepped in
// block 12, built from golden values.
type fixture struct {
	mem      *Memory
	id       types.ContractId
	create   types.CreateStep
	steps    []types.ContractStep
	h10, h12 types.BlockHeader
}

func newFixture(t *testing.T) fixture {
	f := fixture{
		mem:    NewMemory(),
		id:     types.ContractId{TxId: "contract", TxIx: 1},
		create: goldenSample(t, "MsgContractFound").(MsgContractFound).CreateStep,
		steps:  goldenSample(t, "MsgRollForward").(MsgRollForward).Steps,
		h10:    header(10, "b10"),
		h12:    header(12, "b12"),
	}
	if err := f.mem.AddCreation(f.h10, f.id, f.create); err != nil {
		t.Fatal(err)
	}
	if err := f.mem.AddSteps(f.h12, f.id, f.steps...); err != nil {
		t.Fatal(err)
	}
	return f
}

func expectNext(t *testing.T, got Next, err error, want Next) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != want.Kind || got.Block != want.Block || !bytes.Equal(stepsBytes(t, got.Steps), stepsBytes(t, want.Steps)) {
		t.Fatalf("got %v at %v (%d steps), want %v at %v (%d steps)", got.Kind, got.Block, len(got.Steps), want.Kind, want.Block, len(want.Steps))
	}
}

// TestFollowSession follows a contract through roll forwards, waits and
// polls, a new block arriving while the client waits, a rollback, and Done.
func TestFollowSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f := newFixture(t)
	c, ce, done := serve(t, ctx, f.mem)

	cr, found, err := c.FollowContract(ctx, f.id)
	if err != nil || !found || cr.Block != f.h10 {
		t.Fatalf("follow: %v %v %v", cr.Block, found, err)
	}
	n, err := c.RequestNext(ctx)
	expectNext(t, n, err, RollForward(f.h12, f.steps))
	n, err = c.RequestNext(ctx)
	expectNext(t, n, err, Wait())
	if !session.IsQuiet(ce.Machine()) {
		t.Fatal("client waiting but machine not quiet")
	}
	n, err = c.Poll(ctx)
	expectNext(t, n, err, Wait())

	h14 := header(14, "b14")
	if err := f.mem.AddSteps(h14, f.id, f.steps[0]); err != nil {
		t.Fatal(err)
	}
	n, err = c.Poll(ctx)
	expectNext(t, n, err, RollForward(h14, f.steps[:1]))

	f.mem.Rollback(types.PointAt(f.h12))
	n, err = c.RequestNext(ctx)
	expectNext(t, n, err, RollBackward(f.h12))
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

// TestSessionEndings covers the three server-side endings of §1.5.
func TestSessionEndings(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	t.Run("ContractNotFound", func(t *testing.T) {
		f := newFixture(t)
		c, _, done := serve(t, ctx, f.mem)
		if _, found, err := c.FollowContract(ctx, types.ContractId{TxId: "other"}); err != nil || found {
			t.Fatalf("found %v, %v", found, err)
		}
		if err := sessiontest.Wait(t, done); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("IntersectNotFound", func(t *testing.T) {
		f := newFixture(t)
		c, _, done := serve(t, ctx, f.mem)
		if _, found, err := c.Intersect(ctx, f.id, []types.BlockHeader{header(11, "b11")}); err != nil || found {
			t.Fatalf("found %v, %v", found, err)
		}
		if err := sessiontest.Wait(t, done); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RollBackCreation", func(t *testing.T) {
		f := newFixture(t)
		c, _, done := serve(t, ctx, f.mem)
		if _, _, err := c.Intersect(ctx, f.id, []types.BlockHeader{f.h10, f.h12}); err != nil {
			t.Fatal(err)
		}
		f.mem.Rollback(types.PointAt(header(5, "b5")))
		n, err := c.RequestNext(ctx)
		expectNext(t, n, err, RollBackCreation())
		if err := sessiontest.Wait(t, done); err != nil {
			t.Fatal(err)
		}
		if err := c.Done(ctx); !errors.Is(err, session.ErrNoAgency) {
			t.Fatalf("Done after the end: %v", err)
		}
	})
}

// TestIntersectSession resumes from the client's known history.
func TestIntersectSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f := newFixture(t)
	h14 := header(14, "b14")
	if err := f.mem.AddSteps(h14, f.id, f.steps...); err != nil {
		t.Fatal(err)
	}
	c, _, done := serve(t, ctx, f.mem)
	b, found, err := c.Intersect(ctx, f.id, []types.BlockHeader{f.h10, f.h12})
	if err != nil || !found || b != f.h12 {
		t.Fatalf("intersect: %v %v %v", b, found, err)
	}
	n, err := c.RequestNext(ctx)
	expectNext(t, n, err, RollForward(h14, f.steps))
	if err := c.Done(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sessiontest.Wait(t, done); err != nil {
		t.Fatal(err)
	}
}

// TestMemoryIntersect follows the Haskell rule: the points must be a run of
// consecutive history blocks starting at the first point.
func TestMemoryIntersect(t *testing.T) {
	f := newFixture(t)
	h14, h16 := header(14, "b14"), header(16, "b16")
	if err := f.mem.AddSteps(h14, f.id, f.steps...); err != nil {
		t.Fatal(err)
	}
	// Another contract's block is not part of this contract's history.
	if err := f.mem.AddCreation(header(15, "b15"), types.ContractId{TxId: "x"}, f.create); err != nil {
		t.Fatal(err)
	}
	if err := f.mem.AddSteps(h16, f.id, f.steps...); err != nil {
		t.Fatal(err)
	}
	other := header(13, "b13")
	cases := []struct {
		name   string
		id     types.ContractId
		points []types.BlockHeader
		want   types.BlockHeader
		found  bool
	}{
		{"whole history", f.id, []types.BlockHeader{f.h10, f.h12, h14, h16}, h16, true},
		{"prefix", f.id, []types.BlockHeader{f.h10, f.h12}, f.h12, true},
		{"from the middle", f.id, []types.BlockHeader{h14, h16}, h16, true},
		{"diverges", f.id, []types.BlockHeader{f.h10, other, h14}, f.h10, true},
		{"skips a block", f.id, []types.BlockHeader{f.h10, h14}, f.h10, true},
		{"unknown first point", f.id, []types.BlockHeader{other, f.h10}, types.BlockHeader{}, false},
		{"no points", f.id, nil, types.BlockHeader{}, false},
		{"unknown contract", types.ContractId{TxId: "nope"}, []types.BlockHeader{f.h10}, types.BlockHeader{}, false},
	}
	for _, tc := range cases {
		got, found, err := f.mem.Intersect(context.Background(), tc.id, tc.points)
		if err != nil || found != tc.found || got != tc.want {
			t.Errorf("%s: got %v %v %v, want %v %v", tc.name, got, found, err, tc.want, tc.found)
		}
	}
}

// TestMemoryChain covers the store's own rules: blocks only extend the tip,
// steps need a created contract, creations are unique, and a cursor on a
// rolled-back block is sent to the rollback point.
func TestMemoryChain(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if err := f.mem.AddSteps(header(11, "b11"), f.id); err == nil {
		t.Error("block before the tip accepted")
	}
	if err := f.mem.AddSteps(header(20, "b20"), types.ContractId{TxId: "nope"}); err == nil {
		t.Error("steps of an unknown contract accepted")
	}
	if err := f.mem.AddCreation(header(20, "b20"), f.id, f.create); err == nil {
		t.Error("second creation accepted")
	}
	n, err := f.mem.Next(ctx, f.id, types.ChainPoint{})
	expectNext(t, n, err, RollForward(f.h12, f.steps))
	// Two rollbacks in a row: a client on b14 resumes at the final point.
	h14 := header(14, "b14")
	if err := f.mem.AddSteps(h14, f.id, f.steps...); err != nil {
		t.Fatal(err)
	}
	f.mem.Rollback(types.PointAt(f.h12))
	f.mem.Rollback(types.PointAt(f.h10))
	n, err = f.mem.Next(ctx, f.id, types.PointAt(h14))
	expectNext(t, n, err, RollBackward(f.h10))
	n, err = f.mem.Next(ctx, f.id, types.PointAt(f.h12))
	expectNext(t, n, err, RollBackward(f.h10))
	// Re-adding a block with a rolled-back hash makes it current again.
	if err := f.mem.AddSteps(f.h12, f.id, f.steps...); err != nil {
		t.Fatal(err)
	}
	n, err = f.mem.Next(ctx, f.id, types.PointAt(f.h10))
	expectNext(t, n, err, RollForward(f.h12, f.steps))
	n, err = f.mem.Next(ctx, f.id, types.PointAt(f.h12))
	expectNext(t, n, err, Wait())
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := f.mem.Next(cctx, f.id, types.ChainPoint{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Next: %v", err)
	}
}

// stub is a Handler with canned answers.
type stub struct {
	creation  Creation
	found     bool
	intersect types.BlockHeader
	next      []Next
	err       error
}

func (s *stub) FollowContract(context.Context, types.ContractId) (Creation, bool, error) {
	return s.creation, s.found, s.err
}

func (s *stub) Intersect(context.Context, types.ContractId, []types.BlockHeader) (types.BlockHeader, bool, error) {
	return s.intersect, s.found, s.err
}

func (s *stub) Next(context.Context, types.ContractId, types.ChainPoint) (Next, error) {
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
	create := goldenSample(t, "MsgContractFound").(MsgContractFound).CreateStep
	boom := errors.New("index unavailable")
	cases := []struct {
		name    string
		h       *stub
		client  func(c *Client) error
		wantErr error
	}{
		{"follow error", &stub{err: boom}, func(c *Client) error {
			_, _, err := c.FollowContract(ctx, types.ContractId{})
			return err
		}, boom},
		{"intersection not among the points", &stub{found: true, intersect: header(9, "x")}, func(c *Client) error {
			_, _, err := c.Intersect(ctx, types.ContractId{}, []types.BlockHeader{header(1, "a")})
			return err
		}, nil},
		{"zero Next", &stub{found: true, creation: Creation{Step: create}, next: []Next{{}}}, func(c *Client) error {
			if _, _, err := c.FollowContract(ctx, types.ContractId{}); err != nil {
				return err
			}
			_, err := c.RequestNext(ctx)
			return err
		}, nil},
		{"roll forward not past the cursor", &stub{found: true, intersect: header(5, "a"),
			next: []Next{RollForward(header(5, "b"), nil)}}, func(c *Client) error {
			if _, _, err := c.Intersect(ctx, types.ContractId{}, []types.BlockHeader{header(5, "a")}); err != nil {
				return err
			}
			_, err := c.RequestNext(ctx)
			return err
		}, nil},
		{"roll backward from genesis", &stub{found: true, creation: Creation{Step: create},
			next: []Next{RollBackward(header(1, "a"))}}, func(c *Client) error {
			if _, _, err := c.FollowContract(ctx, types.ContractId{}); err != nil {
				return err
			}
			_, err := c.RequestNext(ctx)
			return err
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cctx, ccancel := context.WithCancel(ctx)
			defer ccancel()
			c, _, done := serve(t, cctx, tc.h)
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
	// Cancelling the context ends a session blocked on the client.
	cctx, ccancel := context.WithCancel(ctx)
	_, _, done := serve(t, cctx, NewMemory())
	ccancel()
	if err := sessiontest.Wait(t, done); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Serve: %v", err)
	}
}
