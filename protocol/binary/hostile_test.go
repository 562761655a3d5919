package binary

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestHostileInput feeds malformed and truncated encodings to the decoders
// and checks the error class (short vs malformed), the reported offset, the
// shortfall and the message.
func TestHostileInput(t *testing.T) {
	bytesDec := func(d *Decoder) error { _, err := d.Bytes(); return err }
	textDec := func(d *Decoder) error { _, err := d.Text(); return err }
	strDec := func(d *Decoder) error { _, err := d.CharString(); return err }
	intDec := func(d *Decoder) error { _, err := d.Integer(); return err }
	natDec := func(d *Decoder) error { _, err := d.Natural(); return err }
	listU8 := func(d *Decoder) error { _, err := DecodeList(d, (*Decoder).U8); return err }
	listU64 := func(d *Decoder) error { _, err := DecodeListMin(d, 8, (*Decoder).U64); return err }
	listUnit := func(d *Decoder) error {
		_, err := DecodeListMin(d, 0, func(*Decoder) (struct{}, error) { return struct{}{}, nil })
		return err
	}
	setText := func(d *Decoder) error { _, err := DecodeSet(d, strings.Compare, (*Decoder).Text); return err }
	mapU64 := func(d *Decoder) error {
		_, err := DecodeMap(d, cmp.Compare[uint64], (*Decoder).U64, (*Decoder).Bool)
		return err
	}
	maybeU8 := func(d *Decoder) error { _, _, err := DecodeMaybe(d, (*Decoder).U8); return err }
	eitherU8 := func(d *Decoder) error { _, err := DecodeEither(d, (*Decoder).U8, (*Decoder).U8); return err }
	boolDec := func(d *Decoder) error { _, err := d.Bool(); return err }
	tagDec := func(d *Decoder) error { _, err := d.Tag("Contract", 6); return err }
	u64Dec := func(d *Decoder) error { _, err := d.U64(); return err }

	tests := []struct {
		name   string
		hex    string
		dec    func(*Decoder) error
		short  bool
		offset int
		need   int64 // checked for short errors
		msg    string
	}{
		{"huge ByteString length", "7fffffffffffffff 61", bytesDec, true, 0, 0x7fffffffffffffff - 1, "length 9223372036854775807 exceeds remaining 1 bytes"},
		{"ByteString length one too many", "0000000000000003 6162", bytesDec, true, 0, 1, "length 3 exceeds remaining 2 bytes"},
		{"negative ByteString length", "ffffffffffffffff", bytesDec, false, 0, 0, "negative length -1"},
		{"min int64 length", "8000000000000000", bytesDec, false, 0, 0, "negative length -9223372036854775808"},
		{"truncated length prefix", "000000", bytesDec, true, 0, 5, "need 8 bytes, have 3"},
		{"empty input", "", u64Dec, true, 0, 8, "need 8 bytes, have 0"},
		{"huge Text length", "00ffffffffffffff", textDec, true, 0, 0x00ffffffffffffff, "length 72057594037927935 exceeds remaining 0 bytes"},
		{"invalid UTF-8 Text", "0000000000000002 c328", textDec, false, 0, 0, "Text is not valid UTF-8"},
		{"surrogate in Text", "0000000000000003 eda080", textDec, false, 0, 0, "Text is not valid UTF-8"},
		{"overlong in Text", "0000000000000002 c0af", textDec, false, 0, 0, "Text is not valid UTF-8"},
		{"String count exceeds bytes", "0000000000000005 6162", strDec, true, 0, 3, "length 5 exceeds remaining 2 bytes"},
		{"String multibyte char truncated", "0000000000000001 c3", strDec, true, 8, 1, "String character 0 is truncated"},
		{"String runs out after multibyte chars", "0000000000000003 c3a9 61", strDec, true, 11, 1, "String ends after 2 of 3 characters"},
		{"String invalid continuation", "0000000000000001 c341", strDec, false, 8, 0, "String character 0 is not valid UTF-8"},
		{"String surrogate", "0000000000000001 eda080", strDec, false, 8, 0, "String character 0 is not valid UTF-8"},
		{"negative String count", "fffffffffffffffe", strDec, false, 0, 0, "negative length -2"},
		{"bad Bool byte", "02", boolDec, false, 0, 0, "invalid Bool byte 0x02"},
		{"bad Bool ff", "ff", boolDec, false, 0, 0, "invalid Bool byte 0xff"},
		{"constructor tag out of range", "06", tagDec, false, 0, 0, "unknown Contract constructor tag 6 (want < 6)"},
		{"Maybe tag 2", "02 00", maybeU8, false, 0, 0, "invalid Maybe tag 0x02"},
		{"Either tag 2", "02 00", eitherU8, false, 0, 0, "invalid Either tag 0x02"},
		{"Integer truncated small form", "00 0000", intDec, true, 1, 2, "need 4 bytes, have 2"},
		{"Integer bad tag", "02 00000001", intDec, false, 0, 0, "invalid Integer tag 0x02"},
		{"Integer bad sign", "01 02 0000000000000005 0010a5d4e8", intDec, false, 1, 0, "invalid Integer sign byte 0x02"},
		{"Integer big form for small value", "01 01 0000000000000001 05", intDec, false, 0, 0, "non-canonical Integer: 5 in big form"},
		{"Integer big form for zero", "01 01 0000000000000000", intDec, false, 0, 0, "non-canonical Integer: 0 in big form"},
		{"Integer magnitude with high zero byte", "01 01 0000000000000006 0010a5d4e800", intDec, false, 2, 0, "most significant byte is zero"},
		{"Integer huge magnitude length", "01 01 7fffffffffffffff", intDec, true, 2, 0x7fffffffffffffff, "length 9223372036854775807 exceeds remaining 0 bytes"},
		{"Integer negative magnitude length", "01 ff ffffffffffffffff", intDec, false, 2, 0, "negative length -1"},
		{"Natural big form for small value", "01 0000000000000001 05", natDec, false, 0, 0, "non-canonical Natural: 5 in big form"},
		{"Natural bad tag", "05", natDec, false, 0, 0, "invalid Natural tag 0x05"},
		{"huge list count", "7fffffffffffffff 01", listU8, true, 0, 0x7fffffffffffffff - 1, "length 9223372036854775807 exceeds remaining 1 bytes"},
		{"list count vs element size", "0000000000000002 0000000000000001", listU64, true, 0, 8, "count 2 of 8-byte elements exceeds remaining 8 bytes"},
		{"list count overflow saturates", "4000000000000000", listU64, true, 0, 0x7fffffffffffffff, "count 4611686018427387904 of 8-byte elements exceeds remaining 0 bytes"},
		{"negative list count", "ffffffffffffff00", listU8, false, 0, 0, "negative length -256"},
		{"truncated list element", "0000000000000002 01", listU8, true, 0, 1, "length 2 exceeds remaining 1 bytes"},
		{"zero-size list over cap", "0000000000010001", listUnit, false, 0, 0, "count 65537 of zero-size elements exceeds the limit 65536"},
		{"Set misordered", "0000000000000002 0000000000000001 62 0000000000000001 61", setText, false, 17, 0, "Set element 1 is not greater than its predecessor"},
		{"Set duplicate", "0000000000000002 0000000000000001 61 0000000000000001 61", setText, false, 17, 0, "Set element 1 is not greater than its predecessor"},
		{"Map misordered keys", "0000000000000002 0000000000000002 00 0000000000000001 01", mapU64, false, 17, 0, "Map key 1 is not greater than its predecessor"},
		{"Map duplicate keys", "0000000000000002 0000000000000001 00 0000000000000001 01", mapU64, false, 17, 0, "Map key 1 is not greater than its predecessor"},
		{"Map truncated value", "0000000000000001 0000000000000001", mapU64, true, 16, 1, "[0].value: at offset 16: need 1 bytes, have 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(unhex(t, tc.hex))
			err := tc.dec(d)
			if err == nil {
				t.Fatal("decoded without error")
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", err, tc.msg)
			}
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("error %v is not a *binary.Error", err)
			}
			if be.Offset != tc.offset {
				t.Errorf("offset %d, want %d", be.Offset, tc.offset)
			}
			if got := IsShort(err); got != tc.short {
				t.Errorf("IsShort = %v, want %v", got, tc.short)
			}
			if errors.Is(err, io.ErrUnexpectedEOF) == errors.Is(err, ErrMalformed) {
				t.Errorf("error must be exactly one of short or malformed")
			}
			if tc.short {
				need, ok := NeedMore(err)
				if !ok || need != tc.need {
					t.Errorf("NeedMore = %d, %v; want %d", need, ok, tc.need)
				}
			}
		})
	}
}

