package query_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exampleSpan is the 33-byte span context of wire-protocol.md §1.7.
func exampleSpan() *types.SpanContext {
	sc := &types.SpanContext{TraceFlags: 1}
	for i := range sc.TraceId {
		sc.TraceId[i] = byte(i)
	}
	for i := range sc.SpanId {
		sc.SpanId[i] = byte(0x10 + i)
	}
	return sc
}

const exampleSpanHex = "01 000102030405060708090a0b0c0d0e0f 1011121314151617 0000000000000000"

// TestSpanContextVectors checks the optional span context of MsgRequest
// and MsgDone (§4.4) with the span context bytes of §1.7: a traced client's
// Just ctx must be accepted and re-encoded exactly.
func TestSpanContextVectors(t *testing.T) {
	sc := exampleSpan()
	withState := *sc
	withState.TraceState = []types.TraceStateEntry{{Key: "k", Value: "vé"}}
	cases := []struct {
		name string
		msg  session.Message
		hex  string
	}{
		{"MsgDone (Just ctx)", query.MsgDone{Span: sc}, "00 01" + exampleSpanHex},
		{"MsgRequest (Just ctx) (ReqLeaf GetTip)", query.MsgRequest[csReq]{Span: sc, Request: query.Leaf(csReq{kind: csTip})}, "01 01" + exampleSpanHex + "00 08"},
		{"MsgDone (Just ctx with trace state)", query.MsgDone{Span: &withState},
			"00 01 01 000102030405060708090a0b0c0d0e0f 1011121314151617 0000000000000001 0000000000000001 6b 0000000000000003 76c3a9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := mustHex(t, c.hex)
			got, err := session.EncodeMessage(newCS(), c.msg)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("got %x\nwant %x", got, want)
			}
			back, err := session.DecodeMessage(newCS(), want)
			if err != nil {
				t.Fatal(err)
			}
			again, err := session.EncodeMessage(newCS(), back)
			if err != nil || !bytes.Equal(again, want) {
				t.Fatalf("round trip: %x, %v", again, err)
			}
		})
	}
	if n := len(mustHex(t, exampleSpanHex)); n != 33 {
		t.Fatalf("span context with empty trace state is %d bytes, want 33", n)
	}
}

// TestReplay drives the machine through a session (§4.4 states StReq →
// StRes → StReq → StDone) and checks that every message outside its state
// or agency is refused without moving the state.
func TestReplay(t *testing.T) {
	tip := query.Leaf(csReq{kind: csTip})
	batch := query.Bin(query.Leaf(csReq{kind: csEra}), query.Bin(tip, query.Leaf(csReq{kind: csSecurityParameter})))
	okRes := query.Bin(query.Leaf[any](types.ConwayEra), query.Bin(query.Leaf[any](types.ChainPoint{}), query.Leaf[any](int64(2160))))

	m := newCS()
	mustFail := func(by session.Agency, msg session.Message, want error) {
		t.Helper()
		before := m.State()
		if err := m.Step(by, msg); !errors.Is(err, want) {
			t.Fatalf("%s by %s in %s: got %v, want %v", msg.MessageName(), by, before, err, want)
		}
		if m.State() != before {
			t.Fatalf("refused message moved the state from %s to %s", before, m.State())
		}
	}
	mustStep := func(by session.Agency, msg session.Message) {
		t.Helper()
		if err := m.Step(by, msg); err != nil {
			t.Fatalf("%s by %s: %v", msg.MessageName(), by, err)
		}
	}

	if m.State() != "StReq" || m.Agency() != session.Client {
		t.Fatalf("initial state %s/%s", m.State(), m.Agency())
	}
	mustFail(session.Server, query.MsgRespond[any]{Result: query.Leaf[any](int64(1))}, session.ErrNoAgency)
	mustFail(session.Client, query.MsgRespond[any]{Result: query.Leaf[any](int64(1))}, session.ErrUnexpectedMessage)
	mustFail(session.Client, query.MsgRequest[csReq]{}, session.ErrUnexpectedMessage) // no tree
	mustFail(session.Client, query.MsgRequest[csReq]{Request: &query.Tree[csReq]{Left: tip}}, session.ErrUnexpectedMessage)
	mustFail(session.Client, query.MsgRequest[int]{Request: query.Leaf(1)}, session.ErrUnexpectedMessage) // another instance's request

	mustStep(session.Client, query.MsgRequest[csReq]{Request: batch})
	if m.Agency() != session.Server || m.Pending() != batch {
		t.Fatalf("after MsgRequest: %s, pending %v", m.Agency(), m.Pending())
	}
	if want := "StRes (ReqBin (GetEra) (ReqBin (GetTip) (GetSecurityParameter)))"; m.State() != want {
		t.Fatalf("state %q, want %q", m.State(), want)
	}
	mustFail(session.Client, query.MsgDone{}, session.ErrNoAgency)
	mustFail(session.Server, query.MsgDone{}, session.ErrUnexpectedMessage)
	// Responses of the wrong shape or type.
	mustFail(session.Server, query.MsgRespond[any]{Result: query.Leaf[any](types.ConwayEra)}, session.ErrUnexpectedMessage)
	mustFail(session.Server, query.MsgRespond[any]{Result: query.Bin(query.Leaf[any](types.ConwayEra), query.Leaf[any](int64(1)))}, session.ErrUnexpectedMessage)
	mustFail(session.Server, query.MsgRespond[any]{Result: query.Bin(query.Leaf[any](int64(1)), query.Bin(query.Leaf[any](types.ChainPoint{}), query.Leaf[any](int64(1))))}, session.ErrUnexpectedMessage)
	mustFail(session.Server, query.MsgRespond[any]{}, session.ErrUnexpectedMessage)
	if _, err := session.EncodeMessage(m, query.MsgRespond[any]{Result: query.Leaf[any](int64(1))}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Fatalf("encoding a mismatched response: %v", err)
	}
	mustStep(session.Server, query.MsgRespond[any]{Result: okRes})
	if m.State() != "StReq" || m.Pending() != nil {
		t.Fatalf("after MsgRespond: %s", m.State())
	}
	mustStep(session.Client, query.MsgDone{})
	if m.Agency() != session.Nobody || m.State() != "StDone" {
		t.Fatalf("after MsgDone: %s/%s", m.State(), m.Agency())
	}
	mustFail(session.Client, query.MsgDone{}, session.ErrNoAgency)
	mustFail(session.Server, query.MsgRespond[any]{Result: okRes}, session.ErrNoAgency)
	if _, err := m.Decode(binary.NewDecoder([]byte{0, 0})); !errors.Is(err, session.ErrNoAgency) {
		t.Fatalf("decode after the end: %v", err)
	}
}

