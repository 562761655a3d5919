package types

import (
	"cmp"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// SlotNo is a Cardano slot number (u64).
type SlotNo uint64

// BlockNo is a block height (u64).
type BlockNo uint64

// BlockHeaderHash is the raw block header hash (32 bytes on a real chain).
type BlockHeaderHash string

// BlockHeader identifies a block: slot, hash, height.
type BlockHeader struct {
	Slot  SlotNo
	Hash  BlockHeaderHash
	Block BlockNo
}

// ChainPoint is Haskell's `WithGenesis BlockHeader`. The zero value is
// Genesis (the point before the first block); At selects Header, which is
// otherwise ignored.
type ChainPoint struct {
	At     bool
	Header BlockHeader
}

// PointAt returns the chain point of block h.
func PointAt(h BlockHeader) ChainPoint { return ChainPoint{At: true, Header: h} }

// TxId is a raw transaction id (32 bytes on a real chain).
type TxId string

// TxIx is a transaction output index.
type TxIx uint16

// TxOutRef identifies a transaction output.
type TxOutRef struct {
	TxId TxId
	TxIx TxIx
}

// ContractId is a Marlowe contract id: the output that created it (a
// Haskell newtype over TxOutRef, so the same bytes).
type ContractId TxOutRef

// Address is a raw Cardano address (serialiseToRawBytes form: header byte
// plus credentials). It is kept as bytes: the runtime never reinterprets it.
type Address string

// Hash and script types that travel as plain ByteStrings.
type (
	// DatumHash is a raw datum hash.
	DatumHash string
	// ScriptHash is a raw script hash.
	ScriptHash string
	// PaymentKeyHash is a raw payment key hash.
	PaymentKeyHash string
	// StakeKeyHash is a raw stake key hash.
	StakeKeyHash string
	// PlutusScript is a serialised Plutus script.
	PlutusScript string
)

// StakeCredential is the chain-sync stake credential: a stake key hash or,
// when Script is set, a script hash.
type StakeCredential struct {
	Script bool
	Hash   string
}

// ---------------------------------------------------------------------------
// Codecs

// EncodeSlotNo appends a SlotNo.
func EncodeSlotNo(e *binary.Encoder, x SlotNo) { e.PutU64(uint64(x)) }

// DecodeSlotNo reads a SlotNo.
func DecodeSlotNo(d *binary.Decoder) (SlotNo, error) {
	v, err := d.U64()
	if err != nil {
		return 0, binary.Wrapf(err, "decode SlotNo")
	}
	return SlotNo(v), nil
}

// EncodeBlockNo appends a BlockNo.
func EncodeBlockNo(e *binary.Encoder, x BlockNo) { e.PutU64(uint64(x)) }

// DecodeBlockNo reads a BlockNo.
func DecodeBlockNo(d *binary.Decoder) (BlockNo, error) {
	v, err := d.U64()
	if err != nil {
		return 0, binary.Wrapf(err, "decode BlockNo")
	}
	return BlockNo(v), nil
}

// EncodeBlockHeader appends a BlockHeader.
func EncodeBlockHeader(e *binary.Encoder, x BlockHeader) {
	e.PutU64(uint64(x.Slot))
	e.PutBytesString(string(x.Hash))
	e.PutU64(uint64(x.Block))
}

// DecodeBlockHeader reads a BlockHeader.
func DecodeBlockHeader(d *binary.Decoder) (BlockHeader, error) {
	var x BlockHeader
	slot, err := d.U64()
	if err != nil {
		return x, binary.Wrapf(err, "decode BlockHeader.slotNo")
	}
	hash, err := d.BytesString()
	if err != nil {
		return x, binary.Wrapf(err, "decode BlockHeader.headerHash")
	}
	block, err := d.U64()
	if err != nil {
		return x, binary.Wrapf(err, "decode BlockHeader.blockNo")
	}
	return BlockHeader{Slot: SlotNo(slot), Hash: BlockHeaderHash(hash), Block: BlockNo(block)}, nil
}

// BlockHeaderMinSize is the smallest encoding of a BlockHeader (slot, empty
// hash, block number); it bounds list counts before anything is allocated.
const BlockHeaderMinSize = 8 + 8 + 8

// DecodeBlockHeaders reads a list of BlockHeaders (a client's intersection
// points), refusing a count the remaining bytes cannot hold before
// allocating for it.
func DecodeBlockHeaders(d *binary.Decoder) ([]BlockHeader, error) {
	return binary.DecodeListMin(d, BlockHeaderMinSize, DecodeBlockHeader)
}

// CompareBlockHeader is the Haskell Ord of BlockHeader (slot, hash, block).
func CompareBlockHeader(a, b BlockHeader) int {
	return cmp.Or(cmp.Compare(a.Slot, b.Slot), cmp.Compare(a.Hash, b.Hash), cmp.Compare(a.Block, b.Block))
}

// EncodeChainPoint appends a ChainPoint: 00 Genesis | 01 BlockHeader.
func EncodeChainPoint(e *binary.Encoder, x ChainPoint) {
	if !x.At {
		e.PutTag(0)
		return
	}
	e.PutTag(1)
	EncodeBlockHeader(e, x.Header)
}

// DecodeChainPoint reads a ChainPoint.
func DecodeChainPoint(d *binary.Decoder) (ChainPoint, error) {
	t, err := d.Tag("ChainPoint", 2)
	if err != nil {
		return ChainPoint{}, binary.Wrapf(err, "decode ChainPoint")
	}
	if t == 0 {
		return ChainPoint{}, nil
	}
	h, err := DecodeBlockHeader(d)
	if err != nil {
		return ChainPoint{}, binary.Wrapf(err, "decode ChainPoint.At")
	}
	return PointAt(h), nil
}

// EncodeTxId appends a TxId.
func EncodeTxId(e *binary.Encoder, x TxId) { e.PutBytesString(string(x)) }

// DecodeTxId reads a TxId.
func DecodeTxId(d *binary.Decoder) (TxId, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode TxId")
	}
	return TxId(s), nil
}

