// Package query is the generic Query protocol of the Marlowe Runtime
// (Haskell Network.Protocol.Query.Types; wire-protocol.md §4.4), the
// call-and-response protocol behind MarloweQuery (Query
// MarloweSyncRequest, package marlowequery) and ContractQuery (Query
// ContractRequest, package contractquery).
//
// # States and messages
//
//	StReq  (client)  MsgRequest span tree  → StRes tree
//	                 MsgDone span          → StDone
//	StRes  (server)  MsgRespond results    → StReq
//	StDone (nobody)
//
// MsgDone is tag 00 followed by maybe<SpanContext>; MsgRequest is tag 01,
// maybe<SpanContext>, then a request tree: 00 and one request (ReqLeaf) or
// 01 and two subtrees (ReqBin), so several requests travel as one batch.
// MsgRespond has no tag byte at all: it is the concatenation of the leaves'
// results in tree order, each encoded as its request dictates. Decoding a
// response is therefore impossible without the pending request tree, which
// the Machine keeps in its StRes state.
//
// # Instances
//
// This package knows nothing about the requests themselves. An Instance
// supplies the request codec and, for each request, the codec of its
// result; Machine, Serve and Client are generic over the instance's request
// and result types. Request and result trees share one shape, Tree.
package query
