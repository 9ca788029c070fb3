// Package jsapi exposes the codec to page scripts as window.ottpay, so an
// engineer can script it from the browser console and another page can
// embed it:
//
//	ottpay.decode(text, keys)  // array of decode reports
//	ottpay.encode({kind, action, version, merchant_id, rsp_code, rsp_msg,
//	               data, key, values})  // envelope object
//	ottpay.version             // API version string
//
// Values cross the boundary as JSON text only (JSON.stringify on the way in,
// JSON.parse on the way out), so what goes in and out is plain JSON-able
// data. Bad input never throws: decode returns reports with an error
// member, encode returns {error: "..."}.
//
// The logic lives in DecodeJSON and EncodeJSON, which build and test
// natively; Register, in the js/wasm build only, puts them on window.
package jsapi

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
)

// Version is what ottpay.version reports. The number changes when the
// shape of what decode or encode take or return changes; a build may set it
// with -ldflags "-X github.com/ottpay-toolkit/ottpay/wasm/jsapi.Version=...".
var Version = "1.0.0"

// DecodeJSON is ottpay.decode: it finds every envelope in text, decodes
// each, and returns the JSON text of an array of reports shaped like the
// command line's decode output (see report.Report). keys is the JSON text
// of decode's second argument: a string holding one sign key, or an object
// of merchant_id to sign key; nil or "null" when no key was given (each
// report then says that a key is needed). Bad keys give a one-report array
// whose error says what is wrong.
func DecodeJSON(text, keys []byte) []byte {
	var out []byte
	decodeArrays(text, keys, 0, func(b []byte) { out = b })
	return out
}

// decodeArrays is DecodeJSON handing the reports over in pieces: emit is
// called with the JSON text of arrays of reports which, joined, are
// DecodeJSON's array. Each array holds the reports that fit in size bytes,
// or one report larger than that; size 0 makes one array of them all.
// The text passed to emit is reused once emit returns, unless size is 0.
func decodeArrays(text, keys []byte, size int, emit func([]byte)) {
	k, err := parseKeys(keys)
	if err != "" {
		emit(ErrorReports(err))
		return
	}
	// The scanner streams and each report is written as soon as it is
	// made, so a large log never holds every decryption at once.
	sr := scan.NewReader(bytes.NewReader(text))
	var out []byte
	if size > 0 {
		out = make([]byte, 0, size+size/2)
	} else {
		out = make([]byte, 0, 256+len(text))
	}
	out = append(out, '[')
	n, some := 0, false // reports in out; whether there was one at all
	for {
		f, err := sr.Next()
		if err != nil {
			break // io.EOF: a bytes.Reader fails no other way
		}
		if size > 0 && n > 0 && len(out) >= size {
			emit(append(out, ']'))
			out, n = append(out[:0], '['), 0
		}
		if n > 0 {
			out = append(out, ',')
		}
		r := report.Decode(f, k)
		out = r.AppendJSON(out)
		n++
		some = true
	}
	if !some {
		r := report.NoEnvelope()
		out = r.AppendJSON(out)
	}
	emit(append(out, ']'))
}

// parsePiece is about the most report text ottpay.decode hands to
// JavaScript at once (see parseArrays in register_js.go): its UTF-16
// string, at most twice as long, stays under the 128 KiB above which V8
// allocates a string in the old generation.
const parsePiece = 48 << 10

// parseKeys reads decode's keys argument; the string is an error message.
func parseKeys(keys []byte) (report.Keys, string) {
	s := strings.TrimSpace(string(keys))
	if s == "" || s == "null" {
		return report.Keys{}, ""
	}
	switch s[0] {
	case '"':
		key, err := strconv.Unquote(s)
		if err != nil {
			// JSON escapes that Go's quoting does not know (\/).
			o, perr := codec.ParseObject([]byte(`{"k":` + s + `}`))
			if perr != nil {
				return report.Keys{}, "ottpay.decode: the sign key is not a valid string"
			}
			v, _ := o.Get("k")
			key = v.Text
		}
		if key == "" {
			return report.Keys{}, "ottpay.decode: the sign key is empty; pass the merchant's sign key as a string, or an object of merchant_id to sign key"
		}
		return report.SingleKey(key), ""
	case '{':
		k, err := report.ParseKeys([]byte(s))
		if err != nil {
			return report.Keys{}, "ottpay.decode: keys: " + err.Error()
		}
		return k, ""
	}
	return report.Keys{}, "ottpay.decode: keys must be a sign key string or an object of merchant_id to sign key, such as {\"ON00004652\": \"A8B5FE540E38A5A9\"}; got " + jsonType(s)
}

// jsonType names the JSON type of a JSON text.
func jsonType(s string) string {
	switch {
	case s == "":
		return "nothing"
	case s[0] == '[':
		return "an array"
	case s == "true" || s == "false":
		return "a boolean"
	case s[0] == '"':
		return "a string"
	case s[0] == '{':
		return "an object"
	}
	return "a number"
}

