package txjob_test

import (
	"math/big"
	"math/rand/v2"
	"reflect"
	"time"

	"github.com/blinklabs-io/plutigo/data"
	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// gen builds random TxJob values from a seeded source and records which
// constructor of which sum type it produced, so a test can prove that
// every constructor was exercised.
type gen struct {
	r    *rand.Rand
	seen map[string]map[string]int
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, 4_5)), seen: map[string]map[string]int{}}
}

// mark records that constructor v (named by its Go type, or name when v is
// a string) of sum type typ was generated, and returns v unchanged.
func mark[T any](g *gen, typ string, v T) T {
	name, ok := any(v).(string)
	if !ok {
		name = reflect.TypeOf(v).Name()
	}
	if g.seen[typ] == nil {
		g.seen[typ] = map[string]int{}
	}
	g.seen[typ][name]++
	return v
}

func (g *gen) n(k int) int { return g.r.IntN(k) }

func (g *gen) bytes() string {
	b := make([]byte, []int{0, 1, 28, 32, 3}[g.n(5)])
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return string(b)
}

// str is text with multi-byte characters, so String (character count) and
// Text (byte count) prefixes differ.
func (g *gen) str() string {
	alphabet := []rune("ab/:;=é€😀")
	r := make([]rune, g.n(12))
	for i := range r {
		r[i] = alphabet[g.n(len(alphabet))]
	}
	return string(r)
}

func (g *gen) integer() *big.Int {
	switch g.n(3) {
	case 0:
		return big.NewInt(int64(g.n(10)) - 5)
	case 1:
		return big.NewInt(g.r.Int64() - g.r.Int64())
	}
	n := new(big.Int).Lsh(big.NewInt(int64(g.n(1000))+1), uint(g.n(100)))
	if g.n(2) == 0 {
		n.Neg(n)
	}
	return n
}

func (g *gen) positive() *big.Int {
	n := g.integer()
	n.Abs(n)
	return n.Add(n, big.NewInt(1))
}

func (g *gen) natural() *big.Int {
	if g.n(2) == 0 {
		return new(big.Int).SetUint64(g.r.Uint64())
	}
	return new(big.Int).Lsh(big.NewInt(int64(g.n(1000))+1), 64+uint(g.n(64)))
}

func (g *gen) txOutRef() types.TxOutRef {
	return types.TxOutRef{TxId: types.TxId(g.bytes()), TxIx: types.TxIx(g.n(4))}
}

func (g *gen) txOutRefs() []types.TxOutRef {
	m := map[types.TxOutRef]bool{}
	for i := g.n(3); i > 0; i-- {
		m[g.txOutRef()] = true
	}
	var out []types.TxOutRef
	for r := range m {
		out = append(out, r)
	}
	return out
}

func (g *gen) assetId() types.AssetId {
	return types.AssetId{Policy: types.PolicyId(g.bytes()), Name: types.TokenName(g.bytes())}
}

func (g *gen) tokens(positive bool) types.Tokens {
	t := types.Tokens{}
	for i := g.n(3); i > 0; i-- {
		if positive {
			t[g.assetId()] = g.positive()
		} else {
			t[g.assetId()] = g.integer()
		}
	}
	return t
}

func (g *gen) assets() types.Assets { return types.Assets{Ada: g.integer(), Tokens: g.tokens(false)} }

func (g *gen) policies() []types.PolicyId {
	m := map[types.PolicyId]bool{}
	for i := g.n(3); i > 0; i-- {
		m[types.PolicyId(g.bytes())] = true
	}
	var out []types.PolicyId
	for p := range m {
		out = append(out, p)
	}
	return out
}

func (g *gen) utcTime() types.UTCTime {
	return types.UTCTimeOf(time.Unix(int64(g.r.Uint32()), int64(g.n(1e9))).UTC())
}

func (g *gen) metadatum(depth int) types.Metadata {
	k := g.n(5)
	if depth <= 0 {
		k = 2 + g.n(3)
	}
	switch k {
	case 0:
		var m types.MetadataMap
		for i := g.n(3); i > 0; i-- {
			m = append(m, types.MetadataPair{Key: g.metadatum(depth - 1), Value: g.metadatum(depth - 1)})
		}
		return m
	case 1:
		var l types.MetadataList
		for i := g.n(3); i > 0; i-- {
			l = append(l, g.metadatum(depth-1))
		}
		return l
	case 2:
		return types.MetadataNumber{Value: g.integer()}
	case 3:
		return types.MetadataBytes(g.bytes())
	}
	return types.MetadataText(g.str())
}

