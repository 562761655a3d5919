package txjob

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"unicode/utf8"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// addressError is a wallet address the node cannot be asked about.
type addressError struct {
	addrs []types.Address
	err   error
}

func (e *addressError) Error() string {
	return fmt.Sprintf("wallet addresses: %v", e.err)
}

func (e *addressError) Unwrap() error { return e.err }

// nodeState is what one acquired ledger state says for a build.
type nodeState struct {
	env  txbuild.Env
	conv *slottime.Converter
	// genesis is set when the chain has no block yet.
	genesis bool
}

// loadEnv reads the builder's environment for wallet wa from snapshot s.
func (h *Handler) loadEnv(ctx context.Context, s *n2c.Snapshot, wa ptx.WalletAddresses) (nodeState, error) {
	var st nodeState
	pp, err := s.ProtocolParams()
	if err != nil {
		return st, err
	}
	cp, ok := pp.(*conway.ConwayProtocolParameters)
	if !ok {
		return st, fmt.Errorf("protocol parameters of type %T: only Conway is supported", pp)
	}
	params, err := txbuild.ParamsFromConway(cp)
	if err != nil {
		return st, err
	}
	conv, err := s.SlotConverter()
	if err != nil {
		return st, err
	}
	st.conv = conv
	tip := s.ChainPoint()
	st.genesis = tip.IsOrigin()

	raw := append([]types.Address{wa.ChangeAddress}, wa.ExtraAddresses...)
	addrs := make([]lcommon.Address, 0, len(raw))
	for _, a := range raw {
		la, err := lcommon.NewAddressFromBytes([]byte(a))
		if err != nil {
			return st, &addressError{addrs: raw, err: fmt.Errorf("address %x: %w", []byte(a), err)}
		}
		addrs = append(addrs, la)
	}
	found, err := s.UTxOByAddress(addrs...)
	if err != nil {
		return st, err
	}
	wallet := txbuild.Wallet{ChangeAddress: []byte(wa.ChangeAddress)}
	seen := map[registry.TxOutRef]bool{}
	add := func(us []n2c.UTxO) error {
		for _, u := range us {
			if seen[u.Ref] {
				continue
			}
			seen[u.Ref] = true
			tu, err := txbuild.DecodeUTxO(u.Ref, u.Output.Cbor())
			if err != nil {
				return err
			}
			wallet.UTxOs = append(wallet.UTxOs, tu)
		}
		return nil
	}
	if err := add(found); err != nil {
		return st, err
	}
	if len(wa.CollateralUtxos) > 0 {
		refs := make([]registry.TxOutRef, 0, len(wa.CollateralUtxos))
		for _, r := range wa.CollateralUtxos {
			ref, err := view.RefOf(r)
			if err != nil {
				return st, fmt.Errorf("collateral: %w", err)
			}
			refs = append(refs, ref)
		}
		coll, err := s.UTxOByTxIn(refs...)
		if err != nil {
			return st, err
		}
		if err := add(coll); err != nil {
			return st, err
		}
		wallet.Collateral = refs
	}
	scripts, err := h.cfg.Scripts.ReferenceScripts(ctx, s)
	if err != nil {
		return st, err
	}
	st.env = txbuild.Env{Params: params, Time: conv, TipSlot: tip.Slot, Wallet: wallet, ScriptRefs: scripts, Registry: h.reg}
	return st, nil
}

// ---------------------------------------------------------------------------
// Wire ↔ builder values

// wireAssets is the wire form of a ledger value.
func wireAssets(v txbuild.Value) types.Assets {
	out := types.Assets{Ada: new(big.Int).SetUint64(v.Lovelace), Tokens: types.Tokens{}}
	for _, id := range v.AssetIDs() {
		out.Tokens[types.AssetId{Policy: types.PolicyId(id.Policy[:]), Name: types.TokenName(id.Name)}] = new(big.Int).SetUint64(v.Assets[id])
	}
	return out
}

// wireRef is the wire form of an output reference.
func wireRef(r registry.TxOutRef) (types.TxOutRef, error) { return view.TxOutRef(r) }

