package runtime_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/load"
	mq "github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transfer"
	"github.com/marlowe-lite/marlowe-lite/protocol/transport"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// closeWithin bounds the wait for the server's reaction to an attack: it
// must have answered and closed the connection by then.
const closeWithin = 5 * time.Second

// attack is one hostile client. It opens a session of run through the real
// client (handshake, MsgRun), runs prefix (well-behaved exchanges, to
// reach a later state), then writes raw straight to the socket in one
// write, half-closes its side if asked, and returns everything the server
// sends until it closes the connection.
func attack(ctx context.Context, addr string, run byte, prefix func(context.Context, session.Channel) error, raw []byte, halfClose bool) ([]byte, error) {
	m, err := runtime.NewMachine(run)
	if err != nil {
		return nil, err
	}
	c, err := client.Dial(ctx, addr, client.Options{})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ch, err := c.Run(ctx, run, m)
	if err != nil {
		return nil, err
	}
	if prefix != nil {
		if err := prefix(ctx, ch); err != nil {
			return nil, fmt.Errorf("well-behaved prefix: %w", err)
		}
	}
	// The prefix ended with the client holding agency, so the transport
	// has buffered nothing from the server: the socket is in step.
	nc := c.Transport().NetConn()
	if _, err := nc.Write(raw); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	if halfClose {
		if err := nc.(*net.TCPConn).CloseWrite(); err != nil {
			return nil, err
		}
	}
	_ = nc.SetReadDeadline(time.Now().Add(closeWithin))
	out, err := io.ReadAll(nc)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return out, fmt.Errorf("server still had the connection open after %v (sent %x)", closeWithin, out)
	}
	// A reset after the server's close is a close too.
	return out, nil
}

// failureText returns the text of out if out is exactly one failure frame
// (01 + text, §1.3).
func failureText(out []byte) (string, error) {
	if len(out) == 0 || out[0] != transport.StatusFailure {
		return "", fmt.Errorf("server sent %x, want a failure frame", out)
	}
	d := binary.NewDecoder(out[1:])
	text, err := d.Text()
	if err == nil {
		err = d.Finish()
	}
	if err != nil {
		return "", fmt.Errorf("server sent %x, not exactly one failure frame: %w", out, err)
	}
	return text, nil
}

