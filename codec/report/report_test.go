package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
)

// vector is one documented message of testdata/vectors.json, copied from
// the OTT Pay docs (Appendix A and the published examples).
type vector struct {
	Name         string `json:"name"`
	Source       string `json:"source"`
	SignKey      string `json:"sign_key"`
	Kind         string `json:"kind"`
	Envelope     string `json:"envelope"`
	Plaintext    string `json:"plaintext"`
	SortedValues string `json:"sorted_values"`
	AESKey       string `json:"aes_key"`
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 4 {
		t.Fatalf("testdata/vectors.json holds %d vectors, want the 4 documented ones", len(vs))
	}
	return vs
}

func vectorNamed(t testing.TB, name string) vector {
	t.Helper()
	for _, v := range loadVectors(t) {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no vector %q in testdata/vectors.json", name)
	return vector{}
}

// envelopeMember returns a top-level string member of an envelope text.
func envelopeMember(t testing.TB, envelope, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(envelope), &m); err != nil {
		t.Fatal(err)
	}
	s, _ := m[name].(string)
	return s
}

// decodeOne decodes text that must hold exactly one envelope.
func decodeOne(t testing.TB, text string, keys report.Keys) report.Report {
	t.Helper()
	rs := report.DecodeAll([]byte(text), keys)
	if len(rs) != 1 {
		t.Fatalf("DecodeAll found %d reports in %q, want 1", len(rs), text)
	}
	return rs[0]
}

// reportJSON is the JSON form of r, checked to be valid and to hold no key.
func reportJSON(t testing.TB, r *report.Report, keys ...string) string {
	t.Helper()
	b := r.AppendJSON(nil)
	if !json.Valid(b) {
		t.Fatalf("AppendJSON wrote invalid JSON: %s", b)
	}
	for _, k := range keys {
		if k != "" && bytes.Contains(b, []byte(k)) {
			t.Fatalf("report contains the sign key %q: %s", k, b)
		}
	}
	return string(b)
}

func TestDocumentedVectorsDecodeAndVerify(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			r := decodeOne(t, v.Envelope, report.SingleKey(v.SignKey))
			if r.Err != nil {
				t.Fatalf("decode failed: %v", r.Err)
			}
			if r.Outcome() != report.Verified || !r.Verified || r.Rule != "strings" {
				t.Fatalf("outcome %v verified %v rule %q, want verified under the strings rule", r.Outcome(), r.Verified, r.Rule)
			}
			if r.Kind != v.Kind {
				t.Errorf("kind %q, want %q", r.Kind, v.Kind)
			}
			if got := string(r.Data.AppendJSON(nil)); got != v.Plaintext {
				t.Errorf("data\n got %s\nwant %s (the decrypted object in its original member order)", got, v.Plaintext)
			}
			if want := envelopeMember(t, v.Envelope, "md5"); r.MD5 != want {
				t.Errorf("md5 %q, want %q as sent", r.MD5, want)
			}
			if want := envelopeMember(t, v.Envelope, "merchant_id"); r.MerchantID != want {
				t.Errorf("merchant_id %q, want %q", r.MerchantID, want)
			}
			if want := envelopeMember(t, v.Envelope, "action"); r.Action != want {
				t.Errorf("action %q, want %q", r.Action, want)
			}
			if r.Line != 1 {
				t.Errorf("line %d, want 1", r.Line)
			}
			// The "show the steps" view reads these.
			if r.Opened == nil || r.Opened.AESKey != v.AESKey {
				t.Fatalf("Opened %+v, want the AES key %s", r.Opened, v.AESKey)
			}
			if len(r.Opened.Rules) == 0 || r.Opened.Rules[0].Input != v.SortedValues {
				t.Errorf("sorted values under the first rule: %+v, want %q", r.Opened.Rules, v.SortedValues)
			}
			if r.Key != "" {
				t.Errorf("key %q named for a single key", r.Key)
			}
			out := reportJSON(t, &r, v.SignKey, v.AESKey)
			if !strings.Contains(out, `"data":`+v.Plaintext) {
				t.Errorf("JSON report does not carry the data verbatim: %s", out)
			}
		})
	}
}

