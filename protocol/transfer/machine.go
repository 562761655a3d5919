package transfer

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

type state uint8

const (
	stIdle state = iota
	stExport
	stCanUpload
	stUpload
	stCanDownload
	stDownload
	stDone
)

func (s state) String() string {
	switch s {
	case stIdle:
		return "StIdle"
	case stExport:
		return "StExport"
	case stCanUpload:
		return "StCanUpload"
	case stUpload:
		return "StUpload"
	case stCanDownload:
		return "StCanDownload"
	case stDownload:
		return "StDownload"
	}
	return "StDone"
}

// transition is one allowed message: its tag in its state, and where it
// leads.
type transition struct {
	tag  uint8
	next state
}

// transitionOf returns msg's tag and target state when msg may be sent in
// state s (§4.8; tags restart at 0 in every state).
func transitionOf(s state, msg session.Message) (transition, bool) {
	switch s {
	case stIdle:
		switch msg.(type) {
		case MsgStartImport:
			return transition{0, stCanUpload}, true
		case MsgRequestExport:
			return transition{1, stExport}, true
		case MsgDone:
			return transition{2, stDone}, true
		}
	case stExport:
		switch msg.(type) {
		case MsgStartExport:
			return transition{0, stCanDownload}, true
		case MsgContractNotFound:
			return transition{1, stIdle}, true
		}
	case stCanUpload:
		switch msg.(type) {
		case MsgUpload:
			return transition{0, stUpload}, true
		case MsgImported:
			return transition{1, stIdle}, true
		}
	case stUpload:
		switch msg.(type) {
		case MsgUploaded:
			return transition{0, stCanUpload}, true
		case MsgUploadFailed:
			return transition{1, stIdle}, true
		}
	case stCanDownload:
		switch msg.(type) {
		case MsgDownload:
			return transition{0, stDownload}, true
		case MsgCancel:
			return transition{1, stIdle}, true
		}
	case stDownload:
		switch msg.(type) {
		case MsgDownloaded:
			return transition{0, stCanDownload}, true
		case MsgExported:
			return transition{1, stIdle}, true
		}
	}
	return transition{}, false
}

// Machine is a MarloweTransfer session (wire-protocol.md §4.8).
type Machine struct {
	st state
}

// NewMachine returns a machine in the initial state StIdle.
func NewMachine() *Machine { return &Machine{st: stIdle} }

// GoldenMachines returns one machine in each non-terminal state.
func GoldenMachines() []*Machine {
	ms := make([]*Machine, 0, int(stDone))
	for s := stIdle; s < stDone; s++ {
		ms = append(ms, &Machine{st: s})
	}
	return ms
}

// Protocol implements session.Machine.
func (m *Machine) Protocol() string { return "MarloweTransfer" }

// State implements session.Machine.
func (m *Machine) State() string { return m.st.String() }

// Agency implements session.Machine.
func (m *Machine) Agency() session.Agency {
	switch m.st {
	case stIdle, stCanUpload, stCanDownload:
		return session.Client
	case stExport, stUpload, stDownload:
		return session.Server
	}
	return session.Nobody
}

// Decode implements session.Machine: a tag byte, whose meaning depends on
// the state, then the message's fields.
func (m *Machine) Decode(d *binary.Decoder) (session.Message, error) {
	if m.st == stDone {
		return nil, fmt.Errorf("MarloweTransfer: decode in state StDone: %w", session.ErrNoAgency)
	}
	at := d.Offset()
	tag, err := d.U8()
	if err != nil {
		return nil, binary.Wrap(err, "decode MarloweTransfer message tag")
	}
	switch m.st {
	case stIdle:
		switch tag {
		case 0:
			return MsgStartImport{}, nil
		case 1:
			h, err := types.DecodeDatumHash(d)
			if err != nil {
				return nil, binary.Wrap(err, "decode MsgRequestExport")
			}
			return MsgRequestExport{Hash: h}, nil
		case 2:
			return MsgDone{}, nil
		}
	case stExport:
		switch tag {
		case 0:
			return MsgStartExport{}, nil
		case 1:
			return MsgContractNotFound{}, nil
		}
	case stCanUpload:
		switch tag {
		case 0:
			b, err := object.DecodeObjectBundle(d)
			if err != nil {
				return nil, binary.Wrap(err, "decode MsgUpload")
			}
			return MsgUpload{Bundle: b}, nil
		case 1:
			return MsgImported{}, nil
		}
	case stUpload:
		switch tag {
		case 0:
			hs, err := binary.DecodeMap(d, object.CompareLabel, object.DecodeLabel, types.DecodeDatumHash)
			if err != nil {
				return nil, binary.Wrap(err, "decode MsgUploaded")
			}
			return MsgUploaded{Hashes: hs}, nil
		case 1:
			e, err := object.DecodeImportError(d)
			if err != nil {
				return nil, binary.Wrap(err, "decode MsgUploadFailed")
			}
			return MsgUploadFailed{Err: e}, nil
		}
	case stCanDownload:
		switch tag {
		case 0:
			n, err := d.Natural()
			if err != nil {
				return nil, binary.Wrap(err, "decode MsgDownload")
			}
			return MsgDownload{N: n}, nil
		case 1:
			return MsgCancel{}, nil
		}
	case stDownload:
		switch tag {
		case 0:
			b, err := object.DecodeObjectBundle(d)
			if err != nil {
				return nil, binary.Wrap(err, "decode MsgDownloaded")
			}
			return MsgDownloaded{Bundle: b}, nil
		case 1:
			return MsgExported{}, nil
		}
	}
	return nil, d.Errorf(at, "invalid tag byte %d in state %s", tag, m.State())
}

// allowed returns msg's transition in the current state.
func (m *Machine) allowed(msg session.Message) (transition, error) {
	t, ok := transitionOf(m.st, msg)
	if !ok {
		return transition{}, session.Unexpected(m, msg)
	}
	return t, nil
}

// Encode implements session.Machine.
func (m *Machine) Encode(e *binary.Encoder, msg session.Message) error {
	t, err := m.allowed(msg)
	if err != nil {
		return err
	}
	e.PutTag(t.tag)
	switch x := msg.(type) {
	case MsgRequestExport:
		types.EncodeDatumHash(e, x.Hash)
	case MsgUpload:
		object.EncodeObjectBundle(e, x.Bundle)
	case MsgUploaded:
		binary.EncodeMap(e, x.Hashes, object.CompareLabel, object.EncodeLabel, types.EncodeDatumHash)
	case MsgUploadFailed:
		object.EncodeImportError(e, x.Err)
	case MsgDownload:
		e.PutNatural(x.N)
	case MsgDownloaded:
		object.EncodeObjectBundle(e, x.Bundle)
	}
	if err := e.Err(); err != nil {
		return fmt.Errorf("MarloweTransfer encode %s: %w", msg.MessageName(), err)
	}
	return nil
}

// Step implements session.Machine.
func (m *Machine) Step(by session.Agency, msg session.Message) error {
	if err := session.CheckAgency(m, by); err != nil {
		return err
	}
	t, err := m.allowed(msg)
	if err != nil {
		return err
	}
	m.st = t.next
	return nil
}
