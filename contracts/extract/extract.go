package extract

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/blinklabs-io/gouroboros/ledger/alonzo"
	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"github.com/blinklabs-io/gouroboros/ledger/dijkstra"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Extractor recognises Marlowe steps for every script set of a registry, on
// any network. It is immutable and safe for concurrent use.
type Extractor struct {
	semantics map[registry.ScriptHash]scriptSet
	reg       *registry.Registry
}

type scriptSet struct {
	version           registry.Version
	semantics, payout registry.ScriptHash
}

// New returns an Extractor for the script sets of reg.
func New(reg *registry.Registry) *Extractor {
	x := &Extractor{semantics: map[registry.ScriptHash]scriptSet{}, reg: reg}
	for _, s := range reg.Sets() {
		x.semantics[s.Semantics.Hash] = scriptSet{version: s.Version, semantics: s.Semantics.Hash, payout: s.Payout.Hash}
	}
	return x
}

// LedgerBlock is Block for a block as gouroboros decodes it.
func (x *Extractor) LedgerBlock(b lcommon.Block, utxo UTxO) (BlockEvents, error) {
	if b == nil {
		return BlockEvents{}, errors.New("extract: nil block")
	}
	h := BlockHeader{Slot: b.SlotNumber(), Hash: b.Hash(), Number: b.BlockNumber()}
	return x.Block(h, b.Transactions(), utxo)
}

// Block extracts the Marlowe transactions of a block, in block order.
//
// The Runtime loops over a block's transactions until no pass finds anything
// new, so that a transaction spending an output created earlier in the same
// block is recognised. A single forward pass in block order, with an overlay
// holding the tracked outputs created and spent so far, finds the same
// steps: the ledger lets a transaction spend only outputs of transactions
// before it in the block (or of earlier blocks), and no output twice, so a
// transaction's lookups (its inputs, and its own new references) are all
// settled once every earlier transaction has been applied, and no later
// transaction can change them. The pass also cannot stop short: the
// Runtime's loop never retries a transaction that already produced an event,
// so one that, say, withdrew payouts and also spent a contract created later
// in its pass order loses the second step there, while here it is found.
//
// utxo is read, never written; the caller applies each TxEvents' Delta to
// its store in order. An error means utxo failed or an argument is nil;
// malformed Marlowe data never fails, it yields diagnostics.
func (x *Extractor) Block(h BlockHeader, txs []lcommon.Transaction, utxo UTxO) (BlockEvents, error) {
	if utxo == nil {
		return BlockEvents{}, errors.New("extract: nil UTxO view")
	}
	be := BlockEvents{Header: h}
	ov := NewMemUTxO(utxo)
	for i, tx := range txs {
		ev, err := x.Tx(tx, i, ov)
		if err != nil {
			return BlockEvents{}, fmt.Errorf("block %d (slot %d) tx %d: %w", h.Number, h.Slot, i, err)
		}
		if ev.Empty() {
			continue
		}
		ov.Apply(ev.Delta())
		be.Txs = append(be.Txs, ev)
	}
	return be, nil
}

// Tx extracts what one transaction means for Marlowe, against utxo, which
// must reflect every earlier transaction. index is the transaction's
// position in its block.
func (x *Extractor) Tx(tx lcommon.Transaction, index int, utxo UTxO) (TxEvents, error) {
	if tx == nil {
		return TxEvents{}, errors.New("extract: nil transaction")
	}
	if utxo == nil {
		return TxEvents{}, errors.New("extract: nil UTxO view")
	}
	v := &txView{tx: tx, outputs: tx.Outputs()}
	ev, err := x.extract(v, index, utxo)
	if err != nil {
		return TxEvents{}, err
	}
	// Hashing the body is most of the cost of a transaction that turns out
	// to be unrelated to Marlowe, so the id is only computed when needed.
	if !ev.Empty() {
		ev.TxID = v.txID()
	}
	return ev, nil
}

