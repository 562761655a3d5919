package txjob_test

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
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func bi(n int64) *big.Int { return big.NewInt(n) }

// Pieces of hand-built vectors.
const (
	v1          = "00000001"                                                       // MarloweVersion V1 (§5.2)
	emptyWallet = "0000000000000000 0000000000000000 0000000000000000"             // WalletAddresses "" {} {} (§5.5)
	cid61       = "0000000000000001 61 0001"                                       // ContractId "61"#1 (§5.1)
	tx5         = "0000000000000005 84a0a0f5f6"                                    // bytes: CBOR [{}, {}, true, null]
	utc2000     = "00 000007d0 0000000000000001 01 01 0000000000000005 0010a5d4e8" // 2000-01-01T00:00:01Z (§5.1)
	// PlutusData (§5.1 Datum, §5.7) of MarloweData {rolesCurrency "", empty
	// state with minTime 0, Close}.
	datumClose = "00 00 00000000 0000000000000003" +
		" 00 00 00000000 0000000000000001 04 0000000000000000" +
		" 00 00 00000000 0000000000000004 01 0000000000000000 01 0000000000000000 01 0000000000000000 03 00 00000000" +
		" 00 00 00000000 0000000000000000"
)

var txCBOR5 = []byte{0x84, 0xa0, 0xa0, 0xf5, 0xf6}

func datumCloseValue() data.PlutusData {
	return data.NewConstr(0,
		data.NewConstr(0, data.NewByteString(nil)),
		data.NewConstr(0, data.NewMap(nil), data.NewMap(nil), data.NewMap(nil), data.NewInteger(bi(0))),
		data.NewConstr(0))
}

func emptyW() txjob.WalletAddresses { return txjob.WalletAddresses{ChangeAddress: ""} }

// vector is a message built by hand from the spec and its exact bytes in
// state st with kind k pending.
type vector struct {
	name string // cites the spec section
	st   job.State
	k    txjob.CommandKind
	msg  session.Message
	hex  string
}

