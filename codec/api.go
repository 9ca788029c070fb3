package codec

// This file declares the package's exported types. The functions live in
// the files named after each layer:
//
// The everyday API, for sending and receiving messages:
//
//   - object.go: ParseObject and the Object methods (Get, Set, SetString,
//     AppendJSON);
//   - envelope.go: ParseEnvelope, Envelope.Seal, Envelope.Open,
//     Envelope.MarshalJSON;
//   - open.go: Seal and DecodeBody (one HTTP body under the strict rules);
//   - rule.go: ParseRule and Presets;
//   - errors.go: the limits, the sentinel errors and *Error, and Quote
//     and Escape, which keep text a sender controls from reaching a
//     terminal or a log raw in any message.
//
// The primitives, one step of the scheme each, for tools that show the
// steps (the workbench, the command line's explain) and for tests; a
// message built or read with them alone is not checked as Seal and Open
// check it:
//
//   - digest.go and the rule*.go files: SortedValues (step 1, the md5
//     input under each value rule), Digest (step 2), Verify (the md5
//     check, rulesearch.go);
//   - crypto.go: AESKey (step 3), EncryptData and DecryptData (step 4,
//     AES-128-ECB/PKCS#7 and Base64).
//
// Internals: json.go (the object parser and the wording of its errors,
// over the one strict tokenizer in internal/jsontok, which also writes
// JSON strings).

// Kind is the JSON type of a value inside a transaction data object.
type Kind uint8

// The JSON types a member value can have.
const (
	KindString Kind = iota
	KindNumber
	KindBool
	KindNull
	KindObject
	KindArray
)

// Value is one member value of a transaction data object.
//
// Text holds: the decoded string for String; the number literal exactly as
// written for Number; "true" or "false" for Bool; "null" for Null; the
// compact JSON text (raw UTF-8, no HTML escaping) for ObjectKind and
// ArrayKind.
type Value struct {
	Kind Kind
	Text string
}

// Member is one key/value pair of an Object, in the order it was written.
type Member struct {
	Key   string
	Value Value
}

// Object is a JSON object that remembers the order of its members and the
// text of each value, which is what the md5 and the ciphertext depend on.
// The zero value is an empty object ready to use.
type Object struct {
	Members []Member
}

// Rule names a convention for rendering non-string values and ordering keys
// when building the md5 input. The documented scheme defines only string
// values; senders disagree on everything else (see the package doc). A
// Rule is a preset name (the constants below and RuleJackson, RuleJSDot0,
// RuleJSJoin) or a combination of independent dimensions, such as
// "numbers=dot0,ints=number,bool=text,null=empty,nested=json,keys=utf16"
// (see ParseRule, which also gives every combination one spelling).
type Rule string

// The first sender rules. RuleStrings is the documented scheme: every value
// must be a string and keys sort by their UTF-8 bytes.
const (
	RuleStrings  Rule = "strings"
	RuleJS       Rule = "js"
	RuleCryptoJS Rule = "cryptojs"
	RulePHP      Rule = "php"
	RuleJava     Rule = "java"
)

// EnvelopeKind says which of the three envelope shapes a message has. The
// zero value is an envelope with only data and md5 (see ParseEnvelope).
type EnvelopeKind uint8

// The envelope shapes.
const (
	Request EnvelopeKind = iota + 1
	Response
	Callback
)

// Envelope is the outer JSON object of a request, response or callback.
// Members the protocol does not define are kept, in order, in Extra.
type Envelope struct {
	Kind       EnvelopeKind
	Action     string
	Version    string
	MerchantID string
	RspCode    string
	RspMsg     string
	// RspCodeName is the member name the rsp_code was read from:
	// "rsp_code", or "rep_code" as the common-rules table spells it.
	RspCodeName string
	Data        string
	MD5         string
	// HasData and HasMD5 say whether the members were present at all; a
	// failure response may carry neither.
	HasData bool
	HasMD5  bool
	Extra   []Member
}

// RuleDigest is the md5 input and digest computed under one rule (a preset
// or a combination).
type RuleDigest struct {
	Rule  Rule
	Input string // the sorted, concatenated values
	MD5   string // uppercase hex
	Err   error  // the rule cannot render this object
	Match bool   // MD5 equals the envelope md5 (case-insensitively)
}

// Verification is the result of recomputing the md5 of a decrypted object.
type Verification struct {
	// Verified is true when at least one rule reproduces the envelope md5.
	Verified bool
	// Rule is the first matching preset: RuleStrings whenever every value
	// is a string and keys are plain, else the first preset (in the order
	// of Presets) that matched; when no preset matched, the combination
	// that did (as Combination).
	Rule Rule
	// Presets lists every preset that reproduces the md5, in the order of
	// Presets(); only RuleStrings when every value is a string and keys
	// are plain (every sender agrees then). Empty when no preset matched.
	Presets []Rule
	// Combination is the combination of dimensions that reproduced the md5
	// when no preset did, spelled as ParseRule spells it; empty otherwise.
	Combination Rule
	// Rules lists the digest of every preset tried, in the order tried,
	// then the matching combination, if one was found.
	Rules []RuleDigest
}

// Opened is a decrypted transaction data object and the result of its
// verification. Envelope.Open returns it without error only when Verified; it also
// comes with ErrMD5Mismatch (not verified) and ErrKeyCase (opened with the
// sign key in another letter case), so that the message can be shown.
type Opened struct {
	Object    *Object
	Plaintext []byte
	// KeyMD5 is the md5 string the AES key was derived from: the envelope
	// md5 as transmitted, or its upper-cased form (see MD5Uppercased).
	KeyMD5 string
	// MD5Uppercased is true when the md5 as transmitted gave no valid
	// plaintext and its upper-cased form did.
	MD5Uppercased bool
	// AESKey is the 16 ASCII characters used as the AES-128 key.
	AESKey string
	// Padding is the PKCS#7 padding length that was removed (1..16).
	Padding int
	// NonCanonicalBase64 is true when the last Base64 character of the
	// data had unused bits set: the same message has another, canonical
	// wire form. DecodeBody refuses such data; Envelope.Open reads it.
	NonCanonicalBase64 bool
	Verification
}
