package codec

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds the strict JSON reader and the compact JSON writer. They
// are written by hand, without reflection: the reader takes substrings of
// one string wherever a value needs no unescaping, and re-encodes nested
// values to compact text as it goes.

// parser reads one strict JSON text (RFC 8259, no duplicate object members,
// nesting bounded by MaxDepth) from s.
type parser struct {
	s       string
	i       int
	layer   Layer
	scratch []byte  // unescaped string bytes
	buf     *[]byte // the pooled buffer scratch came from, if any
}

// grab returns the scratch buffer, from the pool on first use.
func (p *parser) grab() []byte {
	if p.buf == nil && p.scratch == nil {
		p.buf = getBuf()
		p.scratch = (*p.buf)[:0]
	}
	return p.scratch[:0]
}

// release returns the scratch buffer to the pool.
func (p *parser) release() {
	if p.buf != nil {
		*p.buf = p.scratch[:0]
		putBuf(p.buf)
		p.buf = nil
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) skipSpace() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

// syntax reports a JSON syntax error at the current offset, or the
// invalid UTF-8 found there.
func (p *parser) syntax(what string) *Error {
	got := "the end of the text"
	if p.i < len(p.s) {
		r, n := utf8.DecodeRuneInString(p.s[p.i:])
		if r == utf8.RuneError && n == 1 {
			return p.notUTF8(p.i)
		}
		got = Quote(string(r), 8)
	}
	return newErr(p.layer, ErrNotJSON, "invalid JSON at byte "+itoa(p.i)+": "+what+", found "+got, p.syntaxHint())
}

// notUTF8 reports the invalid UTF-8 byte at offset off.
func (p *parser) notUTF8(off int) *Error {
	p.i = off
	hint := "the text must be UTF-8: it was probably saved or sent in another character set (GBK, Latin-1)"
	if p.layer == LayerPlaintext {
		hint = "the data decrypted with a valid padding but is not UTF-8 text: almost always a wrong sign key"
	}
	return newErr(p.layer, ErrNotUTF8, "invalid UTF-8 byte 0x"+hex2(p.s[off])+" at byte "+itoa(off), hint)
}

// cjk3 reports whether s[j:j+3] is a three-byte sequence led by E1..EC or
// EE..EF, whose second byte may be any continuation byte (E0 and ED
// restrict it): most of Chinese text, checked without a call.
func cjk3(s string, j int) bool {
	if j+3 > len(s) {
		return false
	}
	c := s[j]
	return (c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF) && s[j+1]&0xC0 == 0x80 && s[j+2]&0xC0 == 0x80
}

// plainASCII reports whether s holds only printable ASCII and DEL (0x20
// to 0x7f), sixteen bytes at a time.
func plainASCII(s string) bool {
	i := 0
	for ; i+16 <= len(s); i += 16 {
		w, v := load64(s, i), load64(s, i+8)
		if ((w-lsb*0x20)|w|(v-lsb*0x20)|v)&msb != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 {
			return false
		}
	}
	return true
}

// skipCJK returns the end of the run of cjk3 sequences starting at j.
func skipCJK(s string, j int) int {
	for j+3 <= len(s) {
		c := s[j]
		if !(c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF) || s[j+1]&0xC0 != 0x80 || s[j+2]&0xC0 != 0x80 {
			break
		}
		j += 3
	}
	return j
}

// utf8Len returns the length of the valid UTF-8 sequence at s[j], a byte
// of 0x80 or more, or 0 if there is none.
func utf8Len(s string, j int) int {
	// E1..EC and EE..EF lead a three-byte sequence whose second byte may
	// be any continuation byte (E0 and ED restrict it): most of Chinese.
	if c := s[j]; j+3 <= len(s) && (c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF) && s[j+1]&0xC0 == 0x80 && s[j+2]&0xC0 == 0x80 {
		return 3
	}
	r, n := utf8.DecodeRuneInString(s[j:])
	if r == utf8.RuneError && n == 1 {
		return 0
	}
	return n
}

func (p *parser) syntaxHint() string {
	switch p.layer {
	case LayerPlaintext:
		return "the data decrypted with a valid padding but is not JSON: almost always a wrong sign key, rarely a sender bug"
	case LayerEnvelope:
		return "the body is not one well-formed JSON object: check that the whole body was copied, without log prefixes or cut lines"
	}
	return "fix the JSON text: it must be one object of the form {\"name\":\"value\",...}"
}

// checkText runs the check every input gets before parsing: its size.
// UTF-8 validity is checked as the parser reads strings (any other byte
// above 0x7f is a syntax error), so hostile input fails where it goes
// wrong, without a pass over all of it.
func checkText(s string, layer Layer) *Error {
	if len(s) > MaxMessageSize {
		return tooLarge(len(s), layer)
	}
	return nil
}

func tooLarge(n int, layer Layer) *Error {
	return newErr(layer, ErrTooLarge, "the text is "+itoa(n)+" bytes, more than the limit of "+itoa(MaxMessageSize),
		"no OTT Pay message is this large: check that a single message was given")
}

func hex2(c byte) string {
	const h = "0123456789abcdef"
	return string([]byte{h[c>>4], h[c&15]})
}

// parseObject parses s as exactly one JSON object, surrounding whitespace
// allowed, and returns its members in order. Nested objects and arrays are
// returned as compact JSON text.
func parseObject(s string, layer Layer) ([]Member, *Error) {
	return parseObjectInto(nil, s, layer)
}

// parseObjectBytes is parseObjectInto for a byte slice. Text that cannot
// start a JSON value is refused before the bytes are copied to a string.
func parseObjectBytes(dst []Member, b []byte, layer Layer) ([]Member, *Error) {
	if len(b) > MaxMessageSize {
		// Refused before the bytes are copied: an over-limit input costs
		// no memory.
		return nil, tooLarge(len(b), layer)
	}
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i < len(b) {
		switch c := b[i]; {
		case c == '{' || c == '[' || c == '"' || c == '-' || c >= '0' && c <= '9' || c == 't' || c == 'f' || c == 'n':
		default:
			p := parser{s: string(b[:min(len(b), i+utf8.UTFMax)]), i: i, layer: layer}
			return nil, p.syntax("expected '{' to start an object")
		}
	}
	return parseObjectInto(dst, string(b), layer)
}

// parseObjectInto is parseObject appending the members to dst, which lets
// a caller parse into a buffer of its own.
func parseObjectInto(dst []Member, s string, layer Layer) ([]Member, *Error) {
	if err := checkText(s, layer); err != nil {
		return nil, err
	}
	p := parser{s: s, layer: layer}
	defer p.release()
	p.skipSpace()
	if p.i == len(s) {
		return nil, newErr(layer, ErrNotJSON, "the text is empty", emptyHint(layer))
	}
	if s[p.i] != '{' {
		return nil, p.notObject()
	}
	members, err := p.members(dst)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(s) {
		return nil, newErr(layer, ErrNotJSON, "text after the end of the object at byte "+itoa(p.i),
			"only one JSON object is allowed: two messages were joined, or the copy holds extra text")
	}
	return members, nil
}

func emptyHint(layer Layer) string {
	if layer == LayerPlaintext {
		return "the sender encrypted an empty text"
	}
	return "nothing was received: check the request body"
}

// notObject explains a text that does not start with '{'.
func (p *parser) notObject() *Error {
	start := p.i
	var dst []byte
	_, _, err := p.value(dst, 1)
	if err != nil {
		if err.Err == ErrTooDeep {
			return err
		}
		p.i = start
		return p.syntax("expected '{' to start an object")
	}
	p.skipSpace()
	if p.i != len(p.s) {
		p.i = start
		return p.syntax("expected '{' to start an object")
	}
	kind := "a JSON value"
	switch c := p.s[start]; {
	case c == '[':
		kind = "a JSON array"
	case c == '"':
		kind = "a JSON string"
	case c == 't' || c == 'f':
		kind = "a JSON boolean"
	case c == 'n':
		kind = "JSON null"
	default:
		kind = "a JSON number"
	}
	hint := "the message must be one JSON object of the form {\"name\":\"value\",...}"
	if c := p.s[start]; c == '"' {
		hint = "the object was sent as a JSON string (encoded twice): decode the string first"
	}
	return newErr(p.layer, ErrNotObject, "the text is "+kind+", not an object", hint)
}

// members parses an object whose '{' is at p.i, at depth 1.
func (p *parser) members(members []Member) ([]Member, *Error) {
	p.i++ // '{'
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		if members == nil {
			members = []Member{}
		}
		return members, nil
	}
	if members == nil {
		// Every member has a ':' after its name: their count bounds the
		// member count (colons inside values make it larger, not smaller).
		members = make([]Member, 0, min(1+strings.Count(p.s[p.i:], ":"), 4096))
	}
	var nested []byte
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.syntax("expected '\"' to start a member name")
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.syntax("expected ':' after the member name " + Quote(key, 40))
		}
		p.i++
		p.skipSpace()
		if p.i >= len(p.s) {
			return nil, p.syntax("expected a value")
		}
		var v Value
		switch c := p.s[p.i]; c {
		case '"':
			t, err := p.str()
			if err != nil {
				return nil, err
			}
			v = Value{Kind: KindString, Text: t}
		case '{', '[':
			var k Kind
			nested, k, err = p.value(nested[:0], 2)
			if err != nil {
				return nil, err
			}
			v = Value{Kind: k, Text: string(nested)}
		default:
			start := p.i
			k, err := p.scalar()
			if err != nil {
				return nil, err
			}
			v = Value{Kind: k, Text: p.s[start:p.i]}
		}
		members = append(members, Member{Key: key, Value: v})
		p.skipSpace()
		if p.i >= len(p.s) {
			return nil, p.syntax("expected ',' or '}' after a member")
		}
		if p.s[p.i] == ',' {
			p.i++
			p.skipSpace()
			continue
		}
		if p.s[p.i] == '}' {
			p.i++
			break
		}
		return nil, p.syntax("expected ',' or '}' after a member")
	}
	if err := checkDuplicates(members, p.layer); err != nil {
		return nil, err
	}
	return members, nil
}

