package txjob

import (
	"cmp"
	"fmt"
	"math/big"
	"strings"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// ---------------------------------------------------------------------------
// RoleTokensConfig (wire-protocol.md §5.5, custom Binary instance)

// RoleTokensConfig says how a Create sets up role tokens: RoleTokensNone,
// RoleTokensUsePolicy or RoleTokensMint.
//
// Haskell builds these values only through smart constructors that
// normalise them (a UsePolicy with an empty policy id becomes None,
// non-positive quantities and empty recipient maps are dropped, a Mint left
// empty becomes None), and its decoder normalises too. So no Haskell peer
// ever sends a value outside that normal form; the codec rejects such values
// in both directions, which keeps every successful decode byte-identical on
// re-encoding.
type RoleTokensConfig interface{ isRoleTokensConfig() }

// RoleTokensNone: the contract has no role tokens.
type RoleTokensNone struct{}

// RoleTokensUsePolicy: role tokens of an existing policy, with the initial
// distribution of each token name to destinations.
type RoleTokensUsePolicy struct {
	Policy       types.PolicyId
	Distribution map[types.TokenName]map[Destination]*big.Int
}

// RoleTokensMint: mint the role tokens described by Mint.
type RoleTokensMint struct {
	Mint Mint
}

func (RoleTokensNone) isRoleTokensConfig()      {}
func (RoleTokensUsePolicy) isRoleTokensConfig() {}
func (RoleTokensMint) isRoleTokensConfig()      {}

// Mint is a non-empty mint request: per role token name, its metadata and
// recipients.
type Mint map[types.TokenName]MintRole

// MintRole is one role token to mint.
type MintRole struct {
	// Metadata is the token's CIP-25 metadata (nil: none).
	Metadata *RoleTokenMetadata
	// Recipients is non-empty, with positive quantities.
	Recipients map[Destination]*big.Int
}

// DestinationKind is a Destination constructor.
type DestinationKind uint8

// The Destination constructors in wire order.
const (
	ToAddress DestinationKind = iota
	ToScript
)

// HelperScript is a runtime helper script. The only one, OpenRoleScript,
// is a single nullary constructor and so encodes as zero bytes.
type HelperScript uint8

// OpenRoleScript is the open-role helper script.
const OpenRoleScript HelperScript = 0

// Destination receives minted role tokens: an address or a helper script.
// It is comparable so it can key recipient maps.
type Destination struct {
	Kind    DestinationKind
	Address types.Address // ToAddress
	Script  HelperScript  // ToScript
}

// CompareDestination is the Haskell Ord of Destination: every ToAddress
// before every ToScript, addresses by bytes.
func CompareDestination(a, b Destination) int {
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if a.Kind == ToAddress {
		return cmp.Compare(a.Address, b.Address)
	}
	return cmp.Compare(a.Script, b.Script)
}

// EncodeHelperScript appends a HelperScript (zero bytes).
func EncodeHelperScript(e *binary.Encoder, x HelperScript) {
	if x != OpenRoleScript {
		e.Failf("encode HelperScript: invalid constructor %d", x)
	}
}

// DecodeHelperScript reads a HelperScript (zero bytes).
func DecodeHelperScript(*binary.Decoder) (HelperScript, error) { return OpenRoleScript, nil }

// EncodeDestination appends a Destination: 00 ToAddress Address | 01
// ToScript HelperScript.
func EncodeDestination(e *binary.Encoder, x Destination) {
	switch x.Kind {
	case ToAddress:
		e.PutTag(0)
		types.EncodeAddress(e, x.Address)
	case ToScript:
		e.PutTag(1)
		EncodeHelperScript(e, x.Script)
	default:
		e.Failf("encode Destination: invalid constructor %d", x.Kind)
	}
}

// DecodeDestination reads a Destination.
func DecodeDestination(d *binary.Decoder) (Destination, error) {
	t, err := d.Tag("Destination", 2)
	if err != nil {
		return Destination{}, binary.Wrapf(err, "decode Destination")
	}
	if t == 1 {
		s, err := DecodeHelperScript(d)
		return Destination{Kind: ToScript, Script: s}, err
	}
	a, err := types.DecodeAddress(d)
	if err != nil {
		return Destination{}, binary.Wrapf(err, "decode Destination.ToAddress")
	}
	return Destination{Kind: ToAddress, Address: a}, nil
}

// checkRecipients enforces the normal form of a recipient map: non-empty,
// every quantity positive.
func checkRecipients(m map[Destination]*big.Int) error {
	if len(m) == 0 {
		return fmt.Errorf("empty recipient map")
	}
	for dst, q := range m {
		if q == nil || q.Sign() <= 0 {
			return fmt.Errorf("non-positive quantity %v for %v", q, dst)
		}
	}
	return nil
}

func compareTokenName(a, b types.TokenName) int { return cmp.Compare(a, b) }

func encodeRecipients(e *binary.Encoder, m map[Destination]*big.Int) {
	binary.EncodeMap(e, m, CompareDestination, EncodeDestination, types.EncodeQuantity)
}

// decodeRecipients reads a map<Destination, Quantity> in normal form.
func decodeRecipients(d *binary.Decoder) (map[Destination]*big.Int, error) {
	at := d.Offset()
	m, err := binary.DecodeMap(d, CompareDestination, DecodeDestination, types.DecodeQuantity)
	if err != nil {
		return nil, err
	}
	if err := checkRecipients(m); err != nil {
		return nil, d.Errorf(at, "%v (not in the normal form every Haskell peer sends)", err)
	}
	return m, nil
}

// EncodeMintRole appends a MintRole: maybe<RoleTokenMetadata>,
// map<Destination, Quantity>.
func EncodeMintRole(e *binary.Encoder, x MintRole) {
	binary.EncodeOptional(e, x.Metadata, EncodeRoleTokenMetadata)
	if err := checkRecipients(x.Recipients); err != nil {
		e.Failf("encode MintRole.roleTokenRecipients: %v", err)
	}
	encodeRecipients(e, x.Recipients)
}

// DecodeMintRole reads a MintRole.
func DecodeMintRole(d *binary.Decoder) (MintRole, error) {
	var x MintRole
	var err error
	if x.Metadata, err = binary.DecodeOptional(d, DecodeRoleTokenMetadata); err != nil {
		return x, binary.Wrapf(err, "decode MintRole.roleMetadata")
	}
	if x.Recipients, err = decodeRecipients(d); err != nil {
		return x, binary.Wrapf(err, "decode MintRole.roleTokenRecipients")
	}
	return x, nil
}

// EncodeMint appends a Mint: a non-empty map<TokenName, MintRole>.
func EncodeMint(e *binary.Encoder, x Mint) {
	if len(x) == 0 {
		e.Failf("encode Mint: empty mint (the Haskell decoder rejects an empty NEMap)")
	}
	binary.EncodeMap(e, x, compareTokenName, types.EncodeTokenName, EncodeMintRole)
}

// DecodeMint reads a Mint.
func DecodeMint(d *binary.Decoder) (Mint, error) {
	at := d.Offset()
	m, err := binary.DecodeMap(d, compareTokenName, types.DecodeTokenName, DecodeMintRole)
	if err != nil {
		return nil, binary.Wrapf(err, "decode Mint")
	}
	if len(m) == 0 {
		return nil, binary.Wrapf(d.Errorf(at, "unexpected empty map"), "decode Mint")
	}
	return m, nil
}

// EncodeRoleTokensConfig appends a RoleTokensConfig: 00 None | 01 PolicyId
// map<TokenName, map<Destination, Quantity>> | 02 Mint. nil encodes as
// RoleTokensNone.
func EncodeRoleTokensConfig(e *binary.Encoder, x RoleTokensConfig) {
	switch v := x.(type) {
	case nil, RoleTokensNone:
		e.PutTag(0)
	case RoleTokensUsePolicy:
		if v.Policy == "" {
			e.Failf("encode RoleTokensUsePolicy: empty policy id (Haskell turns it into RoleTokensNone)")
		}
		for name, m := range v.Distribution {
			if err := checkRecipients(m); err != nil {
				e.Failf("encode RoleTokensUsePolicy: token %x: %v", name, err)
				break
			}
		}
		e.PutTag(1)
		types.EncodePolicyId(e, v.Policy)
		binary.EncodeMap(e, v.Distribution, compareTokenName, types.EncodeTokenName, encodeRecipients)
	case RoleTokensMint:
		e.PutTag(2)
		EncodeMint(e, v.Mint)
	default:
		e.Failf("encode RoleTokensConfig: unsupported type %T", x)
	}
}

// DecodeRoleTokensConfig reads a RoleTokensConfig in normal form.
func DecodeRoleTokensConfig(d *binary.Decoder) (RoleTokensConfig, error) {
	at := d.Offset()
	t, err := d.Tag("RoleTokensConfig", 3)
	if err != nil {
		return nil, binary.Wrapf(err, "decode RoleTokensConfig")
	}
	switch t {
	case 0:
		return RoleTokensNone{}, nil
	case 1:
		var x RoleTokensUsePolicy
		if x.Policy, err = types.DecodePolicyId(d); err != nil {
			return nil, binary.Wrapf(err, "decode RoleTokensUsePolicy.policy")
		}
		if x.Policy == "" {
			return nil, binary.Wrapf(d.Errorf(at, "empty policy id (Haskell normalises it to RoleTokensNone, so no peer sends it)"), "decode RoleTokensUsePolicy")
		}
		if x.Distribution, err = binary.DecodeMap(d, compareTokenName, types.DecodeTokenName, decodeRecipients); err != nil {
			return nil, binary.Wrapf(err, "decode RoleTokensUsePolicy.distribution")
		}
		return x, nil
	}
	m, err := DecodeMint(d)
	if err != nil {
		return nil, binary.Wrapf(err, "decode RoleTokensMint")
	}
	return RoleTokensMint{Mint: m}, nil
}

// ---------------------------------------------------------------------------
// Role token metadata (CIP-25), media types and URIs

// RoleTokenMetadata is the CIP-25 metadata of a minted role token.
type RoleTokenMetadata struct {
	Name        string
	Image       URI
	MediaType   *MediaType
	Description *string
	Files       []NFTMetadataFile
	// AdditionalProperties maps further property names to metadata values.
	AdditionalProperties map[string]types.Metadata
}

// NFTMetadataFile is one file of CIP-25 metadata.
type NFTMetadataFile struct {
	Name                 string
	MediaType            MediaType
	Src                  URI
	AdditionalProperties map[string]types.Metadata
}

// MediaType is an http-media MediaType in its rendered form, e.g.
// "image/png" or "text/plain;charset=utf-8". On the wire it is a String
// (character count prefix, §6.4). The codec requires the "type/subtype"
// shape, since the Haskell decoder (fromString) fails on anything else.
type MediaType string

// mediaTypeToken reports whether s can be a media type or parameter name:
// non-empty, without separators or spaces.
func mediaTypeToken(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/;=,\" \t\r\n")
}

