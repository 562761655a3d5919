package core

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// Values of semantics.md §2.1.
const (
	exRolesCurrency = "1b9af43b0eaafc42dfaefbbf4e71437af45454c7292a6b6606363741"
	exPKH           = "0a11b0c7e25dc5d9c63171bdf39d9741b901dc903e12b4e162348e07"
)

func exRoleA() Party { return RolePartyOf("A") }

// exAddrParty is addr_test1vq9prvx8ufwutkwxx9cmmuuajaqmjqwujqlp9d8pvg6gupczgtm9j.
func exAddrParty(t testing.TB) Party {
	return AddressPartyOf(Address{Payment: Credential{Hash: string(mustHex(t, exPKH))}})
}

func exContract() Contract {
	return When{
		Cases: []Case{{
			Action: Deposit{Into: exRoleA(), From: exRoleA(), Token: Ada, Amount: Constant{N: big.NewInt(10)}},
			Then:   Close{},
		}},
		Timeout:      big.NewInt(100),
		Continuation: Close{},
	}
}

// TestWorkedExamples reproduces every example of semantics.md §2.1 exactly.
func TestWorkedExamples(t *testing.T) {
	const contractHex = "d87c9f9fd8799fd8799fd87a9f4141ffd87a9f4141ffd8799f4040ffd87a9f0affffd87980ffff1864d87980ff"
	md := MarloweData{
		Params: MarloweParams{RolesCurrency: CurrencySymbol(mustHex(t, exRolesCurrency))},
		State: State{
			Accounts: []AccountEntry{{Account: exAddrParty(t), Token: Ada, Amount: big.NewInt(2000000)}},
			MinTime:  big.NewInt(0),
		},
		Contract: exContract(),
	}
	tests := []struct {
		name string
		v    any
		want string
		hash string
	}{
		{"contract", exContract(), contractHex, ""},
		{"redeemer", Redeemer{{Content: IDeposit{Into: exRoleA(), From: exRoleA(), Token: Ada, Amount: big.NewInt(10)}}},
			"9fd8799fd8799fd87a9f4141ffd87a9f4141ffd8799f4040ff0affffff", ""},
		{"Close", Close{}, "d87980", ""},
		{"unit", data.NewConstr(0), "d87980", ""},
		{"empty redeemer", Redeemer{}, "80", ""},
		{"marlowe data", md,
			"d8799fd8799f581c1b9af43b0eaafc42dfaefbbf4e71437af45454c7292a6b6606363741ffd8799fa1d8799fd8799fd87980d8799fd8799f581c0a11b0c7e25dc5d9c63171bdf39d9741b901dc903e12b4e162348e07ffd87a80ffffd8799f4040ffff1a001e8480a0a000ff" + contractHex + "ff",
			"e9cb1958f519d6c894b3d0193f5d245be9878df532789c0a4e7213774f90598d"},
		{"payout datum", PayoutDatum{RolesCurrency: CurrencySymbol(mustHex(t, exRolesCurrency)), Role: "A"},
			"d8799f581c1b9af43b0eaafc42dfaefbbf4e71437af45454c7292a6b66063637414141ff", ""},
		{"open-role datum (default thread name)", OpenRoleDatum{}, "40", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeData(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != tt.want {
				t.Fatalf("got  %x\nwant %s", got, tt.want)
			}
			if tt.hash != "" {
				h, err := HashData(tt.v)
				if err != nil {
					t.Fatal(err)
				}
				if hex.EncodeToString(h[:]) != tt.hash {
					t.Fatalf("hash %x, want %s", h, tt.hash)
				}
			}
		})
	}
	// And back: the datum decodes to a value that re-encodes identically.
	raw, _ := EncodeData(md)
	back, err := DecodeData[MarloweData](raw)
	if err != nil {
		t.Fatal(err)
	}
	if back.State.Accounts[0].Account != exAddrParty(t) || back.State.Accounts[0].Amount.Int64() != 2000000 {
		t.Fatalf("decoded account %+v", back.State.Accounts[0])
	}
	if eq, err := EqualData(back, md); err != nil || !eq {
		t.Fatalf("EqualData = %v, %v", eq, err)
	}
}

