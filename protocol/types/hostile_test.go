package types_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

func decodeErr[T any](f binary.DecodeFunc[T]) func([]byte) error {
	return func(b []byte) error { _, err := binary.Decode(b, f); return err }
}

// TestHostileTypes checks that malformed payloads fail with an error that
// names the type and field (and the offset), and never panic.
func TestHostileTypes(t *testing.T) {
	deepContract := append(bytes.Repeat([]byte{0x05, 0x09}, binary.DefaultMaxDepth+1), 0x00) // Assert TrueObs (…) Close
	deepValue := append(bytes.Repeat([]byte{0x02}, binary.DefaultMaxDepth+1), 0x08)          // NegValue (…) TimeIntervalStart
	var deepDatum []byte
	for i := 0; i <= binary.DefaultMaxDepth; i++ {
		deepDatum = append(deepDatum, 0x02, 0, 0, 0, 0, 0, 0, 0, 1) // List [ … ]
	}
	deepDatum = append(deepDatum, 0x03, 0, 0, 0, 0, 1)
	var deepMeta []byte
	for i := 0; i <= binary.DefaultMaxDepth; i++ {
		deepMeta = append(deepMeta, 0x01, 0, 0, 0, 0, 0, 0, 0, 1) // MetadataList [ … ]
	}
	deepMeta = append(deepMeta, 0x04, 0, 0, 0, 0, 0, 0, 0, 0)

	tests := []struct {
		name  string
		in    []byte
		dec   func([]byte) error
		msg   string
		short bool
	}{
		{"ContractHeader huge rolesCurrency length", unhex(t, "0000000000000000 0001 7fffffffffffffff"), decodeErr(types.DecodeContractHeader),
			"decode ContractHeader.rolesCurrency: decode PolicyId: at offset 10: length 9223372036854775807 exceeds remaining 0 bytes", true},
		{"ContractHeader negative contractId length", unhex(t, "ffffffffffffffff"), decodeErr(types.DecodeContractHeader),
			"decode ContractHeader.contractId: decode ContractId: decode TxOutRef.txId: at offset 0: negative length -1", false},
		{"ContractHeader bad version", unhex(t, "0000000000000000 0001 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000 00000002"),
			decodeErr(types.DecodeContractHeader), "decode ContractHeader.marloweVersion: decode MarloweVersion: at offset 50: invalid marlowe version bytes 00000002", false},
		{"Tokens out of order", unhex(t, "00 00000000 0000000000000002 0000000000000001 62 0000000000000000 00 00000001 0000000000000001 61 0000000000000000 00 00000001"),
			decodeErr(types.DecodeAssets), "decode Assets.tokens: decode Tokens: at offset 35: Map key 1 is not greater than its predecessor", false},
		{"Tokens duplicate key", unhex(t, "00 00000000 0000000000000002 0000000000000000 0000000000000000 00 00000001 0000000000000000 0000000000000000 00 00000001"),
			decodeErr(types.DecodeAssets), "Map key 1 is not greater than its predecessor", false},
		{"Payouts out of order", unhex(t, "0000000000000002 0000000000000000 0002 0000000000000000 00 00000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0001"),
			decodeErr(types.DecodeTransactionOutput), "decode TransactionOutput.payouts: at offset 55: Map key 1 is not greater than its predecessor", false},
		{"withdraw set out of order", unhex(t, "0000000000000001 0000000000000000 0001 0000000000000002 0000000000000000 0002 0000000000000000 0001"),
			decodeErr(types.DecodeMarloweWithdrawTransaction), "decode MarloweWithdrawTransaction.consumedPayouts: [0].value: at offset 36: Set element 1 is not greater than its predecessor", false},
		{"UTCTime day 366 in a common year", unhex(t, "00 000007e7 000000000000016e 00 00000000"), decodeErr(types.DecodeUTCTime),
			"decode UTCTime.dayOfYear: at offset 5: invalid ISO 8601 ordinal date 2023-366", false},
		{"UTCTime day 0", unhex(t, "00 000007e8 0000000000000000 00 00000000"), decodeErr(types.DecodeUTCTime), "invalid ISO 8601 ordinal date 2024-0", false},
		{"UTCTime 1900 is not leap", unhex(t, "00 0000076c 000000000000016e 00 00000000"), decodeErr(types.DecodeUTCTime), "invalid ISO 8601 ordinal date 1900-366", false},
		{"Datum negative Constr index", unhex(t, "00 00 ffffffff 0000000000000000"), decodeErr(types.DecodeDatum),
			"decode Datum.Constr.index: at offset 1: constructor index -1 out of range", false},
		{"Datum Constr index beyond 2^64", unhex(t, "00 01 01 0000000000000009 000000000000000001 0000000000000000"), decodeErr(types.DecodeDatum),
			"constructor index 18446744073709551616 out of range", false},
		{"Datum unknown tag", unhex(t, "05"), decodeErr(types.DecodeDatum), "decode Datum: at offset 0: unknown Datum constructor tag 5 (want < 5)", false},
		{"Datum list count vs minimum element size", unhex(t, "02 0000000000000002 03 00 00000001"), decodeErr(types.DecodeDatum),
			"decode Datum.List: at offset 1: count 2 of 5-byte elements exceeds remaining 6 bytes", true},
		{"Datum map huge count", unhex(t, "01 0fffffffffffffff"), decodeErr(types.DecodeDatum), "decode Datum.Map: at offset 1: count", true},
		{"Metadata Text invalid UTF-8", unhex(t, "04 0000000000000001 ff"), decodeErr(types.DecodeMetadata), "decode MetadataText: at offset 1: Text is not valid UTF-8", false},
		{"Contract nested too deep", deepContract, decodeErr(types.DecodeContract), "nesting deeper than 10000 levels", false},
		{"Value nested too deep", deepValue, decodeErr(types.DecodeValue), "nesting deeper than 10000 levels", false},
		{"Datum nested too deep", deepDatum, decodeErr(types.DecodeDatum), "nesting deeper than 10000 levels", false},
		{"Metadata nested too deep", deepMeta, decodeErr(types.DecodeMetadata), "nesting deeper than 10000 levels", false},
		{"Party bad network Bool", unhex(t, "00 02"), decodeErr(types.DecodeParty), "decode Party.Address.network: at offset 1: invalid Bool byte 0x02", false},
		{"Party bad staking Maybe tag", unhex(t, "00 00 00 0000000000000000 07"), decodeErr(types.DecodeParty),
			"decode Party.Address: decode Address.stakingCredential: at offset 11: invalid Maybe tag 0x07", false},
		{"StakingPtr negative component", unhex(t, "00 00 00 0000000000000000 01 01 00 ffffffff 00 00000000 00 00000000"), decodeErr(types.DecodeParty),
			"StakingPtr[0]: at offset 13: pointer component -1 outside 0..2^64-1", false},
		{"Contract unknown tag", unhex(t, "06"), decodeErr(types.DecodeContract), "unknown Contract constructor tag 6 (want < 6)", false},
		{"When cases count vs remaining", unhex(t, "03 0000000000000010 00"), decodeErr(types.DecodeContract),
			"decode When.cases: at offset 1: count 16 of 3-byte elements exceeds remaining 1 bytes", true},
		{"ContractStep bad tag", unhex(t, "02"), decodeErr(types.DecodeContractStep), "unknown ContractStep constructor tag 2", false},
		{"SomeCreateStep version 0", unhex(t, "00000000"), decodeErr(types.DecodeSomeCreateStep), "decode SomeCreateStep.version: decode MarloweVersion: at offset 0: invalid marlowe version bytes 00000000", false},
		{"trailing bytes", unhex(t, "00 00"), decodeErr(types.DecodeChainPoint), "at offset 1: 1 trailing bytes", false},
		{"ChainPoint bad tag", unhex(t, "02"), decodeErr(types.DecodeChainPoint), "unknown ChainPoint constructor tag 2", false},
		{"NetworkId truncated magic", unhex(t, "01 0000"), decodeErr(types.DecodeNetworkId), "decode NetworkId.magic: at offset 1: need 4 bytes, have 2", true},
		{"AnyCardanoEra 7", unhex(t, "07"), decodeErr(types.DecodeCardanoEra), "unknown AnyCardanoEra constructor tag 7", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.dec(tc.in)
			if err == nil {
				t.Fatal("decoded without error")
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error:\n %s\nwant containing\n %s", err, tc.msg)
			}
			if binary.IsShort(err) != tc.short {
				t.Errorf("IsShort = %v, want %v (%v)", binary.IsShort(err), tc.short, err)
			}
			var be *binary.Error
			if !errors.As(err, &be) {
				t.Errorf("error does not carry a *binary.Error: %v", err)
			}
		})
	}
}