// Valid checks the shape http-media's parser accepts (Haskell's decoder
// fails on anything else): "type/subtype" then ";name=value" parameters,
// no part empty, a wildcard main type only in "*/*".
func (m MediaType) Valid() error {
	parts := strings.Split(string(m), ";")
	main, sub, ok := strings.Cut(strings.TrimSpace(parts[0]), "/")
	if !ok || !mediaTypeToken(main) || !mediaTypeToken(sub) {
		return fmt.Errorf("invalid media type %q: want type/subtype", string(m))
	}
	if main == "*" && sub != "*" {
		return fmt.Errorf("invalid media type %q: wildcard type with a concrete subtype", string(m))
	}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !mediaTypeToken(k) || v == "" {
			return fmt.Errorf("invalid media type %q: parameter %q is not name=value", string(m), p)
		}
	}
	return nil
}

// EncodeMediaType appends a MediaType as a String.
func EncodeMediaType(e *binary.Encoder, x MediaType) {
	if err := x.Valid(); err != nil {
		e.Failf("encode MediaType: %v", err)
	}
	e.PutCharString(string(x))
}

// DecodeMediaType reads a MediaType.
func DecodeMediaType(d *binary.Decoder) (MediaType, error) {
	at := d.Offset()
	s, err := d.CharString()
	if err != nil {
		return "", binary.Wrapf(err, "decode MediaType")
	}
	if err := MediaType(s).Valid(); err != nil {
		return "", binary.Wrapf(d.Errorf(at, "%v", err), "decode MediaType")
	}
	return MediaType(s), nil
}