// ErrorReports returns the JSON text of an array of one report carrying
// msg as its error: what ottpay.decode returns for arguments it cannot use.
func ErrorReports(msg string) []byte {
	r := report.Report{Warnings: []string{}, Error: msg}
	out := append([]byte{'['}, r.AppendJSON(nil)...)
	return append(out, ']')
}

// ErrorObject returns the JSON text of {"error": msg}: what ottpay.encode
// returns for input it cannot use.
func ErrorObject(msg string) []byte {
	o := &codec.Object{}
	o.SetString("error", msg)
	return o.AppendJSON(nil)
}

// encodeMembers are the members ottpay.encode reads.
var encodeMembers = []string{"kind", "action", "version", "merchant_id", "rsp_code", "rsp_msg", "data", "key", "values"}

// EncodeJSON is ottpay.encode: input is the JSON text of its argument, an
// object of
//
//	kind         "request" (the default), "response" or "callback"
//	action       request: the action, such as "ACTIVEPAY"
//	version      request: the version, "1.0" by default
//	merchant_id  request and callback
//	rsp_code     response and callback, such as "SUCCESS"
//	rsp_msg      response and callback, "" by default
//	data         the transaction data: an object, or the JSON text of one
//	             (text keeps member order and number text exactly)
//	key          the merchant's sign key
//	values       the rule for values that are not strings: "js",
//	             "cryptojs", "php" or "java"; by default only strings
//	             are accepted, as the documented scheme defines
//
// and it returns the JSON text of the envelope, members in the documented
// order. Anything wrong gives {"error": "..."} saying what to fix; members
// not listed above are refused, so a misspelt member is never silently
// ignored.
func EncodeJSON(input []byte) []byte {
	e, err := encode(input)
	if err != "" {
		return ErrorObject("ottpay.encode: " + err)
	}
	return e
}

func encode(input []byte) ([]byte, string) {
	in, err := codec.ParseObject(input)
	if err != nil {
		return nil, "pass one object: {kind, action, version, merchant_id, rsp_code, rsp_msg, data, key, values}"
	}
	str := map[string]string{}
	var data codec.Value
	hasData := false
	for _, m := range in.Members {
		known := false
		for _, name := range encodeMembers {
			known = known || m.Key == name
		}
		if !known {
			return nil, "unknown member " + strconv.Quote(m.Key) + "; the members are " + strings.Join(encodeMembers, ", ")
		}
		if m.Key == "data" {
			data, hasData = m.Value, true
			continue
		}
		switch m.Value.Kind {
		case codec.KindString:
			str[m.Key] = m.Value.Text
		case codec.KindNull:
		default:
			return nil, m.Key + " must be a string"
		}
	}
	e := &codec.Envelope{}
	switch kind := str["kind"]; kind {
	case "", "request":
		e.Kind = codec.Request
		e.Action, e.MerchantID = str["action"], str["merchant_id"]
		e.Version = str["version"]
		if e.Version == "" {
			e.Version = "1.0"
		}
		if e.Action == "" {
			return nil, "a request needs action, such as \"ACTIVEPAY\""
		}
		if e.MerchantID == "" {
			return nil, "a request needs merchant_id"
		}
	case "response", "callback":
		e.Kind = codec.Response
		e.RspCode, e.RspMsg = str["rsp_code"], str["rsp_msg"]
		if e.RspCode == "" {
			return nil, "a " + kind + " needs rsp_code, such as \"SUCCESS\""
		}
		if kind == "callback" {
			e.Kind = codec.Callback
			e.MerchantID = str["merchant_id"]
			if e.MerchantID == "" {
				return nil, "a callback needs merchant_id"
			}
		}
		for _, name := range []string{"action", "version"} {
			if str[name] != "" {
				return nil, name + " belongs to requests only; a " + kind + " carries rsp_code and rsp_msg"
			}
		}
		if kind == "response" && str["merchant_id"] != "" {
			return nil, "a response carries no merchant_id; use kind \"callback\" for a callback"
		}
	default:
		return nil, "kind must be \"request\", \"response\" or \"callback\", not " + strconv.Quote(kind)
	}
	var obj *codec.Object
	switch {
	case !hasData || data.Kind == codec.KindNull:
		return nil, "data is missing: pass the transaction data as an object"
	case data.Kind == codec.KindObject || data.Kind == codec.KindString:
		o, err := codec.ParseObject([]byte(data.Text))
		if err != nil {
			return nil, "data: " + err.Error()
		}
		obj = o
	default:
		return nil, "data must be an object, or the JSON text of one"
	}
	key := str["key"]
	if key == "" {
		return nil, "key is missing: pass the merchant's sign key"
	}
	rule := codec.RuleStrings
	if v := str["values"]; v != "" {
		r, err := codec.ParseRule(v)
		if err != nil {
			return nil, "values: " + err.Error()
		}
		rule = r
	}
	if err := e.Seal(obj, key, rule); err != nil {
		return nil, err.Error()
	}
	b, err := e.MarshalJSON()
	if err != nil {
		return nil, err.Error()
	}
	return b, ""
}
