// Package chaingen generates synthetic Cardano chains carrying Marlowe
// contracts with realistic lifecycles, together with the ground truth of
// what a Marlowe recogniser must find in them.
//
// Blocks are Conway blocks that decode with gouroboros and pass its
// body-hash check. Their Marlowe transactions have the Runtime's shape
// (contracts/extract/txtest): datums, redeemers and payouts come from the
// real semantics (semantics.ComputeTransaction) and the canonical Plutus
// Data encodings of contracts/core, for every script set of the registry,
// with role and address parties. The rest of the chain is empty blocks or
// simple payments, in a configurable mix. Generation is deterministic: the
// same Config gives the same bytes.
//
// It is test and benchmark infrastructure shared by the fake node, the
// index tests and the index benchmark; it needs no files at run time
// beyond gouroboros' module (for the Conway header template).
package chaingen

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"

	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/internal/testchain"
)

// Config describes the chain to generate. Zero fields take the defaults
// documented on each.
type Config struct {
	// Seed drives every random choice.
	Seed uint64
	// Blocks is the chain length (required, > 0).
	Blocks int
	// Contracts is the number of contracts created.
	Contracts int
	// MarloweFraction is the probability that a block is eligible for
	// Marlowe transactions (mainnet: about 0.001). Contracts are created
	// in the first 70% of eligible blocks and advance in later ones, so a
	// chain needs a few eligible blocks per contract for most lifecycles
	// to finish. Default 0.1.
	MarloweFraction float64
	// FillerTxs is the maximum number of simple payments per block (each
	// block gets a uniform count in [0, FillerTxs]); 0 leaves filler
	// blocks empty.
	FillerTxs int
	// StepProbability is the chance that a contract whose next step is
	// ready takes it in a given eligible block. Default 0.6.
	StepProbability float64
	// SameBlockApply is the chance that a new contract may take its first
	// step in its creation block. Default 0.25.
	SameBlockApply float64
	// InvalidFraction is the chance that an apply-inputs transaction is
	// preceded, in its block, by a phase-2-invalid copy. Default 0.05;
	// negative disables.
	InvalidFraction float64
	// MalformedCreates is the number of transactions with an output at a
	// semantics validator that is no valid creation (no datum, or a datum
	// that is not MarloweData).
	MalformedCreates int
	// Network selects address network ids and reference-script inputs.
	// Default (zero) is mainnet.
	Network registry.Network
	// Traces are further contracts driven along given transactions (e.g.
	// the reference paths, see LoadTraces), created like the others on
	// eligible blocks. Their semantics runs on the trace's own intervals,
	// which the transactions' validity slots do not match.
	Traces []Trace
	// Fork, when set, makes the chain a fork of the one generated without
	// it: blocks before Fork.At are byte-identical to that chain's, and
	// from Fork.At on every choice is drawn from Fork.Seed, continuing the
	// same contracts (and creating others) on a competing branch.
	Fork *Fork
	// Parent, when set, makes the chain continue another one: the first
	// block's parent is Parent and block numbers follow its number. Set
	// StartSlot past the parent's slot, and use another Seed than the
	// parent chain's so that ids do not collide.
	Parent *Parent
	// StartSlot is the first block's slot; default 140,000,000 (Conway on
	// mainnet). SlotStep is the mean slot gap between blocks; default 20.
	StartSlot, SlotStep uint64
}

// Trace is a contract with its initial state and the transactions to
// apply to it, in order. A trace whose step fails (a semantics error, an
// amount or address with no on-chain form) stops there, its contract left
// open, and counts in Stats.StalledTraces.
type Trace struct {
	Name     string
	Contract core.Contract
	State    core.State
	Txs      []core.TransactionInput
}

// Parent is the block a generated chain continues.
type Parent struct {
	Hash   chain.Hash
	Number uint64
}

// Fork is where and how a generated chain departs from its parent chain.
type Fork struct {
	// At is the index of the first block that differs.
	At   int
	Seed uint64
}

func (c Config) withDefaults() (Config, error) {
	if c.Blocks <= 0 {
		return c, errors.New("chaingen: Blocks must be positive")
	}
	if c.Contracts < 0 || c.FillerTxs < 0 || c.MalformedCreates < 0 {
		return c, errors.New("chaingen: negative count in config")
	}
	if c.Fork != nil && (c.Fork.At < 0 || c.Fork.At >= c.Blocks) {
		return c, fmt.Errorf("chaingen: fork at block %d outside the chain's %d blocks", c.Fork.At, c.Blocks)
	}
	if c.MarloweFraction == 0 {
		c.MarloweFraction = 0.1
	}
	if c.StepProbability == 0 {
		c.StepProbability = 0.6
	}
	if c.SameBlockApply == 0 {
		c.SameBlockApply = 0.25
	}
	if c.InvalidFraction == 0 {
		c.InvalidFraction = 0.05
	}
	for name, p := range map[string]float64{"MarloweFraction": c.MarloweFraction, "StepProbability": c.StepProbability, "SameBlockApply": c.SameBlockApply} {
		if p < 0 || p > 1 || math.IsNaN(p) {
			return c, fmt.Errorf("chaingen: %s %v outside [0, 1]", name, p)
		}
	}
	if c.Network == 0 {
		c.Network = registry.Mainnet
	}
	if !c.Network.Valid() {
		return c, fmt.Errorf("chaingen: invalid network %d", c.Network)
	}
	if c.StartSlot == 0 {
		c.StartSlot = 140_000_000
	}
	if c.SlotStep == 0 {
		c.SlotStep = 20
	}
	return c, nil
}