func (g *gen) metadata() types.MarloweTransactionMetadata {
	tm := types.TransactionMetadata{}
	for i := g.n(3); i > 0; i-- {
		tm[uint64(g.n(2000))+2000] = g.metadatum(2)
	}
	out := types.MarloweTransactionMetadata{Metadata: tm}
	if g.n(2) == 0 {
		mm := types.MarloweMetadata{Tags: map[string]types.Metadata{g.str(): nil, "tag": g.metadatum(1)}}
		if g.n(2) == 0 {
			c := "ipfs://" + g.str()
			mm.Continuations = &c
		}
		out.Marlowe = &mm
	}
	return out
}

func (g *gen) datum(depth int) data.PlutusData {
	k := g.n(5)
	if depth <= 0 {
		k = 3 + g.n(2)
	}
	switch k {
	case 0:
		return data.NewConstr(uint(g.n(10)), g.datum(depth-1))
	case 1:
		return data.NewMap([][2]data.PlutusData{{g.datum(depth - 1), g.datum(depth - 1)}})
	case 2:
		return data.NewList(g.datum(depth-1), g.datum(depth-1))
	case 3:
		return data.NewInteger(g.integer())
	}
	return data.NewByteString([]byte(g.bytes()))
}

// txCBOR is a small well-formed ledger-transaction-shaped CBOR array.
func (g *gen) txCBOR() []byte {
	body := map[uint64][]byte{0: []byte(g.bytes())}
	for i := g.n(3); i > 0; i-- {
		body[uint64(g.n(20))] = []byte(g.bytes())
	}
	b, err := cbor.Marshal([]any{body, map[uint64]any{}, g.n(2) == 0, nil})
	if err != nil {
		panic(err) // test generator: cannot fail for these values
	}
	return b
}

func (g *gen) era() types.BabbageEraOnwards {
	e := types.BabbageEraOnwards(g.n(2))
	mark(g, "BabbageEraOnwards", []string{"BabbageEraOnwardsBabbage", "BabbageEraOnwardsConway"}[e])
	return e
}

// ---------------------------------------------------------------------------
// Core V1 values

func (g *gen) address() core.Address {
	a := core.Address{Mainnet: g.n(2) == 0, Payment: core.Credential{Script: g.n(2) == 0, Hash: g.bytes()}}
	switch g.n(3) {
	case 1:
		a.Staking = core.StakingHash
		a.Stake = core.Credential{Script: g.n(2) == 0, Hash: g.bytes()}
	case 2:
		a.Staking = core.StakingPtr
		a.Pointer = [3]uint64{g.r.Uint64(), uint64(g.n(9)), uint64(g.n(9))}
	}
	return a
}

func (g *gen) party() core.Party {
	if g.n(2) == 0 {
		return core.RolePartyOf(core.TokenName(g.bytes()))
	}
	return core.AddressPartyOf(g.address())
}

func (g *gen) token() core.Token {
	return core.Token{Currency: core.CurrencySymbol(g.bytes()), Name: core.TokenName(g.bytes())}
}

func (g *gen) choiceID() core.ChoiceID {
	return core.ChoiceID{Name: core.ChoiceName(g.bytes()), Owner: g.party()}
}

func (g *gen) value(depth int) core.Value {
	if depth <= 0 || g.n(2) == 0 {
		return []core.Value{core.Constant{N: g.integer()}, core.TimeIntervalStart{},
			core.AvailableMoney{Account: g.party(), Token: g.token()}, core.UseValue{ID: core.ValueID(g.bytes())},
			core.ChoiceValue{ID: g.choiceID()}}[g.n(5)]
	}
	return core.AddValue{L: g.value(depth - 1), R: core.Cond{Obs: g.observation(depth - 1), Then: g.value(depth - 1), Else: core.TimeIntervalEnd{}}}
}

