// Package ledger is the devnet's one-node ledger: a UTxO set seeded by a
// deterministic genesis (funded test wallets and the Marlowe v5 validators
// as reference scripts), Conway protocol parameters and an era history.
// Submitted transactions are validated with gouroboros' Conway ledger
// rules, phase 2 (Plutus, evaluated by plutigo) included, against the UTxO
// set as the mempool sees it; accepted ones wait in a queue until Forge
// puts them into a block and applies them.
//
// Rejections carry node-shaped reasons (node/fakenode Rejection) so that
// clients decode them as a real node's (node/n2c RejectedError).
package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"github.com/rs/zerolog"

	gledger "github.com/blinklabs-io/gouroboros/ledger"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/cborhead"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

// Defaults of Config.
const (
	DefaultWallets        = 4
	DefaultUTxOsPerWallet = 4
	// DefaultLovelace is each genesis wallet output: 10,000 ada.
	DefaultLovelace uint64 = 10_000_000_000
)

// Config configures a ledger. Zero fields take the defaults.
type Config struct {
	// Seed drives the genesis: the same seed gives the same keys and
	// outputs.
	Seed uint64
	// Wallets is the number of funded wallets, UTxOsPerWallet the outputs
	// each holds at genesis, Lovelace the value of each.
	Wallets, UTxOsPerWallet int
	Lovelace                uint64
	// ScriptsDir holds the Marlowe validators' text envelopes (read with
	// registry.LoadScripts, hashes checked); the v5 semantics, payout and
	// open-role validators become reference-script outputs at genesis.
	// Empty means no reference-script outputs.
	ScriptsDir string
	// Network sets the address network of the wallets (any testnet:
	// network id 0). Zero means preprod.
	Network registry.Network
	// ProtocolParams are the Conway parameters; nil means
	// DefaultProtocolParams.
	ProtocolParams *conway.ConwayProtocolParameters
	// SystemStart and Eras are the chain's time (required): validity
	// intervals and script contexts convert slots with them.
	SystemStart time.Time
	Eras        []slottime.Era
	// After is the block the ledger's first block follows (its point and
	// number); the zero value starts the chain at the origin.
	After chain.Tip
	// Now is the wall clock (nil: time.Now): the current slot for
	// validation is the slot of Now, but always after the tip.
	Now    func() time.Time
	Logger zerolog.Logger
}

// Ledger is the devnet ledger. Its methods are safe for concurrent use.
type Ledger struct {
	cfg     Config
	log     zerolog.Logger
	conv    *slottime.Converter
	pp      *conway.ConwayProtocolParameters
	builder *testchain.Builder
	wallets []Wallet
	scripts []ScriptOutput
	genesis []fakenode.UTxO

	mu    sync.Mutex
	utxo  map[registry.TxOutRef]entry
	queue []pending
	// mempool is the UTxO set after the queued transactions.
	mempool utxoView
	tip     chain.Tip
	blocks  int
}

// pending is a queued transaction.
type pending struct {
	id    registry.TxID
	raw   []byte
	tx    lcommon.Transaction
	parts testchain.TxParts
}

