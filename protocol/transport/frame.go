package transport

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Frame status bytes (wire-protocol.md §1.3): the generic-derived
// StatusToken of the Haskell untyped driver.
const (
	// StatusSuccess precedes a message of the current protocol state.
	StatusSuccess byte = 0x00
	// StatusFailure precedes a Text describing why the peer gave up.
	StatusFailure byte = 0x01
)

// DefaultMaxMessageBytes bounds one received message when Options leave
// MaxMessageBytes at zero.
const DefaultMaxMessageBytes = 8 << 20

// MaxFailureTextBytes caps the Text of a failure frame we send: error
// messages can quote hostile input, and the peer only needs the gist.
const MaxFailureTextBytes = 16 << 10

var (
	// ErrPeerClosed: the peer closed the connection at a frame boundary (the
	// Haskell driver's PeerDisconnected). It wraps io.EOF.
	ErrPeerClosed = fmt.Errorf("transport: peer closed the connection: %w", io.EOF)
	// ErrMessageTooLarge: a received message would exceed the message
	// limit. It is raised as soon as a length prefix announces it, before
	// the bytes are read or any room is made for them.
	ErrMessageTooLarge = errors.New("transport: message exceeds the size limit")
	// ErrBadStatus: a frame began with a byte other than 00 or 01.
	ErrBadStatus = errors.New("transport: invalid frame status byte")
	// ErrIdleTimeout: the peer held agency and sent nothing complete within
	// the idle timeout.
	ErrIdleTimeout = errors.New("transport: idle timeout")
	// ErrEarlyData: the peer sent bytes while this side held agency (strict
	// alternation, §1.2). It wraps session.ErrNoAgency.
	ErrEarlyData = fmt.Errorf("transport: peer sent data without agency: %w", session.ErrNoAgency)
	// ErrConnClosed: the Conn was closed locally.
	ErrConnClosed = errors.New("transport: connection closed")
)

// PeerFailure is a failure frame received from the peer (status 01): the
// peer hit an error, reported it as text and is closing the connection.
// The Haskell driver calls this PeerCrashed.
type PeerFailure struct {
	// Text is the peer's message, e.g. a Haskell displayException.
	Text string
}

func (e *PeerFailure) Error() string { return "peer failed: " + e.Text }

// AppendFrame appends a success frame carrying msg, encoded in m's current
// state, to buf. It does not step m.
func AppendFrame(buf []byte, m session.Machine, msg session.Message) ([]byte, error) {
	if m == nil || msg == nil {
		return buf, errors.New("transport: encode frame: nil machine or message")
	}
	e := binary.NewEncoder(buf)
	e.PutU8(StatusSuccess)
	if err := m.Encode(e, msg); err != nil {
		return buf, err
	}
	out, err := e.Result()
	if err != nil {
		return buf, fmt.Errorf("%s encode %s in state %s: %w", m.Protocol(), msg.MessageName(), m.State(), err)
	}
	return out, nil
}

// AppendFailure appends a failure frame (01 + Text) to buf. Invalid UTF-8
// is replaced and text longer than MaxFailureTextBytes is cut at a
// character boundary, so any error message has a wire form.
func AppendFailure(buf []byte, text string) []byte {
	text = SanitizeFailureText(text)
	e := binary.NewEncoder(buf)
	e.PutU8(StatusFailure)
	e.PutText(text)
	return e.Bytes()
}

