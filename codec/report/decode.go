package report

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
)

// LayerScan is the layer of the error of text without any envelope.
const LayerScan codec.Layer = "scan"

// DecodeAll finds every envelope in text and decodes each with keys, in
// order of appearance. Text without any envelope gives one report whose
// Err is ErrNoEnvelope, so the result is never empty.
func DecodeAll(text []byte, keys Keys) []Report {
	found := scan.Scan(text)
	if len(found) == 0 {
		return []Report{NoEnvelope()}
	}
	out := make([]Report, len(found))
	for i, f := range found {
		out[i] = Decode(f, keys)
	}
	return out
}

// NoEnvelope returns the report for text in which no envelope was found.
func NoEnvelope() Report {
	err := &codec.Error{
		Layer: LayerScan,
		Err:   ErrNoEnvelope,
		What:  "no request, response or callback found in the text",
		Hint:  "paste the whole message: a JSON object with data and md5, or a log line, HTTP dump or curl command holding one",
	}
	return Report{Err: err, Error: err.Error(), Warnings: []string{}}
}

// Decode decodes one envelope found by the scanner. The scanner's notes on
// repairs it made to the text (line breaks removed from inside the data,
// say) become the first warnings.
//
// A broken envelope (f.Envelope nil, f.Err saying why) gives a failed
// report whose Err is f.Err and whose Error names the layer and the cause;
// its kind is guessed from the member names present and the members that
// are strings are shown, so that the report still says what the message
// was meant to be.
func Decode(f scan.Found, keys Keys) Report {
	var r Report
	if f.Envelope == nil && f.Err != nil {
		r = Report{Warnings: []string{}}
		r.guess(f.Raw)
		r.fail(f.Err)
	} else {
		r = DecodeEnvelope(f.Envelope, keys)
	}
	r.Line, r.Start, r.End = f.Line, f.Start, f.End
	if len(f.Notes) > 0 {
		// The scanner's repairs to the text come first: they say what
		// was read.
		notes := make([]string, 0, len(f.Notes)+len(r.Warnings))
		for _, n := range f.Notes {
			notes = append(notes, codec.Escape(n))
		}
		r.Warnings = append(notes, r.Warnings...)
	}
	if len(f.Via) > 0 {
		r.Via = append([]string(nil), f.Via...)
	}
	return r
}

// guess fills the envelope members of r from raw, an envelope that could
// not be read: the first value of each member that is a string, and the
// kind its member names suggest (a request with action, a callback with
// rsp_code or rep_code and merchant_id, a response with rsp_code or
// rep_code alone). The guess is said among the warnings.
func (r *Report) guess(raw []byte) {
	t := jsontok.Reader{S: string(raw), MaxDepth: codec.MaxDepth, Replace: true}
	t.SkipSpace()
	if t.Peek() != '{' {
		return
	}
	empty, _ := t.Enter(1)
	var action, rsp, merchant bool
	seen := make(map[string]bool)
	var skip []byte
	for more := !empty; more; {
		name, err := t.Name()
		if err != nil {
			break
		}
		text, isString := "", t.Peek() == '"'
		if isString {
			text, err = t.String()
		} else {
			skip, _, err = t.Value(skip[:0], 2)
		}
		if err != nil {
			break
		}
		// This member counts; after a malformed separator none does.
		next, err := t.More(true)
		more = next && err == nil
		switch name {
		case "action":
			action = true
		case "rsp_code", "rep_code":
			rsp = true
		case "merchant_id":
			merchant = true
		}
		if seen[name] || !isString {
			continue
		}
		seen[name] = true
		switch name {
		case "action":
			r.Action = text
		case "version":
			r.Version = text
		case "merchant_id":
			r.MerchantID = text
		case "rsp_code":
			r.RspCode = text
		case "rep_code":
			if !seen["rsp_code"] {
				r.RspCode = text
			}
		case "rsp_msg":
			r.RspMsg = text
		case "md5":
			r.MD5 = text
		}
	}
	switch {
	case action:
		r.Kind = codec.Request.String()
	case rsp && merchant:
		r.Kind = codec.Callback.String()
	case rsp:
		r.Kind = codec.Response.String()
	default:
		return
	}
	r.warn("the envelope could not be read, so its kind (" + r.Kind + ") was guessed from its member names")
	if r.RspCode != "" {
		if c, ok := catalog.ResponseCode(r.RspCode); ok {
			r.RspMeaning = c.Meaning
		}
	}
}

