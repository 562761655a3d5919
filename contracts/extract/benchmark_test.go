package extract

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"testing"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/plutigo/data"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/conformance"
	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// The validator benchmarks of marlowe-plutus are real Marlowe transactions
// as V2 script contexts, against the v2 (postAudit) validators. Rebuilding
// each as a Conway transaction (inputs, outputs with their datums, witness
// datums, the benchmark's redeemer at the Marlowe input's sorted position)
// gives 100 apply-inputs and 100 withdrawal transactions whose expected
// outcome the benchmark index records independently.

// ctxTx is a transaction rebuilt from a script context.
type ctxTx struct {
	tx    *txtest.Tx
	spent TxOutRef // the purpose's input
	// spentAddr is the spent output's address.
	spentAddr []byte
}

func pdFields(pd data.PlutusData, tag uint, n int, what string) ([]data.PlutusData, error) {
	c, ok := pd.(*data.Constr)
	if !ok || c.Tag != tag || len(c.Fields) != n {
		return nil, fmt.Errorf("%s: want C%d with %d fields, got %T", what, tag, n, pd)
	}
	return c.Fields, nil
}

func pdList(pd data.PlutusData, what string) ([]data.PlutusData, error) {
	l, ok := pd.(*data.List)
	if !ok {
		return nil, fmt.Errorf("%s: want a list, got %T", what, pd)
	}
	return l.Items, nil
}

func pdMap(pd data.PlutusData, what string) ([][2]data.PlutusData, error) {
	m, ok := pd.(*data.Map)
	if !ok {
		return nil, fmt.Errorf("%s: want a map, got %T", what, pd)
	}
	return m.Pairs, nil
}

func pdBytes(pd data.PlutusData, what string) ([]byte, error) {
	b, ok := pd.(*data.ByteString)
	if !ok {
		return nil, fmt.Errorf("%s: want bytes, got %T", what, pd)
	}
	return b.Inner, nil
}

func pdInt(pd data.PlutusData, what string) (*big.Int, error) {
	i, ok := pd.(*data.Integer)
	if !ok {
		return nil, fmt.Errorf("%s: want an integer, got %T", what, pd)
	}
	return i.Inner, nil
}

func ctxRef(pd data.PlutusData) (TxOutRef, error) {
	f, err := pdFields(pd, 0, 2, "TxOutRef")
	if err != nil {
		return TxOutRef{}, err
	}
	idf, err := pdFields(f[0], 0, 1, "TxId")
	if err != nil {
		return TxOutRef{}, err
	}
	id, err := pdBytes(idf[0], "TxId")
	if err != nil || len(id) != 32 {
		return TxOutRef{}, fmt.Errorf("tx id: %v (%d bytes)", err, len(id))
	}
	ix, err := pdInt(f[1], "index")
	if err != nil {
		return TxOutRef{}, err
	}
	return TxOutRef{TxID: registry.TxID(id), Index: uint32(ix.Uint64())}, nil
}

// ctxOutput converts a V2 TxOut to a builder output (testnet addresses).
func ctxOutput(pd data.PlutusData) (txtest.Output, error) {
	f, err := pdFields(pd, 0, 4, "TxOut")
	if err != nil {
		return txtest.Output{}, err
	}
	addr, err := core.AddressFromPlutusData(f[0], false)
	if err != nil {
		return txtest.Output{}, err
	}
	var o txtest.Output
	if o.Address, err = addr.CIP19(); err != nil {
		return o, err
	}
	value, err := pdMap(f[1], "Value")
	if err != nil {
		return o, err
	}
	for _, cur := range value {
		policy, err := pdBytes(cur[0], "currency")
		if err != nil {
			return o, err
		}
		toks, err := pdMap(cur[1], "tokens")
		if err != nil {
			return o, err
		}
		for _, tok := range toks {
			name, err := pdBytes(tok[0], "token")
			if err != nil {
				return o, err
			}
			q, err := pdInt(tok[1], "quantity")
			if err != nil {
				return o, err
			}
			if len(policy) == 0 {
				o.Lovelace = q.Uint64()
				continue
			}
			// The benchmarks are synthetic: some policy ids are not 28
			// bytes, which no ledger value can hold. Such a policy is
			// replaced by its blake2b-224; datums are kept as they are.
			var pid [28]byte
			if len(policy) == len(pid) {
				pid = [28]byte(policy)
			} else {
				h, _ := blake2b.New(28, nil)
				h.Write(policy)
				copy(pid[:], h.Sum(nil))
			}
			o.Assets = append(o.Assets, txtest.Asset{Policy: pid, Name: name, Quantity: q.Uint64()})
		}
	}
	od, ok := f[2].(*data.Constr)
	if !ok {
		return o, fmt.Errorf("OutputDatum: %T", f[2])
	}
	switch {
	case od.Tag == 1 && len(od.Fields) == 1:
		if o.DatumHash, err = pdBytes(od.Fields[0], "datum hash"); err != nil {
			return o, err
		}
	case od.Tag == 2 && len(od.Fields) == 1:
		if o.InlineDatum, err = core.EncodePlutusData(od.Fields[0]); err != nil {
			return o, err
		}
	}
	return o, nil
}

