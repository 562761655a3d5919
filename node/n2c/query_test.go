package n2c_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/blinklabs-io/gouroboros/ledger"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
	devledger "github.com/marlowe-lite/marlowe-lite/node/ledger"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

func ps(seconds uint64) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(seconds), big.NewInt(1_000_000_000_000))
}

// mainnetHistory is mainnet's era history (forks at epochs 208, 236,
// 251, 290, 365, 507; Conway's end is a forecast horizon at epoch 600).
// From Shelley on the start times exceed 64 bits of picoseconds.
func mainnetHistory() []slottime.Era {
	eras := []slottime.Era{{
		Start: slottime.Bound{Time: ps(0)}, End: &slottime.Bound{Time: ps(89856000), Slot: 4492800, Epoch: 208},
		EpochLength: 21600, SlotLengthMs: 20000, SafeZone: 4320, GenesisWindow: 4320,
	}}
	epoch, slot := uint64(208), uint64(4492800)
	for _, next := range []uint64{236, 251, 290, 365, 507, 600} {
		n := (next - epoch) * 432000
		start := slottime.Bound{Time: ps(slot + 85363200), Slot: slot, Epoch: epoch}
		end := slottime.Bound{Time: ps(slot + n + 85363200), Slot: slot + n, Epoch: next}
		eras = append(eras, slottime.Era{Start: start, End: &end, EpochLength: 432000, SlotLengthMs: 1000, SafeZone: 129600, GenesisWindow: 36000})
		epoch, slot = next, slot+n
	}
	return eras
}

var mainnetSystemStart = time.Date(2017, 9, 23, 21, 44, 51, 0, time.UTC)

func marloweAddress(t *testing.T) []byte {
	t.Helper()
	set := registry.New().Current()
	return set.Semantics.EnterpriseAddressBytes(registry.Mainnet)
}

func ref(b byte, ix uint32) registry.TxOutRef {
	var id registry.TxID
	for i := range id {
		id[i] = b
	}
	return registry.TxOutRef{TxID: id, Index: ix}
}

