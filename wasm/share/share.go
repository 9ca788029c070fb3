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
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// Param is the name of the fragment parameter that carries the message.
const Param = "m"

// MaxFragment is the longest encoded message, in characters, a link may
// carry. Browsers accept far longer URLs, but chat tools, mail clients and
// ticket systems cut or refuse links past a few tens of kilobytes.
const MaxFragment = 32 << 10

// MaxText is the longest message text, in bytes, a link may expand to;
// Parse stops there, so a small link cannot unpack into a huge text.
const MaxText = 1 << 20

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
// any of the sign keys, compared without regard to letter case. The error
// names the key by its name in keys, never by its value. Empty keys and
// keys of only spaces are ignored.
func CheckNoKeys(text string, keys map[string]string) error {
	if len(keys) == 0 {
		return nil
	}
	names := make([]string, 0, len(keys))
	for name := range keys {
		names = append(names, name)
	}
	sort.Strings(names)
	lower := strings.ToLower(text)
	for _, name := range names {
		k := strings.TrimSpace(keys[name])
		if k == "" {
			continue
		}
		if strings.Contains(lower, strings.ToLower(k)) {
			return fmt.Errorf("%w: it holds the sign key saved for %s; remove the key from the text before sharing (a link must never carry a key: the receiver decodes with the key in their own vault)", ErrContainsKey, name)
		}
	}
	return nil
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
		return "", fmt.Errorf("%w: it expands past %d bytes, more than any shared message", ErrCorrupt, MaxText)
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
