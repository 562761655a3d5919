package specclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// fence delimits a request: the harness writes it on a line of its own
// before and after the JSON document.
const fence = "```"

// MaxRequestBytes bounds one request so that a runaway writer cannot exhaust
// memory; the largest real contracts are around a megabyte.
const MaxRequestBytes = 64 << 20

// Options tune Serve.
type Options struct {
	// Timeout bounds the work on one request (DefaultTimeout if zero).
	Timeout time.Duration
}

// Serve reads fenced requests from r until end of input and writes one line of
// JSON per request to w. Malformed requests get an invalid-request answer and
// the stream goes on. It returns nil at end of input, or the first read or
// write error.
func Serve(ctx context.Context, r io.Reader, w io.Writer, opts Options) error {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	br := bufio.NewReaderSize(r, 1<<16)
	bw := bufio.NewWriter(w)
	var (
		inside  bool
		buf     bytes.Buffer
		tooLong bool
	)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line: keep accumulating it in buf below.
			err = nil
		}
		if len(line) > 0 {
			trimmed := bytes.TrimSpace(line)
			switch {
			case string(trimmed) == fence:
				if inside {
					var resp []byte
					if tooLong {
						resp = invalidRequest(fmt.Sprintf("request larger than %d bytes", MaxRequestBytes))
					} else {
						resp = answerWithin(ctx, buf.Bytes(), timeout, Handle)
					}
					if _, werr := bw.Write(append(resp, '\n')); werr != nil {
						return werr
					}
					if werr := bw.Flush(); werr != nil {
						return werr
					}
					buf.Reset()
					tooLong = false
				}
				inside = !inside
			case inside:
				if buf.Len()+len(line) > MaxRequestBytes {
					tooLong = true
				} else if !tooLong {
					buf.Write(line)
				}
			}
		}
		if err == io.EOF {
			return bw.Flush()
		}
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// answerWithin answers invalid-request when a request takes too long
// (for example a value whose integers grow without bound), so the harness
// receives an answer in time and the next request is still read. The slow
// computation is abandoned; it has no side effects.
func answerWithin(ctx context.Context, req []byte, timeout time.Duration, handle func([]byte) []byte) []byte {
	// The handler may outlive this call; give it its own copy of the bytes.
	own := bytes.Clone(req)
	done := make(chan []byte, 1)
	go func() { done <- handle(own) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case resp := <-done:
		return resp
	case <-t.C:
		return invalidRequest(fmt.Sprintf("request not answered within %s", timeout))
	case <-ctx.Done():
		return invalidRequest("client shutting down")
	}
}
