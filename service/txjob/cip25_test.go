package txjob_test

import (
	"context"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// asciiHex is the hex of an ASCII text's bytes (the content of a CBOR text
// whose head is written by hand in the expectations below).
func asciiHex(s string) string { return hex.EncodeToString([]byte(s)) }

func mustURI(t *testing.T, s string) ptx.URI {
	t.Helper()
	u, err := ptx.ParseURI(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// label721 returns the role entries of label 721 in a built transaction
// ([body, witnesses, valid, #6.259({0: metadata})]): raw CBOR per asset
// name under policy, and the keys of the label's top-level map.
func label721(t *testing.T, tx []byte, policy types.PolicyId) (map[string][]byte, int) {
	t.Helper()
	var parts []cbor.RawMessage
	if err := cbor.Unmarshal(tx, &parts); err != nil || len(parts) != 4 {
		t.Fatalf("transaction: %v (%d parts)", err, len(parts))
	}
	var aux cbor.RawTag
	if err := cbor.Unmarshal(parts[3], &aux); err != nil || aux.Number != 259 {
		t.Fatalf("auxiliary data %x: %v", parts[3], err)
	}
	var auxMap map[uint64]cbor.RawMessage
	if err := cbor.Unmarshal(aux.Content, &auxMap); err != nil {
		t.Fatal(err)
	}
	var labels map[uint64]cbor.RawMessage
	if err := cbor.Unmarshal(auxMap[0], &labels); err != nil {
		t.Fatal(err)
	}
	raw, ok := labels[721]
	if !ok {
		t.Fatalf("no label 721 among %d labels", len(labels))
	}
	var top map[any]cbor.RawMessage
	if err := cbor.Unmarshal(raw, &top); err != nil {
		t.Fatalf("label 721: %v", err)
	}
	assetsRaw, ok := top[cbor.ByteString(policy)]
	if !ok {
		t.Fatalf("label 721 %x has no entry for policy %x", raw, []byte(policy))
	}
	var assets map[cbor.ByteString]cbor.RawMessage
	if err := cbor.Unmarshal(assetsRaw, &assets); err != nil {
		t.Fatalf("label 721 assets: %v", err)
	}
	out := map[string][]byte{}
	for k, v := range assets {
		out[string(k)] = v
	}
	return out, len(top)
}

// TestCreateRoleTokenMetadata: a Create minting two roles, one with full
// CIP-25 metadata, builds a transaction whose label 721 holds exactly the
// bytes the Runtime's encodeRoleTokenMetadata gives (computed by hand
// below) for that role and nothing for the other; the devnet ledger
// accepts it. Metadata the ledger would refuse is refused at Create.
func TestCreateRoleTokenMetadata(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	png := ptx.MediaType("image/png")
	desc := "Role"
	image := "https://example.com/" + strings.Repeat("a", 50) + ".png" // 74 characters
	full := ptx.RoleTokenMetadata{
		Name: "Buyer", Image: mustURI(t, image), MediaType: &png, Description: &desc,
		Files: []ptx.NFTMetadataFile{
			{Name: "front", MediaType: "image/png", Src: mustURI(t, "ipfs://Qm1")},
			{Name: "back", MediaType: "text/plain;charset=utf-8", Src: mustURI(t, "https://x.io/b"),
				AdditionalProperties: map[string]types.Metadata{"size": types.MetadataNumber{Value: big.NewInt(42)}}},
		},
		AdditionalProperties: map[string]types.Metadata{
			"website": types.MetadataText("https://x.io"),
			"amount":  types.MetadataNumber{Value: big.NewInt(-1000)},
			"tags":    types.MetadataList{types.MetadataText("a"), types.MetadataBytes{0x01}},
		},
	}
	want := strings.Join([]string{
		"a8", // 8 entries, in the Runtime's order
		"64" + asciiHex("name"), "65" + asciiHex("Buyer"),
		// image: always a list of 64-character chunks (74 = 64 + 10)
		"65" + asciiHex("image"), "82",
		"7840" + asciiHex(image[:64]),
		"6a" + asciiHex(image[64:]),
		"69" + asciiHex("mediaType"), "69" + asciiHex("image/png"),
		// description: a one-chunk list even when short
		"6b" + asciiHex("description"), "81", "64" + asciiHex("Role"),
		// two files: a list of maps
		"65" + asciiHex("files"), "82",
		"a3",
		"64" + asciiHex("name"), "65" + asciiHex("front"),
		"69" + asciiHex("mediaType"), "69" + asciiHex("image/png"),
		"63" + asciiHex("src"), "81", "6a" + asciiHex("ipfs://Qm1"),
		"a4",
		"64" + asciiHex("name"), "64" + asciiHex("back"),
		"69" + asciiHex("mediaType"), "7818" + asciiHex("text/plain;charset=utf-8"),
		"63" + asciiHex("src"), "81", "6e" + asciiHex("https://x.io/b"),
		"64" + asciiHex("size"), "182a",
		// additional properties last, keys ascending
		"66" + asciiHex("amount"), "3903e7",
		"64" + asciiHex("tags"), "82", "6161", "4101",
		"67" + asciiHex("website"), "6c" + asciiHex("https://x.io"),
	}, "")

	buyer := core.RolePartyOf("Buyer")
	t1 := big.NewInt(time.Now().Add(time.Hour).UnixMilli())
	contract := core.When{Cases: []core.Case{{Action: core.Deposit{Into: buyer, From: core.RolePartyOf("Seller"), Token: core.Ada,
		Amount: core.Constant{N: big.NewInt(5_000_000)}}, Then: core.Close{}}}, Timeout: t1, Continuation: core.Close{}}
	create := func(mint ptx.Mint) ptx.Create {
		return ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0), Accounts: map[ptx.Account]types.Assets{},
			RoleTokens: ptx.RoleTokensMint{Mint: mint}, Contract: binary.Either[core.Contract, types.DatumHash]{Left: contract}}
	}
	to0 := map[ptx.Destination]*big.Int{{Kind: ptx.ToAddress, Address: types.Address(r.wallets[0].Address)}: big.NewInt(1)}

	fullCopy := full
	cc, cerr, err := r.txjob(t).Create(ctx, create(ptx.Mint{
		"Buyer":  {Metadata: &fullCopy, Recipients: to0},
		"Seller": {Recipients: to0},
	}))
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	roles, _ := label721(t, cc.TxBody, cc.RolesCurrency)
	if len(roles) != 1 {
		t.Fatalf("label 721 has %d role entries, want only Buyer's", len(roles))
	}
	if got := hex.EncodeToString(roles["Buyer"]); got != want {
		t.Fatalf("Buyer metadata\n got %s\nwant %s", got, want)
	}
	// The same map decodes back to the fields asked for.
	var dec map[string]any
	if err := cbor.Unmarshal(roles["Buyer"], &dec); err != nil {
		t.Fatal(err)
	}
	if dec["name"] != "Buyer" || dec["mediaType"] != "image/png" || dec["website"] != "https://x.io" {
		t.Fatalf("decoded metadata %v", dec)
	}
	r.submit(t, cc.TxBody, r.wallets[0].Key)

	// One file is written bare, not as a list; no description, no
	// media type, no files: the keys are simply absent.
	one := ptx.RoleTokenMetadata{Name: "B", Image: mustURI(t, "ipfs://Qm1"),
		Files: []ptx.NFTMetadataFile{{Name: "f", MediaType: "image/png", Src: mustURI(t, "ipfs://Qm1")}}}
	bare := ptx.RoleTokenMetadata{Name: "B", Image: mustURI(t, "ipfs://Qm1")}
	for _, tc := range []struct {
		name string
		md   ptx.RoleTokenMetadata
		want string
	}{
		{"one file", one, "a3" + "64" + asciiHex("name") + "61" + asciiHex("B") +
			"65" + asciiHex("image") + "81" + "6a" + asciiHex("ipfs://Qm1") +
			"65" + asciiHex("files") + "a3" + "64" + asciiHex("name") + "61" + asciiHex("f") +
			"69" + asciiHex("mediaType") + "69" + asciiHex("image/png") +
			"63" + asciiHex("src") + "81" + "6a" + asciiHex("ipfs://Qm1")},
		{"minimal", bare, "a2" + "64" + asciiHex("name") + "61" + asciiHex("B") +
			"65" + asciiHex("image") + "81" + "6a" + asciiHex("ipfs://Qm1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := tc.md
			cc, cerr, err := r.txjob(t).Create(ctx, create(ptx.Mint{
				"Buyer": {Metadata: &md, Recipients: to0}, "Seller": {Recipients: to0}}))
			if err != nil || cerr != nil {
				t.Fatalf("create: %v %#v", err, cerr)
			}
			roles, _ := label721(t, cc.TxBody, cc.RolesCurrency)
			if got := hex.EncodeToString(roles["Buyer"]); got != tc.want || len(roles) != 1 {
				t.Fatalf("Buyer metadata (%d roles)\n got %s\nwant %s", len(roles), got, tc.want)
			}
		})
	}

	// Metadata the ledger (or cardano-api, for the Runtime) refuses.
	e := strings.Repeat("é", 20) // 20 characters, 40 bytes
	tooBig := new(big.Int).Lsh(big.NewInt(1), 64)
	for _, tc := range []struct {
		name string
		md   ptx.RoleTokenMetadata
		msg  string
	}{
		{"long name", ptx.RoleTokenMetadata{Name: strings.Repeat("n", 65), Image: mustURI(t, "ipfs://Qm1")}, "65 bytes"},
		// 64 characters make a chunk: 20 two-byte ones and 44 ASCII are 84
		// bytes, over the ledger's 64.
		{"multi-byte chunk", ptx.RoleTokenMetadata{Name: "B", Image: mustURI(t, "ipfs://Qm1"),
			Description: ptr(e + strings.Repeat("a", 50))}, "84 bytes"},
		{"integer range", ptx.RoleTokenMetadata{Name: "B", Image: mustURI(t, "ipfs://Qm1"),
			AdditionalProperties: map[string]types.Metadata{"n": types.MetadataNumber{Value: tooBig}}}, "above 2^64-1"},
		{"reserved property", ptx.RoleTokenMetadata{Name: "B", Image: mustURI(t, "ipfs://Qm1"),
			AdditionalProperties: map[string]types.Metadata{"name": types.MetadataText("x")}}, `"name"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := tc.md
			_, cerr, err := r.txjob(t).Create(ctx, create(ptx.Mint{"Buyer": {Metadata: &md, Recipients: to0}}))
			ce, ok := cerr.(ptx.CreateConstraintError)
			if err != nil || !ok {
				t.Fatalf("create: %v %#v", err, cerr)
			}
			be, ok := ce.Err.(ptx.BalancingError)
			if !ok || !strings.Contains(be.Message, tc.msg) || !strings.Contains(be.Message, `role "Buyer"`) {
				t.Fatalf("error %#v, want one naming %s", ce.Err, tc.msg)
			}
		})
	}
	if q := r.d.Devnet().Ledger().Queued(); q != 0 {
		t.Fatalf("%d transaction(s) queued", q)
	}
}

func ptr[T any](v T) *T { return &v }
