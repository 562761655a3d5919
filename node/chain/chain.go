// Package chain holds the vocabulary shared by the node-to-client client,
// the fake node and the indexer: chain points, tips and raw blocks with the
// few header fields the follower needs (slot, hash, height, parent).
//
// A block travels as its original CBOR plus the node-to-client block type.
// Reading the header is cheap; the full decode (transactions, body-hash
// check) is done only on request, so a byte-level pre-filter can skip most
// blocks without ever decoding them.
package chain

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/blinklabs-io/gouroboros/ledger"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	pcommon "github.com/blinklabs-io/gouroboros/protocol/common"
	"github.com/fxamacker/cbor/v2"
)

// HashSize is the length of a block header hash (blake2b-256).
const HashSize = 32

// Hash is a block header hash.
type Hash [HashSize]byte

// String returns lower-case hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// Point identifies a block by slot and header hash. The zero value is the
// origin of the chain (before the first block); no real block has an
// all-zero hash.
type Point struct {
	Slot uint64
	Hash Hash
}

// IsOrigin reports whether p is the origin.
func (p Point) IsOrigin() bool { return p == Point{} }

// String renders "slot.hash", or "origin".
func (p Point) String() string {
	if p.IsOrigin() {
		return "origin"
	}
	return strconv.FormatUint(p.Slot, 10) + "." + p.Hash.String()
}

// Compare orders points by slot, then hash; the origin sorts first.
func (p Point) Compare(q Point) int {
	switch {
	case p.Slot < q.Slot:
		return -1
	case p.Slot > q.Slot:
		return 1
	}
	return bytes.Compare(p.Hash[:], q.Hash[:])
}

// ParsePoint parses the String form: "origin" or "slot.hash" (64 hex
// digits).
func ParsePoint(s string) (Point, error) {
	if s == "origin" {
		return Point{}, nil
	}
	slot, hash, ok := strings.Cut(s, ".")
	if !ok {
		return Point{}, fmt.Errorf("parse point %q: want \"origin\" or \"slot.hash\"", s)
	}
	n, err := strconv.ParseUint(slot, 10, 64)
	if err != nil {
		return Point{}, fmt.Errorf("parse point %q: slot: %w", s, err)
	}
	b, err := hex.DecodeString(hash)
	if err != nil {
		return Point{}, fmt.Errorf("parse point %q: hash: %w", s, err)
	}
	p, err := NewPoint(n, b)
	if err != nil {
		return Point{}, fmt.Errorf("parse point %q: %w", s, err)
	}
	return p, nil
}

// NewPoint builds a point from a slot and a 32-byte hash.
func NewPoint(slot uint64, hash []byte) (Point, error) {
	if len(hash) != HashSize {
		return Point{}, fmt.Errorf("block hash has %d bytes, want %d", len(hash), HashSize)
	}
	p := Point{Slot: slot}
	copy(p.Hash[:], hash)
	if p.IsOrigin() {
		return Point{}, errors.New("all-zero block hash at slot 0 is not a block")
	}
	return p, nil
}

// FromProtocol converts a gouroboros point. An empty hash is the origin
// (the wire form of the origin is an empty list).
func FromProtocol(p pcommon.Point) (Point, error) {
	if len(p.Hash) == 0 {
		if p.Slot != 0 {
			return Point{}, fmt.Errorf("point at slot %d has no hash", p.Slot)
		}
		return Point{}, nil
	}
	return NewPoint(p.Slot, p.Hash)
}

// Protocol converts p to the gouroboros wire type.
func (p Point) Protocol() pcommon.Point {
	if p.IsOrigin() {
		return pcommon.NewPointOrigin()
	}
	h := p.Hash
	return pcommon.NewPoint(p.Slot, h[:])
}

// Tip is the node's chain tip: its last point and block number. At the
// origin (an empty chain) BlockNumber is 0.
type Tip struct {
	Point       Point
	BlockNumber uint64
}

// TipFromProtocol converts a gouroboros tip.
func TipFromProtocol(t pcommon.Tip) (Tip, error) {
	p, err := FromProtocol(t.Point)
	if err != nil {
		return Tip{}, fmt.Errorf("tip: %w", err)
	}
	return Tip{Point: p, BlockNumber: t.BlockNumber}, nil
}

// Protocol converts t to the gouroboros wire type.
func (t Tip) Protocol() pcommon.Tip {
	return pcommon.Tip{Point: t.Point.Protocol(), BlockNumber: t.BlockNumber}
}

// Node-to-client block types (the era tag of a chain-sync RollForward).
const (
	TypeByronEBB  uint = ledger.BlockTypeByronEbb
	TypeByronMain uint = ledger.BlockTypeByronMain
	TypeShelley   uint = ledger.BlockTypeShelley
	TypeAllegra   uint = ledger.BlockTypeAllegra
	TypeMary      uint = ledger.BlockTypeMary
	TypeAlonzo    uint = ledger.BlockTypeAlonzo
	TypeBabbage   uint = ledger.BlockTypeBabbage
	TypeConway    uint = ledger.BlockTypeConway
	TypeDijkstra  uint = ledger.BlockTypeDijkstra
)

// TypeName names a block type ("byron-ebb", "conway", …).
func TypeName(t uint) string {
	switch t {
	case TypeByronEBB:
		return "byron-ebb"
	case TypeByronMain:
		return "byron"
	case TypeShelley:
		return "shelley"
	case TypeAllegra:
		return "allegra"
	case TypeMary:
		return "mary"
	case TypeAlonzo:
		return "alonzo"
	case TypeBabbage:
		return "babbage"
	case TypeConway:
		return "conway"
	case TypeDijkstra:
		return "dijkstra"
	default:
		return "type(" + strconv.FormatUint(uint64(t), 10) + ")"
	}
}

