package txjob

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/txbuild"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// builtOutputs decodes the outputs of a built transaction.
func builtOutputs(res *txbuild.Result) ([]txbuild.UTxO, error) {
	tx, err := conway.NewConwayTransactionFromCbor(res.CBOR)
	if err != nil {
		return nil, fmt.Errorf("decode built transaction: %w", err)
	}
	outs := tx.Outputs()
	us := make([]txbuild.UTxO, len(outs))
	for i, o := range outs {
		u, err := txbuild.DecodeUTxO(registry.TxOutRef{TxID: res.TxID, Index: uint32(i)}, o.Cbor())
		if err != nil {
			return nil, err
		}
		us[i] = u
	}
	return us, nil
}

// ---------------------------------------------------------------------------
// Create

func (h *Handler) create(ctx context.Context, c ptx.Create) job.Outcome {
	fail := func(e ptx.CreateError) job.Outcome { return job.FailedWith(e) }
	contract := c.Contract.Left
	if c.Contract.IsRight {
		if h.cfg.Objects == nil {
			return fail(ptx.CreateContractNotFound{})
		}
		got, ok, err := h.cfg.Objects.Contract([]byte(c.Contract.Right))
		if err != nil || !ok {
			return fail(ptx.CreateContractNotFound{})
		}
		contract = got
	}
	req := txbuild.CreateRequest{Contract: contract}
	if c.StakeCredential != nil {
		req.StakeCredential = &core.Credential{Script: c.StakeCredential.Script, Hash: c.StakeCredential.Hash}
	}
	var err error
	if req.Roles, err = rolesOf(c.RoleTokens, c.ThreadTokenName); err != nil {
		return fail(ptx.CreateConstraintError{Err: ptx.BalancingError{Message: err.Error()}})
	}
	if req.Accounts, err = coreAccounts(c.Accounts); err != nil {
		return fail(ptx.CreateBuildupFailed{Err: ptx.InvalidInitialState{}})
	}
	meta, err := metadataOf(c.Metadata)
	if err != nil {
		return fail(ptx.CreateConstraintError{Err: ptx.BalancingError{Message: err.Error()}})
	}
	req.Tags, req.ContinuationsURI, req.Metadata = meta.tags, meta.continuations, meta.labels
	if m := c.MinLovelaceDeposit; m != nil {
		if m.Sign() < 0 || !m.IsUint64() {
			return fail(ptx.InsufficientMinAdaDeposit{Lovelace: new(big.Int)})
		}
		req.MinLovelace = m.Uint64()
	}
	// The node is read under its query lock; the build (coin selection,
	// script evaluation) runs after it, so builds run in parallel.
	var st nodeState
	qerr := h.cfg.Node.Query(ctx, func(s *n2c.Snapshot) error {
		var err error
		st, err = h.loadEnv(ctx, s, c.WalletAddresses)
		return err
	})
	if qerr != nil {
		h.log.Debug().Err(qerr).Msg("create failed")
		return fail(h.createError(qerr))
	}
	cr, err := txbuild.Create(st.env, req)
	if err != nil {
		h.log.Debug().Err(err).Msg("create failed")
		return fail(h.createError(err))
	}
	if m := c.MinLovelaceDeposit; m != nil && m.Uint64() < cr.Deposit {
		// The Runtime refuses a deposit below the minimum instead of
		// raising it; so does this handler, naming the minimum.
		return fail(ptx.InsufficientMinAdaDeposit{Lovelace: new(big.Int).SetUint64(cr.Deposit)})
	}
	outs, err := builtOutputs(cr.Result)
	if err != nil || len(outs) == 0 {
		return fail(ptx.CreateToCardanoError{})
	}
	pd, err := core.ToData(cr.Datum)
	if err != nil {
		return fail(ptx.CreateToCardanoError{})
	}
	set, ok := h.reg.Set(registry.CurrentVersion)
	if !ok {
		return fail(ptx.CreateToCardanoError{})
	}
	id, err := view.ContractId(cr.ContractID)
	if err != nil {
		return fail(ptx.CreateToCardanoError{})
	}
	safetyErrs, err := h.createSafety(ctx, cr.Datum, req.Roles)
	if err != nil {
		return fail(ptx.CreateSafetyAnalysisError{Message: err.Error()})
	}
	if len(safetyErrs) > 0 && len(c.Accounts) > 0 {
		// With initial accounts the contract can be unsafe from its
		// first transaction, so the Runtime refuses to create it.
		return fail(ptx.CreateSafetyAnalysisFailed{Errors: safetyErrs})
	}
	md, err := createdMetadata(c.Metadata, cr.Metadata)
	if err != nil {
		h.log.Debug().Err(err).Msg("create failed")
		return fail(ptx.CreateToCardanoError{})
	}
	return job.SucceededWith(ptx.ContractCreated{
		Era: types.BabbageEraOnwardsConway, ContractId: id, RolesCurrency: types.PolicyId(cr.RolesCurrency),
		Metadata: md, MarloweScriptHash: view.ScriptHash(set.Semantics.Hash),
		MarloweScriptAddress: types.Address(outs[0].Out.Address), PayoutScriptHash: view.ScriptHash(set.Payout.Hash),
		PayoutScriptAddress: types.Address(set.Payout.EnterpriseAddressBytes(h.cfg.Network)),
		Datum:               pd, Assets: wireAssets(outs[0].Out.Value), TxBody: cr.CBOR, SafetyErrors: safetyErrs,
	})
}