// allConstructors is a contract using every constructor of Contract, Case,
// Action, Value, Observation, Payee, Party and every address form.
func allConstructors(t testing.TB) Contract {
	h28 := func(b byte) string { return string(bytes.Repeat([]byte{b}, 28)) }
	base := AddressPartyOf(Address{Mainnet: true, Payment: Credential{Hash: h28(1)},
		Staking: StakingHash, Stake: Credential{Script: true, Hash: h28(2)}})
	ptr := AddressPartyOf(Address{Payment: Credential{Script: true, Hash: h28(3)},
		Staking: StakingPtr, Pointer: [3]uint64{1<<64 - 1, 0, 7}})
	role := RolePartyOf("role\x00\xff")
	tok := Token{Currency: CurrencySymbol(h28(9)), Name: "tok"}
	cid := ChoiceID{Name: "c", Owner: ptr}
	huge := new(big.Int).Neg(bigPow2(700))
	n := func(i int64) Value { return Constant{N: big.NewInt(i)} }
	v := Cond{
		Obs:  OrObs{L: AndObs{L: TrueObs{}, R: FalseObs{}}, R: NotObs{O: ChoseSomething{ID: cid}}},
		Then: AddValue{L: AvailableMoney{Account: role, Token: tok}, R: NegValue{V: Constant{N: huge}}},
		Else: SubValue{L: MulValue{L: n(2), R: DivValue{L: n(-7), R: n(2)}},
			R: AddValue{L: ChoiceValue{ID: cid}, R: AddValue{L: TimeIntervalStart{}, R: AddValue{L: TimeIntervalEnd{}, R: UseValue{ID: "x"}}}}},
	}
	o := AndObs{L: ValueGE{L: v, R: n(1)}, R: AndObs{L: ValueGT{L: n(1), R: n(0)},
		R: AndObs{L: ValueLT{L: n(1), R: n(2)}, R: AndObs{L: ValueLE{L: n(1), R: n(1)}, R: ValueEQ{L: n(3), R: n(3)}}}}}
	return Let{ID: "x", Value: n(5), Then: Assert{Obs: o, Then: If{Obs: TrueObs{},
		Then: Pay{From: base, To: Payee{Kind: PayeeAccount, Party: role}, Token: Ada, Amount: v,
			Then: Pay{From: role, To: Payee{Kind: PayeeParty, Party: ptr}, Token: tok, Amount: n(1), Then: Close{}}},
		Else: When{
			Cases: []Case{
				{Action: Deposit{Into: base, From: ptr, Token: tok, Amount: v}, Then: Close{}},
				{Action: Choice{ID: cid, Bounds: []Bound{{Low: big.NewInt(0), High: huge}, {Low: huge, High: bigPow2(64)}}},
					Merkleized: true, Hash: bytes.Repeat([]byte{0xaa}, 32)},
				{Action: Choice{ID: cid}, Then: Close{}},
				{Action: Notify{Obs: o}, Then: When{Timeout: bigPow2(80), Continuation: Close{}}},
			},
			Timeout:      big.NewInt(1700000000000),
			Continuation: Close{},
		}}}}
}

