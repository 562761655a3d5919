package txjob

import (
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// SafetyError is an unsafe aspect of a contract found by the Marlowe safety
// analysis (marlowe Analysis/Safety/Types.hs, generic-derived, 22
// constructors; wire-protocol.md §5.5). Token names, currency symbols and
// hashes are Plutus byte strings; parties, tokens, choice ids, states,
// contracts, inputs, outputs and warnings are the Core V1 generic forms of
// §5.6.
type SafetyError interface{ isSafetyError() }

// MissingRolesCurrency: roles are used but no roles currency is set.
type MissingRolesCurrency struct{}

// ContractHasNoRoles: a roles currency is set but no roles are used.
type ContractHasNoRoles struct{}

// MissingRoleToken: a role used by the contract is not minted.
type MissingRoleToken struct{ Role core.TokenName }

// ExtraRoleToken: a minted role is not used by the contract.
type ExtraRoleToken struct{ Role core.TokenName }

// RoleNameTooLong: a role name exceeds 32 bytes.
type RoleNameTooLong struct{ Role core.TokenName }

// InvalidCurrencySymbol: a currency symbol is not 28 bytes.
type InvalidCurrencySymbol struct{ Currency core.CurrencySymbol }

// TokenNameTooLong: a token name exceeds 32 bytes.
type TokenNameTooLong struct{ Name core.TokenName }

// InvalidToken: a token name is paired with the ada symbol.
type InvalidToken struct{ Token core.Token }

// NonPositiveBalance: an initial account balance is not positive.
type NonPositiveBalance struct {
	Account core.Party
	Token   core.Token
}

// DuplicateAccount: an initial account appears twice.
type DuplicateAccount struct {
	Account core.Party
	Token   core.Token
}

// DuplicateChoice: an initial choice appears twice.
type DuplicateChoice struct{ Choice core.ChoiceID }

// DuplicateBoundValue: an initial bound value appears twice.
type DuplicateBoundValue struct{ ValueID core.ValueID }

// MaximumValueMayExceedProtocol: the contract may hold more tokens than the
// ledger allows (a Natural byte count).
type MaximumValueMayExceedProtocol struct{ Bytes *big.Int }

// TransactionSizeMayExceedProtocol: a transaction may be too large (a
// Natural byte count).
type TransactionSizeMayExceedProtocol struct {
	Tx    SafetyTx
	Bytes *big.Int
}

// TransactionCostMayExceedProtocol: a transaction may cost too much to
// execute.
type TransactionCostMayExceedProtocol struct {
	Tx   SafetyTx
	Cost ExBudget
}

// TransactionValidationError: a transaction does not validate (String).
type TransactionValidationError struct {
	Tx      SafetyTx
	Message string
}

// TransactionWarning: a transaction has a warning.
type TransactionWarning struct {
	Tx      SafetyTx
	Warning core.TransactionWarning
}

// MissingContinuation: a merkleized continuation is missing (the datum
// hash).
type MissingContinuation struct{ Hash []byte }

// InconsistentNetworks: the contract mixes mainnet and testnet addresses.
type InconsistentNetworks struct{}

// WrongNetwork: the contract's addresses are for another network.
type WrongNetwork struct{}

// IllegalAddress: the contract holds an address the ledger rejects. Only
// the Plutus address travels: Address.Mainnet is not encoded and decodes as
// false.
type IllegalAddress struct{ Address core.Address }

// SafetyAnalysisTimeout: the analysis ran out of time.
type SafetyAnalysisTimeout struct{}

func (MissingRolesCurrency) isSafetyError()             {}
func (ContractHasNoRoles) isSafetyError()               {}
func (MissingRoleToken) isSafetyError()                 {}
func (ExtraRoleToken) isSafetyError()                   {}
func (RoleNameTooLong) isSafetyError()                  {}
func (InvalidCurrencySymbol) isSafetyError()            {}
func (TokenNameTooLong) isSafetyError()                 {}
func (InvalidToken) isSafetyError()                     {}
func (NonPositiveBalance) isSafetyError()               {}
func (DuplicateAccount) isSafetyError()                 {}
func (DuplicateChoice) isSafetyError()                  {}
func (DuplicateBoundValue) isSafetyError()              {}
func (MaximumValueMayExceedProtocol) isSafetyError()    {}
func (TransactionSizeMayExceedProtocol) isSafetyError() {}
func (TransactionCostMayExceedProtocol) isSafetyError() {}
func (TransactionValidationError) isSafetyError()       {}
func (TransactionWarning) isSafetyError()               {}
func (MissingContinuation) isSafetyError()              {}
func (InconsistentNetworks) isSafetyError()             {}
func (WrongNetwork) isSafetyError()                     {}
func (IllegalAddress) isSafetyError()                   {}
func (SafetyAnalysisTimeout) isSafetyError()            {}

// SafetyTx is a transaction examined by the safety analysis (Haskell
// `Transaction ()`): state, contract, input and output; the unit annotation
// encodes as nothing.
type SafetyTx struct {
	State    core.State
	Contract core.Contract
	Input    core.TransactionInput
	Output   core.TransactionOutput
}

// ExBudget is a Plutus execution budget: CPU and memory units, each a
// saturating Int (8 bytes).
type ExBudget struct {
	CPU    int64
	Memory int64
}

// EncodeSafetyTx appends a SafetyTx.
func EncodeSafetyTx(e *binary.Encoder, x SafetyTx) {
	types.EncodeState(e, x.State)
	types.EncodeContract(e, x.Contract)
	types.EncodeCoreTransactionInput(e, x.Input)
	types.EncodeCoreTransactionOutput(e, x.Output)
}

// DecodeSafetyTx reads a SafetyTx.
func DecodeSafetyTx(d *binary.Decoder) (SafetyTx, error) {
	var x SafetyTx
	var err error
	if x.State, err = types.DecodeState(d); err != nil {
		return x, binary.Wrap(err, "decode SafetyTx.txState")
	}
	if x.Contract, err = types.DecodeContract(d); err != nil {
		return x, binary.Wrap(err, "decode SafetyTx.txContract")
	}
	if x.Input, err = types.DecodeCoreTransactionInput(d); err != nil {
		return x, binary.Wrap(err, "decode SafetyTx.txInput")
	}
	if x.Output, err = types.DecodeCoreTransactionOutput(d); err != nil {
		return x, binary.Wrap(err, "decode SafetyTx.txOutput")
	}
	return x, nil
}

// EncodeExBudget appends an ExBudget: i64 CPU, i64 memory.
func EncodeExBudget(e *binary.Encoder, x ExBudget) {
	e.PutI64(x.CPU)
	e.PutI64(x.Memory)
}

// DecodeExBudget reads an ExBudget.
func DecodeExBudget(d *binary.Decoder) (ExBudget, error) {
	cpu, err := d.I64()
	if err != nil {
		return ExBudget{}, binary.Wrap(err, "decode ExBudget.exBudgetCPU")
	}
	mem, err := d.I64()
	if err != nil {
		return ExBudget{}, binary.Wrap(err, "decode ExBudget.exBudgetMemory")
	}
	return ExBudget{CPU: cpu, Memory: mem}, nil
}

// EncodeSafetyError appends a SafetyError.
func EncodeSafetyError(e *binary.Encoder, x SafetyError) {
	switch v := x.(type) {
	case MissingRolesCurrency:
		e.PutTag(0)
	case ContractHasNoRoles:
		e.PutTag(1)
	case MissingRoleToken:
		e.PutTag(2)
		e.PutBytesString(string(v.Role))
	case ExtraRoleToken:
		e.PutTag(3)
		e.PutBytesString(string(v.Role))
	case RoleNameTooLong:
		e.PutTag(4)
		e.PutBytesString(string(v.Role))
	case InvalidCurrencySymbol:
		e.PutTag(5)
		e.PutBytesString(string(v.Currency))
	case TokenNameTooLong:
		e.PutTag(6)
		e.PutBytesString(string(v.Name))
	case InvalidToken:
		e.PutTag(7)
		types.EncodeToken(e, v.Token)
	case NonPositiveBalance:
		e.PutTag(8)
		types.EncodeParty(e, v.Account)
		types.EncodeToken(e, v.Token)
	case DuplicateAccount:
		e.PutTag(9)
		types.EncodeParty(e, v.Account)
		types.EncodeToken(e, v.Token)
	case DuplicateChoice:
		e.PutTag(10)
		types.EncodeChoiceId(e, v.Choice)
	case DuplicateBoundValue:
		e.PutTag(11)
		types.EncodeValueId(e, v.ValueID)
	case MaximumValueMayExceedProtocol:
		e.PutTag(12)
		e.PutNatural(v.Bytes)
	case TransactionSizeMayExceedProtocol:
		e.PutTag(13)
		EncodeSafetyTx(e, v.Tx)
		e.PutNatural(v.Bytes)
	case TransactionCostMayExceedProtocol:
		e.PutTag(14)
		EncodeSafetyTx(e, v.Tx)
		EncodeExBudget(e, v.Cost)
	case TransactionValidationError:
		e.PutTag(15)
		EncodeSafetyTx(e, v.Tx)
		e.PutCharString(v.Message)
	case TransactionWarning:
		e.PutTag(16)
		EncodeSafetyTx(e, v.Tx)
		types.EncodeCoreTransactionWarning(e, v.Warning)
	case MissingContinuation:
		e.PutTag(17)
		e.PutBytes(v.Hash)
	case InconsistentNetworks:
		e.PutTag(18)
	case WrongNetwork:
		e.PutTag(19)
	case IllegalAddress:
		e.PutTag(20)
		types.EncodePlutusAddress(e, v.Address)
	case SafetyAnalysisTimeout:
		e.PutTag(21)
	default:
		unsupported(e, "SafetyError", x)
	}
}

// decodePartyToken reads the (Party, Token) of NonPositiveBalance and
// DuplicateAccount.
func decodePartyToken(d *binary.Decoder) (core.Party, core.Token, error) {
	p, err := types.DecodeParty(d)
	if err != nil {
		return p, core.Token{}, binary.Wrap(err, "accountId")
	}
	t, err := types.DecodeToken(d)
	return p, t, binary.Wrap(err, "token")
}

// DecodeSafetyError reads a SafetyError.
func DecodeSafetyError(d *binary.Decoder) (SafetyError, error) {
	t, err := d.Tag("SafetyError", 22)
	if err != nil {
		return nil, binary.Wrap(err, "decode SafetyError")
	}
	switch t {
	case 0:
		return MissingRolesCurrency{}, nil
	case 1:
		return ContractHasNoRoles{}, nil
	case 2, 3, 4, 5, 6:
		s, err := d.BytesString()
		if err != nil {
			return nil, binary.Wrapf(err, "decode SafetyError[%d]", t)
		}
		switch t {
		case 2:
			return MissingRoleToken{Role: core.TokenName(s)}, nil
		case 3:
			return ExtraRoleToken{Role: core.TokenName(s)}, nil
		case 4:
			return RoleNameTooLong{Role: core.TokenName(s)}, nil
		case 5:
			return InvalidCurrencySymbol{Currency: core.CurrencySymbol(s)}, nil
		}
		return TokenNameTooLong{Name: core.TokenName(s)}, nil
	case 7:
		tok, err := types.DecodeToken(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode InvalidToken")
		}
		return InvalidToken{Token: tok}, nil
	case 8:
		p, tok, err := decodePartyToken(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode NonPositiveBalance")
		}
		return NonPositiveBalance{Account: p, Token: tok}, nil
	case 9:
		p, tok, err := decodePartyToken(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode DuplicateAccount")
		}
		return DuplicateAccount{Account: p, Token: tok}, nil
	case 10:
		c, err := types.DecodeChoiceId(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode DuplicateChoice")
		}
		return DuplicateChoice{Choice: c}, nil
	case 11:
		v, err := types.DecodeValueId(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode DuplicateBoundValue")
		}
		return DuplicateBoundValue{ValueID: v}, nil
	case 12:
		n, err := d.Natural()
		if err != nil {
			return nil, binary.Wrap(err, "decode MaximumValueMayExceedProtocol")
		}
		return MaximumValueMayExceedProtocol{Bytes: n}, nil
	case 13, 14, 15, 16:
		return decodeSafetyTxError(d, t)
	case 17:
		h, err := d.Bytes()
		if err != nil {
			return nil, binary.Wrap(err, "decode MissingContinuation")
		}
		return MissingContinuation{Hash: h}, nil
	case 18:
		return InconsistentNetworks{}, nil
	case 19:
		return WrongNetwork{}, nil
	case 20:
		a, err := types.DecodePlutusAddress(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode IllegalAddress")
		}
		return IllegalAddress{Address: a}, nil
	}
	return SafetyAnalysisTimeout{}, nil
}

// decodeSafetyTxError reads the SafetyError constructors 13..16, which start
// with a SafetyTx.
func decodeSafetyTxError(d *binary.Decoder, t uint8) (SafetyError, error) {
	names := [...]string{"TransactionSizeMayExceedProtocol", "TransactionCostMayExceedProtocol", "TransactionValidationError", "TransactionWarning"}
	name := names[t-13]
	tx, err := DecodeSafetyTx(d)
	if err != nil {
		return nil, binary.Wrapf(err, "decode %s", name)
	}
	switch t {
	case 13:
		n, err := d.Natural()
		if err != nil {
			return nil, binary.Wrapf(err, "decode %s.bytes", name)
		}
		return TransactionSizeMayExceedProtocol{Tx: tx, Bytes: n}, nil
	case 14:
		b, err := DecodeExBudget(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode %s.cost", name)
		}
		return TransactionCostMayExceedProtocol{Tx: tx, Cost: b}, nil
	case 15:
		s, err := d.CharString()
		if err != nil {
			return nil, binary.Wrapf(err, "decode %s.message", name)
		}
		return TransactionValidationError{Tx: tx, Message: s}, nil
	}
	w, err := types.DecodeCoreTransactionWarning(d)
	if err != nil {
		return nil, binary.Wrapf(err, "decode %s.warning", name)
	}
	return TransactionWarning{Tx: tx, Warning: w}, nil
}
