package callback

import (
	"maps"

	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// Keys finds the sign key of a merchant. It returns ok false for a
// merchant it does not know. It must be safe for concurrent use.
type Keys func(merchantID string) (signKey string, ok bool)

// KeyMap returns Keys looking merchants up in a copy of m, a map of
// merchant_id to sign key. An empty key counts as unknown.
func KeyMap(m map[string]string) Keys {
	c := maps.Clone(m)
	return func(id string) (string, bool) {
		k, ok := c[id]
		return k, ok && k != ""
	}
}

// ParseKeys reads the JSON object of merchant_id to sign key that the
// ottpay command line's --keys flag reads, e.g.
// {"ON00004652":"A8B5FE540E38A5A9"} (see report.ParseKeys: every value a
// non-empty string, no merchant_id twice). Its errors wrap
// report.ErrKeysFile and never quote a key.
func ParseKeys(b []byte) (Keys, error) {
	k, err := report.ParseKeys(b)
	if err != nil {
		return nil, err
	}
	return KeyMap(k.ByMerchant), nil
}
