package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// Keys are the sign keys a decode may use: a single key, a map of
// merchant_id to key, or both.
//
// An envelope whose merchant_id is in ByMerchant is opened with that key
// only. An envelope without a merchant_id, or whose merchant_id is not in
// the map, is tried with Key first and then with every key of the map in
// merchant_id order; the report names the map entry that worked.
type Keys struct {
	// Key is a single sign key used for every envelope.
	Key string
	// ByMerchant maps merchant_id to sign key.
	ByMerchant map[string]string
}

// SingleKey returns Keys holding one sign key.
func SingleKey(signKey string) Keys { return Keys{Key: signKey} }

// KeyMap returns Keys holding a map of merchant_id to sign key.
func KeyMap(byMerchant map[string]string) Keys { return Keys{ByMerchant: byMerchant} }

// Empty reports whether k holds no key at all.
func (k Keys) Empty() bool {
	if k.Key != "" {
		return false
	}
	for _, v := range k.ByMerchant {
		if v != "" {
			return false
		}
	}
	return true
}

// Sentinel errors of the package, tested with errors.Is.
var (
	// ErrNoKey: no sign key was given.
	ErrNoKey = errors.New("no sign key")
	// ErrNoKeyFits: several keys were tried and none decrypted the data.
	ErrNoKeyFits = errors.New("none of the sign keys fits")
	// ErrNoEnvelope: the text holds no request, response or callback.
	ErrNoEnvelope = errors.New("no envelope found")
	// ErrKeysFile: a map of keys is not a JSON object of strings.
	ErrKeysFile = errors.New("bad keys object")
)

// ParseKeys reads a JSON object of merchant_id to sign key, such as the
// command line's --keys file. Every value must be a non-empty string and
// no merchant_id may appear twice.
//
// An error wraps ErrKeysFile and says where the file is wrong (line,
// column and byte offset) and what to do, never what the file holds at
// that place: a malformed keys file may have a sign key anywhere.
func ParseKeys(b []byte) (Keys, error) {
	if len(b) > codec.MaxMessageSize {
		return Keys{}, fmt.Errorf("%w: the file is %d bytes, more than any keys file (it should hold sign keys only)", ErrKeysFile, len(b))
	}
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			r, n := utf8.DecodeRune(b[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return Keys{}, keysErr(b, off, "a byte that is not UTF-8", "save the file as UTF-8 text")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	// next reads one token and where it starts; Token consumes the ','
	// and ':' between tokens itself.
	next := func(expected string) (json.Token, int, error) {
		at := int(dec.InputOffset())
		for at < len(b) && (b[at] == ' ' || b[at] == '\t' || b[at] == '\n' || b[at] == '\r' || b[at] == ',' || b[at] == ':') {
			at++
		}
		tok, err := dec.Token()
		if err == nil {
			return tok, at, nil
		}
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			off := int(se.Offset) - 1
			if off < at {
				off = at
			}
			return nil, at, keysErr(b, off, "malformed JSON where "+expected+" should be", keysForm)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return nil, at, keysErr(b, len(b), "the file ends where "+expected+" should be", keysForm)
		}
		return nil, at, keysErr(b, at, "unreadable JSON where "+expected+" should be", keysForm)
	}
	tok, at, err := next("the opening '{'")
	if err != nil {
		return Keys{}, err
	}
	if tok != json.Delim('{') {
		return Keys{}, keysErr(b, at, "the file does not start with '{'", keysForm)
	}
	m := make(map[string]string)
	where := make(map[string]int)
	for dec.More() {
		tok, keyAt, err := next("a quoted merchant_id")
		if err != nil {
			return Keys{}, err
		}
		id, ok := tok.(string)
		if !ok {
			return Keys{}, keysErr(b, keyAt, "a member name that is not a quoted merchant_id", keysForm)
		}
		tok, valAt, err := next("the quoted sign key after ':'")
		if err != nil {
			return Keys{}, err
		}
		key, ok := tok.(string)
		switch {
		case !ok:
			return Keys{}, keysErr(b, valAt, "a sign key that is not a string", "write the sign key in quotes")
		case id == "":
			return Keys{}, keysErr(b, keyAt, "an empty merchant_id", "every member name must be a merchant_id")
		case key == "":
			return Keys{}, keysErr(b, valAt, "an empty sign key", "fill in the merchant's sign key or remove the entry")
		}
		if first, dup := where[id]; dup {
			line, col := lineCol(b, first)
			return Keys{}, keysErr(b, keyAt, fmt.Sprintf("a merchant_id already given at line %d, column %d", line, col), "give each merchant one key")
		}
		where[id] = keyAt
		m[id] = key
	}
	if _, at, err := next("the closing '}'"); err != nil {
		return Keys{}, err
	} else if len(m) == 0 {
		return Keys{}, keysErr(b, at, "an empty object", keysForm)
	}
	if rest := bytes.TrimLeft(b[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return Keys{}, keysErr(b, len(b)-len(rest), "text after the closing '}'", "the file holds one JSON object only")
	}
	return Keys{ByMerchant: m}, nil
}

// keysForm is what a keys file looks like.
const keysForm = `write it as {"MERCHANT_ID":"SIGN KEY", ...}`

// keysErr describes a problem at byte off of a keys file by its position
// only: the text there may be a sign key.
func keysErr(b []byte, off int, what, todo string) error {
	line, col := lineCol(b, off)
	return fmt.Errorf("%w: %s at line %d, column %d (byte %d): %s", ErrKeysFile, what, line, col, off, todo)
}

// lineCol returns the 1-based line and column (in characters) of byte off.
func lineCol(b []byte, off int) (line, col int) {
	off = min(off, len(b))
	start := bytes.LastIndexByte(b[:off], '\n') + 1
	return bytes.Count(b[:off], []byte{'\n'}) + 1, utf8.RuneCount(b[start:off]) + 1
}

// candidate is one key to try and the name the report may give it.
type candidate struct {
	label string // merchant_id the key is filed under; "" for Keys.Key
	key   string
}

// candidates returns the keys to try for an envelope of merchantID, and
// whether they are a search (several keys tried in turn) rather than the
// merchant's own key.
func (k Keys) candidates(merchantID string) (cs []candidate, search bool) {
	if key, ok := k.ByMerchant[merchantID]; ok && merchantID != "" && key != "" {
		return []candidate{{label: merchantID, key: key}}, false
	}
	if k.Key != "" {
		cs = append(cs, candidate{key: k.Key})
	}
	ids := make([]string, 0, len(k.ByMerchant))
	for id, key := range k.ByMerchant {
		if key != "" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		cs = append(cs, candidate{label: id, key: k.ByMerchant[id]})
	}
	return cs, len(ids) > 0
}