// Applied is an apply-inputs step the recogniser must find.
type Applied struct {
	ContractID registry.TxOutRef
	TxID       registry.TxID
	Closed     bool
	// Inputs is the number of inputs in the redeemer (0 for a timeout).
	Inputs int
	// Payouts are the outputs at the payout validator, in output order.
	Payouts []registry.TxOutRef
}

// Created is a contract creation the recogniser must find.
type Created struct {
	ContractID registry.TxOutRef
	Version    registry.Version
	// Tags are the Marlowe metadata (label 1564) tags, sorted; nil when
	// the creation carries none.
	Tags []string
}

// Withdrawn is a withdrawal transaction and the payouts it spent, in
// TxOutRef order.
type Withdrawn struct {
	TxID    registry.TxID
	Payouts []registry.TxOutRef
}

// Rejected is an output at a semantics validator that is no contract.
type Rejected struct {
	Ref    registry.TxOutRef
	Reason extract.CreateError
}

// Truth is what the recogniser must find in one block, each list in
// transaction order (then output order). Empty lists are nil.
type Truth struct {
	Created        []Created
	Applied        []Applied
	Withdrawn      []Withdrawn
	CreateRejected []Rejected
}

// Empty reports whether the block holds no Marlowe event.
func (t *Truth) Empty() bool {
	return len(t.Created) == 0 && len(t.Applied) == 0 && len(t.Withdrawn) == 0 && len(t.CreateRejected) == 0
}

// FromEvents is the Truth of a recogniser's output, for comparison with a
// generated block's: apply rejections have no Truth counterpart, so a
// caller should check ApplyRejected separately.
func FromEvents(be extract.BlockEvents) Truth {
	var t Truth
	for _, ev := range be.Txs {
		for _, c := range ev.Created {
			ct := Created{ContractID: c.ContractID, Version: c.Version}
			if m := c.Metadata.Marlowe; m != nil {
				ct.Tags = slices.Sorted(maps.Keys(m.Tags))
			}
			t.Created = append(t.Created, ct)
		}
		if a := ev.Applied; a != nil {
			at := Applied{ContractID: a.ContractID, TxID: a.TxID, Closed: a.Closed(), Inputs: len(a.Inputs)}
			for _, p := range a.Payouts {
				at.Payouts = append(at.Payouts, p.Output.Ref)
			}
			t.Applied = append(t.Applied, at)
		}
		if w := ev.Withdrawn; w != nil {
			wt := Withdrawn{TxID: w.TxID}
			for _, c := range w.Contracts {
				for _, p := range c.Payouts {
					wt.Payouts = append(wt.Payouts, p.Ref)
				}
			}
			slices.SortFunc(wt.Payouts, registry.CompareTxOutRef)
			t.Withdrawn = append(t.Withdrawn, wt)
		}
		for _, r := range ev.CreateRejected {
			t.CreateRejected = append(t.CreateRejected, Rejected{Ref: r.Ref, Reason: r.Reason})
		}
	}
	return t
}

// Stats counts what was generated. MarloweBlocks counts blocks with at
// least one Marlowe transaction (valid or not); Txs counts every
// transaction, FillerTxs the ordinary payments among them; Bytes is the
// chain's total CBOR size.
type Stats struct {
	Blocks, MarloweBlocks, Txs, FillerTxs   int
	Created, Applied, Closed, Withdrawals   int
	RolePayouts, AddressPayouts, InvalidTxs int
	MalformedCreates, RoleContracts, Bytes  int
	// TaggedCreates carry Marlowe metadata; MultiContractWithdrawals
	// spend payouts of two contracts.
	TaggedCreates, MultiContractWithdrawals int
	// TraceSteps counts transactions applied from Config.Traces.
	TraceSteps, StalledTraces int
	// ByVersion and ByTemplate count created contracts.
	ByVersion  map[registry.Version]int
	ByTemplate map[Template]int
}

// Invalid is a phase-2-invalid transaction placed in the chain; it has no
// Marlowe effect.
type Invalid struct {
	Block int
	TxID  registry.TxID
}

// Chain is a generated chain and its ground truth.
type Chain struct {
	// Blocks are linked from the origin, as the fake node serves them.
	Blocks []chain.Block
	// Truth[i] is what the recogniser must find in Blocks[i].
	Truth   []Truth
	Invalid []Invalid
	Stats   Stats
}

