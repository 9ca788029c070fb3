package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// loadRequests reads testdata/requests.json: one valid request data object
// per catalogue variant, with placeholders {{order}} (a fresh order id),
// {{paid}} (a paid ACTIVEPAY order), {{prepay}} (a PREPAY_INIT order),
// {{merchant}} and {{callback}}.
func loadRequests(t *testing.T) map[string]json.RawMessage {
	b, err := os.ReadFile("testdata/requests.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// S2: every catalogue action and variant gets a SUCCESS response that
// decodes strictly, verifies, and carries every response field the docs
// mark required (or the sandbox declares where the docs are cut off).
func TestEveryActionAnswers(t *testing.T) {
	rc := newReceiver(t, acking)
	sb := start(t, sandbox.Options{})
	wantCode(t, activePay(t, sb, "PAIDORDER1", "2000", rc.URL()), "SUCCESS")
	if _, err := sb.Pay("PAIDORDER1"); err != nil {
		t.Fatal(err)
	}
	reqs := loadRequests(t)
	tested := 0
	for i, a := range catalog.Actions() {
		raw, ok := reqs[a.ID()]
		if !ok {
			t.Errorf("%s: no request in testdata/requests.json", a.ID())
			continue
		}
		tested++
		t.Run(a.ID(), func(t *testing.T) {
			text := strings.NewReplacer("{{order}}", fmt.Sprintf("ORD%03d", i), "{{paid}}", "PAIDORDER1",
				"{{prepay}}", "PREPAY1", "{{merchant}}", merchant, "{{callback}}", rc.URL()).Replace(string(raw))
			if a.Name == "PREPAY_QUERY" {
				wantCode(t, call(t, sb, "PREPAY_INIT", prepayInit("PREPAY1", "1000", "100", rc.URL())), "SUCCESS")
			}
			data, err := codec.ParseObject([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			if ps := catalog.ValidateData(a, codec.Request, data); catalog.HasErrors(ps) {
				t.Fatalf("the test's request is invalid: %v", ps)
			}
			r := call(t, sb, a.Name, data)
			wantCode(t, r, "SUCCESS")
			if r.data == nil {
				t.Fatalf("SUCCESS without data: %s", r.raw)
			}
			for _, p := range catalog.ValidateData(a, codec.Response, r.data) {
				if p.Severity == catalog.Error {
					t.Errorf("response: %s", p)
				}
			}
			if len(r.data.Members) == 0 {
				t.Errorf("empty response data")
			}
			for _, name := range []string{"code_url", "codeUrl", "payinfo"} {
				if v, ok := r.data.Get(name); ok && !strings.HasPrefix(v.Text, sb.URL()+"/_sandbox/pay/") {
					t.Errorf("%s = %q, want the sandbox's pay page", name, v.Text)
				}
			}
		})
	}
	// Card data and wallet codes are not kept, so the control API cannot
	// show them.
	os, _ := sb.Orders()
	for _, o := range os {
		for _, k := range []string{"cc_number", "cc_sha", "auth_code"} {
			if _, ok := o.Request[k]; ok {
				t.Errorf("order %s keeps %s", o.ID, k)
			}
		}
	}
	if tested != len(catalog.Actions()) {
		t.Errorf("tested %d variants, the catalogue has %d", tested, len(catalog.Actions()))
	}
}

func prepayInit(id, amount, duration, cb string) *codec.Object {
	return obj("merchant_id", merchant, "shop_id", "ON00004652001", "operator_id", "0000000437",
		"prepay_order_id", id, "sale_num", "INV-"+id, "currency_type", "CAD", "biz_type", "PREPAY",
		"redirect_url", "http://127.0.0.1:9/return", "call_back_url", cb, "duration", duration, "amount", amount)
}

// S2: a missing required field is PARAM_INVALID naming it; a malformed one
// PARAM_ERROR naming it. Failures carry no data and no md5.
func TestValidation(t *testing.T) {
	sb := start(t, sandbox.Options{NoListener: true})
	for _, c := range []struct {
		name, action string
		data         *codec.Object
		code, field  string
	}{
		{"missing amount", "ACTIVEPAY", obj("order_id", "V1", "operator_id", "0000000437", "biz_type", "WECHATPAY", "call_back_url", "http://127.0.0.1:9/cb"), "PARAM_INVALID", "amount"},
		{"empty call_back_url", "ACTIVEPAY", obj("order_id", "V2", "operator_id", "0000000437", "amount", "100", "biz_type", "WECHATPAY", "call_back_url", ""), "PARAM_INVALID", "call_back_url"},
		{"missing ori_order_id", "REFUND", obj("refund_amt", "100"), "PARAM_INVALID", "ori_order_id"},
		{"dollars", "ACTIVEPAY", obj("order_id", "V3", "operator_id", "0000000437", "amount", "1.00", "biz_type", "WECHATPAY", "call_back_url", "http://127.0.0.1:9/cb"), "PARAM_ERROR", "amount"},
		{"remote callback", "ACTIVEPAY", obj("order_id", "V4", "operator_id", "0000000437", "amount", "100", "biz_type", "WECHATPAY", "call_back_url", "https://shop.example/cb"), "PARAM_ERROR", "call_back_url"},
		{"duration words", "PREPAY_INIT", prepayInit("V5", "100", "ten", "http://127.0.0.1:9/cb"), "PARAM_ERROR", "duration"},
		{"another merchant in the data", "PREPAY_QUERY", obj("prepay_order_id", "V6", "merchant_id", other), "PARAM_ERROR", "merchant_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, sb, c.action, c.data)
			wantCode(t, r, c.code)
			if !strings.Contains(r.env.RspMsg, c.field) {
				t.Errorf("rsp_msg %q does not name %s", r.env.RspMsg, c.field)
			}
			if r.env.HasData || r.env.HasMD5 {
				t.Errorf("a failure carries data or md5: %s", r.raw)
			}
		})
	}
	// No order was made by any of them.
	if os, _ := sb.Orders(); len(os) != 0 {
		t.Errorf("%d orders after invalid requests", len(os))
	}
}

// S2: an unknown merchant, a wrong key, a body that is not an envelope and
// an unknown action are refused with a FAIL that says why.
func TestRefusals(t *testing.T) {
	sb := start(t, sandbox.Options{NoListener: true})
	data := obj("order_id", "R1")
	for _, c := range []struct {
		name string
		r    reply
		want string
	}{
		{"unknown merchant", callAs(t, sb, "ON99999999", signKey, "STATUS_QUERY", data, nil), "unknown merchant_id"},
		{"wrong key", callAs(t, sb, merchant, otherKey, "STATUS_QUERY", data, nil), "does not open with merchant ON00004652's sign key"},
		{"unknown action", call(t, sb, "TELEPORT", data), "unknown action"},
		{"not an envelope", post(t, sb, signKey, []byte(`{"hello":"world"}`), nil), "not an OTT Pay request envelope"},
		{"a response", post(t, sb, signKey, []byte(`{"rsp_code":"SUCCESS","rsp_msg":"x"}`), nil), "response envelope"},
		{"bad values header", callAs(t, sb, merchant, signKey, "STATUS_QUERY", data, http.Header{sandbox.ValuesHeader: {"cobol"}}), "X-OTTPay-Sandbox-Values"},
	} {
		wantCode(t, c.r, "FAIL")
		if !strings.Contains(c.r.env.RspMsg, c.want) {
			t.Errorf("%s: rsp_msg %q, want it to say %q", c.name, c.r.env.RspMsg, c.want)
		}
		if c.r.env.HasData {
			t.Errorf("%s: a failure carries data", c.name)
		}
		if strings.Contains(string(c.r.raw), signKey) || strings.Contains(string(c.r.raw), otherKey) {
			t.Errorf("%s: the answer shows a sign key", c.name)
		}
	}
}

// Every rsp_code the sandbox sends is an Appendix B code.
func TestCodesAreDocumented(t *testing.T) {
	for _, code := range []string{"SUCCESS", "FAIL", "SYSTEM_ERROR", "PARAM_INVALID", "PARAM_ERROR", "ORDER_PAID", "ORDER_USED", "PWD_INCORRECT", "PROCESSING"} {
		if _, ok := catalog.ResponseCode(code); !ok {
			t.Errorf("%s is not in Appendix B", code)
		}
	}
}
