package chain_test

import (
	"bytes"
	"strings"
	"testing"

	pcommon "github.com/blinklabs-io/gouroboros/protocol/common"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
)

// TestParseMainnetBlocks: every real mainnet block in gouroboros' test data
// (Byron to Conway) yields the published slot and hash from its header
// alone, and the full decode agrees and passes the body-hash check.
func TestParseMainnetBlocks(t *testing.T) {
	mb, err := testchain.MainnetBlocks()
	if err != nil {
		t.Fatal(err)
	}
	if len(mb) != 7 {
		t.Fatalf("%d mainnet blocks, want 7", len(mb))
	}
	for _, m := range mb {
		t.Run(m.Name, func(t *testing.T) {
			b, err := chain.Parse(m.Type, m.CBOR)
			if err != nil {
				t.Fatal(err)
			}
			if b.Point.Slot != m.Slot || b.Point.Hash.String() != m.Hash {
				t.Fatalf("point %s, want %d.%s", b.Point, m.Slot, m.Hash)
			}
			if b.Number == 0 {
				t.Fatal("block number 0")
			}
			full, err := b.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if full.SlotNumber() != m.Slot || full.Hash().String() != m.Hash || full.BlockNumber() != b.Number {
				t.Fatalf("full decode: slot %d hash %s number %d", full.SlotNumber(), full.Hash(), full.BlockNumber())
			}
			prev := full.PrevHash()
			if !bytes.Equal(prev[:], b.Prev[:]) {
				t.Fatalf("prev hash %x, header parse %x", prev, b.Prev)
			}
			if len(full.Transactions()) == 0 {
				t.Fatal("no transactions decoded")
			}
		})
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	mb, err := testchain.MainnetBlocks()
	if err != nil {
		t.Fatal(err)
	}
	conway := mb[6].CBOR
	truncated := conway[:len(conway)/2]
	corruptHeader := bytes.Clone(conway)
	corruptHeader[3] = 0xff // inside the header body array head
	tests := []struct {
		name string
		typ  uint
		raw  []byte
	}{
		{"empty", chain.TypeConway, nil},
		{"not an array", chain.TypeConway, []byte{0x01}},
		{"empty array", chain.TypeConway, []byte{0x80}},
		{"truncated array head", chain.TypeConway, []byte{0x98}},
		{"reserved array head", chain.TypeConway, []byte{0x9c}},
		{"header truncated", chain.TypeConway, conway[:40]},
		{"garbage header", chain.TypeConway, []byte{0x82, 0x01, 0x02}},
		{"corrupt header", chain.TypeConway, corruptHeader},
		{"wrong era", chain.TypeByronMain, conway},
		{"unknown type", 42, conway},
		{"deep nesting", chain.TypeConway, append(bytes.Repeat([]byte{0x81}, 100), 0x00)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := chain.Parse(tt.typ, tt.raw); err == nil {
				t.Fatalf("accepted: %s", b.Point)
			} else {
				t.Log(err)
			}
		})
	}
	// A block whose header is intact but whose body is cut off parses
	// (only the header is read) and fails the full decode.
	b, err := chain.Parse(chain.TypeConway, truncated)
	if err != nil {
		t.Fatalf("truncated body: header parse failed: %v", err)
	}
	if _, err := b.Decode(); err == nil {
		t.Fatal("truncated body decoded")
	}
	// A body that does not match the header's body hash fails the decode.
	tampered := bytes.Clone(conway)
	tampered[len(tampered)-2] ^= 0x01
	if _, err := chain.DecodeBlock(chain.TypeConway, tampered); err == nil {
		t.Fatal("tampered body decoded")
	}
}

func TestSyntheticBlocks(t *testing.T) {
	bld, err := testchain.NewBuilder()
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := bld.Chain(chain.Point{}, 0, 5, 1000, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range blocks {
		if b.Number != uint64(i) || b.Point.Slot != 1000+uint64(i)*20 {
			t.Fatalf("block %d: number %d slot %d", i, b.Number, b.Point.Slot)
		}
		if i > 0 && b.Prev != blocks[i-1].Point.Hash {
			t.Fatalf("block %d does not link to its parent", i)
		}
		full, err := b.Decode()
		if err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		if full.Hash().String() != b.Point.Hash.String() || len(full.Transactions()) != 0 {
			t.Fatalf("block %d: decoded hash %s, %d txs", i, full.Hash(), len(full.Transactions()))
		}
	}
	fork, err := bld.Block(3, blocks[3].Point.Slot, blocks[2].Point.Hash, 1)
	if err != nil {
		t.Fatal(err)
	}
	if fork.Point == blocks[3].Point {
		t.Fatal("salted block has the same point")
	}
}

func TestPointConversions(t *testing.T) {
	var h chain.Hash
	h[0], h[31] = 0xab, 0xcd
	p := chain.Point{Slot: 42, Hash: h}
	s := p.String()
	if !strings.HasPrefix(s, "42.ab") {
		t.Fatalf("String = %s", s)
	}
	q, err := chain.ParsePoint(s)
	if err != nil || q != p {
		t.Fatalf("ParsePoint(%s) = %v, %v", s, q, err)
	}
	if o, err := chain.ParsePoint("origin"); err != nil || !o.IsOrigin() {
		t.Fatalf("origin: %v %v", o, err)
	}
	for _, bad := range []string{"", "42", "x.00", "42.zz", "42.abcd", "0." + strings.Repeat("00", 32)} {
		if _, err := chain.ParsePoint(bad); err == nil {
			t.Errorf("ParsePoint(%q) accepted", bad)
		}
	}
	wire := p.Protocol()
	back, err := chain.FromProtocol(wire)
	if err != nil || back != p {
		t.Fatalf("protocol round trip: %v %v", back, err)
	}
	if o, err := chain.FromProtocol(pcommon.NewPointOrigin()); err != nil || !o.IsOrigin() {
		t.Fatalf("origin from protocol: %v %v", o, err)
	}
	if len(chain.Point{}.Protocol().Hash) != 0 {
		t.Fatal("origin has a hash on the wire")
	}
	for _, bad := range []pcommon.Point{{Slot: 5}, {Slot: 5, Hash: []byte{1, 2}}} {
		if _, err := chain.FromProtocol(bad); err == nil {
			t.Errorf("FromProtocol(%v) accepted", bad)
		}
	}
	if p.Compare(chain.Point{}) <= 0 || (chain.Point{}).Compare(p) >= 0 || p.Compare(p) != 0 {
		t.Fatal("Compare")
	}
}
