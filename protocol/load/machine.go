package load

import (
	"errors"
	"fmt"
	"strings"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Node is one level of the location stack that tracks where the client is
// inside the contract being pushed (Haskell type-level Node).
type Node uint8

// The node kinds.
const (
	// RootNode is the bottom of the stack: the contract itself.
	RootNode Node = iota
	// PayNode: inside a Pay's continuation.
	PayNode
	// IfLNode: inside an If's then branch.
	IfLNode
	// IfRNode: inside an If's else branch.
	IfRNode
	// WhenNode: on a When, between its cases or in its timeout
	// continuation; only here may a case be pushed.
	WhenNode
	// CaseNode: inside a case's continuation.
	CaseNode
	// LetNode: inside a Let's continuation.
	LetNode
	// AssertNode: inside an Assert's continuation.
	AssertNode
)

// String returns the Haskell name of the node kind.
func (n Node) String() string {
	names := [...]string{"RootNode", "PayNode", "IfLNode", "IfRNode", "WhenNode", "CaseNode", "LetNode", "AssertNode"}
	if int(n) < len(names) {
		return names[n]
	}
	return fmt.Sprintf("Node(%d)", uint8(n))
}

// DefaultMaxDepth bounds the location stack (the nesting of the contract
// being loaded). Haskell has no bound; one is needed so that a client
// cannot make the server hold an unbounded stack. Real contracts are far
// shallower.
const DefaultMaxDepth = 1 << 16

// ErrTooDeep is the protocol error for a push beyond the depth bound.
var ErrTooDeep = errors.New("protocol error: contract nesting exceeds the load depth bound")

type state uint8

const (
	stProcessing state = iota
	stCanPush
	stComplete
	stDone
)

// Machine is a MarloweLoad session (wire-protocol.md §4.6). Its state is
// the protocol state plus the count of pushes left and the node stack, so
// it decides exactly what the Haskell type-level state does: which tags
// decode (a case only on a When node, MsgRequestResume only with no pushes
// left) and where a Close returns to.
type Machine struct {
	st       state
	n        int64 // pushes left in StCanPush
	nodes    []Node
	maxDepth int
}

// NewMachine returns a machine in the initial state StProcessing RootNode,
// where the server speaks first.
func NewMachine() *Machine {
	return &Machine{st: stProcessing, nodes: []Node{RootNode}, maxDepth: DefaultMaxDepth}
}

// SetMaxDepth changes the bound on the node stack (n < 1 restores
// DefaultMaxDepth). Both peers' machines should use the same bound.
func (m *Machine) SetMaxDepth(n int) {
	if n < 1 {
		n = DefaultMaxDepth
	}
	m.maxDepth = n
}

// GoldenMachines returns machines in the states the Haskell golden tests
// cover (agencyVariations): StProcessing RootNode, StCanPush 0 and 1 on a
// When node under the root, and StComplete.
func GoldenMachines() []*Machine {
	when := func(n int64) *Machine {
		m := NewMachine()
		m.st, m.n, m.nodes = stCanPush, n, []Node{RootNode, WhenNode}
		return m
	}
	complete := NewMachine()
	complete.st, complete.nodes = stComplete, nil
	return []*Machine{NewMachine(), when(0), when(1), complete}
}

// Protocol implements session.Machine.
func (m *Machine) Protocol() string { return "MarloweLoad" }

// Pushes is the number of pushes left in StCanPush.
func (m *Machine) Pushes() int64 { return m.n }

// Depth is the height of the node stack.
func (m *Machine) Depth() int { return len(m.nodes) }

// top is the current node (RootNode when the stack is empty, which happens
// only once the root has been popped).
func (m *Machine) top() Node {
	if len(m.nodes) == 0 {
		return RootNode
	}
	return m.nodes[len(m.nodes)-1]
}

// State implements session.Machine, e.g. "StCanPush 3 [WhenNode RootNode]"
// (innermost node first; long stacks are abbreviated).
func (m *Machine) State() string {
	switch m.st {
	case stProcessing:
		return "StProcessing " + m.stack()
	case stCanPush:
		return fmt.Sprintf("StCanPush %d %s", m.n, m.stack())
	case stComplete:
		return "StComplete"
	}
	return "StDone"
}

func (m *Machine) stack() string {
	const shown = 6
	var b strings.Builder
	b.WriteByte('[')
	for i := len(m.nodes) - 1; i >= 0; i-- {
		if i != len(m.nodes)-1 {
			b.WriteByte(' ')
		}
		if len(m.nodes)-1-i == shown && i > 0 {
			fmt.Fprintf(&b, "…%d more", i+1)
			break
		}
		b.WriteString(m.nodes[i].String())
	}
	b.WriteByte(']')
	return b.String()
}

// Agency implements session.Machine.
func (m *Machine) Agency() session.Agency {
	switch m.st {
	case stProcessing, stComplete:
		return session.Server
	case stCanPush:
		return session.Client
	}
	return session.Nobody
}

// Decode implements session.Machine. The tag rules are those of the
// Haskell getMessage: with no pushes left only 07/08 decode ("No pushes
// left"), with pushes left 07 does not ("Must push"), 04 only on a When
// node. MsgResume and MsgComplete have no tag.
func (m *Machine) Decode(d *binary.Decoder) (session.Message, error) {
	switch m.st {
	case stProcessing:
		at := d.Offset()
		n, err := d.I64()
		if err != nil {
			return nil, binary.Wrap(err, "decode MsgResume")
		}
		if n < 1 {
			return nil, binary.Wrap(d.Errorf(at, "push count %d is not positive", n), "decode MsgResume")
		}
		return MsgResume{N: n}, nil
	case stComplete:
		h, err := types.DecodeDatumHash(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode MsgComplete")
		}
		return MsgComplete{Hash: h}, nil
	case stCanPush:
		return m.decodePush(d)
	}
	return nil, fmt.Errorf("MarloweLoad: decode in state %s: %w", m.State(), session.ErrNoAgency)
}

func (m *Machine) decodePush(d *binary.Decoder) (session.Message, error) {
	at := d.Offset()
	tag, err := d.U8()
	if err != nil {
		return nil, binary.Wrap(err, "decode MarloweLoad message tag")
	}
	if tag <= 0x06 && m.n == 0 {
		return nil, d.Errorf(at, "No pushes left (tag %#02x)", tag)
	}
	switch tag {
	case 0x00:
		return MsgPushClose{}, nil
	case 0x01:
		var x MsgPushPay
		if x.From, err = types.DecodeParty(d); err != nil {
			return nil, binary.Wrap(err, "decode MsgPushPay.account")
		}
		if x.To, err = types.DecodePayee(d); err != nil {
			return nil, binary.Wrap(err, "decode MsgPushPay.payee")
		}
		if x.Token, err = types.DecodeToken(d); err != nil {
			return nil, binary.Wrap(err, "decode MsgPushPay.token")
		}
		if x.Amount, err = types.DecodeValue(d); err != nil {
			return nil, binary.Wrap(err, "decode MsgPushPay.value")
		}
		return x, nil
	case 0x02:
		o, err := types.DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode MsgPushIf")
		}
		return MsgPushIf{Obs: o}, nil
	case 0x03:
		t, err := d.Integer()
		if err != nil {
			return nil, binary.Wrap(err, "decode MsgPushWhen.timeout")
		}
		return MsgPushWhen{Timeout: t}, nil
	case 0x04:
		if m.top() != WhenNode {
			return nil, d.Errorf(at, "Invalid protocol state for MsgPushCase (current node %s)", m.top())
		}
		a, err := types.DecodeAction(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode MsgPushCase")
		}
		return MsgPushCase{Action: a}, nil
	case 0x05:
		var x MsgPushLet
		if x.ID, err = types.DecodeValueId(d); err != nil {
			return nil, binary.Wrap(err, "decode MsgPushLet.valueId")
		}
		if x.Value, err = types.DecodeValue(d); err != nil {
			return nil, binary.Wrap(err, "decode MsgPushLet.value")
		}
		return x, nil
	case 0x06:
		o, err := types.DecodeObservation(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode MsgPushAssert")
		}
		return MsgPushAssert{Obs: o}, nil
	case 0x07:
		if m.n != 0 {
			return nil, d.Errorf(at, "Must push (%d pushes left)", m.n)
		}
		return MsgRequestResume{}, nil
	case 0x08:
		return MsgAbort{}, nil
	}
	return nil, d.Errorf(at, "Invalid message tag %d", tag)
}

