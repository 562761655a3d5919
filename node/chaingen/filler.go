package chaingen

import (
	"encoding/binary"

	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
)

// The filler payments are most of a mainnet-like chain, so they are
// written directly rather than through txtest: random (seeded) inputs,
// base or enterprise key addresses, and one vkey witness per input, in
// the shape and roughly the size of ordinary wallet transactions.

// appendRandom appends n seeded random bytes.
func (g *gen) appendRandom(b []byte, n int) []byte {
	for n >= 8 {
		b = binary.LittleEndian.AppendUint64(b, g.r.Uint64())
		n -= 8
	}
	for ; n > 0; n-- {
		b = append(b, byte(g.r.Uint32()))
	}
	return b
}

// filler is a simple payment between key addresses.
func (g *gen) filler() (builtTx, error) {
	nIn, nOut := 1+g.r.IntN(3), 1+g.r.IntN(3)
	net := g.cfg.Network.AddressNetworkID()
	body := make([]byte, 0, 64+40*nIn+80*nOut)
	body = cborhead.Append(body, 5, 3)
	body = cborhead.Append(body, 0, 0)
	body = cborhead.Append(body, 6, 258)
	body = cborhead.Append(body, 4, uint64(nIn))
	for range nIn {
		body = cborhead.Append(body, 4, 2)
		body = cborhead.Append(body, 2, 32)
		body = g.appendRandom(body, 32)
		body = cborhead.Append(body, 0, uint64(g.r.IntN(8)))
	}
	body = cborhead.Append(body, 0, 1)
	body = cborhead.Append(body, 4, uint64(nOut))
	for range nOut {
		body = cborhead.Append(body, 5, 2)
		body = cborhead.Append(body, 0, 0)
		if g.r.IntN(4) == 0 {
			body = cborhead.Append(body, 2, 29)
			body = append(body, 0x60|net)
			body = g.appendRandom(body, 28)
		} else {
			body = cborhead.Append(body, 2, 57)
			body = append(body, 0x00|net)
			body = g.appendRandom(body, 56)
		}
		body = cborhead.Append(body, 0, 1)
		body = cborhead.Append(body, 0, 1_000_000+g.r.Uint64N(1_000_000_000))
	}
	body = cborhead.Append(body, 0, 2)
	body = cborhead.Append(body, 0, g.fee())

	wits := make([]byte, 0, 8+100*nIn)
	wits = cborhead.Append(wits, 5, 1)
	wits = cborhead.Append(wits, 0, 0)
	wits = cborhead.Append(wits, 6, 258)
	wits = cborhead.Append(wits, 4, uint64(nIn))
	for range nIn {
		wits = cborhead.Append(wits, 4, 2)
		wits = cborhead.Append(wits, 2, 32)
		wits = g.appendRandom(wits, 32)
		wits = cborhead.Append(wits, 2, 64)
		wits = g.appendRandom(wits, 64)
	}
	g.stats.FillerTxs++
	return builtTx{id: registry.TxID(blake2b.Sum256(body)), parts: testchain.TxParts{Body: body, Witnesses: wits}}, nil
}
