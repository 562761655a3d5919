package marlowequery_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	mq "github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/query"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Hand-derived vectors: every byte string below was written from
// wire-protocol.md (the section is cited on each test), not produced by
// this package.

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	s = strings.NewReplacer(" ", "", "\n", "", "\t", "", "|", "").Replace(s)
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad test hex: %v", err)
	}
	return b
}

func leaf(r mq.Request) *mq.Tree[mq.Request] { return query.Leaf(r) }

func awaiting(t testing.TB, req *mq.Tree[mq.Request]) *mq.Machine {
	t.Helper()
	m, err := mq.NewAwaitingMachine(req)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkMessage encodes msg in machine m, compares with want, then decodes
// want in a fresh copy of the state and re-encodes it.
func checkMessage(t *testing.T, fresh func() *mq.Machine, msg session.Message, want []byte) session.Message {
	t.Helper()
	got, err := session.EncodeMessage(fresh(), msg)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding differs\n got %x\nwant %x", got, want)
	}
	back, err := session.DecodeMessage(fresh(), want)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	again, err := session.EncodeMessage(fresh(), back)
	if err != nil || !bytes.Equal(again, want) {
		t.Fatalf("re-encoding the decoded message: %x, %v", again, err)
	}
	return back
}

// §1.8: tip = At {slot 100, 32 zero bytes, block 50} three times, each
// UTC = 2024-12-01T12:00:00Z, Testnet 1, version 1.0.0.
const statusPoint = "01 0000000000000064 0000000000000020" +
	" 0000000000000000000000000000000000000000000000000000000000000000 0000000000000032"
const statusUTC = "00 000007e8 0000000000000150 01 01 0000000000000007 00004cce2b7a99"
const statusHex = statusPoint + statusUTC + statusPoint + statusUTC + statusPoint + statusUTC +
	"01 00000001" +
	"0000000000000003 0000000000000001 0000000000000000 0000000000000000" +
	"0000000000000000"

func exampleStatus() mq.RuntimeStatus {
	tip := types.PointAt(types.BlockHeader{Slot: 100, Hash: types.BlockHeaderHash(make([]byte, 32)), Block: 50})
	utc := types.UTCTimeOf(time.Date(2024, 12, 1, 12, 0, 0, 0, time.UTC))
	return mq.RuntimeStatus{
		NodeTip: tip, NodeTipUTC: utc, RuntimeChainTip: tip, RuntimeChainTipUTC: utc, RuntimeTip: tip, RuntimeTipUTC: utc,
		NetworkId:      types.NetworkId{Testnet: true, Magic: 1},
		RuntimeVersion: types.Version{Branch: []int64{1, 0, 0}},
	}
}

