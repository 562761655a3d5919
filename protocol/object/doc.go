// Package object holds the marlowe-object language that MarloweTransfer
// moves (wire-protocol.md §5.8, Haskell marlowe-object
// Language.Marlowe.Object.{Types,Link}): object bundles of labelled Values,
// Observations, Contracts, Parties, Tokens and Actions that may refer to
// each other by label, their Data.Binary codecs, the linker that resolves a
// bundle into Marlowe Core V1 terms, and the content-addressed contract
// store interface that MarloweLoad and MarloweTransfer stage contracts into.
//
// # Object terms versus core terms
//
// The object forms look like the core ones (contracts/core, §5.6) but are
// not the same on the wire, and the differences are traps:
//
//   - every kind gains a reference constructor (ValueRef, ObservationRef,
//     ContractRef, PartyRef, TokenRef, ActionRef) carrying a Label;
//   - Payee's constructors are declared in the opposite order (0 Party,
//     1 Account; core has 0 Account, 1 Party);
//   - a ChoiceId's name is Text (UTF-8, byte-counted), not a ByteString;
//   - an address party carries the raw bytes of a Shelley address, not the
//     network flag plus Plutus address of core;
//   - a When timeout is a UTCTime that travels as Integer milliseconds.
//
// # Codecs
//
// Every wire type T has EncodeT(e, x) / DecodeT(d) (the convention of
// protocol/types). Sum types are Go interfaces with one struct per Haskell
// constructor, used as values (Close{}, not &Close{}); encoding a nil or
// foreign variant records an error in the Encoder. Decoders of the
// recursive kinds (Value, Observation, Contract) count nesting with the
// Decoder's depth bound and report it when exceeded. A successful decode
// re-encodes to the identical bytes.
//
// # Linking and storage
//
// SymbolTable.LinkBundle resolves references exactly as the Haskell linker
// does (objects may only refer to labels defined earlier, in the same or an
// earlier bundle of one import), producing core terms. FromCoreContract and
// friends go the other way, for export. ContractStore and StagingArea are the
// storage contract shared by the MarloweLoad and MarloweTransfer servers;
// MemoryStore is the in-memory model implementation.
package object
