package report_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// A pasted object that has the envelope's members but is not a valid
// envelope gives one failed report: the error names the layer and the
// cause, the kind is guessed from the member names, the members that are
// strings are shown, and the line and wrapping are those of the paste.
func TestBrokenEnvelopesGiveOneErrorReport(t *testing.T) {
	cb := vectorNamed(t, "apidocs-callback") // a callback of ON00004652
	ax := vectorNamed(t, "appendix-a")       // a response
	md5 := envelopeMember(t, cb.Envelope, "md5")
	for _, c := range []struct {
		name, envelope string
		sentinel       error
		kind           string
		says           []string // the error names these
	}{
		{"duplicate member", strings.Replace(cb.Envelope, `"rsp_msg":"success"`, `"rsp_msg":"success","rsp_msg":"again"`, 1),
			codec.ErrDuplicate, "callback", []string{`"rsp_msg"`, "twice"}},
		{"data a number", strings.Replace(cb.Envelope, `"`+envelopeMember(t, cb.Envelope, "data")+`"`, "12345", 1),
			codec.ErrFieldType, "callback", []string{`"data"`, "number"}},
		{"md5 not a string", strings.Replace(ax.Envelope, `"`+envelopeMember(t, ax.Envelope, "md5")+`"`, "true", 1),
			codec.ErrFieldType, "response", []string{`"md5"`}},
		{"invalid UTF-8", strings.Replace(cb.Envelope, `"rsp_msg":"success"`, "\"rsp_msg\":\"\xc9chec\"", 1),
			codec.ErrNotUTF8, "callback", []string{"UTF-8"}},
		{"null action", `{"action":null,"version":"1.0","merchant_id":"ON00004652","data":"` + envelopeMember(t, cb.Envelope, "data") + `","md5":"` + md5 + `"}`,
			codec.ErrMissingField, "request", []string{`"action" is null`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := "2024-05-01 12:00:00 INFO first line\n2024-05-01 12:00:01 INFO callback body=" + c.envelope + " status=200\n"
			r := decodeOne(t, text, report.SingleKey(cb.SignKey))
			if r.Outcome() != report.Failed || r.Data != nil || r.Verified {
				t.Fatalf("outcome %v data %v, want a failure without data", r.Outcome(), r.Data)
			}
			if !errors.Is(r.Err, c.sentinel) {
				t.Errorf("error %v, want one wrapping %v", r.Err, c.sentinel)
			}
			if !strings.HasPrefix(r.Error, string(codec.LayerEnvelope)+": ") || !strings.Contains(r.Error, "(") {
				t.Errorf("error %q, want the envelope layer, what is wrong and the likely cause", r.Error)
			}
			for _, s := range c.says {
				if !strings.Contains(r.Error, s) {
					t.Errorf("error %q does not say %q", r.Error, s)
				}
			}
			if r.Kind != c.kind || !hasWarning(r, "guessed") {
				t.Errorf("kind %q warnings %q, want %q said to be guessed", r.Kind, r.Warnings, c.kind)
			}
			if r.Line != 2 || len(r.Via) != 1 || r.Via[0] != "log-line" {
				t.Errorf("line %d via %q, want line 2 via log-line", r.Line, r.Via)
			}
			if want := envelopeMember(t, c.envelope, "merchant_id"); r.MerchantID != want {
				t.Errorf("merchant_id %q, want %q", r.MerchantID, want)
			}
			if want := envelopeMember(t, c.envelope, "md5"); r.MD5 != want {
				t.Errorf("md5 %q, want %q (a string member is shown; any other left empty)", r.MD5, want)
			}
			out := reportJSON(t, &r, cb.SignKey)
			if !strings.Contains(out, `"kind":"`+c.kind+`"`) || !strings.Contains(out, `"error":"envelope: `) {
				t.Errorf("JSON report %s does not carry the guessed kind and the error", out)
			}
		})
	}
}

// A broken envelope is reported even without a key, and before the lack
// of a key: what is wrong with the message comes first.
func TestBrokenEnvelopeWithoutKeys(t *testing.T) {
	cb := vectorNamed(t, "apidocs-callback")
	dup := strings.Replace(cb.Envelope, `"md5":`, `"merchant_id":"X","md5":`, 1)
	r := decodeOne(t, dup, report.Keys{})
	if !errors.Is(r.Err, codec.ErrDuplicate) || errors.Is(r.Err, report.ErrNoKey) {
		t.Errorf("error %v, want the duplicate member", r.Err)
	}
	if r.MerchantID != "ON00004652" {
		t.Errorf("merchant_id %q, want the first copy", r.MerchantID)
	}
}

