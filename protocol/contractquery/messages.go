package contractquery

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
)

// The three messages of the generic Query protocol (wire-protocol.md §4.4)
// instantiated with ContractRequest.
type (
	// MsgRequest sends one request or a batch (a Tree of requests).
	MsgRequest = query.MsgRequest[Request]
	// MsgRespond answers the pending batch, no tag byte on the wire.
	MsgRespond = query.MsgRespond[Result]
	// MsgDone ends the session.
	MsgDone = query.MsgDone
	// Tree is a request batch or its response.
	Tree[T any] = query.Tree[T]
)