// checkDuplicates reports the first member name that occurs twice.
func checkDuplicates(members []Member, layer Layer) *Error {
	n := len(members)
	sorted := true
	for i := 1; i < n; i++ {
		if members[i-1].Key >= members[i].Key {
			sorted = false
			break
		}
	}
	if sorted {
		return nil
	}
	if n <= 16 {
		for i := 1; i < n; i++ {
			for j := 0; j < i; j++ {
				if members[i].Key == members[j].Key {
					return dupErr(members[i].Key, layer)
				}
			}
		}
		return nil
	}
	seen := make(map[string]struct{}, n)
	for i := range members {
		if _, ok := seen[members[i].Key]; ok {
			return dupErr(members[i].Key, layer)
		}
		seen[members[i].Key] = struct{}{}
	}
	return nil
}

func checkDuplicateKeys(keys []string, layer Layer) *Error {
	n := len(keys)
	if n <= 16 {
		for i := 1; i < n; i++ {
			for j := 0; j < i; j++ {
				if keys[i] == keys[j] {
					return dupErr(keys[i], layer)
				}
			}
		}
		return nil
	}
	seen := make(map[string]struct{}, n)
	for _, k := range keys {
		if _, ok := seen[k]; ok {
			return dupErr(k, layer)
		}
		seen[k] = struct{}{}
	}
	return nil
}

