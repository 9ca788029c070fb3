package codec

import (
	"errors"
	"strings"
	"testing"
)

func TestParseEnvelopeKinds(t *testing.T) {
	tests := []struct {
		body string
		kind EnvelopeKind
		name string
	}{
		{`{"action":"ACTIVEPAY","version":"1.0","merchant_id":"QC00005496","data":"d","md5":"m"}`, Request, "request"},
		{`{"rsp_code":"SUCCESS","rsp_msg":"success","data":"d","md5":"m"}`, Response, "response"},
		{`{"rsp_code":"SUCCESS","rsp_msg":"success","merchant_id":"ON00004652","data":"d","md5":"m"}`, Callback, "callback"},
		{`{"rep_code":"SUCCESS","rsp_msg":"success","data":"d","md5":"m"}`, Response, "response"},
		{`{"data":"d","md5":"m"}`, 0, "unknown"},
	}
	for _, tt := range tests {
		e, err := ParseEnvelope([]byte(tt.body))
		if err != nil {
			t.Errorf("%s: %v", tt.body, err)
			continue
		}
		if e.Kind != tt.kind || e.Kind.String() != tt.name || e.Data != "d" || e.MD5 != "m" || !e.HasData || !e.HasMD5 {
			t.Errorf("%s: parsed %+v", tt.body, e)
		}
		b, err := e.MarshalJSON()
		if err != nil || string(b) != tt.body {
			t.Errorf("MarshalJSON = %s, %v; want the body back: %s", b, err, tt.body)
		}
	}
}

// rep_code, as the common-rules table spells it, is read as rsp_code;
// unknown members are kept, in order, and written back.
func TestParseEnvelopeRepCodeAndExtra(t *testing.T) {
	e, err := ParseEnvelope([]byte(`{"rep_code":"FAIL","rsp_msg":"no such order","trace":{"id":7},"x":[1]}`))
	if err != nil {
		t.Fatal(err)
	}
	if e.RspCode != "FAIL" || e.RspCodeName != "rep_code" || e.Kind != Response || len(e.Extra) != 2 || e.Extra[0].Key != "trace" || e.Extra[1].Value.Text != "[1]" {
		t.Errorf("parsed %+v", e)
	}
	b, _ := e.MarshalJSON()
	if string(b) != `{"rep_code":"FAIL","rsp_msg":"no such order","trace":{"id":7},"x":[1]}` {
		t.Errorf("MarshalJSON = %s", b)
	}
	// Both spellings: rsp_code wins, rep_code is kept as an extra member.
	e, _ = ParseEnvelope([]byte(`{"rep_code":"A","rsp_code":"B","rsp_msg":"m"}`))
	if e.RspCode != "B" || e.RspCodeName != "rsp_code" || len(e.Extra) != 1 || e.Extra[0].Key != "rep_code" {
		t.Errorf("both spellings: %+v", e)
	}
}

// A failure response without data and md5 is reported as such, not as a
// crash nor as a decoding error of some later layer.
func TestFailureResponseWithoutData(t *testing.T) {
	body := []byte(`{"rsp_code":"FAIL","rsp_msg":"merchant not found"}`)
	e, err := ParseEnvelope(body)
	if err != nil || e.HasData || e.HasMD5 || e.Kind != Response {
		t.Fatalf("ParseEnvelope = %+v, %v", e, err)
	}
	_, err = e.Open("6698851A525C9433")
	if !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), `"FAIL"`) || !strings.Contains(err.Error(), "merchant not found") {
		t.Errorf("Open error %v, want ErrNoData naming rsp_code and rsp_msg", err)
	}
	e2, op, err := DecodeBody(body, "6698851A525C9433")
	if !errors.Is(err, ErrNoData) || e2 == nil || e2.RspMsg != "merchant not found" || op != nil {
		t.Errorf("DecodeBody = %+v, %v, %v; want the envelope and ErrNoData", e2, op, err)
	}
	b, _ := e.MarshalJSON()
	if string(b) != string(body) {
		t.Errorf("MarshalJSON = %s", b)
	}
	// A null data is absent for ParseEnvelope, a wrong type for DecodeBody.
	nullData := []byte(`{"rsp_code":"FAIL","rsp_msg":"m","data":null,"md5":null}`)
	if e, err := ParseEnvelope(nullData); err != nil || e.HasData || e.HasMD5 {
		t.Errorf("ParseEnvelope with null data = %+v, %v", e, err)
	}
	if _, _, err := DecodeBody(nullData, "K"); !errors.Is(err, ErrFieldType) {
		t.Errorf("DecodeBody with null data: %v, want ErrFieldType", err)
	}
}

