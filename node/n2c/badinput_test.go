package n2c_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blinklabs-io/gouroboros/protocol/localstatequery"
	devledger "github.com/marlowe-lite/marlowe-lite/node/ledger"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
)

// TestMalformedBlocks: a block the client cannot read ends the session
// with an error naming the last good point; the consumer keeps the good
// blocks; Run keeps reconnecting (with backoff) without delivering the bad
// block, and never panics.
func TestMalformedBlocks(t *testing.T) {
	bld := synthetic(t)
	good := mustChain(t, bld, chain.Point{}, 0, 4, 1000, 0)
	// A header whose body hash no longer matches the body: the header still
	// parses, the full decode fails.
	full, err := good[3].Decode()
	if err != nil {
		t.Fatal(err)
	}
	bodyHash := full.BlockBodyHash()
	at := bytes.Index(good[3].CBOR, bodyHash[:])
	if at < 0 {
		t.Fatal("body hash not found in the block")
	}
	tampered := bytes.Clone(good[3].CBOR)
	tampered[at] ^= 0x01
	tests := []struct {
		name    string
		bad     chain.Block
		decode  bool
		wantErr string
	}{
		{"not an array", chain.Block{Type: chain.TypeConway, CBOR: []byte{0x1a, 0xde, 0xad, 0xbe, 0xef}}, false, "want an array"},
		{"header of the wrong shape", chain.Block{Type: chain.TypeConway, CBOR: []byte{0x82, 0x82, 0x01, 0x02, 0x03}}, false, "conway block header"},
		{"empty array", chain.Block{Type: chain.TypeConway, CBOR: []byte{0x80}}, false, "empty array"},
		{"wrong era tag", chain.Block{Type: chain.TypeByronMain, CBOR: good[3].CBOR}, false, "byron block header"},
		{"unknown block type", chain.Block{Type: 99, CBOR: good[3].CBOR}, false, "unknown node-to-client block type"},
		{"body hash mismatch", chain.Block{Type: chain.TypeConway, CBOR: tampered}, true, "body hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node, cfg := startNode(t, fakenode.Config{}, false)
			bad := tt.bad
			bad.Point = good[3].Point // the fake node needs a point; the client never sees it
			if err := node.Append(append(good[:3:3], bad)...); err != nil {
				t.Fatal(err)
			}
			rec := newRecorder()
			f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true, DecodeBlocks: tt.decode, Backoff: fastBackoff()}, rec)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = f.RunOnce(ctx)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), good[2].Point.String()) {
				t.Fatalf("RunOnce = %v; want an error mentioning %q and the last good point", err, tt.wantErr)
			}
			var ce *n2c.ConsumerError
			if errors.As(err, &ce) {
				t.Fatalf("a node-side fault reported as a consumer error: %v", err)
			}
			t.Log(err)
			if got := rec.points(); len(got) != 3 {
				t.Fatalf("consumer holds %d blocks, want the 3 good ones", len(got))
			}
			// Supervised: retried with growing backoff, the bad block never
			// delivered.
			rctx, rcancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer rcancel()
			if err := f.Run(rctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Run = %v", err)
			}
			if f.Sessions() < 3 || len(rec.points()) != 3 {
				t.Fatalf("sessions %d, consumer blocks %d", f.Sessions(), len(rec.points()))
			}
		})
	}
	// Without DecodeBlocks the follower reads only the header: the
	// tampered body is delivered and the consumer's own decode fails.
	node, cfg := startNode(t, fakenode.Config{}, false)
	bad := good[3]
	bad.CBOR = tampered
	if err := node.Append(append(good[:3:3], bad)...); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true}, rec)
	if err != nil {
		t.Fatal(err)
	}
	stop := runFollower(t, f)
	rec.waitFor(t, "4 blocks", 5*time.Second, func() bool { return len(rec.points()) == 4 })
	stop()
	blocks, _, _, _, _ := rec.snapshot()
	if _, err := blocks[3].Decode(); err == nil || blocks[3].Decoded != nil {
		t.Fatalf("tampered block decoded: %v", err)
	}
}

