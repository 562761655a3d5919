package object

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goldenAddress is the address the Haskell Variations use
// (addr_test1vrssw4edcts00kk6lp7p5n64666m23tpprqaarmdwkaq69gfvqnpz).
const goldenAddressHex = "60e107572dc2e0f7dadaf87c1a4f55d6b5b5456108c1de8f6d75ba0d15"

// codecCase is a value with its hand-derived wire form; enc encodes it,
// dec decodes and re-encodes.
type codecCase struct {
	name string
	enc  func(*binary.Encoder)
	dec  func(*binary.Decoder, *binary.Encoder) error
	hex  string
}

func cc[T any](name string, x T, enc binary.EncodeFunc[T], dec binary.DecodeFunc[T], h string) codecCase {
	return codecCase{
		name: name,
		enc:  func(e *binary.Encoder) { enc(e, x) },
		dec: func(d *binary.Decoder, e *binary.Encoder) error {
			y, err := dec(d)
			if err != nil {
				return err
			}
			enc(e, y)
			return nil
		},
		hex: h,
	}
}

// TestSpecVectors checks the §5.8 table byte by byte with vectors derived
// by hand from it (several taken apart from MarloweTransfer.golden lines).
func TestSpecVectors(t *testing.T) {
	addr := ShelleyAddress(unhex(t, goldenAddressHex))
	role := Role{Name: ""}
	timeout := big.NewInt(946684801000) // 2000-01-01 00:00:01 UTC in ms
	cases := []codecCase{
		cc("Label a (text)", Label("a"), EncodeLabel, DecodeLabel, "0000000000000001 61"),
		cc("Label é counts bytes", Label("é"), EncodeLabel, DecodeLabel, "0000000000000002 c3a9"),
		cc("ObjectType ValueType", ValueType, EncodeObjectType, DecodeObjectType, "00"),
		cc("ObjectType ActionType", ActionType, EncodeObjectType, DecodeObjectType, "05"),
		cc("Party Address", Party(Address{Address: addr}), EncodeParty, DecodeParty, "00 000000000000001d "+goldenAddressHex),
		cc("Party Role a", Party(Role{Name: "a"}), EncodeParty, DecodeParty, "01 0000000000000001 61"),
		cc("Party PartyRef", Party(PartyRef{Label: ""}), EncodeParty, DecodeParty, "02 0000000000000000"),
		cc("Token ada", Token(Asset{}), EncodeToken, DecodeToken, "00 0000000000000000 0000000000000000"),
		cc("Token TokenRef a", Token(TokenRef{Label: "a"}), EncodeToken, DecodeToken, "01 0000000000000001 61"),
		cc("ChoiceId text name", ChoiceID{Name: "a", Owner: role}, EncodeChoiceId, DecodeChoiceId, "0000000000000001 61 01 0000000000000000"),
		cc("Payee Party is tag 0", Payee{Kind: PayeeParty, Party: role}, EncodePayee, DecodePayee, "00 01 0000000000000000"),
		cc("Payee Account is tag 1", Payee{Kind: PayeeAccount, Party: role}, EncodePayee, DecodePayee, "01 01 0000000000000000"),
		cc("Bound 1 1", Bound{Low: big.NewInt(1), High: big.NewInt(1)}, EncodeBound, DecodeBound, "00 00000001 00 00000001"),
		cc("Value Constant 1", Value(Constant{N: big.NewInt(1)}), EncodeValue, DecodeValue, "01 00 00000001"),
		cc("Value AddValue", Value(AddValue{L: Constant{N: big.NewInt(1)}, R: Constant{N: big.NewInt(1)}}), EncodeValue, DecodeValue, "03 01 00 00000001 01 00 00000001"),
		cc("Value TimeIntervalEnd", Value(TimeIntervalEnd{}), EncodeValue, DecodeValue, "09"),
		cc("Value Cond", Value(Cond{Obs: FalseObs{}, Then: Constant{N: big.NewInt(1)}, Else: Constant{N: big.NewInt(1)}}), EncodeValue, DecodeValue, "0b 0a 01 00 00000001 01 00 00000001"),
		cc("Value ValueRef is tag 12", Value(ValueRef{Label: ""}), EncodeValue, DecodeValue, "0c 0000000000000000"),
		cc("Observation TrueObs", Observation(TrueObs{}), EncodeObservation, DecodeObservation, "09"),
		cc("Observation ObservationRef is tag 11", Observation(ObservationRef{Label: "a"}), EncodeObservation, DecodeObservation, "0b 0000000000000001 61"),
		cc("Action ActionRef", Action(ActionRef{Label: "a"}), EncodeAction, DecodeAction, "03 0000000000000001 61"),
		cc("Action Choice", Action(Choice{ID: ChoiceID{Owner: PartyRef{}}, Bounds: []Bound{{big.NewInt(1), big.NewInt(1)}}}), EncodeAction, DecodeAction,
			"01 0000000000000000 02 0000000000000000 0000000000000001 00 00000001 00 00000001"),
		cc("Contract Close", Contract(Close{}), EncodeContract, DecodeContract, "00"),
		cc("Contract ContractRef", Contract(ContractRef{Label: "a"}), EncodeContract, DecodeContract, "06 0000000000000001 61"),
		cc("Contract When merkleized, timeout in ms", Contract(When{
			Cases:        []Case{{Action: ActionRef{Label: ""}, Merkleized: true, Hash: ""}},
			Timeout:      timeout,
			Continuation: Close{},
		}), EncodeContract, DecodeContract, "03 0000000000000001 01 03 0000000000000000 0000000000000000 01 01 0000000000000005 e8afcf6adc 00"),
		cc("Contract Pay to account", Contract(Pay{From: role, To: Payee{Kind: PayeeAccount, Party: role}, Token: Asset{}, Amount: TimeIntervalStart{}, Then: Close{}}), EncodeContract, DecodeContract,
			"01 01 0000000000000000 01 01 0000000000000000 00 0000000000000000 0000000000000000 08 00"),
		cc("LabelledObject", LabelledObject{Label: "", Object: ActionRef{Label: "a"}}, EncodeLabelledObject, DecodeLabelledObject,
			"0000000000000000 05 03 0000000000000001 61"),
		cc("ObjectBundle", ObjectBundle{{Label: "", Object: ActionRef{Label: "a"}}}, EncodeObjectBundle, DecodeObjectBundle,
			"0000000000000001 0000000000000000 05 03 0000000000000001 61"),
		cc("LinkError UnknownSymbol a", LinkError{Kind: UnknownSymbol, Label: "a"}, EncodeLinkError, DecodeLinkError, "00 0000000000000001 61"),
		cc("LinkError TypeMismatch Value Action", LinkError{Kind: TypeMismatch, Expected: ValueType, Actual: ActionType}, EncodeLinkError, DecodeLinkError, "02 00 05"),
		cc("ImportError ContinuationNotInStore", ImportError{Kind: ContinuationNotInStore, Hash: "a"}, EncodeImportError, DecodeImportError, "00 0000000000000001 61"),
		cc("ImportError LinkError DuplicateLabel", ImportError{Kind: ImportLinkError, Link: LinkError{Kind: DuplicateLabel, Label: ""}}, EncodeImportError, DecodeImportError, "01 01 0000000000000000"),
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := unhex(t, c.hex)
			e := binary.NewEncoder(nil)
			c.enc(e)
			got, err := e.Result()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("encode = %x, want %x", got, want)
			}
			d := binary.NewDecoder(want)
			e2 := binary.NewEncoder(nil)
			if err := c.dec(d, e2); err != nil {
				t.Fatal(err)
			}
			if err := d.Finish(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(e2.Bytes(), want) {
				t.Fatalf("re-encode = %x, want %x", e2.Bytes(), want)
			}
		})
	}
}

