package chaingen

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"math/rand/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// Template names the built-in contract shapes. Each is a small contract
// in the style of the Runtime's examples, driven along one path by a
// fixed list of moves.
type Template uint8

const (
	// Escrow: the buyer deposits the price, the seller's choice decides
	// whether the seller is paid or the buyer refunded.
	Escrow Template = iota
	// Swap: both parties deposit (ada and a native token), then each is
	// paid the other's deposit.
	Swap
	// MerkleNotify: a deposit, then a merkleized Notify case whose
	// continuation pays the other party.
	MerkleNotify
	// MultiInput: a deposit and a choice applied in one transaction; the
	// choice sets the amount paid.
	MultiInput
	// Timeout: nobody deposits; after the timeout an empty transaction
	// closes the contract and refunds the creator.
	Timeout
	numTemplates
)

func (t Template) String() string {
	switch t {
	case Escrow:
		return "escrow"
	case Swap:
		return "swap"
	case MerkleNotify:
		return "merkle-notify"
	case MultiInput:
		return "multi-input"
	case Timeout:
		return "timeout"
	}
	return fmt.Sprintf("template(%d)", uint8(t))
}

// move is the content of one apply-inputs transaction; timeout marks the
// empty transaction that fires a When's timeout.
type move struct {
	contents []core.InputContent
	timeout  bool
}

// instance is a template filled in for one contract.
type instance struct {
	contract core.Contract
	moves    []move
	// merkle holds the continuations of merkleized cases by hex hash.
	merkle map[string]core.Contract
	// timeout is the short timeout of the Timeout template (POSIX ms).
	timeout *big.Int
}

const (
	// longTimeout keeps the timeouts of normal lifecycles out of reach of
	// any chain the generator makes (90 days).
	longTimeout = 90 * 24 * 3600 * 1000
	// shortTimeout is the Timeout template's deadline (1 hour).
	shortTimeout = 3600 * 1000
	ada          = 1_000_000
)

func bi(n int64) *big.Int { return big.NewInt(n) }

func constant(n int64) core.Value { return core.Constant{N: bi(n)} }