// cip25Label is the transaction-metadata label of CIP-25 token metadata.
const cip25Label uint64 = 721

// createdMetadata is ContractCreated.Metadata: the metadata the request
// asked for with label 721 as the built transaction carries it (the
// Runtime reports the transaction's metadata, whose 721 entry — the role
// tokens' CIP-25 metadata — replaces any the request held). Without a
// label 721 in the transaction the request's 721, if any, is dropped too,
// since the transaction does not carry it. The request's map is not
// modified.
func createdMetadata(req types.MarloweTransactionMetadata, written map[uint64][]byte) (types.MarloweTransactionMetadata, error) {
	out := types.MarloweTransactionMetadata{Marlowe: req.Marlowe, Metadata: maps.Clone(req.Metadata)}
	delete(out.Metadata, cip25Label)
	raw, ok := written[cip25Label]
	if !ok {
		return out, nil
	}
	wire, err := view.Metadata([]extract.MetadataLabel{{Label: cip25Label, CBOR: raw}})
	if err != nil {
		return types.MarloweTransactionMetadata{}, fmt.Errorf("built transaction metadata: %w", err)
	}
	if out.Metadata == nil {
		out.Metadata = types.TransactionMetadata{}
	}
	out.Metadata[cip25Label] = wire.Metadata[cip25Label]
	return out, nil
}