func (g *gen) observation(depth int) core.Observation {
	if depth <= 0 || g.n(2) == 0 {
		return []core.Observation{core.TrueObs{}, core.FalseObs{}, core.ChoseSomething{ID: g.choiceID()}}[g.n(3)]
	}
	return core.AndObs{L: core.NotObs{O: g.observation(depth - 1)}, R: core.ValueGE{L: g.value(depth - 1), R: g.value(depth - 1)}}
}

func (g *gen) contract(depth int) core.Contract {
	k := g.n(6)
	if depth <= 0 {
		k = 0
	}
	switch k {
	case 0:
		return core.Close{}
	case 1:
		return core.Pay{From: g.party(), To: core.Payee{Kind: core.PayeeKind(g.n(2)), Party: g.party()}, Token: g.token(),
			Amount: g.value(1), Then: g.contract(depth - 1)}
	case 2:
		return core.If{Obs: g.observation(1), Then: g.contract(depth - 1), Else: g.contract(depth - 1)}
	case 3:
		cs := []core.Case{
			{Action: core.Deposit{Into: g.party(), From: g.party(), Token: g.token(), Amount: g.value(1)}, Then: g.contract(depth - 1)},
			{Action: core.Choice{ID: g.choiceID(), Bounds: []core.Bound{{Low: g.integer(), High: g.integer()}}}, Merkleized: true, Hash: []byte(g.bytes())},
			{Action: core.Notify{Obs: g.observation(1)}, Then: core.Close{}},
		}
		return core.When{Cases: cs[:g.n(4)], Timeout: g.integer(), Continuation: g.contract(depth - 1)}
	case 4:
		return core.Let{ID: core.ValueID(g.bytes()), Value: g.value(1), Then: g.contract(depth - 1)}
	}
	return core.Assert{Obs: g.observation(1), Then: g.contract(depth - 1)}
}

func (g *gen) state() core.State {
	st := core.State{MinTime: g.integer()}
	for i := g.n(3); i > 0; i-- {
		st.Accounts = append(st.Accounts, core.AccountEntry{Account: g.party(), Token: g.token(), Amount: g.integer()})
		st.Choices = append(st.Choices, core.ChoiceEntry{ID: g.choiceID(), Value: g.integer()})
		st.BoundValues = append(st.BoundValues, core.BoundValueEntry{ID: core.ValueID(g.bytes()), Value: g.integer()})
	}
	return st
}

func (g *gen) interval() core.TimeInterval {
	return core.TimeInterval{From: g.integer(), To: g.integer()}
}

func (g *gen) inputContent() core.InputContent {
	switch g.n(3) {
	case 0:
		return core.IDeposit{Into: g.party(), From: g.party(), Token: g.token(), Amount: g.integer()}
	case 1:
		return core.IChoice{ID: g.choiceID(), Chosen: g.integer()}
	}
	return core.INotify{}
}

func (g *gen) inputs() []core.Input {
	ins := make([]core.Input, g.n(3))
	for i := range ins {
		ins[i] = core.Input{Content: g.inputContent()}
		if g.n(2) == 0 {
			ins[i].Merkleized, ins[i].Hash, ins[i].Continuation = true, []byte(g.bytes()), g.contract(2)
		}
	}
	return ins
}

func (g *gen) inputsDatum() data.PlutusData {
	pd, err := txjob.InputsToData(g.inputs())
	if err != nil {
		panic(err) // test generator: generated inputs always convert
	}
	return pd
}

func (g *gen) marloweDatum() data.PlutusData {
	pd, err := core.ToData(core.MarloweData{Params: core.MarloweParams{RolesCurrency: core.CurrencySymbol(g.bytes())},
		State: g.state(), Contract: g.contract(3)})
	if err != nil {
		panic(err) // test generator: generated MarloweData always converts
	}
	return pd
}

func (g *gen) payee() core.Payee { return core.Payee{Kind: core.PayeeKind(g.n(2)), Party: g.party()} }

func (g *gen) warning() core.TransactionWarning {
	ws := []core.TransactionWarning{
		core.NonPositiveDeposit{Party: g.party(), Account: g.party(), Token: g.token(), Amount: g.integer()},
		core.NonPositivePay{Account: g.party(), Payee: g.payee(), Token: g.token(), Amount: g.integer()},
		core.PartialPay{Account: g.party(), Payee: g.payee(), Token: g.token(), Paid: g.integer(), Expected: g.integer()},
		core.Shadowing{ID: core.ValueID(g.bytes()), Old: g.integer(), New: g.integer()},
		core.AssertionFailed{},
	}
	return mark(g, "TransactionWarning", ws[g.n(len(ws))])
}

