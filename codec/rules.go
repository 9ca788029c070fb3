package codec

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file renders values and orders keys the way each sender rule does
// (see SortedValues).

func sortInts(idx []int, cmp func(a, b int) int) { slices.SortStableFunc(idx, cmp) }

// compareUTF16 compares a and b by UTF-16 code units.
func compareUTF16(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return len(a) - len(b)
	}
	if a[i] < utf8.RuneSelf && b[i] < utf8.RuneSelf {
		return int(a[i]) - int(b[i])
	}
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRuneInString(a[i:])
	rb, _ := utf8.DecodeRuneInString(b[i:])
	return int(utf16Unit(ra)) - int(utf16Unit(rb))
}

// utf16Unit maps a rune to a value ordered as its first UTF-16 code unit,
// and among supplementary runes as the runes themselves.
func utf16Unit(r rune) rune {
	switch {
	case r >= 0x10000:
		return 0xD800 + (r - 0x10000) // after U+D7FF, before U+E000
	case r >= 0xE000:
		return r + 0x200000 // after every supplementary rune
	}
	return r
}

// appendRendered appends the text rule r gives the top-level value v.
func appendRendered(dst []byte, v Value, r Rule) ([]byte, *Error) {
	switch v.Kind {
	case KindString:
		return append(dst, v.Text...), nil
	case KindNumber:
		return appendNumber(dst, v.Text, r, true), nil
	case KindBool:
		if r == RulePHP {
			if v.Text == "true" {
				return append(dst, '1'), nil
			}
			return dst, nil
		}
		return append(dst, v.Text...), nil
	case KindNull:
		if r == RuleCryptoJS {
			return append(dst, "null"...), nil
		}
		return dst, nil // js and php: empty; java: the member is dropped
	case KindObject, KindArray:
		switch r {
		case RulePHP:
			return append(dst, "Array"...), nil
		case RuleCryptoJS:
			if v.Kind == KindObject {
				return append(dst, "[object Object]"...), nil
			}
		}
		n, err := parseNode(v.Text)
		if err != nil {
			return dst, err
		}
		switch r {
		case RuleJS:
			return n.appendJSJSON(dst), nil
		case RuleCryptoJS:
			return n.appendJSJoin(dst), nil
		default:
			return n.appendJava(dst), nil
		}
	}
	return dst, newErr(LayerEncode, ErrFieldType, "a value has an unknown kind "+itoa(int(v.Kind)), "use one of the Kind constants")
}

// appendNumber renders a JSON number literal under rule r. top is false
// inside nested values, where the cryptojs ".0" is not appended.
func appendNumber(dst []byte, lit string, r Rule, top bool) []byte {
	switch r {
	case RulePHP:
		return appendPHPNumber(dst, lit)
	case RuleJava:
		f, _ := strconv.ParseFloat(lit, 64)
		return appendJavaDouble(dst, f)
	case RuleJS, RuleCryptoJS:
		f, _ := strconv.ParseFloat(lit, 64)
		dst = appendJSNumber(dst, f)
		if r == RuleCryptoJS && top {
			dst = append(dst, ".0"...)
		}
		return dst
	}
	return append(dst, lit...)
}

// shortest returns the shortest decimal digits that round-trip f (f > 0,
// finite) and the decimal point position: f = 0.DIGITS * 10^decpt.
func shortest(buf []byte, f float64, prec int) ([]byte, int) {
	b := strconv.AppendFloat(buf[:0], f, 'e', prec, 64)
	// d.ddddde±XX
	e := 0
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == 'e' {
			exp, _ := strconv.Atoi(string(b[i+1:]))
			e = exp
			b = b[:i]
			break
		}
	}
	digits := b[:0]
	for _, c := range b {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	return digits, e + 1
}

func appendZeros(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, '0')
	}
	return dst
}

