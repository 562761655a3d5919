package txjob_test

import (
	"math/big"
	"reflect"

	"github.com/blinklabs-io/plutigo/data"
	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/protocol/types/typestest"
)

// gen builds random TxJob values from a seeded source and records which
// constructor of which sum type it produced, so a test can prove that
// every constructor was exercised. The wire types TxJob shares with the
// other protocols (chain types, metadata, Plutus Data, Core V1 values) come
// from the embedded typestest.Gen.
type gen struct {
	typestest.Gen
	seen map[string]map[string]int
}

func newGen(seed uint64) *gen {
	g := &gen{Gen: typestest.New(seed), seen: map[string]map[string]int{}}
	// Of the sum types typestest.Gen reports, the coverage check counts the
	// Core V1 warnings and errors (§5.6) nested in SafetyError,
	// ApplyInputsError and SafetyTx outputs; the others (Value, Contract,
	// ...) are proved covered by typestest's own coverage test.
	g.Observe = func(typ, name string) {
		switch typ {
		case "TransactionWarning", "TransactionError":
			g.record(typ, name)
		}
	}
	return g
}

// record counts constructor name of sum type typ.
func (g *gen) record(typ, name string) {
	if g.seen[typ] == nil {
		g.seen[typ] = map[string]int{}
	}
	g.seen[typ][name]++
}

// mark records that constructor v (named by its Go type, or name when v is
// a string) of sum type typ was generated, and returns v unchanged.
func mark[T any](g *gen, typ string, v T) T {
	name, ok := any(v).(string)
	if !ok {
		name = reflect.TypeOf(v).Name()
	}
	g.record(typ, name)
	return v
}

// txCBOR is a small well-formed ledger-transaction-shaped CBOR array.
func (g *gen) txCBOR() []byte {
	body := map[uint64][]byte{0: []byte(g.Bytes())}
	for i := g.N(3); i > 0; i-- {
		body[uint64(g.N(20))] = []byte(g.Bytes())
	}
	b, err := cbor.Marshal([]any{body, map[uint64]any{}, g.Bool(), nil})
	if err != nil {
		panic(err) // test generator: cannot fail for these values
	}
	return b
}

func (g *gen) era() types.BabbageEraOnwards {
	e := types.BabbageEraOnwards(g.N(2))
	mark(g, "BabbageEraOnwards", []string{"BabbageEraOnwardsBabbage", "BabbageEraOnwardsConway"}[e])
	return e
}

// ---------------------------------------------------------------------------
// Core V1 values in TxJob form

// inputsDatum is a list of Core V1 inputs as the Plutus Data ApplyInputs
// carries.
func (g *gen) inputsDatum() data.PlutusData {
	pd, err := txjob.InputsToData(g.Inputs())
	if err != nil {
		panic(err) // test generator: generated inputs always convert
	}
	return pd
}

// safetyTx is the transaction a safety error reports.
func (g *gen) safetyTx() txjob.SafetyTx {
	return txjob.SafetyTx{State: g.State(), Contract: g.Contract(2), Input: g.TransactionInput(), Output: g.CoreTransactionOutput()}
}

// ---------------------------------------------------------------------------
// Tx-command types (§5.5)

func (g *gen) walletAddresses() txjob.WalletAddresses {
	return txjob.WalletAddresses{ChangeAddress: g.Address(), ExtraAddresses: typestest.Distinct(g.Gen, g.Address), CollateralUtxos: g.TxOutRefs()}
}

func (g *gen) account() txjob.Account {
	if g.Bool() {
		mark(g, "Account", "RoleAccount")
		return txjob.Account{Kind: txjob.RoleAccount, Role: types.TokenName(g.Bytes())}
	}
	mark(g, "Account", "AddressAccount")
	return txjob.Account{Kind: txjob.AddressAccount, Address: g.Address()}
}

