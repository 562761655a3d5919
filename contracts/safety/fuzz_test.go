package safety

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// gen builds random, often malformed, contracts: nil nodes, names and
// symbols of every length, pointer and opaque addresses, merkleized cases
// with and without continuations.
type gen struct {
	r     *rand.Rand
	conts Continuations
}

func (g *gen) bytes(max int) string {
	b := make([]byte, g.r.IntN(max+1))
	for i := range b {
		b[i] = byte('a' + g.r.IntN(3))
	}
	return string(b)
}

func (g *gen) int() *big.Int {
	switch g.r.IntN(6) {
	case 0:
		return nil
	case 1:
		return new(big.Int).Lsh(big.NewInt(g.r.Int64N(100)-50), 70)
	}
	return big.NewInt(g.r.Int64N(40) - 10)
}

func (g *gen) party() core.Party {
	if g.r.IntN(2) == 0 {
		return core.RolePartyOf(core.TokenName(g.bytes(34)))
	}
	a := core.Address{Mainnet: g.r.IntN(2) == 0, Payment: core.Credential{Script: g.r.IntN(2) == 0, Hash: hash28(byte(g.r.IntN(3)))}}
	switch g.r.IntN(6) {
	case 0:
		a.Payment.Hash = g.bytes(30)
	case 1:
		a.Staking, a.Stake = core.StakingHash, core.Credential{Hash: hash28(7)}
	case 2:
		a.Staking, a.Pointer = core.StakingPtr, [3]uint64{1, 2, 3}
	case 3:
		a.Opaque = "example address"
	}
	return core.AddressPartyOf(a)
}

func (g *gen) token() core.Token {
	switch g.r.IntN(4) {
	case 0:
		return core.Ada
	case 1:
		return core.Token{Name: core.TokenName(g.bytes(3))}
	case 2:
		return core.Token{Currency: core.CurrencySymbol(g.bytes(30)), Name: core.TokenName(g.bytes(34))}
	}
	return tok(g.bytes(2))
}

func (g *gen) choiceID() core.ChoiceID {
	return core.ChoiceID{Name: core.ChoiceName(g.bytes(2)), Owner: g.party()}
}

func (g *gen) value(depth int) core.Value {
	if depth <= 0 {
		return core.Constant{N: g.int()}
	}
	d := depth - 1
	switch g.r.IntN(14) {
	case 0:
		return nil
	case 1:
		return core.AvailableMoney{Account: g.party(), Token: g.token()}
	case 2:
		return core.NegValue{V: g.value(d)}
	case 3:
		return core.AddValue{L: g.value(d), R: g.value(d)}
	case 4:
		return core.SubValue{L: g.value(d), R: g.value(d)}
	case 5:
		return core.MulValue{L: g.value(d), R: g.value(d)}
	case 6:
		return core.DivValue{L: g.value(d), R: g.value(d)}
	case 7:
		return core.ChoiceValue{ID: g.choiceID()}
	case 8:
		return core.TimeIntervalStart{}
	case 9:
		return core.TimeIntervalEnd{}
	case 10:
		return core.UseValue{ID: core.ValueID(g.bytes(1))}
	case 11:
		return core.Cond{Obs: g.obs(d), Then: g.value(d), Else: g.value(d)}
	}
	return core.Constant{N: g.int()}
}

func (g *gen) obs(depth int) core.Observation {
	if depth <= 0 {
		return core.TrueObs{}
	}
	d := depth - 1
	switch g.r.IntN(12) {
	case 0:
		return nil
	case 1:
		return core.AndObs{L: g.obs(d), R: g.obs(d)}
	case 2:
		return core.OrObs{L: g.obs(d), R: g.obs(d)}
	case 3:
		return core.NotObs{O: g.obs(d)}
	case 4:
		return core.ChoseSomething{ID: g.choiceID()}
	case 5:
		return core.ValueGE{L: g.value(d), R: g.value(d)}
	case 6:
		return core.ValueGT{L: g.value(d), R: g.value(d)}
	case 7:
		return core.ValueLT{L: g.value(d), R: g.value(d)}
	case 8:
		return core.ValueLE{L: g.value(d), R: g.value(d)}
	case 9:
		return core.ValueEQ{L: g.value(d), R: g.value(d)}
	case 10:
		return core.FalseObs{}
	}
	return core.TrueObs{}
}

