// Package share turns pasted message text into a link to the Decode page
// and back, carrying the text in the URL fragment (#m=...) and never a key.
//
// The fragment is never sent to a server: the browser keeps it to itself,
// so the message goes from the sender's clipboard to the receiver's page
// without touching any host. The receiver decodes it with the keys of their
// own vault. The text is compressed with DEFLATE and written as unpadded
// base64url, which needs no percent-escaping in any URL.
//
// A message is not secret in the way a key is (its data is encrypted), but
// a pasted log can hold anything: Link refuses any text that contains one
// of the sign keys it is given, so a key never ends up in a link.
package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Param is the name of the fragment parameter that carries the message.
const Param = "m"

// MaxFragment is the longest encoded message, in characters, a link may
// carry. Browsers accept far longer URLs, but chat tools, mail clients and
// ticket systems cut or refuse links past a few tens of kilobytes.
const MaxFragment = 32 << 10

// MaxText is the longest message text, in bytes, a link may expand to;
// Parse stops there, so a small link cannot unpack into a huge text (a
// link of 2 KB can hold a megabyte of repeated lines). A quarter of a
// megabyte is several hundred envelopes: more belongs on the Batch page,
// as a file.
const MaxText = 256 << 10

// Errors, tested with errors.Is.
var (
	// ErrEmpty: there is no text to share.
	ErrEmpty = errors.New("share: nothing to share")
	// ErrTooLong: the text is too long for a link.
	ErrTooLong = errors.New("share: message too long for a link")
	// ErrContainsKey: the text holds a sign key.
	ErrContainsKey = errors.New("share: the text contains a sign key")
	// ErrNoMessage: the URL carries no shared message.
	ErrNoMessage = errors.New("share: the link carries no message")
	// ErrCorrupt: the shared message cannot be read back.
	ErrCorrupt = errors.New("share: the link's message is damaged")
)

// Fragment returns the URL fragment, without '#', that carries text:
// "m=" followed by the base64url of the DEFLATE-compressed text.
func Fragment(text string) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", ErrEmpty
	}
	if len(text) > MaxText {
		return "", fmt.Errorf("%w: the text is %d bytes, a link holds at most %d; share the file itself instead", ErrTooLong, len(text), MaxText)
	}
	if !utf8.ValidString(text) {
		return "", fmt.Errorf("%w: the text is not valid UTF-8", ErrCorrupt)
	}
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression) // the level is valid
	_, _ = w.Write([]byte(text))                         // bytes.Buffer writes never fail
	_ = w.Close()
	enc := base64.RawURLEncoding.EncodeToString(buf.Bytes())
	if len(enc)+len(Param)+1 > MaxFragment {
		return "", fmt.Errorf("%w: compressed it still takes %d characters, a link holds at most %d; share only the envelopes you need, or the file itself", ErrTooLong, len(enc)+len(Param)+1, MaxFragment)
	}
	return Param + "=" + enc, nil
}

// Link returns base with its fragment replaced by the one carrying text.
// base is the address of the Decode page, such as
// "https://example.org/ottpay/". keys maps a name (a merchant_id or a
// profile label) to a sign key; Link refuses, with ErrContainsKey, a text
// that contains any of them in any letter case, and a base URL that does.
func Link(base, text string, keys map[string]string) (string, error) {
	if err := CheckNoKeys(text, keys); err != nil {
		return "", err
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("share: the page address %q is not a URL: %v", base, err)
	}
	frag, err := Fragment(text)
	if err != nil {
		return "", err
	}
	u.Fragment, u.RawFragment = "", ""
	link := u.String() + "#" + frag
	if err := CheckNoKeys(link, keys); err != nil {
		// Only the base can bring a key in here: the fragment is
		// compressed text that was checked above.
		return "", err
	}
	return link, nil
}

// CheckNoKeys returns an error wrapping ErrContainsKey when text contains
// any of the sign keys in a form a reader could turn back into the key.
// The error names the key by its name in keys, and the form it was found
// in, never by its value. Empty keys and keys of only spaces are ignored.
//
// It looks for each key (trimmed of surrounding spaces):
//
//   - as it is, in any letter case;
//   - with every space, tab and line break of the text removed, so a key
//     split across lines or broken by spaces is found;
//   - in the text with its JSON string escapes decoded (\u0041, \n, \/, ...),
//     then with spaces and line breaks removed;
//   - in the text with its URL percent-escapes decoded (%41, and + as a
//     space), then with spaces and line breaks removed;
//   - as the hex of the key's bytes, in any letter case, in each of the above;
//   - Base64-encoded, standard or URL-safe alphabet, at any alignment
//     within a longer Base64 text, of the key as stored, upper-cased and
//     lower-cased, in each of the above except the plain text.
//
// It does not undo other encodings (Base64 of an already escaped text,
// compression, encryption, a key spelled out in reversed or interleaved
// pieces): it guards against mistakes, not against someone set on leaking
// a key. The cost is linear in the length of the text for each key.
func CheckNoKeys(text string, keys map[string]string) error {
	if len(keys) == 0 {
		return nil
	}
	names := make([]string, 0, len(keys))
	for name := range keys {
		names = append(names, name)
	}
	sort.Strings(names)
	views := textViews(text)
	for _, name := range names {
		k := strings.TrimSpace(keys[name])
		if k == "" {
			continue
		}
		if form := findKey(views, k); form != "" {
			return fmt.Errorf("%w: it holds the sign key saved for %s (%s); remove the key from the text before sharing (a link must never carry a key: the receiver decodes with the key in their own vault)", ErrContainsKey, name, form)
		}
	}
	return nil
}

