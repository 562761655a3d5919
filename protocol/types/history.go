package types

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// CreateStep is a contract's creation: its first script output, the
// creation transaction's metadata and the payout validator hash.
type CreateStep struct {
	CreateOutput        TransactionScriptOutput
	Metadata            MarloweTransactionMetadata
	PayoutValidatorHash ScriptHash
}

// RedeemStep is a payout withdrawal: the payout output, the withdrawing
// transaction and the role token of the payout.
type RedeemStep struct {
	Utxo        TxOutRef
	RedeemingTx TxId
	Datum       AssetId
}

// ContractStep is one step of a contract's history: a Transaction
// (ApplyTransaction, tag 00) or a RedeemStep (RedeemPayout, tag 01).
// Decoding yields values; encoding also accepts pointers.
type ContractStep interface{ isContractStep() }

func (Transaction) isContractStep() {}
func (RedeemStep) isContractStep()  {}

// SomeCreateStep is a CreateStep tagged with its Marlowe version.
type SomeCreateStep struct {
	Version MarloweVersion
	Step    CreateStep
}

// MarloweCreateTransaction is a transaction that created contracts, keyed by
// the output index of each new contract.
type MarloweCreateTransaction struct {
	TxId         TxId
	NewContracts map[TxIx]SomeCreateStep
}

// UnspentContractOutput is the contract output a transaction consumed.
type UnspentContractOutput struct {
	MarloweVersion      MarloweVersion
	TxOutRef            TxOutRef
	MarloweAddress      Address
	PayoutValidatorHash ScriptHash
}

// MarloweApplyInputsTransaction is a transaction that applied inputs to a
// contract.
type MarloweApplyInputsTransaction struct {
	MarloweVersion     MarloweVersion
	MarloweInput       UnspentContractOutput
	MarloweTransaction Transaction
}

// MarloweWithdrawTransaction is a transaction that withdrew payouts: the
// payout outputs it consumed, per contract (each a Set in TxOutRef order).
type MarloweWithdrawTransaction struct {
	ConsumedPayouts map[ContractId][]TxOutRef
	ConsumingTx     TxId
}

// MarloweBlock is the Marlowe activity of one block.
type MarloweBlock struct {
	BlockHeader             BlockHeader
	CreateTransactions      []MarloweCreateTransaction
	ApplyInputsTransactions []MarloweApplyInputsTransaction
	WithdrawTransactions    []MarloweWithdrawTransaction
}

// EncodeCreateStep appends a CreateStep.
func EncodeCreateStep(e *binary.Encoder, x CreateStep) {
	EncodeTransactionScriptOutput(e, x.CreateOutput)
	EncodeMarloweTransactionMetadata(e, x.Metadata)
	EncodeScriptHash(e, x.PayoutValidatorHash)
}

// DecodeCreateStep reads a CreateStep.
func DecodeCreateStep(d *binary.Decoder) (CreateStep, error) {
	var x CreateStep
	var err error
	if x.CreateOutput, err = DecodeTransactionScriptOutput(d); err != nil {
		return x, binary.Wrapf(err, "decode CreateStep.createOutput")
	}
	if x.Metadata, err = DecodeMarloweTransactionMetadata(d); err != nil {
		return x, binary.Wrapf(err, "decode CreateStep.metadata")
	}
	if x.PayoutValidatorHash, err = DecodeScriptHash(d); err != nil {
		return x, binary.Wrapf(err, "decode CreateStep.payoutValidatorHash")
	}
	return x, nil
}

// EncodeRedeemStep appends a RedeemStep.
func EncodeRedeemStep(e *binary.Encoder, x RedeemStep) {
	EncodeTxOutRef(e, x.Utxo)
	EncodeTxId(e, x.RedeemingTx)
	EncodeAssetId(e, x.Datum)
}

// DecodeRedeemStep reads a RedeemStep.
func DecodeRedeemStep(d *binary.Decoder) (RedeemStep, error) {
	var x RedeemStep
	var err error
	if x.Utxo, err = DecodeTxOutRef(d); err != nil {
		return x, binary.Wrapf(err, "decode RedeemStep.utxo")
	}
	if x.RedeemingTx, err = DecodeTxId(d); err != nil {
		return x, binary.Wrapf(err, "decode RedeemStep.redeemingTx")
	}
	if x.Datum, err = DecodeAssetId(d); err != nil {
		return x, binary.Wrapf(err, "decode RedeemStep.datum")
	}
	return x, nil
}