// slotTimeMs is the POSIX time of a slot on the mainnet Shelley-onwards
// schedule (1 s slots from the Byron-adjusted origin); the generator uses
// it for every network, as only consistency matters.
func slotTimeMs(slot uint64) int64 { return 1_591_566_291_000 + int64(slot)*1000 }

// payout is an unwithdrawn role payout.
type payout struct {
	ref   registry.TxOutRef
	datum core.PayoutDatum
	block int
}

// live is a contract being driven.
type live struct {
	id      registry.TxOutRef
	set     registry.ScriptSet
	address []byte
	inline  bool
	tmpl    Template
	inst    instance
	cur     registry.TxOutRef
	datum   core.MarloweData
	next    int
	closed  bool
	ready   int    // earliest block of the next step
	readyAt uint64 // earliest slot of the next step
	payouts []payout
	holders map[core.TokenName][]byte
	tags    []string
	// trace, when set, drives the contract instead of tmpl and inst.
	trace *Trace
}

type gen struct {
	cfg Config
	r   *rand.Rand
	// stream distinguishes derived keys and ids: the seed, or the fork's
	// seed on a fork.
	stream  uint64
	sets    []registry.ScriptSet
	token   core.Token
	counter uint64
	stats   Stats
}

// Generate builds the chain described by cfg.
func Generate(cfg Config) (*Chain, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	builder, err := testchain.NewBuilder()
	if err != nil {
		return nil, fmt.Errorf("chaingen: %w", err)
	}
	g := &gen{
		cfg:    cfg,
		r:      newRand(cfg.Seed),
		stream: cfg.Seed,
		sets:   registry.New().Sets(),
		stats:  Stats{ByVersion: map[registry.Version]int{}, ByTemplate: map[Template]int{}},
	}
	pol := g.hash28("token policy")
	g.token = core.Token{Currency: core.CurrencySymbol(pol[:]), Name: "Token"}

	// Which blocks may carry Marlowe transactions, and where contracts
	// and malformed creations go.
	var eligible []int
	for i := range cfg.Blocks {
		if g.r.Float64() < cfg.MarloweFraction {
			eligible = append(eligible, i)
		}
	}
	if len(eligible) == 0 && (cfg.Contracts > 0 || cfg.MalformedCreates > 0) {
		return nil, fmt.Errorf("chaingen: no block of %d is eligible for Marlowe transactions at fraction %v", cfg.Blocks, cfg.MarloweFraction)
	}
	creates := map[int]int{}
	window := max(1, len(eligible)*7/10)
	for range cfg.Contracts {
		creates[eligible[g.r.IntN(window)]]++
	}
	traceAt := map[int][]int{}
	if len(cfg.Traces) > 0 && len(eligible) == 0 {
		return nil, fmt.Errorf("chaingen: no block of %d is eligible for Marlowe transactions at fraction %v", cfg.Blocks, cfg.MarloweFraction)
	}
	for k := range cfg.Traces {
		at := eligible[g.r.IntN(window)]
		traceAt[at] = append(traceAt[at], k)
	}
	malformed := map[int]int{}
	for range cfg.MalformedCreates {
		malformed[eligible[g.r.IntN(len(eligible))]]++
	}
	isEligible := map[int]bool{}
	for _, i := range eligible {
		isEligible[i] = true
	}

	out := &Chain{Blocks: make([]chain.Block, 0, cfg.Blocks), Truth: make([]Truth, 0, cfg.Blocks)}
	var active []*live
	var parent chain.Hash
	var firstNumber uint64
	if cfg.Parent != nil {
		parent, firstNumber = cfg.Parent.Hash, cfg.Parent.Number+1
	}
	slot := cfg.StartSlot
	var salt byte
	for i := range cfg.Blocks {
		if cfg.Fork != nil && i == cfg.Fork.At {
			// The salt keeps the fork's header hashes apart from the
			// parent chain's even when the two blocks agree otherwise.
			g.r, g.stream, salt = newRand(cfg.Fork.Seed), cfg.Fork.Seed^forkStream, 1
		}
		if i > 0 {
			slot += 1 + g.r.Uint64N(2*cfg.SlotStep-1)
		}
		var filler, txs []builtTx
		var truth Truth
		for range g.r.IntN(cfg.FillerTxs + 1) {
			t, err := g.filler()
			if err != nil {
				return nil, fmt.Errorf("chaingen: block %d: %w", i, err)
			}
			filler = append(filler, t)
		}
		if isEligible[i] {
			for range malformed[i] {
				t, rej, err := g.malformedCreate()
				if err != nil {
					return nil, fmt.Errorf("chaingen: block %d: %w", i, err)
				}
				txs = append(txs, t)
				truth.CreateRejected = append(truth.CreateRejected, rej...)
			}
			for range creates[i] {
				l, t, err := g.create(i, slot)
				if err != nil {
					return nil, fmt.Errorf("chaingen: block %d: %w", i, err)
				}
				txs = append(txs, t)
				truth.Created = append(truth.Created, Created{ContractID: l.id, Version: l.set.Version, Tags: l.tags})
				active = append(active, l)
			}
			for _, k := range traceAt[i] {
				l, t, err := g.createTrace(&cfg.Traces[k], i)
				if errors.Is(err, errUnrepresentable) {
					g.stats.StalledTraces++
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("chaingen: block %d: trace %q: %w", i, cfg.Traces[k].Name, err)
				}
				txs = append(txs, t)
				truth.Created = append(truth.Created, Created{ContractID: l.id, Version: l.set.Version})
				active = append(active, l)
			}
			// Role holders withdraw payouts of earlier blocks, now and
			// then two of them (of different contracts) in one
			// transaction.
			var claims []claim
			for _, l := range active {
				if role, ok := l.readyRole(i); ok && g.r.IntN(2) == 0 {
					claims = append(claims, claim{l: l, role: role})
				}
			}
			for len(claims) > 0 {
				n := 1
				if len(claims) > 1 && g.r.IntN(2) == 0 {
					n = 2
				}
				if err := g.withdraw(claims[:n], i, &txs, &truth); err != nil {
					return nil, fmt.Errorf("chaingen: block %d: %w", i, err)
				}
				claims = claims[n:]
			}
			for _, l := range active {
				err := g.advance(l, i, slot, &txs, &truth)
				if l.trace != nil && errors.Is(err, errUnrepresentable) {
					l.closed = true
					g.stats.StalledTraces++
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("chaingen: block %d: contract %s: %w", i, l.id, err)
				}
			}
			active = slices.DeleteFunc(active, func(l *live) bool { return l.closed && len(l.payouts) == 0 })
		}
		if len(txs) > 0 {
			g.stats.MarloweBlocks++
		}
		txs = g.interleave(filler, txs)
		parts := make([]testchain.TxParts, len(txs))
		for j, t := range txs {
			parts[j] = t.parts
			if t.parts.Invalid {
				out.Invalid = append(out.Invalid, Invalid{Block: i, TxID: t.id})
			}
		}
		blk, err := builder.BlockWithTxs(firstNumber+uint64(i), slot, parent, salt, parts)
		if err != nil {
			return nil, fmt.Errorf("chaingen: %w", err)
		}
		parent = blk.Point.Hash
		g.stats.Txs += len(txs)
		g.stats.Bytes += len(blk.CBOR)
		out.Blocks = append(out.Blocks, blk)
		out.Truth = append(out.Truth, truth)
	}
	g.stats.Blocks = cfg.Blocks
	out.Stats = g.stats
	return out, nil
}