// build fills template t for parties a (the creator) and b at creation
// time now (POSIX ms).
func build(t Template, r *rand.Rand, a, b core.Party, token core.Token, now int64) (instance, error) {
	far := bi(now + longTimeout)
	price := int64(2+r.IntN(500)) * ada
	switch t {
	case Escrow:
		approve := core.ChoiceID{Name: "approve", Owner: a}
		pay := func(to core.Party) core.Contract {
			return core.Pay{From: a, To: core.Payee{Kind: core.PayeeParty, Party: to}, Token: core.Ada, Amount: constant(price), Then: core.Close{}}
		}
		c := core.When{Timeout: far, Continuation: core.Close{}, Cases: []core.Case{{
			Action: core.Deposit{Into: a, From: b, Token: core.Ada, Amount: constant(price)},
			Then: core.When{Timeout: bi(now + longTimeout + 1), Continuation: core.Close{}, Cases: []core.Case{{
				Action: core.Choice{ID: approve, Bounds: []core.Bound{{Low: bi(0), High: bi(1)}}},
				Then: core.If{
					Obs:  core.ValueEQ{L: core.ChoiceValue{ID: approve}, R: constant(1)},
					Then: pay(a), Else: pay(b),
				},
			}}},
		}}}
		return instance{contract: c, moves: []move{
			{contents: []core.InputContent{core.IDeposit{Into: a, From: b, Token: core.Ada, Amount: bi(price)}}},
			{contents: []core.InputContent{core.IChoice{ID: approve, Chosen: bi(int64(r.IntN(2)))}}},
		}}, nil
	case Swap:
		qty := int64(1 + r.IntN(10_000))
		c := core.When{Timeout: far, Continuation: core.Close{}, Cases: []core.Case{{
			Action: core.Deposit{Into: a, From: a, Token: core.Ada, Amount: constant(price)},
			Then: core.When{Timeout: bi(now + longTimeout + 1), Continuation: core.Close{}, Cases: []core.Case{{
				Action: core.Deposit{Into: b, From: b, Token: token, Amount: constant(qty)},
				Then: core.Pay{From: a, To: core.Payee{Kind: core.PayeeParty, Party: b}, Token: core.Ada, Amount: constant(price),
					Then: core.Pay{From: b, To: core.Payee{Kind: core.PayeeParty, Party: a}, Token: token, Amount: constant(qty), Then: core.Close{}}},
			}}},
		}}}
		return instance{contract: c, moves: []move{
			{contents: []core.InputContent{core.IDeposit{Into: a, From: a, Token: core.Ada, Amount: bi(price)}}},
			{contents: []core.InputContent{core.IDeposit{Into: b, From: b, Token: token, Amount: bi(qty)}}},
		}}, nil
	case MerkleNotify:
		cont := core.Pay{From: a, To: core.Payee{Kind: core.PayeeParty, Party: b}, Token: core.Ada, Amount: constant(price), Then: core.Close{}}
		h, err := core.ContractHash(cont)
		if err != nil {
			return instance{}, fmt.Errorf("merkleize continuation: %w", err)
		}
		c := core.When{Timeout: far, Continuation: core.Close{}, Cases: []core.Case{{
			Action: core.Deposit{Into: a, From: a, Token: core.Ada, Amount: constant(price)},
			Then: core.When{Timeout: bi(now + longTimeout + 1), Continuation: core.Close{}, Cases: []core.Case{{
				Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: h[:],
			}}},
		}}}
		return instance{contract: c, merkle: map[string]core.Contract{hex.EncodeToString(h[:]): cont}, moves: []move{
			{contents: []core.InputContent{core.IDeposit{Into: a, From: a, Token: core.Ada, Amount: bi(price)}}},
			{contents: []core.InputContent{core.INotify{}}},
		}}, nil
	case MultiInput:
		deposit := int64(10+r.IntN(100)) * ada
		n := core.ChoiceID{Name: "amount", Owner: b}
		c := core.When{Timeout: far, Continuation: core.Close{}, Cases: []core.Case{{
			Action: core.Deposit{Into: a, From: a, Token: core.Ada, Amount: constant(deposit)},
			Then: core.When{Timeout: bi(now + longTimeout + 1), Continuation: core.Close{}, Cases: []core.Case{{
				Action: core.Choice{ID: n, Bounds: []core.Bound{{Low: bi(1), High: bi(10)}}},
				Then: core.Pay{From: a, To: core.Payee{Kind: core.PayeeParty, Party: b}, Token: core.Ada,
					Amount: core.MulValue{L: core.ChoiceValue{ID: n}, R: constant(ada)}, Then: core.Close{}},
			}}},
		}}}
		return instance{contract: c, moves: []move{{contents: []core.InputContent{
			core.IDeposit{Into: a, From: a, Token: core.Ada, Amount: bi(deposit)},
			core.IChoice{ID: n, Chosen: bi(int64(1 + r.IntN(10)))},
		}}}}, nil
	case Timeout:
		deadline := bi(now + shortTimeout)
		c := core.When{Timeout: deadline, Continuation: core.Close{}, Cases: []core.Case{{
			Action: core.Deposit{Into: a, From: b, Token: core.Ada, Amount: constant(price)}, Then: core.Close{},
		}}}
		return instance{contract: c, timeout: deadline, moves: []move{{timeout: true}}}, nil
	}
	return instance{}, fmt.Errorf("unknown template %d", uint8(t))
}

// inputsFor turns a move's contents into transaction inputs, attaching the
// hash and continuation when the matching case of the current When is
// merkleized.
func (in *instance) inputsFor(m move, c core.Contract) []core.Input {
	out := make([]core.Input, 0, len(m.contents))
	w, _ := c.(core.When)
	for _, ic := range m.contents {
		input := core.Input{Content: ic}
		for _, cs := range w.Cases {
			if !cs.Merkleized || !matches(cs.Action, ic) {
				continue
			}
			if cont, ok := in.merkle[hex.EncodeToString(cs.Hash)]; ok {
				input.Merkleized, input.Hash, input.Continuation = true, cs.Hash, cont
			}
			break
		}
		out = append(out, input)
	}
	return out
}

func matches(a core.Action, ic core.InputContent) bool {
	switch act := a.(type) {
	case core.Deposit:
		d, ok := ic.(core.IDeposit)
		return ok && d.Into == act.Into && d.From == act.From && d.Token == act.Token
	case core.Choice:
		ch, ok := ic.(core.IChoice)
		return ok && ch.ID == act.ID
	case core.Notify:
		_, ok := ic.(core.INotify)
		return ok
	}
	return false
}
