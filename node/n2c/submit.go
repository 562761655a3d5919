package n2c

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/blinklabs-io/gouroboros/ledger"
	"github.com/blinklabs-io/gouroboros/protocol/localtxsubmission"
)

// TxEraConway is the era id to submit Conway transactions with (the
// hard-fork era index).
const TxEraConway uint16 = ledger.TxTypeConway

// RejectKind classifies why the node rejected a transaction.
type RejectKind uint8

// Rejection kinds. Reasons the client cannot classify are RejectOther
// (the ledger error is still available) or RejectText (the node, or a
// proxy, sent a plain text reason).
const (
	RejectOther RejectKind = iota
	RejectText
	RejectEraMismatch
	RejectBadInputs
	RejectOutsideValidityInterval
	RejectFeeTooSmall
	RejectValueNotConserved
	RejectScriptFailure
	RejectInsufficientCollateral
	RejectCollateral
	RejectOutputTooSmall
	RejectOutputTooBig
	RejectMaxTxSize
	RejectExUnitsTooBig
	RejectMissingWitnesses
	RejectInvalidWitnesses
	RejectMissingDatums
	RejectRedeemers
	RejectScriptIntegrity
	RejectWrongNetwork
	RejectMetadata
)

// String names the kind.
func (k RejectKind) String() string {
	switch k {
	case RejectOther:
		return "other"
	case RejectText:
		return "text"
	case RejectEraMismatch:
		return "era mismatch"
	case RejectBadInputs:
		return "bad inputs"
	case RejectOutsideValidityInterval:
		return "outside validity interval"
	case RejectFeeTooSmall:
		return "fee too small"
	case RejectValueNotConserved:
		return "value not conserved"
	case RejectScriptFailure:
		return "script failure"
	case RejectInsufficientCollateral:
		return "insufficient collateral"
	case RejectCollateral:
		return "collateral"
	case RejectOutputTooSmall:
		return "output too small"
	case RejectOutputTooBig:
		return "output too big"
	case RejectMaxTxSize:
		return "transaction too big"
	case RejectExUnitsTooBig:
		return "execution units too big"
	case RejectMissingWitnesses:
		return "missing witnesses"
	case RejectInvalidWitnesses:
		return "invalid witnesses"
	case RejectMissingDatums:
		return "datums"
	case RejectRedeemers:
		return "redeemers"
	case RejectScriptIntegrity:
		return "script integrity hash"
	case RejectWrongNetwork:
		return "wrong network"
	case RejectMetadata:
		return "metadata"
	}
	return fmt.Sprintf("reject kind %d", uint8(k))
}

// RejectReason is one failure the ledger reported.
type RejectReason struct {
	Kind RejectKind
	// Detail is the ledger error's description.
	Detail string
	// Err is gouroboros' typed ledger error (e.g. *ledger.BadInputsUtxo),
	// for callers that need the fields.
	Err error
}

// RejectedError is a transaction the node refused. Reasons holds every
// failure (the ledger reports several at once); CBOR is the reason as
// sent.
type RejectedError struct {
	Reasons []RejectReason
	CBOR    []byte
	// Err is gouroboros' decoded reason, the root of Reasons.
	Err error
}

// Error lists every reason.
func (e *RejectedError) Error() string {
	parts := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		parts[i] = r.Kind.String() + ": " + r.Detail
	}
	return "transaction rejected: " + strings.Join(parts, "; ")
}

// Unwrap returns the decoded ledger reason.
func (e *RejectedError) Unwrap() error { return e.Err }

// Has reports whether one of the reasons is of kind k.
func (e *RejectedError) Has(k RejectKind) bool {
	for _, r := range e.Reasons {
		if r.Kind == k {
			return true
		}
	}
	return false
}

// SubmitTx submits a signed transaction (its CBOR) for era (TxEraConway).
// A refusal is a *RejectedError; other errors are connection problems,
// after which the transaction may or may not have reached the mempool.
func (c *Client) SubmitTx(ctx context.Context, era uint16, tx []byte) error {
	if len(tx) == 0 {
		return errors.New("submit: empty transaction")
	}
	lc, _, err := c.connection(ctx)
	if err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	err = guard(ctx, lc, func() error { return lc.oc.LocalTxSubmission().Client.SubmitTx(era, tx) })
	if err == nil {
		return nil
	}
	var rej localtxsubmission.TransactionRejectedError
	if errors.As(err, &rej) {
		return newRejectedError(rej)
	}
	return fmt.Errorf("submit: %w", err)
}

// maxReasonDepth bounds the walk through nested ledger failures; real
// reasons nest about five levels deep.
const maxReasonDepth = 16