// appendJSNumber renders f as JavaScript's Number.prototype.toString does.
func appendJSNumber(dst []byte, f float64) []byte {
	switch {
	case f == 0:
		return append(dst, '0')
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	d, n := shortest(buf[:], f, -1)
	k := len(d)
	switch {
	case k <= n && n <= 21:
		dst = append(dst, d...)
		return appendZeros(dst, n-k)
	case 0 < n && n <= 21:
		dst = append(dst, d[:n]...)
		dst = append(dst, '.')
		return append(dst, d[n:]...)
	case -6 < n && n <= 0:
		dst = append(dst, '0', '.')
		dst = appendZeros(dst, -n)
		return append(dst, d...)
	}
	dst = append(dst, d[0])
	if k > 1 {
		dst = append(dst, '.')
		dst = append(dst, d[1:]...)
	}
	dst = append(dst, 'e')
	if n-1 >= 0 {
		dst = append(dst, '+')
	}
	return strconv.AppendInt(dst, int64(n-1), 10)
}

// appendJavaDouble renders f as Java's Double.toString does (as specified
// since Java 19: the shortest decimal that identifies f, at least two
// digits; older releases print a few values with more digits, 1.0E23 as
// 9.999999999999999E22).
func appendJavaDouble(dst []byte, f float64) []byte {
	switch {
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	d, n := shortest(buf[:], f, -1)
	if len(d) == 1 {
		// Java prints at least two digits, the two closest to f: this
		// differs from d.0 for subnormals only (4.9E-324).
		d, n = shortest(buf[:], f, 1)
	}
	k := len(d)
	if f >= 1e-3 && f < 1e7 {
		switch {
		case n <= 0:
			dst = append(dst, '0', '.')
			dst = appendZeros(dst, -n)
			return append(dst, d...)
		case k <= n:
			dst = append(dst, d...)
			dst = appendZeros(dst, n-k)
			return append(dst, '.', '0')
		}
		dst = append(dst, d[:n]...)
		dst = append(dst, '.')
		return append(dst, d[n:]...)
	}
	dst = append(dst, d[0], '.')
	if k > 1 {
		dst = append(dst, d[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(n-1), 10)
}

// appendPHPNumber renders a JSON number literal as PHP does after
// json_decode: an integer literal that fits in 64 bits as an int, every
// other number as a float converted to string with precision 14.
func appendPHPNumber(dst []byte, lit string) []byte {
	if !strings.ContainsAny(lit, ".eE") {
		if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
			return strconv.AppendInt(dst, n, 10)
		}
	}
	f, _ := strconv.ParseFloat(lit, 64)
	return appendPHPFloat(dst, f)
}

// appendPHPFloat renders f as PHP's (string) cast does with the default
// precision of 14 ("%.14G", with ".0" added to a one-digit mantissa).
func appendPHPFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "INF"...)
	case math.IsInf(f, -1):
		return append(dst, "-INF"...)
	}
	if math.Signbit(f) {
		dst = append(dst, '-')
		f = -f
	}
	if f == 0 {
		return append(dst, '0')
	}
	var buf [32]byte
	d, n := shortest(buf[:], f, 13)
	const precision = 14
	if n < -3 || n > precision {
		dst = append(dst, d[0], '.')
		if len(d) > 1 {
			dst = append(dst, d[1:]...)
		} else {
			dst = append(dst, '0')
		}
		dst = append(dst, 'E')
		e := n - 1
		if e < 0 {
			dst = append(dst, '-')
			e = -e
		} else {
			dst = append(dst, '+')
		}
		return strconv.AppendInt(dst, int64(e), 10)
	}
	if n <= 0 {
		dst = append(dst, '0', '.')
		dst = appendZeros(dst, -n)
		return append(dst, d...)
	}
	if len(d) <= n {
		dst = append(dst, d...)
		return appendZeros(dst, n-len(d))
	}
	dst = append(dst, d[:n]...)
	dst = append(dst, '.')
	return append(dst, d[n:]...)
}

// node is a parsed nested JSON value, for the rules that render nested
// values member by member.
type node struct {
	kind Kind
	text string // decoded string or number literal
	keys []string
	kids []node
}

