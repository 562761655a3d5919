package semantics

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// The three maps of core.State are PlutusTx association lists: lookup takes
// the first matching key, insert replaces in place or appends, delete keeps
// the order of the rest. The order is observable on chain (datum equality,
// Close refund order), so these helpers reproduce it exactly.
//
// The exported helpers are copy-on-write: they never modify the slice they
// are given, because decoded states may be shared. The unexported ones
// mutate slices that this package allocated itself (see cloneState).

func accountIndex(accs []core.AccountEntry, acc core.AccountID, tok core.Token) int {
	for i := range accs {
		if accs[i].Account == acc && accs[i].Token == tok {
			return i
		}
	}
	return -1
}

func choiceIndex(chs []core.ChoiceEntry, id core.ChoiceID) int {
	for i := range chs {
		if chs[i].ID == id {
			return i
		}
	}
	return -1
}

func boundValueIndex(bvs []core.BoundValueEntry, id core.ValueID) int {
	for i := range bvs {
		if bvs[i].ID == id {
			return i
		}
	}
	return -1
}

// LookupAccount returns the balance recorded for (acc, tok), if any.
func LookupAccount(accs []core.AccountEntry, acc core.AccountID, tok core.Token) (*big.Int, bool) {
	if i := accountIndex(accs, acc, tok); i >= 0 {
		return intOrZero(accs[i].Amount), true
	}
	return nil, false
}

// MoneyInAccount is the balance of (acc, tok), or 0 when the account is
// absent. The result is a fresh integer the caller may modify.
func MoneyInAccount(accs []core.AccountEntry, acc core.AccountID, tok core.Token) *big.Int {
	if v, ok := LookupAccount(accs, acc, tok); ok {
		return new(big.Int).Set(v)
	}
	return new(big.Int)
}

// InsertAccount returns accs with (acc, tok) set to amount: replaced in
// place when present, appended otherwise. accs is not modified.
func InsertAccount(accs []core.AccountEntry, acc core.AccountID, tok core.Token, amount *big.Int) []core.AccountEntry {
	out := slices.Clone(accs)
	return insertAccountOwned(out, acc, tok, amount)
}

// DeleteAccount returns accs without (acc, tok), keeping the order of the
// rest. accs is not modified.
func DeleteAccount(accs []core.AccountEntry, acc core.AccountID, tok core.Token) []core.AccountEntry {
	i := accountIndex(accs, acc, tok)
	if i < 0 {
		return slices.Clone(accs)
	}
	return slices.Concat(accs[:i], accs[i+1:])
}

// LookupChoice returns the number recorded for id, if any.
func LookupChoice(chs []core.ChoiceEntry, id core.ChoiceID) (*big.Int, bool) {
	if i := choiceIndex(chs, id); i >= 0 {
		return intOrZero(chs[i].Value), true
	}
	return nil, false
}

// InsertChoice returns chs with id set to v (in place or appended). chs is
// not modified.
func InsertChoice(chs []core.ChoiceEntry, id core.ChoiceID, v *big.Int) []core.ChoiceEntry {
	out := slices.Clone(chs)
	return insertChoiceOwned(out, id, v)
}

// DeleteChoice returns chs without id, keeping the order of the rest. chs is
// not modified.
func DeleteChoice(chs []core.ChoiceEntry, id core.ChoiceID) []core.ChoiceEntry {
	i := choiceIndex(chs, id)
	if i < 0 {
		return slices.Clone(chs)
	}
	return slices.Concat(chs[:i], chs[i+1:])
}

// LookupBoundValue returns the value bound to id, if any.
func LookupBoundValue(bvs []core.BoundValueEntry, id core.ValueID) (*big.Int, bool) {
	if i := boundValueIndex(bvs, id); i >= 0 {
		return intOrZero(bvs[i].Value), true
	}
	return nil, false
}

// InsertBoundValue returns bvs with id bound to v (in place or appended).
// bvs is not modified.
func InsertBoundValue(bvs []core.BoundValueEntry, id core.ValueID, v *big.Int) []core.BoundValueEntry {
	out := slices.Clone(bvs)
	return insertBoundValueOwned(out, id, v)
}

// DeleteBoundValue returns bvs without id, keeping the order of the rest.
// bvs is not modified.
func DeleteBoundValue(bvs []core.BoundValueEntry, id core.ValueID) []core.BoundValueEntry {
	i := boundValueIndex(bvs, id)
	if i < 0 {
		return slices.Clone(bvs)
	}
	return slices.Concat(bvs[:i], bvs[i+1:])
}

