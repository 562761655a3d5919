package ledger

import (
	"errors"
	"reflect"
	"testing"

	gledger "github.com/blinklabs-io/gouroboros/ledger"
	"github.com/blinklabs-io/gouroboros/ledger/alonzo"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
)

// TestRejectionWire: every rule failure the ledger maps is sent in a
// shape gouroboros' client decodes to the matching typed failure.
func TestRejectionWire(t *testing.T) {
	tx, _, err := decodeTx(mustPaymentTx(t))
	if err != nil {
		t.Fatal(err)
	}
	wrap := func(e error) error {
		return lcommon.NewValidationError(lcommon.ValidationErrorTypeTransaction, "transaction validation failed", nil, e)
	}
	cases := []struct {
		err  error
		want any
	}{
		{wrap(conway.PlutusScriptFailedError{Err: errors.New("boom")}), &gledger.UtxosFailure{}},
		{wrap(alonzo.InsufficientCollateralError{Provided: 1, Required: 2}), &gledger.InsufficientCollateral{}},
		{wrap(lcommon.MissingVKeyWitnessesError{}), &gledger.MissingVKeyWitnessesUTXOW{}},
		{wrap(lcommon.MissingRequiredVKeyWitnessForSignerError{Signer: lcommon.Blake2b224{1}}), &gledger.MissingVKeyWitnessesUTXOW{}},
		{wrap(lcommon.MissingScriptWitnessesError{ScriptHash: lcommon.ScriptHash{2}}), &gledger.MissingScriptWitnessesUTXOW{}},
		{wrap(conway.ExtraRedeemerError{}), &gledger.ExtraRedeemers{}},
		{wrap(conway.MissingRedeemerForScriptError{}), &gledger.MissingRedeemers{}},
		{wrap(conway.MissingDatumForSpendingScriptError{}), &gledger.MissingRequiredDatums{}},
		{wrap(lcommon.ScriptDataHashMismatchError{}), &gledger.PPViewHashesDontMatch{}},
		{wrap(lcommon.NewValidationError(lcommon.ValidationErrorTypeTransaction, msgInvalidSignature, nil, nil)), &gledger.InvalidWitnessesUTXOW{}},
		{wrap(lcommon.NewValidationError(lcommon.ValidationErrorTypeTransaction, msgMissingWitness,
			map[string]any{"keyhash": "00112233445566778899aabbccddeeff00112233445566778899aabb", "input": "x#0"}, nil)), &gledger.MissingVKeyWitnessesUTXOW{}},
		{wrap(errors.New("something else")), &gledger.GenericError{}},
	}
	for _, c := range cases {
		r := rejection(c.err, tx, 5)
		got := reasonOf(t, r)
		if len(got) != 1 || reflect.TypeOf(got[0]) != reflect.TypeOf(c.want) {
			t.Errorf("%v: decoded as %T %v, want %T", c.err, got, got, c.want)
		}
		if r.Error() == "" || !errors.Is(r, c.err) {
			t.Errorf("%v: rejection loses its cause", c.err)
		}
	}
}

func mustPaymentTx(t *testing.T) []byte {
	t.Helper()
	l := newTestLedger(t, 30)
	w := l.Wallets()[0]
	return signed(t, payment(walletRefs(t, l, w)[0], DefaultLovelace, w, w.Address, 2_000_000, 200_000), nil, w.Key)
}
