package query_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// This file instantiates the generic Query protocol with the chain-sync
// query (ChainSyncQuery in marlowe-chain-sync, as of the commit the
// ChainSeekQuery golden file was generated from), for tests only: the
// golden file uses the same MsgRequest/MsgRespond/MsgDone framing as
// MarloweQuery and ContractQuery (wire-protocol.md §4.4, §7), so its 82
// vectors check this package's framing, batching and result dispatch
// against real Haskell output. Results the runtime ships as opaque byte
// strings (protocol parameters as JSON, the era history and scripts as
// CBOR) stay bytes.

type csKind uint8

const (
	csSecurityParameter  csKind = 0x01 // → Int
	csNetworkId          csKind = 0x02 // → NetworkId (Maybe Word32)
	csProtocolParameters csKind = 0x03 // → JSON bytes
	csSystemStart        csKind = 0x04 // → UTCTime
	csEraHistory         csKind = 0x05 // → CBOR bytes
	csUTxOs              csKind = 0x06 // → UTxOs
	csNodeTip            csKind = 0x07 // → ChainPoint
	csTip                csKind = 0x08 // → ChainPoint
	csEra                csKind = 0x09 // → AnyCardanoEra
	csScripts            csKind = 0x0a // → Map ScriptHash bytes
)

var csNames = map[csKind]string{
	csSecurityParameter: "GetSecurityParameter", csNetworkId: "GetNetworkId",
	csProtocolParameters: "GetProtocolParameters", csSystemStart: "GetSystemStart",
	csEraHistory: "GetEraHistory", csUTxOs: "GetUTxOs", csNodeTip: "GetNodeTip",
	csTip: "GetTip", csEra: "GetEra", csScripts: "GetScripts",
}

type csReq struct {
	kind csKind
	// GetUTxOs: 01 at addresses | 02 for output references.
	utxoQuery uint8
	addresses []types.Address
	refs      []types.TxOutRef
	// GetScripts: era byte and script hashes.
	era    uint8
	hashes []types.ScriptHash
}

type csTxOut struct {
	address   types.Address
	assets    types.Assets
	datumHash *types.DatumHash
	datum     *data.PlutusData
}

type csInstance struct{}

func (csInstance) Protocol() string           { return "ChainSeekQuery" }
func (csInstance) RequestName(r csReq) string { return csNames[r.kind] }

func cmpString[T ~string](a, b T) int { return strings.Compare(string(a), string(b)) }

func (csInstance) EncodeRequest(e *binary.Encoder, r csReq) {
	e.PutU8(uint8(r.kind))
	switch r.kind {
	case csUTxOs:
		e.PutU8(r.utxoQuery)
		if r.utxoQuery == 1 {
			binary.EncodeSet(e, r.addresses, cmpString, types.EncodeAddress)
		} else {
			binary.EncodeSet(e, r.refs, types.CompareTxOutRef, types.EncodeTxOutRef)
		}
	case csScripts:
		e.PutU8(r.era)
		binary.EncodeSet(e, r.hashes, cmpString, types.EncodeScriptHash)
	}
}

func (csInstance) DecodeRequest(d *binary.Decoder) (csReq, error) {
	t, err := d.U8()
	if err != nil {
		return csReq{}, err
	}
	r := csReq{kind: csKind(t)}
	switch r.kind {
	case csSecurityParameter, csNetworkId, csProtocolParameters, csSystemStart, csEraHistory, csNodeTip, csTip, csEra:
	case csUTxOs:
		if r.utxoQuery, err = d.U8(); err != nil {
			return r, err
		}
		switch r.utxoQuery {
		case 1:
			r.addresses, err = binary.DecodeSet(d, cmpString, types.DecodeAddress)
		case 2:
			r.refs, err = binary.DecodeSet(d, types.CompareTxOutRef, types.DecodeTxOutRef)
		default:
			err = fmt.Errorf("invalid GetUTxOsQuery tag %d", r.utxoQuery)
		}
	case csScripts:
		if r.era, err = d.U8(); err != nil {
			return r, err
		}
		r.hashes, err = binary.DecodeSet(d, cmpString, types.DecodeScriptHash)
	default:
		err = fmt.Errorf("invalid ChainSyncQuery tag %d", t)
	}
	return r, err
}

