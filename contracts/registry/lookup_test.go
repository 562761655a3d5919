package registry

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
)

// stakeKeyHex is an arbitrary 28-byte credential used to build staked
// variants of script addresses.
const stakeKeyHex = "1b9af43b0eaafc42dfaefbbf4e71437af45454c7292a6b6606363741"

func buildAddress(t *testing.T, typ uint8, n Network, payment, stake []byte) (string, []byte) {
	t.Helper()
	a, err := lcommon.NewAddressFromParts(typ, n.AddressNetworkID(), payment, stake)
	if err != nil {
		t.Fatalf("build address type %d: %v", typ, err)
	}
	raw, err := a.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return a.String(), raw
}

func TestByAddress(t *testing.T) {
	reg := New()
	stake := mustHash(t, stakeKeyHex)
	for _, s := range reg.Scripts() {
		for _, n := range []Network{Mainnet, Preprod} {
			base, baseRaw := buildAddress(t, lcommon.AddressTypeScriptKey, n, s.Hash[:], stake[:])
			scriptStake, ssRaw := buildAddress(t, lcommon.AddressTypeScriptScript, n, s.Hash[:], stake[:])
			// Pointer address: script payment, pointer (slot 2498243, tx 27, cert 3).
			ptrRaw := append(append([]byte{lcommon.AddressTypeScriptPointer<<4 | n.AddressNetworkID()}, s.Hash[:]...), 0x81, 0x98, 0xbd, 0x43, 0x1b, 0x03)
			cases := []struct {
				name string
				addr string
				raw  []byte
			}{
				{"enterprise", s.EnterpriseAddress(n), s.EnterpriseAddressBytes(n)},
				{"base with stake key", base, baseRaw},
				{"base with stake script", scriptStake, ssRaw},
				{"pointer", "", ptrRaw},
			}
			for _, tc := range cases {
				if tc.addr != "" {
					got, ok, err := reg.ByAddress(tc.addr)
					if err != nil || !ok || got.Hash != s.Hash || got.Role != s.Role || got.Version != s.Version {
						t.Errorf("%s %s on %s: ByAddress(%s) = %v %v %v", s, tc.name, n, tc.addr, got, ok, err)
					}
				}
				got, ok := reg.ByAddressBytes(tc.raw)
				if !ok || got.Hash != s.Hash {
					t.Errorf("%s %s on %s: ByAddressBytes(%x) = %v %v", s, tc.name, n, tc.raw, got, ok)
				}
			}
		}
	}

	v5 := reg.Current().Semantics
	keyAddr, keyRaw := buildAddress(t, lcommon.AddressTypeKeyNone, Mainnet, v5.Hash[:], nil)
	keyBase, keyBaseRaw := buildAddress(t, lcommon.AddressTypeKeyScript, Mainnet, v5.Hash[:], v5.Hash[:])
	unknownScript, unknownRaw := buildAddress(t, lcommon.AddressTypeScriptNone, Mainnet, bytes.Repeat([]byte{7}, 28), nil)
	stakeOnly, stakeRaw := buildAddress(t, lcommon.AddressTypeNoneScript, Mainnet, nil, v5.Hash[:])
	notFound := []struct {
		name string
		addr string
		raw  []byte
	}{
		// Same 28 bytes as the v5 hash, but as a key credential.
		{"key payment credential", keyAddr, keyRaw},
		// The script hash only in the stake part.
		{"script hash as stake credential", keyBase, keyBaseRaw},
		{"unknown script", unknownScript, unknownRaw},
		{"stake address", stakeOnly, stakeRaw},
	}
	for _, tc := range notFound {
		if got, ok, err := reg.ByAddress(tc.addr); ok || err != nil {
			t.Errorf("%s: ByAddress(%s) = %v %v %v, want not found", tc.name, tc.addr, got, ok, err)
		}
		if got, ok := reg.ByAddressBytes(tc.raw); ok {
			t.Errorf("%s: ByAddressBytes(%x) = %v, want not found", tc.name, tc.raw, got)
		}
	}

	ent := v5.EnterpriseAddressBytes(Mainnet)
	base := append(slices.Clone(ent), bytes.Repeat([]byte{1}, 28)...)
	base[0] = lcommon.AddressTypeScriptKey<<4 | 1
	for _, tc := range []struct {
		name string
		raw  []byte
	}{
		{"empty", nil},
		{"header only", ent[:1]},
		{"truncated enterprise", ent[:28]},
		{"enterprise with trailing byte", append(slices.Clone(ent), 0)},
		{"truncated base", base[:40]},
		{"pointer without pointer", append([]byte{lcommon.AddressTypeScriptPointer<<4 | 1}, v5.Hash[:]...)},
		{"reserved network id", append([]byte{lcommon.AddressTypeScriptNone<<4 | 2}, v5.Hash[:]...)},
		{"byron header", append([]byte{0x82}, v5.Hash[:]...)},
	} {
		if got, ok := reg.ByAddressBytes(tc.raw); ok {
			t.Errorf("%s: ByAddressBytes(%x) = %v, want not found", tc.name, tc.raw, got)
		}
	}

	for _, bad := range []string{
		"",
		"addr1wymhxfddsjj4hgpg9kzymledtu833sel6j3g5z5aw0r0vrg5ezax5", // checksum broken
		"addr_test1wymhxfddsjj4hgpg9kzymledtu833sel6j3g5z5aw0r0vrg5ezax4",
		"not an address",
	} {
		if got, ok, err := reg.ByAddress(bad); err == nil || ok {
			t.Errorf("ByAddress(%q) = %v %v %v, want error", bad, got, ok, err)
		}
	}
}

