package types

import (
	"fmt"
	"math/big"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// UTCTime is Haskell's Data.Time UTCTime in the chain-sync Binary form: the
// ISO ordinal date (year, day of year) and the time of day in picoseconds.
// The fields are kept exactly as on the wire — year and picoseconds are
// Haskell Integers — so that every value round-trips byte for byte; use
// UTCTimeOf and Time to convert.
type UTCTime struct {
	Year *big.Int
	// DayOfYear is 1-based (1..365, or 366 in leap years).
	DayOfYear int64
	// Picoseconds since midnight (Haskell DiffTime; normally below
	// 86401e12, though the wire form does not require it).
	Picoseconds *big.Int
}

// UTCTimeOf converts t (taken in UTC) to a UTCTime.
func UTCTimeOf(t time.Time) UTCTime {
	t = t.UTC()
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	ps := new(big.Int).Mul(big.NewInt(int64(t.Sub(midnight))), big.NewInt(1000))
	return UTCTime{Year: big.NewInt(int64(t.Year())), DayOfYear: int64(t.YearDay()), Picoseconds: ps}
}

// Time converts u to a time.Time, truncating picoseconds to nanoseconds. It
// fails for years outside Go's range or a time of day outside [0, 86401 s).
func (u UTCTime) Time() (time.Time, error) {
	if u.Year == nil || u.Picoseconds == nil {
		return time.Time{}, fmt.Errorf("UTCTime: missing field")
	}
	if !u.Year.IsInt64() || u.Year.Int64() < -292277022399 || u.Year.Int64() > 292277022399 {
		return time.Time{}, fmt.Errorf("UTCTime: year %s out of range", u.Year)
	}
	if u.Picoseconds.Sign() < 0 || u.Picoseconds.Cmp(big.NewInt(86401e12)) >= 0 {
		return time.Time{}, fmt.Errorf("UTCTime: time of day %s ps out of range", u.Picoseconds)
	}
	ns := new(big.Int).Quo(u.Picoseconds, big.NewInt(1000)).Int64()
	y := u.Year.Int64()
	if u.DayOfYear < 1 || u.DayOfYear > daysInYear(u.Year) {
		return time.Time{}, fmt.Errorf("UTCTime: day %d invalid for year %d", u.DayOfYear, y)
	}
	return time.Date(int(y), time.January, 1, 0, 0, 0, 0, time.UTC).
		AddDate(0, 0, int(u.DayOfYear-1)).
		Add(time.Duration(ns)), nil
}

// daysInYear is 366 for proleptic Gregorian leap years, else 365.
func daysInYear(y *big.Int) int64 {
	mod := func(m int64) int64 { return new(big.Int).Mod(y, big.NewInt(m)).Int64() }
	if mod(4) == 0 && (mod(100) != 0 || mod(400) == 0) {
		return 366
	}
	return 365
}

// EncodeUTCTime appends a UTCTime: integer year, i64 day of year, integer
// picoseconds.
func EncodeUTCTime(e *binary.Encoder, x UTCTime) {
	e.PutInteger(x.Year)
	e.PutI64(x.DayOfYear)
	e.PutInteger(x.Picoseconds)
}

// DecodeUTCTime reads a UTCTime, rejecting an invalid ordinal date as
// Haskell's fromOrdinalDateValid does.
func DecodeUTCTime(d *binary.Decoder) (UTCTime, error) {
	year, err := d.Integer()
	if err != nil {
		return UTCTime{}, binary.Wrapf(err, "decode UTCTime.year")
	}
	at := d.Offset()
	day, err := d.I64()
	if err != nil {
		return UTCTime{}, binary.Wrapf(err, "decode UTCTime.dayOfYear")
	}
	if day < 1 || day > daysInYear(year) {
		return UTCTime{}, binary.Wrapf(d.Errorf(at, "invalid ISO 8601 ordinal date %s-%d", year, day), "decode UTCTime.dayOfYear")
	}
	ps, err := d.Integer()
	if err != nil {
		return UTCTime{}, binary.Wrapf(err, "decode UTCTime.picoseconds")
	}
	return UTCTime{Year: year, DayOfYear: day, Picoseconds: ps}, nil
}
