package txbuild

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// RolesMode says how a new contract gets its role tokens.
type RolesMode uint8

// The role-token modes (the Runtime's RoleTokensConfig).
const (
	// RolesNone: the contract has no roles (rolesCurrency is empty).
	RolesNone RolesMode = iota
	// RolesUsePolicy: the tokens exist already (policy Policy); those
	// in Distribution are sent from the wallet to their recipients.
	RolesUsePolicy
	// RolesMint: the tokens are minted now under a RoleTokenPolicy of
	// the creating wallet and sent to their recipients.
	RolesMint
)

// DefaultMintWindow is how long a minted role-token policy stays open.
const DefaultMintWindow = time.Hour

// RoleRecipient receives Quantity (0 means 1) of a role token.
type RoleRecipient struct {
	Address  []byte
	Quantity uint64
	// OpenRole sends the token to the open-role validator of the
	// contract's Marlowe version instead (Address is then ignored): the
	// role stays open until someone deposits or chooses as it, and that
	// transaction releases the token to them (semantics.md §4.5).
	OpenRole bool
	// Extra are further destinations of the same role (the Runtime's
	// RoleTokensConfig allows several per role): each gets its own
	// output of its Quantity, and RolesMint mints the total. An extra
	// recipient's own Extra must be empty, and no destination (address,
	// or the open-role validator) may appear twice for one role.
	Extra []RoleRecipient
}

// destinations lists the recipient and its extra recipients, each without
// Extra and with its quantity resolved (0 means 1), and their total. A
// nested Extra, a repeated destination or a total beyond 2^64−1 is an
// error: the first would be silently dropped, the second would split one
// holding into outputs the Runtime never makes, the third cannot be minted.
func (r RoleRecipient) destinations() ([]RoleRecipient, uint64, error) {
	all := make([]RoleRecipient, 0, 1+len(r.Extra))
	all = append(all, RoleRecipient{Address: r.Address, Quantity: r.Quantity, OpenRole: r.OpenRole})
	for i, x := range r.Extra {
		if len(x.Extra) > 0 {
			return nil, 0, fmt.Errorf("extra recipient %d has extra recipients of its own", i)
		}
		all = append(all, x)
	}
	var total uint64
	for i := range all {
		if all[i].Quantity == 0 {
			all[i].Quantity = 1
		}
		if total > math.MaxUint64-all[i].Quantity {
			return nil, 0, errors.New("total quantity above 2^64-1")
		}
		total += all[i].Quantity
		if all[i].OpenRole {
			all[i].Address = nil
		}
		for _, prev := range all[:i] {
			if prev.OpenRole && all[i].OpenRole {
				return nil, 0, errors.New("the open-role validator is a recipient twice")
			}
			if !prev.OpenRole && !all[i].OpenRole && bytes.Equal(prev.Address, all[i].Address) {
				return nil, 0, fmt.Errorf("address %x is a recipient twice", all[i].Address)
			}
		}
	}
	return all, total, nil
}

// hasOpenRole reports whether any destination of any role is the open-role
// validator.
func hasOpenRole(dist map[core.TokenName]RoleRecipient) bool {
	for _, r := range dist {
		if r.OpenRole || slices.ContainsFunc(r.Extra, func(x RoleRecipient) bool { return x.OpenRole }) {
			return true
		}
	}
	return false
}

// RolesConfig configures the role tokens of a new contract.
type RolesConfig struct {
	Mode   RolesMode
	Policy [28]byte // RolesUsePolicy
	// Distribution sends each role token to its recipients (an address
	// or the open-role validator, plus RoleRecipient.Extra).
	Distribution map[core.TokenName]RoleRecipient
	// MintWindow is how long the minting policy stays open (RolesMint;
	// zero: DefaultMintWindow).
	MintWindow time.Duration
	// Metadata is the CIP-25 metadatum (CBOR) of each minted role,
	// written under label 721 (RolesMint).
	Metadata map[core.TokenName][]byte
	// ThreadTokenName names the thread token (policy: the roles
	// currency) that a contract with open roles holds in its creator's
	// account, so that the open-role validator can tie its outputs to
	// this contract. Used only when some role is open; default "".
	// RolesMint mints it; RolesUsePolicy takes it from the wallet.
	ThreadTokenName core.TokenName
}