// TestTranscript1_8 replays the full status-query transcript of §1.8 at
// the sub-protocol level: the client's MsgRequest ReqStatus, the server's
// untagged RuntimeStatus, the client's MsgDone; each is checked byte for
// byte and stepped through client and server machines.
func TestTranscript1_8(t *testing.T) {
	status := leaf(mq.ReqStatus{})
	steps := []struct {
		by  session.Agency
		msg session.Message
		hex string
	}{
		{session.Client, mq.MsgRequest{Request: status}, "01 00 00 07"},
		{session.Server, mq.MsgRespond{Result: query.Leaf[mq.Result](exampleStatus())}, statusHex},
		{session.Client, mq.MsgDone{}, "00 00"},
	}
	client, server := mq.NewMachine(), mq.NewMachine()
	for i, s := range steps {
		want := unhex(t, s.hex)
		got, err := session.EncodeMessage(client, s.msg)
		if s.by == session.Server {
			got, err = session.EncodeMessage(server, s.msg)
		}
		if err != nil {
			t.Fatalf("step %d encode: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("step %d %s:\n got %x\nwant %x", i, s.msg.MessageName(), got, want)
		}
		recv := client
		if s.by == session.Client {
			recv = server
		}
		back, err := session.DecodeMessage(recv, want)
		if err != nil {
			t.Fatalf("step %d decode: %v", i, err)
		}
		for _, m := range []*mq.Machine{client, server} {
			if err := m.Step(s.by, back); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
	}
	if client.Agency() != session.Nobody || server.Agency() != session.Nobody {
		t.Fatal("session did not end")
	}
	// The status payload is 306 bytes: three (ChainPoint 57 + UTCTime 30),
	// NetworkId 5, Version 32 + 8.
	if n := len(unhex(t, statusHex)); n != 3*(57+30)+5+40 {
		t.Fatalf("status payload %d bytes", n)
	}
	// The decoded status equals the Go value field by field.
	m := awaiting(t, status)
	back, err := session.DecodeMessage(m, unhex(t, statusHex))
	if err != nil {
		t.Fatal(err)
	}
	st := back.(mq.MsgRespond).Result.Value.(mq.RuntimeStatus)
	when, err := st.RuntimeTipUTC.Time()
	if err != nil || !when.Equal(time.Date(2024, 12, 1, 12, 0, 0, 0, time.UTC)) || st.NetworkId.Magic != 1 || st.NodeTip.Header.Slot != 100 {
		t.Fatalf("decoded status %+v (%v)", st, err)
	}
}

// TestRequestVectors44 checks the hand-built request examples of §4.4 and
// one vector per request tag (the custom 01..0a numbering of the
// MarloweSyncRequest table).
func TestRequestVectors44(t *testing.T) {
	cid := types.ContractId{TxId: "a", TxIx: 1} // "61"#1
	empties := "0000000000000000 0000000000000000 0000000000000000 0000000000000000"
	rangeNone := "00 0000000000000000 0000000000000064 01" // Range Nothing 0 100 Descending
	cases := []struct {
		name string
		req  *mq.Tree[mq.Request]
		hex  string
	}{
		{"ReqStatus", leaf(mq.ReqStatus{}), "01 00 00 07"},
		{"ReqContractState 61#1", leaf(mq.ReqContractState{ContractId: cid}), "01 00 00 02 0000000000000001 61 0001"},
		{"ReqContractHeaders mempty (Range Nothing 0 100 Descending)",
			leaf(mq.ReqContractHeaders{Range: mq.Range[types.ContractId]{Limit: 100, Direction: mq.Descending}}),
			"01 00 00 01" + empties + rangeNone},
		{"ReqBin ReqStatus (ReqRoleCurrencies RoleCurrencyFilterNone)",
			query.Bin(leaf(mq.ReqStatus{}), leaf(mq.ReqRoleCurrencies{Filter: mq.RoleCurrencyFilterNone{}})),
			"01 00 01 00 07 00 0a 03"},
		{"ReqTransaction 61", leaf(mq.ReqTransaction{TxId: "a"}), "01 00 00 03 0000000000000001 61"},
		{"ReqTransactions 61#1", leaf(mq.ReqTransactions{ContractId: cid}), "01 00 00 04 0000000000000001 61 0001"},
		{"ReqWithdrawal 61", leaf(mq.ReqWithdrawal{TxId: "a"}), "01 00 00 05 0000000000000001 61"},
		{"ReqWithdrawals {61} (Range (Just 61) 2 3 Ascending)",
			leaf(mq.ReqWithdrawals{Filter: mq.WithdrawalFilter{RoleCurrencies: []types.PolicyId{"a"}},
				Range: mq.Range[types.TxId]{Start: ptr(types.TxId("a")), Offset: 2, Limit: 3}}),
			// WithdrawalFilter is a newtype: just the set.
			"01 00 00 06 0000000000000001 0000000000000001 61 | 01 0000000000000001 61 0000000000000002 0000000000000003 00"},
		{"ReqPayouts (Just True) {61#1} {} (Range (Just 61#1) 0 10 Descending)",
			leaf(mq.ReqPayouts{Filter: mq.PayoutFilter{IsWithdrawn: ptr(true), ContractIds: []types.ContractId{cid}},
				Range: mq.Range[types.TxOutRef]{Start: ptr(types.TxOutRef(cid)), Limit: 10, Direction: mq.Descending}}),
			"01 00 00 08 01 01 | 0000000000000001 0000000000000001 61 0001 | 0000000000000000" +
				"| 01 0000000000000001 61 0001 0000000000000000 000000000000000a 01"},
		{"ReqPayouts Nothing", leaf(mq.ReqPayouts{Range: mq.Range[types.TxOutRef]{Limit: 1}}),
			"01 00 00 08 00 0000000000000000 0000000000000000 | 00 0000000000000000 0000000000000001 00"},
		{"ReqPayout 61#1", leaf(mq.ReqPayout{PayoutId: types.TxOutRef(cid)}), "01 00 00 09 0000000000000001 61 0001"},
		{"ReqContractHeaders with every filter",
			leaf(mq.ReqContractHeaders{
				Filter: mq.ContractFilter{Tags: []string{"é"}, RoleCurrencies: []types.PolicyId{"p"},
					PartyRoles: []types.AssetId{{Policy: "p", Name: "r"}}, PartyAddresses: []types.Address{"\x61"}},
				Range: mq.Range[types.ContractId]{Start: &cid, Offset: 1, Limit: 2}}),
			"01 00 00 01 | 0000000000000001 0000000000000002 c3a9 | 0000000000000001 0000000000000001 70" +
				"| 0000000000000001 0000000000000001 70 0000000000000001 72 | 0000000000000001 0000000000000001 61" +
				"| 01 0000000000000001 61 0001 0000000000000001 0000000000000002 00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkMessage(t, mq.NewMachine, mq.MsgRequest{Request: c.req}, unhex(t, c.hex))
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestRoleCurrencyFilterTags54 checks the generic tags of
// RoleCurrencyFilter (§5.4: 0 And … 6 Any — not the RoleTokenFilter
// order, §6.6).
func TestRoleCurrencyFilterTags54(t *testing.T) {
	none := mq.RoleCurrencyFilterNone{}
	cases := []struct {
		f   mq.RoleCurrencyFilter
		hex string
	}{
		{mq.RoleCurrencyAnd{L: none, R: mq.RoleCurrencyFilterAny{}}, "00 03 06"},
		{mq.RoleCurrencyOr{L: none, R: none}, "01 03 03"},
		{mq.RoleCurrencyNot{F: none}, "02 03"},
		{none, "03"},
		{mq.RoleCurrencyFilterByContract{ContractIds: []types.ContractId{{TxId: "b", TxIx: 0}, {TxId: "a", TxIx: 2}}},
			"04 0000000000000002 0000000000000001 61 0002 0000000000000001 62 0000"},
		{mq.RoleCurrencyFilterByPolicy{PolicyIds: []types.PolicyId{"b", "a"}}, "05 0000000000000002 0000000000000001 61 0000000000000001 62"},
		{mq.RoleCurrencyFilterAny{}, "06"},
	}
	for _, c := range cases {
		want := unhex(t, c.hex)
		got, err := binary.Encode(c.f, mq.EncodeRoleCurrencyFilter)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%T: got %x (%v), want %x", c.f, got, err, want)
			continue
		}
		back, err := binary.Decode(want, mq.DecodeRoleCurrencyFilter)
		if err != nil {
			t.Errorf("%T: decode: %v", c.f, err)
			continue
		}
		if again, _ := binary.Encode(back, mq.EncodeRoleCurrencyFilter); !bytes.Equal(again, want) {
			t.Errorf("%T: round trip %x", c.f, again)
		}
	}
	if _, err := binary.Decode(unhex(t, "07"), mq.DecodeRoleCurrencyFilter); err == nil {
		t.Error("tag 07 accepted")
	}
}

// TestResultVectors54 checks one hand-derived response per result type
// (§4.4 result column, §5.4 layouts), decoded in the StRes state of the
// matching request.
func TestResultVectors54(t *testing.T) {
	cid := types.ContractId{TxId: "a", TxIx: 1}
	bh := types.BlockHeader{Slot: 1, Hash: "a", Block: 2}
	const bhHex = "0000000000000001 0000000000000001 61 0000000000000002"
	const cidHex = "0000000000000001 61 0001"
	asset := types.AssetId{Policy: "p", Name: "r"}
	const assetHex = "0000000000000001 70 0000000000000001 72"
	// A Payout: address "61", 2 lovelace, no tokens, role p.r.
	payout := types.Payout{Address: "a", Assets: types.Assets{Ada: big.NewInt(2), Tokens: types.Tokens{}}, Datum: asset}
	const payoutHex = "0000000000000001 61 | 00 00000002 0000000000000000 |" + assetHex
	// A script output whose datum is I 5 (Plutus Data form, §5.1).
	so := types.TransactionScriptOutput{Address: "a", Assets: types.Assets{Ada: big.NewInt(1), Tokens: types.Tokens{}},
		Utxo: types.TxOutRef(cid), Datum: &data.Integer{Inner: big.NewInt(5)}}
	const soHex = "0000000000000001 61 | 00 00000001 0000000000000000 |" + cidHex + "| 03 00 00000005"
	wd := types.TxId("w")
	header := mq.PayoutHeader{ContractId: cid, PayoutId: types.TxOutRef{TxId: "b", TxIx: 0}, WithdrawalId: &wd, Role: asset}
	const headerHex = cidHex + "| 0000000000000001 62 0000 | 01 0000000000000001 77 |" + assetHex
	withdrawal := mq.Withdrawal{Block: bh, WithdrawnPayouts: map[types.TxOutRef]mq.PayoutHeader{header.PayoutId: header}, WithdrawalTx: "w"}
	const withdrawalHex = bhHex + "| 0000000000000001 | 0000000000000001 62 0000 |" + headerHex + "| 0000000000000001 77"
	// §6.5: the generic Binary MarloweData (params "", empty state with
	// minTime 0, Close) — not Plutus Data.
	md := core.MarloweData{State: core.State{MinTime: big.NewInt(0)}, Contract: core.Close{}}
	const mdHex = "0000000000000000 | 0000000000000000 0000000000000000 0000000000000000 00 00000000 | 00"
	tx := types.Transaction{
		TransactionId: "t", ContractId: cid, Metadata: types.MarloweTransactionMetadata{Metadata: types.TransactionMetadata{}},
		BlockHeader: bh, ValidityLowerBound: types.UTCTimeOf(time.Unix(946684801, 0)), ValidityUpperBound: types.UTCTimeOf(time.Unix(946684801, 0)),
		Inputs: &data.List{Items: []data.PlutusData{}}, Output: types.TransactionOutput{Payouts: map[types.TxOutRef]types.Payout{}},
	}
	// UTCTime 2000-01-01 00:00:01 is the golden vector quoted in §5.1.
	const utcHex = "00 000007d0 0000000000000001 01 01 0000000000000005 0010a5d4e8"
	const txHex = "0000000000000001 74 |" + cidHex + "| 0000000000000000 |" + bhHex + "|" + utcHex + utcHex +
		"| 02 0000000000000000 | 0000000000000000 00"
	st := mq.ContractState{ContractId: cid, RoleTokenMintingPolicyId: "p", Metadata: types.MarloweTransactionMetadata{Metadata: types.TransactionMetadata{}},
		InitialBlock: bh, InitialOutput: so, LatestBlock: bh, LatestOutput: nil,
		UnclaimedPayouts: map[types.TxOutRef]types.Payout{{TxId: "c", TxIx: 3}: payout}}
	const stHex = cidHex + "| 0000000000000001 70 | 0000000000000000 |" + bhHex + "|" + soHex + "|" + bhHex + "| 00 |" +
		"0000000000000001 0000000000000001 63 0003 |" + payoutHex

	cases := []struct {
		name string
		req  mq.Request
		res  mq.Result
		hex  string
	}{
		{"ReqContractState not found", mq.ReqContractState{ContractId: cid}, (*mq.SomeContractState)(nil), "00"},
		{"ReqContractState found", mq.ReqContractState{}, &mq.SomeContractState{Version: types.MarloweV1, State: st}, "01 00000001 |" + stHex},
		{"ReqTransaction", mq.ReqTransaction{}, &mq.SomeTransaction{Version: types.MarloweV1, Input: types.TxOutRef(cid),
			InputDatum: md, ConsumedBy: &wd, Transaction: tx},
			"01 00000001 |" + cidHex + "|" + mdHex + "| 01 0000000000000001 77 |" + txHex},
		{"ReqTransactions", mq.ReqTransactions{}, &mq.SomeTransactions{Version: types.MarloweV1, Transactions: []types.Transaction{tx}},
			"01 00000001 0000000000000001" + txHex},
		{"ReqWithdrawal", mq.ReqWithdrawal{}, &withdrawal, "01" + withdrawalHex},
		{"ReqWithdrawals last page", mq.ReqWithdrawals{}, &mq.WithdrawalsPage{Items: []mq.Withdrawal{withdrawal}, TotalCount: 1},
			"01 0000000000000001" + withdrawalHex + "| 00 0000000000000001"},
		{"ReqPayouts with next range", mq.ReqPayouts{}, &mq.PayoutsPage{Items: []mq.PayoutHeader{header},
			NextRange: &mq.Range[types.TxOutRef]{Start: ptr(types.TxOutRef{TxId: "c", TxIx: 1}), Limit: 1, Direction: mq.Descending}, TotalCount: 7},
			"01 0000000000000001" + headerHex + "| 01 01 0000000000000001 63 0001 0000000000000000 0000000000000001 01 | 0000000000000007"},
		{"ReqPayout", mq.ReqPayout{}, &mq.SomePayoutState{Version: types.MarloweV1,
			State: mq.PayoutState{ContractId: cid, PayoutId: types.TxOutRef{TxId: "b"}, Payout: payout}},
			"01 00000001 |" + cidHex + "| 0000000000000001 62 0000 | 00 |" + payoutHex},
		{"ReqContractHeaders empty page", mq.ReqContractHeaders{}, &mq.ContractHeadersPage{}, "01 0000000000000000 00 0000000000000000"},
		{"ReqContractHeaders invalid range", mq.ReqContractHeaders{}, nil, "00"},
		{"ReqRoleCurrencies (sorted set)", mq.ReqRoleCurrencies{Filter: mq.RoleCurrencyFilterAny{}},
			mq.RoleCurrencies{{RolePolicyId: "q", RoleContract: cid, Active: false}, {RolePolicyId: "p", RoleContract: cid, Active: true}},
			"0000000000000002 | 0000000000000001 70" + cidHex + "01 | 0000000000000001 71" + cidHex + "00"},
		{"ReqStatus", mq.ReqStatus{}, exampleStatus(), statusHex},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := leaf(c.req)
			checkMessage(t, func() *mq.Machine { return awaiting(t, req) }, mq.MsgRespond{Result: query.Leaf(c.res)}, unhex(t, c.hex))
		})
	}
}

// TestBatchResponse44: the response to ReqBin l r is Response(l) ++
// Response(r) with no extra bytes (§4.4), here RuntimeStatus ++
// set<RoleCurrency>.
func TestBatchResponse44(t *testing.T) {
	req := query.Bin(leaf(mq.ReqStatus{}), leaf(mq.ReqRoleCurrencies{Filter: mq.RoleCurrencyFilterNone{}}))
	res := query.Bin(query.Leaf[mq.Result](exampleStatus()), query.Leaf[mq.Result](mq.RoleCurrencies{}))
	back := checkMessage(t, func() *mq.Machine { return awaiting(t, req) }, mq.MsgRespond{Result: res}, unhex(t, statusHex+"0000000000000000"))
	got := back.(mq.MsgRespond).Result
	if got.IsLeaf() || len(got.Right.Value.(mq.RoleCurrencies)) != 0 {
		t.Fatalf("decoded %+v", got)
	}
}

// TestRejections checks inputs a Haskell peer never sends and that this
// side refuses: unknown request tags (§4.4 lists 01..0a), a MarloweVersion
// other than 1 (§5.2), sets out of order (§6.1), bad Order and Bool bytes.
func TestRejections(t *testing.T) {
	cases := []struct {
		name string
		m    func() *mq.Machine
		hex  string
		msg  string
	}{
		{"request tag 00", mq.NewMachine, "01 00 00 00", "invalid MarloweSyncRequest tag 0x00"},
		{"request tag 0b", mq.NewMachine, "01 00 00 0b", "invalid MarloweSyncRequest tag 0x0b"},
		{"set out of order", mq.NewMachine, "01 00 00 06 0000000000000002 0000000000000001 62 0000000000000001 61 00 0000000000000000 0000000000000001 00", "ascending"},
		{"duplicate set element", mq.NewMachine, "01 00 00 06 0000000000000002 0000000000000001 61 0000000000000001 61 00 0000000000000000 0000000000000001 00", "ascending"},
		{"bad Order", mq.NewMachine, "01 00 00 06 0000000000000000 00 0000000000000000 0000000000000001 02", "Order"},
		{"bad Bool in PayoutFilter", mq.NewMachine, "01 00 00 08 01 02", "Bool"},
		{"version 2", func() *mq.Machine { return awaiting(t, leaf(mq.ReqPayout{})) }, "01 00000002", "marlowe version"},
		{"bad Maybe", func() *mq.Machine { return awaiting(t, leaf(mq.ReqPayout{})) }, "02", "Maybe"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := session.DecodeMessage(c.m(), unhex(t, c.hex))
			if err == nil || binary.IsShort(err) || !errors.Is(err, binary.ErrMalformed) {
				t.Fatalf("want a malformed-input error, got %v", err)
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.msg)) {
				t.Fatalf("error %q does not mention %q", err, c.msg)
			}
		})
	}
	// Encoding refuses a version other than V1 and the wrong result type.
	if _, err := session.EncodeMessage(awaiting(t, leaf(mq.ReqPayout{})), mq.MsgRespond{Result: query.Leaf[mq.Result](&mq.SomePayoutState{Version: 2})}); err == nil {
		t.Error("version 2 encoded")
	}
	if _, err := session.EncodeMessage(awaiting(t, leaf(mq.ReqPayout{})), mq.MsgRespond{Result: query.Leaf[mq.Result](exampleStatus())}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Errorf("status answering ReqPayout: %v", err)
	}
}
