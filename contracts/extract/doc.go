// Package extract recognises Marlowe steps in transactions as gouroboros
// decodes them: contract creations, apply-inputs transactions (with their
// continuing output or the close, and their role payouts) and payout
// withdrawals, for every script set of the registry and on any network. It
// reproduces the Marlowe Runtime indexer (marlowe-runtime Indexer/Types.hs
// and History/Api.hs; semantics.md §5), including its diagnostics for
// malformed transactions, which are reported and never stop indexing.
//
// The package is pure: no I/O, no clock, no logging. Its input is a
// transaction (or a block of them) and a read-only UTxO view of the outputs
// it tracks; its output is typed events for the index and the protocol
// server, plus a Delta per transaction that the caller applies to its store.
//
// # Tracked outputs
//
// The Runtime's MarloweUTxO holds each contract's current output and the
// unspent payouts. The Runtime also sees the address of every input (its
// chain database resolves them), and creates contracts only in transactions
// with no input at a Marlowe semantics validator. To decide that without a
// full UTxO set, the view also tracks "foreign" outputs: outputs at a
// semantics validator that are no contract's current output (rejected
// creations, extra outputs of apply transactions). With contracts, payouts
// and foreign outputs tracked from before the first output at any semantics
// address, every input the Runtime would see at such an address is known.
//
// # Differences from the Runtime
//
// Block processes a block in one forward pass instead of the Runtime's
// retry loop; see Block for why that finds the same steps (and, in one rare
// case, a step the loop misses). The slot-to-time conversion of validity
// bounds, and so the Runtime's SlotConversionFailed, is left to the caller:
// events carry slots. Phase-2-invalid transactions have no Marlowe effect.
package extract
