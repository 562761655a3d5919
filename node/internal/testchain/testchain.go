// Package testchain provides chain material for the node packages' tests:
// the real mainnet blocks shipped in gouroboros' module (read in place from
// the module cache, never copied), synthetic Conway blocks that decode and
// pass the body-hash check, realistic Conway protocol parameters and
// transaction outputs.
package testchain

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

const gouroborosPath = "github.com/blinklabs-io/gouroboros"

// MainnetBlock is one of the real mainnet blocks in gouroboros' test data,
// with the slot and hash published for it (cexplorer), which tests check
// against what the header decodes to.
type MainnetBlock struct {
	Name string
	Type uint
	CBOR []byte
	Slot uint64
	Hash string
}

type mainnetFile struct {
	file, name string
	typ        uint
	slot       uint64
	hash       string
}

// mainnetFiles lists gouroboros' internal/testdata blocks, oldest first,
// with the block type each must be decoded as and its published point.
func mainnetFiles() []mainnetFile {
	return []mainnetFile{
		{"byron_block.hex", "byron", chain.TypeByronMain, 4471207, "1451a0dbf16cfeddf4991a838961df1b08a68f43a19c0eb3b36cc4029c77a2d8"},
		{"shelley_block.hex", "shelley", chain.TypeShelley, 16156972, "2308cdd4c0bf8b8bf92523bdd1dd31640c0f42ff079d985fcc07c36cbf915c2b"},
		{"allegra_block.hex", "allegra", chain.TypeAllegra, 23068573, "8115134ab013f6a5fd88fd2a10825177a2eedcde31cb2f1f35e492df469cf9a8"},
		{"mary_block.hex", "mary", chain.TypeMary, 39916670, "d36ab36f451e9fcbd4247daef45ce5be9a4b918fce5ee97a63b8aeac606fca03"},
		{"alonzo_block.hex", "alonzo", chain.TypeAlonzo, 72316767, "1d7974cb01cc9e3fbe9dd7594795a36b21cb1deb2f1b70a0625332c91bd7e5a7"},
		{"babbage_block.hex", "babbage", chain.TypeBabbage, 76204984, "db19fcfaba30607e363113b0a13616e6a9da5aa48b86ec2c033786f0a2e13f7d"},
		{"conway_block.hex", "conway", chain.TypeConway, 159835207, "27807a70215e3e018eec9be8c619c692e06a78ebcb63daf90d7abe823f3bbf47"},
	}
}

// GouroborosDir locates the gouroboros module directory: from the build
// information and the module cache, falling back to `go list`.
func GouroborosDir() (string, error) {
	if dir, ok := dirFromBuildInfo(); ok {
		return dir, nil
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", gouroborosPath).Output()
	if err != nil {
		return "", fmt.Errorf("locate %s: go list: %w", gouroborosPath, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("locate %s: go list printed no directory", gouroborosPath)
	}
	return dir, nil
}

func dirFromBuildInfo() (string, bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	for _, m := range bi.Deps {
		if m.Path != gouroborosPath {
			continue
		}
		if m.Replace != nil {
			m = m.Replace
		}
		if filepath.IsAbs(m.Path) {
			return m.Path, dirHasTestdata(m.Path)
		}
		cache := os.Getenv("GOMODCACHE")
		if cache == "" {
			gopath := os.Getenv("GOPATH")
			if gopath == "" {
				home, err := os.UserHomeDir()
				if err != nil {
					return "", false
				}
				gopath = filepath.Join(home, "go")
			}
			cache = filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
		}
		dir := filepath.Join(cache, escapeModulePath(m.Path)+"@"+m.Version)
		return dir, dirHasTestdata(dir)
	}
	return "", false
}

func dirHasTestdata(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "internal", "testdata", "conway_block.hex"))
	return err == nil
}

// escapeModulePath applies the module cache's case encoding (an upper-case
// letter becomes '!' and its lower case).
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MainnetBlocks reads the seven real mainnet blocks (Byron main block to
// Conway) from gouroboros' module directory.
func MainnetBlocks() ([]MainnetBlock, error) {
	dir, err := GouroborosDir()
	if err != nil {
		return nil, err
	}
	files := mainnetFiles()
	out := make([]MainnetBlock, 0, len(files))
	for _, f := range files {
		path := filepath.Join(dir, "internal", "testdata", f.file)
		h, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("mainnet test blocks: %w", err)
		}
		raw, err := hex.DecodeString(strings.TrimSpace(string(h)))
		if err != nil {
			return nil, fmt.Errorf("mainnet test blocks: %s: %w", path, err)
		}
		out = append(out, MainnetBlock{Name: f.name, Type: f.typ, CBOR: raw, Slot: f.slot, Hash: f.hash})
	}
	return out, nil
}

// ParseMainnet parses each mainnet block's header into a chain.Block.
func ParseMainnet(mb []MainnetBlock) ([]chain.Block, error) {
	out := make([]chain.Block, len(mb))
	for i, m := range mb {
		b, err := chain.Parse(m.Type, m.CBOR)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Name, err)
		}
		out[i] = b
	}
	return out, nil
}

