package query

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// Instance is the request-specific half of a Query protocol: Haskell's
// BinaryRequest instance for one request type. Req is the Go type of a
// single request (usually a sealed interface with one struct per Haskell
// constructor) and Res the Go type of a single result; which result type a
// request expects is the instance's business (Haskell's Tag req a).
type Instance[Req, Res any] interface {
	// Protocol names the sub-protocol, e.g. "MarloweQuery".
	Protocol() string
	// RequestName is the Haskell constructor name of r ("ReqStatus"), for
	// state names and errors.
	RequestName(r Req) string
	// EncodeRequest appends r (its tag and fields: putReq); a request that
	// has no wire form records an error in e.
	EncodeRequest(e *binary.Encoder, r Req)
	// DecodeRequest reads one request (getReq).
	DecodeRequest(d *binary.Decoder) (Req, error)
	// CheckResult reports whether res is a value of the result type that r
	// expects; Machine refuses a response that fails it.
	CheckResult(r Req, res Res) error
	// EncodeResult appends the result res of request r (putResult); res has
	// passed CheckResult.
	EncodeResult(e *binary.Encoder, r Req, res Res)
	// DecodeResult reads the result of request r (getResult).
	DecodeResult(d *binary.Decoder, r Req) (Res, error)
}