// RoleTokenPolicy is the native-script minting policy of roles minted by
// Create: all of [signature of KeyHash, invalid hereafter Before].
type RoleTokenPolicy struct {
	KeyHash [28]byte
	Before  uint64
}

// Script is the policy's native-script CBOR:
// [1, [[0, keyHash], [5, before]]].
func (p RoleTokenPolicy) Script() []byte {
	b, err := txtest.Metadatum([]any{1, []any{[]any{0, p.KeyHash[:]}, []any{5, p.Before}}})
	if err != nil {
		// Encoding fixed-shape integers and bytes cannot fail.
		return nil
	}
	return b
}

// ID is the policy id: blake2b-224 of 0x00 ‖ script.
func (p RoleTokenPolicy) ID() [28]byte {
	h, _ := blake2b.New(28, nil)
	h.Write([]byte{0})
	h.Write(p.Script())
	var id [28]byte
	copy(id[:], h.Sum(nil))
	return id
}

// CreateRequest starts a contract.
type CreateRequest struct {
	// Version of the Marlowe validators (zero: registry.CurrentVersion).
	Version registry.Version
	// StakeCredential, when set, is the stake part of the contract
	// address.
	StakeCredential *core.Credential
	Contract        core.Contract
	Roles           RolesConfig
	// Accounts are initial balances besides the creator's deposit.
	Accounts []core.AccountEntry
	// MinLovelace is the minimum deposit asked for (the builder raises
	// it to the contract output's worst-case min-UTxO).
	MinLovelace uint64
	// Tags and ContinuationsURI are the Marlowe metadata (label 1564);
	// label 1564 is written when either is set.
	Tags []MetadataTag
	// ContinuationsURI is the continuations URI of label 1564 (at most
	// 64 bytes); nil writes none.
	ContinuationsURI *string
	// Metadata holds further transaction-metadata labels, each value a
	// metadatum's CBOR written as given. The builder's own labels win:
	// 1564 when Tags or ContinuationsURI are set, 721 when minting roles
	// with Roles.Metadata.
	Metadata map[uint64][]byte
}

// CreateResult is a built creation transaction.
type CreateResult struct {
	*Result
	// ContractID is the new contract's output (output 0).
	ContractID    registry.TxOutRef
	RolesCurrency core.CurrencySymbol
	// Policy is the minting policy (RolesMint only).
	Policy *RoleTokenPolicy
	Datum  core.MarloweData
	// Deposit is the creator's min-UTxO deposit in the contract.
	Deposit uint64
	// ThreadToken is the thread token in the creator's account (nil
	// without open roles).
	ThreadToken *core.Token
	// OpenRoles are the open-role outputs created, by role (their TxID
	// is the creation transaction's).
	OpenRoles map[core.TokenName]registry.TxOutRef
}

