package types_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// The golden files hold whole messages. The message codecs are built
// elsewhere; here each message with a payload is taken apart by hand (tag
// byte per wire-protocol.md §4, then the fields) so that every type-level
// codec the payload reaches is exercised: each field is decoded and
// immediately re-encoded, and the result must equal the vector byte for
// byte with no bytes left over.

// field decodes one message field and re-encodes it.
type field func(d *binary.Decoder, e *binary.Encoder) error

func one[T any](dec binary.DecodeFunc[T], enc binary.EncodeFunc[T]) field {
	return func(d *binary.Decoder, e *binary.Encoder) error {
		x, err := dec(d)
		if err != nil {
			return err
		}
		enc(e, x)
		return nil
	}
}

func list[T any](dec binary.DecodeFunc[T], enc binary.EncodeFunc[T]) field {
	return func(d *binary.Decoder, e *binary.Encoder) error {
		xs, err := binary.DecodeList(d, dec)
		if err != nil {
			return err
		}
		binary.EncodeList(e, xs, enc)
		return nil
	}
}

// layout is a message shape: an optional tag byte, then fields.
type layout struct {
	tag    int // -1 when the message has no tag byte
	fields []field
}

func tagged(tag int, fs ...field) layout { return layout{tag: tag, fields: fs} }
func untagged(fs ...field) layout        { return layout{tag: -1, fields: fs} }

var (
	blockHeader    = one(types.DecodeBlockHeader, types.EncodeBlockHeader)
	chainPoint     = one(types.DecodeChainPoint, types.EncodeChainPoint)
	contractID     = one(types.DecodeContractId, types.EncodeContractId)
	marloweVersion = one(types.DecodeMarloweVersion, types.EncodeMarloweVersion)
	party          = one(types.DecodeParty, types.EncodeParty)
	payee          = one(types.DecodePayee, types.EncodePayee)
	token          = one(types.DecodeToken, types.EncodeToken)
	value          = one(types.DecodeValue, types.EncodeValue)
	observation    = one(types.DecodeObservation, types.EncodeObservation)
	action         = one(types.DecodeAction, types.EncodeAction)
	integer        = one((*binary.Decoder).Integer, (*binary.Encoder).PutInteger)
	i64            = one((*binary.Decoder).I64, (*binary.Encoder).PutI64)
	u8             = one((*binary.Decoder).U8, (*binary.Encoder).PutU8)
	byteString     = one((*binary.Decoder).Bytes, (*binary.Encoder).PutBytes)
)

// chainSyncTxOut is the chain-sync TransactionOutput of ChainSeekQuery's
// GetUTxOs answer (address, assets, maybe datum hash, maybe datum); it is
// not a type of this package but is made of them.
func chainSyncTxOut(d *binary.Decoder, e *binary.Encoder) error {
	for _, f := range []field{
		one(types.DecodeAddress, types.EncodeAddress),
		one(types.DecodeAssets, types.EncodeAssets),
		func(d *binary.Decoder, e *binary.Encoder) error {
			h, err := binary.DecodeOptional(d, types.DecodeDatumHash)
			if err != nil {
				return err
			}
			binary.EncodeOptional(e, h, types.EncodeDatumHash)
			return nil
		},
		func(d *binary.Decoder, e *binary.Encoder) error {
			pd, err := binary.DecodeOptional(d, types.DecodeDatum)
			if err != nil {
				return err
			}
			if pd == nil {
				e.PutU8(0)
			} else {
				e.PutU8(1)
				types.EncodeDatum(e, *pd)
			}
			return nil
		},
	} {
		if err := f(d, e); err != nil {
			return err
		}
	}
	return nil
}

func utxos(d *binary.Decoder, e *binary.Encoder) error {
	n, err := d.Len(1)
	if err != nil {
		return err
	}
	e.PutLen(n)
	var prev *types.TxOutRef
	for i := 0; i < n; i++ {
		r, err := types.DecodeTxOutRef(d)
		if err != nil {
			return err
		}
		if prev != nil && types.CompareTxOutRef(*prev, r) >= 0 {
			return fmt.Errorf("UTxOs keys out of order")
		}
		prev = &r
		types.EncodeTxOutRef(e, r)
		if err := chainSyncTxOut(d, e); err != nil {
			return err
		}
	}
	return nil
}

