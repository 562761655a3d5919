package query

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// MsgRequest sends a batch of requests (client, StReq → StRes): tag 01,
// maybe<SpanContext>, the request tree.
type MsgRequest[Req any] struct {
	// Span is the caller's trace context; the standard Haskell client sends
	// none (nil), traced clients may. Servers may ignore it.
	Span    *types.SpanContext
	Request *Tree[Req]
}

// MsgRespond answers the pending request (server, StRes → StReq): the
// results of the tree's leaves in order, with no tag byte.
type MsgRespond[Res any] struct {
	Result *Tree[Res]
}

// MsgDone ends the session (client, StReq → StDone): tag 00,
// maybe<SpanContext>.
type MsgDone struct {
	Span *types.SpanContext
}

// MessageName implements session.Message.
func (MsgRequest[Req]) MessageName() string { return "MsgRequest" }

// MessageName implements session.Message.
func (MsgRespond[Res]) MessageName() string { return "MsgRespond" }

// MessageName implements session.Message.
func (MsgDone) MessageName() string { return "MsgDone" }
