package txjob

import (
	"math/big"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// The error types of MarloweTxCommand (wire-protocol.md §5.5). All are
// generic-derived sums: a u8 tag equal to the constructor's declaration
// index, then its fields. Each type is a Go interface with one struct per
// Haskell constructor, named after it; encoders take the value structs (not
// pointers) and record anything else as an encoding error. Strings marked
// String are Haskell Strings (character count prefix, §6.4).

// ---------------------------------------------------------------------------
// SubmitError

// SubmitError is the error of Submit.
type SubmitError interface{ isSubmitError() }

// SubmitException: submitting raised an exception (String).
type SubmitException struct{ Message string }

// SubmitFailed: the node rejected the transaction (String).
type SubmitFailed struct{ Message string }

// TxDiscarded: the transaction was dropped before reaching a block.
type TxDiscarded struct{}

func (SubmitException) isSubmitError() {}
func (SubmitFailed) isSubmitError()    {}
func (TxDiscarded) isSubmitError()     {}

// EncodeSubmitError appends a SubmitError.
func EncodeSubmitError(e *binary.Encoder, x SubmitError) {
	switch v := x.(type) {
	case SubmitException:
		e.PutTag(0)
		e.PutCharString(v.Message)
	case SubmitFailed:
		e.PutTag(1)
		e.PutCharString(v.Message)
	case TxDiscarded:
		e.PutTag(2)
	default:
		unsupported(e, "SubmitError", x)
	}
}

// DecodeSubmitError reads a SubmitError.
func DecodeSubmitError(d *binary.Decoder) (SubmitError, error) {
	t, err := d.Tag("SubmitError", 3)
	if err != nil {
		return nil, binary.Wrap(err, "decode SubmitError")
	}
	switch t {
	case 0:
		s, err := d.CharString()
		return SubmitException{Message: s}, binary.Wrap(err, "decode SubmitException")
	case 1:
		s, err := d.CharString()
		return SubmitFailed{Message: s}, binary.Wrap(err, "decode SubmitFailed")
	}
	return TxDiscarded{}, nil
}

// unsupported records an encoding error for a value that is not one of the
// sum type's constructor structs.
func unsupported(e *binary.Encoder, typ string, x any) {
	if x == nil {
		e.Failf("encode %s: nil value", typ)
		return
	}
	e.Failf("encode %s: unsupported type %T", typ, x)
}

// ---------------------------------------------------------------------------
// CoinSelectionError

// CoinSelectionError says why coin selection failed.
type CoinSelectionError interface{ isCoinSelectionError() }

// NoCollateralFound: none of these collateral outputs is usable (a Set).
type NoCollateralFound struct{ Utxos []types.TxOutRef }

// InsufficientLovelace: the wallet holds less ada than required.
type InsufficientLovelace struct{ Required, Available *big.Int }

// InsufficientTokens: the wallet lacks these tokens.
type InsufficientTokens struct{ Tokens types.Tokens }

func (NoCollateralFound) isCoinSelectionError()    {}
func (InsufficientLovelace) isCoinSelectionError() {}
func (InsufficientTokens) isCoinSelectionError()   {}

// EncodeCoinSelectionError appends a CoinSelectionError.
func EncodeCoinSelectionError(e *binary.Encoder, x CoinSelectionError) {
	switch v := x.(type) {
	case NoCollateralFound:
		e.PutTag(0)
		binary.EncodeSet(e, v.Utxos, types.CompareTxOutRef, types.EncodeTxOutRef)
	case InsufficientLovelace:
		e.PutTag(1)
		e.PutInteger(v.Required)
		e.PutInteger(v.Available)
	case InsufficientTokens:
		e.PutTag(2)
		types.EncodeTokens(e, v.Tokens)
	default:
		unsupported(e, "CoinSelectionError", x)
	}
}

// DecodeCoinSelectionError reads a CoinSelectionError.
func DecodeCoinSelectionError(d *binary.Decoder) (CoinSelectionError, error) {
	t, err := d.Tag("CoinSelectionError", 3)
	if err != nil {
		return nil, binary.Wrap(err, "decode CoinSelectionError")
	}
	switch t {
	case 0:
		s, err := binary.DecodeSet(d, types.CompareTxOutRef, types.DecodeTxOutRef)
		if err != nil {
			return nil, binary.Wrap(err, "decode NoCollateralFound")
		}
		return NoCollateralFound{Utxos: s}, nil
	case 1:
		req, err := d.Integer()
		if err != nil {
			return nil, binary.Wrap(err, "decode InsufficientLovelace.required")
		}
		avail, err := d.Integer()
		if err != nil {
			return nil, binary.Wrap(err, "decode InsufficientLovelace.available")
		}
		return InsufficientLovelace{Required: req, Available: avail}, nil
	}
	toks, err := types.DecodeTokens(d)
	if err != nil {
		return nil, binary.Wrap(err, "decode InsufficientTokens")
	}
	return InsufficientTokens{Tokens: toks}, nil
}

// ---------------------------------------------------------------------------
// ConstraintError

// ConstraintError says why the transaction constraints could not be solved.
type ConstraintError interface{ isConstraintError() }

// MintingUtxoNotFound: the output to mint role tokens from is missing.
type MintingUtxoNotFound struct{ TxOutRef types.TxOutRef }

// RoleTokenNotFound: the wallet does not hold this role token.
type RoleTokenNotFound struct{ AssetId types.AssetId }

// ToCardanoError: a value could not be converted to cardano-api.
type ToCardanoError struct{}

// MissingMarloweInput: the Marlowe script input is missing.
type MissingMarloweInput struct{}

// PayoutNotFound: the payout output is missing.
type PayoutNotFound struct{ TxOutRef types.TxOutRef }

// InvalidPayoutDatum: the payout output's datum (nil: none) is not a payout
// datum.
type InvalidPayoutDatum struct {
	TxOutRef types.TxOutRef
	Datum    data.PlutusData
}

// InvalidHelperDatum: the helper output's datum (nil: none) is invalid.
type InvalidHelperDatum struct {
	TxOutRef types.TxOutRef
	Datum    data.PlutusData
}

// InvalidPayoutScriptAddress: the payout output is at the wrong address.
type InvalidPayoutScriptAddress struct {
	TxOutRef types.TxOutRef
	Address  types.Address
}

// InvalidTokenQuantity: a token has an invalid quantity.
type InvalidTokenQuantity struct {
	AssetId  types.AssetId
	Quantity *big.Int
}

// CalculateMinUtxoFailed: the minimum ada could not be computed (String).
type CalculateMinUtxoFailed struct{ Message string }

// CoinSelectionFailed: coin selection failed.
type CoinSelectionFailed struct{ Err CoinSelectionError }

// BalancingError: the transaction could not be balanced (String).
type BalancingError struct{ Message string }

// MarloweInputInWithdraw: a withdrawal spends a Marlowe output.
type MarloweInputInWithdraw struct{}

// MarloweOutputInWithdraw: a withdrawal pays to the Marlowe script.
type MarloweOutputInWithdraw struct{}

// PayoutOutputInWithdraw: a withdrawal pays to the payout script.
type PayoutOutputInWithdraw struct{}

// PayoutInputInCreateOrApply: a create or apply spends a payout.
type PayoutInputInCreateOrApply struct{}

// UnknownPayoutScript: the payout script hash is unknown.
type UnknownPayoutScript struct{ ScriptHash types.ScriptHash }

// HelperScriptNotFound: no helper script for this role.
type HelperScriptNotFound struct{ TokenName types.TokenName }

func (MintingUtxoNotFound) isConstraintError()        {}
func (RoleTokenNotFound) isConstraintError()          {}
func (ToCardanoError) isConstraintError()             {}
func (MissingMarloweInput) isConstraintError()        {}
func (PayoutNotFound) isConstraintError()             {}
func (InvalidPayoutDatum) isConstraintError()         {}
func (InvalidHelperDatum) isConstraintError()         {}
func (InvalidPayoutScriptAddress) isConstraintError() {}
func (InvalidTokenQuantity) isConstraintError()       {}
func (CalculateMinUtxoFailed) isConstraintError()     {}
func (CoinSelectionFailed) isConstraintError()        {}
func (BalancingError) isConstraintError()             {}
func (MarloweInputInWithdraw) isConstraintError()     {}
func (MarloweOutputInWithdraw) isConstraintError()    {}
func (PayoutOutputInWithdraw) isConstraintError()     {}
func (PayoutInputInCreateOrApply) isConstraintError() {}
func (UnknownPayoutScript) isConstraintError()        {}
func (HelperScriptNotFound) isConstraintError()       {}

func encodeDatumMaybe(e *binary.Encoder, x data.PlutusData) {
	if x == nil {
		e.PutU8(0)
		return
	}
	e.PutU8(1)
	types.EncodeDatum(e, x)
}

func decodeDatumMaybe(d *binary.Decoder) (data.PlutusData, error) {
	x, _, err := binary.DecodeMaybe(d, types.DecodeDatum)
	return x, err
}

// EncodeConstraintError appends a ConstraintError.
func EncodeConstraintError(e *binary.Encoder, x ConstraintError) {
	switch v := x.(type) {
	case MintingUtxoNotFound:
		e.PutTag(0)
		types.EncodeTxOutRef(e, v.TxOutRef)
	case RoleTokenNotFound:
		e.PutTag(1)
		types.EncodeAssetId(e, v.AssetId)
	case ToCardanoError:
		e.PutTag(2)
	case MissingMarloweInput:
		e.PutTag(3)
	case PayoutNotFound:
		e.PutTag(4)
		types.EncodeTxOutRef(e, v.TxOutRef)
	case InvalidPayoutDatum:
		e.PutTag(5)
		types.EncodeTxOutRef(e, v.TxOutRef)
		encodeDatumMaybe(e, v.Datum)
	case InvalidHelperDatum:
		e.PutTag(6)
		types.EncodeTxOutRef(e, v.TxOutRef)
		encodeDatumMaybe(e, v.Datum)
	case InvalidPayoutScriptAddress:
		e.PutTag(7)
		types.EncodeTxOutRef(e, v.TxOutRef)
		types.EncodeAddress(e, v.Address)
	case InvalidTokenQuantity:
		e.PutTag(8)
		types.EncodeAssetId(e, v.AssetId)
		types.EncodeQuantity(e, v.Quantity)
	case CalculateMinUtxoFailed:
		e.PutTag(9)
		e.PutCharString(v.Message)
	case CoinSelectionFailed:
		e.PutTag(10)
		EncodeCoinSelectionError(e, v.Err)
	case BalancingError:
		e.PutTag(11)
		e.PutCharString(v.Message)
	case MarloweInputInWithdraw:
		e.PutTag(12)
	case MarloweOutputInWithdraw:
		e.PutTag(13)
	case PayoutOutputInWithdraw:
		e.PutTag(14)
	case PayoutInputInCreateOrApply:
		e.PutTag(15)
	case UnknownPayoutScript:
		e.PutTag(16)
		types.EncodeScriptHash(e, v.ScriptHash)
	case HelperScriptNotFound:
		e.PutTag(17)
		types.EncodeTokenName(e, v.TokenName)
	default:
		unsupported(e, "ConstraintError", x)
	}
}

// DecodeConstraintError reads a ConstraintError.
func DecodeConstraintError(d *binary.Decoder) (ConstraintError, error) {
	t, err := d.Tag("ConstraintError", 18)
	if err != nil {
		return nil, binary.Wrap(err, "decode ConstraintError")
	}
	switch t {
	case 0:
		r, err := types.DecodeTxOutRef(d)
		return MintingUtxoNotFound{TxOutRef: r}, binary.Wrap(err, "decode MintingUtxoNotFound")
	case 1:
		a, err := types.DecodeAssetId(d)
		return RoleTokenNotFound{AssetId: a}, binary.Wrap(err, "decode RoleTokenNotFound")
	case 2:
		return ToCardanoError{}, nil
	case 3:
		return MissingMarloweInput{}, nil
	case 4:
		r, err := types.DecodeTxOutRef(d)
		return PayoutNotFound{TxOutRef: r}, binary.Wrap(err, "decode PayoutNotFound")
	case 5, 6:
		name := "InvalidPayoutDatum"
		if t == 6 {
			name = "InvalidHelperDatum"
		}
		r, err := types.DecodeTxOutRef(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode %s.txOutRef", name)
		}
		dat, err := decodeDatumMaybe(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode %s.datum", name)
		}
		if t == 5 {
			return InvalidPayoutDatum{TxOutRef: r, Datum: dat}, nil
		}
		return InvalidHelperDatum{TxOutRef: r, Datum: dat}, nil
	case 7:
		r, err := types.DecodeTxOutRef(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode InvalidPayoutScriptAddress.txOutRef")
		}
		a, err := types.DecodeAddress(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode InvalidPayoutScriptAddress.address")
		}
		return InvalidPayoutScriptAddress{TxOutRef: r, Address: a}, nil
	case 8:
		a, err := types.DecodeAssetId(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode InvalidTokenQuantity.assetId")
		}
		q, err := types.DecodeQuantity(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode InvalidTokenQuantity.quantity")
		}
		return InvalidTokenQuantity{AssetId: a, Quantity: q}, nil
	case 9:
		s, err := d.CharString()
		return CalculateMinUtxoFailed{Message: s}, binary.Wrap(err, "decode CalculateMinUtxoFailed")
	case 10:
		c, err := DecodeCoinSelectionError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode CoinSelectionFailed")
		}
		return CoinSelectionFailed{Err: c}, nil
	case 11:
		s, err := d.CharString()
		return BalancingError{Message: s}, binary.Wrap(err, "decode BalancingError")
	case 12:
		return MarloweInputInWithdraw{}, nil
	case 13:
		return MarloweOutputInWithdraw{}, nil
	case 14:
		return PayoutOutputInWithdraw{}, nil
	case 15:
		return PayoutInputInCreateOrApply{}, nil
	case 16:
		h, err := types.DecodeScriptHash(d)
		return UnknownPayoutScript{ScriptHash: h}, binary.Wrap(err, "decode UnknownPayoutScript")
	}
	n, err := types.DecodeTokenName(d)
	return HelperScriptNotFound{TokenName: n}, binary.Wrap(err, "decode HelperScriptNotFound")
}

