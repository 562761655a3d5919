// Package semantics is the Marlowe Core V1 semantics exactly as the Cardano
// validator computes it (marlowe-cardano Language.Marlowe.Core.V1.Semantics;
// see semantics.md §3): expression evaluation, interval fixing, reduction,
// input application, computeTransaction and playTrace.
//
// Everything here is pure. Inputs are never modified: states and contracts
// decoded once may be shared between goroutines and calls, so every function
// that changes a state works on a private copy of its lists. Integers are
// *big.Int and are never modified in place once they are reachable from a
// result.
package semantics
