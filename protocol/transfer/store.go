package transfer

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Bounds on one imported contract, applied after linking. References let a
// small bundle denote a huge tree (each `If o (ContractRef x) (ContractRef
// x)` doubles it), and merkleizing and hashing walk the whole tree, so
// without a bound a few hundred bytes could cost exponential time. Haskell
// has no bound; real contracts are far below these.
const (
	// DefaultMaxContractSize bounds the nodes (contracts, cases, actions,
	// values, observations) of one linked contract.
	DefaultMaxContractSize = 1 << 20
	// DefaultMaxContractDepth bounds its nesting.
	DefaultMaxContractDepth = 1 << 16
)

// ErrContractTooLarge is the server failure for an imported contract
// beyond the size or depth bound.
var ErrContractTooLarge = errors.New("transfer: imported contract exceeds the size bound")

// StoreHandler implements Handler over a content-addressed contract store
// with the semantics of the Haskell TransferServer:
//
//   - import: each bundle is linked against the objects of the session so
//     far; every contract object is merkleized (each inline case
//     continuation other than Close is staged and replaced by its hash,
//     bottom-up) and staged, and the symbol table keeps the merkleized form;
//     a MerkleizedCase must name a contract already stored or staged
//     (ContinuationNotInStore). The staging area is flushed after each
//     bundle and committed by MsgImported.
//   - export: the closure of the root is listed at MsgRequestExport,
//     dependencies first (depth-first post-order, references in ascending
//     hash order), and downloaded in batches, each contract labelled with
//     the lowercase hex of its hash.
type StoreHandler struct {
	Store object.ContractStore
	// MaxBatch caps the contracts per MsgDownloaded (0: as many as the
	// client asks for).
	MaxBatch int
	// MaxContractSize and MaxContractDepth bound each imported contract
	// (0: the defaults).
	MaxContractSize, MaxContractDepth int
}

// BeginImport implements Handler.
func (h *StoreHandler) BeginImport(ctx context.Context) (Import, error) {
	area, err := h.Store.NewStagingArea(ctx)
	if err != nil {
		return nil, err
	}
	size, depth := h.MaxContractSize, h.MaxContractDepth
	if size < 1 {
		size = DefaultMaxContractSize
	}
	if depth < 1 {
		depth = DefaultMaxContractDepth
	}
	return &storeImport{area: area, table: object.SymbolTable{}, maxSize: size, maxDepth: depth}, nil
}

type storeImport struct {
	area              object.StagingArea
	table             object.SymbolTable
	maxSize, maxDepth int
}

func (s *storeImport) Upload(ctx context.Context, b object.ObjectBundle) (map[object.Label]types.DatumHash, error) {
	hashes := make(map[object.Label]types.DatumHash)
	err := s.table.LinkBundle(b, func(label object.Label, x object.Linked) (object.Linked, error) {
		if x.Type != object.ContractType {
			return x, nil
		}
		c, ok := x.Term.(core.Contract)
		if !ok {
			return x, fmt.Errorf("contract object holds %T", x.Term)
		}
		if err := checkBounds(c, s.maxSize, s.maxDepth); err != nil {
			return x, err
		}
		m, err := merkleizeAndStage(ctx, s.area, c)
		if err != nil {
			return x, err
		}
		h, err := s.area.Stage(ctx, m)
		if err != nil {
			return x, fmt.Errorf("stage: %w", err)
		}
		hashes[label] = types.DatumHash(h)
		return object.Linked{Type: object.ContractType, Term: m}, nil
	})
	if err != nil {
		var ie *object.ImportError
		if errors.As(err, &ie) {
			return nil, ie
		}
		var le *object.LinkError
		if errors.As(err, &le) {
			return nil, &object.ImportError{Kind: object.ImportLinkError, Link: *le}
		}
		return nil, err
	}
	if err := s.area.Flush(ctx); err != nil {
		return nil, fmt.Errorf("flush: %w", err)
	}
	return hashes, nil
}

func (s *storeImport) Commit(ctx context.Context) error  { return s.area.Commit(ctx) }
func (s *storeImport) Discard(ctx context.Context) error { return s.area.Discard(ctx) }