// quietOrFailure accepts a plain close or exactly one failure frame.
func quietOrFailure(out []byte) (string, error) {
	if len(out) == 0 {
		return "", nil
	}
	return failureText(out)
}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// wellBehaved runs whole sessions of every sub-protocol, one after the
// other, while the test attacks the server; stop ends the loop and fails
// the test unless every session succeeded and each sub-protocol ran at
// least once.
func wellBehaved(t *testing.T, addr string, w *world) (stop func()) {
	t.Helper()
	var ok, bad atomic.Int64
	var firstErr atomic.Value
	quit, done := make(chan struct{}), make(chan struct{})
	all := sessions()
	go func() {
		defer close(done)
		for i := 0; i < 100_000; i++ {
			select {
			case <-quit:
				if i >= len(all) {
					return
				}
			default:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			s := all[i%len(all)]
			if err := s.run(ctx, addr, w); err != nil {
				bad.Add(1)
				firstErr.CompareAndSwap(nil, fmt.Sprintf("%s: %v", s.name, err))
			} else {
				ok.Add(1)
			}
			cancel()
			time.Sleep(time.Millisecond)
		}
	}()
	return func() {
		t.Helper()
		close(quit)
		<-done
		if bad.Load() > 0 || ok.Load() < int64(len(all)) {
			t.Errorf("well-behaved client: %d sessions ok, %d failed (first: %v)", ok.Load(), bad.Load(), firstErr.Load())
		} else {
			t.Logf("well-behaved client: %d sessions ok meanwhile, none failed", ok.Load())
		}
	}
}

// TestBadInputRealProtocols attacks a live server through real
// sub-protocols after a proper handshake and MsgRun: messages the state
// does not allow (a), server messages and messages sent while the server
// holds agency (b), truncated messages followed by a close (c), an invalid
// status byte and an oversized length. Each connection gets exactly one
// failure frame (01 + text) and is closed, or, for a client that hangs up
// mid-message, is simply closed; a well-behaved client running sessions of
// every sub-protocol meanwhile gets correct answers throughout.
func TestBadInputRealProtocols(t *testing.T) {
	w := newWorld(t)
	addr := startServer(t, w.h, server.Config{IdleTimeout: 3 * time.Second})
	stop := wellBehaved(t, addr, w)
	defer stop()

	followFrame := append([]byte{0x00, 0x01}, enc(w.ids[0], types.EncodeContractId)...)
	const (
		submit = "00 01 04 01 0000000000000005 84a0a0f5f6" // MsgExec Submit Conway txCBOR (§4.5)
		status = "00 01 00 00 07"                          // MsgRequest Nothing (ReqLeaf ReqStatus) (§1.8)
	)
	follow := func(ctx context.Context, ch session.Channel) error {
		_, found, err := marlowesync.NewClient(ch).FollowContract(ctx, w.ids[0])
		if err == nil && !found {
			err = errors.New("contract not found")
		}
		return err
	}
	submitting := func(ctx context.Context, ch session.Channel) error {
		p, err := txjob.NewClient(ch).Submit(ctx, txjob.Submit{Era: types.BabbageEraOnwardsConway, Tx: txCBOR()})
		if err == nil && p.Done {
			err = errors.New("submit job already done")
		}
		return err
	}
	resumed := func(ctx context.Context, ch session.Channel) error {
		msg, err := ch.Recv(ctx)
		if _, ok := msg.(load.MsgResume); err == nil && !ok {
			err = fmt.Errorf("got %s, want MsgResume", msg.MessageName())
		}
		return err
	}
	importing := func(ctx context.Context, ch session.Channel) error {
		return transfer.NewClient(ch).StartImport(ctx)
	}

	const (
		failure = iota // exactly one failure frame, then close
		hangUp         // the client hung up mid-message: close, or one failure frame
	)
	cases := []struct {
		name   string
		run    byte
		prefix func(context.Context, session.Channel) error
		raw    []byte
		half   bool
		want   int
		text   string // in the failure text
	}{
		// MarloweSync, §4.1.
		{"MarloweSync/(a) MsgRequestNext in StInit", handshake.RunMarloweSync, nil, unhex(t, "00 05"), false, failure, "StInit"},
		{"MarloweSync/(a) MsgFollowContract in StIdle", handshake.RunMarloweSync, follow, followFrame, false, failure, "StIdle"},
		{"MarloweSync/(b) server's MsgContractNotFound in StInit", handshake.RunMarloweSync, nil, unhex(t, "00 03"), false, failure, "MarloweSync"},
		{"MarloweSync/(b) MsgRequestNext while the server has agency", handshake.RunMarloweSync, nil,
			append(followFrame[:len(followFrame):len(followFrame)], 0x00, 0x05), false, failure, "without agency"},
		{"MarloweSync/(c) truncated MsgFollowContract", handshake.RunMarloweSync, nil, unhex(t, "00 01 0000000000000008 6372"), true, hangUp, ""},
		// MarloweQuery, §4.4 and §1.8.
		{"MarloweQuery/(b) server's MsgRespond (RuntimeStatus) in StReq", handshake.RunMarloweQuery, nil,
			append([]byte{0x00}, enc(w.status, mq.EncodeRuntimeStatus)...), false, failure, "MarloweQuery"},
		{"MarloweQuery/(b) second MsgRequest while the server has agency", handshake.RunMarloweQuery, nil,
			unhex(t, status+status), false, failure, "without agency"},
		{"MarloweQuery/(a) request tag 0b, no such request", handshake.RunMarloweQuery, nil, unhex(t, "00 01 00 00 0b"), false, failure, "MarloweQuery"},
		{"MarloweQuery/(c) truncated MsgRequest", handshake.RunMarloweQuery, nil, unhex(t, "00 01 00"), true, hangUp, ""},
		{"MarloweQuery/invalid frame status 07", handshake.RunMarloweQuery, nil, unhex(t, "07 01 00 00 07"), false, failure, "status"},
		// TxJob, §4.5.
		{"TxJob/(a) MsgPoll in StInit", handshake.RunTxJob, nil, unhex(t, "00 06"), false, failure, "StInit"},
		{"TxJob/(a) MsgExec in StAwait", handshake.RunTxJob, submitting, unhex(t, submit), false, failure, "StAwait"},
		{"TxJob/(b) server's MsgAttachFailed in StInit", handshake.RunTxJob, nil, unhex(t, "00 09"), false, failure, "StInit"},
		{"TxJob/(b) MsgPoll while the server has agency", handshake.RunTxJob, nil, unhex(t, submit+"00 06"), false, failure, "without agency"},
		{"TxJob/(c) truncated MsgExec", handshake.RunTxJob, nil, unhex(t, "00 01 04 01 0000000000000005 84a0"), true, hangUp, ""},
		{"TxJob/oversized transaction length", handshake.RunTxJob, nil, unhex(t, "00 01 04 01 7fffffffffffffff 84"), false, failure, "size limit"},
		// The others, §4.2, §4.3, §4.6, §4.7, §4.8.
		{"MarloweHeaderSync/(a) MsgPoll in StIdle", handshake.RunMarloweHeaderSync, nil, unhex(t, "00 07"), false, failure, "StIdle"},
		{"MarloweBulkSync/(a) MsgCancel in StIdle", handshake.RunMarloweBulkSync, nil, unhex(t, "00 08"), false, failure, "StIdle"},
		{"MarloweLoad/(a) MsgRequestResume with pushes left", handshake.RunMarloweLoad, resumed, unhex(t, "00 07"), false, failure, "MarloweLoad"},
		{"ContractQuery/(b) second GetContract while the server has agency", handshake.RunContractQuery, nil,
			unhex(t, "00 01 00 00 00 0000000000000001 61  00 01 00 00 00 0000000000000001 61"), false, failure, "without agency"},
		{"MarloweTransfer/(a) MsgDone (02) in StCanUpload", handshake.RunMarloweTransfer, importing, unhex(t, "00 02"), false, failure, "MarloweTransfer"},
		{"MarloweTransfer/(c) truncated MsgRequestExport", handshake.RunMarloweTransfer, nil, unhex(t, "00 01 0000000000000020 00"), true, hangUp, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Several rounds, so that the well-behaved client's sessions
			// overlap the attacks.
			for round := range attackRounds {
				out, err := attack(testCtx(t), addr, tc.run, tc.prefix, tc.raw, tc.half)
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				var text string
				if tc.want == failure {
					text, err = failureText(out)
				} else {
					text, err = quietOrFailure(out)
				}
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				if !strings.Contains(text, tc.text) {
					t.Fatalf("round %d: failure text %q does not mention %q", round, text, tc.text)
				}
				if round == 0 {
					t.Logf("server: %q", text)
				}
			}
		})
	}
}