// TestUnexpectedNodeMessages: a message the chain-sync state machine does
// not allow, an unknown message type, or bytes that are not CBOR end the
// session with a protocol error; the supervisor reconnects and resumes.
func TestUnexpectedNodeMessages(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
	}{
		{"IntersectFound while awaiting a block", []byte{0x83, 0x05, 0x80, 0x82, 0x80, 0x00}},
		{"unknown message type", []byte{0x81, 0x18, 0x63}},
		{"not CBOR", []byte{0xff, 0xff, 0xff}},
		{"RollForward with a non-block payload", []byte{0x83, 0x02, 0xd8, 0x18, 0x41, 0x00, 0x82, 0x80, 0x00}},
	}
	bld := synthetic(t)
	blocks := mustChain(t, bld, chain.Point{}, 0, 6, 1000, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node, cfg := startNode(t, fakenode.Config{}, false)
			if err := node.Append(blocks[:3]...); err != nil {
				t.Fatal(err)
			}
			rec := newRecorder()
			f, err := n2c.NewFollower(n2c.FollowerConfig{Config: cfg, FromOrigin: true, Backoff: fastBackoff()}, rec)
			if err != nil {
				t.Fatal(err)
			}
			runFollower(t, f)
			rec.waitChain(t, blocks[:3], 5*time.Second)
			time.Sleep(20 * time.Millisecond) // let the client park at the tip
			if n := node.InjectChainSync(tt.payload); n != 1 {
				t.Fatalf("injected into %d connections", n)
			}
			deadline := time.Now().Add(5 * time.Second)
			for f.Sessions() < 2 {
				if time.Now().After(deadline) {
					t.Fatal("the follower did not reconnect after the bad message")
				}
				time.Sleep(2 * time.Millisecond)
			}
			if err := node.Append(blocks[3:]...); err != nil {
				t.Fatal(err)
			}
			rec.waitChain(t, blocks, 5*time.Second)
			_, _, forwards, _, _ := rec.snapshot()
			if forwards != len(blocks) {
				t.Fatalf("%d blocks delivered, want %d", forwards, len(blocks))
			}
		})
	}
}

// TestConnectionFailures: wrong network magic, nothing listening, a peer
// that sends garbage or never answers: clear errors, bounded in time.
func TestConnectionFailures(t *testing.T) {
	dir, err := os.MkdirTemp("", "fn")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A peer that answers the handshake with junk, and one that is silent.
	junk := filepath.Join(dir, "junk.socket")
	silent := filepath.Join(dir, "silent.socket")
	for path, reply := range map[string][]byte{junk: bytes.Repeat([]byte{0xff}, 64), silent: nil} {
		ln, err := net.Listen("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				if reply != nil {
					c.Write(reply)
					c.Close()
				} else {
					defer c.Close()
				}
			}
		}()
	}
	preprodNode, preprodCfg := startNode(t, fakenode.Config{Magic: registry.PreprodMagic}, false)
	_ = preprodNode

	tests := []struct {
		name    string
		cfg     n2c.Config
		wantErr string
	}{
		{"wrong network magic", n2c.Config{Network: registry.Mainnet, Address: preprodCfg.Address}, "handshake"},
		{"nothing listening", n2c.Config{Network: registry.Mainnet, Address: filepath.Join(dir, "none.socket")}, "connect to node"},
		{"garbage peer", n2c.Config{Network: registry.Mainnet, Address: junk}, "handshake"},
		{"silent peer", n2c.Config{Network: registry.Mainnet, Address: silent, HandshakeTimeout: 200 * time.Millisecond}, "handshake"},
		{"closed TCP port", n2c.Config{Network: registry.Mainnet, Address: "tcp:127.0.0.1:1"}, "connect to node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := n2c.NewClient(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			began := time.Now()
			_, err = c.ChainPoint(ctx)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ChainPoint = %v, want an error mentioning %q", err, tt.wantErr)
			}
			if d := time.Since(began); d > 3*time.Second {
				t.Fatalf("took %v", d)
			}
			t.Log(err)
		})
	}

	// The right magic for preprod works against the same node.
	ok := preprodCfg
	ok.Network = registry.Preprod
	c, err := n2c.NewClient(ok)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ChainPoint(context.Background()); err != nil {
		t.Fatalf("preprod magic: %v", err)
	}

	// Cancelling the context ends a call stuck on a silent peer.
	sc, err := n2c.NewClient(n2c.Config{Network: registry.Mainnet, Address: silent})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	began := time.Now()
	if _, err := sc.SystemStart(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SystemStart on a silent peer = %v, want the context's deadline", err)
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Fatalf("cancellation took %v", d)
	}
}

