package types

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// NetworkId is a Cardano network: mainnet (the zero value) or a testnet
// with its magic.
type NetworkId struct {
	Testnet bool
	Magic   uint32 // when Testnet
}

// EncodeNetworkId appends a NetworkId: 00 Mainnet | 01 u32 magic.
func EncodeNetworkId(e *binary.Encoder, x NetworkId) {
	if !x.Testnet {
		e.PutTag(0)
		return
	}
	e.PutTag(1)
	e.PutU32(x.Magic)
}

// DecodeNetworkId reads a NetworkId.
func DecodeNetworkId(d *binary.Decoder) (NetworkId, error) {
	t, err := d.Tag("NetworkId", 2)
	if err != nil {
		return NetworkId{}, binary.Wrapf(err, "decode NetworkId")
	}
	if t == 0 {
		return NetworkId{}, nil
	}
	m, err := d.U32()
	if err != nil {
		return NetworkId{}, binary.Wrapf(err, "decode NetworkId.magic")
	}
	return NetworkId{Testnet: true, Magic: m}, nil
}

// CardanoEra is cardano-api's AnyCardanoEra, one byte.
type CardanoEra uint8

// The Cardano eras in wire order.
const (
	ByronEra CardanoEra = iota
	ShelleyEra
	AllegraEra
	MaryEra
	AlonzoEra
	BabbageEra
	ConwayEra
)

// EncodeCardanoEra appends an AnyCardanoEra.
func EncodeCardanoEra(e *binary.Encoder, x CardanoEra) {
	if x > ConwayEra {
		e.Failf("encode AnyCardanoEra: invalid era %d", x)
	}
	e.PutU8(uint8(x))
}

// DecodeCardanoEra reads an AnyCardanoEra.
func DecodeCardanoEra(d *binary.Decoder) (CardanoEra, error) {
	t, err := d.Tag("AnyCardanoEra", int(ConwayEra)+1)
	if err != nil {
		return 0, binary.Wrapf(err, "decode AnyCardanoEra")
	}
	return CardanoEra(t), nil
}

// BabbageEraOnwards is the era byte of transaction results and Submit:
// 0 Babbage, 1 Conway.
type BabbageEraOnwards uint8

// The BabbageEraOnwards values.
const (
	BabbageEraOnwardsBabbage BabbageEraOnwards = iota
	BabbageEraOnwardsConway
)

// EncodeBabbageEraOnwards appends a BabbageEraOnwards byte.
func EncodeBabbageEraOnwards(e *binary.Encoder, x BabbageEraOnwards) {
	if x > BabbageEraOnwardsConway {
		e.Failf("encode BabbageEraOnwards: invalid era %d", x)
	}
	e.PutU8(uint8(x))
}

// DecodeBabbageEraOnwards reads a BabbageEraOnwards byte.
func DecodeBabbageEraOnwards(d *binary.Decoder) (BabbageEraOnwards, error) {
	t, err := d.Tag("BabbageEraOnwards", 2)
	if err != nil {
		return 0, binary.Wrapf(err, "decode BabbageEraOnwards")
	}
	return BabbageEraOnwards(t), nil
}

// Version is Data.Version: numeric branch and (deprecated) string tags.
type Version struct {
	Branch []int64
	Tags   []string
}

// EncodeVersion appends a Version: list<i64> branch, list<String> tags.
func EncodeVersion(e *binary.Encoder, x Version) {
	binary.EncodeList(e, x.Branch, (*binary.Encoder).PutI64)
	binary.EncodeList(e, x.Tags, (*binary.Encoder).PutCharString)
}

// DecodeVersion reads a Version.
func DecodeVersion(d *binary.Decoder) (Version, error) {
	br, err := binary.DecodeListMin(d, 8, (*binary.Decoder).I64)
	if err != nil {
		return Version{}, binary.Wrapf(err, "decode Version.versionBranch")
	}
	tags, err := binary.DecodeListMin(d, 8, (*binary.Decoder).CharString)
	if err != nil {
		return Version{}, binary.Wrapf(err, "decode Version.versionTags")
	}
	return Version{Branch: br, Tags: tags}, nil
}
