package txbuild

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Open roles (semantics.md §4.5, §6.1, §6.2): a role token sent at Create
// to the open-role validator instead of a wallet, released to whoever first
// makes a deposit or choice as that role. The validator lets the token go
// only if the spent Marlowe output holds the contract's thread token (same
// policy as the roles, name = the open-role output's datum), which is what
// ties the open role to one contract.

// OpenRoleError: an open-role request the validators would reject (txjob
// BalancingError with this message).
type OpenRoleError struct {
	Role   core.TokenName
	Reason string
}

func (e *OpenRoleError) Error() string {
	if e.Role == "" {
		return "open role: " + e.Reason
	}
	return fmt.Sprintf("open role %q: %s", string(e.Role), e.Reason)
}

// OpenRoleAddress is the enterprise address of the open-role validator of
// Marlowe version v on the network of addr (any Shelley address whose
// header carries the network id). The Runtime sends open roles to this
// address, without a stake part.
func OpenRoleAddress(reg *registry.Registry, v registry.Version, addr []byte) ([]byte, error) {
	if reg == nil {
		reg = registry.New()
	}
	set, ok := reg.Set(v)
	if !ok {
		return nil, fmt.Errorf("unknown Marlowe version %d", v)
	}
	if !set.HasOpenRole {
		return nil, &OpenRoleError{Reason: fmt.Sprintf("Marlowe %s has no open-role validator", v)}
	}
	if len(addr) == 0 {
		return nil, errors.New("open-role address: no network address given")
	}
	return txtest.EnterpriseScriptAddress(set.OpenRole.Hash, addr[0]&0x0f), nil
}

// openRoleDatum is the open-role output's datum, B threadTokenName, and its
// hash.
func openRoleDatum(thread core.TokenName) ([]byte, []byte, error) {
	raw, h, err := datumWithHash(core.OpenRoleDatum{ThreadTokenName: thread})
	if err != nil {
		return nil, nil, fmt.Errorf("open-role datum: %w", err)
	}
	return raw, h, nil
}

// authorisingRoles are the roles whose token authorises a deposit or choice
// somewhere in c (merkleized continuations are not visible).
func authorisingRoles(c core.Contract) []core.TokenName {
	var out []core.TokenName
	add := func(p core.Party) {
		if p.Kind == core.RoleParty && !slices.Contains(out, p.Role) {
			out = append(out, p.Role)
		}
	}
	_ = core.Walk(c, func(c core.Contract) error {
		if w, ok := c.(core.When); ok {
			for _, cs := range w.Cases {
				switch a := cs.Action.(type) {
				case core.Deposit:
					add(a.From)
				case core.Choice:
					add(a.ID.Owner)
				}
			}
		}
		return nil
	})
	return out
}

// checkThreadToken rejects a thread-token name that is also a role able to
// authorise inputs: every transaction spending the Marlowe output spends the
// thread token, so anyone could act as that role.
func checkThreadToken(req CreateRequest) error {
	thread := req.Roles.ThreadTokenName
	if len(thread) > 32 {
		return &OpenRoleError{Reason: fmt.Sprintf("thread token name %q longer than 32 bytes", string(thread))}
	}
	if _, ok := req.Roles.Distribution[thread]; ok {
		return &OpenRoleError{Role: thread, Reason: "the thread token name is also a distributed role"}
	}
	if slices.Contains(authorisingRoles(req.Contract), thread) {
		return &OpenRoleError{Role: thread, Reason: "the thread token name is a role that authorises inputs; anyone spending the contract would hold it"}
	}
	return nil
}

// openRoleSpend finds, among the request's open-role outputs, one that
// releases role (cur, role) for the Marlowe output ctr of semantics script
// semHash, and returns it with the datum to put in the witness set (nil
// for an inline datum).
func openRoleSpend(reg *registry.Registry, semHash registry.ScriptHash, ctr UTxO, cur core.CurrencySymbol, role core.TokenName, cands []UTxO) (UTxO, []byte, error) {
	sem, ok := reg.ByHash(semHash)
	if !ok {
		return UTxO{}, nil, fmt.Errorf("semantics %s unknown", semHash)
	}
	set, _ := reg.Set(sem.Version)
	if !set.HasOpenRole || len(cands) == 0 {
		return UTxO{}, nil, &MissingRoleTokenError{Currency: cur, Role: role}
	}
	id, isAsset, err := tokenAsset(core.Token{Currency: cur, Name: role})
	if err != nil || !isAsset {
		return UTxO{}, nil, &MissingRoleTokenError{Currency: cur, Role: role}
	}
	// The thread token is a token of the roles policy in the Marlowe
	// output; the open-role datum names it.
	var threads []core.TokenName
	for a := range ctr.Out.Value.Assets {
		if string(a.Policy[:]) == string(cur) {
			threads = append(threads, core.TokenName(a.Name))
		}
	}
	slices.Sort(threads)
	sorted := slices.Clone(cands)
	slices.SortFunc(sorted, func(a, b UTxO) int { return registry.CompareTxOutRef(a.Ref, b.Ref) })
	var reasons []string
	for _, u := range sorted {
		h, ok := registry.ScriptPaymentCredential(u.Out.Address)
		if !ok || h != set.OpenRole.Hash {
			continue
		}
		// The validator accepts only ada plus one kind of role token.
		if len(u.Out.Value.Assets) != 1 || u.Out.Value.Assets[id] == 0 {
			continue
		}
		if u.Out.InlineDatum != nil {
			od, err := core.DecodeData[core.OpenRoleDatum](u.Out.InlineDatum)
			d := od.ThreadTokenName
			if err != nil {
				reasons = append(reasons, fmt.Sprintf("%s: inline datum is not a token name", u.Ref))
				continue
			}
			if !slices.Contains(threads, d) {
				reasons = append(reasons, fmt.Sprintf("%s: the contract does not hold thread token %q", u.Ref, string(d)))
				continue
			}
			return u, nil, nil
		}
		for _, th := range threads {
			raw, dh, err := openRoleDatum(th)
			if err != nil {
				return UTxO{}, nil, err
			}
			if bytes.Equal(dh, u.Out.DatumHash) {
				return u, raw, nil
			}
		}
		reasons = append(reasons, fmt.Sprintf("%s: datum names no thread token the contract holds", u.Ref))
	}
	if len(reasons) > 0 {
		return UTxO{}, nil, &OpenRoleError{Role: role, Reason: fmt.Sprintf("no open-role output can be released (%v)", reasons)}
	}
	return UTxO{}, nil, &MissingRoleTokenError{Currency: cur, Role: role}
}