// TestQueryFailureRecovers: a query the node cannot answer (here: no
// protocol parameters configured) fails with an error, and the client
// reconnects for the next call.
func TestQueryFailureRecovers(t *testing.T) {
	_, cfg := startNode(t, fakenode.Config{SystemStart: mainnetSystemStart, Eras: mainnetHistory()}, false)
	c, err := n2c.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.ProtocolParams(ctx); err == nil {
		t.Fatal("protocol parameters from a node that has none")
	}
	start, err := c.SystemStart(ctx)
	if err != nil || !start.Equal(mainnetSystemStart) {
		t.Fatalf("SystemStart after a failed query: %v, %v", start, err)
	}
}

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		addr, network, address string
		ok                     bool
	}{
		{"/run/node.socket", "unix", "/run/node.socket", true},
		{"unix:/run/node.socket", "unix", "/run/node.socket", true},
		{"unix:///run/node.socket", "unix", "/run/node.socket", true},
		{"tcp:127.0.0.1:3001", "tcp", "127.0.0.1:3001", true},
		{"tcp://[::1]:3001", "tcp", "[::1]:3001", true},
		{"", "", "", false},
		{"tcp:", "", "", false},
		{"tcp:localhost", "", "", false},
		{"unix:", "", "", false},
	}
	for _, tt := range tests {
		n, a, err := n2c.ParseAddress(tt.addr)
		if (err == nil) != tt.ok || n != tt.network || a != tt.address {
			t.Errorf("ParseAddress(%q) = %q, %q, %v", tt.addr, n, a, err)
		}
	}
	if _, err := n2c.NewClient(n2c.Config{Address: "/x"}); err == nil {
		t.Error("client without a network accepted")
	}
	if _, err := n2c.NewClient(n2c.Config{Magic: 42, Address: "/x"}); err != nil {
		t.Errorf("custom magic rejected: %v", err)
	}
	rec := newRecorder()
	if _, err := n2c.NewFollower(n2c.FollowerConfig{Config: n2c.Config{Network: registry.Preview, Address: "/x"}, PipelineLimit: 101}, rec); err == nil {
		t.Error("pipeline limit 101 accepted")
	}
	if _, err := n2c.NewFollower(n2c.FollowerConfig{Config: n2c.Config{Network: registry.Preview, Address: "/x"}}, nil); err == nil {
		t.Error("nil consumer accepted")
	}
}

func TestResolveNetwork(t *testing.T) {
	tests := []struct {
		in      string
		network registry.Network
		magic   uint32
		ok      bool
	}{
		{"mainnet", registry.Mainnet, registry.MainnetMagic, true},
		{"Preprod", registry.Preprod, 1, true},
		{"preview", registry.Preview, 2, true},
		{"764824073", registry.Mainnet, registry.MainnetMagic, true},
		{"2", registry.Preview, 2, true},
		{"42", 0, 42, true},
		{"--testnet-magic 42", 0, 42, true},
		{"0", 0, 0, false},
		{"devnet", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		n, m, err := n2c.ResolveNetwork(tt.in)
		if (err == nil) != tt.ok || n != tt.network || m != tt.magic {
			t.Errorf("ResolveNetwork(%q) = %v, %d, %v", tt.in, n, m, err)
		}
	}
}

// TestMalformedQueryReplies: replies the client cannot use (an empty
// protocol-parameter list, which makes gouroboros index out of range; a
// day 400 system start; an era history with a gap; a reply of the wrong
// type) are errors, never panics, and the client recovers.
func TestMalformedQueryReplies(t *testing.T) {
	tests := []struct {
		name  string
		reply func(q any) ([]byte, bool)
		call  func(ctx context.Context, c *n2c.Client) error
	}{
		{"empty protocol parameters list", func(q any) ([]byte, bool) {
			_, ok := q.(*localstatequery.ShelleyCurrentProtocolParamsQuery)
			return []byte{0x80}, ok
		}, func(ctx context.Context, c *n2c.Client) error { _, err := c.ProtocolParams(ctx); return err }},
		{"system start day 400", func(q any) ([]byte, bool) {
			_, ok := q.(*localstatequery.SystemStartQuery)
			return []byte{0x83, 0x19, 0x07, 0xe1, 0x19, 0x01, 0x90, 0x00}, ok
		}, func(ctx context.Context, c *n2c.Client) error { _, err := c.SystemStart(ctx); return err }},
		{"era history with a gap", func(q any) ([]byte, bool) {
			_, ok := q.(*localstatequery.HardForkEraHistoryQuery)
			eras := mainnetHistory()
			eras[2].Start.Slot++
			b, _ := fakenode.EncodeEraHistory(eras)
			return b, ok
		}, func(ctx context.Context, c *n2c.Client) error { _, err := c.SlotConverter(ctx); return err }},
		{"era history of the wrong type", func(q any) ([]byte, bool) {
			_, ok := q.(*localstatequery.HardForkEraHistoryQuery)
			return []byte{0x63, 'a', 'b', 'c'}, ok
		}, func(ctx context.Context, c *n2c.Client) error { _, err := c.EraHistory(ctx); return err }},
		{"UTxO reply of the wrong shape", func(q any) ([]byte, bool) {
			_, ok := q.(*localstatequery.ShelleyUtxoByTxinQuery)
			return []byte{0x81, 0xa1, 0x01, 0x02}, ok
		}, func(ctx context.Context, c *n2c.Client) error { _, err := c.UTxOByTxIn(ctx, ref(1, 0)); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cfg := startNode(t, fakenode.Config{
				SystemStart: mainnetSystemStart, Eras: mainnetHistory(), ProtocolParams: devledger.DefaultProtocolParams(), Answer: tt.reply,
			}, false)
			c, err := n2c.NewClient(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = tt.call(ctx, c)
			if err == nil {
				t.Fatal("malformed reply accepted")
			}
			t.Log(err)
			if p, err := c.ChainPoint(ctx); err != nil || !p.IsOrigin() {
				t.Fatalf("client unusable afterwards: %v, %v", p, err)
			}
		})
	}
}
