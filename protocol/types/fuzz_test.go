package types_test

import (
	"bytes"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

// goldenSeeds adds to f the encodings of single values cut out of golden
// message payloads: skip(d) positions the decoder at the first value, dec
// reads it.
func goldenSeeds[T any](f *testing.F, file, msg string, skip func(d *binary.Decoder) error, dec binary.DecodeFunc[T]) {
	vs, err := golden.ParseFile(shared.Path(f, "protocol", "golden", file+".golden"))
	if err != nil {
		f.Fatal(err)
	}
	n := 0
	for _, v := range vs {
		if v.MessageName != msg {
			continue
		}
		d := binary.NewDecoder(v.Binary)
		if err := skip(d); err != nil {
			f.Fatalf("%s line %d: %v", file, v.Line, err)
		}
		start := d.Offset()
		if _, err := dec(d); err != nil {
			continue // an empty list: nothing to cut out
		}
		f.Add(v.Binary[start:d.Offset()])
		n++
	}
	if n == 0 {
		f.Fatalf("no seeds from %s %s", file, msg)
	}
}

func skipTagAnd(fs ...func(d *binary.Decoder) error) func(d *binary.Decoder) error {
	return func(d *binary.Decoder) error {
		if _, err := d.U8(); err != nil {
			return err
		}
		for _, f := range fs {
			if err := f(d); err != nil {
				return err
			}
		}
		return nil
	}
}

func skipBlockHeader(d *binary.Decoder) error { _, err := types.DecodeBlockHeader(d); return err }
func skipCount(d *binary.Decoder) error       { _, err := d.Len(1); return err }

// fuzzRoundTrip is the property of every fuzz target: decoding never
// panics, and a successful decode re-encodes to exactly the bytes consumed —
// unless label-1564 metadata was re-canonicalised, in which case the new
// encoding must itself decode and be a fixed point.
func fuzzRoundTrip[T any](t *testing.T, in []byte, dec binary.DecodeFunc[T], enc binary.EncodeFunc[T], metas func(T) []types.MarloweTransactionMetadata) {
	d := binary.NewDecoder(in)
	x, err := dec(d)
	if err != nil {
		return
	}
	out, err := binary.Encode(x, enc)
	if err != nil {
		t.Fatalf("re-encoding a decoded value failed: %v", err)
	}
	if bytes.Equal(out, in[:d.Offset()]) {
		return
	}
	if metas == nil || !typestest.Canonicalises(metas(x)...) {
		t.Fatalf("re-encoding differs:\n got %x\nwant %x", out, in[:d.Offset()])
	}
	y, err := binary.Decode(out, dec)
	if err != nil {
		t.Fatalf("canonical re-encoding does not decode: %v", err)
	}
	out2, err := binary.Encode(y, enc)
	if err != nil || !bytes.Equal(out2, out) {
		t.Fatalf("canonical re-encoding is not a fixed point: %v", err)
	}
}

func txMetas(tx types.Transaction) []types.MarloweTransactionMetadata {
	return []types.MarloweTransactionMetadata{tx.Metadata}
}

func blockMetas(b types.MarloweBlock) []types.MarloweTransactionMetadata {
	var ms []types.MarloweTransactionMetadata
	for _, c := range b.CreateTransactions {
		for _, s := range c.NewContracts {
			ms = append(ms, s.Step.Metadata)
		}
	}
	for _, a := range b.ApplyInputsTransactions {
		ms = append(ms, a.MarloweTransaction.Metadata)
	}
	return ms
}

func FuzzContractHeader(f *testing.F) {
	goldenSeeds(f, "MarloweHeaderSync", "MsgNewHeaders", skipTagAnd(skipBlockHeader, skipCount), types.DecodeContractHeader)
	g := typestest.New(1)
	for i := 0; i < 10; i++ {
		b, _ := binary.Encode(g.ContractHeader(), types.EncodeContractHeader)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		fuzzRoundTrip(t, in, types.DecodeContractHeader, types.EncodeContractHeader,
			func(h types.ContractHeader) []types.MarloweTransactionMetadata {
				return []types.MarloweTransactionMetadata{h.Metadata}
			})
	})
}

func FuzzMarloweBlock(f *testing.F) {
	goldenSeeds(f, "MarloweBulkSync", "MsgRollForward", skipTagAnd(skipCount), types.DecodeMarloweBlock)
	f.Fuzz(func(t *testing.T, in []byte) {
		fuzzRoundTrip(t, in, types.DecodeMarloweBlock, types.EncodeMarloweBlock, blockMetas)
	})
}

func FuzzContractStep(f *testing.F) {
	goldenSeeds(f, "MarloweSync", "MsgRollForward", skipTagAnd(skipBlockHeader, skipCount), types.DecodeContractStep)
	f.Fuzz(func(t *testing.T, in []byte) {
		fuzzRoundTrip(t, in, types.DecodeContractStep, types.EncodeContractStep,
			func(s types.ContractStep) []types.MarloweTransactionMetadata {
				if tx, ok := s.(types.Transaction); ok {
					return txMetas(tx)
				}
				return nil
			})
	})
}

func FuzzCreateStep(f *testing.F) {
	goldenSeeds(f, "MarloweSync", "MsgContractFound", skipTagAnd(skipBlockHeader, func(d *binary.Decoder) error {
		_, err := d.U32()
		return err
	}), types.DecodeCreateStep)
	f.Fuzz(func(t *testing.T, in []byte) {
		fuzzRoundTrip(t, in, types.DecodeCreateStep, types.EncodeCreateStep,
			func(s types.CreateStep) []types.MarloweTransactionMetadata {
				return []types.MarloweTransactionMetadata{s.Metadata}
			})
	})
}

// FuzzContract covers the §5.6 language codecs (Contract, Case, Action,
// Value, Observation, Party), seeded with MarloweLoad push payloads and
// random contracts.
func FuzzContract(f *testing.F) {
	vs, err := golden.ParseFile(shared.Path(f, "protocol", "golden", "MarloweLoad.golden"))
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		if len(v.Binary) > 1 {
			f.Add(v.Binary[1:])
		}
	}
	g := typestest.New(3)
	for i := 0; i < 20; i++ {
		b, _ := binary.Encode(g.Contract(4), types.EncodeContract)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		fuzzRoundTrip(t, in, types.DecodeContract, types.EncodeContract, nil)
		fuzzRoundTrip(t, in, types.DecodeAction, types.EncodeAction, nil)
		fuzzRoundTrip(t, in, types.DecodeValue, types.EncodeValue, nil)
		fuzzRoundTrip(t, in, types.DecodeCoreTransactionOutput, types.EncodeCoreTransactionOutput, nil)
	})
}
