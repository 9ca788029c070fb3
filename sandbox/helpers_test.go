package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// The merchants of the tests: the docs' callback example merchant and the
// Appendix A key.
const (
	merchant = "ON00004652"
	signKey  = "A8B5FE540E38A5A9"
	other    = "QC00005496"
	otherKey = "6698851A525C9433"
)

func merchants() map[string]string { return map[string]string{merchant: signKey, other: otherKey} }

// start runs a sandbox for the test; Merchants defaults to merchants().
func start(t testing.TB, o sandbox.Options) *sandbox.Server {
	t.Helper()
	if o.Merchants == nil {
		o.Merchants = merchants()
	}
	if o.Log == nil && testing.Verbose() {
		o.Log = os.Stderr
	}
	sb, err := sandbox.New(o)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// obj builds transaction data from key, value pairs, all strings.
func obj(kv ...string) *codec.Object {
	o := &codec.Object{}
	for i := 0; i+1 < len(kv); i += 2 {
		o.SetString(kv[i], kv[i+1])
	}
	return o
}

// reply is one decoded gateway answer.
type reply struct {
	env    *codec.Envelope
	data   *codec.Object // nil for a failure
	opened *codec.Opened
	raw    []byte
}

func (r reply) get(k string) string {
	if r.data == nil {
		return ""
	}
	v, _ := r.data.Get(k)
	return v.Text
}

// call seals data as a request of the merchant and POSTs it to the
// sandbox. A response carrying data must decode strictly and verify.
func call(t testing.TB, sb *sandbox.Server, action string, data *codec.Object) reply {
	t.Helper()
	return callAs(t, sb, merchant, signKey, action, data, nil)
}

func callAs(t testing.TB, sb *sandbox.Server, mid, key, action string, data *codec.Object, header http.Header) reply {
	t.Helper()
	e := &codec.Envelope{Kind: codec.Request, Action: action, Version: "1.0", MerchantID: mid}
	if err := e.Seal(data, key, codec.RuleStrings); err != nil {
		t.Fatalf("seal %s: %v", action, err)
	}
	body, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return post(t, sb, key, body, header)
}

func post(t testing.TB, sb *sandbox.Server, key string, body []byte, header http.Header) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, sb.Endpoint(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		for _, x := range v {
			req.Header.Add(k, x)
		}
	}
	resp, err := sb.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", sb.Endpoint(), err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: status %d: %s", sb.Endpoint(), resp.StatusCode, raw)
	}
	if got := resp.Header.Get(sandbox.Header); got != sandbox.Version {
		t.Fatalf("response header %s = %q, want %q", sandbox.Header, got, sandbox.Version)
	}
	env, err := codec.ParseEnvelope(raw)
	if err != nil {
		t.Fatalf("response is not an envelope: %v\n%s", err, raw)
	}
	r := reply{env: env, raw: raw}
	if !env.HasData {
		return r
	}
	_, opened, err := codec.DecodeBody(raw, key)
	if err != nil {
		t.Fatalf("response does not decode strictly: %v\n%s", err, raw)
	}
	if !opened.Verified {
		t.Fatalf("response md5 does not verify:\n%s", raw)
	}
	r.opened, r.data = opened, opened.Object
	return r
}

// wantCode fails unless the answer has the rsp_code.
func wantCode(t testing.TB, r reply, code string) {
	t.Helper()
	if r.env.RspCode != code {
		t.Fatalf("rsp_code %q (%s), want %q\n%s", r.env.RspCode, r.env.RspMsg, code, r.raw)
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", within, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// receiver is a merchant's callback endpoint on 127.0.0.1: answer says
// what its n-th POST (from 1) gets.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	hits   []hit
	answer func(n int) (int, string)
}

type hit struct {
	at   time.Time
	body []byte
}

func newReceiver(t testing.TB, answer func(n int) (int, string)) *receiver {
	rc := &receiver{answer: answer}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.hits = append(rc.hits, hit{time.Now(), b})
		n := len(rc.hits)
		rc.mu.Unlock()
		status, body := rc.answer(n)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) URL() string { return rc.srv.URL + "/ottpay/callback" }

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.hits)
}

func (rc *receiver) all() []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hit(nil), rc.hits...)
}

// acking answers SUCCESS to everything.
func acking(int) (int, string) { return http.StatusOK, "SUCCESS" }

// activePay creates an ACTIVEPAY order of the amount calling back to cb.
func activePay(t testing.TB, sb *sandbox.Server, id, amount, cb string) reply {
	t.Helper()
	r := call(t, sb, "ACTIVEPAY", obj("order_id", id, "operator_id", "0000000437", "amount", amount,
		"biz_type", "WECHATPAY", "call_back_url", cb))
	return r
}

// control sends a control API request and decodes the JSON answer into v.
func control(t testing.TB, sb *sandbox.Server, method, path string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, sb.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := sb.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if resp.Header.Get(sandbox.Header) != sandbox.Version {
		t.Fatalf("%s %s: no %s header", method, path, sandbox.Header)
	}
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

// deliveries lists the sandbox's deliveries.
func deliveries(t testing.TB, sb *sandbox.Server) []sandbox.Delivery {
	t.Helper()
	ds, err := sb.Deliveries()
	if err != nil {
		t.Fatal(err)
	}
	return ds
}