func TestRoundTripAllTypes(t *testing.T) {
	c := allConstructors(t)
	ptr := c.(Let).Then.(Assert).Then.(If).Then.(Pay).Then.(Pay).To.Party
	cid := ChoiceID{Name: "c", Owner: ptr}
	state := State{
		Accounts: []AccountEntry{
			{Account: RolePartyOf("b"), Token: Ada, Amount: big.NewInt(3)},
			{Account: RolePartyOf("a"), Token: Ada, Amount: bigPow2(100)},
		},
		Choices:     []ChoiceEntry{{ID: cid, Value: big.NewInt(-4)}},
		BoundValues: []BoundValueEntry{{ID: "z", Value: big.NewInt(1)}, {ID: "a", Value: big.NewInt(2)}},
		MinTime:     big.NewInt(12),
	}
	values := []any{
		c,
		MarloweData{Params: MarloweParams{RolesCurrency: "cs"}, State: state, Contract: c},
		state,
		EmptyState(big.NewInt(0)),
		Redeemer{
			{Content: IChoice{ID: cid, Chosen: big.NewInt(-1)}},
			{Content: INotify{}, Merkleized: true, Hash: bytes.Repeat([]byte{1}, 32)},
			{Content: IDeposit{Into: ptr, From: ptr, Token: Ada, Amount: bigPow2(65)}},
		},
		PayoutDatum{RolesCurrency: "x", Role: "y"},
		OpenRoleDatum{ThreadTokenName: "thread"},
		ptr,
		Payee{Kind: PayeeParty, Party: RolePartyOf("r")},
		Token{Currency: "c", Name: "n"},
		cid,
		Bound{Low: big.NewInt(-1), High: big.NewInt(1)},
		ValueID("v"),
		Case{Action: Notify{Obs: TrueObs{}}, Then: Close{}},
		Input{Content: INotify{}},
	}
	for i, v := range values {
		enc, err := EncodeData(v)
		if err != nil {
			t.Fatalf("%d (%T): %v", i, v, err)
		}
		var back any
		switch v.(type) {
		case Contract:
			back, err = DecodeData[Contract](enc)
		case MarloweData:
			back, err = DecodeData[MarloweData](enc)
		case State:
			back, err = DecodeData[State](enc)
		case Redeemer:
			back, err = DecodeData[Redeemer](enc)
		case PayoutDatum:
			back, err = DecodeData[PayoutDatum](enc)
		case OpenRoleDatum:
			back, err = DecodeData[OpenRoleDatum](enc)
		case Party:
			back, err = DecodeData[Party](enc)
		case Payee:
			back, err = DecodeData[Payee](enc)
		case Token:
			back, err = DecodeData[Token](enc)
		case ChoiceID:
			back, err = DecodeData[ChoiceID](enc)
		case Bound:
			back, err = DecodeData[Bound](enc)
		case ValueID:
			back, err = DecodeData[ValueID](enc)
		case Case:
			back, err = DecodeData[Case](enc)
		case Input:
			back, err = DecodeData[Input](enc)
		}
		if err != nil {
			t.Fatalf("%d (%T): decode: %v", i, v, err)
		}
		again, err := EncodeData(back)
		if err != nil || !bytes.Equal(again, enc) {
			t.Fatalf("%d (%T): re-encoding differs (%v)", i, v, err)
		}
	}
	// Comparable leaves come back equal as Go values, not just as bytes.
	if p, _ := FromData[Party](mustToData(t, ptr)); p != ptr {
		t.Fatalf("party %+v != %+v", p, ptr)
	}
	// Concrete variants of sum types decode directly.
	w, err := FromData[When](mustToData(t, exContract()))
	if err != nil || w.Timeout.Int64() != 100 || len(w.Cases) != 1 {
		t.Fatalf("FromData[When] = %+v, %v", w, err)
	}
	if _, err := FromData[Pay](mustToData(t, exContract())); err == nil || !strings.Contains(err.Error(), "expected core.Pay, got core.When") {
		t.Fatalf("FromData[Pay] of a When: %v", err)
	}
	if n, err := FromData[*big.Int](data.NewInteger(bigPow2(70))); err != nil || n.Cmp(bigPow2(70)) != 0 {
		t.Fatalf("FromData[*big.Int] = %v, %v", n, err)
	}
}

func mustToData(t testing.TB, v any) data.PlutusData {
	t.Helper()
	pd, err := ToData(v)
	if err != nil {
		t.Fatal(err)
	}
	return pd
}

