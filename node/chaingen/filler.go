package chaingen

import (
	"encoding/binary"

	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
)

// The filler payments are most of a mainnet-like chain, so they are
// written directly rather than through txtest: random (seeded) inputs,
// base or enterprise key addresses, and one vkey witness per input, in
// the shape and roughly the size of ordinary wallet transactions.

func appendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, m|27), n)
	}
}

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
	body = appendHead(body, 5, 3)
	body = appendHead(body, 0, 0)
	body = appendHead(body, 6, 258)
	body = appendHead(body, 4, uint64(nIn))
	for range nIn {
		body = appendHead(body, 4, 2)
		body = appendHead(body, 2, 32)
		body = g.appendRandom(body, 32)
		body = appendHead(body, 0, uint64(g.r.IntN(8)))
	}
	body = appendHead(body, 0, 1)
	body = appendHead(body, 4, uint64(nOut))
	for range nOut {
		body = appendHead(body, 5, 2)
		body = appendHead(body, 0, 0)
		if g.r.IntN(4) == 0 {
			body = appendHead(body, 2, 29)
			body = append(body, 0x60|net)
			body = g.appendRandom(body, 28)
		} else {
			body = appendHead(body, 2, 57)
			body = append(body, 0x00|net)
			body = g.appendRandom(body, 56)
		}
		body = appendHead(body, 0, 1)
		body = appendHead(body, 0, 1_000_000+g.r.Uint64N(1_000_000_000))
	}
	body = appendHead(body, 0, 2)
	body = appendHead(body, 0, g.fee())

	wits := make([]byte, 0, 8+100*nIn)
	wits = appendHead(wits, 5, 1)
	wits = appendHead(wits, 0, 0)
	wits = appendHead(wits, 6, 258)
	wits = appendHead(wits, 4, uint64(nIn))
	for range nIn {
		wits = appendHead(wits, 4, 2)
		wits = appendHead(wits, 2, 32)
		wits = g.appendRandom(wits, 32)
		wits = appendHead(wits, 2, 64)
		wits = g.appendRandom(wits, 64)
	}
	g.stats.FillerTxs++
	return builtTx{id: registry.TxID(blake2b.Sum256(body)), parts: testchain.TxParts{Body: body, Witnesses: wits}}, nil
}
