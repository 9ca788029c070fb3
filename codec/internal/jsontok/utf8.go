package jsontok

import (
	"unicode/utf8"
)

// Eight bytes at a time: load64 reads s[i:i+8] as a little-endian word,
// and stopMask marks in it the '"', '\' and control characters, the
// bytes that end a run of plain string text.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

func load64[T ~string | ~[]byte](s T, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// stopMask has the high bit set in each byte of w that is a '"', a '\' or
// a control character; the lowest byte so marked is exact.
func stopMask(w uint64) uint64 {
	q := w ^ (lsb * '"')
	b := w ^ (lsb * '\\')
	return ((q-lsb)&^q | (b-lsb)&^b | (w-lsb*0x20)&^w) & msb
}

// PlainASCII reports whether s holds only printable ASCII and DEL (0x20
// to 0x7f), thirty-two bytes at a time.
func PlainASCII(s string) bool {
	i := 0
	for ; i+32 <= len(s); i += 32 {
		t := s[i : i+32]
		a, b, c, d := load64(t, 0), load64(t, 8), load64(t, 16), load64(t, 24)
		if ((a-lsb*0x20)|a|(b-lsb*0x20)|b|(c-lsb*0x20)|c|(d-lsb*0x20)|d)&msb != 0 {
			return false
		}
	}
	for ; i+8 <= len(s); i += 8 {
		if w := load64(s, i); ((w-lsb*0x20)|w)&msb != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 {
			return false
		}
	}
	return true
}

// cjk3 reports whether s[j:j+3] is a three-byte sequence led by E1..EC or
// EE..EF, whose second byte may be any continuation byte (E0 and ED
// restrict it): most of Chinese text, checked without a call.
func cjk3(s string, j int) bool {
	if j+3 > len(s) {
		return false
	}
	c := s[j]
	return cjkLead[c] && s[j+1]&0xC0 == 0x80 && s[j+2]&0xC0 == 0x80
}

// skipCJK returns the end of the run of cjk3 sequences starting at j,
// two sequences at a time while eight bytes are left: their lead bytes
// looked up in cjkLead, their four continuation bytes checked at once.
func skipCJK(s string, j int) int {
	for j+8 <= len(s) {
		w := load64(s, j)
		if w&0x0000C0C000C0C000 != 0x0000808000808000 || !cjkLead[byte(w)] || !cjkLead[byte(w>>24)] {
			break
		}
		j += 6
	}
	for cjk3(s, j) {
		j += 3
	}
	return j
}

// cjkLead marks the lead bytes cjk3 accepts.
var cjkLead = func() (t [256]bool) {
	for c := 0xE1; c <= 0xEF; c++ {
		t[c] = c != 0xED
	}
	return t
}()

// utf8Len returns the length of the valid UTF-8 sequence at s[j], a byte
// of 0x80 or more, or 0 if there is none.
func utf8Len(s string, j int) int {
	if cjk3(s, j) {
		return 3
	}
	r, n := utf8.DecodeRuneInString(s[j:])
	if r == utf8.RuneError && n == 1 {
		return 0
	}
	return n
}

// ValidUTF8 is utf8.ValidString, faster on the text the codec sees:
// ASCII eight bytes at a time, and the three-byte sequences of Chinese
// text without the general decoder.
func ValidUTF8(s string) bool {
	i := 0
	for i < len(s) {
		if i+8 <= len(s) && load64(s, i)&msb == 0 {
			i += 8
			continue
		}
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		if cjk3(s, i) {
			i = skipCJK(s, i+3)
			continue
		}
		n := utf8Len(s, i)
		if n == 0 {
			return false
		}
		i += n
	}
	return true
}
