package binary

import (
	"bytes"
	"errors"
	"io"
	"math/big"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

type msg struct {
	text string
	nums []*big.Int
}

func encodeMsg(e *Encoder, m msg) {
	e.PutU8(0) // a frame status byte, as in wire-protocol.md §1.3
	e.PutText(m.text)
	EncodeList(e, m.nums, (*Encoder).PutInteger)
}

func decodeMsg(d *Decoder) (msg, error) {
	var m msg
	if _, err := d.Tag("Status", 2); err != nil {
		return m, err
	}
	var err error
	if m.text, err = d.Text(); err != nil {
		return m, Wrap(err, "text")
	}
	if m.nums, err = DecodeListMin(d, 5, (*Decoder).Integer); err != nil {
		return m, Wrap(err, "nums")
	}
	return m, nil
}

func TestReaderStream(t *testing.T) {
	var msgs []msg
	e := NewEncoder(nil)
	for i := 0; i < 50; i++ {
		m := msg{text: strings.Repeat("é", i*37), nums: []*big.Int{big.NewInt(int64(i)), new(big.Int).Lsh(big.NewInt(1), uint(i*9))}}
		msgs = append(msgs, m)
		encodeMsg(e, m)
	}
	stream := e.Bytes()
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(stream) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(stream)) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(stream)) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(stream)) },
	}
	for name, mk := range readers {
		t.Run(name, func(t *testing.T) {
			rd := NewReader(mk(), 1<<20)
			for i, want := range msgs {
				got, err := ReadValue(rd, decodeMsg)
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				if got.text != want.text || len(got.nums) != 2 || got.nums[1].Cmp(want.nums[1]) != 0 {
					t.Fatalf("message %d differs", i)
				}
			}
			if _, err := ReadValue(rd, decodeMsg); err != io.EOF {
				t.Fatalf("after the last message: %v, want io.EOF", err)
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	e := NewEncoder(nil)
	encodeMsg(e, msg{text: "hello"})
	one := e.Bytes()

	t.Run("stream ends mid-value", func(t *testing.T) {
		rd := NewReader(bytes.NewReader(one[:len(one)-3]), 1<<20)
		_, err := ReadValue(rd, decodeMsg)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
		}
	})
	t.Run("malformed value", func(t *testing.T) {
		bad := append([]byte{}, one...)
		bad[0] = 7
		_, err := ReadValue(NewReader(bytes.NewReader(bad), 1<<20), decodeMsg)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "unknown Status constructor tag 7") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("hostile length is refused before reading it", func(t *testing.T) {
		hostile := unhex(t, "00 00ffffffffffffff 61")
		counting := &countingReader{r: bytes.NewReader(append(hostile, make([]byte, 1<<16)...))}
		_, err := ReadValue(NewReader(counting, 1<<20), decodeMsg)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "over the 1048576-byte limit") {
			t.Fatalf("got %v", err)
		}
		if counting.n > 64<<10 {
			t.Errorf("read %d bytes before refusing", counting.n)
		}
	})
	t.Run("value at the limit is fine", func(t *testing.T) {
		rd := NewReader(iotest.OneByteReader(bytes.NewReader(one)), len(one))
		if _, err := ReadValue(rd, decodeMsg); err != nil {
			t.Fatal(err)
		}
		rd = NewReader(bytes.NewReader(one), len(one)-1)
		if _, err := ReadValue(rd, decodeMsg); !errors.Is(err, ErrMalformed) {
			t.Fatalf("value over the limit: %v", err)
		}
	})
	t.Run("read error is returned", func(t *testing.T) {
		boom := errors.New("boom")
		rd := NewReader(io.MultiReader(bytes.NewReader(one[:4]), iotest.ErrReader(boom)), 1<<20)
		if _, err := ReadValue(rd, decodeMsg); !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("reader making no progress", func(t *testing.T) {
		rd := NewReader(zeroReader{}, 1<<20)
		if _, err := ReadValue(rd, decodeMsg); !errors.Is(err, io.ErrNoProgress) {
			t.Fatalf("got %v", err)
		}
	})
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// A length prefix announcing far more than has arrived must not make the
// Reader allocate for it: memory follows the bytes received.
func TestReaderDoesNotAllocateFromAnnouncedLength(t *testing.T) {
	// A ByteString claiming 1 GiB, followed by 64 KiB of actual data, then
	// the stream ends.
	msg := make([]byte, 8+64<<10)
	msg[4] = 0x40 // i64 length 2^30
	rd := NewReader(bytes.NewReader(msg), 2<<30)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadValue(rd, (*Decoder).Bytes)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want unexpected EOF, got %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("allocated %d bytes for 64 KiB of input", grew)
	}
}
