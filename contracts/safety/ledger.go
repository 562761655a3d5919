package safety

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// Ledger limits the checks enforce (Cardano ledger rules).
const (
	// MaxTokenNameBytes is the ledger's limit on asset (and so role) names.
	MaxTokenNameBytes = 32
	// CurrencySymbolBytes is the length of a minting policy id.
	CurrencySymbolBytes = 28
	// DefaultMaxValueSize is the maxValueSize protocol parameter of every
	// public network since Alonzo.
	DefaultMaxValueSize = 5000
)

// checkRoleNames is Haskell's checkRoleNames: the roles currency must be
// empty or 28 bytes; roles need a currency and a currency needs roles; role
// names must fit the ledger.
func checkRoleNames(rolesCurrency core.CurrencySymbol, roles []core.TokenName) []Error {
	if rolesCurrency != "" && len(rolesCurrency) != CurrencySymbolBytes {
		// The currency validator fails first and short-circuits.
		return []Error{InvalidCurrencySymbol{Currency: rolesCurrency}}
	}
	hasCurrency, hasRoles := rolesCurrency != "", len(roles) > 0
	switch {
	case hasCurrency && hasRoles:
		var errs []Error
		for _, r := range roles {
			if len(r) > MaxTokenNameBytes {
				errs = append(errs, RoleNameTooLong{Role: r})
			}
		}
		return errs
	case hasRoles:
		return []Error{MissingRolesCurrency{}}
	case hasCurrency:
		return []Error{ContractHasNoRoles{}}
	}
	return nil
}

// checkTokens is Haskell's checkTokens over the sorted token set: a named
// token under the ada symbol, a currency symbol that is not 28 bytes, or a
// token name over 32 bytes. The first failing rule per token decides.
func checkTokens(tokens []core.Token) []Error {
	var errs []Error
	for _, t := range tokens {
		switch {
		case t.Currency == "":
			if t.Name != "" {
				errs = append(errs, InvalidToken{Token: t})
			}
		case len(t.Currency) != CurrencySymbolBytes:
			errs = append(errs, InvalidCurrencySymbol{Currency: t.Currency})
		case len(t.Name) > MaxTokenNameBytes:
			errs = append(errs, TokenNameTooLong{Name: t.Name})
		}
	}
	return nub(errs)
}

// checkContinuations reports every merkleized-case hash (sorted) whose
// continuation was not supplied.
func checkContinuations(x *extraction, conts map[string]core.Contract) []Error {
	var errs []Error
	for _, h := range x.sortedHashes() {
		if _, ok := conts[h]; !ok {
			errs = append(errs, MissingContinuation{Hash: []byte(h)})
		}
	}
	return errs
}

// networks is the sorted set of networks of the address parties: false
// (testnet) before true (mainnet).
func networks(addrs []core.Address) []bool {
	var hasTest, hasMain bool
	for _, a := range addrs {
		if a.Mainnet {
			hasMain = true
		} else {
			hasTest = true
		}
	}
	var out []bool
	if hasTest {
		out = append(out, false)
	}
	if hasMain {
		out = append(out, true)
	}
	return out
}

// checkNetwork reports WrongNetwork when some address is not on the target
// network.
func checkNetwork(mainnet bool, nets []bool) []Error {
	for _, n := range nets {
		if n != mainnet {
			return []Error{WrongNetwork{}}
		}
	}
	return nil
}

// checkNetworks reports InconsistentNetworks when both networks occur.
func checkNetworks(nets []bool) []Error {
	if len(nets) > 1 {
		return []Error{InconsistentNetworks{}}
	}
	return nil
}

// legalAddress reports whether the address survives Haskell's CIP-19
// round trip (serialiseAddressBech32 then deserialiseAddressBech32). The
// decoder slices the payload by total length only, so a base address is
// legal whenever its two hashes total 56 bytes, however they are split.
// Staking pointers make the Haskell serialiser fail outright; they and
// specification-mode opaque addresses have no ledger form and are illegal.
func legalAddress(a core.Address) bool {
	if a.Opaque != "" {
		return false
	}
	switch a.Staking {
	case core.NoStaking:
		return len(a.Payment.Hash) == 28
	case core.StakingHash:
		return len(a.Payment.Hash)+len(a.Stake.Hash) == 56
	}
	return false
}

// checkAddresses reports each illegal Plutus address once, in address
// order, with the network dropped as Haskell's extractAddresses drops it.
func checkAddresses(addrs []core.Address) []Error {
	plutus := make([]core.Address, 0, len(addrs))
	for _, a := range addrs {
		a.Mainnet = false
		plutus = append(plutus, a)
	}
	slices.SortFunc(plutus, cmpPlutusAddress)
	plutus = slices.CompactFunc(plutus, func(a, b core.Address) bool { return cmpPlutusAddress(a, b) == 0 })
	var errs []Error
	for _, a := range plutus {
		if !legalAddress(a) {
			errs = append(errs, IllegalAddress{Address: a})
		}
	}
	return errs
}

