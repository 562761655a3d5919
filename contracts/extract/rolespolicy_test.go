package extract

import (
	"bytes"
	"errors"
	"testing"
	"time"

	gcbor "github.com/blinklabs-io/gouroboros/cbor"
	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
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

// builderEnv is a txbuild environment (devnet protocol parameters) whose
// wallet, key hash keyHash(n), holds one 100-ada output, with role tokens
// A and B of policy tokens when it is not nil.
func builderEnv(t testing.TB, n byte, tokens *[28]byte) txbuild.Env {
	t.Helper()
	params, err := txbuild.ParamsFromConway(ledger.DefaultProtocolParams())
	if err != nil {
		t.Fatal(err)
	}
	addr := txtest.EnterpriseKeyAddress(keyHash(n), txtest.Testnet)
	value := txbuild.Value{Lovelace: 100_000_000}
	if tokens != nil {
		value.Assets = map[txbuild.AssetID]uint64{}
		for _, name := range []string{"A", "B"} {
			value.Assets[txbuild.AssetID{Policy: *tokens, Name: name}] = 1
		}
	}
	return txbuild.Env{
		Params: params, Time: secondSlots{}, TipSlot: 1_000_000,
		Wallet: txbuild.Wallet{ChangeAddress: addr, UTxOs: []txbuild.UTxO{{
			Ref: fundingRef(int(n)), Out: txbuild.TxOut{Address: addr, Value: value},
		}}},
	}
}

// builtCreation builds a role contract's creation with txbuild.
func builtCreation(t testing.TB, roles txbuild.RolesConfig) (*txbuild.CreateResult, lcommon.Transaction) {
	t.Helper()
	roles.Distribution = map[core.TokenName]txbuild.RoleRecipient{"A": {Address: walletAddr()}, "B": {Address: walletAddr()}}
	var tokens *[28]byte
	if roles.Mode == txbuild.RolesUsePolicy {
		tokens = &roles.Policy
	}
	res, err := txbuild.Create(builderEnv(t, 3, tokens), txbuild.CreateRequest{Contract: twoRoleContract(), Roles: roles})
	if err != nil {
		t.Fatalf("build creation: %v", err)
	}
	tx, err := conway.NewConwayTransactionFromCbor(res.CBOR)
	if err != nil {
		t.Fatalf("decode creation: %v", err)
	}
	return res, tx
}

func currencyOf(p txbuild.RoleTokenPolicy) core.CurrencySymbol {
	id := p.ID()
	return core.CurrencySymbol(id[:])
}

// policyID is the policy id of a native script: blake2b-224(0x00 ‖ CBOR).
func policyID(script []byte) core.CurrencySymbol {
	h := lcommon.Blake2b224Hash(append([]byte{0}, script...))
	return core.CurrencySymbol(h[:])
}

// TestCreatedRolesPolicyScript: a creation reports the witness-set native
// script whose hash is its roles currency, byte for byte, and nothing when
// the roles policy is not there. Cases: txbuild's RolesMint creation (the
// script Create minted with), and its RolesUsePolicy one (no script);
// txtest creations decoded as Conway and Babbage transactions with the
// policy among unrelated native scripts; a script that is no contract's
// policy; a contract without roles; two contracts of one transaction, only
// one of whose currency has a script.
func TestCreatedRolesPolicyScript(t *testing.T) {
	t.Run("txbuild RolesMint", func(t *testing.T) {
		res, tx := builtCreation(t, txbuild.RolesConfig{Mode: txbuild.RolesMint})
		ev, err := New(registry.New()).Tx(tx, 0, NewMemUTxO(nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Created) != 1 {
			t.Fatalf("created %d contracts, rejected %v", len(ev.Created), ev.CreateRejected)
		}
		c := ev.Created[0]
		want := res.Policy.Script()
		if c.RolesCurrency != res.RolesCurrency || !bytes.Equal(c.RolesPolicyScript, want) {
			t.Fatalf("currency %x script %x, want %x %x", c.RolesCurrency, c.RolesPolicyScript, res.RolesCurrency, want)
		}
		if policyID(c.RolesPolicyScript) != c.RolesCurrency {
			t.Fatal("the reported script does not hash to the roles currency")
		}
	})
	t.Run("txbuild RolesUsePolicy", func(t *testing.T) {
		// Tokens minted earlier under a native policy: the creation only
		// sends them, so it carries no script and reports none.
		pol := txbuild.RoleTokenPolicy{KeyHash: keyHash(3), Before: 2_000_000}
		res, tx := builtCreation(t, txbuild.RolesConfig{Mode: txbuild.RolesUsePolicy, Policy: pol.ID()})
		ev, err := New(registry.New()).Tx(tx, 0, NewMemUTxO(nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Created) != 1 || ev.Created[0].RolesCurrency != res.RolesCurrency {
			t.Fatalf("created %+v", ev.Created)
		}
		if s := ev.Created[0].RolesPolicyScript; s != nil {
			t.Fatalf("script %x reported for a creation that carries none", s)
		}
	})

	own := txbuild.RoleTokenPolicy{KeyHash: keyHash(5), Before: 4_000_000}
	other := txbuild.RoleTokenPolicy{KeyHash: keyHash(6), Before: 4_000_000}
	ownCur, otherCur := currencyOf(own), currencyOf(other)
	withRoles := func(cur core.CurrencySymbol) core.MarloweData {
		d := initialDatum(t, twoRoleContract())
		d.Params.RolesCurrency = cur
		return d
	}
	noRoles := initialDatum(t, core.Close{})
	noRoles.Params.RolesCurrency = ""
	noRoles.State.Accounts[0].Account = core.AddressPartyOf(mustAddress(t, "addr_test1vq9prvx8ufwutkwxx9cmmuuajaqmjqwujqlp9d8pvg6gupczgtm9j"))
	addr := semanticsAddr(t, registry.V5)

	cases := []struct {
		name    string
		datums  []core.MarloweData
		scripts [][]byte
		// want is the script each created contract must report.
		want [][]byte
	}{
		{"policy among other scripts", []core.MarloweData{withRoles(ownCur)}, [][]byte{other.Script(), own.Script()}, [][]byte{own.Script()}},
		{"policy alone", []core.MarloweData{withRoles(ownCur)}, [][]byte{own.Script()}, [][]byte{own.Script()}},
		{"another policy's script", []core.MarloweData{withRoles(ownCur)}, [][]byte{other.Script()}, [][]byte{nil}},
		{"no native scripts", []core.MarloweData{withRoles(ownCur)}, nil, [][]byte{nil}},
		{"no roles", []core.MarloweData{noRoles}, [][]byte{own.Script()}, [][]byte{nil}},
		{"two contracts, one policy", []core.MarloweData{withRoles(otherCur), withRoles(ownCur)}, [][]byte{own.Script()}, [][]byte{nil, own.Script()}},
		{"two contracts, both policies", []core.MarloweData{withRoles(otherCur), withRoles(ownCur)}, [][]byte{own.Script(), other.Script()}, [][]byte{other.Script(), own.Script()}},
	}
	forms := []struct {
		name   string
		txType uint
		legacy bool
	}{{"conway", conway.TxTypeConway, false}, {"babbage", babbage.TxTypeBabbage, true}}
	for _, tc := range cases {
		for _, f := range forms {
			t.Run(tc.name+"/"+f.name, func(t *testing.T) {
				var outs []txtest.MarloweOutput
				for _, d := range tc.datums {
					outs = append(outs, txtest.MarloweOutput{Address: addr, Datum: d, Lovelace: 2_000_000})
				}
				tx := mustBuild(t, txtest.Create{Funding: []TxOutRef{fundingRef(9)}, Contracts: outs,
					Other: []txtest.Output{{Address: walletAddr(), Lovelace: 5_000_000}}})
				tx.NativeScripts = tc.scripts
				tx.LegacyRedeemers = f.legacy
				dec, err := tx.Decode(f.txType)
				if err != nil {
					t.Fatal(err)
				}
				ev, err := New(registry.New()).Tx(dec, 0, NewMemUTxO(nil))
				if err != nil {
					t.Fatal(err)
				}
				if len(ev.Created) != len(tc.want) {
					t.Fatalf("created %d contracts, want %d (rejected %v)", len(ev.Created), len(tc.want), ev.CreateRejected)
				}
				for i, c := range ev.Created {
					if !bytes.Equal(c.RolesPolicyScript, tc.want[i]) {
						t.Errorf("contract %d: script %x, want %x", i, c.RolesPolicyScript, tc.want[i])
					}
				}
			})
		}
	}
}

// TestRolesPolicyScriptWithoutStoredCBOR: a native script whose decoded
// form has lost its stored bytes (as one built in memory has none) is
// matched by its re-encoding, which for a canonical script is the same.
func TestRolesPolicyScriptWithoutStoredCBOR(t *testing.T) {
	own := txbuild.RoleTokenPolicy{KeyHash: keyHash(5), Before: 4_000_000}
	d := initialDatum(t, twoRoleContract())
	d.Params.RolesCurrency = currencyOf(own)
	tx := mustBuild(t, txtest.Create{Funding: []TxOutRef{fundingRef(9)},
		Contracts: []txtest.MarloweOutput{{Address: semanticsAddr(t, registry.V5), Datum: d, Lovelace: 2_000_000}}})
	tx.NativeScripts = [][]byte{own.Script()}
	dec, err := tx.Conway()
	if err != nil {
		t.Fatal(err)
	}
	ct, ok := dec.(*conway.ConwayTransaction)
	if !ok {
		t.Fatalf("decoded as %T", dec)
	}
	items := ct.WitnessSet.WsNativeScripts.Items()
	for i := range items {
		items[i].SetCbor(nil)
	}
	ct.WitnessSet.WsNativeScripts = gcbor.NewSetType(items, false)
	if ns := ct.Witnesses().NativeScripts(); len(ns) != 1 || len(ns[0].Cbor()) != 0 {
		t.Fatalf("stored bytes not cleared: %d scripts", len(ns))
	}
	ev, err := New(registry.New()).Tx(dec, 0, NewMemUTxO(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Created) != 1 || !bytes.Equal(ev.Created[0].RolesPolicyScript, own.Script()) {
		t.Fatalf("events %+v", ev.Created)
	}
}