// rolesOf converts the role-token configuration; thread names the thread
// token of a contract with open roles (nil: ""). A role may go to several
// destinations — addresses and/or the open-role validator (a script
// recipient) — each with its quantity: the first in the wire map's order
// (Destination's Ord) becomes the builder's RoleRecipient, the others its
// Extra, so that the transaction's outputs come out in a deterministic
// order. CIP-25 role metadata is encoded as the Runtime encodes it
// (cip25.go).
func rolesOf(rc ptx.RoleTokensConfig, thread *types.TokenName) (txbuild.RolesConfig, error) {
	one := func(role types.TokenName, d ptx.Destination, q *big.Int) (txbuild.RoleRecipient, error) {
		if q == nil || q.Sign() <= 0 || !q.IsUint64() {
			return txbuild.RoleRecipient{}, fmt.Errorf("role %q: quantity %v out of range", string(role), q)
		}
		switch d.Kind {
		case ptx.ToAddress:
			return txbuild.RoleRecipient{Address: []byte(d.Address), Quantity: q.Uint64()}, nil
		case ptx.ToScript:
			if d.Script != ptx.OpenRoleScript {
				return txbuild.RoleRecipient{}, fmt.Errorf("role %q: unknown helper script %d", string(role), d.Script)
			}
			return txbuild.RoleRecipient{OpenRole: true, Quantity: q.Uint64()}, nil
		}
		return txbuild.RoleRecipient{}, fmt.Errorf("role %q: destination kind %d", string(role), d.Kind)
	}
	recipient := func(role types.TokenName, m map[ptx.Destination]*big.Int) (txbuild.RoleRecipient, error) {
		if len(m) == 0 {
			return txbuild.RoleRecipient{}, fmt.Errorf("role %q: no recipients", string(role))
		}
		dests := slices.SortedFunc(maps.Keys(m), ptx.CompareDestination)
		var out txbuild.RoleRecipient
		for i, d := range dests {
			r, err := one(role, d, m[d])
			if err != nil {
				return txbuild.RoleRecipient{}, err
			}
			if i == 0 {
				out = r
				continue
			}
			out.Extra = append(out.Extra, r)
		}
		return out, nil
	}
	var threadName core.TokenName
	if thread != nil {
		threadName = core.TokenName(*thread)
	}
	switch v := rc.(type) {
	case nil, ptx.RoleTokensNone:
		return txbuild.RolesConfig{Mode: txbuild.RolesNone}, nil
	case ptx.RoleTokensUsePolicy:
		if len(v.Policy) != 28 {
			return txbuild.RolesConfig{}, fmt.Errorf("policy id of %d bytes", len(v.Policy))
		}
		out := txbuild.RolesConfig{Mode: txbuild.RolesUsePolicy, Distribution: map[core.TokenName]txbuild.RoleRecipient{}, ThreadTokenName: threadName}
		copy(out.Policy[:], v.Policy)
		for role, m := range v.Distribution {
			r, err := recipient(role, m)
			if err != nil {
				return out, err
			}
			out.Distribution[core.TokenName(role)] = r
		}
		return out, nil
	case ptx.RoleTokensMint:
		out := txbuild.RolesConfig{Mode: txbuild.RolesMint, Distribution: map[core.TokenName]txbuild.RoleRecipient{}, ThreadTokenName: threadName}
		for role, mr := range v.Mint {
			if mr.Metadata != nil {
				md, err := roleMetadataCBOR(*mr.Metadata)
				if err != nil {
					return out, fmt.Errorf("role %q: %w", string(role), err)
				}
				if out.Metadata == nil {
					out.Metadata = map[core.TokenName][]byte{}
				}
				out.Metadata[core.TokenName(role)] = md
			}
			r, err := recipient(role, mr.Recipients)
			if err != nil {
				return out, err
			}
			out.Distribution[core.TokenName(role)] = r
		}
		return out, nil
	}
	return txbuild.RolesConfig{}, fmt.Errorf("role tokens config %T", rc)
}

// ---------------------------------------------------------------------------
// ApplyInputs

// current is a contract's unspent output as the index knows it.
type current struct {
	header kv.ContractHeader
	out    *kv.Step
}

// currentOutput finds the contract's latest output in the index; out is
// nil when the contract has closed.
func (h *Handler) currentOutput(id registry.TxOutRef) (cur current, found bool, err error) {
	hdr, ok, err := h.cfg.Store.Contract(id)
	if err != nil || !ok {
		return cur, false, err
	}
	cur.header = hdr
	steps, err := h.cfg.Store.Steps(id)
	if err != nil {
		return cur, true, err
	}
	for i := len(steps) - 1; i >= 0; i-- {
		st := steps[i]
		if st.Kind == kv.StepWithdraw {
			continue
		}
		if st.Closed || st.Output == nil {
			return cur, true, nil
		}
		cur.out = &steps[i]
		return cur, true, nil
	}
	return cur, true, nil
}

