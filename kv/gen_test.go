package kv

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/metadata"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
)

// genBlock is one block of a synthetic chain.
type genBlock struct {
	ref BlockRef
	ev  extract.BlockEvents
}

// genState is what the generator knows of the chain's Marlowe state after
// a block: live contracts, unspent payouts and foreign outputs. It is
// snapshotted per block so that a rollback restores it.
type genState struct {
	live    []extract.Entry // current contract outputs
	roles   map[extract.TxOutRef]core.CurrencySymbol
	payouts []extract.Entry
	foreign []extract.Entry
}

func (s genState) clone() genState {
	return genState{
		live: slices.Clone(s.live), roles: s.roles, // roles only grows; ids are unique
		payouts: slices.Clone(s.payouts), foreign: slices.Clone(s.foreign),
	}
}

var (
	genScript = registry.ScriptHash{1, 2, 3}
	genPayout = registry.ScriptHash{4, 5, 6}
)

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

func randTxID(rng *rand.Rand) registry.TxID {
	var id registry.TxID
	copy(id[:], randBytes(rng, 32))
	return id
}

// genAddress is one of a few address parties, so that the party index has
// shared keys.
func genAddress(rng *rand.Rand) core.Party {
	h := string(bytes.Repeat([]byte{byte(rng.IntN(4))}, 28))
	return core.AddressPartyOf(core.Address{Mainnet: rng.IntN(2) == 0, Payment: core.Credential{Hash: h}})
}

func genRole(rng *rand.Rand) core.Party {
	return core.RolePartyOf(core.TokenName(fmt.Sprintf("role%d", rng.IntN(5))))
}

func genParty(rng *rand.Rand) core.Party {
	if rng.IntN(2) == 0 {
		return genAddress(rng)
	}
	return genRole(rng)
}

// genContract is a small real contract: a deposit, then a payment and a
// merkleized-looking choice, with parties drawn from small pools.
func genContract(rng *rand.Rand, depth int) core.Contract {
	if depth == 0 {
		return core.Close{}
	}
	a, b := genParty(rng), genParty(rng)
	return core.When{
		Cases: []core.Case{
			{Action: core.Deposit{Into: a, From: b, Token: core.Ada, Amount: core.Constant{N: big.NewInt(10)}},
				Then: core.Pay{From: a, To: core.Payee{Kind: core.PayeeParty, Party: genParty(rng)}, Token: core.Ada,
					Amount: core.AvailableMoney{Account: a, Token: core.Ada}, Then: genContract(rng, depth-1)}},
			{Action: core.Choice{ID: core.ChoiceID{Name: "c", Owner: genParty(rng)}, Bounds: []core.Bound{{Low: big.NewInt(0), High: big.NewInt(3)}}},
				Merkleized: true, Hash: randBytes(rng, 32)},
		},
		Timeout:      big.NewInt(int64(1_000_000 + rng.IntN(1000))),
		Continuation: core.Close{},
	}
}

func genDatum(rng *rand.Rand, roles core.CurrencySymbol) core.MarloweData {
	st := core.EmptyState(big.NewInt(int64(rng.IntN(1000))))
	st.Accounts = []core.AccountEntry{{Account: genParty(rng), Token: core.Ada, Amount: big.NewInt(2_000_000)}}
	return core.MarloweData{Params: core.MarloweParams{RolesCurrency: roles}, State: st, Contract: genContract(rng, 1+rng.IntN(2))}
}

func genOutput(t testing.TB, rng *rand.Rand, ref extract.TxOutRef, datum any) extract.Output {
	o := extract.Output{Ref: ref, Address: append([]byte{0x70}, genScript[:]...), Lovelace: big.NewInt(int64(2_000_000 + rng.IntN(1000)))}
	if rng.IntN(3) == 0 {
		o.Assets = []extract.Asset{{Token: core.Token{Currency: core.CurrencySymbol(randBytes(rng, 28)), Name: "\xff\x00tok"}, Quantity: big.NewInt(1)}}
	}
	if datum != nil {
		b, err := core.EncodeData(datum)
		if err != nil {
			t.Fatalf("encode datum: %v", err)
		}
		h := core.DatumHash(b)
		o.DatumHash, o.InlineDatum, o.Datum = &h, rng.IntN(2) == 0, b
	}
	return o
}

