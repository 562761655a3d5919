package types

import (
	"cmp"
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// PolicyId is a raw minting policy id (28 bytes on a real chain; empty in
// some golden vectors).
type PolicyId string

// TokenName is a raw token name (bytes, not hex).
type TokenName string

// AssetId names a native asset.
type AssetId struct {
	Policy PolicyId
	Name   TokenName
}

// Tokens is a token bundle: quantity per asset (Haskell Map AssetId
// Quantity, encoded in ascending AssetId order). Quantities are Haskell
// Integers.
type Tokens map[AssetId]*big.Int

// Assets is an output's value (Haskell Assets = TxOutAssets): lovelace plus
// tokens.
type Assets struct {
	Ada    *big.Int
	Tokens Tokens
}

// EncodePolicyId appends a PolicyId.
func EncodePolicyId(e *binary.Encoder, x PolicyId) { e.PutBytesString(string(x)) }

// DecodePolicyId reads a PolicyId.
func DecodePolicyId(d *binary.Decoder) (PolicyId, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode PolicyId")
	}
	return PolicyId(s), nil
}

// EncodeTokenName appends a TokenName.
func EncodeTokenName(e *binary.Encoder, x TokenName) { e.PutBytesString(string(x)) }

// DecodeTokenName reads a TokenName.
func DecodeTokenName(d *binary.Decoder) (TokenName, error) {
	s, err := d.BytesString()
	if err != nil {
		return "", binary.Wrapf(err, "decode TokenName")
	}
	return TokenName(s), nil
}

// EncodeAssetId appends an AssetId: policy, token name.
func EncodeAssetId(e *binary.Encoder, x AssetId) {
	e.PutBytesString(string(x.Policy))
	e.PutBytesString(string(x.Name))
}

// DecodeAssetId reads an AssetId.
func DecodeAssetId(d *binary.Decoder) (AssetId, error) {
	p, err := d.BytesString()
	if err != nil {
		return AssetId{}, binary.Wrapf(err, "decode AssetId.policyId")
	}
	n, err := d.BytesString()
	if err != nil {
		return AssetId{}, binary.Wrapf(err, "decode AssetId.tokenName")
	}
	return AssetId{Policy: PolicyId(p), Name: TokenName(n)}, nil
}

// CompareAssetId is the Haskell Ord of AssetId: policy, then name.
func CompareAssetId(a, b AssetId) int {
	return cmp.Or(cmp.Compare(a.Policy, b.Policy), cmp.Compare(a.Name, b.Name))
}

// EncodeQuantity appends a Quantity (or Lovelace): a Haskell Integer.
func EncodeQuantity(e *binary.Encoder, x *big.Int) { e.PutInteger(x) }

// DecodeQuantity reads a Quantity (or Lovelace).
func DecodeQuantity(d *binary.Decoder) (*big.Int, error) {
	v, err := d.Integer()
	if err != nil {
		return nil, binary.Wrapf(err, "decode Quantity")
	}
	return v, nil
}

// EncodeTokens appends Tokens as map<AssetId, Quantity>.
func EncodeTokens(e *binary.Encoder, x Tokens) {
	binary.EncodeMap(e, x, CompareAssetId, EncodeAssetId, EncodeQuantity)
}

// DecodeTokens reads Tokens, rejecting keys out of ascending order.
func DecodeTokens(d *binary.Decoder) (Tokens, error) {
	m, err := binary.DecodeMap(d, CompareAssetId, DecodeAssetId, DecodeQuantity)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Tokens")
	}
	return m, nil
}

// EncodeAssets appends Assets: ada (Integer), tokens.
func EncodeAssets(e *binary.Encoder, x Assets) {
	e.PutInteger(x.Ada)
	EncodeTokens(e, x.Tokens)
}

// DecodeAssets reads Assets.
func DecodeAssets(d *binary.Decoder) (Assets, error) {
	ada, err := d.Integer()
	if err != nil {
		return Assets{}, binary.Wrapf(err, "decode Assets.ada")
	}
	toks, err := DecodeTokens(d)
	if err != nil {
		return Assets{}, binary.Wrapf(err, "decode Assets.tokens")
	}
	return Assets{Ada: ada, Tokens: toks}, nil
}
