package txjob

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/ledger"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// DefaultMaxJobs bounds how many submit jobs the handler remembers for
// Attach; the oldest finished ones are forgotten first.
const DefaultMaxJobs = 4096

// Node is what the handler asks the node: ledger-state queries in one
// acquired state and transaction submission. *n2c.Client implements it.
type Node interface {
	Query(ctx context.Context, fn func(*n2c.Snapshot) error) error
	SubmitTx(ctx context.Context, era uint16, tx []byte) error
}

// ScriptSource gives the reference-script outputs the builder may
// reference, resolved against the acquired node state s so that their
// contents are what the ledger will see.
type ScriptSource interface {
	ReferenceScripts(ctx context.Context, s *n2c.Snapshot) ([]txbuild.UTxO, error)
}

// ScriptRefs is a ScriptSource of known output references, resolved with
// local-state-query UTxOByTxIn. References that are spent (or unknown to
// the node) are left out; the builder then reports the script as not
// published.
type ScriptRefs []registry.TxOutRef

// ReferenceScripts implements ScriptSource.
func (r ScriptRefs) ReferenceScripts(_ context.Context, s *n2c.Snapshot) ([]txbuild.UTxO, error) {
	us, err := s.UTxOByTxIn(r...)
	if err != nil {
		return nil, fmt.Errorf("reference scripts: %w", err)
	}
	out := make([]txbuild.UTxO, 0, len(us))
	for _, u := range us {
		tu, err := txbuild.DecodeUTxO(u.Ref, u.Output.Cbor())
		if err != nil {
			return nil, fmt.Errorf("reference scripts: %w", err)
		}
		out = append(out, tu)
	}
	return out, nil
}

// RegistryScripts is the ScriptSource of a real network: the reference
// scripts the registry lists as published on network n.
func RegistryScripts(reg *registry.Registry, n registry.Network) ScriptRefs {
	var refs ScriptRefs
	for _, s := range reg.Scripts() {
		if r, ok := s.Reference(n); ok {
			refs = append(refs, r.Ref)
		}
	}
	return refs
}

// LedgerScripts is the ScriptSource of the validating devnet: the
// reference-script outputs its ledger created at genesis.
func LedgerScripts(l *ledger.Ledger) ScriptRefs {
	var refs ScriptRefs
	for _, s := range l.ReferenceScripts() {
		refs = append(refs, s.Ref)
	}
	return refs
}

// Config configures a Handler. Node, Store and Scripts are required.
type Config struct {
	Node    Node
	Store   *kv.Store
	Scripts ScriptSource
	// Objects is the contract store Create reads contracts given by hash
	// from; nil answers such a Create with CreateContractNotFound.
	Objects *kv.Objects
	// Network is the address network of built transactions.
	Network registry.Network
	// Registry resolves validator hashes (nil: registry.New()).
	Registry *registry.Registry
	// SafetyTimeout bounds Create's transaction safety analysis (0:
	// DefaultSafetyTimeout; negative: the analysis is skipped and only
	// the contract check runs).
	SafetyTimeout time.Duration
	// MaxJobs bounds the remembered submit jobs (0: DefaultMaxJobs).
	MaxJobs int
	Logger  zerolog.Logger
}

// Handler is the node- and index-backed protocol/txjob Handler. It is
// safe for concurrent use by many sessions; Close stops its submit
// watchers.
type Handler struct {
	cfg    Config
	reg    *registry.Registry
	log    zerolog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	jobs  map[types.TxId]*submitJob
	order []types.TxId
}

var _ ptx.Handler = (*Handler)(nil)

// New returns a Handler.
func New(cfg Config) (*Handler, error) {
	switch {
	case cfg.Node == nil:
		return nil, errors.New("txjob service: no node")
	case cfg.Store == nil:
		return nil, errors.New("txjob service: no index store")
	case cfg.Scripts == nil:
		return nil, errors.New("txjob service: no reference-script source")
	}
	if cfg.Network == 0 {
		cfg.Network = registry.Mainnet
	}
	if !cfg.Network.Valid() {
		return nil, fmt.Errorf("txjob service: invalid network %d", cfg.Network)
	}
	if cfg.MaxJobs <= 0 {
		cfg.MaxJobs = DefaultMaxJobs
	}
	reg := cfg.Registry
	if reg == nil {
		reg = registry.New()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Handler{cfg: cfg, reg: reg, log: cfg.Logger, ctx: ctx, cancel: cancel, jobs: map[types.TxId]*submitJob{}}, nil
}

// Close stops the submit watchers and waits for them. Jobs still running
// stay at their last status.
func (h *Handler) Close() {
	h.cancel()
	h.wg.Wait()
}

// Exec implements protocol/txjob.Handler.
func (h *Handler) Exec(ctx context.Context, cmd ptx.Command) (job.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch c := cmd.(type) {
	case ptx.Create:
		return job.Finished(h.create(ctx, c)), nil
	case ptx.ApplyInputs:
		return job.Finished(h.applyInputs(ctx, c)), nil
	case ptx.Withdraw:
		return job.Finished(h.withdraw(ctx, c)), nil
	case ptx.BurnRoleTokens:
		return job.Finished(h.burn(ctx, c)), nil
	case ptx.Submit:
		return h.submit(ctx, c), nil
	}
	return nil, fmt.Errorf("txjob service: unknown command %T", cmd)
}

// Attach implements protocol/txjob.Handler.
func (h *Handler) Attach(ctx context.Context, id ptx.JobIdSubmit) (job.Job, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	j, ok := h.jobs[id.TxId]
	if !ok {
		return nil, false, nil
	}
	return j, true, nil
}