// rebuild turns a benchmark's script context into a transaction.
func rebuild(b conformance.Benchmark) (ctxTx, error) {
	sc, err := pdFields(b.Context, 0, 2, "ScriptContext")
	if err != nil {
		return ctxTx{}, err
	}
	info, err := pdFields(sc[0], 0, 12, "TxInfo")
	if err != nil {
		return ctxTx{}, err
	}
	purpose, err := pdFields(sc[1], 1, 1, "Spending")
	if err != nil {
		return ctxTx{}, err
	}
	var out ctxTx
	if out.spent, err = ctxRef(purpose[0]); err != nil {
		return ctxTx{}, err
	}
	tx := &txtest.Tx{ValidFrom: txtest.Slot(1000), TTL: txtest.Slot(2000), Fee: 200_000}
	ins, err := pdList(info[0], "inputs")
	if err != nil {
		return ctxTx{}, err
	}
	for i, in := range ins {
		f, err := pdFields(in, 0, 2, "TxInInfo")
		if err != nil {
			return ctxTx{}, err
		}
		ref, err := ctxRef(f[0])
		if err != nil {
			return ctxTx{}, fmt.Errorf("input %d: %w", i, err)
		}
		tx.Inputs = append(tx.Inputs, ref)
		if ref == out.spent {
			o, err := ctxOutput(f[1])
			if err != nil {
				return ctxTx{}, fmt.Errorf("input %d: %w", i, err)
			}
			out.spentAddr = o.Address
		}
	}
	if out.spentAddr == nil {
		return ctxTx{}, fmt.Errorf("spent input %s not among the inputs", out.spent)
	}
	outs, err := pdList(info[2], "outputs")
	if err != nil {
		return ctxTx{}, err
	}
	for i, o := range outs {
		to, err := ctxOutput(o)
		if err != nil {
			return ctxTx{}, fmt.Errorf("output %d: %w", i, err)
		}
		tx.Outputs = append(tx.Outputs, to)
	}
	dats, err := pdMap(info[10], "data")
	if err != nil {
		return ctxTx{}, err
	}
	for i, kv := range dats {
		key, err := pdBytes(kv[0], "datum hash")
		if err != nil {
			return ctxTx{}, err
		}
		raw, err := core.EncodePlutusData(kv[1])
		if err != nil {
			return ctxTx{}, err
		}
		if h := core.DatumHash(raw); hex.EncodeToString(h[:]) != hex.EncodeToString(key) {
			return ctxTx{}, fmt.Errorf("datum %d does not hash to its key", i)
		}
		tx.Datums = append(tx.Datums, raw)
	}
	tx.Redeemers = []txtest.Redeemer{{
		Tag: lcommon.RedeemerTagSpend, Index: txtest.SortedIndex(tx.Inputs, out.spent),
		Data: b.Fields[1], Mem: uint64(b.RefMem), Steps: uint64(b.RefCPU),
	}}
	out.tx = tx
	return out, nil
}

func loadBenchmarks(t testing.TB) (sem, payout []conformance.Benchmark) {
	t.Helper()
	sem, payout, err := conformance.LoadBenchmarks(shared.Path(t, "marlowe"))
	if err != nil {
		t.Fatal(err)
	}
	return sem, payout
}

// TestBenchmarkTransactions loads the benchmark material once for both
// validators.
func TestBenchmarkTransactions(t *testing.T) {
	sem, pay := loadBenchmarks(t)
	t.Run("semantics", func(t *testing.T) { testSemanticsBenchmarks(t, sem) })
	t.Run("rolepayout", func(t *testing.T) { testRolePayoutBenchmarks(t, pay) })
}

