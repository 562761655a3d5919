package view_test

import (
	"bytes"
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// TestGoldenValues rebuilds, from the on-chain form the index keeps, the
// values of every MarloweSync golden vector of IOG's test-suite that carries
// a creation or a transaction: metadata (from each label's CBOR), assets,
// datums (from their CBOR) and transaction inputs (from the on-chain
// redeemer, whose merkleized inputs carry only a hash, plus the revealed
// continuations). Each must encode to exactly the golden bytes.
func TestGoldenValues(t *testing.T) {
	vs, err := golden.ParseFile(shared.Path(t, "protocol", "golden", "MarloweSync.golden"))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, v := range vs {
		msg := decodeSync(t, v.Binary)
		switch m := msg.(type) {
		case marlowesync.MsgContractFound:
			checkCreateStep(t, v.Line, m.CreateStep)
			counts["create"]++
		case marlowesync.MsgRollForward:
			for _, st := range m.Steps {
				if tx, ok := st.(types.Transaction); ok {
					checkTransaction(t, v.Line, tx)
					counts["transaction"]++
					for _, in := range tx.Inputs.(*data.List).Items {
						counts["inputs"]++
						if in.(*data.Constr).Tag == 1 {
							counts["merkleized"]++
						}
					}
				}
			}
		}
	}
	// §7: 397 ContractFound vectors; the RollForward vectors hold hundreds
	// of transactions, some with inputs of every kind.
	if counts["create"] != 397 || counts["transaction"] < 400 || counts["inputs"] < 10 || counts["merkleized"] == 0 {
		t.Errorf("golden coverage %v", counts)
	}
	t.Logf("checked %v", counts)
}

func decodeSync(tb testing.TB, b []byte) session.Message {
	tb.Helper()
	for _, m := range marlowesync.GoldenMachines() {
		if msg, err := session.DecodeMessage(m, b); err == nil {
			return msg
		}
	}
	tb.Fatalf("golden vector %x decodes in no state", b)
	return nil
}

func checkCreateStep(t *testing.T, line int, cs types.CreateStep) {
	t.Helper()
	checkMetadata(t, line, cs.Metadata)
	checkAssets(t, line, cs.CreateOutput.Assets)
	checkDatum(t, line, cs.CreateOutput.Datum)
}

func checkTransaction(t *testing.T, line int, tx types.Transaction) {
	t.Helper()
	checkMetadata(t, line, tx.Metadata)
	for _, p := range tx.Output.Payouts {
		checkAssets(t, line, p.Assets)
	}
	if so := tx.Output.ScriptOutput; so != nil {
		checkAssets(t, line, so.Assets)
		checkDatum(t, line, so.Datum)
	}
	redeemer, conts := onChainInputs(t, line, tx.Inputs)
	got, err := view.Inputs(redeemer, conts)
	if err != nil {
		t.Errorf("line %d: inputs: %v", line, err)
		return
	}
	if g, w := wire(t, got, types.EncodeDatum), wire(t, tx.Inputs, types.EncodeDatum); !bytes.Equal(g, w) {
		t.Errorf("line %d: inputs wire\n got %x\nwant %x", line, g, w)
	}
}

// onChainInputs splits the runtime's [Input] into what a transaction
// carries: the redeemer, whose merkleized inputs hold only the hash, and
// the continuation of each merkleized input.
func onChainInputs(t *testing.T, line int, inputs data.PlutusData) ([]byte, [][]byte) {
	t.Helper()
	list, ok := inputs.(*data.List)
	if !ok {
		t.Fatalf("line %d: inputs are %T", line, inputs)
	}
	var items []data.PlutusData
	var conts [][]byte
	for _, it := range list.Items {
		c, ok := it.(*data.Constr)
		if !ok {
			t.Fatalf("line %d: input is %T", line, it)
		}
		switch {
		case c.Tag == 0 && len(c.Fields) == 1:
			items = append(items, c)
			conts = append(conts, nil)
		case c.Tag == 1 && len(c.Fields) == 3:
			items = append(items, &data.Constr{Tag: 1, Fields: c.Fields[:2]})
			k, err := core.EncodePlutusData(c.Fields[2])
			if err != nil {
				t.Fatalf("line %d: continuation: %v", line, err)
			}
			conts = append(conts, k)
		default:
			t.Fatalf("line %d: input Constr %d with %d fields", line, c.Tag, len(c.Fields))
		}
	}
	redeemer, err := core.EncodePlutusData(&data.List{Items: items})
	if err != nil {
		t.Fatalf("line %d: redeemer: %v", line, err)
	}
	return redeemer, conts
}

func checkMetadata(t *testing.T, line int, md types.MarloweTransactionMetadata) {
	t.Helper()
	// The labels as a chain carries them: each value's CBOR, in label
	// order.
	var labels []extract.MetadataLabel
	for label, v := range md.Metadata {
		labels = append(labels, extract.MetadataLabel{Label: label, CBOR: metadataCBOR(t, v)})
	}
	slices.SortFunc(labels, func(a, b extract.MetadataLabel) int { return cmp.Compare(a.Label, b.Label) })
	got, err := view.Metadata(labels)
	if err != nil {
		t.Errorf("line %d: metadata: %v", line, err)
		return
	}
	if g, w := wire(t, got, types.EncodeMarloweTransactionMetadata), wire(t, md, types.EncodeMarloweTransactionMetadata); !bytes.Equal(g, w) {
		t.Errorf("line %d: metadata wire\n got %x\nwant %x", line, g, w)
	}
}

func checkAssets(t *testing.T, line int, a types.Assets) {
	t.Helper()
	var in []extract.Asset
	for id, q := range a.Tokens {
		in = append(in, extract.Asset{Token: core.Token{Currency: core.CurrencySymbol(id.Policy), Name: core.TokenName(id.Name)}, Quantity: q})
	}
	got, err := view.Assets(a.Ada, in)
	if err != nil {
		t.Errorf("line %d: assets: %v", line, err)
		return
	}
	if g, w := wire(t, got, types.EncodeAssets), wire(t, a, types.EncodeAssets); !bytes.Equal(g, w) {
		t.Errorf("line %d: assets wire\n got %x\nwant %x", line, g, w)
	}
}

func checkDatum(t *testing.T, line int, d data.PlutusData) {
	t.Helper()
	cbor, err := core.EncodePlutusData(d)
	if err != nil {
		t.Fatalf("line %d: datum: %v", line, err)
	}
	got, err := view.Datum(cbor)
	if err != nil {
		t.Errorf("line %d: datum: %v", line, err)
		return
	}
	if g, w := wire(t, got, types.EncodeDatum), wire(t, d, types.EncodeDatum); !bytes.Equal(g, w) {
		t.Errorf("line %d: datum wire\n got %x\nwant %x", line, g, w)
	}
}

// metadataCBOR encodes a metadatum the way a transaction carries it.
func metadataCBOR(t *testing.T, m types.Metadata) []byte {
	t.Helper()
	var b []byte
	var enc func(types.Metadata)
	enc = func(m types.Metadata) {
		switch v := m.(type) {
		case types.MetadataNumber:
			b = cborInt(b, v.Value)
		case types.MetadataBytes:
			b = cborhead.Append(b, 2, uint64(len(v)))
			b = append(b, v...)
		case types.MetadataText:
			b = cborhead.Append(b, 3, uint64(len(v)))
			b = append(b, v...)
		case types.MetadataList:
			b = cborhead.Append(b, 4, uint64(len(v)))
			for _, x := range v {
				enc(x)
			}
		case types.MetadataMap:
			b = cborhead.Append(b, 5, uint64(len(v)))
			for _, p := range v {
				enc(p.Key)
				enc(p.Value)
			}
		default:
			t.Fatalf("metadatum %T", m)
		}
	}
	enc(m)
	return b
}

// cborInt encodes an integer: a head within 64 bits, else a bignum tag.
func cborInt(b []byte, v *big.Int) []byte {
	if v.Sign() >= 0 {
		if v.IsUint64() {
			return cborhead.Append(b, 0, v.Uint64())
		}
		b = cborhead.Append(b, 6, 2)
		mag := v.Bytes()
		return append(cborhead.Append(b, 2, uint64(len(mag))), mag...)
	}
	// -1 - n encodes n.
	n := new(big.Int).Neg(v)
	n.Sub(n, big.NewInt(1))
	if n.IsUint64() {
		return cborhead.Append(b, 1, n.Uint64())
	}
	b = cborhead.Append(b, 6, 3)
	mag := n.Bytes()
	return append(cborhead.Append(b, 2, uint64(len(mag))), mag...)
}

// Guard the helper itself: a wrong encoder would make the test vacuous.
func TestMetadataCBORHelper(t *testing.T) {
	for _, tc := range []struct {
		m    types.Metadata
		want string
	}{
		{types.MetadataNumber{Value: big.NewInt(24)}, "1818"},
		{types.MetadataNumber{Value: big.NewInt(-1)}, "20"},
		{types.MetadataNumber{Value: new(big.Int).Lsh(big.NewInt(1), 64)}, "c249010000000000000000"},
		{types.MetadataList{types.MetadataText("a"), types.MetadataBytes{1}}, "82616141 01"},
	} {
		got := metadataCBOR(t, tc.m)
		if fmt.Sprintf("%x", got) != string(bytes.ReplaceAll([]byte(tc.want), []byte(" "), nil)) {
			t.Errorf("%#v: %x, want %s", tc.m, got, tc.want)
		}
		if _, err := extract.DecodeMetadatum(got); err != nil {
			t.Errorf("%#v: %v", tc.m, err)
		}
	}
}