func (g *gen) accountAssets() types.Assets {
	a := types.Assets{Ada: new(big.Int).Abs(g.Integer()), Tokens: g.Tokens(g.Positive)}
	if a.Ada.Sign() == 0 && len(a.Tokens) == 0 {
		a.Ada.SetInt64(2_000_000)
	}
	return a
}

func (g *gen) destination() txjob.Destination {
	if g.Bool() {
		mark(g, "Destination", "ToAddress")
		return txjob.Destination{Kind: txjob.ToAddress, Address: g.Address()}
	}
	mark(g, "Destination", "ToScript")
	return txjob.Destination{Kind: txjob.ToScript, Script: txjob.OpenRoleScript}
}

func (g *gen) recipients() map[txjob.Destination]*big.Int {
	m := map[txjob.Destination]*big.Int{g.destination(): g.Positive()}
	for i := g.N(2); i > 0; i-- {
		m[g.destination()] = g.Positive()
	}
	return m
}

func (g *gen) uri() txjob.URI {
	u := txjob.URI{Scheme: "ipfs:", Path: g.Text(), Query: "?" + g.Text(), Fragment: g.Text()}
	if g.Bool() {
		u.Authority = &txjob.URIAuth{UserInfo: g.Text(), RegName: g.Text(), Port: ":" + g.Text()}
	}
	return u
}

func (g *gen) mediaType() txjob.MediaType {
	return []txjob.MediaType{"image/png", "text/plain;charset=utf-8", "*/*", "application/vnd.ünïcode"}[g.N(4)]
}

func (g *gen) properties() map[string]types.Metadata {
	m := map[string]types.Metadata{}
	for i := g.N(3); i > 0; i-- {
		m[g.Text()] = g.Metadata(1)
	}
	return m
}

func (g *gen) roleTokenMetadata() *txjob.RoleTokenMetadata {
	if g.Bool() {
		return nil
	}
	md := &txjob.RoleTokenMetadata{Name: g.Text(), Image: g.uri(), AdditionalProperties: g.properties()}
	if g.Bool() {
		mt := g.mediaType()
		md.MediaType = &mt
	}
	if g.Bool() {
		s := g.Text()
		md.Description = &s
	}
	for i := g.N(3); i > 0; i-- {
		md.Files = append(md.Files, txjob.NFTMetadataFile{Name: g.Text(), MediaType: g.mediaType(), Src: g.uri(), AdditionalProperties: g.properties()})
	}
	return md
}

func (g *gen) roleTokensConfig() txjob.RoleTokensConfig {
	switch g.N(3) {
	case 0:
		return mark[txjob.RoleTokensConfig](g, "RoleTokensConfig", txjob.RoleTokensNone{})
	case 1:
		dist := map[types.TokenName]map[txjob.Destination]*big.Int{}
		for i := g.N(3); i > 0; i-- {
			dist[types.TokenName(g.Bytes())] = g.recipients()
		}
		return mark[txjob.RoleTokensConfig](g, "RoleTokensConfig", txjob.RoleTokensUsePolicy{Policy: types.PolicyId("p" + g.Bytes()), Distribution: dist})
	}
	mint := txjob.Mint{types.TokenName(g.Bytes()): {Metadata: g.roleTokenMetadata(), Recipients: g.recipients()}}
	return mark[txjob.RoleTokensConfig](g, "RoleTokensConfig", txjob.RoleTokensMint{Mint: mint})
}

