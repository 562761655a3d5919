package registry

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// registryJSON mirrors shared/marlowe/scripts/registry.json.
type registryJSON struct {
	Networks map[string]string `json:"networks"`
	Versions []struct {
		Version      string      `json:"version"`
		RegistryName string      `json:"registryName"`
		Note         string      `json:"note"`
		Semantics    *scriptJSON `json:"semantics"`
		Payout       *scriptJSON `json:"payout"`
		OpenRole     *scriptJSON `json:"openRole"`
	} `json:"versions"`
}

type scriptJSON struct {
	ScriptHash        string            `json:"scriptHash"`
	EnterpriseAddress map[string]string `json:"enterpriseAddress"`
	References        map[string]struct {
		TxOutRef string `json:"txOutRef"`
		Address  string `json:"address"`
		Lovelace uint64 `json:"lovelace"`
	} `json:"referenceScriptUTxOs"`
	File string `json:"file"`
}

func loadRegistryJSON(t *testing.T) registryJSON {
	t.Helper()
	b, err := os.ReadFile(shared.Path(t, "marlowe", "scripts", "registry.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r registryJSON
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("registry.json: %v", err)
	}
	return r
}

// TestFactsMatchRegistryJSON checks every compiled-in fact, and every
// address the package derives, against the shared registry.json, in both
// directions (nothing missing, nothing extra).
func TestFactsMatchRegistryJSON(t *testing.T) {
	rj := loadRegistryJSON(t)
	reg := New()

	for name, desc := range rj.Networks {
		n, err := ParseNetwork(name)
		if err != nil {
			t.Errorf("network %q (%s): %v", name, desc, err)
			continue
		}
		if n != Mainnet && !strings.HasSuffix(desc, " "+strconv.FormatUint(uint64(n.Magic()), 10)) {
			t.Errorf("network %s: registry.json says %q, magic here %d", name, desc, n.Magic())
		}
	}

	seen := 0
	if len(rj.Versions) != len(Versions()) {
		t.Fatalf("registry.json has %d versions, Go registry %d", len(rj.Versions), len(Versions()))
	}
	for _, vj := range rj.Versions {
		v, err := ParseVersion(vj.Version)
		if err != nil {
			t.Fatal(err)
		}
		set, ok := reg.Set(v)
		if !ok {
			t.Fatalf("%s missing from Go registry", v)
		}
		if set.RegistryName != vj.RegistryName || set.Note != vj.Note {
			t.Errorf("%s: name/note %q/%q, registry.json %q/%q", v, set.RegistryName, set.Note, vj.RegistryName, vj.Note)
		}
		roles := []struct {
			role Role
			js   *scriptJSON
		}{{RoleSemantics, vj.Semantics}, {RolePayout, vj.Payout}, {RoleOpenRole, vj.OpenRole}}
		goScripts := set.Scripts()
		matched := 0
		for _, r := range roles {
			var s Script
			found := false
			for _, gs := range goScripts {
				if gs.Role == r.role {
					s, found = gs, true
				}
			}
			if (r.js != nil) != found {
				t.Errorf("%s %s: in registry.json %v, in Go %v", v, r.role, r.js != nil, found)
				continue
			}
			if r.js == nil {
				continue
			}
			matched++
			seen++
			checkScript(t, s, *r.js)
		}
		if matched != len(goScripts) {
			t.Errorf("%s: Go registry has %d scripts, registry.json %d", v, len(goScripts), matched)
		}
	}
	if seen != 13 || len(reg.Scripts()) != 13 {
		t.Errorf("scripts: registry.json %d, Go %d, want 13", seen, len(reg.Scripts()))
	}
}

func checkScript(t *testing.T, s Script, js scriptJSON) {
	t.Helper()
	if s.Hash.String() != js.ScriptHash {
		t.Errorf("%s: hash differs from registry.json %s", s, js.ScriptHash)
	}
	if want := "scripts/" + s.FileName(); js.File != want {
		t.Errorf("%s: file %q, registry.json %q", s, want, js.File)
	}
	if len(js.EnterpriseAddress) != 2 {
		t.Errorf("%s: registry.json has %d enterprise addresses, want mainnet+testnet", s, len(js.EnterpriseAddress))
	}
	for _, n := range Networks() {
		key := "testnet"
		if n.IsMainnet() {
			key = "mainnet"
		}
		if got, want := s.EnterpriseAddress(n), js.EnterpriseAddress[key]; got != want {
			t.Errorf("%s on %s: derived address %s, registry.json %s", s, n, got, want)
		}
		a, err := lcommon.NewAddress(s.EnterpriseAddress(n))
		if err != nil {
			t.Fatalf("%s on %s: derived address does not parse: %v", s, n, err)
		}
		raw, _ := a.Bytes()
		if !slices.Equal(raw, s.EnterpriseAddressBytes(n)) {
			t.Errorf("%s on %s: raw address %x, bech32 decodes to %x", s, n, s.EnterpriseAddressBytes(n), raw)
		}
	}
	refs := s.References()
	if len(refs) != len(js.References) {
		t.Errorf("%s: %d reference UTxOs, registry.json %d", s, len(refs), len(js.References))
	}
	for _, r := range refs {
		jr, ok := js.References[r.Network.String()]
		if !ok {
			t.Errorf("%s: reference on %s not in registry.json", s, r.Network)
			continue
		}
		if r.Ref.String() != jr.TxOutRef || r.Address != jr.Address || r.Lovelace != jr.Lovelace {
			t.Errorf("%s on %s: %s %s %d, registry.json %s %s %d", s, r.Network,
				r.Ref, r.Address, r.Lovelace, jr.TxOutRef, jr.Address, jr.Lovelace)
		}
		// Publisher addresses must at least be valid addresses of the
		// right network.
		a, err := lcommon.NewAddress(r.Address)
		if err != nil {
			t.Errorf("%s on %s: reference address: %v", s, r.Network, err)
		} else if a.NetworkId() != uint(r.Network.AddressNetworkID()) {
			t.Errorf("%s on %s: reference address network id %d", s, r.Network, a.NetworkId())
		}
	}
}

// TestHashesInSemanticsDoc checks the hash table of semantics.md §4.1.
func TestHashesInSemanticsDoc(t *testing.T) {
	b, err := os.ReadFile(shared.Path(t, "docs", "semantics.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, set := range New().Sets() {
		for _, s := range set.Scripts() {
			row := "| " + set.Version.String()
			i := strings.Index(doc, row)
			if i < 0 {
				t.Fatalf("semantics.md has no table row for %s", set.Version)
			}
			line := doc[i:]
			line = line[:strings.IndexByte(line, '\n')]
			if !strings.Contains(line, set.RegistryName) || !strings.Contains(line, "`"+s.Hash.String()+"`") {
				t.Errorf("semantics.md row %q lacks %s", line, s)
			}
		}
	}
}

func TestCurrentAndSets(t *testing.T) {
	reg := New()
	cur := reg.Current()
	if cur.Version != V5 || cur.RegistryName != "caseAsDataV1Scripts" || !cur.HasOpenRole {
		t.Fatalf("current set: %+v", cur)
	}
	if cur.Semantics.Hash.String() != "377325ad84a55ba0282d844dff2d5f0f18c33fd4a28a0a9d73c6f60d" {
		t.Errorf("current semantics %s", cur.Semantics.Hash)
	}
	for _, tc := range []struct {
		v        Version
		openRole bool
	}{{V1, false}, {V2, false}, {V3, true}, {V4, true}, {V5, true}} {
		set, ok := reg.Set(tc.v)
		if !ok || set.HasOpenRole != tc.openRole || len(set.Scripts()) != map[bool]int{false: 2, true: 3}[tc.openRole] {
			t.Errorf("%s: ok=%v openRole=%v scripts=%d", tc.v, ok, set.HasOpenRole, len(set.Scripts()))
		}
	}
	if _, ok := reg.Set(Version(9)); ok {
		t.Error("Set(9) found")
	}
	// Returned values are copies: mutating them leaves the registry intact.
	refs := cur.Semantics.References()
	refs[0].Lovelace = 1
	sets := reg.Sets()
	sets[0].Version = V5
	if r, _ := reg.Current().Semantics.Reference(Mainnet); r.Lovelace != 48776270 {
		t.Errorf("registry mutated through References(): %d", r.Lovelace)
	}
	if reg.Sets()[0].Version != V1 {
		t.Error("registry mutated through Sets()")
	}
}

func mustHash(t *testing.T, s string) ScriptHash {
	t.Helper()
	h, err := ParseScriptHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestByHash(t *testing.T) {
	reg := New()
	for _, tc := range []struct {
		hash    string
		found   bool
		version Version
		role    Role
	}{
		{"6a9391d6aa51af28dd876ebb5565b69d1e83e5ac7861506bd29b56b0", true, V1, RoleSemantics},
		{"49076eab20243dc9462511fb98a9cfb719f86e9692288139b7c91df3", true, V1, RolePayout},
		{"2ed2631dbb277c84334453c5c437b86325d371f0835a28b910a91a6e", true, V2, RoleSemantics},
		{"e165610232235bbbbeff5b998b233daae42979dec92a6722d9cda989", true, V2, RolePayout},
		{"d85fa9bc2bdfd97d5ebdbc5e3fc66f7476213c40c21b73b41257f09d", true, V3, RoleSemantics},
		{"10ec7e02d25f5836b3e1098e0d4d8389e71d7a97a57aa737adc1d1fa", true, V3, RolePayout},
		{"b1d61d0c8a3c0f081a7ccebf0050e3f2c9751e82a4f3953a769dddfb", true, V3, RoleOpenRole},
		{"6027a8010c555a4dd6b08882b899f4b3167c6e4524047132202dd984", true, V4, RoleSemantics},
		{"fdade3b86107bc715037b468574dd8d3f884a0da8c9956086b9a1a51", true, V4, RolePayout},
		{"36a5c7e49a6b11c7fb65fb61db69ed5ceaa35326af9d952fd30185c0", true, V4, RoleOpenRole},
		{"377325ad84a55ba0282d844dff2d5f0f18c33fd4a28a0a9d73c6f60d", true, V5, RoleSemantics},
		{"fcb8885eb5e4f9a5cfca3c75e8c7280e482af32dcdf2d13e47d05d27", true, V5, RolePayout},
		{"2722e12a53dfb4fe3742b8a2c0534bd16b0b5ae492a3d76554bbe8a5", true, V5, RoleOpenRole},
	} {
		s, ok := reg.ByHash(mustHash(t, tc.hash))
		if ok != tc.found || s.Version != tc.version || s.Role != tc.role {
			t.Errorf("ByHash(%s) = %v %s %s, want %v %s %s", tc.hash, ok, s.Version, s.Role, tc.found, tc.version, tc.role)
		}
	}
	for _, unknown := range []string{
		"00000000000000000000000000000000000000000000000000000000",
		"377325ad84a55ba0282d844dff2d5f0f18c33fd4a28a0a9d73c6f60e", // v5 semantics, last nibble changed
	} {
		if s, ok := reg.ByHash(mustHash(t, unknown)); ok {
			t.Errorf("ByHash(%s) found %s", unknown, s)
		}
	}
}
