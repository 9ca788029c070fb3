package sandbox_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/sandbox"
)

var formAction = regexp.MustCompile(`<form method="post" action="([^"]+)"><button id="(pay|decline)"`)

// getPage fetches a pay page and returns its HTML and the form actions by
// button id.
func getPage(t *testing.T, c *http.Client, pageURL string) (string, map[string]string) {
	t.Helper()
	resp, err := c.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", pageURL, resp.StatusCode, b)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	page := string(b)
	if strings.Contains(strings.ToLower(page), "<script") || strings.Contains(page, " on") && regexp.MustCompile(` on[a-z]+=`).MatchString(page) {
		t.Errorf("the page carries script:\n%s", page)
	}
	forms := map[string]string{}
	for _, m := range formAction.FindAllStringSubmatch(page, -1) {
		forms[m[2]] = html.UnescapeString(m[1])
	}
	return page, forms
}

// The pay page at the returned code_url shows the order and pays it with
// a plain form POST; every order value is escaped.
func TestPayPage(t *testing.T) {
	rc := newReceiver(t, acking)
	sb := start(t, sandbox.Options{})
	id := `<script>alert("x")</script>&'`
	r := activePay(t, sb, id, "1234", rc.URL())
	wantCode(t, r, "SUCCESS")
	c := &http.Client{Timeout: 10 * time.Second}
	page, forms := getPage(t, c, r.get("code_url"))
	if strings.Contains(page, id) || !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;") {
		t.Fatalf("the order id is not escaped:\n%s", page)
	}
	if !strings.Contains(page, "12.34") || !strings.Contains(page, `id="state">processing<`) {
		t.Errorf("page does not show amount and state:\n%s", page)
	}
	wantPay := "/_sandbox/orders/" + url.PathEscape(id) + "/pay"
	if forms["pay"] != wantPay || forms["decline"] == "" {
		t.Fatalf("forms %v, want pay to POST to %s", forms, wantPay)
	}

	// Another site's page cannot press the button.
	req, _ := http.NewRequest(http.MethodPost, sb.URL()+forms["pay"], strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin POST: %d, want 403", resp.StatusCode)
	}

	// The page's own form: POST, redirect back, paid.
	req, _ = http.NewRequest(http.MethodPost, sb.URL()+forms["pay"], strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", sb.URL())
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.Method != http.MethodGet || !strings.Contains(string(b), `id="state">paid<`) {
		t.Fatalf("after the form: %d %s\n%s", resp.StatusCode, resp.Request.URL, b)
	}
	if strings.Contains(string(b), `id="pay"`) {
		t.Error("a paid order still offers the Pay button")
	}
	eventually(t, 5*time.Second, "the payment calls back", func() bool { return rc.count() == 1 })
}

// The Decline button closes the order; an unknown order is a 404.
func TestPayPageDecline(t *testing.T) {
	sb := start(t, sandbox.Options{})
	r := activePay(t, sb, "PAGEDEC1", "1000", "http://127.0.0.1:9/cb")
	c := &http.Client{Timeout: 10 * time.Second}
	_, forms := getPage(t, c, r.get("code_url"))
	resp, err := c.PostForm(sb.URL()+forms["decline"], nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if o, _ := sb.Order("PAGEDEC1"); o.State != sandbox.StateClosed || o.CloseReason != "declined" {
		t.Fatalf("after Decline: %+v", o)
	}
	resp, err = c.Get(sb.URL() + "/_sandbox/pay/NOPE")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown order page: %d", resp.StatusCode)
	}
}

// After a hosted checkout (PREPAY_INIT) is paid, the page's return link
// carries the documented return parameters.
func TestPayPageCheckoutReturn(t *testing.T) {
	sb := start(t, sandbox.Options{})
	r := call(t, sb, "PREPAY_INIT", prepayInit("CHK1", "1500", "600", "http://127.0.0.1:9/cb"))
	wantCode(t, r, "SUCCESS")
	c := &http.Client{Timeout: 10 * time.Second}
	page, _ := getPage(t, c, r.get("payinfo"))
	if !strings.Contains(page, `href="http://127.0.0.1:9/return"`) {
		t.Fatalf("unpaid checkout: no plain return link:\n%s", page)
	}
	o, err := sb.Pay("CHK1")
	if err != nil {
		t.Fatal(err)
	}
	page, _ = getPage(t, c, r.get("payinfo"))
	m := regexp.MustCompile(`<a id="return" href="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no return link:\n%s", page)
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Host != "127.0.0.1:9" || q.Get("total_fee") != "1500" || q.Get("out_trade_no") != "CHK1" ||
		q.Get("trade_no") != o.BizpayOrderID || q.Get("trade_status") != "Trade_Finished" {
		t.Errorf("return link %s", u)
	}
}