// parseNode parses the compact JSON text of a nested value.
func parseNode(s string) (node, *Error) {
	if err := checkText(s, LayerEncode); err != nil {
		return node{}, err
	}
	p := parser{s: s, layer: LayerEncode}
	defer p.release()
	n, err := p.node(2)
	if err != nil {
		return node{}, err
	}
	p.skipSpace()
	if p.i != len(s) {
		return node{}, p.syntax("expected the end of the nested value")
	}
	return n, nil
}

func (p *parser) node(depth int) (node, *Error) {
	p.skipSpace()
	if p.i >= len(p.s) {
		return node{}, p.syntax("expected a value")
	}
	switch c := p.s[p.i]; c {
	case '{', '[':
		if depth > MaxDepth {
			return node{}, p.tooDeep()
		}
		closer := byte('}')
		n := node{kind: KindObject}
		if c == '[' {
			closer = ']'
			n.kind = KindArray
		}
		p.i++
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == closer {
			p.i++
			return n, nil
		}
		for {
			if c == '{' {
				p.skipSpace()
				if p.i >= len(p.s) || p.s[p.i] != '"' {
					return node{}, p.syntax("expected '\"' to start a member name")
				}
				k, err := p.str()
				if err != nil {
					return node{}, err
				}
				p.skipSpace()
				if p.i >= len(p.s) || p.s[p.i] != ':' {
					return node{}, p.syntax("expected ':' after a member name")
				}
				p.i++
				n.keys = append(n.keys, k)
			}
			kid, err := p.node(depth + 1)
			if err != nil {
				return node{}, err
			}
			n.kids = append(n.kids, kid)
			p.skipSpace()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == closer {
				p.i++
				break
			}
			return node{}, p.syntax("expected ',' or '" + string(closer) + "'")
		}
		if c == '{' {
			if err := checkDuplicateKeys(n.keys, p.layer); err != nil {
				return node{}, err
			}
		}
		return n, nil
	case '"':
		t, err := p.str()
		if err != nil {
			return node{}, err
		}
		return node{kind: KindString, text: t}, nil
	}
	start := p.i
	k, err := p.scalar()
	if err != nil {
		return node{}, err
	}
	return node{kind: k, text: p.s[start:p.i]}, nil
}

// arrayIndex reports whether k is a canonical array index, which
// JavaScript objects list first, in numeric order.
func arrayIndex(k string) (uint32, bool) {
	if k == "" || len(k) > 10 || (k[0] == '0' && len(k) > 1) {
		return 0, false
	}
	n, err := strconv.ParseUint(k, 10, 64)
	if err != nil || n >= math.MaxUint32 {
		return 0, false
	}
	return uint32(n), true
}