// DecodeEnvelope decrypts and verifies a parsed envelope with keys.
func DecodeEnvelope(e *codec.Envelope, keys Keys) Report {
	r := Report{Warnings: []string{}}
	if e == nil {
		r.fail(&codec.Error{
			Layer: LayerScan,
			Err:   codec.ErrNotObject,
			What:  "no envelope to decode",
			Hint:  "the text did not hold a request, response or callback object",
		})
		return r
	}
	r.header(e)
	if e.Kind == 0 {
		r.warn("the envelope has no action and no rsp_code (or they are null), so it is neither a request nor a response: only its data and md5 could be read")
	}
	if !e.HasData && !e.HasMD5 && e.Kind != codec.Request {
		r.warn("the " + e.Kind.String() + " carries no data and no md5, as failure responses often do: there is nothing to decrypt or verify")
		return r
	}
	r.open(e.MerchantID, keys, true, func(key string) (*codec.Envelope, *codec.Opened, error) {
		o, err := e.Open(key)
		return e, o, err
	})
	return r
}

// DecodeBody decodes exactly one HTTP body under the strict rules of
// codec.DecodeBody (one JSON object, no duplicate members, canonical
// Base64, bounded size and depth), choosing the key from keys as
// DecodeEnvelope does.
func DecodeBody(body []byte, keys Keys) Report {
	r := Report{Warnings: []string{}}
	merchant := ""
	if e, err := codec.ParseEnvelope(body); err == nil && e != nil {
		r.header(e)
		merchant = e.MerchantID
	} else {
		r.guess(body)
	}
	r.open(merchant, keys, false, func(key string) (*codec.Envelope, *codec.Opened, error) {
		return codec.DecodeBody(body, key)
	})
	if r.Err != nil && r.Envelope != nil && errors.Is(r.Err, codec.ErrNoData) &&
		!r.Envelope.HasData && !r.Envelope.HasMD5 && r.Envelope.Kind != codec.Request {
		// A failure response without data: reported as such.
		r.Err, r.Error = nil, ""
		r.warn("the " + r.Envelope.Kind.String() + " carries no data and no md5, as failure responses often do: there is nothing to decrypt or verify")
	}
	return r
}

// opener opens the data with one sign key; it returns the envelope when
// one could be read, even if opening failed.
type opener func(signKey string) (*codec.Envelope, *codec.Opened, error)

// header fills the envelope members of r and the warnings they raise.
func (r *Report) header(e *codec.Envelope) {
	if r.Envelope != nil {
		// A later read of the same body: its warnings are made again
		// below.
		r.Warnings = r.Warnings[:0]
	}
	r.Envelope = e
	r.Kind = e.Kind.String()
	r.Action, r.Version, r.MerchantID = e.Action, e.Version, e.MerchantID
	r.RspCode, r.RspMsg, r.MD5 = e.RspCode, e.RspMsg, e.MD5
	r.RspMeaning = ""
	if e.RspCodeName == "rep_code" {
		r.warn("the response code came as rep_code, the spelling of the docs' common-rules table; it was read as rsp_code")
	}
	if e.RspCode != "" {
		if c, ok := catalog.ResponseCode(e.RspCode); ok {
			r.RspMeaning = c.Meaning
		} else {
			r.warn("rsp_code " + codec.Quote(e.RspCode, 40) + " is not in Appendix B (the list of documented response codes)")
		}
	}
	if len(e.Extra) > 0 {
		names := make([]string, len(e.Extra))
		for i, m := range e.Extra {
			names[i] = codec.Quote(m.Key, 40)
		}
		r.warn("envelope members the protocol does not define were ignored: " + strings.Join(names, ", "))
	}
}

// open tries the candidate keys for merchant in turn and fills r from the
// first that decrypts the data. envParsed says whether the envelope has
// been read already, so that any failure past that point may be the key's.
func (r *Report) open(merchant string, keys Keys, envParsed bool, open opener) {
	cands, search := keys.candidates(merchant)
	if len(cands) == 0 {
		// Without a key, what is wrong with the message itself is still
		// worth saying; then that there is no key.
		e, _, err := open("")
		if e != nil && e != r.Envelope {
			r.header(e)
		}
		if err != nil && !errors.Is(err, codec.ErrEmptySignKey) {
			r.fail(err)
			return
		}
		r.fail(noKeyError(merchant, keys))
		return
	}
	var (
		best     error
		bestRank = -1
		bestKey  candidate
	)
	for _, c := range cands {
		e, o, err := open(c.key)
		if e != nil && e != r.Envelope {
			r.header(e)
		}
		if o != nil && !errors.Is(err, codec.ErrKeyCase) {
			r.opened(o, err, c, search, merchant)
			return
		}
		if err == nil {
			err = &codec.Error{Layer: "decrypt", Err: codec.ErrNotJSON, What: "the data decrypted to nothing"}
		}
		if errors.Is(err, codec.ErrMD5Mismatch) {
			// Decrypted cleanly with this key but the object was not
			// returned: still this key's message.
			r.keyLabel(c, search, merchant)
			r.fail(err)
			return
		}
		rank := keyRank(err, envParsed || e != nil)
		if rank == 0 {
			// The failure does not depend on the key: every key would
			// fail the same way.
			r.fail(err)
			return
		}
		if rank > bestRank {
			best, bestRank, bestKey = err, rank, c
		}
	}
	if len(cands) == 1 || bestRank >= 2 {
		if len(cands) > 1 {
			r.keyLabel(bestKey, search, merchant)
		}
		r.fail(best)
		return
	}
	r.fail(noKeyFitsError(merchant, len(cands), best))
}

