// Package slottime converts between slot numbers and POSIX time the way
// the node does: from the system start and the hard-fork era history
// (local-state-query GetSystemStart and GetEraHistory). Marlowe times are
// POSIX milliseconds; validity intervals are slots.
//
// All arithmetic is exact, in big integers: era start times are
// picoseconds since the system start and exceed 64 bits on mainnet (the
// Shelley era begins 8.9856e19 ps after the system start).
//
// The era history ends at the node's forecast horizon (the safe zone of
// the current era); conversions past it fail with ErrPastHorizon, as the
// node's own conversions do: a later hard fork could change the slot
// length.
package slottime

import (
	"errors"
	"fmt"
	"math/big"
	"time"
)

// ErrPastHorizon is returned for slots or times beyond the end of the
// last (bounded) era of the history.
var ErrPastHorizon = errors.New("past the era history's forecast horizon")

// ErrBeforeStart is returned for times before the system start.
var ErrBeforeStart = errors.New("before the system start")

// Bound is an era boundary: the time (picoseconds since the system start),
// slot and epoch at which an era begins or ends.
type Bound struct {
	// Time is picoseconds since the system start; never negative.
	Time  *big.Int
	Slot  uint64
	Epoch uint64
}

// Era is one era of the history.
type Era struct {
	Start Bound
	// End is the exclusive end of the era; nil means unbounded (a history
	// whose last era has no safe zone).
	End *Bound
	// EpochLength is the number of slots per epoch.
	EpochLength uint64
	// SlotLengthMs is the slot length in milliseconds.
	SlotLengthMs uint64
	// SafeZone and GenesisWindow are carried for completeness (the fake
	// node serves them); conversions do not use them.
	SafeZone      uint64
	GenesisWindow uint64
}

// Converter converts slots and POSIX times. It is immutable and safe for
// concurrent use.
type Converter struct {
	// startPs is the system start in picoseconds since the Unix epoch.
	startPs *big.Int
	eras    []Era
}

// Unit factors are built per use: a shared *big.Int would be package-level
// mutable state.
func psPerMs() *big.Int { return big.NewInt(1_000_000_000) }
func psPerNs() *big.Int { return big.NewInt(1_000) }
func psPerS() *big.Int  { return big.NewInt(1_000_000_000_000) }

// New builds a converter from the system start and the era history,
// oldest era first. It checks that the history is well formed: at least
// one era, contiguous bounds, positive slot and epoch lengths, end times
// consistent with the slot length, and only the last era unbounded.
func New(systemStart time.Time, eras []Era) (*Converter, error) {
	if len(eras) == 0 {
		return nil, errors.New("era history is empty")
	}
	c := &Converter{
		startPs: new(big.Int).Mul(big.NewInt(systemStart.Unix()), psPerS()),
		eras:    make([]Era, len(eras)),
	}
	c.startPs.Add(c.startPs, new(big.Int).Mul(big.NewInt(int64(systemStart.Nanosecond())), psPerNs()))
	for i, e := range eras {
		if err := checkEra(e, i == len(eras)-1); err != nil {
			return nil, fmt.Errorf("era history[%d]: %w", i, err)
		}
		if i > 0 {
			prev := eras[i-1].End
			if prev.Slot != e.Start.Slot || prev.Epoch != e.Start.Epoch || prev.Time.Cmp(e.Start.Time) != 0 {
				return nil, fmt.Errorf("era history[%d]: starts at slot %d epoch %d time %s ps, previous era ends at slot %d epoch %d time %s ps",
					i, e.Start.Slot, e.Start.Epoch, e.Start.Time, prev.Slot, prev.Epoch, prev.Time)
			}
		} else if e.Start.Slot != 0 || e.Start.Time.Sign() != 0 {
			return nil, fmt.Errorf("era history[0]: starts at slot %d time %s ps, want slot 0 time 0", e.Start.Slot, e.Start.Time)
		}
		c.eras[i] = copyEra(e)
	}
	return c, nil
}

