package binary

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func bigDec(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad number " + s)
	}
	return n
}

// specCase is one encoding example from wire-protocol.md, checked in both
// directions: encoding gives exactly hex, decoding hex consumes it exactly
// and re-encodes to it.
type specCase struct {
	name string // cites the spec section
	hex  string
	enc  func(e *Encoder)
	dec  func(d *Decoder) (any, error)
	want string // fmt of the decoded value
}

func TestSpecExamples(t *testing.T) {
	str := func(v any, err error) (any, error) { return v, err }
	cases := []specCase{
		{"§2 Word8", "ff", func(e *Encoder) { e.PutU8(0xff) }, func(d *Decoder) (any, error) { return str(d.U8()) }, "255"},
		{"§2 Word16 (TxIx 1)", "0001", func(e *Encoder) { e.PutU16(1) }, func(d *Decoder) (any, error) { return str(d.U16()) }, "1"},
		{"§2 Word32 (MarloweVersion)", "00000001", func(e *Encoder) { e.PutU32(1) }, func(d *Decoder) (any, error) { return str(d.U32()) }, "1"},
		{"§2 Word64 (SlotNo 1)", "0000000000000001", func(e *Encoder) { e.PutU64(1) }, func(d *Decoder) (any, error) { return str(d.U64()) }, "1"},
		{"§2 Int64 negative", "ffffffffffffffff", func(e *Encoder) { e.PutI64(-1) }, func(d *Decoder) (any, error) { return str(d.I64()) }, "-1"},
		{"§4.6 Int (MsgResume 1)", "0000000000000001", func(e *Encoder) { e.PutI64(1) }, func(d *Decoder) (any, error) { return str(d.I64()) }, "1"},
		{"§2 Int32", "80000000", func(e *Encoder) { e.PutI32(math.MinInt32) }, func(d *Decoder) (any, error) { return str(d.I32()) }, "-2147483648"},
		{"§2 Bool False", "00", func(e *Encoder) { e.PutBool(false) }, func(d *Decoder) (any, error) { return str(d.Bool()) }, "false"},
		{"§2 Bool True", "01", func(e *Encoder) { e.PutBool(true) }, func(d *Decoder) (any, error) { return str(d.Bool()) }, "true"},
		{"§2 Integer small (00 00000001)", "00 00000001", func(e *Encoder) { e.PutInteger(big.NewInt(1)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "1"},
		{"§2 Integer zero", "00 00000000", func(e *Encoder) { e.PutInteger(new(big.Int)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "0"},
		{"§2 Integer -1", "00 ffffffff", func(e *Encoder) { e.PutInteger(big.NewInt(-1)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "-1"},
		{"§2 Integer max int32 stays small", "00 7fffffff", func(e *Encoder) { e.PutInteger(big.NewInt(math.MaxInt32)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "2147483647"},
		{"§2 Integer min int32 stays small", "00 80000000", func(e *Encoder) { e.PutInteger(big.NewInt(math.MinInt32)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "-2147483648"},
		{"§2 Integer 2^31 big form", "01 01 0000000000000004 00000080", func(e *Encoder) { e.PutInteger(big.NewInt(1 << 31)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "2147483648"},
		{"§2 Integer -2^31-1 big form", "01 ff 0000000000000004 01000080", func(e *Encoder) { e.PutInteger(big.NewInt(-1<<31 - 1)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "-2147483649"},
		{"§2/§5.1 Integer 1e12 (UTCTime picoseconds)", "01 01 0000000000000005 0010a5d4e8", func(e *Encoder) { e.PutInteger(big.NewInt(1e12)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "1000000000000"},
		{"§2 Integer -1e12", "01 ff 0000000000000005 0010a5d4e8", func(e *Encoder) { e.PutInteger(big.NewInt(-1e12)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "-1000000000000"},
		{"§1.8 Integer 43200e12 (noon in ps)", "01 01 0000000000000007 00004cce2b7a99", func(e *Encoder) { e.PutInteger(big.NewInt(43200e12)) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "43200000000000000"},
		{"§2 Integer 2^64 (beyond int64)", "01 01 0000000000000009 000000000000000001", func(e *Encoder) { e.PutInteger(bigDec("18446744073709551616")) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "18446744073709551616"},
		{"§2 Integer min int64", "01 ff 0000000000000008 0000000000000080", func(e *Encoder) { e.PutInt64AsInteger(math.MinInt64) }, func(d *Decoder) (any, error) { return str(d.Integer()) }, "-9223372036854775808"},
		{"§4.8 Natural small (MsgDownload 1)", "00 0000000000000001", func(e *Encoder) { e.PutNatural(big.NewInt(1)) }, func(d *Decoder) (any, error) { return str(d.Natural()) }, "1"},
		{"§2 Natural 2^64-1 stays small", "00 ffffffffffffffff", func(e *Encoder) { e.PutNatural(new(big.Int).SetUint64(math.MaxUint64)) }, func(d *Decoder) (any, error) { return str(d.Natural()) }, "18446744073709551615"},
		{"§2 Natural 2^64 big form (no sign byte)", "01 0000000000000009 000000000000000001", func(e *Encoder) { e.PutNatural(bigDec("18446744073709551616")) }, func(d *Decoder) (any, error) { return str(d.Natural()) }, "18446744073709551616"},
		{"§2 ByteString \"a\" (TxId \"61\")", "0000000000000001 61", func(e *Encoder) { e.PutBytes([]byte("a")) }, func(d *Decoder) (any, error) { b, err := d.Bytes(); return string(b), err }, "a"},
		{"§2 ByteString empty", "0000000000000000", func(e *Encoder) { e.PutBytes(nil) }, func(d *Decoder) (any, error) { return str(d.BytesString()) }, ""},
		{"§2 Text byte count (é = 2 bytes)", "0000000000000002 c3a9", func(e *Encoder) { e.PutText("é") }, func(d *Decoder) (any, error) { return str(d.Text()) }, "é"},
		{"§2/§8.3 String character count (é = 1 char)", "0000000000000001 c3a9", func(e *Encoder) { e.PutCharString("é") }, func(d *Decoder) (any, error) { return str(d.CharString()) }, "é"},
		{"§2 String 4-byte char", "0000000000000002 f09f988061", func(e *Encoder) { e.PutCharString("😀a") }, func(d *Decoder) (any, error) { return str(d.CharString()) }, "😀a"},
		{"§1.4 handshake signature Text (156 bytes)",
			"000000000000009c" + hex.EncodeToString([]byte("MarloweRuntime MarloweSync MarloweHeaderSync MarloweBulkSync Query MarloweSyncRequest MarloweLoad MarloweTransfer Job MarloweTxCommand Query ContractRequest")),
			func(e *Encoder) {
				e.PutText("MarloweRuntime MarloweSync MarloweHeaderSync MarloweBulkSync Query MarloweSyncRequest MarloweLoad MarloweTransfer Job MarloweTxCommand Query ContractRequest")
			},
			func(d *Decoder) (any, error) { s, err := d.Text(); return len(s), err }, "156"},
		{"§2 Maybe Nothing", "00", func(e *Encoder) { EncodeMaybe(e, 0, false, (*Encoder).PutU8) }, func(d *Decoder) (any, error) { v, ok, err := DecodeMaybe(d, (*Decoder).U8); return [2]any{v, ok}, err }, "[0 false]"},
		{"§2 Maybe Just 7", "01 07", func(e *Encoder) { EncodeMaybe(e, 7, true, (*Encoder).PutU8) }, func(d *Decoder) (any, error) { v, ok, err := DecodeMaybe(d, (*Decoder).U8); return [2]any{v, ok}, err }, "[7 true]"},
		{"§2 Either Left", "00 0000000000000001 61", func(e *Encoder) {
			EncodeEither(e, Either[string, uint8]{Left: "a"}, (*Encoder).PutText, (*Encoder).PutU8)
		}, func(d *Decoder) (any, error) {
			x, err := DecodeEither(d, (*Decoder).Text, (*Decoder).U8)
			return x, err
		}, "{false a 0}"},
		{"§2 Either Right", "01 05", func(e *Encoder) {
			EncodeEither(e, Either[string, uint8]{IsRight: true, Right: 5}, (*Encoder).PutText, (*Encoder).PutU8)
		}, func(d *Decoder) (any, error) {
			x, err := DecodeEither(d, (*Decoder).Text, (*Decoder).U8)
			return x, err
		}, "{true  5}"},
		{"§2 list [1,2] of u16", "0000000000000002 0001 0002", func(e *Encoder) { EncodeList(e, []uint16{1, 2}, (*Encoder).PutU16) }, func(d *Decoder) (any, error) { return str(DecodeListMin(d, 2, (*Decoder).U16)) }, "[1 2]"},
		{"§2 list empty", "0000000000000000", func(e *Encoder) { EncodeList[uint16](e, nil, (*Encoder).PutU16) }, func(d *Decoder) (any, error) { return str(DecodeList(d, (*Decoder).U16)) }, "[]"},
		{"§2/§6.1 Set sorted ascending (ByteString Ord)", "0000000000000003 0000000000000000 0000000000000001 61 0000000000000001 62", func(e *Encoder) {
			EncodeSet(e, []string{"b", "", "a"}, strings.Compare, (*Encoder).PutBytesString)
		}, func(d *Decoder) (any, error) { return str(DecodeSet(d, strings.Compare, (*Decoder).BytesString)) }, "[ a b]"},
		{"§6.1 shorter prefix first", "0000000000000002 0000000000000001 61 0000000000000002 6100", func(e *Encoder) {
			EncodeSet(e, []string{"a\x00", "a"}, strings.Compare, (*Encoder).PutBytesString)
		}, func(d *Decoder) (any, error) {
			s, err := DecodeSet(d, strings.Compare, (*Decoder).BytesString)
			return len(s), err
		}, "2"},
		{"§4.8 Map (MsgUploaded {\"a\": \"\"})", "0000000000000001 0000000000000001 61 0000000000000000", func(e *Encoder) {
			EncodeMap(e, map[string]string{"a": ""}, strings.Compare, (*Encoder).PutText, (*Encoder).PutBytesString)
		}, func(d *Decoder) (any, error) {
			return str(DecodeMap(d, strings.Compare, (*Decoder).Text, (*Decoder).BytesString))
		}, "map[a:]"},
		{"§6.1 Map numeric keys ascending", "0000000000000002 0000000000000002 00 000000000000061c 01", func(e *Encoder) {
			EncodeMap(e, map[uint64]bool{1564: true, 2: false}, cmp.Compare[uint64], (*Encoder).PutU64, (*Encoder).PutBool)
		}, func(d *Decoder) (any, error) {
			return str(DecodeMap(d, cmp.Compare[uint64], (*Decoder).U64, (*Decoder).Bool))
		}, "map[2:false 1564:true]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.hex)
			e := NewEncoder(nil)
			tc.enc(e)
			got, err := e.Result()
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if hex.EncodeToString(got) != hex.EncodeToString(want) {
				t.Fatalf("encode = %x, want %x", got, want)
			}
			d := NewDecoder(want)
			v, err := tc.dec(d)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if err := d.Finish(); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if s := fmtAny(v); s != tc.want {
				t.Errorf("decoded %s, want %s", s, tc.want)
			}
		})
	}
}

func fmtAny(v any) string { return fmt.Sprint(v) }