func newRejectedError(rej localtxsubmission.TransactionRejectedError) *RejectedError {
	e := &RejectedError{CBOR: rej.ReasonCbor, Err: rej.Reason}
	if rej.Reason == nil {
		e.Reasons = []RejectReason{{Kind: RejectOther, Detail: fmt.Sprintf("undecoded reason %x", rej.ReasonCbor)}}
		return e
	}
	collectReasons(rej.Reason, 0, &e.Reasons)
	if len(e.Reasons) == 0 {
		e.Reasons = []RejectReason{{Kind: RejectOther, Detail: safeError(rej.Reason), Err: rej.Reason}}
	}
	return e
}

// collectReasons flattens gouroboros' nested failure wrappers into their
// leaves.
func collectReasons(err error, depth int, out *[]RejectReason) {
	if err == nil {
		return
	}
	if depth > maxReasonDepth {
		*out = append(*out, RejectReason{Kind: RejectOther, Detail: fmt.Sprintf("reason nested deeper than %d levels", maxReasonDepth), Err: err})
		return
	}
	switch e := err.(type) {
	case *ledger.ShelleyTxValidationError:
		collectReasons(&e.Err, depth+1, out)
		return
	case *ledger.ApplyTxError:
		for _, f := range e.Failures {
			collectReasons(f, depth+1, out)
		}
		return
	case *ledger.UtxowFailure:
		collectReasons(e.Err, depth+1, out)
		return
	case *ledger.UtxoFailure:
		collectReasons(e.Err, depth+1, out)
		return
	case *ledger.ConwayUtxowFailure:
		collectReasons(e.Err, depth+1, out)
		return
	case *ledger.BabbageUtxoFailure:
		collectReasons(e.Err, depth+1, out)
		return
	case *ledger.AlonzoUtxowFailure:
		collectReasons(e.Err, depth+1, out)
		return
	case *ledger.ShelleyUtxowFailure:
		collectReasons(e.Err, depth+1, out)
		return
	}
	detail := safeError(err)
	if g, ok := err.(*ledger.GenericError); ok {
		if text, ok := g.Value.(string); ok {
			detail = text
		}
	}
	*out = append(*out, RejectReason{Kind: classify(err), Detail: detail, Err: err})
}

func classify(err error) RejectKind {
	switch e := err.(type) {
	case *ledger.GenericError:
		if _, ok := e.Value.(string); ok {
			return RejectText
		}
		return RejectOther
	case *ledger.EraMismatch:
		return RejectEraMismatch
	case *ledger.BadInputsUtxo:
		return RejectBadInputs
	case *ledger.OutsideValidityIntervalUtxo, *ledger.OutsideForecast:
		return RejectOutsideValidityInterval
	case *ledger.FeeTooSmallUtxo:
		return RejectFeeTooSmall
	case *ledger.ValueNotConservedUtxo:
		return RejectValueNotConserved
	case *ledger.UtxosFailure, *ledger.ScriptWitnessNotValidatingUTXOW:
		return RejectScriptFailure
	case *ledger.InsufficientCollateral:
		return RejectInsufficientCollateral
	case *ledger.CollateralContainsNonADA, *ledger.NoCollateralInputs, *ledger.TooManyCollateralInputs,
		*ledger.IncorrectTotalCollateralField:
		return RejectCollateral
	case *ledger.OutputTooSmallUtxo, *ledger.BabbageOutputTooSmallUTxO:
		return RejectOutputTooSmall
	case *ledger.OutputTooBigUtxo, *ledger.OutputBootAddrAttrsTooBig:
		return RejectOutputTooBig
	case *ledger.MaxTxSizeUtxo:
		return RejectMaxTxSize
	case *ledger.ExUnitsTooBigUtxo:
		return RejectExUnitsTooBig
	case *ledger.MissingVKeyWitnessesUTXOW, *ledger.MissingScriptWitnessesUTXOW:
		return RejectMissingWitnesses
	case *ledger.InvalidWitnessesUTXOW, *ledger.MalformedScriptWitnesses, *ledger.MalformedReferenceScripts,
		*ledger.ExtraneousScriptWitnessesUTXOW:
		return RejectInvalidWitnesses
	case *ledger.MissingRequiredDatums, *ledger.NotAllowedSupplementalDatums, *ledger.UnspendableUTxONoDatumHash:
		return RejectMissingDatums
	case *ledger.MissingRedeemers, *ledger.ExtraRedeemers:
		return RejectRedeemers
	case *ledger.PPViewHashesDontMatch:
		return RejectScriptIntegrity
	case *ledger.WrongNetwork, *ledger.WrongNetworkWithdrawal, *ledger.WrongNetworkInTxBody:
		return RejectWrongNetwork
	case *ledger.MissingTxBodyMetadataHash, *ledger.MissingTxMetadata, *ledger.ConflictingMetadataHash,
		*ledger.InvalidMetadata:
		return RejectMetadata
	}
	return RejectOther
}

// safeError renders a ledger error; some of gouroboros' Error methods
// type-assert their fields and would panic on odd input.
func safeError(err error) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("%T (unprintable: %v)", err, r)
		}
	}()
	return err.Error()
}
