package chaingen_test

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
)

// standard is the acceptance configuration: 50 contracts over 2,000
// blocks, filler payments, malformed creations and invalid transactions.
func standard(seed uint64) chaingen.Config {
	return chaingen.Config{Seed: seed, Blocks: 2000, Contracts: 50, MarloweFraction: 0.1, FillerTxs: 3, MalformedCreates: 3, InvalidFraction: 0.1}
}

func generate(t testing.TB, cfg chaingen.Config) *chaingen.Chain {
	t.Helper()
	c, err := chaingen.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// extractAll runs the recogniser over the chain in order, applying each
// transaction's Delta to one in-memory UTxO set.
func extractAll(t testing.TB, blocks []chain.Block) []chaingen.Truth {
	t.Helper()
	x := extract.New(registry.New())
	utxo := extract.NewMemUTxO(nil)
	out := make([]chaingen.Truth, len(blocks))
	for i, b := range blocks {
		got, err := extractBlock(x, utxo, b)
		if err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		out[i] = got
	}
	return out
}

func extractBlock(x *extract.Extractor, utxo *extract.MemUTxO, b chain.Block) (chaingen.Truth, error) {
	lb, err := b.Decode()
	if err != nil {
		return chaingen.Truth{}, err
	}
	be, err := x.LedgerBlock(lb, utxo)
	if err != nil {
		return chaingen.Truth{}, err
	}
	for _, ev := range be.Txs {
		if ev.ApplyRejected != nil {
			return chaingen.Truth{}, &rejectedError{ev.ApplyRejected.String()}
		}
		utxo.Apply(ev.Delta())
	}
	return chaingen.FromEvents(be), nil
}

type rejectedError struct{ s string }

func (e *rejectedError) Error() string { return "unexpected apply rejection: " + e.s }

// mismatches lists the blocks whose recognised events differ from the
// ground truth.
func mismatches(want, got []chaingen.Truth) []int {
	var bad []int
	for i := range want {
		if i >= len(got) || !reflect.DeepEqual(got[i], want[i]) {
			bad = append(bad, i)
		}
	}
	return bad
}

func compare(t *testing.T, c *chaingen.Chain, got []chaingen.Truth) {
	t.Helper()
	if len(got) != len(c.Truth) {
		t.Fatalf("recognised %d blocks, want %d", len(got), len(c.Truth))
	}
	bad := mismatches(c.Truth, got)
	for _, i := range bad[:min(3, len(bad))] {
		t.Errorf("block %d: recogniser found\n%+v\nwant\n%+v", i, got[i], c.Truth[i])
	}
	if len(bad) > 0 {
		t.Fatalf("%d of %d blocks differ from the ground truth", len(bad), len(c.Truth))
	}
}

// TestComparisonDetectsDifferences guards the comparison itself: each
// single change to the ground truth of a generated chain is noticed.
func TestComparisonDetectsDifferences(t *testing.T) {
	c := generate(t, chaingen.Config{Seed: 12, Blocks: 400, Contracts: 15, MarloweFraction: 0.3})
	got := extractAll(t, c.Blocks)
	if bad := mismatches(c.Truth, got); len(bad) != 0 {
		t.Fatalf("untouched chain: blocks %v differ", bad)
	}
	find := func(ok func(tr chaingen.Truth) bool) int {
		for i, tr := range got {
			if ok(tr) {
				return i
			}
		}
		t.Fatal("no block to tamper with")
		return -1
	}
	tests := []struct {
		name   string
		pick   func(tr chaingen.Truth) bool
		tamper func(tr *chaingen.Truth)
	}{
		{"wrong version", func(tr chaingen.Truth) bool { return len(tr.Created) > 0 }, func(tr *chaingen.Truth) { tr.Created[0].Version++ }},
		{"missed creation", func(tr chaingen.Truth) bool { return len(tr.Created) > 0 }, func(tr *chaingen.Truth) { tr.Created = tr.Created[1:] }},
		{"close flag", func(tr chaingen.Truth) bool { return len(tr.Applied) > 0 }, func(tr *chaingen.Truth) { tr.Applied[0].Closed = !tr.Applied[0].Closed }},
		{"lost payout", func(tr chaingen.Truth) bool { return len(tr.Applied) > 0 && len(tr.Applied[0].Payouts) > 0 }, func(tr *chaingen.Truth) { tr.Applied[0].Payouts = tr.Applied[0].Payouts[1:] }},
		{"withdrawal tx", func(tr chaingen.Truth) bool { return len(tr.Withdrawn) > 0 }, func(tr *chaingen.Truth) { tr.Withdrawn[0].TxID[0] ^= 1 }},
		{"extra step", func(tr chaingen.Truth) bool { return tr.Empty() }, func(tr *chaingen.Truth) { tr.Applied = []chaingen.Applied{{}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := find(tt.pick)
			tampered := slices.Clone(got)
			tampered[i] = deepCopy(got[i])
			tt.tamper(&tampered[i])
			if bad := mismatches(c.Truth, tampered); !slices.Equal(bad, []int{i}) {
				t.Fatalf("tampering block %d: mismatches %v", i, bad)
			}
		})
	}
}

func deepCopy(tr chaingen.Truth) chaingen.Truth {
	out := chaingen.Truth{
		Created:        slices.Clone(tr.Created),
		Applied:        slices.Clone(tr.Applied),
		Withdrawn:      slices.Clone(tr.Withdrawn),
		CreateRejected: slices.Clone(tr.CreateRejected),
	}
	for i := range out.Applied {
		out.Applied[i].Payouts = slices.Clone(out.Applied[i].Payouts)
	}
	return out
}

func TestBlocksDecode(t *testing.T) {
	c := generate(t, standard(1))
	invalid := map[registry.TxID]bool{}
	for _, inv := range c.Invalid {
		invalid[inv.TxID] = true
	}
	seenInvalid := 0
	var prev chain.Hash
	for i, b := range c.Blocks {
		if b.Number != uint64(i) || b.Prev != prev {
			t.Fatalf("block %d: number %d, prev %s; want %d, %s", i, b.Number, b.Prev, i, prev)
		}
		if i > 0 && b.Point.Slot <= c.Blocks[i-1].Point.Slot {
			t.Fatalf("block %d: slot %d not after %d", i, b.Point.Slot, c.Blocks[i-1].Point.Slot)
		}
		prev = b.Point.Hash
		lb, err := chain.DecodeBlock(b.Type, b.CBOR)
		if err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		h := lb.Hash()
		if lb.SlotNumber() != b.Point.Slot || !bytes.Equal(h[:], b.Point.Hash[:]) {
			t.Fatalf("block %d: decoded point differs from the parsed one", i)
		}
		for _, tx := range lb.Transactions() {
			id := tx.Hash()
			if invalid[registry.TxID(id)] {
				seenInvalid++
				if tx.IsValid() {
					t.Fatalf("block %d: tx %s should be phase-2 invalid", i, id)
				}
			} else if !tx.IsValid() {
				t.Fatalf("block %d: tx %s unexpectedly invalid", i, id)
			}
		}
	}
	if seenInvalid != len(c.Invalid) || seenInvalid == 0 {
		t.Fatalf("found %d invalid transactions, generated %d (want > 0)", seenInvalid, len(c.Invalid))
	}
}

func TestExtractorFindsGroundTruth(t *testing.T) {
	start := time.Now()
	c := generate(t, standard(2))
	gen := time.Since(start)
	start = time.Now()
	got := extractAll(t, c.Blocks)
	ext := time.Since(start)
	compare(t, c, got)
	s := c.Stats
	t.Logf("generated %d blocks (%d with Marlowe, %d txs, %d bytes) in %v, extracted in %v; stats %+v", s.Blocks, s.MarloweBlocks, s.Txs, s.Bytes, gen, ext, s)
	if gen+ext > 10*time.Second {
		t.Errorf("generation and extraction took %v, want under 10 s", gen+ext)
	}

	// The chain must exercise what the recogniser has to handle.
	var created, applied, closed, payouts, withdrawn, rejected, sameBlock int
	for _, tr := range c.Truth {
		created += len(tr.Created)
		applied += len(tr.Applied)
		rejected += len(tr.CreateRejected)
		withdrawn += len(tr.Withdrawn)
		for _, a := range tr.Applied {
			payouts += len(a.Payouts)
			if a.Closed {
				closed++
			}
			for _, cr := range tr.Created {
				if cr.ContractID == a.ContractID {
					sameBlock++
				}
			}
		}
	}
	checks := []struct {
		name     string
		got, min int
	}{
		{"created", created, 50},
		{"applied", applied, 60},
		{"closed", closed, 30},
		{"role payouts", payouts, 10},
		{"withdrawals", withdrawn, 5},
		{"address payouts", s.AddressPayouts, 10},
		{"rejected creations", rejected, 6},
		{"created and applied in one block", sameBlock, 1},
		{"invalid transactions", s.InvalidTxs, 1},
		{"multi-contract withdrawals", s.MultiContractWithdrawals, 1},
		{"tagged creations", s.TaggedCreates, 10},
		{"role contracts", s.RoleContracts, 5},
		{"address contracts", s.Created - s.RoleContracts, 5},
	}
	for _, ck := range checks {
		if ck.got < ck.min {
			t.Errorf("%s: %d, want at least %d", ck.name, ck.got, ck.min)
		}
	}
	if created != 50 || s.Created != 50 {
		t.Errorf("created %d contracts (stats %d), want 50", created, s.Created)
	}
	for _, v := range registry.Versions() {
		if s.ByVersion[v] == 0 {
			t.Errorf("no contract uses script set %s", v)
		}
	}
	for tm := chaingen.Escrow; tm <= chaingen.Timeout; tm++ {
		if s.ByTemplate[tm] == 0 {
			t.Errorf("no contract uses template %s", tm)
		}
	}
}

func TestDeterministic(t *testing.T) {
	cfg := chaingen.Config{Seed: 7, Blocks: 300, Contracts: 10, MarloweFraction: 0.3, FillerTxs: 2, MalformedCreates: 1}
	a, b := generate(t, cfg), generate(t, cfg)
	cfg.Seed = 8
	other := generate(t, cfg)
	if len(a.Blocks) != len(b.Blocks) {
		t.Fatalf("lengths differ: %d, %d", len(a.Blocks), len(b.Blocks))
	}
	for i := range a.Blocks {
		if !bytes.Equal(a.Blocks[i].CBOR, b.Blocks[i].CBOR) {
			t.Fatalf("block %d differs between two runs with the same seed", i)
		}
	}
	if !reflect.DeepEqual(a.Truth, b.Truth) {
		t.Fatal("ground truth differs between two runs with the same seed")
	}
	if bytes.Equal(a.Blocks[len(a.Blocks)-1].CBOR, other.Blocks[len(other.Blocks)-1].CBOR) {
		t.Fatal("different seeds gave the same chain")
	}
}

func TestFork(t *testing.T) {
	cfg := chaingen.Config{Seed: 9, Blocks: 800, Contracts: 20, MarloweFraction: 0.2, FillerTxs: 2}
	parent := generate(t, cfg)
	tests := []struct {
		name string
		fork chaingen.Fork
	}{
		{"at origin", chaingen.Fork{At: 0, Seed: 1}},
		{"mid chain", chaingen.Fork{At: 400, Seed: 2}},
		{"same seed", chaingen.Fork{At: 600, Seed: cfg.Seed}},
		{"last block", chaingen.Fork{At: 799, Seed: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := cfg
			fc.Fork = &tt.fork
			fork := generate(t, fc)
			at := tt.fork.At
			for i := range at {
				if !bytes.Equal(parent.Blocks[i].CBOR, fork.Blocks[i].CBOR) {
					t.Fatalf("block %d before the fork differs", i)
				}
			}
			if parent.Blocks[at].Point == fork.Blocks[at].Point {
				t.Fatalf("block %d (the fork point) has the parent's point", at)
			}
			if fork.Blocks[at].Prev != parent.Blocks[at].Prev {
				t.Fatalf("fork block %d does not extend the parent's block %d", at, at-1)
			}
			compare(t, fork, extractAll(t, fork.Blocks))
		})
	}
	// A fork in the middle carries different Marlowe events.
	fc := cfg
	fc.Fork = &chaingen.Fork{At: 200, Seed: 5}
	fork := generate(t, fc)
	if reflect.DeepEqual(parent.Truth[200:], fork.Truth[200:]) {
		t.Fatal("the fork's Marlowe events equal the parent's")
	}
}

// TestReferenceTraces drives the reference paths' contracts (real
// contracts, many parties, tokens and merkleized cases) through the chain:
// the recogniser finds exactly what was generated for them too.
func TestReferenceTraces(t *testing.T) {
	traces, err := chaingen.LoadTraces(shared.Path(t, "marlowe"))
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for _, tr := range traces {
		steps += len(tr.Txs)
	}
	c := generate(t, chaingen.Config{Seed: 11, Blocks: 3000, Contracts: 10, MarloweFraction: 0.3, FillerTxs: 1, Traces: traces})
	compare(t, c, extractAll(t, c.Blocks))
	s := c.Stats
	t.Logf("%d traces with %d transactions: %d applied, %d stalled", len(traces), steps, s.TraceSteps, s.StalledTraces)
	if len(traces) < 20 {
		t.Fatalf("only %d reference traces loaded", len(traces))
	}
	if s.TraceSteps < steps*9/10 {
		t.Fatalf("only %d of %d trace transactions made it on chain (%d traces stalled)", s.TraceSteps, steps, s.StalledTraces)
	}
}

// TestSmallConfigs covers edge cases of the configuration: every block
// eligible, slots starting at 1, no contracts, a testnet.
func TestSmallConfigs(t *testing.T) {
	tests := []struct {
		name string
		cfg  chaingen.Config
	}{
		{"all eligible from slot 1", chaingen.Config{Seed: 1, Blocks: 200, Contracts: 10, MarloweFraction: 1, StartSlot: 1, SlotStep: 1}},
		{"no contracts", chaingen.Config{Seed: 2, Blocks: 50, FillerTxs: 5}},
		{"preprod", chaingen.Config{Seed: 3, Blocks: 300, Contracts: 8, MarloweFraction: 0.5, Network: registry.Preprod, MalformedCreates: 2}},
		{"single block", chaingen.Config{Seed: 4, Blocks: 1, Contracts: 2, MarloweFraction: 1, SameBlockApply: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := generate(t, tt.cfg)
			if len(c.Blocks) != tt.cfg.Blocks || c.Stats.Created != tt.cfg.Contracts {
				t.Fatalf("%d blocks, %d contracts; want %d, %d", len(c.Blocks), c.Stats.Created, tt.cfg.Blocks, tt.cfg.Contracts)
			}
			compare(t, c, extractAll(t, c.Blocks))
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  chaingen.Config
	}{
		{"no blocks", chaingen.Config{}},
		{"negative contracts", chaingen.Config{Blocks: 10, Contracts: -1}},
		{"fraction above one", chaingen.Config{Blocks: 10, MarloweFraction: 1.5}},
		{"step probability negative", chaingen.Config{Blocks: 10, StepProbability: -0.1}},
		{"bad network", chaingen.Config{Blocks: 10, Network: registry.Network(99)}},
		{"fork beyond the chain", chaingen.Config{Blocks: 10, Fork: &chaingen.Fork{At: 10}}},
		{"fork before the chain", chaingen.Config{Blocks: 10, Fork: &chaingen.Fork{At: -1}}},
		{"no eligible block", chaingen.Config{Blocks: 3, Contracts: 1, MarloweFraction: 1e-12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := chaingen.Generate(tt.cfg); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

// TestMainnetLike checks the mainnet-like mix the index benchmark uses:
// about 0.1% of blocks carry Marlowe transactions, the rest ordinary
// payments, and the recogniser still finds exactly the ground truth.
func TestMainnetLike(t *testing.T) {
	c := generate(t, chaingen.Config{Seed: 5, Blocks: 10_000, Contracts: 4, MarloweFraction: 0.001, FillerTxs: 4})
	got := extractAll(t, c.Blocks)
	compare(t, c, got)
	withSteps := 0
	for _, tr := range c.Truth {
		if !tr.Empty() {
			withSteps++
		}
	}
	// 4 contracts take 2 to 4 transactions each; with the 0.1% eligible
	// blocks that is 5 to 20 blocks of 10,000.
	if withSteps < 5 || withSteps > 20 {
		t.Fatalf("%d of %d blocks carry Marlowe events, want 5..20 (about 0.1%%)", withSteps, len(c.Blocks))
	}
	if c.Stats.FillerTxs < 15_000 {
		t.Fatalf("%d filler payments, want about 20,000", c.Stats.FillerTxs)
	}
}

// BenchmarkGenerate measures generation of a mainnet-like chain: about
// 0.1% of blocks eligible for Marlowe transactions, 0 to 20 ordinary
// payments per block. The 100k-block case is the size of the index
// benchmark's chain.
func BenchmarkGenerate(b *testing.B) {
	for _, blocks := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("blocks=%d", blocks), func(b *testing.B) {
			for b.Loop() {
				c, err := chaingen.Generate(chaingen.Config{Seed: 3, Blocks: blocks, Contracts: blocks / 1000, MarloweFraction: 0.001, FillerTxs: 20})
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(c.Stats.Bytes))
			}
			b.ReportMetric(float64(blocks*b.N)/b.Elapsed().Seconds(), "blocks/s")
		})
	}
}

// TestParent: a chain generated with Parent links to the parent's tip, its
// block numbers follow it, and its blocks parse with those header fields.
func TestParent(t *testing.T) {
	a := generate(t, chaingen.Config{Seed: 21, Blocks: 50, Contracts: 3, MarloweFraction: 0.3})
	last := a.Blocks[len(a.Blocks)-1]
	b := generate(t, chaingen.Config{Seed: 22, Blocks: 40, Contracts: 3, MarloweFraction: 0.3,
		Parent: &chaingen.Parent{Hash: last.Point.Hash, Number: last.Number}, StartSlot: last.Point.Slot + 20})
	if b.Blocks[0].Prev != last.Point.Hash || b.Blocks[0].Number != last.Number+1 {
		t.Fatalf("first block: parent %s #%d, want %s #%d", b.Blocks[0].Prev, b.Blocks[0].Number, last.Point.Hash, last.Number+1)
	}
	for i, blk := range b.Blocks {
		p, err := chain.Parse(blk.Type, blk.CBOR)
		if err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		if p.Number != last.Number+1+uint64(i) || p.Point != blk.Point {
			t.Fatalf("block %d parses as %s #%d, want %s #%d", i, p.Point, p.Number, blk.Point, last.Number+1+uint64(i))
		}
		if i > 0 && p.Prev != b.Blocks[i-1].Point.Hash {
			t.Fatalf("block %d does not link to block %d", i, i-1)
		}
	}
}
