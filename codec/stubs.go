package codec

// TEMPORARY: compiling stubs of the exported functions, so that the other
// packages can build against the API while the codec is written. The codec
// author replaces each stub with the real body in the file of its layer and
// deletes this file.

import "errors"

var errTODO = errors.New("codec: not implemented yet")

// Limits on untrusted input.
const (
	// MaxMessageSize bounds an HTTP body, a data field and a plaintext.
	MaxMessageSize = 16 << 20
	// MaxDepth bounds JSON nesting.
	MaxDepth = 64
)

// Sentinel errors, tested with errors.Is. Every error the package returns
// is an *Error wrapping one of these.
var (
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

// Layer names the stage of decoding that failed.
type Layer string

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

// ParseRule parses a rule name ("strings", "js", "cryptojs", "php", "java").
func ParseRule(s string) (Rule, error) { return "", errTODO }

// ParseObject parses a strict JSON object (see the package doc).
func ParseObject(b []byte) (*Object, error) { return nil, errTODO }

// Get returns the value of key.
func (o *Object) Get(key string) (Value, bool) { return Value{}, false }

// Set replaces the value of key, or appends it.
func (o *Object) Set(key string, v Value) {}

// SetString sets a string member.
func (o *Object) SetString(key, s string) { o.Set(key, Value{Kind: String, Text: s}) }

// AppendJSON appends the compact JSON text of o (raw UTF-8, no HTML escaping).
func (o *Object) AppendJSON(dst []byte) []byte { return dst }

// MarshalJSON implements json.Marshaler.
func (o *Object) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

// UnmarshalJSON implements json.Unmarshaler with ParseObject's rules.
func (o *Object) UnmarshalJSON(b []byte) error { return errTODO }

// SortedValues returns the md5 input of o under rule r.
func SortedValues(o *Object, r Rule) (string, error) { return "", errTODO }

// Digest returns the uppercase hex md5 of o under rule r.
func Digest(o *Object, r Rule) (string, error) { return "", errTODO }

// Verify recomputes the md5 of o under each applicable rule.
func Verify(o *Object, md5 string) Verification { return Verification{} }

// AESKey derives the 16-character AES key from an md5 and a sign key.
func AESKey(md5, signKey string) string { return "" }

// EncryptData encrypts plaintext and returns standard Base64.
func EncryptData(aesKey string, plaintext []byte) string { return "" }

// DecryptData decodes Base64 data, decrypts it and removes the padding.
func DecryptData(aesKey, data string) (plaintext []byte, padding int, err error) {
	return nil, 0, errTODO
}

// Seal computes the md5 and the data field for o.
func Seal(o *Object, signKey string, r Rule) (md5, data string, err error) {
	return "", "", errTODO
}

// Open decrypts data with the key derived from md5 and verifies it.
func Open(md5, data, signKey string) (*Opened, error) { return nil, errTODO }

// ParseEnvelope parses one envelope JSON object.
func ParseEnvelope(b []byte) (*Envelope, error) { return nil, errTODO }

// Seal fills e.Data and e.MD5 from o.
func (e *Envelope) Seal(o *Object, signKey string, r Rule) error { return errTODO }

// Open decrypts and verifies the envelope's data.
func (e *Envelope) Open(signKey string) (*Opened, error) { return nil, errTODO }

// MarshalJSON writes the envelope as compact JSON.
func (e *Envelope) MarshalJSON() ([]byte, error) { return nil, errTODO }

// DecodeBody decodes exactly one HTTP body under the strict rules.
func DecodeBody(body []byte, signKey string) (*Envelope, *Opened, error) {
	return nil, nil, errTODO
}

// String returns "request", "response" or "callback".
func (k EnvelopeKind) String() string { return "" }