func (g *gen) roleTokenFilter(depth int) txjob.RoleTokenFilter {
	k := g.N(8)
	if depth <= 0 {
		k = 3 + g.N(5)
	}
	var f txjob.RoleTokenFilter
	switch k {
	case 0:
		f = txjob.RoleTokensOr{L: g.roleTokenFilter(depth - 1), R: g.roleTokenFilter(depth - 1)}
	case 1:
		f = txjob.RoleTokensAnd{L: g.roleTokenFilter(depth - 1), R: g.roleTokenFilter(depth - 1)}
	case 2:
		f = txjob.RoleTokensNot{F: g.roleTokenFilter(depth - 1)}
	case 3:
		f = txjob.RoleTokenFilterAny{}
	case 4:
		f = txjob.RoleTokenFilterNone{}
	case 5:
		f = txjob.RoleTokenFilterByContracts{Contracts: typestest.Distinct(g.Gen, g.ContractId)}
	case 6:
		f = txjob.RoleTokenFilterByPolicyIds{Policies: typestest.Distinct(g.Gen, g.PolicyId)}
	default:
		f = txjob.RoleTokenFilterByTokens{Tokens: typestest.Distinct(g.Gen, g.AssetId)}
	}
	return mark(g, "RoleTokenFilter", f)
}

func (g *gen) command(k txjob.CommandKind) txjob.Command {
	var c txjob.Command
	switch k {
	case txjob.KindCreate:
		cr := txjob.Create{Version: types.MarloweV1, WalletAddresses: g.walletAddresses(), RoleTokens: g.roleTokensConfig(),
			Metadata: g.MarloweMetadata(), Accounts: map[txjob.Account]types.Assets{}}
		if g.Bool() {
			cr.StakeCredential = &types.StakeCredential{Script: g.Bool(), Hash: g.Bytes()}
		}
		if g.Bool() {
			n := types.TokenName(g.Bytes())
			cr.ThreadTokenName = &n
		}
		if g.Bool() {
			cr.MinLovelaceDeposit = g.Integer()
		}
		for i := g.N(3); i > 0; i-- {
			cr.Accounts[g.account()] = g.accountAssets()
		}
		if g.Bool() {
			cr.Contract = binary.Either[core.Contract, types.DatumHash]{IsRight: true, Right: g.DatumHash()}
		} else {
			cr.Contract = binary.Either[core.Contract, types.DatumHash]{Left: g.Contract(3)}
		}
		c = cr
	case txjob.KindApplyInputs:
		ai := txjob.ApplyInputs{Version: types.MarloweV1, WalletAddresses: g.walletAddresses(), ContractId: g.ContractId(),
			Metadata: g.MarloweMetadata(), Inputs: g.inputsDatum()}
		if g.Bool() {
			t := g.UTCTime()
			ai.InvalidBefore = &t
		}
		if g.Bool() {
			t := g.UTCTime()
			ai.InvalidHereafter = &t
		}
		c = ai
	case txjob.KindWithdraw:
		c = txjob.Withdraw{Version: types.MarloweV1, WalletAddresses: g.walletAddresses(), Payouts: g.TxOutRefs()}
	case txjob.KindBurnRoleTokens:
		c = txjob.BurnRoleTokens{Version: types.MarloweV1, WalletAddresses: g.walletAddresses(), Filter: g.roleTokenFilter(3)}
	default:
		c = txjob.Submit{Era: g.era(), Tx: g.txCBOR()}
	}
	return mark(g, "MarloweTxCommand", c)
}

// ---------------------------------------------------------------------------
// Errors (§5.5)

func (g *gen) coinSelectionError() txjob.CoinSelectionError {
	es := []txjob.CoinSelectionError{
		txjob.NoCollateralFound{Utxos: g.TxOutRefs()},
		txjob.InsufficientLovelace{Required: g.Integer(), Available: g.Integer()},
		txjob.InsufficientTokens{Tokens: g.Tokens(g.Integer)},
	}
	return mark(g, "CoinSelectionError", es[g.N(len(es))])
}

