package slottime

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"
)

// sec is n seconds in picoseconds.
func sec(n uint64) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(n), big.NewInt(1_000_000_000_000))
}

func bound(seconds, slot, epoch uint64) Bound {
	return Bound{Time: sec(seconds), Slot: slot, Epoch: epoch}
}

func bp(b Bound) *Bound { return &b }

// mainnetEras is mainnet's era history as the node reports it: Byron
// (20 s slots, 21600-slot epochs) for 208 epochs, then 1 s slots and
// 432000-slot epochs. Hard forks at epochs 208, 236, 251, 290, 365, 507;
// the Conway end is an arbitrary forecast horizon at epoch 600.
func mainnetEras() []Era {
	const ep = 432000
	type fork struct{ epoch, slot, time uint64 }
	forks := []fork{{208, 4492800, 89856000}}
	for _, e := range []uint64{236, 251, 290, 365, 507, 600} {
		last := forks[len(forks)-1]
		n := (e - last.epoch) * ep
		forks = append(forks, fork{e, last.slot + n, last.time + n})
	}
	eras := []Era{{
		Start: bound(0, 0, 0), End: bp(bound(forks[0].time, forks[0].slot, forks[0].epoch)),
		EpochLength: 21600, SlotLengthMs: 20000, SafeZone: 4320, GenesisWindow: 4320,
	}}
	for i := 0; i+1 < len(forks); i++ {
		a, b := forks[i], forks[i+1]
		eras = append(eras, Era{
			Start: bound(a.time, a.slot, a.epoch), End: bp(bound(b.time, b.slot, b.epoch)),
			EpochLength: ep, SlotLengthMs: 1000, SafeZone: 129600, GenesisWindow: 36000,
		})
	}
	return eras
}

// preprodEras: 4 Byron epochs, then Shelley+ (forks at epochs 4, 5, 6, 7,
// 12, 163; horizon at epoch 200).
func preprodEras() []Era {
	const ep = 432000
	eras := []Era{{Start: bound(0, 0, 0), End: bp(bound(1728000, 86400, 4)), EpochLength: 21600, SlotLengthMs: 20000}}
	prev := struct{ epoch, slot, time uint64 }{4, 86400, 1728000}
	for _, e := range []uint64{5, 6, 7, 12, 163, 200} {
		n := (e - prev.epoch) * ep
		next := struct{ epoch, slot, time uint64 }{e, prev.slot + n, prev.time + n}
		eras = append(eras, Era{
			Start: bound(prev.time, prev.slot, prev.epoch), End: bp(bound(next.time, next.slot, next.epoch)),
			EpochLength: ep, SlotLengthMs: 1000,
		})
		prev = next
	}
	return eras
}

// previewEras: Byron to Mary are empty (the network started in Alonzo),
// 1 s slots and 86400-slot epochs throughout; Babbage at epoch 3, Conway
// at epoch 646, horizon at epoch 1000.
func previewEras() []Era {
	const ep = 86400
	var eras []Era
	for range 4 {
		eras = append(eras, Era{Start: bound(0, 0, 0), End: bp(bound(0, 0, 0)), EpochLength: ep, SlotLengthMs: 1000})
	}
	prev := uint64(0)
	for _, e := range []uint64{3, 646, 1000} {
		eras = append(eras, Era{
			Start: bound(prev*ep, prev*ep, prev), End: bp(bound(e*ep, e*ep, e)),
			EpochLength: ep, SlotLengthMs: 1000,
		})
		prev = e
	}
	return eras
}

var (
	mainnetStart = time.Date(2017, 9, 23, 21, 44, 51, 0, time.UTC)
	preprodStart = time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC)
	previewStart = time.Date(2022, 10, 25, 0, 0, 0, 0, time.UTC)
)

