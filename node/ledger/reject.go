package ledger

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"

	"github.com/blinklabs-io/gouroboros/ledger/allegra"
	"github.com/blinklabs-io/gouroboros/ledger/alonzo"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
	"github.com/blinklabs-io/gouroboros/ledger/shelley"
	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/fakenode"
)

// Rejected is a transaction the ledger refused: Reason is the node-shaped
// reason to send to the client, Cause the ledger rule's own error.
type Rejected struct {
	Reason *fakenode.Rejection
	Cause  error
}

// Error describes the rejection.
func (r *Rejected) Error() string {
	if r.Cause == nil {
		return r.Reason.Error()
	}
	return r.Reason.Error() + " (" + safeError(r.Cause) + ")"
}

// Unwrap returns the rule's error.
func (r *Rejected) Unwrap() error { return r.Cause }

// reject wraps an error without a ledger-shaped counterpart: the client
// receives its text.
func reject(err error) *Rejected {
	return &Rejected{Reason: textRejection(safeError(err)), Cause: err}
}

func textRejection(text string) *fakenode.Rejection {
	b, err := cbor.Marshal(text)
	if err != nil {
		b = []byte{0x60} // the empty text string
	}
	return &fakenode.Rejection{Reason: text, CBOR: b}
}

// Conway UTXOW failure constructors beyond the UTXO failures fakenode
// builds (cardano-ledger's ConwayUtxowPredFailure numbering).
const (
	conwayEra                   = fakenode.EraConway
	utxowInvalidWitnesses       = 1
	utxowMissingVKeyWitnesses   = 2
	utxowMissingScriptWitnesses = 3
	utxowMissingRedeemers       = 10
	utxowExtraRedeemers         = 15
	utxowPPViewHashesDontMatch  = 13
	utxowMissingRequiredDatums  = 11
)

// utxowRejection nests one Conway UTXOW failure the way gouroboros'
// client decodes an ApplyTxError (as fakenode's UTXO rejections do):
// [[era, [[0, [tag, [tag, fields…]]]]]] — the decoder reads the second
// element as the whole failure record, tag included.
func utxowRejection(reason string, failure []any) *fakenode.Rejection {
	b, err := cbor.Marshal([]any{[]any{conwayEra, []any{[]any{0, []any{failure[0], failure}}}}})
	if err != nil {
		return textRejection(reason)
	}
	return &fakenode.Rejection{Reason: reason, CBOR: b}
}

func u64(b *big.Int) uint64 {
	if b == nil || b.Sign() < 0 || !b.IsUint64() {
		return 0
	}
	return b.Uint64()
}

