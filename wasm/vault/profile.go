package vault

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Profile is one merchant's credentials as the vault keeps them.
//
// A Profile formats itself (with fmt, log, log/slog) with the sign key
// masked; only the SignKey field itself and its JSON encoding (used inside
// encrypted backups) hold the key.
type Profile struct {
	// ID identifies the profile in the vault. Leave it empty to add a
	// new profile; Put assigns one.
	ID string `json:"id"`
	// Label is a free name for people ("Acme UAT").
	Label string `json:"label"`
	// MerchantID is the merchant_id the key belongs to (e.g. ON00004652).
	MerchantID string `json:"merchant_id"`
	// OperatorID is the operator_id the merchant uses, if any (10 digits).
	OperatorID string `json:"operator_id"`
	// SignKey is the sign key OTT Pay issued to the merchant, exactly as
	// it is used in the md5 + sign key step.
	SignKey string `json:"sign_key"`
	// Created is when the profile was added; Put sets it.
	Created time.Time `json:"created"`
	// Updated is when the profile was last saved; Put sets it.
	Updated time.Time `json:"updated"`
}

// Format writes the profile with its sign key masked, whatever the verb, so
// that a profile handed to a logger by mistake does not leak the key.
func (p Profile) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "vault.Profile{ID:%q Label:%q MerchantID:%q OperatorID:%q SignKey:%q}",
		p.ID, p.Label, p.MerchantID, p.OperatorID, Mask(p.SignKey))
}

// LogValue gives log/slog the profile with its sign key masked.
func (p Profile) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", p.ID), slog.String("label", p.Label),
		slog.String("merchant_id", p.MerchantID), slog.String("operator_id", p.OperatorID),
		slog.String("sign_key", Mask(p.SignKey)))
}

// sameContent reports whether two profiles hold the same credentials and
// label, whatever their IDs and times.
func (p Profile) sameContent(q Profile) bool {
	return p.Label == q.Label && p.MerchantID == q.MerchantID &&
		p.OperatorID == q.OperatorID && p.SignKey == q.SignKey
}

// maskShown is how many trailing characters of a key Mask shows.
const maskShown = 4

// maskHidden is what Mask shows in place of the rest of a key. Its width is
// fixed so that the mask does not tell the key's length.
const maskHidden = "••••••••••••"

// Mask returns a sign key as it may be shown on screen: a fixed run of
// dots followed by the last four characters, enough to tell two keys apart
// but not to use one. Keys shorter than 12 characters show no characters at
// all; an empty key gives "".
func Mask(key string) string {
	if key == "" {
		return ""
	}
	n := utf8.RuneCountInString(key)
	if n < 3*maskShown {
		return maskHidden
	}
	r := []rune(key)
	return maskHidden + string(r[n-maskShown:])
}

// CleanKey returns a sign key without any whitespace and in upper case: the
// form OTT Pay issues keys in. The Keys page offers it when Validate warns
// about spaces or case; the vault never applies it by itself.
func CleanKey(key string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, key))
}

// The field names a Finding refers to (the profile's JSON names).
const (
	FieldLabel      = "label"
	FieldMerchantID = "merchant_id"
	FieldOperatorID = "operator_id"
	FieldSignKey    = "sign_key"
)

// Finding is one thing Validate has to say about one field of a profile.
// Messages never quote the sign key.
type Finding struct {
	// Field is one of FieldLabel, FieldMerchantID, FieldOperatorID,
	// FieldSignKey.
	Field string
	// Message says what is wrong and what to do.
	Message string
}

// Findings is what Validate found: errors stop a profile from being saved,
// warnings should be shown to the user before saving but do not stop it.
type Findings struct {
	Errors   []Finding
	Warnings []Finding
}

// Err returns nil when there are no errors, otherwise an error wrapping
// ErrInvalid that lists them.
func (f Findings) Err() error {
	if len(f.Errors) == 0 {
		return nil
	}
	msgs := make([]string, len(f.Errors))
	for i, e := range f.Errors {
		msgs[i] = e.Message
	}
	return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(msgs, "; "))
}

// For returns the findings about one field, errors first.
func (f Findings) For(field string) []Finding {
	var out []Finding
	for _, list := range [][]Finding{f.Errors, f.Warnings} {
		for _, x := range list {
			if x.Field == field {
				out = append(out, x)
			}
		}
	}
	return out
}

