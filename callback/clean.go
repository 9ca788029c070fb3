package callback

import (
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// maxLogText bounds one text in a log record.
const maxLogText = 2048

// clean makes text fit for a log line: shortened to about maxLogText
// bytes, then control, formatting and other non-printing characters and
// invalid UTF-8 escaped by codec.Escape (\n, \x1b, \u202e). Whatever the
// sender put in a message, a log line stays one line and cannot rewrite a
// terminal.
func clean(s string) string {
	if len(s) <= maxLogText {
		return codec.Escape(s)
	}
	cut := maxLogText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return codec.Escape(s[:cut]) + "..."
}
