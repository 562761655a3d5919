// Package typestest generates random values of the wire types
// (protocol/types and the Marlowe Core V1 values they carry) for the
// property and fuzz tests of the protocol packages. It is imported only by
// tests.
//
// Values come from a seeded math/rand/v2 source, so a failing case replays
// from its seed. Every generated value has a wire form whose decoding
// re-encodes byte-identically: label 1564 metadata, for instance, is only
// ever generated in canonical form.
//
// A test that must prove its generator reached every constructor of a sum
// type sets Gen.Observe; every sum-type generator here reports the
// constructor it produced to it.
package typestest

import (
	"math/big"
	"math/rand/v2"
	"reflect"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Gen is a seeded generator of wire values.
type Gen struct {
	// R is the random source every generator draws from.
	R *rand.Rand
	// Observe, when set, is told the sum type and the constructor of every
	// sum-type value generated (named by its Go type, or as listed in
	// Constructors where one Go type carries several constructors).
	Observe func(sumType, constructor string)
}

// New returns a generator seeded with seed.
func New(seed uint64) Gen { return Gen{R: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// note reports constructor v of sum type typ to Observe: v itself when it
// is a string, otherwise the name of v's Go type (of the pointed-to type for
// a pointer).
func (g Gen) note(typ string, v any) {
	if g.Observe == nil {
		return
	}
	name, ok := v.(string)
	if !ok {
		t := reflect.TypeOf(v)
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		name = t.Name()
	}
	g.Observe(typ, name)
}

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

// Text returns a string of multi-byte characters (so a String prefix,
// counting characters, and a Text prefix, counting bytes, differ), usually
// short, sometimes longer than the 64 bytes of a metadata text chunk.
func (g Gen) Text() string {
	alphabet := []rune("ab /:;=é€😀")
	n := g.N(12)
	if g.N(4) == 0 {
		n = g.N(70)
	}
	r := make([]rune, n)
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

// Positive returns an integer of at least 1.
func (g Gen) Positive() *big.Int {
	n := g.Integer()
	n.Abs(n)
	return n.Add(n, big.NewInt(1))
}

// Natural returns a non-negative integer, uint64-sized or beyond 2^64.
func (g Gen) Natural() *big.Int {
	if g.Bool() {
		return new(big.Int).SetUint64(g.R.Uint64())
	}
	return new(big.Int).Lsh(big.NewInt(int64(g.N(1000))+1), 64+uint(g.N(64)))
}

// I64 returns an int64 of either sign, often small.
func (g Gen) I64() int64 {
	if g.Bool() {
		return int64(g.N(200))
	}
	return g.R.Int64() - g.R.Int64()
}

// Distinct returns up to two values of f without repeats, in the order
// drawn: the elements of a Set, whose encoder refuses duplicates.
func Distinct[T comparable](g Gen, f func() T) []T {
	seen := map[T]bool{}
	var out []T
	for i := g.N(3); i > 0; i-- {
		if x := f(); !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// TxId returns a transaction id.
func (g Gen) TxId() types.TxId { return types.TxId(g.Bytes()) }

// TxOutRef returns an output reference.
func (g Gen) TxOutRef() types.TxOutRef {
	return types.TxOutRef{TxId: g.TxId(), TxIx: types.TxIx(g.N(5))}
}

// TxOutRefs returns a set of output references.
func (g Gen) TxOutRefs() []types.TxOutRef { return Distinct(g, g.TxOutRef) }

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

// ScriptHash returns a script hash.
func (g Gen) ScriptHash() types.ScriptHash { return types.ScriptHash(g.Bytes()) }

// BlockHeader returns a block header.
func (g Gen) BlockHeader() types.BlockHeader {
	return types.BlockHeader{Slot: types.SlotNo(g.R.Uint64()), Hash: types.BlockHeaderHash(g.Bytes()), Block: types.BlockNo(g.R.Uint64())}
}

// ChainPoint returns Genesis or a block.
func (g Gen) ChainPoint() types.ChainPoint {
	if g.N(4) == 0 {
		g.note("ChainPoint", "Genesis")
		return types.ChainPoint{}
	}
	g.note("ChainPoint", "At")
	return types.PointAt(g.BlockHeader())
}

// UTCTime returns a time of day on some day of some year.
func (g Gen) UTCTime() types.UTCTime {
	return types.UTCTime{Year: big.NewInt(int64(1900 + g.N(300))), DayOfYear: int64(1 + g.N(365)), Picoseconds: big.NewInt(g.R.Int64N(86400e12))}
}

// NetworkId returns mainnet or a testnet.
func (g Gen) NetworkId() types.NetworkId {
	if g.Bool() {
		g.note("NetworkId", "Mainnet")
		return types.NetworkId{}
	}
	g.note("NetworkId", "Testnet")
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

// Tokens returns a few tokens with quantities drawn from quantity (for
// instance g.Integer, or g.Positive where the wire type wants a positive
// amount).
func (g Gen) Tokens(quantity func() *big.Int) types.Tokens {
	toks := types.Tokens{}
	for i := g.N(3); i > 0; i-- {
		toks[g.AssetId()] = quantity()
	}
	return toks
}

// Assets returns ada and a few tokens.
func (g Gen) Assets() types.Assets {
	return types.Assets{Ada: g.Integer(), Tokens: g.Tokens(g.Integer)}
}

// Datum returns Plutus Data nested at most depth levels.
func (g Gen) Datum(depth int) data.PlutusData {
	k := g.N(5)
	if depth <= 0 {
		k = 3 + g.N(2)
	}
	var d data.PlutusData
	switch k {
	case 0:
		fs := make([]data.PlutusData, g.N(4))
		for i := range fs {
			fs[i] = g.Datum(depth - 1)
		}
		d = &data.Constr{Tag: uint(g.N(300)), Fields: fs}
	case 1:
		ps := make([][2]data.PlutusData, g.N(3))
		for i := range ps {
			ps[i] = [2]data.PlutusData{g.Datum(depth - 1), g.Datum(depth - 1)}
		}
		d = &data.Map{Pairs: ps}
	case 2:
		xs := make([]data.PlutusData, g.N(4))
		for i := range xs {
			xs[i] = g.Datum(depth - 1)
		}
		d = &data.List{Items: xs}
	case 3:
		d = &data.Integer{Inner: g.Integer()}
	default:
		d = &data.ByteString{Inner: []byte(g.Bytes())}
	}
	g.note("Datum", d)
	return d
}

// Metadata returns a transaction metadatum nested at most depth levels.
func (g Gen) Metadata(depth int) types.Metadata {
	k := g.N(5)
	if depth <= 0 {
		k = 2 + g.N(3)
	}
	var m types.Metadata
	switch k {
	case 0:
		mm := make(types.MetadataMap, g.N(3))
		for i := range mm {
			mm[i] = types.MetadataPair{Key: g.Metadata(depth - 1), Value: g.Metadata(depth - 1)}
		}
		m = mm
	case 1:
		l := make(types.MetadataList, g.N(3))
		for i := range l {
			l[i] = g.Metadata(depth - 1)
		}
		m = l
	case 2:
		m = types.MetadataNumber{Value: g.Integer()}
	case 3:
		m = types.MetadataBytes(g.Bytes())
	default:
		m = types.MetadataText(g.Text())
	}
	g.note("Metadata", m)
	return m
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
		for i := g.N(4); i > 0; i-- {
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

// ScriptOutput returns a Marlowe script output whose datum is arbitrary
// Plutus Data.
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

// CreateStep returns the creation step of a contract.
func (g Gen) CreateStep() types.CreateStep {
	return types.CreateStep{CreateOutput: g.ScriptOutput(), Metadata: g.MarloweMetadata(), PayoutValidatorHash: g.ScriptHash()}
}

// ContractStep returns a transaction or a payout redemption.
func (g Gen) ContractStep() types.ContractStep {
	var s types.ContractStep
	if g.Bool() {
		s = g.Transaction()
	} else {
		s = types.RedeemStep{Utxo: g.TxOutRef(), RedeemingTx: g.TxId(), Datum: g.AssetId()}
	}
	g.note("ContractStep", s)
	return s
}

// MarloweBlock returns the Marlowe activity of a block: a few create,
// apply-inputs and withdraw transactions.
func (g Gen) MarloweBlock() types.MarloweBlock {
	b := types.MarloweBlock{BlockHeader: g.BlockHeader()}
	for i := g.N(3); i > 0; i-- {
		nc := map[types.TxIx]types.SomeCreateStep{}
		for j := g.N(3); j > 0; j-- {
			nc[types.TxIx(g.N(10))] = types.SomeCreateStep{Version: types.MarloweV1, Step: g.CreateStep()}
		}
		b.CreateTransactions = append(b.CreateTransactions, types.MarloweCreateTransaction{TxId: g.TxId(), NewContracts: nc})
	}
	for i := g.N(3); i > 0; i-- {
		b.ApplyInputsTransactions = append(b.ApplyInputsTransactions, types.MarloweApplyInputsTransaction{
			MarloweVersion: types.MarloweV1,
			MarloweInput: types.UnspentContractOutput{MarloweVersion: types.MarloweV1, TxOutRef: g.TxOutRef(),
				MarloweAddress: g.Address(), PayoutValidatorHash: g.ScriptHash()},
			MarloweTransaction: g.Transaction(),
		})
	}
	for i := g.N(3); i > 0; i-- {
		cp := map[types.ContractId][]types.TxOutRef{}
		for j := g.N(3); j > 0; j-- {
			cp[g.ContractId()] = g.TxOutRefs()
		}
		b.WithdrawTransactions = append(b.WithdrawTransactions, types.MarloweWithdrawTransaction{ConsumedPayouts: cp, ConsumingTx: g.TxId()})
	}
	return b
}

// ContractHeader returns a contract header.
func (g Gen) ContractHeader() types.ContractHeader {
	return types.ContractHeader{
		ContractId: g.ContractId(), RolesCurrency: g.PolicyId(), Metadata: g.MarloweMetadata(),
		MarloweScriptHash: g.ScriptHash(), MarloweScriptAddress: g.Address(),
		PayoutScriptHash: g.ScriptHash(), MarloweVersion: types.MarloweV1, BlockHeader: g.BlockHeader(),
	}
}