// EncodeTxIx appends a TxIx (u16).
func EncodeTxIx(e *binary.Encoder, x TxIx) { e.PutU16(uint16(x)) }

// DecodeTxIx reads a TxIx.
func DecodeTxIx(d *binary.Decoder) (TxIx, error) {
	v, err := d.U16()
	if err != nil {
		return 0, binary.Wrapf(err, "decode TxIx")
	}
	return TxIx(v), nil
}

// EncodeTxOutRef appends a TxOutRef: TxId, TxIx.
func EncodeTxOutRef(e *binary.Encoder, x TxOutRef) {
	e.PutBytesString(string(x.TxId))
	e.PutU16(uint16(x.TxIx))
}

// DecodeTxOutRef reads a TxOutRef.
func DecodeTxOutRef(d *binary.Decoder) (TxOutRef, error) {
	id, err := d.BytesString()
	if err != nil {
		return TxOutRef{}, binary.Wrapf(err, "decode TxOutRef.txId")
	}
	ix, err := d.U16()
	if err != nil {
		return TxOutRef{}, binary.Wrapf(err, "decode TxOutRef.txIx")
	}
	return TxOutRef{TxId: TxId(id), TxIx: TxIx(ix)}, nil
}

// CompareTxOutRef is the Haskell Ord of TxOutRef: txId bytes, then txIx.
func CompareTxOutRef(a, b TxOutRef) int {
	return cmp.Or(cmp.Compare(a.TxId, b.TxId), cmp.Compare(a.TxIx, b.TxIx))
}

// EncodeContractId appends a ContractId (as its TxOutRef).
func EncodeContractId(e *binary.Encoder, x ContractId) { EncodeTxOutRef(e, TxOutRef(x)) }

