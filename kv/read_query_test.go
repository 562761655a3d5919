package kv

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
)

// countedPrefix returns the counted prefix of a query-index key (the part
// its 0x1F counter is keyed by), or ok false for keys of other indexes.
func countedPrefix(t *testing.T, k []byte) ([]byte, bool) {
	t.Helper()
	str := func(at int) int {
		if len(k) < at+2 {
			t.Fatalf("key %x: truncated length at %d", k, at)
		}
		return at + 2 + int(binary.BigEndian.Uint16(k[at:]))
	}
	switch k[0] {
	case pCreated, pWithdrawal:
		return k[:1], true
	case pPayoutOrder:
		return k[:2], true
	case pTagOrder, pCurOrder, pAddrOrder, pWithdrawalCur:
		return k[:str(1)], true
	case pRoleOrder:
		return k[:str(str(1))], true
	}
	return nil, false
}

// checkCounters requires every counter to equal the number of keys under
// its prefix, and every counted key to be counted.
func checkCounters(t *testing.T, s *Store) {
	t.Helper()
	d := dumpStore(t, s)
	tally := map[string]uint64{}
	counters := map[string]uint64{}
	for i, k := range d.keys {
		if k[0] == pCount {
			if len(d.vals[i]) != 8 {
				t.Fatalf("counter %x: %d bytes", k, len(d.vals[i]))
			}
			counters[string(k[1:])] = binary.BigEndian.Uint64(d.vals[i])
			continue
		}
		if p, ok := countedPrefix(t, k); ok {
			tally[string(p)]++
		}
	}
	for p, n := range tally {
		if counters[p] != n {
			t.Fatalf("prefix %x: %d keys, counter %d", p, n, counters[p])
		}
	}
	for p, n := range counters {
		if tally[p] != n {
			t.Fatalf("counter %x = %d, but %d keys", p, n, tally[p])
		}
	}
}

// TestQueryCounters: after random chains with rollbacks, the counters of
// the query indexes equal the key counts they stand for, and ListContracts
// and ListPayouts total what the indexes hold.
func TestQueryCounters(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := openMem(t, 64)
	blocks := genChain(t, rng, 120)
	applyAll(t, s, blocks)
	checkCounters(t, s)
	for _, back := range []int{1, 7, 25} {
		if err := s.RollBack(pointOf(blocks, len(blocks)-back)); err != nil {
			t.Fatal(err)
		}
		blocks = blocks[:len(blocks)-back]
		checkCounters(t, s)
	}
	d := dumpStore(t, s)
	var created, payouts int64
	for _, k := range d.keys {
		switch k[0] {
		case pHeader:
			created++
		case pPayout:
			payouts++
		}
	}
	if created == 0 || payouts == 0 {
		t.Fatalf("generated chain has %d contracts and %d payouts", created, payouts)
	}
	cp, err := s.ListContracts(ContractFilter{}, ListRange[extract.TxOutRef]{Limit: 1})
	if err != nil || cp == nil || cp.Total != created {
		t.Fatalf("contracts total %+v %v, want %d", cp, err, created)
	}
	pp, err := s.ListPayouts(PayoutFilter{}, ListRange[extract.TxOutRef]{Limit: 1, Descending: true})
	if err != nil || pp == nil || pp.Total != payouts {
		t.Fatalf("payouts total %+v %v, want %d", pp, err, payouts)
	}
}
