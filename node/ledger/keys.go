package ledger

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fxamacker/cbor/v2"
)

// Text-envelope types of cardano-cli's payment keys and Conway
// transactions.
const (
	SigningKeyType      = "PaymentSigningKeyShelley_ed25519"
	VerificationKeyType = "PaymentVerificationKeyShelley_ed25519"
	// TxEnvelopeType is what cardano-cli (8.x onwards) writes for a Conway
	// transaction, signed or not.
	TxEnvelopeType = "Tx ConwayEra"
)

// envelope is the JSON of a cardano-cli text envelope.
type envelope struct {
	Type        string `json:"type"`
	Description string `json:"description"`
	CBORHex     string `json:"cborHex"`
}

// EncodeEnvelope writes a text envelope holding cborBytes.
func EncodeEnvelope(typ, description string, cborBytes []byte) ([]byte, error) {
	b, err := json.MarshalIndent(envelope{Type: typ, Description: description, CBORHex: hex.EncodeToString(cborBytes)}, "", "    ")
	if err != nil {
		return nil, fmt.Errorf("text envelope: %w", err)
	}
	return append(b, '\n'), nil
}

// SigningKeyEnvelope is the cardano-cli text envelope of an ed25519
// payment signing key: cborHex is the CBOR byte string of the 32-byte
// seed.
func SigningKeyEnvelope(key ed25519.PrivateKey) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("signing key: %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	b, err := cbor.Marshal(key.Seed())
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	return EncodeEnvelope(SigningKeyType, "Payment Signing Key", b)
}

// VerificationKeyEnvelope is the text envelope of an ed25519 payment
// verification key.
func VerificationKeyEnvelope(pub ed25519.PublicKey) ([]byte, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("verification key: %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	b, err := cbor.Marshal([]byte(pub))
	if err != nil {
		return nil, fmt.Errorf("verification key: %w", err)
	}
	return EncodeEnvelope(VerificationKeyType, "Payment Verification Key", b)
}

// ParseEnvelope decodes a text envelope: its type and its CBOR bytes.
func ParseEnvelope(b []byte) (typ string, cborBytes []byte, err error) {
	var e envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return "", nil, fmt.Errorf("text envelope: %w", err)
	}
	if e.Type == "" || e.CBORHex == "" {
		return "", nil, errors.New("text envelope: type and cborHex are required")
	}
	raw, err := hex.DecodeString(strings.TrimSpace(e.CBORHex))
	if err != nil {
		return "", nil, fmt.Errorf("text envelope %q: cborHex: %w", e.Type, err)
	}
	return e.Type, raw, nil
}

// ParseSigningKey reads an ed25519 payment signing key from its text
// envelope (PaymentSigningKeyShelley_ed25519).
func ParseSigningKey(b []byte) (ed25519.PrivateKey, error) {
	typ, raw, err := ParseEnvelope(b)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if typ != SigningKeyType {
		return nil, fmt.Errorf("signing key: envelope type %q, want %q", typ, SigningKeyType)
	}
	var seed []byte
	if err := cbor.Unmarshal(raw, &seed); err != nil {
		return nil, fmt.Errorf("signing key: cborHex is not a CBOR byte string: %w", err)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("signing key: %d-byte key, want a %d-byte ed25519 seed", len(seed), ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// WriteKeys writes each wallet's signing key, verification key and
// address (bech32, as cardano-cli's .addr files) into dir, named
// wallet<N>.skey, wallet<N>.vkey and wallet<N>.addr. Signing keys are
// readable by the owner only.
func WriteKeys(dir string, wallets []Wallet) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write wallet keys: %w", err)
	}
	for _, w := range wallets {
		sk, err := SigningKeyEnvelope(w.Key)
		if err != nil {
			return fmt.Errorf("write wallet %d keys: %w", w.Index, err)
		}
		vk, err := VerificationKeyEnvelope(w.Key.Public().(ed25519.PublicKey))
		if err != nil {
			return fmt.Errorf("write wallet %d keys: %w", w.Index, err)
		}
		base := filepath.Join(dir, fmt.Sprintf("wallet%d", w.Index))
		for _, f := range []struct {
			ext  string
			data []byte
			mode os.FileMode
		}{{".skey", sk, 0o600}, {".vkey", vk, 0o644}, {".addr", []byte(w.Bech32 + "\n"), 0o644}} {
			if err := os.WriteFile(base+f.ext, f.data, f.mode); err != nil {
				return fmt.Errorf("write wallet %d keys: %w", w.Index, err)
			}
		}
	}
	return nil
}