// contractMembers are the members every report carries, in order.
var contractMembers = []string{"kind", "action", "version", "merchant_id", "rsp_code", "rsp_msg", "md5", "verified", "rule", "data", "warnings"}

// memberNames returns the top-level member names of a JSON object, in order.
func memberNames(t testing.TB, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	var names []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

func TestReportJSONCarriesTheContractMembersInOrder(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	r := decodeOne(t, v.Envelope, report.SingleKey(v.SignKey))
	got := memberNames(t, r.AppendJSON(nil))
	if len(got) < len(contractMembers) || !reflect.DeepEqual(got[:len(contractMembers)], contractMembers) {
		t.Fatalf("members %v, want them to start with %v", got, contractMembers)
	}

	failed := decodeOne(t, v.Envelope, report.SingleKey("0000000000000000"))
	got = memberNames(t, failed.AppendJSON(nil))
	if !reflect.DeepEqual(got[:len(contractMembers)], contractMembers) || !strings.Contains(strings.Join(got, " "), "error") {
		t.Fatalf("failed report members %v, want the contract members then error", got)
	}
	var m map[string]any
	if err := json.Unmarshal(failed.AppendJSON(nil), &m); err != nil {
		t.Fatal(err)
	}
	if m["data"] != nil || m["verified"] != false {
		t.Errorf("failed report: data %v verified %v, want null and false", m["data"], m["verified"])
	}
	if w, ok := m["warnings"].([]any); !ok || w == nil {
		t.Errorf("warnings %#v, want an array even when empty", m["warnings"])
	}
}

func TestReportJSONMatchesStructTags(t *testing.T) {
	// Every member AppendJSON writes is the json tag of a field, so the
	// report can be read back with encoding/json.
	r := report.Report{
		Kind: "callback", Action: "a", Version: "v", MerchantID: "m", RspCode: "c", RspMsg: "<&>\u2028\"\\\n\x01",
		MD5: "5", Verified: true, Rule: "js", Data: &codec.Object{},
		Warnings: []string{"w1", "w2"}, Error: "e", Key: "k", RspMeaning: "rm",
		MD5Uppercased: true, Line: 7, Via: []string{"log-line", "json"},
		Rules: []string{"js", "php"}, Combination: "numbers=js,ints=keep,bool=text,null=null,nested=json,keys=utf16",
	}
	r.Data.SetString("b", "2")
	r.Data.SetString("a", "1")
	b, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]bool{}
	rt := reflect.TypeOf(r)
	for i := 0; i < rt.NumField(); i++ {
		tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if tag != "" && tag != "-" {
			tags[tag] = true
		}
	}
	names := memberNames(t, b)
	for _, n := range names {
		if !tags[n] {
			t.Errorf("member %q has no field tagged with it", n)
		}
	}
	if len(names) != len(tags) {
		t.Errorf("a report with every field set writes %d members %v, want the %d tagged fields", len(names), names, len(tags))
	}
	var back report.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("reading the report back: %v", err)
	}
	if string(back.AppendJSON(nil)) != string(r.AppendJSON(nil)) {
		t.Errorf("round trip changed the report:\n got %s\nwant %s", back.AppendJSON(nil), r.AppendJSON(nil))
	}
	if raw := string(r.AppendJSON(nil)); !strings.Contains(raw, `"rsp_msg":"<&>`) {
		t.Errorf("HTML characters were escaped: %s", raw)
	}
	if !strings.Contains(string(b), `"data":{"b":"2","a":"1"}`) {
		t.Errorf("data lost its member order: %s", b)
	}
}

