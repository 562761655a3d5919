// Package marlowequery is MarloweQuery, the generic Query protocol
// instantiated with MarloweSyncRequest (wire-protocol.md §4.4, types
// §5.4): the runtime's read-only queries over contracts, transactions,
// withdrawals, payouts and role currencies, and its status.
//
// States and messages are those of package query: in StReq the client
// sends MsgRequest (tag 01, span context, a tree of requests) or MsgDone
// (tag 00); in StRes the server answers with MsgRespond, which has no tag:
// the results of the batched requests, concatenated in tree order, each in
// the form its request kind dictates. The Machine therefore keeps the
// pending request tree.
//
// The ten request kinds have their own tag numbering (01 ReqContractHeaders
// … 07 ReqStatus … 0a ReqRoleCurrencies), unlike the generic-derived types
// inside them (tag = declaration index). Results are listed on each Req…
// type; "not found" is Maybe's Nothing, a nil pointer here. Note that
// SomeTransaction.InputDatum is MarloweData in the generic Binary form of
// §5.6, not the Plutus Data form used by script outputs (§6.5).
//
// No golden file exists for this protocol (§7); tests cover every
// constructor with seeded round-trip properties and hand-derived vectors
// from §1.8, §4.4 and §5.4, and the generic framing is checked against
// ChainSeekQuery.golden in package query.
package marlowequery
