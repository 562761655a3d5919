// Package job is the generic Job protocol of the Marlowe Runtime
// (wire-protocol.md §4.5; Haskell Network.Protocol.Job.Types): a client asks
// the server to execute a command, and the server answers with the result,
// an error, or — for long-running commands — a status and a job id that the
// client polls, detaches from, or later re-attaches to.
//
// The protocol is generic over a command family (the Haskell `Command`
// class), described here by a Codec: the wire forms of the family's command
// tags, commands, job ids, statuses, errors and results. Package txjob
// instantiates it with MarloweTxCommand (TxJob).
//
// # States and messages
//
//	StInit        client  01 MsgExec tag command     → StCmd tag
//	                      02 MsgAttach tag jobId     → StAttach tag
//	StCmd tag     server  03 MsgFail tag error       → StDone
//	                      04 MsgSucceed tag result   → StDone
//	                      05 MsgAwait tag status id  → StAwait tag
//	StAttach tag  server  08 MsgAttached             → StCmd tag
//	                      09 MsgAttachFailed         → StDone
//	StAwait tag   client  06 MsgPoll                 → StCmd tag
//	                      07 MsgDetach               → StDone
//	StDone        nobody
//
// The tag of a pending command is part of the state: it decides how the
// server's status, error and result are read. The server repeats the tag in
// MsgFail, MsgSucceed and MsgAwait, and the Haskell client rejects a reply
// whose tag differs from the command it sent (§6.9), so the Machine compares
// the repeated tag byte for byte with the pending one, version included.
// StAwait is a quiet state (session.Quiet): the client polls at its own
// pace, so a server must not apply its idle timeout there.
//
// Serve drives the server side against a Handler; Client drives the client
// side. Both work over any session.Channel.
package job
