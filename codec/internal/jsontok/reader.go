package jsontok

import (
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the JSON type of a value.
type Kind uint8

// The JSON types, in the order of the codec's Kind constants.
const (
	String Kind = iota
	Number
	Bool
	Null
	Object
	Array
)

// Code says what is wrong with a text.
type Code uint8

// The errors a Reader reports.
const (
	// Syntax: the text is not JSON at Off; What says what was expected.
	Syntax Code = iota + 1
	// BadUTF8: the byte at Off is not part of valid UTF-8.
	BadUTF8
	// Control: the control character Byte is raw inside a string at Off.
	Control
	// Surrogate: the \u escape at Off is half of a UTF-16 surrogate pair
	// without its other half, Rune.
	Surrogate
	// Colon: no ':' at Off after the member name Key.
	Colon
	// TooDeep: the container at Off is nested more than MaxDepth deep.
	TooDeep
	// Duplicate: an object names the member Key twice.
	Duplicate
)

// Error is a text that is not strict JSON. A Reader returns its errors
// without allocating: the one returned holds until the next it returns.
type Error struct {
	Code Code
	Off  int    // the byte offset where the text went wrong
	What string // Syntax: what was expected there
	Key  string // Colon, Duplicate: the member name
	Byte byte   // Control: the character
	Rune rune   // Surrogate: the half given
}

func (e *Error) Error() string {
	switch e.Code {
	case BadUTF8:
		return "invalid UTF-8 at byte " + itoa(e.Off)
	case Control:
		return "control character inside a string at byte " + itoa(e.Off)
	case Surrogate:
		return "half of a surrogate pair at byte " + itoa(e.Off)
	case Colon:
		return "expected ':' after a member name at byte " + itoa(e.Off)
	case TooDeep:
		return "nested too deep at byte " + itoa(e.Off)
	case Duplicate:
		return "a member name occurs twice in one object"
	}
	return "invalid JSON at byte " + itoa(e.Off) + ": " + e.What
}

// Reader reads the JSON text S from offset I on. Its methods read one
// token each (with the space around it, where they say so) and leave I
// after it; on error, I is where the text went wrong.
type Reader struct {
	S        string
	I        int
	MaxDepth int // the deepest nesting Enter allows; the outermost container is at depth 1
	// Replace reads a byte that is not UTF-8, and half of a surrogate
	// pair, as U+FFFD, as encoding/json does, instead of refusing it.
	Replace bool

	// GetBuf, if set, lends the scratch buffer for unescaped strings,
	// taken on the first escape met; Release gives it back with PutBuf.
	GetBuf  func() *[]byte
	PutBuf  func(*[]byte)
	scratch []byte
	buf     *[]byte
	err     Error // the last error, returned by pointer without allocating
}

// fail records e as the reader's error.
func (r *Reader) fail(e Error) *Error {
	r.err = e
	return &r.err
}

func (r *Reader) grab() []byte {
	if r.buf == nil && r.scratch == nil && r.GetBuf != nil {
		r.buf = r.GetBuf()
		r.scratch = (*r.buf)[:0]
	}
	return r.scratch[:0]
}

// Release gives back the scratch buffer lent by GetBuf.
func (r *Reader) Release() {
	if r.buf != nil {
		*r.buf = r.scratch[:0]
		r.PutBuf(r.buf)
		r.buf, r.scratch = nil, nil
	}
}

// IsSpace reports whether c is JSON white space.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// SkipSpace moves I past white space.
func (r *Reader) SkipSpace() {
	for r.I < len(r.S) && IsSpace(r.S[r.I]) {
		r.I++
	}
}

// AtEnd reports whether only white space is left, moving I past it.
func (r *Reader) AtEnd() bool {
	r.SkipSpace()
	return r.I == len(r.S)
}

// Peek returns the byte at I, or 0 at the end of the text.
func (r *Reader) Peek() byte {
	if r.I < len(r.S) {
		return r.S[r.I]
	}
	return 0
}

// Syntax returns a Syntax error at I.
func (r *Reader) Syntax(what string) *Error { return r.fail(Error{Code: Syntax, Off: r.I, What: what}) }

// Enter reads the '{' or '[' at I of a container at depth, and the space
// after it, and reports whether the container is empty, its closing
// bracket read too.
func (r *Reader) Enter(depth int) (empty bool, err *Error) {
	if depth > r.MaxDepth {
		return false, r.fail(Error{Code: TooDeep, Off: r.I})
	}
	closer := byte('}')
	if r.S[r.I] == '[' {
		closer = ']'
	}
	r.I++
	r.SkipSpace()
	if r.I < len(r.S) && r.S[r.I] == closer {
		r.I++
		return true, nil
	}
	return false, nil
}

// Name reads a member name, the ':' after it and the space after that.
func (r *Reader) Name() (string, *Error) {
	if r.I >= len(r.S) || r.S[r.I] != '"' {
		return "", r.Syntax("expected '\"' to start a member name")
	}
	key, err := r.String()
	if err != nil {
		return "", err
	}
	r.SkipSpace()
	if r.I >= len(r.S) || r.S[r.I] != ':' {
		return "", r.fail(Error{Code: Colon, Off: r.I, Key: key})
	}
	r.I++
	r.SkipSpace()
	return key, nil
}

// More reads the space after a member (obj) or an array element and then
// ',' and the space after it, reporting true, or the closing bracket,
// reporting false.
func (r *Reader) More(obj bool) (bool, *Error) {
	r.SkipSpace()
	if r.I < len(r.S) {
		switch c := r.S[r.I]; {
		case c == ',':
			r.I++
			r.SkipSpace()
			return true, nil
		case c == '}' && obj, c == ']' && !obj:
			r.I++
			return false, nil
		}
	}
	if obj {
		return false, r.Syntax("expected ',' or '}' after a member")
	}
	return false, r.Syntax("expected ',' or ']' after an array element")
}

// Value reads the value at I, appending its compact form to dst: names
// and strings re-escaped by AppendString, numbers as written. depth is the
// nesting depth of the value if it is an container. An object that names
// a member twice is refused.
func (r *Reader) Value(dst []byte, depth int) ([]byte, Kind, *Error) {
	if r.I >= len(r.S) {
		return dst, 0, r.Syntax("expected a value")
	}
	switch c := r.S[r.I]; c {
	case '{', '[':
		empty, err := r.Enter(depth)
		if err != nil {
			return dst, 0, err
		}
		obj := c == '{'
		closer, k := byte('}'), Object
		if !obj {
			closer, k = ']', Array
		}
		dst = append(dst, c)
		if empty {
			return append(dst, closer), k, nil
		}
		var keys []string
		for more := true; more; {
			if obj {
				key, err := r.Name()
				if err != nil {
					return dst, 0, err
				}
				keys = append(keys, key)
				dst = appendValid(dst, key)
				dst = append(dst, ':')
			}
			if dst, _, err = r.Value(dst, depth+1); err != nil {
				return dst, 0, err
			}
			if more, err = r.More(obj); err != nil {
				return dst, 0, err
			}
			if more {
				dst = append(dst, ',')
			}
		}
		if k, dup := FirstDuplicate(len(keys), func(i int) string { return keys[i] }); dup {
			return dst, 0, r.fail(Error{Code: Duplicate, Key: k})
		}
		return append(dst, closer), k, nil
	case '"':
		t, err := r.String()
		if err != nil {
			return dst, 0, err
		}
		return appendValid(dst, t), String, nil
	}
	start := r.I
	k, err := r.Scalar()
	if err != nil {
		return dst, 0, err
	}
	return append(dst, r.S[start:r.I]...), k, nil
}

// FirstDuplicate returns the first of n names (name(i) is the i-th) that
// occurs twice, if any.
func FirstDuplicate(n int, name func(int) string) (string, bool) {
	sorted := true
	for i := 1; i < n; i++ {
		if name(i-1) >= name(i) {
			sorted = false
			break
		}
	}
	if sorted {
		return "", false
	}
	if n <= 16 {
		for i := 1; i < n; i++ {
			for j := 0; j < i; j++ {
				if name(i) == name(j) {
					return name(i), true
				}
			}
		}
		return "", false
	}
	seen := make(map[string]struct{}, n)
	for i := range n {
		k := name(i)
		if _, ok := seen[k]; ok {
			return k, true
		}
		seen[k] = struct{}{}
	}
	return "", false
}

// Scalar reads a number, true, false or null at I.
func (r *Reader) Scalar() (Kind, *Error) {
	s := r.S
	switch s[r.I] {
	case 't':
		if strings.HasPrefix(s[r.I:], "true") {
			r.I += 4
			return Bool, nil
		}
	case 'f':
		if strings.HasPrefix(s[r.I:], "false") {
			r.I += 5
			return Bool, nil
		}
	case 'n':
		if strings.HasPrefix(s[r.I:], "null") {
			r.I += 4
			return Null, nil
		}
	default:
		n := NumberLen(s[r.I:])
		if n > 0 {
			r.I += n
			return Number, nil
		}
		if n < 0 {
			r.I -= n
			return 0, r.Syntax("malformed number")
		}
	}
	return 0, r.Syntax("expected a value")
}

// NumberLen returns the length of the JSON number at the start of s, 0 if
// s does not start like a number, or minus the offset of the first bad
// byte (len(s) when s ends inside the number).
func NumberLen[T ~string | ~[]byte](s T) int {
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
		i = digits(s, i+1)
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
		i = digits(s, i)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return -i
		}
		i = digits(s, i)
	}
	return i
}

