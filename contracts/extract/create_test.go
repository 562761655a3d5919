package extract

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// TestCreateEveryVersionAndAddress: a creation is recognised for each of the
// five script sets, on mainnet and testnet, with the datum inline or by hash
// (datum in the witness set), at enterprise, key-staked, script-staked and
// pointer-staked script addresses: 80 cases, each yielding exactly one
// Created with the version's hashes, the raw address, the canonical datum
// and its hash, and one contract entry in the Delta.
func TestCreateEveryVersionAndAddress(t *testing.T) {
	datum := initialDatum(t, twoRoleContract())
	canon := mustEncode(t, datum)
	// The worked example of semantics.md §2.1 pins the canonical encoding
	// that the datum hash depends on.
	worked := core.MarloweData{
		Params: core.MarloweParams{RolesCurrency: rolesCurrency(t)},
		State: core.State{Accounts: []core.AccountEntry{{
			Account: core.AddressPartyOf(mustAddress(t, "addr_test1vq9prvx8ufwutkwxx9cmmuuajaqmjqwujqlp9d8pvg6gupczgtm9j")),
			Token:   core.Ada, Amount: ada(2_000_000),
		}}, MinTime: ada(0)},
		Contract: core.When{Cases: []core.Case{{
			Action: core.Deposit{Into: roleParty("A"), From: roleParty("A"), Token: core.Ada, Amount: core.Constant{N: ada(10)}},
			Then:   core.Close{},
		}}, Timeout: ada(100), Continuation: core.Close{}},
	}
	if h := core.DatumHash(mustEncode(t, worked)); hex.EncodeToString(h[:]) != "e9cb1958f519d6c894b3d0193f5d245be9878df532789c0a4e7213774f90598d" {
		t.Fatalf("worked-example datum hash %x", h)
	}

	n := 0
	for _, v := range registry.Versions() {
		set := scriptSetOf(t, v)
		for _, network := range []byte{txtest.Testnet, txtest.Mainnet} {
			addrs := map[string][]byte{
				"enterprise":   txtest.EnterpriseScriptAddress(set.Semantics.Hash, network),
				"stake-key":    txtest.StakedScriptAddress(set.Semantics.Hash, keyHash(7), false, network),
				"stake-script": txtest.StakedScriptAddress(set.Semantics.Hash, keyHash(9), true, network),
				"pointer":      txtest.PointerScriptAddress(set.Semantics.Hash, 70_000_000, 3, 1, network),
			}
			for name, addr := range addrs {
				for _, inline := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/net%d/%s/inline=%v", v, network, name, inline), func(t *testing.T) {
						n++
						tx := mustBuild(t, txtest.Create{
							Funding:   []TxOutRef{fundingRef(1)},
							Contracts: []txtest.MarloweOutput{{Address: addr, Datum: datum, Lovelace: 2_000_000, Inline: inline}},
							Other:     []txtest.Output{{Address: walletAddr(), Lovelace: 5_000_000}},
						})
						c := newChain(t)
						ev := c.run(tx)
						if len(ev.Created) != 1 || ev.Applied != nil || ev.Withdrawn != nil || len(ev.CreateRejected) != 0 || len(ev.Foreign) != 0 {
							t.Fatalf("events: %+v", ev)
						}
						cr := ev.Created[0]
						id := mustID(t, tx)
						if cr.ContractID != (TxOutRef{TxID: id, Index: 0}) || cr.Output.Ref != cr.ContractID {
							t.Errorf("contract id %s, output %s", cr.ContractID, cr.Output.Ref)
						}
						if cr.Version != v || cr.ScriptHash != set.Semantics.Hash || cr.PayoutHash != set.Payout.Hash {
							t.Errorf("version %s hashes %s %s", cr.Version, cr.ScriptHash, cr.PayoutHash)
						}
						if !sameBytes(cr.Output.Address, addr) {
							t.Errorf("address %x, want %x", cr.Output.Address, addr)
						}
						if !equalData(t, cr.Datum, datum) || cr.RolesCurrency != datum.Params.RolesCurrency {
							t.Error("datum differs")
						}
						if !sameBytes(cr.Output.Datum, canon) || cr.Output.DatumHash == nil || *cr.Output.DatumHash != core.DatumHash(canon) || cr.Output.InlineDatum != inline {
							t.Errorf("datum bytes/hash/inline: %x %v %v", cr.Output.Datum, cr.Output.DatumHash, cr.Output.InlineDatum)
						}
						if cr.Output.Lovelace.Int64() != 2_000_000 {
							t.Errorf("lovelace %s", cr.Output.Lovelace)
						}
						e, ok := lookup(t, c.utxo, cr.ContractID)
						if !ok || e.Kind != EntryContract || e.ContractID != cr.ContractID || !sameBytes(e.Address, addr) || e.PayoutHash != set.Payout.Hash || e.Version != v {
							t.Errorf("utxo entry %+v %v", e, ok)
						}
					})
				}
			}
		}
	}
	if n != 80 {
		t.Fatalf("ran %d cases, want 80", n)
	}
}