func specVectors() []vector {
	tn := func(s string) *types.TokenName { n := types.TokenName(s); return &n }
	inv := types.UTCTimeOf(time.Date(2000, 1, 1, 0, 0, 1, 0, time.UTC))
	merkleInputs, err := txjob.InputsToData([]core.Input{{Content: core.INotify{}, Merkleized: true, Hash: []byte("h"), Continuation: core.Close{}}})
	if err != nil {
		panic(err) // fixed value; covered by TestInputsData
	}
	return []vector{
		// §4.5 hand-built examples, verbatim.
		{"§4.5 MsgExec (Withdraw MarloweV1 (WalletAddresses \"\" {} {}) {\"61\"#1})", job.StInit, 0,
			job.MsgExec{Command: txjob.Withdraw{Version: types.MarloweV1, WalletAddresses: emptyW(),
				Payouts: []types.TxOutRef{{TxId: "a", TxIx: 1}}}},
			"01 03" + v1 + emptyWallet + "0000000000000001" + cid61},
		{"§4.5 MsgAwait Submitting (JobIdSubmit \"61\")", job.StCmd, txjob.KindSubmit,
			job.MsgAwait{Status: txjob.Submitting, JobID: txjob.JobIdSubmit{TxId: "a"}}, "05 04 00 0000000000000001 61"},
		{"§4.5 MsgAttach (JobIdSubmit \"61\")", job.StInit, 0,
			job.MsgAttach{JobID: txjob.JobIdSubmit{TxId: "a"}}, "02 04 0000000000000001 61"},
		{"§4.5 MsgFail (SubmitFailed \"x\")", job.StCmd, txjob.KindSubmit,
			job.MsgFail{Err: txjob.SubmitFailed{Message: "x"}}, "03 04 01 0000000000000001 78"},
		{"§4.5 MsgSucceed <BlockHeader> (Submit)", job.StCmd, txjob.KindSubmit,
			job.MsgSucceed{Result: types.BlockHeader{Slot: 1, Hash: "a", Block: 2}},
			"04 04 0000000000000001 0000000000000001 61 0000000000000002"},
		{"§4.5 MsgPoll", job.StAwait, txjob.KindSubmit, job.MsgPoll{}, "06"},
		{"§4.5 MsgDetach", job.StAwait, txjob.KindSubmit, job.MsgDetach{}, "07"},
		{"§4.5 MsgAttached", job.StAttach, txjob.KindSubmit, job.MsgAttached{}, "08"},
		{"§4.5 MsgAttachFailed", job.StAttach, txjob.KindSubmit, job.MsgAttachFailed{}, "09"},
		{"§4.5 MsgAwait Accepted: SubmitStatus 01", job.StCmd, txjob.KindSubmit,
			job.MsgAwait{Status: txjob.Accepted, JobID: txjob.JobIdSubmit{TxId: ""}}, "05 04 01 0000000000000000"},

		// §4.5 command payloads.
		{"§4.5 Submit: era 01 Conway, tx bytes", job.StInit, 0,
			job.MsgExec{Command: txjob.Submit{Era: types.BabbageEraOnwardsConway, Tx: txCBOR5}}, "01 04 01" + tx5},
		{"§4.5/§5.5 BurnRoleTokens: WalletAddresses, RoleTokensNot(02) RoleTokenFilterAny(03)", job.StInit, 0,
			job.MsgExec{Command: txjob.BurnRoleTokens{Version: types.MarloweV1, WalletAddresses: emptyW(),
				Filter: txjob.RoleTokensNot{F: txjob.RoleTokenFilterAny{}}}},
			"01 05" + v1 + emptyWallet + "02 03"},
		{"§5.5 RoleTokenFilter ByTokens(07) set<AssetId>", job.StInit, 0,
			job.MsgExec{Command: txjob.BurnRoleTokens{Version: types.MarloweV1, WalletAddresses: emptyW(),
				Filter: txjob.RoleTokensOr{L: txjob.RoleTokenFilterNone{}, R: txjob.RoleTokenFilterByTokens{Tokens: []types.AssetId{{Policy: "p", Name: "a"}}}}}},
			"01 05" + v1 + emptyWallet + "00 04 07 0000000000000001 0000000000000001 70 0000000000000001 61"},
		{"§4.5 ApplyInputs: wallet, contractId, metadata, Nothing, Just UTCTime, Datum List []", job.StInit, 0,
			job.MsgExec{Command: txjob.ApplyInputs{Version: types.MarloweV1, WalletAddresses: emptyW(), ContractId: types.ContractId{TxId: "a", TxIx: 1},
				InvalidHereafter: &inv, Inputs: data.NewList()}},
			"01 02" + v1 + emptyWallet + cid61 + "0000000000000000 00 01" + utc2000 + "02 0000000000000000"},
		{"§5.7 ApplyInputs inputs: MerkleizedInput = Constr 1 [content, B hash, continuation]", job.StInit, 0,
			job.MsgExec{Command: txjob.ApplyInputs{Version: types.MarloweV1, WalletAddresses: emptyW(), ContractId: types.ContractId{TxId: "a", TxIx: 1},
				Inputs: merkleInputs}},
			"01 02" + v1 + emptyWallet + cid61 + "0000000000000000 00 00" +
				"02 0000000000000001 00 00 00000001 0000000000000003 00 00 00000002 0000000000000000 04 0000000000000001 68 00 00 00000000 0000000000000000"},
		{"§4.5 Create: all Nothing, RoleTokensNone 00, no accounts, Left Close", job.StInit, 0,
			job.MsgExec{Command: txjob.Create{Version: types.MarloweV1, WalletAddresses: emptyW(),
				Contract: binary.Either[core.Contract, types.DatumHash]{Left: core.Close{}}}},
			"01 01" + v1 + "00" + emptyWallet + "00 00 0000000000000000 00 0000000000000000 00 00"},
		{"§4.5/§5.5 Create: Just stake (script 01), thread \"t\", RoleTokensMint, Just 3, RoleAccount, Right hash", job.StInit, 0,
			job.MsgExec{Command: txjob.Create{Version: types.MarloweV1,
				StakeCredential: &types.StakeCredential{Script: true, Hash: "s"}, WalletAddresses: emptyW(), ThreadTokenName: tn("t"),
				RoleTokens: txjob.RoleTokensMint{Mint: txjob.Mint{"a": {Recipients: map[txjob.Destination]*big.Int{
					{Kind: txjob.ToScript, Script: txjob.OpenRoleScript}: bi(1)}}}},
				MinLovelaceDeposit: bi(3),
				Accounts:           map[txjob.Account]types.Assets{{Kind: txjob.RoleAccount, Role: "r"}: {Ada: bi(2), Tokens: types.Tokens{}}},
				Contract:           binary.Either[core.Contract, types.DatumHash]{IsRight: true, Right: "h"}}},
			"01 01" + v1 + "01 01 0000000000000001 73" + emptyWallet + "01 0000000000000001 74" +
				"02 0000000000000001 0000000000000001 61 00 0000000000000001 01 00 00000001" + // Mint: ToScript OpenRoleScript = 01 (§5.5)
				"0000000000000000 01 00 00000003" +
				"0000000000000001 00 0000000000000001 72 00 00000002 0000000000000000" +
				"01 0000000000000001 68"},
		{"§5.5 RoleTokensUsePolicy 01: PolicyId, map<TokenName, map<Destination, Quantity>>; ToAddress 00", job.StInit, 0,
			job.MsgExec{Command: txjob.Create{Version: types.MarloweV1, WalletAddresses: emptyW(),
				RoleTokens: txjob.RoleTokensUsePolicy{Policy: "p", Distribution: map[types.TokenName]map[txjob.Destination]*big.Int{
					"a": {{Kind: txjob.ToAddress, Address: "x"}: bi(1)}}},
				Contract: binary.Either[core.Contract, types.DatumHash]{Left: core.Close{}}}},
			"01 01" + v1 + "00" + emptyWallet + "00" +
				"01 0000000000000001 70 0000000000000001 0000000000000001 61 0000000000000001 00 0000000000000001 78 00 00000001" +
				"0000000000000000 00 0000000000000000 00 00"},
		{"§5.5/§6.1 Account order: every RoleAccount before every AddressAccount", job.StInit, 0,
			job.MsgExec{Command: txjob.Create{Version: types.MarloweV1, WalletAddresses: emptyW(),
				Accounts: map[txjob.Account]types.Assets{
					{Kind: txjob.AddressAccount, Address: "\x00"}: {Ada: bi(1)},
					{Kind: txjob.RoleAccount, Role: "\xff"}:       {Ada: bi(2)},
				},
				Contract: binary.Either[core.Contract, types.DatumHash]{Left: core.Close{}}}},
			"01 01" + v1 + "00" + emptyWallet + "00 00 0000000000000000 00" +
				"0000000000000002 00 0000000000000001 ff 00 00000002 0000000000000000 01 0000000000000001 00 00 00000001 0000000000000000" +
				"00 00"},

		// §5.5 errors.
		{"§2/§6.4 SubmitException String: character count 2 for 5 UTF-8 bytes", job.StCmd, txjob.KindSubmit,
			job.MsgFail{Err: txjob.SubmitException{Message: "é€"}}, "03 04 00 0000000000000002 c3a9 e282ac"},
		{"§5.5 SubmitError TxDiscarded 02", job.StCmd, txjob.KindSubmit, job.MsgFail{Err: txjob.TxDiscarded{}}, "03 04 02"},
		{"§5.5 CreateConstraintError 01 (CoinSelectionFailed 0a (InsufficientLovelace 01 1 2))", job.StCmd, txjob.KindCreate,
			job.MsgFail{Err: txjob.CreateConstraintError{Err: txjob.CoinSelectionFailed{Err: txjob.InsufficientLovelace{Required: bi(1), Available: bi(2)}}}},
			"03 01" + v1 + "01 0a 01 00 00000001 00 00000002"},
		{"§5.5 CreateSafetyAnalysisFailed 06 [MissingRolesCurrency 00, MaximumValueMayExceedProtocol 0c natural, SafetyAnalysisTimeout 15]",
			job.StCmd, txjob.KindCreate,
			job.MsgFail{Err: txjob.CreateSafetyAnalysisFailed{Errors: []txjob.SafetyError{txjob.MissingRolesCurrency{},
				txjob.MaximumValueMayExceedProtocol{Bytes: bi(100)}, txjob.SafetyAnalysisTimeout{}}}},
			"03 01" + v1 + "06 0000000000000003 00 0c 00 0000000000000064 15"},
		{"§5.5 CreateLoadMarloweContextFailed 02 (LoadMarloweContextErrorVersionMismatch 01 u32)", job.StCmd, txjob.KindCreate,
			job.MsgFail{Err: txjob.CreateLoadMarloweContextFailed{Err: txjob.LoadMarloweContextErrorVersionMismatch{Version: types.MarloweV1}}},
			"03 01" + v1 + "02 01" + v1},
		{"§5.5 InsufficientMinAdaDeposit 0a Lovelace", job.StCmd, txjob.KindCreate,
			job.MsgFail{Err: txjob.InsufficientMinAdaDeposit{Lovelace: bi(7)}}, "03 01" + v1 + "0a 00 00000007"},
		{"§5.5 ApplyInputsLoadHelpersContextFailed 05 (HelperScriptNotFoundInRegistry 00 OpenRoleScript: 0 bytes)", job.StCmd, txjob.KindApplyInputs,
			job.MsgFail{Err: txjob.ApplyInputsLoadHelpersContextFailed{Err: txjob.HelperScriptNotFoundInRegistry{Script: txjob.OpenRoleScript}}},
			"03 02" + v1 + "05 00"},
		{"§5.5 ValidityLowerBoundTooHigh 0a SlotNo SlotNo", job.StCmd, txjob.KindApplyInputs,
			job.MsgFail{Err: txjob.ValidityLowerBoundTooHigh{TipSlot: 5, InvalidBeforeSlot: 6}},
			"03 02" + v1 + "0a 0000000000000005 0000000000000006"},
		{"§5.3/§5.5 ApplyInputsLoadMarloweContextFailed 04 (ExtractMarloweTransactionError 06 (MultipleContractInputs 09 set))",
			job.StCmd, txjob.KindApplyInputs,
			job.MsgFail{Err: txjob.ApplyInputsLoadMarloweContextFailed{Err: txjob.ExtractMarloweTransactionError{
				Err: types.ExtractMarloweTransactionError{Kind: types.MultipleContractInputs, TxOutRefs: []types.TxOutRef{{TxId: "a", TxIx: 1}}}}}},
			"03 02" + v1 + "04 06 09 0000000000000001" + cid61},
		{"§5.5/§5.6 ApplyInputsConstraintsBuildupFailed 06 (MarloweComputeTransactionFailed 00 TEHashMismatch 04)", job.StCmd, txjob.KindApplyInputs,
			job.MsgFail{Err: txjob.ApplyInputsConstraintsBuildupFailed{Err: txjob.MarloweComputeTransactionFailed{Err: core.TEHashMismatch{}}}},
			"03 02" + v1 + "06 00 04"},
		{"§5.5 WithdrawError EmptyPayouts 02", job.StCmd, txjob.KindWithdraw, job.MsgFail{Err: txjob.EmptyPayouts{}}, "03 03" + v1 + "02"},
		{"§5.5 WithdrawConstraintError 01 (InvalidPayoutDatum 05 TxOutRef (Just (I 1)))", job.StCmd, txjob.KindWithdraw,
			job.MsgFail{Err: txjob.WithdrawConstraintError{Err: txjob.InvalidPayoutDatum{TxOutRef: types.TxOutRef{TxId: "a", TxIx: 1}, Datum: data.NewInteger(bi(1))}}},
			"03 03" + v1 + "01 05" + cid61 + "01 03 00 00000001"},
		{"§5.5 BurnRolesActive 01 set<PolicyId>", job.StCmd, txjob.KindBurnRoleTokens,
			job.MsgFail{Err: txjob.BurnRolesActive{Policies: []types.PolicyId{"p"}}}, "03 05" + v1 + "01 0000000000000001 0000000000000001 70"},
		{"§5.5 BurnConstraintError 05 (HelperScriptNotFound 11 TokenName)", job.StCmd, txjob.KindBurnRoleTokens,
			job.MsgFail{Err: txjob.BurnConstraintError{Err: txjob.HelperScriptNotFound{TokenName: "r"}}}, "03 05" + v1 + "05 11 0000000000000001 72"},
		{"§5.5 SafetyError TransactionCostMayExceedProtocol 0e: SafetyTx, ExBudget i64 i64", job.StCmd, txjob.KindCreate,
			job.MsgFail{Err: txjob.CreateSafetyAnalysisFailed{Errors: []txjob.SafetyError{txjob.TransactionCostMayExceedProtocol{
				Tx: txjob.SafetyTx{State: core.State{MinTime: bi(0)}, Contract: core.Close{},
					Input:  core.TransactionInput{Interval: core.TimeInterval{From: bi(1), To: bi(2)}},
					Output: core.TransactionOutput{Error: core.TEUselessTransaction{}}},
				Cost: txjob.ExBudget{CPU: 3, Memory: 4}}}}},
			"03 01" + v1 + "06 0000000000000001 0e" +
				"0000000000000000 0000000000000000 0000000000000000 00 00000000" + // State: three empty PV2 maps, minTime 0
				"00" + // Close
				"00 00000001 00 00000002 0000000000000000" + // TransactionInput: interval, no inputs
				"01 03" + // Error TEUselessTransaction
				"0000000000000003 0000000000000004"},

		// §4.5 results.
		{"§4.5 WithdrawTx: era 00 Babbage, map<TxOutRef, Payout>, TxBody", job.StCmd, txjob.KindWithdraw,
			job.MsgSucceed{Result: txjob.WithdrawTx{Era: types.BabbageEraOnwardsBabbage, Inputs: map[types.TxOutRef]types.Payout{}, TxBody: txCBOR5}},
			"04 03" + v1 + "00 0000000000000000" + tx5},
		{"§4.5 BurnRoleTokensTx: era 01 Conway, Tokens, TxBody", job.StCmd, txjob.KindBurnRoleTokens,
			job.MsgSucceed{Result: txjob.BurnRoleTokensTx{Era: types.BabbageEraOnwardsConway,
				BurnedTokens: types.Tokens{{Policy: "p", Name: "a"}: bi(1)}, TxBody: txCBOR5}},
			"04 05" + v1 + "01 0000000000000001 0000000000000001 70 0000000000000001 61 00 00000001" + tx5},
		{"§4.5/§5.7 ContractCreated: era, ids, metadata, scripts, Datum (MarloweData), assets, TxBody, []", job.StCmd, txjob.KindCreate,
			job.MsgSucceed{Result: txjob.ContractCreated{Era: types.BabbageEraOnwardsBabbage, ContractId: types.ContractId{TxId: "a", TxIx: 1},
				MarloweScriptHash: "m", MarloweScriptAddress: "A", PayoutScriptHash: "p", PayoutScriptAddress: "P",
				Datum: datumCloseValue(), Assets: types.Assets{Ada: bi(2), Tokens: types.Tokens{}}, TxBody: txCBOR5}},
			"04 01" + v1 + "00" + cid61 + "0000000000000000 0000000000000000" +
				"0000000000000001 6d 0000000000000001 41 0000000000000001 70 0000000000000001 50" +
				datumClose + "00 00000002 0000000000000000" + tx5 + "0000000000000000"},
	}
}