func (x *Extractor) extract(v *txView, index int, utxo UTxO) (TxEvents, error) {
	tx := v.tx
	ev := TxEvents{Index: index, Valid: tx.IsValid()}
	if !ev.Valid {
		// Only the collateral moves. Collateral inputs are key-locked by
		// ledger rule, so only the collateral return (at index
		// len(outputs)) can concern the recogniser, and only as a foreign
		// output if someone sent it to a semantics address.
		if cr := tx.CollateralReturn(); cr != nil {
			if set, ok := x.semanticsOf(cr); ok {
				ev.Foreign = append(ev.Foreign, Entry{
					Kind: EntryForeign, Ref: TxOutRef{TxID: v.txID(), Index: uint32(len(v.outputs))},
					ScriptHash: set.semantics, Version: set.version,
				})
			}
		}
		return ev, nil
	}

	var contracts, payouts []Entry
	marloweInput := false
	for _, in := range tx.Inputs() {
		ref := TxOutRef{TxID: registry.TxID(in.Id()), Index: in.Index()}
		e, ok, err := utxo.Lookup(ref)
		if err != nil {
			return TxEvents{}, fmt.Errorf("tx %s: look up input %s: %w", v.txID(), ref, err)
		}
		if !ok {
			continue
		}
		switch e.Kind {
		case EntryContract:
			contracts = appendUnique(contracts, e)
			marloweInput = true
		case EntryPayout:
			payouts = appendUnique(payouts, e)
		case EntryForeign:
			if !slices.Contains(ev.ForeignSpent, ref) {
				ev.ForeignSpent = append(ev.ForeignSpent, ref)
			}
			marloweInput = true
		}
	}

	// Outputs at a semantics validator: creations, a continuing output, or
	// foreign outputs.
	var semOuts []int
	for i, o := range v.outputs {
		if _, ok := x.semanticsOf(o); ok {
			semOuts = append(semOuts, i)
		}
	}
	tracked := map[int]bool{}

	// The Runtime's extractCreateTx: only a transaction without any input
	// at a semantics validator creates contracts.
	if !marloweInput {
		for _, i := range semOuts {
			created, rej, err := x.create(v, utxo, i)
			if err != nil {
				return TxEvents{}, err
			}
			switch {
			case created != nil:
				ev.Created = append(ev.Created, *created)
				tracked[i] = true
			case rej.Reason == NotCreationTransaction:
				// The reference is already tracked as that contract.
				ev.CreateRejected = append(ev.CreateRejected, *rej)
				tracked[i] = true
			default:
				ev.CreateRejected = append(ev.CreateRejected, *rej)
			}
		}
	}

	switch {
	case len(contracts) > 1:
		slices.SortFunc(contracts, func(a, b Entry) int { return registry.CompareTxOutRef(a.Ref, b.Ref) })
		rej := &ApplyRejected{TxID: v.txID(), Reason: MultipleContractInputs}
		for _, c := range contracts {
			rej.Consumed = append(rej.Consumed, c.Ref)
			rej.ContractIDs = append(rej.ContractIDs, c.ContractID)
		}
		ev.ApplyRejected = rej
	case len(contracts) == 1:
		applied, rej, cont := x.apply(v, contracts[0])
		if applied != nil {
			ev.Applied = applied
			if cont >= 0 {
				tracked[cont] = true
			}
		} else {
			ev.ApplyRejected = rej
		}
	}

	for _, i := range semOuts {
		if tracked[i] {
			continue
		}
		set, _ := x.semanticsOf(v.outputs[i])
		ev.Foreign = append(ev.Foreign, Entry{
			Kind: EntryForeign, Ref: TxOutRef{TxID: v.txID(), Index: uint32(i)},
			ScriptHash: set.semantics, Version: set.version,
		})
	}

	if len(payouts) > 0 {
		ev.Withdrawn = withdrawal(v.txID(), payouts)
	}
	return ev, nil
}