// ---------------------------------------------------------------------------
// LoadMarloweContextError

// LoadMarloweContextError says why the Marlowe context of a contract could
// not be loaded.
type LoadMarloweContextError interface{ isLoadMarloweContextError() }

// LoadMarloweContextErrorNotFound: the contract was not found.
type LoadMarloweContextErrorNotFound struct{}

// LoadMarloweContextErrorVersionMismatch: the contract has another Marlowe
// version.
type LoadMarloweContextErrorVersionMismatch struct{ Version types.MarloweVersion }

// LoadMarloweContextToCardanoError: a value could not be converted to
// cardano-api.
type LoadMarloweContextToCardanoError struct{}

// MarloweScriptNotPublished: no reference script for this Marlowe script.
type MarloweScriptNotPublished struct{ ScriptHash types.ScriptHash }

// PayoutScriptNotPublished: no reference script for this payout script.
type PayoutScriptNotPublished struct{ ScriptHash types.ScriptHash }

// ExtractCreationError: the creation transaction could not be read.
type ExtractCreationError struct{ Err types.ExtractCreationError }

// ExtractMarloweTransactionError: a Marlowe transaction could not be read.
type ExtractMarloweTransactionError struct {
	Err types.ExtractMarloweTransactionError
}

func (LoadMarloweContextErrorNotFound) isLoadMarloweContextError()        {}
func (LoadMarloweContextErrorVersionMismatch) isLoadMarloweContextError() {}
func (LoadMarloweContextToCardanoError) isLoadMarloweContextError()       {}
func (MarloweScriptNotPublished) isLoadMarloweContextError()              {}
func (PayoutScriptNotPublished) isLoadMarloweContextError()               {}
func (ExtractCreationError) isLoadMarloweContextError()                   {}
func (ExtractMarloweTransactionError) isLoadMarloweContextError()         {}

