package catalog

import (
	"regexp"
	"strings"
	"testing"
)

// Every action renders with its version, endpoint, source and every field
// with its Y/N column.
func TestActionText(t *testing.T) {
	for _, a := range append(Actions(), CallbackAction()) {
		text := a.Text()
		for _, want := range []string{a.Name, a.Version, a.Endpoint, a.Source, a.Variant} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: Text() lacks %q", a.ID(), want)
			}
		}
		for _, list := range [][]Field{a.EnvelopeExtra, a.Request, a.Response, a.Callback} {
			for _, f := range list {
				req := f.Required
				if req == "" {
					req = "-"
				}
				line := regexp.MustCompile(`(?m)^ +` + regexp.QuoteMeta(f.Name) + ` +` + regexp.QuoteMeta(req) + `( |$)`)
				if !line.MatchString(text) {
					t.Errorf("%s: Text() has no line for %s with %s:\n%s", a.ID(), f.Name, req, text)
				}
			}
		}
		if strings.Contains(text, "\n\n\n") || !strings.HasSuffix(text, "\n") || strings.HasSuffix(text, "\n\n") {
			t.Errorf("%s: Text() is badly spaced:\n%q", a.ID(), text)
		}
	}
}

func TestActionTextDetails(t *testing.T) {
	h5 := one(t, "H5PAY").Text()
	for _, want := range []string{
		"H5PAY (wechat-mobile-browser), version 2.0\n",
		"Endpoint: POST https://frontapi.ottpay.com:443/processV2\n",
		"  operator_id    Y  operator ID issued by OTT Pay; 10 digits\n",
		"also spelled orderId",
		`"operator_id":"0000000437"`, // the documented example
		"Callback data",
	} {
		if !strings.Contains(h5, want) {
			t.Errorf("H5PAY text lacks %q:\n%s", want, h5)
		}
	}
	if strings.Contains(one(t, "STATUS_QUERY").Text(), "Callback data") {
		t.Error("STATUS_QUERY has no documented callback, but its text shows callback data")
	}
	if !strings.Contains(one(t, "REFUND").Text(), "Response data: not in the stored docs") {
		t.Error("REFUND text does not say its response table is missing")
	}
	mp := one(t, "MAPPPAY").Text()
	if !strings.Contains(mp, "members of payInfo:") || !strings.Contains(mp, "signType") {
		t.Errorf("MAPPPAY text lacks the payInfo members:\n%s", mp)
	}
	cb := CallbackAction().Text()
	for _, want := range []string{"rsp_code", "ORDER_USED", "call_back_url", "finish_time"} {
		if !strings.Contains(cb, want) {
			t.Errorf("CALLBACK text lacks %q", want)
		}
	}
}

func TestCodeText(t *testing.T) {
	c, _ := ResponseCode("PROCESSING")
	text := c.Text()
	for _, want := range []string{"PROCESSING: transaction processing\n", CodesSource(), "PREPAY_QUERY", "UnionPay"} {
		if !strings.Contains(text, want) {
			t.Errorf("PROCESSING text lacks %q:\n%s", want, text)
		}
	}
}

func TestExplain(t *testing.T) {
	cases := []struct {
		term     string
		ok       bool
		contains []string
	}{
		{"activepay", true, []string{"ACTIVEPAY (retail)", "ACTIVEPAY (pc-wechat)", "terminal_no"}},
		{"cc_preauth/global-payments-portico", true, []string{"CC_PREAUTH (global-payments-portico)", "cc_sha"}},
		{"order_used", true, []string{"ORDER_USED: order number duplicated"}},
		{"ORDERCLOSE", true, []string{"failed / closed", "PREPAY_QUERY"}},
		{"captured", true, []string{"card captured"}},
		{"txnAmt", true, []string{"CC_PURCHASE/unionpay-securepay-pc request: txnAmt  Y  cents"}},
		{"callback", true, []string{"CALLBACK", "finish_time"}},
		{"NOT_A_THING", false, []string{`"NOT_A_THING" is not`, "DB_ERROR", "H5PAY"}},
		{"", false, []string{"H5PAY"}},
	}
	for _, c := range cases {
		text, ok := Explain(c.term)
		if ok != c.ok {
			t.Errorf("Explain(%q) ok = %v, want %v", c.term, ok, c.ok)
		}
		for _, want := range c.contains {
			if !strings.Contains(text, want) {
				t.Errorf("Explain(%q) lacks %q:\n%s", c.term, want, text)
			}
		}
	}
}
