package types

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// ContractHeader is the compact description of a contract creation that
// MarloweHeaderSync and contract listings deliver.
type ContractHeader struct {
	ContractId           ContractId
	RolesCurrency        PolicyId
	Metadata             MarloweTransactionMetadata
	MarloweScriptHash    ScriptHash
	MarloweScriptAddress Address
	PayoutScriptHash     ScriptHash
	MarloweVersion       MarloweVersion
	BlockHeader          BlockHeader
}

// EncodeContractHeader appends a ContractHeader.
func EncodeContractHeader(e *binary.Encoder, x ContractHeader) {
	EncodeContractId(e, x.ContractId)
	EncodePolicyId(e, x.RolesCurrency)
	EncodeMarloweTransactionMetadata(e, x.Metadata)
	EncodeScriptHash(e, x.MarloweScriptHash)
	EncodeAddress(e, x.MarloweScriptAddress)
	EncodeScriptHash(e, x.PayoutScriptHash)
	EncodeMarloweVersion(e, x.MarloweVersion)
	EncodeBlockHeader(e, x.BlockHeader)
}

// DecodeContractHeader reads a ContractHeader.
func DecodeContractHeader(d *binary.Decoder) (ContractHeader, error) {
	var x ContractHeader
	var err error
	if x.ContractId, err = DecodeContractId(d); err != nil {
		return x, binary.Wrapf(err, "decode ContractHeader.contractId")
	}
	if x.RolesCurrency, err = DecodePolicyId(d); err != nil {
		return x, binary.Wrapf(err, "decode ContractHeader.rolesCurrency")
	}
	if x.Metadata, err = DecodeMarloweTransactionMetadata(d); err != nil {
		return x, binary.Wrapf(err, "decode ContractHeader.metadata")
	}
	if x.MarloweScriptHash, err = DecodeScriptHash(d); err != nil {
		return x, binary.Wrapf(err, "decode ContractHeader.marloweScriptHash")
	}
	if x.MarloweScriptAddress, err = DecodeAddress(d); err != nil {
		return x, binary.Wrapf(err, "decode ContractHeader.marloweScriptAddress")
	}
	if x.PayoutScriptHash, err = DecodeScriptHash(d); err != nil {
		return x, binary.Wrapf(err, "decode ContractHeader.payoutScriptHash")
	}
	if x.MarloweVersion, err = DecodeMarloweVersion(d); err != nil {
		return x, binary.Wrapf(err, "decode ContractHeader.marloweVersion")
	}
	if x.BlockHeader, err = DecodeBlockHeader(d); err != nil {
		return x, binary.Wrapf(err, "decode ContractHeader.blockHeader")
	}
	return x, nil
}
