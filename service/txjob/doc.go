// Package txjob is the TxJob handler of the running system: it serves the
// MarloweTxCommands of protocol/txjob by building transactions with
// contracts/txbuild and submitting signed ones through the node.
//
// A building command (Create, ApplyInputs, Withdraw, BurnRoleTokens)
// resolves everything the pure builder needs from one acquired node ledger
// state (wallet UTxOs of the command's addresses and collateral, protocol
// parameters, era history, tip, reference-script outputs) and from the index
// (the contract's current output and datum, payout datums, contracts kept
// in the contract store), calls the builder and answers with the unsigned
// transaction, or with the command's error type: every builder failure maps
// to one protocol error (errors.go). Nothing is ever submitted by these
// commands.
//
// Create reports the Runtime's safety findings (contracts/safety: the
// contract check and the transactions along its paths, continuations from
// the contract store); they are fatal only when the command supplies
// initial accounts, as in the Runtime. Create sends open roles (script
// recipients) to the open-role validator with the command's thread token
// name; ApplyInputs then passes the open-role outputs holding the roles
// currency to the builder whenever an input acts as a role the wallet has
// no token of, and looks the continuations of merkleized cases up in the
// contract store, so plain inputs drive a contract created from the store.
// BurnRoleTokens burns under the native policy the index recorded at the
// contract's creation, once every contract of that policy has closed.
//
// Submit submits a signed transaction over local-tx-submission. A refusal
// ends the job at once with SubmitFailed carrying the node's reason; an
// accepted transaction is watched after every index commit until it is in
// a block (found in the index's activity for Marlowe transactions, or by
// its first output appearing in the node's UTxO for others), and the job
// answers with that block's header. Attach re-attaches to a job by
// transaction id while the handler keeps it.
package txjob
