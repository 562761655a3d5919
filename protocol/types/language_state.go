package types

import (
	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// Marlowe Core V1 state, inputs and results in the generic Binary form
// (wire-protocol.md §5.6). State's three maps are PlutusTx association
// lists, encoded as list<(k, v)> in stored order — they are not sorted.
// The V1 types named Transaction… carry a Core prefix here to keep them
// apart from the runtime's TransactionOutput.

// EncodeState appends a State: accounts list<((Party, Token), integer)>,
// choices list<(ChoiceId, integer)>, boundValues list<(ValueId, integer)>,
// integer minTime.
func EncodeState(e *binary.Encoder, s core.State) {
	e.PutLen(len(s.Accounts))
	for _, a := range s.Accounts {
		EncodeParty(e, a.Account)
		EncodeToken(e, a.Token)
		e.PutInteger(a.Amount)
	}
	e.PutLen(len(s.Choices))
	for _, c := range s.Choices {
		EncodeChoiceId(e, c.ID)
		e.PutInteger(c.Value)
	}
	e.PutLen(len(s.BoundValues))
	for _, b := range s.BoundValues {
		EncodeValueId(e, b.ID)
		e.PutInteger(b.Value)
	}
	e.PutInteger(s.MinTime)
}

func decodeAccountEntry(d *binary.Decoder) (core.AccountEntry, error) {
	var x core.AccountEntry
	var err error
	if x.Account, err = DecodeParty(d); err != nil {
		return x, binary.Wrapf(err, "account")
	}
	if x.Token, err = DecodeToken(d); err != nil {
		return x, binary.Wrapf(err, "token")
	}
	if x.Amount, err = d.Integer(); err != nil {
		return x, binary.Wrapf(err, "amount")
	}
	return x, nil
}

func decodeChoiceEntry(d *binary.Decoder) (core.ChoiceEntry, error) {
	var x core.ChoiceEntry
	var err error
	if x.ID, err = DecodeChoiceId(d); err != nil {
		return x, binary.Wrapf(err, "choiceId")
	}
	if x.Value, err = d.Integer(); err != nil {
		return x, binary.Wrapf(err, "chosenNum")
	}
	return x, nil
}

func decodeBoundValueEntry(d *binary.Decoder) (core.BoundValueEntry, error) {
	var x core.BoundValueEntry
	var err error
	if x.ID, err = DecodeValueId(d); err != nil {
		return x, binary.Wrapf(err, "valueId")
	}
	if x.Value, err = d.Integer(); err != nil {
		return x, binary.Wrapf(err, "value")
	}
	return x, nil
}

// DecodeState reads a State.
func DecodeState(d *binary.Decoder) (core.State, error) {
	var s core.State
	var err error
	// Minimum entry sizes: Party 9 + Token 16 + Integer 5; ChoiceId 8 +
	// 9 + 5; ValueId 8 + 5.
	if s.Accounts, err = binary.DecodeListMin(d, 30, decodeAccountEntry); err != nil {
		return s, binary.Wrapf(err, "decode State.accounts")
	}
	if s.Choices, err = binary.DecodeListMin(d, 22, decodeChoiceEntry); err != nil {
		return s, binary.Wrapf(err, "decode State.choices")
	}
	if s.BoundValues, err = binary.DecodeListMin(d, 13, decodeBoundValueEntry); err != nil {
		return s, binary.Wrapf(err, "decode State.boundValues")
	}
	if s.MinTime, err = d.Integer(); err != nil {
		return s, binary.Wrapf(err, "decode State.minTime")
	}
	return s, nil
}

// EncodeMarloweParams appends MarloweParams (the roles currency bytes).
func EncodeMarloweParams(e *binary.Encoder, p core.MarloweParams) {
	e.PutBytesString(string(p.RolesCurrency))
}

// DecodeMarloweParams reads MarloweParams.
func DecodeMarloweParams(d *binary.Decoder) (core.MarloweParams, error) {
	s, err := d.BytesString()
	if err != nil {
		return core.MarloweParams{}, binary.Wrapf(err, "decode MarloweParams.rolesCurrency")
	}
	return core.MarloweParams{RolesCurrency: core.CurrencySymbol(s)}, nil
}

// EncodeMarloweData appends MarloweData: params, state, contract.
func EncodeMarloweData(e *binary.Encoder, m core.MarloweData) {
	EncodeMarloweParams(e, m.Params)
	EncodeState(e, m.State)
	EncodeContract(e, m.Contract)
}

// DecodeMarloweData reads MarloweData.
func DecodeMarloweData(d *binary.Decoder) (core.MarloweData, error) {
	var m core.MarloweData
	var err error
	if m.Params, err = DecodeMarloweParams(d); err != nil {
		return m, binary.Wrapf(err, "decode MarloweData.marloweParams")
	}
	if m.State, err = DecodeState(d); err != nil {
		return m, binary.Wrapf(err, "decode MarloweData.marloweState")
	}
	if m.Contract, err = DecodeContract(d); err != nil {
		return m, binary.Wrapf(err, "decode MarloweData.marloweContract")
	}
	return m, nil
}

// EncodeInputContent appends an InputContent: 00 IDeposit Party Party Token
// integer | 01 IChoice ChoiceId integer | 02 INotify.
func EncodeInputContent(e *binary.Encoder, c core.InputContent) {
	switch x := c.(type) {
	case core.IDeposit:
		e.PutTag(0)
		EncodeParty(e, x.Into)
		EncodeParty(e, x.From)
		EncodeToken(e, x.Token)
		e.PutInteger(x.Amount)
	case core.IChoice:
		e.PutTag(1)
		EncodeChoiceId(e, x.ID)
		e.PutInteger(x.Chosen)
	case core.INotify:
		e.PutTag(2)
	case nil:
		e.Failf("encode InputContent: nil value")
	default:
		e.Failf("encode InputContent: unsupported type %T", c)
	}
}

// DecodeInputContent reads an InputContent.
func DecodeInputContent(d *binary.Decoder) (core.InputContent, error) {
	t, err := d.Tag("InputContent", 3)
	if err != nil {
		return nil, binary.Wrapf(err, "decode InputContent")
	}
	switch t {
	case 0:
		var x core.IDeposit
		if x.Into, err = DecodeParty(d); err != nil {
			return nil, binary.Wrapf(err, "decode IDeposit.account")
		}
		if x.From, err = DecodeParty(d); err != nil {
			return nil, binary.Wrapf(err, "decode IDeposit.party")
		}
		if x.Token, err = DecodeToken(d); err != nil {
			return nil, binary.Wrapf(err, "decode IDeposit.token")
		}
		if x.Amount, err = d.Integer(); err != nil {
			return nil, binary.Wrapf(err, "decode IDeposit.amount")
		}
		return x, nil
	case 1:
		var x core.IChoice
		if x.ID, err = DecodeChoiceId(d); err != nil {
			return nil, binary.Wrapf(err, "decode IChoice.choiceId")
		}
		if x.Chosen, err = d.Integer(); err != nil {
			return nil, binary.Wrapf(err, "decode IChoice.chosenNum")
		}
		return x, nil
	default:
		return core.INotify{}, nil
	}
}

// EncodeInput appends an Input: 00 NormalInput InputContent |
// 01 MerkleizedInput InputContent bytes(hash) Contract.
func EncodeInput(e *binary.Encoder, in core.Input) {
	if in.Merkleized {
		e.PutTag(1)
		EncodeInputContent(e, in.Content)
		e.PutBytes(in.Hash)
		EncodeContract(e, in.Continuation)
		return
	}
	e.PutTag(0)
	EncodeInputContent(e, in.Content)
}

// DecodeInput reads an Input.
func DecodeInput(d *binary.Decoder) (core.Input, error) {
	t, err := d.Tag("Input", 2)
	if err != nil {
		return core.Input{}, binary.Wrapf(err, "decode Input")
	}
	c, err := DecodeInputContent(d)
	if err != nil {
		return core.Input{}, binary.Wrapf(err, "decode Input.content")
	}
	if t == 0 {
		return core.Input{Content: c}, nil
	}
	h, err := d.Bytes()
	if err != nil {
		return core.Input{}, binary.Wrapf(err, "decode MerkleizedInput.hash")
	}
	k, err := DecodeContract(d)
	if err != nil {
		return core.Input{}, binary.Wrapf(err, "decode MerkleizedInput.continuation")
	}
	return core.Input{Content: c, Merkleized: true, Hash: h, Continuation: k}, nil
}

func encodeTimeInterval(e *binary.Encoder, t core.TimeInterval) {
	e.PutInteger(t.From)
	e.PutInteger(t.To)
}

func decodeTimeInterval(d *binary.Decoder) (core.TimeInterval, error) {
	from, err := d.Integer()
	if err != nil {
		return core.TimeInterval{}, binary.Wrapf(err, "from")
	}
	to, err := d.Integer()
	if err != nil {
		return core.TimeInterval{}, binary.Wrapf(err, "to")
	}
	return core.TimeInterval{From: from, To: to}, nil
}

// EncodeIntervalError appends an IntervalError: 00 InvalidInterval
// (POSIXTime, POSIXTime) | 01 IntervalInPastError POSIXTime (POSIXTime,
// POSIXTime).
func EncodeIntervalError(e *binary.Encoder, x core.IntervalError) {
	switch v := x.(type) {
	case core.InvalidInterval:
		e.PutTag(0)
		encodeTimeInterval(e, v.Interval)
	case core.IntervalInPastError:
		e.PutTag(1)
		e.PutInteger(v.MinTime)
		encodeTimeInterval(e, v.Interval)
	case nil:
		e.Failf("encode IntervalError: nil value")
	default:
		e.Failf("encode IntervalError: unsupported type %T", x)
	}
}

// DecodeIntervalError reads an IntervalError.
func DecodeIntervalError(d *binary.Decoder) (core.IntervalError, error) {
	t, err := d.Tag("IntervalError", 2)
	if err != nil {
		return nil, binary.Wrapf(err, "decode IntervalError")
	}
	if t == 0 {
		iv, err := decodeTimeInterval(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode InvalidInterval.interval")
		}
		return core.InvalidInterval{Interval: iv}, nil
	}
	mt, err := d.Integer()
	if err != nil {
		return nil, binary.Wrapf(err, "decode IntervalInPastError.minTime")
	}
	iv, err := decodeTimeInterval(d)
	if err != nil {
		return nil, binary.Wrapf(err, "decode IntervalInPastError.interval")
	}
	return core.IntervalInPastError{MinTime: mt, Interval: iv}, nil
}

// EncodeCoreTransactionInput appends a V1 TransactionInput: the interval,
// then list<Input>.
func EncodeCoreTransactionInput(e *binary.Encoder, x core.TransactionInput) {
	encodeTimeInterval(e, x.Interval)
	binary.EncodeList(e, x.Inputs, EncodeInput)
}

// DecodeCoreTransactionInput reads a V1 TransactionInput.
func DecodeCoreTransactionInput(d *binary.Decoder) (core.TransactionInput, error) {
	iv, err := decodeTimeInterval(d)
	if err != nil {
		return core.TransactionInput{}, binary.Wrapf(err, "decode TransactionInput.txInterval")
	}
	ins, err := binary.DecodeListMin(d, 2, DecodeInput)
	if err != nil {
		return core.TransactionInput{}, binary.Wrapf(err, "decode TransactionInput.txInputs")
	}
	return core.TransactionInput{Interval: iv, Inputs: ins}, nil
}

// EncodePayment appends a Payment: Party(account) Payee Token integer.
func EncodePayment(e *binary.Encoder, p core.Payment) {
	EncodeParty(e, p.From)
	EncodePayee(e, p.To)
	EncodeToken(e, p.Token)
	e.PutInteger(p.Amount)
}

// DecodePayment reads a Payment.
func DecodePayment(d *binary.Decoder) (core.Payment, error) {
	var p core.Payment
	var err error
	if p.From, err = DecodeParty(d); err != nil {
		return p, binary.Wrapf(err, "decode Payment.account")
	}
	if p.To, err = DecodePayee(d); err != nil {
		return p, binary.Wrapf(err, "decode Payment.payee")
	}
	if p.Token, err = DecodeToken(d); err != nil {
		return p, binary.Wrapf(err, "decode Payment.token")
	}
	if p.Amount, err = d.Integer(); err != nil {
		return p, binary.Wrapf(err, "decode Payment.amount")
	}
	return p, nil
}

// EncodeCoreTransactionWarning appends a V1 TransactionWarning:
// 0 NonPositiveDeposit, 1 NonPositivePay, 2 PartialPay, 3 Shadowing,
// 4 AssertionFailed.
func EncodeCoreTransactionWarning(e *binary.Encoder, w core.TransactionWarning) {
	switch x := w.(type) {
	case core.NonPositiveDeposit:
		e.PutTag(0)
		EncodeParty(e, x.Party)
		EncodeParty(e, x.Account)
		EncodeToken(e, x.Token)
		e.PutInteger(x.Amount)
	case core.NonPositivePay:
		e.PutTag(1)
		EncodeParty(e, x.Account)
		EncodePayee(e, x.Payee)
		EncodeToken(e, x.Token)
		e.PutInteger(x.Amount)
	case core.PartialPay:
		e.PutTag(2)
		EncodeParty(e, x.Account)
		EncodePayee(e, x.Payee)
		EncodeToken(e, x.Token)
		e.PutInteger(x.Paid)
		e.PutInteger(x.Expected)
	case core.Shadowing:
		e.PutTag(3)
		EncodeValueId(e, x.ID)
		e.PutInteger(x.Old)
		e.PutInteger(x.New)
	case core.AssertionFailed:
		e.PutTag(4)
	case nil:
		e.Failf("encode TransactionWarning: nil value")
	default:
		e.Failf("encode TransactionWarning: unsupported type %T", w)
	}
}

// DecodeCoreTransactionWarning reads a V1 TransactionWarning.
func DecodeCoreTransactionWarning(d *binary.Decoder) (core.TransactionWarning, error) {
	t, err := d.Tag("TransactionWarning", 5)
	if err != nil {
		return nil, binary.Wrapf(err, "decode TransactionWarning")
	}
	switch t {
	case 0:
		var x core.NonPositiveDeposit
		if x.Party, err = DecodeParty(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionNonPositiveDeposit.party")
		}
		if x.Account, err = DecodeParty(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionNonPositiveDeposit.account")
		}
		if x.Token, err = DecodeToken(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionNonPositiveDeposit.token")
		}
		if x.Amount, err = d.Integer(); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionNonPositiveDeposit.amount")
		}
		return x, nil
	case 1:
		var x core.NonPositivePay
		if x.Account, err = DecodeParty(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionNonPositivePay.account")
		}
		if x.Payee, err = DecodePayee(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionNonPositivePay.payee")
		}
		if x.Token, err = DecodeToken(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionNonPositivePay.token")
		}
		if x.Amount, err = d.Integer(); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionNonPositivePay.amount")
		}
		return x, nil
	case 2:
		var x core.PartialPay
		if x.Account, err = DecodeParty(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionPartialPay.account")
		}
		if x.Payee, err = DecodePayee(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionPartialPay.payee")
		}
		if x.Token, err = DecodeToken(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionPartialPay.token")
		}
		if x.Paid, err = d.Integer(); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionPartialPay.paid")
		}
		if x.Expected, err = d.Integer(); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionPartialPay.expected")
		}
		return x, nil
	case 3:
		var x core.Shadowing
		if x.ID, err = DecodeValueId(d); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionShadowing.valueId")
		}
		if x.Old, err = d.Integer(); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionShadowing.old")
		}
		if x.New, err = d.Integer(); err != nil {
			return nil, binary.Wrapf(err, "decode TransactionShadowing.new")
		}
		return x, nil
	default:
		return core.AssertionFailed{}, nil
	}
}