func appendUnique(es []Entry, e Entry) []Entry {
	for _, x := range es {
		if x.Ref == e.Ref {
			return es
		}
	}
	return append(es, e)
}

// withdrawal groups spent payouts by contract, both levels in TxOutRef order.
func withdrawal(id registry.TxID, payouts []Entry) *Withdrawn {
	slices.SortFunc(payouts, func(a, b Entry) int {
		if c := registry.CompareTxOutRef(a.ContractID, b.ContractID); c != 0 {
			return c
		}
		return registry.CompareTxOutRef(a.Ref, b.Ref)
	})
	w := &Withdrawn{TxID: id}
	for _, p := range payouts {
		n := len(w.Contracts)
		if n == 0 || w.Contracts[n-1].ContractID != p.ContractID {
			w.Contracts = append(w.Contracts, ContractWithdrawal{ContractID: p.ContractID})
			n++
		}
		w.Contracts[n-1].Payouts = append(w.Contracts[n-1].Payouts, p)
	}
	return w
}

// create is the Runtime's extractCreation for output i of a transaction
// without Marlowe inputs. It returns exactly one of created and rej; err
// only for a failing UTxO view.
func (x *Extractor) create(v *txView, utxo UTxO, i int) (created *Created, rej *CreateRejected, err error) {
	set, _ := x.semanticsOf(v.outputs[i])
	ref := TxOutRef{TxID: v.txID(), Index: uint32(i)}
	reject := func(reason CreateError, err error) (*Created, *CreateRejected, error) {
		return nil, &CreateRejected{Ref: ref, Version: set.version, ScriptHash: set.semantics, Reason: reason, Err: err}, nil
	}
	e, ok, err := utxo.Lookup(ref)
	if err != nil {
		return nil, nil, fmt.Errorf("tx %s: look up output %s: %w", v.txID(), ref, err)
	}
	if ok && e.Kind == EntryContract {
		return reject(NotCreationTransaction, errors.New("contract already exists"))
	}
	out := v.output(i)
	if out.Datum == nil {
		if out.DatumHash != nil {
			return reject(NoCreateDatum, fmt.Errorf("datum %x not in the witness set", out.DatumHash[:]))
		}
		return reject(NoCreateDatum, errors.New("output has no datum"))
	}
	md, err := core.DecodeData[core.MarloweData](out.Datum)
	if err != nil {
		return reject(InvalidCreateDatum, err)
	}
	return &Created{
		ContractID: ref, Version: set.version, ScriptHash: set.semantics, PayoutHash: set.payout,
		Output: out, Datum: md, RolesCurrency: md.Params.RolesCurrency, Metadata: v.metadata(),
		RolesPolicyScript: bytes.Clone(v.nativeScript(md.Params.RolesCurrency)),
	}, nil, nil
}

