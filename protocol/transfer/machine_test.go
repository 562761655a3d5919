package transfer

import (
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

type step struct {
	by      session.Agency
	msg     session.Message
	state   string
	wantErr error
}

// TestReplay walks sessions through the machine (§4.8 state table): every
// accepted message also crosses the codec in its state, and messages from
// the wrong side or for another state are refused without moving it.
func TestReplay(t *testing.T) {
	c, s := session.Client, session.Server
	bundle := object.ObjectBundle{{Label: "c", Object: object.Close{}}}
	tests := []struct {
		name  string
		steps []step
	}{
		{"import then done", []step{
			{s, MsgStartExport{}, "", session.ErrNoAgency},
			{c, MsgUpload{Bundle: bundle}, "", session.ErrUnexpectedMessage},
			{c, MsgStartImport{}, "StCanUpload", nil},
			{c, MsgDone{}, "", session.ErrUnexpectedMessage},
			{c, MsgUpload{Bundle: bundle}, "StUpload", nil},
			{c, MsgImported{}, "", session.ErrNoAgency},
			{s, MsgDownloaded{}, "", session.ErrUnexpectedMessage},
			{s, MsgUploaded{Hashes: map[object.Label]types.DatumHash{"c": "h"}}, "StCanUpload", nil},
			{c, MsgUpload{Bundle: nil}, "StUpload", nil},
			{s, MsgUploadFailed{Err: object.ImportError{Kind: object.ContinuationNotInStore, Hash: "h"}}, "StIdle", nil},
			{c, MsgStartImport{}, "StCanUpload", nil},
			{c, MsgImported{}, "StIdle", nil},
			{c, MsgDone{}, "StDone", nil},
			{c, MsgDone{}, "", session.ErrNoAgency},
			{s, MsgExported{}, "", session.ErrNoAgency},
		}},
		{"export", []step{
			{c, MsgRequestExport{Hash: "a"}, "StExport", nil},
			{c, MsgCancel{}, "", session.ErrNoAgency},
			{s, MsgContractNotFound{}, "StIdle", nil},
			{c, MsgRequestExport{Hash: "a"}, "StExport", nil},
			{s, MsgExported{}, "", session.ErrUnexpectedMessage},
			{s, MsgStartExport{}, "StCanDownload", nil},
			{c, MsgImported{}, "", session.ErrUnexpectedMessage},
			{c, MsgDownload{N: big.NewInt(2)}, "StDownload", nil},
			{s, MsgDownloaded{Bundle: bundle}, "StCanDownload", nil},
			{c, MsgDownload{N: new(big.Int).Lsh(big.NewInt(1), 80)}, "StDownload", nil},
			{s, MsgExported{}, "StIdle", nil},
			{c, MsgRequestExport{Hash: "a"}, "StExport", nil},
			{s, MsgStartExport{}, "StCanDownload", nil},
			{c, MsgCancel{}, "StIdle", nil},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMachine()
			for i, st := range tc.steps {
				before := m.State()
				if st.wantErr == nil {
					cp := *m
					b, err := session.EncodeMessage(&cp, st.msg)
					if err != nil {
						t.Fatalf("step %d %s: encode: %v", i, st.msg.MessageName(), err)
					}
					back, err := session.DecodeMessage(&cp, b)
					if err != nil || back.MessageName() != st.msg.MessageName() {
						t.Fatalf("step %d %s: decode %x: %v", i, st.msg.MessageName(), b, err)
					}
				}
				err := m.Step(st.by, st.msg)
				if st.wantErr != nil {
					if !errors.Is(err, st.wantErr) {
						t.Fatalf("step %d %s in %s: error %v, want %v", i, st.msg.MessageName(), before, err, st.wantErr)
					}
					if m.State() != before {
						t.Fatalf("step %d: refused message moved the state", i)
					}
					continue
				}
				if err != nil || m.State() != st.state {
					t.Fatalf("step %d %s: state %s err %v, want %s", i, st.msg.MessageName(), m.State(), err, st.state)
				}
			}
		})
	}
}

// TestTagsPerState checks §4.8's rule that tags restart at 0 in every
// state: the same byte means a different message in each state, and tags
// beyond a state's messages are refused.
func TestTagsPerState(t *testing.T) {
	want := map[state][]string{
		stIdle:        {"MsgStartImport", "", "MsgDone"}, // 01 needs a hash
		stExport:      {"MsgStartExport", "MsgContractNotFound"},
		stCanUpload:   {"", "MsgImported"},
		stUpload:      {"", ""},
		stCanDownload: {"", "MsgCancel"},
		stDownload:    {"", "MsgExported"},
	}
	for st, names := range want {
		m := machineAt(st)
		for tag, name := range names {
			msg, err := session.DecodeMessage(m, []byte{byte(tag)})
			if name == "" {
				if !binary.IsShort(err) {
					t.Errorf("%s tag %d alone: %v, want short (fields follow)", st, tag, err)
				}
				continue
			}
			if err != nil || msg.MessageName() != name {
				t.Errorf("%s tag %d: %v %v, want %s", st, tag, msg, err, name)
			}
		}
		_, err := session.DecodeMessage(m, []byte{byte(len(names))})
		if !errors.Is(err, binary.ErrMalformed) || binary.IsShort(err) || errors.Is(err, session.ErrUnexpectedMessage) ||
			!strings.Contains(err.Error(), "invalid message tag") {
			t.Errorf("%s tag %d: %v, want invalid tag", st, len(names), err)
		}
	}
	if _, err := session.DecodeMessage(machineAt(stDone), []byte{0}); !errors.Is(err, session.ErrNoAgency) {
		t.Errorf("decode in StDone: %v", err)
	}
}

// TestSpecVectors encodes the §4.8 examples by hand.
func TestSpecVectors(t *testing.T) {
	for _, tc := range []struct {
		st  state
		msg session.Message
		hex string
	}{
		{stIdle, MsgStartImport{}, "00"},
		{stIdle, MsgRequestExport{Hash: "a"}, "01 0000000000000001 61"},
		{stIdle, MsgDone{}, "02"},
		{stCanDownload, MsgDownload{N: big.NewInt(1)}, "00 00 0000000000000001"},
		{stCanDownload, MsgDownload{N: new(big.Int).Lsh(big.NewInt(1), 64)}, "00 01 0000000000000009 000000000000000001"},
		{stUpload, MsgUploaded{Hashes: map[object.Label]types.DatumHash{"a": ""}}, "00 0000000000000001 0000000000000001 61 0000000000000000"},
		{stUpload, MsgUploaded{Hashes: map[object.Label]types.DatumHash{"b": "2", "a": "1", "é": "3"}},
			"00 0000000000000003 0000000000000001 61 0000000000000001 31 0000000000000001 62 0000000000000001 32 0000000000000002 c3a9 0000000000000001 33"},
		{stUpload, MsgUploadFailed{Err: object.ImportError{Kind: object.ContinuationNotInStore, Hash: "a"}}, "01 00 0000000000000001 61"},
		{stUpload, MsgUploadFailed{Err: object.ImportError{Kind: object.ImportLinkError, Link: object.LinkError{
			Kind: object.TypeMismatch, Expected: object.ValueType, Actual: object.ActionType}}}, "01 01 02 00 05"},
		{stCanUpload, MsgUpload{Bundle: object.ObjectBundle{{Label: "", Object: object.ActionRef{Label: "a"}}}},
			"00 0000000000000001 0000000000000000 05 03 0000000000000001 61"},
		{stDownload, MsgExported{}, "01"},
	} {
		t.Run(tc.msg.MessageName(), func(t *testing.T) {
			m := machineAt(tc.st)
			got, err := session.EncodeMessage(m, tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(tc.hex, " ", "")
			if hex.EncodeToString(got) != want {
				t.Fatalf("encode = %x, want %s", got, want)
			}
			if _, err := session.DecodeMessage(m, got); err != nil {
				t.Fatal(err)
			}
		})
	}
	// A Map decoded out of key order is refused (Haskell trusts the order).
	m := machineAt(stUpload)
	bad, _ := hex.DecodeString("00" + "0000000000000002" + "0000000000000001" + "62" + "0000000000000000" + "0000000000000001" + "61" + "0000000000000000")
	if _, err := session.DecodeMessage(m, bad); err == nil || !strings.Contains(err.Error(), "ascending") {
		t.Fatalf("unordered map: %v", err)
	}
	if _, err := session.EncodeMessage(m, MsgDownload{N: big.NewInt(-1)}); !errors.Is(err, session.ErrUnexpectedMessage) {
		t.Fatalf("MsgDownload in StUpload: %v", err)
	}
	if _, err := session.EncodeMessage(machineAt(stCanDownload), MsgDownload{N: big.NewInt(-1)}); err == nil {
		t.Fatal("negative Natural encoded")
	}
}
