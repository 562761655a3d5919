package types

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// SpanContext is an OpenTelemetry span context as the runtime puts it on the
// wire (the Binary instance next to the chain-seek protocol types): it rides
// in the generic Query protocol's MsgRequest and MsgDone (wire-protocol.md
// §4.4) and in every message of the traced transport (§1.7). The isRemote
// flag is not transmitted (a decoded context is always remote).
type SpanContext struct {
	TraceFlags uint8
	TraceId    [16]byte
	SpanId     [8]byte
	// TraceState is the W3C trace state in wire order. Haskell rebuilds it
	// with repeated inserts, which would drop a repeated key; the entries
	// are kept verbatim here so a decoded context re-encodes identically.
	TraceState []TraceStateEntry
}

// TraceStateEntry is one key/value pair of a trace state (both Text).
type TraceStateEntry struct {
	Key   string
	Value string
}

// EncodeSpanContext appends a SpanContext: u8 flags, 16 raw trace-id bytes,
// 8 raw span-id bytes, list<(text, text)> trace state (33 bytes when the
// state is empty).
func EncodeSpanContext(e *binary.Encoder, x SpanContext) {
	e.PutU8(x.TraceFlags)
	e.PutRaw(x.TraceId[:])
	e.PutRaw(x.SpanId[:])
	binary.EncodeList(e, x.TraceState, func(e *binary.Encoder, kv TraceStateEntry) {
		e.PutText(kv.Key)
		e.PutText(kv.Value)
	})
}

// DecodeSpanContext reads a SpanContext.
func DecodeSpanContext(d *binary.Decoder) (SpanContext, error) {
	var x SpanContext
	var err error
	if x.TraceFlags, err = d.U8(); err != nil {
		return x, binary.Wrapf(err, "decode SpanContext.traceFlags")
	}
	id, err := d.Raw(len(x.TraceId))
	if err != nil {
		return x, binary.Wrapf(err, "decode SpanContext.traceId")
	}
	copy(x.TraceId[:], id)
	sp, err := d.Raw(len(x.SpanId))
	if err != nil {
		return x, binary.Wrapf(err, "decode SpanContext.spanId")
	}
	copy(x.SpanId[:], sp)
	// Each entry is two Texts: at least 16 bytes of length prefixes.
	x.TraceState, err = binary.DecodeListMin(d, 16, func(d *binary.Decoder) (TraceStateEntry, error) {
		k, err := d.Text()
		if err != nil {
			return TraceStateEntry{}, binary.Wrapf(err, "key")
		}
		v, err := d.Text()
		if err != nil {
			return TraceStateEntry{}, binary.Wrapf(err, "value")
		}
		return TraceStateEntry{Key: k, Value: v}, nil
	})
	if err != nil {
		return x, binary.Wrapf(err, "decode SpanContext.traceState")
	}
	return x, nil
}