// EncodeLoadMarloweContextError appends a LoadMarloweContextError.
func EncodeLoadMarloweContextError(e *binary.Encoder, x LoadMarloweContextError) {
	switch v := x.(type) {
	case LoadMarloweContextErrorNotFound:
		e.PutTag(0)
	case LoadMarloweContextErrorVersionMismatch:
		e.PutTag(1)
		types.EncodeMarloweVersion(e, v.Version)
	case LoadMarloweContextToCardanoError:
		e.PutTag(2)
	case MarloweScriptNotPublished:
		e.PutTag(3)
		types.EncodeScriptHash(e, v.ScriptHash)
	case PayoutScriptNotPublished:
		e.PutTag(4)
		types.EncodeScriptHash(e, v.ScriptHash)
	case ExtractCreationError:
		e.PutTag(5)
		types.EncodeExtractCreationError(e, v.Err)
	case ExtractMarloweTransactionError:
		e.PutTag(6)
		types.EncodeExtractMarloweTransactionError(e, v.Err)
	default:
		unsupported(e, "LoadMarloweContextError", x)
	}
}

// DecodeLoadMarloweContextError reads a LoadMarloweContextError.
func DecodeLoadMarloweContextError(d *binary.Decoder) (LoadMarloweContextError, error) {
	t, err := d.Tag("LoadMarloweContextError", 7)
	if err != nil {
		return nil, binary.Wrap(err, "decode LoadMarloweContextError")
	}
	switch t {
	case 0:
		return LoadMarloweContextErrorNotFound{}, nil
	case 1:
		v, err := types.DecodeMarloweVersion(d)
		return LoadMarloweContextErrorVersionMismatch{Version: v}, binary.Wrap(err, "decode LoadMarloweContextErrorVersionMismatch")
	case 2:
		return LoadMarloweContextToCardanoError{}, nil
	case 3:
		h, err := types.DecodeScriptHash(d)
		return MarloweScriptNotPublished{ScriptHash: h}, binary.Wrap(err, "decode MarloweScriptNotPublished")
	case 4:
		h, err := types.DecodeScriptHash(d)
		return PayoutScriptNotPublished{ScriptHash: h}, binary.Wrap(err, "decode PayoutScriptNotPublished")
	case 5:
		x, err := types.DecodeExtractCreationError(d)
		return ExtractCreationError{Err: x}, binary.Wrap(err, "decode ExtractCreationError")
	}
	x, err := types.DecodeExtractMarloweTransactionError(d)
	return ExtractMarloweTransactionError{Err: x}, binary.Wrap(err, "decode ExtractMarloweTransactionError")
}

