package object

import (
	"fmt"
	"math/big"
	"math/rand/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// gen builds random object terms from a fixed seed so that property tests
// are deterministic. It records every constructor it emits so tests can
// assert that all of them were exercised.
type gen struct {
	r    *rand.Rand
	refs bool // emit reference constructors
	seen map[string]int
}

func newGen(seed uint64, refs bool) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), refs: refs, seen: map[string]int{}}
}

func (g *gen) note(x any) {
	name := fmt.Sprintf("%T", x)
	if c, ok := x.(Case); ok && c.Merkleized {
		name = "object.MerkleizedCase"
	}
	g.seen[name]++
}

func (g *gen) pick(n int) int { return g.r.IntN(n) }

func (g *gen) label() Label {
	return [...]Label{"", "a", "b", "é", "label-1", "contract-0f"}[g.pick(6)]
}

func (g *gen) bytes() string {
	b := make([]byte, g.pick(5))
	for i := range b {
		b[i] = byte(g.r.UintN(256))
	}
	return string(b)
}

func (g *gen) text() string {
	return [...]string{"", "a", "choice", "ünïcødé", "日本"}[g.pick(5)]
}

func (g *gen) integer() *big.Int {
	switch g.pick(5) {
	case 0:
		return big.NewInt(int64(g.pick(100)))
	case 1:
		return big.NewInt(-int64(g.pick(100)))
	case 2:
		return big.NewInt(1<<31 + int64(g.pick(1000)))
	case 3:
		return new(big.Int).Lsh(big.NewInt(int64(1+g.pick(1000))), 70)
	default:
		return new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(int64(1+g.pick(1000))), 40))
	}
}

// testAddresses are valid raw Shelley addresses of every payment form.
func testAddresses() []ShelleyAddress {
	h := func(b byte) string {
		s := make([]byte, 28)
		for i := range s {
			s[i] = b + byte(i)
		}
		return string(s)
	}
	var out []ShelleyAddress
	for _, a := range []core.Address{
		{Payment: core.Credential{Hash: h(1)}},
		{Mainnet: true, Payment: core.Credential{Script: true, Hash: h(2)}},
		{Payment: core.Credential{Hash: h(3)}, Staking: core.StakingHash, Stake: core.Credential{Hash: h(4)}},
		{Mainnet: true, Payment: core.Credential{Hash: h(5)}, Staking: core.StakingHash, Stake: core.Credential{Script: true, Hash: h(6)}},
		{Payment: core.Credential{Hash: h(7)}, Staking: core.StakingPtr, Pointer: [3]uint64{12345678, 2, 0}},
	} {
		s, err := ShelleyAddressFromCore(a)
		if err != nil {
			panic(err)
		}
		out = append(out, s)
	}
	return out
}

func (g *gen) party() Party {
	var p Party
	switch g.pick(map[bool]int{true: 3, false: 2}[g.refs]) {
	case 0:
		as := testAddresses()
		p = Address{Address: as[g.pick(len(as))]}
	case 1:
		p = Role{Name: TokenName(g.bytes())}
	default:
		p = PartyRef{Label: g.label()}
	}
	g.note(p)
	return p
}

func (g *gen) token() Token {
	var t Token
	if g.refs && g.pick(3) == 0 {
		t = TokenRef{Label: g.label()}
	} else {
		t = Asset{Currency: CurrencySymbol(g.bytes()), Name: TokenName(g.bytes())}
	}
	g.note(t)
	return t
}

func (g *gen) choiceID() ChoiceID { return ChoiceID{Name: g.text(), Owner: g.party()} }

func (g *gen) value(d int) Value {
	n := 13
	if !g.refs {
		n = 12
	}
	k := g.pick(n)
	if d <= 0 && (k == 2 || (k >= 3 && k <= 6) || k == 11) {
		k = 1
	}
	var v Value
	switch k {
	case 0:
		v = AvailableMoney{Account: g.party(), Token: g.token()}
	case 1:
		v = Constant{N: g.integer()}
	case 2:
		v = NegValue{V: g.value(d - 1)}
	case 3:
		v = AddValue{L: g.value(d - 1), R: g.value(d - 1)}
	case 4:
		v = SubValue{L: g.value(d - 1), R: g.value(d - 1)}
	case 5:
		v = MulValue{L: g.value(d - 1), R: g.value(d - 1)}
	case 6:
		v = DivValue{L: g.value(d - 1), R: g.value(d - 1)}
	case 7:
		v = ChoiceValue{ID: g.choiceID()}
	case 8:
		v = TimeIntervalStart{}
	case 9:
		v = TimeIntervalEnd{}
	case 10:
		v = UseValue{ID: ValueID(g.bytes())}
	case 11:
		v = Cond{Obs: g.observation(d - 1), Then: g.value(d - 1), Else: g.value(d - 1)}
	default:
		v = ValueRef{Label: g.label()}
	}
	g.note(v)
	return v
}

