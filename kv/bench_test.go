package kv

import (
	"math/rand/v2"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// BenchmarkApplyEmptyBlock is the common case of a mainnet stream: a block
// without Marlowe transactions still moves the chain point, writes a
// journal entry and prunes one below k, on disk.
func BenchmarkApplyEmptyBlock(b *testing.B) {
	s, err := Open(b.TempDir(), Options{SecurityParam: 100})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var h chain.Hash
	for i := range b.N {
		n := uint64(i + 1)
		h[0], h[1], h[2] = byte(n), byte(n>>8), byte(n>>16)
		if err := s.ApplyBlock(chain.Point{Slot: n * 20, Hash: h}, n, extract.BlockEvents{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyMarloweBlock applies generated blocks with Marlowe
// transactions (0 to 3 each), on disk.
func BenchmarkApplyMarloweBlock(b *testing.B) {
	blocks := genChain(b, rand.New(rand.NewPCG(5, 5)), 2000)
	b.ResetTimer()
	for i := 0; i < b.N; {
		b.StopTimer()
		s, err := Open(b.TempDir(), Options{SecurityParam: 100})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, blk := range blocks {
			if i == b.N {
				break
			}
			if err := s.ApplyBlock(blk.ref.Point(), blk.ref.Number, blk.ev); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.StopTimer()
		_ = s.Close()
		b.StartTimer()
	}
}

// BenchmarkApplyEmptyBlocksBatched is the catch-up path: empty blocks
// committed 200 per transaction with ApplyBlocks.
func BenchmarkApplyEmptyBlocksBatched(b *testing.B) {
	s, err := Open(b.TempDir(), Options{SecurityParam: 100})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := make([]Block, 0, 200)
	flush := func() {
		if err := s.ApplyBlocks(batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := range b.N {
		n := uint64(i + 1)
		var h chain.Hash
		h[0], h[1], h[2] = byte(n), byte(n>>8), byte(n>>16)
		batch = append(batch, Block{Point: chain.Point{Slot: n * 20, Hash: h}, Number: n})
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
}
