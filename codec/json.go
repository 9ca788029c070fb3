package codec

import (
	"strings"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// This file holds the package's use of the one strict JSON reader and
// string writer, package jsontok: the object parser that builds members,
// and the wording of jsontok's errors for the package's layers.

// parser reads one strict JSON text (RFC 8259, no duplicate object members,
// nesting bounded by MaxDepth) with the tokenizer, for one layer.
type parser struct {
	jsontok.Reader
	layer Layer
}

func newParser(s string, layer Layer) parser {
	return parser{Reader: jsontok.Reader{S: s, MaxDepth: MaxDepth, GetBuf: getBuf, PutBuf: putBuf}, layer: layer}
}

// syntax reports a JSON syntax error at the current offset, or the
// invalid UTF-8 found there.
func (p *parser) syntax(what string) *Error {
	got := "the end of the text"
	if p.I < len(p.S) {
		r, n := utf8.DecodeRuneInString(p.S[p.I:])
		if r == utf8.RuneError && n == 1 {
			return p.notUTF8(p.I)
		}
		got = Quote(string(r), 8)
	}
	return newErr(p.layer, ErrNotJSON, "invalid JSON at byte "+itoa(p.I)+": "+what+", found "+got, p.syntaxHint())
}

// fail words the tokenizer's error e for the parser's layer.
func (p *parser) fail(e *jsontok.Error) *Error {
	p.I = e.Off
	switch e.Code {
	case jsontok.BadUTF8:
		return p.notUTF8(e.Off)
	case jsontok.Control:
		return newErr(p.layer, ErrNotJSON, "invalid JSON at byte "+itoa(e.Off)+": control character 0x"+hex2(e.Byte)+" inside a string",
			"line breaks and tabs inside JSON strings must be written \\n and \\t: the sender did not escape them")
	case jsontok.Surrogate:
		return newErr(p.layer, ErrNotJSON, "invalid JSON at byte "+itoa(e.Off)+": \\u"+hex4s(e.Rune)+" is half of a UTF-16 surrogate pair without its other half",
			"the sender cut a character outside the Basic Multilingual Plane (an emoji) in two")
	case jsontok.Colon:
		return p.syntax("expected ':' after the member name " + Quote(e.Key, 40))
	case jsontok.TooDeep:
		return newErr(p.layer, ErrTooDeep, "objects and arrays are nested more than "+itoa(MaxDepth)+" deep at byte "+itoa(e.Off),
			"no OTT Pay message nests this deep: the input is malformed or hostile")
	case jsontok.Duplicate:
		return dupErr(e.Key, p.layer)
	}
	return p.syntax(e.What)
}

// notUTF8 reports the invalid UTF-8 byte at offset off.
func (p *parser) notUTF8(off int) *Error {
	p.I = off
	hint := "the text must be UTF-8: it was probably saved or sent in another character set (GBK, Latin-1)"
	if p.layer == LayerPlaintext {
		hint = "the data decrypted with a valid padding but is not UTF-8 text: almost always a wrong sign key"
	}
	return newErr(p.layer, ErrNotUTF8, "invalid UTF-8 byte 0x"+hex2(p.S[off])+" at byte "+itoa(off), hint)
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

// str reads the string at p.I.
func (p *parser) str() (string, *Error) {
	s, err := p.String()
	if err != nil {
		return "", p.fail(err)
	}
	return s, nil
}

// scalar reads the number, true, false or null at p.I.
func (p *parser) scalar() (Kind, *Error) {
	k, err := p.Scalar()
	if err != nil {
		return 0, p.fail(err)
	}
	return Kind(k), nil
}

// value reads any JSON value at p.I, appending its compact form to dst.
// depth is the nesting depth of the value if it is an object or array.
func (p *parser) value(dst []byte, depth int) ([]byte, Kind, *Error) {
	dst, k, err := p.Value(dst, depth)
	if err != nil {
		return dst, 0, p.fail(err)
	}
	return dst, Kind(k), nil
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

func hex4s(r rune) string {
	const h = "0123456789abcdef"
	return string([]byte{h[r>>12&15], h[r>>8&15], h[r>>4&15], h[r&15]})
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
	for i < len(b) && jsontok.IsSpace(b[i]) {
		i++
	}
	if i < len(b) {
		switch c := b[i]; {
		case c == '{' || c == '[' || c == '"' || c == '-' || c >= '0' && c <= '9' || c == 't' || c == 'f' || c == 'n':
		default:
			p := newParser(string(b[:min(len(b), i+utf8.UTFMax)]), layer)
			p.I = i
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
	p := newParser(s, layer)
	defer p.Release()
	p.SkipSpace()
	if p.I == len(s) {
		return nil, newErr(layer, ErrNotJSON, "the text is empty", emptyHint(layer))
	}
	if s[p.I] != '{' {
		return nil, p.notObject()
	}
	members, err := p.members(dst)
	if err != nil {
		return nil, err
	}
	if !p.AtEnd() {
		return nil, newErr(layer, ErrNotJSON, "text after the end of the object at byte "+itoa(p.I),
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
	start := p.I
	var dst []byte
	_, _, err := p.value(dst, 1)
	if err != nil {
		if err.Err == ErrTooDeep {
			return err
		}
		p.I = start
		return p.syntax("expected '{' to start an object")
	}
	if !p.AtEnd() {
		p.I = start
		return p.syntax("expected '{' to start an object")
	}
	kind := "a JSON value"
	switch c := p.S[start]; {
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
	if c := p.S[start]; c == '"' {
		hint = "the object was sent as a JSON string (encoded twice): decode the string first"
	}
	return newErr(p.layer, ErrNotObject, "the text is "+kind+", not an object", hint)
}

// members parses an object whose '{' is at p.I, at depth 1.
func (p *parser) members(members []Member) ([]Member, *Error) {
	if empty, _ := p.Enter(1); empty {
		if members == nil {
			members = []Member{}
		}
		return members, nil
	}
	if members == nil {
		// Every member has a ':' after its name: their count bounds the
		// member count (colons inside values make it larger, not smaller).
		members = make([]Member, 0, min(1+strings.Count(p.S[p.I:], ":"), 4096))
	}
	var nested []byte
	for more := true; more; {
		key, e := p.Name()
		if e != nil {
			return nil, p.fail(e)
		}
		var v Value
		var err *Error
		switch p.Peek() {
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
		case 0:
			return nil, p.syntax("expected a value")
		default:
			start := p.I
			k, err := p.scalar()
			if err != nil {
				return nil, err
			}
			v = Value{Kind: k, Text: p.S[start:p.I]}
		}
		members = append(members, Member{Key: key, Value: v})
		if more, e = p.More(true); e != nil {
			return nil, p.fail(e)
		}
	}
	if err := checkDuplicates(members, p.layer); err != nil {
		return nil, err
	}
	return members, nil
}

// checkDuplicates reports the first member name that occurs twice.
func checkDuplicates(members []Member, layer Layer) *Error {
	// Names in strictly increasing order, as most senders write them,
	// cannot repeat: checked here without a call per name.
	for i := 1; i < len(members); i++ {
		if members[i-1].Key >= members[i].Key {
			if k, dup := jsontok.FirstDuplicate(len(members), func(i int) string { return members[i].Key }); dup {
				return dupErr(k, layer)
			}
			return nil
		}
	}
	return nil
}

func dupErr(key string, layer Layer) *Error {
	return newErr(layer, ErrDuplicate, "the member "+Quote(key, 60)+" occurs twice in one object",
		"receivers disagree on which copy counts, so such a message is refused: the sender must send each name once")
}

// isJSONNumber reports whether s is exactly one JSON number literal.
func isJSONNumber(s string) bool { return jsontok.IsNumber(s) }

// validUTF8 is utf8.ValidString, faster on the text this package sees.
func validUTF8(s string) bool { return jsontok.ValidUTF8(s) }

// appendQuoted appends s as a JSON string: raw UTF-8, escaping only '"',
// '\' and control characters, as JSON.stringify does. Invalid UTF-8 is
// written as \ufffd.
func appendQuoted(dst []byte, s string) []byte {
	dst, _ = jsontok.AppendString(dst, s, 0)
	return dst
}
