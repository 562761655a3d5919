package ledger

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/fxamacker/cbor/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
)

// maxSignNesting bounds CBOR nesting while splitting a transaction; real
// transactions nest far less.
const maxSignNesting = 64

// SignTx adds a vkey witness per key to a Conway transaction (its CBOR):
// an ed25519 signature over the body hash. The body, the validity flag
// and the auxiliary data stay byte-identical (so does the transaction id);
// in the witness set only the vkey witnesses change, other entries keep
// their bytes and order. A key that already witnesses the transaction is
// skipped.
func SignTx(tx []byte, keys ...ed25519.PrivateKey) ([]byte, error) {
	if len(keys) == 0 {
		return nil, errors.New("sign: no signing keys")
	}
	parts, err := splitTx(tx)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	bodyHash := blake2b.Sum256(parts[0])
	entries, err := mapEntries(parts[1])
	if err != nil {
		return nil, fmt.Errorf("sign: witness set: %w", err)
	}
	vkeyAt := -1
	for i, e := range entries {
		if bytes.Equal(e[0], []byte{0x00}) {
			vkeyAt = i
		}
	}
	var setTag []byte
	var wits []cbor.RawMessage
	if vkeyAt >= 0 {
		v := []byte(entries[vkeyAt][1])
		// Conway writes sets with tag 258; keep it when present.
		if bytes.HasPrefix(v, []byte{0xd9, 0x01, 0x02}) {
			setTag, v = v[:3], v[3:]
		}
		if err := decMode().Unmarshal(v, &wits); err != nil {
			return nil, fmt.Errorf("sign: vkey witnesses: %w", err)
		}
	}
	have := make(map[string]bool, len(wits))
	for i, w := range wits {
		var vw struct {
			_   struct{} `cbor:",toarray"`
			Key []byte
			Sig []byte
		}
		if err := decMode().Unmarshal(w, &vw); err != nil {
			return nil, fmt.Errorf("sign: vkey witness %d: %w", i, err)
		}
		have[string(vw.Key)] = true
	}
	for i, k := range keys {
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("sign: key %d: %d bytes, want %d", i, len(k), ed25519.PrivateKeySize)
		}
		pub := k.Public().(ed25519.PublicKey)
		if have[string(pub)] {
			continue
		}
		have[string(pub)] = true
		w, err := cbor.Marshal([]any{[]byte(pub), ed25519.Sign(k, bodyHash[:])})
		if err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		wits = append(wits, w)
	}
	list := cborhead.Append(append([]byte(nil), setTag...), 4, uint64(len(wits)))
	for _, w := range wits {
		list = append(list, w...)
	}
	if vkeyAt >= 0 {
		entries[vkeyAt][1] = list
	} else {
		// Key 0 sorts first in the canonical order.
		entries = append([][2]cbor.RawMessage{{{0x00}, list}}, entries...)
	}
	ws := cborhead.Append(nil, 5, uint64(len(entries)))
	for _, e := range entries {
		ws = append(ws, e[0]...)
		ws = append(ws, e[1]...)
	}
	out := cborhead.Append(nil, 4, uint64(len(parts)))
	out = append(out, parts[0]...)
	out = append(out, ws...)
	for _, p := range parts[2:] {
		out = append(out, p...)
	}
	return out, nil
}

// signDecMode bounds nesting when splitting untrusted transactions; built
// once, immutable.
var signDecMode = sync.OnceValues(func() (cbor.DecMode, error) {
	return cbor.DecOptions{MaxNestedLevels: maxSignNesting}.DecMode()
})

func decMode() cbor.DecMode {
	m, err := signDecMode()
	if err != nil {
		// Constant options within fxamacker's limits: cannot happen; fall
		// back to the default mode rather than fail.
		m, _ = cbor.DecOptions{}.DecMode()
	}
	return m
}

// splitTx splits a transaction into its top-level items: [body,
// witnesses, is_valid, aux] (Alonzo onwards) or [body, witnesses, aux].
func splitTx(tx []byte) ([]cbor.RawMessage, error) {
	var parts []cbor.RawMessage
	if err := decMode().Unmarshal(tx, &parts); err != nil {
		return nil, fmt.Errorf("transaction is not a CBOR array: %w", err)
	}
	if len(parts) != 4 && len(parts) != 3 {
		return nil, fmt.Errorf("transaction has %d elements, want 4 (or 3)", len(parts))
	}
	if len(parts[0]) == 0 || parts[0][0]>>5 != 5 {
		return nil, errors.New("transaction body is not a CBOR map")
	}
	return parts, nil
}

// mapEntries returns the key/value items of a CBOR map in their original
// order and bytes (definite or indefinite length).
func mapEntries(raw []byte) ([][2]cbor.RawMessage, error) {
	if len(raw) == 0 || raw[0]>>5 != 5 {
		return nil, errors.New("not a CBOR map")
	}
	n, hl, indefinite, err := readHead(raw)
	if err != nil {
		return nil, err
	}
	r := bytes.NewReader(raw[hl:])
	dec := decMode().NewDecoder(r)
	var out [][2]cbor.RawMessage
	for i := uint64(0); indefinite || i < n; i++ {
		if indefinite {
			rest := raw[hl+dec.NumBytesRead():]
			if len(rest) > 0 && rest[0] == 0xff {
				break
			}
		}
		var k, v cbor.RawMessage
		if err := dec.Decode(&k); err != nil {
			return nil, fmt.Errorf("map key %d: %w", i, err)
		}
		if err := dec.Decode(&v); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("map value %d: %w", i, err)
		}
		out = append(out, [2]cbor.RawMessage{k, v})
	}
	return out, nil
}

// readHead reads a map or array head: its count, its length in bytes and
// whether it is indefinite.
func readHead(raw []byte) (n uint64, size int, indefinite bool, err error) {
	info := raw[0] & 0x1f
	switch {
	case info < 24:
		return uint64(info), 1, false, nil
	case info == 31:
		return 0, 1, true, nil
	case info > 27:
		return 0, 0, false, fmt.Errorf("malformed CBOR head 0x%02x", raw[0])
	}
	l := 1 << (info - 24)
	if len(raw) < 1+l {
		return 0, 0, false, io.ErrUnexpectedEOF
	}
	for _, b := range raw[1 : 1+l] {
		n = n<<8 | uint64(b)
	}
	return n, 1 + l, false, nil
}
