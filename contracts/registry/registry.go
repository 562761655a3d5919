// Package registry knows the five deployed Marlowe Core V1 script sets: their
// script hashes, script addresses, and the reference-script UTxOs the Marlowe
// Runtime spends them through on each network.
//
// The facts are compiled into the binary (facts.go) rather than read from a
// file at run time, because they identify which on-chain outputs are Marlowe
// contracts: a wrong or missing file must not silently change that. The
// script bytes themselves are not embedded (they are large and only needed to
// build or evaluate transactions); LoadScripts reads them from cardano-cli
// text envelopes and checks each one against the hash recorded here.
//
// Script addresses are not unique: a Marlowe output may carry any stake
// credential, so addresses are recognised by their payment credential.
package registry

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
)

// Version identifies one of the five deployed Marlowe V1 script sets, in
// order of deployment. All of them run the same Marlowe Core V1 language.
type Version uint8

const (
	// V1 is auditV1Scripts, the audited release.
	V1 Version = iota + 1
	// V2 is postAuditV1Scripts, with changes in response to the audit.
	V2
	// V3 is node812V1Scripts, recompiled with node 8.1.2 dependencies; the
	// first set with an open-role script.
	V3
	// V4 is plutus11500V1Scripts, optimised with PlutusTx 1.15.
	V4
	// V5 is caseAsDataV1Scripts, optimised with PlutusTx.asData; the set the
	// Marlowe Runtime uses for new contracts.
	V5
)

// CurrentVersion is the script set used for new contracts.
const CurrentVersion = V5

// Versions lists all versions, oldest first.
func Versions() []Version { return []Version{V1, V2, V3, V4, V5} }

// String returns "v1" … "v5".
func (v Version) String() string {
	if !v.Valid() {
		return fmt.Sprintf("version(%d)", uint8(v))
	}
	return "v" + strconv.Itoa(int(v))
}

// Valid reports whether v is one of the five known versions.
func (v Version) Valid() bool { return v >= V1 && v <= V5 }

// Tag is the short label used in script file names (v5-caseAsData-…).
func (v Version) Tag() string {
	switch v {
	case V1:
		return "audit"
	case V2:
		return "postAudit"
	case V3:
		return "node812"
	case V4:
		return "plutus11500"
	case V5:
		return "caseAsData"
	default:
		return ""
	}
}

// ParseVersion accepts "v1" … "v5" (case-insensitive), a bare digit, or a
// tag such as "caseAsData".
func ParseVersion(s string) (Version, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, v := range Versions() {
		if t == v.String() || t == strconv.Itoa(int(v)) || t == strings.ToLower(v.Tag()) {
			return v, nil
		}
	}
	return 0, fmt.Errorf("parse Marlowe script version %q: want v1…v5 or a tag (audit, postAudit, node812, plutus11500, caseAsData)", s)
}

// Role tells which validator of a set a script is.
type Role uint8

const (
	// RoleSemantics is the Marlowe semantics validator, which holds contracts.
	RoleSemantics Role = iota + 1
	// RolePayout is the role-payout validator, which holds payments to roles.
	RolePayout
	// RoleOpenRole is the open-role validator (v3 onwards), which holds role
	// tokens until a party claims them by depositing.
	RoleOpenRole
)

// String returns the role name used in file names: semantics, payout,
// openRole.
func (r Role) String() string {
	switch r {
	case RoleSemantics:
		return "semantics"
	case RolePayout:
		return "payout"
	case RoleOpenRole:
		return "openRole"
	default:
		return fmt.Sprintf("role(%d)", uint8(r))
	}
}

// ScriptHashSize is the length of a script hash (blake2b-224).
const ScriptHashSize = 28

// ScriptHash is a Plutus script hash: blake2b-224 of the language tag byte
// followed by the script's CBOR.
type ScriptHash [ScriptHashSize]byte

// String returns lower-case hex.
func (h ScriptHash) String() string { return hex.EncodeToString(h[:]) }