// URI is network-uri's URI, field for field. As in network-uri the parts
// keep their delimiters: Scheme ends with ':', Query starts with '?',
// Fragment with '#'. Every part is a String on the wire (§6.4).
type URI struct {
	Scheme    string
	Authority *URIAuth
	Path      string
	Query     string
	Fragment  string
}

// URIAuth is network-uri's URIAuth: UserInfo ends with '@', Port starts
// with ':'.
type URIAuth struct {
	UserInfo string
	RegName  string
	Port     string
}

// String renders u as network-uri's uriToString id does.
func (u URI) String() string {
	var b strings.Builder
	b.WriteString(u.Scheme)
	if u.Authority != nil {
		b.WriteString("//")
		b.WriteString(u.Authority.UserInfo)
		b.WriteString(u.Authority.RegName)
		b.WriteString(u.Authority.Port)
	}
	b.WriteString(u.Path)
	b.WriteString(u.Query)
	b.WriteString(u.Fragment)
	return b.String()
}

// ParseURI splits an absolute URI into network-uri's parts, following the
// generic syntax of RFC 3986 appendix B; the parts are not checked character
// by character.
func ParseURI(s string) (URI, error) {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || !validScheme(scheme) {
		return URI{}, fmt.Errorf("parse URI %q: not an absolute URI", s)
	}
	u := URI{Scheme: scheme + ":"}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, u.Fragment = rest[:i], rest[i:]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, u.Query = rest[:i], rest[i:]
	}
	if auth, ok := strings.CutPrefix(rest, "//"); ok {
		end := strings.IndexByte(auth, '/')
		if end < 0 {
			end = len(auth)
		}
		auth, rest = auth[:end], auth[end:]
		a := &URIAuth{}
		if i := strings.LastIndexByte(auth, '@'); i >= 0 {
			a.UserInfo, auth = auth[:i+1], auth[i+1:]
		}
		if i := strings.LastIndexByte(auth, ':'); i >= 0 && !strings.Contains(auth[i:], "]") {
			a.Port, auth = auth[i:], auth[:i]
		}
		a.RegName = auth
		u.Authority = a
	}
	u.Path = rest
	return u, nil
}