func dupErr(key string, layer Layer) *Error {
	return newErr(layer, ErrDuplicate, "the member "+Quote(key, 60)+" occurs twice in one object",
		"receivers disagree on which copy counts, so such a message is refused: the sender must send each name once")
}

// value parses any JSON value at p.i, appending its compact form to dst.
// depth is the nesting depth of the value if it is an object or array.
func (p *parser) value(dst []byte, depth int) ([]byte, Kind, *Error) {
	if p.i >= len(p.s) {
		return dst, 0, p.syntax("expected a value")
	}
	switch c := p.s[p.i]; c {
	case '{':
		if depth > MaxDepth {
			return dst, 0, p.tooDeep()
		}
		p.i++
		dst = append(dst, '{')
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return append(dst, '}'), KindObject, nil
		}
		var keys []string
		for {
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return dst, 0, p.syntax("expected '\"' to start a member name")
			}
			key, err := p.str()
			if err != nil {
				return dst, 0, err
			}
			keys = append(keys, key)
			dst = appendQuotedValid(dst, key)
			p.skipSpace()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return dst, 0, p.syntax("expected ':' after the member name " + Quote(key, 40))
			}
			p.i++
			dst = append(dst, ':')
			p.skipSpace()
			dst, _, err = p.value(dst, depth+1)
			if err != nil {
				return dst, 0, err
			}
			p.skipSpace()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				dst = append(dst, ',')
				p.skipSpace()
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				break
			}
			return dst, 0, p.syntax("expected ',' or '}' after a member")
		}
		if err := checkDuplicateKeys(keys, p.layer); err != nil {
			return dst, 0, err
		}
		return append(dst, '}'), KindObject, nil
	case '[':
		if depth > MaxDepth {
			return dst, 0, p.tooDeep()
		}
		p.i++
		dst = append(dst, '[')
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return append(dst, ']'), KindArray, nil
		}
		for {
			var err *Error
			dst, _, err = p.value(dst, depth+1)
			if err != nil {
				return dst, 0, err
			}
			p.skipSpace()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				dst = append(dst, ',')
				p.skipSpace()
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				break
			}
			return dst, 0, p.syntax("expected ',' or ']' after an array element")
		}
		return append(dst, ']'), KindArray, nil
	case '"':
		t, err := p.str()
		if err != nil {
			return dst, 0, err
		}
		return appendQuotedValid(dst, t), KindString, nil
	default:
		start := p.i
		k, err := p.scalar()
		if err != nil {
			return dst, 0, err
		}
		return append(dst, p.s[start:p.i]...), k, nil
	}
}