// layouts gives, per golden file, the message shapes reachable with this
// package's codecs. Messages listed with no fields are bare tags. The
// selector picks a layout from the vector (needed where the message name
// alone does not determine the payload type).
var layouts = map[string]func(v golden.Vector) (layout, bool){
	"MarloweSync": byName(map[string]layout{
		"MsgFollowContract":    tagged(0x01, contractID),
		"MsgIntersect":         tagged(0x02, contractID, marloweVersion, list(types.DecodeBlockHeader, types.EncodeBlockHeader)),
		"MsgContractNotFound":  tagged(0x03),
		"MsgContractFound":     tagged(0x04, blockHeader, marloweVersion, one(types.DecodeCreateStep, types.EncodeCreateStep)),
		"MsgRequestNext":       tagged(0x05),
		"MsgDone":              tagged(0x06),
		"MsgRollForward":       tagged(0x07, blockHeader, list(types.DecodeContractStep, types.EncodeContractStep)),
		"MsgRollBackward":      tagged(0x08, blockHeader),
		"MsgWait":              tagged(0x09),
		"MsgPoll":              tagged(0x0a),
		"MsgCancel":            tagged(0x0b),
		"MsgIntersectFound":    tagged(0x0c, blockHeader),
		"MsgIntersectNotFound": tagged(0x0d),
		"MsgRollBackCreation":  tagged(0x0e),
	}),
	"MarloweHeaderSync": byName(map[string]layout{
		"MsgRequestNext":       tagged(0x01),
		"MsgIntersect":         tagged(0x02, list(types.DecodeBlockHeader, types.EncodeBlockHeader)),
		"MsgDone":              tagged(0x03),
		"MsgNewHeaders":        tagged(0x04, blockHeader, list(types.DecodeContractHeader, types.EncodeContractHeader)),
		"MsgRollBackward":      tagged(0x05, chainPoint),
		"MsgWait":              tagged(0x06),
		"MsgPoll":              tagged(0x07),
		"MsgCancel":            tagged(0x08),
		"MsgIntersectFound":    tagged(0x09, blockHeader),
		"MsgIntersectNotFound": tagged(0x0a),
	}),
	"MarloweBulkSync": byName(map[string]layout{
		"MsgRequestNext":       tagged(0x01, u8),
		"MsgIntersect":         tagged(0x02, list(types.DecodeBlockHeader, types.EncodeBlockHeader)),
		"MsgDone":              tagged(0x03),
		"MsgRollForward":       tagged(0x04, list(types.DecodeMarloweBlock, types.EncodeMarloweBlock), blockHeader),
		"MsgRollBackward":      tagged(0x05, chainPoint, chainPoint),
		"MsgWait":              tagged(0x06),
		"MsgPoll":              tagged(0x07),
		"MsgCancel":            tagged(0x08),
		"MsgIntersectFound":    tagged(0x09, blockHeader, blockHeader),
		"MsgIntersectNotFound": tagged(0x0a, chainPoint),
	}),
	"MarloweLoad": byName(map[string]layout{
		"MsgResume":        untagged(i64),
		"MsgComplete":      untagged(byteString),
		"MsgPushClose":     tagged(0x00),
		"MsgPushPay":       tagged(0x01, party, payee, token, value),
		"MsgPushIf":        tagged(0x02, observation),
		"MsgPushWhen":      tagged(0x03, integer),
		"MsgPushCase":      tagged(0x04, action),
		"MsgPushLet":       tagged(0x05, byteString, value),
		"MsgPushAssert":    tagged(0x06, observation),
		"MsgRequestResume": tagged(0x07),
		"MsgAbort":         tagged(0x08),
	}),
	"ChainSeekQuery": func(v golden.Vector) (layout, bool) {
		if v.MessageName != "MsgRespond" {
			return layout{}, false
		}
		s := strings.TrimPrefix(v.Show, "MsgRespond ")
		switch {
		case strings.HasPrefix(s, "(At ") || s == "Genesis":
			return untagged(chainPoint), true
		case strings.HasPrefix(s, "(SystemStart "):
			return untagged(one(types.DecodeUTCTime, types.EncodeUTCTime)), true
		case strings.HasPrefix(s, "(Testnet ") || s == "Mainnet":
			return untagged(one(types.DecodeNetworkId, types.EncodeNetworkId)), true
		case strings.HasPrefix(s, "(AnyCardanoEra "):
			return untagged(one(types.DecodeCardanoEra, types.EncodeCardanoEra)), true
		case strings.HasPrefix(s, "(UTxOs "):
			return untagged(utxos), true
		case s == "(1, 1)":
			return untagged(i64, i64), true
		case s == "1":
			return untagged(i64), true
		}
		return layout{}, false
	},
}