func (csInstance) CheckResult(r csReq, res any) error {
	ok := false
	switch r.kind {
	case csSecurityParameter:
		_, ok = res.(int64)
	case csNetworkId:
		_, ok = res.(types.NetworkId)
	case csProtocolParameters, csEraHistory:
		_, ok = res.([]byte)
	case csSystemStart:
		_, ok = res.(types.UTCTime)
	case csUTxOs:
		_, ok = res.([]binary.Pair[types.TxOutRef, csTxOut])
	case csNodeTip, csTip:
		_, ok = res.(types.ChainPoint)
	case csEra:
		_, ok = res.(types.CardanoEra)
	case csScripts:
		_, ok = res.([]binary.Pair[types.ScriptHash, []byte])
	}
	if !ok {
		return fmt.Errorf("%T is not the result type of %s", res, csNames[r.kind])
	}
	return nil
}

func encodeTxOut(e *binary.Encoder, o csTxOut) {
	types.EncodeAddress(e, o.address)
	types.EncodeAssets(e, o.assets)
	binary.EncodeOptional(e, o.datumHash, types.EncodeDatumHash)
	binary.EncodeOptional(e, o.datum, types.EncodeDatum)
}

func decodeTxOut(d *binary.Decoder) (csTxOut, error) {
	var o csTxOut
	var err error
	if o.address, err = types.DecodeAddress(d); err != nil {
		return o, err
	}
	if o.assets, err = types.DecodeAssets(d); err != nil {
		return o, err
	}
	if o.datumHash, err = binary.DecodeOptional(d, types.DecodeDatumHash); err != nil {
		return o, err
	}
	o.datum, err = binary.DecodeOptional(d, types.DecodeDatum)
	return o, err
}

func (csInstance) EncodeResult(e *binary.Encoder, r csReq, res any) {
	switch x := res.(type) {
	case int64:
		e.PutI64(x)
	case types.NetworkId:
		types.EncodeNetworkId(e, x)
	case []byte:
		e.PutBytes(x)
	case types.UTCTime:
		types.EncodeUTCTime(e, x)
	case []binary.Pair[types.TxOutRef, csTxOut]:
		binary.EncodeMapPairs(e, x, types.CompareTxOutRef, types.EncodeTxOutRef, encodeTxOut)
	case types.ChainPoint:
		types.EncodeChainPoint(e, x)
	case types.CardanoEra:
		types.EncodeCardanoEra(e, x)
	case []binary.Pair[types.ScriptHash, []byte]:
		binary.EncodeMapPairs(e, x, cmpString, types.EncodeScriptHash, (*binary.Encoder).PutBytes)
	default:
		e.Failf("no encoding for %T", res)
	}
}

func (csInstance) DecodeResult(d *binary.Decoder, r csReq) (any, error) {
	switch r.kind {
	case csSecurityParameter:
		return d.I64()
	case csNetworkId:
		return types.DecodeNetworkId(d)
	case csProtocolParameters, csEraHistory:
		return d.Bytes()
	case csSystemStart:
		return types.DecodeUTCTime(d)
	case csUTxOs:
		return binary.DecodeMapPairs(d, types.CompareTxOutRef, types.DecodeTxOutRef, decodeTxOut)
	case csNodeTip, csTip:
		return types.DecodeChainPoint(d)
	case csEra:
		return types.DecodeCardanoEra(d)
	case csScripts:
		return binary.DecodeMapPairs(d, cmpString, types.DecodeScriptHash, (*binary.Decoder).Bytes)
	}
	return nil, fmt.Errorf("unknown request kind %d", r.kind)
}

type csMachine = query.Machine[csReq, any]

func newCS() *csMachine { return query.NewMachine[csReq, any](csInstance{}) }