// EncodeContractStep appends a ContractStep.
func EncodeContractStep(e *binary.Encoder, x ContractStep) {
	switch v := x.(type) {
	case Transaction:
		e.PutTag(0)
		EncodeTransaction(e, v)
	case *Transaction:
		if v == nil {
			e.Failf("encode ContractStep: nil *Transaction")
			return
		}
		e.PutTag(0)
		EncodeTransaction(e, *v)
	case RedeemStep:
		e.PutTag(1)
		EncodeRedeemStep(e, v)
	case *RedeemStep:
		if v == nil {
			e.Failf("encode ContractStep: nil *RedeemStep")
			return
		}
		e.PutTag(1)
		EncodeRedeemStep(e, *v)
	default:
		e.Failf("encode ContractStep: unsupported value %T", x)
	}
}

// DecodeContractStep reads a ContractStep.
func DecodeContractStep(d *binary.Decoder) (ContractStep, error) {
	t, err := d.Tag("ContractStep", 2)
	if err != nil {
		return nil, binary.Wrapf(err, "decode ContractStep")
	}
	if t == 0 {
		tx, err := DecodeTransaction(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode ContractStep.ApplyTransaction")
		}
		return tx, nil
	}
	r, err := DecodeRedeemStep(d)
	if err != nil {
		return nil, binary.Wrapf(err, "decode ContractStep.RedeemPayout")
	}
	return r, nil
}

// EncodeSomeCreateStep appends a SomeCreateStep: u32 version, CreateStep.
func EncodeSomeCreateStep(e *binary.Encoder, x SomeCreateStep) {
	EncodeMarloweVersion(e, x.Version)
	EncodeCreateStep(e, x.Step)
}

// DecodeSomeCreateStep reads a SomeCreateStep.
func DecodeSomeCreateStep(d *binary.Decoder) (SomeCreateStep, error) {
	var x SomeCreateStep
	var err error
	if x.Version, err = DecodeMarloweVersion(d); err != nil {
		return x, binary.Wrapf(err, "decode SomeCreateStep.version")
	}
	if x.Step, err = DecodeCreateStep(d); err != nil {
		return x, binary.Wrapf(err, "decode SomeCreateStep.createStep")
	}
	return x, nil
}

func compareTxIx(a, b TxIx) int { return int(a) - int(b) }

// EncodeMarloweCreateTransaction appends a MarloweCreateTransaction: TxId,
// map<TxIx, SomeCreateStep>.
func EncodeMarloweCreateTransaction(e *binary.Encoder, x MarloweCreateTransaction) {
	EncodeTxId(e, x.TxId)
	binary.EncodeMap(e, x.NewContracts, compareTxIx, EncodeTxIx, EncodeSomeCreateStep)
}

// DecodeMarloweCreateTransaction reads a MarloweCreateTransaction.
func DecodeMarloweCreateTransaction(d *binary.Decoder) (MarloweCreateTransaction, error) {
	var x MarloweCreateTransaction
	var err error
	if x.TxId, err = DecodeTxId(d); err != nil {
		return x, binary.Wrapf(err, "decode MarloweCreateTransaction.txId")
	}
	if x.NewContracts, err = binary.DecodeMap(d, compareTxIx, DecodeTxIx, DecodeSomeCreateStep); err != nil {
		return x, binary.Wrapf(err, "decode MarloweCreateTransaction.newContracts")
	}
	return x, nil
}

// EncodeUnspentContractOutput appends an UnspentContractOutput.
func EncodeUnspentContractOutput(e *binary.Encoder, x UnspentContractOutput) {
	EncodeMarloweVersion(e, x.MarloweVersion)
	EncodeTxOutRef(e, x.TxOutRef)
	EncodeAddress(e, x.MarloweAddress)
	EncodeScriptHash(e, x.PayoutValidatorHash)
}

// DecodeUnspentContractOutput reads an UnspentContractOutput.
func DecodeUnspentContractOutput(d *binary.Decoder) (UnspentContractOutput, error) {
	var x UnspentContractOutput
	var err error
	if x.MarloweVersion, err = DecodeMarloweVersion(d); err != nil {
		return x, binary.Wrapf(err, "decode UnspentContractOutput.marloweVersion")
	}
	if x.TxOutRef, err = DecodeTxOutRef(d); err != nil {
		return x, binary.Wrapf(err, "decode UnspentContractOutput.txOutRef")
	}
	if x.MarloweAddress, err = DecodeAddress(d); err != nil {
		return x, binary.Wrapf(err, "decode UnspentContractOutput.marloweAddress")
	}
	if x.PayoutValidatorHash, err = DecodeScriptHash(d); err != nil {
		return x, binary.Wrapf(err, "decode UnspentContractOutput.payoutValidatorHash")
	}
	return x, nil
}