func (h *Handler) applyInputs(ctx context.Context, c ptx.ApplyInputs) job.Outcome {
	fail := func(e ptx.ApplyInputsError) job.Outcome { return job.FailedWith(e) }
	ref, err := view.ContractRef(c.ContractId)
	if err != nil {
		return fail(ptx.ApplyInputsLoadMarloweContextFailed{Err: ptx.LoadMarloweContextErrorNotFound{}})
	}
	cur, found, err := h.currentOutput(ref)
	if err != nil {
		return fail(ptx.ApplyInputsConstraintError{Err: ptx.BalancingError{Message: err.Error()}})
	}
	if !found {
		return fail(ptx.ApplyInputsLoadMarloweContextFailed{Err: ptx.LoadMarloweContextErrorNotFound{}})
	}
	if cur.out == nil {
		return fail(ptx.ScriptOutputNotFound{})
	}
	out := cur.out.Output
	datum, err := core.DecodeData[core.MarloweData](out.Datum)
	if err != nil {
		return fail(ptx.ApplyInputsConstraintsBuildupFailed{Err: ptx.InvalidMarloweState{}})
	}
	inputs, err := ptx.InputsFromData(c.Inputs)
	if err != nil {
		return fail(ptx.ApplyInputsConstraintError{Err: ptx.BalancingError{Message: err.Error()}})
	}
	meta, err := metadataOf(c.Metadata)
	if err != nil {
		return fail(ptx.ApplyInputsConstraintError{Err: ptx.BalancingError{Message: err.Error()}})
	}
	var (
		areq    txbuild.ApplyRequest
		ctrUTxO txbuild.UTxO
		st      nodeState
		outcome *job.Outcome
	)
	qerr := h.cfg.Node.Query(ctx, func(s *n2c.Snapshot) error {
		var err error
		if st, err = h.loadEnv(ctx, s, c.WalletAddresses); err != nil {
			return err
		}
		if st.genesis {
			o := fail(ptx.TipAtGenesis{})
			outcome = &o
			return nil
		}
		us, err := s.UTxOByTxIn(out.Ref)
		if err != nil {
			return err
		}
		if len(us) == 0 {
			// The index's output is spent on the node (a transaction
			// the index has not seen yet): there is nothing to spend.
			o := fail(ptx.ScriptOutputNotFound{})
			outcome = &o
			return nil
		}
		if ctrUTxO, err = txbuild.DecodeUTxO(out.Ref, us[0].Output.Cbor()); err != nil {
			return err
		}
		req := txbuild.ApplyRequest{Contract: &ctrUTxO, Datum: datum, DatumCBOR: out.Datum, Inputs: inputs,
			Tags: meta.tags, ContinuationsURI: meta.continuations, Metadata: meta.labels,
			Continuations: h.continuations()}
		if req.OpenRoles, err = h.openRoleOutputs(s, ctrUTxO, datum.Params.RolesCurrency, inputs, st.env.Wallet); err != nil {
			return err
		}
		for _, b := range []struct {
			t   *types.UTCTime
			dst **uint64
		}{{c.InvalidBefore, &req.ValidFrom}, {c.InvalidHereafter, &req.ValidTo}} {
			if b.t == nil {
				continue
			}
			tm, err := b.t.Time()
			if err != nil {
				o := fail(ptx.SlotConversionFailed{Message: err.Error()})
				outcome = &o
				return nil
			}
			slot, err := st.conv.TimeToSlot(tm)
			if err != nil {
				o := fail(ptx.SlotConversionFailed{Message: err.Error()})
				outcome = &o
				return nil
			}
			*b.dst = &slot
		}
		areq = req
		return nil
	})
	if qerr != nil {
		h.log.Debug().Err(qerr).Msg("apply inputs failed")
		return fail(h.applyError(qerr))
	}
	if outcome != nil {
		return *outcome
	}
	ar, err := txbuild.ApplyInputs(st.env, areq)
	if err != nil {
		h.log.Debug().Err(err).Msg("apply inputs failed")
		return fail(h.applyError(err))
	}
	res, err := h.inputsApplied(c, cur, ctrUTxO, datum, ar, st)
	if err != nil {
		return fail(ptx.ApplyInputsConstraintError{Err: ptx.ToCardanoError{}})
	}
	if ar.Continuation != nil {
		next := core.MarloweData{Params: datum.Params, State: ar.Output.State, Contract: ar.Output.Contract}
		if res.SafetyErrors, err = h.applySafety(ctx, next); err != nil {
			// The analysis is advice on the continuation; the built
			// transaction stands without it.
			h.log.Warn().Err(err).Msg("safety analysis of the continuation failed")
			res.SafetyErrors = []ptx.SafetyError{}
		}
	}
	return job.SucceededWith(res)
}

