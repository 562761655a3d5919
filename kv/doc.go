// Package kv is the Badger store: contract and payout indexes, the chain
// point, and the slot-keyed rollback journal.
package kv
