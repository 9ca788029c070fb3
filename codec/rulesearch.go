package codec

import (
	"crypto/subtle"
	"hash/maphash"
	"slices"
	"unsafe"
)

// This file is Verify: the presets first, then, only when none reproduces
// the md5 and the object has values that are not strings, a bounded search
// of the combinations of dimensions.

// maxSearch bounds the combinations the search hashes: the dimensions
// number 5 numbers × 2 ints × 2 bool × 3 null × 5 nested × 3 keys = 900
// combinations, but null=omit gives the md5 input null=empty gives (a
// left-out value and an empty one concatenate alike), so at most
// 5 × 2 × 5 (numbers, ints, nested) × 2 × 2 × 3 = 600 distinct inputs are
// hashed; far fewer in practice, as only the dimensions that change this
// object's input are varied and identical inputs are hashed once.
const maxSearch = 5 * 2 * 5 * 2 * 2 * 3

// Verify recomputes the md5 of a decrypted object and compares it with the
// envelope md5, case-insensitively and in constant time.
//
// When every value is a string and no key can sort differently between
// senders (no numeric keys, no characters that order differently in UTF-16
// and UTF-8), all senders agree: only RuleStrings is computed (one md5)
// and it alone is named. Otherwise every preset is tried in the order of
// Presets (identical md5 inputs are hashed once), and the result lists
// every preset that reproduces the md5. When none does and the object
// holds values that are not strings, the combinations of dimensions that
// change this object's md5 input are searched (at most 600 md5s; see
// ParseRule for the dimensions) and the first that reproduces the md5 is
// named. No match means the message is not verified.
func Verify(o *Object, md5 string) Verification {
	var n int
	return verify(o, md5, nil, &n)
}

// verifyScratch holds, in the caller's allocation, the result slices of
// a verification that needs only the documented rule.
type verifyScratch struct {
	rules   [1]RuleDigest
	presets [1]Rule
	// values is the object's values concatenated in member order, if
	// the parser laid them out so (see parseObjectValues), or "".
	values string
}

// verifier carries one verification.
type verifier struct {
	o     *Object
	md5   string
	want  []byte // md5 upper-cased
	seed  maphash.Seed
	seen  map[uint64]int // hash of an md5 input hashed → its index in rules, or -1
	count *int           // md5 computations
}

// verify is Verify, using one for the result when a single rule applies
// and counting the md5 computations in count.
func verify(o *Object, md5 string, one *verifyScratch, count *int) Verification {
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
			one = new(verifyScratch)
		}
		v.Rules = one.rules[:]
		v.Rules[0] = stringsDigest(o, md5, want, one.values, count)
		if v.Rules[0].Match {
			v.Verified, v.Rule = true, RuleStrings
			one.presets[0] = RuleStrings
			v.Presets = one.presets[:]
		}
		return v
	}
	vf := &verifier{o: o, md5: md5, want: append([]byte(nil), want...), count: count}
	vf.seed = maphash.MakeSeed()
	vf.seen = make(map[uint64]int, len(presets))
	v.Rules = make([]RuleDigest, 0, len(presets)+1)
	for i := range presets {
		d := vf.digest(presets[i].rule, presets[i].spec, v.Rules)
		v.Rules = append(v.Rules, d)
		if d.Match {
			v.Presets = append(v.Presets, d.Rule)
		}
	}
	if len(v.Presets) > 0 {
		v.Verified, v.Rule = true, v.Presets[0]
		return v
	}
	if allStrings {
		// The presets cover every key order: nothing else to vary.
		return v
	}
	if d, ok := vf.search(); ok {
		v.Rules = append(v.Rules, d)
		v.Verified, v.Rule, v.Combination = true, d.Rule, d.Rule
	}
	return v
}

// stringsDigest is the digest under RuleStrings of an all-string object,
// compared with want, the envelope md5 upper-cased: the one md5 of the
// common case, computed without the search's state. values is o's values
// concatenated in member order, or "" if not known: with names in order,
// it is the md5 input, already written.
func stringsDigest(o *Object, md5 string, want []byte, values string, count *int) RuleDigest {
	d := RuleDigest{Rule: RuleStrings}
	ord, err := byteOrder(o)
	if err != nil {
		d.Err = err
		return d
	}
	// Every value is a string: the input is the values in key order,
	// written once, into the memory of the string that keeps it.
	n := 0
	for i := range o.Members {
		n += len(o.Members[i].Value.Text)
	}
	if ord == nil && values != "" && len(values) == n {
		d.Input = values
	} else {
		// All strings: the strict rule cannot fail on them.
		b, _ := appendOrdered(make([]byte, 0, n), o, presets[0].spec, ord)
		d.Input = unsafe.String(unsafe.SliceData(b), len(b)) // b is not written again
	}
	*count++
	var h [32]byte
	sum := md5Hex(&h, unsafe.Slice(unsafe.StringData(d.Input), len(d.Input))) // read only
	d.Match = subtle.ConstantTimeCompare(sum, want) == 1
	if d.Match && string(sum) == md5 {
		d.MD5 = md5 // the usual case: no copy
	} else {
		d.MD5 = string(sum)
	}
	return d
}