func (g *gen) transactionError() core.TransactionError {
	es := []core.TransactionError{
		core.TEAmbiguousTimeIntervalError{}, core.TEApplyNoMatchError{},
		core.TEIntervalError{Err: core.InvalidInterval{Interval: g.interval()}},
		core.TEUselessTransaction{}, core.TEHashMismatch{},
		core.TEIntervalError{Err: core.IntervalInPastError{MinTime: g.integer(), Interval: g.interval()}},
	}
	return mark(g, "TransactionError", es[g.n(len(es))])
}

func (g *gen) coreOutput() core.TransactionOutput {
	if g.n(3) == 0 {
		return core.TransactionOutput{Error: g.transactionError()}
	}
	return core.TransactionOutput{
		Warnings: []core.TransactionWarning{g.warning()},
		Payments: []core.Payment{{From: g.party(), To: g.payee(), Token: g.token(), Amount: g.integer()}},
		State:    g.state(),
		Contract: g.contract(2),
	}
}

func (g *gen) safetyTx() txjob.SafetyTx {
	return txjob.SafetyTx{
		State:    g.state(),
		Contract: g.contract(2),
		Input:    core.TransactionInput{Interval: g.interval(), Inputs: g.inputs()},
		Output:   g.coreOutput(),
	}
}

// ---------------------------------------------------------------------------
// Tx-command types (§5.5)

func (g *gen) walletAddresses() txjob.WalletAddresses {
	w := txjob.WalletAddresses{ChangeAddress: types.Address(g.bytes()), CollateralUtxos: g.txOutRefs()}
	seen := map[types.Address]bool{}
	for i := g.n(3); i > 0; i-- {
		a := types.Address(g.bytes())
		if !seen[a] {
			seen[a] = true
			w.ExtraAddresses = append(w.ExtraAddresses, a)
		}
	}
	return w
}

func (g *gen) account() txjob.Account {
	if g.n(2) == 0 {
		mark(g, "Account", "RoleAccount")
		return txjob.Account{Kind: txjob.RoleAccount, Role: types.TokenName(g.bytes())}
	}
	mark(g, "Account", "AddressAccount")
	return txjob.Account{Kind: txjob.AddressAccount, Address: types.Address(g.bytes())}
}

func (g *gen) accountAssets() types.Assets {
	a := types.Assets{Ada: new(big.Int).Abs(g.integer()), Tokens: g.tokens(true)}
	if a.Ada.Sign() == 0 && len(a.Tokens) == 0 {
		a.Ada.SetInt64(2_000_000)
	}
	return a
}

func (g *gen) destination() txjob.Destination {
	if g.n(2) == 0 {
		mark(g, "Destination", "ToAddress")
		return txjob.Destination{Kind: txjob.ToAddress, Address: types.Address(g.bytes())}
	}
	mark(g, "Destination", "ToScript")
	return txjob.Destination{Kind: txjob.ToScript, Script: txjob.OpenRoleScript}
}

func (g *gen) recipients() map[txjob.Destination]*big.Int {
	m := map[txjob.Destination]*big.Int{g.destination(): g.positive()}
	for i := g.n(2); i > 0; i-- {
		m[g.destination()] = g.positive()
	}
	return m
}

func (g *gen) uri() txjob.URI {
	u := txjob.URI{Scheme: "ipfs:", Path: g.str(), Query: "?" + g.str(), Fragment: g.str()}
	if g.n(2) == 0 {
		u.Authority = &txjob.URIAuth{UserInfo: g.str(), RegName: g.str(), Port: ":" + g.str()}
	}
	return u
}

func (g *gen) mediaType() txjob.MediaType {
	return []txjob.MediaType{"image/png", "text/plain;charset=utf-8", "*/*", "application/vnd.ünïcode"}[g.n(4)]
}

func (g *gen) properties() map[string]types.Metadata {
	m := map[string]types.Metadata{}
	for i := g.n(3); i > 0; i-- {
		m[g.str()] = g.metadatum(1)
	}
	return m
}