// validScheme checks RFC 3986 scheme syntax: a letter, then letters,
// digits, '+', '-' or '.'.
func validScheme(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// EncodeURIAuth appends a URIAuth: three Strings.
func EncodeURIAuth(e *binary.Encoder, x URIAuth) {
	e.PutCharString(x.UserInfo)
	e.PutCharString(x.RegName)
	e.PutCharString(x.Port)
}

// DecodeURIAuth reads a URIAuth.
func DecodeURIAuth(d *binary.Decoder) (URIAuth, error) {
	var x URIAuth
	var err error
	if x.UserInfo, err = d.CharString(); err != nil {
		return x, binary.Wrapf(err, "decode URIAuth.uriUserInfo")
	}
	if x.RegName, err = d.CharString(); err != nil {
		return x, binary.Wrapf(err, "decode URIAuth.uriRegName")
	}
	if x.Port, err = d.CharString(); err != nil {
		return x, binary.Wrapf(err, "decode URIAuth.uriPort")
	}
	return x, nil
}

// EncodeURI appends a URI: String scheme, maybe<URIAuth>, String path,
// query and fragment.
func EncodeURI(e *binary.Encoder, x URI) {
	e.PutCharString(x.Scheme)
	binary.EncodeOptional(e, x.Authority, EncodeURIAuth)
	e.PutCharString(x.Path)
	e.PutCharString(x.Query)
	e.PutCharString(x.Fragment)
}

// DecodeURI reads a URI.
func DecodeURI(d *binary.Decoder) (URI, error) {
	var x URI
	var err error
	if x.Scheme, err = d.CharString(); err != nil {
		return x, binary.Wrapf(err, "decode URI.uriScheme")
	}
	if x.Authority, err = binary.DecodeOptional(d, DecodeURIAuth); err != nil {
		return x, binary.Wrapf(err, "decode URI.uriAuthority")
	}
	if x.Path, err = d.CharString(); err != nil {
		return x, binary.Wrapf(err, "decode URI.uriPath")
	}
	if x.Query, err = d.CharString(); err != nil {
		return x, binary.Wrapf(err, "decode URI.uriQuery")
	}
	if x.Fragment, err = d.CharString(); err != nil {
		return x, binary.Wrapf(err, "decode URI.uriFragment")
	}
	return x, nil
}

func compareText(a, b string) int { return cmp.Compare(a, b) }

func encodeProperties(e *binary.Encoder, m map[string]types.Metadata) {
	binary.EncodeMap(e, m, compareText, (*binary.Encoder).PutText, types.EncodeMetadata)
}

func decodeProperties(d *binary.Decoder) (map[string]types.Metadata, error) {
	return binary.DecodeMap(d, compareText, (*binary.Decoder).Text, types.DecodeMetadata)
}

// EncodeNFTMetadataFile appends an NFTMetadataFile: text name, MediaType,
// URI src, map<text, Metadata>.
func EncodeNFTMetadataFile(e *binary.Encoder, x NFTMetadataFile) {
	e.PutText(x.Name)
	EncodeMediaType(e, x.MediaType)
	EncodeURI(e, x.Src)
	encodeProperties(e, x.AdditionalProperties)
}

// DecodeNFTMetadataFile reads an NFTMetadataFile.
func DecodeNFTMetadataFile(d *binary.Decoder) (NFTMetadataFile, error) {
	var x NFTMetadataFile
	var err error
	if x.Name, err = d.Text(); err != nil {
		return x, binary.Wrapf(err, "decode NFTMetadataFile.name")
	}
	if x.MediaType, err = DecodeMediaType(d); err != nil {
		return x, binary.Wrapf(err, "decode NFTMetadataFile.mediaType")
	}
	if x.Src, err = DecodeURI(d); err != nil {
		return x, binary.Wrapf(err, "decode NFTMetadataFile.src")
	}
	if x.AdditionalProperties, err = decodeProperties(d); err != nil {
		return x, binary.Wrapf(err, "decode NFTMetadataFile.additionalProperties")
	}
	return x, nil
}

// EncodeRoleTokenMetadata appends a RoleTokenMetadata: text name, URI
// image, maybe<MediaType>, maybe<text> description, list<NFTMetadataFile>,
// map<text, Metadata>.
func EncodeRoleTokenMetadata(e *binary.Encoder, x RoleTokenMetadata) {
	e.PutText(x.Name)
	EncodeURI(e, x.Image)
	binary.EncodeOptional(e, x.MediaType, EncodeMediaType)
	binary.EncodeOptional(e, x.Description, (*binary.Encoder).PutText)
	binary.EncodeList(e, x.Files, EncodeNFTMetadataFile)
	encodeProperties(e, x.AdditionalProperties)
}

// minNFTMetadataFileSize is the least encoded size of an NFTMetadataFile:
// name (8), media type (8 + "a/b"), five URI parts (8 each, plus the Maybe
// byte) and the property map (8).
const minNFTMetadataFileSize = 8 + 11 + 41 + 8

// DecodeRoleTokenMetadata reads a RoleTokenMetadata.
func DecodeRoleTokenMetadata(d *binary.Decoder) (RoleTokenMetadata, error) {
	var x RoleTokenMetadata
	var err error
	if x.Name, err = d.Text(); err != nil {
		return x, binary.Wrapf(err, "decode RoleTokenMetadata.name")
	}
	if x.Image, err = DecodeURI(d); err != nil {
		return x, binary.Wrapf(err, "decode RoleTokenMetadata.image")
	}
	if x.MediaType, err = binary.DecodeOptional(d, DecodeMediaType); err != nil {
		return x, binary.Wrapf(err, "decode RoleTokenMetadata.mediaType")
	}
	if x.Description, err = binary.DecodeOptional(d, (*binary.Decoder).Text); err != nil {
		return x, binary.Wrapf(err, "decode RoleTokenMetadata.description")
	}
	if x.Files, err = binary.DecodeListMin(d, minNFTMetadataFileSize, DecodeNFTMetadataFile); err != nil {
		return x, binary.Wrapf(err, "decode RoleTokenMetadata.files")
	}
	if x.AdditionalProperties, err = decodeProperties(d); err != nil {
		return x, binary.Wrapf(err, "decode RoleTokenMetadata.additionalProperties")
	}
	return x, nil
}

// ---------------------------------------------------------------------------
// RoleTokenFilter (generic; the constructor order differs from
// RoleCurrencyFilter, §6.6)

// RoleTokenFilter selects role tokens for BurnRoleTokens.
type RoleTokenFilter interface{ isRoleTokenFilter() }

// RoleTokensOr matches when either filter matches.
type RoleTokensOr struct{ L, R RoleTokenFilter }

// RoleTokensAnd matches when both filters match.
type RoleTokensAnd struct{ L, R RoleTokenFilter }

// RoleTokensNot matches when F does not.
type RoleTokensNot struct{ F RoleTokenFilter }

// RoleTokenFilterAny matches every role token.
type RoleTokenFilterAny struct{}

// RoleTokenFilterNone matches no role token.
type RoleTokenFilterNone struct{}

// RoleTokenFilterByContracts matches the role tokens of these contracts (a
// Set).
type RoleTokenFilterByContracts struct{ Contracts []types.ContractId }

// RoleTokenFilterByPolicyIds matches the role tokens of these policies (a
// Set).
type RoleTokenFilterByPolicyIds struct{ Policies []types.PolicyId }

// RoleTokenFilterByTokens matches these role tokens (a Set).
type RoleTokenFilterByTokens struct{ Tokens []types.AssetId }

func (RoleTokensOr) isRoleTokenFilter()               {}
func (RoleTokensAnd) isRoleTokenFilter()              {}
func (RoleTokensNot) isRoleTokenFilter()              {}
func (RoleTokenFilterAny) isRoleTokenFilter()         {}
func (RoleTokenFilterNone) isRoleTokenFilter()        {}
func (RoleTokenFilterByContracts) isRoleTokenFilter() {}
func (RoleTokenFilterByPolicyIds) isRoleTokenFilter() {}
func (RoleTokenFilterByTokens) isRoleTokenFilter()    {}

func comparePolicyId(a, b types.PolicyId) int { return cmp.Compare(a, b) }

// EncodeRoleTokenFilter appends a RoleTokenFilter: 00 Or F F | 01 And F F |
// 02 Not F | 03 Any | 04 None | 05 set<ContractId> | 06 set<PolicyId> | 07
// set<AssetId>.
func EncodeRoleTokenFilter(e *binary.Encoder, x RoleTokenFilter) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch v := x.(type) {
	case RoleTokensOr:
		e.PutTag(0)
		EncodeRoleTokenFilter(e, v.L)
		EncodeRoleTokenFilter(e, v.R)
	case RoleTokensAnd:
		e.PutTag(1)
		EncodeRoleTokenFilter(e, v.L)
		EncodeRoleTokenFilter(e, v.R)
	case RoleTokensNot:
		e.PutTag(2)
		EncodeRoleTokenFilter(e, v.F)
	case RoleTokenFilterAny:
		e.PutTag(3)
	case RoleTokenFilterNone:
		e.PutTag(4)
	case RoleTokenFilterByContracts:
		e.PutTag(5)
		binary.EncodeSet(e, v.Contracts, types.CompareContractId, types.EncodeContractId)
	case RoleTokenFilterByPolicyIds:
		e.PutTag(6)
		binary.EncodeSet(e, v.Policies, comparePolicyId, types.EncodePolicyId)
	case RoleTokenFilterByTokens:
		e.PutTag(7)
		binary.EncodeSet(e, v.Tokens, types.CompareAssetId, types.EncodeAssetId)
	case nil:
		e.Failf("encode RoleTokenFilter: nil value")
	default:
		e.Failf("encode RoleTokenFilter: unsupported type %T", x)
	}
}

