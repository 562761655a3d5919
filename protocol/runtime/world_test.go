package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/load"
	mq "github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime/runtimetest"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/transfer"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// contracts is the number of contracts of a world (all created in block
// 10); pageLimit pages them in three pages.
const (
	contracts = 5
	pageLimit = 2
)

// txCBOR returns the smallest well-formed ledger transaction, CBOR [{},
// {}, true, null]; its id is blake2b-256 of the body a0.
func txCBOR() []byte { return []byte{0x84, 0xa0, 0xa0, 0xf5, 0xf6} }

// world is one coherent in-memory runtime behind all eight sub-protocols:
// five contracts created in block 10 (one creation transaction each), the
// first of which applies an input in block 12 and closes; the escrow
// reference contract merkleized in the contract store; a TxJob handler
// whose Create succeeds; and a contract store shared by MarloweLoad and
// MarloweTransfer, so that what one loads the other exports.
type world struct {
	h       runtime.Handlers
	sync    *marlowesync.Memory
	headers *headersync.Memory
	bulk    *bulksync.Memory
	query   *mq.Memory
	tx      *txjob.Memory
	load    *load.StoreHandler
	store   *object.MemoryStore
	cq      *contractquery.Memory

	b10, b12    types.BlockHeader
	ids         []types.ContractId
	headerList  []types.ContractHeader
	creates     []types.CreateStep
	apply       types.Transaction // contract 0, block 12
	block10     types.MarloweBlock
	block12     types.MarloweBlock
	status      mq.RuntimeStatus
	created     txjob.ContractCreated
	txId        types.TxId // of txCBOR
	escrow      core.Contract
	escrowRoot  core.Contract // merkleized
	escrowConts map[string]core.Contract
	escrowHash  types.DatumHash // of escrowRoot
}

func bh(n uint64) types.BlockHeader {
	return types.BlockHeader{Slot: types.SlotNo(n), Hash: types.BlockHeaderHash(fmt.Sprintf("block-%d", n)), Block: types.BlockNo(n)}
}

func ada(n int64) types.Assets { return types.Assets{Ada: big.NewInt(n), Tokens: types.Tokens{}} }

