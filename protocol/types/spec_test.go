package types_test

import (
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/blinklabs-io/plutigo/data"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex: %v", err)
	}
	return b
}

func bi(n int64) *big.Int { return big.NewInt(n) }

// example is a value built by hand from a spec example, its exact encoding,
// and the codec pair: encoding must give the bytes, decoding them must
// consume everything and re-encode identically.
type example struct {
	name string // cites the spec section
	hex  string
	enc  func(e *binary.Encoder)
	dec  func(d *binary.Decoder, e *binary.Encoder) error
}

func ex[T any](name, h string, x T, enc binary.EncodeFunc[T], dec binary.DecodeFunc[T]) example {
	return example{
		name: name, hex: h,
		enc: func(e *binary.Encoder) { enc(e, x) },
		dec: func(d *binary.Decoder, e *binary.Encoder) error {
			v, err := dec(d)
			if err != nil {
				return err
			}
			enc(e, v)
			return nil
		},
	}
}

var bh1 = types.BlockHeader{Slot: 1, Hash: "", Block: 1}

// marloweDataClose is the §4.1 MsgContractFound datum: MarloweData with
// empty roles currency, empty state with minTime 1, and Close.
func marloweDataClose() data.PlutusData {
	return data.NewConstr(0,
		data.NewConstr(0, data.NewByteString(nil)),
		data.NewConstr(0, data.NewMap(nil), data.NewMap(nil), data.NewMap(nil), data.NewInteger(bi(1))),
		data.NewConstr(0),
	)
}

