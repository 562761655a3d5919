package object

import (
	"bytes"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

func coreBytes(t testing.TB, c core.Contract) []byte {
	t.Helper()
	b, err := binary.Encode(c, types.EncodeContract)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLinkResolvesReferences links a bundle in which every kind is
// referred to by label and checks the core contract it denotes
// (Haskell linkBundle).
func TestLinkResolvesReferences(t *testing.T) {
	ten := big.NewInt(10)
	bundle := ObjectBundle{
		{Label: "p", Object: Role{Name: "alice"}},
		{Label: "t", Object: Asset{Currency: "cs", Name: "tok"}},
		{Label: "v", Object: AvailableMoney{Account: PartyRef{"p"}, Token: TokenRef{"t"}}},
		{Label: "o", Object: ValueGE{L: ValueRef{"v"}, R: Constant{N: ten}}},
		{Label: "a", Object: Deposit{Into: PartyRef{"p"}, From: PartyRef{"p"}, Token: TokenRef{"t"}, Amount: ValueRef{"v"}}},
		{Label: "k", Object: If{Obs: ObservationRef{"o"}, Then: Close{}, Else: Close{}}},
		{Label: "c", Object: When{
			Cases:        []Case{{Action: ActionRef{"a"}, Then: ContractRef{"k"}}, {Action: Notify{Obs: TrueObs{}}, Merkleized: true, Hash: "h"}},
			Timeout:      big.NewInt(100),
			Continuation: Pay{From: PartyRef{"p"}, To: Payee{Kind: PayeeParty, Party: PartyRef{"p"}}, Token: TokenRef{"t"}, Amount: Constant{N: ten}, Then: Close{}},
		}},
	}
	table := SymbolTable{}
	if err := table.LinkBundle(bundle, nil); err != nil {
		t.Fatal(err)
	}
	alice := core.RolePartyOf("alice")
	tok := core.Token{Currency: "cs", Name: "tok"}
	money := core.AvailableMoney{Account: alice, Token: tok}
	want := core.When{
		Cases: []core.Case{
			{Action: core.Deposit{Into: alice, From: alice, Token: tok, Amount: money},
				Then: core.If{Obs: core.ValueGE{L: money, R: core.Constant{N: ten}}, Then: core.Close{}, Else: core.Close{}}},
			{Action: core.Notify{Obs: core.TrueObs{}}, Merkleized: true, Hash: []byte("h")},
		},
		Timeout:      big.NewInt(100),
		Continuation: core.Pay{From: alice, To: core.Payee{Kind: core.PayeeParty, Party: alice}, Token: tok, Amount: core.Constant{N: ten}, Then: core.Close{}},
	}
	got := table["c"]
	if got.Type != ContractType {
		t.Fatalf("type %s", got.Type)
	}
	if !bytes.Equal(coreBytes(t, got.Term.(core.Contract)), coreBytes(t, want)) {
		t.Fatalf("linked %#v, want %#v", got.Term, want)
	}
	if len(table) != len(bundle) {
		t.Fatalf("table has %d symbols, want %d", len(table), len(bundle))
	}
}

// TestLinkErrors checks every LinkError and where it is reported.
func TestLinkErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		earlier ObjectBundle // a previous bundle of the same import
		bundle  ObjectBundle
		want    LinkError
		path    string
	}{
		{
			name:   "forward reference is unknown",
			bundle: ObjectBundle{{Label: "c", Object: ContractRef{"d"}}, {Label: "d", Object: Close{}}},
			want:   LinkError{Kind: UnknownSymbol, Label: "d"},
			path:   `object 0 ("c")`,
		},
		{
			name:   "duplicate in one bundle",
			bundle: ObjectBundle{{Label: "x", Object: Close{}}, {Label: "x", Object: TrueObs{}}},
			want:   LinkError{Kind: DuplicateLabel, Label: "x"},
			path:   `object 1 ("x")`,
		},
		{
			name:    "duplicate across bundles",
			earlier: ObjectBundle{{Label: "x", Object: Role{}}},
			bundle:  ObjectBundle{{Label: "x", Object: Role{}}},
			want:    LinkError{Kind: DuplicateLabel, Label: "x"},
		},
		{
			name:   "type mismatch names expected then actual",
			bundle: ObjectBundle{{Label: "p", Object: Role{}}, {Label: "v", Object: NegValue{V: ValueRef{"p"}}}},
			want:   LinkError{Kind: TypeMismatch, Expected: ValueType, Actual: PartyType},
			path:   "NegValue",
		},
		{
			name: "first failing field wins (Haskell applicative order)",
			bundle: ObjectBundle{{Label: "c", Object: Pay{
				From: PartyRef{"nope1"}, To: Payee{Party: Role{}}, Token: TokenRef{"nope2"}, Amount: TimeIntervalEnd{}, Then: Close{},
			}}},
			want: LinkError{Kind: UnknownSymbol, Label: "nope1"},
			path: "Pay.account",
		},
		{
			name:   "reference inside a case action",
			bundle: ObjectBundle{{Label: "c", Object: When{Cases: []Case{{Action: ActionRef{"z"}, Then: Close{}}}, Timeout: big.NewInt(1), Continuation: Close{}}}},
			want:   LinkError{Kind: UnknownSymbol, Label: "z"},
			path:   "When.cases[0].action",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			table := SymbolTable{}
			if err := table.LinkBundle(c.earlier, nil); err != nil {
				t.Fatal(err)
			}
			err := table.LinkBundle(c.bundle, nil)
			var le *LinkError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a LinkError", err)
			}
			if *le != c.want {
				t.Fatalf("got %+v, want %+v", *le, c.want)
			}
			if !strings.Contains(err.Error(), c.path) {
				t.Fatalf("error %q lacks path %q", err, c.path)
			}
		})
	}
}