// DecodeContractId reads a ContractId.
func DecodeContractId(d *binary.Decoder) (ContractId, error) {
	r, err := DecodeTxOutRef(d)
	if err != nil {
		return ContractId{}, binary.Wrapf(err, "decode ContractId")
	}
	return ContractId(r), nil
}

// CompareContractId is the Haskell Ord of ContractId (that of TxOutRef).
func CompareContractId(a, b ContractId) int { return CompareTxOutRef(TxOutRef(a), TxOutRef(b)) }

// EncodeAddress appends an Address.
func EncodeAddress(e *binary.Encoder, x Address) { e.PutBytesString(string(x)) }

// DecodeAddress reads an Address.
func DecodeAddress(d *binary.Decoder) (Address, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode Address")
	}
	return Address(s), nil
}

// EncodeDatumHash appends a DatumHash.
func EncodeDatumHash(e *binary.Encoder, x DatumHash) { e.PutBytesString(string(x)) }

// DecodeDatumHash reads a DatumHash.
func DecodeDatumHash(d *binary.Decoder) (DatumHash, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode DatumHash")
	}
	return DatumHash(s), nil
}

// EncodeScriptHash appends a ScriptHash.
func EncodeScriptHash(e *binary.Encoder, x ScriptHash) { e.PutBytesString(string(x)) }

// DecodeScriptHash reads a ScriptHash.
func DecodeScriptHash(d *binary.Decoder) (ScriptHash, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode ScriptHash")
	}
	return ScriptHash(s), nil
}

// EncodePaymentKeyHash appends a PaymentKeyHash.
func EncodePaymentKeyHash(e *binary.Encoder, x PaymentKeyHash) { e.PutBytesString(string(x)) }

// DecodePaymentKeyHash reads a PaymentKeyHash.
func DecodePaymentKeyHash(d *binary.Decoder) (PaymentKeyHash, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode PaymentKeyHash")
	}
	return PaymentKeyHash(s), nil
}

// EncodeStakeKeyHash appends a StakeKeyHash.
func EncodeStakeKeyHash(e *binary.Encoder, x StakeKeyHash) { e.PutBytesString(string(x)) }

// DecodeStakeKeyHash reads a StakeKeyHash.
func DecodeStakeKeyHash(d *binary.Decoder) (StakeKeyHash, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode StakeKeyHash")
	}
	return StakeKeyHash(s), nil
}

// EncodePlutusScript appends a PlutusScript.
func EncodePlutusScript(e *binary.Encoder, x PlutusScript) { e.PutBytesString(string(x)) }

// DecodePlutusScript reads a PlutusScript.
func DecodePlutusScript(d *binary.Decoder) (PlutusScript, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode PlutusScript")
	}
	return PlutusScript(s), nil
}

// EncodeStakeCredential appends a StakeCredential: 00 StakeKeyCredential |
// 01 StakeScriptCredential, then the hash.
func EncodeStakeCredential(e *binary.Encoder, x StakeCredential) {
	if x.Script {
		e.PutTag(1)
	} else {
		e.PutTag(0)
	}
	e.PutBytesString(x.Hash)
}

// DecodeStakeCredential reads a StakeCredential.
func DecodeStakeCredential(d *binary.Decoder) (StakeCredential, error) {
	t, err := d.Tag("StakeCredential", 2)
	if err != nil {
		return StakeCredential{}, binary.Wrapf(err, "decode StakeCredential")
	}
	h, err := d.BytesString()
	if err != nil {
		return StakeCredential{}, binary.Wrapf(err, "decode StakeCredential.hash")
	}
	return StakeCredential{Script: t == 1, Hash: h}, nil
}

// CompareStakeCredential is the Haskell Ord of StakeCredential: key
// credentials first, then by hash.
func CompareStakeCredential(a, b StakeCredential) int {
	return cmp.Or(binary.CompareBool(a.Script, b.Script), cmp.Compare(a.Hash, b.Hash))
}