func (p *parser) tooDeep() *Error {
	return newErr(p.layer, ErrTooDeep, "objects and arrays are nested more than "+itoa(MaxDepth)+" deep at byte "+itoa(p.i),
		"no OTT Pay message nests this deep: the input is malformed or hostile")
}

// scalar parses a number, true, false or null at p.i.
func (p *parser) scalar() (Kind, *Error) {
	s := p.s
	switch s[p.i] {
	case 't':
		if len(s)-p.i >= 4 && s[p.i:p.i+4] == "true" {
			p.i += 4
			return KindBool, nil
		}
	case 'f':
		if len(s)-p.i >= 5 && s[p.i:p.i+5] == "false" {
			p.i += 5
			return KindBool, nil
		}
	case 'n':
		if len(s)-p.i >= 4 && s[p.i:p.i+4] == "null" {
			p.i += 4
			return KindNull, nil
		}
	default:
		n := scanNumber(s[p.i:])
		if n > 0 {
			p.i += n
			return KindNumber, nil
		}
		if n < 0 {
			p.i -= n
			return 0, p.syntax("malformed number")
		}
	}
	return 0, p.syntax("expected a value")
}

// scanNumber returns the length of the JSON number at the start of s, 0 if
// s does not start like a number, or minus the offset of the first bad
// byte.
func scanNumber(s string) int {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) {
		if i == 0 {
			return 0
		}
		return -i
	}
	switch {
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		if i == 0 {
			return 0
		}
		return -i
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return -i
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return -i
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i
}

// isJSONNumber reports whether s is exactly one JSON number literal.
func isJSONNumber(s string) bool { return s != "" && scanNumber(s) == len(s) }

// str parses the string whose opening quote is at p.i and returns its
// decoded value. Without escapes the result is a substring of p.s.
func (p *parser) str() (string, *Error) {
	s := p.s
	start := p.i + 1
	// Long plain ASCII strings, such as the Base64 of the data member, are
	// found with the vectorised IndexByte and checked a word at a time.
	if len(s)-start >= 128 {
		if q := strings.IndexByte(s[start:], '"'); q >= 64 {
			seg := s[start : start+q]
			if strings.IndexByte(seg, '\\') < 0 && plainASCII(seg) {
				p.i = start + q + 1
				return seg, nil
			}
		}
	}
	j := start
	for j < len(s) {
		if j+8 <= len(s) {
			if w := load64(s, j); w&msb == 0 && !strStop(w) {
				j += 8
				continue
			}
		}
		c := s[j]
		if c == '"' {
			p.i = j + 1
			return s[start:j], nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		if c >= utf8.RuneSelf {
			if cjk3(s, j) {
				j = skipCJK(s, j+3)
				continue
			}
			n := utf8Len(s, j)
			if n == 0 {
				return "", p.notUTF8(j)
			}
			j += n
			continue
		}
		j++
	}
	buf := append(p.grab(), s[start:j]...)
	for j < len(s) {
		// Copy the run up to the next special byte in one piece.
		run := j
		for j < len(s) {
			if j+8 <= len(s) {
				if w := load64(s, j); w&msb == 0 && !strStop(w) {
					j += 8
					continue
				}
			}
			c := s[j]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			if c >= utf8.RuneSelf {
				if cjk3(s, j) {
					j = skipCJK(s, j+3)
					continue
				}
				n := utf8Len(s, j)
				if n == 0 {
					p.scratch = buf
					return "", p.notUTF8(j)
				}
				j += n
				continue
			}
			j++
		}
		buf = append(buf, s[run:j]...)
		if j >= len(s) {
			break
		}
		c := s[j]
		switch {
		case c == '"':
			p.i = j + 1
			p.scratch = buf
			return string(buf), nil
		case c < 0x20:
			p.i = j
			return "", newErr(p.layer, ErrNotJSON, "invalid JSON at byte "+itoa(j)+": control character 0x"+hex2(c)+" inside a string",
				"line breaks and tabs inside JSON strings must be written \\n and \\t: the sender did not escape them")
		}
		if j+1 >= len(s) {
			break
		}
		e := s[j+1]
		j += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
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
			r, ok := hex4(s, j)
			if !ok {
				p.i = j
				return "", p.syntax("expected 4 hex digits after \\u")
			}
			j += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if r < 0xDC00 && j+6 <= len(s) && s[j] == '\\' && s[j+1] == 'u' {
					r2, ok = hex4(s, j+2)
				}
				if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
					p.i = j - 6
					return "", newErr(p.layer, ErrNotJSON, "invalid JSON at byte "+itoa(j-6)+": \\u"+hex4s(r)+" is half of a UTF-16 surrogate pair without its other half",
						"the sender cut a character outside the Basic Multilingual Plane (an emoji) in two")
				}
				r = utf16.DecodeRune(r, r2)
				j += 6
			}
			buf = utf8.AppendRune(buf, r)
		default:
			p.i = j - 1
			return "", p.syntax("unknown escape after '\\'")
		}
	}
	p.i = len(s)
	p.scratch = buf
	return "", p.syntax("unterminated string")
}