// TestDeepErrorMessageIsLinear guards against quadratic error wrapping: a
// failure at the bottom of a maximally deep contract produces one message
// with one path segment per level.
func TestDeepErrorMessageIsLinear(t *testing.T) {
	in := bytes.Repeat([]byte{0x05, 0x09}, binary.DefaultMaxDepth-1) // truncated: no final Close
	_, err := binary.Decode(in, types.DecodeContract)
	if !binary.IsShort(err) {
		t.Fatalf("want a short error, got %v", err)
	}
	msg := err.Error()
	if n := strings.Count(msg, "decode Assert.contract: "); n != binary.DefaultMaxDepth-1 {
		t.Errorf("%d path segments, want %d", n, binary.DefaultMaxDepth-1)
	}
	if len(msg) > 40*binary.DefaultMaxDepth {
		t.Errorf("message of %d bytes is not linear in the depth", len(msg))
	}
}

// TestGoldenTruncation cuts golden payloads at every byte: each prefix must
// fail as "short" (more input could complete it), never as malformed and
// never by panicking — what a stream reader decoding unframed messages
// relies on.
func TestGoldenTruncation(t *testing.T) {
	cases := []struct {
		file, msg string
		body      func(d *binary.Decoder) error
		every     int
	}{
		{"MarloweBulkSync", "MsgRollForward", func(d *binary.Decoder) error {
			if _, err := binary.DecodeList(d, types.DecodeMarloweBlock); err != nil {
				return err
			}
			_, err := types.DecodeBlockHeader(d)
			return err
		}, 97},
		{"MarloweHeaderSync", "MsgNewHeaders", func(d *binary.Decoder) error {
			if _, err := types.DecodeBlockHeader(d); err != nil {
				return err
			}
			_, err := binary.DecodeList(d, types.DecodeContractHeader)
			return err
		}, 5},
		{"MarloweSync", "MsgRollForward", func(d *binary.Decoder) error {
			if _, err := types.DecodeBlockHeader(d); err != nil {
				return err
			}
			_, err := binary.DecodeList(d, types.DecodeContractStep)
			return err
		}, 71},
		{"MarloweLoad", "MsgPushPay", func(d *binary.Decoder) error {
			for _, f := range []func(*binary.Decoder) error{
				func(d *binary.Decoder) error { _, err := types.DecodeParty(d); return err },
				func(d *binary.Decoder) error { _, err := types.DecodePayee(d); return err },
				func(d *binary.Decoder) error { _, err := types.DecodeToken(d); return err },
				func(d *binary.Decoder) error { _, err := types.DecodeValue(d); return err },
			} {
				if err := f(d); err != nil {
					return err
				}
			}
			return nil
		}, 3},
	}
	prefixes := 0
	for _, c := range cases {
		vs, err := golden.ParseFile(shared.Path(t, "protocol", "golden", c.file+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vs {
			if v.MessageName != c.msg || i%c.every != 0 {
				continue
			}
			body := v.Binary[1:]
			d := binary.NewDecoder(body)
			if err := c.body(d); err != nil || d.Remaining() != 0 {
				t.Fatalf("%s line %d: full payload: %v", c.file, v.Line, err)
			}
			for cut := 0; cut < len(body); cut++ {
				err := c.body(binary.NewDecoder(body[:cut]))
				if !binary.IsShort(err) {
					t.Fatalf("%s line %d cut at %d: %v, want a short error", c.file, v.Line, cut, err)
				}
				need, ok := binary.NeedMore(err)
				if !ok || need < 1 || cut+int(need) > len(body) {
					t.Fatalf("%s line %d cut at %d: Need %d is not a valid lower bound (%d bytes total)", c.file, v.Line, cut, need, len(body))
				}
				prefixes++
			}
		}
	}
	if prefixes < 10000 {
		t.Errorf("only %d prefixes checked", prefixes)
	}
	t.Logf("%d truncated prefixes all reported as short", prefixes)
}
