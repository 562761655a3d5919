package load

import (
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// MsgResume (server, StProcessing → StCanPush N): the client may push N
// more nodes (N ≥ 1). Wire form: i64 N, no tag byte.
type MsgResume struct{ N int64 }

// MsgPushClose (client, tag 00): a Close node; pops every completed node.
type MsgPushClose struct{}

// MsgPushPay (client, tag 01): a Pay node; its continuation follows.
type MsgPushPay struct {
	From   core.Party
	To     core.Payee
	Token  core.Token
	Amount core.Value
}

// MsgPushIf (client, tag 02): an If node; the then branch follows, then the
// else branch.
type MsgPushIf struct{ Obs core.Observation }

// MsgPushWhen (client, tag 03): a When node with its timeout (POSIX ms);
// its cases follow (MsgPushCase each), then the timeout continuation.
type MsgPushWhen struct{ Timeout *big.Int }

// MsgPushCase (client, tag 04, only on a When node): a case; its
// continuation follows.
type MsgPushCase struct{ Action core.Action }

// MsgPushLet (client, tag 05): a Let node; its continuation follows.
type MsgPushLet struct {
	ID    core.ValueID
	Value core.Value
}

// MsgPushAssert (client, tag 06): an Assert node; its continuation follows.
type MsgPushAssert struct{ Obs core.Observation }

// MsgRequestResume (client, tag 07, only with no pushes left): asks the
// server to process the batch and send MsgResume.
type MsgRequestResume struct{}

// MsgAbort (client, tag 08): abandons the load; nothing is stored.
type MsgAbort struct{}

// MsgComplete (server, StComplete → StDone): the hash of the merkleized
// root contract. Wire form: bytes, no tag byte.
type MsgComplete struct{ Hash types.DatumHash }

// MessageName implements session.Message.
func (MsgResume) MessageName() string { return "MsgResume" }

// MessageName implements session.Message.
func (MsgPushClose) MessageName() string { return "MsgPushClose" }

// MessageName implements session.Message.
func (MsgPushPay) MessageName() string { return "MsgPushPay" }

// MessageName implements session.Message.
func (MsgPushIf) MessageName() string { return "MsgPushIf" }

// MessageName implements session.Message.
func (MsgPushWhen) MessageName() string { return "MsgPushWhen" }

// MessageName implements session.Message.
func (MsgPushCase) MessageName() string { return "MsgPushCase" }

// MessageName implements session.Message.
func (MsgPushLet) MessageName() string { return "MsgPushLet" }

// MessageName implements session.Message.
func (MsgPushAssert) MessageName() string { return "MsgPushAssert" }

// MessageName implements session.Message.
func (MsgRequestResume) MessageName() string { return "MsgRequestResume" }

// MessageName implements session.Message.
func (MsgAbort) MessageName() string { return "MsgAbort" }

// MessageName implements session.Message.
func (MsgComplete) MessageName() string { return "MsgComplete" }
