package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/marlowe-lite/marlowe-lite/node/ledger"
)

// maxTxInput bounds what sign reads: a Conway transaction is at most 16
// KiB on chain; its hex or envelope is a little over twice that.
const maxTxInput = 1 << 20

// keyFiles collects repeated --key flags.
type keyFiles []string

func (k *keyFiles) String() string { return strings.Join(*k, ",") }

func (k *keyFiles) Set(v string) error {
	*k = append(*k, v)
	return nil
}

// runSign adds vkey witnesses to a transaction: the devnet wallets' keys
// (or any cardano-cli payment signing key) sign its body hash.
func runSign(_ context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	var keys keyFiles
	fs.Var(&keys, "key", "payment signing key (cardano-cli text envelope); repeat for several")
	txPath := fs.String("tx", "", "the transaction: a file or - for stdin, as hex, CBOR or a text envelope")
	envelope := fs.Bool("envelope", false, "write a cardano-cli text envelope instead of hex")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: marlowe-lite sign --key FILE [--key FILE…] --tx FILE|- [--envelope]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(keys) == 0 || *txPath == "" || fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	signers := make([]ed25519.PrivateKey, 0, len(keys))
	for _, path := range keys {
		b, err := readBounded(path, nil, maxTxInput)
		if err != nil {
			return fmt.Errorf("sign: key: %w", err)
		}
		k, err := ledger.ParseSigningKey(b)
		if err != nil {
			return fmt.Errorf("sign: %s: %w", path, err)
		}
		signers = append(signers, k)
	}
	in, err := readBounded(*txPath, env.stdin, maxTxInput)
	if err != nil {
		return fmt.Errorf("sign: transaction: %w", err)
	}
	tx, err := parseTxInput(in)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	out, err := ledger.SignTx(tx, signers...)
	if err != nil {
		return err
	}
	if *envelope {
		b, err := ledger.EncodeEnvelope(ledger.TxEnvelopeType, "Ledger Cddl Format", out)
		if err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		_, err = env.stdout.Write(b)
		return err
	}
	_, err = fmt.Fprintln(env.stdout, hex.EncodeToString(out))
	return err
}

// readBounded reads a file, or stdin for "-", refusing more than limit
// bytes.
func readBounded(path string, stdin io.Reader, limit int64) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		if stdin == nil {
			return nil, errors.New("stdin is not available here")
		}
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, nil
}

// parseTxInput accepts a transaction as a text envelope (any cardano-cli
// transaction type), as hex, or as raw CBOR.
func parseTxInput(in []byte) ([]byte, error) {
	trimmed := bytes.TrimSpace(in)
	switch {
	case len(trimmed) == 0:
		return nil, errors.New("empty transaction input")
	case trimmed[0] == '{':
		typ, raw, err := ledger.ParseEnvelope(trimmed)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(typ, "Tx") {
			return nil, fmt.Errorf("text envelope of type %q is not a transaction", typ)
		}
		return raw, nil
	case isHex(trimmed):
		return hex.DecodeString(string(trimmed))
	}
	return in, nil
}

func isHex(b []byte) bool {
	if len(b)%2 != 0 {
		return false
	}
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
