package txbuild

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/contracts/semantics"
)

// DefaultValidityHorizon caps the validity interval of an apply-inputs
// transaction when the contract has no timeout soon (the Runtime uses the
// era's safe zone; any bound the node can convert will do).
const DefaultValidityHorizon = 2 * time.Hour

// ApplyRequest applies inputs to a contract.
type ApplyRequest struct {
	// Contract is the contract's current output; nil means the contract
	// is closed.
	Contract *UTxO
	// Datum is the output's datum, decoded.
	Datum core.MarloweData
	// DatumCBOR, when set, is the datum exactly as hashed on chain (for
	// datums not in canonical form); otherwise Datum is encoded.
	DatumCBOR []byte
	// Inputs are applied in order. A merkleized input must carry its
	// Hash and Continuation, unless Continuations can supply it.
	Inputs []core.Input
	// Continuations, when set, merkleizes plain inputs that match
	// merkleized cases (MerkleizeInputs), looking their continuations up
	// here.
	Continuations ContinuationLookup
	// OpenRoles are outputs at the open-role validator (for instance all
	// those holding a token of the contract's roles currency). An input by
	// a role whose token the wallet lacks spends the matching one, and
	// the released token goes to the change address.
	OpenRoles []UTxO
	// ValidFrom and ValidTo are the validity slots; nil picks the tip and
	// the slot of the next timeout (capped by Horizon).
	ValidFrom, ValidTo *uint64
	// Horizon caps the validity interval (zero: DefaultValidityHorizon).
	Horizon time.Duration
	// Tags and ContinuationsURI are the Marlowe metadata (label 1564);
	// label 1564 is written when either is set.
	Tags []MetadataTag
	// ContinuationsURI is the continuations URI of label 1564 (at most
	// 64 bytes); nil writes none.
	ContinuationsURI *string
	// Metadata holds further transaction-metadata labels, each value a
	// metadatum's CBOR written as given; label 1564 from Tags or
	// ContinuationsURI wins over one given here.
	Metadata map[uint64][]byte
}

// ApplyResult is a built apply-inputs transaction.
type ApplyResult struct {
	*Result
	// Interval is the Marlowe time interval the validator will see.
	Interval core.TimeInterval
	// Output is computeTransaction's result (payments, new state and
	// contract).
	Output core.TransactionOutput
	// Continuation is the new contract output (nil when the contract
	// closes); it is output 0.
	Continuation *registry.TxOutRef
	// Inputs are the inputs as applied (merkleized where needed); they
	// form the redeemer.
	Inputs []core.Input
	// OpenRoles are the open-role outputs spent, whose tokens went to
	// the change address.
	OpenRoles []registry.TxOutRef
}

// NextTimeoutAfter is the first When timeout strictly after t that the
// contract can reach by timing out (semantics.md §6.2
// nextMarloweTimeoutAfter): When returns its timeout if later than t, else
// continues with its timeout continuation; If takes the earlier of its
// branches; Pay, Let and Assert continue; Close has none (nil).
func NextTimeoutAfter(t *big.Int, c core.Contract) *big.Int {
	for {
		switch x := c.(type) {
		case core.When:
			if x.Timeout != nil && x.Timeout.Cmp(t) > 0 {
				return x.Timeout
			}
			c = x.Continuation
		case core.If:
			a, b := NextTimeoutAfter(t, x.Then), NextTimeoutAfter(t, x.Else)
			switch {
			case a == nil:
				return b
			case b == nil || a.Cmp(b) <= 0:
				return a
			default:
				return b
			}
		case core.Pay:
			c = x.Then
		case core.Let:
			c = x.Then
		case core.Assert:
			c = x.Then
		default:
			return nil
		}
	}
}

func slotMillis(tc TimeConverter, slot uint64) (*big.Int, error) {
	t, err := tc.SlotToTime(slot)
	if err != nil {
		return nil, fmt.Errorf("slot %d to time: %w", slot, err)
	}
	return big.NewInt(t.UnixMilli()), nil
}

