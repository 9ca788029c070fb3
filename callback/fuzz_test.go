package callback_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/codec"
)

// FuzzParse feeds Parse any body, seeded with the published callback, its
// tampered variants and callbacks of every sender rule. Parse never panics;
// what it accepts verifies under the key of the merchant the data names;
// what it refuses comes with a complete *codec.Error, a 4xx status and no
// key in its text.
func FuzzParse(f *testing.F) {
	v := loadVector(f)
	f.Add([]byte(v.Body))
	for _, tc := range tamperCases(f, v) {
		f.Add(tc.body)
	}
	f.Add(seal(f, `{"merchant_id":"ON00000002","order_id":"B","amount":2.0,"rate":1.5}`, thirdKey, codec.RuleJava))
	f.Add(seal(f, `{"merchant_id":"ON00000001","order_id":"A","amount":"1","tip":"","paid":true}`, otherKey, codec.RulePHP))
	f.Add([]byte(`{"rsp_code":"SUCCESS","merchant_id":"ON00004652","data":"AAAAAAAAAAAAAAAAAAAAAA==","md5":"5a917182659de14dcb3022ca6518f34f"}`))
	signKeys := map[string]string{merchant: v.SignKey, otherMerchant: otherKey, thirdMerchant: thirdKey}
	keys := callback.KeyMap(signKeys)
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := callback.Parse(body, keys)
		if err == nil {
			if n == nil || n.Envelope == nil || n.Data == nil || n.Rule == "" {
				t.Fatalf("success without a whole notification: %+v", n)
			}
			if n.MerchantID != n.Envelope.MerchantID || signKeys[n.MerchantID] == "" {
				t.Fatalf("accepted data of %q in an envelope of %q", n.MerchantID, n.Envelope.MerchantID)
			}
			if vr := codec.Verify(n.Data, n.Envelope.MD5); !vr.Verified || vr.Rule != n.Rule {
				t.Fatalf("accepted data that does not verify under %q", n.Rule)
			}
			return
		}
		if n != nil {
			t.Fatalf("a notification came with error %v", err)
		}
		var ce *codec.Error
		if !errors.As(err, &ce) || ce.What == "" || ce.Err == nil || ce.Layer == "" {
			t.Fatalf("error %v is not a complete *codec.Error", err)
		}
		if s := callback.HTTPStatus(err); s != 400 && s != 401 && s != 413 {
			t.Fatalf("HTTPStatus %d for %v", s, err)
		}
		for _, k := range signKeys {
			if strings.Contains(err.Error(), k) && !strings.Contains(string(body), k) {
				t.Fatalf("error %q contains a sign key", err)
			}
		}
	})
}