// New builds the genesis state.
func New(cfg Config) (*Ledger, error) {
	if cfg.Wallets == 0 {
		cfg.Wallets = DefaultWallets
	}
	if cfg.UTxOsPerWallet == 0 {
		cfg.UTxOsPerWallet = DefaultUTxOsPerWallet
	}
	if cfg.Lovelace == 0 {
		cfg.Lovelace = DefaultLovelace
	}
	if cfg.Network == 0 {
		cfg.Network = registry.Preprod
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Wallets < 0 || cfg.UTxOsPerWallet < 0 {
		return nil, fmt.Errorf("ledger: %d wallets with %d outputs each", cfg.Wallets, cfg.UTxOsPerWallet)
	}
	if !cfg.Network.Valid() {
		return nil, fmt.Errorf("ledger: unknown network %d", cfg.Network)
	}
	conv, err := slottime.New(cfg.SystemStart, cfg.Eras)
	if err != nil {
		return nil, fmt.Errorf("ledger: era history: %w", err)
	}
	pp := cfg.ProtocolParams
	if pp == nil {
		pp = DefaultProtocolParams()
	}
	if _, ok := pp.CostModels[costModelV2]; !ok {
		return nil, errors.New("ledger: protocol parameters lack a Plutus V2 cost model")
	}
	builder, err := testchain.NewBuilder()
	if err != nil {
		return nil, fmt.Errorf("ledger: block builder: %w", err)
	}
	l := &Ledger{cfg: cfg, log: cfg.Logger.With().Str("component", "ledger").Logger(), conv: conv, pp: pp,
		builder: builder, utxo: make(map[registry.TxOutRef]entry), tip: cfg.After}
	if err := l.makeGenesis(); err != nil {
		return nil, fmt.Errorf("ledger: genesis: %w", err)
	}
	l.resetMempool()
	return l, nil
}

// makeGenesis funds the wallets and places the reference scripts. Each
// wallet's outputs come from one pseudo transaction whose id is derived
// from the seed; so do the scripts'.
func (l *Ledger) makeGenesis() error {
	netID := l.cfg.Network.AddressNetworkID()
	add := func(ref registry.TxOutRef, out []byte) error {
		o, err := gledger.NewTransactionOutputFromCbor(out)
		if err != nil {
			return fmt.Errorf("output %s: %w", ref, err)
		}
		l.utxo[ref] = entry{cbor: out, out: o}
		l.genesis = append(l.genesis, fakenode.UTxO{Ref: ref, Output: out})
		return nil
	}
	for i := 1; i <= l.cfg.Wallets; i++ {
		w, err := newWallet(l.cfg.Seed, i, netID)
		if err != nil {
			return err
		}
		l.wallets = append(l.wallets, w)
		id := registry.TxID(derive(l.cfg.Seed, "wallet-funds", uint64(i)))
		out, err := encodeOutput(w.Address, l.cfg.Lovelace, outputOpts{})
		if err != nil {
			return err
		}
		for j := range l.cfg.UTxOsPerWallet {
			if err := add(registry.TxOutRef{TxID: id, Index: uint32(j)}, out); err != nil {
				return err
			}
		}
	}
	if l.cfg.ScriptsDir == "" {
		return nil
	}
	loaded, err := registry.LoadScripts(l.cfg.ScriptsDir)
	if err != nil {
		return err
	}
	id := registry.TxID(derive(l.cfg.Seed, "reference-scripts", 0))
	addr := unspendableAddress(netID)
	for i, role := range []registry.Role{registry.RoleSemantics, registry.RolePayout, registry.RoleOpenRole} {
		s, ok := loaded.Get(registry.V5, role)
		if !ok {
			return fmt.Errorf("scripts directory %s lacks the v5 %s validator", l.cfg.ScriptsDir, role)
		}
		// Size the deposit from a draft output: min-UTxO grows with the
		// script.
		draft, err := encodeOutput(addr, 0, outputOpts{scriptRef: s.CBOR})
		if err != nil {
			return err
		}
		out, err := encodeOutput(addr, minLovelace(l.pp.AdaPerUtxoByte, len(draft)), outputOpts{scriptRef: s.CBOR})
		if err != nil {
			return err
		}
		ref := registry.TxOutRef{TxID: id, Index: uint32(i)}
		if err := add(ref, out); err != nil {
			return err
		}
		o := l.utxo[ref].out
		if sr := o.ScriptRef(); sr == nil || registry.ScriptHash(sr.Hash()) != s.Script.Hash {
			return fmt.Errorf("reference script output for %s does not carry its script", s.Script)
		}
		l.scripts = append(l.scripts, ScriptOutput{Script: s.Script, Ref: ref})
	}
	return nil
}

// Wallets returns the funded test wallets.
func (l *Ledger) Wallets() []Wallet { return slices.Clone(l.wallets) }

// ReferenceScripts returns the genesis outputs carrying the v5 validators
// (semantics, payout, open-role), empty without a scripts directory.
func (l *Ledger) ReferenceScripts() []ScriptOutput { return slices.Clone(l.scripts) }

// ReferenceScript returns the genesis output carrying the v5 validator of
// role r.
func (l *Ledger) ReferenceScript(r registry.Role) (ScriptOutput, bool) {
	for _, s := range l.scripts {
		if s.Script.Role == r {
			return s, true
		}
	}
	return ScriptOutput{}, false
}

// ProtocolParams returns the ledger's protocol parameters (a copy the
// caller may modify; cost models are shared and must not be).
func (l *Ledger) ProtocolParams() *conway.ConwayProtocolParameters {
	pp := *l.pp
	return &pp
}

// Converter is the ledger's slot clock.
func (l *Ledger) Converter() *slottime.Converter { return l.conv }

// Network is the wallets' address network.
func (l *Ledger) Network() registry.Network { return l.cfg.Network }

// Tip is the last forged block (or Config.After before the first).
func (l *Ledger) Tip() chain.Tip {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tip
}

// CurrentSlot is the slot transactions are validated at: the wall clock's
// slot, but at least one past the tip.
func (l *Ledger) CurrentSlot() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.currentSlotLocked()
}

