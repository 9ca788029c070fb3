package codec

import (
	"errors"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Limits on untrusted input.
const (
	// MaxMessageSize bounds an HTTP body, a data field and a plaintext.
	MaxMessageSize = 16 << 20
	// MaxDepth bounds JSON nesting: the outermost object is depth 1.
	MaxDepth = 64
)

// Sentinel errors, tested with errors.Is. Every error the package returns
// is an *Error wrapping one of these.
var (
	ErrAESKey       = errors.New("AES key is not 16 bytes")
	ErrTooLarge     = errors.New("input too large")
	ErrNotJSON      = errors.New("not valid JSON")
	ErrNotObject    = errors.New("not a JSON object")
	ErrDuplicate    = errors.New("duplicate member")
	ErrTooDeep      = errors.New("nesting too deep")
	ErrNotUTF8      = errors.New("not valid UTF-8")
	ErrMissingField = errors.New("missing field")
	ErrFieldType    = errors.New("field has the wrong type")
	ErrBadMD5       = errors.New("md5 is not 32 hex digits")
	ErrNoData       = errors.New("envelope carries no data")
	ErrBase64       = errors.New("bad Base64")
	ErrLength       = errors.New("ciphertext length is not a positive multiple of 16")
	ErrPadding      = errors.New("bad PKCS#7 padding")
	ErrKeyCase      = errors.New("sign key works only in another letter case")
	ErrMD5Mismatch  = errors.New("md5 does not match the decrypted data")
	ErrNonString    = errors.New("non-string value needs a rule")
	ErrUnknownRule  = errors.New("unknown rule")
	ErrEmptySignKey = errors.New("empty sign key")
)

// Layer names the stage of encoding or decoding that failed.
type Layer string

// The layers named in errors, from the outside in.
const (
	// LayerInput is a JSON object handed to the package by its caller
	// (ParseObject, an object to seal).
	LayerInput Layer = "input"
	// LayerEnvelope is the outer JSON object: its syntax and its members.
	LayerEnvelope Layer = "envelope"
	// LayerBase64 is the Base64 text of the data member.
	LayerBase64 Layer = "data Base64"
	// LayerDecrypt is AES-128-ECB decryption and the PKCS#7 padding.
	LayerDecrypt Layer = "AES decryption"
	// LayerPlaintext is the decrypted JSON text of the transaction data.
	LayerPlaintext Layer = "decrypted data"
	// LayerVerify is the recomputation of the md5 from the decrypted data.
	LayerVerify Layer = "md5 check"
	// LayerEncode is building the md5 input and the data member.
	LayerEncode Layer = "encoding"
	// LayerKey is the sign key.
	LayerKey Layer = "sign key"
)

// Error is the error type of the package: which layer failed, what was
// wrong, and the likely cause in words a support engineer can act on.
type Error struct {
	Layer Layer
	Err   error  // one of the sentinel errors
	What  string // what was wrong, specifically
	Hint  string // the likely cause and what to do
}

func (e *Error) Error() string {
	s := string(e.Layer) + ": " + e.What
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

// result returns v with e as an error: nil when e is nil. Returning a nil
// *Error as an error directly gives a non-nil error (Go's typed nil), so
// every exported function hands its internal *Error out through here.
func result[T any](v T, e *Error) (T, error) {
	if e != nil {
		return v, e
	}
	return v, nil
}

func newErr(l Layer, sentinel error, what, hint string) *Error {
	return &Error{Layer: l, Err: sentinel, What: what, Hint: hint}
}

// Quote renders text a sender controls for a message a person reads: in
// double quotes, cut to about max bytes on a character boundary ("..."
// marks the cut; no limit when max <= 0), with every character that could
// act on a terminal or change how the text reads written as a Go escape:
// C0 and C1 control characters and DEL (\x1b, \r, \u009b), the
// bidirectional controls U+202A to U+202E and U+2066 to U+2069 and every
// other format, separator or unassigned character (\u202e), and bytes that
// are not UTF-8 (\xff). Quotes and backslashes inside are escaped too, so
// the text cannot pass for the message around it. Printable text, Chinese
// included, is kept as it is.
//
// Every message of this package and of the report, catalogue and command
// line built on it quotes sender text with Quote.
func Quote(s string, max int) string {
	cut := ""
	if max > 0 && len(s) > max {
		n := max
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s, cut = s[:n], "..."
	}
	b := make([]byte, 0, len(s)+2+len(cut))
	b = append(b, '"')
	b = appendEscaped(b, s, true)
	b = append(b, '"')
	return string(append(b, cut...))
}

// Escape writes every character of s that Quote escapes as Quote does,
// and keeps the rest, quotes and backslashes included, as it is: for a
// whole message line, so that nothing in it, whatever its source, reaches
// a terminal or a log raw.
func Escape(s string) string {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !safeRune(r, n) {
			return string(appendEscaped(append(make([]byte, 0, len(s)+8), s[:i]...), s[i:], false))
		}
		i += n
	}
	return s
}

// safeRune reports a character that can be shown as it is.
func safeRune(r rune, size int) bool {
	if r < utf8.RuneSelf {
		return r >= 0x20 && r < 0x7f
	}
	return !(r == utf8.RuneError && size == 1) && unicode.IsPrint(r)
}

// appendEscaped appends s with the characters Quote escapes written as Go
// escapes; quoted also escapes '"' and '\'.
func appendEscaped(b []byte, s string, quoted bool) []byte {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, '\\', 'x', "0123456789abcdef"[s[i]>>4], "0123456789abcdef"[s[i]&15])
		case quoted && (r == '"' || r == '\\'):
			b = append(b, '\\', byte(r))
		case safeRune(r, n):
			b = append(b, s[i:i+n]...)
		default:
			q := strconv.QuoteRune(r) // '\x1b', '\u202e'
			b = append(b, q[1:len(q)-1]...)
		}
		i += n
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }
