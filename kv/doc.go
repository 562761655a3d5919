// Package kv is the Badger store: contract and payout indexes, the chain
// point, and the slot-keyed rollback journal.
//
// The store consumes what the recogniser (contracts/extract) makes of each
// block and serves it back two ways: as extract.UTxO, the tracked unspent
// contract, payout and foreign outputs the recogniser reads for the next
// block, and as the read API of the protocol server (contract headers,
// steps in chain order, contracts by roles currency, party or tag, the
// native-script roles policy a creation carried (to burn role tokens), payouts
// by contract or role token and status, per-block activity for bulk sync;
// read_query.go adds the MarloweQuery listings — contracts in creation
// order filtered by tag, roles currency and parties, payouts and
// withdrawals in chain order, with stored counts — and read_sync.go
// consistent snapshots for the sync protocols). It also holds, apart from
// the chain data, the content-addressed contract store (objects.go) and
// the record of where each rollback went (rollbacks.go). keys.go documents
// the key layout in one table.
//
// # Atomicity
//
// ApplyBlock writes a block's index keys, its journal entry and the new
// chain point in one Badger transaction (db.Update). Badger's WriteBatch is
// not used: it commits in several transactions and so is not atomic. If a
// block's writes do not fit one transaction ApplyBlock fails with
// ErrBlockTooBig rather than splitting the block; with the store's 32 MiB
// memtable the limit is about 4.8 MiB, well above a Cardano block's
// Marlowe writes. ApplyBlocks commits several blocks per
// transaction (each with its own journal entry, so a crash still leaves
// the store at a block boundary): a commit costs far more than an empty
// block's writes, and catch-up is mostly empty blocks.
//
// # Journal
//
// Every write of a block goes through a writer that records, on a key's
// first touch in the block, its previous value or its absence. The journal
// entry (keyed by the block's slot) is that list plus the previous tip;
// RollBack replays the lists newest block first, one transaction per block,
// so that a crash during a long rollback leaves the store at a block of the
// same chain. Entries more than SecurityParam (k, 2160 by default) blocks
// below the tip are pruned in the transaction of the block that makes them
// so, so rollbacks of up to k+1 blocks always succeed and deeper ones fail
// with ErrBeyondWindow, leaving the store unchanged.
//
// # Crash safety
//
// A committed Badger transaction survives the process being killed (the
// value log is written before the commit returns); Options.SyncWrites adds
// an fsync per commit to survive power loss too. Open removes the empty
// memtable file a kill right after Badger creates one leaves behind, on
// which Badger itself would refuse to open.
package kv