// interleave places the Marlowe transactions among the filler ones at
// random, keeping each list's order (a Marlowe transaction may spend an
// earlier one's outputs).
func (g *gen) interleave(filler, marlowe []builtTx) []builtTx {
	if len(marlowe) == 0 {
		return filler
	}
	out := make([]builtTx, 0, len(filler)+len(marlowe))
	for len(filler) > 0 || len(marlowe) > 0 {
		if len(marlowe) > 0 && (len(filler) == 0 || g.r.IntN(len(filler)+len(marlowe)) < len(marlowe)) {
			out, marlowe = append(out, marlowe[0]), marlowe[1:]
			continue
		}
		out, filler = append(out, filler[0]), filler[1:]
	}
	return out
}

// errUnrepresentable marks a step that has no on-chain form: an amount
// beyond an output's range, a policy id or address of the wrong shape.
// Only traces can hit it; the templates never do.
var errUnrepresentable = errors.New("not representable on chain")

// forkStream separates a fork's derived ids from those of a chain whose
// seed equals the fork's seed.
const forkStream = 0x666f726b

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x6d61726c6f7765)) }

// builtTx is an encoded transaction and its id.
type builtTx struct {
	id    registry.TxID
	parts testchain.TxParts
}

func encodeTx(t *txtest.Tx) (builtTx, error) {
	body, err := t.Body()
	if err != nil {
		return builtTx{}, err
	}
	wits, err := t.Witnesses()
	if err != nil {
		return builtTx{}, err
	}
	aux, err := t.AuxData()
	if err != nil {
		return builtTx{}, err
	}
	return builtTx{id: registry.TxID(blake2b.Sum256(body)), parts: testchain.TxParts{Body: body, Witnesses: wits, Aux: aux, Invalid: t.Invalid}}, nil
}

// hash28 derives 28 bytes from the seed, a label and a counter, so that
// every generated key, policy and wallet output is distinct.
func (g *gen) hash28(label string) [28]byte {
	g.counter++
	h, _ := blake2b.New(28, nil)
	var b [16]byte
	for k := range 8 {
		b[k] = byte(g.stream >> (8 * k))
		b[8+k] = byte(g.counter >> (8 * k))
	}
	h.Write(b[:])
	h.Write([]byte(label))
	var out [28]byte
	copy(out[:], h.Sum(nil))
	return out
}

// wallet is a fresh key-locked output to spend (funding or collateral).
func (g *gen) wallet() registry.TxOutRef {
	h := g.hash28("wallet")
	var id registry.TxID
	copy(id[:], h[:])
	return registry.TxOutRef{TxID: id, Index: uint32(g.r.IntN(4))}
}

