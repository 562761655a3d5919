package extract

import (
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blinklabs-io/gouroboros/ledger/allegra"
	"github.com/blinklabs-io/gouroboros/ledger/alonzo"
	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	"github.com/blinklabs-io/gouroboros/ledger/byron"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"github.com/blinklabs-io/gouroboros/ledger/mary"
	"github.com/blinklabs-io/gouroboros/ledger/shelley"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// mainnetBlock is one real mainnet block shipped in gouroboros' module.
type mainnetBlock struct {
	file  string
	block lcommon.Block
	// hash and slot are those the module's blocks.go states for the file.
	hash string
	slot uint64
}

// mainnetEras maps each test-data file to its era decoder and the number of
// transactions the block holds.
func mainnetEras() map[string]mainnetEra {
	return map[string]mainnetEra{
		"byron_block.hex":   {func(b []byte) (lcommon.Block, error) { return byron.NewByronMainBlockFromCbor(b) }, 2},
		"shelley_block.hex": {func(b []byte) (lcommon.Block, error) { return shelley.NewShelleyBlockFromCbor(b) }, 6},
		"allegra_block.hex": {func(b []byte) (lcommon.Block, error) { return allegra.NewAllegraBlockFromCbor(b) }, 13},
		"mary_block.hex":    {func(b []byte) (lcommon.Block, error) { return mary.NewMaryBlockFromCbor(b) }, 6},
		"alonzo_block.hex":  {func(b []byte) (lcommon.Block, error) { return alonzo.NewAlonzoBlockFromCbor(b) }, 4},
		"babbage_block.hex": {func(b []byte) (lcommon.Block, error) { return babbage.NewBabbageBlockFromCbor(b) }, 14},
		"conway_block.hex":  {func(b []byte) (lcommon.Block, error) { return conway.NewConwayBlockFromCbor(b) }, 8},
	}
}

type mainnetEra struct {
	decode func([]byte) (lcommon.Block, error)
	txs    int
}

// loadMainnetBlocks decodes every *.hex block in gouroboros'
// internal/testdata, read in place from the module cache, with body-hash
// validation on, and checks each block's hash and slot against the
// comments of the module's blocks.go. A file this table does not know
// fails the test, so new test data cannot slip by unchecked.
func loadMainnetBlocks(tb testing.TB) []mainnetBlock {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/blinklabs-io/gouroboros").Output()
	if err != nil {
		tb.Fatalf("locate gouroboros: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "internal", "testdata")
	meta, err := os.ReadFile(filepath.Join(dir, "blocks.go"))
	if err != nil {
		tb.Fatal(err)
	}
	// "// Slot: N", "// Hash: H", ... "//go:embed file.hex"
	re := regexp.MustCompile(`(?s)// Slot: (\d+)\s*\n// Hash: ([0-9a-f]{64}).*?//go:embed (\w+\.hex)`)
	stated := map[string][2]string{}
	for _, m := range re.FindAllStringSubmatch(string(meta), -1) {
		stated[m[3]] = [2]string{m[1], m[2]}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.hex"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no test blocks in %s: %v", dir, err)
	}
	eras := mainnetEras()
	var blocks []mainnetBlock
	for _, f := range files {
		name := filepath.Base(f)
		era, ok := eras[name]
		if !ok {
			tb.Fatalf("unknown test block %s: add it to mainnetEras", name)
		}
		st, ok := stated[name]
		if !ok {
			tb.Fatalf("%s: no slot/hash comment in blocks.go", name)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		cb, err := hex.DecodeString(strings.TrimSpace(string(raw)))
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		b, err := era.decode(cb)
		if err != nil {
			tb.Fatalf("%s: decode: %v", name, err)
		}
		slot, _ := strconv.ParseUint(st[0], 10, 64)
		mb := mainnetBlock{file: name, block: b, hash: st[1], slot: slot}
		if h := b.Hash(); hex.EncodeToString(h[:]) != mb.hash || b.SlotNumber() != mb.slot {
			tb.Fatalf("%s: block %x at slot %d, blocks.go says %s at %d", name, h, b.SlotNumber(), mb.hash, mb.slot)
		}
		if n := len(b.Transactions()); n != era.txs {
			tb.Fatalf("%s: %d transactions, want %d", name, n, era.txs)
		}
		blocks = append(blocks, mb)
	}
	if len(blocks) != len(eras) {
		tb.Fatalf("%d test blocks, want %d", len(blocks), len(eras))
	}
	return blocks
}

// TestMainnetBlocksNoFalseSteps (acceptance point 4): the seven real
// mainnet blocks, one per era, decode and yield nothing at all: no step, no
// diagnostic, no tracked output. Independently, none of their outputs pays
// to any of the 13 registry scripts, so nothing was missed either.
func TestMainnetBlocksNoFalseSteps(t *testing.T) {
	reg := registry.New()
	x := New(reg)
	txs := 0
	for _, mb := range loadMainnetBlocks(t) {
		be, err := x.LedgerBlock(mb.block, NewMemUTxO(nil))
		if err != nil {
			t.Fatalf("%s: %v", mb.file, err)
		}
		if len(be.Txs) != 0 || be.HasSteps() {
			t.Errorf("%s: false Marlowe events: %+v", mb.file, be.Txs)
		}
		if be.Header.Slot != mb.slot || hex.EncodeToString(be.Header.Hash[:]) != mb.hash {
			t.Errorf("%s: header %+v", mb.file, be.Header)
		}
		for _, tx := range mb.block.Transactions() {
			txs++
			for _, o := range tx.Outputs() {
				if h, ok := scriptCredential(o); ok {
					if s, known := reg.ByHash(h); known {
						t.Errorf("%s: output pays to %s", mb.file, s)
					}
				}
			}
		}
	}
	if txs != 53 {
		t.Errorf("%d transactions, want 53", txs)
	}
}

// TestMainnetScriptOutputsAreNotContracts runs the real blocks through an
// extractor that takes every script seen in their outputs for a Marlowe
// semantics validator, with every input that has a spend redeemer taken
// for a contract output: real datums and redeemers then go through the
// creation and apply-inputs paths. None may be read as a contract or a
// step, and nothing may fail; each candidate output is diagnosed instead.
func TestMainnetScriptOutputsAreNotContracts(t *testing.T) {
	blocks := loadMainnetBlocks(t)
	x := &Extractor{semantics: map[registry.ScriptHash]scriptSet{}}
	for _, mb := range blocks {
		for _, tx := range mb.block.Transactions() {
			for _, o := range tx.Outputs() {
				if h, ok := scriptCredential(o); ok {
					x.semantics[h] = scriptSet{version: registry.V5, semantics: h, payout: h}
				}
			}
		}
	}
	if len(x.semantics) == 0 {
		t.Fatal("no script outputs in the test blocks")
	}
	candidates, rejected, applyRejected := 0, 0, 0
	for _, mb := range blocks {
		view := NewMemUTxO(nil)
		for _, tx := range mb.block.Transactions() {
			for _, o := range tx.Outputs() {
				if _, ok := x.semanticsOf(o); ok {
					candidates++
				}
			}
			ws := tx.Witnesses()
			if ws == nil || ws.Redeemers() == nil {
				continue
			}
			sorted := make([]TxOutRef, 0, len(tx.Inputs()))
			for _, in := range tx.Inputs() {
				sorted = append(sorted, TxOutRef{TxID: registry.TxID(in.Id()), Index: in.Index()})
			}
			slices.SortFunc(sorted, registry.CompareTxOutRef)
			for k := range ws.Redeemers().Iter() {
				if k.Tag != lcommon.RedeemerTagSpend || int(k.Index) >= len(sorted) {
					continue
				}
				h := registry.ScriptHash{0xee}
				view.Add(Entry{Kind: EntryContract, Ref: sorted[k.Index], ScriptHash: h, Version: registry.V5,
					ContractID: sorted[k.Index], PayoutHash: h})
			}
		}
		be, err := x.LedgerBlock(mb.block, view)
		if err != nil {
			t.Fatalf("%s: %v", mb.file, err)
		}
		for _, ev := range be.Txs {
			if len(ev.Created) != 0 || ev.Applied != nil || ev.Withdrawn != nil {
				t.Errorf("%s tx %d: real data read as a Marlowe step: %+v", mb.file, ev.Index, ev)
			}
			rejected += len(ev.CreateRejected)
			if ev.ApplyRejected != nil {
				applyRejected++
			}
		}
	}
	t.Logf("%d scripts, %d candidate outputs, %d creation diagnostics, %d apply diagnostics",
		len(x.semantics), candidates, rejected, applyRejected)
	if rejected == 0 || applyRejected == 0 {
		t.Error("the real data did not reach both paths")
	}
}