// SanitizeFailureText is the text AppendFailure actually sends for text.
func SanitizeFailureText(text string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	if len(text) > MaxFailureTextBytes {
		cut := MaxFailureTextBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	return text
}

// FrameReader reads frames from a byte stream. Frames have no length prefix
// (§1.3), so it decodes incrementally with the receiving machine, keeping
// surplus bytes for the next frame. It never buffers more than the message
// limit, and the room it makes grows with the bytes that actually arrive,
// not with what a length prefix announces.
type FrameReader struct {
	rd  *binary.Reader
	max int
}

// NewFrameReader returns a FrameReader over r accepting messages of at most
// maxMessageBytes (DefaultMaxMessageBytes if not positive).
func NewFrameReader(r io.Reader, maxMessageBytes int) *FrameReader {
	if maxMessageBytes <= 0 {
		maxMessageBytes = DefaultMaxMessageBytes
	}
	return &FrameReader{rd: binary.NewReader(r, maxMessageBytes+1), max: maxMessageBytes}
}

// Buffered is the number of bytes read from the stream but not yet
// consumed by a frame.
func (fr *FrameReader) Buffered() int { return fr.rd.Buffered() }

// MaxMessageBytes is the reader's hard message limit.
func (fr *FrameReader) MaxMessageBytes() int { return fr.max }

type frame struct {
	msg     session.Message
	failure *PeerFailure
}

// Next reads one frame. A success frame is decoded as m's current state
// dictates (m is not stepped); a failure frame is returned as a
// *PeerFailure error. limit (at most the reader's own limit; non-positive
// means that limit) bounds this message, so that a connection can accept
// only small messages during its handshake. At a clean end of stream Next
// returns ErrPeerClosed; a stream ending inside a frame gives an error
// wrapping io.ErrUnexpectedEOF; malformed bytes give an error wrapping
// binary.ErrMalformed (and ErrMessageTooLarge or ErrBadStatus where they
// apply), after which the stream position is undefined.
func (fr *FrameReader) Next(m session.Machine, limit int) (session.Message, error) {
	if m == nil {
		return nil, errors.New("transport: read frame: nil machine")
	}
	if limit <= 0 || limit > fr.max {
		limit = fr.max
	}
	f, err := binary.ReadValue(fr.rd, func(d *binary.Decoder) (frame, error) {
		return decodeFrame(d, m, limit)
	})
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		return nil, ErrPeerClosed
	default:
		return nil, err
	}
	if f.failure != nil {
		return nil, f.failure
	}
	return f.msg, nil
}

// decodeFrame decodes one frame from the start of d.
func decodeFrame(d *binary.Decoder, m session.Machine, limit int) (frame, error) {
	status, err := d.U8()
	if err != nil {
		return frame{}, err
	}
	var f frame
	switch status {
	case StatusSuccess:
		f.msg, err = m.Decode(d)
	case StatusFailure:
		var text string
		if text, err = d.Text(); err == nil {
			f.failure = &PeerFailure{Text: text}
		}
	default:
		return frame{}, fmt.Errorf("%w %#02x (want 00 or 01): %w", ErrBadStatus, status, binary.ErrMalformed)
	}
	if err != nil {
		if binary.IsShort(err) {
			return frame{}, clampShort(d, err, limit)
		}
		return frame{}, err
	}
	if n := d.Offset() - 1; n > limit {
		return frame{}, tooLarge(int64(n), limit)
	}
	return f, nil
}

// clampShort fails a frame that cannot be complete yet once it is known to
// exceed limit, with the typed ErrMessageTooLarge; otherwise it returns the
// short error for the stream reader to fetch more. The reader's buffer grows
// with the bytes that actually arrive (binary.Reader), so a length prefix
// below the limit is only a claim and costs nothing until its bytes come.
func clampShort(d *binary.Decoder, err error, limit int) error {
	buffered := int64(d.Offset() + d.Remaining())
	need, _ := binary.NeedMore(err)
	if need < 1 {
		need = 1
	}
	if total := satAdd(buffered, need) - 1; total > int64(limit) {
		return tooLarge(total, limit)
	}
	return err
}

func tooLarge(n int64, limit int) error {
	return fmt.Errorf("%w: at least %d bytes, limit %d: %w", ErrMessageTooLarge, n, limit, binary.ErrMalformed)
}

func satAdd(a, b int64) int64 {
	if s := a + b; s >= a {
		return s
	}
	return int64(^uint64(0) >> 1)
}
