package semantics

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// gen builds small random contracts, states and transactions from a fixed
// seed, so the property tests are deterministic.
type gen struct {
	r       *rand.Rand
	parties []core.Party
	tokens  []core.Token
	// conts maps a merkleized case's hash to its continuation, so that
	// inputs for that case can carry it.
	conts map[string]core.Contract
	next  int
}

func newGen(seed uint64) *gen {
	return &gen{
		r:       rand.New(rand.NewPCG(seed, 0x5eed)),
		parties: []core.Party{role("a"), role("b"), role("c")},
		tokens:  []core.Token{core.Ada, tok("T")},
		conts:   map[string]core.Contract{},
	}
}

func (g *gen) party() core.Party { return g.parties[g.r.IntN(len(g.parties))] }
func (g *gen) token() core.Token { return g.tokens[g.r.IntN(len(g.tokens))] }
func (g *gen) choiceID() core.ChoiceID {
	return choiceID([]string{"x", "y"}[g.r.IntN(2)], g.party())
}
func (g *gen) valueID() core.ValueID { return core.ValueID([]string{"u", "v"}[g.r.IntN(2)]) }
func (g *gen) small() int64          { return g.r.Int64N(25) - 4 }

func (g *gen) value(depth int) core.Value {
	k := g.r.IntN(12)
	if depth <= 0 {
		k = g.r.IntN(3)
	}
	switch k {
	case 0:
		return cst(g.small())
	case 1:
		return core.AvailableMoney{Account: g.party(), Token: g.token()}
	case 2:
		return []core.Value{core.TimeIntervalStart{}, core.TimeIntervalEnd{},
			core.ChoiceValue{ID: g.choiceID()}, core.UseValue{ID: g.valueID()}}[g.r.IntN(4)]
	case 3:
		return core.NegValue{V: g.value(depth - 1)}
	case 4:
		return core.AddValue{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 5:
		return core.SubValue{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 6:
		return core.MulValue{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 7:
		return core.DivValue{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 8:
		return core.Cond{Obs: g.obs(depth - 1), Then: g.value(depth - 1), Else: g.value(depth - 1)}
	default:
		return cst(g.small())
	}
}

func (g *gen) obs(depth int) core.Observation {
	k := g.r.IntN(10)
	if depth <= 0 {
		k = g.r.IntN(3)
	}
	switch k {
	case 0:
		return core.TrueObs{}
	case 1:
		return core.FalseObs{}
	case 2:
		return core.ChoseSomething{ID: g.choiceID()}
	case 3:
		return core.AndObs{L: g.obs(depth - 1), R: g.obs(depth - 1)}
	case 4:
		return core.OrObs{L: g.obs(depth - 1), R: g.obs(depth - 1)}
	case 5:
		return core.NotObs{O: g.obs(depth - 1)}
	case 6:
		return core.ValueGE{L: g.value(depth - 1), R: g.value(depth - 1)}
	case 7:
		return core.ValueLT{L: g.value(depth - 1), R: g.value(depth - 1)}
	default:
		return core.ValueEQ{L: g.value(depth - 1), R: g.value(depth - 1)}
	}
}

func (g *gen) contract(depth int, minTimeout int64) core.Contract {
	k := g.r.IntN(10)
	if depth <= 0 {
		k = 0
	}
	switch k {
	case 0:
		return core.Close{}
	case 1, 2:
		to := core.Payee{Kind: core.PayeeKind(g.r.IntN(2)), Party: g.party()}
		return core.Pay{From: g.party(), To: to, Token: g.token(), Amount: g.value(2), Then: g.contract(depth-1, minTimeout)}
	case 3:
		return core.If{Obs: g.obs(2), Then: g.contract(depth-1, minTimeout), Else: g.contract(depth-1, minTimeout)}
	case 4:
		return core.Let{ID: g.valueID(), Value: g.value(2), Then: g.contract(depth-1, minTimeout)}
	case 5:
		return core.Assert{Obs: g.obs(2), Then: g.contract(depth-1, minTimeout)}
	default:
		timeout := minTimeout + g.r.Int64N(40)
		w := core.When{Timeout: bi(timeout), Continuation: g.contract(depth-1, timeout)}
		for range 1 + g.r.IntN(3) {
			w.Cases = append(w.Cases, g.caseOf(depth-1, timeout))
		}
		return w
	}
}

func (g *gen) caseOf(depth int, minTimeout int64) core.Case {
	var act core.Action
	switch g.r.IntN(3) {
	case 0:
		amt := g.value(1)
		if g.r.IntN(3) > 0 {
			amt = cst(g.small())
		}
		act = core.Deposit{Into: g.party(), From: g.party(), Token: g.token(), Amount: amt}
	case 1:
		lo := g.small()
		act = core.Choice{ID: g.choiceID(), Bounds: []core.Bound{{Low: bi(lo), High: bi(lo + g.r.Int64N(5))}}}
	default:
		act = core.Notify{Obs: g.obs(1)}
	}
	cont := g.contract(depth, minTimeout)
	if g.r.IntN(5) == 0 {
		g.next++
		h := []byte(fmt.Sprintf("h%d", g.next))
		g.conts[string(h)] = cont
		return core.Case{Action: act, Merkleized: true, Hash: h}
	}
	return core.Case{Action: act, Then: cont}
}

// state is a valid state: positive balances, no duplicate keys.
func (g *gen) state(minTime int64) core.State {
	st := core.EmptyState(bi(minTime))
	for range g.r.IntN(4) {
		st.Accounts = InsertAccount(st.Accounts, g.party(), g.token(), bi(1+g.r.Int64N(30)))
	}
	if g.r.IntN(2) == 0 {
		st.Choices = InsertChoice(st.Choices, g.choiceID(), bi(g.small()))
	}
	if g.r.IntN(2) == 0 {
		st.BoundValues = InsertBoundValue(st.BoundValues, g.valueID(), bi(g.small()))
	}
	return st
}

// transaction builds a transaction that is usually applicable: it steps a
// copy of the contract with the package's own ApplyInput to pick inputs
// some case accepts, and sometimes adds noise (random inputs, bad
// intervals).
func (g *gen) transaction(st core.State, c core.Contract) core.TransactionInput {
	minTime := intOrZero(st.MinTime).Int64()
	lo := minTime - 5 + g.r.Int64N(40)
	hi := lo + g.r.Int64N(10)
	if g.r.IntN(20) == 0 {
		hi = lo - 1
	}
	t := core.TransactionInput{Interval: iv(lo, hi)}
	e, cur, ierr := FixInterval(t.Interval, st)
	if ierr != nil {
		return t
	}
	for range g.r.IntN(4) {
		r := ReduceContractUntilQuiescent(e, cur, c)
		if r.Err != nil {
			return t
		}
		in, ok := g.inputFor(e, r.State, r.Contract)
		if !ok {
			return t
		}
		t.Inputs = append(t.Inputs, in)
		a := ApplyInput(e, r.State, in, r.Contract)
		if a.Err != nil {
			return t
		}
		cur, c = a.State, a.Contract
	}
	return t
}

func (g *gen) inputFor(e core.Environment, st core.State, c core.Contract) (core.Input, bool) {
	if g.r.IntN(15) == 0 {
		return g.noise(), true
	}
	w, ok := c.(core.When)
	if !ok || len(w.Cases) == 0 {
		return core.Input{}, false
	}
	cs := w.Cases[g.r.IntN(len(w.Cases))]
	var in core.Input
	switch a := cs.Action.(type) {
	case core.Deposit:
		in.Content = core.IDeposit{Into: a.Into, From: a.From, Token: a.Token, Amount: EvalValue(e, st, a.Amount)}
	case core.Choice:
		b := a.Bounds[0]
		in.Content = core.IChoice{ID: a.ID, Chosen: new(big.Int).Add(b.Low, big.NewInt(g.r.Int64N(2)))}
	case core.Notify:
		in.Content = core.INotify{}
	}
	if cs.Merkleized {
		in.Merkleized, in.Hash, in.Continuation = true, cs.Hash, g.conts[string(cs.Hash)]
	}
	return in, true
}

func (g *gen) noise() core.Input {
	switch g.r.IntN(3) {
	case 0:
		return deposit(g.party(), g.party(), g.token(), g.small())
	case 1:
		return choose(g.choiceID(), g.small())
	default:
		return notify()
	}
}

func sumByToken(dst map[core.Token]*big.Int, t core.Token, x *big.Int, sign int) {
	s, ok := dst[t]
	if !ok {
		s = new(big.Int)
		dst[t] = s
	}
	if sign < 0 {
		s.Sub(s, x)
	} else {
		s.Add(s, x)
	}
}

// TestPropertiesRandomContracts checks, over random contracts and
// transactions: no panics, inputs untouched, money conserved, validator
// state invariants preserved, and playTrace equal to folding
// computeTransaction.
func TestPropertiesRandomContracts(t *testing.T) {
	const contracts = 3000
	g := newGen(20240611)
	var okTx, errTx int
	errKinds, warnKinds := map[string]int{}, map[string]int{}
	for i := range contracts {
		c := g.contract(5, 0)
		st := g.state(int64(g.r.IntN(10)))
		start := core.EmptyState(st.MinTime)
		// Half the runs start empty so that playTrace can replay them.
		if i%2 == 0 {
			st = start
		}
		var txs []core.TransactionInput
		fold := core.TransactionOutput{State: st, Contract: c}
		for range 1 + g.r.IntN(6) {
			if _, done := fold.Contract.(core.Close); done && len(fold.State.Accounts) == 0 {
				break
			}
			tx := g.transaction(fold.State, fold.Contract)
			before := show([]any{tx, fold.State, fold.Contract})
			out := ComputeTransaction(tx, fold.State, fold.Contract)
			if show([]any{tx, fold.State, fold.Contract}) != before {
				t.Fatalf("contract %d: input modified", i)
			}
			txs = append(txs, tx)
			if out.Error != nil {
				errTx++
				errKinds[fmt.Sprintf("%T", out.Error)]++
				// A failed transaction changes nothing; try another one.
				continue
			}
			okTx++
			for _, w := range out.Warnings {
				warnKinds[fmt.Sprintf("%T", w)]++
			}
			checkConservation(t, i, fold.State, tx, out)
			if err := ValidateState(out.State); err != nil {
				t.Fatalf("contract %d: output state invalid: %v", i, err)
			}
			fold.Warnings = append(fold.Warnings, out.Warnings...)
			fold.Payments = append(fold.Payments, out.Payments...)
			fold.State, fold.Contract = out.State, out.Contract
		}
		if i%2 == 0 {
			got := PlayTrace(start.MinTime, c, txs)
			want := fold
			// playTrace reports the first error instead of the partial fold.
			last := computeChain(start, c, txs)
			if last.Error != nil {
				want = last
			}
			assertSame(t, fmt.Sprintf("contract %d playTrace", i), got, want)
		}
	}
	t.Logf("%d successful and %d failed transactions; errors %v; warnings %v", okTx, errTx, errKinds, warnKinds)
	// The generator must exercise both outcomes, or the test proves little.
	if okTx < contracts*3/4 || errTx < contracts/10 {
		t.Fatalf("poor coverage: %d ok, %d errors", okTx, errTx)
	}
	for _, k := range []string{"core.TEUselessTransaction", "core.TEApplyNoMatchError", "core.TEAmbiguousTimeIntervalError", "core.TEIntervalError", "core.TEHashMismatch"} {
		if errKinds[k] == 0 {
			t.Errorf("generator never produced %s", k)
		}
	}
	for _, k := range []string{"core.NonPositiveDeposit", "core.NonPositivePay", "core.PartialPay", "core.Shadowing", "core.AssertionFailed"} {
		if warnKinds[k] == 0 {
			t.Errorf("generator never produced %s", k)
		}
	}
}

// computeChain folds ComputeTransaction and returns the first
// error, or the last output.
func computeChain(st core.State, c core.Contract, txs []core.TransactionInput) core.TransactionOutput {
	out := core.TransactionOutput{State: st, Contract: c}
	for _, tx := range txs {
		out = ComputeTransaction(tx, out.State, out.Contract)
		if out.Error != nil {
			return out
		}
	}
	return out
}

// checkConservation: accounts before + positive deposits = accounts after +
// payments leaving the contract, per token.
func checkConservation(t *testing.T, i int, before core.State, tx core.TransactionInput, out core.TransactionOutput) {
	t.Helper()
	bal := map[core.Token]*big.Int{}
	for _, e := range before.Accounts {
		sumByToken(bal, e.Token, e.Amount, 1)
	}
	for _, in := range tx.Inputs {
		if d, ok := in.Content.(core.IDeposit); ok && d.Amount.Sign() > 0 {
			sumByToken(bal, d.Token, d.Amount, 1)
		}
	}
	for _, e := range out.State.Accounts {
		sumByToken(bal, e.Token, e.Amount, -1)
	}
	for _, p := range out.Payments {
		if p.Amount.Sign() < 0 {
			t.Fatalf("contract %d: negative payment %v", i, p.Amount)
		}
		if p.To.Kind == core.PayeeParty {
			sumByToken(bal, p.Token, p.Amount, -1)
		}
	}
	for tk, v := range bal {
		if v.Sign() != 0 {
			t.Fatalf("contract %d: token %q not conserved (%v)\nstate %s\ntx %s\nout %s", i, tk.Name, v, show(before), show(tx), show(out))
		}
	}
}