func TestPayoutFor(t *testing.T) {
	reg := New()
	for _, set := range reg.Sets() {
		got, ok := reg.PayoutFor(set.Semantics.Hash)
		if !ok || got != set.Payout.Hash {
			t.Errorf("%s: PayoutFor = %s %v, want %s", set.Version, got, ok, set.Payout.Hash)
		}
		if _, ok := reg.PayoutFor(set.Payout.Hash); ok {
			t.Errorf("%s: PayoutFor(payout hash) found", set.Version)
		}
	}
	if _, ok := reg.PayoutFor(ScriptHash{}); ok {
		t.Error("PayoutFor(zero) found")
	}
	v2, _ := reg.Set(V2)
	if got, _ := reg.PayoutFor(v2.Semantics.Hash); got.String() != "e165610232235bbbbeff5b998b233daae42979dec92a6722d9cda989" {
		t.Errorf("v2 payout %s", got)
	}
}

func TestStartPoint(t *testing.T) {
	reg := New()
	for _, tc := range []struct {
		n       Network
		version Version
		txIDs   []string
	}{
		{Mainnet, V1, []string{"c4aff1631174a4463981fad948f17edf8550bf6a9347822abed74917e074271a"}},
		{Preprod, V1, []string{"d1e488d70850fc36ef6971a65d1f45e2a7a433e4080e4c5c580d0b23094a955e"}},
		{Preview, V1, []string{"929b418dd69c1b9531fdd55039e8f12aa9d6f11a27b600a8e0d56c7e9f2851a0"}},
		// Only v5 is on sanchonet; its open-role script has its own tx.
		{Sanchonet, V5, []string{
			"20cdaf23baa04c87f65e2eac8e7dbf7f81ba9cfa0a28e3f1368e0d4beb9eeacb",
			"cf31c53fde7430b9877d9ddee52130fb5ada800cb0185c6fbae52a604b5dd639",
		}},
	} {
		sp, ok := reg.StartPoint(tc.n)
		var got []string
		for _, id := range sp.TxIDs {
			got = append(got, id.String())
		}
		if !ok || sp.Network != tc.n || sp.Version != tc.version || !slices.Equal(got, tc.txIDs) {
			t.Errorf("StartPoint(%s) = %v %s %v, want %s %v", tc.n, ok, sp.Version, got, tc.version, tc.txIDs)
		}
	}
	if _, ok := reg.StartPoint(Network(0)); ok {
		t.Error("StartPoint(0) found")
	}
}

