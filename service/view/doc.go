// Package view turns the records of the Badger index (package kv) into the
// wire values of the Marlowe Runtime protocol (package protocol/types),
// field for field as the Haskell runtime's marlowe-sync fills them from its
// PostgreSQL tables:
//
//   - Block headers, output references and transaction ids are the raw
//     bytes and numbers of the chain.
//   - Addresses are the raw address bytes of the outputs exactly as on
//     chain, stake part included: ContractHeader.marloweScriptAddress and
//     UnspentContractOutput.marloweAddress are the contract's creation
//     output address (a contract's continuing outputs go to exactly that
//     address), not an address rebuilt from the script hash.
//   - Metadata is the transaction's whole metadata map, with label 1564
//     parsed leniently (the wire encoder re-emits it in canonical V2 form,
//     as Haskell does).
//   - Datums are the on-chain Plutus Data of the outputs; the inputs of a
//     Transaction are the runtime's [Input] form, in which a merkleized
//     input carries its continuation (the on-chain redeemer only carries
//     its hash).
//   - Validity bounds are the start times of the transaction's
//     invalidBefore and invalidHereafter slots, from the node's era
//     history (a SlotClock).
//
// A Converter holds the two facts that do not come from the records: the
// network (addresses of another network mean the index was built for
// another chain, which is reported rather than served) and the slot clock.
// Everything else is a pure function of its arguments. Bad records give
// wrapped errors, never panics.
package view
