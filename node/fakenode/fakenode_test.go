package fakenode_test

import (
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	gcbor "github.com/blinklabs-io/gouroboros/cbor"
	"github.com/blinklabs-io/gouroboros/ledger"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"github.com/blinklabs-io/gouroboros/protocol/localstatequery"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
	devledger "github.com/marlowe-lite/marlowe-lite/node/ledger"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

func ps(s uint64) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(s), big.NewInt(1_000_000_000_000))
}

func history(unbounded bool) []slottime.Era {
	byron := slottime.Era{Start: slottime.Bound{Time: ps(0)}, End: &slottime.Bound{Time: ps(89856000), Slot: 4492800, Epoch: 208},
		EpochLength: 21600, SlotLengthMs: 20000, SafeZone: 4320, GenesisWindow: 4320}
	shelley := slottime.Era{Start: *byron.End, End: &slottime.Bound{Time: ps(89856000 + 432000), Slot: 4492800 + 432000, Epoch: 209},
		EpochLength: 432000, SlotLengthMs: 1000, SafeZone: 129600, GenesisWindow: 36000}
	if unbounded {
		shelley.End = nil
	}
	return []slottime.Era{byron, shelley}
}

func TestNewValidates(t *testing.T) {
	out, err := testchain.Output(testchain.KeyAddress(1), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2017, 9, 23, 21, 44, 51, 0, time.UTC)
	badEras := history(false)
	badEras[1].Start.Slot++
	tests := []struct {
		name string
		cfg  fakenode.Config
	}{
		{"no magic", fakenode.Config{}},
		{"system start without eras", fakenode.Config{Magic: 1, SystemStart: start}},
		{"eras without system start", fakenode.Config{Magic: 1, Eras: history(false)}},
		{"malformed era history", fakenode.Config{Magic: 1, SystemStart: start, Eras: badEras}},
		{"malformed output", fakenode.Config{Magic: 1, UTxOs: []fakenode.UTxO{{Output: []byte{0x01}}}}},
		{"duplicate UTxO", fakenode.Config{Magic: 1, UTxOs: []fakenode.UTxO{{Output: out}, {Output: out}}}},
		{"unencodable protocol parameters", fakenode.Config{Magic: 1, ProtocolParams: &conway.ConwayProtocolParameters{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := fakenode.New(tt.cfg); err == nil {
				t.Fatal("accepted")
			} else {
				t.Log(err)
			}
		})
	}
	if _, err := fakenode.New(fakenode.Config{Magic: 1, SystemStart: start, Eras: history(true), ProtocolParams: devledger.DefaultProtocolParams(),
		UTxOs: []fakenode.UTxO{{Output: out}}}); err != nil {
		t.Fatalf("valid configuration rejected: %v", err)
	}
}

func TestChainEditing(t *testing.T) {
	n, err := fakenode.New(fakenode.Config{Magic: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	bld, err := testchain.NewBuilder()
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := bld.Chain(chain.Point{}, 0, 5, 100, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Append(blocks...); err != nil {
		t.Fatal(err)
	}
	if tip := n.Tip(); tip.Point != blocks[4].Point || tip.BlockNumber != 4 {
		t.Fatalf("tip %+v", tip)
	}
	bad := []struct {
		name string
		err  error
	}{
		{"append a block twice", n.Append(blocks[2])},
		{"append a block without a point", n.Append(chain.Block{CBOR: []byte{0x80}})},
		{"append CBOR that is not well formed", n.Append(chain.Block{Point: chain.Point{Slot: 1, Hash: chain.Hash{1}}, CBOR: []byte{0x82, 0x01}})},
		{"rollback to an unknown point", n.Rollback(chain.Point{Slot: 1, Hash: chain.Hash{9}})},
		{"fork at an unknown point", n.Fork(chain.Point{Slot: 1, Hash: chain.Hash{9}})},
		{"fork re-adding a kept block", n.Fork(blocks[2].Point, blocks[1])},
	}
	for _, b := range bad {
		if b.err == nil {
			t.Errorf("%s: accepted", b.name)
		}
	}
	if got := n.Blocks(); len(got) != 5 || got[4].Point != blocks[4].Point {
		t.Fatalf("a failed edit changed the chain: %d blocks", len(got))
	}
	fork, err := bld.Chain(blocks[1].Point, 1, 2, 200, 20, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Fork(blocks[1].Point, fork...); err != nil {
		t.Fatal(err)
	}
	got := n.Blocks()
	if len(got) != 4 || got[2].Point != fork[0].Point || got[3].Point != fork[1].Point {
		t.Fatalf("after fork: %d blocks", len(got))
	}
	// The abandoned blocks can come back (a switch back to the old fork).
	if err := n.Fork(blocks[1].Point, blocks[2:]...); err != nil {
		t.Fatal(err)
	}
	if err := n.Rollback(chain.Point{}); err != nil || len(n.Blocks()) != 0 || !n.Tip().Point.IsOrigin() {
		t.Fatalf("rollback to origin: %v, %d blocks", err, len(n.Blocks()))
	}
}

// TestEraHistoryWire: the era history encoding decodes with gouroboros'
// client type, with a bignum time and a null end for an unbounded era.
func TestEraHistoryWire(t *testing.T) {
	for _, unbounded := range []bool{false, true} {
		raw, err := fakenode.EncodeEraHistory(history(unbounded))
		if err != nil {
			t.Fatal(err)
		}
		var got []localstatequery.EraHistoryResult
		if _, err := gcbor.Decode(raw, &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%d eras", len(got))
		}
		if got[0].Begin.Timespan != uint64(0) || got[0].Params.SlotLength != 20000 || got[0].Params.SlotsPerKESPeriod.Value != 4320 {
			t.Fatalf("byron: %+v", got[0])
		}
		end, ok := got[0].End.Timespan.(big.Int)
		if !ok || end.Cmp(ps(89856000)) != 0 || got[0].End.SlotNo != 4492800 {
			t.Fatalf("byron end %T %v", got[0].End.Timespan, got[0].End.Timespan)
		}
		if unbounded != (got[1].End.Timespan == nil) {
			t.Fatalf("unbounded=%v but end timespan %v", unbounded, got[1].End.Timespan)
		}
	}
}

// TestRejectionWire: each rejection builder's CBOR decodes with
// gouroboros' reason decoder to the intended ledger error.
func TestRejectionWire(t *testing.T) {
	var id registry.TxID
	id[0] = 7
	tests := []struct {
		name  string
		r     *fakenode.Rejection
		check func(err error) bool
	}{
		{"bad inputs", fakenode.RejectBadInputs(registry.TxOutRef{TxID: id, Index: 3}), func(err error) bool {
			e, ok := err.(*ledger.BadInputsUtxo)
			return ok && len(e.Inputs) == 1 && e.Inputs[0].TxIx == 3 && e.Inputs[0].Utxo.Bytes()[0] == 7
		}},
		{"outside validity", fakenode.RejectOutsideValidityInterval(1, 2, 3), func(err error) bool {
			e, ok := err.(*ledger.OutsideValidityIntervalUtxo)
			return ok && e.Slot == 3
		}},
		{"fee", fakenode.RejectFeeTooSmall(5, 4), func(err error) bool {
			e, ok := err.(*ledger.FeeTooSmallUtxo)
			return ok && e.MinimumFee == 5 && e.SuppliedFee == 4
		}},
		{"value", fakenode.RejectValueNotConserved(5, 4), func(err error) bool {
			e, ok := err.(*ledger.ValueNotConservedUtxo)
			return ok && e.Consumed == 5 && e.Produced == 4
		}},
		{"script", fakenode.RejectScriptFailure("nope"), func(err error) bool { _, ok := err.(*ledger.UtxosFailure); return ok }},
		{"collateral", fakenode.RejectInsufficientCollateral(1, 2), func(err error) bool {
			e, ok := err.(*ledger.InsufficientCollateral)
			return ok && e.BalanceComputed == 1 && e.RequiredCollateral == 2
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.r.MarshalCBOR()
			if err != nil {
				t.Fatal(err)
			}
			decoded, err := ledger.NewTxSubmitErrorFromCbor(b)
			if err != nil {
				t.Fatal(err)
			}
			v, ok := decoded.(*ledger.ShelleyTxValidationError)
			if !ok || v.Era != fakenode.EraConway || len(v.Err.Failures) != 1 {
				t.Fatalf("decoded as %T %v", decoded, decoded)
			}
			w, ok := v.Err.Failures[0].(*ledger.UtxowFailure)
			if !ok {
				t.Fatalf("failure %T", v.Err.Failures[0])
			}
			u, ok := w.Err.(*ledger.UtxoFailure)
			if !ok || !tt.check(u.Err) {
				t.Fatalf("leaf %T %v", w.Err, w.Err)
			}
		})
	}
}

func TestListenAndClose(t *testing.T) {
	n, err := fakenode.New(fakenode.Config{Magic: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "fn")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "node.socket")
	if err := n.ListenUnix(sock); err != nil {
		t.Fatal(err)
	}
	addr, err := n.ListenLoopback()
	if err != nil || addr == "" {
		t.Fatalf("ListenLoopback = %q, %v", addr, err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Fatalf("socket left behind: %v", err)
	}
	if err := n.ListenUnix(sock); err == nil {
		t.Fatal("listening after Close")
	}
}