// attackRounds is how many times each attack of TestBadInputRealProtocols
// is repeated.
const attackRounds = 5

// TestRandomBytesRealProtocols sends seeded random input as the first
// message of a session of each sub-protocol (for MarloweLoad, after the
// server's MsgResume), then hangs up its sending side: a random frame
// status byte, random message bytes, or a valid first message cut at a
// random point. A local machine of the same sub-protocol in the same state
// predicts the server's reaction: bytes it refuses (malformed, or a
// message the state does not allow) must get exactly one failure frame;
// bytes that are merely incomplete must get a close (or a failure frame,
// for a length the server will not wait for). Random bytes that happen to
// form an acceptable message are redrawn, so every trial is an attack. A
// well-behaved client runs meanwhile.
func TestRandomBytesRealProtocols(t *testing.T) {
	w := newWorld(t)
	addr := startServer(t, w.h, server.Config{IdleTimeout: 3 * time.Second})
	stop := wellBehaved(t, addr, w)
	defer stop()
	const trials = 8
	resumed := func(ctx context.Context, ch session.Channel) error {
		_, err := ch.Recv(ctx)
		return err
	}
	refused, incomplete := 0, 0
	for run := range byte(handshake.RunCount) {
		name, _ := handshake.RunName(run)
		rng := rand.New(rand.NewPCG(20241202, uint64(run)))
		for trial := range trials {
			// oracle is a fresh machine where the server's is when the
			// random bytes arrive.
			oracle := func() session.Machine {
				m, _ := runtime.NewMachine(run)
				if run == handshake.RunMarloweLoad {
					if err := m.Step(session.Server, load.MsgResume{N: int64(w.load.Batch)}); err != nil {
						t.Fatal(err)
					}
				}
				return m
			}
			var raw []byte
			expectFailure := false
			if trial == 0 {
				// A frame status other than 00 (success) and 01 (failure).
				raw = []byte{byte(2 + rng.IntN(254)), byte(rng.IntN(256))}
				expectFailure = true
			} else {
				for try := 0; ; try++ {
					if try == 1000 {
						t.Fatalf("%s: no unacceptable random message in 1000 draws", name)
					}
					var payload []byte
					if trial%2 == 1 {
						valid, err := session.EncodeMessage(oracle(), firstMessage(w, run))
						if err != nil {
							t.Fatal(err)
						}
						payload = valid[:1+rng.IntN(len(valid)-1)]
					} else {
						payload = make([]byte, 1+rng.IntN(48))
						for i := range payload {
							payload[i] = byte(rng.IntN(256))
						}
					}
					m := oracle()
					msg, err := m.Decode(binary.NewDecoder(payload))
					if err == nil {
						if err = m.Step(session.Client, msg); err == nil {
							continue // acceptable after all: draw again
						}
					}
					raw, expectFailure = append([]byte{0x00}, payload...), !binary.IsShort(err)
					break
				}
			}
			var prefix func(context.Context, session.Channel) error
			if run == handshake.RunMarloweLoad {
				prefix = resumed
			}
			out, err := attack(testCtx(t), addr, run, prefix, raw, true)
			if err != nil {
				t.Fatalf("%s trial %d (%x): %v", name, trial, raw, err)
			}
			if expectFailure {
				refused++
				_, err = failureText(out)
			} else {
				incomplete++
				_, err = quietOrFailure(out)
			}
			if err != nil {
				t.Fatalf("%s trial %d (%x): %v", name, trial, raw, err)
			}
		}
	}
	t.Logf("%d random messages refused with a failure frame, %d incomplete ones closed", refused, incomplete)
	// Both reactions must have been exercised, well beyond the invalid
	// status bytes (with this seed: 32 and 32).
	if refused < 2*handshake.RunCount || incomplete < 2*handshake.RunCount {
		t.Fatalf("%d refusals and %d incomplete messages out of %d", refused, incomplete, handshake.RunCount*trials)
	}
}