// Create builds a contract-creation transaction (semantics.md §6.1).
func Create(env Env, req CreateRequest) (*CreateResult, error) {
	if err := env.check(); err != nil {
		return nil, err
	}
	if req.Contract == nil {
		return nil, errors.New("create: no contract")
	}
	v := req.Version
	if v == 0 {
		v = registry.CurrentVersion
	}
	set, ok := env.registry().Set(v)
	if !ok {
		return nil, fmt.Errorf("create: unknown Marlowe version %d", v)
	}
	change := env.Wallet.ChangeAddress
	creatorKey, ok := keyHashOf(change)
	if !ok {
		return nil, errors.New("create: change address must have a key payment credential")
	}
	creator, err := core.AddressFromCIP19(change)
	if err != nil {
		return nil, fmt.Errorf("create: change address: %w", err)
	}
	marloweAddr, err := contractAddress(set.Semantics.Hash, creator.Mainnet, req.StakeCredential)
	if err != nil {
		return nil, err
	}

	d := &draft{spends: map[registry.TxOutRef]scriptSpend{}}
	res := &CreateResult{}
	switch req.Roles.Mode {
	case RolesNone:
	case RolesUsePolicy:
		res.RolesCurrency = core.CurrencySymbol(req.Roles.Policy[:])
	case RolesMint:
		window := req.Roles.MintWindow
		if window <= 0 {
			window = DefaultMintWindow
		}
		tip, err := env.Time.SlotToTime(env.TipSlot)
		if err != nil {
			return nil, fmt.Errorf("create: slot %d to time: %w", env.TipSlot, err)
		}
		before, err := env.Time.TimeToSlot(tip.Add(window))
		if err != nil {
			return nil, fmt.Errorf("create: mint window: %w", err)
		}
		pol := RoleTokenPolicy{KeyHash: creatorKey, Before: before}
		res.Policy = &pol
		id := pol.ID()
		res.RolesCurrency = core.CurrencySymbol(id[:])
		d.nativeScr = append(d.nativeScr, pol.Script())
		d.witnessKey = append(d.witnessKey, creatorKey)
		d.ttl = &before
	default:
		return nil, fmt.Errorf("create: unknown roles mode %d", req.Roles.Mode)
	}

	// Open roles: a thread token of the roles policy goes into the
	// creator's account (BuildConstraints.hs initialMarloweStateV1).
	var openRoleAddr []byte
	var threadID AssetID
	if hasOpenRole(req.Roles.Distribution) {
		if req.Roles.Mode == RolesNone {
			return nil, &OpenRoleError{Reason: "open roles need role tokens (roles mode none)"}
		}
		if err := checkThreadToken(req); err != nil {
			return nil, fmt.Errorf("create: %w", err)
		}
		if openRoleAddr, err = OpenRoleAddress(env.registry(), v, change); err != nil {
			return nil, fmt.Errorf("create: %w", err)
		}
		tt := core.Token{Currency: res.RolesCurrency, Name: req.Roles.ThreadTokenName}
		res.ThreadToken = &tt
		copy(threadID.Policy[:], res.RolesCurrency)
		threadID.Name = string(tt.Name)
		req.Accounts = append(slices.Clone(req.Accounts), core.AccountEntry{Account: core.AddressPartyOf(creator), Token: tt, Amount: big.NewInt(1)})
		if req.Roles.Mode == RolesMint {
			if d.mint, err = d.mint.add(Value{Assets: map[AssetID]uint64{threadID: 1}}); err != nil {
				return nil, err
			}
		}
	}

	// Initial state: the creator's deposit merged with the requested
	// accounts, in the Runtime's order.
	worst, err := worstCaseValue(req)
	if err != nil {
		return nil, err
	}
	wm, err := MinUTxO(env.Params, TxOut{Address: marloweAddr, Value: worst, DatumHash: make([]byte, 32)})
	if err != nil {
		return nil, err
	}
	deposit := max(req.MinLovelace, wm)
	res.Deposit = deposit
	accounts, err := initialAccounts(creator, deposit, req.Accounts)
	if err != nil {
		return nil, err
	}
	datum := core.MarloweData{
		Params:   core.MarloweParams{RolesCurrency: res.RolesCurrency},
		State:    core.State{Accounts: accounts, MinTime: new(big.Int)},
		Contract: req.Contract,
	}
	res.Datum = datum
	raw, h, err := datumWithHash(datum)
	if err != nil {
		return nil, fmt.Errorf("create: datum: %w", err)
	}
	val, err := accountsValue(datum.State)
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	d.addDatum(raw)
	d.addOutput(TxOut{Address: marloweAddr, Value: val, DatumHash: h}, true)

	if req.Roles.Mode != RolesNone {
		roles := make([]core.TokenName, 0, len(req.Roles.Distribution))
		for r := range req.Roles.Distribution {
			roles = append(roles, r)
		}
		slices.Sort(roles)
		for _, r := range roles {
			if len(r) > 32 {
				return nil, fmt.Errorf("create: role name %q longer than 32 bytes", string(r))
			}
			dests, total, err := req.Roles.Distribution[r].destinations()
			if err != nil {
				return nil, fmt.Errorf("create: recipients of role %q: %w", string(r), err)
			}
			var id AssetID
			copy(id.Policy[:], res.RolesCurrency)
			id.Name = string(r)
			if req.Roles.Mode == RolesMint {
				if d.mint, err = d.mint.add(Value{Assets: map[AssetID]uint64{id: total}}); err != nil {
					return nil, fmt.Errorf("create: mint role %q: %w", string(r), err)
				}
			}
			// One output per destination, in the order given.
			for _, rc := range dests {
				tok := Value{Assets: map[AssetID]uint64{id: rc.Quantity}}
				if rc.OpenRole {
					raw, h, err := openRoleDatum(req.Roles.ThreadTokenName)
					if err != nil {
						return nil, fmt.Errorf("create: %w", err)
					}
					d.addDatum(raw)
					if res.OpenRoles == nil {
						res.OpenRoles = map[core.TokenName]registry.TxOutRef{}
					}
					res.OpenRoles[r] = registry.TxOutRef{Index: uint32(len(d.outputs))}
					d.addOutput(TxOut{Address: slices.Clone(openRoleAddr), Value: tok, DatumHash: h}, false)
					continue
				}
				if _, err := core.AddressFromCIP19(rc.Address); err != nil {
					return nil, fmt.Errorf("create: recipient of role %q: %w", string(r), err)
				}
				d.addOutput(TxOut{Address: slices.Clone(rc.Address), Value: tok}, false)
			}
		}
		if req.Roles.Mode == RolesMint && len(req.Roles.Metadata) > 0 {
			l, err := cip25(res.RolesCurrency, req.Roles.Metadata)
			if err != nil {
				return nil, err
			}
			d.metadata = append(d.metadata, l)
		}
	}
	if writesMarloweMetadata(req.Tags, req.ContinuationsURI) {
		l, err := marloweMetadata(req.Tags, req.ContinuationsURI)
		if err != nil {
			return nil, fmt.Errorf("create: %w", err)
		}
		d.metadata = append(d.metadata, l)
	}
	if d.metadata, err = withExtraMetadata(d.metadata, req.Metadata); err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	r, err := finish(env, d)
	if err != nil {
		return nil, err
	}
	res.Result = r
	res.ContractID = registry.TxOutRef{TxID: r.TxID, Index: 0}
	for role, ref := range res.OpenRoles {
		ref.TxID = r.TxID
		res.OpenRoles[role] = ref
	}
	return res, nil
}