// merkleizeAndStage is Haskell's merkleizeAndStore: inline cases with a
// continuation other than Close are merkleized bottom-up and their
// continuations staged; merkleized cases must name a known contract.
func merkleizeAndStage(ctx context.Context, area object.StagingArea, c core.Contract) (core.Contract, error) {
	switch x := c.(type) {
	case core.Close:
		return x, nil
	case core.Pay:
		k, err := merkleizeAndStage(ctx, area, x.Then)
		if err != nil {
			return nil, err
		}
		x.Then = k
		return x, nil
	case core.If:
		t, err := merkleizeAndStage(ctx, area, x.Then)
		if err != nil {
			return nil, err
		}
		e, err := merkleizeAndStage(ctx, area, x.Else)
		if err != nil {
			return nil, err
		}
		x.Then, x.Else = t, e
		return x, nil
	case core.When:
		cases := make([]core.Case, len(x.Cases))
		for i, cs := range x.Cases {
			mc, err := merkleizeAndStageCase(ctx, area, cs)
			if err != nil {
				return nil, err
			}
			cases[i] = mc
		}
		k, err := merkleizeAndStage(ctx, area, x.Continuation)
		if err != nil {
			return nil, err
		}
		x.Cases, x.Continuation = cases, k
		return x, nil
	case core.Let:
		k, err := merkleizeAndStage(ctx, area, x.Then)
		if err != nil {
			return nil, err
		}
		x.Then = k
		return x, nil
	case core.Assert:
		k, err := merkleizeAndStage(ctx, area, x.Then)
		if err != nil {
			return nil, err
		}
		x.Then = k
		return x, nil
	}
	return nil, fmt.Errorf("merkleize: unsupported contract %T", c)
}

func merkleizeAndStageCase(ctx context.Context, area object.StagingArea, cs core.Case) (core.Case, error) {
	if cs.Merkleized {
		h := object.ContractHash(cs.Hash)
		ok, err := area.Exists(ctx, h)
		if err != nil {
			return core.Case{}, fmt.Errorf("merkleize: %w", err)
		}
		if !ok {
			return core.Case{}, &object.ImportError{Kind: object.ContinuationNotInStore, Hash: h}
		}
		return cs, nil
	}
	if _, isClose := cs.Then.(core.Close); isClose {
		return cs, nil
	}
	k, err := merkleizeAndStage(ctx, area, cs.Then)
	if err != nil {
		return core.Case{}, err
	}
	h, err := area.Stage(ctx, k)
	if err != nil {
		return core.Case{}, fmt.Errorf("stage: %w", err)
	}
	return core.Case{Action: cs.Action, Merkleized: true, Hash: []byte(h)}, nil
}

// checkBounds walks c (iteratively, stopping at the first excess) and fails
// with ErrContractTooLarge if it has more than maxSize nodes or nests
// deeper than maxDepth.
func checkBounds(c core.Contract, maxSize, maxDepth int) error {
	type entry struct {
		term  any
		depth int
	}
	stack := []entry{{c, 1}}
	size := 0
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e.term == nil {
			continue
		}
		size++
		if size > maxSize {
			return fmt.Errorf("%w: more than %d nodes", ErrContractTooLarge, maxSize)
		}
		if e.depth > maxDepth {
			return fmt.Errorf("%w: nested deeper than %d levels", ErrContractTooLarge, maxDepth)
		}
		d := e.depth + 1
		add := func(ts ...any) {
			for _, t := range ts {
				stack = append(stack, entry{t, d})
			}
		}
		switch x := e.term.(type) {
		case core.Pay:
			add(x.Amount, x.Then)
		case core.If:
			add(x.Obs, x.Then, x.Else)
		case core.When:
			for _, cs := range x.Cases {
				add(cs.Action)
				if !cs.Merkleized {
					add(cs.Then)
				}
			}
			add(x.Continuation)
		case core.Let:
			add(x.Value, x.Then)
		case core.Assert:
			add(x.Obs, x.Then)
		case core.Deposit:
			add(x.Amount)
		case core.Notify:
			add(x.Obs)
		case core.NegValue:
			add(x.V)
		case core.AddValue:
			add(x.L, x.R)
		case core.SubValue:
			add(x.L, x.R)
		case core.MulValue:
			add(x.L, x.R)
		case core.DivValue:
			add(x.L, x.R)
		case core.Cond:
			add(x.Obs, x.Then, x.Else)
		case core.AndObs:
			add(x.L, x.R)
		case core.OrObs:
			add(x.L, x.R)
		case core.NotObs:
			add(x.O)
		case core.ValueGE:
			add(x.L, x.R)
		case core.ValueGT:
			add(x.L, x.R)
		case core.ValueLT:
			add(x.L, x.R)
		case core.ValueLE:
			add(x.L, x.R)
		case core.ValueEQ:
			add(x.L, x.R)
		}
	}
	return nil
}

