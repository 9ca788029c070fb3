package codec

import (
	"crypto/md5"
	"crypto/subtle"
	"strings"
	"sync"
)

// ParseRule parses a rule name: "strings", "js", "cryptojs", "php" or
// "java", in any letter case.
func ParseRule(s string) (Rule, error) {
	switch r := Rule(strings.ToLower(strings.TrimSpace(s))); r {
	case RuleStrings, RuleJS, RuleCryptoJS, RulePHP, RuleJava:
		return r, nil
	}
	return "", unknownRule(Rule(s))
}

func unknownRule(r Rule) *Error {
	return newErr(LayerEncode, ErrUnknownRule, "unknown value rule "+Quote(string(r), 40),
		"the rules are strings (the documented scheme), js, cryptojs, php and java")
}

// SortedValues returns the md5 input of o under rule r: the values
// rendered as text and concatenated in the order of their keys, with no
// separator. The empty rule means RuleStrings.
//
// RuleStrings is the documented scheme: every value must be a string (else
// ErrNonString) and keys sort by their UTF-8 bytes. The sender rules
// render other values as those senders do:
//
//   - RuleJS: String(n) for numbers (100, 1.5, 1e+21), true/false, null
//     as empty, nested values as JSON.stringify writes them; keys in
//     UTF-16 code unit order.
//   - RuleCryptoJS: String(n)+".0" for every number (100.0, 1.5.0),
//     true/false, null as "null", objects as "[object Object]" and arrays
//     comma-joined; keys in UTF-16 code unit order.
//   - RulePHP: json_decode then ksort then implode: integers as written,
//     other numbers with 14 significant digits (1.0E+25), true as "1",
//     false and null as empty, nested values as "Array"; keys in ksort
//     order, where integer-like and numeric keys compare as numbers.
//   - RuleJava: Gson, every number a Double (100.0, 1.0E7), true/false,
//     null members dropped, nested values as Java's toString writes them
//     ({k=v, n=1.0}, [a, b]); keys in TreeMap (UTF-16) order.
func SortedValues(o *Object, r Rule) (string, error) {
	bp := getBuf()
	defer putBuf(bp)
	b, err := appendInput((*bp)[:0], o, r)
	*bp = b
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Digest returns the uppercase hex md5 of SortedValues(o, r).
func Digest(o *Object, r Rule) (string, error) {
	bp := getBuf()
	defer putBuf(bp)
	b, err := appendInput((*bp)[:0], o, r)
	*bp = b
	if err != nil {
		return "", err
	}
	var h [32]byte
	return string(md5Hex(&h, b)), nil
}

// Verify recomputes the md5 of a decrypted object and compares it with the
// envelope md5, case-insensitively and in constant time.
//
// When every value is a string and no key can sort differently between
// senders (no numeric keys, no characters that order differently in UTF-16
// and UTF-8), all senders agree and only RuleStrings is tried. Otherwise
// every rule is tried in the order strings, js, cryptojs, php, java, and
// the result names the first that reproduces the md5. No match means the
// message is not verified.
func Verify(o *Object, md5 string) Verification { return verify(o, md5, nil) }

// verify is Verify, using one for the result when a single rule applies.
func verify(o *Object, md5 string, one *[1]RuleDigest) Verification {
	var wantBuf [32]byte
	want := wantBuf[:0]
	for i := 0; i < len(md5); i++ {
		c := md5[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		want = append(want, c)
	}
	allStrings := true
	for i := range o.Members {
		if o.Members[i].Value.Kind != KindString {
			allStrings = false
			break
		}
	}
	var v Verification
	if allStrings && plainKeys(o) {
		if one == nil {
			one = new([1]RuleDigest)
		}
		v.Rules = one[:]
		v.Rules[0] = ruleDigest(o, RuleStrings, md5, want)
	} else {
		v.Rules = make([]RuleDigest, 0, 5)
		for _, r := range []Rule{RuleStrings, RuleJS, RuleCryptoJS, RulePHP, RuleJava} {
			v.Rules = append(v.Rules, ruleDigest(o, r, md5, want))
		}
	}
	for _, d := range v.Rules {
		if d.Match {
			v.Verified = true
			v.Rule = d.Rule
			break
		}
	}
	return v
}

// ruleDigest computes the digest of o under r and compares it with want,
// the envelope md5 upper-cased.
func ruleDigest(o *Object, r Rule, md5 string, want []byte) RuleDigest {
	d := RuleDigest{Rule: r}
	bp := getBuf()
	defer putBuf(bp)
	b, err := appendInput((*bp)[:0], o, r)
	*bp = b
	if err != nil {
		d.Err = err
		return d
	}
	var h [32]byte
	sum := md5Hex(&h, b)
	d.Input = string(b)
	d.Match = subtle.ConstantTimeCompare(sum, want) == 1
	if d.Match && string(sum) == md5 {
		d.MD5 = md5 // the usual case: no copy
	} else {
		d.MD5 = string(sum)
	}
	return d
}

// plainKeys reports whether every sender orders the keys of o the same
// way: no key is numeric to PHP and none holds a character whose UTF-16
// order differs from its UTF-8 order.
func plainKeys(o *Object) bool {
	for i := range o.Members {
		k := o.Members[i].Key
		for j := 0; j < len(k); j++ {
			if k[j] >= 0xEE {
				return false
			}
		}
		if k != "" && isPHPNumericStart(k[0]) {
			if _, ok := phpNumeric(k); ok {
				return false
			}
		}
	}
	return true
}

// appendInput appends the md5 input of o under r to dst.
func appendInput(dst []byte, o *Object, r Rule) ([]byte, *Error) {
	switch r {
	case "", RuleStrings:
		order, err := byteOrder(o)
		if err != nil {
			return dst, err
		}
		for _, i := range order.idx(len(o.Members)) {
			m := &o.Members[i]
			if m.Value.Kind != KindString {
				return dst, nonString(m)
			}
			dst = append(dst, m.Value.Text...)
		}
		return dst, nil
	case RuleJS, RuleCryptoJS, RuleJava:
		order, err := utf16Order(o)
		if err != nil {
			return dst, err
		}
		for _, i := range order.idx(len(o.Members)) {
			if dst, err = appendRendered(dst, o.Members[i].Value, r); err != nil {
				return dst, err
			}
		}
		return dst, nil
	case RulePHP:
		order, err := phpOrder(o)
		if err != nil {
			return dst, err
		}
		for _, i := range order {
			if dst, err = appendRendered(dst, o.Members[i].Value, r); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	return dst, unknownRule(r)
}

func nonString(m *Member) *Error {
	what := "the value of " + Quote(m.Key, 40) + " is " + m.Value.Kind.withArticle()
	if m.Value.Kind != KindNull {
		what += " (" + Quote(m.Value.Text, 40) + ")"
	}
	fix := "send the value as a string"
	if m.Value.Kind == KindNumber || m.Value.Kind == KindBool {
		fix += " (" + Quote(m.Value.Text, 30) + ")"
	}
	return newErr(LayerEncode, ErrNonString, what+", and the documented scheme hashes only string values",
		fix+", or name the rule the receiver hashes non-string values with (js, cryptojs, php or java)")
}

// order is a permutation of member indices; nil means the members are
// already in order.
type order []int

func (o order) idx(n int) []int {
	if o != nil {
		return o
	}
	if n <= len(identity) {
		return identity[:n]
	}
	id := make([]int, n)
	for i := range id {
		id[i] = i
	}
	return id
}

var identity = func() []int {
	id := make([]int, 1024)
	for i := range id {
		id[i] = i
	}
	return id
}()

// byteOrder sorts member indices by key bytes, the documented order.
func byteOrder(o *Object) (order, *Error) {
	ms := o.Members
	sorted := true
	for i := 1; i < len(ms); i++ {
		if ms[i-1].Key >= ms[i].Key {
			sorted = false
			break
		}
	}
	if sorted {
		return nil, nil
	}
	idx := make([]int, len(ms))
	for i := range idx {
		idx[i] = i
	}
	sortInts(idx, func(a, b int) int { return strings.Compare(ms[a].Key, ms[b].Key) })
	for i := 1; i < len(idx); i++ {
		if ms[idx[i-1]].Key == ms[idx[i]].Key {
			return nil, dupErr(ms[idx[i]].Key, LayerEncode)
		}
	}
	return idx, nil
}

// utf16Order sorts member indices by key in UTF-16 code unit order, as
// JavaScript's Array.prototype.sort and Java's String.compareTo do.
func utf16Order(o *Object) (order, *Error) {
	ms := o.Members
	sorted := true
	for i := 1; i < len(ms); i++ {
		if compareUTF16(ms[i-1].Key, ms[i].Key) >= 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return nil, nil
	}
	idx := make([]int, len(ms))
	for i := range idx {
		idx[i] = i
	}
	sortInts(idx, func(a, b int) int { return compareUTF16(ms[a].Key, ms[b].Key) })
	for i := 1; i < len(idx); i++ {
		if ms[idx[i-1]].Key == ms[idx[i]].Key {
			return nil, dupErr(ms[idx[i]].Key, LayerEncode)
		}
	}
	return idx, nil
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