func hex4(s string, j int) (rune, bool) {
	if j+4 > len(s) {
		return 0, false
	}
	var r rune
	for k := 0; k < 4; k++ {
		c := s[j+k]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func hex4s(r rune) string {
	const h = "0123456789abcdef"
	return string([]byte{h[r>>12&15], h[r>>8&15], h[r>>4&15], h[r&15]})
}

// needsEscape marks the bytes a JSON string must escape.
var needsEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'] = true
	t['\\'] = true
	return t
}()

// Eight bytes at a time: load64 reads s[i:i+8] as a little-endian word,
// and strStop reports whether it holds a '"', a '\' or a control
// character, the bytes that end a run of plain string text.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func strStop(w uint64) bool {
	q := w ^ (lsb * '"')
	b := w ^ (lsb * '\\')
	return ((q-lsb)&^q|(b-lsb)&^b|(w-lsb*0x20)&^w)&msb != 0
}

// validUTF8 is utf8.ValidString, faster on the text this package sees:
// ASCII eight bytes at a time, and the three-byte sequences of Chinese
// text without the general decoder.
func validUTF8(s string) bool {
	i := 0
	for i < len(s) {
		if i+8 <= len(s) && load64(s, i)&msb == 0 {
			i += 8
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if cjk3(s, i) {
			i = skipCJK(s, i+3)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		i += n
	}
	return true
}

// appendQuoted appends s as a JSON string: raw UTF-8, escaping only '"',
// '\' and control characters, as JSON.stringify does. Invalid UTF-8 is
// written as \ufffd.
func appendQuoted(dst []byte, s string) []byte {
	dst, _ = quoteUTF8(dst, s, false)
	return dst
}

// quoteUTF8 is appendQuoted checking UTF-8 as it goes. When strict, it
// stops at the first invalid byte and reports false.
func quoteUTF8(dst []byte, s string, strict bool) ([]byte, bool) {
	dst = append(dst, '"')
	if len(s) >= 128 && strings.IndexByte(s, '"') < 0 && strings.IndexByte(s, '\\') < 0 && plainASCII(s) {
		// Long plain text, such as Base64: nothing to escape.
		dst = append(dst, s...)
		return append(dst, '"'), true
	}
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			if w := load64(s, i); w&msb == 0 && !strStop(w) {
				i += 8
				continue
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if needsEscape[c] {
				dst = append(dst, s[start:i]...)
				dst = appendEscape(dst, c)
				start = i + 1
			}
			i++
			continue
		}
		if cjk3(s, i) {
			i = skipCJK(s, i+3)
			continue
		}
		n := utf8Len(s, i)
		if n == 0 {
			if strict {
				return dst, false
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			start = i + 1
			n = 1
		}
		i += n
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), true
}

// appendQuotedValid is appendQuoted for text known to be valid UTF-8.
func appendQuotedValid(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && !strStop(load64(s, i)) {
			i += 8
			continue
		}
		c := s[i]
		if !needsEscape[c] {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscape(dst, c)
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
}
