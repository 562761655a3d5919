package query

import (
	"errors"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

type state uint8

const (
	stReq state = iota
	stRes
	stDone
)

// Machine is one Query session (session.Machine) for the instance's request
// type Req and result type Res. In StRes it holds the pending request tree,
// because a response has no tag and is read as that tree dictates.
type Machine[Req, Res any] struct {
	inst    Instance[Req, Res]
	st      state
	pending *Tree[Req]
}

// NewMachine returns a machine in the initial state StReq.
func NewMachine[Req, Res any](inst Instance[Req, Res]) *Machine[Req, Res] {
	return &Machine[Req, Res]{inst: inst}
}

// NewAwaitingMachine returns a machine in StRes awaiting the response to
// req, the state MsgRequest req leads to (for golden tests and for decoding
// a captured response).
func NewAwaitingMachine[Req, Res any](inst Instance[Req, Res], req *Tree[Req]) (*Machine[Req, Res], error) {
	if _, err := req.Validate(binary.DefaultMaxDepth); err != nil {
		return nil, fmt.Errorf("%s: request tree: %w", inst.Protocol(), err)
	}
	return &Machine[Req, Res]{inst: inst, st: stRes, pending: req}, nil
}

// Instance returns the machine's request instance.
func (m *Machine[Req, Res]) Instance() Instance[Req, Res] { return m.inst }

// Pending returns the request tree awaiting its response in StRes, else
// nil.
func (m *Machine[Req, Res]) Pending() *Tree[Req] {
	if m.st != stRes {
		return nil
	}
	return m.pending
}

// Protocol implements session.Machine.
func (m *Machine[Req, Res]) Protocol() string { return m.inst.Protocol() }

// State implements session.Machine: "StReq", "StRes <pending requests>" or
// "StDone".
func (m *Machine[Req, Res]) State() string {
	switch m.st {
	case stReq:
		return "StReq"
	case stRes:
		return "StRes (" + describe(m.pending, m.inst.RequestName) + ")"
	}
	return "StDone"
}

// Agency implements session.Machine.
func (m *Machine[Req, Res]) Agency() session.Agency {
	switch m.st {
	case stReq:
		return session.Client
	case stRes:
		return session.Server
	}
	return session.Nobody
}

// Decode implements session.Machine.
func (m *Machine[Req, Res]) Decode(d *binary.Decoder) (session.Message, error) {
	switch m.st {
	case stReq:
		at := d.Offset()
		tag, err := d.U8()
		if err != nil {
			return nil, binary.Wrapf(err, "%s StReq: decode message tag", m.Protocol())
		}
		switch tag {
		case 0x00:
			span, err := binary.DecodeOptional(d, types.DecodeSpanContext)
			if err != nil {
				return nil, binary.Wrapf(err, "%s MsgDone.span", m.Protocol())
			}
			return MsgDone{Span: span}, nil
		case 0x01:
			span, err := binary.DecodeOptional(d, types.DecodeSpanContext)
			if err != nil {
				return nil, binary.Wrapf(err, "%s MsgRequest.span", m.Protocol())
			}
			req, err := m.decodeTree(d)
			if err != nil {
				return nil, binary.Wrapf(err, "%s MsgRequest.request", m.Protocol())
			}
			return MsgRequest[Req]{Span: span, Request: req}, nil
		}
		return nil, binary.Wrapf(d.Errorf(at, "invalid message tag %#02x (want 00 MsgDone or 01 MsgRequest)", tag), "%s StReq", m.Protocol())
	case stRes:
		res, err := m.decodeResults(d, m.pending)
		if err != nil {
			return nil, binary.Wrapf(err, "%s MsgRespond", m.Protocol())
		}
		return MsgRespond[Res]{Result: res}, nil
	}
	return nil, fmt.Errorf("%s: no message may follow MsgDone: %w", m.Protocol(), session.ErrNoAgency)
}

// decodeTree reads a ReqTree: bool False + request, or bool True + two
// subtrees. Nesting is bounded by the decoder's depth limit.
func (m *Machine[Req, Res]) decodeTree(d *binary.Decoder) (*Tree[Req], error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrap(err, "ReqTree (batch nesting is bounded)")
	}
	defer d.Leave()
	bin, err := d.Bool()
	if err != nil {
		return nil, binary.Wrap(err, "ReqTree tag")
	}
	if !bin {
		r, err := m.inst.DecodeRequest(d)
		if err != nil {
			return nil, binary.Wrap(err, "ReqLeaf")
		}
		return Leaf(r), nil
	}
	l, err := m.decodeTree(d)
	if err != nil {
		return nil, binary.Wrap(err, "ReqBin.left")
	}
	r, err := m.decodeTree(d)
	if err != nil {
		return nil, binary.Wrap(err, "ReqBin.right")
	}
	return Bin(l, r), nil
}

