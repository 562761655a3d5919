package safety

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// Continuations are the merkleized continuations of a contract, keyed by
// the lowercase hex of their datum hash: the form core.Merkleize returns and
// the Runtime's contract store serves (Haskell `Map DatumHash Contract`).
type Continuations map[string]core.Contract

// accountToken is an (AccountId, Token) pair, the key of State.Accounts.
type accountToken struct {
	Account core.Party
	Token   core.Token
}

// extraction is what the Haskell Plate extractors collect from a contract
// and all of its continuations (extractAllWithContinuations), as sets.
// Every continuation counts, reachable or not, as in Haskell.
type extraction struct {
	parties  map[core.Party]struct{}
	tokens   map[core.Token]struct{}
	accounts map[accountToken]struct{}
	choices  map[core.ChoiceID]struct{}
	values   map[core.ValueID]struct{}
	hashes   map[string]struct{}
	cases    []core.Case
}

// extractAll walks c and every continuation.
func extractAll(c core.Contract, conts Continuations) *extraction {
	x := &extraction{
		parties:  map[core.Party]struct{}{},
		tokens:   map[core.Token]struct{}{},
		accounts: map[accountToken]struct{}{},
		choices:  map[core.ChoiceID]struct{}{},
		values:   map[core.ValueID]struct{}{},
		hashes:   map[string]struct{}{},
	}
	x.contract(c)
	// Map iteration order does not matter: everything lands in sets, and
	// cases are only used for a maximum.
	for _, k := range sortedKeys(conts) {
		x.contract(conts[k])
	}
	return x
}