func digits[T ~string | ~[]byte](s T, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// IsNumber reports whether s is exactly one JSON number literal.
func IsNumber(s string) bool { return s != "" && NumberLen(s) == len(s) }

// String reads the string whose opening quote is at I and returns its
// decoded value. Without escapes the result is a substring of S.
func (r *Reader) String() (string, *Error) {
	start, j, bad, plain := r.stringRun()
	if plain {
		return r.S[start:j], nil
	}
	buf, err := r.unescape(append(r.grab(), r.S[start:j]...), j, bad)
	r.scratch = buf
	if err != nil {
		return "", err
	}
	return string(buf), nil
}

// StringAppend reads the string whose opening quote is at I, as String
// does, and appends its decoded value to dst: a caller keeping the value
// in memory of its own copies it once, escapes or not.
func (r *Reader) StringAppend(dst []byte) ([]byte, *Error) {
	start, j, bad, plain := r.stringRun()
	if plain {
		return append(dst, r.S[start:j]...), nil
	}
	return r.unescape(append(dst, r.S[start:j]...), j, bad)
}

// stringRun reads the string whose opening quote is at I up to its first
// escape, invalid byte or control character, reporting where the content
// starts and where the run ends. When the run is the whole string, plain
// is true and I is after its closing quote.
func (r *Reader) stringRun() (start, end int, bad, plain bool) {
	s := r.S
	start = r.I + 1
	j, bad, long := validRun(s, start, true)
	if long {
		// Long plain ASCII strings, such as the Base64 of the data
		// member, are read to their end with the vectorised IndexByte
		// and checked four words at a time; once a string, so that the
		// reading stays linear.
		if q := strings.IndexByte(s[j:], '"'); q >= 0 {
			if seg := s[j : j+q]; strings.IndexByte(seg, '\\') < 0 && PlainASCII(seg) {
				r.I = j + q + 1
				return start, j + q, false, true
			}
		}
		j, bad, _ = validRun(s, j, false)
	}
	if !bad && j < len(s) && s[j] == '"' {
		r.I = j + 1
		return start, j, false, true
	}
	return start, j, bad, false
}

// unescape reads the rest of a string from s[j], the end of a run
// stringRun or validRun returned (bad: an invalid byte is there), and
// appends its decoded value to buf. buf is returned on error too.
func (r *Reader) unescape(buf []byte, j int, bad bool) ([]byte, *Error) {
	s := r.S
	for j < len(s) {
		if bad {
			if !r.Replace {
				r.I = j
				return buf, r.fail(Error{Code: BadUTF8, Off: j})
			}
			buf = append(buf, "\uFFFD"...)
			j++
		} else {
			c := s[j]
			switch {
			case c == '"':
				r.I = j + 1
				return buf, nil
			case c < 0x20:
				r.I = j
				return buf, r.fail(Error{Code: Control, Off: j, Byte: c})
			}
			// A backslash: runs of \" \\ and \/ first, the escapes of
			// JSON text held in a string.
			for j+1 < len(s) && s[j] == '\\' && (s[j+1] == '"' || s[j+1] == '\\' || s[j+1] == '/') {
				buf = append(buf, s[j+1])
				j += 2
			}
			if j < len(s) && s[j] == '\\' {
				ch, w, e := decodeEscape(s, j)
				switch e {
				case escMore:
					j = len(s)
					continue
				case escBadHex:
					r.I = j + 2
					return buf, r.Syntax("expected 4 hex digits after \\u")
				case escUnknown:
					r.I = j + 1
					return buf, r.Syntax("unknown escape after '\\'")
				case escLone:
					if !r.Replace {
						r.I = j
						return buf, r.fail(Error{Code: Surrogate, Off: j, Rune: ch})
					}
					ch = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, ch)
				j += w
			}
		}
		run := j
		j, bad, _ = validRun(s, j, false)
		buf = append(buf, s[run:j]...)
	}
	r.I = len(s)
	return buf, r.Syntax("unterminated string")
}

// validRun returns the end of the run of valid string content from s[j]:
// the offset of the next '"', '\', control character or the end of s, or
// of an invalid UTF-8 byte, with bad set. With probe, it stops early, with
// long set, after 64 bytes of plain ASCII in a row.
func validRun(s string, j int, probe bool) (end int, bad, long bool) {
	clean := 0 // words of plain ASCII in a row
	for j < len(s) {
		if j+8 <= len(s) {
			// Plain ASCII eight bytes at a time, then straight to the
			// first byte that needs a look.
			if probe && clean == 8 {
				return j, false, true
			}
			w := load64(s, j)
			m := stopMask(w) | w&msb
			if m == 0 {
				j += 8
				clean++
				continue
			}
			clean = 0
			j += bits.TrailingZeros64(m) >> 3
		}
		c := s[j]
		if c == '"' || c == '\\' || c < 0x20 {
			return j, false, false
		}
		if c >= utf8.RuneSelf {
			if cjk3(s, j) {
				j = skipCJK(s, j+3)
				continue
			}
			n := utf8Len(s, j)
			if n == 0 {
				return j, true, false
			}
			j += n
			continue
		}
		j++
	}
	return j, false, false
}

// Escape decoding results.
const (
	escOK      = iota
	escMore    // the text ends inside the escape
	escUnknown // no such escape
	escBadHex  // \u without 4 hex digits
	escLone    // half a surrogate pair: the rune is the half
)

// decodeEscape decodes the escape at s[j] == '\\': the character and the
// width of its text (a surrogate pair is one escape of width 12).
func decodeEscape[T ~string | ~[]byte](s T, j int) (rune, int, int) {
	if j+1 >= len(s) {
		return 0, 0, escMore
	}
	switch e := s[j+1]; e {
	case '"', '\\', '/':
		return rune(e), 2, escOK
	case 'b':
		return '\b', 2, escOK
	case 'f':
		return '\f', 2, escOK
	case 'n':
		return '\n', 2, escOK
	case 'r':
		return '\r', 2, escOK
	case 't':
		return '\t', 2, escOK
	case 'u':
		r, ok := hex4(s, j+2)
		if !ok {
			return 0, 0, escBadHex
		}
		if !utf16.IsSurrogate(r) {
			return r, 6, escOK
		}
		if r < 0xDC00 && j+12 <= len(s) && s[j+6] == '\\' && s[j+7] == 'u' {
			if r2, ok := hex4(s, j+8); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
				return utf16.DecodeRune(r, r2), 12, escOK
			}
		}
		return r, 6, escLone
	}
	return 0, 0, escUnknown
}

// hex4 reads the four hex digits at s[j:].
func hex4[T ~string | ~[]byte](s T, j int) (rune, bool) {
	if j+4 > len(s) {
		return 0, false
	}
	var r rune
	for k := 0; k < 4; k++ {
		d, ok := hexVal(s[j+k])
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// IsHex reports whether c is a hex digit.
func IsHex(c byte) bool {
	_, ok := hexVal(c)
	return ok
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