// digest computes the md5 input of the object under s and compares its
// md5 with the envelope's. An input already hashed for an earlier entry of
// done is not hashed again.
func (vf *verifier) digest(r Rule, s spec, done []RuleDigest) RuleDigest {
	d := RuleDigest{Rule: r}
	bp := getBuf()
	defer putBuf(bp)
	b, err := appendInput((*bp)[:0], vf.o, s)
	*bp = b
	if err != nil {
		d.Err = err
		return d
	}
	d.Input = string(b)
	if vf.seen != nil {
		h := maphash.Bytes(vf.seed, b)
		if j, ok := vf.seen[h]; ok && j >= 0 && done[j].Input == d.Input {
			d.MD5, d.Match = done[j].MD5, done[j].Match
			return d
		}
		vf.seen[h] = len(done)
	}
	d.MD5, d.Match = vf.hash(b)
	return d
}

// hash computes the md5 of b and compares it with the envelope md5.
func (vf *verifier) hash(b []byte) (string, bool) {
	*vf.count++
	var h [32]byte
	sum := md5Hex(&h, b)
	match := subtle.ConstantTimeCompare(sum, vf.want) == 1
	if match && string(sum) == vf.md5 {
		return vf.md5, true // the usual case: no copy
	}
	return string(sum), match
}

// search tries the combinations of the dimensions that change this
// object's md5 input and returns the first that reproduces the md5.
func (vf *verifier) search() (RuleDigest, bool) {
	o := vf.o
	var hasNum, hasBool, hasNull, hasNested bool
	for i := range o.Members {
		switch o.Members[i].Value.Kind {
		case KindNumber:
			hasNum = true
		case KindBool:
			hasBool = true
		case KindNull:
			hasNull = true
		case KindObject, KindArray:
			hasNested = true
		}
	}
	bools := []uint8{boolText}
	if hasBool {
		bools = append(bools, boolPHP)
	}
	nulls := []uint8{nullEmpty}
	if hasNull {
		nulls = append(nulls, nullText) // omit gives the input empty gives
	}
	// Key orders that differ for this object.
	var orders []order
	var keyVals []uint8
	// UTF-16 first: when two orders agree, the combination is named with
	// the order of the JavaScript and Java senders, who send such values.
	for _, k := range []uint8{keysUTF16, keysPHP, keysBytes} {
		f := map[uint8]func(*Object) (order, *Error){keysBytes: byteOrder, keysUTF16: utf16Order, keysPHP: phpOrder}[k]
		ord, err := f(o)
		if err != nil {
			continue
		}
		dup := false
		for _, prev := range orders {
			if slices.Equal(prev.idx(len(o.Members)), ord.idx(len(o.Members))) {
				dup = true
			}
		}
		if !dup {
			orders, keyVals = append(orders, ord), append(keyVals, k)
		}
	}
	joint := vf.valueStyles(hasNum, hasNested)
	bp := getBuf()
	defer putBuf(bp)
	for _, base := range joint {
		for _, bv := range bools {
			for _, nv := range nulls {
				for k, ord := range orders {
					s := base
					s.v[dimBool], s.v[dimNull], s.v[dimKeys] = bv, nv, keyVals[k]
					b, err := appendOrdered((*bp)[:0], o, s, ord)
					*bp = b
					if err != nil {
						continue
					}
					h := maphash.Bytes(vf.seed, b)
					if _, ok := vf.seen[h]; ok {
						continue
					}
					vf.seen[h] = -1
					if sum, ok := vf.hash(b); ok {
						return RuleDigest{Rule: s.rule(), Input: string(b), MD5: sum, Match: true}, true
					}
				}
			}
		}
	}
	return RuleDigest{}, false
}

// valueStyles returns one spec for each distinct rendering of the
// object's numbers and nested values under the numbers, ints and nested
// dimensions (which interact: Java renders the numbers inside a nested
// value as it renders the others).
func (vf *verifier) valueStyles(hasNum, hasNested bool) []spec {
	def := spec{v: [nDims]uint8{numJS, intsNumber, boolText, nullEmpty, nestedJSON, keysUTF16}}
	if !hasNum && !hasNested {
		return []spec{def}
	}
	nested := []uint8{nestedJSON}
	if hasNested {
		nested = []uint8{nestedJSON, nestedJS, nestedJava, nestedGson, nestedPHP}
	}
	var out []spec
	sigs := make(map[uint64]bool)
	var sig []byte
	for num := uint8(0); num < uint8(len(dimValues[dimNumbers])); num++ {
		for ints := uint8(0); ints < 2; ints++ {
			for _, ns := range nested {
				s := def
				s.v[dimNumbers], s.v[dimInts], s.v[dimNested] = num, ints, ns
				sig = sig[:0]
				for i := range vf.o.Members {
					v := vf.o.Members[i].Value
					if v.Kind != KindNumber && v.Kind != KindObject && v.Kind != KindArray {
						continue
					}
					start := len(sig)
					sig = append(sig, 0, 0, 0, 0)
					sig, _ = appendValue(sig, v, s)
					n := len(sig) - start - 4
					sig[start], sig[start+1], sig[start+2], sig[start+3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
				}
				h := maphash.Bytes(vf.seed, sig)
				if !sigs[h] {
					sigs[h] = true
					out = append(out, s)
				}
			}
		}
	}
	return out
}
