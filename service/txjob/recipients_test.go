package txjob_test

import (
	"context"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// depositContract: Seller deposits into Buyer's account before t1, then
// the contract closes.
func depositContract() core.Contract {
	t1 := big.NewInt(time.Now().Add(time.Hour).UnixMilli())
	return core.When{Cases: []core.Case{{Action: core.Deposit{Into: core.RolePartyOf("Buyer"), From: core.RolePartyOf("Seller"), Token: core.Ada,
		Amount: core.Constant{N: big.NewInt(5_000_000)}}, Then: core.Close{}}}, Timeout: t1, Continuation: core.Close{}}
}

// TestCreateSeveralRecipients: a Create minting the Seller role to two
// wallets (quantities 1 and 2) and Buyer to a third builds a transaction
// the devnet ledger accepts; afterwards each wallet holds exactly its
// tokens.
func TestCreateSeveralRecipients(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	to := func(i int) ptx.Destination {
		return ptx.Destination{Kind: ptx.ToAddress, Address: types.Address(r.wallets[i].Address)}
	}
	cc, cerr, err := r.txjob(t).Create(ctx, ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0), Accounts: map[ptx.Account]types.Assets{},
		RoleTokens: ptx.RoleTokensMint{Mint: ptx.Mint{
			"Seller": {Recipients: map[ptx.Destination]*big.Int{to(1): big.NewInt(1), to(2): big.NewInt(2)}},
			"Buyer":  {Recipients: map[ptx.Destination]*big.Int{to(3): big.NewInt(1)}},
		}},
		Contract: binary.Either[core.Contract, types.DatumHash]{Left: depositContract()}})
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	r.submit(t, cc.TxBody, r.wallets[0].Key)
	for _, tc := range []struct {
		wallet int
		role   string
		want   uint64
	}{
		{1, "Seller", 1}, {2, "Seller", 2}, {3, "Seller", 0}, {0, "Seller", 0},
		{3, "Buyer", 1}, {1, "Buyer", 0}, {2, "Buyer", 0},
	} {
		if n := r.held(t, r.wallets[tc.wallet].Address, cc.RolesCurrency, tc.role); n != tc.want {
			t.Errorf("wallet %d holds %d %s tokens, want %d", tc.wallet, n, tc.role, tc.want)
		}
	}

}

// lookup finds key in a metadatum map.
func lookup(t *testing.T, m types.Metadata, key types.Metadata) types.Metadata {
	t.Helper()
	mm, ok := m.(types.MetadataMap)
	if !ok {
		t.Fatalf("%#v is not a map", m)
	}
	for _, p := range mm {
		if reflect.DeepEqual(p.Key, key) {
			return p.Value
		}
	}
	t.Fatalf("no key %#v in %#v", key, m)
	return nil
}

// TestCreatedMetadata721: ContractCreated.Metadata holds the label-721
// entry the built transaction carries — {policy: {role: metadatum},
// "version": 2} with the Runtime's CIP-25 shape — beside the requested
// Marlowe tags, and holds no 721 when no role has metadata.
func TestCreatedMetadata721(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	to0 := map[ptx.Destination]*big.Int{{Kind: ptx.ToAddress, Address: types.Address(r.wallets[0].Address)}: big.NewInt(1)}
	tags := types.MarloweTransactionMetadata{Marlowe: &types.MarloweMetadata{Tags: map[string]types.Metadata{"escrow": nil}}}
	create := func(mint ptx.Mint) ptx.Create {
		return ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0), Accounts: map[ptx.Account]types.Assets{}, Metadata: tags,
			RoleTokens: ptx.RoleTokensMint{Mint: mint}, Contract: binary.Either[core.Contract, types.DatumHash]{Left: depositContract()}}
	}
	md := ptx.RoleTokenMetadata{Name: "Buyer", Image: mustURI(t, "ipfs://Qm1")}
	cc, cerr, err := r.txjob(t).Create(ctx, create(ptx.Mint{"Buyer": {Metadata: &md, Recipients: to0}, "Seller": {Recipients: to0}}))
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	got, ok := cc.Metadata.Metadata[721]
	if !ok {
		t.Fatalf("ContractCreated.Metadata has no label 721: %#v", cc.Metadata.Metadata)
	}
	if cc.Metadata.Marlowe == nil || len(cc.Metadata.Marlowe.Tags) != 1 {
		t.Fatalf("Marlowe tags %#v, want escrow", cc.Metadata.Marlowe)
	}
	if _, ok := cc.Metadata.Marlowe.Tags["escrow"]; !ok {
		t.Fatalf("Marlowe tags %#v, want escrow", cc.Metadata.Marlowe.Tags)
	}
	if top := got.(types.MetadataMap); len(top) != 2 {
		t.Fatalf("label 721 has %d entries, want the policy and version", len(top))
	}
	if v := lookup(t, got, types.MetadataText("version")); !reflect.DeepEqual(v, types.MetadataNumber{Value: big.NewInt(2)}) {
		t.Fatalf("version %#v", v)
	}
	assets := lookup(t, got, types.MetadataBytes(cc.RolesCurrency))
	if n := len(assets.(types.MetadataMap)); n != 1 {
		t.Fatalf("%d role entries, want only Buyer's", n)
	}
	want := types.MetadataMap{
		{Key: types.MetadataText("name"), Value: types.MetadataText("Buyer")},
		{Key: types.MetadataText("image"), Value: types.MetadataList{types.MetadataText("ipfs://Qm1")}},
	}
	if buyer := lookup(t, assets, types.MetadataBytes("Buyer")); !reflect.DeepEqual(buyer, types.Metadata(want)) {
		t.Fatalf("Buyer metadata %#v, want %#v", buyer, want)
	}
	// The transaction carries the same single role entry.
	raw, _ := label721(t, cc.TxBody, cc.RolesCurrency)
	if len(raw) != 1 || raw["Buyer"] == nil {
		t.Fatalf("transaction label 721 roles %v", raw)
	}

	// Without role metadata the transaction has no label 721, nor has the
	// result.
	cc, cerr, err = r.txjob(t).Create(ctx, create(ptx.Mint{"Buyer": {Recipients: to0}, "Seller": {Recipients: to0}}))
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	if _, ok := cc.Metadata.Metadata[721]; ok || cc.Metadata.Marlowe == nil {
		t.Fatalf("metadata %#v: want the tags and no label 721", cc.Metadata)
	}
}