// TestTruncationIsShort cuts valid encodings at every position: each prefix
// must fail as short (never malformed), and appending the rest — or at least
// Need bytes of it — must be what lets it progress.
func TestTruncationIsShort(t *testing.T) {
	e := NewEncoder(nil)
	e.PutInteger(bigDec("-123456789012345678901234567890"))
	e.PutText("héllo")
	e.PutCharString("wörld😀")
	EncodeList(e, []uint64{1, 2, 3}, (*Encoder).PutU64)
	EncodeSet(e, []string{"x", "y"}, strings.Compare, (*Encoder).PutText)
	EncodeMaybe(e, big.NewInt(1<<40), true, (*Encoder).PutInteger)
	e.PutNatural(bigDec("123456789012345678901234567890"))
	full, err := e.Result()
	if err != nil {
		t.Fatal(err)
	}
	decodeAll := func(b []byte) error {
		d := NewDecoder(b)
		if _, err := d.Integer(); err != nil {
			return err
		}
		if _, err := d.Text(); err != nil {
			return err
		}
		if _, err := d.CharString(); err != nil {
			return err
		}
		if _, err := DecodeListMin(d, 8, (*Decoder).U64); err != nil {
			return err
		}
		if _, err := DecodeSet(d, strings.Compare, (*Decoder).Text); err != nil {
			return err
		}
		if _, _, err := DecodeMaybe(d, (*Decoder).Integer); err != nil {
			return err
		}
		if _, err := d.Natural(); err != nil {
			return err
		}
		return d.Finish()
	}
	if err := decodeAll(full); err != nil {
		t.Fatalf("full input: %v", err)
	}
	for cut := 0; cut < len(full); cut++ {
		err := decodeAll(full[:cut])
		if !IsShort(err) {
			t.Fatalf("prefix of %d bytes: %v, want a short error", cut, err)
		}
		need, _ := NeedMore(err)
		if need < 1 || int64(cut)+need > int64(len(full)) {
			t.Fatalf("prefix of %d bytes: Need %d is not a valid lower bound (full length %d)", cut, need, len(full))
		}
	}
}

