package sync_test

import (
	"bytes"
	"fmt"
	gosync "sync"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// TestConcurrentClients runs 200 sessions at once over TCP — a third each
// of HeaderSync, BulkSync (batch sizes 1 to 9) and MarloweSync (contracts
// spread over the whole chain) — and checks that every client receives
// exactly what a lone client does.
func TestConcurrentClients(t *testing.T) {
	const clients = 200
	f := newFixture(t, standard(), fixtureOpts{})
	ctx := testCtx(t, 120*time.Second)
	wantH, err := syncHeaders(ctx, f.addr)
	if err != nil {
		t.Fatal(err)
	}
	wantB, err := syncBulk(ctx, f.addr, 255)
	if err != nil {
		t.Fatal(err)
	}
	var ids []types.ContractId
	for _, nx := range wantH {
		for _, h := range nx.Headers {
			ids = append(ids, h.ContractId)
		}
	}
	wantC := map[types.ContractId][]byte{}
	for i := 0; i < clients; i += 3 {
		id := ids[(i*7)%len(ids)]
		l, err := follow(ctx, f.addr, id)
		if err != nil {
			t.Fatal(err)
		}
		wantC[id] = l.wire()
	}

	errs := make(chan error, clients)
	var wg gosync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 3 {
			case 0:
				id := ids[(i*7)%len(ids)]
				l, err := follow(ctx, f.addr, id)
				if err == nil && !bytes.Equal(l.wire(), wantC[id]) {
					err = fmt.Errorf("contract %v differs", id)
				}
				errs <- err
			case 1:
				l, err := syncHeaders(ctx, f.addr)
				if err == nil && !bytes.Equal(l.wire(), wantH.wire()) {
					err = fmt.Errorf("headers differ")
				}
				errs <- err
			case 2:
				extra := uint8(i % 9)
				l, err := syncBulk(ctx, f.addr, extra)
				if err == nil && !bytes.Equal(l.wire(), wantB.wire()) {
					err = fmt.Errorf("bulk (extra %d) differs", extra)
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			if failed <= 5 {
				t.Error(err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d clients failed", failed, clients)
	}
}
