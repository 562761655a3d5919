package testchain

import (
	"bytes"
	"fmt"

	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// TxParts is one transaction of a synthetic block, split the way a block
// body stores it: the body, the witness set and the auxiliary data (nil
// when the transaction has none) each as CBOR, and the validity flag.
type TxParts struct {
	Body      []byte
	Witnesses []byte
	Aux       []byte
	// Invalid lists the transaction among the block's invalid ones (a
	// phase-2 failure: only its collateral moves).
	Invalid bool
}

// BlockWithTxs is Block with transactions: the body carries txs in order,
// and the header's body size and body hash are those of the body written,
// so that gouroboros' body-hash check passes.
func (b *Builder) BlockWithTxs(number, slot uint64, parent chain.Hash, salt byte, txs []TxParts) (chain.Block, error) {
	parts, err := bodyParts(txs)
	if err != nil {
		return chain.Block{}, fmt.Errorf("synthetic block %d: %w", number, err)
	}
	var hashes []byte
	size := 0
	for _, part := range parts {
		h := blake2b.Sum256(part)
		hashes = append(hashes, h[:]...)
		size += len(part)
	}
	bodyHash := blake2b.Sum256(hashes)
	hb := make([]cbor.RawMessage, len(b.headerBody))
	copy(hb, b.headerBody)
	fields := []struct {
		i int
		v any
	}{{0, number}, {1, slot}, {2, parent[:]}, {6, size}, {7, bodyHash[:]}}
	for _, f := range fields {
		raw, err := cbor.Marshal(f.v)
		if err != nil {
			return chain.Block{}, fmt.Errorf("synthetic block %d: header field %d: %w", number, f.i, err)
		}
		hb[f.i] = raw
	}
	sig := bytes.Clone(b.signature)
	sig[0] ^= salt
	header, err := cbor.Marshal([]any{hb, sig})
	if err != nil {
		return chain.Block{}, fmt.Errorf("synthetic block %d: header: %w", number, err)
	}
	raw := cborhead.Append(make([]byte, 0, 1+len(header)+size), 4, 5)
	raw = append(raw, header...)
	for _, p := range parts {
		raw = append(raw, p...)
	}
	return chain.Parse(chain.TypeConway, raw)
}

// bodyParts writes the four body elements: transaction bodies, witness
// sets, auxiliary data by transaction index, invalid transaction indexes.
func bodyParts(txs []TxParts) ([][]byte, error) {
	// Sized up front: blocks are built by the hundred thousand for the
	// index benchmark, and regrowing these buffers dominated the cost.
	nBody, nWits, nAuxBytes := 9, 9, 9
	for _, t := range txs {
		nBody += len(t.Body)
		nWits += len(t.Witnesses)
		nAuxBytes += len(t.Aux) + 9
	}
	bodies := cborhead.Append(make([]byte, 0, nBody), 4, uint64(len(txs)))
	wits := cborhead.Append(make([]byte, 0, nWits), 4, uint64(len(txs)))
	nAux, nInvalid := 0, 0
	for i, t := range txs {
		if len(t.Body) == 0 || len(t.Witnesses) == 0 {
			return nil, fmt.Errorf("tx %d: empty body or witness set", i)
		}
		bodies = append(bodies, t.Body...)
		wits = append(wits, t.Witnesses...)
		if t.Aux != nil {
			nAux++
		}
		if t.Invalid {
			nInvalid++
		}
	}
	aux := cborhead.Append(make([]byte, 0, nAuxBytes), 5, uint64(nAux))
	invalid := cborhead.Append(nil, 4, uint64(nInvalid))
	for i, t := range txs {
		if t.Aux != nil {
			aux = cborhead.Append(aux, 0, uint64(i))
			aux = append(aux, t.Aux...)
		}
		if t.Invalid {
			invalid = cborhead.Append(invalid, 0, uint64(i))
		}
	}
	return [][]byte{bodies, wits, aux, invalid}, nil
}