func TestDepthBound(t *testing.T) {
	// A toy recursive type: 01 child | 00 leaf.
	var nest func(d *Decoder) (int, error)
	nest = func(d *Decoder) (int, error) {
		if err := d.Enter(); err != nil {
			return 0, err
		}
		defer d.Leave()
		t, err := d.Tag("Nest", 2)
		if err != nil {
			return 0, err
		}
		if t == 0 {
			return 0, nil
		}
		n, err := nest(d)
		if err != nil {
			return 0, Wrap(err, "child")
		}
		return n + 1, nil
	}
	in := append(bytes.Repeat([]byte{1}, 100), 0)
	d := NewDecoder(in)
	d.SetMaxDepth(101)
	if n, err := nest(d); err != nil || n != 100 {
		t.Fatalf("depth 100 under bound 101: %d, %v", n, err)
	}
	d = NewDecoder(in)
	d.SetMaxDepth(100)
	_, err := nest(d)
	if err == nil || !strings.Contains(err.Error(), "nesting deeper than 100 levels") || IsShort(err) {
		t.Fatalf("depth 101 over bound 100: %v", err)
	}
	// The default bound, with an error path as long as the bound: the
	// message is built once (linear), not at every level.
	deep := append(bytes.Repeat([]byte{1}, DefaultMaxDepth+5), 0)
	_, err = nest(NewDecoder(deep))
	if err == nil || !strings.Contains(err.Error(), "nesting deeper than 10000 levels") {
		t.Fatalf("default bound: %v", err)
	}
	if got := strings.Count(err.Error(), "child: "); got != DefaultMaxDepth {
		t.Errorf("path has %d segments, want %d", got, DefaultMaxDepth)
	}

	e := NewEncoder(nil)
	e.SetMaxDepth(3)
	for i := 0; i < 3; i++ {
		if !e.Enter() {
			t.Fatalf("Enter %d refused under bound", i)
		}
	}
	if e.Enter() || e.Err() == nil {
		t.Fatal("encoder accepted nesting past its bound")
	}
}

func TestEncoderErrors(t *testing.T) {
	tests := []struct {
		name string
		enc  func(e *Encoder)
		msg  string
	}{
		{"nil Integer", func(e *Encoder) { e.PutInteger(nil) }, "encode Integer: nil value"},
		{"nil Natural", func(e *Encoder) { e.PutNatural(nil) }, "encode Natural: nil value"},
		{"negative Natural", func(e *Encoder) { e.PutNatural(big.NewInt(-1)) }, "encode Natural: negative value -1"},
		{"invalid UTF-8 Text", func(e *Encoder) { e.PutText("\xff") }, "is not valid UTF-8"},
		{"invalid UTF-8 String", func(e *Encoder) { e.PutCharString("a\xc3") }, "is not valid UTF-8"},
		{"duplicate Set element", func(e *Encoder) {
			EncodeSet(e, []string{"a", "b", "a"}, strings.Compare, (*Encoder).PutText)
		}, "duplicate element"},
		{"duplicate Map pair key", func(e *Encoder) {
			EncodeMapPairs(e, []Pair[string, bool]{{"a", true}, {"a", false}}, strings.Compare, (*Encoder).PutText, (*Encoder).PutBool)
		}, "duplicate key"},
		{"Map keys equal under cmp", func(e *Encoder) {
			EncodeMap(e, map[string]bool{"a": true, "A": false}, func(a, b string) int {
				return strings.Compare(strings.ToLower(a), strings.ToLower(b))
			}, (*Encoder).PutText, (*Encoder).PutBool)
		}, "compare equal"},
		{"first error wins", func(e *Encoder) {
			e.PutInteger(nil)
			e.PutText("\xff")
		}, "encode Integer: nil value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEncoder(nil)
			tc.enc(e)
			_, err := e.Result()
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want containing %q", err, tc.msg)
			}
		})
	}
}