// ---------------------------------------------------------------------------
// LoadHelpersContextError

// LoadHelpersContextError says why the helper scripts' context could not be
// loaded.
type LoadHelpersContextError interface{ isLoadHelpersContextError() }

// HelperScriptNotFoundInRegistry: the helper script is not in the registry.
type HelperScriptNotFoundInRegistry struct{ Script HelperScript }

// LoadHelpersContextErrorNotFound: the contract's creation transaction was
// not found.
type LoadHelpersContextErrorNotFound struct{ TxId types.TxId }

// LoadHelpersContextErrorVersionMismatch: the contract has another Marlowe
// version.
type LoadHelpersContextErrorVersionMismatch struct{ Version types.MarloweVersion }

// ContractNotExtractedError: the creation transaction could not be read.
type ContractNotExtractedError struct{ Err types.ExtractCreationError }

// RollForwardToGenesisError: the chain rolled forward to genesis.
type RollForwardToGenesisError struct{}

// LoadHelpersContextTxOutRefNotFoundError: the output was not found.
type LoadHelpersContextTxOutRefNotFoundError struct{ TxOutRef types.TxOutRef }

func (HelperScriptNotFoundInRegistry) isLoadHelpersContextError()          {}
func (LoadHelpersContextErrorNotFound) isLoadHelpersContextError()         {}
func (LoadHelpersContextErrorVersionMismatch) isLoadHelpersContextError()  {}
func (ContractNotExtractedError) isLoadHelpersContextError()               {}
func (RollForwardToGenesisError) isLoadHelpersContextError()               {}
func (LoadHelpersContextTxOutRefNotFoundError) isLoadHelpersContextError() {}

// EncodeLoadHelpersContextError appends a LoadHelpersContextError.
func EncodeLoadHelpersContextError(e *binary.Encoder, x LoadHelpersContextError) {
	switch v := x.(type) {
	case HelperScriptNotFoundInRegistry:
		e.PutTag(0)
		EncodeHelperScript(e, v.Script)
	case LoadHelpersContextErrorNotFound:
		e.PutTag(1)
		types.EncodeTxId(e, v.TxId)
	case LoadHelpersContextErrorVersionMismatch:
		e.PutTag(2)
		types.EncodeMarloweVersion(e, v.Version)
	case ContractNotExtractedError:
		e.PutTag(3)
		types.EncodeExtractCreationError(e, v.Err)
	case RollForwardToGenesisError:
		e.PutTag(4)
	case LoadHelpersContextTxOutRefNotFoundError:
		e.PutTag(5)
		types.EncodeTxOutRef(e, v.TxOutRef)
	default:
		unsupported(e, "LoadHelpersContextError", x)
	}
}

// DecodeLoadHelpersContextError reads a LoadHelpersContextError.
func DecodeLoadHelpersContextError(d *binary.Decoder) (LoadHelpersContextError, error) {
	t, err := d.Tag("LoadHelpersContextError", 6)
	if err != nil {
		return nil, binary.Wrap(err, "decode LoadHelpersContextError")
	}
	switch t {
	case 0:
		s, err := DecodeHelperScript(d)
		return HelperScriptNotFoundInRegistry{Script: s}, err
	case 1:
		id, err := types.DecodeTxId(d)
		return LoadHelpersContextErrorNotFound{TxId: id}, binary.Wrap(err, "decode LoadHelpersContextErrorNotFound")
	case 2:
		v, err := types.DecodeMarloweVersion(d)
		return LoadHelpersContextErrorVersionMismatch{Version: v}, binary.Wrap(err, "decode LoadHelpersContextErrorVersionMismatch")
	case 3:
		x, err := types.DecodeExtractCreationError(d)
		return ContractNotExtractedError{Err: x}, binary.Wrap(err, "decode ContractNotExtractedError")
	case 4:
		return RollForwardToGenesisError{}, nil
	}
	r, err := types.DecodeTxOutRef(d)
	return LoadHelpersContextTxOutRefNotFoundError{TxOutRef: r}, binary.Wrap(err, "decode LoadHelpersContextTxOutRefNotFoundError")
}

// ---------------------------------------------------------------------------
// CreateBuildupError

// CreateBuildupError says why the Create constraints could not be built.
type CreateBuildupError interface{ isCreateBuildupError() }