// TestLinkCrossBundleAndTransform: labels of an earlier bundle resolve,
// and the table keeps what the transform returns (the importer stores the
// merkleized contract there).
func TestLinkCrossBundleAndTransform(t *testing.T) {
	table := SymbolTable{}
	if err := table.LinkBundle(ObjectBundle{{Label: "k", Object: Close{}}}, func(l Label, x Linked) (Linked, error) {
		return Linked{Type: ContractType, Term: core.Assert{Obs: core.TrueObs{}, Then: core.Close{}}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := table.LinkBundle(ObjectBundle{{Label: "c", Object: Let{ID: "x", Value: TimeIntervalStart{}, Then: ContractRef{"k"}}}}, nil); err != nil {
		t.Fatal(err)
	}
	want := core.Let{ID: "x", Value: core.TimeIntervalStart{}, Then: core.Assert{Obs: core.TrueObs{}, Then: core.Close{}}}
	if !bytes.Equal(coreBytes(t, table["c"].Term.(core.Contract)), coreBytes(t, want)) {
		t.Fatalf("got %#v", table["c"].Term)
	}
	stop := errors.New("stop")
	err := table.LinkBundle(ObjectBundle{{Label: "d", Object: Close{}}}, func(Label, Linked) (Linked, error) { return Linked{}, stop })
	if !errors.Is(err, stop) {
		t.Fatalf("transform error lost: %v", err)
	}
	if _, ok := table["d"]; ok {
		t.Fatal("failed object entered the table")
	}
}

// TestLinkFromCoreRoundTrip: for random reference-free objects, linking
// to core and converting back (the export path) gives the same object
// bytes; this covers every constructor of both directions, the address
// conversion and the Payee reordering.
func TestLinkFromCoreRoundTrip(t *testing.T) {
	g := newGen(99, false)
	table := SymbolTable{}
	for i := 0; i < 2000; i++ {
		o := g.object()
		l, err := table.LinkObject(LabelledObject{Label: "x", Object: o})
		if err != nil {
			t.Fatalf("object %d: %v", i, err)
		}
		var back Object
		switch term := l.Term.(type) {
		case core.Contract:
			back, err = FromCoreContract(term)
		case core.Value:
			back, err = FromCoreValue(term)
		case core.Observation:
			back, err = FromCoreObservation(term)
		case core.Action:
			back, err = FromCoreAction(term)
		case core.Party:
			back, err = FromCoreParty(term)
		case core.Token:
			back = FromCoreToken(term)
		default:
			t.Fatalf("object %d: linked to %T", i, l.Term)
		}
		if err != nil {
			t.Fatalf("object %d: %v", i, err)
		}
		a, err1 := binary.Encode(o, EncodeObject)
		b, err2 := binary.Encode(back, EncodeObject)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Fatalf("object %d: %T did not survive link/fromCore (%v %v)", i, o, err1, err2)
		}
	}
}

// TestFromCoreRejects: core terms without an object form.
func TestFromCoreRejects(t *testing.T) {
	role := core.RolePartyOf("r")
	for _, c := range []struct {
		name string
		c    core.Contract
		want string
	}{
		{"choice name not UTF-8", core.Assert{Obs: core.ChoseSomething{ID: core.ChoiceID{Name: "\xff", Owner: role}}, Then: core.Close{}}, "UTF-8"},
		{"placeholder address", core.Pay{From: core.AddressPartyOf(core.Address{Opaque: "example"}), To: core.Payee{Party: role}, Amount: core.Constant{N: big.NewInt(1)}, Then: core.Close{}}, "placeholder"},
		{"template timeout", core.When{TimeoutParam: "t", Continuation: core.Close{}}, "missing"},
		{"nil continuation", core.Let{ID: "x", Value: core.TimeIntervalEnd{}}, "missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := FromCoreContract(c.c)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one mentioning %q", err, c.want)
			}
		})
	}
}