// contractAddress is the semantics validator's address with an optional
// stake credential.
func contractAddress(h registry.ScriptHash, mainnet bool, stake *core.Credential) ([]byte, error) {
	a := core.Address{Mainnet: mainnet, Payment: core.Credential{Script: true, Hash: string(h[:])}}
	if stake != nil {
		a.Staking = core.StakingHash
		a.Stake = *stake
	}
	b, err := a.CIP19()
	if err != nil {
		return nil, fmt.Errorf("create: contract address: %w", err)
	}
	return b, nil
}

// worstCaseValue is the largest value the contract output could hold: every
// token the contract or the initial accounts mention at the largest
// quantity, with the largest lovelace. Its min-UTxO is the deposit that
// keeps every later continuation above the ledger minimum.
func worstCaseValue(req CreateRequest) (Value, error) {
	v := Value{Lovelace: math.MaxUint64}
	add := func(t core.Token) error {
		id, ok, err := tokenAsset(t)
		if err != nil || !ok {
			return err
		}
		if v.Assets == nil {
			v.Assets = map[AssetID]uint64{}
		}
		v.Assets[id] = math.MaxUint64
		return nil
	}
	for _, a := range req.Accounts {
		if err := add(a.Token); err != nil {
			return Value{}, fmt.Errorf("create: account: %w", err)
		}
	}
	var err error
	walkTokens(req.Contract, func(t core.Token) {
		if err == nil {
			err = add(t)
		}
	})
	if err != nil {
		return Value{}, fmt.Errorf("create: contract: %w", err)
	}
	return v, nil
}

// walkTokens calls f for the token of every deposit and payment.
func walkTokens(c core.Contract, f func(core.Token)) {
	_ = core.Walk(c, func(c core.Contract) error {
		switch x := c.(type) {
		case core.Pay:
			f(x.Token)
		case core.When:
			for _, cs := range x.Cases {
				if dp, ok := cs.Action.(core.Deposit); ok {
					f(dp.Token)
				}
			}
		}
		return nil
	})
}