// apply is the Runtime's extractMarloweTransaction for a transaction that
// spends exactly one contract output. cont is the continuing output's index,
// or -1 when the contract closed. The checks run in the Runtime's order, so
// the reported reason is the one it would report.
func (x *Extractor) apply(v *txView, in Entry) (applied *InputsApplied, rej *ApplyRejected, cont int) {
	reject := func(reason ApplyError, at *TxOutRef, err error) (*InputsApplied, *ApplyRejected, int) {
		return nil, &ApplyRejected{
			TxID: v.txID(), Consumed: []TxOutRef{in.Ref}, ContractIDs: []TxOutRef{in.ContractID},
			Reason: reason, Output: at, Err: err,
		}, -1
	}
	raw, ok := v.spendRedeemer(in.Ref)
	if !ok {
		return reject(NoRedeemer, nil, nil)
	}
	red, err := core.DecodeData[core.Redeemer](raw)
	if err != nil {
		return reject(InvalidRedeemer, nil, err)
	}
	inputs := []core.Input(red)
	for i := range inputs {
		if !inputs[i].Merkleized {
			continue
		}
		c, ok := v.continuation(inputs[i].Hash)
		if !ok {
			return reject(InvalidRedeemer, nil, fmt.Errorf("input %d: no output carries continuation %x", i, inputs[i].Hash))
		}
		inputs[i].Continuation = c
	}
	lo, hi, ok := v.validity()
	if !ok {
		return reject(InvalidValidityRange, nil, nil)
	}
	a := &InputsApplied{
		ContractID: in.ContractID, TxID: v.txID(), Input: in, Redeemer: bytes.Clone(raw),
		Inputs: inputs, ValidFrom: lo, ValidTo: hi,
	}

	cont = -1
	for i, o := range v.outputs {
		if h, ok := scriptCredential(o); !ok || h != in.ScriptHash {
			continue
		}
		if bytes.Equal(rawAddress(o), in.Address) {
			cont = i
			break
		}
	}
	if cont >= 0 {
		out := v.output(cont)
		if out.Datum == nil {
			return reject(NoTransactionDatum, &out.Ref, nil)
		}
		md, err := core.DecodeData[core.MarloweData](out.Datum)
		if err != nil {
			return reject(InvalidTransactionDatum, &out.Ref, err)
		}
		a.Output, a.Datum = &out, &md
	}

	for i, o := range v.outputs {
		if h, ok := scriptCredential(o); !ok || h != in.PayoutHash {
			continue
		}
		out := v.output(i)
		if out.Datum == nil {
			return reject(NoPayoutDatum, &out.Ref, nil)
		}
		pd, err := core.DecodeData[core.PayoutDatum](out.Datum)
		if err != nil {
			return reject(InvalidPayoutDatum, &out.Ref, err)
		}
		a.Payouts = append(a.Payouts, Payout{Output: out, Datum: pd})
	}
	a.Metadata = v.metadata()
	return a, nil, cont
}

// semanticsOf reports the script set whose semantics validator is o's
// payment credential.
func (x *Extractor) semanticsOf(o lcommon.TransactionOutput) (scriptSet, bool) {
	h, ok := scriptCredential(o)
	if !ok {
		return scriptSet{}, false
	}
	s, ok := x.semantics[h]
	return s, ok
}

// scriptCredential returns the script hash of o's payment credential, for
// Shelley addresses whose payment part is a script (any stake part).
func scriptCredential(o lcommon.TransactionOutput) (registry.ScriptHash, bool) {
	a := o.Address()
	switch a.Type() {
	case lcommon.AddressTypeScriptKey, lcommon.AddressTypeScriptScript,
		lcommon.AddressTypeScriptPointer, lcommon.AddressTypeScriptNone:
	default:
		return registry.ScriptHash{}, false
	}
	return registry.ScriptHash(a.PaymentKeyHash()), true
}

// rawAddress returns o's address bytes as encoded on chain. gouroboros keeps
// every decoded output's CBOR; re-serialising is only a fallback for outputs
// built in memory.
func rawAddress(o lcommon.TransactionOutput) []byte {
	if c := o.Cbor(); len(c) > 0 {
		if a, err := outputAddress(c); err == nil {
			return a
		}
	}
	a := o.Address()
	b, err := a.Bytes()
	if err != nil {
		return nil
	}
	return b
}

// txView caches what several steps of the recogniser need of a transaction.
type txView struct {
	tx      lcommon.Transaction
	id      *registry.TxID
	outputs []lcommon.TransactionOutput

	witness  map[[32]byte][]byte
	native   map[[28]byte][]byte
	sorted   []TxOutRef
	md       *Metadata
	resolved map[int]Output
}

func (v *txView) txID() registry.TxID {
	if v.id == nil {
		id := registry.TxID(v.tx.Hash())
		v.id = &id
	}
	return *v.id
}