// MintingUtxoSelectionFailed: no output to mint role tokens from.
type MintingUtxoSelectionFailed struct{}

// AddressesDecodingFailed: these addresses could not be decoded (a list).
type AddressesDecodingFailed struct{ Addresses []types.Address }

// InvalidInitialState: the initial state is invalid.
type InvalidInitialState struct{}

// MintingScriptDecodingFailed: the minting script could not be decoded.
type MintingScriptDecodingFailed struct{ Script types.PlutusScript }

func (MintingUtxoSelectionFailed) isCreateBuildupError()  {}
func (AddressesDecodingFailed) isCreateBuildupError()     {}
func (InvalidInitialState) isCreateBuildupError()         {}
func (MintingScriptDecodingFailed) isCreateBuildupError() {}

// EncodeCreateBuildupError appends a CreateBuildupError.
func EncodeCreateBuildupError(e *binary.Encoder, x CreateBuildupError) {
	switch v := x.(type) {
	case MintingUtxoSelectionFailed:
		e.PutTag(0)
	case AddressesDecodingFailed:
		e.PutTag(1)
		binary.EncodeList(e, v.Addresses, types.EncodeAddress)
	case InvalidInitialState:
		e.PutTag(2)
	case MintingScriptDecodingFailed:
		e.PutTag(3)
		types.EncodePlutusScript(e, v.Script)
	default:
		unsupported(e, "CreateBuildupError", x)
	}
}

// DecodeCreateBuildupError reads a CreateBuildupError.
func DecodeCreateBuildupError(d *binary.Decoder) (CreateBuildupError, error) {
	t, err := d.Tag("CreateBuildupError", 4)
	if err != nil {
		return nil, binary.Wrap(err, "decode CreateBuildupError")
	}
	switch t {
	case 0:
		return MintingUtxoSelectionFailed{}, nil
	case 1:
		as, err := binary.DecodeListMin(d, 8, types.DecodeAddress)
		if err != nil {
			return nil, binary.Wrap(err, "decode AddressesDecodingFailed")
		}
		return AddressesDecodingFailed{Addresses: as}, nil
	case 2:
		return InvalidInitialState{}, nil
	}
	s, err := types.DecodePlutusScript(d)
	return MintingScriptDecodingFailed{Script: s}, binary.Wrap(err, "decode MintingScriptDecodingFailed")
}

// ---------------------------------------------------------------------------
// ApplyInputsConstraintsBuildupError

// ApplyInputsConstraintsBuildupError says why the ApplyInputs constraints
// could not be built.
type ApplyInputsConstraintsBuildupError interface {
	isApplyInputsConstraintsBuildupError()
}

// MarloweComputeTransactionFailed: the Marlowe semantics rejected the
// inputs.
type MarloweComputeTransactionFailed struct{ Err core.TransactionError }

// InvalidMarloweState: the contract's state is invalid.
type InvalidMarloweState struct{}

// UnableToDetermineTransactionTimeout: no validity upper bound could be
// chosen.
type UnableToDetermineTransactionTimeout struct{}

func (MarloweComputeTransactionFailed) isApplyInputsConstraintsBuildupError()     {}
func (InvalidMarloweState) isApplyInputsConstraintsBuildupError()                 {}
func (UnableToDetermineTransactionTimeout) isApplyInputsConstraintsBuildupError() {}

// EncodeApplyInputsConstraintsBuildupError appends an
// ApplyInputsConstraintsBuildupError.
func EncodeApplyInputsConstraintsBuildupError(e *binary.Encoder, x ApplyInputsConstraintsBuildupError) {
	switch v := x.(type) {
	case MarloweComputeTransactionFailed:
		e.PutTag(0)
		types.EncodeCoreTransactionError(e, v.Err)
	case InvalidMarloweState:
		e.PutTag(1)
	case UnableToDetermineTransactionTimeout:
		e.PutTag(2)
	default:
		unsupported(e, "ApplyInputsConstraintsBuildupError", x)
	}
}

// DecodeApplyInputsConstraintsBuildupError reads an
// ApplyInputsConstraintsBuildupError.
func DecodeApplyInputsConstraintsBuildupError(d *binary.Decoder) (ApplyInputsConstraintsBuildupError, error) {
	t, err := d.Tag("ApplyInputsConstraintsBuildupError", 3)
	if err != nil {
		return nil, binary.Wrap(err, "decode ApplyInputsConstraintsBuildupError")
	}
	switch t {
	case 0:
		x, err := types.DecodeCoreTransactionError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode MarloweComputeTransactionFailed")
		}
		return MarloweComputeTransactionFailed{Err: x}, nil
	case 1:
		return InvalidMarloweState{}, nil
	}
	return UnableToDetermineTransactionTimeout{}, nil
}

// ---------------------------------------------------------------------------
// CreateError

// CreateError is the error of Create.
type CreateError interface{ isCreateError() }

// CreateEraUnsupported: the node's era is not supported.
type CreateEraUnsupported struct{ Era types.CardanoEra }

// CreateConstraintError: the constraints could not be solved.
type CreateConstraintError struct{ Err ConstraintError }

// CreateLoadMarloweContextFailed: the Marlowe context could not be loaded.
type CreateLoadMarloweContextFailed struct{ Err LoadMarloweContextError }

// CreateLoadHelpersContextFailed: the helpers context could not be loaded.
type CreateLoadHelpersContextFailed struct{ Err LoadHelpersContextError }

// CreateBuildupFailed: the constraints could not be built.
type CreateBuildupFailed struct{ Err CreateBuildupError }

// CreateToCardanoError: a value could not be converted to cardano-api.
type CreateToCardanoError struct{}

// CreateSafetyAnalysisFailed: the safety analysis found these errors.
type CreateSafetyAnalysisFailed struct{ Errors []SafetyError }

