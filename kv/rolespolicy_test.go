package kv

import (
	"bytes"
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	"github.com/marlowe-lite/marlowe-lite/node/ledger"
)

// secondSlots is a 1-second-slot era starting at the Unix epoch.
type secondSlots struct{}

func (secondSlots) SlotToTime(s uint64) (time.Time, error) {
	return time.Unix(int64(s), 0).UTC(), nil
}

func (secondSlots) TimeToSlot(t time.Time) (uint64, error) {
	if t.Unix() < 0 {
		return 0, errors.New("time before system start")
	}
	return uint64(t.Unix()), nil
}

// createWithRoles builds, with txbuild, the creation of a contract whose
// roles A and B are minted under the creator's native policy (mode
// RolesMint) or sent from the wallet's tokens of policy (RolesUsePolicy).
// The creator is always the same key and the tip the same slot, so every
// RolesMint creation uses the same policy; funding n makes each
// transaction distinct.
func createWithRoles(t *testing.T, mode txbuild.RolesMode, policy [28]byte, funding byte) (*txbuild.CreateResult, lcommon.Transaction) {
	t.Helper()
	params, err := txbuild.ParamsFromConway(ledger.DefaultProtocolParams())
	if err != nil {
		t.Fatal(err)
	}
	creator := txtest.EnterpriseKeyAddress([28]byte{0xc0, 0xde}, txtest.Testnet)
	holder := txtest.EnterpriseKeyAddress([28]byte{0xbe, 0xef}, txtest.Testnet)
	value := txbuild.Value{Lovelace: 100_000_000}
	if mode == txbuild.RolesUsePolicy {
		value.Assets = map[txbuild.AssetID]uint64{{Policy: policy, Name: "A"}: 1, {Policy: policy, Name: "B"}: 1}
	}
	env := txbuild.Env{
		Params: params, Time: secondSlots{}, TipSlot: 5_000_000,
		Wallet: txbuild.Wallet{ChangeAddress: creator, UTxOs: []txbuild.UTxO{{
			Ref: registry.TxOutRef{TxID: registry.TxID{0xf0, funding}}, Out: txbuild.TxOut{Address: creator, Value: value},
		}}},
	}
	role := func(n string) core.Party { return core.RolePartyOf(core.TokenName(n)) }
	contract := core.When{Cases: []core.Case{{
		Action: core.Deposit{Into: role("B"), From: role("B"), Token: core.Ada, Amount: core.Constant{N: big.NewInt(10_000_000)}},
		Then:   core.Close{},
	}}, Timeout: big.NewInt(9_000_000_000_000), Continuation: core.Close{}}
	res, err := txbuild.Create(env, txbuild.CreateRequest{Contract: contract, Roles: txbuild.RolesConfig{
		Mode: mode, Policy: policy,
		Distribution: map[core.TokenName]txbuild.RoleRecipient{"A": {Address: holder}, "B": {Address: holder}},
	}})
	if err != nil {
		t.Fatalf("build creation: %v", err)
	}
	tx, err := conway.NewConwayTransactionFromCbor(res.CBOR)
	if err != nil {
		t.Fatalf("decode creation: %v", err)
	}
	return res, tx
}

// rolesPolicyOf is RolesPolicy, failing the test on error.
func rolesPolicyOf(t *testing.T, s *Store, cur core.CurrencySymbol) ([]byte, bool) {
	t.Helper()
	script, ok, err := s.RolesPolicy(cur)
	if err != nil {
		t.Fatalf("roles policy %x: %v", []byte(cur), err)
	}
	return script, ok
}