// TotalBalance sums the accounts per token, like the validator's
// totalBalance. Tokens whose total is zero are omitted, matching Plutus
// Value equality, which treats a zero quantity as absent.
func TotalBalance(accs []core.AccountEntry) map[core.Token]*big.Int {
	tot := make(map[core.Token]*big.Int)
	for _, e := range accs {
		s, ok := tot[e.Token]
		if !ok {
			s = new(big.Int)
			tot[e.Token] = s
		}
		s.Add(s, intOrZero(e.Amount))
	}
	for t, s := range tot {
		if s.Sign() == 0 {
			delete(tot, t)
		}
	}
	return tot
}

// ValidateState checks the invariants the semantics validator requires of
// its input and output states (semantics.md §3.8): every balance positive
// and no duplicate key in accounts, choices or bound values. The semantics
// itself does not need them; a state violating them can never be spent.
func ValidateState(st core.State) error {
	for i, e := range st.Accounts {
		if e.Amount == nil || e.Amount.Sign() <= 0 {
			return fmt.Errorf("accounts[%d]: balance %v is not positive", i, e.Amount)
		}
		if j := accountIndex(st.Accounts[:i], e.Account, e.Token); j >= 0 {
			return fmt.Errorf("accounts[%d]: duplicate of accounts[%d]", i, j)
		}
	}
	for i, e := range st.Choices {
		if j := choiceIndex(st.Choices[:i], e.ID); j >= 0 {
			return fmt.Errorf("choices[%d]: duplicate of choices[%d]", i, j)
		}
	}
	for i, e := range st.BoundValues {
		if j := boundValueIndex(st.BoundValues[:i], e.ID); j >= 0 {
			return fmt.Errorf("boundValues[%d]: duplicate of boundValues[%d]", i, j)
		}
	}
	return nil
}

// cloneState copies the three lists so that the copy can be updated in
// place. Entries are copied by value; their integers are shared, which is
// safe because this package never modifies an integer it did not allocate
// for the result at hand.
func cloneState(st core.State) core.State {
	return core.State{
		Accounts:    slices.Clone(st.Accounts),
		Choices:     slices.Clone(st.Choices),
		BoundValues: slices.Clone(st.BoundValues),
		MinTime:     st.MinTime,
	}
}

func insertAccountOwned(accs []core.AccountEntry, acc core.AccountID, tok core.Token, amount *big.Int) []core.AccountEntry {
	if i := accountIndex(accs, acc, tok); i >= 0 {
		accs[i].Amount = amount
		return accs
	}
	return append(accs, core.AccountEntry{Account: acc, Token: tok, Amount: amount})
}

func deleteAccountOwned(accs []core.AccountEntry, acc core.AccountID, tok core.Token) []core.AccountEntry {
	if i := accountIndex(accs, acc, tok); i >= 0 {
		return slices.Delete(accs, i, i+1)
	}
	return accs
}

func insertChoiceOwned(chs []core.ChoiceEntry, id core.ChoiceID, v *big.Int) []core.ChoiceEntry {
	if i := choiceIndex(chs, id); i >= 0 {
		chs[i].Value = v
		return chs
	}
	return append(chs, core.ChoiceEntry{ID: id, Value: v})
}

func insertBoundValueOwned(bvs []core.BoundValueEntry, id core.ValueID, v *big.Int) []core.BoundValueEntry {
	if i := boundValueIndex(bvs, id); i >= 0 {
		bvs[i].Value = v
		return bvs
	}
	return append(bvs, core.BoundValueEntry{ID: id, Value: v})
}

// updateMoneyOwned is Marlowe's updateMoneyInAccount: a non-positive balance
// removes the account, anything else inserts it.
func updateMoneyOwned(accs []core.AccountEntry, acc core.AccountID, tok core.Token, amount *big.Int) []core.AccountEntry {
	if amount.Sign() <= 0 {
		return deleteAccountOwned(accs, acc, tok)
	}
	return insertAccountOwned(accs, acc, tok, amount)
}

// addMoneyOwned is Marlowe's addMoneyToAccount: a non-positive amount
// changes nothing (in particular it does not delete or reorder).
func addMoneyOwned(accs []core.AccountEntry, acc core.AccountID, tok core.Token, amount *big.Int) []core.AccountEntry {
	if amount.Sign() <= 0 {
		return accs
	}
	bal := zeroIfAbsent(accs, acc, tok)
	return updateMoneyOwned(accs, acc, tok, new(big.Int).Add(bal, amount))
}

// zeroIfAbsent is moneyInAccount without the defensive copy: the result is
// read-only.
func zeroIfAbsent(accs []core.AccountEntry, acc core.AccountID, tok core.Token) *big.Int {
	if i := accountIndex(accs, acc, tok); i >= 0 {
		return intOrZero(accs[i].Amount)
	}
	return new(big.Int)
}

// intOrZero reads a possibly nil integer as 0, so that hand-built values
// with missing integers evaluate instead of panicking.
func intOrZero(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return x
}