// continuations looks the continuations of merkleized cases up in the
// contract store, so that plain inputs drive a contract created from the
// store (nil without a store). A store that cannot be read is logged and
// the continuation reported missing: the command then fails with the
// builder's MissingContinuationError.
func (h *Handler) continuations() txbuild.ContinuationLookup {
	if h.cfg.Objects == nil {
		return nil
	}
	return func(hash []byte) (core.Contract, bool) {
		c, ok, err := h.cfg.Objects.Contract(hash)
		if err != nil {
			h.log.Warn().Err(err).Hex("hash", hash).Msg("contract store: read continuation")
			return nil, false
		}
		return c, ok
	}
}

// openRoleOutputs lists the outputs at the open-role validator of the
// contract's Marlowe version that hold a token of the roles currency cur.
// They are only looked up when an input acts as a role whose token the
// wallet lacks: only then can the builder release an open role, and the
// validator's address is shared by every contract.
func (h *Handler) openRoleOutputs(s *n2c.Snapshot, ctr txbuild.UTxO, cur core.CurrencySymbol, inputs []core.Input, w txbuild.Wallet) ([]txbuild.UTxO, error) {
	if len(cur) != 28 || !lacksRoleToken(cur, inputs, w) {
		return nil, nil
	}
	semHash, ok := registry.ScriptPaymentCredential(ctr.Out.Address)
	if !ok {
		return nil, nil
	}
	sem, ok := h.reg.ByHash(semHash)
	if !ok {
		return nil, nil
	}
	if set, ok := h.reg.Set(sem.Version); !ok || !set.HasOpenRole {
		return nil, nil
	}
	raw, err := txbuild.OpenRoleAddress(h.reg, sem.Version, ctr.Out.Address)
	if err != nil {
		return nil, fmt.Errorf("open roles: %w", err)
	}
	addr, err := lcommon.NewAddressFromBytes(raw)
	if err != nil {
		return nil, fmt.Errorf("open roles: address %x: %w", raw, err)
	}
	us, err := s.UTxOByAddress(addr)
	if err != nil {
		return nil, fmt.Errorf("open roles: %w", err)
	}
	var out []txbuild.UTxO
	for _, u := range us {
		tu, err := txbuild.DecodeUTxO(u.Ref, u.Output.Cbor())
		if err != nil {
			return nil, fmt.Errorf("open roles: %w", err)
		}
		for id := range tu.Out.Value.Assets {
			if string(id.Policy[:]) == string(cur) {
				out = append(out, tu)
				break
			}
		}
	}
	return out, nil
}

// lacksRoleToken reports whether some deposit or choice of inputs is by a
// role of currency cur whose token no wallet output holds.
func lacksRoleToken(cur core.CurrencySymbol, inputs []core.Input, w txbuild.Wallet) bool {
	for _, in := range inputs {
		p, ok := core.Authoriser(in.Content)
		if !ok || p.Kind != core.RoleParty {
			continue
		}
		var id txbuild.AssetID
		copy(id.Policy[:], cur)
		id.Name = string(p.Role)
		held := false
		for _, u := range w.UTxOs {
			if u.Out.Value.Assets[id] > 0 {
				held = true
				break
			}
		}
		if !held {
			return true
		}
	}
	return false
}

