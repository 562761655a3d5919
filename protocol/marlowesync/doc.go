// Package marlowesync implements MarloweSync, the sub-protocol that follows
// the history of one Marlowe contract (wire-protocol.md §4.1): its messages
// with their Data.Binary codecs, the session Machine, a server driver over a
// Handler, a typed client, and an in-memory Handler for tests.
//
// # States and messages
//
//	StInit      (client) MsgFollowContract      -> StFollow
//	                     MsgIntersect           -> StIntersect v
//	StFollow    (server) MsgContractNotFound    -> StDone
//	                     MsgContractFound       -> StIdle v
//	StIntersect (server) MsgIntersectFound      -> StIdle v
//	                     MsgIntersectNotFound   -> StDone
//	StIdle      (client) MsgRequestNext         -> StNext v
//	                     MsgDone                -> StDone
//	StNext      (server) MsgRollForward         -> StIdle v
//	                     MsgRollBackward        -> StIdle v
//	                     MsgRollBackCreation    -> StDone
//	                     MsgWait                -> StWait v
//	StWait      (client) MsgPoll                -> StNext v
//	                     MsgCancel              -> StIdle v
//	StDone      (nobody)
//
// Every message starts with its own tag byte (01..0e, one tag per
// constructor). The states after MsgIntersect or MsgContractFound carry the
// Marlowe version named in that message; V1 (u32 00000001) is the only one,
// and any other version is a decode error. StWait is a quiet state: the
// client polls at its own pace, so server idle timeouts do not apply there.
package marlowesync
