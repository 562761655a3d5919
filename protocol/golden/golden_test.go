package golden

import (
	"bytes"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Vector
		wantErr string
	}{
		{
			name: "two vectors with final newline",
			in:   "Show: MsgCancel\nBinary: 08\nShow: MsgIntersectFound (BlockHeader 1)\nBinary: 09ff\n",
			want: []Vector{
				{Line: 1, Show: "MsgCancel", Binary: []byte{0x08}, MessageName: "MsgCancel"},
				{Line: 3, Show: "MsgIntersectFound (BlockHeader 1)", Binary: []byte{0x09, 0xff}, MessageName: "MsgIntersectFound"},
			},
		},
		{
			name: "no final newline, CRLF, trailing blank lines",
			in:   "Show: MsgDone\r\nBinary: 03\r\n\n\n",
			want: []Vector{{Line: 1, Show: "MsgDone", Binary: []byte{0x03}, MessageName: "MsgDone"}},
		},
		{
			name: "empty binary",
			in:   "Show: MsgX\nBinary: ",
			want: []Vector{{Line: 1, Show: "MsgX", Binary: []byte{}, MessageName: "MsgX"}},
		},
		{name: "empty file", in: "", want: nil},
		{name: "bad hex", in: "Show: MsgX\nBinary: 0g\n", wantErr: "line 2: invalid hex"},
		{name: "odd hex", in: "Show: MsgX\nBinary: 012\n", wantErr: "line 2: invalid hex"},
		{name: "binary first", in: "Binary: 00\n", wantErr: "line 1: Binary line without a preceding Show line"},
		{name: "two shows", in: "Show: A\nShow: B\nBinary: 00\n", wantErr: "line 2: Show line follows"},
		{name: "dangling show", in: "Show: A\nBinary: 00\nShow: B\n", wantErr: "line 3: Show line has no Binary line"},
		{name: "garbage", in: "Show: A\nBinary: 00\nfoo\n", wantErr: "line 3: expected"},
		{name: "blank inside", in: "Show: A\nBinary: 00\n\nShow: B\nBinary: 00\n", wantErr: "line 4: blank line inside the file (line 3)"},
		{name: "empty show", in: "Show: \nBinary: 00\n", wantErr: "line 1: empty Show line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d vectors, want %d", len(got), len(tc.want))
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.Line != w.Line || g.Show != w.Show || g.MessageName != w.MessageName || !bytes.Equal(g.Binary, w.Binary) {
					t.Errorf("vector %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

// TestSharedGoldenFiles checks the vector counts of wire-protocol.md §7.
func TestSharedGoldenFiles(t *testing.T) {
	counts := map[string]int{
		"MarloweSync":       1240,
		"MarloweHeaderSync": 43,
		"MarloweBulkSync":   1245,
		"MarloweLoad":       250,
		"MarloweTransfer":   833,
		"ChainSeek":         347,
		"ChainSeekQuery":    82,
	}
	for name, want := range counts {
		vs, err := ParseFile(shared.Path(t, "protocol", "golden", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != want {
			t.Errorf("%s: %d vectors, want %d", name, len(vs), want)
		}
		for _, v := range vs {
			if !strings.HasPrefix(v.MessageName, "Msg") {
				t.Errorf("%s line %d: message name %q", name, v.Line, v.MessageName)
			}
		}
	}
}