// appendJSJSON renders n as JSON.stringify does after JSON.parse: numbers
// as String(n) (non-finite ones as null), integer-like keys first.
func (n *node) appendJSJSON(dst []byte) []byte {
	switch n.kind {
	case KindString:
		return appendQuoted(dst, n.text)
	case KindNumber:
		f, _ := strconv.ParseFloat(n.text, 64)
		if math.IsInf(f, 0) {
			return append(dst, "null"...)
		}
		return appendJSNumber(dst, f)
	case KindBool, KindNull:
		return append(dst, n.text...)
	case KindArray:
		dst = append(dst, '[')
		for i := range n.kids {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = n.kids[i].appendJSJSON(dst)
		}
		return append(dst, ']')
	}
	// Object: array-index keys ascending, then the rest in order.
	idx := make([]int, 0, len(n.keys))
	var rest []int
	for i, k := range n.keys {
		if _, ok := arrayIndex(k); ok {
			idx = append(idx, i)
		} else {
			rest = append(rest, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int {
		x, _ := arrayIndex(n.keys[a])
		y, _ := arrayIndex(n.keys[b])
		return int(int64(x) - int64(y))
	})
	idx = append(idx, rest...)
	dst = append(dst, '{')
	for j, i := range idx {
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, n.keys[i])
		dst = append(dst, ':')
		dst = n.kids[i].appendJSJSON(dst)
	}
	return append(dst, '}')
}

// appendJSJoin renders n as JavaScript string conversion does: objects as
// "[object Object]", arrays joined with commas, null and undefined
// elements as empty.
func (n *node) appendJSJoin(dst []byte) []byte {
	switch n.kind {
	case KindString:
		return append(dst, n.text...)
	case KindNumber:
		f, _ := strconv.ParseFloat(n.text, 64)
		return appendJSNumber(dst, f)
	case KindBool:
		return append(dst, n.text...)
	case KindNull:
		return dst
	case KindObject:
		return append(dst, "[object Object]"...)
	}
	for i := range n.kids {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = n.kids[i].appendJSJoin(dst)
	}
	return dst
}

// appendJava renders n as Java's toString does on what Gson builds:
// LinkedTreeMap as {k=v, k2=v2} (null members dropped), ArrayList as
// [a, b], numbers as Double.toString.
func (n *node) appendJava(dst []byte) []byte {
	switch n.kind {
	case KindString:
		return append(dst, n.text...)
	case KindNumber:
		f, _ := strconv.ParseFloat(n.text, 64)
		return appendJavaDouble(dst, f)
	case KindBool, KindNull:
		return append(dst, n.text...)
	case KindArray:
		dst = append(dst, '[')
		for i := range n.kids {
			if i > 0 {
				dst = append(dst, ',', ' ')
			}
			dst = n.kids[i].appendJava(dst)
		}
		return append(dst, ']')
	}
	dst = append(dst, '{')
	first := true
	for i := range n.kids {
		if n.kids[i].kind == KindNull {
			continue
		}
		if !first {
			dst = append(dst, ',', ' ')
		}
		first = false
		dst = append(dst, n.keys[i]...)
		dst = append(dst, '=')
		dst = n.kids[i].appendJava(dst)
	}
	return append(dst, '}')
}

// PHP ksort order.

// phpKey is an array key as PHP's json_decode stores it: canonical
// decimal integers become integer keys.
type phpKey struct {
	isInt bool
	i     int64
	s     string
}

func toPHPKey(k string) phpKey {
	if k != "" && (k[0] == '-' || (k[0] >= '0' && k[0] <= '9')) && len(k) <= 20 {
		if n, err := strconv.ParseInt(k, 10, 64); err == nil && strconv.FormatInt(n, 10) == k && k != "-0" {
			return phpKey{isInt: true, i: n}
		}
	}
	return phpKey{s: k}
}

// phpOrder returns member indices in the order PHP's ksort (SORT_REGULAR,
// stable since PHP 8) leaves them.
func phpOrder(o *Object) (order, *Error) {
	ms := o.Members
	keys := make([]phpKey, len(ms))
	for i := range ms {
		keys[i] = toPHPKey(ms[i].Key)
	}
	idx := make([]int, len(ms))
	for i := range idx {
		idx[i] = i
	}
	// PHP 8 makes the sort stable by comparing the original positions
	// when the keys compare equal.
	zendSort(idx, func(a, b int) int {
		if c := phpCompareKeys(keys[a], keys[b]); c != 0 {
			return c
		}
		return a - b
	})
	for i := 1; i < len(idx); i++ {
		if ms[idx[i-1]].Key == ms[idx[i]].Key {
			return nil, dupErr(ms[idx[i]].Key, LayerEncode)
		}
	}
	return idx, nil
}

func cmp3[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func phpCompareKeys(a, b phpKey) int {
	switch {
	case a.isInt && b.isInt:
		return cmp3(a.i, b.i)
	case a.isInt:
		return phpCompareLongString(a.i, b.s)
	case b.isInt:
		return -phpCompareLongString(b.i, a.s)
	}
	return phpSmartStrcmp(a.s, b.s)
}

// phpCompareLongString is PHP 8's comparison of an integer with a string.
func phpCompareLongString(l int64, s string) int {
	if n, ok := phpNumeric(s); ok {
		if n.isLong {
			return cmp3(l, n.l)
		}
		return cmp3(float64(l), n.d)
	}
	return strings.Compare(strconv.FormatInt(l, 10), s)
}

// phpSmartStrcmp is PHP's zendi_smart_strcmp: numeric strings compare as
// numbers, others by bytes.
func phpSmartStrcmp(a, b string) int {
	na, oka := phpNumeric(a)
	if oka {
		if nb, okb := phpNumeric(b); okb {
			if na.oflow != 0 && na.oflow == nb.oflow && na.d-nb.d == 0 {
				return strings.Compare(a, b)
			}
			if !na.isLong || !nb.isLong {
				da, db := na.d, nb.d
				switch {
				case na.isLong:
					if nb.oflow != 0 {
						return -nb.oflow
					}
					da = float64(na.l)
				case nb.isLong:
					if na.oflow != 0 {
						return na.oflow
					}
					db = float64(nb.l)
				case da == db && (math.IsInf(da, 0)):
					return strings.Compare(a, b)
				}
				return cmp3(da, db)
			}
			return cmp3(na.l, nb.l)
		}
	}
	return strings.Compare(a, b)
}

type phpNum struct {
	isLong bool
	l      int64
	d      float64
	oflow  int // +1 or -1 when an integer literal overflowed to a float
}

func isPHPNumericStart(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == ' ' || (c >= '\t' && c <= '\r')
}

// phpNumeric is PHP 8's is_numeric_string without errors allowed:
// optional surrounding whitespace, sign, digits, fraction, exponent.
func phpNumeric(s string) (phpNum, bool) {
	isWS := func(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
	i, j := 0, len(s)
	for i < j && isWS(s[i]) {
		i++
	}
	for j > i && isWS(s[j-1]) {
		j--
	}
	t := s[i:j]
	k := 0
	if k < len(t) && (t[k] == '+' || t[k] == '-') {
		k++
	}
	intDigits := 0
	for k < len(t) && t[k] >= '0' && t[k] <= '9' {
		k++
		intDigits++
	}
	isInt := true
	fracDigits := 0
	if k < len(t) && t[k] == '.' {
		isInt = false
		k++
		for k < len(t) && t[k] >= '0' && t[k] <= '9' {
			k++
			fracDigits++
		}
	}
	if intDigits+fracDigits == 0 {
		return phpNum{}, false
	}
	if k < len(t) && (t[k] == 'e' || t[k] == 'E') {
		e := k + 1
		if e < len(t) && (t[e] == '+' || t[e] == '-') {
			e++
		}
		if e < len(t) && t[e] >= '0' && t[e] <= '9' {
			isInt = false
			for e < len(t) && t[e] >= '0' && t[e] <= '9' {
				e++
			}
			k = e
		}
	}
	if k != len(t) {
		return phpNum{}, false
	}
	if isInt {
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			return phpNum{isLong: true, l: n, d: float64(n)}, true
		}
		d, _ := strconv.ParseFloat(t, 64)
		of := 1
		if t[0] == '-' {
			of = -1
		}
		return phpNum{d: d, oflow: of}, true
	}
	d, _ := strconv.ParseFloat(t, 64)
	return phpNum{d: d}, true
}

// zendSort sorts v as PHP's zend_sort does (Zend/zend_sort.c: insertion
// sort up to 16 elements, else a quicksort with a median-of-3 or -5
// pivot). With a consistent comparison any sort gives the same result; PHP
// key comparisons mixing numeric and other strings are not transitive, and
// then only the same algorithm gives the same order.
func zendSort(v []int, cmp func(a, b int) int) {
	for {
		n := len(v)
		if n <= 16 {
			zendInsertSort(v, cmp)
			return
		}
		offset := n >> 1
		if n>>10 != 0 {
			delta := offset >> 1
			zendSort5(v, 0, delta, offset, offset+delta, n-1, cmp)
		} else {
			zendSort3(v, 0, offset, n-1, cmp)
		}
		v[1], v[offset] = v[offset], v[1]
		pivot := 1
		i := pivot + 1
		j := n - 1
	partition:
		for {
			for cmp(v[pivot], v[i]) > 0 {
				i++
				if i == j {
					break partition
				}
			}
			j--
			if j == i {
				break
			}
			for cmp(v[j], v[pivot]) > 0 {
				j--
				if j == i {
					break partition
				}
			}
			v[i], v[j] = v[j], v[i]
			i++
			if i == j {
				break
			}
		}
		v[pivot], v[i-1] = v[i-1], v[pivot]
		if (i-1)-0 < n-i {
			zendSort(v[:i-1], cmp)
			v = v[i:]
		} else {
			zendSort(v[i:], cmp)
			v = v[:i-1]
		}
	}
}

func zendSort2(v []int, a, b int, cmp func(a, b int) int) {
	if cmp(v[a], v[b]) > 0 {
		v[a], v[b] = v[b], v[a]
	}
}

func zendSort3(v []int, a, b, c int, cmp func(a, b int) int) {
	if cmp(v[a], v[b]) <= 0 {
		if cmp(v[b], v[c]) <= 0 {
			return
		}
		v[b], v[c] = v[c], v[b]
		if cmp(v[a], v[b]) > 0 {
			v[a], v[b] = v[b], v[a]
		}
		return
	}
	if cmp(v[c], v[b]) <= 0 {
		v[a], v[c] = v[c], v[a]
		return
	}
	v[a], v[b] = v[b], v[a]
	if cmp(v[b], v[c]) > 0 {
		v[b], v[c] = v[c], v[b]
	}
}

func zendSort4(v []int, a, b, c, d int, cmp func(a, b int) int) {
	zendSort3(v, a, b, c, cmp)
	if cmp(v[c], v[d]) > 0 {
		v[c], v[d] = v[d], v[c]
		if cmp(v[b], v[c]) > 0 {
			v[b], v[c] = v[c], v[b]
			if cmp(v[a], v[b]) > 0 {
				v[a], v[b] = v[b], v[a]
			}
		}
	}
}

func zendSort5(v []int, a, b, c, d, e int, cmp func(a, b int) int) {
	zendSort4(v, a, b, c, d, cmp)
	if cmp(v[d], v[e]) > 0 {
		v[d], v[e] = v[e], v[d]
		if cmp(v[c], v[d]) > 0 {
			v[c], v[d] = v[d], v[c]
			if cmp(v[b], v[c]) > 0 {
				v[b], v[c] = v[c], v[b]
				if cmp(v[a], v[b]) > 0 {
					v[a], v[b] = v[b], v[a]
				}
			}
		}
	}
}

func zendInsertSort(v []int, cmp func(a, b int) int) {
	switch n := len(v); n {
	case 0, 1:
	case 2:
		zendSort2(v, 0, 1, cmp)
	case 3:
		zendSort3(v, 0, 1, 2, cmp)
	case 4:
		zendSort4(v, 0, 1, 2, 3, cmp)
	case 5:
		zendSort5(v, 0, 1, 2, 3, 4, cmp)
	default:
		insert := func(i, j int) {
			for k := i; k > j; k-- {
				v[k], v[k-1] = v[k-1], v[k]
			}
		}
		sentry := min(6, n)
		for i := 1; i < sentry; i++ {
			j := i - 1
			if cmp(v[j], v[i]) <= 0 {
				continue
			}
			for j != 0 {
				j--
				if cmp(v[j], v[i]) <= 0 {
					j++
					break
				}
			}
			insert(i, j)
		}
		for i := sentry; i < n; i++ {
			j := i - 1
			if cmp(v[j], v[i]) <= 0 {
				continue
			}
			for {
				j -= 2
				if cmp(v[j], v[i]) <= 0 {
					j++
					if cmp(v[j], v[i]) <= 0 {
						j++
					}
					break
				}
				if j == 0 {
					break
				}
				if j == 1 {
					j--
					if cmp(v[i], v[j]) > 0 {
						j++
					}
					break
				}
			}
			insert(i, j)
		}
	}
}