// checkPositiveBalance reports every initial account whose balance is not
// positive, in state order.
func checkPositiveBalance(st core.State) []Error {
	var errs []Error
	for _, a := range st.Accounts {
		if a.Amount == nil || a.Amount.Sign() <= 0 {
			errs = append(errs, NonPositiveBalance{Account: a.Account, Token: a.Token})
		}
	}
	return errs
}

// checkDuplicates reports every repeated key of the state's association
// lists: each occurrence after the first (Haskell `x \\ nub x`), accounts,
// then choices, then bound values.
func checkDuplicates(st core.State) []Error {
	var errs []Error
	seenAcc := map[accountToken]bool{}
	for _, a := range st.Accounts {
		k := accountToken{a.Account, a.Token}
		if seenAcc[k] {
			errs = append(errs, DuplicateAccount{Account: a.Account, Token: a.Token})
		}
		seenAcc[k] = true
	}
	seenCh := map[core.ChoiceID]bool{}
	for _, c := range st.Choices {
		if seenCh[c.ID] {
			errs = append(errs, DuplicateChoice{Choice: c.ID})
		}
		seenCh[c.ID] = true
	}
	seenBV := map[core.ValueID]bool{}
	for _, b := range st.BoundValues {
		if seenBV[b.ID] {
			errs = append(errs, DuplicateBoundValue{ValueID: b.ID})
		}
		seenBV[b.ID] = true
	}
	return errs
}

// WorstValueSize is the ledger's size in bytes of a token bundle holding
// every token in tokens (Haskell worstValueSize; the Alonzo min-UTxO
// formula): 8 × (6 + words(13·tokens + 29·policies + Σ distinct name
// lengths)), at least one word.
func WorstValueSize(tokens []core.Token) int64 {
	all := map[core.Token]struct{}{}
	policies := map[core.CurrencySymbol]struct{}{}
	names := map[core.TokenName]struct{}{}
	for _, t := range tokens {
		all[t] = struct{}{}
		policies[t.Currency] = struct{}{}
		names[t.Name] = struct{}{}
	}
	var nameBytes int64
	for n := range names {
		nameBytes += int64(len(n))
	}
	x := 13*int64(len(all)) + 29*int64(len(policies)) + nameBytes
	words := max((x+7)/8, 1)
	return 8 * (6 + words)
}

// Report is the library's safety report (Haskell SafetyReport).
type Report struct {
	// Errors are the findings, in the library's order.
	Errors []Error
	// BoundOnMinimumUtxo bounds the contract's min-UTxO lovelace over all
	// paths, or is nil when the contract may pay out of an account of the
	// initial state (then no bound is computed).
	BoundOnMinimumUtxo *big.Int
	// BoundOnDatumSize bounds the Marlowe datum's size in bytes.
	BoundOnDatumSize int
	// BoundOnRedeemerSize bounds the size in bytes of one redeemer input;
	// 0 for a contract without cases.
	BoundOnRedeemerSize int
	// Networks lists the networks of the contract's addresses, false
	// (testnet) before true (mainnet).
	Networks []bool
}

// CheckSafety is the library analysis (Haskell checkSafety) of a datum and
// its continuations under the maxValueSize and utxoCostPerByte protocol
// parameters. Errors come in the library's order: role names, tokens,
// maximum value, non-positive balances, duplicates, missing continuations,
// inconsistent networks. It fails only when the worst-case datum cannot be
// encoded (a malformed contract).
func CheckSafety(maxValueSize, utxoCostPerByte int64, datum core.MarloweData, conts Continuations) (Report, error) {
	cm, err := decodeContinuations(conts)
	if err != nil {
		return Report{}, err
	}
	x := extractAll(datum.Contract, conts)
	withState := extractAll(datum.Contract, conts).withState(datum.State)
	nets := networks(withState.addressParties())
	worst := WorstValueSize(withState.sortedTokens())

	var errs []Error
	errs = append(errs, checkRoleNames(datum.Params.RolesCurrency, withState.roleNames())...)
	errs = append(errs, checkTokens(withState.sortedTokens())...)
	if worst > maxValueSize {
		errs = append(errs, MaximumValueMayExceedProtocol{Bytes: big.NewInt(worst)})
	}
	errs = append(errs, checkPositiveBalance(datum.State)...)
	errs = append(errs, checkDuplicates(datum.State)...)
	errs = append(errs, checkContinuations(x, cm)...)
	errs = append(errs, checkNetworks(nets)...)

	r := Report{Errors: errs, Networks: nets}
	r.BoundOnMinimumUtxo = worstMinimumUtxo(utxoCostPerByte, datum.State, x, worst)
	if r.BoundOnDatumSize, err = worstDatumSize(datum.Params, datum.Contract, x); err != nil {
		return Report{}, err
	}
	if r.BoundOnRedeemerSize, err = worstRedeemerSize(x); err != nil {
		return Report{}, err
	}
	return r, nil
}