func checkEra(e Era, last bool) error {
	if e.SlotLengthMs == 0 {
		return errors.New("slot length is 0")
	}
	if e.EpochLength == 0 {
		return errors.New("epoch length is 0")
	}
	if e.Start.Time == nil || e.Start.Time.Sign() < 0 {
		return errors.New("start time missing or negative")
	}
	if e.End == nil {
		if !last {
			return errors.New("unbounded era before the last one")
		}
		return nil
	}
	if e.End.Time == nil {
		return errors.New("end time missing")
	}
	if e.End.Slot < e.Start.Slot {
		return fmt.Errorf("ends at slot %d before its start slot %d", e.End.Slot, e.Start.Slot)
	}
	if e.End.Epoch < e.Start.Epoch {
		return fmt.Errorf("ends at epoch %d before its start epoch %d", e.End.Epoch, e.Start.Epoch)
	}
	want := new(big.Int).SetUint64(e.End.Slot - e.Start.Slot)
	want.Mul(want, slotPs(e))
	want.Add(want, e.Start.Time)
	if want.Cmp(e.End.Time) != 0 {
		return fmt.Errorf("end time %s ps does not match %d slots of %d ms after the start (%s ps)",
			e.End.Time, e.End.Slot-e.Start.Slot, e.SlotLengthMs, want)
	}
	return nil
}

func copyEra(e Era) Era {
	out := e
	out.Start.Time = new(big.Int).Set(e.Start.Time)
	if e.End != nil {
		end := *e.End
		end.Time = new(big.Int).Set(e.End.Time)
		out.End = &end
	}
	return out
}

// slotPs is the slot length of e in picoseconds.
func slotPs(e Era) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(e.SlotLengthMs), psPerMs())
}

// Eras returns a copy of the era history.
func (c *Converter) Eras() []Era {
	out := make([]Era, len(c.eras))
	for i, e := range c.eras {
		out[i] = copyEra(e)
	}
	return out
}

// SystemStart returns the system start.
func (c *Converter) SystemStart() time.Time {
	t, _ := psToTime(c.startPs) // built from a time.Time: always in range
	return t
}

// Horizon returns the first slot past the history (the exclusive end of
// the last era) and true, or false when the last era is unbounded.
func (c *Converter) Horizon() (uint64, bool) {
	last := c.eras[len(c.eras)-1]
	if last.End == nil {
		return 0, false
	}
	return last.End.Slot, true
}

// eraOfSlot finds the era holding slot; empty eras (start = end) hold no
// slot.
func (c *Converter) eraOfSlot(slot uint64) (Era, error) {
	for _, e := range c.eras {
		if slot < e.Start.Slot {
			break
		}
		if e.End == nil || slot < e.End.Slot {
			return e, nil
		}
	}
	h, _ := c.Horizon()
	return Era{}, fmt.Errorf("slot %d: %w (first slot past it: %d)", slot, ErrPastHorizon, h)
}

// slotStartPs is the start of slot in picoseconds since the Unix epoch.
func (c *Converter) slotStartPs(slot uint64) (*big.Int, error) {
	e, err := c.eraOfSlot(slot)
	if err != nil {
		return nil, err
	}
	t := new(big.Int).SetUint64(slot - e.Start.Slot)
	t.Mul(t, slotPs(e))
	t.Add(t, e.Start.Time)
	t.Add(t, c.startPs)
	return t, nil
}

// SlotToPOSIXMillis returns the POSIX time in milliseconds at which slot
// begins (rounded down to the millisecond).
func (c *Converter) SlotToPOSIXMillis(slot uint64) (*big.Int, error) {
	t, err := c.slotStartPs(slot)
	if err != nil {
		return nil, err
	}
	return t.Div(t, psPerMs()), nil
}

// SlotToTime returns the wall-clock time at which slot begins.
func (c *Converter) SlotToTime(slot uint64) (time.Time, error) {
	t, err := c.slotStartPs(slot)
	if err != nil {
		return time.Time{}, err
	}
	return psToTime(t)
}

// POSIXMillisToSlot returns the slot containing the POSIX time ms (in
// milliseconds).
func (c *Converter) POSIXMillisToSlot(ms *big.Int) (uint64, error) {
	if ms == nil {
		return 0, errors.New("POSIX time is nil")
	}
	t := new(big.Int).Mul(ms, psPerMs())
	return c.psToSlot(t, ms.String()+" ms")
}

