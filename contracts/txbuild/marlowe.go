package txbuild

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// MetadataTag is one Marlowe metadata tag (label 1564), with an optional
// payload (a metadatum's CBOR).
type MetadataTag struct {
	Tag     string
	Payload []byte
}

// MarloweMetadataLabel is the transaction-metadata label of Marlowe tags.
const MarloweMetadataLabel = metadata.MarloweLabel

// CIP25Label is the NFT metadata label written when role tokens are minted
// with metadata.
const CIP25Label = 721

// metadataText encodes a metadata string: text up to 64 bytes, longer text
// as a list of 64-byte chunks (split on rune boundaries).
func metadataText(s string) any {
	if len(s) <= 64 {
		return s
	}
	var chunks []any
	for len(s) > 0 {
		n := min(64, len(s))
		for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
		chunks = append(chunks, s[:n])
		s = s[n:]
	}
	return chunks
}

// maxMetadatumString is the ledger's bound, in bytes, on a metadata text or
// byte string.
const maxMetadatumString = 64

// maxMetadatumDepth bounds the nesting of a caller's metadatum, so that
// checking it cannot exhaust the stack.
const maxMetadatumDepth = 256

// writesMarloweMetadata reports whether the builder writes label 1564 for
// tags and continuations: only then does it replace a raw 1564 given in a
// request's Metadata.
func writesMarloweMetadata(tags []MetadataTag, continuations *string) bool {
	return len(tags) > 0 || continuations != nil
}

// marloweMetadata is label 1564: [2, [[tag] | [tag, payload], …],
// continuations?] (semantics.md §6.6). Tags are written in the order given.
func marloweMetadata(tags []MetadataTag, continuations *string) (txtest.Label, error) {
	items := make([]any, 0, len(tags))
	for _, t := range tags {
		if !utf8.ValidString(t.Tag) {
			return txtest.Label{}, fmt.Errorf("marlowe metadata: tag %q is not valid UTF-8", t.Tag)
		}
		e := []any{metadataText(t.Tag)}
		if t.Payload != nil {
			if err := checkMetadatum(t.Payload); err != nil {
				return txtest.Label{}, fmt.Errorf("marlowe metadata: payload of tag %q: %w", t.Tag, err)
			}
			e = append(e, cbor.RawMessage(t.Payload))
		}
		items = append(items, e)
	}
	top := []any{2, items}
	if continuations != nil {
		// The Runtime's decoder wants the URI as one text, so a long one
		// cannot be chunked like a tag: the ledger would refuse it.
		c := *continuations
		if len(c) > maxMetadatumString {
			return txtest.Label{}, fmt.Errorf("marlowe metadata: continuations URI of %d bytes (the ledger allows %d)", len(c), maxMetadatumString)
		}
		if !utf8.ValidString(c) {
			return txtest.Label{}, fmt.Errorf("marlowe metadata: continuations URI %q is not valid UTF-8", c)
		}
		top = append(top, c)
	}
	b, err := txtest.Metadatum(top)
	if err != nil {
		return txtest.Label{}, fmt.Errorf("marlowe metadata: %w", err)
	}
	return txtest.Label{Label: MarloweMetadataLabel, Value: b}, nil
}

