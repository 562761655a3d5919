package handshake

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// MsgRun bytes of the MarloweRuntime protocol (§3): the constructor index
// of each MsgRun… message. BulkSync was appended last, hence 07.
const (
	RunMarloweSync       byte = 0x00
	RunMarloweHeaderSync byte = 0x01
	RunMarloweQuery      byte = 0x02
	RunTxJob             byte = 0x03
	RunMarloweLoad       byte = 0x04
	RunContractQuery     byte = 0x05
	RunMarloweTransfer   byte = 0x06
	RunMarloweBulkSync   byte = 0x07
)

// RunCount is the number of sub-protocols; valid MsgRun bytes are below it.
const RunCount = 8

// RunName returns the sub-protocol name a MsgRun byte selects, e.g.
// "MarloweSync" for 00, and false for a byte outside 00..07.
func RunName(run byte) (string, bool) {
	switch run {
	case RunMarloweSync:
		return "MarloweSync", true
	case RunMarloweHeaderSync:
		return "MarloweHeaderSync", true
	case RunMarloweQuery:
		return "MarloweQuery", true
	case RunTxJob:
		return "TxJob", true
	case RunMarloweLoad:
		return "MarloweLoad", true
	case RunContractQuery:
		return "ContractQuery", true
	case RunMarloweTransfer:
		return "MarloweTransfer", true
	case RunMarloweBulkSync:
		return "MarloweBulkSync", true
	}
	return "", false
}

// RunSignature returns the signature of the sub-protocol a MsgRun byte
// selects (the one its dedicated backend port expects).
func RunSignature(run byte) (string, bool) {
	switch run {
	case RunMarloweSync:
		return MarloweSyncSignature, true
	case RunMarloweHeaderSync:
		return MarloweHeaderSyncSignature, true
	case RunMarloweQuery:
		return MarloweQuerySignature, true
	case RunTxJob:
		return TxJobSignature, true
	case RunMarloweLoad:
		return MarloweLoadSignature, true
	case RunContractQuery:
		return ContractQuerySignature, true
	case RunMarloweTransfer:
		return MarloweTransferSignature, true
	case RunMarloweBulkSync:
		return MarloweBulkSyncSignature, true
	}
	return "", false
}

// MsgRun selects the sub-protocol of the connection (MsgRunMarloweSync …
// MsgRunMarloweBulkSync, one byte on the wire).
type MsgRun struct{ Run byte }

// MessageName implements session.Message: the Haskell constructor name,
// e.g. "MsgRunMarloweSync".
func (m MsgRun) MessageName() string {
	if name, ok := RunName(m.Run); ok {
		if name == "TxJob" {
			return "MsgRunTxJob"
		}
		return "MsgRun" + name
	}
	return fmt.Sprintf("MsgRun(%#02x)", m.Run)
}

// RunMachine is the MarloweRuntime protocol up to the selection: StInit
// (client), then StRun, which is terminal for this machine; the selected
// sub-protocol's machine takes over.
type RunMachine struct {
	run      byte
	selected bool
}

var _ session.Machine = (*RunMachine)(nil)

// NewRunMachine returns a machine in StInit.
func NewRunMachine() *RunMachine { return &RunMachine{} }

// Protocol implements session.Machine.
func (m *RunMachine) Protocol() string { return "MarloweRuntime" }

// State implements session.Machine.
func (m *RunMachine) State() string {
	if !m.selected {
		return "StInit"
	}
	name, _ := RunName(m.run)
	return "St" + name
}

// Agency implements session.Machine.
func (m *RunMachine) Agency() session.Agency {
	if m.selected {
		return session.Nobody
	}
	return session.Client
}

// Selected returns the MsgRun byte once the client has chosen.
func (m *RunMachine) Selected() (byte, bool) { return m.run, m.selected }

// Decode implements session.Machine.
func (m *RunMachine) Decode(d *binary.Decoder) (session.Message, error) {
	at := d.Offset()
	if m.selected {
		return nil, d.Errorf(at, "MarloweRuntime: no message can arrive in state %s", m.State())
	}
	tag, err := d.U8()
	if err != nil {
		return nil, err
	}
	if tag >= RunCount {
		return nil, d.Errorf(at, "MarloweRuntime StInit: invalid message tag %#02x (want 00..07)", tag)
	}
	return MsgRun{Run: tag}, nil
}

// Encode implements session.Machine.
func (m *RunMachine) Encode(e *binary.Encoder, msg session.Message) error {
	if r, ok := msg.(MsgRun); ok && !m.selected && r.Run < RunCount {
		e.PutU8(r.Run)
		return nil
	}
	return session.Unexpected(m, msg)
}

// Step implements session.Machine.
func (m *RunMachine) Step(by session.Agency, msg session.Message) error {
	if err := session.CheckAgency(m, by); err != nil {
		return err
	}
	r, ok := msg.(MsgRun)
	if !ok || r.Run >= RunCount {
		return session.Unexpected(m, msg)
	}
	m.run, m.selected = r.Run, true
	return nil
}