// DecodeRoleTokenFilter reads a RoleTokenFilter; nesting is bounded by the
// decoder's depth limit.
func DecodeRoleTokenFilter(d *binary.Decoder) (RoleTokenFilter, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrapf(err, "decode RoleTokenFilter")
	}
	defer d.Leave()
	t, err := d.Tag("RoleTokenFilter", 8)
	if err != nil {
		return nil, binary.Wrapf(err, "decode RoleTokenFilter")
	}
	switch t {
	case 0, 1:
		l, err := DecodeRoleTokenFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode RoleTokenFilter.left")
		}
		r, err := DecodeRoleTokenFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode RoleTokenFilter.right")
		}
		if t == 0 {
			return RoleTokensOr{L: l, R: r}, nil
		}
		return RoleTokensAnd{L: l, R: r}, nil
	case 2:
		f, err := DecodeRoleTokenFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode RoleTokensNot")
		}
		return RoleTokensNot{F: f}, nil
	case 3:
		return RoleTokenFilterAny{}, nil
	case 4:
		return RoleTokenFilterNone{}, nil
	case 5:
		s, err := binary.DecodeSet(d, types.CompareContractId, types.DecodeContractId)
		if err != nil {
			return nil, binary.Wrap(err, "decode RoleTokenFilterByContracts")
		}
		return RoleTokenFilterByContracts{Contracts: s}, nil
	case 6:
		s, err := binary.DecodeSet(d, comparePolicyId, types.DecodePolicyId)
		if err != nil {
			return nil, binary.Wrap(err, "decode RoleTokenFilterByPolicyIds")
		}
		return RoleTokenFilterByPolicyIds{Policies: s}, nil
	}
	s, err := binary.DecodeSet(d, types.CompareAssetId, types.DecodeAssetId)
	if err != nil {
		return nil, binary.Wrap(err, "decode RoleTokenFilterByTokens")
	}
	return RoleTokenFilterByTokens{Tokens: s}, nil
}
