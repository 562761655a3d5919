package registry

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

func scriptsDir(tb testing.TB) string { return shared.Path(tb, "marlowe", "scripts") }

func TestLoadScriptsShared(t *testing.T) {
	loaded, err := LoadScripts(scriptsDir(t))
	if err != nil {
		t.Fatal(err)
	}
	reg := New()
	if loaded.Len() != 13 || len(loaded.All()) != 13 {
		t.Fatalf("loaded %d scripts, want 13", loaded.Len())
	}
	for _, s := range reg.Scripts() {
		ls, ok := loaded.ByHash(s.Hash)
		if !ok {
			t.Errorf("%s not loaded", s)
			continue
		}
		if HashPlutusV2(ls.CBOR) != s.Hash || ls.Script.Role != s.Role || ls.Script.Version != s.Version {
			t.Errorf("%s: loaded %s, hash %s", s, ls.Script, HashPlutusV2(ls.CBOR))
		}
		if !strings.Contains(ls.Description, s.Hash.String()) {
			t.Errorf("%s: description %q", s, ls.Description)
		}
		byVR, ok := loaded.Get(s.Version, s.Role)
		if !ok || !bytes.Equal(byVR.CBOR, ls.CBOR) {
			t.Errorf("%s: Get disagrees with ByHash", s)
		}
		// The hashed form still wraps the flat program once more.
		flat, err := UnwrapCBORBytes(ls.CBOR)
		if err != nil || len(flat) == 0 || flat[0] != 1 {
			t.Errorf("%s: inner flat program: %v (first byte %x)", s, err, flat[:min(1, len(flat))])
		}
	}
	// Accessors hand out copies.
	a, _ := loaded.Get(V5, RoleSemantics)
	a.CBOR[0] ^= 0xff
	if b, _ := loaded.Get(V5, RoleSemantics); HashPlutusV2(b.CBOR) != reg.Current().Semantics.Hash {
		t.Error("LoadedScripts mutated through Get")
	}
	if _, ok := loaded.ByHash(ScriptHash{}); ok {
		t.Error("ByHash(zero) found")
	}
}