func (g *gen) keyAddress() []byte {
	return txtest.EnterpriseKeyAddress(g.hash28("key"), g.cfg.Network.AddressNetworkID())
}

func (g *gen) fee() uint64 { return 170_000 + g.r.Uint64N(500_000) }

// addressParty is an address party with a fresh key, staked or not.
func (g *gen) addressParty() core.Party {
	pay := g.hash28("payment")
	a := core.Address{Mainnet: g.cfg.Network.IsMainnet(), Payment: core.Credential{Hash: string(pay[:])}}
	if g.r.IntN(2) == 0 {
		stake := g.hash28("stake")
		a.Staking = core.StakingHash
		a.Stake = core.Credential{Hash: string(stake[:])}
	}
	return core.AddressPartyOf(a)
}

const minAda = 2_000_000

// create opens a new contract in block i.
func (g *gen) create(i int, slot uint64) (*live, builtTx, error) {
	set := g.sets[g.r.IntN(len(g.sets))]
	tmpl := Template(g.r.IntN(int(numTemplates)))
	net := g.cfg.Network.AddressNetworkID()
	l := &live{set: set, tmpl: tmpl, inline: g.r.IntN(5) == 0, holders: map[core.TokenName][]byte{}}
	switch g.r.IntN(3) {
	case 0:
		l.address = txtest.StakedScriptAddress(set.Semantics.Hash, g.hash28("stake"), false, net)
	default:
		l.address = txtest.EnterpriseScriptAddress(set.Semantics.Hash, net)
	}
	var params core.MarloweParams
	var a, b core.Party
	var mint []txtest.MintAsset
	var other []txtest.Output
	if g.r.IntN(2) == 0 {
		pol := g.hash28("roles")
		params.RolesCurrency = core.CurrencySymbol(pol[:])
		a = core.RolePartyOf("party-a")
		if g.r.IntN(10) < 7 {
			b = core.RolePartyOf("party-b")
		} else {
			b = g.addressParty()
		}
		for _, p := range []core.Party{a, b} {
			if p.Kind != core.RoleParty {
				continue
			}
			holder := g.keyAddress()
			l.holders[p.Role] = holder
			mint = append(mint, txtest.MintAsset{Policy: pol, Name: []byte(p.Role), Quantity: 1})
			other = append(other, txtest.Output{Address: holder, Lovelace: 1_500_000, Assets: []txtest.Asset{{Policy: pol, Name: []byte(p.Role), Quantity: 1}}})
		}
		g.stats.RoleContracts++
	} else {
		a, b = g.addressParty(), g.addressParty()
	}
	other = append(other, txtest.Output{Address: g.keyAddress(), Lovelace: 5_000_000 + g.r.Uint64N(100_000_000)})
	now := slotTimeMs(slot)
	inst, err := build(tmpl, g.r, a, b, g.token, now)
	if err != nil {
		return nil, builtTx{}, err
	}
	l.inst = inst
	st := core.EmptyState(big.NewInt(now))
	st.Accounts = []core.AccountEntry{{Account: a, Token: core.Ada, Amount: big.NewInt(minAda)}}
	l.datum = core.MarloweData{Params: params, State: st, Contract: inst.contract}
	var labels []txtest.Label
	if g.r.IntN(2) == 0 {
		md, tags, err := g.marloweMetadata(tmpl)
		if err != nil {
			return nil, builtTx{}, err
		}
		labels = []txtest.Label{{Label: 1564, Value: md}}
		l.tags = tags
		g.stats.TaggedCreates++
	}
	c := txtest.Create{
		Metadata:  labels,
		Funding:   []registry.TxOutRef{g.wallet()},
		Contracts: []txtest.MarloweOutput{{Address: l.address, Datum: l.datum, Lovelace: minAda, Inline: l.inline}},
		Other:     other, Mint: mint, Fee: g.fee(),
	}
	t, err := c.Tx()
	if err != nil {
		return nil, builtTx{}, fmt.Errorf("creation: %w", err)
	}
	bt, err := encodeTx(t)
	if err != nil {
		return nil, builtTx{}, fmt.Errorf("creation: %w", err)
	}
	l.id = registry.TxOutRef{TxID: bt.id, Index: 0}
	l.cur = l.id
	l.ready = i + 1
	if g.r.Float64() < g.cfg.SameBlockApply {
		l.ready = i
	}
	if inst.timeout != nil {
		// The whole validity interval must lie after the timeout.
		after := (inst.timeout.Int64() - slotTimeMs(0)) / 1000
		l.readyAt = uint64(after) + validBefore + 1
	}
	g.stats.Created++
	g.stats.ByVersion[set.Version]++
	g.stats.ByTemplate[tmpl]++
	return l, bt, nil
}