// Block is a block as delivered by chain-sync: its original CBOR, its
// node-to-client type and the header fields read from that CBOR.
type Block struct {
	// Type is the node-to-client block type (TypeByronMain … TypeConway).
	Type uint
	// CBOR is the block exactly as the node sent it. Consumers must not
	// modify it.
	CBOR []byte
	// Point is the block's slot and header hash.
	Point Point
	// Number is the block height (Byron: the chain difficulty).
	Number uint64
	// Prev is the hash of the parent block's header. For the first block
	// of a chain it is whatever the header says (the genesis hash on a
	// real network).
	Prev Hash
	// Tip is the node's tip when the block was sent; zero when not known
	// (a block built locally).
	Tip Tip
	// Decoded is the fully decoded block when the follower was asked to
	// decode; nil otherwise (call Decode).
	Decoded ledger.Block
}

// maxHeaderNesting bounds CBOR nesting while locating the header. Headers
// nest a few levels deep; anything deeper is not a block.
const maxHeaderNesting = 32

// headerDecMode locates the first element of the block array without
// interpreting it; built once, immutable.
var headerDecMode = sync.OnceValues(func() (cbor.DecMode, error) {
	return cbor.DecOptions{MaxNestedLevels: maxHeaderNesting}.DecMode()
})

// Parse reads the header of a raw block: it checks the block is a CBOR
// array, decodes its first element (the header) for the block type and
// fills Point, Number and Prev. The body is not decoded. Errors name the
// block type; the function never panics on malformed input.
func Parse(blockType uint, raw []byte) (Block, error) {
	b := Block{Type: blockType, CBOR: raw}
	if blockType > TypeDijkstra {
		return Block{}, fmt.Errorf("block type %d: unknown node-to-client block type", blockType)
	}
	hdr, err := firstArrayElement(raw)
	if err != nil {
		return Block{}, fmt.Errorf("%s block: %w", TypeName(blockType), err)
	}
	h, err := decodeHeader(blockType, hdr)
	if err != nil {
		return Block{}, fmt.Errorf("%s block header: %w", TypeName(blockType), err)
	}
	hash := h.Hash()
	p, err := NewPoint(h.SlotNumber(), hash[:])
	if err != nil {
		return Block{}, fmt.Errorf("%s block header: %w", TypeName(blockType), err)
	}
	b.Point = p
	b.Number = h.BlockNumber()
	prev := h.PrevHash()
	copy(b.Prev[:], prev[:])
	return b, nil
}

// decodeHeader wraps gouroboros' header decoders, which are not hardened
// against every malformed input: a panic becomes an error.
func decodeHeader(blockType uint, hdr []byte) (h ledger.BlockHeader, err error) {
	defer func() {
		if r := recover(); r != nil {
			h, err = nil, fmt.Errorf("malformed header (decoder panic: %v)", r)
		}
	}()
	return ledger.NewBlockHeaderFromCbor(blockType, hdr)
}

// firstArrayElement returns the bytes of the first element of the CBOR
// array raw (definite or indefinite length).
func firstArrayElement(raw []byte) ([]byte, error) {
	if len(raw) == 0 {
		return nil, errors.New("empty block CBOR")
	}
	if raw[0]>>5 != 4 {
		return nil, fmt.Errorf("block CBOR starts with major type %d, want an array", raw[0]>>5)
	}
	var n int
	switch ai := raw[0] & 0x1f; {
	case ai < 24:
		if ai == 0 {
			return nil, errors.New("block CBOR is an empty array")
		}
		n = 1
	case ai == 24:
		n = 2
	case ai == 25:
		n = 3
	case ai == 26:
		n = 5
	case ai == 27:
		n = 9
	case ai == 31: // indefinite length
		n = 1
	default:
		return nil, fmt.Errorf("block CBOR array head has reserved additional info %d", ai)
	}
	if len(raw) < n {
		return nil, errors.New("block CBOR truncated in the array head")
	}
	dm, err := headerDecMode()
	if err != nil {
		return nil, fmt.Errorf("CBOR decoder: %w", err)
	}
	var hdr cbor.RawMessage
	if _, err := dm.UnmarshalFirst(raw[n:], &hdr); err != nil {
		return nil, fmt.Errorf("header element: %w", err)
	}
	return hdr, nil
}

// Decode fully decodes the block (all transactions) and checks the body
// hash. It returns b.Decoded when already set. Decoder panics become
// errors.
func (b Block) Decode() (ledger.Block, error) {
	if b.Decoded != nil {
		return b.Decoded, nil
	}
	return DecodeBlock(b.Type, b.CBOR)
}

// DecodeBlock fully decodes a raw block of the given type, verifying the
// body hash. Decoder panics become errors.
func DecodeBlock(blockType uint, raw []byte) (blk ledger.Block, err error) {
	defer func() {
		if r := recover(); r != nil {
			blk, err = nil, fmt.Errorf("%s block: malformed (decoder panic: %v)", TypeName(blockType), r)
		}
	}()
	blk, err = ledger.NewBlockFromCbor(blockType, raw, lcommon.VerifyConfig{})
	if err != nil {
		return nil, fmt.Errorf("%s block: %w", TypeName(blockType), err)
	}
	return blk, nil
}
