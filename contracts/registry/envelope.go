package registry

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/fxamacker/cbor/v2"
)

// PlutusScriptV2Type is the text-envelope type of a Plutus V2 script; every
// Marlowe validator is one.
const PlutusScriptV2Type = "PlutusScriptV2"

// MaxEnvelopeSize bounds the text-envelope files LoadScripts reads. The
// largest Marlowe validator envelope is about 25 KB; anything near this limit
// is not a script envelope.
const MaxEnvelopeSize = 4 << 20

// TextEnvelope is a cardano-cli text envelope:
// {"type": …, "description": …, "cborHex": …}.
type TextEnvelope struct {
	Type        string
	Description string
	// CBOR is the decoded cborHex. For a Plutus script it is a CBOR byte
	// string wrapping the script's CBOR, which is itself a byte string
	// wrapping the flat-encoded program.
	CBOR []byte
}

// ParseTextEnvelope decodes one JSON text envelope. Unknown keys are
// ignored, as cardano-cli does; type and cborHex are required.
func ParseTextEnvelope(b []byte) (TextEnvelope, error) {
	var raw struct {
		Type        *string `json:"type"`
		Description *string `json:"description"`
		CBORHex     *string `json:"cborHex"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil {
		return TextEnvelope{}, fmt.Errorf("text envelope: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return TextEnvelope{}, errors.New("text envelope: trailing data after the JSON object")
	}
	if raw.Type == nil || *raw.Type == "" {
		return TextEnvelope{}, errors.New("text envelope: missing \"type\"")
	}
	if raw.CBORHex == nil || *raw.CBORHex == "" {
		return TextEnvelope{}, errors.New("text envelope: missing \"cborHex\"")
	}
	cb, err := hex.DecodeString(*raw.CBORHex)
	if err != nil {
		return TextEnvelope{}, fmt.Errorf("text envelope: cborHex: %w", err)
	}
	env := TextEnvelope{Type: *raw.Type, CBOR: cb}
	if raw.Description != nil {
		env.Description = *raw.Description
	}
	return env, nil
}

// PlutusV2Script returns the script bytes that are hashed and placed in
// witness sets and reference scripts: the envelope's CBOR unwrapped once.
// It checks the envelope type and that the result is itself a CBOR byte
// string (holding the flat program).
func (e TextEnvelope) PlutusV2Script() ([]byte, error) {
	if e.Type != PlutusScriptV2Type {
		return nil, fmt.Errorf("text envelope: type %q, want %q", e.Type, PlutusScriptV2Type)
	}
	script, err := UnwrapCBORBytes(e.CBOR)
	if err != nil {
		return nil, fmt.Errorf("text envelope: outer byte string: %w", err)
	}
	if _, err := UnwrapCBORBytes(script); err != nil {
		return nil, fmt.Errorf("text envelope: inner byte string: %w", err)
	}
	return script, nil
}

// UnwrapCBORBytes decodes b as exactly one definite-length CBOR byte string
// and returns its contents. Indefinite-length strings never occur in script
// encodings (the ledger hashes the bytes as they stand) and are rejected.
func UnwrapCBORBytes(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, errors.New("empty input, want a CBOR byte string")
	}
	if b[0]>>5 != 2 {
		return nil, fmt.Errorf("CBOR major type %d, want 2 (byte string)", b[0]>>5)
	}
	dm, err := cbor.DecOptions{IndefLength: cbor.IndefLengthForbidden}.DecMode()
	if err != nil {
		return nil, fmt.Errorf("CBOR decoder: %w", err)
	}
	var out []byte
	if err := dm.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("CBOR byte string: %w", err)
	}
	return out, nil
}

// HashPlutusV2 computes the script hash of a Plutus V2 script given its
// once-unwrapped bytes: blake2b-224(0x02 ‖ script).
func HashPlutusV2(script []byte) ScriptHash {
	return ScriptHash(lcommon.PlutusV2Script(script).Hash())
}

// Verify checks that script (once-unwrapped bytes) is s.
func (s Script) Verify(script []byte) error {
	if got := HashPlutusV2(script); got != s.Hash {
		return fmt.Errorf("script hash %s does not match the registry's %s", got, s)
	}
	return nil
}

// LoadedScript is a registry validator with its verified bytes.
type LoadedScript struct {
	Script Script
	// CBOR is the once-unwrapped script (the hashed form).
	CBOR []byte
	// Description is the envelope's description, for diagnostics.
	Description string
}

// LoadedScripts is the result of LoadScripts. It is read-only after
// construction and safe for concurrent use.
type LoadedScripts struct {
	scripts []LoadedScript
	byHash  map[ScriptHash]int
}

// Len is the number of scripts loaded.
func (l *LoadedScripts) Len() int { return len(l.scripts) }

// All returns the loaded scripts, registry order (oldest set first).
func (l *LoadedScripts) All() []LoadedScript {
	out := make([]LoadedScript, len(l.scripts))
	for i, s := range l.scripts {
		s.CBOR = slices.Clone(s.CBOR)
		out[i] = s
	}
	return out
}

// ByHash returns the loaded script with hash h.
func (l *LoadedScripts) ByHash(h ScriptHash) (LoadedScript, bool) {
	i, ok := l.byHash[h]
	if !ok {
		return LoadedScript{}, false
	}
	s := l.scripts[i]
	s.CBOR = slices.Clone(s.CBOR)
	return s, true
}

// Get returns the loaded validator of version v and role r.
func (l *LoadedScripts) Get(v Version, r Role) (LoadedScript, bool) {
	for _, s := range l.scripts {
		if s.Script.Version == v && s.Script.Role == r {
			s.CBOR = slices.Clone(s.CBOR)
			return s, true
		}
	}
	return LoadedScript{}, false
}

// LoadScripts reads the Marlowe validators from the text envelopes in dir,
// named as Script.FileName gives (e.g. v5-caseAsData-semantics.plutus), and
// verifies each one's hash against the registry. Sets that are absent from
// dir are skipped (a deployment may ship only the current set), but a
// present file that is malformed or holds a different script is an error,
// and so is a directory holding none of them.
func LoadScripts(dir string) (*LoadedScripts, error) {
	reg := New()
	out := &LoadedScripts{byHash: make(map[ScriptHash]int)}
	for _, s := range reg.Scripts() {
		path := filepath.Join(dir, s.FileName())
		b, err := readBounded(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("load Marlowe scripts: %w", err)
		}
		ls, err := loadOne(reg, s, b)
		if err != nil {
			return nil, fmt.Errorf("load Marlowe scripts: %s: %w", path, err)
		}
		out.byHash[s.Hash] = len(out.scripts)
		out.scripts = append(out.scripts, ls)
	}
	if len(out.scripts) == 0 {
		return nil, fmt.Errorf("load Marlowe scripts: no script envelopes (e.g. %s) in %s: %w",
			reg.Current().Semantics.FileName(), dir, fs.ErrNotExist)
	}
	return out, nil
}

func loadOne(reg *Registry, want Script, b []byte) (LoadedScript, error) {
	env, err := ParseTextEnvelope(b)
	if err != nil {
		return LoadedScript{}, err
	}
	script, err := env.PlutusV2Script()
	if err != nil {
		return LoadedScript{}, err
	}
	if err := want.Verify(script); err != nil {
		// Name the script the file really holds when it is a known one:
		// swapped files are the likely mistake.
		if other, ok := reg.ByHash(HashPlutusV2(script)); ok {
			return LoadedScript{}, fmt.Errorf("%w (the file holds %s)", err, other)
		}
		return LoadedScript{}, err
	}
	return LoadedScript{Script: want, CBOR: slices.Clone(script), Description: env.Description}, nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxEnvelopeSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > MaxEnvelopeSize {
		return nil, fmt.Errorf("read %s: larger than %d bytes, not a script envelope", path, MaxEnvelopeSize)
	}
	return b, nil
}