func genMetadata(rng *rand.Rand) extract.Metadata {
	if rng.IntN(2) == 0 {
		return extract.Metadata{}
	}
	tags := map[string]metadata.Value{}
	for range 1 + rng.IntN(2) {
		tags[fmt.Sprintf("tag%d", rng.IntN(4))] = nil
	}
	return extract.Metadata{
		Labels:  []extract.MetadataLabel{{Label: metadata.MarloweLabel, CBOR: randBytes(rng, 8)}},
		Marlowe: &metadata.Marlowe{Tags: tags},
	}
}

func (s *genState) create(t testing.TB, rng *rand.Rand, tx *extract.TxEvents) {
	for j := range 1 + rng.IntN(2) {
		id := extract.TxOutRef{TxID: tx.TxID, Index: uint32(j)}
		var roles core.CurrencySymbol
		if rng.IntN(3) > 0 {
			roles = core.CurrencySymbol(bytes.Repeat([]byte{byte(0xa0 + rng.IntN(3))}, 28))
		}
		d := genDatum(rng, roles)
		c := extract.Created{
			ContractID: id, Version: registry.Version(1 + rng.IntN(5)), ScriptHash: genScript, PayoutHash: genPayout,
			Output: genOutput(t, rng, id, d), Datum: d, RolesCurrency: roles, Metadata: genMetadata(rng),
		}
		// Half the role contracts carry their policy script (a function
		// of the currency, as a real script hash is), so that contracts
		// sharing a currency rewrite the same 0x18 key and rollbacks must
		// restore it. Drawn from the id, not rng, to leave the generated
		// chains of every seed as they were.
		if roles != "" && (tx.TxID[0]+byte(j))&1 == 0 {
			c.RolesPolicyScript = genPolicyScript(roles)
		}
		tx.Created = append(tx.Created, c)
	}
}

// genPolicyScript stands for the native script of a roles currency.
func genPolicyScript(roles core.CurrencySymbol) []byte {
	return append([]byte{0x82, 0x01, 0x58, 0x1c}, roles...)
}

func (s *genState) apply(t testing.TB, rng *rand.Rand, tx *extract.TxEvents) {
	i := rng.IntN(len(s.live))
	in := s.live[i]
	roles := s.roles[in.ContractID]
	a := &extract.InputsApplied{
		ContractID: in.ContractID, TxID: tx.TxID, Input: in, Redeemer: randBytes(rng, 1+rng.IntN(20)),
		ValidFrom: uint64(rng.IntN(100)), ValidTo: uint64(100 + rng.IntN(100)), Metadata: genMetadata(rng),
	}
	a.Inputs = []core.Input{{Content: core.IDeposit{Into: genParty(rng), From: genParty(rng), Token: core.Ada, Amount: big.NewInt(10)}}}
	if rng.IntN(3) == 0 {
		// A merkleized choice revealing a continuation with new parties.
		a.Inputs = append(a.Inputs, core.Input{
			Content:    core.IChoice{ID: core.ChoiceID{Name: "c", Owner: genParty(rng)}, Chosen: big.NewInt(1)},
			Merkleized: true, Hash: randBytes(rng, 32), Continuation: genContract(rng, 1),
		})
	}
	n := 0
	if rng.IntN(4) > 0 { // continuing
		ref := extract.TxOutRef{TxID: tx.TxID, Index: 0}
		d := genDatum(rng, roles)
		o := genOutput(t, rng, ref, d)
		if rng.IntN(5) == 0 {
			o.Datum = nil // a datum-hash output whose bytes the store re-encodes
		}
		a.Output, a.Datum = &o, &d
		n = 1
	}
	for range rng.IntN(3) {
		ref := extract.TxOutRef{TxID: tx.TxID, Index: uint32(n)}
		n++
		pd := core.PayoutDatum{RolesCurrency: roles, Role: genRole(rng).Role}
		a.Payouts = append(a.Payouts, extract.Payout{Output: genOutput(t, rng, ref, pd), Datum: pd})
	}
	tx.Applied = a
}

