// Package txjob is the TxJob sub-protocol of the Marlowe Runtime: the
// generic Job protocol (package job) instantiated with MarloweTxCommand
// (wire-protocol.md §4.5; types §5.5; Haskell tx-api
// Language.Marlowe.Runtime.Transaction.Api).
//
// # Commands
//
//	tag  command         status        error                result
//	01   Create          —             CreateError          ContractCreated
//	02   ApplyInputs     —             ApplyInputsError     InputsApplied
//	03   Withdraw        —             WithdrawError        WithdrawTx
//	04   Submit          SubmitStatus  SubmitError          types.BlockHeader
//	05   BurnRoleTokens  —             BurnRoleTokensError  BurnRoleTokensTx
//
// The command tag (Tag) is the kind byte followed, for all but Submit, by
// the u32 Marlowe version. The server repeats it in every reply. The
// transaction-building commands have no status (Haskell Void), so the
// server answers MsgExec directly with MsgSucceed or MsgFail. Submit runs as
// a job: MsgAwait Submitting|Accepted (JobIdSubmit txId), client MsgPoll or
// MsgDetach, finally MsgSucceed with the block or MsgFail; MsgAttach
// (JobIdSubmit txId) re-attaches to it.
//
// States, messages and their bytes are those of package job; Machine is
// the job machine with this package's Codec, GoldenMachines positions one
// in every state for every tag, Serve and Handler drive the server side,
// Client the client side, and Memory is an in-memory Handler.
//
// # Representation
//
// Every Haskell sum type is a Go interface with one struct per constructor,
// named after it; records are structs with the Haskell fields in order.
// Sets are slices (sorted on encoding), Maps are Go maps (encoded in
// Haskell key order), Maybe is a pointer or a nil interface, Integers and
// Naturals are *big.Int, String fields are Go strings written with a
// character count (§6.4).
//
// # Validation
//
// Decoding checks what the Haskell decoder checks, so that anything it
// would refuse is refused here too: Create's initial balances must be
// positive (mkAccounts); RoleTokensConfig must be in its normal form (the
// smart constructors' output, the only form Haskell sends); the NEMap
// fields (Mint, recipients) must be non-empty; the datums of ContractCreated
// and of InputsApplied's script outputs must parse as MarloweData, and the
// inputs of ApplyInputs and InputsApplied as the runtime's `[Input]`
// (§5.7); media types must have the type/subtype shape; transaction bytes
// must be one well-formed CBOR item. Where Haskell parses a transaction
// fully with the ledger, this package stops at CBOR well-formedness.
// Encoders refuse the same invalid values, so every value that encodes also
// decodes, and every successful decode re-encodes to the identical bytes
// (except, as in package types, Marlowe metadata under label 1564 in a
// non-canonical form, which is re-emitted canonically).
package txjob
