// Package codec encodes and decodes the messages of the OTT Pay payment
// Web API, the same code natively and as js/wasm. It uses the standard
// library only.
//
// # The scheme (Appendix A of the OTT Pay docs)
//
// A request is the JSON object
//
//	{"action":"ACTIVEPAY","version":"1.0","merchant_id":"…","data":"…","md5":"…"}
//
// a response {"rsp_code","rsp_msg","data","md5"}, and a callback a response
// with "merchant_id". The transaction data, a JSON object, travels in data
// and md5:
//
//  1. s is the values of the object concatenated in the order of their keys
//     (byte order), with no separator;
//  2. md5 is the MD5 of the UTF-8 bytes of s, as 32 uppercase hex digits;
//  3. the AES key is characters 8 to 23 of the uppercase hex MD5 of md5
//     followed by the merchant's sign key, used as 16 ASCII bytes;
//  4. data is the standard Base64 of the AES-128-ECB, PKCS#7-padded
//     encryption of the object's compact JSON text.
//
// Seal and Envelope.Seal do this; Envelope.Open and DecodeBody undo it and
// verify the md5. The documented Appendix A example reproduces its
// published ciphertext byte for byte.
//
// # Which function to use
//
// To send a request: build an Object (ParseObject, or Set and SetString on
// the zero value), fill an Envelope's action, version and merchant_id, call
// Envelope.Seal with the sign key, and send Envelope.MarshalJSON.
//
// To receive a callback or a response as a service: DecodeBody with the
// HTTP body and the sign key. It applies every strict rule (one object, no
// duplicate members, canonical Base64) and returns the message only when
// the md5 verifies. Check merchant_id and the amount against your own
// order before acting on it (see the last section).
//
// To read an envelope found elsewhere (a log, a paste): ParseEnvelope,
// which tolerates null members, then Envelope.Open. Open accepts Base64
// whose last character has unused bits set and says so in
// Opened.NonCanonicalBase64; DecodeBody refuses it.
//
// To show or test one step of the scheme, the primitives: SortedValues
// (the md5 input), Digest (the md5), AESKey (the AES key), EncryptData and
// DecryptData (AES and Base64) and Verify (the md5 check). They do one
// step each and check nothing beyond it: a message built with them is not
// refused for a non-string value, a bad key or a bad size as Seal refuses
// it, so use Seal and Open for real messages.
//
// # Objects
//
// Object keeps members in the order written and each value's text: a
// number stays the literal the sender wrote ("1.50" stays "1.50"). Encoding
// writes compact JSON with raw UTF-8 and escapes only '"', '\' and control
// characters, as JSON.stringify does (never the HTML escapes of
// encoding/json). Decoding accepts every escape JSON allows, so the "\/"
// and "\uXXXX" of PHP and the "\u003d" of Gson read as the characters they
// stand for, and the md5 is computed over the decoded strings.
//
// # Value rules
//
// The docs define the md5 only for string values. For anything else
// senders disagree on how values render and keys sort (numbers as 100,
// 100.0 or 1.0E7; true as "true" or "1"; null as "", "null" or nothing;
// integer-like keys in PHP's numeric order). RuleStrings, the documented
// scheme, refuses non-string values with ErrNonString; the presets RuleJS,
// RuleCryptoJS, RulePHP, RuleJava, RuleJackson, RuleJSDot0 and RuleJSJoin
// reproduce the known senders (see SortedValues), and any other sender is
// a combination of the six dimensions in which they differ (numbers,
// ints, bool, null, nested, keys; see ParseRule). Verify tries the presets
// and names every one that reproduces the md5; when none does, it searches
// the combinations (bounded, only in the dimensions that change the
// object's md5 input) and names the one that does; when none does, the
// message is not verified.
// The rules cover values and key order only: the sign key is always used
// exactly as given, and a key that works only in another letter case is
// reported as ErrKeyCase.
//
// # Strict decoding and errors
//
// Every JSON text, the envelope and the decrypted data alike, must be one
// object of valid UTF-8 with no member name twice at any depth, at most
// MaxDepth deep and MaxMessageSize long; Base64 must use the standard
// alphabet with padding (ASCII whitespace inside is ignored), and under
// DecodeBody be canonical, the unused bits of its last character zero; the
// ciphertext must be a non-empty multiple of 16 bytes and its PKCS#7
// padding correct in every byte. DecodeBody applies these rules to one
// HTTP body.
//
// Every error is an *Error wrapping a sentinel such as ErrPadding or
// ErrMD5Mismatch, for errors.Is. Its message names the layer that failed
// (envelope, data Base64, AES decryption, decrypted data, md5 check), what
// was wrong, and the likely cause: a bad padding after a clean Base64
// decode almost always means a wrong sign key; a clean decryption whose md5
// does not match means tampering, a sender with another value rule, or a
// truncated copy.
//
// # What the scheme does not protect
//
// The scheme is obfuscation with a checksum, not authenticated encryption.
// Nobody should mistake a verified message for an authenticated one:
//
//   - AES in ECB mode encrypts equal 16-byte blocks to equal blocks, so the
//     ciphertext shows the structure of the data and which blocks repeat,
//     and blocks can be cut, reordered or moved between messages that share
//     a key without the decryption noticing.
//   - The key is derived from the md5 of the data, so equal data always
//     gives the same key and byte-identical ciphertext: messages are
//     deterministic and can be recognised and replayed. The key is 16 hex
//     characters, 64 bits of key material, not the 128 AES allows.
//   - MD5 is broken: collisions are cheap to make.
//   - The md5 is an unkeyed digest of the values, not a MAC. It is sent in
//     the clear, so it reveals the data to anyone who can guess it (an
//     amount and an order number are easy to enumerate). Verifying it
//     proves only that the data decrypts consistently with the key derived
//     from it and the sign key; it does not prove who sent the message, nor
//     that it is fresh. Anyone who holds the sign key can make valid
//     messages, and a captured message stays valid forever.
//   - Many integrations skip the md5 check or accept broken padding.
//
// So a service that receives a callback should check merchant_id and the
// amount against its own order, treat each order id once, and confirm the
// payment status with OTT Pay's query action before it delivers goods.
package codec
