package sandbox_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// Responses and callbacks made as the Java, PHP and JS senders make them
// still decode and verify, and show each sender's habits: numbers,
// Gson's \u003d, PHP's \/ and the Base64 broken every 60 characters.
func TestSenderQuirks(t *testing.T) {
	for _, c := range []struct {
		rule    codec.Rule
		mapp    []string // in the decrypted text of the MAPPPAY response
		active  string   // in the decrypted text of the ACTIVEPAY response
		wrapped bool
	}{
		{codec.RuleStrings, []string{`"amount":"1000"`, `"payInfo":"{\"appId\":`, `prepay_id=wx`}, `"code_url":"http://127.0.0.1:`, false},
		{codec.RuleJS, []string{`"amount":1000`, `"payInfo":{"appId":`, `prepay_id=wx`}, `"code_url":"http://127.0.0.1:`, false},
		{codec.RulePHP, []string{`"amount":1000`, `"payInfo":{"appId":`}, `"code_url":"http:\/\/127.0.0.1:`, true},
		{codec.RuleJava, []string{`"amount":1000`, `"payInfo":{"appId":`, `prepay_id\u003dwx`}, `"code_url":"http://127.0.0.1:`, false},
	} {
		t.Run(string(c.rule), func(t *testing.T) {
			rc := newReceiver(t, acking)
			sb := start(t, sandbox.Options{Rule: c.rule})
			r := call(t, sb, "MAPPPAY", obj("order_id", "Q"+string(c.rule), "operator_id", "0000000437", "amount", "1000",
				"biz_type", "WECHATPAY", "app_id", "wxd678efh567hg6787", "open_id", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
				"call_back_url", rc.URL()))
			wantCode(t, r, "SUCCESS")
			if r.opened.Rule != c.rule {
				t.Errorf("response verified under rule %q, want %q", r.opened.Rule, c.rule)
			}
			for _, want := range c.mapp {
				if !strings.Contains(string(r.opened.Plaintext), want) {
					t.Errorf("MAPPPAY plaintext %s does not contain %s", r.opened.Plaintext, want)
				}
			}
			a := activePay(t, sb, "A"+string(c.rule), "1000", rc.URL())
			// All strings: every sender hashes it alike, only the text differs.
			if !strings.Contains(string(a.opened.Plaintext), c.active) {
				t.Errorf("ACTIVEPAY plaintext %s does not contain %s", a.opened.Plaintext, c.active)
			}
			if got := strings.Contains(r.env.Data, " "); got != c.wrapped {
				t.Errorf("data wrapped: %v, want %v: %q", got, c.wrapped, r.env.Data)
			}
			if c.wrapped {
				for _, part := range strings.Split(r.env.Data, " ")[:1] {
					if len(part) != 60 {
						t.Errorf("Base64 line of %d characters, want 60", len(part))
					}
				}
			}
			sb.Pay("Q" + string(c.rule))
			eventually(t, 5*time.Second, "the callback", func() bool { return rc.count() == 1 })
			_, cb, err := codec.DecodeBody(rc.all()[0].body, signKey)
			if err != nil || !cb.Verified {
				t.Fatalf("callback under %s: %v", c.rule, err)
			}
			if amount, _ := cb.Object.Get("amount"); (c.rule == codec.RuleStrings) != (amount.Kind == codec.KindString) {
				t.Errorf("callback amount is a %v under %s", amount.Kind, c.rule)
			}
		})
	}
}

// The request header overrides the rule for one request and its order's
// callbacks.
func TestValuesHeader(t *testing.T) {
	sb := start(t, sandbox.Options{NoListener: true})
	r := callAs(t, sb, merchant, signKey, "STATUS_QUERY", obj("order_id", "nothing"), nil)
	wantCode(t, r, "FAIL")
	wantCode(t, activePay(t, sb, "HDR1", "1000", "http://127.0.0.1:9/cb"), "SUCCESS")
	r = callAs(t, sb, merchant, signKey, "EX_RATE_QUERY", obj("fee_type", "CAD"), http.Header{sandbox.ValuesHeader: {"java"}})
	wantCode(t, r, "SUCCESS")
	if r.opened.Rule != codec.RuleJava || !strings.Contains(string(r.opened.Plaintext), `"rate":520000000`) {
		t.Errorf("rule %s, plaintext %s", r.opened.Rule, r.opened.Plaintext)
	}
}