// firstMessage is a valid first client message of each sub-protocol (for
// MarloweLoad, the first push), long enough to be cut.
func firstMessage(w *world, run byte) session.Message {
	points := []types.BlockHeader{w.b10, w.b12}
	switch run {
	case handshake.RunMarloweSync:
		return marlowesync.MsgFollowContract{ContractId: w.ids[0]}
	case handshake.RunMarloweHeaderSync:
		return headersync.MsgIntersect{Points: points}
	case handshake.RunMarloweBulkSync:
		return bulksync.MsgIntersect{Points: points}
	case handshake.RunMarloweQuery:
		return mq.MsgRequest{Request: query.Leaf[mq.Request](mq.ReqContractHeaders{Range: mq.Range[types.ContractId]{Limit: pageLimit}})}
	case handshake.RunTxJob:
		return txjob.MsgExec{Command: txjob.Submit{Era: types.BabbageEraOnwardsConway, Tx: txCBOR()}}
	case handshake.RunMarloweLoad:
		return load.MsgPushWhen{Timeout: big.NewInt(1_700_000_000_000)}
	case handshake.RunContractQuery:
		return contractquery.MsgRequest{Request: query.Leaf[contractquery.Request](contractquery.GetContract{Hash: w.escrowHash})}
	}
	return transfer.MsgRequestExport{Hash: w.escrowHash}
}
