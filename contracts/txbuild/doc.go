// Package txbuild builds unsigned Conway transactions for the Marlowe
// lifecycle: Create, ApplyInputs, Withdraw and BurnRoleTokens
// (semantics.md §6). It is pure: every input is a plain value (wallet UTxOs,
// protocol parameters, the tip slot, a slot/time converter, reference-script
// UTxOs, the contract's current output) and nothing is read from the network,
// the index or the clock.
//
// Every build follows the same shape (finish in balance.go):
//
//   - the operation lays down fixed inputs (script inputs, role-token
//     inputs), fixed outputs, witness datums, redeemers, mint and validity;
//   - outputs other than the Marlowe continuation are topped up to the
//     Babbage min-UTxO, (160 + size(output)) × coinsPerUTxOByte;
//   - coins are selected greedily and deterministically from the wallet
//     (tokens first, largest holding first; then lovelace, largest first),
//     the surplus goes to one change output at the change address;
//   - the fee is the ledger minimum, iterated to a fixed point:
//     size fee (minFeeA × size + minFeeB, with placeholder signatures for
//     every key that must sign) + ⌈Σ ex-units × prices⌉ + the Conway tiered
//     reference-script fee;
//   - ex-units are measured by running the real validators (contracts/
//     validator, plutigo) on the script context of this very transaction,
//     rebuilt with gouroboros after every change, and declared with
//     ExUnitsMarginPercent on top;
//   - collateral is one pure-ada key-address UTxO of at least
//     fee × collateralPercentage / 100;
//   - the script-integrity hash covers the redeemers, the witness datums
//     and the Plutus V2 language view of the cost model;
//   - size and total ex-units are checked against maxTxSize and
//     maxTxExUnits.
//
// The returned CBOR carries no signatures: the wallet adds one vkey witness
// per key in Result.Signers. The size fee already accounts for exactly those
// witnesses, so the signed transaction pays at least the ledger minimum; the
// fee exceeds that minimum by at most FeeMarginBytes × minFeeA (the fixed
// point can settle one CBOR integer width high).
//
// Open roles (semantics.md §4.5): a role whose RoleRecipient (or one of
// its Extra) is OpenRole goes to the open-role validator of the
// contract's version with datum B threadTokenName; the thread token
// (roles policy, RolesConfig.ThreadTokenName) sits in the creator's
// account of the initial state, as the Runtime does, and so returns to
// the creator when the contract
// closes. ApplyInputs releases such a role when an input by it needs its
// token and the wallet has none: the open-role output from
// ApplyRequest.OpenRoles is spent through its reference script and the
// token goes to the change address. Because the semantics validator then
// sees another script input, such a step must not pay anyone (the builder
// refuses it with OpenRoleError).
//
// Merkleized contracts can be driven by plain inputs: with
// ApplyRequest.Continuations set, MerkleizeInputs replaces each input that
// matches a merkleized case by its merkleized form carrying the
// continuation, which the transaction then carries as a witness datum.
//
// Role tokens minted by Create use a native-script policy instead of the
// Runtime's one-shot Plutus policy (which cannot be reproduced without the
// Haskell toolchain, semantics.md §4.6): all of [signature of the creating
// wallet's payment key, invalid hereafter slot S]. Only the creator can mint,
// and only until S, which is also the creation transaction's TTL; after S the
// supply is fixed forever. The same limit applies to burning: native scripts
// cannot tell minting from burning, so BurnRoleTokens works only before S.
package txbuild