// validity picks the validity slots and the Marlowe interval.
func validity(env Env, req ApplyRequest) (from, to uint64, iv core.TimeInterval, err error) {
	from = env.TipSlot
	if req.ValidFrom != nil {
		if *req.ValidFrom > env.TipSlot {
			return 0, 0, iv, &ValidityLowerBoundTooHighError{TipSlot: env.TipSlot, InvalidBefore: *req.ValidFrom}
		}
		from = *req.ValidFrom
	}
	start, err := slotMillis(env.Time, from)
	if err != nil {
		return 0, 0, iv, err
	}
	if req.ValidTo != nil {
		to = *req.ValidTo
	} else {
		horizon := req.Horizon
		if horizon <= 0 {
			horizon = DefaultValidityHorizon
		}
		limit := new(big.Int).Add(start, big.NewInt(horizon.Milliseconds()))
		if next := NextTimeoutAfter(start, req.Datum.Contract); next != nil && next.Cmp(limit) < 0 {
			limit = next
		}
		if !limit.IsInt64() {
			return 0, 0, iv, errors.New("validity upper bound out of range")
		}
		// The slot containing the timeout: its start is ≤ the timeout,
		// so the interval's last millisecond is before it.
		if to, err = env.Time.TimeToSlot(time.UnixMilli(limit.Int64())); err != nil {
			return 0, 0, iv, fmt.Errorf("time to slot: %w", err)
		}
	}
	end, err := slotMillis(env.Time, to)
	if err != nil {
		return 0, 0, iv, err
	}
	iv = core.TimeInterval{From: start, To: new(big.Int).Sub(end, big.NewInt(1))}
	return from, to, iv, nil
}

