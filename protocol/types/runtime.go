package types

import (
	"math/big"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

func bigInt(v int64) *big.Int { return big.NewInt(v) }

// MarloweVersion is the Marlowe language version (MarloweVersion v and
// SomeMarloweVersion), a u32 on the wire; only V1 exists.
type MarloweVersion uint32

// MarloweV1 is the only Marlowe version.
const MarloweV1 MarloweVersion = 1

// EncodeMarloweVersion appends a MarloweVersion (u32). Versions other than
// V1 have no Haskell value and record an error.
func EncodeMarloweVersion(e *binary.Encoder, x MarloweVersion) {
	if x != MarloweV1 {
		e.Failf("encode MarloweVersion: unknown version %d", x)
	}
	e.PutU32(uint32(x))
}

// DecodeMarloweVersion reads a MarloweVersion, accepting only V1.
func DecodeMarloweVersion(d *binary.Decoder) (MarloweVersion, error) {
	at := d.Offset()
	v, err := d.U32()
	if err != nil {
		return 0, binary.Wrapf(err, "decode MarloweVersion")
	}
	if MarloweVersion(v) != MarloweV1 {
		return 0, binary.Wrapf(d.Errorf(at, "invalid marlowe version bytes %08x", v), "decode MarloweVersion")
	}
	return MarloweV1, nil
}

// TransactionScriptOutput is a Marlowe script output: its address, value,
// output reference and datum. Datum is the Plutus Data of the MarloweData
// (wire-protocol.md §5.7), kept as data so it round-trips exactly; the
// Haskell decoder additionally requires it to parse as MarloweData, which is
// left to callers holding the core Plutus Data mapping.
type TransactionScriptOutput struct {
	Address Address
	Assets  Assets
	Utxo    TxOutRef
	Datum   data.PlutusData
}

// Payout is an output at the payout validator: address, value and the role
// token it pays (its datum, an AssetId on the wire).
type Payout struct {
	Address Address
	Assets  Assets
	Datum   AssetId
}

// TransactionOutput is the runtime's view of a Marlowe transaction's
// outputs: payouts by output reference and the continuing script output,
// if the contract did not close.
type TransactionOutput struct {
	Payouts      map[TxOutRef]Payout
	ScriptOutput *TransactionScriptOutput
}

// Transaction is a Marlowe transaction (runtime, V1). Inputs is the Plutus
// Data of the `[Input]` list (wire-protocol.md §5.7: a merkleized input
// carries its continuation), kept as data for exact round trips.
type Transaction struct {
	TransactionId      TxId
	ContractId         ContractId
	Metadata           MarloweTransactionMetadata
	BlockHeader        BlockHeader
	ValidityLowerBound UTCTime
	ValidityUpperBound UTCTime
	Inputs             data.PlutusData
	Output             TransactionOutput
}

// EncodeTransactionScriptOutput appends a TransactionScriptOutput.
func EncodeTransactionScriptOutput(e *binary.Encoder, x TransactionScriptOutput) {
	EncodeAddress(e, x.Address)
	EncodeAssets(e, x.Assets)
	EncodeTxOutRef(e, x.Utxo)
	EncodeDatum(e, x.Datum)
}

// DecodeTransactionScriptOutput reads a TransactionScriptOutput.
func DecodeTransactionScriptOutput(d *binary.Decoder) (TransactionScriptOutput, error) {
	var x TransactionScriptOutput
	var err error
	if x.Address, err = DecodeAddress(d); err != nil {
		return x, binary.Wrapf(err, "decode TransactionScriptOutput.address")
	}
	if x.Assets, err = DecodeAssets(d); err != nil {
		return x, binary.Wrapf(err, "decode TransactionScriptOutput.assets")
	}
	if x.Utxo, err = DecodeTxOutRef(d); err != nil {
		return x, binary.Wrapf(err, "decode TransactionScriptOutput.utxo")
	}
	if x.Datum, err = DecodeDatum(d); err != nil {
		return x, binary.Wrapf(err, "decode TransactionScriptOutput.datum")
	}
	return x, nil
}

// EncodePayout appends a Payout.
func EncodePayout(e *binary.Encoder, x Payout) {
	EncodeAddress(e, x.Address)
	EncodeAssets(e, x.Assets)
	EncodeAssetId(e, x.Datum)
}

// DecodePayout reads a Payout.
func DecodePayout(d *binary.Decoder) (Payout, error) {
	var x Payout
	var err error
	if x.Address, err = DecodeAddress(d); err != nil {
		return x, binary.Wrapf(err, "decode Payout.address")
	}
	if x.Assets, err = DecodeAssets(d); err != nil {
		return x, binary.Wrapf(err, "decode Payout.assets")
	}
	if x.Datum, err = DecodeAssetId(d); err != nil {
		return x, binary.Wrapf(err, "decode Payout.datum")
	}
	return x, nil
}

// EncodeTransactionOutput appends a runtime TransactionOutput:
// map<TxOutRef, Payout>, maybe<TransactionScriptOutput>.
func EncodeTransactionOutput(e *binary.Encoder, x TransactionOutput) {
	binary.EncodeMap(e, x.Payouts, CompareTxOutRef, EncodeTxOutRef, EncodePayout)
	binary.EncodeOptional(e, x.ScriptOutput, EncodeTransactionScriptOutput)
}

// DecodeTransactionOutput reads a runtime TransactionOutput.
func DecodeTransactionOutput(d *binary.Decoder) (TransactionOutput, error) {
	var x TransactionOutput
	var err error
	if x.Payouts, err = binary.DecodeMap(d, CompareTxOutRef, DecodeTxOutRef, DecodePayout); err != nil {
		return x, binary.Wrapf(err, "decode TransactionOutput.payouts")
	}
	if x.ScriptOutput, err = binary.DecodeOptional(d, DecodeTransactionScriptOutput); err != nil {
		return x, binary.Wrapf(err, "decode TransactionOutput.scriptOutput")
	}
	return x, nil
}

// EncodeTransaction appends a runtime Transaction.
func EncodeTransaction(e *binary.Encoder, x Transaction) {
	EncodeTxId(e, x.TransactionId)
	EncodeContractId(e, x.ContractId)
	EncodeMarloweTransactionMetadata(e, x.Metadata)
	EncodeBlockHeader(e, x.BlockHeader)
	EncodeUTCTime(e, x.ValidityLowerBound)
	EncodeUTCTime(e, x.ValidityUpperBound)
	EncodeDatum(e, x.Inputs)
	EncodeTransactionOutput(e, x.Output)
}

// DecodeTransaction reads a runtime Transaction.
func DecodeTransaction(d *binary.Decoder) (Transaction, error) {
	var x Transaction
	var err error
	if x.TransactionId, err = DecodeTxId(d); err != nil {
		return x, binary.Wrapf(err, "decode Transaction.transactionId")
	}
	if x.ContractId, err = DecodeContractId(d); err != nil {
		return x, binary.Wrapf(err, "decode Transaction.contractId")
	}
	if x.Metadata, err = DecodeMarloweTransactionMetadata(d); err != nil {
		return x, binary.Wrapf(err, "decode Transaction.metadata")
	}
	if x.BlockHeader, err = DecodeBlockHeader(d); err != nil {
		return x, binary.Wrapf(err, "decode Transaction.blockHeader")
	}
	if x.ValidityLowerBound, err = DecodeUTCTime(d); err != nil {
		return x, binary.Wrapf(err, "decode Transaction.validityLowerBound")
	}
	if x.ValidityUpperBound, err = DecodeUTCTime(d); err != nil {
		return x, binary.Wrapf(err, "decode Transaction.validityUpperBound")
	}
	if x.Inputs, err = DecodeDatum(d); err != nil {
		return x, binary.Wrapf(err, "decode Transaction.inputs")
	}
	if x.Output, err = DecodeTransactionOutput(d); err != nil {
		return x, binary.Wrapf(err, "decode Transaction.output")
	}
	return x, nil
}