// EncodeCoreTransactionError appends a V1 TransactionError:
// 0 TEAmbiguousTimeIntervalError, 1 TEApplyNoMatchError, 2 TEIntervalError
// IntervalError, 3 TEUselessTransaction, 4 TEHashMismatch.
func EncodeCoreTransactionError(e *binary.Encoder, x core.TransactionError) {
	switch v := x.(type) {
	case core.TEAmbiguousTimeIntervalError:
		e.PutTag(0)
	case core.TEApplyNoMatchError:
		e.PutTag(1)
	case core.TEIntervalError:
		e.PutTag(2)
		EncodeIntervalError(e, v.Err)
	case core.TEUselessTransaction:
		e.PutTag(3)
	case core.TEHashMismatch:
		e.PutTag(4)
	case nil:
		e.Failf("encode TransactionError: nil value")
	default:
		e.Failf("encode TransactionError: unsupported type %T", x)
	}
}

// DecodeCoreTransactionError reads a V1 TransactionError.
func DecodeCoreTransactionError(d *binary.Decoder) (core.TransactionError, error) {
	t, err := d.Tag("TransactionError", 5)
	if err != nil {
		return nil, binary.Wrapf(err, "decode TransactionError")
	}
	switch t {
	case 0:
		return core.TEAmbiguousTimeIntervalError{}, nil
	case 1:
		return core.TEApplyNoMatchError{}, nil
	case 2:
		ie, err := DecodeIntervalError(d)
		if err != nil {
			return nil, binary.Wrapf(err, "decode TEIntervalError")
		}
		return core.TEIntervalError{Err: ie}, nil
	case 3:
		return core.TEUselessTransaction{}, nil
	default:
		return core.TEHashMismatch{}, nil
	}
}