func (g *gen) roleTokenMetadata() *txjob.RoleTokenMetadata {
	if g.n(2) == 0 {
		return nil
	}
	md := &txjob.RoleTokenMetadata{Name: g.str(), Image: g.uri(), AdditionalProperties: g.properties()}
	if g.n(2) == 0 {
		mt := g.mediaType()
		md.MediaType = &mt
	}
	if g.n(2) == 0 {
		s := g.str()
		md.Description = &s
	}
	for i := g.n(3); i > 0; i-- {
		md.Files = append(md.Files, txjob.NFTMetadataFile{Name: g.str(), MediaType: g.mediaType(), Src: g.uri(), AdditionalProperties: g.properties()})
	}
	return md
}

func (g *gen) roleTokensConfig() txjob.RoleTokensConfig {
	switch g.n(3) {
	case 0:
		return mark[txjob.RoleTokensConfig](g, "RoleTokensConfig", txjob.RoleTokensNone{})
	case 1:
		dist := map[types.TokenName]map[txjob.Destination]*big.Int{}
		for i := g.n(3); i > 0; i-- {
			dist[types.TokenName(g.bytes())] = g.recipients()
		}
		return mark[txjob.RoleTokensConfig](g, "RoleTokensConfig", txjob.RoleTokensUsePolicy{Policy: types.PolicyId("p" + g.bytes()), Distribution: dist})
	}
	mint := txjob.Mint{types.TokenName(g.bytes()): {Metadata: g.roleTokenMetadata(), Recipients: g.recipients()}}
	return mark[txjob.RoleTokensConfig](g, "RoleTokensConfig", txjob.RoleTokensMint{Mint: mint})
}

func (g *gen) roleTokenFilter(depth int) txjob.RoleTokenFilter {
	k := g.n(8)
	if depth <= 0 {
		k = 3 + g.n(5)
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
		var cs []types.ContractId
		for _, r := range g.txOutRefs() {
			cs = append(cs, types.ContractId(r))
		}
		f = txjob.RoleTokenFilterByContracts{Contracts: cs}
	case 6:
		f = txjob.RoleTokenFilterByPolicyIds{Policies: g.policies()}
	default:
		ts := map[types.AssetId]bool{}
		var out []types.AssetId
		for i := g.n(3); i > 0; i-- {
			if a := g.assetId(); !ts[a] {
				ts[a] = true
				out = append(out, a)
			}
		}
		f = txjob.RoleTokenFilterByTokens{Tokens: out}
	}
	return mark(g, "RoleTokenFilter", f)
}

func (g *gen) command(k txjob.CommandKind) txjob.Command {
	var c txjob.Command
	switch k {
	case txjob.KindCreate:
		cr := txjob.Create{Version: types.MarloweV1, WalletAddresses: g.walletAddresses(), RoleTokens: g.roleTokensConfig(),
			Metadata: g.metadata(), Accounts: map[txjob.Account]types.Assets{}}
		if g.n(2) == 0 {
			cr.StakeCredential = &types.StakeCredential{Script: g.n(2) == 0, Hash: g.bytes()}
		}
		if g.n(2) == 0 {
			n := types.TokenName(g.bytes())
			cr.ThreadTokenName = &n
		}
		if g.n(2) == 0 {
			cr.MinLovelaceDeposit = g.integer()
		}
		for i := g.n(3); i > 0; i-- {
			cr.Accounts[g.account()] = g.accountAssets()
		}
		if g.n(2) == 0 {
			cr.Contract = binary.Either[core.Contract, types.DatumHash]{IsRight: true, Right: types.DatumHash(g.bytes())}
		} else {
			cr.Contract = binary.Either[core.Contract, types.DatumHash]{Left: g.contract(3)}
		}
		c = cr
	case txjob.KindApplyInputs:
		ai := txjob.ApplyInputs{Version: types.MarloweV1, WalletAddresses: g.walletAddresses(), ContractId: types.ContractId(g.txOutRef()),
			Metadata: g.metadata(), Inputs: g.inputsDatum()}
		if g.n(2) == 0 {
			t := g.utcTime()
			ai.InvalidBefore = &t
		}
		if g.n(2) == 0 {
			t := g.utcTime()
			ai.InvalidHereafter = &t
		}
		c = ai
	case txjob.KindWithdraw:
		c = txjob.Withdraw{Version: types.MarloweV1, WalletAddresses: g.walletAddresses(), Payouts: g.txOutRefs()}
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
		txjob.NoCollateralFound{Utxos: g.txOutRefs()},
		txjob.InsufficientLovelace{Required: g.integer(), Available: g.integer()},
		txjob.InsufficientTokens{Tokens: g.tokens(false)},
	}
	return mark(g, "CoinSelectionError", es[g.n(len(es))])
}

