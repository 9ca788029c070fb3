package codec

import (
	"strings"
	"unicode/utf8"
	"unsafe"

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

	// Copying (arena not nil): S is the caller's bytes, read in place,
	// and every name and value kept is copied into arena, which is as
	// long as S and so holds them all: the values from the front, in
	// order (lo is where the next goes), the names from the back (hi is
	// where the last went). valuesInOrder stays true while the front holds
	// exactly the values read, concatenated.
	arena         []byte
	lo, hi        int
	valuesInOrder bool
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
	p := newParser(s, layer)
	return p.object(nil)
}

// parseObjectBytes is parseObject for a byte slice, appending the members
// to dst. Text that cannot start a JSON value is refused before anything
// is allocated.
func parseObjectBytes(dst []Member, b []byte, layer Layer) ([]Member, *Error) {
	members, _, err := parseObjectValues(dst, b, layer, nil)
	return members, err
}

// parseObjectValues is parseObjectBytes, also returning, when every value
// of the object is a string or a number, true, false or null, the values'
// texts concatenated in member order ("" otherwise): the md5 input of an
// object whose names are in order, found without another copy.
//
// b is read in place, never written, and not kept: the names and values
// are copied, as read, into one allocation as long as b, or into arena
// when it is that long (the caller's memory, written nowhere else).
func parseObjectValues(dst []Member, b []byte, layer Layer, arena []byte) ([]Member, string, *Error) {
	if len(b) > MaxMessageSize {
		// Refused before the bytes are copied: an over-limit input costs
		// no memory.
		return nil, "", tooLarge(len(b), layer)
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
			return nil, "", p.syntax("expected '{' to start an object")
		}
	}
	if len(b) == 0 {
		p := newParser("", layer)
		members, err := p.object(dst) // "the text is empty"
		return members, "", err
	}
	p := newParser(unsafe.String(&b[0], len(b)), layer) // read only
	if len(arena) >= len(b) {
		p.arena = arena[:len(b):len(b)]
	} else {
		p.arena = make([]byte, len(b))
	}
	p.hi = len(b)
	p.valuesInOrder = true
	members, err := p.object(dst)
	if err != nil {
		return nil, "", err
	}
	values := ""
	if p.valuesInOrder && p.lo > 0 {
		values = unsafe.String(&p.arena[0], p.lo) // written once, as read
	}
	return members, values, nil
}

