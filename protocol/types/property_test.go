package types_test

import (
	"bytes"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// gen builds random values of the wire types from a seeded generator.
type gen struct{ r *rand.Rand }

func (g gen) n(k int) int { return g.r.IntN(k) }

func (g gen) bytes() string {
	b := make([]byte, []int{0, 1, 28, 32, 3}[g.n(5)])
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return string(b)
}

func (g gen) text() string {
	alphabet := []rune("ab é€😀")
	r := make([]rune, g.n(70))
	for i := range r {
		r[i] = alphabet[g.n(len(alphabet))]
	}
	return string(r)
}

func (g gen) integer() *big.Int {
	switch g.n(3) {
	case 0:
		return big.NewInt(int64(g.n(10)) - 5)
	case 1:
		return big.NewInt(g.r.Int64() - g.r.Int64())
	}
	n := new(big.Int).Lsh(big.NewInt(int64(g.n(1000))+1), uint(g.n(200)))
	if g.n(2) == 0 {
		n.Neg(n)
	}
	return n
}

func (g gen) blockHeader() types.BlockHeader {
	return types.BlockHeader{Slot: types.SlotNo(g.r.Uint64()), Hash: types.BlockHeaderHash(g.bytes()), Block: types.BlockNo(g.r.Uint64())}
}

func (g gen) txOutRef() types.TxOutRef {
	return types.TxOutRef{TxId: types.TxId(g.bytes()), TxIx: types.TxIx(g.n(4))}
}

func (g gen) assets() types.Assets {
	toks := types.Tokens{}
	for i := g.n(4); i > 0; i-- {
		toks[types.AssetId{Policy: types.PolicyId(g.bytes()), Name: types.TokenName(g.bytes())}] = g.integer()
	}
	return types.Assets{Ada: g.integer(), Tokens: toks}
}

func (g gen) datum(depth int) data.PlutusData {
	k := g.n(5)
	if depth <= 0 {
		k = 3 + g.n(2)
	}
	switch k {
	case 0:
		fs := make([]data.PlutusData, g.n(4))
		for i := range fs {
			fs[i] = g.datum(depth - 1)
		}
		return &data.Constr{Tag: uint(g.n(300)), Fields: fs}
	case 1:
		ps := make([][2]data.PlutusData, g.n(3))
		for i := range ps {
			ps[i] = [2]data.PlutusData{g.datum(depth - 1), g.datum(depth - 1)}
		}
		return &data.Map{Pairs: ps}
	case 2:
		xs := make([]data.PlutusData, g.n(4))
		for i := range xs {
			xs[i] = g.datum(depth - 1)
		}
		return &data.List{Items: xs}
	case 3:
		return &data.Integer{Inner: g.integer()}
	}
	return &data.ByteString{Inner: []byte(g.bytes())}
}

func (g gen) metadata(depth int) types.Metadata {
	k := g.n(5)
	if depth <= 0 {
		k = 2 + g.n(3)
	}
	switch k {
	case 0:
		m := make(types.MetadataMap, g.n(3))
		for i := range m {
			m[i] = types.MetadataPair{Key: g.metadata(depth - 1), Value: g.metadata(depth - 1)}
		}
		return m
	case 1:
		l := make(types.MetadataList, g.n(3))
		for i := range l {
			l[i] = g.metadata(depth - 1)
		}
		return l
	case 2:
		return types.MetadataNumber{Value: g.integer()}
	case 3:
		return types.MetadataBytes(g.bytes())
	}
	return types.MetadataText(g.text())
}

func (g gen) marloweMetadata() types.MarloweTransactionMetadata {
	raw := types.TransactionMetadata{}
	for i := g.n(3); i > 0; i-- {
		raw[uint64(g.n(3000))] = g.metadata(3)
	}
	m := types.MarloweTransactionMetadata{Metadata: raw}
	if g.n(2) == 0 {
		mm := &types.MarloweMetadata{Tags: map[string]types.Metadata{}}
		for i := g.n(4); i > 0; i-- {
			var p types.Metadata
			if g.n(2) == 0 {
				p = g.metadata(2)
			}
			mm.Tags[g.text()] = p
		}
		if g.n(2) == 0 {
			c := g.text()
			mm.Continuations = &c
		}
		m.Marlowe = mm
	}
	return m
}

func (g gen) utcTime() types.UTCTime {
	year := int64(1900 + g.n(300))
	return types.UTCTime{Year: big.NewInt(year), DayOfYear: int64(1 + g.n(365)), Picoseconds: big.NewInt(g.r.Int64N(86400e12))}
}

func (g gen) scriptOutput() types.TransactionScriptOutput {
	return types.TransactionScriptOutput{Address: types.Address(g.bytes()), Assets: g.assets(), Utxo: g.txOutRef(), Datum: g.datum(4)}
}

func (g gen) transaction() types.Transaction {
	payouts := map[types.TxOutRef]types.Payout{}
	for i := g.n(3); i > 0; i-- {
		payouts[g.txOutRef()] = types.Payout{Address: types.Address(g.bytes()), Assets: g.assets(),
			Datum: types.AssetId{Policy: types.PolicyId(g.bytes()), Name: types.TokenName(g.bytes())}}
	}
	out := types.TransactionOutput{Payouts: payouts}
	if g.n(2) == 0 {
		so := g.scriptOutput()
		out.ScriptOutput = &so
	}
	return types.Transaction{
		TransactionId: types.TxId(g.bytes()), ContractId: types.ContractId(g.txOutRef()), Metadata: g.marloweMetadata(),
		BlockHeader: g.blockHeader(), ValidityLowerBound: g.utcTime(), ValidityUpperBound: g.utcTime(),
		Inputs: g.datum(4), Output: out,
	}
}

func (g gen) createStep() types.CreateStep {
	return types.CreateStep{CreateOutput: g.scriptOutput(), Metadata: g.marloweMetadata(), PayoutValidatorHash: types.ScriptHash(g.bytes())}
}

func (g gen) contractStep() types.ContractStep {
	if g.n(2) == 0 {
		return g.transaction()
	}
	return types.RedeemStep{Utxo: g.txOutRef(), RedeemingTx: types.TxId(g.bytes()),
		Datum: types.AssetId{Policy: types.PolicyId(g.bytes()), Name: types.TokenName(g.bytes())}}
}

func (g gen) marloweBlock() types.MarloweBlock {
	b := types.MarloweBlock{BlockHeader: g.blockHeader()}
	for i := g.n(3); i > 0; i-- {
		nc := map[types.TxIx]types.SomeCreateStep{}
		for j := g.n(3); j > 0; j-- {
			nc[types.TxIx(g.n(10))] = types.SomeCreateStep{Version: types.MarloweV1, Step: g.createStep()}
		}
		b.CreateTransactions = append(b.CreateTransactions, types.MarloweCreateTransaction{TxId: types.TxId(g.bytes()), NewContracts: nc})
	}
	for i := g.n(3); i > 0; i-- {
		b.ApplyInputsTransactions = append(b.ApplyInputsTransactions, types.MarloweApplyInputsTransaction{
			MarloweVersion: types.MarloweV1,
			MarloweInput: types.UnspentContractOutput{MarloweVersion: types.MarloweV1, TxOutRef: g.txOutRef(),
				MarloweAddress: types.Address(g.bytes()), PayoutValidatorHash: types.ScriptHash(g.bytes())},
			MarloweTransaction: g.transaction(),
		})
	}
	for i := g.n(3); i > 0; i-- {
		cp := map[types.ContractId][]types.TxOutRef{}
		for j := g.n(3); j > 0; j-- {
			set := map[types.TxOutRef]bool{}
			var refs []types.TxOutRef
			for k := g.n(4); k > 0; k-- {
				r := g.txOutRef()
				if !set[r] {
					set[r] = true
					refs = append(refs, r)
				}
			}
			cp[types.ContractId(g.txOutRef())] = refs
		}
		b.WithdrawTransactions = append(b.WithdrawTransactions, types.MarloweWithdrawTransaction{ConsumedPayouts: cp, ConsumingTx: types.TxId(g.bytes())})
	}
	return b
}

func (g gen) contractHeader() types.ContractHeader {
	return types.ContractHeader{
		ContractId: types.ContractId(g.txOutRef()), RolesCurrency: types.PolicyId(g.bytes()), Metadata: g.marloweMetadata(),
		MarloweScriptHash: types.ScriptHash(g.bytes()), MarloweScriptAddress: types.Address(g.bytes()),
		PayoutScriptHash: types.ScriptHash(g.bytes()), MarloweVersion: types.MarloweV1, BlockHeader: g.blockHeader(),
	}
}

func (g gen) party() core.Party {
	if g.n(2) == 0 {
		return core.RolePartyOf(core.TokenName(g.bytes()))
	}
	a := core.Address{Mainnet: g.n(2) == 0, Payment: core.Credential{Script: g.n(2) == 0, Hash: g.bytes()}}
	switch g.n(3) {
	case 1:
		a.Staking = core.StakingHash
		a.Stake = core.Credential{Script: g.n(2) == 0, Hash: g.bytes()}
	case 2:
		a.Staking = core.StakingPtr
		a.Pointer = [3]uint64{g.r.Uint64(), uint64(g.n(9)), uint64(g.n(9))}
	}
	return core.AddressPartyOf(a)
}

func (g gen) token() core.Token {
	return core.Token{Currency: core.CurrencySymbol(g.bytes()), Name: core.TokenName(g.bytes())}
}

func (g gen) choiceID() core.ChoiceID {
	return core.ChoiceID{Name: core.ChoiceName(g.bytes()), Owner: g.party()}
}

func (g gen) value(depth int) core.Value {
	k := g.n(12)
	if depth <= 0 {
		k = []int{0, 1, 7, 8, 9, 10}[g.n(6)]
	}
	two := func() (core.Value, core.Value) { return g.value(depth - 1), g.value(depth - 1) }
	switch k {
	case 0:
		return core.AvailableMoney{Account: g.party(), Token: g.token()}
	case 1:
		return core.Constant{N: g.integer()}
	case 2:
		return core.NegValue{V: g.value(depth - 1)}
	case 3:
		l, r := two()
		return core.AddValue{L: l, R: r}
	case 4:
		l, r := two()
		return core.SubValue{L: l, R: r}
	case 5:
		l, r := two()
		return core.MulValue{L: l, R: r}
	case 6:
		l, r := two()
		return core.DivValue{L: l, R: r}
	case 7:
		return core.ChoiceValue{ID: g.choiceID()}
	case 8:
		return core.TimeIntervalStart{}
	case 9:
		return core.TimeIntervalEnd{}
	case 10:
		return core.UseValue{ID: core.ValueID(g.bytes())}
	}
	l, r := two()
	return core.Cond{Obs: g.observation(depth - 1), Then: l, Else: r}
}

func (g gen) observation(depth int) core.Observation {
	k := g.n(11)
	if depth <= 0 {
		k = []int{3, 9, 10}[g.n(3)]
	}
	switch k {
	case 0:
		return core.AndObs{L: g.observation(depth - 1), R: g.observation(depth - 1)}
	case 1:
		return core.OrObs{L: g.observation(depth - 1), R: g.observation(depth - 1)}
	case 2:
		return core.NotObs{O: g.observation(depth - 1)}
	case 3:
		return core.ChoseSomething{ID: g.choiceID()}
	case 4:
		return core.ValueGE{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 5:
		return core.ValueGT{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 6:
		return core.ValueLT{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 7:
		return core.ValueLE{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 8:
		return core.ValueEQ{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 9:
		return core.TrueObs{}
	}
	return core.FalseObs{}
}

func (g gen) action(depth int) core.Action {
	switch g.n(3) {
	case 0:
		return core.Deposit{Into: g.party(), From: g.party(), Token: g.token(), Amount: g.value(depth)}
	case 1:
		bs := make([]core.Bound, g.n(3))
		for i := range bs {
			bs[i] = core.Bound{Low: g.integer(), High: g.integer()}
		}
		return core.Choice{ID: g.choiceID(), Bounds: bs}
	}
	return core.Notify{Obs: g.observation(depth)}
}

func (g gen) contract(depth int) core.Contract {
	k := g.n(6)
	if depth <= 0 {
		k = 0
	}
	switch k {
	case 0:
		return core.Close{}
	case 1:
		return core.Pay{From: g.party(), To: core.Payee{Kind: core.PayeeKind(g.n(2)), Party: g.party()}, Token: g.token(),
			Amount: g.value(2), Then: g.contract(depth - 1)}
	case 2:
		return core.If{Obs: g.observation(2), Then: g.contract(depth - 1), Else: g.contract(depth - 1)}
	case 3:
		cs := make([]core.Case, g.n(3))
		for i := range cs {
			if g.n(3) == 0 {
				cs[i] = core.Case{Action: g.action(2), Merkleized: true, Hash: []byte(g.bytes())}
			} else {
				cs[i] = core.Case{Action: g.action(2), Then: g.contract(depth - 1)}
			}
		}
		return core.When{Cases: cs, Timeout: g.integer(), Continuation: g.contract(depth - 1)}
	case 4:
		return core.Let{ID: core.ValueID(g.bytes()), Value: g.value(2), Then: g.contract(depth - 1)}
	}
	return core.Assert{Obs: g.observation(2), Then: g.contract(depth - 1)}
}

func (g gen) coreTxOutput() core.TransactionOutput {
	if g.n(3) == 0 {
		errs := []core.TransactionError{
			core.TEAmbiguousTimeIntervalError{}, core.TEApplyNoMatchError{}, core.TEUselessTransaction{}, core.TEHashMismatch{},
			core.TEIntervalError{Err: core.InvalidInterval{Interval: core.TimeInterval{From: g.integer(), To: g.integer()}}},
			core.TEIntervalError{Err: core.IntervalInPastError{MinTime: g.integer(), Interval: core.TimeInterval{From: g.integer(), To: g.integer()}}},
		}
		return core.TransactionOutput{Error: errs[g.n(len(errs))]}
	}
	payee := core.Payee{Kind: core.PayeeParty, Party: g.party()}
	ws := []core.TransactionWarning{
		core.NonPositiveDeposit{Party: g.party(), Account: g.party(), Token: g.token(), Amount: g.integer()},
		core.NonPositivePay{Account: g.party(), Payee: payee, Token: g.token(), Amount: g.integer()},
		core.PartialPay{Account: g.party(), Payee: payee, Token: g.token(), Paid: g.integer(), Expected: g.integer()},
		core.Shadowing{ID: core.ValueID(g.bytes()), Old: g.integer(), New: g.integer()},
		core.AssertionFailed{},
	}
	return core.TransactionOutput{
		Warnings: ws[:g.n(len(ws)+1)],
		Payments: []core.Payment{{From: g.party(), To: payee, Token: g.token(), Amount: g.integer()}},
		State:    g.state(),
		Contract: g.contract(3),
	}
}

func (g gen) state() core.State {
	st := core.State{MinTime: g.integer()}
	for i := g.n(3); i > 0; i-- {
		st.Accounts = append(st.Accounts, core.AccountEntry{Account: g.party(), Token: g.token(), Amount: g.integer()})
		st.Choices = append(st.Choices, core.ChoiceEntry{ID: g.choiceID(), Value: g.integer()})
		st.BoundValues = append(st.BoundValues, core.BoundValueEntry{ID: core.ValueID(g.bytes()), Value: g.integer()})
	}
	return st
}

// propRoundTrip checks encode → decode (consuming everything) → encode gives
// the same bytes.
func propRoundTrip[T any](t *testing.T, i int, x T, enc binary.EncodeFunc[T], dec binary.DecodeFunc[T]) {
	t.Helper()
	b, err := binary.Encode(x, enc)
	if err != nil {
		t.Fatalf("case %d: encode: %v", i, err)
	}
	y, err := binary.Decode(b, dec)
	if err != nil {
		t.Fatalf("case %d: decode: %v", i, err)
	}
	b2, err := binary.Encode(y, enc)
	if err != nil {
		t.Fatalf("case %d: re-encode: %v", i, err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatalf("case %d: re-encoding differs", i)
	}
}

// TestPropertyRoundTrip round-trips random values of every composite type
// (fixed seed, so failures reproduce).
func TestPropertyRoundTrip(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1564, 3700))}
	for i := 0; i < 300; i++ {
		propRoundTrip(t, i, g.marloweBlock(), types.EncodeMarloweBlock, types.DecodeMarloweBlock)
		propRoundTrip(t, i, g.contractHeader(), types.EncodeContractHeader, types.DecodeContractHeader)
		propRoundTrip(t, i, g.contractStep(), types.EncodeContractStep, types.DecodeContractStep)
		propRoundTrip(t, i, g.contract(5), types.EncodeContract, types.DecodeContract)
		propRoundTrip(t, i, core.MarloweData{Params: core.MarloweParams{RolesCurrency: core.CurrencySymbol(g.bytes())},
			State: g.state(), Contract: g.contract(3)}, types.EncodeMarloweData, types.DecodeMarloweData)
		propRoundTrip(t, i, g.coreTxOutput(), types.EncodeCoreTransactionOutput, types.DecodeCoreTransactionOutput)
		propRoundTrip(t, i, core.TransactionInput{Interval: core.TimeInterval{From: g.integer(), To: g.integer()}, Inputs: []core.Input{
			{Content: core.IDeposit{Into: g.party(), From: g.party(), Token: g.token(), Amount: g.integer()}},
			{Content: core.INotify{}, Merkleized: true, Hash: []byte(g.bytes()), Continuation: g.contract(2)},
		}}, types.EncodeCoreTransactionInput, types.DecodeCoreTransactionInput)
		propRoundTrip(t, i, g.datum(6), types.EncodeDatum, types.DecodeDatum)
		propRoundTrip(t, i, types.Version{Branch: []int64{g.r.Int64(), -1}, Tags: []string{g.text()}}, types.EncodeVersion, types.DecodeVersion)
	}
}

// TestEncodeErrors checks that values without a wire form are refused with
// a clear error instead of producing bytes a peer would misread.
func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		enc  func(e *binary.Encoder)
		msg  string
	}{
		{"nil contract", func(e *binary.Encoder) { types.EncodeContract(e, nil) }, "encode Contract: nil value"},
		{"pointer variant", func(e *binary.Encoder) { types.EncodeContract(e, &core.Close{}) }, "encode Contract: unsupported type *core.Close"},
		{"nil timeout", func(e *binary.Encoder) {
			types.EncodeContract(e, core.When{Continuation: core.Close{}})
		}, "encode Integer: nil value"},
		{"opaque address", func(e *binary.Encoder) {
			types.EncodeParty(e, core.AddressPartyOf(core.Address{Opaque: "example address"}))
		}, "opaque address"},
		{"MarloweVersion 2", func(e *binary.Encoder) { types.EncodeMarloweVersion(e, 2) }, "unknown version 2"},
		{"nil datum", func(e *binary.Encoder) { types.EncodeDatum(e, nil) }, "encode Datum: nil value"},
		{"nil metadata", func(e *binary.Encoder) { types.EncodeMetadata(e, nil) }, "encode Metadata: nil value"},
		{"duplicate set element", func(e *binary.Encoder) {
			types.EncodeMarloweWithdrawTransaction(e, types.MarloweWithdrawTransaction{
				ConsumedPayouts: map[types.ContractId][]types.TxOutRef{{}: {{TxIx: 1}, {TxIx: 1}}}})
		}, "duplicate element"},
		{"contract nested past the bound", func(e *binary.Encoder) {
			var c core.Contract = core.Close{}
			for i := 0; i <= binary.DefaultMaxDepth; i++ {
				c = core.Assert{Obs: core.TrueObs{}, Then: c}
			}
			types.EncodeContract(e, c)
		}, "nesting deeper than 10000 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := binary.NewEncoder(nil)
			tc.enc(e)
			if err := e.Err(); err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.msg)) {
				t.Fatalf("error %v, want containing %q", err, tc.msg)
			}
		})
	}
}
