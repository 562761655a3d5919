// Package safety is the Marlowe contract safety analysis the Haskell Runtime
// runs before creating a contract or applying inputs (semantics.md §7;
// marlowe Language.Marlowe.Analysis.Safety.{Ledger,Types,Transaction} and
// marlowe-runtime Language.Marlowe.Runtime.Transaction.Safety).
//
// Four entry points:
//
//   - CheckContract is the Runtime's fast check: role/mint consistency,
//     ledger limits on names and currency symbols, networks, addresses and
//     merkleized continuations, de-duplicated like the Runtime's `nub`.
//   - CheckSafety is the library's report (checkSafety): the ledger checks
//     plus initial-state checks (non-positive balances, duplicates), the
//     worst-case token-bundle size against maxValueSize, and worst-case
//     bounds on min-UTxO, datum size and redeemer size.
//   - CheckTransactions is the Runtime's slow check: it enumerates the
//     transactions along the contract's execution paths with
//     contracts/semantics, within a step and time budget, and reports every
//     semantic warning as TransactionWarning.
//   - CheckTransactionsBuilt is the whole of the Runtime's checkTransactions:
//     it also builds each transaction with contracts/txbuild against a mock
//     wallet and reports TransactionValidationError,
//     TransactionSizeMayExceedProtocol and TransactionCostMayExceedProtocol
//     for those that would not build or exceed the ledger's limits.
//
// The Error constructors correspond one to one (same names, same fields) to
// the 22 constructors of the Haskell SafetyError; protocol/txjob maps them to
// its wire types (FromSafety). This package never imports protocol/: data
// flows from contracts to protocol.
package safety
