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

// NamedRequest is a request that names its Haskell constructor.
type NamedRequest interface{ RequestName() string }

// Codec is an Instance made of a request family's codec functions, which
// is all the Marlowe query families need.
type Codec[Req NamedRequest, Res any] struct {
	// Name is the sub-protocol's name.
	Name string
	// Request codec (putReq, getReq).
	EncodeReq func(*binary.Encoder, Req)
	DecodeReq func(*binary.Decoder) (Req, error)
	// Check reports whether a result has the type its request expects.
	Check func(Req, Res) error
	// Result codec (putResult, getResult).
	EncodeRes func(*binary.Encoder, Req, Res)
	DecodeRes func(*binary.Decoder, Req) (Res, error)
}

var _ Instance[NamedRequest, any] = Codec[NamedRequest, any]{}

// Protocol implements Instance.
func (c Codec[Req, Res]) Protocol() string { return c.Name }

// RequestName implements Instance; a nil request is named, not
// dereferenced.
func (c Codec[Req, Res]) RequestName(r Req) string {
	if any(r) == nil {
		return "<nil request>"
	}
	return r.RequestName()
}

// EncodeRequest implements Instance.
func (c Codec[Req, Res]) EncodeRequest(e *binary.Encoder, r Req) { c.EncodeReq(e, r) }

// DecodeRequest implements Instance.
func (c Codec[Req, Res]) DecodeRequest(d *binary.Decoder) (Req, error) { return c.DecodeReq(d) }

// CheckResult implements Instance.
func (c Codec[Req, Res]) CheckResult(r Req, res Res) error { return c.Check(r, res) }

// EncodeResult implements Instance.
func (c Codec[Req, Res]) EncodeResult(e *binary.Encoder, r Req, res Res) { c.EncodeRes(e, r, res) }

// DecodeResult implements Instance.
func (c Codec[Req, Res]) DecodeResult(d *binary.Decoder, r Req) (Res, error) {
	return c.DecodeRes(d, r)
}
