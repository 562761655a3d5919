package core

import "golang.org/x/crypto/blake2b"

// DatumHash is the ledger's datum hash: blake2b-256 of the datum's CBOR
// bytes exactly as given (re-encoding a non-canonical datum would change it).
func DatumHash(cbor []byte) [32]byte { return blake2b.Sum256(cbor) }

// HashData is the datum hash of v's canonical Plutus Data encoding, i.e.
// DatumHash(EncodeData(v)); it is what the Haskell Runtime and the validator
// expect for Marlowe datums, payout datums and merkleized continuations.
func HashData(v any) ([32]byte, error) {
	b, err := EncodeData(v)
	if err != nil {
		return [32]byte{}, err
	}
	return DatumHash(b), nil
}

// ContractHash is the merkle hash of a continuation: the hash a
// MerkleizedCase carries and under which the continuation must appear in a
// transaction's witness datums.
func ContractHash(c Contract) ([32]byte, error) {
	if c == nil {
		return [32]byte{}, &DataError{Err: errPDMissingContract}
	}
	return HashData(c)
}
