package scan

import (
	"bytes"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// This file reads form-urlencoded bodies: data=...&md5=...&rsp_code=...

// maxFormPairs bounds the members of one form body.
const maxFormPairs = 64

const noteSpaces = "spaces in the form's data were read as '+' (the body was form-decoded without having been encoded)"

// formStop holds the bytes that end a form value (other than data's).
var formStop = func() (t [256]bool) {
	for c := range 0x21 {
		t[c] = true
	}
	for _, c := range "&\"'<>{}\\#\x7f" {
		t[c] = true
	}
	return t
}()

func isFormKeyByte(c byte) bool {
	return isWordByte(c) || c == '.' || c == '-' || c == '[' || c == ']' || c == '%'
}

// tryForm tries a form body at b[p], which must start with an envelope
// member name and '='. It returns the end of the form run, or p when there
// is none.
func (s *scanner) tryForm(v *view, p int) (next int, more bool) {
	b := v.b
	n := len(b)
	k := p
	for k < n && isWordByte(b[k]) {
		k++
	}
	s.work += 1 + k - p // the attempt
	if k >= n || b[k] != '=' || keyBit(b[p:k]) == 0 {
		return p, false
	}
	final := s.finalAt(v, p)
	type pair struct{ key, val []byte }
	var pairs []pair
	var keys keySet
	spaced := false
	i := p
	for len(pairs) < maxFormPairs {
		ks := i
		for i < n && isFormKeyByte(b[i]) {
			i++
		}
		s.work += i - ks
		if i == ks || i >= n || b[i] != '=' {
			if i >= n && !final {
				return p, true
			}
			i = ks - 1 // end the run before the '&'
			break
		}
		key := percentDecode(b[ks:i], false)
		i++
		vs := i
		var val []byte
		if string(key) == "data" {
			for i < n && (isB64(b[i]) || b[i] == ' ' || b[i] == '%') {
				i++
			}
			i = skipPadding(b, i)  // padding ends the Base64
			s.work += 2 * (i - vs) // the run, then the words in it
			if i == n && !final {
				return p, true
			}
			end := vs + len(bytes.TrimRight(b[vs:i], " "))
			if (i >= n || b[i] != '&') && b[end-1] != '=' {
				// Without padding or a following member, a space may end
				// the value or be a '+' lost to form decoding. Unpadded
				// Base64 of AES blocks is a multiple of 64 characters long:
				// take the longest such run of words, else the first word.
				if first := bytes.IndexByte(b[vs:end], ' '); first >= 0 {
					cut, decoded := vs+first, 0
					for k := vs; k <= end; {
						if (k == end || b[k] == ' ') && decoded > 0 && decoded%64 == 0 {
							cut = k
						}
						if k+2 < end && b[k] == '%' && jsontok.IsHex(b[k+1]) && jsontok.IsHex(b[k+2]) {
							k += 3
						} else {
							k++
						}
						decoded++
					}
					end = cut
				}
			}
			i = end
			val = percentDecode(b[vs:end], false)
			if bytes.IndexByte(val, ' ') >= 0 {
				val = bytes.ReplaceAll(val, []byte{' '}, []byte{'+'})
				spaced = true
			}
		} else {
			for i < n && !formStop[b[i]] {
				i++
			}
			s.work += i - vs
			if i == n && !final {
				return p, true
			}
			val = percentDecode(b[vs:i], true)
		}
		pairs = append(pairs, pair{key, val})
		keys |= keyBit(key)
		if i+1 < n && b[i] == '&' && isFormKeyByte(b[i+1]) {
			i++
			continue
		}
		break
	}
	if len(pairs) < 2 || !keys.candidate() {
		return max(i, p+1), false
	}
	s.work += i - p // the JSON text made of the pairs
	raw := []byte{'{'}
	for j, pr := range pairs {
		if j > 0 {
			raw = append(raw, ',')
		}
		raw = appendJSONString(raw, pr.key)
		raw = append(raw, ':')
		raw = appendJSONString(raw, pr.val)
	}
	raw = append(raw, '}')
	var notes []string
	if spaced {
		notes = []string{noteSpaces}
	}
	s.offer(v, p, i, raw, true, len(raw), 0, appendVia(v.via, ViaForm), notes)
	return i, false
}

// percentDecode decodes %XX escapes (an invalid one is kept) and, when
// plus is set, '+' as a space.
func percentDecode(b []byte, plus bool) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '%' && i+2 < len(b) && jsontok.IsHex(b[i+1]) && jsontok.IsHex(b[i+2]):
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
		case c == '+' && plus:
			out = append(out, ' ')
		default:
			out = append(out, c)
		}
	}
	return out
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// appendJSONString appends s as a JSON string; bytes that are not UTF-8
// become U+FFFD, which the envelope parser would refuse anyway.
func appendJSONString(dst, s []byte) []byte {
	const hexd = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&15])
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			r, w := utf8.DecodeRune(s[i:])
			dst = utf8.AppendRune(dst, r)
			i += w
			continue
		}
		i++
	}
	return append(dst, '"')
}