func (g *gen) constraintError() txjob.ConstraintError {
	var maybeDatum data.PlutusData
	if g.Bool() {
		maybeDatum = g.Datum(2)
	}
	es := []txjob.ConstraintError{
		txjob.MintingUtxoNotFound{TxOutRef: g.TxOutRef()},
		txjob.RoleTokenNotFound{AssetId: g.AssetId()},
		txjob.ToCardanoError{},
		txjob.MissingMarloweInput{},
		txjob.PayoutNotFound{TxOutRef: g.TxOutRef()},
		txjob.InvalidPayoutDatum{TxOutRef: g.TxOutRef(), Datum: maybeDatum},
		txjob.InvalidHelperDatum{TxOutRef: g.TxOutRef(), Datum: maybeDatum},
		txjob.InvalidPayoutScriptAddress{TxOutRef: g.TxOutRef(), Address: g.Address()},
		txjob.InvalidTokenQuantity{AssetId: g.AssetId(), Quantity: g.Integer()},
		txjob.CalculateMinUtxoFailed{Message: g.Text()},
		nil, // CoinSelectionFailed, generated lazily to keep recursion shallow
		txjob.BalancingError{Message: g.Text()},
		txjob.MarloweInputInWithdraw{},
		txjob.MarloweOutputInWithdraw{},
		txjob.PayoutOutputInWithdraw{},
		txjob.PayoutInputInCreateOrApply{},
		txjob.UnknownPayoutScript{ScriptHash: g.ScriptHash()},
		txjob.HelperScriptNotFound{TokenName: types.TokenName(g.Bytes())},
	}
	i := g.N(len(es))
	if es[i] == nil {
		es[i] = txjob.CoinSelectionFailed{Err: g.coinSelectionError()}
	}
	return mark(g, "ConstraintError", es[i])
}

func (g *gen) extractMarloweTransactionError() types.ExtractMarloweTransactionError {
	k := types.ExtractMarloweTransactionErrorKind(g.N(10))
	x := types.ExtractMarloweTransactionError{Kind: k}
	switch k {
	case types.NoPayoutDatum, types.InvalidPayoutDatum:
		x.TxOutRef = g.TxOutRef()
	case types.MultipleContractInputs:
		x.TxOutRefs = g.TxOutRefs()
	}
	return x
}

func (g *gen) loadMarloweContextError() txjob.LoadMarloweContextError {
	es := []txjob.LoadMarloweContextError{
		txjob.LoadMarloweContextErrorNotFound{},
		txjob.LoadMarloweContextErrorVersionMismatch{Version: types.MarloweV1},
		txjob.LoadMarloweContextToCardanoError{},
		txjob.MarloweScriptNotPublished{ScriptHash: g.ScriptHash()},
		txjob.PayoutScriptNotPublished{ScriptHash: g.ScriptHash()},
		txjob.ExtractCreationError{Err: types.ExtractCreationError(g.N(7))},
		txjob.ExtractMarloweTransactionError{Err: g.extractMarloweTransactionError()},
	}
	return mark(g, "LoadMarloweContextError", es[g.N(len(es))])
}

func (g *gen) loadHelpersContextError() txjob.LoadHelpersContextError {
	es := []txjob.LoadHelpersContextError{
		txjob.HelperScriptNotFoundInRegistry{Script: txjob.OpenRoleScript},
		txjob.LoadHelpersContextErrorNotFound{TxId: g.TxId()},
		txjob.LoadHelpersContextErrorVersionMismatch{Version: types.MarloweV1},
		txjob.ContractNotExtractedError{Err: types.ExtractCreationError(g.N(7))},
		txjob.RollForwardToGenesisError{},
		txjob.LoadHelpersContextTxOutRefNotFoundError{TxOutRef: g.TxOutRef()},
	}
	return mark(g, "LoadHelpersContextError", es[g.N(len(es))])
}

func (g *gen) createBuildupError() txjob.CreateBuildupError {
	var as []types.Address
	for i := g.N(3); i > 0; i-- {
		as = append(as, g.Address())
	}
	es := []txjob.CreateBuildupError{
		txjob.MintingUtxoSelectionFailed{},
		txjob.AddressesDecodingFailed{Addresses: as},
		txjob.InvalidInitialState{},
		txjob.MintingScriptDecodingFailed{Script: types.PlutusScript(g.Bytes())},
	}
	return mark(g, "CreateBuildupError", es[g.N(len(es))])
}