// witnessDatum returns the witness-set datum with hash h, as encoded.
func (v *txView) witnessDatum(h [32]byte) []byte {
	if v.witness == nil {
		v.witness = map[[32]byte][]byte{}
		if ws := v.tx.Witnesses(); ws != nil {
			for _, d := range ws.PlutusData() {
				if raw := d.Cbor(); len(raw) > 0 {
					v.witness[core.DatumHash(raw)] = raw
				}
			}
		}
	}
	return v.witness[h]
}

// nativeScript returns the witness-set native script whose script hash
// (blake2b-224 of 0x00 ‖ its CBOR, which is also the policy id it mints
// under) is currency, as encoded; nil when there is none. The ledger rejects
// extraneous script witnesses, so a match is a script the transaction
// needed: for a creation, the policy that minted its role tokens.
func (v *txView) nativeScript(currency core.CurrencySymbol) []byte {
	if len(currency) != 28 {
		return nil
	}
	if v.native == nil {
		v.native = map[[28]byte][]byte{}
		if ws := v.tx.Witnesses(); ws != nil {
			for _, ns := range ws.NativeScripts() {
				raw := ns.Cbor()
				if len(raw) == 0 {
					// A script built in memory has no stored bytes; its
					// encoding is what the ledger would hash.
					var err error
					if raw, err = ns.MarshalCBOR(); err != nil || len(raw) == 0 {
						continue
					}
				}
				h := lcommon.Blake2b224Hash(append([]byte{lcommon.ScriptRefTypeNativeScript}, raw...))
				v.native[[28]byte(h)] = raw
			}
		}
	}
	return v.native[[28]byte([]byte(currency))]
}

// datumOf resolves o's datum: inline, or from the witness set by hash.
func (v *txView) datumOf(o lcommon.TransactionOutput) (hash *[32]byte, inline bool, raw []byte) {
	if d := o.Datum(); d != nil {
		raw := d.Cbor()
		if len(raw) == 0 {
			return nil, false, nil
		}
		h := core.DatumHash(raw)
		return &h, true, raw
	}
	if dh := o.DatumHash(); dh != nil {
		h := [32]byte(*dh)
		return &h, false, v.witnessDatum(h)
	}
	return nil, false, nil
}

// output builds the Output for index i, with its datum resolved.
func (v *txView) output(i int) Output {
	if out, ok := v.resolved[i]; ok {
		return out
	}
	o := v.outputs[i]
	out := Output{
		Ref:      TxOutRef{TxID: v.txID(), Index: uint32(i)},
		Address:  bytes.Clone(rawAddress(o)),
		Lovelace: new(big.Int),
		Assets:   assetsOf(o),
	}
	if amt := o.Amount(); amt != nil {
		out.Lovelace.Set(amt)
	}
	h, inline, raw := v.datumOf(o)
	out.DatumHash, out.InlineDatum = h, inline
	if raw != nil {
		out.Datum = bytes.Clone(raw)
	}
	if v.resolved == nil {
		v.resolved = map[int]Output{}
	}
	v.resolved[i] = out
	return out
}

func assetsOf(o lcommon.TransactionOutput) []Asset {
	ma := o.Assets()
	if ma == nil {
		return nil
	}
	var out []Asset
	for _, p := range ma.Policies() {
		for _, name := range ma.Assets(p) {
			q := ma.Asset(p, name)
			if q == nil {
				continue
			}
			out = append(out, Asset{
				Token:    core.Token{Currency: core.CurrencySymbol(p[:]), Name: core.TokenName(name)},
				Quantity: new(big.Int).Set(q),
			})
		}
	}
	slices.SortFunc(out, func(a, b Asset) int {
		if a.Token.Currency != b.Token.Currency {
			if a.Token.Currency < b.Token.Currency {
				return -1
			}
			return 1
		}
		switch {
		case a.Token.Name < b.Token.Name:
			return -1
		case a.Token.Name > b.Token.Name:
			return 1
		}
		return 0
	})
	return out
}

