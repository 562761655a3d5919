// Package load implements MarloweLoad (wire-protocol.md §4.6): the
// streaming upload of a large contract, node by node, which the server
// merkleizes and stores, answering the hash of the merkleized root.
//
// # States and messages
//
//	StProcessing node (server)  MsgResume n          → StCanPush n node   (no tag; i64 n ≥ 1)
//	StCanPush n node (client)   MsgPushClose    00   → Pop (n-1) node
//	                            MsgPushPay      01   → StCanPush (n-1) (PayNode node)
//	                            MsgPushIf       02   → StCanPush (n-1) (IfLNode node)
//	                            MsgPushWhen     03   → StCanPush (n-1) (WhenNode node)
//	                            MsgPushCase     04   → StCanPush (n-1) (CaseNode parent)   only on a WhenNode
//	                            MsgPushLet      05   → StCanPush (n-1) (LetNode node)
//	                            MsgPushAssert   06   → StCanPush (n-1) (AssertNode node)
//	                            MsgRequestResume 07  → StProcessing node                   only with n = 0
//	                            MsgAbort        08   → StDone
//	StComplete (server)         MsgComplete hash     → StDone              (no tag; bytes)
//
// The server speaks first, right after MsgRunMarloweLoad. Pushes are n ≥ 1
// only; with no pushes left the client must ask to resume. Popping after a
// Close (Pop): the root completes the load (StComplete), an IfL node
// continues with its else branch, a case returns to its When (next case or
// the timeout continuation), any other node completes its parent in turn.
// The contract therefore travels as a pre-order walk.
//
// Machine tracks the node stack (bounded by DefaultMaxDepth) so decoding
// and stepping follow the Haskell type-level state exactly; Serve is the
// server driver over a Handler (a staging area of a content-addressed
// contract store), Client.Load the client.
package load