// view is the text as CheckNoKeys reads it one way.
type view struct {
	how   string // how the text was read, for the error ("" for as is)
	text  string // the text so read
	lower string // text in lower case
	b64   bool   // look for Base64 forms of the key here
}

// textViews returns the readings of text CheckNoKeys searches.
func textViews(text string) []view {
	mk := func(how, t string, b64 bool) view {
		return view{how: how, text: t, lower: strings.ToLower(t), b64: b64}
	}
	return []view{
		mk("", text, false),
		mk("split by spaces or line breaks", stripSpace(text), true),
		mk("JSON-escaped", stripSpace(jsonUnescape(text)), true),
		mk("URL-encoded", stripSpace(percentDecode(text)), true),
	}
}

// findKey says in which form key appears in one of views, or "".
func findKey(views []view, key string) string {
	lk := strings.ToLower(key)
	hx := hex.EncodeToString([]byte(key))
	var b64 []string
	for _, k := range []string{key, strings.ToUpper(key), strings.ToLower(key)} {
		b64 = append(b64, base64Forms(k)...)
	}
	for _, v := range views {
		where := ""
		if v.how != "" {
			where = ", " + v.how
		}
		if strings.Contains(v.lower, lk) {
			if v.how == "" {
				return "as it is"
			}
			return strings.TrimPrefix(where, ", ")
		}
		if strings.Contains(v.lower, hx) {
			return "hex-encoded" + where
		}
		if !v.b64 {
			continue
		}
		for _, f := range b64 {
			if strings.Contains(v.text, f) {
				return "Base64-encoded" + where
			}
		}
	}
	return ""
}

// base64Forms returns the runs of Base64 characters that the bytes of key
// always produce, whatever precedes them in a longer encoded text: for each
// of the three alignments, in the standard and the URL-safe alphabet. The
// characters that mix the key's bytes with its neighbours' are left out.
func base64Forms(key string) []string {
	var out []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for shift := 0; shift < 3; shift++ {
			// shift filler bytes before the key put it at each alignment.
			b := append(make([]byte, shift), key...)
			s := enc.EncodeToString(b)
			// Characters whose 6 bits come only from the key: skip those
			// touching the filler at the start, and the last group, which
			// may mix in what follows (or padding).
			from := (shift*8 + 5) / 6
			to := len(b) * 8 / 6
			if to-from >= 8 {
				out = append(out, s[from:to])
			}
		}
	}
	return out
}

// stripSpace removes every space, tab and line break.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// jsonUnescape decodes the JSON string escapes anywhere in s (\uXXXX, \n,
// \", ...), leaving anything that is not an escape as it is, and removes
// the backslashes of escapes repeated by nesting (\\u0041 reads as A).
func jsonUnescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '\\' {
			j++
		}
		if j == len(s) {
			b.WriteString(s[i:])
			break
		}
		switch c := s[j]; c {
		case 'u':
			if j+5 <= len(s) {
				if n, err := strconv.ParseUint(s[j+1:j+5], 16, 16); err == nil {
					b.WriteRune(rune(n))
					i = j + 5
					continue
				}
			}
			b.WriteString(s[i : j+1])
		case 'n', 'r', 't':
			b.WriteByte(' ')
		case 'b', 'f':
		default:
			b.WriteByte(c)
		}
		i = j + 1
	}
	return b.String()
}

// percentDecode decodes %XX escapes anywhere in s and reads + as a space,
// leaving a % that starts no escape as it is.
func percentDecode(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Parse returns the message carried by a fragment, with or without its
// leading '#'. Other fragment parameters, separated by '&', are ignored.
// A fragment without the m parameter gives ErrNoMessage.
func Parse(fragment string) (string, error) {
	fragment = strings.TrimPrefix(fragment, "#")
	var enc string
	found := false
	for _, part := range strings.Split(fragment, "&") {
		if v, ok := strings.CutPrefix(part, Param+"="); ok {
			enc, found = v, true
			break
		}
	}
	if !found {
		return "", ErrNoMessage
	}
	if len(enc) > MaxFragment {
		return "", fmt.Errorf("%w: the message part is %d characters, more than a link may carry (%d)", ErrCorrupt, len(enc), MaxFragment)
	}
	// Some tools percent-escape or pad what they pass on; both are
	// harmless to undo.
	if strings.Contains(enc, "%") {
		if un, err := url.PathUnescape(enc); err == nil {
			enc = un
		}
	}
	enc = strings.TrimRight(enc, "=")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", fmt.Errorf("%w: it is not base64url (%v); the link was probably cut short or changed when it was copied, ask for it again", ErrCorrupt, err)
	}
	r := flate.NewReader(bytes.NewReader(raw))
	defer r.Close()
	text, err := io.ReadAll(io.LimitReader(r, MaxText+1))
	if err != nil {
		return "", fmt.Errorf("%w: it does not decompress (%v); the link was probably cut short when it was copied, ask for it again", ErrCorrupt, err)
	}
	if len(text) > MaxText {
		return "", fmt.Errorf("%w: its message expands past %d KB, more than a shared message may (%d KB); ask the sender for the file itself and decode it on the Batch page", ErrTooLong, MaxText>>10, MaxText>>10)
	}
	if !utf8.Valid(text) {
		return "", fmt.Errorf("%w: the message is not valid UTF-8 text", ErrCorrupt)
	}
	if len(text) == 0 {
		return "", fmt.Errorf("%w: the message is empty", ErrCorrupt)
	}
	return string(text), nil
}

// FromURL returns the message carried by u's fragment; ErrNoMessage when
// it carries none. A nil u carries none.
func FromURL(u *url.URL) (string, error) {
	if u == nil {
		return "", ErrNoMessage
	}
	frag := u.EscapedFragment()
	if frag == "" {
		return "", ErrNoMessage
	}
	return Parse(frag)
}
