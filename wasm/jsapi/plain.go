package jsapi

import (
	"bytes"
	"encoding/binary"

	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// A report's data is the decrypted object, which Report.AppendJSON writes
// member by member (codec.Object.AppendJSON): in WebAssembly that is many
// small copies, a tenth of ottpay.decode's time in Go. Senders mostly
// encrypt exactly that text (JSON.stringify's), so when the decrypted
// text is already in that form it is copied whole instead: the same
// bytes, made faster.

// canonicalObject reports whether p, a JSON object that codec parsed, is
// the text codec.Object.AppendJSON writes for it: nothing outside strings
// but the tokens (no whitespace, nothing outside ASCII), and in strings no
// raw control character and no escape but \" \\ \b \f \n \r \t. Numbers
// and literals are written as sent either way; a \u or \/ escape is
// written otherwise, so such text is not taken.
func canonicalObject(p []byte) bool {
	if len(p) < 2 || p[0] != '{' || p[len(p)-1] != '}' {
		return false
	}
	in := false
	for i := 0; i < len(p); {
		if in {
			// Skip eight bytes at a time that are neither '"', '\\' nor
			// a control character.
			for i+8 <= len(p) && !stopInString(binary.LittleEndian.Uint64(p[i:])) {
				i += 8
			}
			if i >= len(p) {
				break
			}
			switch c := p[i]; {
			case c == '"':
				in = false
				i++
			case c == '\\':
				if i+1 >= len(p) {
					return false
				}
				switch p[i+1] {
				case '"', '\\', 'b', 'f', 'n', 'r', 't':
					i += 2
				default:
					return false
				}
			case c < 0x20:
				return false
			default:
				i++
			}
			continue
		}
		switch c := p[i]; {
		case c == '"':
			in = true
		case c <= ' ' || c >= 0x80:
			return false
		}
		i++
	}
	return !in
}

// stopInString reports whether any of the eight bytes of w is '"', '\\'
// or below 0x20 (exactly, for the word as a whole).
func stopInString(w uint64) bool {
	const (
		lo = 0x0101010101010101
		hi = 0x8080808080808080
	)
	has := func(x uint64) uint64 { return (x - lo) & ^x & hi } // a zero byte
	return has(w^(lo*'"'))|has(w^(lo*'\\'))|((w-lo*0x20)&^w&hi) != 0
}

// dataNull is what Report.AppendJSON writes for a report without data.
var dataNull = []byte(`,"data":null,"warnings":[`)

// appendReport appends the JSON of r, fresh from report.Decode, as
// r.AppendJSON does; when the decrypted text is what AppendJSON would
// write for the data, it is copied in whole (see canonicalObject), into
// the place of the data of the report written without it. tail is
// scratch, returned for reuse.
func appendReport(out []byte, r *report.Report, tail []byte) ([]byte, []byte) {
	if r.Data == nil || r.Opened == nil || r.Opened.Object != r.Data || !canonicalObject(r.Opened.Plaintext) {
		return r.AppendJSON(out), tail
	}
	start := len(out)
	data := r.Data
	r.Data = nil
	out = r.AppendJSON(out)
	r.Data = data
	// Member names and values before the data are escaped strings, so
	// the first place where dataNull's unescaped quotes occur is the
	// data member itself.
	i := bytes.Index(out[start:], dataNull)
	if i < 0 {
		return r.AppendJSON(out[:start]), tail
	}
	at := start + i + len(`,"data":`)
	tail = append(tail[:0], out[at+len("null"):]...)
	out = append(out[:at], r.Opened.Plaintext...)
	return append(out, tail...), tail
}
