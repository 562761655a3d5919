// Package types holds the Go values and Data.Binary codecs of the types the
// Marlowe Runtime wire protocol messages are made of (wire-protocol.md §5):
// chain types (§5.1), runtime core and history types (§5.2), history errors
// (§5.3) and the Marlowe Core V1 language in its generic Binary form (§5.6,
// mapped onto contracts/core).
//
// # Conventions
//
// Every wire type T has
//
//	func EncodeT(e *binary.Encoder, x T)
//	func DecodeT(d *binary.Decoder) (T, error)
//
// so codecs compose with each other and with the generic helpers of package
// binary (binary.DecodeList(d, types.DecodeBlockHeader), …). Types that are
// keys of Haskell Maps or elements of Sets also have CompareT, the Haskell
// Ord used to sort them on encoding and to verify order on decoding.
// Decoders wrap every error with the type and field being read
// (`decode ContractHeader.rolesCurrency: at offset 12: ...`); encoders record
// problems (nil integers, unknown sum variants, unsupported versions) in the
// Encoder's sticky error.
//
// Names follow the Haskell ones (TxId, ContractId, AssetId, ChoiceId) so the
// code reads against the specification. The four Marlowe Core V1 types named
// Transaction… get a Core prefix (EncodeCoreTransactionOutput, …) because the
// runtime has its own TransactionOutput.
//
// # Representation choices
//
//   - Raw byte fields (hashes, ids, addresses, token names) are string-based
//     types holding the raw bytes, so they compare with == and can key maps.
//   - Haskell Maps are Go maps (encoded in ascending Haskell Ord); Sets are
//     slices (sorted on encoding, duplicates rejected; decoded in wire
//     order, which must be strictly ascending). PlutusTx association lists
//     (inside core.State) and metadatum maps are slices in stored order.
//   - Integers are *big.Int; UTCTime keeps its wire fields (ordinal date and
//     picoseconds) so every value round-trips exactly.
//   - Plutus Data (the chain-sync Datum) is plutigo's data.PlutusData. The
//     datum of a TransactionScriptOutput and the inputs of a Transaction stay
//     Plutus Data: they round-trip byte for byte, and converting them to
//     core.MarloweData / []core.Input is the caller's choice (core.FromData).
//     The Haskell decoder also rejects datums that do not parse as
//     MarloweData; this package does not.
//   - MarloweTransactionMetadata keeps the whole metadata map and a leniently
//     parsed view of label 1564; encoding re-canonicalises label 1564 exactly
//     as the Haskell runtime does (see that type).
//
// # Round trips
//
// A successful decode re-encodes to the identical bytes, with one deliberate
// exception inherited from Haskell: label-1564 metadata that parses as
// Marlowe metadata but is not in canonical V2 form is re-emitted in
// canonical form.
package types
