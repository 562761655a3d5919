package txjob

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// CommandKind is a MarloweTxCommand constructor; its value is the first byte
// of the command tag (wire-protocol.md §4.5, putTag).
type CommandKind uint8

// The MarloweTxCommand kinds in wire order (note Submit = 4 precedes
// BurnRoleTokens = 5).
const (
	KindCreate         CommandKind = 0x01
	KindApplyInputs    CommandKind = 0x02
	KindWithdraw       CommandKind = 0x03
	KindSubmit         CommandKind = 0x04
	KindBurnRoleTokens CommandKind = 0x05
)

// Kinds lists every command kind in wire order.
func Kinds() []CommandKind {
	return []CommandKind{KindCreate, KindApplyInputs, KindWithdraw, KindSubmit, KindBurnRoleTokens}
}

// String is the Haskell constructor name, e.g. "ApplyInputs".
func (k CommandKind) String() string {
	switch k {
	case KindCreate:
		return "Create"
	case KindApplyInputs:
		return "ApplyInputs"
	case KindWithdraw:
		return "Withdraw"
	case KindSubmit:
		return "Submit"
	case KindBurnRoleTokens:
		return "BurnRoleTokens"
	}
	return fmt.Sprintf("CommandKind(%d)", uint8(k))
}

// HasStatus reports whether commands of kind k can run as jobs with a
// status and job id. Only Submit can; the others have the Haskell status
// type Void and are answered directly with MsgSucceed or MsgFail.
func (k CommandKind) HasStatus() bool { return k == KindSubmit }

// Tag is the MarloweTxCommand tag (Haskell `Tag MarloweTxCommand`): the
// command kind and, for every kind but Submit, the Marlowe version
// (wire-protocol.md §4.5 CmdTag: `01..03,05` + u32 version, `04` alone). It
// implements job.Tag.
type Tag struct {
	Kind CommandKind
	// Version is the Marlowe version; it must be MarloweV1 for every kind
	// but Submit, where it is zero.
	Version types.MarloweVersion
}

// TagOf returns the tag of kind k at Marlowe V1 (no version for Submit).
func TagOf(k CommandKind) Tag {
	if k == KindSubmit {
		return Tag{Kind: KindSubmit}
	}
	return Tag{Kind: k, Version: types.MarloweV1}
}

// Tags lists the tag of every command kind at Marlowe V1, in wire order.
func Tags() []Tag {
	out := make([]Tag, 0, 5)
	for _, k := range Kinds() {
		out = append(out, TagOf(k))
	}
	return out
}

// String renders the tag as Haskell shows it, e.g. "TagCreate MarloweV1".
func (t Tag) String() string {
	if t.Kind == KindSubmit {
		return "TagSubmit"
	}
	if t.Version == types.MarloweV1 {
		return fmt.Sprintf("Tag%s MarloweV1", t.Kind)
	}
	return fmt.Sprintf("Tag%s MarloweVersion(%d)", t.Kind, uint32(t.Version))
}

// EncodeTag appends a Tag.
func EncodeTag(e *binary.Encoder, t Tag) {
	switch t.Kind {
	case KindSubmit:
		if t.Version != 0 {
			e.Failf("encode Tag: TagSubmit carries no version (got %d)", t.Version)
		}
		e.PutU8(uint8(t.Kind))
	case KindCreate, KindApplyInputs, KindWithdraw, KindBurnRoleTokens:
		e.PutU8(uint8(t.Kind))
		types.EncodeMarloweVersion(e, t.Version)
	default:
		e.Failf("encode Tag: invalid command kind %d", t.Kind)
	}
}

// DecodeTag reads a Tag.
func DecodeTag(d *binary.Decoder) (Tag, error) {
	at := d.Offset()
	b, err := d.U8()
	if err != nil {
		return Tag{}, binary.Wrapf(err, "decode Tag")
	}
	k := CommandKind(b)
	switch k {
	case KindSubmit:
		return Tag{Kind: k}, nil
	case KindCreate, KindApplyInputs, KindWithdraw, KindBurnRoleTokens:
		v, err := types.DecodeMarloweVersion(d)
		if err != nil {
			return Tag{}, binary.Wrapf(err, "decode Tag%s.version", k)
		}
		return Tag{Kind: k, Version: v}, nil
	}
	return Tag{}, binary.Wrapf(d.Errorf(at, "invalid command tag %d", b), "decode Tag")
}

// JobIdSubmit identifies a Submit job by the id of the transaction it
// submits (the only MarloweTxCommand job id). It implements job.JobID.
type JobIdSubmit struct {
	TxId types.TxId
}

// JobTag implements job.JobID.
func (JobIdSubmit) JobTag() job.Tag { return TagOf(KindSubmit) }

// SubmitStatus is the status of a running Submit job.
type SubmitStatus uint8

// The SubmitStatus constructors in wire order.
const (
	// Submitting: the transaction is being sent to the node.
	Submitting SubmitStatus = iota
	// Accepted: the node accepted it; it awaits inclusion in a block.
	Accepted
)

// String is the Haskell constructor name.
func (s SubmitStatus) String() string {
	switch s {
	case Submitting:
		return "Submitting"
	case Accepted:
		return "Accepted"
	}
	return fmt.Sprintf("SubmitStatus(%d)", uint8(s))
}

// EncodeSubmitStatus appends a SubmitStatus: 00 Submitting | 01 Accepted.
func EncodeSubmitStatus(e *binary.Encoder, s SubmitStatus) {
	if s > Accepted {
		e.Failf("encode SubmitStatus: invalid constructor %d", s)
	}
	e.PutTag(uint8(s))
}

// DecodeSubmitStatus reads a SubmitStatus.
func DecodeSubmitStatus(d *binary.Decoder) (SubmitStatus, error) {
	t, err := d.Tag("SubmitStatus", 2)
	if err != nil {
		return 0, binary.Wrapf(err, "decode SubmitStatus")
	}
	return SubmitStatus(t), nil
}