// TestPayeeOrderDiffersFromCore pins trap 6 of §6: the object Payee has
// Party = 0, core Payee has Account = 0.
func TestPayeeOrderDiffersFromCore(t *testing.T) {
	obj, _ := binary.Encode(Payee{Kind: PayeeAccount, Party: Role{}}, EncodePayee)
	cor, _ := binary.Encode(core.Payee{Kind: core.PayeeAccount, Party: core.RolePartyOf("")}, types.EncodePayee)
	if obj[0] != 1 || cor[0] != 0 {
		t.Fatalf("Account tags: object %#x (want 1), core %#x (want 0)", obj[0], cor[0])
	}
}

// TestDecodeRejects feeds malformed input to the decoders: each must fail
// with a malformed (not short) error that says what is wrong.
func TestDecodeRejects(t *testing.T) {
	bad := []struct {
		name string
		dec  func(*binary.Decoder) error
		hex  string
		want string
	}{
		{"ObjectType 6", wrap(DecodeObjectType), "06", "unknown ObjectType constructor tag 6"},
		{"LabelledObject type 7", wrap(DecodeLabelledObject), "0000000000000000 07 00", "ObjectType"},
		{"Label not UTF-8", wrap(DecodeLabel), "0000000000000001 ff", "not valid UTF-8"},
		{"ChoiceId name not UTF-8", wrap(DecodeChoiceId), "0000000000000002 c328 01 0000000000000000", "not valid UTF-8"},
		{"Party tag 3", wrap(DecodeParty), "03", "Party constructor tag 3"},
		{"Party empty address", wrap(DecodeParty), "00 0000000000000000", "failed to deserialize address"},
		{"Party Byron address", wrap(DecodeParty), "00 0000000000000002 8000", "Byron"},
		{"Party stake address", wrap(DecodeParty), "00 000000000000001d e0" + strings.Repeat("11", 28), "stake"},
		{"Party network 2", wrap(DecodeParty), "00 000000000000001d 62" + strings.Repeat("11", 28), "network"},
		{"Party short payload", wrap(DecodeParty), "00 0000000000000002 6011", "must carry 28 bytes"},
		{"Token tag 2", wrap(DecodeToken), "02", "Token constructor tag 2"},
		{"Payee tag 2", wrap(DecodePayee), "02", "Payee constructor tag 2"},
		{"Value tag 13", wrap(DecodeValue), "0d", "Value constructor tag 13"},
		{"Value big-form small Integer", wrap(DecodeValue), "01 01 01 0000000000000001 05", "non-canonical Integer"},
		{"Observation tag 12", wrap(DecodeObservation), "0c", "Observation constructor tag 12"},
		{"Action tag 4", wrap(DecodeAction), "04", "Action constructor tag 4"},
		{"Case tag 2", wrap(DecodeCase), "02", "Case constructor tag 2"},
		{"Contract tag 7", wrap(DecodeContract), "07", "Contract constructor tag 7"},
		{"LinkError tag 3", wrap(DecodeLinkError), "03", "LinkError constructor tag 3"},
		{"ImportError tag 2", wrap(DecodeImportError), "02", "ImportError constructor tag 2"},
		{"TypeMismatch bad type", wrap(DecodeLinkError), "02 00 09", "ObjectType constructor tag 9"},
		{"bundle negative count", wrap(DecodeObjectBundle), "ffffffffffffffff", "negative length"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			err := c.dec(binary.NewDecoder(unhex(t, c.hex)))
			if err == nil {
				t.Fatal("decoded")
			}
			if binary.IsShort(err) || !errors.Is(err, binary.ErrMalformed) {
				t.Fatalf("error %v: want a malformed error", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func wrap[T any](f binary.DecodeFunc[T]) func(*binary.Decoder) error {
	return func(d *binary.Decoder) error {
		_, err := f(d)
		if err == nil {
			err = d.Finish()
		}
		return err
	}
}

// TestDecodeTruncated checks that every strict prefix of valid encodings
// fails as a short read (so a stream reader waits for more bytes) and
// never as malformed input; the encodings come from the random generator.
func TestDecodeTruncated(t *testing.T) {
	g := newGen(7, true)
	for i := 0; i < 40; i++ {
		b := ObjectBundle{{Label: g.label(), Object: g.object()}, {Label: g.label(), Object: g.object()}}
		enc, err := binary.Encode(b, EncodeObjectBundle)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(enc); n++ {
			_, err := binary.Decode(enc[:n], DecodeObjectBundle)
			if !binary.IsShort(err) {
				t.Fatalf("bundle %d prefix %d/%d: error %v, want short", i, n, len(enc), err)
			}
		}
	}
}

// TestDecodeCountBeyondInput: a huge list count is refused before any
// allocation, as a short read naming the shortfall.
func TestDecodeCountBeyondInput(t *testing.T) {
	_, err := binary.Decode(unhex(t, "0000010000000000"), DecodeObjectBundle)
	need, ok := binary.NeedMore(err)
	if !ok || need < 1<<40 {
		t.Fatalf("error %v (need %d): want a short error needing ≥ 2^40 bytes", err, need)
	}
}

// TestDecodeDepthBound: nesting past the decoder's depth bound is refused
// with an error that names the bound, for each recursive kind.
func TestDecodeDepthBound(t *testing.T) {
	const n = binary.DefaultMaxDepth + 10
	for _, c := range []struct {
		name string
		unit string
		leaf string
		dec  func(*binary.Decoder) error
	}{
		{"Value NegValue chain", "02", "08", wrap(DecodeValue)},
		{"Observation NotObs chain", "02", "09", wrap(DecodeObservation)},
		{"Contract Assert chain", "05 09", "00", wrap(DecodeContract)},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := unhex(t, strings.Repeat(c.unit, n)+c.leaf)
			err := c.dec(binary.NewDecoder(in))
			if err == nil || !strings.Contains(err.Error(), "nesting deeper than") {
				t.Fatalf("error %v: want the depth bound", err)
			}
			// Within the bound the same shape decodes.
			in = unhex(t, strings.Repeat(c.unit, 100)+c.leaf)
			if err := c.dec(binary.NewDecoder(in)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEncodeRejects: values with no wire form record an encoder error
// rather than emitting bytes a Haskell peer would misread.
func TestEncodeRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		enc  func(*binary.Encoder)
		want string
	}{
		{"nil Party", func(e *binary.Encoder) { EncodeParty(e, nil) }, "nil"},
		{"invalid address", func(e *binary.Encoder) { EncodeParty(e, Address{Address: "x"}) }, "ShelleyAddress"},
		{"label not UTF-8", func(e *binary.Encoder) { EncodeLabel(e, "\xff") }, "UTF-8"},
		{"choice name not UTF-8", func(e *binary.Encoder) { EncodeChoiceId(e, ChoiceID{Name: "\xff", Owner: Role{}}) }, "UTF-8"},
		{"nil Constant", func(e *binary.Encoder) { EncodeValue(e, Constant{}) }, "nil"},
		{"nil timeout", func(e *binary.Encoder) { EncodeContract(e, When{Continuation: Close{}}) }, "nil"},
		{"pointer variant", func(e *binary.Encoder) { EncodeContract(e, &Close{}) }, "unsupported type"},
		{"invalid payee kind", func(e *binary.Encoder) { EncodePayee(e, Payee{Kind: 7, Party: Role{}}) }, "invalid kind"},
		{"invalid object type", func(e *binary.Encoder) {
			EncodeLinkError(e, LinkError{Kind: TypeMismatch, Expected: 9, Actual: ValueType})
		}, "invalid type"},
		{"nil object", func(e *binary.Encoder) { EncodeLabelledObject(e, LabelledObject{}) }, "nil object"},
		{"invalid import error", func(e *binary.Encoder) { EncodeImportError(e, ImportError{Kind: 5}) }, "invalid kind"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := binary.NewEncoder(nil)
			c.enc(e)
			if err := e.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v: want one mentioning %q", err, c.want)
			}
		})
	}
}

// TestRoundTripProperty encodes 3000 random bundles (fixed seed) holding
// every constructor, decodes them with nothing left over and re-encodes
// them to the identical bytes.
func TestRoundTripProperty(t *testing.T) {
	g := newGen(42, true)
	for i := 0; i < 3000; i++ {
		b := make(ObjectBundle, g.pick(4))
		for j := range b {
			b[j] = LabelledObject{Label: g.label(), Object: g.object()}
		}
		enc, err := binary.Encode(b, EncodeObjectBundle)
		if err != nil {
			t.Fatalf("bundle %d: %v", i, err)
		}
		dec, err := binary.Decode(enc, DecodeObjectBundle)
		if err != nil {
			t.Fatalf("bundle %d: %v", i, err)
		}
		again, err := binary.Encode(dec, EncodeObjectBundle)
		if err != nil || !bytes.Equal(again, enc) {
			t.Fatalf("bundle %d: re-encode differs (%v)", i, err)
		}
		for j := range dec {
			if dec[j].Object.ObjectType() != b[j].Object.ObjectType() || dec[j].Label != b[j].Label {
				t.Fatalf("bundle %d object %d: kind or label changed", i, j)
			}
		}
	}
	for _, name := range allConstructors() {
		if g.seen[name] == 0 {
			t.Errorf("constructor %s never generated", name)
		}
	}
}
