// Package node is the companion process's side facing cardano-node: the
// node-to-client mini-protocol clients (chain-sync, local-state-query,
// local-tx-submission), the chain follower that drives indexing, and the
// in-process fake node the tests use.
//
// Subpackages, one concept each:
//
//   - node/chain: chain points, tips and raw blocks (original CBOR plus the
//     header fields read from it; full decoding only on request).
//   - node/slottime: exact slot ↔ POSIX-milliseconds conversion from the
//     system start and the hard-fork era history, failing past the
//     forecast horizon.
//   - node/n2c: the node-to-client client: a supervised chain follower
//     feeding a Consumer in order (reconnecting with backoff and resuming
//     from the consumer's points), local-state-query (system start, era
//     history, protocol parameters, UTxO by address and TxIn) and
//     local-tx-submission with typed rejection reasons.
//   - node/fakenode: an in-process node-to-client server (gouroboros'
//     server side) serving a chain of raw blocks with a growing tip,
//     injected forks and dropped connections, a ledger snapshot for
//     queries, and configurable transaction acceptance.
package node
