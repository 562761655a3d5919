package core

import (
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small JSON parser producing a tree. encoding/json is not used because
// core JSON needs exact numbers (kept as their literal text here), a nesting
// bound we choose (encoding/json hard-codes 10000 and reports it poorly), and
// key-set dispatch, which needs each object whole before deciding what it is.

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

func (k jsonKind) String() string {
	switch k {
	case jsonNull:
		return "null"
	case jsonBool:
		return "a boolean"
	case jsonNumber:
		return "a number"
	case jsonString:
		return "a string"
	case jsonArray:
		return "an array"
	}
	return "an object"
}

// jsonNode is one parsed JSON value.
type jsonNode struct {
	kind jsonKind
	b    bool
	s    string // string contents, or a number's literal text
	arr  []jsonNode
	obj  []jsonMember
}

type jsonMember struct {
	key string
	val jsonNode
}

// get returns the value of key, the last one when the key repeats (aeson
// keeps the last duplicate too), or nil.
func (n *jsonNode) get(key string) *jsonNode {
	for i := len(n.obj) - 1; i >= 0; i-- {
		if n.obj[i].key == key {
			return &n.obj[i].val
		}
	}
	return nil
}

// describe summarises a node for error messages.
func (n *jsonNode) describe() string {
	switch n.kind {
	case jsonString:
		s := n.s
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return "the string " + jsonQuote(s)
	case jsonObject:
		return "an object with keys " + n.keyList()
	case jsonNumber:
		s := n.s
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return "the number " + s
	}
	return n.kind.String()
}

// keyList renders an object's keys for messages, e.g. {"a", "b"}.
func (n *jsonNode) keyList() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range n.obj {
		if i == 8 {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(jsonQuote(m.key))
	}
	b.WriteByte('}')
	return b.String()
}

// jsonQuote quotes s for a message, bounded in length.
func jsonQuote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == utf8.RuneError:
			b.WriteString("\\u")
			const hexdig = "0123456789abcdef"
			b.WriteByte(hexdig[r>>12&0xf])
			b.WriteByte(hexdig[r>>8&0xf])
			b.WriteByte(hexdig[r>>4&0xf])
			b.WriteByte(hexdig[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

type jsonParser struct {
	data  []byte
	pos   int
	depth int
	// keys interns object keys: core JSON repeats a few dozen key names
	// thousands of times, and sharing them saves most string allocations.
	keys map[string]string
}

// jsonMaxInterned bounds the intern table so that hostile input with many
// distinct keys cannot grow it without limit.
const jsonMaxInterned = 256

// jsonParse parses one JSON document (RFC 8259: a single value with optional
// surrounding whitespace). Strings must be valid UTF-8 and may not contain
// unpaired surrogate escapes, since names become raw bytes on chain.
func jsonParse(data []byte) (*jsonNode, error) {
	p := jsonParser{data: data}
	p.skipSpace()
	root := new(jsonNode)
	if err := p.value(root); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.errorf("unexpected %s after the top-level value", p.what())
	}
	return root, nil
}

func (p *jsonParser) errorf(format string, args ...any) *JSONError {
	e := jsonFail(format, args...)
	e.Msg = "invalid JSON at byte " + strconv.Itoa(p.pos) + ": " + e.Msg
	return e
}

// what describes the byte at the cursor for messages.
func (p *jsonParser) what() string {
	if p.pos >= len(p.data) {
		return "end of input"
	}
	c := p.data[p.pos]
	if c >= 0x20 && c < 0x7f {
		return "character " + jsonQuote(string(c))
	}
	return "byte 0x" + string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&0xf])
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value(dst *jsonNode) error {
	if p.pos >= len(p.data) {
		return p.errorf("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(dst)
	case c == '[':
		return p.array(dst)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return err
		}
		dst.kind, dst.s = jsonString, s
		return nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(dst)
	case c == 't':
		return p.literal(dst, "true", jsonBool, true)
	case c == 'f':
		return p.literal(dst, "false", jsonBool, false)
	case c == 'n':
		return p.literal(dst, "null", jsonNull, false)
	}
	return p.errorf("unexpected %s", p.what())
}

func (p *jsonParser) literal(dst *jsonNode, word string, kind jsonKind, b bool) error {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return p.errorf("invalid literal (expected %s)", word)
	}
	p.pos += len(word)
	dst.kind, dst.b = kind, b
	return nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > MaxJSONDepth {
		return p.errorf("nesting deeper than %d levels", MaxJSONDepth)
	}
	return nil
}

func (p *jsonParser) object(dst *jsonNode) error {
	if err := p.enter(); err != nil {
		return err
	}
	p.pos++ // '{'
	dst.kind = jsonObject
	dst.obj = make([]jsonMember, 0, 4)
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return p.errorf("expected an object key, found %s", p.what())
		}
		key, err := p.key()
		if err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return p.errorf("expected ':' after object key, found %s", p.what())
		}
		p.pos++
		p.skipSpace()
		dst.obj = append(dst.obj, jsonMember{key: key})
		if err := p.value(&dst.obj[len(dst.obj)-1].val); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return p.errorf("unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			p.depth--
			return nil
		default:
			return p.errorf("expected ',' or '}' in object, found %s", p.what())
		}
	}
}

func (p *jsonParser) array(dst *jsonNode) error {
	if err := p.enter(); err != nil {
		return err
	}
	p.pos++ // '['
	dst.kind = jsonArray
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return nil
	}
	for {
		p.skipSpace()
		dst.arr = append(dst.arr, jsonNode{})
		if err := p.value(&dst.arr[len(dst.arr)-1]); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return p.errorf("unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			return nil
		default:
			return p.errorf("expected ',' or ']' in array, found %s", p.what())
		}
	}
}

