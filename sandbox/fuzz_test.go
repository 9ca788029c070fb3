package sandbox_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// FuzzGateway posts arbitrary bodies to the gateway: every answer is a 200
// with a response envelope whose rsp_code is in Appendix B, and a success
// decodes with the merchant's key. Never a panic.
func FuzzGateway(f *testing.F) {
	for _, action := range []string{"ACTIVEPAY", "STATUS_QUERY", "REFUND", "PREPAY_INIT", "EX_RATE_QUERY"} {
		e := &codec.Envelope{Kind: codec.Request, Action: action, Version: "1.0", MerchantID: merchant}
		e.Seal(obj("order_id", "F1", "operator_id", "0000000437", "amount", "1000", "biz_type", "WECHATPAY",
			"call_back_url", "http://127.0.0.1:9/cb", "fee_type", "CAD", "ori_order_id", "F1", "refund_amt", "1"), signKey, codec.RuleStrings)
		b, _ := e.MarshalJSON()
		f.Add(b)
	}
	f.Add([]byte(`{"action":"ACTIVEPAY","merchant_id":"ON00004652","data":"AAAA","md5":"00000000000000000000000000000000"}`))
	f.Add([]byte(`[]`))
	sb, err := sandbox.New(sandbox.Options{NoListener: true, Merchants: merchants()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { sb.Close() })
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		sb.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/processV2", bytes.NewReader(body)))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		env, err := codec.ParseEnvelope(rec.Body.Bytes())
		if err != nil || env.Kind != codec.Response {
			t.Fatalf("answer is not a response envelope: %v %s", err, rec.Body.Bytes())
		}
		if _, ok := catalog.ResponseCode(env.RspCode); !ok {
			t.Fatalf("rsp_code %q is not in Appendix B", env.RspCode)
		}
		if env.HasData {
			if _, o, err := codec.DecodeBody(rec.Body.Bytes(), signKey); err != nil || !o.Verified {
				t.Fatalf("a response with data does not decode: %v", err)
			}
		}
	})
}