func (g *gen) contract(depth int) core.Contract {
	if depth <= 0 {
		return core.Close{}
	}
	d := depth - 1
	switch g.r.IntN(9) {
	case 0:
		if g.r.IntN(4) == 0 {
			return nil
		}
		return core.Close{}
	case 1:
		kind := core.PayeeKind(g.r.IntN(2))
		return core.Pay{From: g.party(), To: core.Payee{Kind: kind, Party: g.party()}, Token: g.token(), Amount: g.value(2), Then: g.contract(d)}
	case 2:
		return core.If{Obs: g.obs(2), Then: g.contract(d), Else: g.contract(d)}
	case 3:
		return core.Let{ID: core.ValueID(g.bytes(1)), Value: g.value(2), Then: g.contract(d)}
	case 4:
		return core.Assert{Obs: g.obs(2), Then: g.contract(d)}
	}
	w := core.When{Timeout: g.int(), Continuation: g.contract(d)}
	for i := g.r.IntN(4); i > 0; i-- {
		var a core.Action
		switch g.r.IntN(4) {
		case 0:
			a = core.Choice{ID: g.choiceID(), Bounds: []core.Bound{{Low: g.int(), High: g.int()}}}
		case 1:
			a = core.Notify{Obs: g.obs(2)}
		case 2:
			a = nil
		default:
			a = core.Deposit{Into: g.party(), From: g.party(), Token: g.token(), Amount: g.value(2)}
		}
		cs := core.Case{Action: a, Then: g.contract(d)}
		if g.r.IntN(3) == 0 {
			h := []byte(g.bytes(32))
			cs = core.Case{Action: a, Merkleized: true, Hash: h}
			if g.r.IntN(2) == 0 {
				g.conts[hex.EncodeToString(h)] = g.contract(d)
			}
		}
		w.Cases = append(w.Cases, cs)
	}
	if g.r.IntN(10) == 0 {
		w.TimeoutParam = "t"
	}
	return w
}

func (g *gen) state() core.State {
	st := core.State{MinTime: g.int()}
	for i := g.r.IntN(3); i > 0; i-- {
		st.Accounts = append(st.Accounts, core.AccountEntry{Account: g.party(), Token: g.token(), Amount: g.int()})
	}
	for i := g.r.IntN(2); i > 0; i-- {
		st.Choices = append(st.Choices, core.ChoiceEntry{ID: g.choiceID(), Value: g.int()})
	}
	for i := g.r.IntN(2); i > 0; i-- {
		st.BoundValues = append(st.BoundValues, core.BoundValueEntry{ID: core.ValueID(g.bytes(1)), Value: g.int()})
	}
	return st
}

// runAll runs every entry point; a panic fails the test.
func runAll(t *testing.T, label string, d core.MarloweData, conts Continuations) (findings int) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("%s: panic: %v", label, p)
		}
	}()
	rt := &RoleTokens{Mode: RoleTokensMode(len(label) % 3), Names: []core.TokenName{"a", "bb"}}
	errs, err := CheckContract(Config{Mainnet: len(label)%2 == 0, RoleTokens: rt}, d, conts)
	if err == nil {
		findings += len(errs)
	}
	if r, err := CheckSafety(DefaultMaxValueSize, 4310, d, conts); err == nil {
		findings += len(r.Errors)
	}
	if errs, err := CheckTransactions(context.Background(), d.State, d.Contract, conts, Options{MaxTransactions: 300}); err == nil {
		findings += len(errs)
	}
	return findings
}

// TestRandomContractsNoPanic runs every entry point on random, often
// malformed contracts (fixed seed).
func TestRandomContractsNoPanic(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 4))
	findings := 0
	for i := 0; i < 3000; i++ {
		g := &gen{r: r, conts: Continuations{}}
		c := g.contract(1 + r.IntN(5))
		d := datum(core.CurrencySymbol(g.bytes(29)), g.state(), c)
		if r.IntN(2) == 0 {
			d.Params.RolesCurrency = policy
		}
		findings += runAll(t, fmt.Sprint(i), d, g.conts)
	}
	// The generator is hostile enough that the checks do find things.
	if findings < 3000 {
		t.Errorf("only %d findings over 3000 random contracts", findings)
	}
}

// FuzzCheck runs every entry point on contracts decoded from fuzzed JSON,
// seeded with the reference contracts.
func FuzzCheck(f *testing.F) {
	dir, err := shared.Find()
	if err == nil {
		files, _ := filepath.Glob(filepath.Join(dir, "marlowe", "reference-paths", "*.contract"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`"close"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, mode := range []core.JSONMode{core.Strict, core.Lenient} {
			c, err := core.DecodeJSON[core.Contract](b, mode)
			if err != nil {
				return
			}
			st := state(acct(role(strings.Repeat("r", len(b)%40)), core.Ada, 1))
			runAll(t, "fuzz", datum(policy, st, c), nil)
			if m, conts, err := core.Merkleize(c); err == nil {
				runAll(t, "fuzz merkleized", datum(policy, st, m), Continuations(conts))
			}
		}
	})
}