// worstMinimumUtxo is Haskell's worstMinimumUtxo: nil when some initial
// account may be paid from by the contract, else utxoCostPerByte × (27·8
// for a staked address and ada + the worst value size + 10·8 for a datum
// hash).
func worstMinimumUtxo(utxoCostPerByte int64, st core.State, x *extraction, worstValue int64) *big.Int {
	for _, a := range st.Accounts {
		if _, ok := x.accounts[accountToken{a.Account, a.Token}]; ok {
			return nil
		}
	}
	bytes := big.NewInt(27*8 + worstValue + 10*8)
	return bytes.Mul(bytes, big.NewInt(utxoCostPerByte))
}

// big2to63 is Haskell's `big`, the representative huge amount.
func big2to63() *big.Int { return new(big.Int).Lsh(big.NewInt(1), 63) }

// worstDatumSize is the encoded size of the datum with the worst-case
// state: every account, choice and bound value the contract mentions, each
// holding 2^63, and minTime 9999999999999.
func worstDatumSize(params core.MarloweParams, c core.Contract, x *extraction) (int, error) {
	var st core.State
	accs := make([]accountToken, 0, len(x.accounts))
	for a := range x.accounts {
		accs = append(accs, a)
	}
	slices.SortFunc(accs, func(a, b accountToken) int {
		if c := cmpParty(a.Account, b.Account); c != 0 {
			return c
		}
		return cmpToken(a.Token, b.Token)
	})
	for _, a := range accs {
		st.Accounts = append(st.Accounts, core.AccountEntry{Account: a.Account, Token: a.Token, Amount: big2to63()})
	}
	chs := make([]core.ChoiceID, 0, len(x.choices))
	for c := range x.choices {
		chs = append(chs, c)
	}
	slices.SortFunc(chs, func(a, b core.ChoiceID) int {
		if c := strings.Compare(string(a.Name), string(b.Name)); c != 0 {
			return c
		}
		return cmpParty(a.Owner, b.Owner)
	})
	for _, c := range chs {
		st.Choices = append(st.Choices, core.ChoiceEntry{ID: c, Value: big2to63()})
	}
	vals := make([]core.ValueID, 0, len(x.values))
	for v := range x.values {
		vals = append(vals, v)
	}
	slices.Sort(vals)
	for _, v := range vals {
		st.BoundValues = append(st.BoundValues, core.BoundValueEntry{ID: v, Value: big2to63()})
	}
	st.MinTime = big.NewInt(9999999999999)
	b, err := core.EncodeData(core.MarloweData{Params: params, State: st, Contract: c})
	if err != nil {
		return 0, fmt.Errorf("safety: encode worst-case datum: %w", err)
	}
	return len(b), nil
}

// worstRedeemerSize is the largest encoded size of one representative
// input per case (Haskell possibleRedeemers): deposits of 2^63, the choice
// number of largest magnitude among the bounds, notifications; merkleized
// cases as merkleized inputs.
func worstRedeemerSize(x *extraction) (int, error) {
	best := 0
	for _, cs := range x.cases {
		var content core.InputContent
		switch a := cs.Action.(type) {
		case core.Deposit:
			content = core.IDeposit{Into: a.Into, From: a.From, Token: a.Token, Amount: big2to63()}
		case core.Choice:
			content = core.IChoice{ID: a.ID, Chosen: largestChoice(a.Bounds)}
		case core.Notify:
			content = core.INotify{}
		default:
			return 0, fmt.Errorf("safety: case with unsupported action %T", cs.Action)
		}
		in := core.Input{Content: content, Merkleized: cs.Merkleized, Hash: cs.Hash}
		b, err := core.EncodeData(in)
		if err != nil {
			return 0, fmt.Errorf("safety: encode representative input: %w", err)
		}
		best = max(best, len(b))
	}
	return best, nil
}

// largestChoice is the bound endpoint of largest magnitude; on ties the
// later one wins, as with Haskell's maximumBy. Haskell fails on a choice
// without bounds; 0 stands in here.
func largestChoice(bounds []core.Bound) *big.Int {
	var best *big.Int
	for _, b := range bounds {
		for _, v := range []*big.Int{b.Low, b.High} {
			if v == nil {
				continue
			}
			if best == nil || new(big.Int).Abs(v).Cmp(new(big.Int).Abs(best)) >= 0 {
				best = v
			}
		}
	}
	if best == nil {
		return new(big.Int)
	}
	return best
}
