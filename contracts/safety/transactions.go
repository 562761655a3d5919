package safety

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
)

// DefaultMaxTransactions bounds the transactions CheckTransactions computes
// when Options.MaxTransactions is zero.
const DefaultMaxTransactions = 20000

// ErrAnalysisLimit is returned by FindTransactions when the step or time
// budget runs out before every path has been explored.
var ErrAnalysisLimit = errors.New("safety: transaction analysis exceeded its budget")

// Options bound the transaction analysis. The Haskell Runtime bounds it by
// wall-clock time only (its analysisTimeout); a step bound keeps the Go
// analysis deterministic in tests and cheap on exponential contracts.
type Options struct {
	// MaxTransactions bounds the computeTransaction runs;
	// 0 means DefaultMaxTransactions.
	MaxTransactions int
	// Timeout bounds the wall-clock time; 0 means no bound other than the
	// context's deadline.
	Timeout time.Duration
}

// CheckTransactions is the semantic half of the Runtime's checkTransactions:
// it finds the transactions along the execution paths of contract c from
// state st (FindTransactions) and reports one TransactionWarning per
// semantic warning, in path order. When the budget runs out the findings
// are replaced by a single SafetyAnalysisTimeout, as the Runtime does.
//
// The Runtime also builds every transaction against a mock wallet and
// reports those that would not balance or validate (min-UTxO, size,
// execution budget); CheckTransactionsBuilt does that.
//
// It fails on a malformed contract or state and when ctx is cancelled.
func CheckTransactions(ctx context.Context, st core.State, c core.Contract, conts Continuations, opts Options) ([]Error, error) {
	txs, err := FindTransactions(ctx, st, c, conts, opts)
	if errors.Is(err, ErrAnalysisLimit) {
		return []Error{SafetyAnalysisTimeout{}}, nil
	}
	if err != nil {
		return nil, err
	}
	var errs []Error
	for _, tx := range txs {
		for _, w := range tx.Output.Warnings {
			errs = append(errs, TransactionWarning{Tx: tx, Warning: w})
		}
	}
	return errs, nil
}