func byName(m map[string]layout) func(golden.Vector) (layout, bool) {
	return func(v golden.Vector) (layout, bool) {
		l, ok := m[v.MessageName]
		return l, ok
	}
}

func roundTrip(v golden.Vector, l layout) error {
	d := binary.NewDecoder(v.Binary)
	e := binary.NewEncoder(nil)
	if l.tag >= 0 {
		t, err := d.U8()
		if err != nil {
			return err
		}
		if int(t) != l.tag {
			return fmt.Errorf("tag %#02x, want %#02x", t, l.tag)
		}
		e.PutU8(t)
	}
	for i, f := range l.fields {
		if err := f(d, e); err != nil {
			return binary.Wrapf(err, "field %d", i)
		}
	}
	if err := d.Finish(); err != nil {
		return err
	}
	out, err := e.Result()
	if err != nil {
		return binary.Wrapf(err, "re-encode")
	}
	if !bytes.Equal(out, v.Binary) {
		return fmt.Errorf("re-encoding differs:\n got %s\nwant %s", hex.EncodeToString(out), hex.EncodeToString(v.Binary))
	}
	return nil
}

// TestGoldenPayloadRoundTrip decodes and re-encodes every golden vector whose
// payload this package can reach. The expected counts are the acceptance
// numbers: every reachable vector must round-trip byte-identically.
func TestGoldenPayloadRoundTrip(t *testing.T) {
	type counts struct{ total, reachable, withPayload, ok int }
	want := map[string]counts{
		// total vectors, reachable by a layout, of which carry a payload
		// beyond the tag, and round-tripped (must equal reachable).
		"MarloweSync":       {1240, 1240, 1232, 1240},
		"MarloweHeaderSync": {43, 43, 37, 43},
		"MarloweBulkSync":   {1245, 1245, 1241, 1245},
		"MarloweLoad":       {250, 250, 247, 250},
		// Only MsgRespond answers made of this package's types: ChainPoint
		// (4 At + 2 Genesis), UTCTime (1), NetworkId (2), AnyCardanoEra
		// (7), UTxOs (18), (Int, Int) (1) and Int (1). Protocol
		// parameters, era history and scripts are out of scope.
		"ChainSeekQuery": {82, 36, 36, 36},
	}
	var names []string
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	grand := 0
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			vs, err := golden.ParseFile(shared.Path(t, "protocol", "golden", name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			var c counts
			c.total = len(vs)
			pick := layouts[name]
			failures := 0
			for _, v := range vs {
				l, ok := pick(v)
				if !ok {
					continue
				}
				c.reachable++
				if len(l.fields) > 0 {
					c.withPayload++
				}
				if err := roundTrip(v, l); err != nil {
					failures++
					if failures <= 5 {
						t.Errorf("line %d %s: %v", v.Line, v.MessageName, err)
					}
					continue
				}
				c.ok++
			}
			if w := want[name]; c != w {
				t.Errorf("counts %+v, want %+v", c, want[name])
			}
			t.Logf("%s: %d/%d vectors reachable, %d with payload, %d round-trip byte-identically", name, c.reachable, c.total, c.withPayload, c.ok)
			grand += c.ok
		})
	}
	t.Logf("total vectors round-tripped: %d", grand)
}
