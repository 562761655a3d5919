package txjob

import (
	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// The results of MarloweTxCommand (wire-protocol.md §4.5 "Results"). Each
// of the four transaction-building results starts with the era of its
// transaction (BabbageEraOnwards byte) and ends with, or contains, TxBody:
// the CBOR of the unsigned transaction, kept as raw bytes. In cardano-api
// 9.2 that is a whole ledger transaction with an empty witness set, not a
// bare body (§4.5); the codec checks only that it is one well-formed CBOR
// item. Submit's result is the types.BlockHeader of the block holding the
// transaction.

// ContractCreated is the result of Create.
type ContractCreated struct {
	Era                  types.BabbageEraOnwards
	ContractId           types.ContractId
	RolesCurrency        types.PolicyId
	Metadata             types.MarloweTransactionMetadata
	MarloweScriptHash    types.ScriptHash
	MarloweScriptAddress types.Address
	PayoutScriptHash     types.ScriptHash
	PayoutScriptAddress  types.Address
	// Datum is the Plutus Data of the contract's initial MarloweData (§5.7);
	// it must parse as MarloweData.
	Datum        data.PlutusData
	Assets       types.Assets
	TxBody       []byte
	SafetyErrors []SafetyError
}

// InputsApplied is the result of ApplyInputs.
type InputsApplied struct {
	Era        types.BabbageEraOnwards
	ContractId types.ContractId
	Metadata   types.MarloweTransactionMetadata
	// Input and Output.ScriptOutput carry datums that must parse as
	// MarloweData, as the Haskell decoder requires.
	Input            types.TransactionScriptOutput
	Output           types.TransactionOutput
	InvalidBefore    types.UTCTime
	InvalidHereafter types.UTCTime
	// Inputs is the runtime Plutus Data of the applied `[Input]` (see
	// InputsToData).
	Inputs       data.PlutusData
	TxBody       []byte
	SafetyErrors []SafetyError
}

// WithdrawTx is the result of Withdraw.
type WithdrawTx struct {
	Era types.BabbageEraOnwards
	// Inputs are the payouts the transaction spends.
	Inputs map[types.TxOutRef]types.Payout
	TxBody []byte
}

// BurnRoleTokensTx is the result of BurnRoleTokens.
type BurnRoleTokensTx struct {
	Era          types.BabbageEraOnwards
	BurnedTokens types.Tokens
	TxBody       []byte
}

// EncodeContractCreated appends a ContractCreated.
func EncodeContractCreated(e *binary.Encoder, x ContractCreated) {
	types.EncodeBabbageEraOnwards(e, x.Era)
	types.EncodeContractId(e, x.ContractId)
	types.EncodePolicyId(e, x.RolesCurrency)
	types.EncodeMarloweTransactionMetadata(e, x.Metadata)
	types.EncodeScriptHash(e, x.MarloweScriptHash)
	types.EncodeAddress(e, x.MarloweScriptAddress)
	types.EncodeScriptHash(e, x.PayoutScriptHash)
	types.EncodeAddress(e, x.PayoutScriptAddress)
	encodeMarloweDatum(e, "ContractCreated.datum", x.Datum)
	types.EncodeAssets(e, x.Assets)
	encodeCBORBytes(e, "ContractCreated.txBody", x.TxBody)
	binary.EncodeList(e, x.SafetyErrors, EncodeSafetyError)
}

// DecodeContractCreated reads a ContractCreated.
func DecodeContractCreated(d *binary.Decoder) (ContractCreated, error) {
	var x ContractCreated
	var err error
	if x.Era, err = types.DecodeBabbageEraOnwards(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.era")
	}
	if x.ContractId, err = types.DecodeContractId(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.contractId")
	}
	if x.RolesCurrency, err = types.DecodePolicyId(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.rolesCurrency")
	}
	if x.Metadata, err = types.DecodeMarloweTransactionMetadata(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.metadata")
	}
	if x.MarloweScriptHash, err = types.DecodeScriptHash(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.marloweScriptHash")
	}
	if x.MarloweScriptAddress, err = types.DecodeAddress(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.marloweScriptAddress")
	}
	if x.PayoutScriptHash, err = types.DecodeScriptHash(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.payoutScriptHash")
	}
	if x.PayoutScriptAddress, err = types.DecodeAddress(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.payoutScriptAddress")
	}
	if x.Datum, err = decodeMarloweDatum(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.datum")
	}
	if x.Assets, err = types.DecodeAssets(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.assets")
	}
	if x.TxBody, err = decodeCBORBytes(d); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.txBody")
	}
	if x.SafetyErrors, err = binary.DecodeList(d, DecodeSafetyError); err != nil {
		return x, binary.Wrap(err, "decode ContractCreated.safetyErrors")
	}
	return x, nil
}