func mustOutput(t *testing.T, addr []byte, lovelace uint64, datum []byte) []byte {
	t.Helper()
	o, err := testchain.Output(addr, lovelace, datum)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func mustAddr(t *testing.T, raw []byte) lcommon.Address {
	t.Helper()
	a, err := lcommon.NewAddressFromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestLocalStateQuery: system start, era history (with bignum times),
// the converter built from them, current era, chain point, protocol
// parameters and UTxO by address / by TxIn round-trip through the fake
// node and the client.
func TestLocalStateQuery(t *testing.T) {
	script := marloweAddress(t)
	alice := testchain.KeyAddress(1)
	bob := testchain.KeyAddress(2)
	datum := []byte{0xd8, 0x79, 0x9f, 0x01, 0xff} // Constr 0 [1]
	utxos := []fakenode.UTxO{
		{Ref: ref(0xaa, 1), Output: mustOutput(t, script, 3_000_000, datum)},
		{Ref: ref(0xaa, 0), Output: mustOutput(t, alice, 10_000_000, nil)},
		{Ref: ref(0xbb, 7), Output: mustOutput(t, script, 2_000_000, nil)},
		{Ref: ref(0xcc, 300), Output: mustOutput(t, bob, 5_000_000, nil)},
	}
	pp := devledger.DefaultProtocolParams()
	node, cfg := startNode(t, fakenode.Config{
		SystemStart: mainnetSystemStart, Eras: mainnetHistory(), ProtocolParams: pp, UTxOs: utxos,
	}, false)
	bld := synthetic(t)
	blocks := mustChain(t, bld, chain.Point{}, 0, 3, 1000, 0)
	if err := node.Append(blocks...); err != nil {
		t.Fatal(err)
	}
	c, err := n2c.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	start, err := c.SystemStart(ctx)
	if err != nil || !start.Equal(mainnetSystemStart) {
		t.Fatalf("SystemStart = %v, %v", start, err)
	}
	eras, err := c.EraHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := mainnetHistory()
	if len(eras) != len(want) {
		t.Fatalf("%d eras, want %d", len(eras), len(want))
	}
	for i := range want {
		g, w := eras[i], want[i]
		if g.Start.Time.Cmp(w.Start.Time) != 0 || g.Start.Slot != w.Start.Slot || g.Start.Epoch != w.Start.Epoch ||
			g.End.Time.Cmp(w.End.Time) != 0 || g.End.Slot != w.End.Slot || g.End.Epoch != w.End.Epoch ||
			g.EpochLength != w.EpochLength || g.SlotLengthMs != w.SlotLengthMs || g.SafeZone != w.SafeZone || g.GenesisWindow != w.GenesisWindow {
			t.Fatalf("era %d: got %+v / %+v, want %+v / %+v", i, g.Start, *g.End, w.Start, *w.End)
		}
	}
	if eras[1].Start.Time.IsUint64() {
		t.Fatal("Shelley start fits 64 bits: the bignum path was not exercised")
	}
	conv, err := c.SlotConverter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		slot uint64
		ms   int64
	}{{4471207, 1595627231000}, {4492800, 1596059091000}, {159835207, 1751401498000}} {
		ms, err := conv.SlotToPOSIXMillis(tc.slot)
		if err != nil || ms.Int64() != tc.ms {
			t.Fatalf("slot %d = %v ms, %v; want %d", tc.slot, ms, err, tc.ms)
		}
	}

	err = c.Query(ctx, func(s *n2c.Snapshot) error {
		era, err := s.CurrentEra()
		if err != nil || era != fakenode.EraConway {
			t.Errorf("CurrentEra = %d, %v", era, err)
		}
		if p := s.ChainPoint(); p != blocks[2].Point {
			t.Errorf("ChainPoint = %s; want %s", p, blocks[2].Point)
		}
		got, err := s.ProtocolParams()
		if err != nil {
			return err
		}
		cp, ok := got.(*conway.ConwayProtocolParameters)
		if !ok {
			t.Fatalf("protocol parameters of type %T", got)
		}
		if cp.MinFeeA != pp.MinFeeA || cp.MinFeeB != pp.MinFeeB || cp.AdaPerUtxoByte != pp.AdaPerUtxoByte ||
			cp.MaxTxExUnits != pp.MaxTxExUnits || cp.CollateralPercentage != pp.CollateralPercentage ||
			cp.ProtocolVersion != pp.ProtocolVersion || cp.ExecutionCosts.MemPrice.Cmp(pp.ExecutionCosts.MemPrice.Rat) != 0 ||
			cp.MinFeeRefScriptCostPerByte.Cmp(pp.MinFeeRefScriptCostPerByte.Rat) != 0 || len(cp.CostModels[1]) != len(pp.CostModels[1]) {
			t.Errorf("protocol parameters differ: got %+v", cp)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// UTxO by address: the two outputs at the Marlowe address, in order,
	// with their original CBOR, the inline datum intact.
	got, err := c.UTxOByAddress(ctx, mustAddr(t, script))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Ref != ref(0xaa, 1) || got[1].Ref != ref(0xbb, 7) {
		t.Fatalf("UTxO at the script address: %v", refsOf(got))
	}
	if string(got[0].Output.Cbor()) != string(utxos[0].Output) || got[0].Output.Amount().Uint64() != 3_000_000 {
		t.Fatalf("output CBOR or amount changed in transit")
	}
	if d := got[0].Output.Datum(); d == nil || string(d.Cbor()) != string(datum) {
		t.Fatalf("inline datum lost: %v", d)
	}
	got, err = c.UTxOByAddress(ctx, mustAddr(t, alice), mustAddr(t, bob))
	if err != nil || len(got) != 2 || got[0].Ref != ref(0xaa, 0) || got[1].Ref != ref(0xcc, 300) {
		t.Fatalf("UTxO at alice+bob: %v, %v", refsOf(got), err)
	}
	got, err = c.UTxOByAddress(ctx, mustAddr(t, testchain.KeyAddress(99)))
	if err != nil || len(got) != 0 {
		t.Fatalf("UTxO at an empty address: %v, %v", refsOf(got), err)
	}

	// UTxO by TxIn: present ones come back, spent/unknown ones do not.
	got, err = c.UTxOByTxIn(ctx, ref(0xcc, 300), ref(0xaa, 1), ref(0xdd, 0), ref(0xaa, 2))
	if err != nil || len(got) != 2 || got[0].Ref != ref(0xaa, 1) || got[1].Ref != ref(0xcc, 300) {
		t.Fatalf("UTxO by TxIn: %v, %v", refsOf(got), err)
	}
	if got[1].Output.Amount().Uint64() != 5_000_000 {
		t.Fatalf("amount %s", got[1].Output.Amount())
	}
}

func refsOf(us []n2c.UTxO) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Ref.String()
	}
	return out
}

// TestQuerySnapshotPerBatch: queries inside one Query call see one
// acquired state; the next call re-acquires and sees the change (the
// gouroboros client alone would keep its first state forever).
func TestQuerySnapshotPerBatch(t *testing.T) {
	alice := testchain.KeyAddress(1)
	first := []fakenode.UTxO{{Ref: ref(1, 0), Output: mustOutput(t, alice, 1_000_000, nil)}}
	second := []fakenode.UTxO{{Ref: ref(2, 0), Output: mustOutput(t, alice, 2_000_000, nil)}, {Ref: ref(3, 0), Output: mustOutput(t, alice, 3_000_000, nil)}}
	node, cfg := startNode(t, fakenode.Config{UTxOs: first}, true)
	c, err := n2c.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	addr := mustAddr(t, alice)
	err = c.Query(ctx, func(s *n2c.Snapshot) error {
		a, err := s.UTxOByAddress(addr)
		if err != nil {
			return err
		}
		if err := node.SetUTxOs(second); err != nil {
			return err
		}
		b, err := s.UTxOByAddress(addr)
		if err != nil {
			return err
		}
		if len(a) != 1 || len(b) != 1 || a[0].Ref != b[0].Ref {
			t.Errorf("state changed inside one batch: %v then %v", refsOf(a), refsOf(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // several batches on the same connection
		got, err := c.UTxOByAddress(ctx, addr)
		if err != nil || len(got) != 2 {
			t.Fatalf("next batch: %v, %v; want the 2 new outputs", refsOf(got), err)
		}
	}
}

// TestSubmit: accepted transactions reach the node; rejections come back
// as *RejectedError with a typed reason and gouroboros' ledger error.
func TestSubmit(t *testing.T) {
	tx := []byte{0x84, 0xa0, 0xa0, 0xf5, 0xf6} // shape only; the fake node does not validate
	tests := []struct {
		name     string
		reject   error
		wantKind n2c.RejectKind
		check    func(t *testing.T, e *n2c.RejectedError)
	}{
		{"accepted", nil, 0, nil},
		{"bad inputs", fakenode.RejectBadInputs(ref(0xab, 2), ref(0xcd, 0)), n2c.RejectBadInputs, func(t *testing.T, e *n2c.RejectedError) {
			var bi *ledger.BadInputsUtxo
			if !errors.As(e.Reasons[0].Err, &bi) || len(bi.Inputs) != 2 || bi.Inputs[0].TxIx != 2 {
				t.Fatalf("BadInputsUtxo not decoded: %#v", e.Reasons[0].Err)
			}
		}},
		{"outside validity interval", fakenode.RejectOutsideValidityInterval(100, 200, 250), n2c.RejectOutsideValidityInterval, func(t *testing.T, e *n2c.RejectedError) {
			var ov *ledger.OutsideValidityIntervalUtxo
			if !errors.As(e.Reasons[0].Err, &ov) || ov.Slot != 250 {
				t.Fatalf("OutsideValidityIntervalUtxo not decoded: %#v", e.Reasons[0].Err)
			}
		}},
		{"fee too small", fakenode.RejectFeeTooSmall(200000, 150000), n2c.RejectFeeTooSmall, func(t *testing.T, e *n2c.RejectedError) {
			var ft *ledger.FeeTooSmallUtxo
			if !errors.As(e.Reasons[0].Err, &ft) || ft.MinimumFee != 200000 || ft.SuppliedFee != 150000 {
				t.Fatalf("FeeTooSmallUtxo not decoded: %#v", e.Reasons[0].Err)
			}
		}},
		{"value not conserved", fakenode.RejectValueNotConserved(10, 9), n2c.RejectValueNotConserved, nil},
		{"script failure", fakenode.RejectScriptFailure("validator returned false"), n2c.RejectScriptFailure, nil},
		{"insufficient collateral", fakenode.RejectInsufficientCollateral(1, 2), n2c.RejectInsufficientCollateral, nil},
		{"plain text reason", errors.New("mempool is full"), n2c.RejectText, func(t *testing.T, e *n2c.RejectedError) {
			if !strings.Contains(e.Error(), "mempool is full") {
				t.Fatalf("text lost: %v", e)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node, cfg := startNode(t, fakenode.Config{Submit: func(era uint16, got []byte) error {
				if era != n2c.TxEraConway || string(got) != string(tx) {
					return errors.New("unexpected era or bytes")
				}
				return tt.reject
			}}, false)
			c, err := n2c.NewClient(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = c.SubmitTx(context.Background(), n2c.TxEraConway, tx)
			subs := node.Submitted()
			if len(subs) != 1 || string(subs[0].CBOR) != string(tx) || subs[0].Accepted != (tt.reject == nil) {
				t.Fatalf("node saw %+v", subs)
			}
			if tt.reject == nil {
				if err != nil {
					t.Fatalf("SubmitTx = %v", err)
				}
				return
			}
			var rej *n2c.RejectedError
			if !errors.As(err, &rej) {
				t.Fatalf("SubmitTx = %v (%T), want *RejectedError", err, err)
			}
			if !rej.Has(tt.wantKind) || len(rej.Reasons) != 1 || len(rej.CBOR) == 0 {
				t.Fatalf("reasons %+v, want one %s", rej.Reasons, tt.wantKind)
			}
			t.Log(rej)
			if tt.check != nil {
				tt.check(t, rej)
			}
			// The connection survives a rejection.
			if err := c.SubmitTx(context.Background(), n2c.TxEraConway, tx); !errors.As(err, &rej) {
				t.Fatalf("second submission: %v", err)
			}
		})
	}
}

// TestEraHistoryUnbounded: a last era without an end (null on the wire)
// arrives as an unbounded era and the converter has no horizon.
func TestEraHistoryUnbounded(t *testing.T) {
	eras := mainnetHistory()
	eras[len(eras)-1].End = nil
	_, cfg := startNode(t, fakenode.Config{SystemStart: mainnetSystemStart, Eras: eras}, false)
	c, err := n2c.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conv, err := c.SlotConverter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := conv.Horizon(); ok {
		t.Fatal("unbounded history reported a horizon")
	}
	ms, err := conv.SlotToPOSIXMillis(1 << 33)
	if err != nil || ms.Int64() != (1<<33-4492800)*1000+1596059091000 {
		t.Fatalf("slot 2^33 = %v, %v", ms, err)
	}
}

// TestClientReconnects: the node drops the client's idle connection
// (a restart); the very next query succeeds on a new connection.
func TestClientReconnects(t *testing.T) {
	node, cfg := startNode(t, fakenode.Config{SystemStart: mainnetSystemStart, Eras: mainnetHistory()}, false)
	c, err := n2c.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := range 20 {
		if _, err := c.SystemStart(ctx); err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		node.DropConnections()
	}
	if accepted, _, _ := node.Stats(); accepted != 20 {
		t.Fatalf("%d connections for 20 queries separated by drops", accepted)
	}
}