// testSemanticsBenchmarks: all 100 apply-inputs transactions of the
// benchmarks are recognised as v2 steps: the redeemer's inputs, close
// exactly when the index says so, otherwise the continuing datum with the
// hash the index records, and one payout per output at the v2 payout
// validator with the role datum the context holds for it.
func testSemanticsBenchmarks(t *testing.T, sem []conformance.Benchmark) {
	if len(sem) != 100 {
		t.Fatalf("%d semantics benchmarks", len(sem))
	}
	v2 := scriptSetOf(t, registry.V2)
	x := New(registry.New())
	closes, continues, payouts := 0, 0, 0
	for _, b := range sem {
		ct, err := rebuild(b)
		if err != nil {
			t.Fatalf("%s: %v", b.File, err)
		}
		if h, ok := registry.ScriptPaymentCredential(ct.spentAddr); !ok || h != v2.Semantics.Hash {
			t.Fatalf("%s: spent output is not at the v2 semantics validator", b.File)
		}
		contractID := TxOutRef{TxID: [32]byte{0xcc}, Index: 1}
		utxo := NewMemUTxO(nil)
		utxo.Add(Entry{
			Kind: EntryContract, Ref: ct.spent, ScriptHash: v2.Semantics.Hash, Version: registry.V2,
			ContractID: contractID, PayoutHash: v2.Payout.Hash, Address: ct.spentAddr,
		})
		ev, err := x.Tx(decode(t, ct.tx), 0, utxo)
		if err != nil {
			t.Fatalf("%s: %v", b.File, err)
		}
		a := ev.Applied
		if a == nil {
			t.Fatalf("%s: not recognised: %v", b.File, ev.ApplyRejected)
		}
		red, err := core.DecodeData[core.Redeemer](b.Fields[1])
		if err != nil {
			t.Fatal(err)
		}
		if a.ContractID != contractID || !equalData(t, core.Redeemer(a.Inputs), red) || !sameBytes(a.Redeemer, b.Fields[1]) {
			t.Errorf("%s: inputs differ", b.File)
		}
		if a.Closed() != b.Closes {
			t.Errorf("%s: closed %v, index says %v", b.File, a.Closed(), b.Closes)
		}
		if !a.Closed() {
			continues++
			if got := hex.EncodeToString(a.Output.DatumHash[:]); got != b.ExpectedDatumHex {
				t.Errorf("%s: continuing datum hash %s, want %s", b.File, got, b.ExpectedDatumHex)
			}
			if !sameBytes(mustEncode(t, *a.Datum), a.Output.Datum) {
				t.Errorf("%s: continuing datum does not re-encode to its bytes", b.File)
			}
		} else {
			closes++
		}
		// Expected payouts, straight from the context: outputs at the v2
		// payout validator, with their datums looked up by hash.
		var want []core.PayoutDatum
		for _, o := range ct.tx.Outputs {
			if h, ok := registry.ScriptPaymentCredential(o.Address); !ok || h != v2.Payout.Hash {
				continue
			}
			for _, raw := range ct.tx.Datums {
				if h := core.DatumHash(raw); sameBytes(h[:], o.DatumHash) {
					pd, err := core.DecodeData[core.PayoutDatum](raw)
					if err != nil {
						t.Fatal(err)
					}
					want = append(want, pd)
					break // some synthetic contexts repeat a datum
				}
			}
		}
		if len(a.Payouts) != len(want) {
			t.Fatalf("%s: %d payouts, want %d", b.File, len(a.Payouts), len(want))
		}
		for i, p := range a.Payouts {
			if p.Datum != want[i] {
				t.Errorf("%s: payout %d datum %+v, want %+v", b.File, i, p.Datum, want[i])
			}
		}
		payouts += len(a.Payouts)
		if len(ev.Created) != 0 || len(ev.CreateRejected) != 0 {
			t.Errorf("%s: creation events in an apply transaction", b.File)
		}
	}
	t.Logf("100 benchmark transactions: %d close, %d continue, %d payouts", closes, continues, payouts)
	if closes != 46 || continues != 54 || payouts != 84 {
		t.Errorf("closes %d continues %d payouts %d, want 46, 54 and 84", closes, continues, payouts)
	}
}

// testRolePayoutBenchmarks: all 100 withdrawal transactions of the
// role-payout benchmarks are recognised: the spent payout output known to
// the view is reported with its role, and nothing else.
func testRolePayoutBenchmarks(t *testing.T, pay []conformance.Benchmark) {
	if len(pay) != 100 {
		t.Fatalf("%d role-payout benchmarks", len(pay))
	}
	v2 := scriptSetOf(t, registry.V2)
	x := New(registry.New())
	for _, b := range pay {
		ct, err := rebuild(b)
		if err != nil {
			t.Fatalf("%s: %v", b.File, err)
		}
		if h, ok := registry.ScriptPaymentCredential(ct.spentAddr); !ok || h != v2.Payout.Hash {
			t.Fatalf("%s: spent output is not at the v2 payout validator", b.File)
		}
		role, err := core.DecodeData[core.PayoutDatum](b.Fields[0])
		if err != nil {
			t.Fatal(err)
		}
		utxo := NewMemUTxO(nil)
		contractID := TxOutRef{TxID: [32]byte{0xdd}}
		utxo.Add(Entry{Kind: EntryPayout, Ref: ct.spent, ScriptHash: v2.Payout.Hash, Version: registry.V2, ContractID: contractID, Role: role})
		ev, err := x.Tx(decode(t, ct.tx), 0, utxo)
		if err != nil {
			t.Fatal(err)
		}
		w := ev.Withdrawn
		if w == nil || len(w.Contracts) != 1 || w.Contracts[0].ContractID != contractID ||
			len(w.Contracts[0].Payouts) != 1 || w.Contracts[0].Payouts[0].Ref != ct.spent || w.Contracts[0].Payouts[0].Role != role {
			t.Fatalf("%s: withdrawal %+v", b.File, w)
		}
		if ev.Applied != nil || ev.ApplyRejected != nil || len(ev.Created) != 0 {
			t.Errorf("%s: unexpected events %+v", b.File, ev)
		}
	}
}