// ParseScriptHash decodes 56 hex digits.
func ParseScriptHash(s string) (ScriptHash, error) {
	var h ScriptHash
	b, err := hex.DecodeString(s)
	if err != nil {
		return h, fmt.Errorf("parse script hash %q: %w", s, err)
	}
	if len(b) != ScriptHashSize {
		return h, fmt.Errorf("parse script hash %q: %d bytes, want %d", s, len(b), ScriptHashSize)
	}
	copy(h[:], b)
	return h, nil
}

// TxID is a transaction id (blake2b-256 of the transaction body).
type TxID [32]byte

// String returns lower-case hex.
func (t TxID) String() string { return hex.EncodeToString(t[:]) }

// TxOutRef identifies a transaction output.
type TxOutRef struct {
	TxID  TxID
	Index uint32
}

// CompareTxOutRef orders output references by transaction id bytes, then
// index: the ledger's (and Haskell's) TxIn order.
func CompareTxOutRef(a, b TxOutRef) int {
	if c := bytes.Compare(a.TxID[:], b.TxID[:]); c != 0 {
		return c
	}
	return cmp.Compare(a.Index, b.Index)
}

// String returns the cardano-cli form "txid#index".
func (r TxOutRef) String() string {
	return r.TxID.String() + "#" + strconv.FormatUint(uint64(r.Index), 10)
}

// ParseTxOutRef parses "txid#index" (64 hex digits, '#', decimal index).
func ParseTxOutRef(s string) (TxOutRef, error) {
	var r TxOutRef
	id, ix, ok := strings.Cut(s, "#")
	if !ok {
		return r, fmt.Errorf("parse tx out ref %q: missing '#'", s)
	}
	b, err := hex.DecodeString(id)
	if err != nil {
		return r, fmt.Errorf("parse tx out ref %q: tx id: %w", s, err)
	}
	if len(b) != len(r.TxID) {
		return r, fmt.Errorf("parse tx out ref %q: tx id has %d bytes, want %d", s, len(b), len(r.TxID))
	}
	n, err := strconv.ParseUint(ix, 10, 32)
	if err != nil {
		return r, fmt.Errorf("parse tx out ref %q: index: %w", s, err)
	}
	copy(r.TxID[:], b)
	r.Index = uint32(n)
	return r, nil
}

// ReferenceScriptUTxO is an output carrying a script as a reference script,
// which transactions spend the script through instead of including it.
type ReferenceScriptUTxO struct {
	Network Network
	Ref     TxOutRef
	// Address is the address holding the output (the publisher's, not the
	// script's), as bech32.
	Address string
	// Lovelace is the ada locked in the output.
	Lovelace uint64
}

// Script is one validator of a set.
type Script struct {
	Version Version
	Role    Role
	Hash    ScriptHash
	refs    []ReferenceScriptUTxO
}

// FileName is the conventional text-envelope file name, e.g.
// "v5-caseAsData-semantics.plutus".
func (s Script) FileName() string {
	return s.Version.String() + "-" + s.Version.Tag() + "-" + s.Role.String() + ".plutus"
}

// String identifies the script for messages, e.g. "v5 semantics (377325ad…)".
func (s Script) String() string {
	return s.Version.String() + " " + s.Role.String() + " (" + s.Hash.String() + ")"
}

// References returns the reference-script UTxOs on every network the script
// was published on, in Networks() order.
func (s Script) References() []ReferenceScriptUTxO { return slices.Clone(s.refs) }

// Reference returns the reference-script UTxO on network n, if the script
// was published there.
func (s Script) Reference(n Network) (ReferenceScriptUTxO, bool) {
	for _, r := range s.refs {
		if r.Network == n {
			return r, true
		}
	}
	return ReferenceScriptUTxO{}, false
}

// EnterpriseAddress is the script's address without a stake credential on
// network n, as bech32 (header 0x71 on mainnet, 0x70 on every testnet).
func (s Script) EnterpriseAddress(n Network) string { return EnterpriseAddress(s.Hash, n) }