func envelopeFor(t *testing.T, s Script) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(scriptsDir(t), s.FileName()))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadScriptsErrors(t *testing.T) {
	reg := New()
	v5 := reg.Current()
	goodSem := envelopeFor(t, v5.Semantics)
	goodPayout := envelopeFor(t, v5.Payout)
	env, err := ParseTextEnvelope(goodPayout)
	if err != nil {
		t.Fatal(err)
	}
	once, _ := env.PlutusV2Script()
	onceWrappedEnvelope := []byte(`{"type":"PlutusScriptV2","description":"","cborHex":"` + hex.EncodeToString(once) + `"}`)
	flipped := bytes.Clone(env.CBOR)
	flipped[len(flipped)-1] ^= 1
	flippedEnvelope := []byte(`{"type":"PlutusScriptV2","description":"","cborHex":"` + hex.EncodeToString(flipped) + `"}`)

	for _, tc := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"swapped file", goodSem, "holds v5 semantics"},
		{"one bit flipped", flippedEnvelope, "does not match the registry's v5 payout"},
		{"not JSON", []byte("5909a35909a0"), "text envelope"},
		{"wrong type", bytes.Replace(goodPayout, []byte("PlutusScriptV2"), []byte("PlutusScriptV1"), 1), `want "PlutusScriptV2"`},
		{"wrapped only once", onceWrappedEnvelope, "inner byte string"},
		{"odd hex", []byte(`{"type":"PlutusScriptV2","cborHex":"590"}`), "cborHex"},
		{"missing cborHex", []byte(`{"type":"PlutusScriptV2"}`), `missing "cborHex"`},
		{"missing type", []byte(`{"cborHex":"4100"}`), `missing "type"`},
		{"trailing data", append(bytes.Clone(goodPayout), []byte(" {}")...), "trailing data"},
		{"truncated", goodPayout[:len(goodPayout)/2], "text envelope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, v5.Payout.FileName()), tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadScripts(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), v5.Payout.FileName()) {
				t.Fatalf("LoadScripts error %v, want one naming the file and containing %q", err, tc.want)
			}
		})
	}

	t.Run("empty directory", func(t *testing.T) {
		_, err := LoadScripts(t.TempDir())
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("error %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("oversized file", func(t *testing.T) {
		dir := t.TempDir()
		big := bytes.Repeat([]byte(" "), MaxEnvelopeSize+1)
		if err := os.WriteFile(filepath.Join(dir, v5.Payout.FileName()), big, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadScripts(dir); err == nil || !strings.Contains(err.Error(), "larger than") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("subset", func(t *testing.T) {
		dir := t.TempDir()
		for _, s := range v5.Scripts() {
			if err := os.WriteFile(filepath.Join(dir, s.FileName()), envelopeFor(t, s), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		l, err := LoadScripts(dir)
		if err != nil || l.Len() != 3 {
			t.Fatalf("%v, %d scripts", err, l.Len())
		}
		if _, ok := l.Get(V1, RoleSemantics); ok {
			t.Error("v1 reported loaded")
		}
	})
}

func TestUnwrapCBORBytes(t *testing.T) {
	long := bytes.Repeat([]byte{0xab}, 300)
	for _, tc := range []struct {
		name string
		in   string
		want string
		err  bool
	}{
		{"empty string", "40", "", false},
		{"short", "43010203", "010203", false},
		{"1-byte length", "5818" + strings.Repeat("00", 24), strings.Repeat("00", 24), false},
		{"2-byte length", "59012c" + hex.EncodeToString(long), hex.EncodeToString(long), false},
		{"4-byte length", "5a00000001ff", "ff", false},
		{"8-byte length", "5b0000000000000001ff", "ff", false},
		{"no input", "", "", true},
		{"text string", "6161", "", true},
		{"too short", "4301", "", true},
		{"trailing byte", "410100", "", true},
		{"truncated length", "59ff", "", true},
		{"indefinite", "5f41ff", "", true},
		{"reserved info", "5c00", "", true},
		{"huge length", "5bffffffffffffffff00", "", true},
	} {
		in, _ := hex.DecodeString(tc.in)
		got, err := UnwrapCBORBytes(in)
		if (err != nil) != tc.err || (!tc.err && hex.EncodeToString(got) != tc.want) {
			t.Errorf("%s: UnwrapCBORBytes(%s) = %x, %v", tc.name, tc.in, got, err)
		}
	}
}

// FuzzParseTextEnvelope feeds arbitrary bytes through the envelope parser
// and script extraction; it must never panic, and whatever it accepts must
// be a doubly wrapped byte string whose hash is stable.
func FuzzParseTextEnvelope(f *testing.F) {
	// One real envelope (the smallest: the v2 role-payout validator) keeps
	// the corpus realistic; large seeds slow the mutator to a crawl.
	b, err := os.ReadFile(filepath.Join(scriptsDir(f), "v2-postAudit-payout.plutus"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"type":"PlutusScriptV2","description":"","cborHex":"4401020304"}`))
	f.Add([]byte(`{"type":"PlutusScriptV2","cborHex":"45434102030f"}`))
	f.Add([]byte(`{"type":"PlutusScriptV2","cborHex":"5f41ff"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"type":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := ParseTextEnvelope(b)
		if err != nil {
			return
		}
		if env.Type == "" || len(env.CBOR) == 0 {
			t.Fatalf("accepted envelope without type or CBOR: %+v", env)
		}
		script, err := env.PlutusV2Script()
		if err != nil {
			return
		}
		inner, err := UnwrapCBORBytes(script)
		if err != nil {
			t.Fatalf("accepted script is not a byte string: %v", err)
		}
		if len(inner) >= len(script) || HashPlutusV2(script) != HashPlutusV2(bytes.Clone(script)) {
			t.Fatal("unwrap/hash inconsistent")
		}
	})
}