// createTrace opens a contract of trace tr in block i. It always gets a
// roles currency, as a trace may name roles.
func (g *gen) createTrace(tr *Trace, i int) (*live, builtTx, error) {
	set := g.sets[g.r.IntN(len(g.sets))]
	l := &live{set: set, inline: g.r.IntN(5) == 0, holders: map[core.TokenName][]byte{}, trace: tr}
	l.address = txtest.EnterpriseScriptAddress(set.Semantics.Hash, g.cfg.Network.AddressNetworkID())
	pol := g.hash28("roles")
	l.datum = core.MarloweData{Params: core.MarloweParams{RolesCurrency: core.CurrencySymbol(pol[:])}, State: tr.State, Contract: tr.Contract}
	lovelace, assets, err := g.value(semantics.TotalBalance(tr.State.Accounts))
	if err != nil {
		return nil, builtTx{}, fmt.Errorf("initial state: %w", err)
	}
	c := txtest.Create{
		Funding:   []registry.TxOutRef{g.wallet()},
		Contracts: []txtest.MarloweOutput{{Address: l.address, Datum: l.datum, Lovelace: lovelace, Assets: assets, Inline: l.inline}},
		Other:     []txtest.Output{{Address: g.keyAddress(), Lovelace: 5_000_000}},
		Fee:       g.fee(),
	}
	t, err := c.Tx()
	if err != nil {
		return nil, builtTx{}, fmt.Errorf("%w: creation: %w", errUnrepresentable, err)
	}
	bt, err := encodeTx(t)
	if err != nil {
		return nil, builtTx{}, fmt.Errorf("creation: %w", err)
	}
	l.id = registry.TxOutRef{TxID: bt.id, Index: 0}
	l.cur = l.id
	l.ready = i + 1
	l.closed = len(tr.Txs) == 0
	g.stats.Created++
	g.stats.ByVersion[set.Version]++
	return l, bt, nil
}

// marloweMetadata is a label-1564 value in the Runtime's version-2 form:
// [2, [[tag, payload?], ...]], a tag given as chunked text.
func (g *gen) marloweMetadata(t Template) ([]byte, []string, error) {
	tags := []string{"chaingen", "chaingen-" + t.String()}
	entries := []any{[]any{tags[0]}, []any{[]any{"chaingen-", t.String()}, uint64(g.r.IntN(1000))}}
	if g.r.IntN(2) == 0 {
		tags = append(tags, "app:marlowe-lite")
		entries = append(entries, []any{"app:marlowe-lite", []any{"x", uint64(1)}})
	}
	raw, err := txtest.Metadatum([]any{uint64(2), entries})
	if err != nil {
		return nil, nil, fmt.Errorf("marlowe metadata: %w", err)
	}
	slices.Sort(tags)
	return raw, tags, nil
}

// Validity bounds of apply transactions around their block's slot, as a
// wallet would set them.
const (
	validBefore = 100
	validAfter  = 300
)

// advance takes contract l's next step in block i, if it is ready and the
// dice agree.
func (g *gen) advance(l *live, i int, slot uint64, txs *[]builtTx, truth *Truth) error {
	if l.closed || i < l.ready || slot < l.readyAt || g.r.Float64() >= g.cfg.StepProbability {
		return nil
	}
	from := slot - min(slot, validBefore)
	to := slot + validAfter
	if l.trace != nil {
		return g.apply(l, i, from, to, l.trace.Txs[l.next].Inputs, l.trace.Txs[l.next].Interval, txs, truth)
	}
	iv := core.TimeInterval{From: big.NewInt(slotTimeMs(from)), To: big.NewInt(slotTimeMs(to) - 1)}
	return g.apply(l, i, from, to, nil, iv, txs, truth)
}