// inputsApplied assembles the ApplyInputs result from the built
// transaction.
func (h *Handler) inputsApplied(c ptx.ApplyInputs, cur current, ctr txbuild.UTxO, datum core.MarloweData, ar *txbuild.ApplyResult, st nodeState) (ptx.InputsApplied, error) {
	var res ptx.InputsApplied
	inPD, err := view.Datum(cur.out.Output.Datum)
	if err != nil {
		return res, err
	}
	inRef, err := wireRef(ctr.Ref)
	if err != nil {
		return res, err
	}
	outs, err := builtOutputs(ar.Result)
	if err != nil {
		return res, err
	}
	// Payout datums by hash: the role payments computeTransaction made.
	payoutDatums := map[[32]byte]core.PayoutDatum{}
	for _, p := range ar.Output.Payments {
		if p.To.Kind != core.PayeeParty || p.To.Party.Kind != core.RoleParty {
			continue
		}
		pdm := core.PayoutDatum{RolesCurrency: datum.Params.RolesCurrency, Role: p.To.Party.Role}
		b, err := core.EncodeData(pdm)
		if err != nil {
			return res, err
		}
		payoutDatums[blake2b.Sum256(b)] = pdm
	}
	payouts := map[types.TxOutRef]types.Payout{}
	for _, o := range outs {
		if len(o.Out.DatumHash) != 32 {
			continue
		}
		h32 := [32]byte(o.Out.DatumHash)
		pdm, ok := payoutDatums[h32]
		if !ok {
			continue
		}
		if _, isScript := registry.ScriptPaymentCredential(o.Out.Address); !isScript {
			continue
		}
		r, err := wireRef(o.Ref)
		if err != nil {
			return res, err
		}
		payouts[r] = types.Payout{Address: types.Address(o.Out.Address), Assets: wireAssets(o.Out.Value),
			Datum: types.AssetId{Policy: types.PolicyId(pdm.RolesCurrency), Name: types.TokenName(pdm.Role)}}
	}
	tout := types.TransactionOutput{Payouts: payouts}
	if ar.Continuation != nil {
		next := core.MarloweData{Params: datum.Params, State: ar.Output.State, Contract: ar.Output.Contract}
		pd, err := core.ToData(next)
		if err != nil {
			return res, err
		}
		o := outs[ar.Continuation.Index]
		r, err := wireRef(o.Ref)
		if err != nil {
			return res, err
		}
		tout.ScriptOutput = &types.TransactionScriptOutput{Address: types.Address(o.Out.Address), Assets: wireAssets(o.Out.Value), Utxo: r, Datum: pd}
	}
	var from, to types.UTCTime
	if ar.ValidFrom != nil {
		t, err := st.conv.SlotToTime(*ar.ValidFrom)
		if err != nil {
			return res, err
		}
		from = types.UTCTimeOf(t)
	}
	if ar.ValidTo != nil {
		t, err := st.conv.SlotToTime(*ar.ValidTo)
		if err != nil {
			return res, err
		}
		to = types.UTCTimeOf(t)
	}
	// The inputs as redeemed: plain inputs the builder merkleized carry
	// their continuations.
	ins := c.Inputs
	if slices.ContainsFunc(ar.Inputs, func(in core.Input) bool { return in.Merkleized }) {
		if ins, err = ptx.InputsToData(ar.Inputs); err != nil {
			return res, err
		}
	}
	return ptx.InputsApplied{
		Era: types.BabbageEraOnwardsConway, ContractId: c.ContractId, Metadata: c.Metadata,
		Input:  types.TransactionScriptOutput{Address: types.Address(ctr.Out.Address), Assets: wireAssets(ctr.Out.Value), Utxo: inRef, Datum: inPD},
		Output: tout, InvalidBefore: from, InvalidHereafter: to, Inputs: ins, TxBody: ar.CBOR,
		SafetyErrors: []ptx.SafetyError{},
	}, nil
}

// ---------------------------------------------------------------------------
// Withdraw