func awaitCS(t testing.TB, req *query.Tree[csReq]) *csMachine {
	t.Helper()
	m, err := query.NewAwaitingMachine[csReq, any](csInstance{}, req)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// csResponseKind tells from a MsgRespond Show line which request it
// answers, so each response is decoded in exactly the right state.
func csResponseKind(show string) (*query.Tree[csReq], error) {
	s := strings.TrimPrefix(show, "MsgRespond ")
	leaf := func(k csKind) *query.Tree[csReq] { return query.Leaf(csReq{kind: k}) }
	switch {
	case s == "(1, 1)":
		return query.Bin(leaf(csSecurityParameter), leaf(csSecurityParameter)), nil
	case s == "1":
		return leaf(csSecurityParameter), nil
	case s == "Mainnet" || strings.HasPrefix(s, "(Testnet "):
		return leaf(csNetworkId), nil
	case strings.HasPrefix(s, "(ProtocolParameters "):
		return leaf(csProtocolParameters), nil
	case strings.HasPrefix(s, "(SystemStart "):
		return leaf(csSystemStart), nil
	case strings.HasPrefix(s, "(EraHistory "):
		return leaf(csEraHistory), nil
	case strings.HasPrefix(s, "(UTxOs "):
		return leaf(csUTxOs), nil
	case s == "Genesis" || strings.HasPrefix(s, "(At "):
		return leaf(csTip), nil
	case strings.HasPrefix(s, "(AnyCardanoEra "):
		return leaf(csEra), nil
	case strings.HasPrefix(s, "(fromList "):
		return leaf(csScripts), nil
	}
	return nil, fmt.Errorf("unclassified response %q", s)
}

func reencode(m session.Machine, msg session.Message) ([]byte, error) {
	return session.EncodeMessage(m, msg)
}

// TestChainSeekQueryGolden decodes every vector of ChainSeekQuery.golden
// through the generic Query machine (wire-protocol.md §4.4 framing, §7):
// requests and MsgDone in StReq, each response in the StRes state of the
// request it answers, all with no bytes left over and byte-identical
// re-encoding.
func TestChainSeekQueryGolden(t *testing.T) {
	vs, err := golden.ParseFile(shared.Path(t, "protocol", "golden", "ChainSeekQuery.golden"))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	passed := 0
	for _, v := range vs {
		var m *csMachine
		switch v.MessageName {
		case "MsgRequest", "MsgDone":
			m = newCS()
		case "MsgRespond":
			req, err := csResponseKind(v.Show)
			if err != nil {
				t.Errorf("line %d: %v", v.Line, err)
				continue
			}
			m = awaitCS(t, req)
		default:
			t.Errorf("line %d: unknown message %s", v.Line, v.MessageName)
			continue
		}
		msg, err := session.DecodeMessage(m, v.Binary)
		if err != nil {
			t.Errorf("line %d %s: %v", v.Line, v.Show, err)
			continue
		}
		if msg.MessageName() != v.MessageName {
			t.Errorf("line %d: decoded %s, want %s", v.Line, msg.MessageName(), v.MessageName)
			continue
		}
		if r, ok := msg.(query.MsgRequest[csReq]); ok {
			// The leaves named in the Show text, in order.
			var names []string
			for _, l := range r.Request.Leaves() {
				names = append(names, csNames[l.kind])
			}
			want := strings.Count(v.Show, "ReqLeaf")
			if len(names) != want {
				t.Errorf("line %d: %d leaves, Show has %d", v.Line, len(names), want)
			}
			for _, n := range names {
				if !strings.Contains(v.Show, n) {
					t.Errorf("line %d: leaf %s not in %q", v.Line, n, v.Show)
				}
			}
		}
		out, err := reencode(m, msg)
		if err != nil {
			t.Errorf("line %d: re-encode: %v", v.Line, err)
			continue
		}
		if !bytes.Equal(out, v.Binary) {
			t.Errorf("line %d: re-encoding differs:\n got %s\nwant %s", v.Line, hex.EncodeToString(out), hex.EncodeToString(v.Binary))
			continue
		}
		counts[v.MessageName]++
		passed++
	}
	want := map[string]int{"MsgRequest": 21, "MsgDone": 1, "MsgRespond": 60}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: %d vectors passed, want %d", k, counts[k], n)
		}
	}
	if len(vs) != 82 || passed != 82 {
		t.Errorf("%d of %d vectors passed, want 82 of 82", passed, len(vs))
	}
	t.Logf("ChainSeekQuery: %d/%d vectors round-trip through the generic Query machine", passed, len(vs))
}

// TestSpecFramingVectors checks the framing examples quoted in
// wire-protocol.md §4.4 from ChainSeekQuery.golden, built from Go values.
func TestSpecFramingVectors(t *testing.T) {
	sp := query.Leaf(csReq{kind: csSecurityParameter})
	cases := []struct {
		name string
		m    *csMachine
		msg  session.Message
		hex  string
	}{
		{"MsgDone Nothing", newCS(), query.MsgDone{}, "0000"},
		{"MsgRequest Nothing (ReqLeaf GetSecurityParameter)", newCS(), query.MsgRequest[csReq]{Request: sp}, "01000001"},
		{"MsgRequest Nothing (ReqBin …)", newCS(), query.MsgRequest[csReq]{Request: query.Bin(sp, sp)}, "01000100010001"},
		{"MsgRespond (1, 1)", awaitCS(t, query.Bin(sp, sp)), query.MsgRespond[any]{Result: query.Bin(query.Leaf[any](int64(1)), query.Leaf[any](int64(1)))}, "00000000000000010000000000000001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := session.EncodeMessage(c.m, c.msg)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != c.hex {
				t.Fatalf("got %x, want %s", got, c.hex)
			}
		})
	}
}

var errBoom = errors.New("boom")