func (g *gen) constraintError() txjob.ConstraintError {
	var maybeDatum data.PlutusData
	if g.n(2) == 0 {
		maybeDatum = g.datum(2)
	}
	es := []txjob.ConstraintError{
		txjob.MintingUtxoNotFound{TxOutRef: g.txOutRef()},
		txjob.RoleTokenNotFound{AssetId: g.assetId()},
		txjob.ToCardanoError{},
		txjob.MissingMarloweInput{},
		txjob.PayoutNotFound{TxOutRef: g.txOutRef()},
		txjob.InvalidPayoutDatum{TxOutRef: g.txOutRef(), Datum: maybeDatum},
		txjob.InvalidHelperDatum{TxOutRef: g.txOutRef(), Datum: maybeDatum},
		txjob.InvalidPayoutScriptAddress{TxOutRef: g.txOutRef(), Address: types.Address(g.bytes())},
		txjob.InvalidTokenQuantity{AssetId: g.assetId(), Quantity: g.integer()},
		txjob.CalculateMinUtxoFailed{Message: g.str()},
		nil, // CoinSelectionFailed, generated lazily to keep recursion shallow
		txjob.BalancingError{Message: g.str()},
		txjob.MarloweInputInWithdraw{},
		txjob.MarloweOutputInWithdraw{},
		txjob.PayoutOutputInWithdraw{},
		txjob.PayoutInputInCreateOrApply{},
		txjob.UnknownPayoutScript{ScriptHash: types.ScriptHash(g.bytes())},
		txjob.HelperScriptNotFound{TokenName: types.TokenName(g.bytes())},
	}
	i := g.n(len(es))
	if es[i] == nil {
		es[i] = txjob.CoinSelectionFailed{Err: g.coinSelectionError()}
	}
	return mark(g, "ConstraintError", es[i])
}

func (g *gen) extractMarloweTransactionError() types.ExtractMarloweTransactionError {
	k := types.ExtractMarloweTransactionErrorKind(g.n(10))
	x := types.ExtractMarloweTransactionError{Kind: k}
	switch k {
	case types.NoPayoutDatum, types.InvalidPayoutDatum:
		x.TxOutRef = g.txOutRef()
	case types.MultipleContractInputs:
		x.TxOutRefs = g.txOutRefs()
	}
	return x
}

func (g *gen) loadMarloweContextError() txjob.LoadMarloweContextError {
	es := []txjob.LoadMarloweContextError{
		txjob.LoadMarloweContextErrorNotFound{},
		txjob.LoadMarloweContextErrorVersionMismatch{Version: types.MarloweV1},
		txjob.LoadMarloweContextToCardanoError{},
		txjob.MarloweScriptNotPublished{ScriptHash: types.ScriptHash(g.bytes())},
		txjob.PayoutScriptNotPublished{ScriptHash: types.ScriptHash(g.bytes())},
		txjob.ExtractCreationError{Err: types.ExtractCreationError(g.n(7))},
		txjob.ExtractMarloweTransactionError{Err: g.extractMarloweTransactionError()},
	}
	return mark(g, "LoadMarloweContextError", es[g.n(len(es))])
}

func (g *gen) loadHelpersContextError() txjob.LoadHelpersContextError {
	es := []txjob.LoadHelpersContextError{
		txjob.HelperScriptNotFoundInRegistry{Script: txjob.OpenRoleScript},
		txjob.LoadHelpersContextErrorNotFound{TxId: types.TxId(g.bytes())},
		txjob.LoadHelpersContextErrorVersionMismatch{Version: types.MarloweV1},
		txjob.ContractNotExtractedError{Err: types.ExtractCreationError(g.n(7))},
		txjob.RollForwardToGenesisError{},
		txjob.LoadHelpersContextTxOutRefNotFoundError{TxOutRef: g.txOutRef()},
	}
	return mark(g, "LoadHelpersContextError", es[g.n(len(es))])
}