func (l *Ledger) currentSlotLocked() uint64 {
	slot := uint64(0)
	if !l.tip.Point.IsOrigin() {
		slot = l.tip.Point.Slot + 1
	}
	if now, err := l.conv.TimeToSlot(l.cfg.Now()); err == nil && now > slot {
		slot = now
	}
	return slot
}

// UTxOs returns the chain's unspent outputs (forged blocks only, not the
// queue), ordered by reference.
func (l *Ledger) UTxOs() []fakenode.UTxO {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]fakenode.UTxO, 0, len(l.utxo))
	for ref, e := range l.utxo {
		out = append(out, fakenode.UTxO{Ref: ref, Output: e.cbor})
	}
	slices.SortFunc(out, func(a, b fakenode.UTxO) int { return registry.CompareTxOutRef(a.Ref, b.Ref) })
	return out
}

// UTxOsAt returns the chain's unspent outputs at the raw address addr,
// ordered by reference.
func (l *Ledger) UTxOsAt(addr []byte) []fakenode.UTxO {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []fakenode.UTxO
	for ref, e := range l.utxo {
		a := e.out.Address()
		if b, err := a.Bytes(); err == nil && bytes.Equal(b, addr) {
			out = append(out, fakenode.UTxO{Ref: ref, Output: e.cbor})
		}
	}
	slices.SortFunc(out, func(a, b fakenode.UTxO) int { return registry.CompareTxOutRef(a.Ref, b.Ref) })
	return out
}

// UTxO returns the chain's unspent output at ref.
func (l *Ledger) UTxO(ref registry.TxOutRef) (fakenode.UTxO, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.utxo[ref]
	if !ok {
		return fakenode.UTxO{}, false
	}
	return fakenode.UTxO{Ref: ref, Output: e.cbor}, true
}

// Queued is the number of accepted transactions waiting for a block.
func (l *Ledger) Queued() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue)
}

// resetMempool rebuilds the mempool view as the chain's UTxO set plus the
// queue.
func (l *Ledger) resetMempool() {
	l.mempool = utxoView{base: l.utxo, spent: map[registry.TxOutRef]bool{}, added: map[registry.TxOutRef]entry{}}
	for _, p := range l.queue {
		applyTx(&l.mempool, p.tx)
	}
}

