package sync_test

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/indexer"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime/runtimetest"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	msync "github.com/marlowe-lite/marlowe-lite/service/sync"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// mainnetClock is mainnet's slot schedule: Byron's 20 s slots up to slot
// 4,492,800, then 1 s slots without end (where the generator's chains
// live).
func mainnetClock(tb testing.TB) *slottime.Converter {
	tb.Helper()
	ps := func(s uint64) *big.Int { return new(big.Int).Mul(new(big.Int).SetUint64(s), big.NewInt(1e12)) }
	eras := []slottime.Era{
		{Start: slottime.Bound{Time: ps(0)}, End: &slottime.Bound{Time: ps(89_856_000), Slot: 4_492_800, Epoch: 208},
			EpochLength: 21600, SlotLengthMs: 20000},
		{Start: slottime.Bound{Time: ps(89_856_000), Slot: 4_492_800, Epoch: 208}, EpochLength: 432000, SlotLengthMs: 1000},
	}
	c, err := slottime.New(time.Date(2017, 9, 23, 21, 44, 51, 0, time.UTC), eras)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func testLogger(tb testing.TB) zerolog.Logger {
	if !testing.Verbose() {
		return zerolog.Nop()
	}
	return zerolog.New(zerolog.NewTestWriter(tb)).Level(zerolog.WarnLevel)
}

// fixture is a generated chain indexed into an in-memory store, served by
// the sync handlers over TCP on 127.0.0.1.
type fixture struct {
	chain *chaingen.Chain
	store *kv.Store
	ix    *indexer.Indexer
	svc   *msync.Service
	addr  string
}

type fixtureOpts struct {
	// K is the store's security parameter (0: kv's default).
	K uint64
	// MaxWait is the poll bound (0: 20 s, below the test timeouts).
	MaxWait time.Duration
	// Indexed is how many blocks to index before serving (0: all).
	Indexed int
	// MaxBulkTxs is the BulkSync response budget (0: the default).
	MaxBulkTxs int
}

func newFixture(tb testing.TB, cfg chaingen.Config, o fixtureOpts) *fixture {
	tb.Helper()
	c, err := chaingen.Generate(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return serveChain(tb, c, o)
}

func serveChain(tb testing.TB, c *chaingen.Chain, o fixtureOpts) *fixture {
	tb.Helper()
	s, err := kv.Open("", kv.Options{InMemory: true, SecurityParam: o.K, MemTableSize: 32 << 20, Logger: zerolog.Nop()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	ix, err := indexer.New(s, extract.New(registry.New()), indexer.Options{BatchBlocks: 64})
	if err != nil {
		tb.Fatal(err)
	}
	if o.MaxWait == 0 {
		o.MaxWait = 20 * time.Second
	}
	svc, err := msync.New(s, msync.Config{Network: registry.Mainnet, Clock: mainnetClock(tb), MaxWait: o.MaxWait, MaxBulkTxs: o.MaxBulkTxs, Logger: testLogger(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{chain: c, store: s, ix: ix, svc: svc}
	n := o.Indexed
	if n == 0 {
		n = len(c.Blocks)
	}
	f.apply(tb, c.Blocks[:n])
	f.addr = startServer(tb, runtime.Handlers{Sync: svc.MarloweSync(), HeaderSync: svc.HeaderSync(), BulkSync: svc.BulkSync()})
	return f
}

// apply indexes blocks and commits them.
func (f *fixture) apply(tb testing.TB, blocks []chain.Block) {
	tb.Helper()
	for _, b := range blocks {
		if err := f.ix.RollForward(context.Background(), b); err != nil {
			tb.Fatal(err)
		}
	}
	if err := f.ix.Flush(); err != nil {
		tb.Fatal(err)
	}
}

// rollBack truncates the index to p, as the node's rollback would.
func (f *fixture) rollBack(tb testing.TB, p chain.Point) {
	tb.Helper()
	if err := f.ix.RollBackward(context.Background(), p); err != nil {
		tb.Fatal(err)
	}
}

// startServer serves h on an ephemeral 127.0.0.1 port until the test ends.
func startServer(tb testing.TB, h runtime.Handlers) string {
	return runtimetest.Serve(tb, h, server.Config{Logger: testLogger(tb)})
}

func testCtx(tb testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	tb.Cleanup(cancel)
	return ctx
}

func dialHeaders(tb testing.TB, ctx context.Context, addr string) *headersync.Client {
	tb.Helper()
	c, closer, err := runtime.DialMarloweHeaderSync(ctx, addr, client.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { closer.Close() })
	return c
}

func dialBulk(tb testing.TB, ctx context.Context, addr string) *bulksync.Client {
	tb.Helper()
	c, closer, err := runtime.DialMarloweBulkSync(ctx, addr, client.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { closer.Close() })
	return c
}

func dialSync(tb testing.TB, ctx context.Context, addr string) *marlowesync.Client {
	tb.Helper()
	c, closer, err := runtime.DialMarloweSync(ctx, addr, client.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { closer.Close() })
	return c
}

func enc[T any](x T, f binary.EncodeFunc[T]) []byte {
	b, err := binary.Encode(x, f)
	if err != nil {
		return []byte("encode error: " + err.Error())
	}
	return b
}

func blockHeader(b chain.Block) types.BlockHeader {
	return types.BlockHeader{Slot: types.SlotNo(b.Point.Slot), Hash: types.BlockHeaderHash(b.Point.Hash[:]), Block: types.BlockNo(b.Number)}
}

func contractID(tb testing.TB, r extract.TxOutRef) types.ContractId {
	tb.Helper()
	id, err := view.ContractId(r)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

// ---------------------------------------------------------------------------
// Client-side state: what a client holds after applying the answers it got.

// headerLog is a HeaderSync client's state: the blocks with creations.
type headerLog []headersync.Next

func (l *headerLog) apply(nx headersync.Next) error {
	switch nx.Kind {
	case headersync.NextNewHeaders:
		*l = append(*l, nx)
	case headersync.NextRollBackward:
		keep := 0
		for keep < len(*l) && nx.Point.At && (*l)[keep].Block.Slot <= nx.Point.Header.Slot {
			keep++
		}
		*l = (*l)[:keep]
	default:
		return fmt.Errorf("unexpected %s", nx.Kind)
	}
	return nil
}

func (l headerLog) points() []types.BlockHeader {
	out := make([]types.BlockHeader, len(l))
	for i, nx := range l {
		out[i] = nx.Block
	}
	return out
}

func (l headerLog) wire() []byte {
	var b bytes.Buffer
	for _, nx := range l {
		b.Write(enc(nx.Block, types.EncodeBlockHeader))
		for _, h := range nx.Headers {
			b.Write(enc(h, types.EncodeContractHeader))
		}
	}
	return b.Bytes()
}

// drainHeaders requests until the server answers Wait, applying each
// answer, then cancels the wait; it returns the answers applied.
func drainHeaders(ctx context.Context, c *headersync.Client, l *headerLog) (int, error) {
	for n := 0; ; n++ {
		nx, err := c.RequestNext(ctx)
		if err != nil {
			return n, err
		}
		if nx.Kind == headersync.NextWait {
			return n, c.Cancel(ctx)
		}
		if err := l.apply(nx); err != nil {
			return n, err
		}
	}
}

// bulkLog is a BulkSync client's state: the Marlowe blocks.
type bulkLog []types.MarloweBlock

func (l *bulkLog) apply(nx bulksync.Next) error {
	switch nx.Kind {
	case bulksync.NextRollForward:
		*l = append(*l, nx.Blocks...)
	case bulksync.NextRollBackward:
		keep := 0
		for keep < len(*l) && nx.Point.At && (*l)[keep].BlockHeader.Slot <= nx.Point.Header.Slot {
			keep++
		}
		*l = (*l)[:keep]
	default:
		return fmt.Errorf("unexpected %s", nx.Kind)
	}
	return nil
}

func (l bulkLog) points() []types.BlockHeader {
	out := make([]types.BlockHeader, len(l))
	for i, b := range l {
		out[i] = b.BlockHeader
	}
	return out
}

func (l bulkLog) wire() []byte {
	var b bytes.Buffer
	for _, blk := range l {
		b.Write(enc(blk, types.EncodeMarloweBlock))
	}
	return b.Bytes()
}

func drainBulk(ctx context.Context, c *bulksync.Client, extra uint8, l *bulkLog) (int, error) {
	for n := 0; ; n++ {
		nx, err := c.RequestNext(ctx, extra)
		if err != nil {
			return n, err
		}
		if nx.Kind == bulksync.NextWait {
			return n, c.Cancel(ctx)
		}
		if nx.Kind == bulksync.NextRollForward && len(nx.Blocks) > int(extra)+1 {
			return n, fmt.Errorf("%d blocks for extraBlockCount %d", len(nx.Blocks), extra)
		}
		if err := l.apply(nx); err != nil {
			return n, err
		}
	}
}

// contractLog is a MarloweSync client's state for one contract.
type contractLog struct {
	found    bool
	creation marlowesync.Creation
	blocks   []marlowesync.Next
	// ended is set by MsgRollBackCreation.
	ended bool
}

func (l *contractLog) apply(nx marlowesync.Next) error {
	switch nx.Kind {
	case marlowesync.NextRollForward:
		l.blocks = append(l.blocks, nx)
	case marlowesync.NextRollBackward:
		keep := 0
		for keep < len(l.blocks) && l.blocks[keep].Block.Slot <= nx.Block.Slot {
			keep++
		}
		l.blocks = l.blocks[:keep]
	case marlowesync.NextRollBackCreation:
		l.ended = true
	default:
		return fmt.Errorf("unexpected %s", nx.Kind)
	}
	return nil
}

// points are the client's blocks of the contract's history, oldest first.
func (l *contractLog) points() []types.BlockHeader {
	out := []types.BlockHeader{l.creation.Block}
	for _, nx := range l.blocks {
		out = append(out, nx.Block)
	}
	return out
}

func (l *contractLog) wire() []byte {
	if !l.found {
		return []byte("not found")
	}
	var b bytes.Buffer
	b.Write(enc(l.creation.Block, types.EncodeBlockHeader))
	b.Write(enc(l.creation.Step, types.EncodeCreateStep))
	for _, nx := range l.blocks {
		b.Write(enc(nx.Block, types.EncodeBlockHeader))
		for _, st := range nx.Steps {
			b.Write(enc(st, types.EncodeContractStep))
		}
	}
	return b.Bytes()
}

// drainSync requests until Wait (then cancels) or the session ends.
func drainSync(ctx context.Context, c *marlowesync.Client, l *contractLog) (int, error) {
	for n := 0; ; n++ {
		nx, err := c.RequestNext(ctx)
		if err != nil {
			return n, err
		}
		if nx.Kind == marlowesync.NextWait {
			return n, c.Cancel(ctx)
		}
		if err := l.apply(nx); err != nil || l.ended {
			return n, err
		}
	}
}

// follow runs a whole MarloweSync session: follow id, drain, done.
func follow(ctx context.Context, addr string, id types.ContractId) (*contractLog, error) {
	c, closer, err := runtime.DialMarloweSync(ctx, addr, client.Options{})
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	l := &contractLog{}
	cr, found, err := c.FollowContract(ctx, id)
	if err != nil || !found {
		return l, err
	}
	l.found, l.creation = true, cr
	if _, err := drainSync(ctx, c, l); err != nil {
		return l, err
	}
	if l.ended {
		return l, fmt.Errorf("contract %v: creation rolled back on a quiet index", id)
	}
	return l, c.Done(ctx)
}

// syncHeaders runs a whole HeaderSync session from Genesis.
func syncHeaders(ctx context.Context, addr string) (headerLog, error) {
	c, closer, err := runtime.DialMarloweHeaderSync(ctx, addr, client.Options{})
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	var l headerLog
	if _, err := drainHeaders(ctx, c, &l); err != nil {
		return l, err
	}
	return l, c.Done(ctx)
}

// syncBulk runs a whole BulkSync session from Genesis.
func syncBulk(ctx context.Context, addr string, extra uint8) (bulkLog, error) {
	c, closer, err := runtime.DialMarloweBulkSync(ctx, addr, client.Options{})
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	var l bulkLog
	if _, err := drainBulk(ctx, c, extra, &l); err != nil {
		return l, err
	}
	return l, c.Done(ctx)
}

// drainLikeFresh drains a header client and a bulk client (asking for extra
// blocks) to the tip and checks that what each has seen in total equals what
// a fresh session from genesis sees now; what names the clients in errors.
func drainLikeFresh(t *testing.T, ctx context.Context, addr string, h *headersync.Client, hl *headerLog, b *bulksync.Client, extra uint8, bl *bulkLog, what string) {
	t.Helper()
	if _, err := drainHeaders(ctx, h, hl); err != nil {
		t.Fatal(err)
	}
	if _, err := drainBulk(ctx, b, extra, bl); err != nil {
		t.Fatal(err)
	}
	freshH, err := syncHeaders(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	freshB, err := syncBulk(ctx, addr, 255)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(hl.wire(), freshH.wire()) {
		t.Errorf("%s: the header client differs from a fresh session", what)
	}
	if !bytes.Equal(bl.wire(), freshB.wire()) {
		t.Errorf("%s: the bulk client differs from a fresh session", what)
	}
}
