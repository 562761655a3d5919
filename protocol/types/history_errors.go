package types

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// ExtractCreationError says why a transaction could not be read as a
// contract creation (all constructors nullary: one byte).
type ExtractCreationError uint8

// The ExtractCreationError constructors in wire order.
const (
	TxIxNotFound ExtractCreationError = iota
	ByronAddress
	NonScriptAddress
	InvalidScriptHash
	NoCreateDatum
	InvalidCreateDatum
	NotCreationTransaction
)

// numExtractCreationErrors is the constructor count.
const numExtractCreationErrors = int(NotCreationTransaction) + 1

func (x ExtractCreationError) String() string {
	switch x {
	case TxIxNotFound:
		return "TxIxNotFound"
	case ByronAddress:
		return "ByronAddress"
	case NonScriptAddress:
		return "NonScriptAddress"
	case InvalidScriptHash:
		return "InvalidScriptHash"
	case NoCreateDatum:
		return "NoCreateDatum"
	case InvalidCreateDatum:
		return "InvalidCreateDatum"
	case NotCreationTransaction:
		return "NotCreationTransaction"
	}
	return fmt.Sprintf("ExtractCreationError(%d)", uint8(x))
}

// EncodeExtractCreationError appends an ExtractCreationError.
func EncodeExtractCreationError(e *binary.Encoder, x ExtractCreationError) {
	if int(x) >= numExtractCreationErrors {
		e.Failf("encode ExtractCreationError: invalid constructor %d", x)
	}
	e.PutTag(uint8(x))
}

// DecodeExtractCreationError reads an ExtractCreationError.
func DecodeExtractCreationError(d *binary.Decoder) (ExtractCreationError, error) {
	t, err := d.Tag("ExtractCreationError", numExtractCreationErrors)
	if err != nil {
		return 0, binary.Wrapf(err, "decode ExtractCreationError")
	}
	return ExtractCreationError(t), nil
}

// ExtractMarloweTransactionErrorKind is the constructor of an
// ExtractMarloweTransactionError.
type ExtractMarloweTransactionErrorKind uint8

// The ExtractMarloweTransactionError constructors in wire order.
const (
	TxInNotFound ExtractMarloweTransactionErrorKind = iota
	NoRedeemer
	InvalidRedeemer
	NoTransactionDatum
	InvalidTransactionDatum
	NoPayoutDatum      // carries TxOutRef
	InvalidPayoutDatum // carries TxOutRef
	InvalidValidityRange
	SlotConversionFailed
	MultipleContractInputs  // carries TxOutRefs (a Set)
	numExtractMarloweTxErrs // the constructor count, not a constructor
)

// ExtractMarloweTransactionError says why a transaction could not be read
// as a Marlowe transaction.
type ExtractMarloweTransactionError struct {
	Kind ExtractMarloweTransactionErrorKind
	// TxOutRef is set for NoPayoutDatum and InvalidPayoutDatum.
	TxOutRef TxOutRef
	// TxOutRefs is set for MultipleContractInputs.
	TxOutRefs []TxOutRef
}

// EncodeExtractMarloweTransactionError appends an
// ExtractMarloweTransactionError.
func EncodeExtractMarloweTransactionError(e *binary.Encoder, x ExtractMarloweTransactionError) {
	if x.Kind >= numExtractMarloweTxErrs {
		e.Failf("encode ExtractMarloweTransactionError: invalid constructor %d", x.Kind)
	}
	e.PutTag(uint8(x.Kind))
	switch x.Kind {
	case NoPayoutDatum, InvalidPayoutDatum:
		EncodeTxOutRef(e, x.TxOutRef)
	case MultipleContractInputs:
		encodeTxOutRefSet(e, x.TxOutRefs)
	}
}

// DecodeExtractMarloweTransactionError reads an
// ExtractMarloweTransactionError.
func DecodeExtractMarloweTransactionError(d *binary.Decoder) (ExtractMarloweTransactionError, error) {
	t, err := d.Tag("ExtractMarloweTransactionError", int(numExtractMarloweTxErrs))
	if err != nil {
		return ExtractMarloweTransactionError{}, binary.Wrapf(err, "decode ExtractMarloweTransactionError")
	}
	x := ExtractMarloweTransactionError{Kind: ExtractMarloweTransactionErrorKind(t)}
	switch x.Kind {
	case NoPayoutDatum, InvalidPayoutDatum:
		if x.TxOutRef, err = DecodeTxOutRef(d); err != nil {
			return x, binary.Wrapf(err, "decode ExtractMarloweTransactionError.txOutRef")
		}
	case MultipleContractInputs:
		if x.TxOutRefs, err = decodeTxOutRefSet(d); err != nil {
			return x, binary.Wrapf(err, "decode ExtractMarloweTransactionError.MultipleContractInputs")
		}
	}
	return x, nil
}