// TestRolesPolicy: on a generated chain, RolesPolicy returns the script of
// every roles currency some creation carried it for, and nothing for the
// others. Then three real creations (txbuild, decoded by gouroboros,
// recognised with the store as UTxO view) follow: two minting roles under
// the same native policy and one sending tokens of it. The first records
// the script Create minted with, the second rewrites it, the third (no
// script in its witnesses) leaves it. Rolling back one block at a time
// keeps the script until the first minting creation is undone, and each
// rolled-back store equals a fresh one built over the surviving chain.
func TestRolesPolicy(t *testing.T) {
	s := openMem(t, 100)
	blocks := genChain(t, rand.New(rand.NewPCG(61, 62)), 40)
	applyAll(t, s, blocks)

	carried := map[core.CurrencySymbol]bool{}
	seen := map[core.CurrencySymbol]bool{}
	for _, b := range blocks {
		for _, tx := range b.ev.Txs {
			for _, c := range tx.Created {
				if tx.Valid && c.RolesCurrency != "" {
					seen[c.RolesCurrency] = true
					carried[c.RolesCurrency] = carried[c.RolesCurrency] || c.RolesPolicyScript != nil
				}
			}
		}
	}
	if len(carried) == 0 || len(seen) < 2 {
		t.Fatalf("generated chain: %d roles currencies, %d with a script", len(seen), len(carried))
	}
	for cur := range seen {
		script, ok := rolesPolicyOf(t, s, cur)
		if ok != carried[cur] || ok && !bytes.Equal(script, genPolicyScript(cur)) {
			t.Errorf("currency %x: script %x ok %v, carried %v", []byte(cur), script, ok, carried[cur])
		}
	}
	for _, cur := range []core.CurrencySymbol{"", core.CurrencySymbol(bytes.Repeat([]byte{0x55}, 28))} {
		if script, ok := rolesPolicyOf(t, s, cur); ok {
			t.Errorf("currency %x: script %x for a currency no creation has", []byte(cur), script)
		}
	}
	if _, _, err := s.RolesPolicy(core.CurrencySymbol(strings.Repeat("x", maxKeyPart+1))); err == nil {
		t.Error("an oversized currency is not an error")
	}

	first, tx1 := createWithRoles(t, txbuild.RolesMint, [28]byte{}, 1)
	policy := first.Policy.ID()
	second, tx2 := createWithRoles(t, txbuild.RolesMint, [28]byte{}, 2)
	third, tx3 := createWithRoles(t, txbuild.RolesUsePolicy, policy, 3)
	if second.RolesCurrency != first.RolesCurrency || third.RolesCurrency != first.RolesCurrency {
		t.Fatal("the creations do not share a roles currency")
	}
	cur, script := first.RolesCurrency, first.Policy.Script()

	x := extract.New(registry.New())
	prev := blocks[len(blocks)-1].ref
	for i, tx := range []lcommon.Transaction{tx1, tx2, tx3} {
		ref := BlockRef{Slot: prev.Slot + 10, Hash: [32]byte{0xb0, byte(i)}, Number: prev.Number + 1}
		ev, err := x.Block(extract.BlockHeader{Slot: ref.Slot, Hash: ref.Hash, Number: ref.Number}, []lcommon.Transaction{tx}, s)
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Txs) != 1 || len(ev.Txs[0].Created) != 1 {
			t.Fatalf("creation %d not recognised: %+v", i+1, ev.Txs)
		}
		got := ev.Txs[0].Created[0].RolesPolicyScript
		if i < 2 && !bytes.Equal(got, script) || i == 2 && got != nil {
			t.Fatalf("creation %d: recogniser reports script %x", i+1, got)
		}
		b := genBlock{ref: ref, ev: ev}
		applyAll(t, s, []genBlock{b})
		blocks, prev = append(blocks, b), ref
		if got, ok := rolesPolicyOf(t, s, cur); !ok || !bytes.Equal(got, script) {
			t.Fatalf("after creation %d: script %x ok %v, want %x", i+1, got, ok, script)
		}
	}

	// Undo the three creations one block at a time.
	for n := len(blocks) - 1; n >= len(blocks)-3; n-- {
		if err := s.RollBack(blocks[n-1].ref.Point()); err != nil {
			t.Fatal(err)
		}
		got, ok := rolesPolicyOf(t, s, cur)
		if want := n > len(blocks)-3; ok != want || ok && !bytes.Equal(got, script) {
			t.Fatalf("rolled back to #%d: script %x ok %v, want present %v", n, got, ok, want)
		}
		fresh := openMem(t, 100)
		applyAll(t, fresh, blocks[:n])
		if d := diffIndex(dumpStore(t, s), dumpStore(t, fresh)); d != "" {
			t.Fatalf("rolled back to #%d: %s", n, d)
		}
	}
	if _, ok, err := s.Contract(first.ContractID); ok || err != nil {
		t.Fatalf("first creation still indexed after its rollback: %v %v", ok, err)
	}
}