func (g *gen) applyInputsConstraintsBuildupError() txjob.ApplyInputsConstraintsBuildupError {
	es := []txjob.ApplyInputsConstraintsBuildupError{
		txjob.MarloweComputeTransactionFailed{Err: g.TransactionError()},
		txjob.InvalidMarloweState{},
		txjob.UnableToDetermineTransactionTimeout{},
	}
	return mark(g, "ApplyInputsConstraintsBuildupError", es[g.N(len(es))])
}

func (g *gen) safetyError() txjob.SafetyError {
	k := g.N(22)
	var e txjob.SafetyError
	switch k {
	case 0:
		e = txjob.MissingRolesCurrency{}
	case 1:
		e = txjob.ContractHasNoRoles{}
	case 2:
		e = txjob.MissingRoleToken{Role: core.TokenName(g.Bytes())}
	case 3:
		e = txjob.ExtraRoleToken{Role: core.TokenName(g.Bytes())}
	case 4:
		e = txjob.RoleNameTooLong{Role: core.TokenName(g.Bytes())}
	case 5:
		e = txjob.InvalidCurrencySymbol{Currency: core.CurrencySymbol(g.Bytes())}
	case 6:
		e = txjob.TokenNameTooLong{Name: core.TokenName(g.Bytes())}
	case 7:
		e = txjob.InvalidToken{Token: g.Token()}
	case 8:
		e = txjob.NonPositiveBalance{Account: g.Party(), Token: g.Token()}
	case 9:
		e = txjob.DuplicateAccount{Account: g.Party(), Token: g.Token()}
	case 10:
		e = txjob.DuplicateChoice{Choice: g.ChoiceId()}
	case 11:
		e = txjob.DuplicateBoundValue{ValueID: core.ValueID(g.Bytes())}
	case 12:
		e = txjob.MaximumValueMayExceedProtocol{Bytes: g.Natural()}
	case 13:
		e = txjob.TransactionSizeMayExceedProtocol{Tx: g.safetyTx(), Bytes: g.Natural()}
	case 14:
		e = txjob.TransactionCostMayExceedProtocol{Tx: g.safetyTx(), Cost: txjob.ExBudget{CPU: g.R.Int64(), Memory: -g.R.Int64()}}
	case 15:
		e = txjob.TransactionValidationError{Tx: g.safetyTx(), Message: g.Text()}
	case 16:
		e = txjob.TransactionWarning{Tx: g.safetyTx(), Warning: g.TransactionWarning()}
	case 17:
		e = txjob.MissingContinuation{Hash: []byte(g.Bytes())}
	case 18:
		e = txjob.InconsistentNetworks{}
	case 19:
		e = txjob.WrongNetwork{}
	case 20:
		a := g.CoreAddress()
		a.Mainnet = false // not on the wire
		e = txjob.IllegalAddress{Address: a}
	default:
		e = txjob.SafetyAnalysisTimeout{}
	}
	return mark(g, "SafetyError", e)
}

func (g *gen) safetyErrors() []txjob.SafetyError {
	out := make([]txjob.SafetyError, g.N(3))
	for i := range out {
		out[i] = g.safetyError()
	}
	return out
}