func (h *Handler) withdraw(ctx context.Context, c ptx.Withdraw) job.Outcome {
	fail := func(e ptx.WithdrawError) job.Outcome { return job.FailedWith(e) }
	if len(c.Payouts) == 0 {
		return fail(ptx.EmptyPayouts{})
	}
	type want struct {
		wire  types.TxOutRef
		ref   registry.TxOutRef
		datum core.PayoutDatum
	}
	ws := make([]want, 0, len(c.Payouts))
	for _, wr := range c.Payouts {
		ref, err := view.RefOf(wr)
		if err != nil {
			return fail(ptx.WithdrawConstraintError{Err: ptx.PayoutNotFound{TxOutRef: wr}})
		}
		p, ok, err := h.cfg.Store.Payout(ref)
		if err != nil {
			return fail(ptx.WithdrawConstraintError{Err: ptx.BalancingError{Message: err.Error()}})
		}
		if !ok || p.Status != kv.PayoutAvailable {
			return fail(ptx.WithdrawConstraintError{Err: ptx.PayoutNotFound{TxOutRef: wr}})
		}
		d, err := core.DecodeData[core.PayoutDatum](p.Output.Datum)
		if err != nil {
			pd, _ := view.Datum(p.Output.Datum)
			return fail(ptx.WithdrawConstraintError{Err: ptx.InvalidPayoutDatum{TxOutRef: wr, Datum: pd}})
		}
		ws = append(ws, want{wire: wr, ref: ref, datum: d})
	}
	var (
		wreq    txbuild.WithdrawRequest
		wenv    txbuild.Env
		inputs  = map[types.TxOutRef]types.Payout{}
		outcome *job.Outcome
	)
	qerr := h.cfg.Node.Query(ctx, func(s *n2c.Snapshot) error {
		st, err := h.loadEnv(ctx, s, c.WalletAddresses)
		if err != nil {
			return err
		}
		refs := make([]registry.TxOutRef, len(ws))
		for i, w := range ws {
			refs[i] = w.ref
		}
		us, err := s.UTxOByTxIn(refs...)
		if err != nil {
			return err
		}
		byRef := map[registry.TxOutRef][]byte{}
		for _, u := range us {
			byRef[u.Ref] = u.Output.Cbor()
		}
		req := txbuild.WithdrawRequest{}
		for _, w := range ws {
			raw, ok := byRef[w.ref]
			if !ok {
				o := fail(ptx.WithdrawConstraintError{Err: ptx.PayoutNotFound{TxOutRef: w.wire}})
				outcome = &o
				return nil
			}
			u, err := txbuild.DecodeUTxO(w.ref, raw)
			if err != nil {
				return err
			}
			req.Payouts = append(req.Payouts, txbuild.Payout{UTxO: u, Datum: w.datum})
			inputs[w.wire] = types.Payout{Address: types.Address(u.Out.Address), Assets: wireAssets(u.Out.Value),
				Datum: types.AssetId{Policy: types.PolicyId(w.datum.RolesCurrency), Name: types.TokenName(w.datum.Role)}}
		}
		wreq, wenv = req, st.env
		return nil
	})
	if qerr != nil {
		h.log.Debug().Err(qerr).Msg("withdraw failed")
		return fail(h.withdrawError(qerr))
	}
	if outcome != nil {
		return *outcome
	}
	r, err := txbuild.Withdraw(wenv, wreq)
	if err != nil {
		h.log.Debug().Err(err).Msg("withdraw failed")
		return fail(h.withdrawError(err))
	}
	return job.SucceededWith(ptx.WithdrawTx{Era: types.BabbageEraOnwardsConway, Inputs: inputs, TxBody: r.CBOR})
}

// matches evaluates a role-token filter on one token. Only tokens of a
// contract's roles currency are role tokens.
func (h *Handler) matches(f ptx.RoleTokenFilter, policy types.PolicyId, name types.TokenName) (bool, error) {
	switch v := f.(type) {
	case ptx.RoleTokensOr:
		a, err := h.matches(v.L, policy, name)
		if err != nil || a {
			return a, err
		}
		return h.matches(v.R, policy, name)
	case ptx.RoleTokensAnd:
		a, err := h.matches(v.L, policy, name)
		if err != nil || !a {
			return a, err
		}
		return h.matches(v.R, policy, name)
	case ptx.RoleTokensNot:
		a, err := h.matches(v.F, policy, name)
		return !a && err == nil, err
	case ptx.RoleTokenFilterAny:
		ids, err := h.cfg.Store.ContractsByRolesCurrency(core.CurrencySymbol(policy), kv.Page{Limit: 1})
		return len(ids) > 0, err
	case ptx.RoleTokenFilterNone:
		return false, nil
	case ptx.RoleTokenFilterByContracts:
		for _, cid := range v.Contracts {
			ref, err := view.ContractRef(cid)
			if err != nil {
				continue
			}
			hdr, ok, err := h.cfg.Store.Contract(ref)
			if err != nil {
				return false, err
			}
			if ok && string(hdr.RolesCurrency) == string(policy) {
				return true, nil
			}
		}
		return false, nil
	case ptx.RoleTokenFilterByPolicyIds:
		for _, p := range v.Policies {
			if p == policy {
				return true, nil
			}
		}
		return false, nil
	case ptx.RoleTokenFilterByTokens:
		for _, t := range v.Tokens {
			if t.Policy == policy && t.Name == name {
				return true, nil
			}
		}
		return false, nil
	}
	return false, fmt.Errorf("role token filter %T", f)
}
