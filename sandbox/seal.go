package sandbox

import (
	"crypto/aes"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
)

// sealAs fills e.Data and e.MD5 from o as a sender of the given rule makes
// them (see the package doc, "Sender quirks"): the md5 over the values as
// that sender renders them, the plaintext as that sender's JSON encoder
// writes it, and for PHP the Base64 broken by a space every 60 characters,
// as the docs' published example is.
func sealAs(e *codec.Envelope, o *codec.Object, signKey string, rule codec.Rule) error {
	if rule == "" {
		rule = codec.RuleStrings
	}
	md5, err := codec.Digest(o, rule)
	if err != nil {
		return err
	}
	plain := o.AppendJSON(nil)
	switch rule {
	case codec.RulePHP:
		plain = phpEscape(plain)
	case codec.RuleJava:
		plain = gsonEscape(plain)
	}
	data, err := encryptECB(codec.AESKey(md5, signKey), plain)
	if err != nil {
		return err
	}
	if rule == codec.RulePHP {
		data = wrap(data, 60, " ")
	}
	e.Data, e.MD5, e.HasData, e.HasMD5 = data, md5, true, true
	return nil
}

// encryptECB is AES-128-ECB with PKCS#7 padding, then standard Base64: the
// data member of Appendix A. (The codec seals only its own compact JSON
// text; the sender quirks need other texts of the same object.)
func encryptECB(key string, plain []byte) (string, error) {
	block, err := aes.NewCipher([]byte(key))
	if err != nil {
		return "", fmt.Errorf("sandbox: AES key: %w", err)
	}
	n := 16 - len(plain)%16
	buf := make([]byte, len(plain)+n)
	copy(buf, plain)
	for i := len(plain); i < len(buf); i++ {
		buf[i] = byte(n)
	}
	for i := 0; i < len(buf); i += 16 {
		block.Encrypt(buf[i:i+16], buf[i:i+16])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}

// phpEscape rewrites compact JSON as PHP's json_encode writes it by
// default: "/" as "\/" and every non-ASCII character as \uXXXX (UTF-16,
// surrogate pairs for the rest). Both occur only inside strings.
func phpEscape(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == '/':
			out = append(out, '\\', '/')
		case r < utf8.RuneSelf:
			out = append(out, byte(r))
		case r > 0xFFFF:
			r -= 0x10000
			out = fmt.Appendf(out, "\\u%04x\\u%04x", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			out = fmt.Appendf(out, "\\u%04x", r)
		}
		b = b[size:]
	}
	return out
}

// gsonEscape rewrites compact JSON as Gson's default (HTML-safe) writer
// does: < > & = ' and U+2028, U+2029 as \u003c-style escapes.
func gsonEscape(b []byte) []byte {
	var sb strings.Builder
	for _, r := range string(b) {
		switch r {
		case '<', '>', '&', '=', '\'', '\u2028', '\u2029':
			fmt.Fprintf(&sb, "\\u%04x", r)
		default:
			sb.WriteRune(r)
		}
	}
	return []byte(sb.String())
}

// wrap inserts sep after every n characters of s.
func wrap(s string, n int, sep string) string {
	var sb strings.Builder
	for len(s) > n {
		sb.WriteString(s[:n])
		sb.WriteString(sep)
		s = s[n:]
	}
	sb.WriteString(s)
	return sb.String()
}

// asSender turns the digit-string amounts, rates and durations of o into
// JSON numbers, as the Java, PHP and JS senders send them; for the strings
// rule it returns o unchanged. Fields are recognised by their documented
// unit in the given message kind of a.
func asSender(o *codec.Object, a catalog.Action, kind codec.EnvelopeKind, rule codec.Rule) *codec.Object {
	if rule == "" || rule == codec.RuleStrings {
		return o
	}
	out := &codec.Object{Members: make([]codec.Member, len(o.Members))}
	copy(out.Members, o.Members)
	for i, m := range out.Members {
		f, ok := a.Field(kind, m.Key)
		if !ok || m.Value.Kind != codec.KindString || !isDigits(m.Value.Text) {
			continue
		}
		switch f.Unit {
		case catalog.UnitCents, catalog.UnitRate, catalog.UnitSeconds:
			if len(m.Value.Text) > 1 && m.Value.Text[0] == '0' {
				continue // leading zeros are not a JSON number
			}
			out.Members[i].Value = codec.Value{Kind: codec.KindNumber, Text: m.Value.Text}
		}
	}
	return out
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
