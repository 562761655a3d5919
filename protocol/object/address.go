package object

import (
	"bytes"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// ParseShelleyAddress validates raw as the binary form of a Shelley payment
// address (base, pointer or enterprise; network 0 or 1), which is what the
// Haskell decoder (deserialiseFromRawBytes (AsAddress AsShelleyAddr))
// accepts. Byron and stake addresses are rejected. Only the canonical form
// is accepted, so the address re-encodes to exactly raw.
func ParseShelleyAddress(raw []byte) (ShelleyAddress, error) {
	a, err := core.AddressFromCIP19(raw)
	if err != nil {
		return "", fmt.Errorf("not a Shelley address: %w", err)
	}
	back, err := a.CIP19()
	if err != nil {
		return "", fmt.Errorf("not a Shelley address: %w", err)
	}
	if !bytes.Equal(back, raw) {
		return "", fmt.Errorf("not a canonical Shelley address")
	}
	return ShelleyAddress(raw), nil
}

// Core returns the network flag and Plutus address the linker turns a into.
func (a ShelleyAddress) Core() (core.Address, error) {
	ca, err := core.AddressFromCIP19([]byte(a))
	if err != nil {
		return core.Address{}, fmt.Errorf("shelley address: %w", err)
	}
	return ca, nil
}

// ShelleyAddressFromCore renders a core address party's address in raw
// Shelley form; addresses with no such form (placeholder addresses,
// credentials of the wrong length) are an error.
func ShelleyAddressFromCore(a core.Address) (ShelleyAddress, error) {
	raw, err := a.CIP19()
	if err != nil {
		return "", err
	}
	return ShelleyAddress(raw), nil
}