// decodeResults reads the response to req: a leaf's result, or the left
// subtree's response followed by the right's.
func (m *Machine[Req, Res]) decodeResults(d *binary.Decoder, req *Tree[Req]) (*Tree[Res], error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrap(err, "response (batch nesting is bounded)")
	}
	defer d.Leave()
	if req.IsLeaf() {
		res, err := m.inst.DecodeResult(d, req.Value)
		if err != nil {
			return nil, binary.Wrapf(err, "result of %s", m.inst.RequestName(req.Value))
		}
		return Leaf(res), nil
	}
	l, err := m.decodeResults(d, req.Left)
	if err != nil {
		return nil, binary.Wrap(err, "left")
	}
	r, err := m.decodeResults(d, req.Right)
	if err != nil {
		return nil, binary.Wrap(err, "right")
	}
	return Bin(l, r), nil
}

// Encode implements session.Machine.
func (m *Machine[Req, Res]) Encode(e *binary.Encoder, msg session.Message) error {
	switch x := msg.(type) {
	case MsgDone:
		if m.st != stReq {
			return session.Unexpected(m, msg)
		}
		e.PutU8(0x00)
		binary.EncodeOptional(e, x.Span, types.EncodeSpanContext)
		return nil
	case MsgRequest[Req]:
		if m.st != stReq {
			return session.Unexpected(m, msg)
		}
		if err := m.checkRequest(x); err != nil {
			return err
		}
		e.PutU8(0x01)
		binary.EncodeOptional(e, x.Span, types.EncodeSpanContext)
		m.encodeTree(e, x.Request)
		return nil
	case MsgRespond[Res]:
		if m.st != stRes {
			return session.Unexpected(m, msg)
		}
		if err := m.checkResponse(x); err != nil {
			return err
		}
		m.encodeResults(e, m.pending, x.Result)
		return nil
	}
	return session.Unexpected(m, msg)
}

func (m *Machine[Req, Res]) encodeTree(e *binary.Encoder, t *Tree[Req]) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	if t.IsLeaf() {
		e.PutBool(false)
		m.inst.EncodeRequest(e, t.Value)
		return
	}
	e.PutBool(true)
	m.encodeTree(e, t.Left)
	m.encodeTree(e, t.Right)
}

// encodeResults writes res, whose shape checkResponse has matched to req.
func (m *Machine[Req, Res]) encodeResults(e *binary.Encoder, req *Tree[Req], res *Tree[Res]) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	if req.IsLeaf() {
		m.inst.EncodeResult(e, req.Value, res.Value)
		return
	}
	m.encodeResults(e, req.Left, res.Left)
	m.encodeResults(e, req.Right, res.Right)
}

// checkRequest refuses a MsgRequest whose tree is missing or malformed.
func (m *Machine[Req, Res]) checkRequest(x MsgRequest[Req]) error {
	if _, err := x.Request.Validate(binary.DefaultMaxDepth); err != nil {
		return fmt.Errorf("%s: MsgRequest: %v: %w", m.Protocol(), err, session.ErrUnexpectedMessage)
	}
	return nil
}

// checkResponse refuses a MsgRespond whose tree does not have the pending
// request's shape or whose results are not of the types the requests
// expect.
func (m *Machine[Req, Res]) checkResponse(x MsgRespond[Res]) error {
	if err := m.match(m.pending, x.Result); err != nil {
		return fmt.Errorf("%s: MsgRespond in state %s: %v: %w", m.Protocol(), m.State(), err, session.ErrUnexpectedMessage)
	}
	return nil
}

// match compares a response tree with the request tree it answers. Error
// paths are built lazily (binary.Wrap) so a deep mismatch costs linear time.
func (m *Machine[Req, Res]) match(req *Tree[Req], res *Tree[Res]) error {
	if res == nil {
		return errors.New("missing")
	}
	if req.IsLeaf() {
		if !res.IsLeaf() {
			return fmt.Errorf("a pair answers the single request %s", m.inst.RequestName(req.Value))
		}
		if err := m.inst.CheckResult(req.Value, res.Value); err != nil {
			return fmt.Errorf("result of %s: %w", m.inst.RequestName(req.Value), err)
		}
		return nil
	}
	if res.IsLeaf() || res.Left == nil || res.Right == nil {
		return errors.New("a single result answers a ReqBin")
	}
	if err := m.match(req.Left, res.Left); err != nil {
		return binary.Wrap(err, "left")
	}
	return binary.Wrap(m.match(req.Right, res.Right), "right")
}

// Step implements session.Machine.
func (m *Machine[Req, Res]) Step(by session.Agency, msg session.Message) error {
	if err := session.CheckAgency(m, by); err != nil {
		return err
	}
	switch x := msg.(type) {
	case MsgDone:
		if m.st == stReq {
			m.st = stDone
			return nil
		}
	case MsgRequest[Req]:
		if m.st == stReq {
			if err := m.checkRequest(x); err != nil {
				return err
			}
			m.st, m.pending = stRes, x.Request
			return nil
		}
	case MsgRespond[Res]:
		if m.st == stRes {
			if err := m.checkResponse(x); err != nil {
				return err
			}
			m.st, m.pending = stReq, nil
			return nil
		}
	}
	return session.Unexpected(m, msg)
}