// keyLength is the length of the sign keys OTT Pay issues (16 hex digits).
const keyLength = 16

// operatorIDLength is the length of OTT Pay operator IDs (digits).
const operatorIDLength = 10

// Validate checks a profile as the Keys page form and Put see it.
//
// Errors: an empty merchant_id or sign key (spaces alone count as empty).
// Warnings, because the key is used exactly as typed and a near-miss signs
// differently: whitespace in the key or merchant_id, lower-case letters in
// the key (OTT Pay issues upper-case hex) or merchant_id, characters other
// than hex digits in the key, a key whose length (without whitespace) is
// not 16, and an operator_id that is given but is not 10 digits.
func Validate(p Profile) Findings {
	var f Findings
	warn := func(field, msg string) { f.Warnings = append(f.Warnings, Finding{field, msg}) }
	fail := func(field, msg string) { f.Errors = append(f.Errors, Finding{field, msg}) }

	switch {
	case p.MerchantID == "":
		fail(FieldMerchantID, "merchant_id is empty: type the merchant ID OTT Pay issued (for example ON00004652)")
	case strings.TrimSpace(p.MerchantID) == "":
		fail(FieldMerchantID, "merchant_id holds only spaces: type the merchant ID OTT Pay issued (for example ON00004652)")
	default:
		if where := whitespaceAt(p.MerchantID); where != "" {
			warn(FieldMerchantID, "merchant_id has whitespace "+where+"; OTT Pay merchant IDs have none and keys are picked by exact merchant_id: remove it")
		}
		if hasLower(p.MerchantID) {
			warn(FieldMerchantID, "merchant_id has lower-case letters; OTT Pay merchant IDs are upper case (for example ON00004652) and keys are picked by exact merchant_id")
		}
	}

	if p.OperatorID != "" && !isDigits(p.OperatorID, operatorIDLength) {
		warn(FieldOperatorID, fmt.Sprintf("operator_id is %q; OTT Pay operator IDs are %d digits (for example 0000020156): check it", p.OperatorID, operatorIDLength))
	}

	switch {
	case p.SignKey == "":
		fail(FieldSignKey, "the sign key is empty: paste the key from the merchant's OTT Pay welcome e-mail")
	case strings.TrimSpace(p.SignKey) == "":
		fail(FieldSignKey, "the sign key holds only spaces: paste the key from the merchant's OTT Pay welcome e-mail")
	default:
		if where := whitespaceAt(p.SignKey); where != "" {
			warn(FieldSignKey, "the sign key has whitespace "+where+"; OTT Pay keys have none and the key is used exactly as typed, so it will not match: remove it (Clean key) unless the merchant's system really signs with it")
		}
		bare := CleanKey(p.SignKey)
		if hasLower(p.SignKey) {
			warn(FieldSignKey, "the sign key has lower-case letters; OTT Pay issues keys in upper-case hex and the key is used exactly as typed, so a lower-case copy signs differently: use upper case (Clean key) unless the merchant's system signs with this exact text")
		}
		if !isHex(bare) {
			warn(FieldSignKey, "the sign key has characters other than 0-9 and A-F; OTT Pay keys are hexadecimal: check for a typo or text copied from the wrong field")
		}
		if n := utf8.RuneCountInString(bare); n != keyLength {
			warn(FieldSignKey, fmt.Sprintf("the sign key is %d characters long without whitespace; OTT Pay keys are %d: check that it was copied whole", n, keyLength))
		}
	}
	return f
}

// whitespaceAt says where s has whitespace ("at the start", "at the end",
// "inside", or a combination), or "" when it has none.
func whitespaceAt(s string) string {
	var where []string
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsSpace(first) {
		where = append(where, "at the start")
	}
	if unicode.IsSpace(last) && utf8.RuneCountInString(s) > 1 {
		where = append(where, "at the end")
	}
	if strings.IndexFunc(strings.TrimFunc(s, unicode.IsSpace), unicode.IsSpace) >= 0 {
		where = append(where, "inside")
	}
	return strings.Join(where, " and ")
}

func hasLower(s string) bool { return strings.IndexFunc(s, unicode.IsLower) >= 0 }

func isHex(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'A' <= r && r <= 'F' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