// number checks the RFC 8259 number grammar and keeps the literal; its value
// is computed exactly by jsonInteger where an integer is expected.
func (p *jsonParser) number(dst *jsonNode) error {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos < len(p.data) && p.data[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return p.errorf("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return p.errorf("invalid number: no digits after the decimal point")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return p.errorf("invalid number: no digits in the exponent")
		}
	}
	dst.kind, dst.s = jsonNumber, string(p.data[start:p.pos])
	return nil
}

// key parses an object key, interning escape-free keys.
func (p *jsonParser) key() (string, error) {
	start := p.pos + 1
	end := start
	for end < len(p.data) && p.data[end] != '"' && p.data[end] != '\\' && p.data[end] >= 0x20 {
		end++
	}
	if end >= len(p.data) || p.data[end] != '"' {
		return p.str()
	}
	raw := p.data[start:end]
	if k, ok := p.keys[string(raw)]; ok {
		p.pos = end + 1
		return k, nil
	}
	k, err := p.str()
	if err == nil && len(p.keys) < jsonMaxInterned {
		if p.keys == nil {
			p.keys = make(map[string]string, 32)
		}
		p.keys[k] = k
	}
	return k, err
}

// str parses a string literal at the cursor (which is on the opening quote).
func (p *jsonParser) str() (string, error) {
	p.pos++
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			raw := p.data[start:p.pos]
			if !utf8.Valid(raw) {
				return "", p.errorf("string is not valid UTF-8")
			}
			p.pos++
			return string(raw), nil
		case c == '\\':
			return p.strSlow(start)
		case c < 0x20:
			return "", p.errorf("unescaped control character in string")
		}
		p.pos++
	}
	return "", p.errorf("unterminated string")
}

// strSlow handles strings with escapes; the cursor is on the first '\'.
func (p *jsonParser) strSlow(start int) (string, error) {
	buf := append([]byte(nil), p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				return "", p.errorf("string is not valid UTF-8")
			}
			p.pos++
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf("unescaped control character in string")
		case c != '\\':
			buf = append(buf, c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(p.data) {
			break
		}
		esc := p.data[p.pos]
		p.pos++
		switch esc {
		case '"', '\\', '/':
			buf = append(buf, esc)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			switch {
			case r >= 0xd800 && r < 0xdc00:
				if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
					p.pos += 2
					lo, err := p.hex4()
					if err != nil {
						return "", err
					}
					if lo >= 0xdc00 && lo < 0xe000 {
						r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
						break
					}
				}
				return "", p.errorf("unpaired UTF-16 surrogate in string escape")
			case r >= 0xdc00 && r < 0xe000:
				return "", p.errorf("unpaired UTF-16 surrogate in string escape")
			}
			buf = utf8.AppendRune(buf, r)
		default:
			p.pos--
			return "", p.errorf("invalid escape sequence")
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *jsonParser) hex4() (rune, error) {
	if len(p.data)-p.pos < 4 {
		return 0, p.errorf("truncated \\u escape")
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := p.data[p.pos+i]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, p.errorf("invalid \\u escape")
		}
	}
	p.pos += 4
	return r, nil
}

// jsonInteger converts a number literal (already grammar-checked) to an
// exact integer. Like Haskell's floatingOrInteger it accepts any literal
// whose value is integral (1e3, 1.0, 1500e-3) and rejects fractions; unlike
// it, it refuses results longer than MaxJSONIntegerDigits digits.
func jsonInteger(lit string) (*big.Int, *JSONError) {
	if !strings.ContainsAny(lit, ".eE") {
		// Plain integer literal, the usual case: no scaling needed.
		if len(strings.TrimPrefix(lit, "-")) > MaxJSONIntegerDigits {
			return nil, jsonFail("integer %s has more than %d digits", jsonShortLit(lit), MaxJSONIntegerDigits)
		}
		if n, ok := new(big.Int).SetString(lit, 10); ok {
			return n, nil
		}
		return nil, jsonFail("invalid integer %s", jsonShortLit(lit))
	}
	s := lit
	neg := false
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
	}
	intPart, frac := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return new(big.Int), nil // zero, whatever the exponent
	}
	// Saturate the exponent: anything beyond ±10^12 is out of range anyway.
	var e int64
	expNeg := false
	if exp != "" && (exp[0] == '+' || exp[0] == '-') {
		expNeg, exp = exp[0] == '-', exp[1:]
	}
	for _, c := range []byte(exp) {
		if e < 1e12 {
			e = e*10 + int64(c-'0')
		}
	}
	if expNeg {
		e = -e
	}
	scale := e - int64(len(frac))
	trimmed := strings.TrimRight(digits, "0")
	scale += int64(len(digits) - len(trimmed))
	if scale < 0 {
		return nil, jsonFail("expected an integer, got %s", jsonShortLit(lit))
	}
	if int64(len(trimmed))+scale > MaxJSONIntegerDigits {
		return nil, jsonFail("integer %s has more than %d digits", jsonShortLit(lit), MaxJSONIntegerDigits)
	}
	n, ok := new(big.Int).SetString(trimmed, 10)
	if !ok {
		return nil, jsonFail("invalid integer %s", jsonShortLit(lit))
	}
	if scale > 0 {
		n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(scale), nil))
	}
	if neg {
		n.Neg(n)
	}
	return n, nil
}

func jsonShortLit(lit string) string {
	if len(lit) > 40 {
		return lit[:20] + "…" + lit[len(lit)-10:]
	}
	return lit
}
