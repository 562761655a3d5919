package types_test

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// bulkPayloads returns the MarloweBulkSync MsgRollForward bodies (after the
// tag): list<MarloweBlock>, BlockHeader.
func bulkPayloads(b *testing.B) ([][]byte, int) {
	vs, err := golden.ParseFile(shared.Path(b, "protocol", "golden", "MarloweBulkSync.golden"))
	if err != nil {
		b.Fatal(err)
	}
	var out [][]byte
	total := 0
	for _, v := range vs {
		if v.MessageName == "MsgRollForward" {
			out = append(out, v.Binary[1:])
			total += len(v.Binary) - 1
		}
	}
	return out, total
}

func decodeBulk(p []byte) ([]types.MarloweBlock, types.BlockHeader, error) {
	d := binary.NewDecoder(p)
	blocks, err := binary.DecodeList(d, types.DecodeMarloweBlock)
	if err != nil {
		return nil, types.BlockHeader{}, err
	}
	tip, err := types.DecodeBlockHeader(d)
	if err != nil {
		return nil, tip, err
	}
	return blocks, tip, d.Finish()
}

func BenchmarkDecodeMarloweBlocks(b *testing.B) {
	ps, total := bulkPayloads(b)
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range ps {
			if _, _, err := decodeBulk(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkEncodeMarloweBlocks(b *testing.B) {
	ps, total := bulkPayloads(b)
	type msg struct {
		blocks []types.MarloweBlock
		tip    types.BlockHeader
	}
	msgs := make([]msg, len(ps))
	for i, p := range ps {
		bl, tip, err := decodeBulk(p)
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = msg{bl, tip}
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	buf := make([]byte, 0, 1<<16)
	for b.Loop() {
		for _, m := range msgs {
			e := binary.NewEncoder(buf[:0])
			binary.EncodeList(e, m.blocks, types.EncodeMarloweBlock)
			types.EncodeBlockHeader(e, m.tip)
			if e.Err() != nil {
				b.Fatal(e.Err())
			}
		}
	}
}
