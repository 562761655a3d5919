package core

import (
	"errors"
	"fmt"
)

// ConstrFieldBytes returns the raw encodings of the fields of a top-level
// Plutus Data constructor (compact tags 121–127 and 1280–1400), exactly as
// they appear in cbor, and the constructor index. Keeping the original bytes
// matters wherever a hash was computed over them (datums in witness sets,
// benchmark script contexts): a re-encoding proves nothing about them.
func ConstrFieldBytes(cbor []byte) (index uint64, fields [][]byte, err error) {
	d := pdDecoder{buf: cbor, maxDepth: MaxDataDepth}
	major, tag, _, err := d.head()
	if err != nil {
		return 0, nil, err
	}
	switch {
	case major != 6:
		return 0, nil, errors.New("plutus data: not a constructor")
	case tag >= 121 && tag <= 127:
		index = tag - 121
	case tag >= 1280 && tag <= 1400:
		index = tag - 1280 + 7
	default:
		return 0, nil, fmt.Errorf("plutus data: tag %d is not a compact constructor tag", tag)
	}
	major, n, indef, err := d.head()
	if err != nil {
		return 0, nil, err
	}
	if major != 4 {
		return 0, nil, errors.New("plutus data: constructor fields are not a list")
	}
	for i := uint64(0); indef || i < n; i++ {
		if indef && d.isBreak() {
			break
		}
		start := d.pos
		if _, err := d.item(1); err != nil {
			return 0, nil, fmt.Errorf("field %d: %w", len(fields), err)
		}
		fields = append(fields, cbor[start:d.pos])
	}
	if d.pos != len(cbor) {
		return 0, nil, fmt.Errorf("plutus data: %d trailing bytes", len(cbor)-d.pos)
	}
	return index, fields, nil
}
