package safety

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// refContract is one (contract, initial state) of the 24 reference
// contracts of conformance.md §2 with its Haskell-generated paths
// (getAllInputs, the path finder the Runtime's safety analysis uses).
type refContract struct {
	name     string
	raw      []byte
	contract core.Contract
	state    core.State
	// outputs are the contracts the reference transactions produce, by
	// canonical encoding.
	outputs map[string]bool
	// warnings are the warning types the reference transactions raise.
	warnings map[string]bool
}

// loadReference reads every .paths file and groups its paths by starting
// contract and state (a few .contract files differ from the contracts the
// paths start from, so the paths are the source of truth).
func loadReference(t *testing.T) []refContract {
	t.Helper()
	dir := shared.Path(t, "marlowe", "reference-paths")
	files, err := filepath.Glob(filepath.Join(dir, "*.paths"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 24 {
		t.Fatalf("%d reference contracts, want 24", len(files))
	}
	var out []refContract
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".paths")
		pathsRaw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var paths []struct {
			Contract     json.RawMessage `json:"contract"`
			State        json.RawMessage `json:"state"`
			Transactions []struct {
				Output json.RawMessage `json:"output"`
			} `json:"transactions"`
		}
		if err := json.Unmarshal(pathsRaw, &paths); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		groups := map[string]*refContract{}
		var order []string
		for i, p := range paths {
			key := string(p.Contract) + "|" + string(p.State)
			rc := groups[key]
			if rc == nil {
				rc = &refContract{name: fmt.Sprintf("%s#%d", name, len(order)), raw: p.Contract, outputs: map[string]bool{}, warnings: map[string]bool{}}
				if rc.contract, err = core.DecodeJSON[core.Contract](p.Contract, core.Strict); err != nil {
					t.Fatalf("%s path %d: %v", name, i, err)
				}
				if rc.state, err = core.DecodeJSON[core.State](p.State, core.Strict); err != nil {
					t.Fatalf("%s path %d: %v", name, i, err)
				}
				groups[key] = rc
				order = append(order, key)
			}
			for _, tx := range p.Transactions {
				o, err := core.DecodeJSON[core.TransactionOutput](tx.Output, core.Strict)
				if err != nil {
					t.Fatalf("%s path %d: %v", name, i, err)
				}
				b, err := core.EncodeData(o.Contract)
				if err != nil {
					t.Fatal(err)
				}
				rc.outputs[string(b)] = true
				for _, w := range o.Warnings {
					rc.warnings[fmt.Sprintf("%T", w)] = true
				}
			}
		}
		for _, k := range order {
			out = append(out, *groups[k])
		}
	}
	return out
}

var (
	roleRE    = regexp.MustCompile(`"role_token"\s*:\s*"([^"]*)"`)
	addressRE = regexp.MustCompile(`"address"\s*:\s*"([^"]*)"`)
)

// configFor derives the create configuration from the contract's JSON
// text, independently of the extraction under test: its role names (plus
// the initial state's owner) and the network of its addresses.
func configFor(rc refContract) (Config, core.CurrencySymbol) {
	names := map[core.TokenName]bool{}
	for _, m := range roleRE.FindAllSubmatch(rc.raw, -1) {
		names[core.TokenName(m[1])] = true
	}
	for _, a := range rc.state.Accounts {
		if a.Account.Kind == core.RoleParty {
			names[a.Account.Role] = true
		}
	}
	cfg := Config{RoleTokens: &RoleTokens{Mode: RoleTokensMint}}
	for n := range names {
		cfg.RoleTokens.Names = append(cfg.RoleTokens.Names, n)
	}
	sort.Slice(cfg.RoleTokens.Names, func(i, j int) bool { return cfg.RoleTokens.Names[i] < cfg.RoleTokens.Names[j] })
	for _, m := range addressRE.FindAllSubmatch(rc.raw, -1) {
		cfg.Mainnet = !strings.HasPrefix(string(m[1]), "addr_test")
	}
	var rolesCurrency core.CurrencySymbol
	if len(names) > 0 {
		rolesCurrency = policy
	}
	return cfg, rolesCurrency
}

// trueErrors are the real defects of the reference contracts: three of
// them (as their paths start) hold currency symbols that are not 28 bytes, which
// the Haskell checkTokens reports too.
var trueErrors = map[string][]Error{
	"pangram-1#0":                    {InvalidCurrencySymbol{Currency: "\x10"}},
	"serialization#0":                {InvalidCurrencySymbol{Currency: "\x10"}},
	"swap-of-ada-and-dollar-token#0": {InvalidCurrencySymbol{Currency: "\x85\xbb\x65"}},
}