// EncodeMarloweApplyInputsTransaction appends a MarloweApplyInputsTransaction.
func EncodeMarloweApplyInputsTransaction(e *binary.Encoder, x MarloweApplyInputsTransaction) {
	EncodeMarloweVersion(e, x.MarloweVersion)
	EncodeUnspentContractOutput(e, x.MarloweInput)
	EncodeTransaction(e, x.MarloweTransaction)
}

// DecodeMarloweApplyInputsTransaction reads a MarloweApplyInputsTransaction.
func DecodeMarloweApplyInputsTransaction(d *binary.Decoder) (MarloweApplyInputsTransaction, error) {
	var x MarloweApplyInputsTransaction
	var err error
	if x.MarloweVersion, err = DecodeMarloweVersion(d); err != nil {
		return x, binary.Wrapf(err, "decode MarloweApplyInputsTransaction.marloweVersion")
	}
	if x.MarloweInput, err = DecodeUnspentContractOutput(d); err != nil {
		return x, binary.Wrapf(err, "decode MarloweApplyInputsTransaction.marloweInput")
	}
	if x.MarloweTransaction, err = DecodeTransaction(d); err != nil {
		return x, binary.Wrapf(err, "decode MarloweApplyInputsTransaction.marloweTransaction")
	}
	return x, nil
}

func encodeTxOutRefSet(e *binary.Encoder, xs []TxOutRef) {
	binary.EncodeSet(e, xs, CompareTxOutRef, EncodeTxOutRef)
}

func decodeTxOutRefSet(d *binary.Decoder) ([]TxOutRef, error) {
	return binary.DecodeSet(d, CompareTxOutRef, DecodeTxOutRef)
}

// EncodeMarloweWithdrawTransaction appends a MarloweWithdrawTransaction:
// map<ContractId, set<TxOutRef>>, TxId.
func EncodeMarloweWithdrawTransaction(e *binary.Encoder, x MarloweWithdrawTransaction) {
	binary.EncodeMap(e, x.ConsumedPayouts, CompareContractId, EncodeContractId, encodeTxOutRefSet)
	EncodeTxId(e, x.ConsumingTx)
}

// DecodeMarloweWithdrawTransaction reads a MarloweWithdrawTransaction.
func DecodeMarloweWithdrawTransaction(d *binary.Decoder) (MarloweWithdrawTransaction, error) {
	var x MarloweWithdrawTransaction
	var err error
	if x.ConsumedPayouts, err = binary.DecodeMap(d, CompareContractId, DecodeContractId, decodeTxOutRefSet); err != nil {
		return x, binary.Wrapf(err, "decode MarloweWithdrawTransaction.consumedPayouts")
	}
	if x.ConsumingTx, err = DecodeTxId(d); err != nil {
		return x, binary.Wrapf(err, "decode MarloweWithdrawTransaction.consumingTx")
	}
	return x, nil
}

// EncodeMarloweBlock appends a MarloweBlock.
func EncodeMarloweBlock(e *binary.Encoder, x MarloweBlock) {
	EncodeBlockHeader(e, x.BlockHeader)
	binary.EncodeList(e, x.CreateTransactions, EncodeMarloweCreateTransaction)
	binary.EncodeList(e, x.ApplyInputsTransactions, EncodeMarloweApplyInputsTransaction)
	binary.EncodeList(e, x.WithdrawTransactions, EncodeMarloweWithdrawTransaction)
}

// DecodeMarloweBlock reads a MarloweBlock.
func DecodeMarloweBlock(d *binary.Decoder) (MarloweBlock, error) {
	var x MarloweBlock
	var err error
	if x.BlockHeader, err = DecodeBlockHeader(d); err != nil {
		return x, binary.Wrapf(err, "decode MarloweBlock.blockHeader")
	}
	if x.CreateTransactions, err = binary.DecodeList(d, DecodeMarloweCreateTransaction); err != nil {
		return x, binary.Wrapf(err, "decode MarloweBlock.createTransactions")
	}
	if x.ApplyInputsTransactions, err = binary.DecodeList(d, DecodeMarloweApplyInputsTransaction); err != nil {
		return x, binary.Wrapf(err, "decode MarloweBlock.applyInputsTransactions")
	}
	if x.WithdrawTransactions, err = binary.DecodeList(d, DecodeMarloweWithdrawTransaction); err != nil {
		return x, binary.Wrapf(err, "decode MarloweBlock.withdrawTransactions")
	}
	return x, nil
}
