package jsapi

import (
	"encoding/binary"
	"unicode/utf8"
)

// Reports cross to JavaScript as one JSON text, which the browser turns
// into a string (TextDecoder) before JSON.parse reads it. Chromium decodes
// pure ASCII several times faster than text holding even a few
// multi-byte characters (the decrypted data of real callbacks holds names
// and addresses in Chinese, French, ...), so the text handed over spells
// every character outside ASCII as a JSON escape: \u00e9 for é, a
// surrogate pair for a character beyond U+FFFF. JSON.parse yields the same
// strings either way.

// firstNonASCII returns the index of the first byte of b that is not
// ASCII, or -1. It reads eight bytes at a time: most reports are ASCII
// from end to end.
func firstNonASCII(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

const hexDigits = "0123456789abcdef"

// appendASCII appends src, a JSON text, to dst with every character
// outside ASCII written as a \u escape. It returns false, with dst
// unchanged, when src is not valid UTF-8: such text is left for the
// browser's decoder, which replaces what is invalid its own way.
// Outside strings a JSON text is ASCII, so every character escaped is
// inside a string, where the escape means the same character.
func appendASCII(dst, src []byte) ([]byte, bool) {
	if !utf8.Valid(src) {
		return dst, false
	}
	for len(src) > 0 {
		i := firstNonASCII(src)
		if i < 0 {
			return append(dst, src...), true
		}
		dst = append(dst, src[:i]...)
		src = src[i:]
		for len(src) > 0 && src[0] >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(src)
			src = src[n:]
			if r > 0xFFFF {
				r -= 0x10000
				dst = appendU(dst, 0xD800+(r>>10))
				r = 0xDC00 + r&0x3FF
			}
			dst = appendU(dst, r)
		}
	}
	return dst, true
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}