func TestFromDataErrorPaths(t *testing.T) {
	c0 := func(fs ...data.PlutusData) data.PlutusData { return data.NewConstr(0, fs...) }
	notifyTrue := data.NewConstr(2, data.NewConstr(9))
	params := c0(data.NewByteString(nil))
	state := c0(data.NewMap(nil), data.NewMap(nil), data.NewMap(nil), data.NewInteger(big.NewInt(0)))
	when := func(cont data.PlutusData) data.PlutusData {
		return data.NewConstr(3, data.NewList(c0(notifyTrue, cont)), data.NewInteger(big.NewInt(1)), data.NewConstr(0))
	}
	role := data.NewConstr(1, data.NewByteString([]byte("r")))
	tests := []struct {
		name string
		pd   data.PlutusData
		dec  func(data.PlutusData) error
		want string
	}{
		{"brief example", c0(params, state, when(data.NewConstr(9))), decMarloweData,
			"marloweContract.when[0].then: unknown Contract constructor 9"},
		{"wrong arity", c0(params, state, data.NewConstr(3, data.NewList())), decMarloweData,
			"marloweContract: Contract constructor 3 has 1 fields, want 3"},
		{"wrong kind", c0(params, state, data.NewInteger(big.NewInt(1))), decMarloweData,
			"marloweContract: Contract: expected a constructor, got an integer"},
		{"datum arity", c0(params, state), decMarloweData, "MarloweData constructor 0 has 2 fields, want 3"},
		{"datum tag", data.NewConstr(1), decMarloweData, "unknown MarloweData constructor 1"},
		{"params", c0(c0(data.NewInteger(big.NewInt(0))), state, data.NewConstr(0)), decMarloweData,
			"marloweParams.rolesCurrency: expected a byte string, got an integer"},
		{"state account key", c0(params, c0(data.NewMap([][2]data.PlutusData{{c0(role, data.NewList()), data.NewInteger(big.NewInt(1))}}),
			data.NewMap(nil), data.NewMap(nil), data.NewInteger(big.NewInt(0))), data.NewConstr(0)), decMarloweData,
			"marloweState.accounts[0].token: Token: expected a constructor, got a list"},
		{"state minTime", c0(params, c0(data.NewMap(nil), data.NewMap(nil), data.NewMap(nil), data.NewList()), data.NewConstr(0)), decMarloweData,
			"marloweState.minTime: expected an integer, got a list"},
		{"deep value", c0(params, state, when(data.NewConstr(1, role,
			data.NewConstr(1, role), c0(data.NewByteString(nil), data.NewByteString(nil)),
			data.NewConstr(3, data.NewConstr(1, data.NewInteger(big.NewInt(1))), data.NewConstr(12)),
			data.NewConstr(0)))), decMarloweData,
			"marloweContract.when[0].then.pay.and: unknown Value constructor 12"},
		{"unknown observation", c0(params, state, data.NewConstr(3, data.NewList(c0(data.NewConstr(2, data.NewConstr(11)), data.NewConstr(0))),
			data.NewInteger(big.NewInt(1)), data.NewConstr(0))), decMarloweData,
			"marloweContract.when[0].case.notify_if: unknown Observation constructor 11"},
		{"unknown action", data.NewConstr(3, data.NewList(c0(data.NewConstr(3), data.NewConstr(0))), data.NewInteger(big.NewInt(1)), data.NewConstr(0)),
			decContract, "when[0].case: unknown Action constructor 3"},
		{"unknown case", data.NewConstr(3, data.NewList(data.NewConstr(2, notifyTrue, data.NewConstr(0))), data.NewInteger(big.NewInt(1)), data.NewConstr(0)),
			decContract, "when[0]: unknown Case constructor 2"},
		{"merkleized hash kind", data.NewConstr(3, data.NewList(data.NewConstr(1, notifyTrue, data.NewConstr(0))), data.NewInteger(big.NewInt(1)), data.NewConstr(0)),
			decContract, "when[0].merkleized_then: expected a byte string, got a constructor"},
		{"cases not a list", data.NewConstr(3, data.NewMap(nil), data.NewInteger(big.NewInt(1)), data.NewConstr(0)),
			decContract, "when: expected a list, got a map"},
		{"unknown party", data.NewConstr(4, c0(data.NewByteString(nil)),
			data.NewConstr(0, data.NewConstr(2), c0(data.NewByteString(nil), data.NewByteString(nil))), data.NewConstr(0)),
			decContract, "be.in_account: unknown Party constructor 2"},
		{"network bool", data.NewConstr(0, data.NewConstr(2), data.NewConstr(0)), decParty, "network: unknown Bool constructor 2"},
		{"network arity", data.NewConstr(0, data.NewConstr(1, data.NewList()), data.NewConstr(0)), decParty, "network: Bool constructor 1 has 1 fields, want 0"},
		{"credential", data.NewConstr(0, data.NewConstr(0), c0(data.NewConstr(2, data.NewByteString(nil)), data.NewConstr(1))), decParty,
			"address.payment_credential: unknown Credential constructor 2"},
		{"maybe", data.NewConstr(0, data.NewConstr(0), c0(c0(data.NewByteString(nil)), data.NewConstr(2))), decParty,
			"address.staking_credential: unknown Maybe constructor 2"},
		{"staking", data.NewConstr(0, data.NewConstr(0), c0(c0(data.NewByteString(nil)), c0(data.NewConstr(2)))), decParty,
			"address.staking_credential: unknown StakingCredential constructor 2"},
		{"pointer overflow", data.NewConstr(0, data.NewConstr(0), c0(c0(data.NewByteString(nil)), c0(data.NewConstr(1,
			data.NewInteger(big.NewInt(0)), data.NewInteger(bigPow2(64)), data.NewInteger(big.NewInt(0)))))), decParty,
			"address.staking_credential.pointer[1]: staking pointer component 18446744073709551616 does not fit 64 bits"},
		{"pointer negative", data.NewConstr(0, data.NewConstr(0), c0(c0(data.NewByteString(nil)), c0(data.NewConstr(1,
			data.NewInteger(big.NewInt(-1)), data.NewInteger(big.NewInt(0)), data.NewInteger(big.NewInt(0)))))), decParty,
			"address.staking_credential.pointer[0]: staking pointer component -1 does not fit 64 bits"},
		{"redeemer item", data.NewList(c0(data.NewConstr(2)), data.NewConstr(2, data.NewConstr(2))), decRedeemer,
			"[1]: unknown MarloweTxInput constructor 2"},
		{"redeemer content", data.NewList(c0(data.NewConstr(1, c0(data.NewByteString(nil), role), data.NewByteString(nil)))), decRedeemer,
			"[0].input_that_chooses_num: expected an integer, got a byte string"},
		{"redeemer not list", data.NewConstr(0), decRedeemer, "expected a list, got a constructor"},
		{"notify arity", data.NewList(c0(data.NewConstr(2, data.NewConstr(0)))), decRedeemer, "[0]: InputContent constructor 2 has 1 fields, want 0"},
		{"payout", c0(data.NewByteString(nil), data.NewInteger(big.NewInt(1))), decPayout, "role: expected a byte string, got an integer"},
		{"nil", nil, decContract, "Contract: expected a constructor, got nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.dec(tt.pd)
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Error() != tt.want {
				t.Fatalf("error %q\nwant     %q", err, tt.want)
			}
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DataError", err)
			}
		})
	}
}

