package safety

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/blinklabs-io/plutigo/cek"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
)

// BuildConfig is what the mock-wallet check needs to build apply-inputs
// transactions: the ledger's protocol parameters and the reference-script
// UTxOs of the validators. Everything else (the wallet, the contract's
// output, the clock) is mocked per transaction, as the Runtime does.
type BuildConfig struct {
	// Params are the protocol parameters the transactions must satisfy
	// (min-UTxO, maxTxSize, maxTxExUnits, fees).
	Params txbuild.Params
	// ScriptRefs are the reference-script UTxOs; the semantics and payout
	// validators of Version must be among them.
	ScriptRefs []txbuild.UTxO
	// Registry resolves validator hashes; nil means registry.New().
	Registry *registry.Registry
	// Network is the address network of the mock addresses.
	Network registry.Network
	// Version selects the semantics validator the contract runs under;
	// zero means registry.CurrentVersion.
	Version registry.Version
}

// Mock-wallet amounts. The Runtime funds its mock wallet with a 50 ada
// buffer plus what the transaction needs, padded by 2 ada per token kind;
// the same generosity is used here so that only the contract's own outputs
// (the Marlowe continuation, payouts) and the ledger limits can fail.
const (
	mockBufferLovelace = 50_000_000
	mockTokenPadding   = 2_000_000
	// mockSlotOffset is the tip slot of every mock build: the clock is
	// shifted so that the transaction's instant lies this many
	// milliseconds (slots) after the origin.
	mockSlotOffset = 1000
)

// CheckTransactionsBuilt is the whole of the Runtime's checkTransactions:
// it finds the transactions along the execution paths of the contract in
// datum (FindTransactions) and builds each one with txbuild.ApplyInputs
// against a mock wallet that holds ample ada, the tokens the transaction
// deposits and the role tokens its inputs need, spending a mock Marlowe
// output that holds the transaction's starting state. Like the Runtime,
// each transaction contributes either one build finding or its semantic
// warnings:
//
//   - a transaction over maxTxSize: TransactionSizeMayExceedProtocol;
//   - a transaction over maxTxExUnits, or whose validator exhausts the
//     evaluation budget: TransactionCostMayExceedProtocol (the Runtime
//     folds these two into TransactionValidationError; the dedicated
//     constructors are used here because the builder knows);
//   - any other build failure (a Marlowe output below min-UTxO, a payout
//     that cannot be represented, a validator that rejects the
//     transaction): TransactionValidationError with the builder's message;
//   - a transaction that builds: one TransactionWarning per warning.
//
// The Options bound finding and building together: when the step budget
// or the time runs out, the findings are a single SafetyAnalysisTimeout.
// It fails on a malformed contract, state or configuration and when ctx
// is cancelled.
func CheckTransactionsBuilt(ctx context.Context, datum core.MarloweData, conts Continuations, opts Options, cfg BuildConfig) ([]Error, error) {
	b, err := newMockBuilder(cfg, datum.Params)
	if err != nil {
		return nil, err
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		opts.Timeout = 0
	}
	txs, err := FindTransactions(ctx, datum.State, datum.Contract, conts, opts)
	if errors.Is(err, ErrAnalysisLimit) {
		return []Error{SafetyAnalysisTimeout{}}, nil
	}
	if err != nil {
		return nil, err
	}
	var errs []Error
	for _, tx := range txs {
		if err := ctx.Err(); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return []Error{SafetyAnalysisTimeout{}}, nil
			}
			return nil, fmt.Errorf("safety: transaction builds: %w", err)
		}
		// The ledger has no time before the POSIX epoch (nor past int64
		// milliseconds): a transaction there can never be built, and
		// building it would judge the mock, not the contract. Only its
		// warnings are reported.
		if representable(tx.Input.Interval) {
			if finding := b.check(tx); finding != nil {
				errs = append(errs, finding)
				continue
			}
		}
		for _, w := range tx.Output.Warnings {
			errs = append(errs, TransactionWarning{Tx: tx, Warning: w})
		}
	}
	return errs, nil
}

// representable reports whether the ledger can express iv: its bounds are
// POSIX milliseconds from the epoch within int64.
func representable(iv core.TimeInterval) bool {
	return iv.From != nil && iv.To != nil && iv.From.Sign() >= 0 && iv.To.IsInt64() &&
		iv.From.Cmp(iv.To) <= 0 && iv.To.Int64() < math.MaxInt64-2*mockSlotOffset
}

// mockBuilder builds the transactions of one contract.
type mockBuilder struct {
	cfg     BuildConfig
	params  core.MarloweParams
	marlowe []byte // the semantics validator's address
	change  []byte // the mock wallet's address
	roles   *[28]byte
}

