// Package node is the companion process's side facing cardano-node: the
// node-to-client mini-protocol clients (chain-sync, local-state-query,
// local-tx-submission), the chain follower that drives indexing, and the
// in-process fake node the tests use.
package node