func mustAddress(t testing.TB, s string) core.Address {
	t.Helper()
	a, err := core.ParseAddressBech32(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCreateSeveralInOneTx: one transaction creating three contracts (v5,
// v3 staked, v1 inline) beside a wallet output and a role-token mint yields
// three Created in output order sharing the transaction's metadata.
func TestCreateSeveralInOneTx(t *testing.T) {
	d := initialDatum(t, twoRoleContract())
	v3 := scriptSetOf(t, registry.V3)
	md := marloweMetadataV2(t)
	tx := mustBuild(t, txtest.Create{
		Funding: []TxOutRef{fundingRef(1), fundingRef(2)},
		Contracts: []txtest.MarloweOutput{
			{Address: semanticsAddr(t, registry.V5), Datum: d, Lovelace: 2_000_000},
			{Address: txtest.StakedScriptAddress(v3.Semantics.Hash, keyHash(3), false, txtest.Testnet), Datum: d, Lovelace: 3_000_000},
			{Address: semanticsAddr(t, registry.V1), Datum: d, Lovelace: 4_000_000, Inline: true},
		},
		Other:    []txtest.Output{{Address: walletAddr(), Lovelace: 1_000_000, Assets: []txtest.Asset{{Policy: [28]byte([]byte(rolesCurrency(t))), Name: []byte("A"), Quantity: 1}}}},
		Mint:     []txtest.MintAsset{{Policy: [28]byte([]byte(rolesCurrency(t))), Name: []byte("A"), Quantity: 1}},
		Metadata: md,
	})
	ev := newChain(t).run(tx)
	want := []registry.Version{registry.V5, registry.V3, registry.V1}
	if len(ev.Created) != len(want) {
		t.Fatalf("%d created, want %d", len(ev.Created), len(want))
	}
	for i, cr := range ev.Created {
		if cr.Version != want[i] || cr.ContractID.Index != uint32(i) || cr.Output.Lovelace.Int64() != int64(2_000_000+i*1_000_000) {
			t.Errorf("created[%d]: %s %s %s", i, cr.Version, cr.ContractID, cr.Output.Lovelace)
		}
		if cr.Metadata.Marlowe == nil || len(cr.Metadata.Labels) != 2 {
			t.Errorf("created[%d] metadata: %+v", i, cr.Metadata)
		}
	}
}

// marloweMetadataV2 is label 1564 in the Runtime's current format with a
// payload, a tag over 64 characters (chunked) and a continuations URI, plus
// a CIP-20 message under label 674.
func marloweMetadataV2(t testing.TB) []txtest.Label {
	t.Helper()
	long := strings.Repeat("x", 64) + "tail"
	v, err := txtest.Metadatum([]any{2, []any{
		[]any{"swap", map[any]any{"price": 42}},
		[]any{[]any{long[:64], long[64:]}},
	}, "ipfs://continuations"})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := txtest.Metadatum(map[any]any{"msg": []any{"hello"}})
	if err != nil {
		t.Fatal(err)
	}
	return []txtest.Label{{Label: 674, Value: msg}, {Label: metadata.MarloweLabel, Value: v}}
}

// TestCreateMetadata: label 1564 is parsed (tags, payload, chunked tag,
// continuations) and every label is kept with its bytes.
func TestCreateMetadata(t *testing.T) {
	labels := marloweMetadataV2(t)
	tx := mustBuild(t, txtest.Create{
		Funding:   []TxOutRef{fundingRef(1)},
		Contracts: []txtest.MarloweOutput{{Address: semanticsAddr(t, registry.V5), Datum: initialDatum(t, core.Close{}), Lovelace: 2_000_000}},
		Metadata:  labels,
	})
	ev := newChain(t).run(tx)
	if len(ev.Created) != 1 {
		t.Fatalf("%+v", ev)
	}
	md := ev.Created[0].Metadata
	if len(md.Labels) != 2 || md.Labels[0].Label != 674 || md.Labels[1].Label != 1564 ||
		!sameBytes(md.Labels[0].CBOR, labels[0].Value) || !sameBytes(md.Labels[1].CBOR, labels[1].Value) {
		t.Fatalf("labels %+v", md.Labels)
	}
	m := md.Marlowe
	if m == nil || m.Continuations == nil || *m.Continuations != "ipfs://continuations" || len(m.Tags) != 2 {
		t.Fatalf("marlowe metadata %+v", m)
	}
	if p, ok := m.Tags["swap"].(metadata.Map); !ok || len(p) != 1 || p[0].Key.(metadata.Text) != "price" || p[0].Value.(metadata.Int).Value.Int64() != 42 {
		t.Errorf("swap payload %#v", m.Tags["swap"])
	}
	if p, ok := m.Tags[strings.Repeat("x", 64)+"tail"]; !ok || p != nil {
		t.Errorf("chunked tag missing or has a payload: %v %v", ok, p)
	}
}

// TestCreateRejected: outputs at a semantics address that are not valid
// creations are diagnosed (never an error), not indexed, and tracked as
// foreign outputs, while a valid creation in the same transaction is still
// indexed.
func TestCreateRejected(t *testing.T) {
	good := initialDatum(t, twoRoleContract())
	unit := []byte{0xd8, 0x79, 0x80}
	payoutDatum := mustEncode(t, core.PayoutDatum{RolesCurrency: rolesCurrency(t), Role: "A"})
	// A MarloweData whose contract field is an integer.
	badContract := []byte{0xd8, 0x79, 0x9f, 0xd8, 0x79, 0x9f, 0x40, 0xff}
	badContract = append(badContract, mustEncode(t, good.State)...)
	badContract = append(badContract, 0x05, 0xff)
	hashOf := func(b []byte) []byte { h := core.DatumHash(b); return h[:] }
	addr := semanticsAddr(t, registry.V4)
	cases := []struct {
		name   string
		out    txtest.Output
		datums [][]byte
		reason CreateError
	}{
		{"no datum", txtest.Output{Address: addr, Lovelace: 2_000_000}, nil, NoCreateDatum},
		{"hash without witness", txtest.Output{Address: addr, Lovelace: 2_000_000, DatumHash: hashOf(mustEncode(t, good))}, nil, NoCreateDatum},
		{"unit datum inline", txtest.Output{Address: addr, Lovelace: 2_000_000, InlineDatum: unit}, nil, InvalidCreateDatum},
		{"payout datum by hash", txtest.Output{Address: addr, Lovelace: 2_000_000, DatumHash: hashOf(payoutDatum)}, [][]byte{payoutDatum}, InvalidCreateDatum},
		{"contract is an integer", txtest.Output{Address: addr, Lovelace: 2_000_000, InlineDatum: badContract}, nil, InvalidCreateDatum},
		{"legacy output without datum", txtest.Output{Address: addr, Lovelace: 2_000_000, Legacy: true}, nil, NoCreateDatum},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			goodRaw := mustEncode(t, good)
			tx := &txtest.Tx{
				Inputs: []TxOutRef{fundingRef(1)},
				Outputs: []txtest.Output{
					tc.out,
					{Address: semanticsAddr(t, registry.V5), Lovelace: 2_000_000, InlineDatum: goodRaw},
				},
				Datums: tc.datums,
			}
			c := newChain(t)
			ev := c.run(tx)
			if len(ev.Created) != 1 || ev.Created[0].ContractID.Index != 1 {
				t.Fatalf("created %+v", ev.Created)
			}
			if len(ev.CreateRejected) != 1 {
				t.Fatalf("rejected %+v", ev.CreateRejected)
			}
			r := ev.CreateRejected[0]
			if r.Reason != tc.reason || r.Ref.Index != 0 || r.Version != registry.V4 {
				t.Errorf("rejection %s", r)
			}
			if len(ev.Foreign) != 1 || ev.Foreign[0].Ref != r.Ref || ev.Foreign[0].Kind != EntryForeign {
				t.Errorf("foreign %+v", ev.Foreign)
			}
			if e, ok := lookup(t, c.utxo, r.Ref); !ok || e.Kind != EntryForeign {
				t.Errorf("foreign output not tracked: %+v", e)
			}
		})
	}
}

// TestForeignInputBlocksCreation: an output at a semantics address whose
// datum was not revealed is not a contract; a later transaction that spends
// it (revealing the datum) and re-creates a Marlowe-looking output creates
// nothing, silently, as in the Runtime, which sees the input's address.
func TestForeignInputBlocksCreation(t *testing.T) {
	good := initialDatum(t, twoRoleContract())
	raw := mustEncode(t, good)
	h := core.DatumHash(raw)
	addr := semanticsAddr(t, registry.V5)
	c := newChain(t)
	first := &txtest.Tx{Inputs: []TxOutRef{fundingRef(1)}, Outputs: []txtest.Output{{Address: addr, Lovelace: 2_000_000, DatumHash: h[:]}}}
	ev := c.run(first)
	if len(ev.CreateRejected) != 1 || ev.CreateRejected[0].Reason != NoCreateDatum || len(ev.Foreign) != 1 {
		t.Fatalf("first: %+v", ev)
	}
	foreign := ev.Foreign[0].Ref
	second := mustBuild(t, txtest.Apply{
		Contract: foreign, SpentDatum: &good, Funding: []TxOutRef{fundingRef(2)},
		ValidFrom: 10, ValidTo: 20,
		Next: &txtest.MarloweOutput{Address: addr, Datum: good, Lovelace: 2_000_000},
	})
	ev = c.run(second)
	if ev.HasSteps() || len(ev.CreateRejected) != 0 || ev.ApplyRejected != nil {
		t.Fatalf("second produced steps or diagnostics: %+v", ev)
	}
	if len(ev.ForeignSpent) != 1 || ev.ForeignSpent[0] != foreign || len(ev.Foreign) != 1 {
		t.Fatalf("foreign bookkeeping: spent %v new %v", ev.ForeignSpent, ev.Foreign)
	}
	if _, ok := lookup(t, c.utxo, foreign); ok {
		t.Error("spent foreign output still tracked")
	}
}

// TestNotCreationTransaction: re-extracting a creation whose contract id is
// already a contract's current output reports NotCreationTransaction.
func TestNotCreationTransaction(t *testing.T) {
	tx := mustBuild(t, txtest.Create{
		Funding:   []TxOutRef{fundingRef(1)},
		Contracts: []txtest.MarloweOutput{{Address: semanticsAddr(t, registry.V2), Datum: initialDatum(t, core.Close{}), Lovelace: 2_000_000}},
	})
	c := newChain(t)
	if ev := c.run(tx); len(ev.Created) != 1 {
		t.Fatalf("%+v", ev)
	}
	ev := c.run(tx)
	if len(ev.Created) != 0 || len(ev.CreateRejected) != 1 || ev.CreateRejected[0].Reason != NotCreationTransaction || len(ev.Foreign) != 0 {
		t.Fatalf("replay: %+v", ev)
	}
	if e, ok := lookup(t, c.utxo, ev.CreateRejected[0].Ref); !ok || e.Kind != EntryContract {
		t.Error("replay disturbed the contract entry")
	}
}