// TimeToSlot returns the slot containing t.
func (c *Converter) TimeToSlot(t time.Time) (uint64, error) {
	ps := new(big.Int).Mul(big.NewInt(t.Unix()), psPerS())
	ps.Add(ps, new(big.Int).Mul(big.NewInt(int64(t.Nanosecond())), psPerNs()))
	return c.psToSlot(ps, t.UTC().Format(time.RFC3339Nano))
}

func (c *Converter) psToSlot(abs *big.Int, what string) (uint64, error) {
	rel := new(big.Int).Sub(abs, c.startPs)
	if rel.Sign() < 0 {
		return 0, fmt.Errorf("time %s: %w (%s)", what, ErrBeforeStart, c.SystemStart().UTC().Format(time.RFC3339))
	}
	for _, e := range c.eras {
		if rel.Cmp(e.Start.Time) < 0 {
			break
		}
		if e.End != nil && rel.Cmp(e.End.Time) >= 0 {
			continue
		}
		n := new(big.Int).Sub(rel, e.Start.Time)
		n.Div(n, slotPs(e))
		n.Add(n, new(big.Int).SetUint64(e.Start.Slot))
		if !n.IsUint64() {
			return 0, fmt.Errorf("time %s: slot %s exceeds 64 bits", what, n)
		}
		return n.Uint64(), nil
	}
	h, _ := c.Horizon()
	return 0, fmt.Errorf("time %s: %w (first slot past it: %d)", what, ErrPastHorizon, h)
}

// psToTime converts picoseconds since the Unix epoch to a time.Time,
// truncating below the nanosecond.
func psToTime(ps *big.Int) (time.Time, error) {
	sec, rem := new(big.Int).DivMod(ps, psPerS(), new(big.Int))
	if !sec.IsInt64() {
		return time.Time{}, fmt.Errorf("time %s ps since the Unix epoch is out of range", ps)
	}
	return time.Unix(sec.Int64(), new(big.Int).Div(rem, psPerNs()).Int64()).UTC(), nil
}

// SystemStartFromOrdinal converts the node's wire form of the system start
// (year, 1-based day of the year, picoseconds of the day: what
// local-state-query GetSystemStart returns) to a time. Sub-nanosecond
// picoseconds are rejected rather than silently dropped.
func SystemStartFromOrdinal(year *big.Int, dayOfYear int, picosOfDay *big.Int) (time.Time, error) {
	if year == nil || picosOfDay == nil {
		return time.Time{}, errors.New("system start: missing year or picoseconds")
	}
	if !year.IsInt64() || year.Int64() < 1 || year.Int64() > 9999 {
		return time.Time{}, fmt.Errorf("system start: year %s out of range 1..9999", year)
	}
	y := int(year.Int64())
	days := 365
	if time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay() == 366 {
		days = 366
	}
	if dayOfYear < 1 || dayOfYear > days {
		return time.Time{}, fmt.Errorf("system start: day %d of year %d out of range 1..%d", dayOfYear, y, days)
	}
	// A UTC day may hold a leap second, hence 86401 s.
	if picosOfDay.Sign() < 0 || picosOfDay.Cmp(new(big.Int).Mul(big.NewInt(86401), psPerS())) >= 0 {
		return time.Time{}, fmt.Errorf("system start: %s picoseconds of day out of range", picosOfDay)
	}
	ns, rem := new(big.Int).DivMod(picosOfDay, psPerNs(), new(big.Int))
	if rem.Sign() != 0 {
		return time.Time{}, fmt.Errorf("system start: %s picoseconds of day is not a whole number of nanoseconds", picosOfDay)
	}
	return time.Date(y, 1, dayOfYear, 0, 0, 0, 0, time.UTC).Add(time.Duration(ns.Int64())), nil
}

// OrdinalFromSystemStart is the inverse of SystemStartFromOrdinal: the
// year, 1-based day of the year and picoseconds of the day of t (in UTC).
func OrdinalFromSystemStart(t time.Time) (year *big.Int, dayOfYear int, picosOfDay *big.Int) {
	t = t.UTC()
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	ps := new(big.Int).Mul(big.NewInt(int64(t.Sub(midnight))), psPerNs())
	return big.NewInt(int64(t.Year())), t.YearDay(), ps
}