// FindTransactions enumerates the transactions along the execution paths
// of c from st, in depth-first pre-order (a transaction before those that
// follow it; at each When the timeout first, then the cases in order, like
// Haskell's path expansion).
//
// Haskell asks an SMT solver for one input trace per leaf of the contract;
// here the traces are concrete: from a state with minimum time t, each case
// is taken with a transaction at the interval [t, t] (deposits of the
// amount the contract asks for, choices of every bound endpoint,
// notifications whose observation holds) and the timeout with [T, T] at
// the When's timeout T. Those are the instants the Haskell traces use too;
// leaves that only a solver can reach (say, a choice that must equal a
// product) are not explored. Transactions that fail (computeTransaction
// error) end their path silently.
//
// It returns ErrAnalysisLimit (wrapped) when the budget runs out, ctx.Err()
// when ctx is cancelled, and an error for a malformed state or contract.
func FindTransactions(ctx context.Context, st core.State, c core.Contract, conts Continuations, opts Options) ([]Transaction, error) {
	if err := checkWellFormed(st, c, conts); err != nil {
		return nil, err
	}
	cm, err := decodeContinuations(conts)
	if err != nil {
		return nil, err
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	f := &finder{ctx: ctx, conts: cm, budget: opts.MaxTransactions}
	if f.budget <= 0 {
		f.budget = DefaultMaxTransactions
	}
	if err := f.node(st, c); err != nil {
		return nil, err
	}
	return f.txs, nil
}

// finder is one run of FindTransactions.
type finder struct {
	ctx    context.Context
	conts  map[string]core.Contract
	budget int
	steps  int
	txs    []Transaction
}

// node explores every transaction that can follow (st, c).
func (f *finder) node(st core.State, c core.Contract) error {
	now := st.MinTime
	point := core.TimeInterval{From: now, To: now}
	if _, ok := c.(core.Close); ok {
		if len(st.Accounts) > 0 {
			return f.try(st, c, core.TransactionInput{Interval: point})
		}
		return nil
	}
	env := core.Environment{Interval: point}
	r := semantics.ReduceContractUntilQuiescent(env, st, c)
	if r.Err != nil {
		return nil
	}
	w, ok := r.Contract.(core.When)
	if !ok || r.Reduced {
		// The contract is not waiting: a transaction without inputs
		// reduces it (to Close, or to the When it then waits in, whose
		// alternatives are explored from there). The Haskell paths split
		// such reductions into their own transaction too.
		return f.try(st, c, core.TransactionInput{Interval: point})
	}
	if err := f.try(st, c, core.TransactionInput{Interval: core.TimeInterval{From: w.Timeout, To: w.Timeout}}); err != nil {
		return err
	}
	var seen [][]byte
	for _, cs := range w.Cases {
		for _, cand := range f.inputs(st, now, w.Timeout, cs) {
			// An earlier case accepting the same input at the same
			// instant shadows this one: the transaction would repeat.
			key, err := core.EncodeData(cand.input)
			if err != nil {
				return fmt.Errorf("safety: encode input: %w", err)
			}
			key = append(key, cand.at.String()...)
			dup := false
			for _, k := range seen {
				if bytes.Equal(k, key) {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			seen = append(seen, key)
			iv := core.TimeInterval{From: cand.at, To: cand.at}
			if err := f.try(st, c, core.TransactionInput{Interval: iv, Inputs: []core.Input{cand.input}}); err != nil {
				return err
			}
		}
	}
	return nil
}

// try computes one transaction and, when it succeeds, records it and
// explores what follows.
func (f *finder) try(st core.State, c core.Contract, in core.TransactionInput) error {
	if f.steps >= f.budget {
		return fmt.Errorf("%w: more than %d transactions", ErrAnalysisLimit, f.budget)
	}
	f.steps++
	if f.steps%64 == 0 {
		if err := f.ctx.Err(); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("%w: %v", ErrAnalysisLimit, err)
			}
			return fmt.Errorf("safety: transaction analysis: %w", err)
		}
	}
	out := semantics.ComputeTransaction(in, st, c)
	if out.Error != nil {
		return nil
	}
	f.txs = append(f.txs, Transaction{State: st, Contract: c, Input: in, Output: out})
	if _, closed := out.Contract.(core.Close); closed && len(out.State.Accounts) == 0 {
		return nil
	}
	return f.node(out.State, out.Contract)
}

// candidate is one input tried for a case, at the instant at.
type candidate struct {
	at    *big.Int
	input core.Input
}

// inputs are the concrete inputs tried for a case of the When st waits in
// (quiescent at now, timing out at timeout): at now, a deposit of the
// amount asked, a choice of every bound endpoint, a notification if its
// observation holds. A notification that does not hold at now is tried
// once more at the last instant before the timeout, since time is what an
// observation most often waits for.
func (f *finder) inputs(st core.State, now, timeout *big.Int, cs core.Case) []candidate {
	at := func(t *big.Int) core.Environment {
		return core.Environment{Interval: core.TimeInterval{From: t, To: t}}
	}
	var cands []candidate
	add := func(t *big.Int, ic core.InputContent) {
		if !cs.Merkleized {
			cands = append(cands, candidate{t, core.Input{Content: ic}})
			return
		}
		cont, ok := f.conts[string(cs.Hash)]
		if !ok {
			// CheckContract reports the missing continuation; the path
			// cannot be followed.
			return
		}
		cands = append(cands, candidate{t, core.Input{Content: ic, Merkleized: true, Hash: cs.Hash, Continuation: cont}})
	}
	switch a := cs.Action.(type) {
	case core.Deposit:
		amount := semantics.EvalValue(at(now), st, a.Amount)
		add(now, core.IDeposit{Into: a.Into, From: a.From, Token: a.Token, Amount: amount})
	case core.Choice:
		for _, n := range choiceCandidates(a.Bounds) {
			add(now, core.IChoice{ID: a.ID, Chosen: n})
		}
	case core.Notify:
		if semantics.EvalObservation(at(now), st, a.Obs) {
			add(now, core.INotify{})
			break
		}
		last := new(big.Int).Sub(timeout, big.NewInt(1))
		if last.Cmp(now) > 0 && semantics.EvalObservation(at(last), st, a.Obs) {
			add(last, core.INotify{})
		}
	}
	return cands
}

// maxChoiceCandidates caps the numbers tried per choice, so that a choice
// with many bounds does not multiply the paths without limit.
const maxChoiceCandidates = 8

// choiceCandidates are the distinct endpoints of the valid bounds, in bound
// order: the extremes a contract's conditions most often distinguish.
func choiceCandidates(bounds []core.Bound) []*big.Int {
	var out []*big.Int
	add := func(v *big.Int) {
		for _, o := range out {
			if o.Cmp(v) == 0 {
				return
			}
		}
		out = append(out, v)
	}
	for _, b := range bounds {
		if b.Low == nil || b.High == nil || b.Low.Cmp(b.High) > 0 {
			continue
		}
		add(b.Low)
		add(b.High)
		if len(out) >= maxChoiceCandidates {
			return out[:maxChoiceCandidates]
		}
	}
	return out
}