// check reports whether m may be sent in the current state (ignoring who
// sends it).
func (m *Machine) check(msg session.Message) error {
	switch m.st {
	case stProcessing:
		if x, ok := msg.(MsgResume); ok {
			if x.N < 1 {
				return fmt.Errorf("MarloweLoad: MsgResume with push count %d: %w", x.N, session.ErrUnexpectedMessage)
			}
			return nil
		}
	case stComplete:
		if _, ok := msg.(MsgComplete); ok {
			return nil
		}
	case stCanPush:
		switch msg.(type) {
		case MsgAbort:
			return nil
		case MsgRequestResume:
			if m.n == 0 {
				return nil
			}
			return fmt.Errorf("%w (must push: %d pushes left)", session.Unexpected(m, msg), m.n)
		case MsgPushClose, MsgPushPay, MsgPushIf, MsgPushWhen, MsgPushCase, MsgPushLet, MsgPushAssert:
			if m.n == 0 {
				return fmt.Errorf("%w (no pushes left)", session.Unexpected(m, msg))
			}
			switch msg.(type) {
			case MsgPushCase:
				if m.top() != WhenNode {
					return fmt.Errorf("%w (current node is %s, not a When)", session.Unexpected(m, msg), m.top())
				}
			case MsgPushClose:
			default:
				if len(m.nodes) >= m.maxDepth {
					return fmt.Errorf("MarloweLoad: %s at depth %d: %w", msg.MessageName(), len(m.nodes), ErrTooDeep)
				}
			}
			return nil
		}
	}
	return session.Unexpected(m, msg)
}

