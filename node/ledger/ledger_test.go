package ledger

import (
	"crypto/ed25519"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	gledger "github.com/blinklabs-io/gouroboros/ledger"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// TestGenesis: the same seed gives the same wallets and outputs, another
// seed others; every wallet is funded as configured; the reference-script
// outputs carry the v5 validators (hashes as in the registry) and meet
// min-UTxO.
func TestGenesis(t *testing.T) {
	a, b, c := newTestLedger(t, 1), newTestLedger(t, 1), newTestLedger(t, 2)
	if !reflect.DeepEqual(a.UTxOs(), b.UTxOs()) || !reflect.DeepEqual(a.Wallets(), b.Wallets()) {
		t.Fatal("same seed, different genesis")
	}
	if reflect.DeepEqual(a.UTxOs(), c.UTxOs()) || a.Wallets()[0].Bech32 == c.Wallets()[0].Bech32 {
		t.Fatal("different seeds, same genesis")
	}
	if n := len(a.UTxOs()); n != DefaultWallets*DefaultUTxOsPerWallet+3 {
		t.Fatalf("%d genesis outputs, want %d", n, DefaultWallets*DefaultUTxOsPerWallet+3)
	}
	for _, w := range a.Wallets() {
		refs := walletRefs(t, a, w)
		if len(refs) != DefaultUTxOsPerWallet {
			t.Fatalf("wallet %d: %d outputs", w.Index, len(refs))
		}
		for _, r := range refs {
			if got := lovelaceOf(t, a, r); got != DefaultLovelace {
				t.Fatalf("wallet %d output %s: %d lovelace", w.Index, r, got)
			}
		}
		if len(w.Bech32) < 10 || w.Bech32[:9] != "addr_test" {
			t.Fatalf("wallet %d address %q is not a testnet address", w.Index, w.Bech32)
		}
	}
	reg := registry.New()
	for _, role := range []registry.Role{registry.RoleSemantics, registry.RolePayout, registry.RoleOpenRole} {
		s, ok := a.ReferenceScript(role)
		if !ok {
			t.Fatalf("no %s reference script", role)
		}
		want, ok := reg.ByHash(s.Script.Hash)
		if !ok || want.Version != registry.V5 || want.Role != role {
			t.Fatalf("%s: script %s, registry %s", role, s.Script, want)
		}
		u, _ := a.UTxO(s.Ref)
		o, err := gledger.NewTransactionOutputFromCbor(u.Output)
		if err != nil {
			t.Fatal(err)
		}
		if registry.ScriptHash(o.ScriptRef().Hash()) != want.Hash {
			t.Fatalf("%s output carries script %x", role, o.ScriptRef().Hash())
		}
		if min := minLovelace(a.pp.AdaPerUtxoByte, len(u.Output)); o.Amount().Uint64() < min-a.pp.AdaPerUtxoByte*9 {
			t.Fatalf("%s output holds %d lovelace, min-UTxO %d", role, o.Amount().Uint64(), min)
		}
	}
	if _, err := New(Config{SystemStart: testStart, Eras: testEras(), ScriptsDir: t.TempDir()}); err == nil {
		t.Fatal("an empty scripts directory was accepted")
	}
	if _, err := New(Config{}); err == nil {
		t.Fatal("a ledger without an era history was accepted")
	}
}

// TestProtocolParams: the built-in defaults are preprod's values as
// recorded in the shared protocol-parameters file, at protocol 10.
func TestProtocolParams(t *testing.T) {
	b, err := os.ReadFile(shared.Path(t, "marlowe", "protocol-params", "babbage-preprod-protocol-params.json"))
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := ProtocolParamsFromJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultProtocolParams()
	if !reflect.DeepEqual(fromFile, def) {
		t.Fatalf("defaults differ from the preprod file:\nfile %+v\ndefault %+v", fromFile, def)
	}
	if def.ProtocolVersion.Major != ProtocolMajor || len(def.CostModels[costModelV2]) != 175 || len(def.CostModels[costModelV1]) != 166 {
		t.Fatalf("protocol %d, cost models V1 %d V2 %d", def.ProtocolVersion.Major, len(def.CostModels[costModelV1]), len(def.CostModels[costModelV2]))
	}
	for _, bad := range []string{`{`, `{"executionUnitPrices": {"priceMemory": "x", "priceSteps": 1}}`, `{"costModels": {"PlutusV2": []}}`} {
		if _, err := ProtocolParamsFromJSON([]byte(bad)); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
}

// payment builds a payment of amount from wallet w's UTxO in to dest,
// with change back to w.
func payment(in registry.TxOutRef, inLovelace uint64, w Wallet, dest []byte, amount, fee uint64) *txtest.Tx {
	return &txtest.Tx{
		Inputs: []registry.TxOutRef{in},
		Outputs: []txtest.Output{
			{Address: dest, Lovelace: amount},
			{Address: w.Address, Lovelace: inLovelace - amount - fee},
		},
		Fee: fee,
	}
}

// TestPayment: a signed payment is accepted, goes into the next block
// (which decodes with the transaction in it) and moves the funds.
func TestPayment(t *testing.T) {
	l := newTestLedger(t, 7)
	w1, w2 := l.Wallets()[0], l.Wallets()[1]
	in := walletRefs(t, l, w1)[0]
	tx := payment(in, DefaultLovelace, w1, w2.Address, 5_000_000, 200_000)
	raw := signed(t, tx, nil, w1.Key)
	id, err := l.Submit(raw)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := tx.ID(); id != want {
		t.Fatalf("tx id %s, want %s", id, want)
	}
	if _, err := l.Submit(raw); err != nil || l.Queued() != 1 {
		t.Fatalf("resubmission: %v, %d queued", err, l.Queued())
	}
	if _, ok := l.UTxO(in); !ok {
		t.Fatal("input spent before the block")
	}
	slot := l.CurrentSlot()
	blk, err := l.Forge(slot)
	if err != nil {
		t.Fatal(err)
	}
	if blk.Number != 0 || blk.Point.Slot != slot || l.Tip().Point != blk.Point || l.Queued() != 0 {
		t.Fatalf("block #%d at %d, tip %v", blk.Number, blk.Point.Slot, l.Tip())
	}
	dec, err := blk.Decode()
	if err != nil {
		t.Fatal(err)
	}
	if txs := dec.Transactions(); len(txs) != 1 || registry.TxID(txs[0].Hash()) != id {
		t.Fatalf("block holds %d transactions", len(txs))
	}
	if _, ok := l.UTxO(in); ok {
		t.Fatal("input still unspent after the block")
	}
	got := l.UTxOsAt(w2.Address)
	if len(got) != DefaultUTxOsPerWallet+1 || lovelaceOf(t, l, registry.TxOutRef{TxID: id, Index: 0}) != 5_000_000 {
		t.Fatalf("wallet 2 has %d outputs", len(got))
	}
	if lovelaceOf(t, l, registry.TxOutRef{TxID: id, Index: 1}) != DefaultLovelace-5_200_000 {
		t.Fatal("change not at wallet 1")
	}
	// The next block links to the first and may be empty.
	next, err := l.Forge(slot + 1)
	if err != nil || next.Number != 1 || next.Prev != blk.Point.Hash {
		t.Fatalf("second block #%d prev %s (%v)", next.Number, next.Prev, err)
	}
	if _, err := l.Forge(slot + 1); err == nil {
		t.Fatal("forged twice at the same slot")
	}
	// A chain spending the change of a queued transaction is accepted
	// before the first is in a block (the mempool's view).
	tx2 := payment(registry.TxOutRef{TxID: id, Index: 1}, DefaultLovelace-5_200_000, w1, w2.Address, 1_000_000, 200_000)
	id2, err := l.Submit(signed(t, tx2, nil, w1.Key))
	if err != nil {
		t.Fatal(err)
	}
	tx3 := payment(registry.TxOutRef{TxID: id2, Index: 1}, DefaultLovelace-6_400_000, w1, w2.Address, 1_000_000, 200_000)
	if _, err := l.Submit(signed(t, tx3, nil, w1.Key)); err != nil {
		t.Fatalf("chained on a queued transaction: %v", err)
	}
	if _, err := l.Forge(slot + 2); err != nil || l.Queued() != 0 || len(l.UTxOsAt(w2.Address)) != DefaultUTxOsPerWallet+3 {
		t.Fatalf("chained block: %v", err)
	}
}

// TestRejections: each kind of invalid transaction is refused with the
// node's typed reason, and nothing is queued.
func TestRejections(t *testing.T) {
	l := newTestLedger(t, 8)
	w1, w2 := l.Wallets()[0], l.Wallets()[1]
	refs := walletRefs(t, l, w1)
	missing := registry.TxOutRef{TxID: registry.TxID{1, 2, 3}, Index: 0}
	slot := l.CurrentSlot()
	_, stranger, _ := ed25519.GenerateKey(detReader(9))

	queued := payment(refs[0], DefaultLovelace, w1, w2.Address, 3_000_000, 200_000)
	if _, err := l.Submit(signed(t, queued, nil, w1.Key)); err != nil {
		t.Fatal(err)
	}
	badSig := signed(t, payment(refs[1], DefaultLovelace, w1, w2.Address, 3_000_000, 200_000), nil, w1.Key)
	badSig[len(badSig)-3] ^= 0xff // inside the signature, before is_valid and aux

	late := payment(refs[1], DefaultLovelace, w1, w2.Address, 3_000_000, 200_000)
	late.TTL = txtest.Slot(slot - 1)
	early := payment(refs[1], DefaultLovelace, w1, w2.Address, 3_000_000, 200_000)
	early.ValidFrom = txtest.Slot(slot + 100)
	unbalanced := payment(refs[1], DefaultLovelace, w1, w2.Address, 3_000_000, 200_000)
	unbalanced.Outputs[1].Lovelace += 1

	cases := []struct {
		name string
		tx   []byte
		want any
	}{
		{"missing input", signed(t, payment(missing, DefaultLovelace, w1, w2.Address, 3_000_000, 200_000), nil, w1.Key), &gledger.BadInputsUtxo{}},
		{"double spend against the queue", signed(t, payment(refs[0], DefaultLovelace, w1, w2.Address, 4_000_000, 200_000), nil, w1.Key), &gledger.BadInputsUtxo{}},
		{"missing signature", signed(t, payment(refs[1], DefaultLovelace, w1, w2.Address, 3_000_000, 200_000), nil, stranger), &gledger.MissingVKeyWitnessesUTXOW{}},
		{"unsigned", assemble(t, payment(refs[1], DefaultLovelace, w1, w2.Address, 3_000_000, 200_000), nil), &gledger.MissingVKeyWitnessesUTXOW{}},
		{"bad signature", badSig, &gledger.InvalidWitnessesUTXOW{}},
		{"fee too small", signed(t, payment(refs[1], DefaultLovelace, w1, w2.Address, 3_000_000, 1_000), nil, w1.Key), &gledger.FeeTooSmallUtxo{}},
		{"value not conserved", signed(t, unbalanced, nil, w1.Key), &gledger.ValueNotConservedUtxo{}},
		{"expired", signed(t, late, nil, w1.Key), &gledger.OutsideValidityIntervalUtxo{}},
		{"not yet valid", signed(t, early, nil, w1.Key), &gledger.OutsideValidityIntervalUtxo{}},
		{"not a transaction", []byte{0x83, 0x01, 0x02, 0x03}, &gledger.GenericError{}},
		{"empty", nil, &gledger.GenericError{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := l.Submit(c.tx)
			if err == nil {
				t.Fatal("accepted")
			}
			reasons := reasonOf(t, err)
			if len(reasons) != 1 || reflect.TypeOf(reasons[0]) != reflect.TypeOf(c.want) {
				t.Fatalf("reasons %T %v, want %T (%v)", reasons, reasons, c.want, err)
			}
		})
	}
	if l.Queued() != 1 {
		t.Fatalf("%d queued, want only the first payment", l.Queued())
	}
	// Against the chain: after the block, spending the input again fails.
	if _, err := l.Forge(slot); err != nil {
		t.Fatal(err)
	}
	_, err := l.Submit(signed(t, payment(refs[0], DefaultLovelace, w1, w2.Address, 4_000_000, 200_000), nil, w1.Key))
	if r := reasonOf(t, err); len(r) != 1 || reflect.TypeOf(r[0]) != reflect.TypeOf(&gledger.BadInputsUtxo{}) {
		t.Fatalf("double spend against the chain: %v", err)
	}
}

// TestForgeDropsExpired: a queued transaction whose validity interval
// ends before the block's slot is dropped, not forged.
func TestForgeDropsExpired(t *testing.T) {
	l := newTestLedger(t, 10)
	w1, w2 := l.Wallets()[0], l.Wallets()[1]
	slot := l.CurrentSlot()
	tx := payment(walletRefs(t, l, w1)[0], DefaultLovelace, w1, w2.Address, 3_000_000, 200_000)
	tx.TTL = txtest.Slot(slot + 5)
	if _, err := l.Submit(signed(t, tx, nil, w1.Key)); err != nil {
		t.Fatal(err)
	}
	blk, err := l.Forge(slot + 10)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := blk.Decode()
	if err != nil || len(dec.Transactions()) != 0 || l.Queued() != 0 {
		t.Fatalf("expired transaction forged (%v)", err)
	}
}

// TestAfter: a ledger configured to follow an existing block numbers and
// links its blocks after it.
func TestAfter(t *testing.T) {
	after := chain.Tip{Point: chain.Point{Slot: 500, Hash: chain.Hash{9}}, BlockNumber: 41}
	l, err := New(Config{SystemStart: testStart, Eras: testEras(), Now: testNow, After: after, Wallets: 1, UTxOsPerWallet: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.ReferenceScripts()) != 0 {
		t.Fatal("reference scripts without a scripts directory")
	}
	if _, err := l.Forge(500); err == nil {
		t.Fatal("forged at the parent's slot")
	}
	blk, err := l.Forge(l.CurrentSlot())
	if err != nil || blk.Number != 42 || blk.Prev != after.Point.Hash {
		t.Fatalf("block #%d prev %s (%v)", blk.Number, blk.Prev, err)
	}
}

// TestWriteKeys: the key files are cardano-cli envelopes that read back
// as the wallets' keys.
func TestWriteKeys(t *testing.T) {
	l := newTestLedger(t, 11)
	dir := filepath.Join(t.TempDir(), "keys")
	if err := WriteKeys(dir, l.Wallets()); err != nil {
		t.Fatal(err)
	}
	for _, w := range l.Wallets() {
		b, err := os.ReadFile(filepath.Join(dir, "wallet"+itoa(w.Index)+".skey"))
		if err != nil {
			t.Fatal(err)
		}
		typ, raw, err := ParseEnvelope(b)
		if err != nil || typ != SigningKeyType || len(raw) != 34 || raw[0] != 0x58 || raw[1] != 0x20 {
			t.Fatalf("wallet %d envelope %q %x (%v)", w.Index, typ, raw, err)
		}
		k, err := ParseSigningKey(b)
		if err != nil || !k.Equal(w.Key) {
			t.Fatalf("wallet %d key does not read back (%v)", w.Index, err)
		}
		addr, err := os.ReadFile(filepath.Join(dir, "wallet"+itoa(w.Index)+".addr"))
		if err != nil || string(addr) != w.Bech32+"\n" {
			t.Fatalf("wallet %d address file %q", w.Index, addr)
		}
		if st, err := os.Stat(filepath.Join(dir, "wallet"+itoa(w.Index)+".skey")); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("signing key mode %v", st.Mode())
		}
	}
	vk, _ := os.ReadFile(filepath.Join(dir, "wallet1.vkey"))
	for _, bad := range [][]byte{[]byte(`{}`), []byte(`not json`), vk,
		[]byte(`{"type":"PaymentSigningKeyShelley_ed25519","cborHex":"5801aa"}`),
		[]byte(`{"type":"PaymentSigningKeyShelley_ed25519","cborHex":"zz"}`)} {
		if _, err := ParseSigningKey(bad); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// detReader is a deterministic byte stream for key generation.
type detReader uint64

func (d detReader) Read(p []byte) (int, error) {
	r := rand.New(rand.NewPCG(uint64(d), 0))
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return len(p), nil
}