func newMockBuilder(cfg BuildConfig, params core.MarloweParams) (*mockBuilder, error) {
	if !cfg.Network.Valid() {
		return nil, fmt.Errorf("safety: build config: invalid network %d", cfg.Network)
	}
	reg := cfg.Registry
	if reg == nil {
		reg = registry.New()
		cfg.Registry = reg
	}
	v := cfg.Version
	if v == 0 {
		v = registry.CurrentVersion
	}
	set, ok := reg.Set(v)
	if !ok {
		return nil, fmt.Errorf("safety: build config: no script set %s", v)
	}
	b := &mockBuilder{cfg: cfg, params: params, marlowe: set.Semantics.EnterpriseAddressBytes(cfg.Network)}
	// An enterprise key address (header 0110, network id) with a fixed,
	// recognisable key hash: nothing is ever signed by it.
	b.change = make([]byte, 29)
	b.change[0] = 0x60 | cfg.Network.AddressNetworkID()
	for i := 1; i < len(b.change); i++ {
		b.change[i] = 0xAA
	}
	if len(params.RolesCurrency) == 28 {
		var p [28]byte
		copy(p[:], params.RolesCurrency)
		b.roles = &p
	}
	return b, nil
}

// check builds tx and returns its finding, nil when it builds.
func (b *mockBuilder) check(tx Transaction) (finding Error) {
	defer func() {
		// The builder evaluates the validators on arbitrary contracts;
		// a crash there must become a finding, not take the service down.
		if r := recover(); r != nil {
			finding = TransactionValidationError{Tx: tx, Message: fmt.Sprintf("transaction builder panicked: %v", r)}
		}
	}()
	env, req, err := b.request(tx)
	if err != nil {
		return TransactionValidationError{Tx: tx, Message: err.Error()}
	}
	_, err = txbuild.ApplyInputs(env, req)
	if err == nil {
		return nil
	}
	var lim *txbuild.LimitExceededError
	if errors.As(err, &lim) {
		if lim.Kind == txbuild.LimitTxSize {
			return TransactionSizeMayExceedProtocol{Tx: tx, Bytes: new(big.Int).SetUint64(lim.Size)}
		}
		return TransactionCostMayExceedProtocol{Tx: tx, Cost: ExBudget{CPU: lim.ExUnits.Steps, Memory: lim.ExUnits.Mem}}
	}
	var budget *cek.BudgetError
	if errors.As(err, &budget) {
		// A validator ran out of the evaluation budget, which is at
		// least the protocol's limit: the cost is not known beyond
		// that, so the limit is reported as its lower bound.
		lim := b.cfg.Params.MaxTxExUnits
		return TransactionCostMayExceedProtocol{Tx: tx, Cost: ExBudget{CPU: lim.Steps, Memory: lim.Mem}}
	}
	return TransactionValidationError{Tx: tx, Message: err.Error()}
}

// request lays down the mock world of one transaction: a clock whose tip
// is the transaction's instant, the Marlowe output holding its starting
// state, and a wallet able to pay for it.
func (b *mockBuilder) request(tx Transaction) (txbuild.Env, txbuild.ApplyRequest, error) {
	var env txbuild.Env
	var req txbuild.ApplyRequest
	iv := tx.Input.Interval
	if !representable(iv) {
		return env, req, fmt.Errorf("transaction interval [%v, %v] out of the ledger's time range", iv.From, iv.To)
	}
	from, to := iv.From.Int64(), iv.To.Int64()
	clock := mockClock{origin: from - mockSlotOffset}
	validFrom := uint64(mockSlotOffset)
	// The validator sees [start of ValidFrom, start of ValidTo − 1 ms].
	validTo := uint64(to-from) + mockSlotOffset + 1

	datum := core.MarloweData{Params: b.params, State: tx.State, Contract: tx.Contract}
	held, err := accountsValue(tx.State.Accounts)
	if err != nil {
		return env, req, fmt.Errorf("invalid accounts state: %w", err)
	}
	raw, err := core.EncodeData(datum)
	if err != nil {
		return env, req, fmt.Errorf("contract datum: %w", err)
	}
	h := core.DatumHash(raw)
	ctr := txbuild.UTxO{
		Ref: registry.TxOutRef{TxID: mockTxID(0xEE), Index: 0},
		Out: txbuild.TxOut{Address: b.marlowe, Value: held, DatumHash: h[:]},
	}
	wallet, err := b.wallet(tx.Input.Inputs)
	if err != nil {
		return env, req, err
	}
	env = txbuild.Env{
		Params:     b.cfg.Params,
		Time:       clock,
		TipSlot:    validFrom,
		Wallet:     wallet,
		ScriptRefs: b.cfg.ScriptRefs,
		Registry:   b.cfg.Registry,
	}
	req = txbuild.ApplyRequest{
		Contract:  &ctr,
		Datum:     datum,
		DatumCBOR: raw,
		Inputs:    tx.Input.Inputs,
		ValidFrom: &validFrom,
		ValidTo:   &validTo,
	}
	return env, req, nil
}

