package registry

import (
	"fmt"
	"strconv"
	"strings"
)

// Network is a Cardano network on which the Marlowe scripts are deployed.
// The zero value is not a network, so an unset field is detectable.
type Network uint8

const (
	// Mainnet is the Cardano main network (magic 764824073).
	Mainnet Network = iota + 1
	// Preprod is the pre-production testnet (magic 1).
	Preprod
	// Preview is the preview testnet (magic 2).
	Preview
	// Sanchonet is the governance testnet (magic 4); only the v5 scripts
	// were published there.
	Sanchonet
)

// Network magic numbers, as used in the node-to-client handshake.
const (
	MainnetMagic   uint32 = 764824073
	PreprodMagic   uint32 = 1
	PreviewMagic   uint32 = 2
	SanchonetMagic uint32 = 4
)

// Networks lists every known network in a fixed order.
func Networks() []Network { return []Network{Mainnet, Preprod, Preview, Sanchonet} }

// String returns the lower-case network name used in configuration files.
func (n Network) String() string {
	switch n {
	case Mainnet:
		return "mainnet"
	case Preprod:
		return "preprod"
	case Preview:
		return "preview"
	case Sanchonet:
		return "sanchonet"
	default:
		return fmt.Sprintf("network(%d)", uint8(n))
	}
}

// Valid reports whether n is one of the known networks.
func (n Network) Valid() bool { return n >= Mainnet && n <= Sanchonet }

// Magic returns the network magic, or 0 for an unknown network.
func (n Network) Magic() uint32 {
	switch n {
	case Mainnet:
		return MainnetMagic
	case Preprod:
		return PreprodMagic
	case Preview:
		return PreviewMagic
	case Sanchonet:
		return SanchonetMagic
	default:
		return 0
	}
}

// IsMainnet reports whether addresses on n carry the mainnet network id.
// All testnets share network id 0, hence share script addresses.
func (n Network) IsMainnet() bool { return n == Mainnet }

// AddressNetworkID is the low nibble of a Shelley address header on n.
func (n Network) AddressNetworkID() uint8 {
	if n == Mainnet {
		return 1
	}
	return 0
}

// NetworkFromMagic maps a network magic to a known network.
func NetworkFromMagic(magic uint32) (Network, error) {
	for _, n := range Networks() {
		if n.Magic() == magic {
			return n, nil
		}
	}
	return 0, fmt.Errorf("unknown network magic %d (known: mainnet %d, preprod %d, preview %d, sanchonet %d)",
		magic, MainnetMagic, PreprodMagic, PreviewMagic, SanchonetMagic)
}

// ParseNetwork accepts a network name (case-insensitive: mainnet, preprod,
// preview, sanchonet, optionally with cardano-cli's leading "--"), a decimal
// magic number, or the cardano-cli form "--testnet-magic N".
func ParseNetwork(s string) (Network, error) {
	t := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "--")
	for _, n := range Networks() {
		if t == n.String() {
			return n, nil
		}
	}
	if rest, ok := strings.CutPrefix(t, "testnet-magic"); ok {
		t = strings.TrimLeft(rest, " =")
		if t == "" {
			return 0, fmt.Errorf("parse network %q: missing magic number", s)
		}
	}
	if t == "" {
		return 0, fmt.Errorf("parse network %q: empty", s)
	}
	m, err := strconv.ParseUint(t, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("parse network %q: not a network name (mainnet, preprod, preview, sanchonet) or magic number", s)
	}
	n, err := NetworkFromMagic(uint32(m))
	if err != nil {
		return 0, fmt.Errorf("parse network %q: %w", s, err)
	}
	return n, nil
}
