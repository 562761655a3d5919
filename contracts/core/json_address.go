package core

import (
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/btcutil/bech32"
)

// Party addresses travel in JSON as CIP-19 bech32 text (hrp "addr" for
// mainnet, "addr_test" for testnets), as marlowe-cardano's
// Semantics/Types/Address.hs does: base (header types 0x0–0x3) and
// enterprise (0x6–0x7) addresses only, network id 0 or 1 agreeing with the
// hrp. The bech32 length limit of 90 characters does not apply (base
// addresses are 103 or 108 characters long).

const (
	cip19HashLen    = 28
	cip19HrpMainnet = "addr"
	cip19HrpTestnet = "addr_test"
)

// ParseAddressBech32 parses a Marlowe party address from its bech32 text. It
// accepts exactly what Marlowe's JSON accepts: a base or enterprise address
// whose hrp ("addr" or "addr_test") agrees with the header's network id;
// pointer, Byron, stake and other addresses are rejected.
func ParseAddressBech32(s string) (Address, error) {
	hrp, data, version, err := bech32.DecodeNoLimitWithVersion(s)
	if err != nil {
		return Address{}, fmt.Errorf("invalid bech32 address %s: %w", jsonQuote(s), err)
	}
	if version != bech32.Version0 {
		return Address{}, fmt.Errorf("invalid bech32 address %s: bech32m checksum, but Cardano addresses use bech32", jsonQuote(s))
	}
	var mainnet bool
	switch hrp {
	case cip19HrpMainnet:
		mainnet = true
	case cip19HrpTestnet:
	default:
		return Address{}, fmt.Errorf("invalid address %s: prefix %q is neither %q nor %q", jsonQuote(s), hrp, cip19HrpMainnet, cip19HrpTestnet)
	}
	raw, err := bech32.ConvertBits(data, 5, 8, false)
	if err != nil {
		return Address{}, fmt.Errorf("invalid bech32 address %s: %w", jsonQuote(s), err)
	}
	a, err := AddressFromCIP19(raw)
	if err != nil {
		return Address{}, fmt.Errorf("invalid address %s: %w", jsonQuote(s), err)
	}
	if a.Staking == StakingPtr {
		return Address{}, fmt.Errorf("invalid address %s: pointer addresses are not supported by Marlowe", jsonQuote(s))
	}
	if a.Mainnet != mainnet {
		return Address{}, fmt.Errorf("invalid address %s: prefix %q does not match the header's network id %d", jsonQuote(s), hrp, raw[0]&0x0f)
	}
	return a, nil
}

// Bech32 renders a as CIP-19 bech32 text with the hrp of its network. It
// fails for opaque (specification-mode) addresses and malformed credentials.
func (a Address) Bech32() (string, error) {
	raw, err := a.CIP19()
	if err != nil {
		return "", err
	}
	hrp := cip19HrpTestnet
	if a.Mainnet {
		hrp = cip19HrpMainnet
	}
	data, err := bech32.ConvertBits(raw, 8, 5, true)
	if err != nil {
		return "", err
	}
	return bech32.Encode(hrp, data)
}

