package jsapi

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// vector is one documented message: its envelope, key and plaintext.
type vector struct {
	// EnvelopeJSON is the envelope in its published member order.
	EnvelopeJSON json.RawMessage `json:"envelope"`
	// Envelope is the same, by member name.
	Envelope  map[string]string `json:"-"`
	SignKey   string            `json:"sign_key"`
	Plaintext string            `json:"plaintext"`
}

func vectors(t testing.TB) (appendixA, callback vector) {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		AppendixA vector `json:"appendix_a"`
		Callback  vector `json:"callback"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for _, vec := range []*vector{&v.AppendixA, &v.Callback} {
		if err := json.Unmarshal(vec.EnvelopeJSON, &vec.Envelope); err != nil {
			t.Fatal(err)
		}
	}
	return v.AppendixA, v.Callback
}

func envelopeText(t testing.TB, v vector) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, v.EnvelopeJSON); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func keyJSON(k string) []byte {
	b, _ := json.Marshal(k)
	return b
}

// reports parses DecodeJSON's output as a page script sees it.
func reports(t *testing.T, out []byte) []map[string]any {
	t.Helper()
	var rs []map[string]any
	if err := json.Unmarshal(out, &rs); err != nil {
		t.Fatalf("decode output is not a JSON array of objects: %v\n%s", err, out)
	}
	if len(rs) == 0 {
		t.Fatal("decode returned an empty array")
	}
	for _, r := range rs {
		for _, m := range []string{"kind", "action", "version", "merchant_id", "rsp_code", "rsp_msg", "md5", "verified", "rule", "data", "warnings"} {
			if _, ok := r[m]; !ok {
				t.Errorf("report lacks %q, which every command-line report carries: %v", m, r)
			}
		}
	}
	return rs
}

func plainObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// ottpay.decode with a key string and with a key map decodes the
// Appendix A example: verified, under the documented rule, to the
// published plaintext.
func TestDecodeAppendixA(t *testing.T) {
	a, cb := vectors(t)
	text := "some log line\n" + envelopeText(t, a) + "\nPOST /notify " + envelopeText(t, cb) + "\n"
	for _, keys := range [][]byte{
		[]byte(`{"QC00005496":"` + a.SignKey + `","ON00004652":"` + cb.SignKey + `"}`),
	} {
		rs := reports(t, DecodeJSON([]byte(text), keys))
		if len(rs) != 2 {
			t.Fatalf("%d reports for two envelopes", len(rs))
		}
		for i, v := range []vector{a, cb} {
			r := rs[i]
			if r["verified"] != true || r["rule"] != "strings" || r["error"] != nil {
				t.Errorf("report %d: %v", i, r)
			}
			if !reflect.DeepEqual(r["data"], plainObject(t, v.Plaintext)) {
				t.Errorf("report %d data %v, want %s", i, r["data"], v.Plaintext)
			}
			if r["md5"] != v.Envelope["md5"] {
				t.Errorf("report %d md5 %v", i, r["md5"])
			}
		}
		if rs[0]["kind"] != "request" || rs[0]["action"] != "ACTIVEPAY" || rs[1]["kind"] != "callback" {
			t.Errorf("kinds %v %v", rs[0]["kind"], rs[1]["kind"])
		}
	}
	// One key string for one envelope.
	rs := reports(t, DecodeJSON([]byte(envelopeText(t, a)), keyJSON(a.SignKey)))
	if len(rs) != 1 || rs[0]["verified"] != true {
		t.Errorf("single key: %v", rs)
	}
	// The data keeps the member order it was sent in.
	if out := string(DecodeJSON([]byte(envelopeText(t, a)), keyJSON(a.SignKey))); !strings.Contains(out, `"data":`+a.Plaintext) {
		t.Errorf("data not in sent order:\n%s", out)
	}
}

// Decoding failures are reports with an error member, never a missing
// result; a report never carries the key.
func TestDecodeFailures(t *testing.T) {
	a, _ := vectors(t)
	env := envelopeText(t, a)
	for _, tc := range []struct {
		name, text string
		keys       []byte
		want       string
	}{
		{"wrong key", env, keyJSON("0000000000000000"), "padding"},
		{"no key", env, nil, "sign key"},
		{"no key (null)", env, []byte("null"), "sign key"},
		{"no envelope", "hello", keyJSON(a.SignKey), "no request, response or callback"},
		{"empty text", "", keyJSON(a.SignKey), "no request, response or callback"},
		{"key is a number", env, []byte("42"), "got a number"},
		{"key is an array", env, []byte(`["` + a.SignKey + `"]`), "got an array"},
		{"key is a boolean", env, []byte("true"), "got a boolean"},
		{"empty key", env, keyJSON(""), "empty"},
		{"key map with a number", env, []byte(`{"QC00005496":1}`), "not a string"},
		{"empty key map", env, []byte(`{}`), "empty"},
	} {
		rs := reports(t, DecodeJSON([]byte(tc.text), tc.keys))
		msg, _ := rs[0]["error"].(string)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: error %q, want it to mention %q", tc.name, msg, tc.want)
		}
		if rs[0]["verified"] != false {
			t.Errorf("%s: verified %v", tc.name, rs[0]["verified"])
		}
		if strings.Contains(string(DecodeJSON([]byte(tc.text), tc.keys)), a.SignKey) {
			t.Errorf("%s: the output repeats the sign key", tc.name)
		}
	}
}

// envelope parses EncodeJSON's output.
func envelope(t *testing.T, out []byte) map[string]string {
	t.Helper()
	var e map[string]string
	if err := json.Unmarshal(out, &e); err != nil {
		t.Fatalf("encode output is not an object of strings: %v\n%s", err, out)
	}
	if e["error"] != "" {
		t.Fatalf("encode error: %s", e["error"])
	}
	return e
}

// ottpay.encode of the Appendix A data, given as an object or as JSON
// text, reproduces the published envelope byte for byte; so does the
// documented callback.
func TestEncodeVectors(t *testing.T) {
	a, cb := vectors(t)
	for _, data := range []string{a.Plaintext, mustJSON(t, a.Plaintext)} {
		in := `{"action":"ACTIVEPAY","merchant_id":"QC00005496","data":` + data + `,"key":"` + a.SignKey + `"}`
		out := EncodeJSON([]byte(in))
		if want := envelopeText(t, a); string(out) != want {
			t.Errorf("encode(%s):\n%s\nwant\n%s", in, out, want)
		}
	}
	in := `{"kind":"callback","rsp_code":"SUCCESS","rsp_msg":"success","merchant_id":"ON00004652","data":` + cb.Plaintext + `,"key":"` + cb.SignKey + `"}`
	e := envelope(t, EncodeJSON([]byte(in)))
	if e["data"] != cb.Envelope["data"] || e["md5"] != cb.Envelope["md5"] || e["merchant_id"] != "ON00004652" {
		t.Errorf("callback envelope %v, want %v", e, cb.Envelope)
	}
	// A response has no merchant_id, and decodes back.
	in = `{"kind":"response","rsp_code":"SUCCESS","data":{"order_id":"1","code_url":"weixin://wxpay/bizpayurl?pr=x"},"key":"K1"}`
	out := EncodeJSON([]byte(in))
	e = envelope(t, out)
	if _, ok := e["merchant_id"]; ok || e["rsp_code"] != "SUCCESS" || e["rsp_msg"] != "" {
		t.Errorf("response envelope %v", e)
	}
	rs := reports(t, DecodeJSON(out, keyJSON("K1")))
	if rs[0]["verified"] != true || rs[0]["kind"] != "response" {
		t.Errorf("encoded response does not decode back: %v", rs[0])
	}
}

func mustJSON(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Values that are not strings need a rule, and the error says so.
func TestEncodeValuesRule(t *testing.T) {
	in := `{"action":"ACTIVEPAY","merchant_id":"M1","data":{"amount":100,"order_id":"1"},"key":"K1"}`
	var e map[string]string
	if err := json.Unmarshal(EncodeJSON([]byte(in)), &e); err != nil || !strings.Contains(e["error"], "string") {
		t.Errorf("a number without a rule: %v %v", e, err)
	}
	in = strings.Replace(in, `"key"`, `"values":"js","key"`, 1)
	out := EncodeJSON([]byte(in))
	envelope(t, out)
	rs := reports(t, DecodeJSON(out, keyJSON("K1")))
	if rs[0]["verified"] != true || rs[0]["rule"] != "js" {
		t.Errorf("encoded with values js: %v", rs[0])
	}
}

// Bad input gives {"error": ...} saying what to fix, never a panic.
func TestEncodeRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, "pass one object"},
		{`[1]`, "pass one object"},
		{`{"action":"A","merchant_id":"M","data":{},"key":"K","merchantId":"x"}`, `unknown member "merchantId"`},
		{`{"merchant_id":"M","data":{},"key":"K"}`, "needs action"},
		{`{"action":"A","data":{},"key":"K"}`, "needs merchant_id"},
		{`{"action":"A","merchant_id":"M","key":"K"}`, "data is missing"},
		{`{"action":"A","merchant_id":"M","data":"not json","key":"K"}`, "data:"},
		{`{"action":"A","merchant_id":"M","data":[1],"key":"K"}`, "data must be an object"},
		{`{"action":"A","merchant_id":"M","data":{}}`, "key is missing"},
		{`{"action":1,"merchant_id":"M","data":{},"key":"K"}`, "action must be a string"},
		{`{"kind":"reply","data":{},"key":"K"}`, "kind must be"},
		{`{"kind":"response","data":{},"key":"K"}`, "needs rsp_code"},
		{`{"kind":"callback","rsp_code":"SUCCESS","data":{},"key":"K"}`, "needs merchant_id"},
		{`{"kind":"response","rsp_code":"SUCCESS","merchant_id":"M","data":{},"key":"K"}`, `use kind "callback"`},
		{`{"kind":"response","rsp_code":"SUCCESS","action":"A","data":{},"key":"K"}`, "requests only"},
		{`{"action":"A","merchant_id":"M","data":{},"key":"K","values":"perl"}`, "values:"},
	} {
		var e map[string]any
		if err := json.Unmarshal(EncodeJSON([]byte(tc.in)), &e); err != nil {
			t.Fatalf("%s: output is not JSON: %v", tc.in, err)
		}
		msg, _ := e["error"].(string)
		if len(e) != 1 || !strings.HasPrefix(msg, "ottpay.encode: ") || !strings.Contains(msg, tc.want) {
			t.Errorf("encode(%s) = %v, want an error mentioning %q", tc.in, e, tc.want)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	a, _ := vectors(f)
	f.Add(envelopeText(f, a), `"`+a.SignKey+`"`)
	f.Add(envelopeText(f, a), `{"QC00005496":"`+a.SignKey+`"}`)
	f.Add("x", "[]")
	f.Fuzz(func(t *testing.T, text, keys string) {
		out := DecodeJSON([]byte(text), []byte(keys))
		var rs []map[string]any
		if err := json.Unmarshal(out, &rs); err != nil || len(rs) == 0 {
			t.Fatalf("output is not a non-empty array of reports: %v\n%s", err, out)
		}
		if want := referenceJSON(t, []byte(text), []byte(keys)); !bytes.Equal(out, want) {
			t.Fatalf("DecodeJSON wrote\n%s\nReport.AppendJSON writes\n%s", out, want)
		}
		// Handed over in arrays (as ottpay.decode does), the reports are
		// the same, in the same order.
		joined := joinedArrays(t, []byte(text), []byte(keys), 1+len(text)%300, nil)
		sameReports(t, "handed over in arrays", joined, reportList(t, out))
	})
}

func FuzzEncodeJSON(f *testing.F) {
	a, _ := vectors(f)
	f.Add(`{"action":"ACTIVEPAY","merchant_id":"QC00005496","data":` + a.Plaintext + `,"key":"` + a.SignKey + `"}`)
	f.Add(`{"kind":"callback","rsp_code":"S","merchant_id":"M","data":{"a":1.5e3},"key":"K","values":"php"}`)
	f.Fuzz(func(t *testing.T, in string) {
		out := EncodeJSON([]byte(in))
		var e map[string]any
		if err := json.Unmarshal(out, &e); err != nil {
			t.Fatalf("output is not a JSON object: %v\n%s", err, out)
		}
		if _, bad := e["error"]; bad {
			return
		}
		if e["md5"] == nil || e["data"] == nil {
			t.Fatalf("envelope without data or md5: %s", out)
		}
	})
}