// keyRank says how far a failure got with a key: 0 when it does not
// depend on the key at all, 1 for a failure at the padding (the usual sign
// of a wrong key), 2 when the padding was valid but the plaintext was not
// a JSON object, 3 when the key works only in another letter case.
func keyRank(err error, envParsed bool) int {
	switch {
	case errors.Is(err, codec.ErrKeyCase):
		return 3
	case errors.Is(err, codec.ErrPadding), errors.Is(err, codec.ErrEmptySignKey):
		return 1
	case !envParsed:
		return 0
	case errors.Is(err, codec.ErrNotUTF8), errors.Is(err, codec.ErrNotJSON),
		errors.Is(err, codec.ErrNotObject), errors.Is(err, codec.ErrDuplicate),
		errors.Is(err, codec.ErrTooDeep):
		return 2
	}
	return 0
}

func (r *Report) keyLabel(c candidate, search bool, merchant string) {
	if c.label == "" {
		return
	}
	r.Key = c.label
	if search && merchant != "" && c.label != merchant {
		r.warn("merchant " + codec.Quote(merchant, 40) + " has no key of its own in the keys given; the key filed under " + codec.Quote(c.label, 40) + " was used")
	}
}

// opened fills r from a successful decryption with key c.
func (r *Report) opened(o *codec.Opened, err error, c candidate, search bool, merchant string) {
	r.keyLabel(c, search, merchant)
	r.Opened = o
	r.Data = o.Object
	r.MD5Uppercased = o.MD5Uppercased
	if o.NonCanonicalBase64 {
		r.warn("the data's last Base64 character has unused bits set, so the message has another, canonical wire form: a strict receiver (ottpay decode --strict, codec.DecodeBody) refuses it; the sender's Base64 encoder is not standard")
	}
	if o.MD5Uppercased {
		// The md5 opened the data, so it is 32 hex digits.
		r.warn("the md5 as sent (" + r.MD5 + ") did not decrypt the data, its upper-cased form did: the sender derives the AES key from the upper-case md5 but transmits it in lower case")
	}
	if o.Verified {
		r.Verified = true
		r.Rule = string(o.Rule)
		r.Combination = string(o.Combination)
		if len(o.Presets) > 1 {
			r.Rules = make([]string, len(o.Presets))
			for i, p := range o.Presets {
				r.Rules[i] = string(p)
			}
		}
		switch {
		case o.Combination != "":
			r.warn("the md5 matches no preset sender rule, only the combination " + string(o.Combination) + " (ottpay encode --values takes it): the data has values that are not strings, which the documented scheme does not define")
		case o.Rule != codec.RuleStrings && len(o.Presets) == 1:
			r.warn("the md5 matches only under the " + string(o.Rule) + " rule (" + ruleWords(o.Rule) + "): the data has values that are not strings or keys that sort differently between senders, which the documented scheme does not define")
		case o.Rule != codec.RuleStrings || len(o.Presets) > 1:
			var others []string
			for _, p := range o.Presets[1:] {
				others = append(others, string(p))
			}
			r.warn("the md5 matches under the " + string(o.Rule) + " rule (" + ruleWords(o.Rule) + ") and equally under " + strings.Join(others, ", ") + ": the data has values that are not strings or keys that sort differently between senders, which the documented scheme does not define")
		}
	} else {
		if err == nil || !errors.Is(err, codec.ErrMD5Mismatch) {
			err = mismatchError(r.MD5, o)
		}
		r.fail(err)
	}
	r.checkData(o.Object)
}

