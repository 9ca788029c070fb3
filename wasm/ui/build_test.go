package ui

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

var shop = vault.Profile{ID: "p1", Label: "Shop A", MerchantID: testMerchant, OperatorID: "0000020156", SignKey: "6698851A525C9433"}

func activepay() Form {
	return Form{
		ActionID: DefaultActionID,
		Values: map[string]string{
			"operator_id":   "0000020156",
			"amount":        "100",
			"biz_type":      "WECHATPAY",
			"call_back_url": "https://merchant.example/ottpay/callback",
			"order_id":      "E2E0001",
		},
		Plain: map[string]string{"terminal_no": "T1"},
	}
}

func TestBuildRequestRoundTrips(t *testing.T) {
	m := Build(activepay(), &shop)
	if !m.OK() {
		t.Fatalf("no envelope; problems: %+v", m.Problems)
	}
	var env map[string]string
	if err := json.Unmarshal([]byte(m.Envelope), &env); err != nil {
		t.Fatalf("envelope %s: %v", m.Envelope, err)
	}
	a, _ := FindAction(DefaultActionID)
	if env["action"] != "ACTIVEPAY" || env["version"] != a.Version || env["merchant_id"] != testMerchant || env["terminal_no"] != "T1" {
		t.Errorf("envelope %s lacks the action, documented version, merchant or plain member", m.Envelope)
	}
	if strings.Contains(m.Envelope, shop.SignKey) || strings.Contains(m.Curl, shop.SignKey) {
		t.Error("the output carries the sign key")
	}

	r := oneReport(t, report.DecodeAll([]byte(m.Envelope), report.SingleKey(shop.SignKey)))
	if !r.Verified || r.Rule != "strings" {
		t.Fatalf("the built request does not verify: %s", r.AppendJSON(nil))
	}
	for name, want := range activepay().Values {
		if got, _ := r.Field(name); got != want {
			t.Errorf("decoded %s = %q, want %q", name, got, want)
		}
	}

	if m.Endpoint != a.Endpoint || !strings.HasPrefix(m.Curl, "curl ") || !strings.Contains(m.Curl, a.Endpoint) {
		t.Errorf("curl %q does not post to the documented endpoint %s", m.Curl, a.Endpoint)
	}
	// The decode link carries the envelope in the fragment, never the key.
	link := DecodeLink(m.Envelope)
	frag := link[strings.Index(link, "#")+1:]
	if got, ok := TextFromFragment(frag); !ok || got != m.Envelope {
		t.Errorf("decode link %q does not carry the envelope", link)
	}
}

func TestCurlCommandRunsInAShell(t *testing.T) {
	body := `{"a":"it's \"quoted\" $HOME \\ ` + "`x`" + `"}`
	cmd := CurlCommand("https://x.example/p?a=1&b='2'", body)
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal("no sh to check the quoting:", err)
	}
	// Replace curl by printf to see the arguments the shell passes.
	script := "curl() { for a; do printf '%s\\n' \"$a\"; done; }; " + cmd
	out, err := exec.Command(sh, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	want := []string{"-sS", "-X", "POST", "https://x.example/p?a=1&b='2'", "-H", "Content-Type: application/json", "--data-raw", body}
	if strings.Join(args, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("the shell passes\n%q\nwant\n%q", args, want)
	}
}

func TestBuildFlagsProblemsInline(t *testing.T) {
	f := activepay()
	delete(f.Values, "amount")
	f.Values["biz_type"] = "BITCOIN"
	m := Build(f, &shop)
	if m.OK() {
		t.Fatalf("an envelope was built without the required amount: %s", m.Envelope)
	}
	rows := map[string]Row{}
	for _, r := range m.Rows {
		rows[r.Field.Name] = r
	}
	if !hasSeverity(rows["amount"].Problems, catalog.Error) {
		t.Errorf("amount problems %+v, want an error for the missing required field", rows["amount"].Problems)
	}
	if len(rows["biz_type"].Problems) == 0 {
		t.Errorf("biz_type BITCOIN raises no problem")
	}
	if !rows["amount"].Field.IsRequired() {
		t.Error("amount is not marked required")
	}

	f = activepay()
	f.Values["amount"] = "1.00"
	m = Build(f, &shop)
	if m.OK() {
		t.Error("an amount of 1.00 (not whole cents) was accepted")
	}
}