// EncodeInputsApplied appends an InputsApplied.
func EncodeInputsApplied(e *binary.Encoder, x InputsApplied) {
	types.EncodeBabbageEraOnwards(e, x.Era)
	types.EncodeContractId(e, x.ContractId)
	types.EncodeMarloweTransactionMetadata(e, x.Metadata)
	checkScriptOutput(e, "InputsApplied.input", &x.Input)
	checkScriptOutput(e, "InputsApplied.output.scriptOutput", x.Output.ScriptOutput)
	types.EncodeTransactionScriptOutput(e, x.Input)
	types.EncodeTransactionOutput(e, x.Output)
	types.EncodeUTCTime(e, x.InvalidBefore)
	types.EncodeUTCTime(e, x.InvalidHereafter)
	encodeInputsDatum(e, "InputsApplied.inputs", x.Inputs)
	encodeCBORBytes(e, "InputsApplied.txBody", x.TxBody)
	binary.EncodeList(e, x.SafetyErrors, EncodeSafetyError)
}

// DecodeInputsApplied reads an InputsApplied.
func DecodeInputsApplied(d *binary.Decoder) (InputsApplied, error) {
	var x InputsApplied
	var err error
	if x.Era, err = types.DecodeBabbageEraOnwards(d); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.era")
	}
	if x.ContractId, err = types.DecodeContractId(d); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.contractId")
	}
	if x.Metadata, err = types.DecodeMarloweTransactionMetadata(d); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.metadata")
	}
	at := d.Offset()
	if x.Input, err = types.DecodeTransactionScriptOutput(d); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.input")
	}
	if err := marloweDatumError(d, at, &x.Input); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.input")
	}
	at = d.Offset()
	if x.Output, err = types.DecodeTransactionOutput(d); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.output")
	}
	if err := marloweDatumError(d, at, x.Output.ScriptOutput); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.output.scriptOutput")
	}
	if x.InvalidBefore, err = types.DecodeUTCTime(d); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.invalidBefore")
	}
	if x.InvalidHereafter, err = types.DecodeUTCTime(d); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.invalidHereafter")
	}
	if x.Inputs, err = decodeInputsDatum(d); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.inputs")
	}
	if x.TxBody, err = decodeCBORBytes(d); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.txBody")
	}
	if x.SafetyErrors, err = binary.DecodeList(d, DecodeSafetyError); err != nil {
		return x, binary.Wrap(err, "decode InputsApplied.safetyErrors")
	}
	return x, nil
}

// checkScriptOutput records an encoding error when the datum of script
// output o (if any) is not MarloweData: the Haskell decoder of
// TransactionScriptOutput fails on it ("failed to decode datum").
func checkScriptOutput(e *binary.Encoder, field string, o *types.TransactionScriptOutput) {
	if o == nil {
		return
	}
	if _, err := core.FromData[core.MarloweData](o.Datum); err != nil {
		e.Failf("encode %s.datum: not MarloweData: %v", field, err)
	}
}

// marloweDatumError reports, at offset at, a decoded script output whose
// datum is not MarloweData.
func marloweDatumError(d *binary.Decoder, at int, o *types.TransactionScriptOutput) error {
	if o == nil {
		return nil
	}
	if _, err := core.FromData[core.MarloweData](o.Datum); err != nil {
		return d.Errorf(at, "failed to decode datum: %v", err)
	}
	return nil
}

// EncodeWithdrawTx appends a WithdrawTx.
func EncodeWithdrawTx(e *binary.Encoder, x WithdrawTx) {
	types.EncodeBabbageEraOnwards(e, x.Era)
	binary.EncodeMap(e, x.Inputs, types.CompareTxOutRef, types.EncodeTxOutRef, types.EncodePayout)
	encodeCBORBytes(e, "WithdrawTx.txBody", x.TxBody)
}

// DecodeWithdrawTx reads a WithdrawTx.
func DecodeWithdrawTx(d *binary.Decoder) (WithdrawTx, error) {
	var x WithdrawTx
	var err error
	if x.Era, err = types.DecodeBabbageEraOnwards(d); err != nil {
		return x, binary.Wrap(err, "decode WithdrawTx.era")
	}
	if x.Inputs, err = binary.DecodeMap(d, types.CompareTxOutRef, types.DecodeTxOutRef, types.DecodePayout); err != nil {
		return x, binary.Wrap(err, "decode WithdrawTx.inputs")
	}
	if x.TxBody, err = decodeCBORBytes(d); err != nil {
		return x, binary.Wrap(err, "decode WithdrawTx.txBody")
	}
	return x, nil
}

// EncodeBurnRoleTokensTx appends a BurnRoleTokensTx.
func EncodeBurnRoleTokensTx(e *binary.Encoder, x BurnRoleTokensTx) {
	types.EncodeBabbageEraOnwards(e, x.Era)
	types.EncodeTokens(e, x.BurnedTokens)
	encodeCBORBytes(e, "BurnRoleTokensTx.txBody", x.TxBody)
}

// DecodeBurnRoleTokensTx reads a BurnRoleTokensTx.
func DecodeBurnRoleTokensTx(d *binary.Decoder) (BurnRoleTokensTx, error) {
	var x BurnRoleTokensTx
	var err error
	if x.Era, err = types.DecodeBabbageEraOnwards(d); err != nil {
		return x, binary.Wrap(err, "decode BurnRoleTokensTx.era")
	}
	if x.BurnedTokens, err = types.DecodeTokens(d); err != nil {
		return x, binary.Wrap(err, "decode BurnRoleTokensTx.burnedTokens")
	}
	if x.TxBody, err = decodeCBORBytes(d); err != nil {
		return x, binary.Wrap(err, "decode BurnRoleTokensTx.txBody")
	}
	return x, nil
}