func (s *genState) withdraw(rng *rand.Rand, tx *extract.TxEvents) {
	perm := rng.Perm(len(s.payouts))
	take := perm[:1+rng.IntN(min(3, len(perm)))]
	by := map[extract.TxOutRef][]extract.Entry{}
	for _, k := range take {
		p := s.payouts[k]
		by[p.ContractID] = append(by[p.ContractID], p)
	}
	w := &extract.Withdrawn{TxID: tx.TxID}
	for id, ps := range by {
		slices.SortFunc(ps, func(a, b extract.Entry) int { return registry.CompareTxOutRef(a.Ref, b.Ref) })
		w.Contracts = append(w.Contracts, extract.ContractWithdrawal{ContractID: id, Payouts: ps})
	}
	slices.SortFunc(w.Contracts, func(a, b extract.ContractWithdrawal) int { return registry.CompareTxOutRef(a.ContractID, b.ContractID) })
	tx.Withdrawn = w
}

// update moves the generator state over a transaction, exactly as its Delta
// says (the store does the same through the recogniser's Delta).
func (s *genState) update(tx *extract.TxEvents) {
	if !tx.Valid {
		return
	}
	d := tx.Delta()
	drop := func(es []extract.Entry) []extract.Entry {
		return slices.DeleteFunc(es, func(e extract.Entry) bool { return slices.Contains(d.Remove, e.Ref) })
	}
	s.live, s.payouts, s.foreign = drop(s.live), drop(s.payouts), drop(s.foreign)
	for _, c := range tx.Created {
		s.roles[c.ContractID] = c.RolesCurrency
	}
	for _, e := range d.Add {
		switch e.Kind {
		case extract.EntryContract:
			s.live = append(s.live, e)
		case extract.EntryPayout:
			s.payouts = append(s.payouts, e)
		case extract.EntryForeign:
			s.foreign = append(s.foreign, e)
		}
	}
}

// nextBlock generates a block on top of prev with 0 to 3 transactions of
// realistic kinds, advancing st.
func nextBlock(t testing.TB, rng *rand.Rand, st *genState, prev BlockRef) genBlock {
	ref := BlockRef{Slot: prev.Slot + 1 + uint64(rng.IntN(20)), Number: prev.Number + 1}
	copy(ref.Hash[:], randBytes(rng, 32))
	ev := extract.BlockEvents{Header: extract.BlockHeader{Slot: ref.Slot, Hash: ref.Hash, Number: ref.Number}}
	for i := range rng.IntN(4) {
		tx := extract.TxEvents{TxID: randTxID(rng), Index: i*2 + rng.IntN(2), Valid: rng.IntN(20) > 0}
		switch k := rng.IntN(10); {
		case k < 3 || len(st.live) == 0:
			st.create(t, rng, &tx)
		case k < 6:
			st.apply(t, rng, &tx)
			if len(st.payouts) > 0 && rng.IntN(4) == 0 {
				st.withdraw(rng, &tx)
			}
		case k < 8 && len(st.payouts) > 0:
			st.withdraw(rng, &tx)
		case k < 9:
			ref := extract.TxOutRef{TxID: tx.TxID, Index: 7}
			tx.Foreign = []extract.Entry{{Kind: extract.EntryForeign, Ref: ref, ScriptHash: genScript, Version: registry.V1}}
			tx.CreateRejected = []extract.CreateRejected{{Ref: ref, Version: registry.V1, ScriptHash: genScript, Reason: extract.NoCreateDatum}}
			if len(st.foreign) > 0 {
				tx.ForeignSpent = []extract.TxOutRef{st.foreign[rng.IntN(len(st.foreign))].Ref}
			}
		default:
			c := st.live[rng.IntN(len(st.live))]
			tx.ApplyRejected = &extract.ApplyRejected{TxID: tx.TxID, Consumed: []extract.TxOutRef{c.Ref},
				ContractIDs: []extract.TxOutRef{c.ContractID}, Reason: extract.NoRedeemer}
		}
		st.update(&tx)
		ev.Txs = append(ev.Txs, tx)
	}
	return genBlock{ref: ref, ev: ev}
}

