package codec

import (
	"errors"
	"strconv"
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

// quote renders s for an error message: quoted, shortened to about max
// bytes (cut on a character boundary), invalid UTF-8 shown escaped.
func quote(s string, max int) string {
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "..."
	}
	return strconv.Quote(s)
}

// clip shortens s to about max bytes, cut on a character boundary.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func itoa(n int) string { return strconv.Itoa(n) }
