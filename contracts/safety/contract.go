package safety

import (
	"slices"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// RoleTokensMode tells how a contract's role tokens come about (the
// Runtime's RoleTokensConfig constructors).
type RoleTokensMode uint8

const (
	// RoleTokensNone: no role tokens (RoleTokensNone).
	RoleTokensNone RoleTokensMode = iota
	// RoleTokensUsePolicy: an existing policy; Names are the roles the
	// create transaction distributes (RoleTokensUsePolicy).
	RoleTokensUsePolicy
	// RoleTokensMint: the Runtime mints Names (RoleTokensMint).
	RoleTokensMint
)

// RoleTokens is the role-token configuration of a create request.
type RoleTokens struct {
	Mode RoleTokensMode
	// Names are the minted (RoleTokensMint) or distributed
	// (RoleTokensUsePolicy) role names; ignored for RoleTokensNone.
	Names []core.TokenName
}

// Config is the context of CheckContract.
type Config struct {
	// Mainnet is the network the contract will run on.
	Mainnet bool
	// RoleTokens is the create request's role-token configuration, or nil
	// to skip the minting check (as the Runtime does when applying inputs,
	// where the tokens already exist).
	RoleTokens *RoleTokens
}

// CheckContract is the Runtime's fast contract check (Transaction/Safety.hs
// checkContract) of a datum (roles currency, initial state, contract) and
// its continuations. Findings come in the Runtime's order — minting,
// role names, tokens, continuations, networks, addresses — with duplicates
// removed. Continuation keys that are not hex are reported as an error.
func CheckContract(cfg Config, datum core.MarloweData, conts Continuations) ([]Error, error) {
	cm, err := decodeContinuations(conts)
	if err != nil {
		return nil, err
	}
	contractOnly := extractAll(datum.Contract, conts)
	x := extractAll(datum.Contract, conts).withState(datum.State)
	roles := x.roleNames()
	addrs := x.addressParties()
	nets := networks(addrs)

	var errs []Error
	if cfg.RoleTokens != nil {
		errs = append(errs, checkMinting(*cfg.RoleTokens, roles)...)
	}
	errs = append(errs, checkRoleNames(datum.Params.RolesCurrency, roles)...)
	errs = append(errs, checkTokens(x.sortedTokens())...)
	errs = append(errs, checkContinuations(contractOnly, cm)...)
	errs = append(errs, checkNetwork(cfg.Mainnet, nets)...)
	errs = append(errs, checkNetworks(nets)...)
	errs = append(errs, checkAddresses(addrs)...)
	return nub(errs), nil
}

// checkMinting compares the contract's roles with the configured tokens:
// roles without a mint need one; a mint without roles is pointless; minted
// roles must match the used ones both ways; distributed roles of an
// existing policy must be used (missing ones may already be held).
func checkMinting(rt RoleTokens, roles []core.TokenName) []Error {
	hasRoles := len(roles) > 0
	switch {
	case rt.Mode == RoleTokensNone && hasRoles:
		return []Error{MissingRolesCurrency{}}
	case rt.Mode == RoleTokensNone:
		return nil
	case !hasRoles:
		return []Error{ContractHasNoRoles{}}
	}
	names := slices.Clone(rt.Names)
	slices.Sort(names)
	names = slices.Compact(names)
	var errs []Error
	if rt.Mode == RoleTokensMint {
		for _, r := range roles {
			if _, found := slices.BinarySearch(names, r); !found {
				errs = append(errs, MissingRoleToken{Role: r})
			}
		}
	}
	for _, n := range names {
		if _, found := slices.BinarySearch(roles, n); !found {
			errs = append(errs, ExtraRoleToken{Role: n})
		}
	}
	return errs
}