// AddressFromCIP19 decodes the binary CIP-19 form of a Shelley payment
// address (base, pointer or enterprise) with network id 0 (testnet) or 1
// (mainnet). Byron, stake and unknown header types are rejected.
func AddressFromCIP19(b []byte) (Address, error) {
	if len(b) == 0 {
		return Address{}, errors.New("empty address")
	}
	header, payload := b[0], b[1:]
	var a Address
	switch header & 0x0f {
	case 0:
	case 1:
		a.Mainnet = true
	default:
		return Address{}, fmt.Errorf("unsupported network id %d (want 0 or 1)", header&0x0f)
	}
	typ := header >> 4
	wantLen := func(n int) error {
		if len(payload) != n {
			return fmt.Errorf("address of header type %#x must carry %d bytes, got %d", typ, n, len(payload))
		}
		return nil
	}
	switch typ {
	case 0x0, 0x1, 0x2, 0x3:
		if err := wantLen(2 * cip19HashLen); err != nil {
			return Address{}, err
		}
		a.Payment = Credential{Script: typ&1 != 0, Hash: string(payload[:cip19HashLen])}
		a.Staking = StakingHash
		a.Stake = Credential{Script: typ&2 != 0, Hash: string(payload[cip19HashLen:])}
	case 0x4, 0x5:
		if len(payload) < cip19HashLen {
			return Address{}, fmt.Errorf("pointer address too short (%d bytes)", len(payload))
		}
		a.Payment = Credential{Script: typ == 0x5, Hash: string(payload[:cip19HashLen])}
		a.Staking = StakingPtr
		rest := payload[cip19HashLen:]
		for i := range a.Pointer {
			v, n, err := cip19Natural(rest)
			if err != nil {
				return Address{}, fmt.Errorf("pointer address: %w", err)
			}
			a.Pointer[i], rest = v, rest[n:]
		}
		if len(rest) != 0 {
			return Address{}, fmt.Errorf("pointer address has %d trailing bytes", len(rest))
		}
	case 0x6, 0x7:
		if err := wantLen(cip19HashLen); err != nil {
			return Address{}, err
		}
		a.Payment = Credential{Script: typ == 0x7, Hash: string(payload)}
	case 0x8:
		return Address{}, errors.New("header type 0x8 is a Byron address, which Marlowe does not support")
	case 0xe, 0xf:
		return Address{}, errors.New("stake (reward) addresses cannot hold funds")
	default:
		return Address{}, fmt.Errorf("unknown address header type %#x", typ)
	}
	return a, nil
}

// CIP19 renders a in binary CIP-19 form (header byte, payment credential,
// then the staking credential or pointer).
func (a Address) CIP19() ([]byte, error) {
	if a.Opaque != "" {
		return nil, fmt.Errorf("address %s is a specification-mode placeholder with no on-chain form", jsonQuote(a.Opaque))
	}
	if len(a.Payment.Hash) != cip19HashLen {
		return nil, fmt.Errorf("payment credential must be %d bytes, got %d", cip19HashLen, len(a.Payment.Hash))
	}
	var net byte
	if a.Mainnet {
		net = 1
	}
	var pay byte
	if a.Payment.Script {
		pay = 1
	}
	out := make([]byte, 0, 1+2*cip19HashLen)
	switch a.Staking {
	case NoStaking:
		out = append(out, (0x6|pay)<<4|net)
		out = append(out, a.Payment.Hash...)
	case StakingHash:
		if len(a.Stake.Hash) != cip19HashLen {
			return nil, fmt.Errorf("staking credential must be %d bytes, got %d", cip19HashLen, len(a.Stake.Hash))
		}
		var stake byte
		if a.Stake.Script {
			stake = 2
		}
		out = append(out, (stake|pay)<<4|net)
		out = append(out, a.Payment.Hash...)
		out = append(out, a.Stake.Hash...)
	case StakingPtr:
		out = append(out, (0x4|pay)<<4|net)
		out = append(out, a.Payment.Hash...)
		for _, v := range a.Pointer {
			out = cip19AppendNatural(out, v)
		}
	default:
		return nil, fmt.Errorf("invalid staking kind %d", a.Staking)
	}
	return out, nil
}

// cip19Natural reads a CIP-19 variable-length natural (big-endian base 128,
// high bit set on every byte but the last), canonical form only.
func cip19Natural(b []byte) (v uint64, n int, err error) {
	for n < len(b) {
		c := b[n]
		if n == 0 && c == 0x80 {
			return 0, 0, errors.New("non-canonical pointer natural")
		}
		if v > (1<<64-1)>>7 {
			return 0, 0, errors.New("pointer natural overflows 64 bits")
		}
		v = v<<7 | uint64(c&0x7f)
		n++
		if c&0x80 == 0 {
			return v, n, nil
		}
	}
	return 0, 0, errors.New("truncated pointer natural")
}

func cip19AppendNatural(out []byte, v uint64) []byte {
	var tmp [10]byte
	i := len(tmp) - 1
	tmp[i] = byte(v & 0x7f)
	for v >>= 7; v > 0; v >>= 7 {
		i--
		tmp[i] = byte(v&0x7f) | 0x80
	}
	return append(out, tmp[i:]...)
}