// TestDecodeErrors checks that bad StReq input is refused with a clear
// error (§4.4: only tags 00 and 01; ReqTree tags are Bool) and truncated
// input is a short error, in both states.
func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name  string
		m     *csMachine
		hex   string
		short bool
		msg   string
	}{
		{"unknown message tag", newCS(), "02", false, "invalid message tag 0x02"},
		{"empty", newCS(), "", true, ""},
		{"bad Maybe tag", newCS(), "00 02", false, "invalid Maybe tag"},
		{"bad ReqTree tag", newCS(), "01 00 02 08", false, "ReqTree tag"},
		{"unknown request", newCS(), "01 00 00 7f", false, "invalid ChainSyncQuery tag"},
		{"truncated ReqBin", newCS(), "01 00 01 00 08", true, "ReqBin.right"},
		{"truncated span", newCS(), "00 01 01 0001", true, "span"},
		{"truncated response", awaitCS(t, query.Leaf(csReq{kind: csSecurityParameter})), "00000000", true, ""},
		{"truncated pair", awaitCS(t, query.Bin(query.Leaf(csReq{kind: csEra}), query.Leaf(csReq{kind: csEra}))), "06", true, "right"},
		{"bad era", awaitCS(t, query.Leaf(csReq{kind: csEra})), "07", false, "AnyCardanoEra"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := session.DecodeMessage(c.m, mustHex(t, c.hex))
			if err == nil {
				t.Fatal("accepted")
			}
			if binary.IsShort(err) != c.short {
				t.Fatalf("short=%v, want %v: %v", binary.IsShort(err), c.short, err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %q does not mention %q", err, c.msg)
			}
		})
	}
}

// TestBatchDepthBound: a hostile chain of nested ReqBin tags is refused
// once past the decoder's depth bound, with an error saying so, instead of
// recursing without limit.
func TestBatchDepthBound(t *testing.T) {
	const depth = 50
	b := []byte{0x01, 0x00}
	for range depth {
		b = append(b, 0x01)
	}
	for range depth + 1 {
		b = append(b, 0x00, 0x08)
	}
	d := binary.NewDecoder(b)
	d.SetMaxDepth(depth)
	if _, err := newCS().Decode(d); err == nil || !strings.Contains(err.Error(), "nesting") {
		t.Fatalf("deep batch: %v", err)
	}
	// Within the bound it decodes, with depth+1 leaves answered in order.
	msg, err := session.DecodeMessage(newCS(), b)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(msg.(query.MsgRequest[csReq]).Request.Leaves()); n != depth+1 {
		t.Fatalf("%d leaves", n)
	}
	// A tree built in Go deeper than the bound is refused on encoding.
	deep := query.Leaf(csReq{kind: csTip})
	for range binary.DefaultMaxDepth + 1 {
		deep = query.Bin(deep, query.Leaf(csReq{kind: csTip}))
	}
	if _, err := session.EncodeMessage(newCS(), query.MsgRequest[csReq]{Request: deep}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Fatalf("over-deep Go tree: %v", err)
	}
}

