// Package runtime wires the eight Marlowe Runtime sub-protocols into the
// TCP server and the Go client: the marlowe-proxy service on port 3700
// (wire-protocol.md §1.1–§1.2, §3).
//
// # Server
//
// Handlers holds one handler per sub-protocol. SubProtocols registers each
// non-nil one under its MsgRun byte (§3: 00 MarloweSync, 01
// MarloweHeaderSync, 02 MarloweQuery, 03 TxJob, 04 MarloweLoad, 05
// ContractQuery, 06 MarloweTransfer, 07 MarloweBulkSync), each session
// getting a fresh machine in the sub-protocol's initial state and the
// package's own Serve driver bound to the handler. A nil handler means the
// sub-protocol is not offered: the server refuses a MsgRun selecting it
// with a failure frame. NewServer builds a server.Server from a
// server.Config and Handlers.
//
// # Client
//
// Dial opens one session of any sub-protocol: TCP connect, handshake with
// the MarloweRuntime signature, MsgRun, and returns the session.Channel.
// DialMarloweSync … DialMarloweBulkSync wrap it with each sub-protocol's
// typed client. One connection carries one session (§1.1): close the
// returned io.Closer when the session is over and dial again for the next.
//
// The package is named after the service, Marlowe Runtime; importers that
// also need the standard library's runtime package alias one of them.
package runtime
