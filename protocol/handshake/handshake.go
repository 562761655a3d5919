package handshake

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Signatures of the sub-protocols (the HasSignature instances, §1.4). Each
// is also what a single-protocol backend port expects in its handshake.
const (
	MarloweSyncSignature       = "MarloweSync"
	MarloweHeaderSyncSignature = "MarloweHeaderSync"
	MarloweBulkSyncSignature   = "MarloweBulkSync"
	MarloweQuerySignature      = "Query MarloweSyncRequest"
	MarloweLoadSignature       = "MarloweLoad"
	MarloweTransferSignature   = "MarloweTransfer"
	TxJobSignature             = "Job MarloweTxCommand"
	ContractQuerySignature     = "Query ContractRequest"
)

// MarloweRuntimeSignature is the signature of the proxy port (3700/3701):
// "MarloweRuntime" and the sub-protocol signatures, in the order of the
// Haskell instance, joined by single spaces. It is 156 bytes long.
const MarloweRuntimeSignature = "MarloweRuntime " +
	MarloweSyncSignature + " " +
	MarloweHeaderSyncSignature + " " +
	MarloweBulkSyncSignature + " " +
	MarloweQuerySignature + " " +
	MarloweLoadSignature + " " +
	MarloweTransferSignature + " " +
	TxJobSignature + " " +
	ContractQuerySignature

// MaxMessageBytes bounds a handshake-phase message on the receiving side.
// The longest legitimate one, MsgHandshake with MarloweRuntimeSignature, is
// 165 bytes; the bound keeps a hostile peer from making a server buffer
// much before it has proved it speaks the protocol.
const MaxMessageBytes = 4 << 10

// MsgHandshake is the client's opening message: the signature of the
// protocol it wants to speak.
type MsgHandshake struct{ Signature string }

// MsgAccept: the server speaks the client's protocol; the wrapped protocol
// starts.
type MsgAccept struct{}

// MsgReject: the signature differs; the session ends.
type MsgReject struct{}

// MessageName implements session.Message.
func (MsgHandshake) MessageName() string { return "MsgHandshake" }

// MessageName implements session.Message.
func (MsgAccept) MessageName() string { return "MsgAccept" }

// MessageName implements session.Message.
func (MsgReject) MessageName() string { return "MsgReject" }

type state uint8

const (
	stInit state = iota
	stHandshake
	stLift
	stDone
)

// Machine is the Handshake protocol's session machine.
type Machine struct{ st state }

var _ session.Machine = (*Machine)(nil)

// NewMachine returns a machine in StInit.
func NewMachine() *Machine { return &Machine{} }

// Protocol implements session.Machine.
func (m *Machine) Protocol() string { return "Handshake" }

// State implements session.Machine.
func (m *Machine) State() string {
	return [...]string{"StInit", "StHandshake", "StLift", "StDone"}[m.st]
}

// Agency implements session.Machine. StLift is terminal for this machine:
// the wrapped protocol's machine takes over.
func (m *Machine) Agency() session.Agency {
	return [...]session.Agency{session.Client, session.Server, session.Nobody, session.Nobody}[m.st]
}

// Accepted reports whether the server accepted (state StLift).
func (m *Machine) Accepted() bool { return m.st == stLift }

// Rejected reports whether the server rejected (state StDone).
func (m *Machine) Rejected() bool { return m.st == stDone }

// Decode implements session.Machine.
func (m *Machine) Decode(d *binary.Decoder) (session.Message, error) {
	at := d.Offset()
	switch m.st {
	case stInit:
		tag, err := d.U8()
		if err != nil {
			return nil, err
		}
		if tag != 0x00 {
			return nil, d.Errorf(at, "Handshake StInit: expected tag 0x00, got %#02x", tag)
		}
		sig, err := d.Text()
		if err != nil {
			return nil, binary.Wrap(err, "Handshake MsgHandshake.signature")
		}
		return MsgHandshake{Signature: sig}, nil
	case stHandshake:
		tag, err := d.U8()
		if err != nil {
			return nil, err
		}
		switch tag {
		case 0x01:
			return MsgAccept{}, nil
		case 0x02:
			return MsgReject{}, nil
		}
		return nil, d.Errorf(at, "Handshake StHandshake: expected tag 0x01 or 0x02, got %#02x", tag)
	}
	return nil, d.Errorf(at, "Handshake: no message can arrive in state %s", m.State())
}

// Encode implements session.Machine.
func (m *Machine) Encode(e *binary.Encoder, msg session.Message) error {
	switch msg := msg.(type) {
	case MsgHandshake:
		if m.st == stInit {
			e.PutU8(0x00)
			e.PutText(msg.Signature)
			return nil
		}
	case MsgAccept:
		if m.st == stHandshake {
			e.PutU8(0x01)
			return nil
		}
	case MsgReject:
		if m.st == stHandshake {
			e.PutU8(0x02)
			return nil
		}
	}
	return session.Unexpected(m, msg)
}

