package callback_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/callback/callbacktest"
	"github.com/ottpay-toolkit/ottpay/codec"
)

// H4: the same callback three times in a row reaches the function once;
// every copy is acknowledged.
func TestDuplicatesInARow(t *testing.T) {
	v := loadVector(t)
	var rec recorder
	s := serve(t, callback.NewHandler(testKeys(v), rec.fn))
	for i := range 3 {
		a := post(t, s.Client(), s.URL, []byte(v.Body))
		if a.status != http.StatusOK || a.body != "SUCCESS" {
			t.Fatalf("copy %d: answered %d %q, want 200 SUCCESS", i+1, a.status, a.body)
		}
	}
	if rec.count() != 1 {
		t.Fatalf("the function ran %d times for 3 copies, want 1", rec.count())
	}
}

// H4: a new status for the same order is a new callback; the same status
// again is not.
func TestNewStatusIsNewCallback(t *testing.T) {
	v := loadVector(t)
	var rec recorder
	s := serve(t, callback.NewHandler(testKeys(v), rec.fn))
	processing := seal(t, `{"merchant_id":"ON00004652","order_id":"O1","order_status":"PROCESSING","amount":"500"}`, v.SignKey, codec.RuleStrings)
	success := seal(t, `{"merchant_id":"ON00004652","order_id":"O1","order_status":"SUCCESS","amount":"500"}`, v.SignKey, codec.RuleStrings)
	otherOrder := seal(t, `{"merchant_id":"ON00004652","order_id":"O2","order_status":"SUCCESS","amount":"500"}`, v.SignKey, codec.RuleStrings)
	for _, b := range [][]byte{processing, success, success, processing, otherOrder} {
		if a := post(t, s.Client(), s.URL, b); a.status != 200 || a.body != "SUCCESS" {
			t.Fatalf("answered %d %q", a.status, a.body)
		}
	}
	var got []string
	for _, n := range rec.calls {
		got = append(got, n.OrderID+"/"+n.OrderStatus)
	}
	if strings.Join(got, " ") != "O1/PROCESSING O1/SUCCESS O2/SUCCESS" {
		t.Fatalf("the function saw %q, want O1/PROCESSING O1/SUCCESS O2/SUCCESS", got)
	}
}

// Callbacks without an order_id are told apart by their data: two
// different ones both reach the function, a copy of one does not.
func TestNoOrderIDDedupesOnData(t *testing.T) {
	v := loadVector(t)
	var rec recorder
	s := serve(t, callback.NewHandler(testKeys(v), rec.fn))
	a := seal(t, `{"merchant_id":"ON00004652","amount":"500"}`, v.SignKey, codec.RuleStrings)
	b := seal(t, `{"merchant_id":"ON00004652","amount":"600"}`, v.SignKey, codec.RuleStrings)
	for _, body := range [][]byte{a, b, a} {
		if ans := post(t, s.Client(), s.URL, body); ans.status != 200 {
			t.Fatalf("answered %d %q", ans.status, ans.body)
		}
	}
	if rec.count() != 2 {
		t.Fatalf("the function ran %d times, want 2", rec.count())
	}
}

// H5: an error of the function answers 500, so that the gateway sends the
// callback again; it is not marked handled, and the next copy reaches the
// function.
func TestFunctionErrorIs500(t *testing.T) {
	v := loadVector(t)
	rec := recorder{err: errors.New("database down\n\x1b[2J")}
	var log logBuffer
	s := serve(t, callback.NewHandler(testKeys(v), rec.fn, callback.WithLogger(log.logger())))
	a := post(t, s.Client(), s.URL, []byte(v.Body))
	if a.status != http.StatusInternalServerError || strings.Contains(a.body, "SUCCESS") {
		t.Fatalf("answered %d %q, want 500", a.status, a.body)
	}
	if l := log.String(); !strings.Contains(l, `database down\\n\\x1b[2J`) || strings.Contains(l, "\x1b") {
		t.Errorf("the log does not record the error escaped: %q", l)
	}
	rec.err = nil
	a = post(t, s.Client(), s.URL, []byte(v.Body))
	if a.status != 200 || a.body != "SUCCESS" || rec.count() != 2 {
		t.Fatalf("the retry answered %d %q after %d calls, want 200 SUCCESS after 2", a.status, a.body, rec.count())
	}
}

