package codec

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// This file is the keys dimension: the order of the values in the md5
// input, by UTF-8 bytes (the documented scheme, PHP strcmp, Go) or by
// UTF-16 code units (JavaScript's Array.prototype.sort, Java's
// String.compareTo and TreeMap). PHP's ksort is in rulephpsort.go.

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
	if namesIncreasing(ms) {
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
