package specclient

import (
	"encoding/json"
	"errors"
	"math/rand/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

// The harness asks the client for tokens and parties because only the client
// knows what is valid on its chain: here, 28-byte policy ids and real
// Cardano (CIP-19 base or enterprise) addresses. The same seed and size always
// give the same value so that failing properties replay.
func generateRandomValue(f map[string]json.RawMessage) (any, error) {
	var typeID string
	if err := json.Unmarshal(f["typeId"], &typeID); err != nil {
		return nil, errors.New(`"typeId" is missing or not a string`)
	}
	seed, err := integerField(f, "seed")
	if err != nil {
		return nil, err
	}
	size := int64(10)
	if _, ok := f["size"]; ok {
		s, err := integerField(f, "size")
		if err != nil {
			return nil, err
		}
		if s.IsInt64() {
			size = s.Int64()
		}
	}
	// Seeds are Haskell Ints; fold whatever arrives into 64 bits.
	r := rand.New(rand.NewPCG(seed.Uint64(), uint64(size)))
	var v any
	switch typeID {
	case "Core.Token":
		v = RandomToken(r, size)
	case "Core.Party":
		v = RandomParty(r, size)
	default:
		return map[string]string{"unknown-type": typeID}, nil
	}
	out, err := encoded(v)
	if err != nil {
		return nil, err
	}
	return map[string]json.RawMessage{"value": out}, nil
}

// RandomToken returns ada or a token with a 28-byte policy id and a short
// name, the name length growing with size.
func RandomToken(r *rand.Rand, size int64) core.Token {
	if r.IntN(4) == 0 {
		return core.Ada
	}
	return core.Token{
		Currency: core.CurrencySymbol(randomBytes(r, 28)),
		Name:     core.TokenName(randomName(r, size)),
	}
}

// RandomParty returns a role party or an address party with a valid Cardano
// address (key or script payment credential, with or without a staking key,
// mainnet or testnet).
func RandomParty(r *rand.Rand, size int64) core.Party {
	if r.IntN(2) == 0 {
		return core.RolePartyOf(core.TokenName(randomName(r, size)))
	}
	a := core.Address{
		Mainnet: r.IntN(2) == 0,
		Payment: core.Credential{Script: r.IntN(4) == 0, Hash: string(randomBytes(r, 28))},
	}
	if r.IntN(2) == 0 {
		a.Staking = core.StakingHash
		a.Stake = core.Credential{Script: r.IntN(4) == 0, Hash: string(randomBytes(r, 28))}
	}
	return core.AddressPartyOf(a)
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// randomName is printable ASCII (names are UTF-8 text in JSON) of at most
// 32 bytes, the on-chain limit for token names.
func randomName(r *rand.Rand, size int64) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-"
	maxLen := min(max(size, 1), 32)
	b := make([]byte, 1+r.Int64N(maxLen))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}