// wallet is the mock wallet of one transaction: a pure-ada buffer (fees,
// collateral, min-UTxO top-ups), one output with what the inputs deposit,
// and one output per role token the inputs are authorised by.
func (b *mockBuilder) wallet(inputs []core.Input) (txbuild.Wallet, error) {
	w := txbuild.Wallet{ChangeAddress: b.change}
	add := func(v txbuild.Value) {
		w.UTxOs = append(w.UTxOs, txbuild.UTxO{
			Ref: registry.TxOutRef{TxID: mockTxID(0xFF), Index: uint32(len(w.UTxOs))},
			Out: txbuild.TxOut{Address: b.change, Value: v},
		})
	}
	add(txbuild.Value{Lovelace: mockBufferLovelace})

	var deposits []core.AccountEntry
	var roles []core.TokenName
	for _, in := range inputs {
		if c, ok := in.Content.(core.IDeposit); ok && c.Amount != nil && c.Amount.Sign() > 0 {
			deposits = append(deposits, core.AccountEntry{Account: c.From, Token: c.Token, Amount: c.Amount})
		}
		if p, ok := core.Authoriser(in.Content); ok && p.Kind == core.RoleParty {
			roles = appendRole(roles, p.Role)
		}
	}
	if len(deposits) > 0 {
		v, err := accountsValue(deposits)
		if err != nil {
			return w, fmt.Errorf("deposits: %w", err)
		}
		pad := uint64(mockTokenPadding) * uint64(len(v.Assets))
		if v.Lovelace > math.MaxUint64-pad {
			return w, errors.New("deposits: lovelace beyond the ledger's range")
		}
		v.Lovelace += pad
		add(v)
	}
	if b.roles != nil {
		// Without a roles currency the builder reports the missing
		// token, as it would for a real wallet.
		for _, r := range roles {
			add(txbuild.Value{Lovelace: mockTokenPadding, Assets: map[txbuild.AssetID]uint64{{Policy: *b.roles, Name: string(r)}: 1}})
		}
	}
	return w, nil
}

func appendRole(roles []core.TokenName, r core.TokenName) []core.TokenName {
	for _, x := range roles {
		if x == r {
			return roles
		}
	}
	return append(roles, r)
}

// accountsValue totals entries as a ledger value: it fails on amounts the
// ledger cannot hold (negative, beyond 64 bits) and on currency symbols
// that are not policy ids.
func accountsValue(entries []core.AccountEntry) (txbuild.Value, error) {
	var v txbuild.Value
	for _, e := range entries {
		if e.Amount == nil || e.Amount.Sign() < 0 || !e.Amount.IsUint64() {
			return v, fmt.Errorf("amount %v of %x.%x outside the ledger's range", e.Amount, string(e.Token.Currency), string(e.Token.Name))
		}
		q := e.Amount.Uint64()
		if q == 0 {
			continue
		}
		if e.Token.IsAda() {
			if v.Lovelace > math.MaxUint64-q {
				return v, errors.New("lovelace total beyond the ledger's range")
			}
			v.Lovelace += q
			continue
		}
		if len(e.Token.Currency) != 28 {
			return v, fmt.Errorf("currency symbol %x is not a policy id", string(e.Token.Currency))
		}
		var id txbuild.AssetID
		copy(id.Policy[:], e.Token.Currency)
		id.Name = string(e.Token.Name)
		if v.Assets == nil {
			v.Assets = map[txbuild.AssetID]uint64{}
		}
		if v.Assets[id] > math.MaxUint64-q {
			return v, fmt.Errorf("total of %x.%x beyond the ledger's range", string(e.Token.Currency), string(e.Token.Name))
		}
		v.Assets[id] += q
	}
	return v, nil
}

// mockTxID is a recognisable transaction id for mock outputs.
func mockTxID(fill byte) registry.TxID {
	var id registry.TxID
	for i := range id {
		id[i] = fill
	}
	return id
}

// mockClock is a one-millisecond-slot era starting at origin (POSIX
// milliseconds), so that every Marlowe instant has its own slot and the
// validity interval is exactly the transaction's.
type mockClock struct{ origin int64 }

// SlotToTime implements txbuild.TimeConverter.
func (c mockClock) SlotToTime(s uint64) (time.Time, error) {
	if s > math.MaxInt64 || c.origin > math.MaxInt64-int64(s) {
		return time.Time{}, fmt.Errorf("slot %d beyond the mock era", s)
	}
	return time.UnixMilli(c.origin + int64(s)), nil
}

// TimeToSlot implements txbuild.TimeConverter.
func (c mockClock) TimeToSlot(t time.Time) (uint64, error) {
	ms := t.UnixMilli()
	if ms < c.origin {
		return 0, fmt.Errorf("time %d before the mock era's start %d", ms, c.origin)
	}
	return uint64(ms - c.origin), nil
}
