package query

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime/runtimetest"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// serve starts the runtime's TCP server on 127.0.0.1 with h as its
// MarloweQuery handler and returns its address; it stops when tb ends.
func serve(tb testing.TB, h marlowequery.Handler) string {
	return runtimetest.Serve(tb, runtime.Handlers{Query: h}, server.Config{})
}

// remoteAsk sends req over a client and compares the answer with the
// model's, as encoded bytes; it returns the answer.
func (fx *fixture) remoteAsk(ctx context.Context, c *marlowequery.Client, req marlowequery.Request) (marlowequery.Result, error) {
	got, err := c.Batch(ctx, query.Leaf(req))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", req.RequestName(), err)
	}
	want, err := fx.model.Handle(ctx, req)
	if err != nil {
		return nil, err
	}
	if g, w := encodeOf(req, got.Value), encodeOf(req, want); !bytes.Equal(g, w) {
		return nil, fmt.Errorf("%s %+v: got %s, want %s", req.RequestName(), req, describe(got.Value), describe(want))
	}
	return got.Value, nil
}

func encodeOf(req marlowequery.Request, res marlowequery.Result) []byte {
	e := binary.NewEncoder(nil)
	marlowequery.EncodeResult(e, req, res)
	b, err := e.Result()
	if err != nil {
		return []byte(err.Error())
	}
	return b
}

// sampleRequests is a representative set of requests the model answers
// the way the handler must: every listing with filters and ranges, and
// the single-item requests the model holds.
func sampleRequests(fx *fixture, rng *rand.Rand, n int) []marlowequery.Request {
	cases := contractFilterCases(fx)
	pcases := payoutFilterCases(fx)
	var out []marlowequery.Request
	for range n {
		dir := marlowequery.Order(rng.IntN(2))
		switch rng.IntN(6) {
		case 0, 1:
			c := cases[rng.IntN(len(cases))]
			r := marlowequery.Range[types.ContractId]{Limit: int64(1 + rng.IntN(20)), Offset: int64(rng.IntN(3)), Direction: dir}
			if want := fx.bfContracts(c.f); len(want) > 0 && rng.IntN(2) == 0 {
				r.Start = &want[rng.IntN(len(want))]
			}
			out = append(out, marlowequery.ReqContractHeaders{Filter: c.f, Range: r})
		case 2:
			c := pcases[rng.IntN(len(pcases))]
			r := marlowequery.Range[types.TxOutRef]{Limit: int64(1 + rng.IntN(20)), Direction: dir}
			if want := fx.bfPayouts(c.f); len(want) > 0 && rng.IntN(2) == 0 {
				r.Start = &want[rng.IntN(len(want))]
			}
			out = append(out, marlowequery.ReqPayouts{Filter: c.f, Range: r})
		case 3:
			out = append(out, marlowequery.ReqWithdrawals{Range: marlowequery.Range[types.TxId]{Limit: int64(1 + rng.IntN(50)), Direction: dir}})
		case 4:
			p := fx.payouts[rng.IntN(len(fx.payouts))]
			out = append(out, marlowequery.ReqPayout{PayoutId: p.state.PayoutId}, marlowequery.ReqWithdrawal{TxId: fx.withdrawals[rng.IntN(len(fx.withdrawals))].w.WithdrawalTx})
		default:
			out = append(out, marlowequery.ReqStatus{}, marlowequery.ReqRoleCurrencies{Filter: marlowequery.RoleCurrencyFilterAny{}})
		}
	}
	return out
}

// TestOverTCP: the handler behind the real server answers a representative
// set of requests, one at a time and batched, as the model does.
func TestOverTCP(t *testing.T) {
	fx := sharedFixture(t)
	addr := serve(t, fx.h)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, conn, err := runtime.DialMarloweQuery(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	reqs := sampleRequests(fx, rand.New(rand.NewPCG(1, 2)), 300)
	for _, req := range reqs {
		if _, err := fx.remoteAsk(ctx, c, req); err != nil {
			t.Fatal(err)
		}
	}
	// A whole walk through the typed client.
	var r = marlowequery.Range[types.ContractId]{Limit: 25}
	seen := 0
	for {
		p, err := c.ContractHeaders(ctx, marlowequery.ContractFilter{}, r)
		if err != nil || p == nil {
			t.Fatalf("headers: %v %v", p, err)
		}
		seen += len(p.Items)
		if p.NextRange == nil {
			break
		}
		r = *p.NextRange
	}
	if seen != len(fx.contracts) {
		t.Fatalf("walked %d contracts, want %d", seen, len(fx.contracts))
	}
	// One batch of several request kinds, answered in tree order.
	batch := query.Bin(query.Bin(query.Leaf(reqs[0]), query.Leaf(reqs[1])), query.Leaf(reqs[2]))
	res, err := c.Batch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, got := range res.Leaves() {
		want, _ := fx.model.Handle(ctx, reqs[i])
		if !bytes.Equal(encodeOf(reqs[i], got), encodeOf(reqs[i], want)) {
			t.Fatalf("batch leaf %d differs", i)
		}
	}
	// The state of a contract through the typed client.
	st, err := c.ContractState(ctx, fx.model.Contracts[0].Header.ContractId)
	if err != nil || st == nil || st.State.ContractId != fx.model.Contracts[0].Header.ContractId {
		t.Fatalf("contract state: %v %v", st, err)
	}
	if err := c.Done(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentClients: 200 clients at once, each with its own session
// and its own seeded requests, all answered as the model answers.
func TestConcurrentClients(t *testing.T) {
	const clients = 200
	fx := sharedFixture(t)
	addr := serve(t, fx.h)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	reqs := make([][]marlowequery.Request, clients)
	for i := range reqs {
		reqs[i] = sampleRequests(fx, rand.New(rand.NewPCG(uint64(i), 77)), 12)
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	start := make(chan struct{})
	for i := range clients {
		wg.Go(func() {
			<-start
			c, conn, err := runtime.DialMarloweQuery(ctx, addr, client.Options{})
			if err != nil {
				errs <- fmt.Errorf("client %d: dial: %w", i, err)
				return
			}
			defer conn.Close()
			for _, req := range reqs[i] {
				if _, err := fx.remoteAsk(ctx, c, req); err != nil {
					errs <- fmt.Errorf("client %d: %w", i, err)
					return
				}
			}
			if err := c.Done(ctx); err != nil {
				errs <- fmt.Errorf("client %d: done: %w", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
