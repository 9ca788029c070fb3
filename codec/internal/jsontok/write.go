package jsontok

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// Flags choose among the forms AppendString writes.
type Flags uint8

const (
	// Strict stops at the first byte that is not UTF-8 and reports false,
	// instead of writing it as \ufffd.
	Strict Flags = 1 << iota
	// Script is the form of text embedded in a script or a log: U+2028
	// and U+2029 escaped too, and the control characters other than \n,
	// \r and \t written \u00XX (the report's form).
	Script
)

// AppendString appends s as a JSON string: raw UTF-8, escaping only '"',
// '\' and control characters, as JSON.stringify does; invalid UTF-8 is
// written as \ufffd, a byte at a time. It reports false only under Strict,
// at the first invalid byte.
func AppendString(dst []byte, s string, f Flags) ([]byte, bool) {
	dst = append(dst, '"')
	if len(s) >= 128 && strings.IndexByte(s, '"') < 0 && strings.IndexByte(s, '\\') < 0 && PlainASCII(s) {
		// Long plain text, such as Base64: nothing to escape.
		dst = append(dst, s...)
		return append(dst, '"'), true
	}
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			// Skip plain ASCII eight bytes at a time, and go straight to
			// the first byte that needs a look.
			w := load64(s, i)
			m := stopMask(w) | w&msb
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if !needsEscape[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			for {
				// Escapes come in runs (\" in JSON held in a string).
				if c == '"' || c == '\\' {
					dst = append(dst, '\\', c)
				} else {
					dst = appendEscape(dst, c, f)
				}
				i++
				if i == len(s) {
					break
				}
				if c = s[i]; !needsEscape[c] {
					break
				}
			}
			start = i
			continue
		}
		if f&Script != 0 && c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8 {
			// U+2028 or U+2029.
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', "89"[s[i+2]&1])
			i += 3
			start = i
			continue
		}
		if cjk3(s, i) && f&Script == 0 {
			i = skipCJK(s, i+3)
			continue
		}
		n := utf8Len(s, i)
		if n == 0 {
			if f&Strict != 0 {
				return dst, false
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			start = i + 1
			n = 1
		}
		i += n
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), true
}

// appendValid is AppendString for text known to be valid UTF-8.
func appendValid(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			m := stopMask(load64(s, i))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		c := s[i]
		if !needsEscape[c] {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscape(dst, c, 0)
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// needsEscape marks the bytes a JSON string must escape.
var needsEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'] = true
	t['\\'] = true
	return t
}()

const hexDigits = "0123456789abcdef"

// AppendEscape appends the JSON escape of c, a byte needing one.
func appendEscape(dst []byte, c byte, f Flags) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		if f&Script == 0 {
			return append(dst, '\\', 'b')
		}
	case '\f':
		if f&Script == 0 {
			return append(dst, '\\', 'f')
		}
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
}