// EnterpriseAddressBytes is the raw form of EnterpriseAddress.
func (s Script) EnterpriseAddressBytes(n Network) []byte {
	b := make([]byte, 1+ScriptHashSize)
	b[0] = lcommon.AddressTypeScriptNone<<4 | n.AddressNetworkID()
	copy(b[1:], s.Hash[:])
	return b
}

// EnterpriseAddress renders the unstaked script address of h on network n.
// Every network other than Mainnet, known or not, gets the testnet form.
func EnterpriseAddress(h ScriptHash, n Network) string {
	a, err := lcommon.NewAddressFromParts(lcommon.AddressTypeScriptNone, n.AddressNetworkID(), h[:], nil)
	if err != nil {
		// Unreachable: the type, network id and hash length are all valid
		// by construction, so a failure means gouroboros changed contract.
		return ""
	}
	return a.String()
}

// ScriptSet is one deployed version: its semantics and payout validators and,
// from v3 on, its open-role validator. The semantics validator is compiled
// with the payout hash of the same set, so the two always go together.
type ScriptSet struct {
	Version Version
	// RegistryName is the name in the Marlowe Runtime's ScriptRegistry.hs.
	RegistryName string
	Note         string
	Semantics    Script
	Payout       Script
	// OpenRole is meaningful only when HasOpenRole is true (v3 onwards).
	OpenRole    Script
	HasOpenRole bool
}

// Scripts returns the set's validators: semantics, payout, then open-role if
// present.
func (s ScriptSet) Scripts() []Script {
	out := []Script{s.Semantics, s.Payout}
	if s.HasOpenRole {
		out = append(out, s.OpenRole)
	}
	return out
}

// StartPoint is where a chain follower can start looking for Marlowe
// contracts that use reference scripts on a network: the transactions that
// first published the reference scripts. Their slots and block hashes are
// not recorded in the runtime's registry and are deliberately not guessed
// here; resolve the transactions on chain to obtain a chain point.
type StartPoint struct {
	Network Network
	// Version is the oldest script set published on the network.
	Version Version
	// TxIDs are the distinct transactions that published that set's
	// reference scripts (the open-role script was published separately).
	TxIDs []TxID
}

// Registry is the immutable table of deployed script sets with lookup
// indexes. It is safe for concurrent use.
type Registry struct {
	sets   []ScriptSet
	byHash map[ScriptHash]Script
}

// New builds the registry from the facts compiled into the package.
func New() *Registry {
	r := &Registry{byHash: make(map[ScriptHash]Script)}
	for _, f := range builtinFacts() {
		set := ScriptSet{Version: f.version, RegistryName: f.registryName, Note: f.note}
		for _, sf := range f.scripts {
			s := Script{Version: f.version, Role: sf.role, Hash: mustScriptHash(sf.hash)}
			for _, rf := range sf.refs {
				s.refs = append(s.refs, ReferenceScriptUTxO{
					Network:  rf.network,
					Ref:      mustTxOutRef(rf.txOutRef),
					Address:  rf.address,
					Lovelace: rf.lovelace,
				})
			}
			switch sf.role {
			case RoleSemantics:
				set.Semantics = s
			case RolePayout:
				set.Payout = s
			case RoleOpenRole:
				set.OpenRole, set.HasOpenRole = s, true
			}
			r.byHash[s.Hash] = s
		}
		r.sets = append(r.sets, set)
	}
	return r
}

// mustScriptHash and mustTxOutRef decode compiled-in literals only; the
// package tests decode every literal, so a panic here is a build defect,
// never a reaction to input.
func mustScriptHash(s string) ScriptHash {
	h, err := ParseScriptHash(s)
	if err != nil {
		panic("registry: malformed built-in fact: " + err.Error())
	}
	return h
}

func mustTxOutRef(s string) TxOutRef {
	r, err := ParseTxOutRef(s)
	if err != nil {
		panic("registry: malformed built-in fact: " + err.Error())
	}
	return r
}