func mustNew(t *testing.T, start time.Time, eras []Era) *Converter {
	t.Helper()
	c, err := New(start, eras)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestMainnetShelleyStartIsBignum(t *testing.T) {
	eras := mainnetEras()
	if eras[1].Start.Time.IsUint64() {
		t.Fatalf("Shelley start %s ps fits 64 bits; the test is meant to exercise a bignum", eras[1].Start.Time)
	}
	if got := eras[1].Start.Time.String(); got != "89856000000000000000" {
		t.Fatalf("Shelley start = %s ps", got)
	}
}

// TestKnownSlots checks hand-computed values: the slots of the real mainnet
// blocks shipped with gouroboros and the semantics.md §8 formulas
// (mainnet (slot−4492800)·1000+1596059091000, preprod
// (slot−86400)·1000+1655769600000, preview slot·1000+1666656000000).
func TestKnownSlots(t *testing.T) {
	mainnet := mustNew(t, mainnetStart, mainnetEras())
	preprod := mustNew(t, preprodStart, preprodEras())
	preview := mustNew(t, previewStart, previewEras())
	tests := []struct {
		name string
		c    *Converter
		slot uint64
		ms   int64
	}{
		{"mainnet genesis", mainnet, 0, 1506203091000},
		{"mainnet byron block 4471207", mainnet, 4471207, 1506203091000 + 4471207*20000},
		{"mainnet last byron slot", mainnet, 4492799, 1596059091000 - 20000},
		{"mainnet first shelley slot", mainnet, 4492800, 1596059091000},
		{"mainnet shelley block", mainnet, 16156972, 1607723263000},
		{"mainnet allegra block", mainnet, 23068573, (23068573-4492800)*1000 + 1596059091000},
		{"mainnet mary block", mainnet, 39916670, (39916670-4492800)*1000 + 1596059091000},
		{"mainnet alonzo block", mainnet, 72316767, (72316767-4492800)*1000 + 1596059091000},
		{"mainnet babbage block", mainnet, 76204984, (76204984-4492800)*1000 + 1596059091000},
		{"mainnet conway block", mainnet, 159835207, 1751401498000},
		{"preprod genesis", preprod, 0, 1654041600000},
		{"preprod byron", preprod, 100, 1654041600000 + 100*20000},
		{"preprod first shelley slot", preprod, 86400, 1655769600000},
		{"preprod babbage", preprod, 20_000_000, (20_000_000-86400)*1000 + 1655769600000},
		{"preprod conway", preprod, 70_000_000, (70_000_000-86400)*1000 + 1655769600000},
		{"preview genesis", preview, 0, 1666656000000},
		{"preview alonzo", preview, 100_000, 100_000*1000 + 1666656000000},
		{"preview conway", preview, 60_000_000, 60_000_000*1000 + 1666656000000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.SlotToPOSIXMillis(tt.slot)
			if err != nil {
				t.Fatalf("SlotToPOSIXMillis(%d): %v", tt.slot, err)
			}
			if got.Cmp(big.NewInt(tt.ms)) != 0 {
				t.Fatalf("SlotToPOSIXMillis(%d) = %s, want %d", tt.slot, got, tt.ms)
			}
			back, err := tt.c.POSIXMillisToSlot(got)
			if err != nil || back != tt.slot {
				t.Fatalf("POSIXMillisToSlot(%s) = %d, %v; want %d", got, back, err, tt.slot)
			}
			tm, err := tt.c.SlotToTime(tt.slot)
			if err != nil || tm.UnixMilli() != tt.ms {
				t.Fatalf("SlotToTime(%d) = %v, %v", tt.slot, tm, err)
			}
			s, err := tt.c.TimeToSlot(tm)
			if err != nil || s != tt.slot {
				t.Fatalf("TimeToSlot(%v) = %d, %v", tm, s, err)
			}
		})
	}
}

// TestTimeInsideSlot: a time anywhere inside a slot maps to that slot
// (floor), across the Byron/Shelley boundary.
func TestTimeInsideSlot(t *testing.T) {
	c := mustNew(t, mainnetStart, mainnetEras())
	tests := []struct {
		ms   int64
		slot uint64
	}{
		{1506203091000, 0},
		{1506203091000 + 19999, 0},
		{1506203091000 + 20000, 1},
		{1596059091000 - 1, 4492799},
		{1596059091000, 4492800},
		{1596059091999, 4492800},
		{1751401498999, 159835207},
		{1751401499000, 159835208},
	}
	for _, tt := range tests {
		got, err := c.POSIXMillisToSlot(big.NewInt(tt.ms))
		if err != nil || got != tt.slot {
			t.Errorf("POSIXMillisToSlot(%d) = %d, %v; want %d", tt.ms, got, err, tt.slot)
		}
	}
}