// H5: a panic of the function answers 500 and the server lives on: the
// next callback is handled.
func TestFunctionPanicIs500(t *testing.T) {
	v := loadVector(t)
	var log logBuffer
	panicked := false
	fn := func(_ context.Context, n *callback.Notification) error {
		if !panicked {
			panicked = true
			var m map[string]int
			m[n.OrderID]++ // a nil map: the classic bug
		}
		return nil
	}
	s := serve(t, callback.NewHandler(testKeys(v), fn, callback.WithLogger(log.logger())))
	a := post(t, s.Client(), s.URL, []byte(v.Body))
	if a.status != http.StatusInternalServerError {
		t.Fatalf("answered %d %q, want 500", a.status, a.body)
	}
	if !strings.Contains(log.String(), "panicked") {
		t.Errorf("the panic is not logged: %q", log.String())
	}
	a = post(t, s.Client(), s.URL, []byte(v.Body))
	if a.status != 200 || a.body != "SUCCESS" {
		t.Fatalf("after the panic: %d %q, want 200 SUCCESS", a.status, a.body)
	}
}

// The acknowledgement is configurable and written byte for byte.
func TestWithAck(t *testing.T) {
	v := loadVector(t)
	for _, c := range []struct{ body, ctype string }{
		{`{"rsp_code":"SUCCESS","rsp_msg":"success"}`, "application/json"},
		{"success", "text/plain; charset=utf-8"},
		{"", "text/plain; charset=utf-8"},
	} {
		var rec recorder
		s := serve(t, callback.NewHandler(testKeys(v), rec.fn, callback.WithAck(http.StatusOK, []byte(c.body))))
		a := post(t, s.Client(), s.URL, []byte(v.Body))
		if a.status != 200 || a.body != c.body || a.header.Get("Content-Type") != c.ctype {
			t.Errorf("ack %q: answered %d %q %q", c.body, a.status, a.body, a.header.Get("Content-Type"))
		}
		// A duplicate gets the same bytes.
		if a2 := post(t, s.Client(), s.URL, []byte(v.Body)); a2.body != c.body || rec.count() != 1 {
			t.Errorf("ack %q: the duplicate got %q after %d calls", c.body, a2.body, rec.count())
		}
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// A body over the limit costs at most the limit: the handler stops
// reading a 4 MiB body sent without Content-Length at the limit, and
// answers 413.
func TestBodyLimitBoundsReading(t *testing.T) {
	v := loadVector(t)
	var rec recorder
	const limit = 1024
	h := callback.NewHandler(testKeys(v), rec.fn, callback.WithMaxBody(limit), callback.WithLogger(nil))
	src := &countingReader{r: io.MultiReader(bytes.NewReader([]byte(v.Body)), bytes.NewReader(make([]byte, 4<<20)))}
	req := httptest.NewRequest(http.MethodPost, "/", src)
	req.ContentLength = -1
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge || rec.count() != 0 {
		t.Fatalf("answered %d after %d calls, want 413 and none", w.Code, rec.count())
	}
	if src.n > 2*limit+32<<10 {
		t.Fatalf("read %d bytes of a 4 MiB body with a limit of %d", src.n, limit)
	}
	// With a Content-Length over the limit nothing is read at all.
	src = &countingReader{r: bytes.NewReader(make([]byte, 4<<20))}
	req = httptest.NewRequest(http.MethodPost, "/", src)
	req.ContentLength = 4 << 20
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge || src.n != 0 {
		t.Fatalf("answered %d after reading %d bytes, want 413 after 0", w.Code, src.n)
	}
	// The published callback fits the default limit with room to spare.
	if len(v.Body)*30 > callback.DefaultMaxBody {
		t.Errorf("the default limit %d is not thirty callbacks of %d bytes", callback.DefaultMaxBody, len(v.Body))
	}
}

// H5: Parse and the handler agree on every body of a corpus within the
// body limit (Parse bounds nothing, see its doc): the handler
// answers HTTPStatus of Parse's error, and calls the function, with the
// notification Parse returns, exactly when Parse succeeds.
func TestParseAndHandlerAgree(t *testing.T) {
	v := loadVector(t)
	keys := testKeys(v)
	corpus := [][]byte{[]byte(v.Body)}
	for _, tc := range tamperCases(t, v) {
		if tc.keys == nil && tc.method == "" && tc.status != http.StatusRequestEntityTooLarge {
			corpus = append(corpus, tc.body)
		}
	}
	corpus = append(corpus,
		seal(t, `{"merchant_id":"ON00000001","order_id":"A","amount":"1"}`, otherKey, codec.RuleStrings),
		seal(t, `{"merchant_id":"ON00000001","order_id":"A","amount":"1"}`, thirdKey, codec.RuleStrings),
		seal(t, `{"merchant_id":"ON00000002","order_id":"B","amount":2,"tip":null}`, thirdKey, codec.RuleJS),
		seal(t, `{"merchant_id":"ON00004652","amount":"00"}`, v.SignKey, codec.RuleStrings),
		[]byte(`{"rsp_code":"SUCCESS","rsp_msg":"success","merchant_id":"ON00004652"}`),
		[]byte(`{"action":"ACTIVEPAY","version":"1.0","merchant_id":"ON00004652","data":"AAAAAAAAAAAAAAAAAAAAAA==","md5":"00000000000000000000000000000000"}`),
	)
	for i, body := range corpus {
		n, err := callback.Parse(body, keys)
		var rec recorder
		h := callback.NewHandler(keys, rec.fn, callback.WithLogger(nil))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, callbacktest.NewRequest("/", body))
		if w.Code != callback.HTTPStatus(err) {
			t.Errorf("body %d: handler %d, Parse %v (status %d)", i, w.Code, err, callback.HTTPStatus(err))
		}
		switch {
		case err == nil && (rec.count() != 1 || typed(rec.calls[0]) != typed(n)):
			t.Errorf("body %d: Parse succeeded but the function got %d calls", i, rec.count())
		case err != nil && rec.count() != 0:
			t.Errorf("body %d: Parse failed (%v) but the function was called", i, err)
		}
	}
}

// The deduper's errors: Handled failing answers 500 without calling the
// function; MarkHandled failing still acknowledges (the function ran).
func TestDeduperErrors(t *testing.T) {
	v := loadVector(t)
	d := &failingDeduper{handledErr: errors.New("store down")}
	var rec recorder
	s := serve(t, callback.NewHandler(testKeys(v), rec.fn, callback.WithDeduper(d), callback.WithLogger(nil)))
	if a := post(t, s.Client(), s.URL, []byte(v.Body)); a.status != 500 || rec.count() != 0 {
		t.Fatalf("Handled failing: %d after %d calls, want 500 after 0", a.status, rec.count())
	}
	d.handledErr, d.markErr = nil, errors.New("store full")
	if a := post(t, s.Client(), s.URL, []byte(v.Body)); a.status != 200 || a.body != "SUCCESS" || rec.count() != 1 {
		t.Fatalf("MarkHandled failing: %d %q after %d calls, want the ack after 1", a.status, a.body, rec.count())
	}
}

type failingDeduper struct {
	mu                  sync.Mutex
	handledErr, markErr error
}

func (d *failingDeduper) Handled(context.Context, callback.Key) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return false, d.handledErr
}

func (d *failingDeduper) MarkHandled(context.Context, callback.Key) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.markErr
}
