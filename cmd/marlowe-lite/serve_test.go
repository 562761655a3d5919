package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
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

// TestServeValidatingDevnet: `serve --devnet --scripts DIR
// --devnet-keys KEYS` writes the funded wallets' keys and addresses into
// KEYS, serves, builds a transaction over TxJob for the first wallet (its
// address is funded on the devnet), and exits 0 when its context ends.
func TestServeValidatingDevnet(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--devnet", "--port", "0", "--devnet-contracts", "3", "--devnet-blocks", "40",
			"--devnet-interval", "20ms", "--scripts", shared.Path(t, "marlowe", "scripts"), "--devnet-keys", keys,
			"--log-format", "json"}, strings.NewReader(""), &bytes.Buffer{}, &errb)
	}()
	// The listening address is in the start line.
	var addr string
	deadline := time.Now().Add(60 * time.Second)
	for addr == "" {
		select {
		case code := <-done:
			t.Fatalf("serve exited early with %d:\n%s", code, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no start line:\n%s", errb.String())
		}
		for _, line := range strings.Split(errb.String(), "\n") {
			var ev struct {
				Message string `json:"message"`
				Addr    string `json:"addr"`
			}
			if json.Unmarshal([]byte(line), &ev) == nil && ev.Message == "marlowe-lite started" {
				addr = ev.Addr
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, ext := range []string{".skey", ".vkey", ".addr"} {
		if _, err := os.Stat(filepath.Join(keys, "wallet1"+ext)); err != nil {
			t.Fatalf("keys not written: %v", err)
		}
	}
	if fi, err := os.Stat(filepath.Join(keys, "wallet1.skey")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("signing key mode: %v %v", fi, err)
	}
	text, err := os.ReadFile(filepath.Join(keys, "wallet1.addr"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := core.ParseAddressBech32(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := a.CIP19()
	if err != nil {
		t.Fatal(err)
	}
	tj, closer, err := runtime.DialTxJob(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	timeout := big.NewInt(time.Now().Add(time.Hour).UnixMilli())
	cc, cerr, err := tj.Create(ctx, ptx.Create{Version: types.MarloweV1, WalletAddresses: ptx.WalletAddresses{ChangeAddress: types.Address(raw)},
		RoleTokens: ptx.RoleTokensNone{}, Accounts: map[ptx.Account]types.Assets{},
		Contract: binary.Either[core.Contract, types.DatumHash]{Left: core.When{Timeout: timeout, Continuation: core.Close{}}}})
	closer.Close()
	if err != nil || cerr != nil || len(cc.TxBody) == 0 {
		t.Fatalf("create for wallet 1: %v %#v", err, cerr)
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
	if !strings.Contains(errb.String(), `"message":"stopped"`) {
		t.Fatalf("no stopped line:\n%s", errb.String())
	}
}

// TestServeDevnetKeysNeedScripts: --devnet-keys alone is a usage error.
func TestServeDevnetKeysNeedScripts(t *testing.T) {
	t.Setenv("MARLOWE_LITE_SCRIPTS", "")
	dir := filepath.Join(t.TempDir(), "keys")
	code, _, errOut := runCmd(t, "", "serve", "--devnet", "--port", "0", "--devnet-keys", dir)
	if code != 2 || !strings.Contains(errOut, "--devnet-keys needs --scripts") {
		t.Fatalf("exit %d, want 2 (%s)", code, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("keys directory created: %v", err)
	}
}
