package types_test

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// TestGoldenStream sends every MarloweBulkSync MsgRollForward as an
// unframed wire frame (status 00, then the message; wire-protocol.md §1.3)
// through a reader that delivers one byte per Read, and decodes them back
// with binary.Reader: each frame must come out whole and in order.
func TestGoldenStream(t *testing.T) {
	vs, err := golden.ParseFile(shared.Path(t, "protocol", "golden", "MarloweBulkSync.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var stream []byte
	var want [][]byte
	for _, v := range vs {
		if v.MessageName == "MsgRollForward" {
			stream = append(append(stream, 0x00), v.Binary...)
			want = append(want, v.Binary)
		}
	}
	type rollForward struct {
		blocks []types.MarloweBlock
		tip    types.BlockHeader
	}
	frame := func(d *binary.Decoder) (rollForward, error) {
		var m rollForward
		if _, err := d.Tag("StatusToken", 1); err != nil {
			return m, err
		}
		if t, err := d.U8(); err != nil || t != 0x04 {
			return m, binary.Wrap(err, "MsgRollForward tag")
		}
		var err error
		if m.blocks, err = binary.DecodeList(d, types.DecodeMarloweBlock); err != nil {
			return m, err
		}
		m.tip, err = types.DecodeBlockHeader(d)
		return m, err
	}
	rd := binary.NewReader(iotest.OneByteReader(bytes.NewReader(stream)), 1<<20)
	for i, w := range want {
		m, err := binary.ReadValue(rd, frame)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		e := binary.NewEncoder([]byte{0x04})
		binary.EncodeList(e, m.blocks, types.EncodeMarloweBlock)
		types.EncodeBlockHeader(e, m.tip)
		if !bytes.Equal(e.Bytes(), w) {
			t.Fatalf("frame %d re-encodes differently", i)
		}
	}
	if _, err := binary.ReadValue(rd, frame); err != io.EOF {
		t.Fatalf("after the last frame: %v, want io.EOF", err)
	}
	t.Logf("%d frames, %d bytes streamed one byte per read", len(want), len(stream))
}