// TestSpecVectors checks hand-derived byte vectors (wire-protocol.md §4.5,
// §5.5, each case names its section): the message encodes to exactly these
// bytes in its state, and the bytes decode back (consuming everything) and
// re-encode identically.
func TestSpecVectors(t *testing.T) {
	vs := specVectors()
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			want := unhex(t, v.hex)
			m := machineAt(t, v.st, v.k)
			got, err := session.EncodeMessage(m, v.msg)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("encode:\n got %x\nwant %x", got, want)
			}
			dec, err := session.DecodeMessage(m, want)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			again, err := session.EncodeMessage(m, dec)
			if err != nil || !bytes.Equal(again, want) {
				t.Fatalf("re-encode: %x, %v", again, err)
			}
		})
	}
	if len(vs) != 37 {
		t.Errorf("%d spec vectors, want 37", len(vs))
	}
}

// TestSpecVectorsTruncated checks that every strict prefix of every spec
// vector is reported as short input (more bytes could complete it), never
// as malformed and never as success: the frames have no length prefix
// (§1.3), so a stream reader relies on this distinction.
func TestSpecVectorsTruncated(t *testing.T) {
	n := 0
	for _, v := range specVectors() {
		b := unhex(t, v.hex)
		m := machineAt(t, v.st, v.k)
		for i := 0; i < len(b); i++ {
			_, err := session.DecodeMessage(m, b[:i])
			if err == nil || !binary.IsShort(err) {
				t.Fatalf("%s: prefix of %d/%d bytes: got %v, want a short error", v.name, i, len(b), err)
			}
			n++
		}
	}
	if n != 1417 {
		t.Errorf("%d prefixes checked, want 1417", n)
	}
}