// coreAccounts converts Create's initial balances.
func coreAccounts(m map[ptx.Account]types.Assets) ([]core.AccountEntry, error) {
	keys := make([]ptx.Account, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, ptx.CompareAccount)
	var out []core.AccountEntry
	for _, k := range keys {
		var party core.Party
		switch k.Kind {
		case ptx.RoleAccount:
			party = core.RolePartyOf(core.TokenName(k.Role))
		case ptx.AddressAccount:
			a, err := core.AddressFromCIP19([]byte(k.Address))
			if err != nil {
				return nil, fmt.Errorf("account address %x: %w", []byte(k.Address), err)
			}
			party = core.AddressPartyOf(a)
		default:
			return nil, fmt.Errorf("account kind %d", k.Kind)
		}
		a := m[k]
		if a.Ada != nil && a.Ada.Sign() > 0 {
			out = append(out, core.AccountEntry{Account: party, Token: core.Ada, Amount: new(big.Int).Set(a.Ada)})
		}
		ids := make([]types.AssetId, 0, len(a.Tokens))
		for id := range a.Tokens {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(x, y types.AssetId) int {
			if x.Policy != y.Policy {
				if x.Policy < y.Policy {
					return -1
				}
				return 1
			}
			switch {
			case x.Name < y.Name:
				return -1
			case x.Name > y.Name:
				return 1
			}
			return 0
		})
		for _, id := range ids {
			out = append(out, core.AccountEntry{Account: party,
				Token:  core.Token{Currency: core.CurrencySymbol(id.Policy), Name: core.TokenName(id.Name)},
				Amount: new(big.Int).Set(a.Tokens[id])})
		}
	}
	return out, nil
}

// txMetadata is a command's transaction metadata as the builder takes it.
type txMetadata struct {
	// tags and continuations make label 1564 (the builder encodes it).
	tags          []txbuild.MetadataTag
	continuations *string
	// labels are every other label, as metadatum CBOR.
	labels map[uint64][]byte
}

// metadataOf converts a command's metadata (every label) as the Runtime
// writes it: the whole TransactionMetadata, with label 1564 replaced by
// the Marlowe metadata when that is set (semantics.md §6.6). A raw 1564
// that is not Marlowe metadata passes through like any other label. Values
// the ledger would refuse (a text or byte string over 64 bytes, an integer
// outside ±(2^64−1), invalid UTF-8) are an error here, not a transaction
// the node rejects.
func metadataOf(md types.MarloweTransactionMetadata) (txMetadata, error) {
	var out txMetadata
	labels := make([]uint64, 0, len(md.Metadata))
	for l := range md.Metadata {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, l := range labels {
		if l == types.MarloweMetadataLabel && md.Marlowe != nil {
			continue
		}
		b, err := appendMetadatum(nil, md.Metadata[l], 0)
		if err != nil {
			return txMetadata{}, fmt.Errorf("transaction metadata label %d: %w", l, err)
		}
		if out.labels == nil {
			out.labels = map[uint64][]byte{}
		}
		out.labels[l] = b
	}
	if md.Marlowe == nil {
		return out, nil
	}
	if c := md.Marlowe.Continuations; c != nil {
		// One text, unlike tags: the Runtime's decoder reads no chunks.
		if len(*c) > maxMetadatumBytes {
			return txMetadata{}, fmt.Errorf("Marlowe metadata continuations URI of %d bytes (the ledger allows %d)", len(*c), maxMetadatumBytes)
		}
		s := *c
		out.continuations = &s
	}
	// Ascending tags, as the Runtime's Map writes them.
	tags := slices.Sorted(maps.Keys(md.Marlowe.Tags))
	for _, t := range tags {
		if !utf8.ValidString(t) {
			return txMetadata{}, fmt.Errorf("Marlowe tag %q is not valid UTF-8", t)
		}
		mt := txbuild.MetadataTag{Tag: t}
		if p := md.Marlowe.Tags[t]; p != nil {
			b, err := appendMetadatum(nil, p, 0)
			if err != nil {
				return txMetadata{}, fmt.Errorf("Marlowe tag %q payload: %w", t, err)
			}
			mt.Payload = b
		}
		out.tags = append(out.tags, mt)
	}
	if len(out.tags) == 0 && out.continuations == nil {
		// The builder writes 1564 only for tags or continuations; the
		// Runtime writes [2, []] for empty Marlowe metadata too.
		b, err := appendMetadatum(nil, types.EncodeMarloweMetadata(*md.Marlowe), 0)
		if err != nil {
			return txMetadata{}, fmt.Errorf("Marlowe metadata: %w", err)
		}
		if out.labels == nil {
			out.labels = map[uint64][]byte{}
		}
		out.labels[types.MarloweMetadataLabel] = b
	}
	return out, nil
}
