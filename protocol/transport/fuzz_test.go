package transport

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	tt "github.com/marlowe-lite/marlowe-lite/protocol/transport/transporttest"
)

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

const fuzzLimit = 4096

// FuzzFrameDecoder feeds random bytes, a few at a time, to a server-side
// frame reader that goes through the handshake, the MsgRun selection and
// then the Toy protocol (answering pings itself). It must never panic,
// never buffer more than the limit allows, and every frame it accepts
// must re-encode to exactly the bytes it consumed.
func FuzzFrameDecoder(f *testing.F) {
	hs, _ := AppendFrame(nil, handshake.NewMachine(), handshake.MsgHandshake{Signature: handshake.MarloweRuntimeSignature})
	run, _ := AppendFrame(nil, handshake.NewRunMachine(), handshake.MsgRun{Run: handshake.RunMarloweQuery})
	ping, _ := AppendFrame(nil, tt.NewMachine(false), tt.Ping{N: 3, Payload: []byte("abc")})
	done, _ := AppendFrame(nil, tt.NewMachine(false), tt.Done{})
	whole := bytes.Join([][]byte{hs, run, ping, ping, done}, nil)
	f.Add(whole, uint8(1))
	f.Add(whole, uint8(200))
	f.Add(hs[:40], uint8(7))
	f.Add(append(append([]byte{}, hs...), AppendFailure(nil, "bye")...), uint8(3))
	// §1.8: the client's side of the status-query transcript.
	f.Add(append(append(append([]byte{}, hs...), run...), 0x00, 0x01, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00), uint8(5))
	f.Add([]byte{0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, uint8(2))
	// Real sub-protocol payloads as frames, after a valid setup: the Toy
	// machine must refuse them cleanly.
	vs, err := golden.ParseFile(shared.Path(f, "protocol", "golden", "MarloweLoad.golden"))
	if err != nil {
		f.Fatal(err)
	}
	for i, v := range vs {
		if i%25 == 0 {
			f.Add(append(append(append([]byte{}, hs...), run...), append([]byte{0}, v.Binary...)...), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		cr := &countingReader{r: &chunkReader{b: data, n: int(chunk)%64 + 1}}
		fr := NewFrameReader(cr, fuzzLimit)
		machines := []session.Machine{handshake.NewMachine(), handshake.NewRunMachine(), tt.NewMachine(false)}
		layer := 0
		consumed := 0
		for range len(data) + 1 {
			m := machines[layer]
			msg, err := fr.Next(m, 0)
			if fr.Buffered() > fuzzLimit+1 {
				t.Fatalf("buffered %d bytes, limit %d", fr.Buffered(), fuzzLimit)
			}
			if err != nil {
				var pf *PeerFailure
				if !errors.Is(err, ErrPeerClosed) && !errors.Is(err, io.ErrUnexpectedEOF) &&
					!errors.Is(err, binary.ErrMalformed) && !errors.As(err, &pf) {
					t.Fatalf("unclassified error: %v", err)
				}
				return
			}
			used := cr.n - fr.Buffered() - consumed
			re, err := AppendFrame(nil, m, msg)
			if err != nil {
				t.Fatalf("re-encode %s: %v", msg.MessageName(), err)
			}
			if start := consumed; !bytes.Equal(re, data[start:start+used]) {
				t.Fatalf("%s: consumed %x, re-encodes to %x", msg.MessageName(), data[start:start+used], re)
			}
			consumed += used
			if err := m.Step(session.Client, msg); err != nil {
				return // a message the client may not send here
			}
			switch mm := m.(type) {
			case *handshake.Machine:
				_ = mm.Step(session.Server, handshake.MsgAccept{})
				layer++
			case *handshake.RunMachine:
				layer++
			case *tt.Machine:
				switch m.State() {
				case "StBusy":
					_ = m.Step(session.Server, tt.Pong{})
				case "StDone":
					return
				}
			}
		}
		t.Fatal("more frames than bytes")
	})
}
