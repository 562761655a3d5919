package marlowesync

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// MsgFollowContract asks to follow a contract from its creation (client,
// StInit, tag 01).
type MsgFollowContract struct {
	ContractId types.ContractId
}

// MsgIntersect asks to resume following a contract from the latest of the
// client's known history blocks that the server also has (client, StInit,
// tag 02). Points are the client's blocks of that contract, oldest first.
type MsgIntersect struct {
	ContractId types.ContractId
	Version    types.MarloweVersion
	Points     []types.BlockHeader
}

// MsgContractNotFound ends the session: the contract is unknown (server,
// StFollow, tag 03).
type MsgContractNotFound struct{}

// MsgContractFound answers MsgFollowContract with the contract's creation
// (server, StFollow, tag 04).
type MsgContractFound struct {
	Block      types.BlockHeader
	Version    types.MarloweVersion
	CreateStep types.CreateStep
}

// MsgRequestNext asks for the contract's next history step (client, StIdle,
// tag 05).
type MsgRequestNext struct{}

// MsgDone ends the session (client, StIdle, tag 06).
type MsgDone struct{}

// MsgRollForward delivers the contract's steps in the next block of its
// history (server, StNext, tag 07).
type MsgRollForward struct {
	Block types.BlockHeader
	Steps []types.ContractStep
}

// MsgRollBackward tells the client to roll its view back to Block (server,
// StNext, tag 08).
type MsgRollBackward struct {
	Block types.BlockHeader
}

// MsgWait says that nothing new has happened yet; the client polls or
// cancels (server, StNext, tag 09).
type MsgWait struct{}

// MsgPoll asks again after MsgWait (client, StWait, tag 0a).
type MsgPoll struct{}

// MsgCancel stops waiting and returns to StIdle (client, StWait, tag 0b).
type MsgCancel struct{}

// MsgIntersectFound answers MsgIntersect with the block the client resumes
// from (server, StIntersect, tag 0c).
type MsgIntersectFound struct {
	Block types.BlockHeader
}

// MsgIntersectNotFound ends the session: no common block (server,
// StIntersect, tag 0d).
type MsgIntersectNotFound struct{}

// MsgRollBackCreation ends the session: the contract's creation itself was
// rolled back (server, StNext, tag 0e).
type MsgRollBackCreation struct{}

// MessageName implements session.Message.
func (MsgFollowContract) MessageName() string { return "MsgFollowContract" }

// MessageName implements session.Message.
func (MsgIntersect) MessageName() string { return "MsgIntersect" }

// MessageName implements session.Message.
func (MsgContractNotFound) MessageName() string { return "MsgContractNotFound" }

// MessageName implements session.Message.
func (MsgContractFound) MessageName() string { return "MsgContractFound" }

// MessageName implements session.Message.
func (MsgRequestNext) MessageName() string { return "MsgRequestNext" }

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

// MessageName implements session.Message.
func (MsgRollBackCreation) MessageName() string { return "MsgRollBackCreation" }

// Wire tags (wire-protocol.md §4.1).
const (
	tagFollowContract    = 0x01
	tagIntersect         = 0x02
	tagContractNotFound  = 0x03
	tagContractFound     = 0x04
	tagRequestNext       = 0x05
	tagDone              = 0x06
	tagRollForward       = 0x07
	tagRollBackward      = 0x08
	tagWait              = 0x09
	tagPoll              = 0x0a
	tagCancel            = 0x0b
	tagIntersectFound    = 0x0c
	tagIntersectNotFound = 0x0d
	tagRollBackCreation  = 0x0e
)
