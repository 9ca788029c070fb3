package jsontok

import (
	"math/bits"
	"unicode/utf8"
)

// This file is the tolerant mode, for the scanner: the same strings,
// escapes and numbers read from bytes that may end inside a token, with
// the repairs a copy from a log needs.

// Status is the result of ScanString and SkipEscape.
type Status uint8

// The statuses of a scan.
const (
	OK     Status = iota
	Broken        // valid but for raw line breaks inside Base64-like text
	Bad           // not a JSON string
	More          // the bytes end inside it
)

// b64ish holds the bytes of Base64 text (either alphabet) with padding,
// and the space the published examples wrap it with.
var b64ish = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_= " {
		t[c] = true
	}
	return t
}()

// ScanString scans the JSON string at b[i] == '"' and returns the offset
// after its closing quote, or where it went wrong, with a status. Its
// bytes above 0x7f are not checked for UTF-8.
func ScanString(b []byte, i int) (int, Status) {
	n := len(b)
	start := i
	i++
	for {
		i = PlainRun(b, i)
		if i >= n {
			return i, More
		}
		switch b[i] {
		case '"':
			return i + 1, OK
		case '\\':
			next, status := SkipEscape(b, i)
			if status != OK {
				return i, status
			}
			i = next
		default:
			// A control character: a raw line break may be one that broke
			// Base64 text, which the careful scan below tells.
			return scanBrokenString(b, start)
		}
	}
}

// SkipEscape checks the escape sequence at b[i] == '\\' inside a JSON
// string and returns the offset after it with OK, or More when b ends
// inside it, or Bad when it is not a JSON escape.
func SkipEscape(b []byte, i int) (int, Status) {
	_, w, e := decodeEscape(b, i)
	switch e {
	case escOK, escLone:
		return i + w, OK
	case escMore:
		return i, More
	case escBadHex:
		if i+6 > len(b) && isHexPrefix(b[i+2:]) {
			return i, More
		}
	}
	return i, Bad
}

// PlainRun returns the offset of the first byte from b[i] on that ends a
// run of plain string content: a quote, a backslash or a control
// character; len(b) when there is none. It reads eight bytes at a time.
func PlainRun(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if m := stopMask(load64(b, i)); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

// scanBrokenString is ScanString for a string holding a control
// character: it also tells a raw line break inside Base64-like text,
// which a copy of a log may have added, from any other.
func scanBrokenString(b []byte, i int) (int, Status) {
	n := len(b)
	start := i + 1
	i = start
	status := OK
	plain := true // the content so far is Base64-like
	for i < n {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, status
		case c == '\\':
			plain = false
			next, st := SkipEscape(b, i)
			if st != OK {
				return i, st
			}
			i = next
		case c < 0x20:
			if (c != '\n' && c != '\r') || !plain || i-start < 8 {
				return i, Bad
			}
			for i < n && (b[i] == '\r' || b[i] == '\n') {
				i++
			}
			if i >= n {
				return i, More
			}
			if !b64ish[b[i]] || b[i] == ' ' {
				return i, Bad
			}
			status = Broken
		default:
			if plain && !b64ish[c] {
				if status == Broken {
					return i, Bad
				}
				plain = false
			}
			i++
		}
	}
	return i, More
}

func isHexPrefix(b []byte) bool {
	for _, c := range b {
		if !IsHex(c) {
			return false
		}
	}
	return true
}

// ScanNumber scans the JSON number at b[i] and returns the offset after
// it, or where it went wrong with false. A number running into the end of
// b returns len(b), true: more bytes may finish it.
func ScanNumber(b []byte, i int) (int, bool) {
	n := NumberLen(b[i:])
	switch {
	case n > 0:
		return i + n, true
	case i-n == len(b):
		return len(b), true
	}
	return i - n, false
}

// AppendUnescaped appends the content of a JSON string, src, with its
// escapes decoded to out and, when withTab is set, the offset in src of
// each byte appended to tab, and then len(src). It is lenient: an invalid
// escape is copied as it stands; a lone surrogate becomes U+FFFD.
func AppendUnescaped(out []byte, tab []int, src []byte, withTab bool) ([]byte, []int) {
	for i := 0; i < len(src); {
		c := src[i]
		if c != '\\' || i+1 >= len(src) {
			out = append(out, c)
			if withTab {
				tab = append(tab, i)
			}
			i++
			continue
		}
		r, w, e := decodeEscape(src, i)
		switch e {
		case escOK:
			if w == 2 {
				out = append(out, byte(r))
			} else {
				out = utf8.AppendRune(out, r)
			}
		case escLone:
			out = utf8.AppendRune(out, utf8.RuneError)
		default:
			out, w = append(out, '\\'), 1
		}
		if withTab {
			for len(tab) < len(out) {
				tab = append(tab, i)
			}
		}
		i += w
	}
	if withTab {
		tab = append(tab, len(src))
	}
	return out, tab
}
