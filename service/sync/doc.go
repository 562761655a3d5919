// Package sync answers the three read sync sub-protocols of the Marlowe
// Runtime — MarloweSync (one contract's history), MarloweHeaderSync
// (contract creations) and MarloweBulkSync (every Marlowe block) — from the
// committed state of the Badger index (package kv), converting records
// with package view.
//
// # Sessions and state
//
// The handlers keep no per-session state: each sub-protocol's Serve loop
// keeps the client's position (the cursor, the last block it received) and
// passes it in, and every answer is read afresh from the index in one
// consistent snapshot (kv.Store.Read). A slow client is therefore always
// served from the index, never from buffered memory, and any number of
// sessions share one handler.
//
// # Live tail
//
// With nothing new after the cursor a first request is answered Wait at
// once, so the client learns it is caught up. When the client then polls
// (session.Polling), the handler takes the store's change broadcast
// (kv.Store.Changed) before reading again and, still finding nothing new,
// blocks until the index changes, the session ends, or Config.MaxWait
// passes; each change is re-read, so a parked client hears of a new block
// or a rollback as soon as it is committed. After MaxWait it answers Wait
// and the client polls again, which lets the session notice a vanished
// client.
//
// # Rollbacks
//
// The cursor is still on the index's chain when the index holds a block at
// its slot with its hash (activity records for the header and bulk
// protocols, the contract's steps for MarloweSync). Otherwise the client
// is told to roll back. The rollback point must be a block the client has
// seen: a block of the current chain older than the cursor may belong to
// the new branch (two leaders of close slots, both blocks carrying the same
// Marlowe transaction, is the common case). The index records, for each
// block a rollback undid, the point it went back to (kv.Snapshot.
// CommonPoint follows those records, like the Haskell runtime's
// rollbackBlock table), so the rollback point is the newest relevant block
// (one with creations, any Marlowe block, or a block of the followed
// contract's history) at or before the fork point, or Genesis — and for
// MarloweSync, when no block of the contract's history is that old,
// MsgRollBackCreation. When the records cannot tell (a cursor older than
// the journal window, or one the index never held), only blocks at least
// k+1 blocks below the cursor (k the store's security parameter, the
// deepest rollback the index can make) are certainly shared, and the
// rollback point is the newest relevant one of those.
//
// Intersections need no such bound: a client point that is on the index's
// chain carries its whole ancestry, so the newest such point is the
// intersection.
//
// # Orders
//
// MarloweSync delivers a block's apply-inputs transactions before its
// payout redemptions, as the Haskell runtime does, each in chain order.
// A BulkSync block lists its create transactions by transaction id (the
// Haskell query's order) and its apply-inputs and withdraw transactions in
// chain order (the Haskell query leaves that order unspecified). The
// BulkSync tip is the newest Marlowe block of the index, as the Haskell
// runtime's tip is the newest block of its Marlowe tables.
package sync
