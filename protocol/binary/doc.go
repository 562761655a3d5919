// Package binary implements the Haskell Data.Binary 0.8.8 encoding that the
// Marlowe Runtime wire protocol is built on (wire-protocol.md §2): fixed-width
// big-endian integers, the two-form Integer and Natural, length-prefixed
// ByteString and Text, the character-counted String, Maybe, Either, lists,
// and the ordered Set and Map forms.
//
// # API shape
//
// Encoding appends to a byte slice through an *Encoder; decoding reads a byte
// slice through a *Decoder that tracks its position. Every protocol type
// elsewhere follows one convention so that codecs compose:
//
//	func EncodeX(e *binary.Encoder, x X)
//	func DecodeX(d *binary.Decoder) (X, error)
//
// Primitive readers and writers are methods (e.PutText, d.Text, …); their
// method expressions — (*Encoder).PutText, (*Decoder).Text — have exactly
// those shapes, so they can be passed straight to the generic container
// helpers (EncodeList, DecodeList, EncodeSet, DecodeMap, EncodeMaybe, …)
// alongside type codecs.
//
// Encoders never return an error per call: a value that has no wire form (a
// nil *big.Int, invalid UTF-8 in Text, a duplicate Set element, nesting past
// the depth bound) records a sticky error, and Result reports the first one.
// Decoders return an error from every call.
//
// # Errors
//
// Decoding failures are *Error values carrying the byte offset of the
// failing read; callers wrap them with the path of the value being decoded
// (`decode ContractHeader.rolesCurrency: ...`) using Wrap or Wrapf, which
// build the message lazily so that a failure thousands of levels deep in a
// recursive value costs linear, not quadratic, time and memory. An *Error unwraps either to
// io.ErrUnexpectedEOF — the input ended too early, and more bytes might make
// it decode (Error.Need says how many at least) — or to ErrMalformed — no
// continuation can make it valid. A stream reader decoding frames that have
// no length prefix uses this distinction: on a short error it reads at least
// Need more bytes and retries, bounding the total it is willing to buffer; on
// a malformed error it gives up — Reader and ReadValue implement exactly
// that loop over an io.Reader. A length or count prefix that exceeds the
// bytes present is reported at once as a short error with the exact shortfall
// in Need, before anything is allocated for it.
//
// # Canonical decoding
//
// The decoder accepts everything a Haskell encoder produces and rejects byte
// sequences that Haskell's decoder would tolerate but never emits: Maybe and
// Either tags other than 00/01, big-form Integers whose value fits the small
// form, magnitudes with high zero bytes, Integer sign bytes other than 01/ff,
// negative lengths (Haskell reads a negative ByteString length as empty and
// loops on a negative list count until the input runs out), overlong or
// surrogate UTF-8 in String, and Set/Map elements not in strictly ascending
// order. Haskell
// builds Sets and Maps with fromDistinctAscList and trusts the order, so a
// misordered peer would silently corrupt its own map; rejecting it here keeps
// the invariant that a successful decode re-encodes to the identical bytes.
//
// # Resource bounds
//
// No allocation is sized by an untrusted prefix beyond the bytes actually
// present: byte strings must be fully present before they are copied, list
// counts are checked against the remaining input (each element needs at
// least one byte, or a caller-stated minimum), and slice capacity reserved in
// advance is capped. Lists of zero-sized elements are capped at
// MaxZeroSizeElems. Recursive decoders call Enter/Leave so nesting is bounded
// by the decoder's depth limit (DefaultMaxDepth unless set).
package binary
