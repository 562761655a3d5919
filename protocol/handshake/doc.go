// Package handshake is the connection setup of the Marlowe Runtime
// protocol: the Handshake protocol that checks both peers speak the same
// protocol (wire-protocol.md §1.4), and the top-level MarloweRuntime
// protocol whose one message, MsgRun…, selects the sub-protocol of the
// connection (§3).
//
// Handshake states and messages (payload bytes after the frame's 00):
//
//	StInit      (client) --MsgHandshake  00 text(signature)--> StHandshake
//	StHandshake (server) --MsgAccept     01--> StLift
//	StHandshake (server) --MsgReject     02--> StDone
//
// StLift is where the wrapped protocol takes over (MsgLift adds no bytes);
// for this Machine it is terminal, and the driver upgrades the connection
// to the next layer's machine. The protocol is identified only by its
// signature string; for port 3700 that is MarloweRuntimeSignature, 156
// bytes. A server that rejects follows MsgReject with a failure frame whose
// text RejectionText builds, as the Haskell server does.
//
// MarloweRuntime: in StInit (client) one MsgRun byte 00..07 selects the
// sub-protocol (RunMarloweSync … RunMarloweBulkSync); the connection then
// carries that sub-protocol alone until it ends. After MsgRunMarloweLoad the
// server speaks first.
package handshake
