package callback

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// maxLogText bounds one text in a log record.
const maxLogText = 2048

// clean makes text fit for a log line: control, formatting and other
// non-printing characters and invalid UTF-8 are escaped as Go escapes them
// (\n, \x1b, \u202e), and the text is shortened to about maxLogText bytes.
// Whatever the sender put in a message, a log line stays one line and
// cannot rewrite a terminal.
func clean(s string) string {
	ok := len(s) <= maxLogText
	for _, r := range s {
		if r == utf8.RuneError || (!unicode.IsPrint(r) && r != ' ') {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	b := make([]byte, 0, min(len(s), maxLogText)+16)
	for i := 0; i < len(s); {
		if len(b) >= maxLogText {
			return string(b) + "..."
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\x`...)
			b = append(b, "0123456789abcdef"[s[i]>>4], "0123456789abcdef"[s[i]&15])
		case r == ' ' || (unicode.IsPrint(r) && r != utf8.RuneError):
			b = append(b, s[i:i+size]...)
		default:
			q := strconv.QuoteRune(r) // 'x' with the escape inside
			b = append(b, q[1:len(q)-1]...)
		}
		i += size
	}
	return string(b)
}
