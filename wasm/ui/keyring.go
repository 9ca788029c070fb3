package ui

import (
	"strconv"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// KeyRing picks the key of each envelope from the vault's profiles (or a
// key typed for one decode) and says which profile's key it used.
//
// Several profiles may share a merchant_id (two keys of one merchant, or
// a backup imported beside the profile already there). Their order never
// decides which key verifies that merchant's messages: each of their keys
// is tried, the one that verifies is named, and the card says that the
// merchant has several profiles.
type KeyRing struct {
	typed      string
	usable     []vault.Profile  // profiles with a merchant_id and a key
	byMerchant map[string][]int // indexes into usable
	search     report.Keys      // every usable key under a name of its own
	names      map[string]int   // search's names → index into usable
}

// KeyUse says which key decoded one envelope.
type KeyUse struct {
	// Typed: the key typed for this decode.
	Typed bool
	// Profile is the profile whose key was used (the one that verified,
	// when several were tried); nil when none was.
	Profile *vault.Profile
	// Same lists every profile of the envelope's merchant_id when there
	// are several; their keys were all tried.
	Same []vault.Profile
}

// NewKeyRing returns the key ring of profiles, or of the typed key alone
// when typed is not empty.
func NewKeyRing(profiles []vault.Profile, typed string) *KeyRing {
	k := &KeyRing{typed: typed, byMerchant: map[string][]int{}, names: map[string]int{}}
	if typed != "" {
		return k
	}
	m := map[string]string{}
	for _, p := range profiles {
		if p.MerchantID == "" || p.SignKey == "" {
			continue
		}
		i := len(k.usable)
		k.usable = append(k.usable, p)
		k.byMerchant[p.MerchantID] = append(k.byMerchant[p.MerchantID], i)
		name := p.MerchantID
		if n := len(k.byMerchant[p.MerchantID]); n > 1 {
			// Not a merchant_id an envelope can name: used only when
			// every key is tried.
			name += " #" + strconv.Itoa(n)
		}
		m[name], k.names[name] = p.SignKey, i
	}
	k.search = report.KeyMap(m)
	return k
}

// Decode decodes one envelope found by the scanner and says whose key
// it used.
func (k *KeyRing) Decode(f scan.Found) (report.Report, KeyUse) {
	if k.typed != "" {
		return report.Decode(f, report.SingleKey(k.typed)), KeyUse{Typed: true}
	}
	merchant := ""
	if f.Envelope != nil {
		merchant = f.Envelope.MerchantID
	}
	same := k.byMerchant[merchant]
	if merchant == "" || len(same) == 0 {
		r := report.Decode(f, k.search)
		var use KeyUse
		if i, ok := k.names[r.Key]; ok && r.Key != "" {
			p := k.usable[i]
			use.Profile = &p
			// The report names the merchant_id, never a made-up name.
			r.Key = p.MerchantID
		}
		return r, use
	}
	use := KeyUse{}
	if len(same) > 1 {
		for _, i := range same {
			use.Same = append(use.Same, k.usable[i])
		}
	}
	var first report.Report
	for n, i := range same {
		p := k.usable[i]
		r := report.Decode(f, report.KeyMap(map[string]string{merchant: p.SignKey}))
		// Without a verifying key, the first report that decrypted (its
		// md5 did not verify) says more than a key that failed.
		if n == 0 || first.Outcome() == report.Failed && r.Outcome() == report.NotVerified {
			first = r
			if n == 0 {
				use.Profile = &p
			}
		}
		if r.Outcome() == report.Verified {
			use.Profile = &p
			return r, use
		}
	}
	if len(same) > 1 {
		// None verifies: no profile's key is named as the one used.
		use.Profile = nil
	}
	return first, use
}

// DuplicateMerchants returns, for every merchant_id held by more than one
// profile, the labels of those profiles (the merchant_id where a profile
// has no label), in list order.
func DuplicateMerchants(profiles []vault.Profile) map[string][]string {
	by := map[string][]string{}
	for _, p := range profiles {
		if p.MerchantID != "" {
			by[p.MerchantID] = append(by[p.MerchantID], displayName(p))
		}
	}
	for m, names := range by {
		if len(names) < 2 {
			delete(by, m)
		}
	}
	return by
}

// quoteNames writes names as “a”, “b” and “c”.
func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "“" + n + "”"
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