// apply builds the apply-inputs transaction of l's next step: the trace's
// inputs, or the template's next move.
func (g *gen) apply(l *live, i int, from, to uint64, inputs []core.Input, iv core.TimeInterval, txs *[]builtTx, truth *Truth) error {
	var res core.TransactionOutput
	var m move
	if l.trace != nil {
		res = semantics.ComputeTransaction(core.TransactionInput{Interval: iv, Inputs: inputs}, l.datum.State, l.datum.Contract)
		if res.Error != nil {
			return fmt.Errorf("%w: trace step %d: semantics: %T", errUnrepresentable, l.next, res.Error)
		}
		for k, in := range inputs {
			if in.Merkleized && in.Continuation == nil {
				return fmt.Errorf("%w: trace step %d input %d: merkleized without its continuation", errUnrepresentable, l.next, k)
			}
		}
	} else {
		m = l.inst.moves[l.next]
		if !m.timeout {
			inputs = l.inst.inputsFor(m, l.datum.Contract)
		}
		res = semantics.ComputeTransaction(core.TransactionInput{Interval: iv, Inputs: inputs}, l.datum.State, l.datum.Contract)
	}
	if res.Error != nil && l.trace == nil && !m.timeout {
		// A lifecycle that outlived its timeouts (a very long chain)
		// ends the way the Runtime would end it: an empty transaction.
		inputs = nil
		res = semantics.ComputeTransaction(core.TransactionInput{Interval: iv}, l.datum.State, l.datum.Contract)
	}
	if res.Error != nil {
		return fmt.Errorf("move %d (%s): semantics: %T %+v", l.next, l.tmpl, res.Error, res.Error)
	}
	closed := false
	if _, ok := res.Contract.(core.Close); ok {
		closed = true
	}
	a := txtest.Apply{
		Contract: l.cur, Funding: []registry.TxOutRef{g.wallet()}, Inputs: inputs,
		ValidFrom: from, ValidTo: to, ContinuationAddress: g.keyAddress(),
		Collateral: []registry.TxOutRef{g.wallet()}, Fee: g.fee(),
	}
	if ref, ok := l.set.Semantics.Reference(g.cfg.Network); ok {
		a.ScriptRefs = []registry.TxOutRef{ref.Ref}
	}
	if !l.inline {
		d := l.datum
		a.SpentDatum = &d
	}
	next := core.MarloweData{Params: l.datum.Params, State: res.State, Contract: res.Contract}
	if !closed {
		lovelace, assets, err := g.value(semantics.TotalBalance(res.State.Accounts))
		if err != nil {
			return fmt.Errorf("continuing output: %w", err)
		}
		a.Next = &txtest.MarloweOutput{Address: l.address, Datum: next, Lovelace: lovelace, Assets: assets, Inline: l.inline}
	}
	byParty, order := aggregate(res.Payments)
	payoutAddr := txtest.EnterpriseScriptAddress(l.set.Payout.Hash, g.cfg.Network.AddressNetworkID())
	var roles []core.PayoutDatum
	for _, p := range order {
		lovelace, assets, err := g.value(byParty[p])
		if err != nil {
			return fmt.Errorf("payment: %w", err)
		}
		if p.Kind == core.RoleParty {
			d := core.PayoutDatum{RolesCurrency: l.datum.Params.RolesCurrency, Role: p.Role}
			a.Payouts = append(a.Payouts, txtest.PayoutOutput{Address: payoutAddr, Datum: d, Lovelace: lovelace, Assets: assets})
			roles = append(roles, d)
			continue
		}
		addr, err := p.Address.CIP19()
		if err != nil {
			return fmt.Errorf("%w: payee address: %w", errUnrepresentable, err)
		}
		a.Other = append(a.Other, txtest.Output{Address: addr, Lovelace: lovelace, Assets: assets})
		g.stats.AddressPayouts++
	}
	a.Other = append(a.Other, txtest.Output{Address: g.keyAddress(), Lovelace: 1_000_000 + g.r.Uint64N(50_000_000)})
	t, err := a.Tx()
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	if g.cfg.InvalidFraction > 0 && g.r.Float64() < g.cfg.InvalidFraction {
		bad := *t
		bad.Invalid = true
		bad.Fee++
		bad.Collateral = []registry.TxOutRef{g.wallet()}
		bt, err := encodeTx(&bad)
		if err != nil {
			return fmt.Errorf("invalid apply: %w", err)
		}
		*txs = append(*txs, bt)
		g.stats.InvalidTxs++
	}
	bt, err := encodeTx(t)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	*txs = append(*txs, bt)
	at := Applied{ContractID: l.id, TxID: bt.id, Closed: closed, Inputs: len(inputs)}
	first := 0
	if !closed {
		first = 1
	}
	for k, d := range roles {
		ref := registry.TxOutRef{TxID: bt.id, Index: uint32(first + k)}
		at.Payouts = append(at.Payouts, ref)
		l.payouts = append(l.payouts, payout{ref: ref, datum: d, block: i})
	}
	g.stats.RolePayouts += len(roles)
	truth.Applied = append(truth.Applied, at)
	g.stats.Applied++
	if l.trace != nil {
		g.stats.TraceSteps++
	}
	l.next++
	l.datum = next
	l.ready = i + 1
	if closed {
		l.closed = true
		g.stats.Closed++
	} else {
		l.cur = registry.TxOutRef{TxID: bt.id, Index: 0}
		switch {
		case l.trace != nil && l.next >= len(l.trace.Txs):
			// The trace ends with the contract open; it stays so.
			l.closed = true
		case l.trace == nil && l.next >= len(l.inst.moves):
			return fmt.Errorf("template %s ran out of moves before closing", l.tmpl)
		}
	}
	return nil
}

// claim is a role's withdrawal of its payouts from one contract.
type claim struct {
	l    *live
	role core.TokenName
}

// readyRole is a role with a payout of l paid before block i.
func (l *live) readyRole(i int) (core.TokenName, bool) {
	for _, p := range l.payouts {
		if p.block < i {
			return p.datum.Role, true
		}
	}
	return "", false
}