// object parses p.S as exactly one JSON object, surrounding whitespace
// allowed, appending its members to dst.
func (p *parser) object(dst []Member) ([]Member, *Error) {
	if err := checkText(p.S, p.layer); err != nil {
		return nil, err
	}
	defer p.Release()
	p.SkipSpace()
	if p.I == len(p.S) {
		return nil, newErr(p.layer, ErrNotJSON, "the text is empty", emptyHint(p.layer))
	}
	if p.S[p.I] != '{' {
		return nil, p.notObject()
	}
	members, err := p.members(dst)
	if err != nil {
		return nil, err
	}
	if !p.AtEnd() {
		return nil, newErr(p.layer, ErrNotJSON, "text after the end of the object at byte "+itoa(p.I),
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

// membersOnStack is how many members an object may have before members
// moves them off the stack: the messages of the API have a few dozen.
const membersOnStack = 40

// members parses an object whose '{' is at p.I, at depth 1, appending its
// members to dst. With dst nil they are gathered on the stack and copied
// into one slice of their exact number at the end; an object with more
// members than fit there goes on in a slice sized by counting the ':'
// ahead (every member has one after its name: colons inside values make
// the count larger, not smaller), as the text is read only once more then.
func (p *parser) members(dst []Member) ([]Member, *Error) {
	if empty, _ := p.Enter(1); empty {
		if dst == nil {
			dst = []Member{}
		}
		return dst, nil
	}
	var nested []byte
	more := true
	var err *Error
	if dst == nil {
		var stack [membersOnStack]Member
		n := 0
		for more && n < len(stack) {
			if more, err = p.member(&stack[n], &nested); err != nil {
				return nil, err
			}
			n++
		}
		if !more {
			dst = make([]Member, n)
			copy(dst, stack[:n])
			if err := checkDuplicates(dst, p.layer); err != nil {
				return nil, err
			}
			return dst, nil
		}
		dst = make([]Member, n, n+min(strings.Count(p.S[p.I:], ":"), 4096))
		copy(dst, stack[:n])
	}
	for more {
		dst = append(dst, Member{})
		if more, err = p.member(&dst[len(dst)-1], &nested); err != nil {
			return nil, err
		}
	}
	if err := checkDuplicates(dst, p.layer); err != nil {
		return nil, err
	}
	return dst, nil
}

// member reads one member into m and the ',' or '}' after it, reporting
// whether another member follows. nested is scratch for nested values.
func (p *parser) member(m *Member, nested *[]byte) (more bool, err *Error) {
	key, e := p.Name()
	if e != nil {
		return false, p.fail(e)
	}
	if p.arena != nil {
		key = p.keepName(key)
	}
	var v Value
	switch p.Peek() {
	case '"':
		var t string
		if p.arena != nil {
			t, err = p.keepString()
		} else {
			t, err = p.str()
		}
		if err != nil {
			return false, err
		}
		v = Value{Kind: KindString, Text: t}
	case '{', '[':
		b, k, err := p.value((*nested)[:0], 2)
		*nested = b
		if err != nil {
			return false, err
		}
		v = Value{Kind: k, Text: string(b)}
		p.valuesInOrder = false
	case 0:
		return false, p.syntax("expected a value")
	default:
		start := p.I
		k, err := p.scalar()
		if err != nil {
			return false, err
		}
		t := p.S[start:p.I]
		if p.arena != nil {
			t = p.keepValue(t)
		}
		v = Value{Kind: k, Text: t}
	}
	*m = Member{Key: key, Value: v}
	if more, e = p.More(true); e != nil {
		return false, p.fail(e)
	}
	return more, nil
}

// keepName copies the name k into the back of the arena.
func (p *parser) keepName(k string) string {
	if k == "" {
		return ""
	}
	if len(k) > p.hi-p.lo { // cannot happen: the arena holds all of S
		return strings.Clone(k)
	}
	p.hi -= len(k)
	dst := p.arena[p.hi : p.hi+len(k)]
	copy(dst, k)
	return unsafe.String(&dst[0], len(dst)) // never written again
}

// keepValue copies the scalar text t into the front of the arena.
func (p *parser) keepValue(t string) string {
	if t == "" {
		return ""
	}
	if len(t) > p.hi-p.lo { // cannot happen: the arena holds all of S
		p.valuesInOrder = false
		return strings.Clone(t)
	}
	dst := p.arena[p.lo : p.lo+len(t)]
	copy(dst, t)
	p.lo += len(t)
	return unsafe.String(&dst[0], len(dst)) // never written again
}

// keepString reads the string at p.I, decoding it straight into the
// front of the arena.
func (p *parser) keepString() (string, *Error) {
	b, e := p.StringAppend(p.arena[p.lo:p.lo:p.hi])
	if e != nil {
		return "", p.fail(e)
	}
	if len(b) == 0 {
		return "", nil
	}
	if p.lo == len(p.arena) || &b[0] != &p.arena[p.lo] { // cannot happen: the arena holds all of S
		p.valuesInOrder = false
		return unsafe.String(&b[0], len(b)), nil // b is a new allocation
	}
	p.lo += len(b)
	return unsafe.String(&b[0], len(b)), nil // never written again
}

// checkDuplicates reports the first member name that occurs twice.
func checkDuplicates(members []Member, layer Layer) *Error {
	// Names in strictly increasing order, as most senders write them,
	// cannot repeat: checked here without a call per name.
	if namesIncreasing(members) {
		return nil
	}
	if k, dup := jsontok.FirstDuplicate(len(members), func(i int) string { return members[i].Key }); dup {
		return dupErr(k, layer)
	}
	return nil
}

// namesIncreasing reports whether the member names are in strictly
// increasing byte order. Names that differ in their first byte, most
// neighbours, are ordered by it without comparing the strings.
func namesIncreasing(ms []Member) bool {
	for i := 1; i < len(ms); i++ {
		a, b := ms[i-1].Key, ms[i].Key
		if a != "" && b != "" && a[0] != b[0] {
			if a[0] > b[0] {
				return false
			}
			continue
		}
		if a >= b {
			return false
		}
	}
	return true
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
