package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/devnet"
	"github.com/marlowe-lite/marlowe-lite/node/ledger"
)

// TestSign: a payment signed by the command with a devnet wallet's key
// file passes the ledger; hex, text-envelope and stdin inputs and both
// output forms agree; bad inputs fail with the right exit status.
func TestSign(t *testing.T) {
	l, err := ledger.New(ledger.Config{Seed: 3, Wallets: 2, UTxOsPerWallet: 1,
		SystemStart: devnet.SystemStart, Eras: devnet.Eras()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := ledger.WriteKeys(dir, l.Wallets()); err != nil {
		t.Fatal(err)
	}
	w1, w2 := l.Wallets()[0], l.Wallets()[1]
	in := l.UTxOsAt(w1.Address)[0].Ref
	tx := &txtest.Tx{
		Inputs: []registry.TxOutRef{in},
		Outputs: []txtest.Output{{Address: w2.Address, Lovelace: 2_000_000},
			{Address: w1.Address, Lovelace: ledger.DefaultLovelace - 2_200_000}},
		Fee: 200_000,
	}
	unsigned, err := tx.CBOR()
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hexFile := write("tx.hex", []byte(hex.EncodeToString(unsigned)+"\n"))
	env, err := ledger.EncodeEnvelope("Unwitnessed Tx ConwayEra", "", unsigned)
	if err != nil {
		t.Fatal(err)
	}
	envFile := write("tx.json", env)
	key1 := filepath.Join(dir, "wallet1.skey")

	code, out, errOut := runCmd(t, "", "sign", "--key", key1, "--tx", hexFile)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	signed, err := hex.DecodeString(strings.TrimSpace(out))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Submit(signed); err != nil {
		t.Fatalf("the signed transaction is refused: %v", err)
	}
	// Envelope in, envelope out; stdin.
	code, outEnv, errOut := runCmd(t, "", "sign", "--key", key1, "--tx", envFile, "--envelope")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	typ, fromEnv, err := ledger.ParseEnvelope([]byte(outEnv))
	if err != nil || typ != ledger.TxEnvelopeType || hex.EncodeToString(fromEnv) != strings.TrimSpace(out) {
		t.Fatalf("envelope output %q (%v)", typ, err)
	}
	code, outStdin, _ := runCmd(t, hex.EncodeToString(unsigned), "sign", "--key", key1, "--tx", "-")
	if code != 0 || outStdin != out {
		t.Fatal("stdin input signs differently")
	}
	// Two keys: two witnesses; the second key's owner is not needed, but
	// an extra witness is harmless.
	code, two, _ := runCmd(t, "", "sign", "--key", key1, "--key", filepath.Join(dir, "wallet2.skey"), "--tx", hexFile)
	if code != 0 || len(two) <= len(out) {
		t.Fatal("a second key added no witness")
	}

	vkeyEnv := write("env.json", []byte(`{"type":"PaymentVerificationKeyShelley_ed25519","cborHex":"5820`+strings.Repeat("00", 32)+`"}`))
	for _, c := range []struct {
		name string
		args []string
		code int
	}{
		{"no key", []string{"sign", "--tx", hexFile}, 2},
		{"no tx", []string{"sign", "--key", key1}, 2},
		{"stray argument", []string{"sign", "--key", key1, "--tx", hexFile, "extra"}, 2},
		{"missing key file", []string{"sign", "--key", filepath.Join(dir, "nope"), "--tx", hexFile}, 1},
		{"verification key as signing key", []string{"sign", "--key", filepath.Join(dir, "wallet1.vkey"), "--tx", hexFile}, 1},
		{"not a transaction envelope", []string{"sign", "--key", key1, "--tx", vkeyEnv}, 1},
		{"garbage", []string{"sign", "--key", key1, "--tx", write("bad.hex", []byte("abcd"))}, 1},
		{"empty", []string{"sign", "--key", key1, "--tx", write("empty", nil)}, 1},
	} {
		if code, _, _ := runCmd(t, "", c.args...); code != c.code {
			t.Errorf("%s: exit %d, want %d", c.name, code, c.code)
		}
	}
}
