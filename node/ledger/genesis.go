package ledger

import (
	"crypto/ed25519"
	"encoding/binary"
	"fmt"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Wallet is a devnet test wallet: an ed25519 payment key and its
// enterprise address, funded at genesis.
type Wallet struct {
	// Index numbers the wallet from 1 (file names wallet<Index>.skey).
	Index int
	Key   ed25519.PrivateKey
	// KeyHash is the payment key hash (blake2b-224 of the public key).
	KeyHash [28]byte
	// Address is the raw enterprise address; Bech32 its text form.
	Address []byte
	Bech32  string
}

// ScriptOutput is a genesis output carrying a Marlowe validator as a
// reference script.
type ScriptOutput struct {
	Script registry.Script
	Ref    registry.TxOutRef
}

// genesisTag separates the devnet's derivations from any other use of
// the seed.
const genesisTag = "marlowe-lite devnet genesis"

// derive is a deterministic 32-byte value for (seed, purpose, index).
func derive(seed uint64, purpose string, index uint64) [32]byte {
	b := []byte(genesisTag + "/" + purpose)
	b = binary.BigEndian.AppendUint64(b, seed)
	b = binary.BigEndian.AppendUint64(b, index)
	return blake2b.Sum256(b)
}

// newWallet derives wallet i (from 1) of a seed.
func newWallet(seed uint64, i int, networkID byte) (Wallet, error) {
	s := derive(seed, "wallet", uint64(i))
	key := ed25519.NewKeyFromSeed(s[:])
	kh := lcommon.Blake2b224Hash(key.Public().(ed25519.PublicKey))
	addr := append([]byte{lcommon.AddressTypeKeyNone<<4 | networkID&0x0f}, kh[:]...)
	a, err := lcommon.NewAddressFromBytes(addr)
	if err != nil {
		return Wallet{}, fmt.Errorf("wallet %d address: %w", i, err)
	}
	return Wallet{Index: i, Key: key, KeyHash: kh, Address: addr, Bech32: a.String()}, nil
}

// unspendableAddress holds the reference-script outputs: the enterprise
// address of a script hash nobody knows a preimage of, so the outputs
// can be referenced but never spent.
func unspendableAddress(networkID byte) []byte {
	h := blake2b.Sum256([]byte(genesisTag + "/unspendable"))
	return append([]byte{lcommon.AddressTypeScriptNone<<4 | networkID&0x0f}, h[:28]...)
}

// outputOpts are the optional parts of a post-Babbage output.
type outputOpts struct {
	// scriptRef is a Plutus V2 script (once-unwrapped bytes) carried as a
	// reference script.
	scriptRef []byte
}

// encodeOutput writes a post-Babbage (map form) output paying lovelace
// to addr, deterministically encoded.
func encodeOutput(addr []byte, lovelace uint64, o outputOpts) ([]byte, error) {
	m := map[int]any{0: addr, 1: lovelace}
	if o.scriptRef != nil {
		s, err := cbor.Marshal([]any{2, o.scriptRef})
		if err != nil {
			return nil, err
		}
		m[3] = cbor.Tag{Number: 24, Content: s}
	}
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		return nil, err
	}
	return em.Marshal(m)
}

// minLovelace is the Babbage min-UTxO of an output of the given size
// (coinsPerUTxOByte × (160 + size)); the lovelace field's own size is
// taken at its 9-byte maximum so the result is safe to pay.
func minLovelace(coinsPerByte uint64, size int) uint64 {
	return coinsPerByte * uint64(160+size+9)
}
