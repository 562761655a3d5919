package txjob_test

import (
	"bytes"
	"context"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// builtMetadata decodes the metadata of a built transaction.
func builtMetadata(t *testing.T, tx []byte) extract.Metadata {
	t.Helper()
	var parts []cbor.RawMessage
	if err := cbor.Unmarshal(tx, &parts); err != nil || len(parts) != 4 {
		t.Fatalf("built transaction: %d parts, %v", len(parts), err)
	}
	md, err := extract.DecodeMetadata(parts[3])
	if err != nil {
		t.Fatalf("built transaction metadata: %v", err)
	}
	return md
}

// exactLabels checks that md has exactly the labels of want, each encoded
// as the independent encoder txtest.Metadatum encodes the Go value.
func exactLabels(t *testing.T, md extract.Metadata, want map[uint64]any) {
	t.Helper()
	if len(md.Labels) != len(want) {
		t.Errorf("labels %v, want %d", md.Labels, len(want))
	}
	for l, v := range want {
		w, err := txtest.Metadatum(v)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := md.Label(l)
		if !ok || !bytes.Equal(got, w) {
			t.Errorf("label %d = %x, want %x", l, got, w)
		}
	}
}

// sameMarlowe checks wire Marlowe metadata against the request's.
func sameMarlowe(t *testing.T, what string, got *types.MarloweMetadata, want types.MarloweMetadata) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no Marlowe metadata", what)
	}
	if !reflect.DeepEqual(got.Tags, want.Tags) {
		t.Errorf("%s: tags %#v, want %#v", what, got.Tags, want.Tags)
	}
	if (got.Continuations == nil) != (want.Continuations == nil) ||
		(got.Continuations != nil && *got.Continuations != *want.Continuations) {
		t.Errorf("%s: continuations %v, want %v", what, got.Continuations, want.Continuations)
	}
}