func TestBuildNeedsAProfileAndAKnownAction(t *testing.T) {
	m := Build(activepay(), nil)
	if m.OK() || !hasSeverity(m.Problems, catalog.Error) {
		t.Errorf("built without a profile: %+v", m)
	}
	m = Build(Form{ActionID: "NO_SUCH_ACTION"}, &shop)
	if m.OK() || len(m.Problems) != 1 || !strings.Contains(m.Problems[0].Message, "NO_SUCH_ACTION") {
		t.Errorf("unknown action: %+v", m.Problems)
	}
}

func TestBuildCallbackAndResponse(t *testing.T) {
	f := Form{ActionID: ReplyID, Callback: true, RspCode: "SUCCESS", RspMsg: "success",
		Values: map[string]string{}}
	for _, fd := range catalog.CallbackAction().Callback {
		if fd.Name == "order_id" || fd.Name == "amount" {
			f.Values[fd.Name] = map[string]string{"order_id": "E2E0001", "amount": "100"}[fd.Name]
		}
	}
	m := Build(f, &shop)
	if !m.OK() {
		t.Fatalf("no callback: %+v", m.Problems)
	}
	r := oneReport(t, report.DecodeAll([]byte(m.Envelope), report.SingleKey(shop.SignKey)))
	if r.Kind != "callback" || r.MerchantID != testMerchant || r.RspCode != "SUCCESS" || !r.Verified {
		t.Errorf("callback decodes as %s", r.AppendJSON(nil))
	}
	if m.Endpoint != DefaultCallbackURL || !strings.Contains(m.Curl, DefaultCallbackURL) {
		t.Errorf("callback curl %q does not post to the default handler", m.Curl)
	}
	f.CallbackURL = "http://127.0.0.1:9999/cb"
	if m := Build(f, &shop); !strings.Contains(m.Curl, f.CallbackURL) {
		t.Errorf("callback curl %q ignores the handler URL", m.Curl)
	}

	f.Callback = false
	m = Build(f, &shop)
	r = oneReport(t, report.DecodeAll([]byte(m.Envelope), report.SingleKey(shop.SignKey)))
	if r.Kind != "response" || r.MerchantID != "" || m.Curl != "" {
		t.Errorf("response: kind %s merchant %q curl %q", r.Kind, r.MerchantID, m.Curl)
	}

	f.RspCode = ""
	if m := Build(f, &shop); m.OK() {
		t.Error("a reply without rsp_code was built")
	}
	f.RspCode = "NOT_A_CODE"
	if m := Build(f, &shop); !m.OK() || !hasSeverity(m.Problems, catalog.Warning) {
		t.Errorf("an unknown rsp_code should build with a warning: %+v", m.Problems)
	}
}

func TestEveryCatalogueActionHasAForm(t *testing.T) {
	for _, a := range catalog.Actions() {
		m := Build(Form{ActionID: a.ID()}, &shop)
		if m.Action.ID() != a.ID() {
			t.Errorf("%s builds the form of %s", a.ID(), m.Action.ID())
		}
		if len(m.Rows) != len(a.Request) {
			t.Errorf("%s: %d inputs for %d documented request fields", a.ID(), len(m.Rows), len(a.Request))
		}
		if ActionLabel(a) == "" {
			t.Errorf("%s has no label", a.ID())
		}
	}
}

func oneReport(t *testing.T, rs []report.Report) report.Report {
	t.Helper()
	if len(rs) != 1 {
		t.Fatalf("%d reports, want 1", len(rs))
	}
	return rs[0]
}