// ApplyInputs builds a transaction applying req.Inputs to a contract
// (semantics.md §6.2).
func ApplyInputs(env Env, req ApplyRequest) (*ApplyResult, error) {
	if err := env.check(); err != nil {
		return nil, err
	}
	if req.Contract == nil {
		return nil, &ContractClosedError{}
	}
	if req.Datum.Contract == nil || req.Datum.State.MinTime == nil {
		return nil, errors.New("apply: contract datum has no contract or state")
	}
	for i, in := range req.Inputs {
		switch c := in.Content.(type) {
		case core.IDeposit:
			if c.Amount == nil {
				return nil, fmt.Errorf("apply: input %d: deposit without an amount", i)
			}
		case core.IChoice:
			if c.Chosen == nil {
				return nil, fmt.Errorf("apply: input %d: choice without a number", i)
			}
		case core.INotify:
		default:
			return nil, fmt.Errorf("apply: input %d: unknown input content %T", i, in.Content)
		}
	}
	ctr := *req.Contract
	semHash, err := scriptHashOf(ctr.Out.Address)
	if err != nil {
		return nil, fmt.Errorf("contract output %s: %w", ctr.Ref, err)
	}
	reg := env.registry()
	if s, ok := reg.ByHash(semHash); !ok || s.Role != registry.RoleSemantics {
		return nil, fmt.Errorf("contract output %s: %s is not a known Marlowe semantics validator", ctr.Ref, semHash)
	}
	payoutHash, _ := reg.PayoutFor(semHash)
	refU, semScript, err := refScriptUTxO(env, semHash)
	if err != nil {
		return nil, err
	}

	if err := semantics.ValidateState(req.Datum.State); err != nil {
		return nil, &InvalidStateError{Err: err}
	}
	if held, err := accountsValue(req.Datum.State); err != nil {
		return nil, &InvalidStateError{Err: err}
	} else if !equalValues(held, ctr.Out.Value) {
		return nil, &InvalidStateError{Err: fmt.Errorf("accounts total %d lovelace and %d token kind(s), the output holds %d lovelace and %d token kind(s)",
			held.Lovelace, len(held.Assets), ctr.Out.Value.Lovelace, len(ctr.Out.Value.Assets))}
	}

	from, to, iv, err := validity(env, req)
	if err != nil {
		return nil, err
	}
	inputs, err := MerkleizeInputs(iv, req.Datum.State, req.Datum.Contract, req.Inputs, req.Continuations)
	if err != nil {
		return nil, fmt.Errorf("apply: merkleize inputs: %w", err)
	}
	out := semantics.ComputeTransaction(core.TransactionInput{Interval: iv, Inputs: inputs}, req.Datum.State, req.Datum.Contract)
	if out.Error != nil {
		return nil, &SemanticsError{Err: out.Error}
	}

	d := &draft{spends: map[registry.TxOutRef]scriptSpend{}}
	d.validFrom, d.ttl = &from, &to
	d.addInput(ctr)
	d.addRefInput(refU)
	red, err := core.EncodeData(core.Redeemer(inputs))
	if err != nil {
		return nil, fmt.Errorf("redeemer: %w", err)
	}
	d.spends[ctr.Ref] = scriptSpend{script: semScript, redeemer: red}
	if ctr.Out.DatumHash != nil {
		raw := req.DatumCBOR
		if raw == nil {
			if raw, err = core.EncodeData(req.Datum); err != nil {
				return nil, fmt.Errorf("contract datum: %w", err)
			}
		}
		if h := core.DatumHash(raw); !bytes.Equal(h[:], ctr.Out.DatumHash) {
			return nil, fmt.Errorf("contract output %s: datum does not match its hash", ctr.Ref)
		}
		d.addDatum(raw)
	}

	// Continuing output first, so its index is 0.
	var cont *registry.TxOutRef
	if _, closed := out.Contract.(core.Close); !closed {
		nd := core.MarloweData{Params: req.Datum.Params, State: out.State, Contract: out.Contract}
		raw, h, err := datumWithHash(nd)
		if err != nil {
			return nil, fmt.Errorf("continuing datum: %w", err)
		}
		val, err := accountsValue(out.State)
		if err != nil {
			return nil, fmt.Errorf("continuing output: %w", err)
		}
		d.addDatum(raw)
		d.addOutput(TxOut{Address: slices.Clone(ctr.Out.Address), Value: val, DatumHash: h}, true)
		cont = &registry.TxOutRef{Index: 0}
	}

	if err := addPayments(d, out.Payments, req.Datum.Params.RolesCurrency, payoutHash, ctr.Out.Address); err != nil {
		return nil, err
	}
	opened, err := authorise(env, d, inputs, req, semHash)
	if err != nil {
		return nil, err
	}
	if len(opened) > 0 {
		// The semantics validator refuses payouts when another script
		// input is spent (trace z, double satisfaction).
		for _, p := range out.Payments {
			if p.To.Kind == core.PayeeParty && p.Amount != nil && p.Amount.Sign() > 0 {
				return nil, &OpenRoleError{Reason: "releasing an open role cannot be combined with payouts to parties (semantics validator trace z); let the contract wait (e.g. Notify) after the open-role input"}
			}
		}
	}
	for i, in := range inputs {
		if !in.Merkleized {
			continue
		}
		if in.Continuation == nil {
			return nil, fmt.Errorf("input %d: merkleized input without its continuation", i)
		}
		raw, h, err := datumWithHash(in.Continuation)
		if err != nil {
			return nil, fmt.Errorf("input %d continuation: %w", i, err)
		}
		if !bytes.Equal(h, in.Hash) {
			return nil, fmt.Errorf("input %d: continuation does not hash to %x", i, in.Hash)
		}
		// Babbage accepts a supplemental datum only if some output
		// carries its hash.
		d.addDatum(raw)
		d.addOutput(TxOut{Address: slices.Clone(env.Wallet.ChangeAddress), DatumHash: h}, false)
	}
	if writesMarloweMetadata(req.Tags, req.ContinuationsURI) {
		l, err := marloweMetadata(req.Tags, req.ContinuationsURI)
		if err != nil {
			return nil, fmt.Errorf("apply inputs: %w", err)
		}
		d.metadata = append(d.metadata, l)
	}
	md, err := withExtraMetadata(d.metadata, req.Metadata)
	if err != nil {
		return nil, fmt.Errorf("apply inputs: %w", err)
	}
	d.metadata = md
	res, err := finish(env, d)
	if err != nil {
		return nil, err
	}
	ar := &ApplyResult{Result: res, Interval: iv, Output: out, Inputs: inputs, OpenRoles: opened}
	if cont != nil {
		cont.TxID = res.TxID
		ar.Continuation = cont
	}
	return ar, nil
}