// withdraw spends, in one transaction, every payout paid before block i
// to each claim's role, possibly from several contracts.
func (g *gen) withdraw(claims []claim, i int, txs *[]builtTx, truth *Truth) error {
	w := txtest.Withdraw{Funding: []registry.TxOutRef{g.wallet()}, Collateral: []registry.TxOutRef{g.wallet()}, Fee: g.fee()}
	var spent []registry.TxOutRef
	for _, c := range claims {
		l := c.l
		if ref, ok := l.set.Payout.Reference(g.cfg.Network); ok && !slices.Contains(w.ScriptRefs, ref.Ref) {
			w.ScriptRefs = append(w.ScriptRefs, ref.Ref)
		}
		keep := l.payouts[:0]
		for _, p := range l.payouts {
			if p.block < i && p.datum.Role == c.role {
				w.Payouts = append(w.Payouts, p.ref)
				w.Datums = append(w.Datums, p.datum)
				spent = append(spent, p.ref)
				continue
			}
			keep = append(keep, p)
		}
		l.payouts = keep
		holder := l.holders[c.role]
		if holder == nil {
			holder = g.keyAddress()
		}
		w.Other = append(w.Other, txtest.Output{Address: holder, Lovelace: 1_000_000 + g.r.Uint64N(100_000_000)})
	}
	t, err := w.Tx()
	if err != nil {
		return fmt.Errorf("withdrawal: %w", err)
	}
	bt, err := encodeTx(t)
	if err != nil {
		return fmt.Errorf("withdrawal: %w", err)
	}
	*txs = append(*txs, bt)
	slices.SortFunc(spent, registry.CompareTxOutRef)
	truth.Withdrawn = append(truth.Withdrawn, Withdrawn{TxID: bt.id, Payouts: spent})
	g.stats.Withdrawals++
	if len(claims) > 1 {
		g.stats.MultiContractWithdrawals++
	}
	return nil
}

// malformedCreate writes a transaction with outputs at a semantics
// validator that are no contract: one without a datum, one whose inline
// datum is a payout datum.
func (g *gen) malformedCreate() (builtTx, []Rejected, error) {
	set := g.sets[g.r.IntN(len(g.sets))]
	addr := txtest.EnterpriseScriptAddress(set.Semantics.Hash, g.cfg.Network.AddressNetworkID())
	pol := g.hash28("bogus")
	bogus, err := core.EncodeData(core.PayoutDatum{RolesCurrency: core.CurrencySymbol(pol[:]), Role: "x"})
	if err != nil {
		return builtTx{}, nil, fmt.Errorf("malformed creation: %w", err)
	}
	t := &txtest.Tx{
		Inputs: []registry.TxOutRef{g.wallet()}, Fee: g.fee(),
		Outputs: []txtest.Output{
			{Address: addr, Lovelace: minAda},
			{Address: addr, Lovelace: minAda, InlineDatum: bogus},
			{Address: g.keyAddress(), Lovelace: 10_000_000},
		},
	}
	bt, err := encodeTx(t)
	if err != nil {
		return builtTx{}, nil, fmt.Errorf("malformed creation: %w", err)
	}
	g.stats.MalformedCreates++
	return bt, []Rejected{
		{Ref: registry.TxOutRef{TxID: bt.id, Index: 0}, Reason: extract.NoCreateDatum},
		{Ref: registry.TxOutRef{TxID: bt.id, Index: 1}, Reason: extract.InvalidCreateDatum},
	}, nil
}

// aggregate sums payments to parties per party, in first-payment order,
// as the Runtime pays each payee once per transaction.
func aggregate(ps []core.Payment) (map[core.Party]map[core.Token]*big.Int, []core.Party) {
	by := map[core.Party]map[core.Token]*big.Int{}
	var order []core.Party
	for _, p := range ps {
		if p.To.Kind != core.PayeeParty || p.Amount.Sign() <= 0 {
			continue
		}
		m, ok := by[p.To.Party]
		if !ok {
			m = map[core.Token]*big.Int{}
			by[p.To.Party] = m
			order = append(order, p.To.Party)
		}
		if m[p.Token] == nil {
			m[p.Token] = new(big.Int)
		}
		m[p.Token].Add(m[p.Token], p.Amount)
	}
	return by, order
}

// value converts a token map into an output value, assets sorted.
func (g *gen) value(m map[core.Token]*big.Int) (uint64, []txtest.Asset, error) {
	var lovelace uint64
	var assets []txtest.Asset
	for tok, n := range m {
		if !n.IsUint64() {
			return 0, nil, fmt.Errorf("%w: amount %s of %x.%x does not fit an output", errUnrepresentable, n, tok.Currency, tok.Name)
		}
		if tok.IsAda() {
			lovelace = n.Uint64()
			continue
		}
		var pol [28]byte
		if len(tok.Currency) != len(pol) {
			return 0, nil, fmt.Errorf("%w: policy id %x has %d bytes", errUnrepresentable, tok.Currency, len(tok.Currency))
		}
		copy(pol[:], tok.Currency)
		assets = append(assets, txtest.Asset{Policy: pol, Name: []byte(tok.Name), Quantity: n.Uint64()})
	}
	slices.SortFunc(assets, func(x, y txtest.Asset) int {
		if c := string(x.Policy[:]); c != string(y.Policy[:]) {
			if c < string(y.Policy[:]) {
				return -1
			}
			return 1
		}
		switch {
		case string(x.Name) < string(y.Name):
			return -1
		case string(x.Name) > string(y.Name):
			return 1
		}
		return 0
	})
	return lovelace, assets, nil
}