func (g *gen) createError() txjob.CreateError {
	var e txjob.CreateError
	switch g.N(11) {
	case 0:
		e = txjob.CreateEraUnsupported{Era: types.CardanoEra(g.N(7))}
	case 1:
		e = txjob.CreateConstraintError{Err: g.constraintError()}
	case 2:
		e = txjob.CreateLoadMarloweContextFailed{Err: g.loadMarloweContextError()}
	case 3:
		e = txjob.CreateLoadHelpersContextFailed{Err: g.loadHelpersContextError()}
	case 4:
		e = txjob.CreateBuildupFailed{Err: g.createBuildupError()}
	case 5:
		e = txjob.CreateToCardanoError{}
	case 6:
		e = txjob.CreateSafetyAnalysisFailed{Errors: g.safetyErrors()}
	case 7:
		e = txjob.CreateSafetyAnalysisError{Message: g.Text()}
	case 8:
		e = txjob.CreateContractNotFound{}
	case 9:
		e = txjob.ProtocolParamNoUTxOCostPerByte{}
	default:
		e = txjob.InsufficientMinAdaDeposit{Lovelace: g.Integer()}
	}
	return mark(g, "CreateError", e)
}

func (g *gen) applyInputsError() txjob.ApplyInputsError {
	var e txjob.ApplyInputsError
	switch g.N(11) {
	case 0:
		e = txjob.ApplyInputsEraUnsupported{Era: types.CardanoEra(g.N(7))}
	case 1:
		e = txjob.ApplyInputsConstraintError{Err: g.constraintError()}
	case 2:
		e = txjob.ApplyInputsContractContinuationNotFound{}
	case 3:
		e = txjob.ScriptOutputNotFound{}
	case 4:
		e = txjob.ApplyInputsLoadMarloweContextFailed{Err: g.loadMarloweContextError()}
	case 5:
		e = txjob.ApplyInputsLoadHelpersContextFailed{Err: g.loadHelpersContextError()}
	case 6:
		e = txjob.ApplyInputsConstraintsBuildupFailed{Err: g.applyInputsConstraintsBuildupError()}
	case 7:
		e = txjob.ApplyInputsSafetyAnalysisError{Message: g.Text()}
	case 8:
		e = txjob.SlotConversionFailed{Message: g.Text()}
	case 9:
		e = txjob.TipAtGenesis{}
	default:
		e = txjob.ValidityLowerBoundTooHigh{TipSlot: types.SlotNo(g.R.Uint64()), InvalidBeforeSlot: types.SlotNo(g.R.Uint64())}
	}
	return mark(g, "ApplyInputsError", e)
}

func (g *gen) withdrawError() txjob.WithdrawError {
	var e txjob.WithdrawError
	switch g.N(4) {
	case 0:
		e = txjob.WithdrawEraUnsupported{Era: types.CardanoEra(g.N(7))}
	case 1:
		e = txjob.WithdrawConstraintError{Err: g.constraintError()}
	case 2:
		e = txjob.EmptyPayouts{}
	default:
		e = txjob.WithdrawLoadHelpersContextFailed{Err: g.loadHelpersContextError()}
	}
	return mark(g, "WithdrawError", e)
}

func (g *gen) burnRoleTokensError() txjob.BurnRoleTokensError {
	var e txjob.BurnRoleTokensError
	switch g.N(6) {
	case 0:
		e = txjob.BurnEraUnsupported{Era: types.CardanoEra(g.N(7))}
	case 1:
		e = txjob.BurnRolesActive{Policies: typestest.Distinct(g.Gen, g.PolicyId)}
	case 2:
		e = txjob.BurnInvalidPolicyId{Policies: typestest.Distinct(g.Gen, g.PolicyId)}
	case 3:
		e = txjob.BurnNoTokens{}
	case 4:
		e = txjob.BurnFromCardanoError{}
	default:
		e = txjob.BurnConstraintError{Err: g.constraintError()}
	}
	return mark(g, "BurnRoleTokensError", e)
}

func (g *gen) submitError() txjob.SubmitError {
	es := []txjob.SubmitError{txjob.SubmitException{Message: g.Text()}, txjob.SubmitFailed{Message: g.Text()}, txjob.TxDiscarded{}}
	return mark(g, "SubmitError", es[g.N(len(es))])
}

