// Package server is the Marlowe Runtime TCP server: the marlowe-proxy
// protocol on port 3700 (wire-protocol.md §1.1–§1.6, §3).
//
// Each accepted connection goes through: the handshake, which must carry
// exactly handshake.MarloweRuntimeSignature (anything else gets MsgReject,
// then the failure frame "user error (Rejecting handshake, <got> /=
// <expected>)" as a Haskell server sends, then the connection closes); one
// MsgRun byte selecting the sub-protocol; then the registered driver of
// that sub-protocol, which runs until the session reaches its terminal
// state; then the connection closes (the server gives the client, which
// knows the session is over too, a moment to close first, so that
// TIME_WAIT states accumulate on clients). The transport follows agency and
// never assumes who speaks first after MsgRun, so a driver that sends
// first (MarloweLoad) simply does.
//
// Sub-protocols are registered in Config.SubProtocols by the code that
// wires the server; this package knows none of them.
//
// # Errors
//
// Any error on a connection (malformed bytes, a message the state does not
// allow, a client sending while the server holds agency, a message over
// the size limit, an idle or handshake timeout, a handler error, even a
// panicking driver) ends that connection only: the server sends a failure
// frame (01 + text, best effort), closes its sending side, drains what the
// client still sends for a short bounded time so that the frame is not
// lost to a connection reset, and closes. Other connections are not
// affected. A client that disconnects gets nothing.
//
// # Limits
//
// MaxConnections bounds concurrent sessions. A connection beyond it is
// refused cleanly: it is accepted, receives the failure frame
// "marlowe-lite: server busy (N connections)" before any handshake (a
// Haskell client reports it as PeerCrashed) and is closed. Refusals are
// themselves bounded; past that bound a connection is closed at once.
// MaxMessageBytes bounds each message a client sends (handshake-phase
// messages are held to handshake.MaxMessageBytes); a length prefix over
// the bound is refused when it is read, and buffers grow only with bytes
// that actually arrive. HandshakeTimeout bounds the time from accept to
// the MsgRun byte. IdleTimeout bounds how long a client holding agency may
// take to deliver its next message, except in quiet states (the waits a
// server enters with MsgWait, session.Quiet); time the server holds
// agency (a handler waiting for new blocks, say) never counts.
//
// # Shutdown
//
// When the context given to Serve is cancelled the server stops accepting,
// cancels every session's context (drivers return; their clients receive
// the failure frame "marlowe-lite: server shutting down"), and waits for
// the handlers up to ShutdownTimeout; then it closes the remaining
// connections and waits a little longer before giving up on them.
package server