func TestNetworks(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  Network
		magic uint32
	}{
		{"mainnet", Mainnet, 764824073},
		{"--mainnet", Mainnet, 764824073},
		{" Preprod ", Preprod, 1},
		{"PREVIEW", Preview, 2},
		{"sanchonet", Sanchonet, 4},
		{"764824073", Mainnet, 764824073},
		{"1", Preprod, 1},
		{"--testnet-magic 2", Preview, 2},
		{"testnet-magic=4", Sanchonet, 4},
	} {
		n, err := ParseNetwork(tc.in)
		if err != nil || n != tc.want || n.Magic() != tc.magic {
			t.Errorf("ParseNetwork(%q) = %s %v, want %s", tc.in, n, err, tc.want)
		}
		if back, err := NetworkFromMagic(tc.magic); err != nil || back != tc.want {
			t.Errorf("NetworkFromMagic(%d) = %s %v", tc.magic, back, err)
		}
		if n.IsMainnet() != (n == Mainnet) || n.AddressNetworkID() != map[bool]uint8{true: 1, false: 0}[n == Mainnet] {
			t.Errorf("%s: mainnet flags wrong", n)
		}
	}
	for _, bad := range []string{"", "testnet", "3", "-1", "4294967296", "--testnet-magic", "testnet-magic x"} {
		if n, err := ParseNetwork(bad); err == nil {
			t.Errorf("ParseNetwork(%q) = %s, want error", bad, n)
		}
	}
	if _, err := NetworkFromMagic(42); err == nil || !strings.Contains(err.Error(), "42") {
		t.Errorf("NetworkFromMagic(42) error %v", err)
	}
	if Network(0).Valid() || Network(0).Magic() != 0 || !Sanchonet.Valid() || Network(9).String() != "network(9)" {
		t.Error("invalid network handling")
	}
}

func TestParsers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Version
	}{{"v1", V1}, {"V5", V5}, {"3", V3}, {"caseAsData", V5}, {"postaudit", V2}, {"plutus11500", V4}} {
		if v, err := ParseVersion(tc.in); err != nil || v != tc.want {
			t.Errorf("ParseVersion(%q) = %s %v", tc.in, v, err)
		}
	}
	for _, bad := range []string{"", "v0", "v6", "6", "latest"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q): no error", bad)
		}
	}

	ref := "9e2f6031d9bd6ff1d08f38ff469657b8dac63ab78854a1fccca6b922292d0fce#2"
	r, err := ParseTxOutRef(ref)
	if err != nil || r.Index != 2 || r.String() != ref {
		t.Errorf("ParseTxOutRef(%s) = %v %v", ref, r, err)
	}
	for _, bad := range []string{
		"", "9e2f6031d9bd6ff1d08f38ff469657b8dac63ab78854a1fccca6b922292d0fce",
		"9e2f6031#1", "zz2f6031d9bd6ff1d08f38ff469657b8dac63ab78854a1fccca6b922292d0fce#1",
		"9e2f6031d9bd6ff1d08f38ff469657b8dac63ab78854a1fccca6b922292d0fce#-1",
		"9e2f6031d9bd6ff1d08f38ff469657b8dac63ab78854a1fccca6b922292d0fce#4294967296",
	} {
		if _, err := ParseTxOutRef(bad); err == nil {
			t.Errorf("ParseTxOutRef(%q): no error", bad)
		}
	}
	for _, bad := range []string{"", "00", "377325ad84a55ba0282d844dff2d5f0f18c33fd4a28a0a9d73c6f60d00", "x77325ad84a55ba0282d844dff2d5f0f18c33fd4a28a0a9d73c6f60d"} {
		if _, err := ParseScriptHash(bad); err == nil {
			t.Errorf("ParseScriptHash(%q): no error", bad)
		}
	}
}
