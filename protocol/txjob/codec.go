package txjob

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Codec is the MarloweTxCommand family of the Job protocol (the Haskell
// `Command MarloweTxCommand` instance). It implements job.Codec; per tag:
//
//	tag             status        error                result
//	Create          —             CreateError          ContractCreated
//	ApplyInputs     —             ApplyInputsError     InputsApplied
//	Withdraw        —             WithdrawError        WithdrawTx
//	Submit          SubmitStatus  SubmitError          types.BlockHeader
//	BurnRoleTokens  —             BurnRoleTokensError  BurnRoleTokensTx
//
// Only Submit has a status and a job id (JobIdSubmit).
type Codec struct{}

// Family implements job.Codec.
func (Codec) Family() string { return "MarloweTxCommand" }

// tagOf converts a job tag to a Tag, or records/returns an error.
func tagOf(t job.Tag) (Tag, bool) {
	tag, ok := t.(Tag)
	return tag, ok
}

// EncodeTag implements job.Codec.
func (Codec) EncodeTag(e *binary.Encoder, t job.Tag) {
	tag, ok := tagOf(t)
	if !ok {
		unsupported(e, "Tag", t)
		return
	}
	EncodeTag(e, tag)
}

// DecodeTag implements job.Codec.
func (Codec) DecodeTag(d *binary.Decoder) (job.Tag, error) {
	t, err := DecodeTag(d)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// EncodeCommand implements job.Codec.
func (Codec) EncodeCommand(e *binary.Encoder, c job.Command) {
	switch v := c.(type) {
	case Create:
		EncodeCreate(e, v)
	case ApplyInputs:
		EncodeApplyInputs(e, v)
	case Withdraw:
		EncodeWithdraw(e, v)
	case BurnRoleTokens:
		EncodeBurnRoleTokens(e, v)
	case Submit:
		EncodeSubmit(e, v)
	default:
		unsupported(e, "MarloweTxCommand", c)
	}
}

// DecodeCommand implements job.Codec.
func (Codec) DecodeCommand(d *binary.Decoder, t job.Tag) (job.Command, error) {
	tag, ok := tagOf(t)
	if !ok {
		return nil, d.Errorf(d.Offset(), "not a MarloweTxCommand tag: %T", t)
	}
	var c job.Command
	var err error
	switch tag.Kind {
	case KindCreate:
		c, err = DecodeCreate(d, tag.Version)
	case KindApplyInputs:
		c, err = DecodeApplyInputs(d, tag.Version)
	case KindWithdraw:
		c, err = DecodeWithdraw(d, tag.Version)
	case KindBurnRoleTokens:
		c, err = DecodeBurnRoleTokens(d, tag.Version)
	case KindSubmit:
		c, err = DecodeSubmit(d)
	default:
		return nil, d.Errorf(d.Offset(), "invalid command kind %d", tag.Kind)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// EncodeJobID implements job.Codec.
func (Codec) EncodeJobID(e *binary.Encoder, id job.JobID) {
	v, ok := id.(JobIdSubmit)
	if !ok {
		unsupported(e, "JobId MarloweTxCommand", id)
		return
	}
	types.EncodeTxId(e, v.TxId)
}

// DecodeJobID implements job.Codec: only Submit has job ids (the Haskell
// getJobId fails for the others, e.g. "create has no job ID").
func (Codec) DecodeJobID(d *binary.Decoder, t job.Tag) (job.JobID, error) {
	tag, ok := tagOf(t)
	if !ok || tag.Kind != KindSubmit {
		return nil, d.Errorf(d.Offset(), "%s has no job ID", t)
	}
	id, err := types.DecodeTxId(d)
	if err != nil {
		return nil, binary.Wrap(err, "decode JobIdSubmit")
	}
	return JobIdSubmit{TxId: id}, nil
}

// EncodeStatus implements job.Codec.
func (Codec) EncodeStatus(e *binary.Encoder, t job.Tag, status any) {
	tag, ok := tagOf(t)
	if !ok || tag.Kind != KindSubmit {
		e.Failf("encode status: %s has no status", t)
		return
	}
	s, ok := status.(SubmitStatus)
	if !ok {
		unsupported(e, "SubmitStatus", status)
		return
	}
	EncodeSubmitStatus(e, s)
}

// DecodeStatus implements job.Codec.
func (Codec) DecodeStatus(d *binary.Decoder, t job.Tag) (any, error) {
	tag, ok := tagOf(t)
	if !ok || tag.Kind != KindSubmit {
		return nil, d.Errorf(d.Offset(), "%s has no status", t)
	}
	s, err := DecodeSubmitStatus(d)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// EncodeError implements job.Codec.
func (Codec) EncodeError(e *binary.Encoder, t job.Tag, x any) {
	tag, _ := tagOf(t)
	switch tag.Kind {
	case KindCreate:
		if v, ok := x.(CreateError); ok {
			EncodeCreateError(e, v)
			return
		}
	case KindApplyInputs:
		if v, ok := x.(ApplyInputsError); ok {
			EncodeApplyInputsError(e, v)
			return
		}
	case KindWithdraw:
		if v, ok := x.(WithdrawError); ok {
			EncodeWithdrawError(e, v)
			return
		}
	case KindBurnRoleTokens:
		if v, ok := x.(BurnRoleTokensError); ok {
			EncodeBurnRoleTokensError(e, v)
			return
		}
	case KindSubmit:
		if v, ok := x.(SubmitError); ok {
			EncodeSubmitError(e, v)
			return
		}
	}
	e.Failf("encode error of %v: unsupported type %T", t, x)
}

// DecodeError implements job.Codec.
func (Codec) DecodeError(d *binary.Decoder, t job.Tag) (any, error) {
	tag, _ := tagOf(t)
	var x any
	var err error
	switch tag.Kind {
	case KindCreate:
		x, err = DecodeCreateError(d)
	case KindApplyInputs:
		x, err = DecodeApplyInputsError(d)
	case KindWithdraw:
		x, err = DecodeWithdrawError(d)
	case KindBurnRoleTokens:
		x, err = DecodeBurnRoleTokensError(d)
	case KindSubmit:
		x, err = DecodeSubmitError(d)
	default:
		return nil, d.Errorf(d.Offset(), "not a MarloweTxCommand tag: %v", t)
	}
	if err != nil {
		return nil, err
	}
	return x, nil
}

// EncodeResult implements job.Codec.
func (Codec) EncodeResult(e *binary.Encoder, t job.Tag, x any) {
	tag, _ := tagOf(t)
	switch tag.Kind {
	case KindCreate:
		if v, ok := x.(ContractCreated); ok {
			EncodeContractCreated(e, v)
			return
		}
	case KindApplyInputs:
		if v, ok := x.(InputsApplied); ok {
			EncodeInputsApplied(e, v)
			return
		}
	case KindWithdraw:
		if v, ok := x.(WithdrawTx); ok {
			EncodeWithdrawTx(e, v)
			return
		}
	case KindBurnRoleTokens:
		if v, ok := x.(BurnRoleTokensTx); ok {
			EncodeBurnRoleTokensTx(e, v)
			return
		}
	case KindSubmit:
		if v, ok := x.(types.BlockHeader); ok {
			types.EncodeBlockHeader(e, v)
			return
		}
	}
	e.Failf("encode result of %v: unsupported type %T", t, x)
}

// DecodeResult implements job.Codec.
func (Codec) DecodeResult(d *binary.Decoder, t job.Tag) (any, error) {
	tag, _ := tagOf(t)
	var x any
	var err error
	switch tag.Kind {
	case KindCreate:
		x, err = DecodeContractCreated(d)
	case KindApplyInputs:
		x, err = DecodeInputsApplied(d)
	case KindWithdraw:
		x, err = DecodeWithdrawTx(d)
	case KindBurnRoleTokens:
		x, err = DecodeBurnRoleTokensTx(d)
	case KindSubmit:
		x, err = types.DecodeBlockHeader(d)
	default:
		return nil, d.Errorf(d.Offset(), "not a MarloweTxCommand tag: %v", t)
	}
	if err != nil {
		return nil, err
	}
	return x, nil
}
