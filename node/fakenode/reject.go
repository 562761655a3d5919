package fakenode

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Rejection is a ledger-shaped transaction rejection reason: returned from
// Config.Submit, its CBOR is sent as the reject reason (a plain error is
// sent as a text string instead).
type Rejection struct {
	// Reason is a human-readable summary for the fake node's own logs.
	Reason string
	// CBOR is the reason as sent on the wire.
	CBOR []byte
}

// Error implements error.
func (r *Rejection) Error() string { return "rejected: " + r.Reason }

// MarshalCBOR returns the wire form, which makes gouroboros' server send
// it verbatim.
func (r *Rejection) MarshalCBOR() ([]byte, error) { return r.CBOR, nil }

// Conway UTXO-rule failure constructors (cardano-ledger's
// ConwayUtxoPredFailure numbering, as gouroboros decodes it).
const (
	conwayUtxosFailure            = 0
	conwayBadInputs               = 1
	conwayOutsideValidityInterval = 2
	conwayFeeTooSmall             = 5
	conwayValueNotConserved       = 6
	conwayInsufficientCollateral  = 12
	conwayEraIndex                = EraConway
	applyTxUtxowFailure           = 0
	conwayUtxowUtxoFailure        = 0
)

// conwayUtxoRejection nests one Conway UTXO-rule failure the way
// gouroboros' client decodes a Shelley-based ApplyTxError:
// [[era, [[0, [0, [era, failure]]]]]].
func conwayUtxoRejection(reason string, failure []any) *Rejection {
	wire := []any{[]any{conwayEraIndex, []any{
		[]any{applyTxUtxowFailure, []any{conwayUtxowUtxoFailure, []any{conwayEraIndex, failure}}},
	}}}
	b, err := cbor.Marshal(wire)
	if err != nil {
		// Integers, byte and text strings and lists always encode; keep a
		// text reason should that ever change.
		b, _ = cbor.Marshal(reason)
	}
	return &Rejection{Reason: reason, CBOR: b}
}

// RejectBadInputs rejects because the inputs do not exist (already spent
// or never created).
func RejectBadInputs(refs ...registry.TxOutRef) *Rejection {
	ins := make([]any, len(refs))
	for i, r := range refs {
		ins[i] = []any{r.TxID[:], r.Index}
	}
	return conwayUtxoRejection(fmt.Sprintf("bad inputs %v", refs), []any{conwayBadInputs, ins})
}

// RejectOutsideValidityInterval rejects because the current slot is not
// inside [invalidBefore, invalidHereafter).
func RejectOutsideValidityInterval(invalidBefore, invalidHereafter, slot uint64) *Rejection {
	return conwayUtxoRejection(
		fmt.Sprintf("slot %d outside validity interval [%d, %d)", slot, invalidBefore, invalidHereafter),
		[]any{conwayOutsideValidityInterval, []any{invalidBefore, invalidHereafter}, slot})
}

// RejectFeeTooSmall rejects a fee below the minimum.
func RejectFeeTooSmall(minimum, supplied uint64) *Rejection {
	return conwayUtxoRejection(fmt.Sprintf("fee %d below minimum %d", supplied, minimum),
		[]any{conwayFeeTooSmall, minimum, supplied})
}

// RejectValueNotConserved rejects unbalanced transactions.
func RejectValueNotConserved(consumed, produced uint64) *Rejection {
	return conwayUtxoRejection(fmt.Sprintf("consumed %d, produced %d", consumed, produced),
		[]any{conwayValueNotConserved, consumed, produced})
}

// RejectScriptFailure rejects with a phase-2 (Plutus script) failure
// carrying a text description.
func RejectScriptFailure(description string) *Rejection {
	return conwayUtxoRejection("script failure: "+description, []any{conwayUtxosFailure, description})
}

// RejectInsufficientCollateral rejects a transaction whose collateral is
// below the required amount.
func RejectInsufficientCollateral(provided, required uint64) *Rejection {
	return conwayUtxoRejection(fmt.Sprintf("collateral %d below %d", provided, required),
		[]any{conwayInsufficientCollateral, provided, required})
}