// checkData adds the catalogue's findings about the decrypted data.
func (r *Report) checkData(data *codec.Object) {
	if data == nil {
		return
	}
	if v, ok := data.Get("merchant_id"); ok && v.Kind == codec.KindString && r.MerchantID != "" && v.Text != r.MerchantID {
		r.warn("the envelope says merchant_id " + codec.Quote(r.MerchantID, 40) + " but the data says " + codec.Quote(v.Text, 40))
	}
	if r.Kind == codec.Request.String() && r.Action != "" {
		for _, w := range RequestWarnings(r.Action, data) {
			r.warn(w)
		}
	}
}

// RequestWarnings checks request data against the catalogue entry of
// action, in the variant the data fits best, and returns the findings that
// call for attention (errors such as a missing required field, warnings
// such as an unknown field or a value that is not a string) as sentences.
// An action the catalogue does not know gives one warning saying so.
func RequestWarnings(action string, data *codec.Object) []string {
	_, problems, ok := catalog.Match(action, codec.Request, data)
	if !ok {
		return []string{"action " + codec.Quote(action, 40) + " is not in the catalogue of documented actions, so its data was not checked"}
	}
	out := make([]string, 0, len(problems))
	for _, p := range problems {
		if p.Severity == catalog.Error || p.Severity == catalog.Warning {
			out = append(out, "catalogue "+p.String())
		}
	}
	return out
}

func ruleWords(r codec.Rule) string {
	switch r {
	case codec.RuleJS:
		return "JavaScript String() rendering, UTF-16 key order"
	case codec.RuleCryptoJS:
		return "\".0\" appended to every number, as some crypto-js senders do"
	case codec.RulePHP:
		return "PHP ksort order and string conversion"
	case codec.RuleJava:
		return "Java Gson numbers and TreeMap order, as the OTT Pay Java SDK does"
	case codec.RuleJackson:
		return "Java Jackson: integers kept, Map.toString, TreeMap order"
	case codec.RuleJSDot0:
		return "\".0\" appended to numbers, null as empty, nested values as JSON"
	case codec.RuleJSJoin:
		return "JavaScript string concatenation: [object Object], arrays comma-joined, null as empty"
	case codec.RuleStrings:
		return "the documented scheme"
	}
	return "a sender convention"
}

// mismatchError describes a clean decryption whose md5 did not verify.
func mismatchError(sent string, o *codec.Opened) error {
	computed := ""
	var tried []string
	for _, rd := range o.Rules {
		if rd.Err != nil {
			continue
		}
		if computed == "" {
			computed = rd.MD5
		}
		tried = append(tried, string(rd.Rule))
	}
	what := "md5 " + sent + " does not match the decrypted data" // 32 hex digits: it opened the data
	if computed != "" {
		what += ", which gives " + computed
		if len(tried) > 1 {
			what += " (rules tried: " + strings.Join(tried, ", ") + ")"
		}
	}
	return &codec.Error{
		Layer: codec.LayerVerify,
		Err:   codec.ErrMD5Mismatch,
		What:  what,
		Hint:  "the data was changed after signing, the sender renders values by a rule not known here, or the message was copied incompletely; do not trust its contents",
	}
}

func noKeyError(merchant string, keys Keys) error {
	what := "no sign key given"
	if len(keys.ByMerchant) > 0 && merchant != "" {
		what = "no sign key for merchant " + codec.Quote(merchant, 40)
	}
	return &codec.Error{
		Layer: codec.LayerKey,
		Err:   ErrNoKey,
		What:  what,
		Hint:  "give the merchant's sign key to decrypt the data",
	}
}

func noKeyFitsError(merchant string, n int, last error) error {
	why := "the envelope names no merchant_id"
	if merchant != "" {
		why = "merchant " + codec.Quote(merchant, 40) + " has no key of its own in the keys given"
	}
	hint := why + "; add the sign key of the merchant that sent it"
	if last != nil && errors.Is(last, codec.ErrPadding) {
		hint = why + " and every key failed at the padding, the usual sign of a wrong key; add the sign key of the merchant that sent it"
	}
	return &codec.Error{
		Layer: codec.LayerKey,
		Err:   ErrNoKeyFits,
		What:  fmt.Sprintf("none of the %d sign keys tried decrypts the data", n),
		Hint:  hint,
	}
}

// warn adds a warning. Text a sender controls is quoted with codec.Quote
// where the warning is made; Escape is the backstop that keeps every
// control character out of what a person reads.
func (r *Report) warn(s string) { r.Warnings = append(r.Warnings, codec.Escape(s)) }

func (r *Report) fail(err error) {
	r.Err = err
	r.Error = codec.Escape(err.Error())
}