// TestPropertyRoundTrip encodes random values (fixed seed) and checks that
// decoding gives them back and consumes every byte.
func TestPropertyRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1564, 3700))
	randBig := func() *big.Int {
		switch rng.IntN(4) {
		case 0: // around the Int32 boundary
			return big.NewInt(int64(rng.Int32()) + int64(rng.IntN(5)) - 2 + int64(rng.IntN(2))*(1<<31))
		case 1:
			return big.NewInt(rng.Int64() - rng.Int64())
		default: // up to ~400 bits, either sign
			b := make([]byte, rng.IntN(50))
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			n := new(big.Int).SetBytes(b)
			if rng.IntN(2) == 0 {
				n.Neg(n)
			}
			return n
		}
	}
	randString := func() string {
		alphabet := []rune("aZ0 éß€😀\u07ff\u0800\U0010ffff")
		r := make([]rune, rng.IntN(20))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	for i := 0; i < 2000; i++ {
		n := randBig()
		nat := new(big.Int).Abs(randBig())
		txt := randString()
		str := randString()
		raw := []byte(randString())
		list := make([]int64, rng.IntN(5))
		for j := range list {
			list[j] = rng.Int64()
		}
		set := make([]string, rng.IntN(6))
		for j := range set {
			set[j] = randString()
		}
		e := NewEncoder(nil)
		e.PutInteger(n)
		e.PutNatural(nat)
		e.PutText(txt)
		e.PutCharString(str)
		e.PutBytes(raw)
		EncodeList(e, list, (*Encoder).PutI64)
		e.PutInt64AsInteger(list0(list))
		dedup := map[string]bool{}
		var uniq []string
		for _, s := range set {
			if !dedup[s] {
				dedup[s] = true
				uniq = append(uniq, s)
			}
		}
		EncodeSet(e, uniq, strings.Compare, (*Encoder).PutText)
		buf, err := e.Result()
		if err != nil {
			t.Fatalf("case %d: encode: %v", i, err)
		}
		d := NewDecoder(buf)
		gn, err1 := d.Integer()
		gnat, err2 := d.Natural()
		gtxt, err3 := d.Text()
		gstr, err4 := d.CharString()
		graw, err5 := d.Bytes()
		glist, err6 := DecodeListMin(d, 8, (*Decoder).I64)
		gl0, err7 := d.Integer()
		gset, err8 := DecodeSet(d, strings.Compare, (*Decoder).Text)
		if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8, d.Finish()); err != nil {
			t.Fatalf("case %d: decode: %v", i, err)
		}
		if gn.Cmp(n) != 0 || gnat.Cmp(nat) != 0 || gtxt != txt || gstr != str || !bytes.Equal(graw, raw) ||
			len(glist) != len(list) || gl0.Int64() != list0(list) || len(gset) != len(uniq) {
			t.Fatalf("case %d: mismatch", i)
		}
		for j := range list {
			if glist[j] != list[j] {
				t.Fatalf("case %d: list[%d] mismatch", i, j)
			}
		}
		for j := 1; j < len(gset); j++ {
			if gset[j-1] >= gset[j] {
				t.Fatalf("case %d: set not ascending", i)
			}
		}
		// Re-encoding what was decoded reproduces the bytes.
		e2 := NewEncoder(nil)
		e2.PutInteger(gn)
		e2.PutNatural(gnat)
		e2.PutText(gtxt)
		e2.PutCharString(gstr)
		e2.PutBytes(graw)
		EncodeList(e2, glist, (*Encoder).PutI64)
		e2.PutInteger(gl0)
		EncodeSet(e2, gset, strings.Compare, (*Encoder).PutText)
		if !bytes.Equal(e2.Bytes(), buf) {
			t.Fatalf("case %d: re-encoding differs", i)
		}
	}
}

func list0(xs []int64) int64 {
	if len(xs) == 0 {
		return -1 << 40
	}
	return xs[0]
}
