package txjob_test

import (
	"bytes"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
)

// label1564 is metadata label 1564 as a u64 map key: the one place where a
// successful decode may legitimately re-encode differently (non-canonical
// Marlowe metadata is re-emitted in canonical form, §6.2).
var label1564 = []byte{0, 0, 0, 0, 0, 0, 0x06, 0x1c}

// FuzzDecodeTxJob feeds arbitrary bytes to Decode in every state of every
// command tag (GoldenMachines): decoding must never panic, and a successful
// decode must re-encode to exactly the bytes it consumed. Seeds are the
// hand-derived spec vectors and generated messages of every kind.
func FuzzDecodeTxJob(f *testing.F) {
	for _, v := range specVectors() {
		f.Add(unhex(f, v.hex))
	}
	g := newGen(1)
	for i := 0; i < 3; i++ {
		for _, s := range g.messages() {
			m := machineAt(f, s.st, s.k)
			b, err := session.EncodeMessage(m, s.msg)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	machines := txjob.GoldenMachines()
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range machines {
			d := binary.NewDecoder(b)
			msg, err := m.Decode(d)
			if err != nil {
				continue
			}
			consumed := b[:d.Offset()]
			re, err := session.EncodeMessage(m, msg)
			if err != nil {
				t.Fatalf("%s: decoded %s from %x but cannot re-encode: %v", m.State(), msg.MessageName(), consumed, err)
			}
			if bytes.Equal(re, consumed) {
				continue
			}
			// Only canonicalised Marlowe metadata may differ, and then the
			// re-encoding must be a fixed point.
			again, err := session.DecodeMessage(m, re)
			if err != nil || !bytes.Contains(consumed, label1564) {
				t.Fatalf("%s: %s re-encodes differently\n  in %x\n out %x", m.State(), msg.MessageName(), consumed, re)
			}
			if re2, err := session.EncodeMessage(m, again); err != nil || !bytes.Equal(re2, re) {
				t.Fatalf("%s: canonical re-encoding is not stable", m.State())
			}
		}
	})
}
