package server_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/server"
)

// benchSession is one whole client session, as the issue counts it: TCP
// connect, handshake, MsgRun, one request/response round trip, MsgDone.
func benchSession(b *testing.B, addr string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := oneRoundTrip(ctx, addr); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRoundTrip1: handshake + one Toy round trip per second on
// loopback with one client at a time.
func BenchmarkRoundTrip1(b *testing.B) {
	ts := startServerB(b)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		benchSession(b, ts.addr)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "sessions/s")
}

// BenchmarkRoundTrip64: the same with 64 concurrent clients.
func BenchmarkRoundTrip64(b *testing.B) {
	ts := startServerB(b)
	b.ReportAllocs()
	b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchSession(b, ts.addr)
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "sessions/s")
}

func startServerB(b *testing.B) *testServer {
	b.Helper()
	return startServerTB(b, server.Config{SubProtocols: toySubProtocols(nil), HandshakeTimeout: server.DefaultHandshakeTimeout})
}