func (g *gen) createBuildupError() txjob.CreateBuildupError {
	var as []types.Address
	for i := g.n(3); i > 0; i-- {
		as = append(as, types.Address(g.bytes()))
	}
	es := []txjob.CreateBuildupError{
		txjob.MintingUtxoSelectionFailed{},
		txjob.AddressesDecodingFailed{Addresses: as},
		txjob.InvalidInitialState{},
		txjob.MintingScriptDecodingFailed{Script: types.PlutusScript(g.bytes())},
	}
	return mark(g, "CreateBuildupError", es[g.n(len(es))])
}

func (g *gen) applyInputsConstraintsBuildupError() txjob.ApplyInputsConstraintsBuildupError {
	es := []txjob.ApplyInputsConstraintsBuildupError{
		txjob.MarloweComputeTransactionFailed{Err: g.transactionError()},
		txjob.InvalidMarloweState{},
		txjob.UnableToDetermineTransactionTimeout{},
	}
	return mark(g, "ApplyInputsConstraintsBuildupError", es[g.n(len(es))])
}

func (g *gen) safetyError() txjob.SafetyError {
	k := g.n(22)
	var e txjob.SafetyError
	switch k {
	case 0:
		e = txjob.MissingRolesCurrency{}
	case 1:
		e = txjob.ContractHasNoRoles{}
	case 2:
		e = txjob.MissingRoleToken{Role: core.TokenName(g.bytes())}
	case 3:
		e = txjob.ExtraRoleToken{Role: core.TokenName(g.bytes())}
	case 4:
		e = txjob.RoleNameTooLong{Role: core.TokenName(g.bytes())}
	case 5:
		e = txjob.InvalidCurrencySymbol{Currency: core.CurrencySymbol(g.bytes())}
	case 6:
		e = txjob.TokenNameTooLong{Name: core.TokenName(g.bytes())}
	case 7:
		e = txjob.InvalidToken{Token: g.token()}
	case 8:
		e = txjob.NonPositiveBalance{Account: g.party(), Token: g.token()}
	case 9:
		e = txjob.DuplicateAccount{Account: g.party(), Token: g.token()}
	case 10:
		e = txjob.DuplicateChoice{Choice: g.choiceID()}
	case 11:
		e = txjob.DuplicateBoundValue{ValueID: core.ValueID(g.bytes())}
	case 12:
		e = txjob.MaximumValueMayExceedProtocol{Bytes: g.natural()}
	case 13:
		e = txjob.TransactionSizeMayExceedProtocol{Tx: g.safetyTx(), Bytes: g.natural()}
	case 14:
		e = txjob.TransactionCostMayExceedProtocol{Tx: g.safetyTx(), Cost: txjob.ExBudget{CPU: g.r.Int64(), Memory: -g.r.Int64()}}
	case 15:
		e = txjob.TransactionValidationError{Tx: g.safetyTx(), Message: g.str()}
	case 16:
		e = txjob.TransactionWarning{Tx: g.safetyTx(), Warning: g.warning()}
	case 17:
		e = txjob.MissingContinuation{Hash: []byte(g.bytes())}
	case 18:
		e = txjob.InconsistentNetworks{}
	case 19:
		e = txjob.WrongNetwork{}
	case 20:
		a := g.address()
		a.Mainnet = false // not on the wire
		e = txjob.IllegalAddress{Address: a}
	default:
		e = txjob.SafetyAnalysisTimeout{}
	}
	return mark(g, "SafetyError", e)
}

func (g *gen) safetyErrors() []txjob.SafetyError {
	out := make([]txjob.SafetyError, g.n(3))
	for i := range out {
		out[i] = g.safetyError()
	}
	return out
}

func (g *gen) createError() txjob.CreateError {
	var e txjob.CreateError
	switch g.n(11) {
	case 0:
		e = txjob.CreateEraUnsupported{Era: types.CardanoEra(g.n(7))}
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
		e = txjob.CreateSafetyAnalysisError{Message: g.str()}
	case 8:
		e = txjob.CreateContractNotFound{}
	case 9:
		e = txjob.ProtocolParamNoUTxOCostPerByte{}
	default:
		e = txjob.InsufficientMinAdaDeposit{Lovelace: g.integer()}
	}
	return mark(g, "CreateError", e)
}

