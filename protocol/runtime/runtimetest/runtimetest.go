// Package runtimetest starts the Marlowe Runtime protocol server for tests.
package runtimetest

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
)

// Serve serves h with cfg on an ephemeral 127.0.0.1 port until tb ends,
// then checks that the server shut down cleanly; it returns the address.
func Serve(tb testing.TB, h runtime.Handlers, cfg server.Config) string {
	tb.Helper()
	srv, err := runtime.NewServer(cfg, h)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-errc:
			if err != nil {
				tb.Errorf("server shutdown: %v", err)
			}
		case <-time.After(15 * time.Second):
			tb.Error("server did not shut down")
		}
	})
	return ln.Addr().String()
}