func TestAppendJSONWritesValidJSONForAnyString(t *testing.T) {
	for _, s := range []string{"", "plain", "\xff\xfe bad utf-8", "tab\tnl\ncr\r", "\x00\x1f", "\u2028\u2029", "张三 😀", `"quoted" \back\`} {
		r := report.Report{RspMsg: s, Warnings: []string{s}}
		b := r.AppendJSON(nil)
		var back struct {
			RspMsg   string   `json:"rsp_msg"`
			Warnings []string `json:"warnings"`
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q: invalid JSON %s: %v", s, b, err)
		}
		if strings.ContainsAny(string(b), "\u2028\u2029") {
			t.Errorf("%q: U+2028 or U+2029 written raw, which breaks the text embedded in a script: %s", s, b)
		}
		want := string([]rune(s)) // each invalid byte becomes U+FFFD
		if back.RspMsg != want || back.Warnings[0] != want {
			t.Errorf("%q came back as %q", s, back.RspMsg)
		}
	}
}

func TestWrongKeyFailsAtTheKeyAndSaysSo(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	const wrong = "0123456789ABCDEF"
	r := decodeOne(t, v.Envelope, report.SingleKey(wrong))
	if r.Outcome() != report.Failed || r.Data != nil || r.Verified {
		t.Fatalf("outcome %v data %v, want a failure without data", r.Outcome(), r.Data)
	}
	if !errors.Is(r.Err, codec.ErrPadding) {
		t.Errorf("error %v, want one wrapping codec.ErrPadding", r.Err)
	}
	if r.Error == "" || !strings.Contains(r.Error, "(") {
		t.Errorf("error text %q, want what failed and the likely cause", r.Error)
	}
	if r.Kind != "callback" || r.MerchantID != "ON00004652" {
		t.Errorf("a failed report still describes the envelope: kind %q merchant %q", r.Kind, r.MerchantID)
	}
	reportJSON(t, &r, wrong, v.SignKey)
}

func TestKeyInAnotherCaseIsNamedAsSuch(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	lower := strings.ToLower(v.SignKey)
	r := decodeOne(t, v.Envelope, report.SingleKey(lower))
	if r.Outcome() != report.Failed || !errors.Is(r.Err, codec.ErrKeyCase) {
		t.Fatalf("outcome %v error %v, want a failure wrapping codec.ErrKeyCase", r.Outcome(), r.Err)
	}
	reportJSON(t, &r, lower, v.SignKey)
}

// tampered returns the envelope of v with its data replaced by plaintext
// encrypted under the key of the original md5: what a changed message
// that kept its md5 looks like.
func tampered(t testing.TB, v vector, plaintext string) string {
	t.Helper()
	md5 := envelopeMember(t, v.Envelope, "md5")
	data, err := codec.EncryptData(codec.AESKey(md5, v.SignKey), []byte(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(v.Envelope, envelopeMember(t, v.Envelope, "data"), data, 1)
}

func TestChangedDataDecryptsButDoesNotVerify(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	changed := strings.Replace(v.Plaintext, `"amount":"3"`, `"amount":"300"`, 1)
	if changed == v.Plaintext {
		t.Fatal("the vector has no amount to change")
	}
	r := decodeOne(t, tampered(t, v, changed), report.SingleKey(v.SignKey))
	if r.Outcome() != report.NotVerified || r.Verified || r.Rule != "" {
		t.Fatalf("outcome %v verified %v rule %q, want not verified", r.Outcome(), r.Verified, r.Rule)
	}
	if !errors.Is(r.Err, codec.ErrMD5Mismatch) {
		t.Errorf("error %v, want one wrapping codec.ErrMD5Mismatch", r.Err)
	}
	if r.Data == nil || string(r.Data.AppendJSON(nil)) != changed {
		t.Errorf("the decrypted data is still shown: got %v", r.Data)
	}
	if !strings.Contains(r.Error, r.MD5) {
		t.Errorf("error %q does not name the md5 sent", r.Error)
	}
}

func TestLowerCaseMD5IsRetriedUpperCased(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	md5 := envelopeMember(t, v.Envelope, "md5")
	env := strings.Replace(v.Envelope, md5, strings.ToLower(md5), 1)
	r := decodeOne(t, env, report.SingleKey(v.SignKey))
	if r.Outcome() != report.Verified || !r.MD5Uppercased {
		t.Fatalf("outcome %v md5_uppercased %v error %v, want verified after the upper-case retry", r.Outcome(), r.MD5Uppercased, r.Err)
	}
	if r.MD5 != strings.ToLower(md5) {
		t.Errorf("md5 %q, want it as sent", r.MD5)
	}
	if !hasWarning(r, "upper") {
		t.Errorf("warnings %q do not mention the upper-cased md5", r.Warnings)
	}
	if !strings.Contains(reportJSON(t, &r), `"md5_uppercased":true`) {
		t.Error("JSON report does not say md5_uppercased")
	}
}

func hasWarning(r report.Report, substr string) bool {
	for _, w := range r.Warnings {
		if strings.Contains(w, substr) {
			return true
		}
	}
	return false
}

func TestRepCodeIsReadAsRspCodeWithAWarning(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	env := strings.Replace(v.Envelope, `"rsp_code"`, `"rep_code"`, 1)
	r := decodeOne(t, env, report.SingleKey(v.SignKey))
	if r.Outcome() != report.Verified || r.RspCode != "SUCCESS" {
		t.Fatalf("outcome %v rsp_code %q, want verified with rsp_code SUCCESS", r.Outcome(), r.RspCode)
	}
	if !hasWarning(r, "rep_code") {
		t.Errorf("warnings %q do not mention rep_code", r.Warnings)
	}
}

func TestResponseCodeMeaningComesFromAppendixB(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	r := decodeOne(t, v.Envelope, report.SingleKey(v.SignKey))
	c, ok := catalog.ResponseCode("SUCCESS")
	if !ok {
		t.Fatal("the catalogue does not know SUCCESS")
	}
	if r.RspMeaning != c.Meaning {
		t.Errorf("rsp_meaning %q, want %q", r.RspMeaning, c.Meaning)
	}
	unknown := strings.Replace(v.Envelope, `"rsp_code":"SUCCESS"`, `"rsp_code":"NO_SUCH_CODE"`, 1)
	r = decodeOne(t, unknown, report.SingleKey(v.SignKey))
	if r.RspMeaning != "" || !hasWarning(r, "Appendix B") {
		t.Errorf("unknown rsp_code: meaning %q warnings %q, want a warning naming Appendix B", r.RspMeaning, r.Warnings)
	}
}

func TestFailureResponseWithoutDataIsReportedAsSuch(t *testing.T) {
	r := decodeOne(t, `{"rsp_code":"FAIL","rsp_msg":"merchant not found"}`, report.Keys{})
	if r.Outcome() != report.NothingToVerify || r.Err != nil {
		t.Fatalf("outcome %v error %v, want nothing to verify", r.Outcome(), r.Err)
	}
	if r.Kind != "response" || r.RspCode != "FAIL" || r.RspMsg != "merchant not found" {
		t.Errorf("report %+v does not describe the response", r)
	}
	if !hasWarning(r, "no data") {
		t.Errorf("warnings %q do not say there is no data", r.Warnings)
	}
}

func TestNoKeyIsAnError(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	r := decodeOne(t, v.Envelope, report.Keys{})
	if r.Outcome() != report.Failed || !errors.Is(r.Err, report.ErrNoKey) {
		t.Fatalf("outcome %v error %v, want ErrNoKey", r.Outcome(), r.Err)
	}
}

func TestNoEnvelopeGivesOneErrorReport(t *testing.T) {
	for _, text := range []string{"", "hello\nworld\n", `{"a":"b"}`} {
		rs := report.DecodeAll([]byte(text), report.SingleKey("K"))
		if len(rs) != 1 || !errors.Is(rs[0].Err, report.ErrNoEnvelope) || rs[0].Outcome() != report.Failed {
			t.Errorf("%q: %+v, want one report with ErrNoEnvelope", text, rs)
		}
	}
}

func TestKeyMapPicksTheMerchantsKey(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback") // merchant ON00004652
	keys := report.KeyMap(map[string]string{
		"ON00000001": "0000000000000000",
		"ON00004652": v.SignKey,
		"ON99999999": "FFFFFFFFFFFFFFFF",
	})
	r := decodeOne(t, v.Envelope, keys)
	if r.Outcome() != report.Verified || r.Key != "ON00004652" {
		t.Fatalf("outcome %v key %q error %v, want verified with the key of ON00004652", r.Outcome(), r.Key, r.Err)
	}
	reportJSON(t, &r, v.SignKey, "0000000000000000", "FFFFFFFFFFFFFFFF")
}

func TestKeyMapTriesEveryKeyWithoutMerchantID(t *testing.T) {
	v := vectorNamed(t, "appendix-a") // a response: no merchant_id
	keys := report.KeyMap(map[string]string{
		"ON00000001": "0000000000000000",
		"ON00000002": v.SignKey,
		"ON00000003": "FFFFFFFFFFFFFFFF",
	})
	r := decodeOne(t, v.Envelope, keys)
	if r.Outcome() != report.Verified || r.Key != "ON00000002" {
		t.Fatalf("outcome %v key %q error %v, want verified naming ON00000002", r.Outcome(), r.Key, r.Err)
	}
	if !strings.Contains(reportJSON(t, &r, v.SignKey), `"key":"ON00000002"`) {
		t.Error("JSON report does not name the key that worked")
	}
}

func TestKeyMapTriesEveryKeyForAnUnknownMerchant(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback") // merchant ON00004652, not in the map
	keys := report.KeyMap(map[string]string{"ON00000001": "0000000000000000", "TEST": v.SignKey})
	r := decodeOne(t, v.Envelope, keys)
	if r.Outcome() != report.Verified || r.Key != "TEST" {
		t.Fatalf("outcome %v key %q error %v, want verified naming TEST", r.Outcome(), r.Key, r.Err)
	}
	if !hasWarning(r, "ON00004652") {
		t.Errorf("warnings %q do not say the merchant has no key of its own", r.Warnings)
	}
}

func TestKeyMapDoesNotTryOthersWhenTheMerchantsKeyFails(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	keys := report.KeyMap(map[string]string{"ON00004652": "0000000000000000", "OTHER": v.SignKey})
	r := decodeOne(t, v.Envelope, keys)
	if r.Outcome() != report.Failed || r.Key != "" {
		t.Fatalf("outcome %v key %q, want a failure with the merchant's own key", r.Outcome(), r.Key)
	}
	if !errors.Is(r.Err, codec.ErrPadding) {
		t.Errorf("error %v, want the padding failure of the merchant's key", r.Err)
	}
}

func TestKeyMapWhereNoKeyFits(t *testing.T) {
	v := vectorNamed(t, "appendix-a")
	keys := report.KeyMap(map[string]string{"A": "0000000000000000", "B": "FFFFFFFFFFFFFFFF"})
	r := decodeOne(t, v.Envelope, keys)
	if r.Outcome() != report.Failed || !errors.Is(r.Err, report.ErrNoKeyFits) {
		t.Fatalf("outcome %v error %v, want ErrNoKeyFits", r.Outcome(), r.Err)
	}
	if !strings.Contains(r.Error, "2") {
		t.Errorf("error %q does not say how many keys were tried", r.Error)
	}
}

func TestParseKeys(t *testing.T) {
	k, err := report.ParseKeys([]byte(`{"ON00004652":"A8B5FE540E38A5A9","ON1":"K1"}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"ON00004652": "A8B5FE540E38A5A9", "ON1": "K1"}; !reflect.DeepEqual(k.ByMerchant, want) || k.Key != "" {
		t.Errorf("ParseKeys = %+v, want %v", k, want)
	}
	for _, bad := range []string{``, `[]`, `{}`, `{"A":1}`, `{"A":""}`, `{"":"K"}`, `{"A":"K","A":"L"}`, `{"A":"K"`} {
		if _, err := report.ParseKeys([]byte(bad)); !errors.Is(err, report.ErrKeysFile) {
			t.Errorf("ParseKeys(%q) error %v, want ErrKeysFile", bad, err)
		}
	}
}

