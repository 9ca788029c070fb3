package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/pay"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

const (
	callMerchant = "ON00004652"
	callKey      = "A8B5FE540E38A5A9"
)

// startCallSandbox starts a sandbox on 127.0.0.1:0 that knows callMerchant.
func startCallSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Merchants: map[string]string{callMerchant: callKey}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// callResult is what one run of the command printed.
type callResult struct {
	status         int
	stdout, stderr string
}

// runCall runs "ottpay call ARGS" in-process with stdin, the sign key in
// OTTPAY_SIGN_KEY as a user would set it.
func runCall(t *testing.T, stdin string, args ...string) callResult {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == keyEnv {
			return callKey
		}
		return ""
	}
	st := run(append([]string{"call"}, args...), strings.NewReader(stdin), &out, &errb, getenv)
	return callResult{st, out.String(), errb.String()}
}

func readCallVector(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "call", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// reportOf parses the single report line of stdout.
func reportOf(t *testing.T, r callResult) map[string]any {
	t.Helper()
	if strings.Count(r.stdout, "\n") != 1 || !strings.HasSuffix(r.stdout, "\n") {
		t.Fatalf("stdout is not one report line: %q (stderr %q)", r.stdout, r.stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("stdout is not JSON: %v: %q", err, r.stdout)
	}
	return m
}

// recordingProxy serves the sandbox's handler on its own loopback server
// and keeps the last response body of the gateway endpoint, byte for
// byte, so a test can decode it independently of ottpay call.
type recordingProxy struct {
	*httptest.Server
	mu   sync.Mutex
	last []byte
}

func newRecordingProxy(t *testing.T, h http.Handler, change func([]byte) []byte) *recordingProxy {
	p := &recordingProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if change != nil {
			body = change(body)
		}
		p.mu.Lock()
		p.last = bytes.Clone(body)
		p.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(p.Close)
	return p
}

// A SUCCESS call: exit 0, stdout is exactly the report `ottpay decode
// --strict` prints for the body that came back, stderr names the URL and
// the sandbox header, and the sandbox holds the order.
func TestCallSuccess(t *testing.T) {
	sb := startCallSandbox(t)
	proxy := newRecordingProxy(t, sb.Handler(), nil)
	endpoint := proxy.URL + "/processV2"

	r := runCall(t, readCallVector(t, "activepay.json"), "ACTIVEPAY", "--merchant", callMerchant, "--url", endpoint)
	if r.status != exitOK {
		t.Fatalf("exit %d, stderr %q", r.status, r.stderr)
	}
	rep := reportOf(t, r)
	data, _ := rep["data"].(map[string]any)
	if rep["kind"] != "response" || rep["rsp_code"] != "SUCCESS" || rep["verified"] != true || rep["rule"] != "strings" ||
		data["order_id"] != "CALLTEST0001" || !strings.HasPrefix(data["code_url"].(string), sb.URL()+"/_sandbox/pay/") {
		t.Errorf("report %s", r.stdout)
	}

	proxy.mu.Lock()
	body := proxy.last
	proxy.mu.Unlock()
	var dec, decErr bytes.Buffer
	if st := run([]string{"decode", "--strict"}, bytes.NewReader(body), &dec, &decErr, func(k string) string {
		if k == keyEnv {
			return callKey
		}
		return ""
	}); st != exitOK {
		t.Fatalf("decode --strict of the recorded body: exit %d %q", st, decErr.String())
	}
	if dec.String() != r.stdout {
		t.Errorf("ottpay call printed\n%s\nottpay decode --strict of the same body prints\n%s", r.stdout, dec.String())
	}

	wantURL := "ottpay: called " + endpoint + ": HTTP 200 from a sandbox (" + sandbox.Header + `: "` + sandbox.Version + `"): no money moved`
	if !strings.Contains(r.stderr, wantURL+"\n") || !strings.Contains(r.stderr, "ottpay: ACTIVEPAY order CALLTEST0001: SUCCESS\n") {
		t.Errorf("stderr %q, want the line %q and the order", r.stderr, wantURL)
	}
	o, err := sb.Order("CALLTEST0001")
	if err != nil || o.State != sandbox.StateProcessing || o.Amount != 1000 {
		t.Errorf("sandbox order: %+v, %v", o, err)
	}

	// The same order again is ORDER_USED: the gateway's refusal, exit 5.
	again := runCall(t, readCallVector(t, "activepay.json"), "ACTIVEPAY", "--merchant", callMerchant, "--url", endpoint)
	if again.status != exitRefused || reportOf(t, again)["rsp_code"] != "ORDER_USED" {
		t.Errorf("second call: exit %d, stdout %q, stderr %q", again.status, again.stdout, again.stderr)
	}
}

// A required field missing: the data is sent as given (with a warning),
// the sandbox answers PARAM_INVALID naming the field, exit 5, no order.
func TestCallParamInvalid(t *testing.T) {
	sb := startCallSandbox(t)
	r := runCall(t, readCallVector(t, "activepay-no-amount.json"), "ACTIVEPAY", "--variant", "retail",
		"--merchant", callMerchant, "--url", sb.Endpoint())
	if r.status != exitRefused {
		t.Fatalf("exit %d, want %d; stderr %q", r.status, exitRefused, r.stderr)
	}
	rep := reportOf(t, r)
	if rep["rsp_code"] != "PARAM_INVALID" || !strings.Contains(rep["rsp_msg"].(string), `"amount"`) || rep["data"] != nil {
		t.Errorf("report %s", r.stdout)
	}
	for _, want := range []string{
		`ottpay: warning: catalogue error: "amount" is required`,
		"ottpay: called " + sb.Endpoint() + ": HTTP 200 from a sandbox",
		`ottpay: ACTIVEPAY order CALLTEST0002: the gateway answered PARAM_INVALID "\"amount\" is required`,
		"(invalid parameter; a failure response without data: nothing protects its rsp_code)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if orders, err := sb.Orders(); err != nil || len(orders) != 0 {
		t.Errorf("sandbox orders after PARAM_INVALID: %v, %v", orders, err)
	}
}

// A merchant the gateway does not know: FAIL without data, exit 5.
func TestCallUnknownMerchant(t *testing.T) {
	sb := startCallSandbox(t)
	r := runCall(t, `{"order_id":"CALLTEST0003"}`, "STATUS_QUERY", "--merchant", "ON00000000", "--url", sb.Endpoint())
	if r.status != exitRefused {
		t.Fatalf("exit %d, want %d; stderr %q", r.status, exitRefused, r.stderr)
	}
	rep := reportOf(t, r)
	if rep["rsp_code"] != "FAIL" || !strings.Contains(rep["rsp_msg"].(string), "unknown merchant_id") {
		t.Errorf("report %s", r.stdout)
	}
	if !strings.Contains(r.stderr, `STATUS_QUERY order CALLTEST0003: the gateway answered FAIL "unknown merchant_id`) {
		t.Errorf("stderr %q", r.stderr)
	}
}

// Without --url the call goes to OTT Pay's production endpoint, so an
// action that moves money is refused before anything is sent, and --live
// is named as the way to pay for real.
func TestCallRefusesProduction(t *testing.T) {
	for _, args := range [][]string{
		{"ACTIVEPAY", "--merchant", callMerchant},
		{"REFUND", "--merchant", callMerchant},
		{"ACTIVEPAY", "--merchant", callMerchant, "--url", "https://FRONTAPI.ottpay.com./process"},
		{"NOT_IN_CATALOGUE", "--version", "1.0", "--merchant", callMerchant, "--url", "http://uatapi.ottpay.com:8081/process"},
	} {
		r := runCall(t, readCallVector(t, "activepay.json"), args...)
		if r.status != exitUsage || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q", args, r.status, r.stdout)
		}
		if !regexp.MustCompile(`^(ottpay: warning: [^\n]*\n)*ottpay: refusing to send [A-Z_]+ to [^ ]+: that is OTT Pay's production gateway, [A-Z_]+ moves money, and every call there is a real payment \(give --url the endpoint of a sandbox, e\.g\. the one 'ottpay sandbox' prints, or add --live to make a real payment\)\n$`).MatchString(r.stderr) {
			t.Errorf("%v: stderr %q", args, r.stderr)
		}
	}
}

// Which actions move money, and which hosts are OTT Pay's: the two facts
// the production refusal rests on.
func TestCallMovesMoney(t *testing.T) {
	for name, want := range map[string]bool{
		"ACTIVEPAY": true, "PASSIVEPAY": true, "REFUND": true, "PREPAY_INIT": true, "CC_PURCHASE": true, "H5PAY": true,
		"STATUS_QUERY": false, "PREPAY_QUERY": false, "CC_QUERYPAY": false, "EX_RATE_QUERY": false,
	} {
		a, err := resolveAction(name, "", "")
		if err != nil || a.moves != want {
			t.Errorf("%s: moves %v (%v), want %v", name, a.moves, err, want)
		}
	}
	if a, err := resolveAction("SOMETHING_NEW", "", "2.0"); err != nil || !a.moves || a.version != "2.0" {
		t.Errorf("an unknown action is treated as moving money: %+v %v", a, err)
	}
	for raw, want := range map[string]bool{
		pay.ProductionURL: true, "https://frontapi.ottpay.com/processV2": true, "https://FrontAPI.OTTPay.com./x": true,
		"http://uatapi.ottpay.com:8081/process": true, "http://127.0.0.1:9090/processV2": false,
		"https://ottpay.com.example.org/processV2": false, "https://notottpay.com/processV2": false,
	} {
		u, _ := url.Parse(raw)
		if isOTTPayHost(u) != want {
			t.Errorf("isOTTPayHost(%s) = %v", raw, !want)
		}
	}
}

// Magic amount 94: the sandbox holds the answer, the call times out, the
// outcome is unknown (exit 4), stderr names the order id the client
// generated and says to query it; the query then finds the order.
func TestCallOutcomeUnknown(t *testing.T) {
	sb := startCallSandbox(t)
	r := runCall(t, readCallVector(t, "activepay-held.json"), "ACTIVEPAY", "--merchant", callMerchant,
		"--url", sb.Endpoint(), "--timeout", "300ms")
	if r.status != exitOutcomeUnknown {
		t.Fatalf("exit %d, want %d; stderr %q", r.status, exitOutcomeUnknown, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("no answer came, yet stdout is %q", r.stdout)
	}
	m := regexp.MustCompile(`ottpay: ACTIVEPAY order ([0-9]{20}): the outcome is unknown \(send: [^\n]*deadline exceeded\) \(the payment may or may not have been made: query order ([0-9]{20}) before retrying, e\.g\. echo '\{"order_id":"[0-9]{20}"\}' \| ottpay call STATUS_QUERY --merchant ` + callMerchant + ` --url '` + regexp.QuoteMeta(sb.Endpoint()) + `'\)\n$`).FindStringSubmatch(r.stderr)
	if m == nil || m[1] != m[2] {
		t.Fatalf("stderr %q", r.stderr)
	}
	if !strings.Contains(r.stderr, "ottpay: called "+sb.Endpoint()+": no answer\n") {
		t.Errorf("stderr does not say the call got no answer: %q", r.stderr)
	}
	orders, err := sb.Orders()
	if err != nil || len(orders) != 1 || orders[0].ID != m[1] {
		t.Fatalf("the payment was sent once, creating order %s: %+v %v", m[1], orders, err)
	}

	q := runCall(t, `{"order_id":"`+m[1]+`"}`, "STATUS_QUERY", "--merchant", callMerchant, "--url", sb.Endpoint())
	if q.status != exitOK {
		t.Fatalf("the query stderr suggests: exit %d, %q", q.status, q.stderr)
	}
	data, _ := reportOf(t, q)["data"].(map[string]any)
	if data["order_status"] != "PROCESSING" || data["order_id"] != m[1] {
		t.Errorf("query report %s", q.stdout)
	}
}

// An answer whose data decrypts but whose md5 does not verify (a value
// changed on the way): a query exits 3 with the report showing the data,
// a payment exits 4, since its outcome is then unknown.
func TestCallTamperedAnswer(t *testing.T) {
	sb := startCallSandbox(t)
	tamper := func(body []byte) []byte {
		e, opened, err := codec.DecodeBody(body, callKey)
		if err != nil || !e.HasData {
			return body
		}
		o := opened.Object
		for i, m := range o.Members {
			if m.Key == "order_status" || m.Key == "code_url" {
				o.Members[i].Value.Text = "https://attacker.example/" + m.Value.Text
			}
		}
		plain, _ := o.MarshalJSON()
		data, err := codec.EncryptData(codec.AESKey(e.MD5, callKey), plain)
		if err != nil {
			t.Errorf("re-encrypting: %v", err)
			return body
		}
		e.Data = data
		out, _ := e.MarshalJSON()
		return out
	}
	proxy := newRecordingProxy(t, sb.Handler(), tamper)
	endpoint := proxy.URL + "/processV2"

	pay := runCall(t, readCallVector(t, "activepay.json"), "ACTIVEPAY", "--merchant", callMerchant, "--url", endpoint)
	if pay.status != exitOutcomeUnknown || !strings.Contains(pay.stderr, "query order CALLTEST0001 before retrying") {
		t.Errorf("tampered payment answer: exit %d, stderr %q", pay.status, pay.stderr)
	}
	q := runCall(t, `{"order_id":"CALLTEST0001"}`, "STATUS_QUERY", "--merchant", callMerchant, "--url", endpoint)
	if q.status != exitUnverified {
		t.Fatalf("tampered query answer: exit %d, want %d; stderr %q", q.status, exitUnverified, q.stderr)
	}
	rep := reportOf(t, q)
	data, _ := rep["data"].(map[string]any)
	if rep["verified"] != false || !strings.HasPrefix(data["order_status"].(string), "https://attacker.example/") || rep["error"] == nil {
		t.Errorf("report %s", q.stdout)
	}
}

// Text the answer's sender controls reaches stderr escaped: no escape
// sequence, bell or bidirectional override gets to the terminal.
func TestCallEscapesSenderText(t *testing.T) {
	hostile := readCallVector(t, "hostile-failure.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set(sandbox.Header, "1")
		io.WriteString(w, hostile)
	}))
	t.Cleanup(srv.Close)
	r := runCall(t, `{"order_id":"CALLTEST0004"}`, "STATUS_QUERY", "--merchant", callMerchant, "--url", srv.URL)
	if r.status != exitRefused {
		t.Fatalf("exit %d, stderr %q", r.status, r.stderr)
	}
	if strings.ContainsAny(r.stderr, "\x1b\x07\u202e") {
		t.Errorf("raw control characters on stderr: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, `answered FAIL "\x1b[2J\x1b]0;owned\a \u202egnp.exe"`) {
		t.Errorf("stderr does not show the message escaped: %q", r.stderr)
	}
}

// Usage problems exit 2 before anything is sent and say what to do.
func TestCallUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--merchant", callMerchant}, "needs an action"},
		{[]string{"STATUS_QUERY"}, "needs --merchant ID"},
		{[]string{"STATUS_QUERY", "EXTRA", "--merchant", callMerchant}, `takes one action, got also "EXTRA"`},
		{[]string{"NOT_AN_ACTION", "--merchant", callMerchant}, `action "NOT_AN_ACTION" is not in the catalogue (check the spelling with 'ottpay explain --list', or give --version to send it anyway)`},
		{[]string{"ACTIVEPAY", "--variant", "nope", "--merchant", callMerchant}, `ACTIVEPAY has no variant "nope" (its variants are retail, pc-wechat)`},
		{[]string{"CALLBACK", "--merchant", callMerchant}, "not an action to call"},
		{[]string{"STATUS_QUERY", "--merchant", callMerchant, "--url", "127.0.0.1:9090"}, "is not an absolute http:// or https:// URL"},
		{[]string{"STATUS_QUERY", "--merchant", callMerchant, "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"STATUS_QUERY", "--merchant", callMerchant, "--values", "perl"}, "is not a rule"},
	} {
		r := runCall(t, `{"order_id":"1"}`, c.args...)
		if r.status != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, r.status, r.stdout, r.stderr, c.want)
		}
	}
	// No key at all.
	var out, errb bytes.Buffer
	if st := run([]string{"call", "STATUS_QUERY", "--merchant", callMerchant}, strings.NewReader("{}"), &out, &errb, nil); st != exitUsage ||
		!strings.Contains(errb.String(), "no sign key given") {
		t.Errorf("without a key: exit %d, %q", st, errb.String())
	}
	// Bad data is refused before anything is sent: exit 1 as encode's.
	for stdin, want := range map[string]string{
		"":             "stdin is empty",
		`[1]`:          "the transaction data on stdin",
		`{"amount":1}`: "cannot send STATUS_QUERY",
	} {
		r := runCall(t, stdin, "STATUS_QUERY", "--merchant", callMerchant, "--url", "http://127.0.0.1:9/processV2")
		if r.status != exitFailed || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "called") {
			t.Errorf("stdin %q: exit %d, stderr %q; want exit 1 and %q", stdin, r.status, r.stderr, want)
		}
	}
}
