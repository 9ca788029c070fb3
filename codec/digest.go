package codec

import (
	"crypto/md5"
	"sync"
)

// SortedValues returns the md5 input of o under rule r: the values
// rendered as text and concatenated in the order of their keys, with no
// separator. The empty rule means RuleStrings. r is a preset or a
// combination of dimensions (see ParseRule).
//
// RuleStrings is the documented scheme: every value must be a string (else
// ErrNonString) and keys sort by their UTF-8 bytes. The other presets
// render other values as those senders do:
//
//   - RuleJS: String(n) for numbers (100, 1.5, 1e+21), true/false, null
//     as empty, nested values as JSON.stringify writes them; keys in
//     UTF-16 code unit order (the verifying TypeScript peers).
//   - RuleCryptoJS: String(n)+".0" for every number (100.0, 1.5.0),
//     true/false, null as "null", objects as "[object Object]" and arrays
//     comma-joined; keys in UTF-16 code unit order.
//   - RulePHP: json_decode then ksort then implode: integers as written,
//     other numbers with 14 significant digits (1.0E+25), true as "1",
//     false and null as empty, nested values as "Array"; keys in ksort
//     order, where integer-like and numeric keys compare as numbers.
//   - RuleJava: Gson, every number a Double (100.0, 1.0E7), true/false,
//     null members dropped, nested values as Java's toString writes them
//     after Gson's round trip ({k=v, n=1.0}, [a, b], null members
//     dropped); keys in TreeMap (UTF-16) order. The OTT Pay Java SDK.
//   - RuleJackson: Jackson into a Map: as RuleJava, but integers stay
//     integers (2, not 2.0) and nested null members stay ({a=null}).
//   - RuleJSDot0: String(n)+".0" for numbers, null as empty, nested
//     values as JSON.stringify writes them (a node peer's habit).
//   - RuleJSJoin: JavaScript string concatenation with null as empty:
//     String(n), [object Object], arrays comma-joined.
func SortedValues(o *Object, r Rule) (string, error) {
	s, err := specOf(r)
	if err != nil {
		return "", err
	}
	bp := getBuf()
	defer putBuf(bp)
	b, err := appendInput((*bp)[:0], o, s)
	*bp = b
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Digest returns the uppercase hex md5 of SortedValues(o, r).
func Digest(o *Object, r Rule) (string, error) {
	s, err := specOf(r)
	if err != nil {
		return "", err
	}
	bp := getBuf()
	defer putBuf(bp)
	b, err := appendInput((*bp)[:0], o, s)
	*bp = b
	if err != nil {
		return "", err
	}
	var h [32]byte
	return string(md5Hex(&h, b)), nil
}

// md5Hex writes the uppercase hex MD5 of b into h and returns it.
func md5Hex(h *[32]byte, b []byte) []byte {
	sum := md5.Sum(b)
	const hx = "0123456789ABCDEF"
	for i, c := range sum {
		h[2*i] = hx[c>>4]
		h[2*i+1] = hx[c&15]
	}
	return h[:]
}

// Scratch buffers for the md5 input, the plaintext, the ciphertext and
// unescaped strings; buffers above bufMaxKept bytes are not kept.
const bufMaxKept = 512 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) <= bufMaxKept {
		bufPool.Put(b)
	}
}