func TestNonStringValuesVerifyUnderTheirSenderRule(t *testing.T) {
	const key = "A8B5FE540E38A5A9"
	o, err := codec.ParseObject([]byte(`{"amount":100,"order_id":"42","paid":true}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []codec.Rule{codec.RuleJS, codec.RuleCryptoJS, codec.RulePHP, codec.RuleJava} {
		t.Run(string(rule), func(t *testing.T) {
			e := &codec.Envelope{Kind: codec.Response, RspCode: "SUCCESS", RspMsg: "success", RspCodeName: "rsp_code"}
			if err := e.Seal(o, key, rule); err != nil {
				t.Fatal(err)
			}
			text, err := e.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			r := decodeOne(t, string(text), report.SingleKey(key))
			if r.Outcome() != report.Verified {
				t.Fatalf("outcome %v error %v, want verified", r.Outcome(), r.Err)
			}
			// Several rules may render this object alike; the one named
			// must reproduce the md5 sent.
			d, err := codec.Digest(r.Data, codec.Rule(r.Rule))
			if err != nil || !strings.EqualFold(d, r.MD5) || r.Rule == "strings" {
				t.Errorf("rule %q gives md5 %s (%v), want a sender rule reproducing %s", r.Rule, d, err, r.MD5)
			}
			if r.Rule != string(rule) && !slices.Contains(r.Rules, string(rule)) {
				t.Errorf("sealed under %s, reported as rule %q, rules %q", rule, r.Rule, r.Rules)
			}
			if !hasWarning(r, r.Rule+" rule") {
				t.Errorf("warnings %q do not name the %s rule", r.Warnings, r.Rule)
			}
		})
	}
}

// requiredField returns a field the catalogue marks required for the
// request data of some variant of action.
func requiredField(t testing.TB, action string) (catalog.Action, catalog.Field) {
	t.Helper()
	for _, a := range catalog.Lookup(action) {
		for _, f := range a.Request {
			if f.Required == "Y" {
				return a, f
			}
		}
	}
	t.Fatalf("the catalogue has no required request field for %s", action)
	return catalog.Action{}, catalog.Field{}
}

func TestRequestDataIsCheckedAgainstTheCatalogue(t *testing.T) {
	const key = "A8B5FE540E38A5A9"
	a, missing := requiredField(t, "ACTIVEPAY")
	data := &codec.Object{}
	for _, f := range a.Request {
		if f.Name != missing.Name {
			data.SetString(f.Name, "1")
		}
	}
	data.SetString("no_such_field_anywhere", "x")
	e := &codec.Envelope{Kind: codec.Request, Action: a.Name, Version: a.Version, MerchantID: "ON00004652"}
	if err := e.Seal(data, key, codec.RuleStrings); err != nil {
		t.Fatal(err)
	}
	text, _ := e.MarshalJSON()
	r := decodeOne(t, string(text), report.SingleKey(key))
	if r.Outcome() != report.Verified {
		t.Fatalf("outcome %v error %v, want verified", r.Outcome(), r.Err)
	}
	if !hasWarning(r, missing.Name) {
		t.Errorf("warnings %q do not mention the missing required field %s", r.Warnings, missing.Name)
	}
	if !hasWarning(r, "no_such_field_anywhere") {
		t.Errorf("warnings %q do not mention the unknown field", r.Warnings)
	}

	e = &codec.Envelope{Kind: codec.Request, Action: "NO_SUCH_ACTION", Version: "1.0", MerchantID: "ON00004652"}
	if err := e.Seal(data, key, codec.RuleStrings); err != nil {
		t.Fatal(err)
	}
	text, _ = e.MarshalJSON()
	r = decodeOne(t, string(text), report.SingleKey(key))
	if !hasWarning(r, "not in the catalogue") {
		t.Errorf("warnings %q do not say the action is unknown", r.Warnings)
	}
}

func TestDecodeBodyIsStrict(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	r := report.DecodeBody([]byte(v.Envelope), report.SingleKey(v.SignKey))
	if r.Outcome() != report.Verified || r.Kind != "callback" || r.Line != 0 {
		t.Fatalf("outcome %v kind %q line %d error %v, want a verified callback", r.Outcome(), r.Kind, r.Line, r.Err)
	}
	dup := strings.Replace(v.Envelope, `"rsp_msg":"success"`, `"rsp_msg":"success","rsp_msg":"again"`, 1)
	r = report.DecodeBody([]byte(dup), report.SingleKey(v.SignKey))
	if r.Outcome() != report.Failed || !errors.Is(r.Err, codec.ErrDuplicate) {
		t.Errorf("duplicate member: outcome %v error %v, want ErrDuplicate", r.Outcome(), r.Err)
	}
	r = report.DecodeBody([]byte("INFO callback "+v.Envelope), report.SingleKey(v.SignKey))
	if r.Outcome() != report.Failed {
		t.Errorf("a log line is not a body: outcome %v", r.Outcome())
	}
	keys := report.KeyMap(map[string]string{"OTHER": v.SignKey, "ON1": "0000000000000000"})
	r = report.DecodeBody([]byte(v.Envelope), keys)
	if r.Outcome() != report.Verified || r.Key != "OTHER" {
		t.Errorf("key map: outcome %v key %q error %v, want verified naming OTHER", r.Outcome(), r.Key, r.Err)
	}
}

func TestDecodeAllKeepsInputOrderAndLines(t *testing.T) {
	vs := loadVectors(t)
	keys := report.Keys{ByMerchant: map[string]string{"ON00004652": "A8B5FE540E38A5A9"}, Key: vs[0].SignKey}
	var text strings.Builder
	for i, v := range vs {
		text.WriteString("2024-05-01 12:00:0" + string(rune('0'+i)) + " INFO got message " + v.Envelope + "\n")
		text.WriteString("unrelated line\n")
	}
	rs := report.DecodeAll([]byte(text.String()), keys)
	if len(rs) != len(vs) {
		t.Fatalf("%d reports, want %d", len(rs), len(vs))
	}
	for i, r := range rs {
		if r.Outcome() != report.Verified {
			t.Errorf("report %d: outcome %v error %v", i, r.Outcome(), r.Err)
		}
		if r.Line != 2*i+1 {
			t.Errorf("report %d on line %d, want %d", i, r.Line, 2*i+1)
		}
		if got := string(r.Data.AppendJSON(nil)); got != vs[i].Plaintext {
			t.Errorf("report %d out of order: data %s", i, got)
		}
	}
}

func TestField(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	r := decodeOne(t, v.Envelope, report.SingleKey(v.SignKey))
	if got, ok := r.Field("orderId", "order_id"); !ok || got != "16795056216014900" {
		t.Errorf("Field(orderId, order_id) = %q, %v", got, ok)
	}
	if _, ok := r.Field("nope"); ok {
		t.Error("Field found a member that is not there")
	}
	var empty report.Report
	if _, ok := empty.Field("order_id"); ok {
		t.Error("Field found a member in a report without data")
	}
}

func BenchmarkDecodeAll(b *testing.B) {
	v := vectorNamed(b, "apidocs-callback")
	text := []byte("INFO callback " + v.Envelope + "\n")
	keys := report.SingleKey(v.SignKey)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		rs := report.DecodeAll(text, keys)
		if rs[0].Outcome() != report.Verified {
			b.Fatal(rs[0].Error)
		}
	}
}

func TestScannerRepairsComeFirstAmongTheWarnings(t *testing.T) {
	v := vectorNamed(t, "apidocs-callback")
	data := envelopeMember(t, v.Envelope, "data")
	broken := strings.Replace(v.Envelope, data, data[:40]+"\r\n"+data[40:], 1)
	found := scan.Scan([]byte(broken))
	if len(found) != 1 || len(found[0].Notes) == 0 {
		t.Fatalf("the scanner found %d envelopes with notes %v, want one repaired envelope", len(found), found)
	}
	r := report.Decode(found[0], report.SingleKey(v.SignKey))
	if r.Outcome() != report.Verified {
		t.Fatalf("outcome %v error %v, want verified", r.Outcome(), r.Err)
	}
	if len(r.Warnings) < len(found[0].Notes) || !reflect.DeepEqual(r.Warnings[:len(found[0].Notes)], found[0].Notes) {
		t.Errorf("warnings %q, want the scanner's notes %q first", r.Warnings, found[0].Notes)
	}
}

func TestWithoutKeysTheMessageIsStillChecked(t *testing.T) {
	r := report.DecodeBody([]byte(`{"rsp_code":"FAIL","rsp_msg":"no such merchant"}`), report.Keys{})
	if r.Outcome() != report.NothingToVerify || r.RspCode != "FAIL" {
		t.Errorf("failure response: outcome %v error %v, want nothing to verify", r.Outcome(), r.Err)
	}
	r = report.DecodeBody([]byte(`{"rsp_code":"SUCCESS","rsp_msg":"ok","rsp_msg":"ok"}`), report.Keys{})
	if !errors.Is(r.Err, codec.ErrDuplicate) {
		t.Errorf("duplicate member without keys: error %v, want ErrDuplicate", r.Err)
	}
	v := vectorNamed(t, "apidocs-callback")
	r = report.DecodeBody([]byte(v.Envelope), report.Keys{})
	if !errors.Is(r.Err, report.ErrNoKey) || r.Kind != "callback" {
		t.Errorf("sound body without keys: kind %q error %v, want ErrNoKey", r.Kind, r.Err)
	}
}

// A message whose md5 no preset reproduces but a combination of value
// dimensions does (the Gson SDK's decipher path: null appended as "null",
// nested maps as Map.toString with their null members) verifies, and the
// report names the combination, which encode --values takes back.
func TestCombinationIsReported(t *testing.T) {
	const key = "A8B5FE540E38A5A9"
	o, err := codec.ParseObject([]byte(`{"amount":100,"coupon":null,"item":{"qty":2,"note":null}}`))
	if err != nil {
		t.Fatal(err)
	}
	rule, err := codec.ParseRule("java,null=null,nested=java")
	if err != nil {
		t.Fatal(err)
	}
	e := &codec.Envelope{Kind: codec.Response, RspCode: "SUCCESS", RspMsg: "success", RspCodeName: "rsp_code"}
	if err := e.Seal(o, key, rule); err != nil {
		t.Fatal(err)
	}
	text, _ := e.MarshalJSON()
	r := decodeOne(t, string(text), report.SingleKey(key))
	if r.Outcome() != report.Verified || r.Rule != string(rule) || r.Combination != string(rule) || len(r.Rules) != 0 {
		t.Fatalf("outcome %v rule %q combination %q rules %q, want verified under %s", r.Outcome(), r.Rule, r.Combination, r.Rules, rule)
	}
	if !hasWarning(r, "only the combination "+string(rule)) {
		t.Errorf("warnings %q do not name the combination", r.Warnings)
	}
	if b := r.AppendJSON(nil); !strings.Contains(string(b), `,"combination":"`+string(rule)+`"}`) {
		t.Errorf("report JSON %s lacks the combination", b)
	}
}