func (g *gen) applyInputsError() txjob.ApplyInputsError {
	var e txjob.ApplyInputsError
	switch g.n(11) {
	case 0:
		e = txjob.ApplyInputsEraUnsupported{Era: types.CardanoEra(g.n(7))}
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
		e = txjob.ApplyInputsSafetyAnalysisError{Message: g.str()}
	case 8:
		e = txjob.SlotConversionFailed{Message: g.str()}
	case 9:
		e = txjob.TipAtGenesis{}
	default:
		e = txjob.ValidityLowerBoundTooHigh{TipSlot: types.SlotNo(g.r.Uint64()), InvalidBeforeSlot: types.SlotNo(g.r.Uint64())}
	}
	return mark(g, "ApplyInputsError", e)
}

func (g *gen) withdrawError() txjob.WithdrawError {
	var e txjob.WithdrawError
	switch g.n(4) {
	case 0:
		e = txjob.WithdrawEraUnsupported{Era: types.CardanoEra(g.n(7))}
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
	switch g.n(6) {
	case 0:
		e = txjob.BurnEraUnsupported{Era: types.CardanoEra(g.n(7))}
	case 1:
		e = txjob.BurnRolesActive{Policies: g.policies()}
	case 2:
		e = txjob.BurnInvalidPolicyId{Policies: g.policies()}
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
	es := []txjob.SubmitError{txjob.SubmitException{Message: g.str()}, txjob.SubmitFailed{Message: g.str()}, txjob.TxDiscarded{}}
	return mark(g, "SubmitError", es[g.n(len(es))])
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

func (g *gen) payouts() map[types.TxOutRef]types.Payout {
	m := map[types.TxOutRef]types.Payout{}
	for i := g.n(3); i > 0; i-- {
		m[g.txOutRef()] = types.Payout{Address: types.Address(g.bytes()), Assets: g.assets(), Datum: g.assetId()}
	}
	return m
}

func (g *gen) scriptOutput() types.TransactionScriptOutput {
	return types.TransactionScriptOutput{Address: types.Address(g.bytes()), Assets: g.assets(), Utxo: g.txOutRef(), Datum: g.marloweDatum()}
}

func (g *gen) result(k txjob.CommandKind) any {
	var r any
	switch k {
	case txjob.KindCreate:
		r = txjob.ContractCreated{
			Era: g.era(), ContractId: types.ContractId(g.txOutRef()), RolesCurrency: types.PolicyId(g.bytes()),
			Metadata: g.metadata(), MarloweScriptHash: types.ScriptHash(g.bytes()), MarloweScriptAddress: types.Address(g.bytes()),
			PayoutScriptHash: types.ScriptHash(g.bytes()), PayoutScriptAddress: types.Address(g.bytes()),
			Datum: g.marloweDatum(), Assets: g.assets(), TxBody: g.txCBOR(), SafetyErrors: g.safetyErrors(),
		}
	case txjob.KindApplyInputs:
		out := types.TransactionOutput{Payouts: g.payouts()}
		if g.n(2) == 0 {
			so := g.scriptOutput()
			out.ScriptOutput = &so
		}
		r = txjob.InputsApplied{
			Era: g.era(), ContractId: types.ContractId(g.txOutRef()), Metadata: g.metadata(), Input: g.scriptOutput(),
			Output: out, InvalidBefore: g.utcTime(), InvalidHereafter: g.utcTime(), Inputs: g.inputsDatum(),
			TxBody: g.txCBOR(), SafetyErrors: g.safetyErrors(),
		}
	case txjob.KindWithdraw:
		r = txjob.WithdrawTx{Era: g.era(), Inputs: g.payouts(), TxBody: g.txCBOR()}
	case txjob.KindBurnRoleTokens:
		r = txjob.BurnRoleTokensTx{Era: g.era(), BurnedTokens: g.tokens(false), TxBody: g.txCBOR()}
	default:
		r = types.BlockHeader{Slot: types.SlotNo(g.r.Uint64()), Hash: types.BlockHeaderHash(g.bytes()), Block: types.BlockNo(g.r.Uint64())}
	}
	return mark(g, "Result", r)
}

func (g *gen) submitStatus() txjob.SubmitStatus {
	s := txjob.SubmitStatus(g.n(2))
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
			id := txjob.JobIdSubmit{TxId: types.TxId(g.bytes())}
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
