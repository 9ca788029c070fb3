package codec

import (
	"math"
	"strconv"
	"strings"
)

// This file is the keys=php dimension: the order PHP's ksort leaves the
// keys of an array that json_decode($json, true) built. It is a port of
// php-src as of PHP 8.0 to 8.3 (8.0 made sort stable and changed how
// numeric strings compare with numbers; later 8.x releases keep both):
//
//   - the keys: json_decode stores members with zend_symtable_update, so
//     a canonical decimal integer key becomes an integer key
//     (ZEND_HANDLE_NUMERIC_STR, Zend/zend_hash.h): toPHPKey;
//   - ksort (ext/standard/array.c, PHP_FUNCTION(ksort), SORT_REGULAR):
//     php_array_key_compare_unstable_i compares two integer keys as
//     integers, an integer with a string with zend_compare_long_to_string
//     and two strings with zendi_smart_strcmp (both Zend/zend_operators.c,
//     using _is_numeric_string_ex for "is this string numeric"), and
//     php_array_key_compare makes it stable by the original position:
//     phpOrder, phpCompareKeys, phpCompareLongString, phpSmartStrcmp,
//     phpNumeric;
//   - the sort itself, zend_hash_sort calling zend_sort (Zend/zend_sort.c:
//     zend_sort, zend_insert_sort, zend_sort_2 to zend_sort_5): zendSort.
//     Key comparisons that mix numeric and other strings are not
//     transitive, and then only the same algorithm gives the same order.

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