// EncodeCoreTransactionOutput appends a V1 TransactionOutput: 00
// TransactionOutput list<TransactionWarning> list<Payment> State Contract,
// or 01 Error TransactionError when x.Error is set.
func EncodeCoreTransactionOutput(e *binary.Encoder, x core.TransactionOutput) {
	if x.Error != nil {
		e.PutTag(1)
		EncodeCoreTransactionError(e, x.Error)
		return
	}
	e.PutTag(0)
	binary.EncodeList(e, x.Warnings, EncodeCoreTransactionWarning)
	binary.EncodeList(e, x.Payments, EncodePayment)
	EncodeState(e, x.State)
	EncodeContract(e, x.Contract)
}

// DecodeCoreTransactionOutput reads a V1 TransactionOutput.
func DecodeCoreTransactionOutput(d *binary.Decoder) (core.TransactionOutput, error) {
	var x core.TransactionOutput
	t, err := d.Tag("TransactionOutput", 2)
	if err != nil {
		return x, binary.Wrapf(err, "decode TransactionOutput")
	}
	if t == 1 {
		if x.Error, err = DecodeCoreTransactionError(d); err != nil {
			return x, binary.Wrapf(err, "decode TransactionOutput.Error")
		}
		return x, nil
	}
	if x.Warnings, err = binary.DecodeList(d, DecodeCoreTransactionWarning); err != nil {
		return x, binary.Wrapf(err, "decode TransactionOutput.txOutWarnings")
	}
	if x.Payments, err = binary.DecodeList(d, DecodePayment); err != nil {
		return x, binary.Wrapf(err, "decode TransactionOutput.txOutPayments")
	}
	if x.State, err = DecodeState(d); err != nil {
		return x, binary.Wrapf(err, "decode TransactionOutput.txOutState")
	}
	if x.Contract, err = DecodeContract(d); err != nil {
		return x, binary.Wrapf(err, "decode TransactionOutput.txOutContract")
	}
	return x, nil
}