func sortedKeys(conts Continuations) []string {
	keys := make([]string, 0, len(conts))
	for k := range conts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (x *extraction) contract(c core.Contract) {
	_ = core.Walk(c, func(c core.Contract) error {
		switch v := c.(type) {
		case core.Pay:
			x.party(v.From)
			x.party(v.To.Party)
			x.tokens[v.Token] = struct{}{}
			x.accounts[accountToken{v.From, v.Token}] = struct{}{}
			if v.To.Kind == core.PayeeAccount {
				x.accounts[accountToken{v.To.Party, v.Token}] = struct{}{}
			}
			x.value(v.Amount)
		case core.If:
			x.observation(v.Obs)
		case core.When:
			for _, cs := range v.Cases {
				x.cases = append(x.cases, cs)
				x.action(cs.Action)
				if cs.Merkleized {
					x.hashes[string(cs.Hash)] = struct{}{}
				}
			}
		case core.Let:
			x.values[v.ID] = struct{}{}
			x.value(v.Value)
		case core.Assert:
			x.observation(v.Obs)
		}
		return nil
	})
}

func (x *extraction) party(p core.Party) { x.parties[p] = struct{}{} }

func (x *extraction) action(a core.Action) {
	switch v := a.(type) {
	case core.Deposit:
		x.party(v.Into)
		x.party(v.From)
		x.tokens[v.Token] = struct{}{}
		x.accounts[accountToken{v.Into, v.Token}] = struct{}{}
		x.value(v.Amount)
	case core.Choice:
		x.party(v.ID.Owner)
		x.choices[v.ID] = struct{}{}
	case core.Notify:
		x.observation(v.Obs)
	}
}

func (x *extraction) value(v core.Value) {
	switch v := v.(type) {
	case core.AvailableMoney:
		x.party(v.Account)
		x.tokens[v.Token] = struct{}{}
		x.accounts[accountToken{v.Account, v.Token}] = struct{}{}
	case core.NegValue:
		x.value(v.V)
	case core.AddValue:
		x.value(v.L)
		x.value(v.R)
	case core.SubValue:
		x.value(v.L)
		x.value(v.R)
	case core.MulValue:
		x.value(v.L)
		x.value(v.R)
	case core.DivValue:
		x.value(v.L)
		x.value(v.R)
	case core.ChoiceValue:
		x.party(v.ID.Owner)
		x.choices[v.ID] = struct{}{}
	case core.UseValue:
		x.values[v.ID] = struct{}{}
	case core.Cond:
		x.observation(v.Obs)
		x.value(v.Then)
		x.value(v.Else)
	}
}

func (x *extraction) observation(o core.Observation) {
	switch v := o.(type) {
	case core.AndObs:
		x.observation(v.L)
		x.observation(v.R)
	case core.OrObs:
		x.observation(v.L)
		x.observation(v.R)
	case core.NotObs:
		x.observation(v.O)
	case core.ChoseSomething:
		x.party(v.ID.Owner)
		x.choices[v.ID] = struct{}{}
	case core.ValueGE:
		x.value(v.L)
		x.value(v.R)
	case core.ValueGT:
		x.value(v.L)
		x.value(v.R)
	case core.ValueLT:
		x.value(v.L)
		x.value(v.R)
	case core.ValueLE:
		x.value(v.L)
		x.value(v.R)
	case core.ValueEQ:
		x.value(v.L)
		x.value(v.R)
	}
}

// withState adds the parties and tokens of the initial state, like
// Haskell's extractParties / extractTokens (account owners and choice
// owners; account tokens). It returns x for chaining.
func (x *extraction) withState(st core.State) *extraction {
	for _, a := range st.Accounts {
		x.party(a.Account)
		x.tokens[a.Token] = struct{}{}
	}
	for _, c := range st.Choices {
		x.party(c.ID.Owner)
	}
	return x
}

// roleNames is the sorted set of role names among the parties.
func (x *extraction) roleNames() []core.TokenName {
	var out []core.TokenName
	for p := range x.parties {
		if p.Kind == core.RoleParty {
			out = append(out, p.Role)
		}
	}
	slices.Sort(out)
	return out
}

// addressParties is the sorted set of address parties (Haskell's
// (Network, Address) set).
func (x *extraction) addressParties() []core.Address {
	var out []core.Address
	for p := range x.parties {
		if p.Kind == core.AddressParty {
			out = append(out, p.Address)
		}
	}
	slices.SortFunc(out, cmpNetworkAddress)
	return out
}

// sortedTokens is the token set in Haskell's Ord Token order.
func (x *extraction) sortedTokens() []core.Token {
	out := make([]core.Token, 0, len(x.tokens))
	for t := range x.tokens {
		out = append(out, t)
	}
	slices.SortFunc(out, cmpToken)
	return out
}

// sortedHashes is the set of merkleized-case hashes in byte order.
func (x *extraction) sortedHashes() []string {
	out := make([]string, 0, len(x.hashes))
	for h := range x.hashes {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

// cmpToken is Haskell's derived Ord Token: currency, then name, bytewise.
func cmpToken(a, b core.Token) int {
	if c := strings.Compare(string(a.Currency), string(b.Currency)); c != 0 {
		return c
	}
	return strings.Compare(string(a.Name), string(b.Name))
}

// cmpNetworkAddress orders (network, address) pairs: testnet (False)
// before mainnet, then cmpPlutusAddress.
func cmpNetworkAddress(a, b core.Address) int {
	if a.Mainnet != b.Mainnet {
		if a.Mainnet {
			return 1
		}
		return -1
	}
	return cmpPlutusAddress(a, b)
}

// cmpPlutusAddress is the derived Ord of the Plutus Address: payment
// credential (PubKey before Script, then hash), then the staking part
// (Nothing < StakingHash < StakingPtr). Specification-mode opaque addresses
// have no Haskell counterpart; they sort last, by text.
func cmpPlutusAddress(a, b core.Address) int {
	if (a.Opaque != "") != (b.Opaque != "") {
		if a.Opaque != "" {
			return 1
		}
		return -1
	}
	if c := strings.Compare(a.Opaque, b.Opaque); c != 0 {
		return c
	}
	if c := cmpCredential(a.Payment, b.Payment); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Staking, b.Staking); c != 0 {
		return c
	}
	switch a.Staking {
	case core.StakingHash:
		return cmpCredential(a.Stake, b.Stake)
	case core.StakingPtr:
		for i := range a.Pointer {
			if c := cmp.Compare(a.Pointer[i], b.Pointer[i]); c != 0 {
				return c
			}
		}
	}
	return 0
}

func cmpCredential(a, b core.Credential) int {
	if a.Script != b.Script {
		if a.Script {
			return 1
		}
		return -1
	}
	return strings.Compare(a.Hash, b.Hash)
}

// cmpParty is the derived Ord Party: address parties (network, then
// address) before role parties (by name).
func cmpParty(a, b core.Party) int {
	if a.Kind != b.Kind {
		return cmp.Compare(a.Kind, b.Kind)
	}
	if a.Kind == core.RoleParty {
		return strings.Compare(string(a.Role), string(b.Role))
	}
	return cmpNetworkAddress(a.Address, b.Address)
}

// decodeContinuations turns the hex keys into raw hash bytes, rejecting
// keys that are not hex.
func decodeContinuations(conts Continuations) (map[string]core.Contract, error) {
	out := make(map[string]core.Contract, len(conts))
	for k, c := range conts {
		b, err := hex.DecodeString(k)
		if err != nil {
			return nil, fmt.Errorf("safety: continuation key %q: %w", k, err)
		}
		out[string(b)] = c
	}
	return out, nil
}
