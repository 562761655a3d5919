package view_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// mainnetClock is mainnet's slot schedule: Byron's 20 s slots up to slot
// 4,492,800, then 1 s slots without end (the generator's chains live
// there: slot s begins at POSIX second 1,591,566,291 + s).
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

func converter(tb testing.TB, n registry.Network) *view.Converter {
	tb.Helper()
	c, err := view.New(n, mainnetClock(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// wire returns the wire bytes of x, so that values are compared exactly as
// the protocol sees them.
func wire[T any](tb testing.TB, x T, f binary.EncodeFunc[T]) []byte {
	tb.Helper()
	b, err := binary.Encode(x, f)
	if err != nil {
		tb.Fatalf("encode %T: %v", x, err)
	}
	return b
}
