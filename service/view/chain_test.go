package view_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/chaingen"
	"github.com/marlowe-lite/marlowe-lite/node/indexer"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// indexed is a generated chain indexed into an in-memory store.
type indexed struct {
	chain *chaingen.Chain
	store *kv.Store
}

func index(t *testing.T, cfg chaingen.Config) indexed {
	t.Helper()
	c, err := chaingen.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := kv.Open("", kv.Options{InMemory: true, MemTableSize: 16 << 20, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ix, err := indexer.New(s, extract.New(registry.New()), indexer.Options{BatchBlocks: 32})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range c.Blocks {
		if err := ix.RollForward(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Flush(); err != nil {
		t.Fatal(err)
	}
	return indexed{chain: c, store: s}
}

func creationOf(t *testing.T, s *kv.Store, id extract.TxOutRef) view.Creation {
	t.Helper()
	var cr view.Creation
	err := s.Read(func(r *kv.Snapshot) error {
		h, ok, err := r.Contract(id)
		if err != nil || !ok {
			return errors.Join(err, errors.New("no header"))
		}
		st, ok, err := r.Creation(id)
		if err != nil || !ok {
			return errors.Join(err, errors.New("no create step"))
		}
		cr = view.Creation{Header: h, Create: st}
		return nil
	})
	if err != nil {
		t.Fatalf("contract %s: %v", id, err)
	}
	return cr
}

// slotTime is the generator's schedule (mainnet's, from Shelley on).
func slotTime(slot uint64) time.Time { return time.Unix(1_591_566_291+int64(slot), 0).UTC() }

// TestIndexedChain converts every creation, transaction and withdrawal of
// a generated preprod chain, as indexed, and checks each wire field against
// the generator's ground truth and the script registry.
func TestIndexedChain(t *testing.T) {
	fx := index(t, chaingen.Config{Seed: 11, Blocks: 500, Contracts: 40, MarloweFraction: 0.3, Network: registry.Preprod})
	conv := converter(t, registry.Preprod)
	reg := registry.New()
	payoutOwner := map[extract.TxOutRef]extract.TxOutRef{}
	var creations, applies, redeems int
	for i, truth := range fx.chain.Truth {
		blk := fx.chain.Blocks[i]
		for _, c := range truth.Created {
			creations++
			cr := creationOf(t, fx.store, c.ContractID)
			ch, err := conv.ContractHeader(cr)
			if err != nil {
				t.Fatal(err)
			}
			set, _ := reg.Set(c.Version)
			id, _ := view.ContractId(c.ContractID)
			if ch.ContractId != id || ch.MarloweVersion != types.MarloweV1 {
				t.Errorf("%s: header id %v version %d", c.ContractID, ch.ContractId, ch.MarloweVersion)
			}
			if ch.MarloweScriptHash != view.ScriptHash(set.Semantics.Hash) || ch.PayoutScriptHash != view.ScriptHash(set.Payout.Hash) {
				t.Errorf("%s: script hashes %x %x, want those of %s", c.ContractID, ch.MarloweScriptHash, ch.PayoutScriptHash, c.Version)
			}
			addr := ch.MarloweScriptAddress
			if len(addr) < 29 || addr[0]>>4&1 != 1 || addr[0]&0x0F != 0 || string(addr[1:29]) != string(set.Semantics.Hash[:]) {
				t.Errorf("%s: address %x is not a testnet address of script %s", c.ContractID, addr, set.Semantics.Hash)
			}
			if ch.BlockHeader != (types.BlockHeader{Slot: types.SlotNo(blk.Point.Slot), Hash: types.BlockHeaderHash(blk.Point.Hash[:]), Block: types.BlockNo(blk.Number)}) {
				t.Errorf("%s: block %v, want %v #%d", c.ContractID, ch.BlockHeader, blk.Point, blk.Number)
			}
			var tags []string
			if ch.Metadata.Marlowe != nil {
				tags = slices.Sorted(maps.Keys(ch.Metadata.Marlowe.Tags))
			}
			if !slices.Equal(tags, c.Tags) {
				t.Errorf("%s: tags %q, want %q", c.ContractID, tags, c.Tags)
			}
			cs, err := conv.CreateStep(cr)
			if err != nil {
				t.Fatal(err)
			}
			md, err := core.FromData[core.MarloweData](cs.CreateOutput.Datum)
			if err != nil {
				t.Fatalf("%s: create datum: %v", c.ContractID, err)
			}
			if ch.RolesCurrency != types.PolicyId(md.Params.RolesCurrency) || types.TxOutRef(id) != cs.CreateOutput.Utxo ||
				cs.CreateOutput.Address != addr || cs.PayoutValidatorHash != ch.PayoutScriptHash {
				t.Errorf("%s: create step disagrees with the header", c.ContractID)
			}
		}
		for _, a := range truth.Applied {
			applies++
			cr := creationOf(t, fx.store, a.ContractID)
			steps, err := fx.store.Steps(a.ContractID)
			if err != nil {
				t.Fatal(err)
			}
			at := slices.IndexFunc(steps, func(s kv.Step) bool { return s.Kind == kv.StepApply && s.TxID == a.TxID })
			if at < 1 {
				t.Fatalf("%s: apply %s not indexed after the creation", a.ContractID, a.TxID)
			}
			st := steps[at]
			ait, err := conv.ApplyInputsTransaction(cr, st, fx.store.Payout)
			if err != nil {
				t.Fatal(err)
			}
			tx := ait.MarloweTransaction
			// The spent output is the previous output of the contract.
			var prev *extract.Output
			for _, s := range steps[:at] {
				if s.Output != nil {
					prev = s.Output
				}
			}
			if wantIn, _ := view.TxOutRef(prev.Ref); ait.MarloweInput.TxOutRef != wantIn || ait.MarloweInput.MarloweAddress != types.Address(cr.Create.Output.Address) ||
				ait.MarloweInput.PayoutValidatorHash != view.ScriptHash(cr.Header.PayoutHash) {
				t.Errorf("%s: apply %s spends %+v", a.ContractID, a.TxID, ait.MarloweInput)
			}
			if tx.TransactionId != view.TxId(a.TxID) || tx.BlockHeader.Slot != types.SlotNo(blk.Point.Slot) {
				t.Errorf("%s: transaction %x in block %v", a.ContractID, tx.TransactionId, tx.BlockHeader)
			}
			redeemer, _ := onChainInputs(t, i, tx.Inputs)
			ins, err := core.DecodeData[[]core.Input](redeemer)
			if err != nil || len(ins) != a.Inputs {
				t.Errorf("%s: %d inputs (%v), want %d", a.ContractID, len(ins), err, a.Inputs)
			}
			if (tx.Output.ScriptOutput == nil) != a.Closed {
				t.Errorf("%s: closed %v but script output %v", a.ContractID, a.Closed, tx.Output.ScriptOutput)
			}
			if len(tx.Output.Payouts) != len(a.Payouts) {
				t.Errorf("%s: %d payouts, want %d", a.ContractID, len(tx.Output.Payouts), len(a.Payouts))
			}
			for _, ref := range a.Payouts {
				payoutOwner[ref] = a.ContractID
				wr, _ := view.TxOutRef(ref)
				p, ok := tx.Output.Payouts[wr]
				kp, _, _ := fx.store.Payout(ref)
				if !ok || p.Datum != (types.AssetId{Policy: types.PolicyId(kp.RolesCurrency), Name: types.TokenName(kp.Role)}) ||
					string(p.Address[1:29]) != string(cr.Header.PayoutHash[:]) {
					t.Errorf("%s: payout %s = %+v", a.ContractID, ref, p)
				}
			}
			lo, _ := tx.ValidityLowerBound.Time()
			hi, _ := tx.ValidityUpperBound.Time()
			if bt := slotTime(blk.Point.Slot); bt.Before(lo) || !bt.Before(hi) {
				t.Errorf("%s: block time %v outside the validity interval [%v, %v)", a.ContractID, bt, lo, hi)
			}
		}
		for _, w := range truth.Withdrawn {
			byContract := map[extract.TxOutRef][]extract.TxOutRef{}
			for _, ref := range w.Payouts {
				byContract[payoutOwner[ref]] = append(byContract[payoutOwner[ref]], ref)
			}
			for id, refs := range byContract {
				steps, err := fx.store.Steps(id)
				if err != nil {
					t.Fatal(err)
				}
				at := slices.IndexFunc(steps, func(s kv.Step) bool { return s.Kind == kv.StepWithdraw && s.TxID == w.TxID })
				if at < 0 {
					t.Fatalf("%s: withdrawal %s not indexed", id, w.TxID)
				}
				rs, err := view.RedeemSteps(steps[at], fx.store.Payout)
				if err != nil {
					t.Fatal(err)
				}
				if len(rs) != len(refs) {
					t.Errorf("%s: %d redeem steps, want %d", id, len(rs), len(refs))
				}
				for i, r := range rs {
					redeems++
					kp, _, _ := fx.store.Payout(refs[i])
					if want, _ := view.TxOutRef(refs[i]); r.Utxo != want || r.RedeemingTx != view.TxId(w.TxID) ||
						r.Datum != (types.AssetId{Policy: types.PolicyId(kp.RolesCurrency), Name: types.TokenName(kp.Role)}) {
						t.Errorf("%s: redeem step %d = %+v", id, i, r)
					}
				}
				wt, err := view.WithdrawTransaction(w.TxID, []kv.Step{steps[at]})
				if err != nil {
					t.Fatal(err)
				}
				cid, _ := view.ContractId(id)
				if len(wt.ConsumedPayouts[cid]) != len(refs) || wt.ConsumingTx != view.TxId(w.TxID) {
					t.Errorf("%s: withdraw transaction %+v", id, wt)
				}
			}
		}
	}
	if creations != 40 || applies < 40 || redeems == 0 {
		t.Errorf("fixture too thin: %d creations, %d applies, %d redemptions", creations, applies, redeems)
	}
	t.Logf("%d creations, %d apply transactions, %d redemptions", creations, applies, redeems)
}