func TestHorizonAndBeforeStart(t *testing.T) {
	c := mustNew(t, mainnetStart, mainnetEras())
	h, ok := c.Horizon()
	if !ok || h != 173836800 {
		t.Fatalf("Horizon = %d, %v; want 173836800", h, ok)
	}
	if _, err := c.SlotToPOSIXMillis(h - 1); err != nil {
		t.Fatalf("last slot before the horizon: %v", err)
	}
	if _, err := c.SlotToPOSIXMillis(h); !errors.Is(err, ErrPastHorizon) {
		t.Fatalf("slot at the horizon: err = %v, want ErrPastHorizon", err)
	}
	endMs := int64(1596059091000 + (h-4492800)*1000)
	if _, err := c.POSIXMillisToSlot(big.NewInt(endMs - 1)); err != nil {
		t.Fatalf("last ms before the horizon: %v", err)
	}
	if _, err := c.POSIXMillisToSlot(big.NewInt(endMs)); !errors.Is(err, ErrPastHorizon) {
		t.Fatalf("time at the horizon: err = %v, want ErrPastHorizon", err)
	}
	if _, err := c.POSIXMillisToSlot(big.NewInt(1506203091000 - 1)); !errors.Is(err, ErrBeforeStart) {
		t.Fatalf("time before the system start: err = %v, want ErrBeforeStart", err)
	}
	if _, err := c.POSIXMillisToSlot(nil); err == nil {
		t.Fatal("nil time accepted")
	}
	huge := new(big.Int).Lsh(big.NewInt(1), 200)
	if _, err := c.POSIXMillisToSlot(huge); !errors.Is(err, ErrPastHorizon) {
		t.Fatalf("2^200 ms: err = %v, want ErrPastHorizon", err)
	}
}

func TestUnboundedLastEra(t *testing.T) {
	eras := mainnetEras()
	eras[len(eras)-1].End = nil
	c := mustNew(t, mainnetStart, eras)
	if _, ok := c.Horizon(); ok {
		t.Fatal("Horizon reported for an unbounded history")
	}
	const slot = 1 << 40
	ms, err := c.SlotToPOSIXMillis(slot)
	if err != nil {
		t.Fatal(err)
	}
	want := new(big.Int).SetUint64(slot - 4492800)
	want.Mul(want, big.NewInt(1000)).Add(want, big.NewInt(1596059091000))
	if ms.Cmp(want) != 0 {
		t.Fatalf("slot 2^40 = %s ms, want %s", ms, want)
	}
	// Slot numbers themselves must stay in 64 bits.
	tooLate := new(big.Int).Lsh(big.NewInt(1), 80)
	if _, err := c.POSIXMillisToSlot(tooLate); err == nil {
		t.Fatal("a slot beyond 64 bits was accepted")
	}
	// The last slot's wall-clock time (~5.8e11 years out) does not fit a
	// time.Time: an error, not a wrapped-around value.
	if tm, err := c.SlotToTime(^uint64(0)); err == nil {
		t.Fatalf("SlotToTime(max uint64) = %v, want an out-of-range error", tm)
	}
}

// TestRoundTripRandom: for random slots, time → slot → time is the
// identity and agrees with the §8 formula after Byron.
func TestRoundTripRandom(t *testing.T) {
	c := mustNew(t, mainnetStart, mainnetEras())
	h, _ := c.Horizon()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		slot := rng.Uint64N(h)
		ms, err := c.SlotToPOSIXMillis(slot)
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		if slot < 4492800 {
			want = 1506203091000 + int64(slot)*20000
		} else {
			want = (int64(slot)-4492800)*1000 + 1596059091000
		}
		if ms.Int64() != want {
			t.Fatalf("slot %d: %s ms, want %d", slot, ms, want)
		}
		// Any ms inside the slot maps back to it.
		off := int64(999)
		if slot < 4492800 {
			off = rng.Int64N(20000)
		}
		back, err := c.POSIXMillisToSlot(big.NewInt(want + off))
		if err != nil || back != slot {
			t.Fatalf("POSIXMillisToSlot(%d) = %d, %v; want %d", want+off, back, err, slot)
		}
	}
}

