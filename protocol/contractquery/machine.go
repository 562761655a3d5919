package contractquery

import (
	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
)

// Machine is a ContractQuery session: the generic Query machine over
// ContractRequest, remembering the pending requests in StRes.
type Machine = query.Machine[Request, Result]

// Instance is ContractRequest's request codec for the generic Query
// protocol (Haskell's BinaryRequest ContractRequest).
type Instance struct{}

// Protocol implements query.Instance.
func (Instance) Protocol() string { return "ContractQuery" }

// RequestName implements query.Instance.
func (Instance) RequestName(r Request) string {
	if r == nil {
		return "<nil request>"
	}
	return r.RequestName()
}

// EncodeRequest implements query.Instance.
func (Instance) EncodeRequest(e *binary.Encoder, r Request) { EncodeRequest(e, r) }

// DecodeRequest implements query.Instance.
func (Instance) DecodeRequest(d *binary.Decoder) (Request, error) { return DecodeRequest(d) }

// CheckResult implements query.Instance.
func (Instance) CheckResult(r Request, res Result) error { return CheckResult(r, res) }

// EncodeResult implements query.Instance.
func (Instance) EncodeResult(e *binary.Encoder, r Request, res Result) { EncodeResult(e, r, res) }

// DecodeResult implements query.Instance.
func (Instance) DecodeResult(d *binary.Decoder, r Request) (Result, error) {
	return DecodeResult(d, r)
}

// NewMachine returns a machine in the initial state StReq.
func NewMachine() *Machine { return query.NewMachine[Request, Result](Instance{}) }

// NewAwaitingMachine returns a machine in StRes awaiting the response to
// req, as after MsgRequest req.
func NewAwaitingMachine(req *Tree[Request]) (*Machine, error) {
	return query.NewAwaitingMachine[Request, Result](Instance{}, req)
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
