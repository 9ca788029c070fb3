package report

import (
	"errors"
	"fmt"
	"sort"

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
func ParseKeys(b []byte) (Keys, error) {
	o, err := codec.ParseObject(b)
	if err != nil {
		return Keys{}, fmt.Errorf("%w: %w (write it as {\"MERCHANT_ID\":\"SIGN KEY\", ...})", ErrKeysFile, err)
	}
	m := make(map[string]string, len(o.Members))
	for _, mem := range o.Members {
		switch {
		case mem.Key == "":
			return Keys{}, fmt.Errorf("%w: an empty merchant_id (every member name must be a merchant_id)", ErrKeysFile)
		case mem.Value.Kind != codec.KindString:
			return Keys{}, fmt.Errorf("%w: the key of merchant %s is not a string (write the sign key in quotes)", ErrKeysFile, mem.Key)
		case mem.Value.Text == "":
			return Keys{}, fmt.Errorf("%w: the key of merchant %s is empty (fill in its sign key or remove the entry)", ErrKeysFile, mem.Key)
		}
		m[mem.Key] = mem.Value.Text
	}
	if len(m) == 0 {
		return Keys{}, fmt.Errorf("%w: the object is empty (add \"MERCHANT_ID\":\"SIGN KEY\" members)", ErrKeysFile)
	}
	return Keys{ByMerchant: m}, nil
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