func csHandler(ctx context.Context, r csReq) (any, error) {
	switch r.kind {
	case csSecurityParameter:
		return int64(2160), nil
	case csTip, csNodeTip:
		return types.PointAt(types.BlockHeader{Slot: 7, Hash: "h", Block: 3}), nil
	case csEra:
		return types.BabbageEra, nil
	case csNetworkId:
		return types.NetworkId{Testnet: true, Magic: 2}, nil
	case csEraHistory:
		return nil, errBoom
	}
	return []byte("x"), nil // wrong type for the others
}

func runServer(t *testing.T, h query.Handler[csReq, any]) (*query.Client[csReq, any], <-chan error, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, s := session.Pipe(newCS(), newCS())
	t.Cleanup(c.Close)
	errc := make(chan error, 1)
	go func() { errc <- query.Serve[csReq, any](ctx, s, h) }()
	return query.NewClient[csReq, any](c), errc, ctx
}

// TestServeAndClient runs a session over session.Pipe: a single request, a
// batch answered leaf by leaf in tree order, then MsgDone ends Serve
// cleanly.
func TestServeAndClient(t *testing.T) {
	var seen []csKind
	h := query.HandlerFunc[csReq, any](func(ctx context.Context, r csReq) (any, error) {
		seen = append(seen, r.kind)
		return csHandler(ctx, r)
	})
	cl, errc, ctx := runServer(t, h)
	v, err := cl.RequestOne(ctx, csReq{kind: csSecurityParameter})
	if err != nil || v != int64(2160) {
		t.Fatalf("RequestOne: %v, %v", v, err)
	}
	batch := query.Bin(query.Bin(query.Leaf(csReq{kind: csEra}), query.Leaf(csReq{kind: csNetworkId})), query.Leaf(csReq{kind: csTip}))
	res, err := cl.Request(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Leaves()
	if len(got) != 3 || got[0] != types.BabbageEra || got[1] != (types.NetworkId{Testnet: true, Magic: 2}) || got[2].(types.ChainPoint).Header.Slot != 7 {
		t.Fatalf("batch result %v", got)
	}
	if want := []csKind{csSecurityParameter, csEra, csNetworkId, csTip}; !equalKinds(seen, want) {
		t.Fatalf("handler saw %v, want %v", seen, want)
	}
	if err := cl.Done(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func equalKinds(a, b []csKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestServeErrors: a failing handler, a handler returning the wrong result
// type and an oversized batch all end the session with an error naming the
// cause; nothing is sent for them.
func TestServeErrors(t *testing.T) {
	t.Run("handler error", func(t *testing.T) {
		cl, errc, ctx := runServer(t, query.HandlerFunc[csReq, any](csHandler))
		go cl.Request(ctx, query.Bin(query.Leaf(csReq{kind: csTip}), query.Leaf(csReq{kind: csEraHistory})))
		if err := <-errc; !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "request 2 of 2") {
			t.Fatalf("Serve: %v", err)
		}
	})
	t.Run("wrong result type", func(t *testing.T) {
		cl, errc, ctx := runServer(t, query.HandlerFunc[csReq, any](csHandler))
		go cl.RequestOne(ctx, csReq{kind: csSystemStart})
		if err := <-errc; !errors.Is(err, session.ErrUnexpectedMessage) || !strings.Contains(err.Error(), "GetSystemStart") {
			t.Fatalf("Serve: %v", err)
		}
	})
	t.Run("batch too large", func(t *testing.T) {
		cl, errc, ctx := runServer(t, query.HandlerFunc[csReq, any](csHandler))
		tree := query.Leaf(csReq{kind: csTip})
		for range query.MaxLeaves {
			tree = query.Bin(query.Leaf(csReq{kind: csTip}), tree)
		}
		go cl.Request(ctx, tree)
		if err := <-errc; err == nil || !strings.Contains(err.Error(), "exceeds the limit") {
			t.Fatalf("Serve: %v", err)
		}
	})
}

func TestTreeValidate(t *testing.T) {
	l := query.Leaf(1)
	cases := []struct {
		tree   *query.Tree[int]
		leaves int
		ok     bool
	}{
		{l, 1, true},
		{query.Bin(l, query.Bin(l, l)), 3, true},
		{nil, 0, false},
		{&query.Tree[int]{Right: l}, 0, false},
		{query.Bin(l, &query.Tree[int]{Left: l}), 0, false},
	}
	for i, c := range cases {
		n, err := c.tree.Validate(10)
		if (err == nil) != c.ok || (c.ok && n != c.leaves) {
			t.Errorf("case %d: %d leaves, %v", i, n, err)
		}
	}
	if _, err := query.Bin(l, query.Bin(l, l)).Validate(2); err == nil {
		t.Error("depth bound not enforced")
	}
}
