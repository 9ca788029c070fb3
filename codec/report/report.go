// Package report turns pasted text into decode reports: one report per
// envelope found, saying what the envelope is, whether it decrypted and
// verified, with which sender rule and which key, the decrypted data in its
// original member order, and, when something failed, which layer failed and
// the likely cause. An object that has the envelope's members but is not a
// valid envelope (a member sent twice, data sent as a number, text that is
// not UTF-8, a null action) gets a failed report too, saying why, with the
// kind its member names suggest.
//
// The same reports back the ottpay command line (one JSON report per line),
// the browser workbench's Decode and Batch pages, and its JavaScript API.
// A report never contains a sign key; when several keys were tried it names
// the one that worked by its merchant_id.
package report

import (
	"strconv"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// Report is the outcome of decoding one envelope.
//
// Its JSON form (see AppendJSON) always carries kind, action, version,
// merchant_id, rsp_code, rsp_msg, md5, verified, rule, data and warnings,
// in that order, so scripts can rely on them; the other members appear
// only when they have something to say.
type Report struct {
	// Kind is "request", "response" or "callback", guessed from the member
	// names when the envelope could not be read (a warning then says so);
	// "unknown" for an envelope with neither action nor rsp_code; empty
	// when nothing tells it (no envelope was found).
	Kind       string `json:"kind"`
	Action     string `json:"action"`
	Version    string `json:"version"`
	MerchantID string `json:"merchant_id"`
	RspCode    string `json:"rsp_code"`
	RspMsg     string `json:"rsp_msg"`
	// MD5 is the envelope md5 as transmitted.
	MD5 string `json:"md5"`
	// Verified is true when the decrypted data reproduces the md5 under
	// one of the known sender rules.
	Verified bool `json:"verified"`
	// Rule is the sender rule that reproduced the md5 ("strings" for the
	// documented scheme): the first matching preset, else the matching
	// combination of value dimensions; empty when the md5 did not verify.
	Rule string `json:"rule"`
	// Data is the decrypted transaction data in its original member
	// order; nil (JSON null) when nothing was decrypted.
	Data *codec.Object `json:"data"`
	// Warnings are things worth knowing that did not stop the decode.
	Warnings []string `json:"warnings"`

	// Error says what failed and the likely cause; empty on success. A
	// report whose data decrypted but whose md5 did not verify carries
	// both Data and Error.
	Error string `json:"error,omitempty"`
	// Key names the key that worked when it came from a map of keys: the
	// merchant_id it is filed under. Never the key itself.
	Key string `json:"key,omitempty"`
	// RspMeaning is the Appendix B meaning of RspCode, when documented.
	RspMeaning string `json:"rsp_meaning,omitempty"`
	// MD5Uppercased is true when the AES key came from the upper-cased md5
	// because the md5 as transmitted did not decrypt the data.
	MD5Uppercased bool `json:"md5_uppercased,omitempty"`
	// Line is the 1-based line of the input where the envelope starts;
	// zero when unknown (a single HTTP body).
	Line int `json:"line,omitempty"`
	// Via says how the envelope was wrapped in the input, outermost
	// first (see scan.Found).
	Via []string `json:"via,omitempty"`
	// Rules lists every preset that reproduced the md5 when more than one
	// did (Rule is the first of them).
	Rules []string `json:"rules,omitempty"`
	// Combination is the combination of value dimensions that reproduced
	// the md5 when no preset did (Rule is then the same text), as
	// ottpay encode --values takes it.
	Combination string `json:"combination,omitempty"`

	// Start and End are the byte offsets of the envelope in the input.
	Start int `json:"-"`
	End   int `json:"-"`
	// Err is the error behind Error, for errors.Is; nil on success.
	Err error `json:"-"`
	// Envelope is the parsed envelope, when one could be read.
	Envelope *codec.Envelope `json:"-"`
	// Opened holds the intermediate values of the decode (AES key, md5
	// input under each rule, padding) for a "show the steps" view; nil
	// when nothing was decrypted.
	Opened *codec.Opened `json:"-"`
}

// Outcome classifies a report.
type Outcome uint8

// The outcomes, from best to worst. NothingToVerify is a response that
// carries neither data nor md5, as failure responses often do.
const (
	Verified Outcome = iota + 1
	NothingToVerify
	NotVerified
	Failed
)

// String returns "verified", "nothing to verify", "not verified" or
// "failed".
func (o Outcome) String() string {
	switch o {
	case Verified:
		return "verified"
	case NothingToVerify:
		return "nothing to verify"
	case NotVerified:
		return "not verified"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// Outcome classifies r: Verified when the md5 verified; NotVerified when
// the data decrypted but the md5 did not verify; NothingToVerify when the
// envelope carries no data and no md5 and nothing failed; Failed otherwise.
func (r *Report) Outcome() Outcome {
	switch {
	case r.Verified:
		return Verified
	case r.Data != nil:
		return NotVerified
	case r.Error == "" && r.Err == nil && r.Kind != "":
		return NothingToVerify
	}
	return Failed
}

// Field returns the first of the named members of the decrypted data that
// is present, as its text (a string's value, or a number, boolean or
// nested value as written), for tables that show, say, an order id under
// either of its spellings: r.Field("order_id", "orderId").
func (r *Report) Field(names ...string) (string, bool) {
	if r.Data == nil {
		return "", false
	}
	for _, n := range names {
		if v, ok := r.Data.Get(n); ok {
			return v.Text, true
		}
	}
	return "", false
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (r *Report) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the compact JSON form of r to dst: raw UTF-8, no HTML
// escaping, members in the documented order, warnings always an array.
func (r *Report) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"kind":`...)
	dst = appendString(dst, r.Kind)
	dst = append(dst, `,"action":`...)
	dst = appendString(dst, r.Action)
	dst = append(dst, `,"version":`...)
	dst = appendString(dst, r.Version)
	dst = append(dst, `,"merchant_id":`...)
	dst = appendString(dst, r.MerchantID)
	dst = append(dst, `,"rsp_code":`...)
	dst = appendString(dst, r.RspCode)
	dst = append(dst, `,"rsp_msg":`...)
	dst = appendString(dst, r.RspMsg)
	dst = append(dst, `,"md5":`...)
	dst = appendString(dst, r.MD5)
	dst = append(dst, `,"verified":`...)
	dst = strconv.AppendBool(dst, r.Verified)
	dst = append(dst, `,"rule":`...)
	dst = appendString(dst, r.Rule)
	dst = append(dst, `,"data":`...)
	if r.Data != nil {
		dst = r.Data.AppendJSON(dst)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"warnings":[`...)
	for i, w := range r.Warnings {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, w)
	}
	dst = append(dst, ']')
	if r.Error != "" {
		dst = append(dst, `,"error":`...)
		dst = appendString(dst, r.Error)
	}
	if r.Key != "" {
		dst = append(dst, `,"key":`...)
		dst = appendString(dst, r.Key)
	}
	if r.RspMeaning != "" {
		dst = append(dst, `,"rsp_meaning":`...)
		dst = appendString(dst, r.RspMeaning)
	}
	if r.MD5Uppercased {
		dst = append(dst, `,"md5_uppercased":true`...)
	}
	if r.Line > 0 {
		dst = append(dst, `,"line":`...)
		dst = strconv.AppendInt(dst, int64(r.Line), 10)
	}
	if len(r.Via) > 0 {
		dst = append(dst, `,"via":[`...)
		for i, v := range r.Via {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, v)
		}
		dst = append(dst, ']')
	}
	if len(r.Rules) > 0 {
		dst = append(dst, `,"rules":[`...)
		for i, v := range r.Rules {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, v)
		}
		dst = append(dst, ']')
	}
	if r.Combination != "" {
		dst = append(dst, `,"combination":`...)
		dst = appendString(dst, r.Combination)
	}
	return append(dst, '}')
}

// appendString appends s as a JSON string: raw UTF-8, no HTML escaping,
// control characters and U+2028/U+2029 escaped, invalid UTF-8 replaced by
// U+FFFD so the output is always valid JSON.
func appendString(dst []byte, s string) []byte {
	dst, _ = jsontok.AppendString(dst, s, jsontok.Script)
	return dst
}
