// Package transport carries Marlowe Runtime protocol messages over a byte
// stream: the untyped framing of wire-protocol.md §1.3 and a
// session.Channel over a net.Conn.
//
// # Framing
//
// Every message is one frame: the status byte 00 followed by the message's
// Data.Binary encoding in the current protocol state, or the status byte
// 01 followed by a Text (i64 byte length, UTF-8) with which a peer reports
// an error before closing. There is no length prefix: a frame ends where
// the message's own encoding ends, so the receiver must know the protocol
// state to find it. FrameReader therefore decodes with the receiving
// side's session.Machine, incrementally (a short decode reads more bytes
// and retries), keeping surplus bytes for the next frame, even across a
// switch of protocol layer (handshake → MarloweRuntime → sub-protocol).
// A peer closing at a frame boundary gives ErrPeerClosed; closing inside a
// frame gives io.ErrUnexpectedEOF; a failure frame gives a *PeerFailure.
//
// # Bounds
//
// Each received message is bounded (Options.MaxMessageBytes, lowered per
// phase with Conn.SetMessageLimit). A length prefix that takes a message
// over the bound is refused as soon as it is read (ErrMessageTooLarge),
// and a prefix within the bound is only a claim: the buffer grows
// geometrically with the bytes that actually arrive, never to the
// announced size up front, so a hostile peer costs about what it sends.
//
// # Conn
//
// Conn implements session.Channel over a net.Conn for one side: Send
// checks agency, encodes with the machine, steps it and writes the whole
// frame with one Write; Recv checks the peer's agency, reads and decodes a
// frame and steps the machine. Context cancellation interrupts a blocked
// read or write (through the connection's deadlines). Options add an idle
// timeout on Recv that is suspended in quiet states (session.Quiet, the
// waits after MsgWait), a write timeout, and strict agency: the Haskell
// driver reads bytes a peer sent before its turn as if they had come in
// turn, while a strict Conn reports them (ErrEarlyData) on its next Send.
// A server is strict; a client need not be. Conn.SendFailure writes a
// failure frame and Conn.CloseGracefully closes so that the frame is not
// destroyed by a connection reset.
//
// # Not implemented
//
// The traced variant of §1.7 (port 3701 and the backend services: a
// SpanContext prelude answered by a raw 00 byte, then every message sent
// as a span-context frame followed by the message frame) is future work;
// only the untraced framing of port 3700 is implemented.
package transport