// cmdError returns an error value of the command kind k.
func (g *gen) cmdError(k txjob.CommandKind) any {
	switch k {
	case txjob.KindCreate:
		return g.createError()
	case txjob.KindApplyInputs:
		return g.applyInputsError()
	case txjob.KindWithdraw:
		return g.withdrawError()
	case txjob.KindBurnRoleTokens:
		return g.burnRoleTokensError()
	}
	return g.submitError()
}

// ---------------------------------------------------------------------------
// Results

// scriptOutput is a Marlowe script output whose datum is MarloweData, as
// the InputsApplied result carries.
func (g *gen) scriptOutput() types.TransactionScriptOutput {
	return types.TransactionScriptOutput{Address: g.Address(), Assets: g.Assets(), Utxo: g.TxOutRef(), Datum: g.MarloweDatum()}
}

func (g *gen) result(k txjob.CommandKind) any {
	var r any
	switch k {
	case txjob.KindCreate:
		r = txjob.ContractCreated{
			Era: g.era(), ContractId: g.ContractId(), RolesCurrency: g.PolicyId(),
			Metadata: g.MarloweMetadata(), MarloweScriptHash: g.ScriptHash(), MarloweScriptAddress: g.Address(),
			PayoutScriptHash: g.ScriptHash(), PayoutScriptAddress: g.Address(),
			Datum: g.MarloweDatum(), Assets: g.Assets(), TxBody: g.txCBOR(), SafetyErrors: g.safetyErrors(),
		}
	case txjob.KindApplyInputs:
		out := types.TransactionOutput{Payouts: g.Payouts()}
		if g.Bool() {
			so := g.scriptOutput()
			out.ScriptOutput = &so
		}
		r = txjob.InputsApplied{
			Era: g.era(), ContractId: g.ContractId(), Metadata: g.MarloweMetadata(), Input: g.scriptOutput(),
			Output: out, InvalidBefore: g.UTCTime(), InvalidHereafter: g.UTCTime(), Inputs: g.inputsDatum(),
			TxBody: g.txCBOR(), SafetyErrors: g.safetyErrors(),
		}
	case txjob.KindWithdraw:
		r = txjob.WithdrawTx{Era: g.era(), Inputs: g.Payouts(), TxBody: g.txCBOR()}
	case txjob.KindBurnRoleTokens:
		r = txjob.BurnRoleTokensTx{Era: g.era(), BurnedTokens: g.Tokens(g.Integer), TxBody: g.txCBOR()}
	default:
		r = g.BlockHeader()
	}
	return mark(g, "Result", r)
}

func (g *gen) submitStatus() txjob.SubmitStatus {
	s := txjob.SubmitStatus(g.N(2))
	mark(g, "SubmitStatus", s.String())
	return s
}

// sample is a message together with the state it is sent in: st with the
// tag of kind k pending.
type sample struct {
	st  job.State
	k   txjob.CommandKind
	msg session.Message
}

// messages returns one random message of every kind that can occur in
// every state, for every command tag.
func (g *gen) messages() []sample {
	var out []sample
	add := func(st job.State, k txjob.CommandKind, m session.Message) {
		out = append(out, sample{st: st, k: k, msg: mark(g, "Message", m)})
	}
	for _, k := range txjob.Kinds() {
		add(job.StInit, k, job.MsgExec{Command: g.command(k)})
		add(job.StCmd, k, job.MsgFail{Err: g.cmdError(k)})
		add(job.StCmd, k, job.MsgSucceed{Result: g.result(k)})
		if k == txjob.KindSubmit {
			id := txjob.JobIdSubmit{TxId: g.TxId()}
			add(job.StInit, k, job.MsgAttach{JobID: id})
			add(job.StCmd, k, job.MsgAwait{Status: g.submitStatus(), JobID: id})
		}
		add(job.StAttach, k, job.MsgAttached{})
		add(job.StAttach, k, job.MsgAttachFailed{})
		add(job.StAwait, k, job.MsgPoll{})
		add(job.StAwait, k, job.MsgDetach{})
	}
	return out
}