// Builder makes synthetic Conway blocks: a Conway header whose crypto
// fields (issuer and VRF keys, VRF proof, operational certificate, KES
// signature) are fixed placeholder bytes of the right shapes, with the
// block number, slot, parent hash and body fields filled in. They decode
// with gouroboros and pass its body-hash check (header signatures are not
// checked at decode). Nothing is read from disk, so the binary's devnet
// works without gouroboros' test data.
type Builder struct {
	headerBody []cbor.RawMessage
	signature  []byte
}

// NewBuilder prepares a builder.
func NewBuilder() (*Builder, error) {
	placeholder := func(n int, fill byte) []byte { return bytes.Repeat([]byte{fill}, n) }
	fields := []any{
		uint64(0),             // block number (per block)
		uint64(0),             // slot (per block)
		placeholder(32, 0),    // previous header hash (per block)
		placeholder(32, 0x11), // issuer verification key
		placeholder(32, 0x22), // VRF verification key
		[]any{placeholder(64, 0x33), placeholder(80, 0x44)}, // VRF result: output, proof
		uint64(0),          // body size (per block)
		placeholder(32, 0), // body hash (per block)
		[]any{placeholder(32, 0x55), uint64(0), uint64(0), placeholder(64, 0x66)}, // operational certificate
		[]any{uint64(10), uint64(0)}, // protocol version
	}
	body := make([]cbor.RawMessage, len(fields))
	for i, f := range fields {
		raw, err := cbor.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("synthetic header field %d: %w", i, err)
		}
		body[i] = raw
	}
	return &Builder{headerBody: body, signature: placeholder(448, 0x77)}, nil
}

// emptyBody is the four body elements of a block without transactions:
// transaction bodies, witness sets, auxiliary data, invalid indexes.
func emptyBody() [][]byte { return [][]byte{{0x80}, {0x80}, {0xa0}, {0x80}} }

// Block builds a Conway block at the given height and slot on top of
// parent. Salt varies the header (hence the hash) so that competing forks
// at the same slot differ.
func (b *Builder) Block(number, slot uint64, parent chain.Hash, salt byte) (chain.Block, error) {
	body := make([]cbor.RawMessage, len(b.headerBody))
	copy(body, b.headerBody)
	var err error
	enc := func(v any) cbor.RawMessage {
		if err != nil {
			return nil
		}
		var out []byte
		out, err = cbor.Marshal(v)
		return out
	}
	var hashes []byte
	size := 0
	parts := emptyBody()
	for _, part := range parts {
		h := blake2b.Sum256(part)
		hashes = append(hashes, h[:]...)
		size += len(part)
	}
	bodyHash := blake2b.Sum256(hashes)
	body[0] = enc(number)
	body[1] = enc(slot)
	body[2] = enc(parent[:])
	body[6] = enc(size)
	body[7] = enc(bodyHash[:])
	sig := bytes.Clone(b.signature)
	sig[0] ^= salt
	header := enc([]any{body, sig})
	raw := enc(append([]any{cbor.RawMessage(header)}, rawParts(parts)...))
	if err != nil {
		return chain.Block{}, fmt.Errorf("synthetic block: %w", err)
	}
	return chain.Parse(chain.TypeConway, raw)
}

func rawParts(parts [][]byte) []any {
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = cbor.RawMessage(p)
	}
	return out
}

// Chain builds n linked synthetic blocks after parent (a block at height
// parentNumber), slots spaced by step starting at startSlot.
func (b *Builder) Chain(parent chain.Point, parentNumber uint64, n int, startSlot, step uint64, salt byte) ([]chain.Block, error) {
	out := make([]chain.Block, 0, n)
	prev := parent.Hash
	number := parentNumber
	if parent.IsOrigin() {
		number = 0
	} else {
		number++
	}
	for i := range n {
		blk, err := b.Block(number, startSlot+uint64(i)*step, prev, salt)
		if err != nil {
			return nil, err
		}
		out = append(out, blk)
		prev = blk.Point.Hash
		number++
	}
	return out, nil
}

// Output encodes a post-Babbage (map form) transaction output paying
// lovelace to the address bytes addr, with an inline datum when datum (the
// datum's CBOR) is not nil.
func Output(addr []byte, lovelace uint64, datum []byte) ([]byte, error) {
	if len(addr) == 0 {
		return nil, errors.New("output: empty address")
	}
	m := map[int]any{0: addr, 1: lovelace}
	if datum != nil {
		m[2] = []any{1, cbor.Tag{Number: 24, Content: datum}}
	}
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		return nil, err
	}
	return em.Marshal(m)
}

// KeyAddress is a mainnet enterprise address (header 0x61) whose key hash
// is 28 bytes derived from seed: distinct seeds give distinct addresses.
func KeyAddress(seed uint32) []byte {
	addr := make([]byte, 29)
	addr[0] = 0x61
	h := blake2b.Sum256(binary.BigEndian.AppendUint32(nil, seed))
	copy(addr[1:], h[:28])
	return addr
}
