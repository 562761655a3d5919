package txbuild

import (
	"errors"
	"fmt"
	"math/big"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// MetadataTag is one Marlowe metadata tag (label 1564), with an optional
// payload (a metadatum's CBOR).
type MetadataTag struct {
	Tag     string
	Payload []byte
}

// MarloweMetadataLabel is the transaction-metadata label of Marlowe tags.
const MarloweMetadataLabel = 1564

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

// marloweMetadata is label 1564: [2, [[tag] | [tag, payload], …]].
func marloweMetadata(tags []MetadataTag) (txtest.Label, error) {
	items := make([]any, 0, len(tags))
	for _, t := range tags {
		e := []any{metadataText(t.Tag)}
		if t.Payload != nil {
			e = append(e, cbor.RawMessage(t.Payload))
		}
		items = append(items, e)
	}
	b, err := txtest.Metadatum([]any{2, items})
	if err != nil {
		return txtest.Label{}, fmt.Errorf("marlowe metadata: %w", err)
	}
	return txtest.Label{Label: MarloweMetadataLabel, Value: b}, nil
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
