// Package headersync implements MarloweHeaderSync, the sub-protocol that
// discovers contract creations block by block (wire-protocol.md §4.2): its
// messages with their Data.Binary codecs, the session Machine, a server
// driver over a Handler, a typed client, and an in-memory Handler for tests.
//
// # States and messages
//
//	StIdle      (client) MsgRequestNext        -> StNext
//	                     MsgIntersect          -> StIntersect
//	                     MsgDone               -> StDone
//	StNext      (server) MsgNewHeaders         -> StIdle
//	                     MsgRollBackward       -> StIdle
//	                     MsgWait               -> StWait
//	StWait      (client) MsgPoll               -> StNext
//	                     MsgCancel             -> StIdle
//	StIntersect (server) MsgIntersectFound     -> StIdle
//	                     MsgIntersectNotFound  -> StIdle (not StDone)
//	StDone      (nobody)
//
// Every message starts with its own tag byte (01..0a). The session can only
// be ended by the client (MsgDone). StWait is a quiet state: the client polls
// at its own pace, so server idle timeouts do not apply there.
package headersync
