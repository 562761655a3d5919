// Package bulksync implements MarloweBulkSync, the sub-protocol that streams
// all Marlowe activity block by block (wire-protocol.md §4.3): its messages
// with their Data.Binary codecs, the session Machine, a server driver over a
// Handler, a typed client, and an in-memory Handler for tests.
//
// # States and messages
//
//	StIdle      (client) MsgRequestNext n      -> StNext   (up to 1+n blocks)
//	                     MsgIntersect          -> StIntersect
//	                     MsgDone               -> StDone
//	StNext      (server) MsgRollForward        -> StIdle   (blocks, tip)
//	                     MsgRollBackward       -> StIdle   (point, tip)
//	                     MsgWait               -> StPoll
//	StPoll      (client) MsgPoll               -> StNext
//	                     MsgCancel             -> StIdle
//	StIntersect (server) MsgIntersectFound     -> StIdle   (block, tip)
//	                     MsgIntersectNotFound  -> StIdle   (tip)
//	StDone      (nobody)
//
// Every message starts with its own tag byte (01..0a). The server reports
// the chain tip with every answer. StPoll is a quiet state: the client polls
// at its own pace, so server idle timeouts do not apply there.
package bulksync