// TestDecodeRejects checks inputs the Haskell decoder refuses (§4.5, §5.5)
// and inputs outside the canonical forms: each must fail with an error that
// says why.
func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		st   job.State
		k    txjob.CommandKind
		hex  string
		msg  string
		// unexpected: also a session.ErrUnexpectedMessage (wrong state).
		unexpected bool
	}{
		{"§4.5 getJobId: Create has no job ID", job.StInit, 0, "02 01" + v1 + "0000000000000001 61", "has no job ID", false},
		{"§4.5 getStatus: Create has no status (Void)", job.StCmd, txjob.KindCreate, "05 01" + v1 + "00 0000000000000001 61", "has no status", false},
		{"§4.5/§6.9 reply tag differs from the pending command", job.StCmd, txjob.KindSubmit, "03 02" + v1 + "02", "does not match the pending command tag", false},
		{"§4.5/§6.9 reply tag version must match too", job.StCmd, txjob.KindCreate, "03 01 00000002 05", "invalid marlowe version", false},
		{"§5.2 MarloweVersion other than 1", job.StInit, 0, "01 03 00000002" + emptyWallet + "0000000000000000", "invalid marlowe version", false},
		{"§4.5 unknown command tag 06", job.StInit, 0, "01 06", "invalid command tag 6", false},
		{"§4.5 unknown message tag 0a", job.StInit, 0, "0a", "invalid message tag", false},
		{"§4.5 message tag 00", job.StCmd, txjob.KindSubmit, "00", "invalid message tag", false},
		{"§4.5 MsgPoll in StInit", job.StInit, 0, "06", "MsgPoll (tag 0x06) is not allowed in state StInit", true},
		{"§4.5 MsgExec in StCmd", job.StCmd, txjob.KindSubmit, "01 04 00" + tx5, "MsgExec (tag 0x01) is not allowed", true},
		{"§4.5 MsgAttached in StAwait", job.StAwait, txjob.KindSubmit, "08", "MsgAttached (tag 0x08) is not allowed", true},
		{"§4.5 MsgSucceed in StAttach", job.StAttach, txjob.KindSubmit, "04 04", "not allowed in state StAttach", true},
		{"§5.1 BabbageEraOnwards 02", job.StInit, 0, "01 04 02" + tx5, "BabbageEraOnwards", false},
		{"§4.5 Submit tx is not CBOR", job.StInit, 0, "01 04 00 0000000000000001 ff", "not one well-formed CBOR item", false},
		{"§4.5 Submit tx has trailing CBOR", job.StInit, 0, "01 04 00 0000000000000002 f6f6", "not one well-formed CBOR item", false},
		{"§4.5 ContractCreated TxBody is not CBOR", job.StCmd, txjob.KindWithdraw, "04 03" + v1 + "00 0000000000000000 0000000000000001 1c", "not one well-formed CBOR item", false},
		{"§4.5 mkAccounts: an empty balance", job.StInit, 0,
			"01 01" + v1 + "00" + emptyWallet + "00 00 0000000000000000 00 0000000000000001 00 0000000000000000 00 00000000 0000000000000000 00 00",
			"invalid accounts: empty balance", false},
		{"§4.5 mkAccounts: negative ada", job.StInit, 0,
			"01 01" + v1 + "00" + emptyWallet + "00 00 0000000000000000 00 0000000000000001 00 0000000000000000 00 ffffffff 0000000000000000 00 00",
			"invalid accounts: negative ada", false},
		{"§4.5 mkAccounts: zero token quantity", job.StInit, 0,
			"01 01" + v1 + "00" + emptyWallet + "00 00 0000000000000000 00 0000000000000001 00 0000000000000000 00 00000001 0000000000000001 0000000000000000 0000000000000000 00 00000000 00 00",
			"invalid accounts: non-positive quantity", false},
		{"§5.5 RoleTokensUsePolicy with an empty policy id", job.StInit, 0,
			"01 01" + v1 + "00" + emptyWallet + "00 01 0000000000000000 0000000000000000", "empty policy id", false},
		{"§5.5 RoleTokensUsePolicy with an empty recipient map", job.StInit, 0,
			"01 01" + v1 + "00" + emptyWallet + "00 01 0000000000000001 70 0000000000000001 0000000000000001 61 0000000000000000", "empty recipient map", false},
		{"§5.5 Mint: an empty NEMap", job.StInit, 0, "01 01" + v1 + "00" + emptyWallet + "00 02 0000000000000000", "unexpected empty map", false},
		{"§5.5 MintRole: a zero quantity", job.StInit, 0,
			"01 01" + v1 + "00" + emptyWallet + "00 02 0000000000000001 0000000000000001 61 00 0000000000000001 01 00 00000000",
			"non-positive quantity", false},
		{"§5.5 RoleTokensConfig tag 03", job.StInit, 0, "01 01" + v1 + "00" + emptyWallet + "00 03", "unknown RoleTokensConfig constructor tag 3", false},
		{"§5.5 Destination tag 02", job.StInit, 0,
			"01 01" + v1 + "00" + emptyWallet + "00 02 0000000000000001 0000000000000001 61 00 0000000000000001 02", "unknown Destination constructor tag 2", false},
		{"§5.5 MediaType without a subtype", job.StInit, 0,
			"01 01" + v1 + "00" + emptyWallet + "00 02 0000000000000001 0000000000000001 61 01" +
				"0000000000000000 0000000000000000 00 0000000000000000 0000000000000000 0000000000000000" + // name "", URI
				"01 0000000000000003 706e67", // Just "png"
			"invalid media type \"png\"", false},
		{"§5.5 RoleTokenFilter tag 08", job.StInit, 0, "01 05" + v1 + emptyWallet + "08", "unknown RoleTokenFilter constructor tag 8", false},
		{"§5.7 ApplyInputs inputs must be a list of Inputs", job.StInit, 0,
			"01 02" + v1 + emptyWallet + cid61 + "0000000000000000 00 00 03 00 00000000", "failed to decode inputs", false},
		{"§5.7 ApplyInputs: a merkleized input needs its continuation", job.StInit, 0,
			"01 02" + v1 + emptyWallet + cid61 + "0000000000000000 00 00" +
				"02 0000000000000001 00 00 00000001 0000000000000002 00 00 00000002 0000000000000000 04 0000000000000001 68",
			"constructor 1 with 2 fields is not an Input", false},
		{"§5.7 ContractCreated datum must be MarloweData", job.StCmd, txjob.KindCreate,
			"04 01" + v1 + "00" + cid61 + "0000000000000000 0000000000000000" +
				"0000000000000000 0000000000000000 0000000000000000 0000000000000000 03 00 00000000",
			"failed to decode datum", false},
		{"§5.5 CreateError tag 0b", job.StCmd, txjob.KindCreate, "03 01" + v1 + "0b", "unknown CreateError constructor tag 11", false},
		{"§5.5 ConstraintError tag 12", job.StCmd, txjob.KindWithdraw, "03 03" + v1 + "01 12", "unknown ConstraintError constructor tag 18", false},
		{"§5.5 SafetyError tag 16", job.StCmd, txjob.KindCreate, "03 01" + v1 + "06 0000000000000001 16", "unknown SafetyError constructor tag 22", false},
		{"§5.5 SubmitStatus 02", job.StCmd, txjob.KindSubmit, "05 04 02", "unknown SubmitStatus constructor tag 2", false},
		{"§2 Maybe tag 02", job.StInit, 0, "01 01" + v1 + "02", "invalid Maybe tag", false},
		{"§2 Either tag 02", job.StInit, 0, "01 01" + v1 + "00" + emptyWallet + "00 00 0000000000000000 00 0000000000000000 02", "invalid Either tag", false},
		{"§6.1 Set not ascending", job.StCmd, txjob.KindBurnRoleTokens,
			"03 05" + v1 + "01 0000000000000002 0000000000000001 71 0000000000000001 70", "not greater than its predecessor", false},
		{"§1.3 trailing bytes", job.StAwait, txjob.KindSubmit, "06 00", "1 trailing bytes", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := machineAt(t, tc.st, tc.k)
			_, err := session.DecodeMessage(m, unhex(t, tc.hex))
			if err == nil {
				t.Fatalf("decoded; want an error containing %q", tc.msg)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %q does not contain %q", err, tc.msg)
			}
			if binary.IsShort(err) {
				t.Fatalf("error %q is a short error; want malformed", err)
			}
			if got := errors.Is(err, session.ErrUnexpectedMessage); got != tc.unexpected {
				t.Fatalf("errors.Is(ErrUnexpectedMessage) = %v, want %v (%v)", got, tc.unexpected, err)
			}
		})
	}
}