// Step implements session.Machine.
func (m *Machine) Step(by session.Agency, msg session.Message) error {
	if err := session.CheckAgency(m, by); err != nil {
		return err
	}
	switch msg.(type) {
	case MsgHandshake:
		if m.st == stInit {
			m.st = stHandshake
			return nil
		}
	case MsgAccept:
		if m.st == stHandshake {
			m.st = stLift
			return nil
		}
	case MsgReject:
		if m.st == stHandshake {
			m.st = stDone
			return nil
		}
	}
	return session.Unexpected(m, msg)
}

// ErrRejected: the server answered MsgReject.
var ErrRejected = errors.New("handshake rejected by server")

// RejectedError describes a refused handshake. On the server side Got is
// the client's signature; on the client side ServerText is the failure
// text the server sent after MsgReject, if it arrived.
type RejectedError struct {
	Got, Expected string
	ServerText    string
}

func (e *RejectedError) Error() string {
	if e.ServerText != "" {
		return fmt.Sprintf("%v: offered %q: %s", ErrRejected, e.Got, e.ServerText)
	}
	if e.Expected != "" {
		return fmt.Sprintf("%v: %s", ErrRejected, RejectionText(e.Got, e.Expected))
	}
	return fmt.Sprintf("%v: offered %q", ErrRejected, e.Got)
}

// Unwrap makes errors.Is(err, ErrRejected) hold.
func (e *RejectedError) Unwrap() error { return ErrRejected }

// RejectionText is the text of the failure frame a Haskell server sends
// after MsgReject: its simpleHandshakeServer calls fail with
// "Rejecting handshake, " <> show got <> " /= " <> show expected, and the
// resulting IOError displays as "user error (…)".
func RejectionText(got, expected string) string {
	return "user error (Rejecting handshake, " + ShowString(got) + " /= " + ShowString(expected) + ")"
}

// Accept runs the server side of the handshake on ch, whose machine must be
// in StInit: it receives MsgHandshake and answers MsgAccept if the
// signature equals expected exactly, MsgReject otherwise, returning a
// *RejectedError in that case. The caller then sends the failure frame
// (RejectionText) and closes.
func Accept(ctx context.Context, ch session.Channel, expected string) error {
	msg, err := ch.Recv(ctx)
	if err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	hs, ok := msg.(MsgHandshake)
	if !ok {
		return fmt.Errorf("handshake: unexpected %s", msg.MessageName())
	}
	if hs.Signature != expected {
		if err := ch.Send(ctx, MsgReject{}); err != nil {
			return fmt.Errorf("handshake: send MsgReject: %w", err)
		}
		return &RejectedError{Got: hs.Signature, Expected: expected}
	}
	if err := ch.Send(ctx, MsgAccept{}); err != nil {
		return fmt.Errorf("handshake: send MsgAccept: %w", err)
	}
	return nil
}

// Offer runs the client side of the handshake on ch, whose machine must be
// in StInit: it sends the signature and waits for the answer. A rejection
// is a *RejectedError (ServerText empty; a transport may fill it in).
func Offer(ctx context.Context, ch session.Channel, signature string) error {
	if err := ch.Send(ctx, MsgHandshake{Signature: signature}); err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	msg, err := ch.Recv(ctx)
	if err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	if _, ok := msg.(MsgReject); ok {
		return &RejectedError{Got: signature}
	}
	return nil
}

// ShowString renders s as Haskell's show renders a String or Text: in
// double quotes, with '"' and '\\' escaped, control characters as their
// ASCII names or C escapes, DEL as \DEL, non-ASCII characters as decimal
// escapes, and "\&" where a following character would otherwise extend an
// escape (a digit after a decimal escape, 'H' after \SO). Invalid UTF-8
// bytes show as U+FFFD, as Text would never hold them.
func ShowString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, w := 0, 0; i < len(s); i += w {
		var r rune
		r, w = utf8.DecodeRuneInString(s[i:])
		next, _ := utf8.DecodeRuneInString(s[i+w:])
		hasNext := i+w < len(s)
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r > 0x7f:
			b.WriteByte('\\')
			b.WriteString(strconv.Itoa(int(r)))
			if hasNext && next >= '0' && next <= '9' {
				b.WriteString(`\&`)
			}
		case r == 0x7f:
			b.WriteString(`\DEL`)
		case r >= ' ':
			b.WriteRune(r)
		default:
			b.WriteString(controlEscape(r))
			if r == 0x0e && hasNext && next == 'H' {
				b.WriteString(`\&`)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// controlEscape is GHC's showLitChar for a character below ' '.
func controlEscape(r rune) string {
	switch r {
	case '\a':
		return `\a`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	case '\v':
		return `\v`
	}
	names := [...]string{"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
		"DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"}
	return `\` + names[r]
}
