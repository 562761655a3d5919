package extract

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/big"
	"testing"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
)

// rolesCurrency is the policy id of the worked examples in semantics.md.
const rolesCurrencyHex = "1b9af43b0eaafc42dfaefbbf4e71437af45454c7292a6b6606363741"

func rolesCurrency(t testing.TB) core.CurrencySymbol {
	t.Helper()
	b, err := hex.DecodeString(rolesCurrencyHex)
	if err != nil {
		t.Fatal(err)
	}
	return core.CurrencySymbol(b)
}

// fundingRef is a wallet UTxO reference, distinct per n.
func fundingRef(n int) TxOutRef {
	return TxOutRef{TxID: blake2b.Sum256([]byte(fmt.Sprintf("funding %d", n))), Index: uint32(n % 4)}
}

func keyHash(n byte) [28]byte {
	var h [28]byte
	for i := range h {
		h[i] = n + byte(i)
	}
	return h
}

func walletAddr() []byte { return txtest.EnterpriseKeyAddress(keyHash(1), txtest.Testnet) }

func scriptSetOf(t testing.TB, v registry.Version) registry.ScriptSet {
	t.Helper()
	s, ok := registry.New().Set(v)
	if !ok {
		t.Fatalf("no script set %s", v)
	}
	return s
}

func semanticsAddr(t testing.TB, v registry.Version) []byte {
	return txtest.EnterpriseScriptAddress(scriptSetOf(t, v).Semantics.Hash, txtest.Testnet)
}

func payoutAddr(t testing.TB, v registry.Version) []byte {
	return txtest.EnterpriseScriptAddress(scriptSetOf(t, v).Payout.Hash, txtest.Testnet)
}

func roleParty(name string) core.Party { return core.RolePartyOf(core.TokenName(name)) }

func ada(n int64) *big.Int { return big.NewInt(n) }

// twoRoleContract: B deposits 10 ada, then anyone notifies, then the
// contract closes and refunds A (2 ada initial) and B (10 ada).
func twoRoleContract() core.Contract {
	notify := core.When{
		Cases:        []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}},
		Timeout:      big.NewInt(2_000_000),
		Continuation: core.Close{},
	}
	return core.When{
		Cases: []core.Case{{
			Action: core.Deposit{Into: roleParty("B"), From: roleParty("B"), Token: core.Ada, Amount: core.Constant{N: ada(10_000_000)}},
			Then:   notify,
		}},
		Timeout:      big.NewInt(1_000_000),
		Continuation: core.Close{},
	}
}

func initialDatum(t testing.TB, c core.Contract) core.MarloweData {
	return core.MarloweData{
		Params: core.MarloweParams{RolesCurrency: rolesCurrency(t)},
		State: core.State{
			Accounts: []core.AccountEntry{{Account: roleParty("A"), Token: core.Ada, Amount: ada(2_000_000)}},
			MinTime:  big.NewInt(0),
		},
		Contract: c,
	}
}

// step runs the Marlowe semantics for a transaction and returns the next
// datum (nil when the contract closes) and the payouts to roles.
func step(t testing.TB, md core.MarloweData, inputs []core.Input, from, to int64, payout []byte) (*core.MarloweData, []txtest.PayoutOutput) {
	t.Helper()
	out := semantics.ComputeTransaction(core.TransactionInput{
		Interval: core.TimeInterval{From: big.NewInt(from), To: big.NewInt(to)},
		Inputs:   inputs,
	}, md.State, md.Contract)
	if out.Error != nil {
		t.Fatalf("computeTransaction: %#v", out.Error)
	}
	var payouts []txtest.PayoutOutput
	for _, p := range out.Payments {
		if p.To.Kind != core.PayeeParty || p.To.Party.Kind != core.RoleParty || p.Amount.Sign() <= 0 {
			continue
		}
		payouts = append(payouts, txtest.PayoutOutput{
			Address:  payout,
			Datum:    core.PayoutDatum{RolesCurrency: md.Params.RolesCurrency, Role: p.To.Party.Role},
			Lovelace: p.Amount.Uint64(),
		})
	}
	if _, closed := out.Contract.(core.Close); closed && len(out.State.Accounts) == 0 {
		return nil, payouts
	}
	next := core.MarloweData{Params: md.Params, State: out.State, Contract: out.Contract}
	return &next, payouts
}

func lovelaceOf(md core.MarloweData) uint64 {
	var n uint64
	for _, a := range md.State.Accounts {
		if a.Token.IsAda() {
			n += a.Amount.Uint64()
		}
	}
	return n
}

// chain runs transactions one at a time through the extractor against an
// in-memory UTxO, applying each Delta.
type chain struct {
	t    testing.TB
	x    *Extractor
	utxo *MemUTxO
}

func newChain(t testing.TB) *chain {
	return &chain{t: t, x: New(registry.New()), utxo: NewMemUTxO(nil)}
}

func decode(t testing.TB, tx *txtest.Tx) lcommon.Transaction {
	t.Helper()
	d, err := tx.Conway()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (c *chain) run(tx *txtest.Tx) TxEvents {
	c.t.Helper()
	ev, err := c.x.Tx(decode(c.t, tx), 0, c.utxo)
	if err != nil {
		c.t.Fatalf("extract: %v", err)
	}
	// The id is reported exactly when the events are not empty.
	if want := mustID(c.t, tx); ev.Empty() && ev.TxID != (registry.TxID{}) || !ev.Empty() && ev.TxID != want {
		c.t.Fatalf("events carry tx id %s (empty %v), tx is %s", ev.TxID, ev.Empty(), want)
	}
	c.utxo.Apply(ev.Delta())
	return ev
}

func mustID(t testing.TB, tx *txtest.Tx) registry.TxID {
	t.Helper()
	id, err := tx.ID()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustBuild[T interface{ Tx() (*txtest.Tx, error) }](t testing.TB, b T) *txtest.Tx {
	t.Helper()
	tx, err := b.Tx()
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func equalData(t testing.TB, a, b any) bool {
	t.Helper()
	ok, err := core.EqualData(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func mustEncode(t testing.TB, v any) []byte {
	t.Helper()
	b, err := core.EncodeData(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lookup(t testing.TB, u UTxO, ref TxOutRef) (Entry, bool) {
	t.Helper()
	e, ok, err := u.Lookup(ref)
	if err != nil {
		t.Fatal(err)
	}
	return e, ok
}

func sameBytes(a, b []byte) bool { return bytes.Equal(a, b) }
