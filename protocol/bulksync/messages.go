package bulksync

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// MsgRequestNext asks for the next blocks with Marlowe activity: one block
// plus at most ExtraBlockCount more (client, StIdle, tag 01).
type MsgRequestNext struct {
	ExtraBlockCount uint8
}

// MsgIntersect asks to resume from the latest of the client's known blocks
// that the server also has (client, StIdle, tag 02). Points are oldest
// first.
type MsgIntersect struct {
	Points []types.BlockHeader
}

// MsgDone ends the session (client, StIdle, tag 03).
type MsgDone struct{}

// MsgRollForward delivers the next blocks, in block order, and the current
// tip (server, StNext, tag 04).
type MsgRollForward struct {
	Blocks []types.MarloweBlock
	Tip    types.BlockHeader
}

// MsgRollBackward tells the client to roll back to Point; Tip is the
// current tip (server, StNext, tag 05).
type MsgRollBackward struct {
	Point types.ChainPoint
	Tip   types.ChainPoint
}

// MsgWait says that nothing new has happened yet; the client polls or
// cancels (server, StNext, tag 06).
type MsgWait struct{}

// MsgPoll asks again after MsgWait (client, StPoll, tag 07).
type MsgPoll struct{}

// MsgCancel stops waiting and returns to StIdle (client, StPoll, tag 08).
type MsgCancel struct{}

// MsgIntersectFound answers MsgIntersect with the block the client resumes
// from and the current tip (server, StIntersect, tag 09).
type MsgIntersectFound struct {
	Block types.BlockHeader
	Tip   types.BlockHeader
}

// MsgIntersectNotFound answers MsgIntersect when no point is known, with
// the current tip; the client stays where it was (server, StIntersect,
// tag 0a).
type MsgIntersectNotFound struct {
	Tip types.ChainPoint
}

// MessageName implements session.Message.
func (MsgRequestNext) MessageName() string { return "MsgRequestNext" }

// MessageName implements session.Message.
func (MsgIntersect) MessageName() string { return "MsgIntersect" }

// MessageName implements session.Message.
func (MsgDone) MessageName() string { return "MsgDone" }

// MessageName implements session.Message.
func (MsgRollForward) MessageName() string { return "MsgRollForward" }

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

// Wire tags (wire-protocol.md §4.3).
const (
	tagRequestNext       = 0x01
	tagIntersect         = 0x02
	tagDone              = 0x03
	tagRollForward       = 0x04
	tagRollBackward      = 0x05
	tagWait              = 0x06
	tagPoll              = 0x07
	tagCancel            = 0x08
	tagIntersectFound    = 0x09
	tagIntersectNotFound = 0x0a
)