func decMarloweData(pd data.PlutusData) error { _, err := FromData[MarloweData](pd); return err }
func decContract(pd data.PlutusData) error    { _, err := FromData[Contract](pd); return err }
func decParty(pd data.PlutusData) error       { _, err := FromData[Party](pd); return err }
func decRedeemer(pd data.PlutusData) error    { _, err := FromData[Redeemer](pd); return err }
func decPayout(pd data.PlutusData) error      { _, err := FromData[PayoutDatum](pd); return err }

func TestToDataErrors(t *testing.T) {
	opaque := AddressPartyOf(Address{Opaque: "example address"})
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"opaque address", Pay{From: opaque, To: Payee{Kind: PayeeParty, Party: opaque}, Token: Ada, Amount: Constant{N: big.NewInt(1)}, Then: Close{}},
			`from_account: plutus data: address "example address" has no on-chain form`},
		{"nil constant", When{Cases: []Case{{Action: Deposit{Into: exRoleA(), From: exRoleA(), Amount: Constant{}}, Then: Close{}}},
			Timeout: big.NewInt(1), Continuation: Close{}}, "when[0].case.deposits.constant: missing integer (nil *big.Int)"},
		{"nil timeout", When{Continuation: Close{}}, "timeout: missing integer (nil *big.Int)"},
		{"nil continuation", Assert{Obs: TrueObs{}}, "then: missing Contract"},
		{"case without continuation", When{Cases: []Case{{Action: Notify{Obs: TrueObs{}}}}, Timeout: big.NewInt(1), Continuation: Close{}},
			"when[0].then: missing continuation in a non-merkleized case"},
		{"nil observation", If{Then: Close{}, Else: Close{}}, "if: missing Observation"},
		{"pointer variant", &When{}, "unsupported Contract type *core.When"},
		{"nil bound", Choice{ID: ChoiceID{Owner: exRoleA()}, Bounds: []Bound{{Low: big.NewInt(1)}}}, "choose_between[0].to: missing integer (nil *big.Int)"},
		{"nil state min time", MarloweData{Contract: Close{}}, "marloweState.minTime: missing integer (nil *big.Int)"},
		{"nil account amount", State{Accounts: []AccountEntry{{Account: exRoleA()}}, MinTime: big.NewInt(0)}, "accounts[0]: missing integer (nil *big.Int)"},
		{"redeemer nil amount", Redeemer{{Content: INotify{}}, {Content: IDeposit{Into: exRoleA(), From: exRoleA()}}}, "[1].that_deposits: missing integer (nil *big.Int)"},
		{"unknown party kind", Party{Kind: 7}, "plutus data: unknown party kind 7"},
		{"unknown staking", AddressPartyOf(Address{Staking: 9}), "plutus data: unknown staking kind 9"},
		{"unsupported type", 42, "plutus data: unsupported type int"},
		{"nil", nil, "plutus data: cannot convert nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := EncodeData(tt.v)
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Error() != tt.want {
				t.Fatalf("error %q\nwant     %q", err, tt.want)
			}
		})
	}
}