func TestSpecExamples(t *testing.T) {
	assets1 := types.Assets{Ada: bi(1), Tokens: types.Tokens{{}: bi(1)}}
	mainnetAddr := core.Address{Mainnet: true, Payment: core.Credential{Hash: ""}}
	examples := []example{
		ex("§4.1 ContractId \"61\"#1 (MsgFollowContract)", "0000000000000001 61 0001",
			types.ContractId{TxId: "a", TxIx: 1}, types.EncodeContractId, types.DecodeContractId),
		ex("§4.1 MarloweVersion V1", "00000001", types.MarloweV1, types.EncodeMarloweVersion, types.DecodeMarloweVersion),
		ex("§4.1 BlockHeader 1 \"61\" 1 (MsgIntersectFound)", "0000000000000001 0000000000000001 61 0000000000000001",
			types.BlockHeader{Slot: 1, Hash: "a", Block: 1}, types.EncodeBlockHeader, types.DecodeBlockHeader),
		ex("§4.1 RedeemPayout step (MsgRollForward)",
			"01 0000000000000000 0001 0000000000000000 0000000000000000 0000000000000000",
			types.ContractStep(types.RedeemStep{Utxo: types.TxOutRef{TxIx: 1}}), types.EncodeContractStep, types.DecodeContractStep),
		ex("§4.1 CreateStep (MsgContractFound)", `
			0000000000000000
			00 00000001 0000000000000001 0000000000000000 0000000000000000 00 00000001
			0000000000000000 0001
			00 00 00000000 0000000000000003
			  00 00 00000000 0000000000000001 04 0000000000000000
			  00 00 00000000 0000000000000004 01 0000000000000000 01 0000000000000000 01 0000000000000000 03 00 00000001
			  00 00 00000000 0000000000000000
			0000000000000000
			0000000000000000`,
			types.CreateStep{
				CreateOutput: types.TransactionScriptOutput{Assets: assets1, Utxo: types.TxOutRef{TxIx: 1}, Datum: marloweDataClose()},
			}, types.EncodeCreateStep, types.DecodeCreateStep),
		ex("§4.2 ContractHeader with Marlowe metadata folded into label 1564 (MsgNewHeaders)", `
			0000000000000000 0001
			0000000000000000
			0000000000000001 000000000000061c
			  01 0000000000000002
			    02 00 00000002
			    01 0000000000000001
			      01 0000000000000002 04 0000000000000000 03 0000000000000000
			0000000000000000 0000000000000000 0000000000000000
			00000001
			0000000000000001 0000000000000000 0000000000000001`,
			types.ContractHeader{
				ContractId: types.ContractId{TxIx: 1},
				Metadata: types.MarloweTransactionMetadata{
					Marlowe: &types.MarloweMetadata{Tags: map[string]types.Metadata{"": types.MetadataBytes{}}},
				},
				MarloweVersion: types.MarloweV1,
				BlockHeader:    bh1,
			}, types.EncodeContractHeader, types.DecodeContractHeader),
		ex("§4.3 ChainPoint Genesis", "00", types.ChainPoint{}, types.EncodeChainPoint, types.DecodeChainPoint),
		ex("§4.3 ChainPoint At (BlockHeader 1 \"61\" 1)", "01 0000000000000001 0000000000000001 61 0000000000000001",
			types.PointAt(types.BlockHeader{Slot: 1, Hash: "a", Block: 1}), types.EncodeChainPoint, types.DecodeChainPoint),
		ex("§4.6 MsgPushAssert TrueObs", "09", core.Observation(core.TrueObs{}), types.EncodeObservation, types.DecodeObservation),
		ex("§4.6 ChoseSomething (ChoiceId \"\" (Role \"\"))", "03 0000000000000000 01 0000000000000000",
			core.Observation(core.ChoseSomething{ID: core.ChoiceID{Owner: core.RolePartyOf("")}}), types.EncodeObservation, types.DecodeObservation),
		ex("§4.6 ChoseSomething with a mainnet PubKey address party", "03 0000000000000000 00 01 00 0000000000000000 00",
			core.Observation(core.ChoseSomething{ID: core.ChoiceID{Owner: core.AddressPartyOf(mainnetAddr)}}), types.EncodeObservation, types.DecodeObservation),
		ex("§4.6 MsgPushLet value AddValue (Constant 1) (Constant 1)", "03 01 00 00000001 01 00 00000001",
			core.Value(core.AddValue{L: core.Constant{N: bi(1)}, R: core.Constant{N: bi(1)}}), types.EncodeValue, types.DecodeValue),
		ex("§4.6 MsgPushWhen timeout POSIXTime 1", "00 00000001", bi(1), (*binary.Encoder).PutInteger, (*binary.Decoder).Integer),
		ex("§5.1 UTCTime 2000-01-01 00:00:01", "00 000007d0 0000000000000001 01 01 0000000000000005 0010a5d4e8",
			types.UTCTimeOf(time.Date(2000, 1, 1, 0, 0, 1, 0, time.UTC)), types.EncodeUTCTime, types.DecodeUTCTime),
		ex("§1.8 UTCTime 2024-12-01T12:00:00Z (day 336)", "00 000007e8 0000000000000150 01 01 0000000000000007 00004cce2b7a99",
			types.UTCTimeOf(time.Date(2024, 12, 1, 12, 0, 0, 0, time.UTC)), types.EncodeUTCTime, types.DecodeUTCTime),
		ex("§1.8 NetworkId Testnet 1", "01 00000001", types.NetworkId{Testnet: true, Magic: 1}, types.EncodeNetworkId, types.DecodeNetworkId),
		ex("§5.1 NetworkId Mainnet", "00", types.NetworkId{}, types.EncodeNetworkId, types.DecodeNetworkId),
		ex("§1.8 Version 1.0.0", "0000000000000003 0000000000000001 0000000000000000 0000000000000000 0000000000000000",
			types.Version{Branch: []int64{1, 0, 0}}, types.EncodeVersion, types.DecodeVersion),
		ex("§1.8 ChainPoint At {slot 100, 32 zero bytes, block 50}",
			"01 0000000000000064 0000000000000020"+strings.Repeat("00", 32)+"0000000000000032",
			types.PointAt(types.BlockHeader{Slot: 100, Hash: types.BlockHeaderHash(make([]byte, 32)), Block: 50}), types.EncodeChainPoint, types.DecodeChainPoint),
		ex("§5.1 AnyCardanoEra Conway", "06", types.ConwayEra, types.EncodeCardanoEra, types.DecodeCardanoEra),
		ex("§5.5 BabbageEraOnwards Conway", "01", types.BabbageEraOnwardsConway, types.EncodeBabbageEraOnwards, types.DecodeBabbageEraOnwards),
		ex("§5.1 StakeCredential script", "01 0000000000000001 61", types.StakeCredential{Script: true, Hash: "a"}, types.EncodeStakeCredential, types.DecodeStakeCredential),
		ex("§5.3 ExtractCreationError NotCreationTransaction", "06", types.NotCreationTransaction, types.EncodeExtractCreationError, types.DecodeExtractCreationError),
		ex("§5.3 MultipleContractInputs sorted set", "09 0000000000000002 0000000000000001 61 0001 0000000000000001 62 0000",
			types.ExtractMarloweTransactionError{Kind: types.MultipleContractInputs, TxOutRefs: []types.TxOutRef{{TxId: "b"}, {TxId: "a", TxIx: 1}}},
			types.EncodeExtractMarloweTransactionError, types.DecodeExtractMarloweTransactionError),
		ex("§5.3 NoPayoutDatum", "05 0000000000000000 0002",
			types.ExtractMarloweTransactionError{Kind: types.NoPayoutDatum, TxOutRef: types.TxOutRef{TxIx: 2}},
			types.EncodeExtractMarloweTransactionError, types.DecodeExtractMarloweTransactionError),
		ex("§5.7 Datum NormalInput (IChoice (ChoiceId \"\" (Role \"\"))) 1", `
			02 0000000000000001
			  00 00 00000000 0000000000000001
			    00 00 00000001 0000000000000002
			      00 00 00000000 0000000000000002 04 0000000000000000 00 00 00000001 0000000000000001 04 0000000000000000
			      03 00 00000001`,
			data.NewList(data.NewConstr(0, data.NewConstr(1,
				data.NewConstr(0, data.NewByteString(nil), data.NewConstr(1, data.NewByteString(nil))),
				data.NewInteger(bi(1))))),
			types.EncodeDatum, types.DecodeDatum),
		ex("§5.6 Contract When [Case (Notify TrueObs) Close] 1 Close", "03 0000000000000001 00 02 09 00 00 00000001 00",
			core.Contract(core.When{Cases: []core.Case{{Action: core.Notify{Obs: core.TrueObs{}}, Then: core.Close{}}}, Timeout: bi(1), Continuation: core.Close{}}),
			types.EncodeContract, types.DecodeContract),
		ex("§5.6 MerkleizedCase", "01 02 0a 0000000000000001 ab",
			core.Case{Action: core.Notify{Obs: core.FalseObs{}}, Merkleized: true, Hash: []byte{0xab}}, types.EncodeCase, types.DecodeCase),
		ex("§5.6 Payee Party (Role \"a\")", "01 01 0000000000000001 61", core.Payee{Kind: core.PayeeParty, Party: core.RolePartyOf("a")}, types.EncodePayee, types.DecodePayee),
		ex("§5.6 StakingPtr address party", "00 00 01 0000000000000000 01 01 00 00000001 00 00000002 00 00000003",
			core.AddressPartyOf(core.Address{Payment: core.Credential{Script: true}, Staking: core.StakingPtr, Pointer: [3]uint64{1, 2, 3}}),
			types.EncodeParty, types.DecodeParty),
		ex("§5.6 State keeps association-list order", `
			0000000000000002
			  01 0000000000000001 62  0000000000000000 0000000000000000  00 00000001
			  01 0000000000000001 61  0000000000000000 0000000000000000  00 00000002
			0000000000000000 0000000000000000 00 00000005`,
			core.State{Accounts: []core.AccountEntry{
				{Account: core.RolePartyOf("b"), Amount: bi(1)},
				{Account: core.RolePartyOf("a"), Amount: bi(2)},
			}, MinTime: bi(5)}, types.EncodeState, types.DecodeState),
		ex("§5.6 MerkleizedInput", "01 02 0000000000000001 ff 00",
			core.Input{Content: core.INotify{}, Merkleized: true, Hash: []byte{0xff}, Continuation: core.Close{}}, types.EncodeInput, types.DecodeInput),
		ex("§5.6 TransactionOutput Error (TEIntervalError (IntervalInPastError 5 (1, 2)))", "01 02 01 00 00000005 00 00000001 00 00000002",
			core.TransactionOutput{Error: core.TEIntervalError{Err: core.IntervalInPastError{MinTime: bi(5), Interval: core.TimeInterval{From: bi(1), To: bi(2)}}}},
			types.EncodeCoreTransactionOutput, types.DecodeCoreTransactionOutput),
		ex("§5.6 TransactionInput", "00 00000001 00 00000002 0000000000000001 00 01 0000000000000000 01 0000000000000000 00 00000007",
			core.TransactionInput{Interval: core.TimeInterval{From: bi(1), To: bi(2)}, Inputs: []core.Input{{Content: core.IChoice{ID: core.ChoiceID{Owner: core.RolePartyOf("")}, Chosen: bi(7)}}}},
			types.EncodeCoreTransactionInput, types.DecodeCoreTransactionInput),
		ex("§5.2 Tokens sorted by AssetId (policy, then name)", `
			00 00000000 0000000000000002
			  0000000000000001 61 0000000000000000 00 00000002
			  0000000000000001 62 0000000000000001 61 00 00000001`,
			types.Assets{Ada: bi(0), Tokens: types.Tokens{{Policy: "b", Name: "a"}: bi(1), {Policy: "a"}: bi(2)}}, types.EncodeAssets, types.DecodeAssets),
	}
	for _, tc := range examples {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.hex)
			e := binary.NewEncoder(nil)
			tc.enc(e)
			got, err := e.Result()
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if hex.EncodeToString(got) != hex.EncodeToString(want) {
				t.Fatalf("encode:\n got %x\nwant %x", got, want)
			}
			d := binary.NewDecoder(want)
			e2 := binary.NewEncoder(nil)
			if err := tc.dec(d, e2); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if err := d.Finish(); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if hex.EncodeToString(e2.Bytes()) != hex.EncodeToString(want) {
				t.Fatalf("re-encode:\n got %x\nwant %x", e2.Bytes(), want)
			}
		})
	}
}