// TestReferenceContractsNoFalseErrors: the reference contracts, created
// with their own roles on their own network, raise no contract error
// beyond their real defects.
func TestReferenceContractsNoFalseErrors(t *testing.T) {
	refs := loadReference(t)
	if len(refs) < 24 {
		t.Fatalf("%d reference starts", len(refs))
	}
	for _, rc := range refs {
		want := trueErrors[rc.name]
		cfg, rolesCurrency := configFor(rc)
		d := datum(rolesCurrency, rc.state, rc.contract)
		errs, err := CheckContract(cfg, d, nil)
		if err != nil {
			t.Fatalf("%s: %v", rc.name, err)
		}
		assertErrors(t, rc.name+" CheckContract", errs, want)
		r, err := CheckSafety(DefaultMaxValueSize, 4310, d, nil)
		if err != nil {
			t.Fatalf("%s: %v", rc.name, err)
		}
		assertErrors(t, rc.name+" CheckSafety", r.Errors, want)

		// Merkleized with its continuations: the same findings.
		m, conts, err := core.Merkleize(rc.contract)
		if err != nil {
			t.Fatal(err)
		}
		md := datum(rolesCurrency, rc.state, m)
		errs, err = CheckContract(cfg, md, Continuations(conts))
		if err != nil {
			t.Fatal(err)
		}
		assertErrors(t, rc.name+" merkleized", errs, want)
		// Without them: the root's continuations are missing, and the
		// roles only they mention look extra.
		errs, err = CheckContract(cfg, md, nil)
		if err != nil {
			t.Fatal(err)
		}
		missing := 0
		for _, e := range errs {
			switch e.(type) {
			case MissingContinuation:
				missing++
			case ExtraRoleToken, InvalidCurrencySymbol:
			default:
				t.Errorf("%s without continuations: unexpected %s", rc.name, show([]Error{e}))
			}
		}
		if (missing == 0) != (len(conts) == 0) {
			t.Errorf("%s: %d missing continuations of %d", rc.name, missing, len(conts))
		}

		// Without a roles currency the roles are noticed.
		if len(cfg.RoleTokens.Names) > 0 {
			errs, err = CheckContract(Config{Mainnet: cfg.Mainnet, RoleTokens: &RoleTokens{}}, datum("", rc.state, rc.contract), nil)
			if err != nil {
				t.Fatal(err)
			}
			assertErrors(t, rc.name+" without roles", errs, append([]Error{MissingRolesCurrency{}}, want...))
		}
		// On the other network every address is wrong.
		if strings.Contains(string(rc.raw), `"address"`) {
			errs, err = CheckContract(Config{Mainnet: !cfg.Mainnet, RoleTokens: cfg.RoleTokens}, d, nil)
			if err != nil {
				t.Fatal(err)
			}
			assertErrors(t, rc.name+" other network", errs, append(append([]Error{}, want...), WrongNetwork{}))
		}
	}
}

// solverOnly counts, per reference start, the contracts the Haskell paths
// reach only through inputs a solver finds: in pangram-2 a notification
// whose observation ties a chosen number to the interval's end.
var solverOnly = map[string]int{"pangram-2#0": 3}

// TestReferenceContractsTransactions compares the enumeration with the
// Haskell paths: every contract a Haskell transaction produces is produced
// here too (except solverOnly), and every kind of warning the Haskell
// transactions raise is found.
func TestReferenceContractsTransactions(t *testing.T) {
	totalRef, totalHit := 0, 0
	for _, rc := range loadReference(t) {
		txs, err := FindTransactions(context.Background(), rc.state, rc.contract, nil, Options{})
		if err != nil {
			t.Fatalf("%s: %v", rc.name, err)
		}
		ours := map[string]bool{}
		warnings := map[string]bool{}
		for _, tx := range txs {
			b, err := core.EncodeData(tx.Output.Contract)
			if err != nil {
				t.Fatal(err)
			}
			ours[string(b)] = true
			for _, w := range tx.Output.Warnings {
				warnings[fmt.Sprintf("%T", w)] = true
			}
		}
		hit := 0
		for k := range rc.outputs {
			if ours[k] {
				hit++
			}
		}
		totalRef += len(rc.outputs)
		totalHit += hit
		if missed := len(rc.outputs) - hit; missed != solverOnly[rc.name] {
			t.Errorf("%s: %d of %d reference contracts not reached, want %d", rc.name, missed, len(rc.outputs), solverOnly[rc.name])
		}
		for w := range rc.warnings {
			if !warnings[w] {
				t.Errorf("%s: warning %s not found", rc.name, w)
			}
		}
		// Warnings become findings one for one.
		errs, err := CheckTransactions(context.Background(), rc.state, rc.contract, nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tx := range txs {
			n += len(tx.Output.Warnings)
		}
		if len(errs) != n {
			t.Errorf("%s: %d findings for %d warnings", rc.name, len(errs), n)
		}
	}
	t.Logf("reached %d of %d reference contracts", totalHit, totalRef)
}