func (g *gen) observation(d int) Observation {
	n := 12
	if !g.refs {
		n = 11
	}
	k := g.pick(n)
	if d <= 0 && (k <= 2 || (k >= 4 && k <= 8)) {
		k = 9
	}
	var o Observation
	switch k {
	case 0:
		o = AndObs{L: g.observation(d - 1), R: g.observation(d - 1)}
	case 1:
		o = OrObs{L: g.observation(d - 1), R: g.observation(d - 1)}
	case 2:
		o = NotObs{O: g.observation(d - 1)}
	case 3:
		o = ChoseSomething{ID: g.choiceID()}
	case 4:
		o = ValueGE{L: g.value(d - 1), R: g.value(d - 1)}
	case 5:
		o = ValueGT{L: g.value(d - 1), R: g.value(d - 1)}
	case 6:
		o = ValueLT{L: g.value(d - 1), R: g.value(d - 1)}
	case 7:
		o = ValueLE{L: g.value(d - 1), R: g.value(d - 1)}
	case 8:
		o = ValueEQ{L: g.value(d - 1), R: g.value(d - 1)}
	case 9:
		o = TrueObs{}
	case 10:
		o = FalseObs{}
	default:
		o = ObservationRef{Label: g.label()}
	}
	g.note(o)
	return o
}

func (g *gen) action(d int) Action {
	n := 4
	if !g.refs {
		n = 3
	}
	var a Action
	switch g.pick(n) {
	case 0:
		a = Deposit{Into: g.party(), From: g.party(), Token: g.token(), Amount: g.value(d - 1)}
	case 1:
		bs := make([]Bound, g.pick(3))
		for i := range bs {
			bs[i] = Bound{Low: g.integer(), High: g.integer()}
		}
		a = Choice{ID: g.choiceID(), Bounds: bs}
	case 2:
		a = Notify{Obs: g.observation(d - 1)}
	default:
		a = ActionRef{Label: g.label()}
	}
	g.note(a)
	return a
}

func (g *gen) payee() Payee {
	return Payee{Kind: PayeeKind(g.pick(2)), Party: g.party()}
}

func (g *gen) contract(d int) Contract {
	n := 7
	if !g.refs {
		n = 6
	}
	k := g.pick(n)
	if d <= 0 && k >= 1 && k <= 5 {
		k = 0
	}
	var c Contract
	switch k {
	case 0:
		c = Close{}
	case 1:
		c = Pay{From: g.party(), To: g.payee(), Token: g.token(), Amount: g.value(2), Then: g.contract(d - 1)}
	case 2:
		c = If{Obs: g.observation(2), Then: g.contract(d - 1), Else: g.contract(d - 1)}
	case 3:
		cases := make([]Case, g.pick(3))
		for i := range cases {
			if g.pick(3) == 0 {
				h := make([]byte, 32)
				for j := range h {
					h[j] = byte(g.r.UintN(256))
				}
				cases[i] = Case{Action: g.action(2), Merkleized: true, Hash: ContractHash(h)}
			} else {
				cases[i] = Case{Action: g.action(2), Then: g.contract(d - 1)}
			}
			g.note(cases[i])
		}
		c = When{Cases: cases, Timeout: g.integer(), Continuation: g.contract(d - 1)}
	case 4:
		c = Let{ID: ValueID(g.bytes()), Value: g.value(2), Then: g.contract(d - 1)}
	case 5:
		c = Assert{Obs: g.observation(2), Then: g.contract(d - 1)}
	default:
		c = ContractRef{Label: g.label()}
	}
	g.note(c)
	return c
}

// object returns a random object of a random kind.
func (g *gen) object() Object {
	switch g.pick(6) {
	case 0:
		return g.value(3)
	case 1:
		return g.observation(3)
	case 2:
		return g.contract(3)
	case 3:
		return g.party()
	case 4:
		return g.token()
	default:
		return g.action(3)
	}
}

// allConstructors lists every object constructor (by %T name) that the
// generator must have produced once refs are on.
func allConstructors() []string {
	return []string{
		"object.Address", "object.Role", "object.PartyRef",
		"object.Asset", "object.TokenRef",
		"object.AvailableMoney", "object.Constant", "object.NegValue", "object.AddValue", "object.SubValue",
		"object.MulValue", "object.DivValue", "object.ChoiceValue", "object.TimeIntervalStart",
		"object.TimeIntervalEnd", "object.UseValue", "object.Cond", "object.ValueRef",
		"object.AndObs", "object.OrObs", "object.NotObs", "object.ChoseSomething", "object.ValueGE",
		"object.ValueGT", "object.ValueLT", "object.ValueLE", "object.ValueEQ", "object.TrueObs",
		"object.FalseObs", "object.ObservationRef",
		"object.Deposit", "object.Choice", "object.Notify", "object.ActionRef",
		"object.Case", "object.MerkleizedCase",
		"object.Close", "object.Pay", "object.If", "object.When", "object.Let", "object.Assert", "object.ContractRef",
	}
}