// applyTx records a transaction's effect in a view: a valid one spends
// its inputs and creates its outputs; an invalid one (phase 2 failed)
// spends its collateral and creates its collateral return.
func applyTx(v *utxoView, tx lcommon.Transaction) {
	for _, in := range tx.Consumed() {
		ref := refOf(in)
		if _, ok := v.added[ref]; ok {
			delete(v.added, ref)
			continue
		}
		v.spent[ref] = true
	}
	for _, u := range tx.Produced() {
		v.added[refOf(u.Id)] = entry{cbor: u.Output.Cbor(), out: u.Output}
	}
}

// Submit validates a Conway transaction (its CBOR) against the mempool's
// UTxO set at the current slot and queues it for the next block. A
// transaction the ledger refuses is a *Rejected error carrying the
// node-shaped reason; other errors mean the input was not a transaction.
func (l *Ledger) Submit(txCBOR []byte) (registry.TxID, error) {
	tx, parts, err := decodeTx(txCBOR)
	if err != nil {
		return registry.TxID{}, reject(fmt.Errorf("submit: %w", err))
	}
	id := registry.TxID(tx.Hash())
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.queue {
		if p.id == id && bytes.Equal(p.raw, txCBOR) {
			return id, nil // already queued: resubmission is idempotent
		}
	}
	slot := l.currentSlotLocked()
	if err := l.validate(tx, txCBOR, slot, &l.mempool); err != nil {
		l.log.Debug().Err(err).Str("tx", id.String()).Uint64("slot", slot).Msg("transaction rejected")
		return registry.TxID{}, err
	}
	l.queue = append(l.queue, pending{id: id, raw: slices.Clone(txCBOR), tx: tx, parts: parts})
	applyTx(&l.mempool, tx)
	l.log.Debug().Str("tx", id.String()).Bool("valid", tx.IsValid()).Msg("transaction queued")
	return id, nil
}

// decodeTx decodes a Conway transaction and splits it into the parts a
// block stores.
func decodeTx(raw []byte) (lcommon.Transaction, testchain.TxParts, error) {
	if len(raw) == 0 {
		return nil, testchain.TxParts{}, errors.New("empty transaction")
	}
	parts, err := splitTx(raw)
	if err != nil {
		return nil, testchain.TxParts{}, err
	}
	if len(parts) != 4 {
		return nil, testchain.TxParts{}, errors.New("not a Conway transaction (want [body, witnesses, is_valid, aux])")
	}
	tx, err := decodeRecover(raw)
	if err != nil {
		return nil, testchain.TxParts{}, fmt.Errorf("decode Conway transaction: %w", err)
	}
	tp := testchain.TxParts{Body: parts[0], Witnesses: parts[1], Invalid: !tx.IsValid()}
	if !bytes.Equal(parts[3], []byte{0xf6}) {
		tp.Aux = parts[3]
	}
	return tx, tp, nil
}

// decodeRecover decodes with gouroboros, turning a decoder panic on hostile
// input into an error.
func decodeRecover(raw []byte) (tx lcommon.Transaction, err error) {
	defer func() {
		if r := recover(); r != nil {
			tx, err = nil, fmt.Errorf("malformed transaction: %v", r)
		}
	}()
	return conway.NewConwayTransactionFromCbor(raw)
}

// validate runs the Conway rules on tx at slot against the view.
func (l *Ledger) validate(tx lcommon.Transaction, raw []byte, slot uint64, v *utxoView) (err error) {
	st := &state{utxo: v, conv: l.conv, network: uint(l.cfg.Network.AddressNetworkID())}
	defer func() {
		// A rule panicking on an odd transaction must not take the node
		// down.
		if r := recover(); r != nil {
			err = reject(fmt.Errorf("ledger rules failed on this transaction: %v", r))
		}
	}()
	if err := lcommon.VerifyTransaction(tx, slot, st, l.pp, rules()); err != nil {
		return rejection(err, tx, slot)
	}
	if !tx.IsValid() {
		// gouroboros skips scripts of a transaction flagged invalid; the
		// node runs them and refuses the flag when they succeed.
		asValid, err := flaggedValid(raw)
		if err != nil {
			return reject(err)
		}
		if err := conway.UtxoValidatePlutusScripts(asValid, slot, st, l.pp); err == nil {
			return reject(errors.New("transaction is flagged phase-2 invalid but its scripts succeed"))
		}
	}
	return nil
}

