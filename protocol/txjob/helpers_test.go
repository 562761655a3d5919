package txjob_test

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
)

// TestParseURI checks the split into network-uri's parts (§5.5 URI,
// URIAuth: the parts keep their delimiters) and that String reassembles the
// original text.
func TestParseURI(t *testing.T) {
	tests := []struct {
		in   string
		want txjob.URI
	}{
		{"ipfs://QmHash", txjob.URI{Scheme: "ipfs:", Authority: &txjob.URIAuth{RegName: "QmHash"}}},
		{"https://user@example.com:8080/a/b?x=1#frag", txjob.URI{Scheme: "https:",
			Authority: &txjob.URIAuth{UserInfo: "user@", RegName: "example.com", Port: ":8080"},
			Path:      "/a/b", Query: "?x=1", Fragment: "#frag"}},
		{"http://[::1]/x", txjob.URI{Scheme: "http:", Authority: &txjob.URIAuth{RegName: "[::1]"}, Path: "/x"}},
		{"http://[::1]:80", txjob.URI{Scheme: "http:", Authority: &txjob.URIAuth{RegName: "[::1]", Port: ":80"}}},
		{"urn:isbn:0451450523", txjob.URI{Scheme: "urn:", Path: "isbn:0451450523"}},
		{"data:image/png;base64,AAAA", txjob.URI{Scheme: "data:", Path: "image/png;base64,AAAA"}},
	}
	for _, tc := range tests {
		got, err := txjob.ParseURI(tc.in)
		if err != nil {
			t.Fatalf("ParseURI(%q): %v", tc.in, err)
		}
		if got.Scheme != tc.want.Scheme || got.Path != tc.want.Path || got.Query != tc.want.Query || got.Fragment != tc.want.Fragment ||
			(got.Authority == nil) != (tc.want.Authority == nil) || (got.Authority != nil && *got.Authority != *tc.want.Authority) {
			t.Errorf("ParseURI(%q) = %+v %+v, want %+v %+v", tc.in, got, got.Authority, tc.want, tc.want.Authority)
		}
		if got.String() != tc.in {
			t.Errorf("String() = %q, want %q", got.String(), tc.in)
		}
	}
	for _, bad := range []string{"", "noscheme", "/relative/path", "1http://x", ":x"} {
		if _, err := txjob.ParseURI(bad); err == nil {
			t.Errorf("ParseURI(%q) succeeded", bad)
		}
	}
}

// TestMediaTypeValid checks the media type shape the Haskell decoder
// (http-media fromString) needs (§5.5 MediaType).
func TestMediaTypeValid(t *testing.T) {
	good := []txjob.MediaType{"image/png", "text/plain;charset=utf-8", "text/plain; charset=utf-8", "*/*", "application/vnd.a+json"}
	bad := []txjob.MediaType{"", "png", "image/", "/png", "*/png", "a/b/c", "text/plain;charset", "text/plain;=x", "te xt/plain"}
	for _, m := range good {
		if err := m.Valid(); err != nil {
			t.Errorf("%q: %v", m, err)
		}
	}
	for _, m := range bad {
		if err := m.Valid(); err == nil {
			t.Errorf("%q accepted", m)
		}
	}
}

// TestTags checks the command tags of §4.5: five kinds in wire order, only
// Submit without a version and with a status.
func TestTags(t *testing.T) {
	want := []string{"TagCreate MarloweV1", "TagApplyInputs MarloweV1", "TagWithdraw MarloweV1", "TagSubmit", "TagBurnRoleTokens MarloweV1"}
	tags := txjob.Tags()
	if len(tags) != len(want) {
		t.Fatalf("%d tags", len(tags))
	}
	for i, tag := range tags {
		if tag.String() != want[i] || uint8(tag.Kind) != uint8(i+1) {
			t.Errorf("tag %d = %s (%d)", i, tag, tag.Kind)
		}
	}
	if (txjob.Codec{}).Family() != "MarloweTxCommand" || txjob.Signature != "Job MarloweTxCommand" {
		t.Error("family or signature")
	}
	if s := (txjob.Tag{Kind: txjob.KindCreate, Version: 2}).String(); s != "TagCreate MarloweVersion(2)" {
		t.Errorf("tag with unknown version: %s", s)
	}
}
