package pay

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// FuzzResponse feeds arbitrary bodies to the response check of a payment:
// it never panics, and nothing but a verified SUCCESS or PROCESSING for
// the request's order comes back without an error.
func FuzzResponse(f *testing.F) {
	const key = "A8B5FE540E38A5A9"
	const orderID = "12345678901234567890"
	c, err := NewClient("ON00004652", key)
	if err != nil {
		f.Fatal(err)
	}
	info := c.actions["ACTIVEPAY/retail"]
	var data codec.Object
	data.SetString("order_id", orderID)
	data.SetString("amount", "100")
	req := &codec.Envelope{Kind: codec.Request, Action: "ACTIVEPAY", Version: "1.0", MerchantID: "ON00004652"}
	if err := req.Seal(&data, key, codec.RuleStrings); err != nil {
		f.Fatal(err)
	}
	seal := func(code string, o *codec.Object) []byte {
		e := &codec.Envelope{Kind: codec.Response, RspCode: code, RspMsg: "m"}
		if o != nil {
			if err := e.Seal(o, key, codec.RuleStrings); err != nil {
				f.Fatal(err)
			}
		}
		b, _ := e.MarshalJSON()
		return b
	}
	var ok codec.Object
	ok.SetString("code_url", "weixin://x")
	ok.SetString("order_id", orderID)
	f.Add(seal("SUCCESS", &ok))
	f.Add(seal("PROCESSING", &ok))
	f.Add(seal("ORDER_USED", nil))
	f.Add(seal("SUCCESS", nil))
	reqBody, _ := req.MarshalJSON()
	f.Add(reqBody)
	f.Add([]byte(`{"rsp_code":"FAIL","rsp_msg":"x","data":"AAAA","md5":"00000000000000000000000000000000"}`))
	f.Add([]byte("not json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := c.finish(info, req, &data, orderID, 200, http.Header{}, body)
		if err != nil {
			if res != nil {
				t.Fatal("a result came with an error")
			}
			if strings.Contains(err.Error(), key) {
				t.Fatalf("the key shows in %q", err)
			}
			return
		}
		if res == nil || res.Opened == nil || !res.Opened.Verified || !okCode(res.Code) {
			t.Fatalf("unverified or failed answer without error: %+v", res)
		}
		if v, ok := res.Data().Get("order_id"); ok && v.Text != orderID {
			t.Fatalf("another order's answer accepted: %q", v.Text)
		}
	})
}