// TestDecodedValues checks decoded structure, not only bytes, on a few spec
// examples.
func TestDecodedValues(t *testing.T) {
	h, err := binary.Decode(unhex(t, `
		0000000000000000 0001 0000000000000000
		0000000000000001 000000000000061c 01 0000000000000002 02 00 00000002
		01 0000000000000001 01 0000000000000002 04 0000000000000000 03 0000000000000000
		0000000000000000 0000000000000000 0000000000000000 00000001
		0000000000000001 0000000000000000 0000000000000001`), types.DecodeContractHeader)
	if err != nil {
		t.Fatal(err)
	}
	if h.Metadata.Marlowe == nil {
		t.Fatal("label 1564 was not parsed as Marlowe metadata")
	}
	if p, ok := h.Metadata.Marlowe.Tags[""]; !ok || len(p.(types.MetadataBytes)) != 0 {
		t.Errorf("tags = %#v, want {\"\": MetadataBytes \"\"}", h.Metadata.Marlowe.Tags)
	}
	if _, ok := h.Metadata.Metadata[types.MarloweMetadataLabel]; !ok {
		t.Error("raw label 1564 not kept")
	}
	if h.ContractId != (types.ContractId{TxIx: 1}) || h.BlockHeader != bh1 || h.MarloweVersion != types.MarloweV1 {
		t.Errorf("header = %+v", h)
	}

	u, err := binary.Decode(unhex(t, "00 000007e8 0000000000000150 01 01 0000000000000007 00004cce2b7a99"), types.DecodeUTCTime)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := u.Time()
	if err != nil || !tm.Equal(time.Date(2024, 12, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("UTCTime.Time = %v, %v", tm, err)
	}
}