// dump is a store's content: every key and value except the journal,
// in key order, plus the journal separately.
type dump struct {
	keys, vals   [][]byte
	jkeys, jvals [][]byte
	// rkeys are the rollback records (bookkeeping of past rollbacks, in
	// no fresh store).
	rkeys [][]byte
}

func dumpStore(t testing.TB, s *Store) dump {
	t.Helper()
	var d dump
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().KeyCopy(nil)
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if k[0] == pRolledBack {
				d.rkeys = append(d.rkeys, k)
				continue
			}
			if k[0] == pJournal || k[0] == pJournalNumber {
				d.jkeys, d.jvals = append(d.jkeys, k), append(d.jvals, v)
			} else {
				d.keys, d.vals = append(d.keys, k), append(d.vals, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	return d
}

// diffIndex reports the first difference of the logical content.
func diffIndex(got, want dump) string {
	for i := 0; i < max(len(got.keys), len(want.keys)); i++ {
		switch {
		case i >= len(got.keys):
			return fmt.Sprintf("missing key %x", want.keys[i])
		case i >= len(want.keys):
			return fmt.Sprintf("extra key %x", got.keys[i])
		case !bytes.Equal(got.keys[i], want.keys[i]):
			return fmt.Sprintf("key #%d: got %x, want %x", i, got.keys[i], want.keys[i])
		case !bytes.Equal(got.vals[i], want.vals[i]):
			return fmt.Sprintf("key %x: value differs", got.keys[i])
		}
	}
	return ""
}

// journalSubset checks that got's journal entries are entries of want with
// the same content: a rolled-back store keeps fewer (pruning is not undone)
// but never different ones.
func journalSubset(got, want dump) string {
	for i, k := range got.jkeys {
		j, ok := slices.BinarySearchFunc(want.jkeys, k, bytes.Compare)
		if !ok {
			return fmt.Sprintf("journal entry %x not in the fresh store", k)
		}
		if !bytes.Equal(got.jvals[i], want.jvals[j]) {
			return fmt.Sprintf("journal entry %x differs", k)
		}
	}
	return ""
}

func openMem(t testing.TB, k uint64) *Store {
	t.Helper()
	s, err := Open("", Options{InMemory: true, SecurityParam: k, MemTableSize: 16 << 20})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func applyAll(t testing.TB, s *Store, blocks []genBlock) {
	t.Helper()
	for _, b := range blocks {
		if err := s.ApplyBlock(b.ref.Point(), b.ref.Number, b.ev); err != nil {
			t.Fatalf("apply %s: %v", b.ref.Point(), err)
		}
	}
}

// genChain builds n blocks from the origin.
func genChain(t testing.TB, rng *rand.Rand, n int) []genBlock {
	st := genState{roles: map[extract.TxOutRef]core.CurrencySymbol{}}
	var out []genBlock
	var prev BlockRef
	for range n {
		b := nextBlock(t, rng, &st, prev)
		out = append(out, b)
		prev = b.ref
	}
	return out
}

func pointOf(blocks []genBlock, n int) chain.Point {
	if n == 0 {
		return chain.Point{}
	}
	return blocks[n-1].ref.Point()
}