// addPayments adds one aggregated output per paid party: an address party's
// own address, or the payout validator with datum (currency, role).
// Zero payments (partial pays of empty accounts) produce nothing.
func addPayments(d *draft, pays []core.Payment, cur core.CurrencySymbol, payout registry.ScriptHash, marloweAddr []byte) error {
	type agg struct {
		party core.Party
		val   Value
	}
	var order []core.Party
	sums := map[core.Party]*agg{}
	for _, p := range pays {
		if p.To.Kind != core.PayeeParty || p.Amount == nil || p.Amount.Sign() <= 0 {
			continue
		}
		a, ok := sums[p.To.Party]
		if !ok {
			a = &agg{party: p.To.Party}
			sums[p.To.Party] = a
			order = append(order, p.To.Party)
		}
		if err := addToken(&a.val, p.Token, p.Amount); err != nil {
			return fmt.Errorf("payment: %w", err)
		}
	}
	for _, party := range order {
		a := sums[party]
		switch party.Kind {
		case core.AddressParty:
			addr, err := party.Address.CIP19()
			if err != nil {
				return fmt.Errorf("payee address: %w", err)
			}
			d.addOutput(TxOut{Address: addr, Value: a.val}, false)
		case core.RoleParty:
			raw, h, err := datumWithHash(core.PayoutDatum{RolesCurrency: cur, Role: party.Role})
			if err != nil {
				return fmt.Errorf("payout datum: %w", err)
			}
			d.addDatum(raw)
			d.addOutput(TxOut{Address: payoutAddress(payout, marloweAddr), Value: a.val, DatumHash: h}, false)
		}
	}
	return nil
}

// authorise adds what the validator checks for each deposit and choice: a
// required signer for an address party, the role token for a role party:
// a wallet output holding it (spent and re-created unchanged) or, when the
// wallet has none, an open-role output releasing it. It returns the
// open-role outputs spent.
func authorise(env Env, d *draft, inputs []core.Input, req ApplyRequest, semHash registry.ScriptHash) ([]registry.TxOutRef, error) {
	cur := req.Datum.Params.RolesCurrency
	var roles []core.TokenName
	for _, in := range inputs {
		p, ok := core.Authoriser(in.Content)
		if !ok {
			continue
		}
		switch p.Kind {
		case core.AddressParty:
			if p.Address.Payment.Script || len(p.Address.Payment.Hash) != 28 {
				return nil, errors.New("an address party with a script payment credential cannot authorise an input")
			}
			var k [28]byte
			copy(k[:], p.Address.Payment.Hash)
			d.addSigner(k)
		case core.RoleParty:
			if !slices.Contains(roles, p.Role) {
				roles = append(roles, p.Role)
			}
		}
	}
	var opened []registry.TxOutRef
	for _, role := range roles {
		u, err := roleTokenUTxO(env, cur, role)
		var missing *MissingRoleTokenError
		if errors.As(err, &missing) && len(req.OpenRoles) > 0 {
			if err := spendOpenRole(env, d, req, semHash, role); err != nil {
				return nil, err
			}
			opened = append(opened, d.inputs[len(d.inputs)-1].Ref)
			continue
		}
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(d.inputs, func(x UTxO) bool { return x.Ref == u.Ref }) {
			continue
		}
		d.addInput(u)
		copyOut := u.Out
		copyOut.Value = u.Out.Value.Clone()
		d.addOutput(copyOut, true)
	}
	return opened, nil
}

// spendOpenRole adds the open-role output releasing role: spent through
// the open-role reference script with redeemer C0[] and its datum in the
// witness set. No output is laid down for the token, so balancing sends it
// to the change address with the surplus.
func spendOpenRole(env Env, d *draft, req ApplyRequest, semHash registry.ScriptHash, role core.TokenName) error {
	u, datum, err := openRoleSpend(env.registry(), semHash, *req.Contract, req.Datum.Params.RolesCurrency, role, req.OpenRoles)
	if err != nil {
		return err
	}
	h, err := scriptHashOf(u.Out.Address)
	if err != nil {
		return fmt.Errorf("open-role output %s: %w", u.Ref, err)
	}
	refU, scr, err := refScriptUTxO(env, h)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(d.inputs, func(x UTxO) bool { return x.Ref == u.Ref }) {
		return &OpenRoleError{Role: role, Reason: fmt.Sprintf("output %s is already spent by this transaction", u.Ref)}
	}
	d.addInput(u)
	d.addRefInput(refU)
	if datum != nil {
		d.addDatum(datum)
	}
	d.spends[u.Ref] = scriptSpend{script: scr, redeemer: unitRedeemer}
	return nil
}

func equalValues(a, b Value) bool {
	if a.Lovelace != b.Lovelace || len(a.Assets) != len(b.Assets) {
		return false
	}
	for k, q := range a.Assets {
		if b.Assets[k] != q {
			return false
		}
	}
	return true
}