// rejection maps a Conway rule failure to the reason a node sends.
func rejection(err error, tx lcommon.Transaction, slot uint64) *Rejected {
	r := &Rejected{Cause: err}
	var (
		badInputs   shelley.BadInputsUtxoError
		fee         shelley.FeeTooSmallUtxoError
		value       shelley.ValueNotConservedUtxoError
		expired     expiredError
		outside     allegra.OutsideValidityIntervalUtxoError
		script      conway.PlutusScriptFailedError
		collateral  alonzo.InsufficientCollateralError
		missingVKey lcommon.MissingVKeyWitnessesError
		requiredVK  lcommon.MissingRequiredVKeyWitnessForSignerError
		missingScr  lcommon.MissingScriptWitnessesError
		extraRed    conway.ExtraRedeemerError
		missingRed  conway.MissingRedeemerForScriptError
		dataHash    lcommon.ScriptDataHashMismatchError
		noDatum     conway.MissingDatumForSpendingScriptError
	)
	switch {
	case errors.As(err, &badInputs):
		refs := make([]registry.TxOutRef, len(badInputs.Inputs))
		for i, in := range badInputs.Inputs {
			refs[i] = refOf(in)
		}
		r.Reason = fakenode.RejectBadInputs(refs...)
	case errors.As(err, &fee):
		r.Reason = fakenode.RejectFeeTooSmall(u64(fee.Min), u64(fee.Provided))
	case errors.As(err, &value):
		r.Reason = fakenode.RejectValueNotConserved(u64(value.Consumed), u64(value.Produced))
	case errors.As(err, &expired):
		r.Reason = fakenode.RejectOutsideValidityInterval(tx.ValidityIntervalStart(), expired.invalidHereafter, expired.slot)
	case errors.As(err, &outside):
		r.Reason = fakenode.RejectOutsideValidityInterval(outside.ValidityIntervalStart, tx.TTL(), outside.Slot)
	case errors.As(err, &script):
		r.Reason = fakenode.RejectScriptFailure(safeError(script))
	case errors.As(err, &collateral):
		r.Reason = fakenode.RejectInsufficientCollateral(collateral.Provided, collateral.Required)
	case errors.As(err, &missingVKey):
		r.Reason = utxowRejection("missing vkey witnesses", []any{utxowMissingVKeyWitnesses, [][]byte{}})
	case errors.As(err, &requiredVK):
		r.Reason = utxowRejection("missing required signer "+requiredVK.Signer.String(),
			[]any{utxowMissingVKeyWitnesses, [][]byte{requiredVK.Signer[:]}})
	case errors.As(err, &missingScr):
		r.Reason = utxowRejection(safeError(missingScr), []any{utxowMissingScriptWitnesses, [][]byte{missingScr.ScriptHash[:]}})
	case errors.As(err, &extraRed):
		r.Reason = utxowRejection(safeError(extraRed), []any{utxowExtraRedeemers, []any{}})
	case errors.As(err, &missingRed):
		r.Reason = utxowRejection(safeError(missingRed), []any{utxowMissingRedeemers, []any{}})
	case errors.As(err, &noDatum):
		r.Reason = utxowRejection(safeError(noDatum), []any{utxowMissingRequiredDatums, [][]byte{}, [][]byte{}})
	case errors.As(err, &dataHash):
		r.Reason = utxowRejection(safeError(dataHash), []any{utxowPPViewHashesDontMatch, dataHash.Declared[:], dataHash.Computed[:]})
	case witnessFailure(err) != nil:
		r.Reason = witnessRejection(witnessFailure(err))
	default:
		r.Reason = textRejection(fmt.Sprintf("transaction invalid at slot %d: %s", slot, safeError(err)))
	}
	return r
}

// Messages of gouroboros' signature checks, which report through a bare
// ValidationError rather than a typed failure.
const (
	msgInvalidSignature = "invalid vkey signature"
	msgMissingWitness   = "missing vkey witness for input"
)

// witnessFailure finds a signature-check failure in err's chain.
func witnessFailure(err error) *lcommon.ValidationError {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if v, ok := e.(*lcommon.ValidationError); ok && (v.Message == msgInvalidSignature || v.Message == msgMissingWitness) {
			return v
		}
	}
	return nil
}

// witnessRejection is InvalidWitnessesUTXOW for a bad signature and
// MissingVKeyWitnessesUTXOW for an input's missing key witness.
func witnessRejection(v *lcommon.ValidationError) *fakenode.Rejection {
	if v.Message == msgInvalidSignature {
		return utxowRejection("invalid vkey signature", []any{utxowInvalidWitnesses, [][]byte{}})
	}
	var keyHash []byte
	if s, ok := v.Details["keyhash"].(string); ok {
		if b, err := hex.DecodeString(s); err == nil {
			keyHash = b
		}
	}
	hashes := [][]byte{}
	if keyHash != nil {
		hashes = append(hashes, keyHash)
	}
	reason := "missing vkey witness"
	if in, ok := v.Details["input"].(string); ok {
		reason += " for input " + in
	}
	return utxowRejection(reason, []any{utxowMissingVKeyWitnesses, hashes})
}

// safeError renders an error; some of gouroboros' Error methods
// dereference fields that may be nil and would panic.
func safeError(err error) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("%T (unprintable: %v)", err, r)
		}
	}()
	return err.Error()
}