// CreateSafetyAnalysisError: the safety analysis itself failed (String).
type CreateSafetyAnalysisError struct{ Message string }

// CreateContractNotFound: the contract hash is not in the store.
type CreateContractNotFound struct{}

// ProtocolParamNoUTxOCostPerByte: the protocol parameters lack the UTxO
// cost per byte.
type ProtocolParamNoUTxOCostPerByte struct{}

// InsufficientMinAdaDeposit: the requested deposit is below the minimum,
// which is given.
type InsufficientMinAdaDeposit struct{ Lovelace *big.Int }

func (CreateEraUnsupported) isCreateError()           {}
func (CreateConstraintError) isCreateError()          {}
func (CreateLoadMarloweContextFailed) isCreateError() {}
func (CreateLoadHelpersContextFailed) isCreateError() {}
func (CreateBuildupFailed) isCreateError()            {}
func (CreateToCardanoError) isCreateError()           {}
func (CreateSafetyAnalysisFailed) isCreateError()     {}
func (CreateSafetyAnalysisError) isCreateError()      {}
func (CreateContractNotFound) isCreateError()         {}
func (ProtocolParamNoUTxOCostPerByte) isCreateError() {}
func (InsufficientMinAdaDeposit) isCreateError()      {}

// EncodeCreateError appends a CreateError.
func EncodeCreateError(e *binary.Encoder, x CreateError) {
	switch v := x.(type) {
	case CreateEraUnsupported:
		e.PutTag(0)
		types.EncodeCardanoEra(e, v.Era)
	case CreateConstraintError:
		e.PutTag(1)
		EncodeConstraintError(e, v.Err)
	case CreateLoadMarloweContextFailed:
		e.PutTag(2)
		EncodeLoadMarloweContextError(e, v.Err)
	case CreateLoadHelpersContextFailed:
		e.PutTag(3)
		EncodeLoadHelpersContextError(e, v.Err)
	case CreateBuildupFailed:
		e.PutTag(4)
		EncodeCreateBuildupError(e, v.Err)
	case CreateToCardanoError:
		e.PutTag(5)
	case CreateSafetyAnalysisFailed:
		e.PutTag(6)
		binary.EncodeList(e, v.Errors, EncodeSafetyError)
	case CreateSafetyAnalysisError:
		e.PutTag(7)
		e.PutCharString(v.Message)
	case CreateContractNotFound:
		e.PutTag(8)
	case ProtocolParamNoUTxOCostPerByte:
		e.PutTag(9)
	case InsufficientMinAdaDeposit:
		e.PutTag(10)
		e.PutInteger(v.Lovelace)
	default:
		unsupported(e, "CreateError", x)
	}
}

// DecodeCreateError reads a CreateError.
func DecodeCreateError(d *binary.Decoder) (CreateError, error) {
	t, err := d.Tag("CreateError", 11)
	if err != nil {
		return nil, binary.Wrap(err, "decode CreateError")
	}
	switch t {
	case 0:
		era, err := types.DecodeCardanoEra(d)
		return CreateEraUnsupported{Era: era}, binary.Wrap(err, "decode CreateEraUnsupported")
	case 1:
		x, err := DecodeConstraintError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode CreateConstraintError")
		}
		return CreateConstraintError{Err: x}, nil
	case 2:
		x, err := DecodeLoadMarloweContextError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode CreateLoadMarloweContextFailed")
		}
		return CreateLoadMarloweContextFailed{Err: x}, nil
	case 3:
		x, err := DecodeLoadHelpersContextError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode CreateLoadHelpersContextFailed")
		}
		return CreateLoadHelpersContextFailed{Err: x}, nil
	case 4:
		x, err := DecodeCreateBuildupError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode CreateBuildupFailed")
		}
		return CreateBuildupFailed{Err: x}, nil
	case 5:
		return CreateToCardanoError{}, nil
	case 6:
		xs, err := binary.DecodeList(d, DecodeSafetyError)
		if err != nil {
			return nil, binary.Wrap(err, "decode CreateSafetyAnalysisFailed")
		}
		return CreateSafetyAnalysisFailed{Errors: xs}, nil
	case 7:
		s, err := d.CharString()
		return CreateSafetyAnalysisError{Message: s}, binary.Wrap(err, "decode CreateSafetyAnalysisError")
	case 8:
		return CreateContractNotFound{}, nil
	case 9:
		return ProtocolParamNoUTxOCostPerByte{}, nil
	}
	n, err := d.Integer()
	if err != nil {
		return nil, binary.Wrap(err, "decode InsufficientMinAdaDeposit")
	}
	return InsufficientMinAdaDeposit{Lovelace: n}, nil
}

// ---------------------------------------------------------------------------
// ApplyInputsError

// ApplyInputsError is the error of ApplyInputs.
type ApplyInputsError interface{ isApplyInputsError() }

// ApplyInputsEraUnsupported: the node's era is not supported.
type ApplyInputsEraUnsupported struct{ Era types.CardanoEra }

// ApplyInputsConstraintError: the constraints could not be solved.
type ApplyInputsConstraintError struct{ Err ConstraintError }

// ApplyInputsContractContinuationNotFound: a merkleized continuation is
// missing.
type ApplyInputsContractContinuationNotFound struct{}

// ScriptOutputNotFound: the contract's script output was not found.
type ScriptOutputNotFound struct{}

// ApplyInputsLoadMarloweContextFailed: the Marlowe context could not be
// loaded.
type ApplyInputsLoadMarloweContextFailed struct{ Err LoadMarloweContextError }

// ApplyInputsLoadHelpersContextFailed: the helpers context could not be
// loaded.
type ApplyInputsLoadHelpersContextFailed struct{ Err LoadHelpersContextError }