// rules are gouroboros' Conway rules plus the upper validity bound, which
// gouroboros v0.199.0 leaves out (its interval rule checks only
// invalidBefore).
func rules() []lcommon.UtxoValidationRuleFunc {
	return append(slices.Clone(conway.UtxoValidationRules), validateInvalidHereafter)
}

// expiredError is a transaction past its invalidHereafter slot.
type expiredError struct{ invalidHereafter, slot uint64 }

func (e expiredError) Error() string {
	return fmt.Sprintf("slot %d is not before the transaction's invalidHereafter %d", e.slot, e.invalidHereafter)
}

func validateInvalidHereafter(tx lcommon.Transaction, slot uint64, _ lcommon.LedgerState, _ lcommon.ProtocolParameters) error {
	if ttl := tx.TTL(); ttl != 0 && slot >= ttl {
		return expiredError{invalidHereafter: ttl, slot: slot}
	}
	return nil
}

// flaggedValid decodes a transaction with its is_valid flag set, to run
// its scripts: decoded as flagged invalid, its outputs are only the
// collateral return, which would change the script context.
func flaggedValid(raw []byte) (lcommon.Transaction, error) {
	parts, err := splitTx(raw)
	if err != nil || len(parts) != 4 {
		return nil, fmt.Errorf("re-read transaction: %v", err)
	}
	out := cborhead.Append(nil, 4, 4)
	for _, p := range [][]byte{parts[0], parts[1], {0xf5}, parts[3]} {
		out = append(out, p...)
	}
	return decodeRecover(out)
}

// Forge makes the next block at slot from the queue and applies it. Each
// queued transaction is validated again at slot against the chain (the
// mempool of a real node is revalidated against every new block); those
// that no longer pass (e.g. their validity interval ended) are dropped.
// An empty queue gives an empty block, so time advances.
func (l *Ledger) Forge(slot uint64) (chain.Block, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.tip.Point.IsOrigin() && slot <= l.tip.Point.Slot {
		return chain.Block{}, fmt.Errorf("ledger: forge at slot %d, not after the tip's slot %d", slot, l.tip.Point.Slot)
	}
	view := utxoView{base: l.utxo, spent: map[registry.TxOutRef]bool{}, added: map[registry.TxOutRef]entry{}}
	var parts []testchain.TxParts
	var included []pending
	for _, p := range l.queue {
		if err := l.validate(p.tx, p.raw, slot, &view); err != nil {
			l.log.Info().Err(err).Str("tx", p.id.String()).Uint64("slot", slot).Msg("queued transaction dropped")
			continue
		}
		applyTx(&view, p.tx)
		parts = append(parts, p.parts)
		included = append(included, p)
	}
	number := l.tip.BlockNumber + 1
	if l.tip.Point.IsOrigin() {
		number = 0
	}
	blk, err := l.builder.BlockWithTxs(number, slot, l.tip.Point.Hash, 0, parts)
	if err != nil {
		return chain.Block{}, fmt.Errorf("ledger: forge block %d: %w", number, err)
	}
	for ref := range view.spent {
		delete(l.utxo, ref)
	}
	for ref, e := range view.added {
		l.utxo[ref] = e
	}
	l.queue = nil
	l.tip = chain.Tip{Point: blk.Point, BlockNumber: blk.Number}
	l.blocks++
	l.resetMempool()
	l.log.Debug().Uint64("block", blk.Number).Uint64("slot", slot).Int("txs", len(included)).Msg("block forged")
	return blk, nil
}
