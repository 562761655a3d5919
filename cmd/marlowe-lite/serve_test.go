package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's log writes and the
// test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeDevnetShutdown: `serve --devnet` comes up, catches up with the
// devnet (one log line), and exits 0 when its context ends — the path
// SIGINT and SIGTERM take.
func TestServeDevnetShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--devnet", "--port", "0", "--devnet-contracts", "5",
			"--devnet-blocks", "120", "--devnet-interval", "20ms", "--log-format", "console"}, strings.NewReader(""), &bytes.Buffer{}, &errb)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(errb.String(), "caught up") {
		select {
		case code := <-done:
			t.Fatalf("serve exited early with %d:\n%s", code, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no caught-up line:\n%s", errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(errb.String(), "marlowe-lite started") {
		t.Fatalf("no serving line:\n%s", errb.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after shutdown:\n%s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(errb.String(), "stopped") {
		t.Fatalf("no stopped line:\n%s", errb.String())
	}
}

func TestServeFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"serve"}, // neither a node socket nor --devnet
		{"serve", "--devnet", "--port", "70000"},
		{"serve", "--devnet", "--network", "nowhere"},
		{"serve", "--devnet", "--start-point", "12.zz"},
		{"serve", "--devnet", "--log-format", "xml"},
		{"serve", "--devnet", "extra"},
	} {
		t.Setenv("CARDANO_NODE_SOCKET_PATH", "")
		if code, _, errOut := runCmd(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut)
		}
	}
}