// BeginExport implements Handler.
func (h *StoreHandler) BeginExport(ctx context.Context, root types.DatumHash) (Export, bool, error) {
	order, found, err := exportOrder(ctx, h.Store, object.ContractHash(root))
	if err != nil || !found {
		return nil, found, err
	}
	return &storeExport{store: h.Store, hashes: order, maxBatch: h.MaxBatch}, true, nil
}

// exportOrder lists root and every contract it reaches, each after the
// contracts it refers to (Haskell getClosureInExportOrder: depth-first,
// references in ascending hash order, each contract once). found is false
// if any of them is missing.
func exportOrder(ctx context.Context, store object.ContractStore, root object.ContractHash) ([]object.ContractHash, bool, error) {
	type frame struct {
		hash object.ContractHash
		adj  []object.ContractHash
		next int
	}
	load := func(h object.ContractHash) (frame, bool, error) {
		c, ok, err := store.Contract(ctx, h)
		if err != nil || !ok {
			return frame{}, ok, err
		}
		return frame{hash: h, adj: object.Adjacency(c)}, true, nil
	}
	first, ok, err := load(root)
	if err != nil || !ok {
		return nil, ok, err
	}
	var order []object.ContractHash
	done := map[object.ContractHash]bool{}
	onPath := map[object.ContractHash]bool{root: true}
	stack := []frame{first}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < len(top.adj) {
			h := top.adj[top.next]
			top.next++
			if done[h] {
				continue
			}
			if onPath[h] {
				// Impossible for honest content addressing; a corrupt
				// store must not loop the server forever.
				return nil, false, fmt.Errorf("export: contract %s refers to itself", hex.EncodeToString([]byte(h)))
			}
			f, ok, err := load(h)
			if err != nil || !ok {
				return nil, ok, err
			}
			onPath[h] = true
			stack = append(stack, f)
			continue
		}
		order = append(order, top.hash)
		done[top.hash] = true
		delete(onPath, top.hash)
		stack = stack[:len(stack)-1]
	}
	return order, true, nil
}

type storeExport struct {
	store    object.ContractStore
	hashes   []object.ContractHash
	maxBatch int
}

func (s *storeExport) Next(ctx context.Context, limit uint64) (object.ObjectBundle, error) {
	n := uint64(len(s.hashes))
	if limit < n {
		n = limit
	}
	if s.maxBatch > 0 && n > uint64(s.maxBatch) {
		n = uint64(s.maxBatch)
	}
	b := make(object.ObjectBundle, 0, n)
	for _, h := range s.hashes[:n] {
		c, ok, err := s.store.Contract(ctx, h)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("contract %s vanished from the store during export", hex.EncodeToString([]byte(h)))
		}
		o, err := object.FromCoreContract(c)
		if err != nil {
			return nil, fmt.Errorf("contract %s: %w", hex.EncodeToString([]byte(h)), err)
		}
		b = append(b, object.LabelledObject{Label: object.Label(hex.EncodeToString([]byte(h))), Object: o})
	}
	s.hashes = s.hashes[n:]
	return b, nil
}

func (s *storeExport) Close() error { return nil }
