// Package querytest generates random wire values for the property tests of
// the Query instances (marlowequery, contractquery). Values come from a
// seeded math/rand/v2 source, so a failing case replays; every generated
// value has a wire form whose decoding re-encodes byte-identically (label
// 1564 metadata is only ever generated in canonical form).
package querytest

import (
	"math/big"
	"math/rand/v2"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Gen is a seeded generator.
type Gen struct{ R *rand.Rand }

// New returns a generator seeded with seed.
func New(seed uint64) Gen { return Gen{R: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// N returns a number in [0, k).
func (g Gen) N(k int) int { return g.R.IntN(k) }

// Bool returns a random bool.
func (g Gen) Bool() bool { return g.N(2) == 0 }

// Bytes returns raw bytes of a typical length (empty, 1, 3, 28 or 32).
func (g Gen) Bytes() string {
	b := make([]byte, []int{0, 1, 3, 28, 32}[g.N(5)])
	for i := range b {
		b[i] = byte(g.R.Uint32())
	}
	return string(b)
}

// Text returns a string with multi-byte characters.
func (g Gen) Text() string {
	alphabet := []rune("ab é€😀")
	r := make([]rune, g.N(12))
	for i := range r {
		r[i] = alphabet[g.N(len(alphabet))]
	}
	return string(r)
}

// Integer returns small, int64-sized or big integers of either sign.
func (g Gen) Integer() *big.Int {
	switch g.N(3) {
	case 0:
		return big.NewInt(int64(g.N(10)) - 5)
	case 1:
		return big.NewInt(g.R.Int64() - g.R.Int64())
	}
	n := new(big.Int).Lsh(big.NewInt(int64(g.N(1000))+1), uint(g.N(200)))
	if g.Bool() {
		n.Neg(n)
	}
	return n
}

// I64 returns an int64 of either sign, often small.
func (g Gen) I64() int64 {
	if g.Bool() {
		return int64(g.N(200))
	}
	return g.R.Int64() - g.R.Int64()
}

// TxId returns a transaction id.
func (g Gen) TxId() types.TxId { return types.TxId(g.Bytes()) }

// TxOutRef returns an output reference.
func (g Gen) TxOutRef() types.TxOutRef {
	return types.TxOutRef{TxId: g.TxId(), TxIx: types.TxIx(g.N(5))}
}

// ContractId returns a contract id.
func (g Gen) ContractId() types.ContractId { return types.ContractId(g.TxOutRef()) }

// PolicyId returns a policy id.
func (g Gen) PolicyId() types.PolicyId { return types.PolicyId(g.Bytes()) }

// AssetId returns an asset id.
func (g Gen) AssetId() types.AssetId {
	return types.AssetId{Policy: g.PolicyId(), Name: types.TokenName(g.Bytes())}
}

// Address returns raw address bytes.
func (g Gen) Address() types.Address { return types.Address(g.Bytes()) }

// DatumHash returns a datum hash.
func (g Gen) DatumHash() types.DatumHash { return types.DatumHash(g.Bytes()) }

// BlockHeader returns a block header.
func (g Gen) BlockHeader() types.BlockHeader {
	return types.BlockHeader{Slot: types.SlotNo(g.R.Uint64()), Hash: types.BlockHeaderHash(g.Bytes()), Block: types.BlockNo(g.R.Uint64())}
}

// ChainPoint returns Genesis or a block.
func (g Gen) ChainPoint() types.ChainPoint {
	if g.N(4) == 0 {
		return types.ChainPoint{}
	}
	return types.PointAt(g.BlockHeader())
}

// UTCTime returns a time of day on some day of some year.
func (g Gen) UTCTime() types.UTCTime {
	return types.UTCTime{Year: big.NewInt(int64(1900 + g.N(300))), DayOfYear: int64(1 + g.N(365)), Picoseconds: big.NewInt(g.R.Int64N(86400e12))}
}

// NetworkId returns mainnet or a testnet.
func (g Gen) NetworkId() types.NetworkId {
	if g.Bool() {
		return types.NetworkId{}
	}
	return types.NetworkId{Testnet: true, Magic: g.R.Uint32()}
}

// Version returns a Data.Version with optional (String) tags.
func (g Gen) Version() types.Version {
	v := types.Version{}
	for i := g.N(4); i > 0; i-- {
		v.Branch = append(v.Branch, g.I64())
	}
	for i := g.N(2); i > 0; i-- {
		v.Tags = append(v.Tags, g.Text())
	}
	return v
}

// Assets returns ada and a few tokens.
func (g Gen) Assets() types.Assets {
	toks := types.Tokens{}
	for i := g.N(3); i > 0; i-- {
		toks[g.AssetId()] = g.Integer()
	}
	return types.Assets{Ada: g.Integer(), Tokens: toks}
}

// Datum returns Plutus Data nested at most depth levels.
func (g Gen) Datum(depth int) data.PlutusData {
	k := g.N(5)
	if depth <= 0 {
		k = 3 + g.N(2)
	}
	switch k {
	case 0:
		fs := make([]data.PlutusData, g.N(3))
		for i := range fs {
			fs[i] = g.Datum(depth - 1)
		}
		return &data.Constr{Tag: uint(g.N(300)), Fields: fs}
	case 1:
		ps := make([][2]data.PlutusData, g.N(3))
		for i := range ps {
			ps[i] = [2]data.PlutusData{g.Datum(depth - 1), g.Datum(depth - 1)}
		}
		return &data.Map{Pairs: ps}
	case 2:
		xs := make([]data.PlutusData, g.N(3))
		for i := range xs {
			xs[i] = g.Datum(depth - 1)
		}
		return &data.List{Items: xs}
	case 3:
		return &data.Integer{Inner: g.Integer()}
	}
	return &data.ByteString{Inner: []byte(g.Bytes())}
}

// Metadata returns a transaction metadatum nested at most depth levels.
func (g Gen) Metadata(depth int) types.Metadata {
	k := g.N(5)
	if depth <= 0 {
		k = 2 + g.N(3)
	}
	switch k {
	case 0:
		m := make(types.MetadataMap, g.N(3))
		for i := range m {
			m[i] = types.MetadataPair{Key: g.Metadata(depth - 1), Value: g.Metadata(depth - 1)}
		}
		return m
	case 1:
		l := make(types.MetadataList, g.N(3))
		for i := range l {
			l[i] = g.Metadata(depth - 1)
		}
		return l
	case 2:
		return types.MetadataNumber{Value: g.Integer()}
	case 3:
		return types.MetadataBytes(g.Bytes())
	}
	return types.MetadataText(g.Text())
}

// MarloweMetadata returns transaction metadata, with Marlowe tags (encoded
// canonically under label 1564) half of the time. Raw labels avoid 1564.
func (g Gen) MarloweMetadata() types.MarloweTransactionMetadata {
	raw := types.TransactionMetadata{}
	for i := g.N(3); i > 0; i-- {
		label := uint64(g.N(3000))
		if label == types.MarloweMetadataLabel {
			label++
		}
		raw[label] = g.Metadata(2)
	}
	m := types.MarloweTransactionMetadata{Metadata: raw}
	if g.Bool() {
		mm := &types.MarloweMetadata{Tags: map[string]types.Metadata{}}
		for i := g.N(3); i > 0; i-- {
			var p types.Metadata
			if g.Bool() {
				p = g.Metadata(1)
			}
			mm.Tags[g.Text()] = p
		}
		if g.Bool() {
			c := g.Text()
			mm.Continuations = &c
		}
		m.Marlowe = mm
	}
	return m
}

// ScriptOutput returns a Marlowe script output.
func (g Gen) ScriptOutput() types.TransactionScriptOutput {
	return types.TransactionScriptOutput{Address: g.Address(), Assets: g.Assets(), Utxo: g.TxOutRef(), Datum: g.Datum(3)}
}

// Payout returns a payout output.
func (g Gen) Payout() types.Payout {
	return types.Payout{Address: g.Address(), Assets: g.Assets(), Datum: g.AssetId()}
}

// Payouts returns a few payouts by output reference.
func (g Gen) Payouts() map[types.TxOutRef]types.Payout {
	m := map[types.TxOutRef]types.Payout{}
	for i := g.N(3); i > 0; i-- {
		m[g.TxOutRef()] = g.Payout()
	}
	return m
}

// Transaction returns a runtime Marlowe transaction.
func (g Gen) Transaction() types.Transaction {
	out := types.TransactionOutput{Payouts: g.Payouts()}
	if g.Bool() {
		so := g.ScriptOutput()
		out.ScriptOutput = &so
	}
	return types.Transaction{
		TransactionId: g.TxId(), ContractId: g.ContractId(), Metadata: g.MarloweMetadata(),
		BlockHeader: g.BlockHeader(), ValidityLowerBound: g.UTCTime(), ValidityUpperBound: g.UTCTime(),
		Inputs: g.Datum(3), Output: out,
	}
}

// ContractHeader returns a contract header.
func (g Gen) ContractHeader() types.ContractHeader {
	return types.ContractHeader{
		ContractId: g.ContractId(), RolesCurrency: g.PolicyId(), Metadata: g.MarloweMetadata(),
		MarloweScriptHash: types.ScriptHash(g.Bytes()), MarloweScriptAddress: g.Address(),
		PayoutScriptHash: types.ScriptHash(g.Bytes()), MarloweVersion: types.MarloweV1, BlockHeader: g.BlockHeader(),
	}
}

// Marlowe Core V1 values.

func (g Gen) credential() core.Credential {
	return core.Credential{Script: g.Bool(), Hash: g.Bytes()}
}

// Party returns a role or an address party.
func (g Gen) Party() core.Party {
	if g.Bool() {
		return core.RolePartyOf(core.TokenName(g.Bytes()))
	}
	a := core.Address{Mainnet: g.Bool(), Payment: g.credential()}
	switch g.N(3) {
	case 1:
		a.Staking, a.Stake = core.StakingHash, g.credential()
	case 2:
		a.Staking, a.Pointer = core.StakingPtr, [3]uint64{g.R.Uint64(), uint64(g.N(9)), uint64(g.N(9))}
	}
	return core.AddressPartyOf(a)
}

// Token returns ada or a token.
func (g Gen) Token() core.Token {
	if g.N(3) == 0 {
		return core.Ada
	}
	return core.Token{Currency: core.CurrencySymbol(g.Bytes()), Name: core.TokenName(g.Bytes())}
}

// ChoiceId returns a choice id.
func (g Gen) ChoiceId() core.ChoiceID {
	return core.ChoiceID{Name: core.ChoiceName(g.Bytes()), Owner: g.Party()}
}

// Value returns a Value nested at most depth levels, covering all twelve
// constructors.
func (g Gen) Value(depth int) core.Value {
	k := g.N(12)
	if depth <= 0 {
		k = []int{0, 1, 7, 8, 9, 10}[g.N(6)]
	}
	switch k {
	case 0:
		return core.AvailableMoney{Account: g.Party(), Token: g.Token()}
	case 1:
		return core.Constant{N: g.Integer()}
	case 2:
		return core.NegValue{V: g.Value(depth - 1)}
	case 3:
		return core.AddValue{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 4:
		return core.SubValue{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 5:
		return core.MulValue{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 6:
		return core.DivValue{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 7:
		return core.ChoiceValue{ID: g.ChoiceId()}
	case 8:
		return core.TimeIntervalStart{}
	case 9:
		return core.TimeIntervalEnd{}
	case 10:
		return core.UseValue{ID: core.ValueID(g.Bytes())}
	}
	return core.Cond{Obs: g.Observation(depth - 1), Then: g.Value(depth - 1), Else: g.Value(depth - 1)}
}

// Observation returns an Observation nested at most depth levels, covering
// all eleven constructors.
func (g Gen) Observation(depth int) core.Observation {
	k := g.N(11)
	if depth <= 0 {
		k = []int{3, 9, 10}[g.N(3)]
	}
	switch k {
	case 0:
		return core.AndObs{L: g.Observation(depth - 1), R: g.Observation(depth - 1)}
	case 1:
		return core.OrObs{L: g.Observation(depth - 1), R: g.Observation(depth - 1)}
	case 2:
		return core.NotObs{O: g.Observation(depth - 1)}
	case 3:
		return core.ChoseSomething{ID: g.ChoiceId()}
	case 4:
		return core.ValueGE{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 5:
		return core.ValueGT{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 6:
		return core.ValueLT{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 7:
		return core.ValueLE{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 8:
		return core.ValueEQ{L: g.Value(depth - 1), R: g.Value(depth - 1)}
	case 9:
		return core.TrueObs{}
	}
	return core.FalseObs{}
}

// Action returns a deposit, choice or notify action.
func (g Gen) Action(depth int) core.Action {
	switch g.N(3) {
	case 0:
		return core.Deposit{Into: g.Party(), From: g.Party(), Token: g.Token(), Amount: g.Value(depth)}
	case 1:
		var bs []core.Bound
		for i := g.N(3); i > 0; i-- {
			bs = append(bs, core.Bound{Low: g.Integer(), High: g.Integer()})
		}
		return core.Choice{ID: g.ChoiceId(), Bounds: bs}
	}
	return core.Notify{Obs: g.Observation(depth)}
}

// Contract returns a Contract nested at most depth levels, covering all
// six constructors and both kinds of case.
func (g Gen) Contract(depth int) core.Contract {
	k := g.N(6)
	if depth <= 0 {
		k = 0
	}
	switch k {
	case 0:
		return core.Close{}
	case 1:
		to := core.Payee{Kind: core.PayeeAccount, Party: g.Party()}
		if g.Bool() {
			to.Kind = core.PayeeParty
		}
		return core.Pay{From: g.Party(), To: to, Token: g.Token(), Amount: g.Value(2), Then: g.Contract(depth - 1)}
	case 2:
		return core.If{Obs: g.Observation(2), Then: g.Contract(depth - 1), Else: g.Contract(depth - 1)}
	case 3:
		w := core.When{Timeout: g.Integer(), Continuation: g.Contract(depth - 1)}
		for i := g.N(3); i > 0; i-- {
			c := core.Case{Action: g.Action(1)}
			if g.Bool() {
				c.Merkleized, c.Hash = true, []byte(g.Bytes())
			} else {
				c.Then = g.Contract(depth - 1)
			}
			w.Cases = append(w.Cases, c)
		}
		return w
	case 4:
		return core.Let{ID: core.ValueID(g.Bytes()), Value: g.Value(2), Then: g.Contract(depth - 1)}
	}
	return core.Assert{Obs: g.Observation(2), Then: g.Contract(depth - 1)}
}

// State returns a contract state with a few entries in each list.
func (g Gen) State() core.State {
	s := core.State{MinTime: g.Integer()}
	for i := g.N(3); i > 0; i-- {
		s.Accounts = append(s.Accounts, core.AccountEntry{Account: g.Party(), Token: g.Token(), Amount: g.Integer()})
	}
	for i := g.N(3); i > 0; i-- {
		s.Choices = append(s.Choices, core.ChoiceEntry{ID: g.ChoiceId(), Value: g.Integer()})
	}
	for i := g.N(3); i > 0; i-- {
		s.BoundValues = append(s.BoundValues, core.BoundValueEntry{ID: core.ValueID(g.Bytes()), Value: g.Integer()})
	}
	return s
}

// MarloweData returns a datum of a Marlowe script output.
func (g Gen) MarloweData() core.MarloweData {
	return core.MarloweData{Params: core.MarloweParams{RolesCurrency: core.CurrencySymbol(g.Bytes())}, State: g.State(), Contract: g.Contract(3)}
}

// InputContent returns a deposit, choice or notify input.
func (g Gen) InputContent() core.InputContent {
	switch g.N(3) {
	case 0:
		return core.IDeposit{Into: g.Party(), From: g.Party(), Token: g.Token(), Amount: g.Integer()}
	case 1:
		return core.IChoice{ID: g.ChoiceId(), Chosen: g.Integer()}
	}
	return core.INotify{}
}

// Input returns a normal or a merkleized input (with its continuation).
func (g Gen) Input() core.Input {
	in := core.Input{Content: g.InputContent()}
	if g.Bool() {
		in.Merkleized, in.Hash, in.Continuation = true, []byte(g.Bytes()), g.Contract(2)
	}
	return in
}

// TimeInterval returns an interval (not necessarily valid).
func (g Gen) TimeInterval() core.TimeInterval {
	return core.TimeInterval{From: g.Integer(), To: g.Integer()}
}

// TransactionInput returns a Marlowe transaction input.
func (g Gen) TransactionInput() core.TransactionInput {
	tx := core.TransactionInput{Interval: g.TimeInterval()}
	for i := g.N(3); i > 0; i-- {
		tx.Inputs = append(tx.Inputs, g.Input())
	}
	return tx
}

// IntervalError returns either interval error.
func (g Gen) IntervalError() core.IntervalError {
	if g.Bool() {
		return core.InvalidInterval{Interval: g.TimeInterval()}
	}
	return core.IntervalInPastError{MinTime: g.Integer(), Interval: g.TimeInterval()}
}
