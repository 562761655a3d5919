package headersync

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// MsgRequestNext asks for the next block with contract creations (client,
// StIdle, tag 01).
type MsgRequestNext struct{}

// MsgIntersect asks to resume from the latest of the client's known blocks
// that the server also has (client, StIdle, tag 02). Points are oldest
// first.
type MsgIntersect struct {
	Points []types.BlockHeader
}

// MsgDone ends the session (client, StIdle, tag 03).
type MsgDone struct{}

// MsgNewHeaders delivers the contracts created in the next block (server,
// StNext, tag 04).
type MsgNewHeaders struct {
	Block   types.BlockHeader
	Headers []types.ContractHeader
}

// MsgRollBackward tells the client to roll its view back to Point (server,
// StNext, tag 05).
type MsgRollBackward struct {
	Point types.ChainPoint
}

// MsgWait says that nothing new has happened yet; the client polls or
// cancels (server, StNext, tag 06).
type MsgWait struct{}

// MsgPoll asks again after MsgWait (client, StWait, tag 07).
type MsgPoll struct{}

// MsgCancel stops waiting and returns to StIdle (client, StWait, tag 08).
type MsgCancel struct{}

// MsgIntersectFound answers MsgIntersect with the block the client resumes
// from (server, StIntersect, tag 09).
type MsgIntersectFound struct {
	Block types.BlockHeader
}

// MsgIntersectNotFound answers MsgIntersect when no point is known; the
// client stays where it was (server, StIntersect, tag 0a).
type MsgIntersectNotFound struct{}

// MessageName implements session.Message.
func (MsgRequestNext) MessageName() string { return "MsgRequestNext" }

// MessageName implements session.Message.
func (MsgIntersect) MessageName() string { return "MsgIntersect" }

// MessageName implements session.Message.
func (MsgDone) MessageName() string { return "MsgDone" }

// MessageName implements session.Message.
func (MsgNewHeaders) MessageName() string { return "MsgNewHeaders" }

// MessageName implements session.Message.
func (MsgRollBackward) MessageName() string { return "MsgRollBackward" }

// MessageName implements session.Message.
func (MsgWait) MessageName() string { return "MsgWait" }

// MessageName implements session.Message.
func (MsgPoll) MessageName() string { return "MsgPoll" }

// MessageName implements session.Message.
func (MsgCancel) MessageName() string { return "MsgCancel" }

// MessageName implements session.Message.
func (MsgIntersectFound) MessageName() string { return "MsgIntersectFound" }

// MessageName implements session.Message.
func (MsgIntersectNotFound) MessageName() string { return "MsgIntersectNotFound" }

// Wire tags (wire-protocol.md §4.2).
const (
	tagRequestNext       = 0x01
	tagIntersect         = 0x02
	tagDone              = 0x03
	tagNewHeaders        = 0x04
	tagRollBackward      = 0x05
	tagWait              = 0x06
	tagPoll              = 0x07
	tagCancel            = 0x08
	tagIntersectFound    = 0x09
	tagIntersectNotFound = 0x0a
)
