package bulksync

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// benchItem is one golden message with the machine (state) it belongs to.
type benchItem struct {
	m   *Machine
	bin []byte
	msg session.Message
}

// benchItems decodes every golden vector once, in its state.
func benchItems(b *testing.B) ([]benchItem, int64) {
	var items []benchItem
	var total int64
	for _, v := range goldenVectors(b) {
		msg, st, ok := decodeAnyState(v.Binary)
		if !ok {
			b.Fatalf("golden line %d does not decode", v.Line)
		}
		items = append(items, benchItem{m: machineAt(st), bin: v.Binary, msg: msg})
		total += int64(len(v.Binary))
	}
	return items, total
}

// BenchmarkMarloweBulkSyncDecode decodes all 1245 golden messages per iteration.
func BenchmarkMarloweBulkSyncDecode(b *testing.B) {
	items, total := benchItems(b)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range items {
			d := binary.NewDecoder(it.bin)
			if _, err := it.m.Decode(d); err != nil || d.Remaining() != 0 {
				b.Fatalf("decode: %v", err)
			}
		}
	}
}

// BenchmarkMarloweBulkSyncEncode encodes all 1245 golden messages per iteration.
func BenchmarkMarloweBulkSyncEncode(b *testing.B) {
	items, total := benchItems(b)
	b.SetBytes(total)
	b.ReportAllocs()
	buf := make([]byte, 0, total)
	for b.Loop() {
		// Back to back into one reused buffer, as a connection writer
		// would send them.
		e := binary.NewEncoder(buf[:0])
		for _, it := range items {
			if err := it.m.Encode(e, it.msg); err != nil {
				b.Fatal(err)
			}
		}
		if e.Len() != int(total) {
			b.Fatalf("encoded %d bytes, want %d", e.Len(), total)
		}
	}
}
