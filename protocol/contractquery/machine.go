package contractquery

import (
	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Machine is a ContractQuery session: the generic Query machine over
// ContractRequest, remembering the pending requests in StRes.
type Machine = query.Machine[Request, Result]

// instance is ContractRequest's request codec for the generic Query protocol
// (Haskell's BinaryRequest ContractRequest).
func instance() query.Codec[Request, Result] {
	return query.Codec[Request, Result]{
		Name:      "ContractQuery",
		EncodeReq: EncodeRequest,
		DecodeReq: DecodeRequest,
		Check:     CheckResult,
		EncodeRes: EncodeResult,
		DecodeRes: DecodeResult,
	}
}

// NewMachine returns a machine in the initial state StReq.
func NewMachine() *Machine { return query.NewMachine[Request, Result](instance()) }

// NewAwaitingMachine returns a machine in StRes awaiting the response to
// req, as after MsgRequest req.
func NewAwaitingMachine(req *Tree[Request]) (*Machine, error) {
	return query.NewAwaitingMachine[Request, Result](instance(), req)
}

// GoldenMachines returns machines in every non-terminal state a message
// can be decoded in: StReq, StRes awaiting each request kind, and StRes
// awaiting the batch ReqBin (ReqLeaf GetContract) (ReqLeaf MerkleizeInputs).
func GoldenMachines() []*Machine {
	get := query.Leaf[Request](GetContract{})
	merk := query.Leaf[Request](MerkleizeInputs{Contract: core.Close{}})
	ms := []*Machine{NewMachine()}
	for _, t := range []*Tree[Request]{get, merk, query.Bin(get, merk)} {
		if m, err := NewAwaitingMachine(t); err == nil {
			ms = append(ms, m)
		}
	}
	return ms
}

var _ session.Machine = (*Machine)(nil)