// ApplyInputsConstraintsBuildupFailed: the constraints could not be built.
type ApplyInputsConstraintsBuildupFailed struct {
	Err ApplyInputsConstraintsBuildupError
}

// ApplyInputsSafetyAnalysisError: the safety analysis itself failed
// (String).
type ApplyInputsSafetyAnalysisError struct{ Message string }

// SlotConversionFailed: a time could not be converted to a slot (String).
type SlotConversionFailed struct{ Message string }

// TipAtGenesis: the chain has no blocks yet.
type TipAtGenesis struct{}

// ValidityLowerBoundTooHigh: the requested invalid-before slot lies after
// the tip.
type ValidityLowerBoundTooHigh struct {
	TipSlot           types.SlotNo
	InvalidBeforeSlot types.SlotNo
}

func (ApplyInputsEraUnsupported) isApplyInputsError()               {}
func (ApplyInputsConstraintError) isApplyInputsError()              {}
func (ApplyInputsContractContinuationNotFound) isApplyInputsError() {}
func (ScriptOutputNotFound) isApplyInputsError()                    {}
func (ApplyInputsLoadMarloweContextFailed) isApplyInputsError()     {}
func (ApplyInputsLoadHelpersContextFailed) isApplyInputsError()     {}
func (ApplyInputsConstraintsBuildupFailed) isApplyInputsError()     {}
func (ApplyInputsSafetyAnalysisError) isApplyInputsError()          {}
func (SlotConversionFailed) isApplyInputsError()                    {}
func (TipAtGenesis) isApplyInputsError()                            {}
func (ValidityLowerBoundTooHigh) isApplyInputsError()               {}

// EncodeApplyInputsError appends an ApplyInputsError.
func EncodeApplyInputsError(e *binary.Encoder, x ApplyInputsError) {
	switch v := x.(type) {
	case ApplyInputsEraUnsupported:
		e.PutTag(0)
		types.EncodeCardanoEra(e, v.Era)
	case ApplyInputsConstraintError:
		e.PutTag(1)
		EncodeConstraintError(e, v.Err)
	case ApplyInputsContractContinuationNotFound:
		e.PutTag(2)
	case ScriptOutputNotFound:
		e.PutTag(3)
	case ApplyInputsLoadMarloweContextFailed:
		e.PutTag(4)
		EncodeLoadMarloweContextError(e, v.Err)
	case ApplyInputsLoadHelpersContextFailed:
		e.PutTag(5)
		EncodeLoadHelpersContextError(e, v.Err)
	case ApplyInputsConstraintsBuildupFailed:
		e.PutTag(6)
		EncodeApplyInputsConstraintsBuildupError(e, v.Err)
	case ApplyInputsSafetyAnalysisError:
		e.PutTag(7)
		e.PutCharString(v.Message)
	case SlotConversionFailed:
		e.PutTag(8)
		e.PutCharString(v.Message)
	case TipAtGenesis:
		e.PutTag(9)
	case ValidityLowerBoundTooHigh:
		e.PutTag(10)
		types.EncodeSlotNo(e, v.TipSlot)
		types.EncodeSlotNo(e, v.InvalidBeforeSlot)
	default:
		unsupported(e, "ApplyInputsError", x)
	}
}

// DecodeApplyInputsError reads an ApplyInputsError.
func DecodeApplyInputsError(d *binary.Decoder) (ApplyInputsError, error) {
	t, err := d.Tag("ApplyInputsError", 11)
	if err != nil {
		return nil, binary.Wrap(err, "decode ApplyInputsError")
	}
	switch t {
	case 0:
		era, err := types.DecodeCardanoEra(d)
		return ApplyInputsEraUnsupported{Era: era}, binary.Wrap(err, "decode ApplyInputsEraUnsupported")
	case 1:
		x, err := DecodeConstraintError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ApplyInputsConstraintError")
		}
		return ApplyInputsConstraintError{Err: x}, nil
	case 2:
		return ApplyInputsContractContinuationNotFound{}, nil
	case 3:
		return ScriptOutputNotFound{}, nil
	case 4:
		x, err := DecodeLoadMarloweContextError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ApplyInputsLoadMarloweContextFailed")
		}
		return ApplyInputsLoadMarloweContextFailed{Err: x}, nil
	case 5:
		x, err := DecodeLoadHelpersContextError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ApplyInputsLoadHelpersContextFailed")
		}
		return ApplyInputsLoadHelpersContextFailed{Err: x}, nil
	case 6:
		x, err := DecodeApplyInputsConstraintsBuildupError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ApplyInputsConstraintsBuildupFailed")
		}
		return ApplyInputsConstraintsBuildupFailed{Err: x}, nil
	case 7:
		s, err := d.CharString()
		return ApplyInputsSafetyAnalysisError{Message: s}, binary.Wrap(err, "decode ApplyInputsSafetyAnalysisError")
	case 8:
		s, err := d.CharString()
		return SlotConversionFailed{Message: s}, binary.Wrap(err, "decode SlotConversionFailed")
	case 9:
		return TipAtGenesis{}, nil
	}
	tip, err := types.DecodeSlotNo(d)
	if err != nil {
		return nil, binary.Wrap(err, "decode ValidityLowerBoundTooHigh.tip")
	}
	lb, err := types.DecodeSlotNo(d)
	if err != nil {
		return nil, binary.Wrap(err, "decode ValidityLowerBoundTooHigh.invalidBefore")
	}
	return ValidityLowerBoundTooHigh{TipSlot: tip, InvalidBeforeSlot: lb}, nil
}

// ---------------------------------------------------------------------------
// WithdrawError

// WithdrawError is the error of Withdraw.
type WithdrawError interface{ isWithdrawError() }

// WithdrawEraUnsupported: the node's era is not supported.
type WithdrawEraUnsupported struct{ Era types.CardanoEra }