// spendRedeemer returns the spend redeemer of input ref: the one whose
// index is ref's position in the transaction's sorted input set.
func (v *txView) spendRedeemer(ref TxOutRef) ([]byte, bool) {
	if v.sorted == nil {
		for _, in := range v.tx.Inputs() {
			v.sorted = append(v.sorted, TxOutRef{TxID: registry.TxID(in.Id()), Index: in.Index()})
		}
		slices.SortFunc(v.sorted, registry.CompareTxOutRef)
		v.sorted = slices.Compact(v.sorted)
	}
	pos, ok := slices.BinarySearchFunc(v.sorted, ref, registry.CompareTxOutRef)
	if !ok {
		return nil, false
	}
	ws := v.tx.Witnesses()
	if ws == nil {
		return nil, false
	}
	rs := ws.Redeemers()
	if rs == nil {
		return nil, false
	}
	var found *lcommon.RedeemerValue
	for k, val := range rs.Iter() {
		if k.Tag == lcommon.RedeemerTagSpend && int(k.Index) == pos {
			found = &val
		}
	}
	if found == nil {
		return nil, false
	}
	if raw := found.Data.Cbor(); len(raw) > 0 {
		return raw, true
	}
	if found.Data.Data == nil {
		return nil, false
	}
	// A redeemer built in memory has no stored bytes; its canonical
	// encoding decodes to the same value.
	raw, err := core.EncodePlutusData(found.Data.Data)
	if err != nil {
		return nil, false
	}
	return raw, true
}

// continuation finds the continuation with merkle hash h among the outputs,
// as the Runtime does: the first output whose datum hash is h and whose
// datum decodes as a contract.
func (v *txView) continuation(h []byte) (core.Contract, bool) {
	if len(h) != 32 {
		return nil, false
	}
	want := [32]byte(h)
	for _, o := range v.outputs {
		dh, _, raw := v.datumOf(o)
		if dh == nil || *dh != want || raw == nil {
			continue
		}
		if c, err := core.DecodeData[core.Contract](raw); err == nil {
			return c, true
		}
	}
	return nil, false
}

// validity returns the transaction's validity bounds when both are present.
// gouroboros reports an absent bound as 0; an upper bound of 0 makes a
// transaction invalid at every slot but the first, so 0 means absent there,
// while a lower bound of 0 is legitimate and is checked in the body.
func (v *txView) validity() (lo, hi uint64, ok bool) {
	hi = v.tx.TTL()
	if hi == 0 {
		return 0, 0, false
	}
	lo = v.tx.ValidityIntervalStart()
	if lo == 0 {
		body := bodyCBOR(v.tx)
		if body == nil {
			return 0, 0, false
		}
		if has, err := mapHasKey(body, 8); err != nil || !has {
			return 0, 0, false
		}
	}
	return lo, hi, true
}

// bodyCBOR returns the original body bytes of the eras that can run Plutus.
func bodyCBOR(tx lcommon.Transaction) []byte {
	switch t := tx.(type) {
	case *conway.ConwayTransaction:
		return t.Body.Cbor()
	case *babbage.BabbageTransaction:
		return t.Body.Cbor()
	case *alonzo.AlonzoTransaction:
		return t.Body.Cbor()
	case *dijkstra.DijkstraTransaction:
		return t.Body.Cbor()
	}
	return nil
}

// metadata decodes the transaction's metadata once. Metadata the ledger
// accepted always splits into labels; anything else is treated as absent,
// the lenient choice.
func (v *txView) metadata() Metadata {
	if v.md != nil {
		return *v.md
	}
	var raw []byte
	if aux := v.tx.AuxiliaryData(); aux != nil {
		raw = aux.Cbor()
	}
	if len(raw) == 0 {
		if m := v.tx.Metadata(); m != nil {
			raw = m.Cbor()
		}
	}
	md, err := DecodeMetadata(raw)
	if err != nil {
		md = Metadata{}
	}
	v.md = &md
	return md
}
