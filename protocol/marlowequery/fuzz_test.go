package marlowequery_test

import (
	"context"
	"testing"

	mq "github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

// metas returns the Marlowe transaction metadata inside a decoded message:
// the one place where a decode/encode round trip may legitimately change
// bytes (label 1564 is re-emitted in canonical form, §6.2).
func metas(msg session.Message) []types.MarloweTransactionMetadata {
	r, ok := msg.(mq.MsgRespond)
	if !ok || r.Result == nil {
		return nil
	}
	var out []types.MarloweTransactionMetadata
	for _, res := range r.Result.Leaves() {
		switch x := res.(type) {
		case *mq.ContractHeadersPage:
			if x != nil {
				for _, h := range x.Items {
					out = append(out, h.Metadata)
				}
			}
		case *mq.SomeContractState:
			if x != nil {
				out = append(out, x.State.Metadata)
			}
		case *mq.SomeTransaction:
			if x != nil {
				out = append(out, x.Transaction.Metadata)
			}
		case *mq.SomeTransactions:
			if x != nil {
				for _, tx := range x.Transactions {
					out = append(out, tx.Metadata)
				}
			}
		}
	}
	return out
}

// fuzzSeeds are whole messages: the hand-derived vectors and seeded random
// requests, responses and batches.
func fuzzSeeds(t testing.TB) [][]byte {
	seeds := [][]byte{
		unhex(t, "01 00 00 07"), unhex(t, "00 00"), unhex(t, "01 00 01 00 07 00 0a 03"),
		unhex(t, statusHex), unhex(t, statusHex+"0000000000000000"), unhex(t, "00"),
		unhex(t, "01 0000000000000000 00 0000000000000000"),
		unhex(t, "01 00 00 02 0000000000000001 61 0001"),
	}
	g := gen{typestest.New(99)}
	for k := range 10 {
		r := g.request(k)
		if b, err := session.EncodeMessage(mq.NewMachine(), mq.MsgRequest{Request: query.Leaf(r)}); err == nil {
			seeds = append(seeds, b)
		}
		m, _ := mq.NewAwaitingMachine(query.Leaf(r))
		if b, err := session.EncodeMessage(m, mq.MsgRespond{Result: query.Leaf(g.result(r))}); err == nil {
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// FuzzDecodeMarloweQuery feeds arbitrary bytes to Decode in every state of
// GoldenMachines: no input may panic, and a successful decode must
// re-encode to exactly the bytes it consumed (or, for non-canonical label
// 1564 metadata, to a canonical form that is itself a fixed point).
func FuzzDecodeMarloweQuery(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	ms := sessiontest.Machines(mq.GoldenMachines())
	f.Fuzz(func(t *testing.T, in []byte) {
		sessiontest.RoundTrip(t, ms, in, func(m session.Message) bool { return typestest.Canonicalises(metas(m)...) })
	})
}

// BenchmarkQueryStatusRoundTrip measures one ReqStatus round trip through
// session.Pipe: the client encodes MsgRequest, the server machine decodes
// it, the in-memory handler answers, the server encodes the 306-byte
// RuntimeStatus and the client decodes it. Bytes are request plus response.
func BenchmarkQueryStatusRoundTrip(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, s := session.Pipe(mq.NewMachine(), mq.NewMachine())
	defer c.Close()
	go mq.Serve(ctx, s, &mq.Memory{Status: exampleStatus()})
	cl := mq.NewClient(c)
	b.SetBytes(int64(len(unhex(b, "01 00 00 07")) + len(unhex(b, statusHex))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cl.Status(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeStatus measures decoding the §1.8 RuntimeStatus response
// alone.
func BenchmarkDecodeStatus(b *testing.B) {
	in := unhex(b, statusHex)
	m, err := mq.NewAwaitingMachine(query.Leaf[mq.Request](mq.ReqStatus{}))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := session.DecodeMessage(m, in); err != nil {
			b.Fatal(err)
		}
	}
}