// TestMetadataThroughTxJob creates a contract with tags (with and
// without payloads), a continuations URI and a label 674 message, then
// notifies it with other tags and a message: each built transaction
// carries exactly that metadata, the devnet accepts both, and MarloweQuery
// and MarloweSync report the tags from the index.
func TestMetadataThroughTxJob(t *testing.T) {
	r := startRig(t)
	ctx := context.Background()
	cont := "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oc"
	longTag := "a-tag-" + strings.Repeat("long-", 15) // 81 bytes: chunked
	createMD := types.MarloweMetadata{
		Tags: map[string]types.Metadata{
			"lite-metadata-test": nil,
			"payload-number":     types.MetadataNumber{Value: big.NewInt(-42)},
			longTag: types.MetadataMap{
				// In canonical key order, which the independent encoder
				// of the expected bytes writes; the wire order is kept.
				{Key: types.MetadataNumber{Value: big.NewInt(1)}, Value: types.MetadataList{types.MetadataText("x")}},
				{Key: types.MetadataText("k"), Value: types.MetadataBytes{0xca, 0xfe}},
			},
		},
		Continuations: &cont,
	}
	msg := types.MetadataMap{{Key: types.MetadataText("msg"), Value: types.MetadataList{
		types.MetadataText("created by marlowe-lite"), types.MetadataText("with full metadata")}}}
	// Label 1564 here is a stale value: the Marlowe metadata replaces it.
	req := types.MarloweTransactionMetadata{Marlowe: &createMD, Metadata: types.TransactionMetadata{
		674:                        msg,
		types.MarloweMetadataLabel: types.MetadataText("stale"),
	}}
	contract := core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}},
		Timeout: big.NewInt(time.Now().Add(time.Hour).UnixMilli()), Continuation: core.Close{}}
	cc, cerr, err := r.txjob(t).Create(ctx, ptx.Create{Version: types.MarloweV1, WalletAddresses: r.wa(0),
		Accounts: map[ptx.Account]types.Assets{}, RoleTokens: ptx.RoleTokensNone{}, Metadata: req,
		Contract: binary.Either[core.Contract, types.DatumHash]{Left: contract}})
	if err != nil || cerr != nil {
		t.Fatalf("create: %v %#v", err, cerr)
	}
	md := builtMetadata(t, cc.TxBody)
	exactLabels(t, md, map[uint64]any{
		674: map[any]any{"msg": []any{"created by marlowe-lite", "with full metadata"}},
		1564: []any{2, []any{
			[]any{[]any{longTag[:64], longTag[64:]}, map[any]any{"k": []byte{0xca, 0xfe}, 1: []any{"x"}}},
			[]any{"lite-metadata-test"},
			[]any{"payload-number", -42},
		}, cont},
	})
	if md.Marlowe == nil || len(md.Marlowe.Tags) != 3 || md.Marlowe.Continuations == nil || *md.Marlowe.Continuations != cont {
		t.Fatalf("built Marlowe metadata %+v", md.Marlowe)
	}
	sameMarlowe(t, "ContractCreated", cc.Metadata.Marlowe, createMD)
	created := r.submit(t, cc.TxBody, r.wallets[0].Key)

	// MarloweQuery finds the contract by its tag, with all its metadata.
	q, qc, err := runtime.DialMarloweQuery(ctx, r.d.Addr(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer qc.Close()
	page, err := q.ContractHeaders(ctx, marlowequery.ContractFilter{Tags: []string{"lite-metadata-test"}},
		marlowequery.Range[types.ContractId]{Limit: 10, Direction: marlowequery.Descending})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ContractId != cc.ContractId {
		t.Fatalf("headers tagged lite-metadata-test: %+v, want %v", page.Items, cc.ContractId)
	}
	h := page.Items[0]
	sameMarlowe(t, "ContractHeader", h.Metadata.Marlowe, createMD)
	if !reflect.DeepEqual(h.Metadata.Metadata[674], types.Metadata(msg)) {
		t.Errorf("header label 674 %#v, want %#v", h.Metadata.Metadata[674], msg)
	}
	byLong, err := q.ContractHeaders(ctx, marlowequery.ContractFilter{Tags: []string{longTag}},
		marlowequery.Range[types.ContractId]{Limit: 10})
	if err != nil || len(byLong.Items) != 1 {
		t.Fatalf("headers by the chunked tag: %+v, %v", byLong, err)
	}
	st, err := q.ContractState(ctx, cc.ContractId)
	if err != nil || st == nil {
		t.Fatalf("contract state: %v", err)
	}
	sameMarlowe(t, "ContractState", st.State.Metadata.Marlowe, createMD)

	// Notify with other metadata; no Marlowe tags, only a raw message.
	applyReq := types.MarloweTransactionMetadata{Marlowe: &types.MarloweMetadata{
		Tags: map[string]types.Metadata{"notified": types.MetadataText("yes")}},
		Metadata: types.TransactionMetadata{674: types.MetadataMap{{Key: types.MetadataText("msg"),
			Value: types.MetadataList{types.MetadataText("notify")}}}}}
	pd, err := ptx.InputsToData([]core.Input{{Content: core.INotify{}}})
	if err != nil {
		t.Fatal(err)
	}
	ia, aerr, err := r.txjob(t).ApplyInputs(ctx, ptx.ApplyInputs{Version: types.MarloweV1, WalletAddresses: r.wa(0),
		ContractId: cc.ContractId, Inputs: pd, Metadata: applyReq})
	if err != nil || aerr != nil {
		t.Fatalf("apply: %v %#v", err, aerr)
	}
	exactLabels(t, builtMetadata(t, ia.TxBody), map[uint64]any{
		674:  map[any]any{"msg": []any{"notify"}},
		1564: []any{2, []any{[]any{"notified", "yes"}}},
	})
	applied := r.submit(t, ia.TxBody, r.wallets[0].Key)

	// MarloweSync: the creation and the notification with their tags.
	ms, mc, err := runtime.DialMarloweSync(ctx, r.d.Addr(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mc.Close()
	cr, found, err := ms.FollowContract(ctx, cc.ContractId)
	if err != nil || !found || cr.Block != created {
		t.Fatalf("follow: found %v, block %+v (want %+v): %v", found, cr.Block, created, err)
	}
	sameMarlowe(t, "CreateStep", cr.Step.Metadata.Marlowe, createMD)
	n, err := ms.RequestNext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.Kind != marlowesync.NextRollForward || n.Block != applied || len(n.Steps) != 1 {
		t.Fatalf("next: %v in %+v with %d steps, want the notification in %+v", n.Kind, n.Block, len(n.Steps), applied)
	}
	tx, ok := n.Steps[0].(types.Transaction)
	if !ok {
		t.Fatalf("step %T", n.Steps[0])
	}
	sameMarlowe(t, "apply step", tx.Metadata.Marlowe, *applyReq.Marlowe)
	if _, ok := tx.Metadata.Metadata[674]; !ok {
		t.Errorf("apply step lacks label 674: %#v", tx.Metadata.Metadata)
	}
}

// TestMetadataRefusedByTxJob: metadata the ledger would reject fails the
// command with a reason instead of building a transaction.
func TestMetadataRefusedByTxJob(t *testing.T) {
	r := startRig(t)
	long := strings.Repeat("é", 33) // 66 bytes
	tests := []struct {
		name string
		md   types.MarloweTransactionMetadata
		want string
	}{
		{"long text in label 674", types.MarloweTransactionMetadata{Metadata: types.TransactionMetadata{
			674: types.MetadataList{types.MetadataText(long)}}}, "label 674"},
		{"long bytes in a tag payload", types.MarloweTransactionMetadata{Marlowe: &types.MarloweMetadata{
			Tags: map[string]types.Metadata{"t": types.MetadataBytes(bytes.Repeat([]byte{1}, 65))}}}, "byte string of 65 bytes"},
		{"long continuations", types.MarloweTransactionMetadata{Marlowe: &types.MarloweMetadata{
			Tags: map[string]types.Metadata{}, Continuations: &long}}, "continuations URI of 66 bytes"},
		{"integer out of range", types.MarloweTransactionMetadata{Metadata: types.TransactionMetadata{
			1: types.MetadataNumber{Value: new(big.Int).Lsh(big.NewInt(1), 64)}}}, "above 2^64-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, cerr, err := r.txjob(t).Create(context.Background(), ptx.Create{Version: types.MarloweV1,
				WalletAddresses: r.wa(0), Accounts: map[ptx.Account]types.Assets{}, RoleTokens: ptx.RoleTokensNone{},
				Metadata: tc.md, Contract: binary.Either[core.Contract, types.DatumHash]{Left: core.Close{}}})
			if err != nil {
				t.Fatal(err)
			}
			ce, ok := cerr.(ptx.CreateConstraintError)
			if !ok {
				t.Fatalf("error %#v, want a constraint error", cerr)
			}
			be, ok := ce.Err.(ptx.BalancingError)
			if !ok || !strings.Contains(be.Message, tc.want) {
				t.Fatalf("error %#v, want a message mentioning %q", ce.Err, tc.want)
			}
		})
	}
}
