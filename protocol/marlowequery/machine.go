package marlowequery

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Machine is a MarloweQuery session: the generic Query machine over
// MarloweSyncRequest. In StRes it remembers the pending request tree,
// which decides how the untagged response is read.
type Machine = query.Machine[Request, Result]

// instance is MarloweSyncRequest's request codec for the generic Query protocol
// (Haskell's BinaryRequest MarloweSyncRequest).
func instance() query.Codec[Request, Result] {
	return query.Codec[Request, Result]{
		Name:      "MarloweQuery",
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

// RequestKinds returns one request of each of the ten kinds, in tag order.
// Field values are arbitrary: a response is read by its request's kind
// only.
func RequestKinds() []Request {
	return []Request{
		ReqContractHeaders{Range: Range[types.ContractId]{Limit: 100, Direction: Descending}},
		ReqContractState{},
		ReqTransaction{},
		ReqTransactions{},
		ReqWithdrawal{},
		ReqWithdrawals{Range: Range[types.TxId]{Limit: 100}},
		ReqStatus{},
		ReqPayouts{Range: Range[types.TxOutRef]{Limit: 100}},
		ReqPayout{},
		ReqRoleCurrencies{Filter: RoleCurrencyFilterAny{}},
	}
}

// GoldenMachines returns machines in every non-terminal state a message
// can be decoded in: StReq (requests and MsgDone), StRes awaiting each of
// the ten request kinds, and StRes awaiting the batch
// ReqBin (ReqLeaf ReqStatus) (ReqLeaf ReqRoleCurrencies) of §4.4.
func GoldenMachines() []*Machine {
	ms := []*Machine{NewMachine()}
	trees := []*Tree[Request]{}
	for _, r := range RequestKinds() {
		trees = append(trees, query.Leaf(r))
	}
	trees = append(trees, query.Bin(query.Leaf[Request](ReqStatus{}), query.Leaf[Request](ReqRoleCurrencies{Filter: RoleCurrencyFilterNone{}})))
	for _, t := range trees {
		if m, err := NewAwaitingMachine(t); err == nil {
			ms = append(ms, m)
		}
	}
	return ms
}

var _ session.Machine = (*Machine)(nil)