// TestEncodeRejects checks that values a Haskell peer would refuse (or
// could not even hold) are refused on encoding with a clear error instead
// of producing bytes (§4.5, §5.5).
func TestEncodeRejects(t *testing.T) {
	close := binary.Either[core.Contract, types.DatumHash]{Left: core.Close{}}
	tests := []struct {
		name string
		st   job.State
		k    txjob.CommandKind
		msg  session.Message
		want string
	}{
		{"Create without a version", job.StInit, 0, job.MsgExec{Command: txjob.Create{Contract: close}}, "unknown version 0"},
		{"§4.5 status for a Void command", job.StCmd, txjob.KindCreate,
			job.MsgAwait{Status: txjob.Submitting, JobID: txjob.JobIdSubmit{}}, "MsgAwait job id of TagSubmit for pending command TagCreate"},
		{"§4.5 result of another command", job.StCmd, txjob.KindCreate, job.MsgSucceed{Result: types.BlockHeader{}}, "unsupported type types.BlockHeader"},
		{"§4.5 error of another command", job.StCmd, txjob.KindSubmit, job.MsgFail{Err: txjob.EmptyPayouts{}}, "unsupported type txjob.EmptyPayouts"},
		{"§4.5 pointer command", job.StInit, 0, job.MsgExec{Command: &txjob.Submit{Tx: txCBOR5}}, "unsupported type *txjob.Submit"},
		{"§4.5 Submit status of wrong type", job.StCmd, txjob.KindSubmit, job.MsgAwait{Status: 1, JobID: txjob.JobIdSubmit{}}, "unsupported type int"},
		{"§4.5 Submit tx is not CBOR", job.StInit, 0, job.MsgExec{Command: txjob.Submit{Tx: []byte{0xff}}}, "not one well-formed CBOR item"},
		{"§4.5 mkAccounts: empty balance", job.StInit, 0, job.MsgExec{Command: txjob.Create{Version: types.MarloweV1, Contract: close,
			Accounts: map[txjob.Account]types.Assets{{}: {Ada: bi(0)}}}}, "empty balance"},
		{"§5.5 UsePolicy with an empty policy", job.StInit, 0, job.MsgExec{Command: txjob.Create{Version: types.MarloweV1, Contract: close,
			RoleTokens: txjob.RoleTokensUsePolicy{}}}, "empty policy id"},
		{"§5.5 UsePolicy with a zero quantity", job.StInit, 0, job.MsgExec{Command: txjob.Create{Version: types.MarloweV1, Contract: close,
			RoleTokens: txjob.RoleTokensUsePolicy{Policy: "p", Distribution: map[types.TokenName]map[txjob.Destination]*big.Int{"a": {{}: bi(0)}}}}},
			"non-positive quantity"},
		{"§5.5 empty Mint", job.StInit, 0, job.MsgExec{Command: txjob.Create{Version: types.MarloweV1, Contract: close,
			RoleTokens: txjob.RoleTokensMint{}}}, "empty mint"},
		{"§5.5 invalid media type", job.StInit, 0, job.MsgExec{Command: txjob.Create{Version: types.MarloweV1, Contract: close,
			RoleTokens: txjob.RoleTokensMint{Mint: txjob.Mint{"a": {Metadata: &txjob.RoleTokenMetadata{Files: []txjob.NFTMetadataFile{{MediaType: "*/png"}}},
				Recipients: map[txjob.Destination]*big.Int{{}: bi(1)}}}}}}, "wildcard type"},
		{"§5.5 nil RoleTokenFilter", job.StInit, 0, job.MsgExec{Command: txjob.BurnRoleTokens{Version: types.MarloweV1}}, "encode RoleTokenFilter: nil value"},
		{"§5.7 inputs not a list", job.StInit, 0, job.MsgExec{Command: txjob.ApplyInputs{Version: types.MarloweV1, Inputs: data.NewInteger(bi(1))}},
			"inputs: expected a list"},
		{"§5.7 datum not MarloweData", job.StCmd, txjob.KindCreate, job.MsgSucceed{Result: txjob.ContractCreated{Datum: data.NewInteger(bi(1)),
			Assets: types.Assets{Ada: bi(0)}, TxBody: txCBOR5}}, "not MarloweData"},
		{"§5.2 InputsApplied script output datum not MarloweData", job.StCmd, txjob.KindApplyInputs, job.MsgSucceed{Result: txjob.InputsApplied{
			Input: types.TransactionScriptOutput{Assets: types.Assets{Ada: bi(1)}, Datum: data.NewInteger(bi(1))}}},
			"InputsApplied.input.datum: not MarloweData"},
		{"§5.1 era 2", job.StCmd, txjob.KindWithdraw, job.MsgSucceed{Result: txjob.WithdrawTx{Era: 2, TxBody: txCBOR5}}, "invalid era 2"},
		{"§5.5 nil CreateError", job.StCmd, txjob.KindCreate, job.MsgFail{}, "unsupported type <nil>"},
		{"§5.5 nil nested ConstraintError", job.StCmd, txjob.KindCreate, job.MsgFail{Err: txjob.CreateConstraintError{}}, "encode ConstraintError: nil value"},
		{"§5.5 negative Natural", job.StCmd, txjob.KindCreate, job.MsgFail{Err: txjob.CreateSafetyAnalysisFailed{
			Errors: []txjob.SafetyError{txjob.MaximumValueMayExceedProtocol{Bytes: bi(-1)}}}}, "negative value -1"},
		{"§4.5 TagSubmit with a version", job.StInit, 0, job.MsgAttach{JobID: badJobID{}}, "TagSubmit carries no version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := machineAt(t, tc.st, tc.k)
			b, err := session.EncodeMessage(m, tc.msg)
			if err == nil {
				t.Fatalf("encoded %x; want an error containing %q", b, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// badJobID claims a Submit tag with a version, which has no wire form.
type badJobID struct{}

func (badJobID) JobTag() job.Tag { return txjob.Tag{Kind: txjob.KindSubmit, Version: types.MarloweV1} }

// TestInputsData checks the runtime `[Input]` Plutus Data form of §5.7:
// NormalInput = Constr 0 [content], MerkleizedInput = Constr 1 [content,
// B hash, continuation] (not the on-chain redeemer's two fields).
func TestInputsData(t *testing.T) {
	ins := []core.Input{
		{Content: core.IChoice{ID: core.ChoiceID{Name: "", Owner: core.RolePartyOf("")}, Chosen: bi(1)}},
		{Content: core.INotify{}, Merkleized: true, Hash: []byte("h"), Continuation: core.Close{}},
	}
	pd, err := txjob.InputsToData(ins)
	if err != nil {
		t.Fatal(err)
	}
	b, err := binary.Encode(pd, types.EncodeDatum)
	if err != nil {
		t.Fatal(err)
	}
	// §5.7 golden-confirmed: NormalInput (IChoice (ChoiceId "" (Role ""))) 1 =
	// List [Constr 0 [Constr 1 [Constr 0 [B "", Constr 1 [B ""]], I 1]]].
	want := unhex(t, "02 0000000000000002"+
		"00 00 00000000 0000000000000001 00 00 00000001 0000000000000002"+
		" 00 00 00000000 0000000000000002 04 0000000000000000 00 00 00000001 0000000000000001 04 0000000000000000"+
		" 03 00 00000001"+
		"00 00 00000001 0000000000000003 00 00 00000002 0000000000000000 04 0000000000000001 68 00 00 00000000 0000000000000000")
	if !bytes.Equal(b, want) {
		t.Fatalf("inputs datum:\n got %x\nwant %x", b, want)
	}
	back, err := txjob.InputsFromData(pd)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[0].Merkleized || !back[1].Merkleized || string(back[1].Hash) != "h" || back[1].Continuation != (core.Close{}) {
		t.Fatalf("InputsFromData = %+v", back)
	}
	if _, err := txjob.InputsToData([]core.Input{{Content: core.INotify{}, Merkleized: true}}); err == nil {
		t.Fatal("a merkleized input without its continuation converted")
	}
}

// TestDecodeRejectsScriptOutputDatum checks that an InputsApplied whose
// script output datum is not MarloweData is refused, as the Haskell decoder
// of TransactionScriptOutput refuses it (§5.2, §5.7), naming the offset of
// the output (1 + 5 + 1 + 10 + 8 = 25). The bytes are built
// field by field because the encoder refuses the value.
func TestDecodeRejectsScriptOutputDatum(t *testing.T) {
	e := binary.NewEncoder(nil)
	e.PutU8(0x04)
	txjob.EncodeTag(e, txjob.TagOf(txjob.KindApplyInputs))
	types.EncodeBabbageEraOnwards(e, types.BabbageEraOnwardsBabbage)
	types.EncodeContractId(e, types.ContractId{})
	types.EncodeMarloweTransactionMetadata(e, types.MarloweTransactionMetadata{})
	types.EncodeTransactionScriptOutput(e, types.TransactionScriptOutput{Assets: types.Assets{Ada: bi(1)}, Datum: data.NewInteger(bi(1))})
	b, err := e.Result()
	if err != nil {
		t.Fatal(err)
	}
	_, err = session.DecodeMessage(machineAt(t, job.StCmd, txjob.KindApplyInputs), b)
	if err == nil || !strings.Contains(err.Error(), "InputsApplied.input: at offset 25: failed to decode datum") {
		t.Fatalf("error %v", err)
	}
}