// escrowContract reads the escrow reference contract of the shared test
// material.
func escrowContract(tb testing.TB) core.Contract {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join(shared.Path(tb, "marlowe", "reference-paths"), "escrow.contract"))
	if err != nil {
		tb.Fatal(err)
	}
	c, err := core.DecodeJSON[core.Contract](src, core.Strict)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	w := &world{b10: bh(10), b12: bh(12)}
	meta := types.MarloweTransactionMetadata{Metadata: types.TransactionMetadata{}}
	md := core.MarloweData{
		State: core.EmptyState(big.NewInt(0)),
		Contract: core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}},
			Timeout: big.NewInt(1_000_000), Continuation: core.Close{}},
	}
	datum, err := core.ToData(md)
	must(err)
	inputs, err := core.ToData([]core.Input{{Content: core.INotify{}}})
	must(err)

	w.sync, w.headers, w.bulk = marlowesync.NewMemory(), headersync.NewMemory(), bulksync.NewMemory()
	w.block10 = types.MarloweBlock{BlockHeader: w.b10}
	w.query = &mq.Memory{}
	for i := range contracts {
		id := types.ContractId{TxId: types.TxId(fmt.Sprintf("create-%d", i)), TxIx: 1}
		out := types.TransactionScriptOutput{Address: "marlowe-address", Assets: ada(2_000_000 + int64(i)), Utxo: types.TxOutRef(id), Datum: datum}
		create := types.CreateStep{CreateOutput: out, Metadata: meta, PayoutValidatorHash: "payout-hash"}
		header := types.ContractHeader{ContractId: id, Metadata: meta, MarloweScriptHash: "marlowe-hash",
			MarloweScriptAddress: "marlowe-address", PayoutScriptHash: "payout-hash", MarloweVersion: types.MarloweV1, BlockHeader: w.b10}
		w.ids, w.creates, w.headerList = append(w.ids, id), append(w.creates, create), append(w.headerList, header)
		must(w.sync.AddCreation(w.b10, id, create))
		w.block10.CreateTransactions = append(w.block10.CreateTransactions, types.MarloweCreateTransaction{
			TxId: id.TxId, NewContracts: map[types.TxIx]types.SomeCreateStep{id.TxIx: {Version: types.MarloweV1, Step: create}}})
		w.query.Contracts = append(w.query.Contracts, mq.MemoryContract{Header: header,
			State: &mq.ContractState{ContractId: id, Metadata: meta, InitialBlock: w.b10, InitialOutput: out,
				LatestBlock: w.b10, LatestOutput: &out, UnclaimedPayouts: map[types.TxOutRef]types.Payout{}}})
	}
	must(w.headers.AddBlock(w.b10, w.headerList...))
	must(w.headers.AddBlock(w.b12)) // no creation: it only counts for intersections

	// Contract 0 is notified in block 12 and closes.
	w.apply = types.Transaction{TransactionId: "apply-12", ContractId: w.ids[0], Metadata: meta, BlockHeader: w.b12,
		ValidityLowerBound: types.UTCTimeOf(time.Unix(10, 0)), ValidityUpperBound: types.UTCTimeOf(time.Unix(20, 0)),
		Inputs: inputs, Output: types.TransactionOutput{Payouts: map[types.TxOutRef]types.Payout{}}}
	must(w.sync.AddSteps(w.b12, w.ids[0], w.apply))
	w.block12 = types.MarloweBlock{BlockHeader: w.b12, ApplyInputsTransactions: []types.MarloweApplyInputsTransaction{{
		MarloweVersion: types.MarloweV1,
		MarloweInput: types.UnspentContractOutput{MarloweVersion: types.MarloweV1, TxOutRef: types.TxOutRef(w.ids[0]),
			MarloweAddress: "marlowe-address", PayoutValidatorHash: "payout-hash"},
		MarloweTransaction: w.apply,
	}}}
	must(w.bulk.AddBlock(w.block10))
	must(w.bulk.AddBlock(w.block12))
	c0 := &w.query.Contracts[0]
	c0.State.LatestBlock, c0.State.LatestOutput = w.b12, nil
	c0.Transactions = []mq.SomeTransaction{{Version: types.MarloweV1, Input: types.TxOutRef(w.ids[0]), InputDatum: md, Transaction: w.apply}}
	tip := types.PointAt(w.b12)
	utc := types.UTCTimeOf(time.Date(2024, 12, 1, 12, 0, 0, 0, time.UTC))
	w.status = mq.RuntimeStatus{NodeTip: tip, NodeTipUTC: utc, RuntimeChainTip: tip, RuntimeChainTipUTC: utc,
		RuntimeTip: tip, RuntimeTipUTC: utc, NetworkId: types.NetworkId{Testnet: true, Magic: 1},
		RuntimeVersion: types.Version{Branch: []int64{1, 0, 0}}}
	w.query.Status = w.status

	w.tx = txjob.NewMemory()
	w.created = txjob.ContractCreated{Era: types.BabbageEraOnwardsConway, ContractId: types.ContractId{TxId: "created", TxIx: 1},
		MarloweScriptHash: "marlowe-hash", MarloweScriptAddress: "marlowe-address", PayoutScriptHash: "payout-hash",
		PayoutScriptAddress: "payout-address", Datum: datum, Assets: ada(2_000_000), TxBody: txCBOR()}
	must(w.tx.SetOutcome(txjob.KindCreate, job.SucceededWith(w.created)))
	w.txId, err = txjob.TxIdOf(txCBOR())
	must(err)

	w.store = object.NewMemoryStore()
	w.load = &load.StoreHandler{Store: w.store, Batch: 8}
	w.escrow = escrowContract(tb)
	w.escrowRoot, w.escrowConts, err = core.Merkleize(w.escrow)
	must(err)
	h, err := object.HashContract(w.escrowRoot)
	must(err)
	w.escrowHash = types.DatumHash(h)
	w.cq = contractquery.NewMemory()
	_, cqHash, err := w.cq.AddMerkleized(w.escrow)
	must(err)
	if cqHash != w.escrowHash {
		tb.Fatalf("contract store hash %x, merkleized root hash %x", cqHash, w.escrowHash)
	}

	w.h = runtime.Handlers{
		Sync:          w.sync,
		HeaderSync:    w.headers,
		BulkSync:      w.bulk,
		Query:         w.query,
		TxJob:         w.tx,
		Load:          w.load,
		ContractQuery: w.cq,
		Transfer:      transfer.NewMemoryHandler(w.store),
	}
	return w
}

// startServer serves h on an ephemeral 127.0.0.1 port until the test ends,
// then shuts it down and requires a clean shutdown.
func startServer(tb testing.TB, h runtime.Handlers, cfg server.Config) string {
	return runtimetest.Serve(tb, h, cfg)
}

func testCtx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// enc returns the wire bytes of x, so that decoded values are compared
// exactly as the protocol sees them.
func enc[T any](x T, f binary.EncodeFunc[T]) []byte {
	b, err := binary.Encode(x, f)
	if err != nil {
		return []byte("encode error: " + err.Error())
	}
	return b
}

func sameBytes[T any](what string, got, want T, f binary.EncodeFunc[T]) error {
	g, w := enc(got, f), enc(want, f)
	if bytes.Equal(g, w) {
		return nil
	}
	at := 0
	for at < len(g) && at < len(w) && g[at] == w[at] {
		at++
	}
	return fmt.Errorf("%s: %d bytes, want %d; first difference at byte %d: got %x…, want %x…",
		what, len(g), len(w), at, g[at:min(len(g), at+16)], w[at:min(len(w), at+16)])
}

func encodeSteps(e *binary.Encoder, s []types.ContractStep) {
	binary.EncodeList(e, s, types.EncodeContractStep)
}

func encodeBlocks(e *binary.Encoder, bs []types.MarloweBlock) {
	binary.EncodeList(e, bs, types.EncodeMarloweBlock)
}

func encodeHeaders(e *binary.Encoder, hs []types.ContractHeader) {
	binary.EncodeList(e, hs, types.EncodeContractHeader)
}

// closing closes a session's connection after the session, joining the
// errors.
func closing(c interface{ Close() error }, err error) error {
	return errors.Join(err, c.Close())
}

// concurrently runs f n times in parallel and returns the errors.
func concurrently(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = f(i) })
	}
	wg.Wait()
	return errs
}