// benchmarkParts returns the raw encodings of the fields of a benchmark
// file, C0[datum, redeemer, scriptContext, I cpu, I mem], exactly as they
// appear in the file.
func benchmarkParts(t testing.TB, raw []byte) [][]byte {
	t.Helper()
	idx, parts, err := ConstrFieldBytes(raw)
	if err != nil || idx != 0 || len(parts) != 5 {
		t.Fatalf("benchmark file: constructor %d with %d fields: %v", idx, len(parts), err)
	}
	return parts
}

type benchIndex struct {
	Semantics []struct {
		File           string
		RedeemerInputs int
		InputKinds     []string
		DatumBytes     int
	}
	Rolepayout []struct {
		File        string
		PayoutDatum struct{ CurrencySymbol, TokenNameHex string }
	}
}

func readBenchIndex(t testing.TB) benchIndex {
	t.Helper()
	raw, err := os.ReadFile(shared.Path(t, "marlowe", "benchmarks", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx benchIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

func inputKind(c InputContent) string {
	switch c.(type) {
	case IDeposit:
		return "IDeposit"
	case IChoice:
		return "IChoice"
	case INotify:
		return "INotify"
	}
	return "?"
}

// TestSemanticsBenchmarkDatums: in all 100 semantics benchmark files the
// datum decodes as MarloweData and the redeemer as Redeemer, and both
// re-encode to exactly the bytes found in the file. Every datum in every
// script context's txInfoData hashes to its key, and the spent Marlowe datum
// is among them.
func TestSemanticsBenchmarkDatums(t *testing.T) {
	idx := readBenchIndex(t)
	if len(idx.Semantics) != 100 {
		t.Fatalf("index lists %d semantics files", len(idx.Semantics))
	}
	kinds := map[string]int{}
	datums, redeemers, witnessDatums := 0, 0, 0
	for _, e := range idx.Semantics {
		name := filepath.Base(e.File)
		raw, err := os.ReadFile(shared.Path(t, "marlowe", e.File))
		if err != nil {
			t.Fatal(err)
		}
		parts := benchmarkParts(t, raw)
		if len(parts[0]) != e.DatumBytes {
			t.Errorf("%s: datum is %d bytes, index says %d", name, len(parts[0]), e.DatumBytes)
		}
		md, err := DecodeData[MarloweData](parts[0])
		if err != nil {
			t.Fatalf("%s: datum: %v", name, err)
		}
		enc, err := EncodeData(md)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(enc, parts[0]) {
			t.Errorf("%s: datum re-encodes differently", name)
		} else {
			datums++
		}
		red, err := DecodeData[Redeemer](parts[1])
		if err != nil {
			t.Fatalf("%s: redeemer: %v", name, err)
		}
		if enc, err := EncodeData(red); err != nil || !bytes.Equal(enc, parts[1]) {
			t.Errorf("%s: redeemer re-encodes differently (%v)", name, err)
		} else {
			redeemers++
		}
		if len(red) != e.RedeemerInputs || len(red) != len(e.InputKinds) {
			t.Errorf("%s: %d inputs, index says %d", name, len(red), e.RedeemerInputs)
		}
		for i, in := range red {
			if k := inputKind(in.Content); i < len(e.InputKinds) && k != e.InputKinds[i] {
				t.Errorf("%s: input %d is %s, index says %s", name, i, k, e.InputKinds[i])
			}
		}
		if len(red) == 0 {
			kinds["none"]++
		} else {
			kinds[inputKind(red[0].Content)]++
		}

		// scriptContext = C0[TxInfo, purpose]; TxInfo field 10 is txInfoData.
		ctx, err := DecodePlutusData(parts[2])
		if err != nil {
			t.Fatal(err)
		}
		txInfo := ctx.(*data.Constr).Fields[0].(*data.Constr)
		if len(txInfo.Fields) != 12 {
			t.Fatalf("%s: TxInfo has %d fields", name, len(txInfo.Fields))
		}
		want, err := HashData(md)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, kv := range txInfo.Fields[10].(*data.Map).Pairs {
			key := kv[0].(*data.ByteString).Inner
			enc, err := EncodePlutusData(kv[1])
			if err != nil {
				t.Fatal(err)
			}
			if h := DatumHash(enc); !bytes.Equal(h[:], key) {
				t.Errorf("%s: witness datum hashes to %x, keyed %x", name, h, key)
			}
			found = found || bytes.Equal(key, want[:])
			witnessDatums++
		}
		if !found {
			t.Errorf("%s: spent datum hash %x not in txInfoData", name, want)
		}
	}
	if datums != 100 || redeemers != 100 {
		t.Fatalf("byte-identical: %d/100 datums, %d/100 redeemers", datums, redeemers)
	}
	// conformance.md §3: 42 empty redeemers, 31 IDeposit, 24 IChoice, 3 INotify.
	if kinds["none"] != 42 || kinds["IDeposit"] != 31 || kinds["IChoice"] != 24 || kinds["INotify"] != 3 {
		t.Fatalf("redeemer kinds %v", kinds)
	}
	if witnessDatums < 100 {
		t.Fatalf("only %d witness datums checked", witnessDatums)
	}
	t.Logf("100/100 datums and redeemers byte-identical; %d witness datum hashes verified", witnessDatums)
}

// TestRolePayoutBenchmarkDatums: all 100 role-payout datums decode as
// (currency, role), match the index, and re-encode byte for byte; the
// redeemer is unit.
func TestRolePayoutBenchmarkDatums(t *testing.T) {
	idx := readBenchIndex(t)
	if len(idx.Rolepayout) != 100 {
		t.Fatalf("index lists %d rolepayout files", len(idx.Rolepayout))
	}
	ok := 0
	for _, e := range idx.Rolepayout {
		name := filepath.Base(e.File)
		raw, err := os.ReadFile(shared.Path(t, "marlowe", e.File))
		if err != nil {
			t.Fatal(err)
		}
		parts := benchmarkParts(t, raw)
		pd, err := DecodeData[PayoutDatum](parts[0])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if hex.EncodeToString([]byte(pd.RolesCurrency)) != e.PayoutDatum.CurrencySymbol ||
			hex.EncodeToString([]byte(pd.Role)) != e.PayoutDatum.TokenNameHex {
			t.Errorf("%s: decoded %x/%x, index says %s/%s", name, pd.RolesCurrency, pd.Role,
				e.PayoutDatum.CurrencySymbol, e.PayoutDatum.TokenNameHex)
			continue
		}
		enc, err := EncodeData(pd)
		if err != nil || !bytes.Equal(enc, parts[0]) {
			t.Errorf("%s: payout datum re-encodes differently (%v)", name, err)
			continue
		}
		if hex.EncodeToString(parts[1]) != "d87980" {
			t.Errorf("%s: redeemer %x is not unit", name, parts[1])
			continue
		}
		ok++
	}
	if ok != 100 {
		t.Fatalf("%d/100 payout datums round-trip", ok)
	}
}

func TestMarloweRsDatum2(t *testing.T) {
	raw, err := os.ReadFile(shared.Path(t, "marlowe", "cbor-samples", "marlowe-rs-datum2.cborhex"))
	if err != nil {
		t.Fatal(err)
	}
	b := mustHex(t, strings.TrimSpace(string(raw)))
	md, err := DecodeData[MarloweData](b)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := EncodeData(md)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, b) {
		t.Fatalf("re-encoding differs:\n%x\n%x", enc, b)
	}
	if _, ok := md.Contract.(When); !ok {
		t.Fatalf("contract is %T", md.Contract)
	}
}

// TestEqualData: equality is structural on the Plutus Data form.
func TestEqualData(t *testing.T) {
	a := When{Cases: []Case{}, Timeout: big.NewInt(5), Continuation: Close{}}
	b := When{Timeout: big.NewInt(5), Continuation: Close{}}
	c := When{Timeout: big.NewInt(6), Continuation: Close{}}
	if eq, err := EqualData(a, b); err != nil || !eq {
		t.Fatalf("nil and empty cases differ: %v %v", eq, err)
	}
	if eq, err := EqualData(a, c); err != nil || eq {
		t.Fatalf("different timeouts equal: %v %v", eq, err)
	}
	if eq, err := EqualData(Close{}, data.NewConstr(0)); err != nil || !eq {
		t.Fatalf("Close vs C0[]: %v %v", eq, err)
	}
	if _, err := EqualData(a, Constant{}); err == nil {
		t.Fatal("no error for an unencodable value")
	}
}
