package txjob

import (
	"fmt"

	"github.com/blinklabs-io/plutigo/data"
	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// The runtime's `Inputs V1` travels as the Plutus Data of `[Input]`
// (wire-protocol.md §5.7). It is not the on-chain redeemer: a merkleized
// input carries its continuation, Constr 1 [content, B hash, contract],
// where the redeemer has only the first two fields. The Haskell decoder
// fails on data that does not parse as inputs ("failed to decode inputs")
// or as MarloweData ("failed to decode datum"), so the codecs here check
// both shapes while keeping the data itself, which re-encodes byte for byte.

// InputsToData returns the runtime Plutus Data form of ins. A merkleized
// input must carry its continuation.
func InputsToData(ins []core.Input) (data.PlutusData, error) {
	items := make([]data.PlutusData, len(ins))
	for i, in := range ins {
		c, err := core.ToData(in.Content)
		if err != nil {
			return nil, fmt.Errorf("inputs[%d].content: %w", i, err)
		}
		if !in.Merkleized {
			items[i] = data.NewConstr(0, c)
			continue
		}
		if in.Continuation == nil {
			return nil, fmt.Errorf("inputs[%d]: merkleized input without its continuation", i)
		}
		k, err := core.ToData(in.Continuation)
		if err != nil {
			return nil, fmt.Errorf("inputs[%d].continuation: %w", i, err)
		}
		items[i] = data.NewConstr(1, c, data.NewByteString(in.Hash), k)
	}
	return data.NewList(items...), nil
}

// InputsFromData reads the runtime Plutus Data form of `[Input]`.
func InputsFromData(pd data.PlutusData) ([]core.Input, error) {
	var items []data.PlutusData
	switch l := pd.(type) {
	case *data.List:
		if l == nil {
			return nil, fmt.Errorf("inputs: nil list")
		}
		items = l.Items
	case data.List:
		items = l.Items
	default:
		return nil, fmt.Errorf("inputs: expected a list, got %T", pd)
	}
	ins := make([]core.Input, len(items))
	for i, it := range items {
		tag, fs, err := constrOf(it)
		if err != nil {
			return nil, fmt.Errorf("inputs[%d]: %w", i, err)
		}
		switch {
		case tag == 0 && len(fs) == 1:
		case tag == 1 && len(fs) == 3:
		default:
			return nil, fmt.Errorf("inputs[%d]: constructor %d with %d fields is not an Input", i, tag, len(fs))
		}
		if ins[i].Content, err = core.FromData[core.InputContent](fs[0]); err != nil {
			return nil, fmt.Errorf("inputs[%d].content: %w", i, err)
		}
		if tag == 0 {
			continue
		}
		h, err := core.FromData[core.TokenName](fs[1])
		if err != nil {
			return nil, fmt.Errorf("inputs[%d].hash: %w", i, err)
		}
		ins[i].Merkleized, ins[i].Hash = true, []byte(h)
		if ins[i].Continuation, err = core.FromData[core.Contract](fs[2]); err != nil {
			return nil, fmt.Errorf("inputs[%d].continuation: %w", i, err)
		}
	}
	return ins, nil
}

func constrOf(pd data.PlutusData) (uint, []data.PlutusData, error) {
	switch c := pd.(type) {
	case *data.Constr:
		if c != nil {
			return c.Tag, c.Fields, nil
		}
	case data.Constr:
		return c.Tag, c.Fields, nil
	}
	return 0, nil, fmt.Errorf("expected a constructor, got %T", pd)
}

// encodeInputsDatum appends inputs datum pd after checking its shape.
func encodeInputsDatum(e *binary.Encoder, field string, pd data.PlutusData) {
	if _, err := InputsFromData(pd); err != nil {
		e.Failf("encode %s: %v", field, err)
	}
	types.EncodeDatum(e, pd)
}

// decodeInputsDatum reads a Datum that must be runtime inputs.
func decodeInputsDatum(d *binary.Decoder) (data.PlutusData, error) {
	at := d.Offset()
	pd, err := types.DecodeDatum(d)
	if err != nil {
		return nil, err
	}
	if _, err := InputsFromData(pd); err != nil {
		return nil, d.Errorf(at, "failed to decode inputs: %v", err)
	}
	return pd, nil
}

// encodeMarloweDatum appends datum pd after checking it is MarloweData.
func encodeMarloweDatum(e *binary.Encoder, field string, pd data.PlutusData) {
	if _, err := core.FromData[core.MarloweData](pd); err != nil {
		e.Failf("encode %s: not MarloweData: %v", field, err)
	}
	types.EncodeDatum(e, pd)
}

// decodeMarloweDatum reads a Datum that must be MarloweData.
func decodeMarloweDatum(d *binary.Decoder) (data.PlutusData, error) {
	at := d.Offset()
	pd, err := types.DecodeDatum(d)
	if err != nil {
		return nil, err
	}
	if _, err := core.FromData[core.MarloweData](pd); err != nil {
		return nil, d.Errorf(at, "failed to decode datum: %v", err)
	}
	return pd, nil
}

// ---------------------------------------------------------------------------
// Transaction CBOR

// maxCBORNesting is the deepest nesting accepted in transaction CBOR (the
// library's maximum): inline datums of deep contracts nest far beyond the
// library default of 32.
const maxCBORNesting = 65535

// cborDecMode returns the decoding mode for transaction CBOR: limits raised
// to the library maximum, since a transaction's size, not its shape, is
// what the ledger bounds.
func cborDecMode() (cbor.DecMode, error) {
	return cbor.DecOptions{
		MaxNestedLevels:  maxCBORNesting,
		MaxArrayElements: 1<<31 - 1,
		MaxMapPairs:      1<<31 - 1,
	}.DecMode()
}

// checkCBOR reports whether b is exactly one well-formed CBOR data item.
func checkCBOR(b []byte) error {
	dm, err := cborDecMode()
	if err != nil {
		return err
	}
	return dm.Wellformed(b)
}

// encodeCBORBytes appends transaction CBOR b as a ByteString.
func encodeCBORBytes(e *binary.Encoder, field string, b []byte) {
	if err := checkCBOR(b); err != nil {
		e.Failf("encode %s: not one well-formed CBOR item: %v", field, err)
	}
	e.PutBytes(b)
}

// decodeCBORBytes reads a ByteString that must hold one well-formed CBOR
// item. The Haskell decoder parses it fully as a ledger transaction; the
// structural check here keeps garbage out without duplicating the ledger.
func decodeCBORBytes(d *binary.Decoder) ([]byte, error) {
	at := d.Offset()
	b, err := d.Bytes()
	if err != nil {
		return nil, err
	}
	if err := checkCBOR(b); err != nil {
		return nil, d.Errorf(at, "not one well-formed CBOR item: %v", err)
	}
	return b, nil
}

// TxIdOf returns the id of a transaction given as the CBOR of a whole ledger
// transaction ([body, witnesses, isValid, auxiliaryData], as in Submit.Tx
// and the TxBody of results): the blake2b-256 hash of the body's bytes as
// they appear in tx.
func TxIdOf(tx []byte) (types.TxId, error) {
	dm, err := cborDecMode()
	if err != nil {
		return "", err
	}
	var parts []cbor.RawMessage
	if err := dm.Unmarshal(tx, &parts); err != nil {
		return "", fmt.Errorf("transaction id: transaction CBOR is not an array: %w", err)
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("transaction id: empty transaction array")
	}
	h := blake2b.Sum256(parts[0])
	return types.TxId(h[:]), nil
}
