package chain_test

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
)

// FuzzParse: header parsing and full decoding of arbitrary bytes as any
// block type return errors, never panic; a parsed block's point is never
// the origin. Seeds: a synthetic empty Conway block (a real mainnet header)
// and the smaller real mainnet blocks; the larger ones (tens of KB) slow the
// mutator to a few executions per second without covering more of the parser.
func FuzzParse(f *testing.F) {
	b, err := testchain.NewBuilder()
	if err != nil {
		f.Fatal(err)
	}
	blk, err := b.Block(1, 100, chain.Hash{}, 0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(blk.Type), blk.CBOR)
	mb, err := testchain.MainnetBlocks()
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range mb {
		if len(m.CBOR) <= 4<<10 {
			f.Add(uint8(m.Type), m.CBOR)
		}
	}
	f.Add(uint8(chain.TypeConway), []byte{0x85, 0x80})
	f.Fuzz(func(t *testing.T, typ uint8, raw []byte) {
		b, err := chain.Parse(uint(typ%10), raw)
		if err != nil {
			return
		}
		if b.Point.IsOrigin() {
			t.Fatal("parsed block at the origin")
		}
		_, _ = b.Decode()
	})
}
