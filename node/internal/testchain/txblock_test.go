package testchain

import (
	"bytes"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

func TestBlockWithTxs(t *testing.T) {
	b, err := NewBuilder()
	if err != nil {
		t.Fatal(err)
	}
	// A minimal Conway body {0: [], 1: [], 2: fee} and an empty witness set.
	body := func(fee byte) []byte { return []byte{0xa3, 0x00, 0x80, 0x01, 0x80, 0x02, 0x18, fee} }
	aux := []byte{0xa1, 0x18, 0x64, 0x61, 'x'} // {100: "x"}
	tests := []struct {
		name string
		txs  []TxParts
	}{
		{"empty", nil},
		{"one", []TxParts{{Body: body(100), Witnesses: []byte{0xa0}}}},
		{"aux and invalid", []TxParts{
			{Body: body(101), Witnesses: []byte{0xa0}, Aux: aux},
			{Body: body(102), Witnesses: []byte{0xa0}, Invalid: true},
			{Body: body(103), Witnesses: []byte{0xa0}, Aux: aux, Invalid: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blk, err := b.BlockWithTxs(7, 1000, chain.Hash{1}, 0, tt.txs)
			if err != nil {
				t.Fatal(err)
			}
			if blk.Number != 7 || blk.Point.Slot != 1000 || blk.Prev != (chain.Hash{1}) {
				t.Fatalf("header: number %d slot %d prev %s", blk.Number, blk.Point.Slot, blk.Prev)
			}
			lb, err := blk.Decode()
			if err != nil {
				t.Fatalf("decode (body hash check): %v", err)
			}
			got := lb.Transactions()
			if len(got) != len(tt.txs) {
				t.Fatalf("%d transactions, want %d", len(got), len(tt.txs))
			}
			for i, tx := range got {
				if tx.IsValid() == tt.txs[i].Invalid {
					t.Errorf("tx %d: valid %v, want %v", i, tx.IsValid(), !tt.txs[i].Invalid)
				}
				if (tx.Metadata() != nil) != (tt.txs[i].Aux != nil) {
					t.Errorf("tx %d: metadata present %v, want %v", i, tx.Metadata() != nil, tt.txs[i].Aux != nil)
				}
			}
		})
	}
	// The body hash is checked: a block whose body changed does not decode.
	blk, err := b.BlockWithTxs(8, 1001, chain.Hash{}, 0, []TxParts{{Body: body(100), Witnesses: []byte{0xa0}}})
	if err != nil {
		t.Fatal(err)
	}
	raw := bytes.Clone(blk.CBOR)
	at := bytes.Index(raw, body(100))
	if at < 0 {
		t.Fatal("transaction body not found in the block")
	}
	raw[at+len(body(100))-1] = 99
	if _, err := chain.DecodeBlock(chain.TypeConway, raw); err == nil {
		t.Fatal("a block with a changed body decoded")
	}
	if _, err := b.BlockWithTxs(1, 1, chain.Hash{}, 0, []TxParts{{Body: body(1)}}); err == nil {
		t.Fatal("a transaction without a witness set was accepted")
	}
}
