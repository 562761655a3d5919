package ledger

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
)

// TestSignTx: signing keeps the body, flag, aux and the other witness
// entries byte-identical, adds one valid witness per new key, skips keys
// already present, keeps a set tag, and rejects what is not a
// transaction.
func TestSignTx(t *testing.T) {
	_, k1, _ := ed25519.GenerateKey(detReader(1))
	_, k2, _ := ed25519.GenerateKey(detReader(2))
	tx := &txtest.Tx{
		Inputs:    []registry.TxOutRef{{TxID: registry.TxID{1}, Index: 0}},
		Outputs:   []txtest.Output{{Address: txtest.EnterpriseKeyAddress([28]byte{3}, txtest.Testnet), Lovelace: 5}},
		Fee:       7,
		Datums:    [][]byte{{0x01}},
		Metadata:  []txtest.Label{{Label: 674, Value: []byte{0x61, 0x78}}},
		Redeemers: []txtest.Redeemer{{Data: []byte{0x02}, Mem: 1, Steps: 2}},
	}
	unsigned, err := tx.CBOR()
	if err != nil {
		t.Fatal(err)
	}
	one, err := SignTx(unsigned, k1)
	if err != nil {
		t.Fatal(err)
	}
	two, err := SignTx(one, k1, k2)
	if err != nil {
		t.Fatal(err)
	}
	again, err := SignTx(two, k2)
	if err != nil || !bytes.Equal(again, two) {
		t.Fatalf("re-signing with a present key changed the transaction (%v)", err)
	}
	up, _ := splitTx(unsigned)
	sp, _ := splitTx(two)
	for i := range up {
		if i != 1 && !bytes.Equal(up[i], sp[i]) {
			t.Fatalf("part %d changed", i)
		}
	}
	ue, _ := mapEntries(up[1])
	se, _ := mapEntries(sp[1])
	if len(se) != len(ue)+1 || !bytes.Equal(se[1][1], ue[0][1]) || !bytes.Equal(se[2][1], ue[1][1]) {
		t.Fatal("other witness entries changed")
	}
	dec, err := conway.NewConwayTransactionFromCbor(two)
	if err != nil {
		t.Fatal(err)
	}
	h := dec.Hash()
	vk := dec.Witnesses().Vkey()
	if len(vk) != 2 {
		t.Fatalf("%d vkey witnesses", len(vk))
	}
	for _, w := range vk {
		if !ed25519.Verify(w.Vkey, h[:], w.Signature) {
			t.Fatal("signature does not verify over the body hash")
		}
	}

	// A set-tagged witness list keeps its tag.
	wit, _ := cbor.Marshal([]any{[]byte(k1.Public().(ed25519.PublicKey)), make([]byte, 64)})
	tagged := append([]byte{0xa1, 0x00, 0xd9, 0x01, 0x02, 0x81}, wit...)
	txTagged := cborhead.Append(nil, 4, 4)
	for _, p := range [][]byte{up[0], tagged, {0xf5}, {0xf6}} {
		txTagged = append(txTagged, p...)
	}
	out, err := SignTx(txTagged, k2)
	if err != nil {
		t.Fatal(err)
	}
	op, _ := splitTx(out)
	if !bytes.HasPrefix(op[1], []byte{0xa1, 0x00, 0xd9, 0x01, 0x02, 0x82}) {
		t.Fatalf("set tag lost: %x", op[1][:8])
	}

	for _, bad := range [][]byte{nil, {0x01}, {0x82, 0xa0, 0xa0}, {0x84, 0x01, 0xa0, 0xf5, 0xf6}, {0x84, 0xa0, 0x01, 0xf5, 0xf6},
		{0x84, 0xa0, 0xa1, 0x00, 0x01, 0xf5, 0xf6}, unsigned[:len(unsigned)-2]} {
		if _, err := SignTx(bad, k1); err == nil {
			t.Fatalf("signed %x", bad)
		}
	}
	if _, err := SignTx(unsigned); err == nil {
		t.Fatal("signed without keys")
	}
	if _, err := SignTx(unsigned, ed25519.PrivateKey{1, 2}); err == nil {
		t.Fatal("signed with a short key")
	}
}