// Encode implements session.Machine.
func (m *Machine) Encode(e *binary.Encoder, msg session.Message) error {
	if err := m.check(msg); err != nil {
		return err
	}
	switch x := msg.(type) {
	case MsgResume:
		e.PutI64(x.N)
	case MsgComplete:
		types.EncodeDatumHash(e, x.Hash)
	case MsgPushClose:
		e.PutTag(0x00)
	case MsgPushPay:
		e.PutTag(0x01)
		types.EncodeParty(e, x.From)
		types.EncodePayee(e, x.To)
		types.EncodeToken(e, x.Token)
		types.EncodeValue(e, x.Amount)
	case MsgPushIf:
		e.PutTag(0x02)
		types.EncodeObservation(e, x.Obs)
	case MsgPushWhen:
		e.PutTag(0x03)
		e.PutInteger(x.Timeout)
	case MsgPushCase:
		e.PutTag(0x04)
		types.EncodeAction(e, x.Action)
	case MsgPushLet:
		e.PutTag(0x05)
		types.EncodeValueId(e, x.ID)
		types.EncodeValue(e, x.Value)
	case MsgPushAssert:
		e.PutTag(0x06)
		types.EncodeObservation(e, x.Obs)
	case MsgRequestResume:
		e.PutTag(0x07)
	case MsgAbort:
		e.PutTag(0x08)
	}
	if err := e.Err(); err != nil {
		return fmt.Errorf("MarloweLoad encode %s: %w", msg.MessageName(), err)
	}
	return nil
}

// Step implements session.Machine.
func (m *Machine) Step(by session.Agency, msg session.Message) error {
	if err := session.CheckAgency(m, by); err != nil {
		return err
	}
	if err := m.check(msg); err != nil {
		return err
	}
	switch x := msg.(type) {
	case MsgResume:
		m.st, m.n = stCanPush, x.N
	case MsgComplete, MsgAbort:
		m.st, m.n, m.nodes = stDone, 0, nil
	case MsgRequestResume:
		m.st = stProcessing
	case MsgPushClose:
		m.n--
		m.pop()
	case MsgPushCase:
		m.n--
		m.nodes[len(m.nodes)-1] = CaseNode
	case MsgPushPay:
		m.push(PayNode)
	case MsgPushIf:
		m.push(IfLNode)
	case MsgPushWhen:
		m.push(WhenNode)
	case MsgPushLet:
		m.push(LetNode)
	case MsgPushAssert:
		m.push(AssertNode)
	}
	return nil
}

func (m *Machine) push(n Node) {
	m.n--
	m.nodes = append(m.nodes, n)
}

// pop completes the current node after a Close (type family Pop): the
// root completes the load; the then branch of an If continues with its
// else branch; a case returns to its When; every other node completes its
// parent in turn.
func (m *Machine) pop() {
	for len(m.nodes) > 0 {
		top := m.nodes[len(m.nodes)-1]
		m.nodes = m.nodes[:len(m.nodes)-1]
		switch top {
		case RootNode:
			m.st = stComplete
			return
		case IfLNode:
			m.nodes = append(m.nodes, IfRNode)
			return
		case CaseNode:
			m.nodes = append(m.nodes, WhenNode)
			return
		}
	}
	m.st = stComplete
}
