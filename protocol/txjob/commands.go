package txjob

import (
	"cmp"
	"fmt"
	"math/big"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Command is a MarloweTxCommand: Create, ApplyInputs, Withdraw,
// BurnRoleTokens or Submit (values, not pointers).
type Command interface {
	job.Command
	isCommand()
}

// Create builds a transaction that starts a Marlowe contract
// (wire-protocol.md §4.5).
type Create struct {
	// StakeCredential is the stake part of the script addresses (nil:
	// none).
	StakeCredential *types.StakeCredential
	// Version is the Marlowe version (in the command tag).
	Version         types.MarloweVersion
	WalletAddresses WalletAddresses
	// ThreadTokenName names the thread token (nil: the Haskell default "").
	ThreadTokenName *types.TokenName
	// RoleTokens says how role tokens are set up; nil means
	// RoleTokensNone.
	RoleTokens RoleTokensConfig
	Metadata   types.MarloweTransactionMetadata
	// MinLovelaceDeposit is the contract output's minimum deposit (nil:
	// computed by the runtime).
	MinLovelaceDeposit *big.Int
	// Accounts are the initial balances. Each must be non-negative ada,
	// positive token quantities and not empty: the Haskell decoder rejects
	// anything else, so the encoder does too.
	Accounts map[Account]types.Assets
	// Contract is the contract to run (Left) or the hash of a contract in
	// the store (Right).
	Contract binary.Either[core.Contract, types.DatumHash]
}

// ApplyInputs builds a transaction that applies inputs to a contract.
type ApplyInputs struct {
	Version          types.MarloweVersion
	WalletAddresses  WalletAddresses
	ContractId       types.ContractId
	Metadata         types.MarloweTransactionMetadata
	InvalidBefore    *types.UTCTime
	InvalidHereafter *types.UTCTime
	// Inputs is the Plutus Data of the runtime's `[Input]` (§5.7: a
	// merkleized input carries its continuation). Build it with
	// InputsToData; read it with InputsFromData.
	Inputs data.PlutusData
}

// Withdraw builds a transaction that withdraws payouts.
type Withdraw struct {
	Version         types.MarloweVersion
	WalletAddresses WalletAddresses
	// Payouts is a Set of payout outputs (sorted on encoding; duplicates
	// are an error).
	Payouts []types.TxOutRef
}

// BurnRoleTokens builds a transaction that burns the wallet's role tokens
// matching Filter.
type BurnRoleTokens struct {
	Version         types.MarloweVersion
	WalletAddresses WalletAddresses
	Filter          RoleTokenFilter
}

// Submit submits a signed transaction.
type Submit struct {
	Era types.BabbageEraOnwards
	// Tx is the CBOR of the signed ledger transaction (cardano-api
	// serialiseToCBOR). The codec checks only that it is one well-formed
	// CBOR item; the ledger rules are the handler's business.
	Tx []byte
}

func (Create) isCommand()         {}
func (ApplyInputs) isCommand()    {}
func (Withdraw) isCommand()       {}
func (BurnRoleTokens) isCommand() {}
func (Submit) isCommand()         {}

// CommandTag implements job.Command.
func (c Create) CommandTag() job.Tag { return Tag{Kind: KindCreate, Version: c.Version} }

// CommandTag implements job.Command.
func (c ApplyInputs) CommandTag() job.Tag { return Tag{Kind: KindApplyInputs, Version: c.Version} }

// CommandTag implements job.Command.
func (c Withdraw) CommandTag() job.Tag { return Tag{Kind: KindWithdraw, Version: c.Version} }

// CommandTag implements job.Command.
func (c BurnRoleTokens) CommandTag() job.Tag {
	return Tag{Kind: KindBurnRoleTokens, Version: c.Version}
}

// CommandTag implements job.Command.
func (Submit) CommandTag() job.Tag { return TagOf(KindSubmit) }

// WalletAddresses are the wallet a transaction is built for.
type WalletAddresses struct {
	ChangeAddress types.Address
	// ExtraAddresses and CollateralUtxos are Sets (sorted on encoding).
	ExtraAddresses  []types.Address
	CollateralUtxos []types.TxOutRef
}

func compareAddress(a, b types.Address) int { return cmp.Compare(a, b) }

// EncodeWalletAddresses appends WalletAddresses: Address, set<Address>,
// set<TxOutRef>.
func EncodeWalletAddresses(e *binary.Encoder, x WalletAddresses) {
	types.EncodeAddress(e, x.ChangeAddress)
	binary.EncodeSet(e, x.ExtraAddresses, compareAddress, types.EncodeAddress)
	binary.EncodeSet(e, x.CollateralUtxos, types.CompareTxOutRef, types.EncodeTxOutRef)
}

// DecodeWalletAddresses reads WalletAddresses.
func DecodeWalletAddresses(d *binary.Decoder) (WalletAddresses, error) {
	var x WalletAddresses
	var err error
	if x.ChangeAddress, err = types.DecodeAddress(d); err != nil {
		return x, binary.Wrapf(err, "decode WalletAddresses.changeAddress")
	}
	if x.ExtraAddresses, err = binary.DecodeSet(d, compareAddress, types.DecodeAddress); err != nil {
		return x, binary.Wrapf(err, "decode WalletAddresses.extraAddresses")
	}
	if x.CollateralUtxos, err = binary.DecodeSet(d, types.CompareTxOutRef, types.DecodeTxOutRef); err != nil {
		return x, binary.Wrapf(err, "decode WalletAddresses.collateralUtxos")
	}
	return x, nil
}

// AccountKind is an Account constructor.
type AccountKind uint8

// The Account constructors in wire order.
const (
	RoleAccount AccountKind = iota
	AddressAccount
)

// Account is the owner of an initial balance in Create: a role (Role) or an
// address (Address). It is comparable so it can key Create.Accounts.
type Account struct {
	Kind    AccountKind
	Role    types.TokenName // RoleAccount
	Address types.Address   // AddressAccount
}

// CompareAccount is the Haskell Ord of Account: every RoleAccount before
// every AddressAccount, then by name or address bytes.
func CompareAccount(a, b Account) int {
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if a.Kind == RoleAccount {
		return cmp.Compare(a.Role, b.Role)
	}
	return cmp.Compare(a.Address, b.Address)
}

// EncodeAccount appends an Account: 00 RoleAccount TokenName | 01
// AddressAccount Address.
func EncodeAccount(e *binary.Encoder, x Account) {
	switch x.Kind {
	case RoleAccount:
		e.PutTag(0)
		types.EncodeTokenName(e, x.Role)
	case AddressAccount:
		e.PutTag(1)
		types.EncodeAddress(e, x.Address)
	default:
		e.Failf("encode Account: invalid constructor %d", x.Kind)
	}
}

// DecodeAccount reads an Account.
func DecodeAccount(d *binary.Decoder) (Account, error) {
	t, err := d.Tag("Account", 2)
	if err != nil {
		return Account{}, binary.Wrapf(err, "decode Account")
	}
	if t == 0 {
		r, err := types.DecodeTokenName(d)
		if err != nil {
			return Account{}, binary.Wrapf(err, "decode Account.RoleAccount")
		}
		return Account{Kind: RoleAccount, Role: r}, nil
	}
	a, err := types.DecodeAddress(d)
	if err != nil {
		return Account{}, binary.Wrapf(err, "decode Account.AddressAccount")
	}
	return Account{Kind: AddressAccount, Address: a}, nil
}

// checkAccountAssets applies the Haskell mkAccounts rule to one initial
// balance: ada ≥ 0, every token quantity > 0, and not empty.
func checkAccountAssets(a types.Assets) error {
	if a.Ada == nil {
		return fmt.Errorf("nil ada")
	}
	if a.Ada.Sign() < 0 {
		return fmt.Errorf("negative ada %s", a.Ada)
	}
	for id, q := range a.Tokens {
		if q == nil || q.Sign() <= 0 {
			return fmt.Errorf("non-positive quantity %v of %x.%x", q, id.Policy, id.Name)
		}
	}
	if a.Ada.Sign() == 0 && len(a.Tokens) == 0 {
		return fmt.Errorf("empty balance")
	}
	return nil
}

func encodeAccounts(e *binary.Encoder, m map[Account]types.Assets) {
	for acc, a := range m {
		if err := checkAccountAssets(a); err != nil {
			e.Failf("encode Create.accounts: account %v: %v (the Haskell decoder rejects non-positive balances)", acc, err)
			break
		}
	}
	binary.EncodeMap(e, m, CompareAccount, EncodeAccount, types.EncodeAssets)
}

// decodeAccountAssets reads one initial balance and applies the mkAccounts
// rule, as the Haskell decoder does ("Invalid accounts").
func decodeAccountAssets(d *binary.Decoder) (types.Assets, error) {
	at := d.Offset()
	a, err := types.DecodeAssets(d)
	if err != nil {
		return a, err
	}
	if err := checkAccountAssets(a); err != nil {
		return a, d.Errorf(at, "invalid accounts: %v", err)
	}
	return a, nil
}

func decodeAccounts(d *binary.Decoder) (map[Account]types.Assets, error) {
	return binary.DecodeMap(d, CompareAccount, DecodeAccount, decodeAccountAssets)
}

// encodeLovelaceMaybe appends Maybe Lovelace for a nil-able Integer.
func encodeLovelaceMaybe(e *binary.Encoder, x *big.Int) {
	if x == nil {
		e.PutU8(0)
		return
	}
	e.PutU8(1)
	e.PutInteger(x)
}

func decodeLovelaceMaybe(d *binary.Decoder) (*big.Int, error) {
	v, ok, err := binary.DecodeMaybe(d, (*binary.Decoder).Integer)
	if err != nil || !ok {
		return nil, err
	}
	return v, nil
}

// EncodeCreate appends the payload of a Create command (after its tag).
func EncodeCreate(e *binary.Encoder, x Create) {
	binary.EncodeOptional(e, x.StakeCredential, types.EncodeStakeCredential)
	EncodeWalletAddresses(e, x.WalletAddresses)
	binary.EncodeOptional(e, x.ThreadTokenName, types.EncodeTokenName)
	EncodeRoleTokensConfig(e, x.RoleTokens)
	types.EncodeMarloweTransactionMetadata(e, x.Metadata)
	encodeLovelaceMaybe(e, x.MinLovelaceDeposit)
	encodeAccounts(e, x.Accounts)
	binary.EncodeEither(e, x.Contract, types.EncodeContract, types.EncodeDatumHash)
}

// DecodeCreate reads the payload of a Create command of Marlowe version v.
func DecodeCreate(d *binary.Decoder, v types.MarloweVersion) (Create, error) {
	x := Create{Version: v}
	var err error
	if x.StakeCredential, err = binary.DecodeOptional(d, types.DecodeStakeCredential); err != nil {
		return x, binary.Wrapf(err, "decode Create.stakeCredential")
	}
	if x.WalletAddresses, err = DecodeWalletAddresses(d); err != nil {
		return x, binary.Wrapf(err, "decode Create.walletAddresses")
	}
	if x.ThreadTokenName, err = binary.DecodeOptional(d, types.DecodeTokenName); err != nil {
		return x, binary.Wrapf(err, "decode Create.threadTokenName")
	}
	if x.RoleTokens, err = DecodeRoleTokensConfig(d); err != nil {
		return x, binary.Wrapf(err, "decode Create.roleTokensConfig")
	}
	if x.Metadata, err = types.DecodeMarloweTransactionMetadata(d); err != nil {
		return x, binary.Wrapf(err, "decode Create.metadata")
	}
	if x.MinLovelaceDeposit, err = decodeLovelaceMaybe(d); err != nil {
		return x, binary.Wrapf(err, "decode Create.minLovelaceDeposit")
	}
	if x.Accounts, err = decodeAccounts(d); err != nil {
		return x, binary.Wrapf(err, "decode Create.accounts")
	}
	if x.Contract, err = binary.DecodeEither(d, types.DecodeContract, types.DecodeDatumHash); err != nil {
		return x, binary.Wrapf(err, "decode Create.contract")
	}
	return x, nil
}

// EncodeApplyInputs appends the payload of an ApplyInputs command.
func EncodeApplyInputs(e *binary.Encoder, x ApplyInputs) {
	EncodeWalletAddresses(e, x.WalletAddresses)
	types.EncodeContractId(e, x.ContractId)
	types.EncodeMarloweTransactionMetadata(e, x.Metadata)
	binary.EncodeOptional(e, x.InvalidBefore, types.EncodeUTCTime)
	binary.EncodeOptional(e, x.InvalidHereafter, types.EncodeUTCTime)
	encodeInputsDatum(e, "ApplyInputs.inputs", x.Inputs)
}

// DecodeApplyInputs reads the payload of an ApplyInputs command of Marlowe
// version v.
func DecodeApplyInputs(d *binary.Decoder, v types.MarloweVersion) (ApplyInputs, error) {
	x := ApplyInputs{Version: v}
	var err error
	if x.WalletAddresses, err = DecodeWalletAddresses(d); err != nil {
		return x, binary.Wrapf(err, "decode ApplyInputs.walletAddresses")
	}
	if x.ContractId, err = types.DecodeContractId(d); err != nil {
		return x, binary.Wrapf(err, "decode ApplyInputs.contractId")
	}
	if x.Metadata, err = types.DecodeMarloweTransactionMetadata(d); err != nil {
		return x, binary.Wrapf(err, "decode ApplyInputs.metadata")
	}
	if x.InvalidBefore, err = binary.DecodeOptional(d, types.DecodeUTCTime); err != nil {
		return x, binary.Wrapf(err, "decode ApplyInputs.invalidBefore")
	}
	if x.InvalidHereafter, err = binary.DecodeOptional(d, types.DecodeUTCTime); err != nil {
		return x, binary.Wrapf(err, "decode ApplyInputs.invalidHereafter")
	}
	if x.Inputs, err = decodeInputsDatum(d); err != nil {
		return x, binary.Wrapf(err, "decode ApplyInputs.inputs")
	}
	return x, nil
}

// EncodeWithdraw appends the payload of a Withdraw command.
func EncodeWithdraw(e *binary.Encoder, x Withdraw) {
	EncodeWalletAddresses(e, x.WalletAddresses)
	binary.EncodeSet(e, x.Payouts, types.CompareTxOutRef, types.EncodeTxOutRef)
}

// DecodeWithdraw reads the payload of a Withdraw command of Marlowe version
// v.
func DecodeWithdraw(d *binary.Decoder, v types.MarloweVersion) (Withdraw, error) {
	x := Withdraw{Version: v}
	var err error
	if x.WalletAddresses, err = DecodeWalletAddresses(d); err != nil {
		return x, binary.Wrapf(err, "decode Withdraw.walletAddresses")
	}
	if x.Payouts, err = binary.DecodeSet(d, types.CompareTxOutRef, types.DecodeTxOutRef); err != nil {
		return x, binary.Wrapf(err, "decode Withdraw.payouts")
	}
	return x, nil
}

// EncodeBurnRoleTokens appends the payload of a BurnRoleTokens command.
func EncodeBurnRoleTokens(e *binary.Encoder, x BurnRoleTokens) {
	EncodeWalletAddresses(e, x.WalletAddresses)
	EncodeRoleTokenFilter(e, x.Filter)
}

// DecodeBurnRoleTokens reads the payload of a BurnRoleTokens command of
// Marlowe version v.
func DecodeBurnRoleTokens(d *binary.Decoder, v types.MarloweVersion) (BurnRoleTokens, error) {
	x := BurnRoleTokens{Version: v}
	var err error
	if x.WalletAddresses, err = DecodeWalletAddresses(d); err != nil {
		return x, binary.Wrapf(err, "decode BurnRoleTokens.walletAddresses")
	}
	if x.Filter, err = DecodeRoleTokenFilter(d); err != nil {
		return x, binary.Wrapf(err, "decode BurnRoleTokens.filter")
	}
	return x, nil
}

// EncodeSubmit appends the payload of a Submit command: era byte, tx bytes.
func EncodeSubmit(e *binary.Encoder, x Submit) {
	types.EncodeBabbageEraOnwards(e, x.Era)
	encodeCBORBytes(e, "Submit.tx", x.Tx)
}

// DecodeSubmit reads the payload of a Submit command.
func DecodeSubmit(d *binary.Decoder) (Submit, error) {
	var x Submit
	var err error
	if x.Era, err = types.DecodeBabbageEraOnwards(d); err != nil {
		return x, binary.Wrapf(err, "decode Submit.era")
	}
	if x.Tx, err = decodeCBORBytes(d); err != nil {
		return x, binary.Wrapf(err, "decode Submit.tx")
	}
	return x, nil
}
