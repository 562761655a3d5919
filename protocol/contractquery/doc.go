// Package contractquery is ContractQuery, the generic Query protocol
// instantiated with ContractRequest (wire-protocol.md §4.7): reads from
// the runtime's contract store, where merkleized continuations live.
//
// States and messages are those of package query (§4.4): MsgRequest (tag
// 01, span context, a tree of requests) and MsgDone (tag 00) from the
// client in StReq, the untagged MsgRespond from the server in StRes, read
// as the pending requests dictate.
//
// Two requests exist: GetContract (tag 00, a DatumHash; result Maybe
// ContractWithAdjacency) and MerkleizeInputs (tag 01, a Contract, a State
// and a V1 TransactionInput; result Either MerkleizeInputsError
// TransactionInput). Contracts, states and inputs travel in the generic
// Binary form of §5.6 — in particular [Input] is generic here, not the
// Plutus Data form of Transaction.inputs (§6.5).
//
// No golden file exists for this protocol (§7); tests cover every
// constructor with seeded round-trip properties and hand-derived vectors
// from §4.7, §5.4 and §5.6.
package contractquery