// Sets returns all script sets, oldest first.
func (r *Registry) Sets() []ScriptSet {
	out := make([]ScriptSet, len(r.sets))
	copy(out, r.sets)
	return out
}

// Set returns the script set of version v.
func (r *Registry) Set(v Version) (ScriptSet, bool) {
	for _, s := range r.sets {
		if s.Version == v {
			return s, true
		}
	}
	return ScriptSet{}, false
}

// Current returns the set used for new contracts (v5).
func (r *Registry) Current() ScriptSet {
	s, _ := r.Set(CurrentVersion)
	return s
}

// Scripts returns every validator of every set, oldest set first.
func (r *Registry) Scripts() []Script {
	var out []Script
	for _, s := range r.sets {
		out = append(out, s.Scripts()...)
	}
	return out
}

// ByHash finds the validator with script hash h.
func (r *Registry) ByHash(h ScriptHash) (Script, bool) {
	s, ok := r.byHash[h]
	return s, ok
}

// PayoutFor returns the payout validator hash that the semantics validator
// with hash semantics pays roles to.
func (r *Registry) PayoutFor(semantics ScriptHash) (ScriptHash, bool) {
	s, ok := r.byHash[semantics]
	if !ok || s.Role != RoleSemantics {
		return ScriptHash{}, false
	}
	set, _ := r.Set(s.Version)
	return set.Payout.Hash, true
}

// ByAddressBytes finds the validator whose hash is the payment credential of
// the raw (CIP-19) Shelley address raw, whatever its stake part and network
// id. Key-payment, stake, Byron and malformed addresses are not found.
func (r *Registry) ByAddressBytes(raw []byte) (Script, bool) {
	h, ok := ScriptPaymentCredential(raw)
	if !ok {
		return Script{}, false
	}
	return r.ByHash(h)
}

// ByAddress is ByAddressBytes for a bech32 address. It fails only when the
// string is not a valid Cardano address.
func (r *Registry) ByAddress(bech32 string) (Script, bool, error) {
	a, err := lcommon.NewAddress(bech32)
	if err != nil {
		return Script{}, false, fmt.Errorf("look up address %q: %w", bech32, err)
	}
	raw, err := a.Bytes()
	if err != nil {
		return Script{}, false, fmt.Errorf("look up address %q: %w", bech32, err)
	}
	s, ok := r.ByAddressBytes(raw)
	return s, ok, nil
}

// ScriptPaymentCredential extracts the script hash from a raw Shelley
// address whose payment credential is a script (header types 1, 3, 5, 7),
// checking the length the header type implies.
func ScriptPaymentCredential(raw []byte) (ScriptHash, bool) {
	var h ScriptHash
	if len(raw) < 1+ScriptHashSize {
		return h, false
	}
	typ, netID := raw[0]>>4, raw[0]&0x0f
	if netID > 1 {
		return h, false
	}
	switch typ {
	case lcommon.AddressTypeScriptKey, lcommon.AddressTypeScriptScript:
		if len(raw) != 1+2*ScriptHashSize {
			return h, false
		}
	case lcommon.AddressTypeScriptNone:
		if len(raw) != 1+ScriptHashSize {
			return h, false
		}
	case lcommon.AddressTypeScriptPointer:
		// A pointer is three variable-length naturals; at least one byte each.
		if len(raw) < 1+ScriptHashSize+3 {
			return h, false
		}
	default:
		return h, false
	}
	copy(h[:], raw[1:1+ScriptHashSize])
	return h, true
}

// StartPoint returns the publication of the oldest script set on network n.
func (r *Registry) StartPoint(n Network) (StartPoint, bool) {
	for _, set := range r.sets {
		var ids []TxID
		for _, s := range set.Scripts() {
			if ref, ok := s.Reference(n); ok && !slices.Contains(ids, ref.Ref.TxID) {
				ids = append(ids, ref.Ref.TxID)
			}
		}
		if len(ids) > 0 {
			return StartPoint{Network: n, Version: set.Version, TxIDs: ids}, true
		}
	}
	return StartPoint{}, false
}