// initialAccounts merges the creator's deposit into the requested accounts
// and orders them as the Runtime does (Haskell Map order of Account: role
// accounts by name, then address accounts by serialised address; within an
// account ada first, then tokens by currency and name).
func initialAccounts(creator core.Address, deposit uint64, extra []core.AccountEntry) ([]core.AccountEntry, error) {
	type key struct {
		party core.Party
		tok   core.Token
	}
	sums := map[key]*big.Int{}
	add := func(p core.Party, t core.Token, n *big.Int) {
		k := key{p, t}
		if sums[k] == nil {
			sums[k] = new(big.Int)
		}
		sums[k].Add(sums[k], n)
	}
	add(core.AddressPartyOf(creator), core.Ada, new(big.Int).SetUint64(deposit))
	for _, a := range extra {
		if a.Amount == nil || a.Amount.Sign() <= 0 {
			return nil, fmt.Errorf("create: initial account amounts must be positive")
		}
		add(a.Account, a.Token, a.Amount)
	}
	keys := make([]key, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	addrBytes := func(p core.Party) []byte {
		b, _ := p.Address.CIP19()
		return b
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.party != b.party {
			if c := cmp.Compare(b.party.Kind, a.party.Kind); c != 0 { // RoleParty (1) first
				return c
			}
			if a.party.Kind == core.RoleParty {
				return cmp.Compare(a.party.Role, b.party.Role)
			}
			return bytes.Compare(addrBytes(a.party), addrBytes(b.party))
		}
		if c := cmp.Compare(a.tok.Currency, b.tok.Currency); c != 0 {
			return c
		}
		return cmp.Compare(a.tok.Name, b.tok.Name)
	})
	out := make([]core.AccountEntry, 0, len(keys))
	for _, k := range keys {
		out = append(out, core.AccountEntry{Account: k.party, Token: k.tok, Amount: sums[k]})
	}
	return out, nil
}

// cip25 is label 721 in its version-2 form: {policy: {name: metadatum},
// "version": 2} with byte-string keys.
func cip25(cur core.CurrencySymbol, md map[core.TokenName][]byte) (txtest.Label, error) {
	assets := map[cbor.ByteString]cbor.RawMessage{}
	for name, m := range md {
		assets[cbor.ByteString(name)] = cbor.RawMessage(m)
	}
	b, err := txtest.Metadatum(map[any]any{
		cbor.ByteString(cur): assets,
		"version":            2,
	})
	if err != nil {
		return txtest.Label{}, fmt.Errorf("create: CIP-25 metadata: %w", err)
	}
	return txtest.Label{Label: CIP25Label, Value: b}, nil
}

// ParseRoleTokenPolicy reads back a policy script this builder made (as the
// index records it from the creation transaction): exactly
// [1, [[0, keyHash], [5, before]]] in the builder's own encoding. Any other
// native script — a policy marlowe-lite did not make — is refused, since
// the builder could not satisfy it when burning.
func ParseRoleTokenPolicy(script []byte) (RoleTokenPolicy, error) {
	var v []any
	if err := cbor.Unmarshal(script, &v); err != nil {
		return RoleTokenPolicy{}, fmt.Errorf("role-token policy script: %w", err)
	}
	bad := fmt.Errorf("role-token policy script %x is not [1, [[0, keyHash], [5, before]]]", script)
	if len(v) != 2 {
		return RoleTokenPolicy{}, bad
	}
	if tag, ok := v[0].(uint64); !ok || tag != 1 {
		return RoleTokenPolicy{}, bad
	}
	parts, ok := v[1].([]any)
	if !ok || len(parts) != 2 {
		return RoleTokenPolicy{}, bad
	}
	sig, ok1 := parts[0].([]any)
	lock, ok2 := parts[1].([]any)
	if !ok1 || !ok2 || len(sig) != 2 || len(lock) != 2 {
		return RoleTokenPolicy{}, bad
	}
	sigTag, ok1 := sig[0].(uint64)
	key, ok2 := sig[1].([]byte)
	lockTag, ok3 := lock[0].(uint64)
	before, ok4 := lock[1].(uint64)
	if !ok1 || !ok2 || !ok3 || !ok4 || sigTag != 0 || lockTag != 5 || len(key) != 28 {
		return RoleTokenPolicy{}, bad
	}
	p := RoleTokenPolicy{Before: before}
	copy(p.KeyHash[:], key)
	if !bytes.Equal(p.Script(), script) {
		return RoleTokenPolicy{}, fmt.Errorf("role-token policy script %x is not in the builder's encoding", script)
	}
	return p, nil
}