// An envelope that parses but whose md5 or data was cut fails at the
// layer that reads them, and says so.
func TestCutEnvelopesFailAtTheirLayer(t *testing.T) {
	cb := vectorNamed(t, "apidocs-callback")
	md5 := envelopeMember(t, cb.Envelope, "md5")
	data := envelopeMember(t, cb.Envelope, "data")
	for _, c := range []struct {
		name, envelope string
		sentinel       error
		layer          codec.Layer
	}{
		{"truncated md5", strings.Replace(cb.Envelope, md5, md5[:29], 1), codec.ErrBadMD5, codec.LayerEnvelope},
		{"truncated Base64", strings.Replace(cb.Envelope, data, data[:len(data)-3], 1), codec.ErrBase64, codec.LayerBase64},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := decodeOne(t, "got: "+c.envelope, report.SingleKey(cb.SignKey))
			if r.Outcome() != report.Failed || !errors.Is(r.Err, c.sentinel) {
				t.Fatalf("outcome %v error %v, want a failure wrapping %v", r.Outcome(), r.Err, c.sentinel)
			}
			if !strings.HasPrefix(r.Error, string(c.layer)+": ") {
				t.Errorf("error %q does not name the layer %q", r.Error, c.layer)
			}
			if r.Kind != "callback" || hasWarning(r, "guessed") {
				t.Errorf("kind %q warnings %q: the envelope was read, its kind is known", r.Kind, r.Warnings)
			}
		})
	}
}

// An envelope of unknown kind (data and md5, no action and no rsp_code)
// handed to DecodeEnvelope is decoded, with a warning saying what it lacks.
func TestEnvelopeWithoutKindSaysSo(t *testing.T) {
	cb := vectorNamed(t, "apidocs-callback")
	e := &codec.Envelope{
		Data: envelopeMember(t, cb.Envelope, "data"), MD5: envelopeMember(t, cb.Envelope, "md5"),
		HasData: true, HasMD5: true,
	}
	r := report.DecodeEnvelope(e, report.SingleKey(cb.SignKey))
	if r.Outcome() != report.Verified {
		t.Fatalf("outcome %v error %v, want verified", r.Outcome(), r.Err)
	}
	if !hasWarning(r, "no action and no rsp_code") {
		t.Errorf("warnings %q do not say the kind is unknown", r.Warnings)
	}
}

// DecodeBody of a broken body guesses the kind too.
func TestDecodeBodyOfABrokenBody(t *testing.T) {
	cb := vectorNamed(t, "apidocs-callback")
	dup := strings.Replace(cb.Envelope, `"rsp_code":"SUCCESS"`, `"rsp_code":"SUCCESS","rsp_code":"FAIL"`, 1)
	r := report.DecodeBody([]byte(dup), report.SingleKey(cb.SignKey))
	if !errors.Is(r.Err, codec.ErrDuplicate) || r.Kind != "callback" || r.RspCode != "SUCCESS" {
		t.Errorf("kind %q rsp_code %q error %v, want a guessed callback failing with ErrDuplicate", r.Kind, r.RspCode, r.Err)
	}
}

// Several broken envelopes among good ones: one report each, in order.
func TestDecodeAllReportsBrokenAmongGood(t *testing.T) {
	cb := vectorNamed(t, "apidocs-callback")
	broken := strings.Replace(cb.Envelope, `"rsp_msg":"success"`, `"rsp_msg":0`, 1)
	text := cb.Envelope + "\n" + broken + "\n" + cb.Envelope + "\n"
	rs := report.DecodeAll([]byte(text), report.SingleKey(cb.SignKey))
	if len(rs) != 3 {
		t.Fatalf("%d reports, want 3", len(rs))
	}
	for i, want := range []report.Outcome{report.Verified, report.Failed, report.Verified} {
		if rs[i].Outcome() != want || rs[i].Line != i+1 {
			t.Errorf("report %d: outcome %v line %d, want %v on line %d", i+1, rs[i].Outcome(), rs[i].Line, want, i+1)
		}
	}
	if !errors.Is(rs[1].Err, codec.ErrFieldType) {
		t.Errorf("report 2: error %v, want ErrFieldType", rs[1].Err)
	}
}
