package pay_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/pay"
)

// The merchant of the documented vectors.
const (
	testMerchant = "ON00004652"
	testKey      = "A8B5FE540E38A5A9"
)

// received is one request the fake gateway got, decrypted.
type received struct {
	Method, Path, ContentType, Accept string
	Body                              []byte
	Env                               *codec.Envelope
	Data                              *codec.Object // nil if it did not open
	OpenErr                           error
}

// fake is a small OTT Pay gateway on 127.0.0.1: it records every request,
// opens it with the merchant's key and lets the test answer.
type fake struct {
	t      *testing.T
	srv    *httptest.Server
	key    string
	mu     sync.Mutex
	got    []*received
	answer func(w http.ResponseWriter, r *http.Request, rec *received)
}

// newFake starts a fake whose answer defaults to a sealed SUCCESS with
// every documented response field (see answerOK).
func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{t: t, key: testKey}
	f.answer = func(w http.ResponseWriter, _ *http.Request, rec *received) {
		f.reply(w, "SUCCESS", "success", responseData(rec), testKey)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, codec.MaxMessageSize))
	rec := &received{Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"),
		Accept: r.Header.Get("Accept"), Body: body}
	env, opened, err := codec.DecodeBody(body, f.key)
	rec.Env, rec.OpenErr = env, err
	if opened != nil && err == nil {
		rec.Data = opened.Object
	}
	f.mu.Lock()
	f.got = append(f.got, rec)
	answer := f.answer
	f.mu.Unlock()
	answer(w, r, rec)
}

// URL is the fake's processV2 endpoint.
func (f *fake) URL() string { return f.srv.URL + "/processV2" }

// requests returns what the fake received so far.
func (f *fake) requests() []*received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*received(nil), f.got...)
}

// setAnswer replaces how the fake answers.
func (f *fake) setAnswer(a func(w http.ResponseWriter, r *http.Request, rec *received)) {
	f.mu.Lock()
	f.answer = a
	f.mu.Unlock()
}

// client returns a client of the test merchant pointed at the fake.
func (f *fake) client(t *testing.T, opts ...pay.Option) *pay.Client {
	t.Helper()
	c, err := pay.NewClient(testMerchant, testKey, append([]pay.Option{pay.WithURL(f.URL())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reply writes a response envelope whose data is sealed under key (nil data:
// a failure response without data or md5).
func (f *fake) reply(w http.ResponseWriter, code, msg string, data *codec.Object, key string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(sealResponse(f.t, code, msg, data, key))
}

// sealResponse returns the body of a response envelope.
func sealResponse(t testing.TB, code, msg string, data *codec.Object, key string) []byte {
	t.Helper()
	env := &codec.Envelope{Kind: codec.Response, RspCode: code, RspMsg: msg}
	if data != nil {
		rule := codec.RuleStrings
		for _, m := range data.Members {
			if m.Value.Kind != codec.KindString {
				rule = codec.RuleJS
			}
		}
		if err := env.Seal(data, key, rule); err != nil {
			t.Fatal(err)
		}
	}
	b, err := env.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// responseData answers a request with every documented response field of
// its action: the request's order ids and merchant echoed, amounts "100",
// JSON for nested values and a marker text for the rest. A request that
// did not open gets an empty object.
func responseData(rec *received) *codec.Object {
	var o codec.Object
	if rec.Env == nil || rec.Data == nil {
		return &o
	}
	a, _, ok := catalog.Match(rec.Env.Action, codec.Request, rec.Data)
	if !ok {
		return &o
	}
	for _, f := range a.Response {
		o.Set(f.Name, sampleResponseValue(a, f, rec))
	}
	return &o
}

func sampleResponseValue(a catalog.Action, f catalog.Field, rec *received) codec.Value {
	str := func(s string) codec.Value { return codec.Value{Kind: codec.KindString, Text: s} }
	names := append([]string{f.Name}, f.Aliases...)
	for _, n := range names {
		switch n {
		case "merchant_id":
			return str(rec.Env.MerchantID)
		case "rsp_code":
			return str("SUCCESS")
		case "rsp_msg":
			return str("success")
		}
		if v, ok := getAny(rec.Data, a, n); ok && (n == "order_id" || n == "prepay_order_id") {
			return v
		}
	}
	switch {
	case f.Unit == catalog.UnitCents:
		return str("100")
	case f.Type == "object":
		return codec.Value{Kind: codec.KindObject, Text: `{"appId":"wx1"}`}
	case f.Type == "array":
		return codec.Value{Kind: codec.KindArray, Text: `["WECHATPAY"]`}
	case len(f.Enum) > 0:
		return str(strings.TrimSpace(f.Enum[0]))
	}
	return str("v-" + f.Name)
}

// getAny returns the request's value of a documented field under any of
// its spellings.
func getAny(data *codec.Object, a catalog.Action, name string) (codec.Value, bool) {
	f, ok := a.Field(codec.Request, name)
	if !ok {
		return codec.Value{}, false
	}
	for _, n := range append([]string{f.Name}, f.Aliases...) {
		if v, ok := data.Get(n); ok {
			return v, true
		}
	}
	return codec.Value{}, false
}

// noKey fails when text shows the sign key.
func noKey(t *testing.T, text string) {
	t.Helper()
	if strings.Contains(text, testKey) {
		t.Errorf("the sign key shows in %q", text)
	}
}