func TestNewRejectsMalformedHistory(t *testing.T) {
	mod := func(f func([]Era) []Era) []Era { return f(mainnetEras()) }
	tests := []struct {
		name string
		eras []Era
	}{
		{"empty", nil},
		{"first era not at 0", mod(func(e []Era) []Era { return e[1:] })},
		{"gap between eras", mod(func(e []Era) []Era { e[2].Start.Slot++; return e })},
		{"time mismatch between eras", mod(func(e []Era) []Era { e[2].Start.Time = sec(1); return e })},
		{"end time inconsistent with slot length", mod(func(e []Era) []Era {
			e[0].End.Time = sec(89856001)
			e[1].Start.Time = sec(89856001)
			return e
		})},
		{"zero slot length", mod(func(e []Era) []Era { e[3].SlotLengthMs = 0; return e })},
		{"zero epoch length", mod(func(e []Era) []Era { e[3].EpochLength = 0; return e })},
		{"unbounded middle era", mod(func(e []Era) []Era { e[2].End = nil; return e })},
		{"end before start", mod(func(e []Era) []Era {
			last := &e[len(e)-1]
			last.End = bp(bound(0, last.Start.Slot-1, last.Start.Epoch))
			return e
		})},
		{"missing start time", mod(func(e []Era) []Era { e[0].Start.Time = nil; return e })},
		{"negative start time", mod(func(e []Era) []Era { e[0].Start.Time = big.NewInt(-1); return e })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(mainnetStart, tt.eras); err == nil {
				t.Fatal("accepted")
			} else {
				t.Log(err)
			}
		})
	}
}

func TestConverterIsIsolatedFromCaller(t *testing.T) {
	eras := mainnetEras()
	c := mustNew(t, mainnetStart, eras)
	eras[1].Start.Time.SetInt64(0) // caller mutates its input
	got := c.Eras()
	got[1].Start.Time.SetInt64(0) // and the copy it was given
	ms, err := c.SlotToPOSIXMillis(4492800)
	if err != nil || ms.Int64() != 1596059091000 {
		t.Fatalf("converter changed by caller mutation: %s, %v", ms, err)
	}
}

func TestSystemStartOrdinal(t *testing.T) {
	tests := []struct {
		name  string
		year  int64
		day   int
		ps    *big.Int
		want  time.Time
		isErr bool
	}{
		{"mainnet", 2017, 266, sec(78291), mainnetStart, false},
		{"preprod", 2022, 152, sec(0), preprodStart, false},
		{"preview", 2022, 298, sec(0), previewStart, false},
		{"leap day 366", 2020, 366, sec(0), time.Date(2020, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{"nanoseconds", 2020, 1, big.NewInt(1000), time.Date(2020, 1, 1, 0, 0, 0, 1, time.UTC), false},
		{"day 366 in a common year", 2021, 366, sec(0), time.Time{}, true},
		{"day 0", 2021, 0, sec(0), time.Time{}, true},
		{"sub-nanosecond", 2021, 1, big.NewInt(1), time.Time{}, true},
		{"too many picoseconds", 2021, 1, sec(86401), time.Time{}, true},
		{"negative picoseconds", 2021, 1, big.NewInt(-1000), time.Time{}, true},
		{"year 0", 0, 1, sec(0), time.Time{}, true},
		{"huge year", 1 << 40, 1, sec(0), time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SystemStartFromOrdinal(big.NewInt(tt.year), tt.day, tt.ps)
			if tt.isErr {
				if err == nil {
					t.Fatalf("accepted: %v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			y, d, ps := OrdinalFromSystemStart(got)
			if y.Int64() != tt.year || d != tt.day || ps.Cmp(tt.ps) != 0 {
				t.Fatalf("OrdinalFromSystemStart = %s %d %s", y, d, ps)
			}
		})
	}
	if _, err := SystemStartFromOrdinal(nil, 1, sec(0)); err == nil {
		t.Fatal("nil year accepted")
	}
}