// withExtraMetadata adds a request's extra labels to the labels the
// builder writes itself (own); where both have a label, the builder's
// wins. The result is in ascending label order.
func withExtraMetadata(own []txtest.Label, extra map[uint64][]byte) ([]txtest.Label, error) {
	out := slices.Clone(own)
	labels := make([]uint64, 0, len(extra))
	for l := range extra {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, l := range labels {
		if slices.ContainsFunc(own, func(o txtest.Label) bool { return o.Label == l }) {
			continue
		}
		v := extra[l]
		if err := checkMetadatum(v); err != nil {
			return nil, fmt.Errorf("metadata label %d: %w", l, err)
		}
		out = append(out, txtest.Label{Label: l, Value: slices.Clone(v)})
	}
	slices.SortStableFunc(out, func(a, b txtest.Label) int { return cmp.Compare(a.Label, b.Label) })
	return out, nil
}

// checkMetadatum checks that b is exactly one transaction metadatum the
// ledger accepts: integers within ±(2^64−1) (CBOR major types 0 and 1),
// byte and text strings of at most 64 bytes (text valid UTF-8), lists and
// maps of metadata. Anything else would make the node reject the whole
// transaction, so it is refused here with the reason.
func checkMetadatum(b []byte) error {
	n, err := metadatumLen(b, 0)
	if err != nil {
		return err
	}
	if n != len(b) {
		return fmt.Errorf("metadatum: %d trailing bytes", len(b)-n)
	}
	return nil
}

// metadatumLen checks the metadatum at the start of b and returns its
// encoded length.
func metadatumLen(b []byte, depth int) (int, error) {
	if depth > maxMetadatumDepth {
		return 0, fmt.Errorf("metadatum nested deeper than %d", maxMetadatumDepth)
	}
	if len(b) == 0 {
		return 0, errors.New("metadatum: truncated")
	}
	major, info := b[0]>>5, b[0]&0x1f
	pos := 1
	var arg uint64
	indef := false
	switch {
	case info < 24:
		arg = uint64(info)
	case info <= 27:
		size := 1 << (info - 24)
		if len(b) < 1+size {
			return 0, errors.New("metadatum: truncated")
		}
		for _, c := range b[1 : 1+size] {
			arg = arg<<8 | uint64(c)
		}
		pos += size
	case info == 31 && (major == 4 || major == 5):
		indef = true
	default:
		return 0, fmt.Errorf("metadatum: unsupported CBOR head 0x%02x", b[0])
	}
	switch major {
	case 0, 1:
		return pos, nil
	case 2, 3:
		if arg > maxMetadatumString {
			kind := "byte string"
			if major == 3 {
				kind = "text"
			}
			return 0, fmt.Errorf("metadatum: %s of %d bytes (the ledger allows %d)", kind, arg, maxMetadatumString)
		}
		end := pos + int(arg)
		if len(b) < end {
			return 0, errors.New("metadatum: truncated")
		}
		if major == 3 && !utf8.Valid(b[pos:end]) {
			return 0, errors.New("metadatum: text is not valid UTF-8")
		}
		return end, nil
	case 4, 5:
		per := 1
		if major == 5 {
			per = 2
		}
		for i := uint64(0); indef || i < arg; i++ {
			if indef {
				if pos >= len(b) {
					return 0, errors.New("metadatum: truncated")
				}
				if b[pos] == 0xff {
					return pos + 1, nil
				}
			}
			for range per {
				n, err := metadatumLen(b[pos:], depth+1)
				if err != nil {
					return 0, err
				}
				pos += n
			}
		}
		return pos, nil
	}
	return 0, fmt.Errorf("metadatum: CBOR major type %d is not metadata", major)
}

// tokenAsset maps a Marlowe token to a ledger asset (ok=false for ada).
func tokenAsset(t core.Token) (AssetID, bool, error) {
	if t.IsAda() {
		return AssetID{}, false, nil
	}
	if len(t.Currency) != 28 {
		return AssetID{}, false, fmt.Errorf("token %x.%x: currency symbol must be 28 bytes", string(t.Currency), string(t.Name))
	}
	var id AssetID
	copy(id.Policy[:], t.Currency)
	id.Name = string(t.Name)
	return id, true, nil
}

// addToken adds n of token t to v.
func addToken(v *Value, t core.Token, n *big.Int) error {
	if n.Sign() < 0 || !n.IsUint64() {
		return fmt.Errorf("amount %s out of range for a ledger value", n)
	}
	id, isAsset, err := tokenAsset(t)
	if err != nil {
		return err
	}
	w := Value{Lovelace: n.Uint64()}
	if isAsset {
		w = Value{Assets: map[AssetID]uint64{id: n.Uint64()}}
	}
	*v, err = v.add(w)
	return err
}

// accountsValue is the total of a state's accounts as a ledger value.
func accountsValue(st core.State) (Value, error) {
	var v Value
	for _, e := range st.Accounts {
		if err := addToken(&v, e.Token, e.Amount); err != nil {
			return Value{}, fmt.Errorf("account: %w", err)
		}
	}
	return v, nil
}

// marloweDatum returns the canonical CBOR of a datum and its hash.
func datumWithHash(v any) ([]byte, []byte, error) {
	raw, err := core.EncodeData(v)
	if err != nil {
		return nil, nil, err
	}
	h := core.DatumHash(raw)
	return raw, h[:], nil
}

// scriptHashOf returns the payment script hash of an address.
func scriptHashOf(addr []byte) (registry.ScriptHash, error) {
	h, ok := registry.ScriptPaymentCredential(addr)
	if !ok {
		return registry.ScriptHash{}, errors.New("address has no script payment credential")
	}
	return h, nil
}

// payoutAddress is the enterprise address of the payout validator on the
// network of addr.
func payoutAddress(payout registry.ScriptHash, addr []byte) []byte {
	return txtest.EnterpriseScriptAddress(payout, addr[0]&0x0f)
}

// roleTokenUTxO finds the wallet output holding role token (cur, role): the
// one with the lowest reference among key-address outputs.
func roleTokenUTxO(env Env, cur core.CurrencySymbol, role core.TokenName) (UTxO, error) {
	id, ok, err := tokenAsset(core.Token{Currency: cur, Name: role})
	if err != nil || !ok {
		return UTxO{}, &MissingRoleTokenError{Currency: cur, Role: role}
	}
	var best *UTxO
	for i, u := range env.Wallet.UTxOs {
		if u.Out.Value.Assets[id] == 0 {
			continue
		}
		if _, key := keyHashOf(u.Out.Address); !key {
			continue
		}
		if best == nil || lessRef(u.Ref, best.Ref) {
			best = &env.Wallet.UTxOs[i]
		}
	}
	if best == nil {
		return UTxO{}, &MissingRoleTokenError{Currency: cur, Role: role}
	}
	return *best, nil
}

func lessRef(a, b registry.TxOutRef) bool {
	rs := []registry.TxOutRef{b, a}
	sortRefs(rs)
	return rs[0] == a && a != b
}