// WithdrawConstraintError: the constraints could not be solved.
type WithdrawConstraintError struct{ Err ConstraintError }

// EmptyPayouts: there is nothing to withdraw.
type EmptyPayouts struct{}

// WithdrawLoadHelpersContextFailed: the helpers context could not be
// loaded.
type WithdrawLoadHelpersContextFailed struct{ Err LoadHelpersContextError }

func (WithdrawEraUnsupported) isWithdrawError()           {}
func (WithdrawConstraintError) isWithdrawError()          {}
func (EmptyPayouts) isWithdrawError()                     {}
func (WithdrawLoadHelpersContextFailed) isWithdrawError() {}

// EncodeWithdrawError appends a WithdrawError.
func EncodeWithdrawError(e *binary.Encoder, x WithdrawError) {
	switch v := x.(type) {
	case WithdrawEraUnsupported:
		e.PutTag(0)
		types.EncodeCardanoEra(e, v.Era)
	case WithdrawConstraintError:
		e.PutTag(1)
		EncodeConstraintError(e, v.Err)
	case EmptyPayouts:
		e.PutTag(2)
	case WithdrawLoadHelpersContextFailed:
		e.PutTag(3)
		EncodeLoadHelpersContextError(e, v.Err)
	default:
		unsupported(e, "WithdrawError", x)
	}
}

// DecodeWithdrawError reads a WithdrawError.
func DecodeWithdrawError(d *binary.Decoder) (WithdrawError, error) {
	t, err := d.Tag("WithdrawError", 4)
	if err != nil {
		return nil, binary.Wrap(err, "decode WithdrawError")
	}
	switch t {
	case 0:
		era, err := types.DecodeCardanoEra(d)
		return WithdrawEraUnsupported{Era: era}, binary.Wrap(err, "decode WithdrawEraUnsupported")
	case 1:
		x, err := DecodeConstraintError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode WithdrawConstraintError")
		}
		return WithdrawConstraintError{Err: x}, nil
	case 2:
		return EmptyPayouts{}, nil
	}
	x, err := DecodeLoadHelpersContextError(d)
	if err != nil {
		return nil, binary.Wrap(err, "decode WithdrawLoadHelpersContextFailed")
	}
	return WithdrawLoadHelpersContextFailed{Err: x}, nil
}

// ---------------------------------------------------------------------------
// BurnRoleTokensError

// BurnRoleTokensError is the error of BurnRoleTokens.
type BurnRoleTokensError interface{ isBurnRoleTokensError() }

// BurnEraUnsupported: the node's era is not supported.
type BurnEraUnsupported struct{ Era types.CardanoEra }

// BurnRolesActive: these role policies still have active contracts (a Set).
type BurnRolesActive struct{ Policies []types.PolicyId }

// BurnInvalidPolicyId: these policies are not role policies (a Set).
type BurnInvalidPolicyId struct{ Policies []types.PolicyId }

// BurnNoTokens: the wallet holds no matching role tokens.
type BurnNoTokens struct{}

// BurnFromCardanoError: a cardano-api value could not be converted.
type BurnFromCardanoError struct{}

// BurnConstraintError: the constraints could not be solved.
type BurnConstraintError struct{ Err ConstraintError }

func (BurnEraUnsupported) isBurnRoleTokensError()   {}
func (BurnRolesActive) isBurnRoleTokensError()      {}
func (BurnInvalidPolicyId) isBurnRoleTokensError()  {}
func (BurnNoTokens) isBurnRoleTokensError()         {}
func (BurnFromCardanoError) isBurnRoleTokensError() {}
func (BurnConstraintError) isBurnRoleTokensError()  {}

// EncodeBurnRoleTokensError appends a BurnRoleTokensError.
func EncodeBurnRoleTokensError(e *binary.Encoder, x BurnRoleTokensError) {
	switch v := x.(type) {
	case BurnEraUnsupported:
		e.PutTag(0)
		types.EncodeCardanoEra(e, v.Era)
	case BurnRolesActive:
		e.PutTag(1)
		binary.EncodeSet(e, v.Policies, comparePolicyId, types.EncodePolicyId)
	case BurnInvalidPolicyId:
		e.PutTag(2)
		binary.EncodeSet(e, v.Policies, comparePolicyId, types.EncodePolicyId)
	case BurnNoTokens:
		e.PutTag(3)
	case BurnFromCardanoError:
		e.PutTag(4)
	case BurnConstraintError:
		e.PutTag(5)
		EncodeConstraintError(e, v.Err)
	default:
		unsupported(e, "BurnRoleTokensError", x)
	}
}

// DecodeBurnRoleTokensError reads a BurnRoleTokensError.
func DecodeBurnRoleTokensError(d *binary.Decoder) (BurnRoleTokensError, error) {
	t, err := d.Tag("BurnRoleTokensError", 6)
	if err != nil {
		return nil, binary.Wrap(err, "decode BurnRoleTokensError")
	}
	switch t {
	case 0:
		era, err := types.DecodeCardanoEra(d)
		return BurnEraUnsupported{Era: era}, binary.Wrap(err, "decode BurnEraUnsupported")
	case 1, 2:
		s, err := binary.DecodeSet(d, comparePolicyId, types.DecodePolicyId)
		if err != nil {
			return nil, binary.Wrapf(err, "decode BurnRoleTokensError[%d]", t)
		}
		if t == 1 {
			return BurnRolesActive{Policies: s}, nil
		}
		return BurnInvalidPolicyId{Policies: s}, nil
	case 3:
		return BurnNoTokens{}, nil
	case 4:
		return BurnFromCardanoError{}, nil
	}
	x, err := DecodeConstraintError(d)
	if err != nil {
		return nil, binary.Wrap(err, "decode BurnConstraintError")
	}
	return BurnConstraintError{Err: x}, nil
}
