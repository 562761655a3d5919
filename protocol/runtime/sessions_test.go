package runtime_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	mq "github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// The session functions below each run one whole session of one
// sub-protocol over TCP through its typed client, check every answer
// against the world, and leave the world as they found it (contract stores
// are content-addressed, so loading or importing the same contracts again
// changes nothing), so that they can run concurrently. They return errors
// rather than failing a test so that goroutines can run them.

// sessionFunc is one of them.
type sessionFunc struct {
	name string
	run  func(ctx context.Context, addr string, w *world) error
}

func sessions() []sessionFunc {
	return []sessionFunc{
		{"MarloweSync", syncSession},
		{"MarloweHeaderSync", headerSyncSession},
		{"MarloweBulkSync", bulkSyncSession},
		{"MarloweQuery", querySession},
		{"TxJob", txJobSession},
		{"MarloweLoad", loadSession},
		{"ContractQuery", contractQuerySession},
		{"MarloweTransfer", transferSession},
	}
}

// syncSession follows contract 0 (§4.1): found in block 10 with its create
// step, rolls forward to block 12 with the input application, then waits
// (twice, with a poll), cancels the wait and ends with MsgDone.
func syncSession(ctx context.Context, addr string, w *world) (err error) {
	c, conn, err := runtime.DialMarloweSync(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer func() { err = closing(conn, err) }()
	cr, found, err := c.FollowContract(ctx, w.ids[0])
	if err != nil || !found {
		return fmt.Errorf("follow: found %v, %v", found, err)
	}
	if cr.Block != w.b10 {
		return fmt.Errorf("created in %v, want %v", cr.Block, w.b10)
	}
	if err := sameBytes("create step", cr.Step, w.creates[0], types.EncodeCreateStep); err != nil {
		return err
	}
	n, err := c.RequestNext(ctx)
	if err != nil || n.Kind != marlowesync.NextRollForward || n.Block != w.b12 {
		return fmt.Errorf("next: %v at %v, %v", n.Kind, n.Block, err)
	}
	if err := sameBytes("steps", n.Steps, []types.ContractStep{w.apply}, encodeSteps); err != nil {
		return err
	}
	for _, step := range []func(context.Context) (marlowesync.Next, error){c.RequestNext, c.Poll} {
		if n, err := step(ctx); err != nil || n.Kind != marlowesync.NextWait {
			return fmt.Errorf("at the tip: %v, %v", n.Kind, err)
		}
	}
	if err := c.Cancel(ctx); err != nil {
		return err
	}
	return c.Done(ctx)
}

// headerSyncSession discovers the five creations of block 10 (§4.2), waits
// at the tip, intersects at block 12 (which created nothing) and waits
// again, then ends.
func headerSyncSession(ctx context.Context, addr string, w *world) (err error) {
	c, conn, err := runtime.DialMarloweHeaderSync(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer func() { err = closing(conn, err) }()
	n, err := c.RequestNext(ctx)
	if err != nil || n.Kind != headersync.NextNewHeaders || n.Block != w.b10 {
		return fmt.Errorf("next: %v at %v, %v", n.Kind, n.Block, err)
	}
	if err := sameBytes("headers", n.Headers, w.headerList, encodeHeaders); err != nil {
		return err
	}
	if n, err := c.RequestNext(ctx); err != nil || n.Kind != headersync.NextWait {
		return fmt.Errorf("at the tip: %v, %v", n.Kind, err)
	}
	if err := c.Cancel(ctx); err != nil {
		return err
	}
	b, found, err := c.Intersect(ctx, []types.BlockHeader{w.b10, w.b12})
	if err != nil || !found || b != w.b12 {
		return fmt.Errorf("intersect: %v %v, %v", b, found, err)
	}
	if _, found, err := c.Intersect(ctx, []types.BlockHeader{bh(11)}); err != nil || found {
		return fmt.Errorf("intersect at an unknown block: found %v, %v", found, err)
	}
	if n, err := c.RequestNext(ctx); err != nil || n.Kind != headersync.NextWait {
		return fmt.Errorf("after the intersection: %v, %v", n.Kind, err)
	}
	if n, err := c.Poll(ctx); err != nil || n.Kind != headersync.NextWait {
		return fmt.Errorf("poll: %v, %v", n.Kind, err)
	}
	if err := c.Cancel(ctx); err != nil {
		return err
	}
	return c.Done(ctx)
}

// bulkSyncSession reads the chain block by block (§4.3): block 10, then
// block 12 although up to 5 extra blocks were allowed, waits at the tip,
// intersects at block 10 and reads block 12 again, fails an intersection
// and ends.
func bulkSyncSession(ctx context.Context, addr string, w *world) (err error) {
	c, conn, err := runtime.DialMarloweBulkSync(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer func() { err = closing(conn, err) }()
	tip := types.PointAt(w.b12)
	for i, want := range []struct {
		extra uint8
		block types.MarloweBlock
	}{{0, w.block10}, {5, w.block12}} {
		n, err := c.RequestNext(ctx, want.extra)
		if err != nil || n.Kind != bulksync.NextRollForward || n.Tip != tip {
			return fmt.Errorf("next %d: %v tip %v, %v", i, n.Kind, n.Tip, err)
		}
		if err := sameBytes(fmt.Sprint("blocks ", i), n.Blocks, []types.MarloweBlock{want.block}, encodeBlocks); err != nil {
			return err
		}
	}
	if n, err := c.RequestNext(ctx, 0); err != nil || n.Kind != bulksync.NextWait {
		return fmt.Errorf("at the tip: %v, %v", n.Kind, err)
	}
	if err := c.Cancel(ctx); err != nil {
		return err
	}
	r, err := c.Intersect(ctx, []types.BlockHeader{w.b10})
	if err != nil || !r.Found || r.Block != w.b10 || r.Tip != tip {
		return fmt.Errorf("intersect: %+v, %v", r, err)
	}
	n, err := c.RequestNext(ctx, 3)
	if err != nil || n.Kind != bulksync.NextRollForward {
		return fmt.Errorf("next after the intersection: %v, %v", n.Kind, err)
	}
	if err := sameBytes("blocks after the intersection", n.Blocks, []types.MarloweBlock{w.block12}, encodeBlocks); err != nil {
		return err
	}
	if r, err := c.Intersect(ctx, []types.BlockHeader{bh(11)}); err != nil || r.Found || r.Tip != tip {
		return fmt.Errorf("intersect at an unknown block: %+v, %v", r, err)
	}
	return c.Done(ctx)
}

// querySession asks the status, pages through all contract headers two at
// a time (§4.4, §5.4 Range/Page), reads contract 0's state and
// transactions, batches two requests in one round trip, and ends.
func querySession(ctx context.Context, addr string, w *world) (err error) {
	c, conn, err := runtime.DialMarloweQuery(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer func() { err = closing(conn, err) }()
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	if err := sameBytes("status", st, w.status, mq.EncodeRuntimeStatus); err != nil {
		return err
	}
	var got []types.ContractId
	pages := 0
	for r := &(mq.Range[types.ContractId]{Limit: pageLimit}); r != nil; pages++ {
		p, err := c.ContractHeaders(ctx, mq.ContractFilter{}, *r)
		if err != nil || p == nil || p.TotalCount != contracts {
			return fmt.Errorf("page %d: %+v, %v", pages, p, err)
		}
		for _, h := range p.Items {
			got = append(got, h.ContractId)
		}
		r = p.NextRange
	}
	if wantPages := (contracts + pageLimit - 1) / pageLimit; pages != wantPages || !slices.Equal(got, w.ids) {
		return fmt.Errorf("%d pages of %v, want %d pages of %v", pages, got, wantPages, w.ids)
	}
	cs, err := c.ContractState(ctx, w.ids[0])
	if err != nil || cs == nil || cs.State.ContractId != w.ids[0] || cs.State.LatestBlock != w.b12 || cs.State.LatestOutput != nil {
		return fmt.Errorf("contract state: %+v, %v", cs, err)
	}
	txs, err := c.Transactions(ctx, w.ids[0])
	if err != nil || txs == nil || len(txs.Transactions) != 1 {
		return fmt.Errorf("transactions: %+v, %v", txs, err)
	}
	if err := sameBytes("transaction", txs.Transactions[0], w.apply, types.EncodeTransaction); err != nil {
		return err
	}
	res, err := c.Batch(ctx, query.Bin(query.Leaf[mq.Request](mq.ReqContractState{ContractId: types.ContractId{TxId: "unknown"}}), query.Leaf[mq.Request](mq.ReqStatus{})))
	if err != nil {
		return err
	}
	if leaves := res.Leaves(); len(leaves) != 2 || leaves[0].(*mq.SomeContractState) != nil {
		return fmt.Errorf("batch: %+v", leaves)
	} else if err := sameBytes("batched status", leaves[1].(mq.RuntimeStatus), w.status, mq.EncodeRuntimeStatus); err != nil {
		return err
	}
	return c.Done(ctx)
}

// txJobSession runs two TxJob sessions (§4.5): a Create answered at once
// with the configured result, and a Submit whose job reports Submitting
// (its id is the transaction's) before the client detaches.
func txJobSession(ctx context.Context, addr string, w *world) error {
	create := func() (err error) {
		c, conn, err := runtime.DialTxJob(ctx, addr, client.Options{})
		if err != nil {
			return err
		}
		defer func() { err = closing(conn, err) }()
		res, cerr, err := c.Create(ctx, txjob.Create{Version: types.MarloweV1, Contract: eitherContract(core.Close{})})
		if err != nil || cerr != nil {
			return fmt.Errorf("create: %v / %v", cerr, err)
		}
		if res.ContractId != w.created.ContractId || string(res.TxBody) != string(w.created.TxBody) || res.Era != w.created.Era {
			return fmt.Errorf("create: %+v", res)
		}
		return nil
	}
	submit := func() (err error) {
		c, conn, err := runtime.DialTxJob(ctx, addr, client.Options{})
		if err != nil {
			return err
		}
		defer func() { err = closing(conn, err) }()
		p, err := c.Submit(ctx, txjob.Submit{Era: types.BabbageEraOnwardsConway, Tx: txCBOR()})
		if err != nil || p.Done || p.Status != txjob.Submitting || p.Job.TxId != w.txId {
			return fmt.Errorf("submit: %+v, %v", p, err)
		}
		return c.Detach(ctx)
	}
	if err := create(); err != nil {
		return err
	}
	return submit()
}

// loadSession uploads the escrow reference contract (§4.6) in batches of
// the handler's size; the answer is the hash of its merkleized root as
// core.Merkleize computes it, and the store now holds that root.
func loadSession(ctx context.Context, addr string, w *world) (err error) {
	c, conn, err := runtime.DialMarloweLoad(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer func() { err = closing(conn, err) }()
	h, err := c.Load(ctx, w.escrow)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if h != w.escrowHash {
		return fmt.Errorf("load answered %x, want the merkleized root's hash %x", h, w.escrowHash)
	}
	stored, ok, err := w.store.Contract(ctx, object.ContractHash(h))
	if err != nil || !ok {
		return fmt.Errorf("loaded root not stored: %v %v", ok, err)
	}
	return sameBytes("stored root", stored, w.escrowRoot, types.EncodeContract)
}

// contractQuerySession fetches the merkleized escrow contract (§4.7) with
// its adjacency and closure, and a contract the store lacks.
func contractQuerySession(ctx context.Context, addr string, w *world) (err error) {
	c, conn, err := runtime.DialContractQuery(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer func() { err = closing(conn, err) }()
	cwa, err := c.GetContract(ctx, w.escrowHash)
	if err != nil || cwa == nil || cwa.ContractHash != w.escrowHash {
		return fmt.Errorf("get contract: %+v, %v", cwa, err)
	}
	if err := sameBytes("contract", cwa.Contract, w.escrowRoot, types.EncodeContract); err != nil {
		return err
	}
	if want := contractquery.Adjacency(w.escrowRoot); !slices.Equal(cwa.Adjacency, want) || len(want) == 0 {
		return fmt.Errorf("adjacency %x, want %x", cwa.Adjacency, want)
	}
	if len(cwa.Closure) != 1+len(w.escrowConts) || !slices.Contains(cwa.Closure, w.escrowHash) {
		return fmt.Errorf("closure of %d hashes, want the root and its %d continuations", len(cwa.Closure), len(w.escrowConts))
	}
	if cwa, err := c.GetContract(ctx, "unknown"); err != nil || cwa != nil {
		return fmt.Errorf("unknown contract: %+v, %v", cwa, err)
	}
	return c.Done(ctx)
}

// transferBundle is a two-contract import: "deal" pays the price when
// notified and must be merkleized into two stored contracts; "other"
// refers to it by label.
func transferBundle() object.ObjectBundle {
	notify := object.Notify{Obs: object.TrueObs{}}
	return object.ObjectBundle{
		{Label: "alice", Object: object.Role{Name: "alice"}},
		{Label: "ada", Object: object.Asset{}},
		{Label: "price", Object: object.Constant{N: big.NewInt(1_000_000)}},
		{Label: "deal", Object: object.When{
			Cases: []object.Case{{Action: notify, Then: object.Pay{
				From: object.PartyRef{Label: "alice"}, To: object.Payee{Kind: object.PayeeParty, Party: object.Role{Name: "bob"}},
				Token: object.TokenRef{Label: "ada"}, Amount: object.ValueRef{Label: "price"}, Then: object.Close{},
			}}},
			Timeout:      big.NewInt(1000),
			Continuation: object.Close{},
		}},
		{Label: "other", Object: object.When{
			Cases:        []object.Case{{Action: notify, Then: object.ContractRef{Label: "deal"}}},
			Timeout:      big.NewInt(500),
			Continuation: object.Close{},
		}},
	}
}

// transferSession imports transferBundle (§4.8), checks the answered
// hashes against core.Merkleize of the linked contracts, exports "other"
// one contract per batch (dependencies first, labelled with their hashes)
// and imports the export again in the same session, which must give back
// the same hashes.
func transferSession(ctx context.Context, addr string, w *world) (err error) {
	bundle := transferBundle()
	table := object.SymbolTable{}
	if err := table.LinkBundle(bundle, nil); err != nil {
		return err
	}
	wantStored := map[string]bool{}
	wantRoot := map[object.Label]types.DatumHash{}
	for _, l := range []object.Label{"deal", "other"} {
		root, conts, err := core.Merkleize(table[l].Term.(core.Contract))
		if err != nil {
			return err
		}
		h, err := object.HashContract(root)
		if err != nil {
			return err
		}
		wantRoot[l] = types.DatumHash(h)
		wantStored[hex.EncodeToString([]byte(h))] = true
		for k := range conts {
			wantStored[k] = true
		}
	}

	c, conn, err := runtime.DialMarloweTransfer(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer func() { err = closing(conn, err) }()
	hs, err := c.Import(ctx, bundle)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if len(hs) != 2 || hs["deal"] != wantRoot["deal"] || hs["other"] != wantRoot["other"] {
		return fmt.Errorf("imported %x, want %x", hs, wantRoot)
	}
	exported, found, err := c.Export(ctx, hs["other"], 1)
	if err != nil || !found {
		return fmt.Errorf("export: %v %v", found, err)
	}
	if len(exported) != len(wantStored) {
		return fmt.Errorf("exported %d contracts, want %d", len(exported), len(wantStored))
	}
	for _, o := range exported {
		if !wantStored[string(o.Label)] {
			return fmt.Errorf("exported unexpected contract %s", o.Label)
		}
	}
	rootLabel := object.Label(hex.EncodeToString([]byte(hs["other"])))
	if last := exported[len(exported)-1].Label; last != rootLabel {
		return fmt.Errorf("export ends with %s, want the root %s", last, rootLabel)
	}
	again, err := c.Import(ctx, exported)
	if err != nil {
		return fmt.Errorf("re-import: %w", err)
	}
	for l, h := range again {
		if string(l) != hex.EncodeToString([]byte(h)) {
			return fmt.Errorf("re-imported %s hashes to %x", l, h)
		}
	}
	if len(again) != len(exported) || again[rootLabel] != hs["other"] {
		return fmt.Errorf("re-import gave %d hashes, root %x; want %d, %x", len(again), again[rootLabel], len(exported), hs["other"])
	}
	if _, found, err := c.Export(ctx, "unknown", 10); err != nil || found {
		return fmt.Errorf("export of an unknown contract: found %v, %v", found, err)
	}
	return c.Done(ctx)
}

func eitherContract(c core.Contract) binary.Either[core.Contract, types.DatumHash] {
	return binary.Either[core.Contract, types.DatumHash]{Left: c}
}