func TestEnvelopeErrors(t *testing.T) {
	tests := []struct {
		body string
		want error
		says string
	}{
		{`{"action":"A","version":"1.0","merchant_id":"M","data":5,"md5":"m"}`, ErrFieldType, `"data" is a number`},
		{`{"action":["A"],"data":"d","md5":"m"}`, ErrFieldType, `"action" is an array`},
		{`{"rep_code":7,"data":"d","md5":"m"}`, ErrFieldType, `"rep_code"`},
		{`{"merchant_id":"M","foo":"bar"}`, ErrMissingField, "neither action nor rsp_code"},
		{`{"action":"A","action":"B"}`, ErrDuplicate, `"action"`},
		{`{"action":"A"`, ErrNotJSON, "envelope: invalid JSON"},
		{`[{"action":"A"}]`, ErrNotObject, "array"},
	}
	for _, tt := range tests {
		_, err := ParseEnvelope([]byte(tt.body))
		if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("ParseEnvelope(%s) error %v, want %v saying %q", tt.body, err, tt.want, tt.says)
		}
	}
	e := &Envelope{Kind: Request, Action: "A", Extra: []Member{{Key: "md5", Value: Value{Kind: KindString, Text: "x"}}}}
	if _, err := e.MarshalJSON(); !errors.Is(err, ErrDuplicate) {
		t.Errorf("MarshalJSON with an extra md5: %v, want ErrDuplicate", err)
	}
}

// Build all three kinds, write them, and read them back strictly.
func TestEnvelopeSealRoundTrip(t *testing.T) {
	const key = "A8B5FE540E38A5A9"
	o := &Object{}
	o.SetString("order_id", "20220510125455761")
	o.SetString("amount", "5")
	o.SetString("remarks", "可以 </script> & \"ok\"")
	for _, e := range []*Envelope{
		{Kind: Request, Action: "H5PAY", Version: "2.0", MerchantID: "ON00004652"},
		{Kind: Response, RspCode: "SUCCESS", RspMsg: "success"},
		{Kind: Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: "ON00004652"},
	} {
		if err := e.Seal(o, key, RuleStrings); err != nil {
			t.Fatal(err)
		}
		body, err := e.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(body), `\u003c`) || strings.Contains(string(body), "\n") {
			t.Errorf("body is not one line of plain JSON: %s", body)
		}
		got, op, err := DecodeBody(body, key)
		if err != nil {
			t.Fatalf("%s: %v", e.Kind, err)
		}
		if got.Kind != e.Kind || got.Action != e.Action || got.MerchantID != e.MerchantID || got.RspCode != e.RspCode {
			t.Errorf("%s: read back %+v", e.Kind, got)
		}
		if string(op.Object.AppendJSON(nil)) != string(o.AppendJSON(nil)) || !op.Verified || op.Rule != RuleStrings {
			t.Errorf("%s: opened %s, verified %v", e.Kind, op.Plaintext, op.Verified)
		}
		op2, err := got.Open(key)
		if err != nil || string(op2.Plaintext) != string(op.Plaintext) {
			t.Errorf("Envelope.Open: %v", err)
		}
	}
}
