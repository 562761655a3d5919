package runtime_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
)

// statusSession is one whole client session as the issue counts it: TCP
// connect to 127.0.0.1, handshake with the 156-byte MarloweRuntime
// signature, MsgRunMarloweQuery, one ReqStatus request and its
// RuntimeStatus response (§1.8), MsgDone, close.
func statusSession(addr string, w *world) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, conn, err := runtime.DialMarloweQuery(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	defer conn.Close()
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	if st.NetworkId != w.status.NetworkId || st.RuntimeTip != w.status.RuntimeTip {
		return fmt.Errorf("wrong status %+v", st)
	}
	return c.Done(ctx)
}

// benchServer serves the MarloweQuery in-memory handler alone.
func benchServer(b *testing.B) (string, *world) {
	b.Helper()
	w := newWorld(b)
	return startServer(b, runtime.Handlers{Query: w.query}, server.Config{}), w
}

// BenchmarkQueryRoundTrip1: handshake plus one MarloweQuery status round
// trip per second on loopback, one client at a time. B/op and allocs/op
// count client and server together (they share the process).
func BenchmarkQueryRoundTrip1(b *testing.B) {
	addr, w := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := statusSession(addr, w); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sessions/s")
}

// BenchmarkQueryRoundTrip64: the same with exactly 64 concurrent clients,
// each running whole sessions back to back until b.N sessions are done.
func BenchmarkQueryRoundTrip64(b *testing.B) {
	const clients = 64
	addr, w := benchServer(b)
	b.ReportAllocs()
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	for range clients {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				if err := statusSession(addr, w); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if err := firstErr.Load(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sessions/s")
}
