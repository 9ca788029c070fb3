package callback_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/callback/callbacktest"
	"github.com/ottpay-toolkit/ottpay/codec"
)

// vector is the published callback of testdata/apidocs-callback.json.
type vector struct {
	ID, Source, Note string
	SignKey          string `json:"sign_key"`
	Body             string
	Plaintext        string
}

func loadVector(t testing.TB) vector {
	t.Helper()
	b, err := os.ReadFile("testdata/apidocs-callback.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// The merchants of the tests: the documented one with its key, and two
// more of our own.
const (
	merchant      = "ON00004652"
	otherMerchant = "ON00000001"
	otherKey      = "0123456789ABCDEF"
	thirdMerchant = "ON00000002"
	thirdKey      = "FEDCBA9876543210"
)

func testKeys(v vector) callback.Keys {
	return callback.KeyMap(map[string]string{merchant: v.SignKey, otherMerchant: otherKey, thirdMerchant: thirdKey})
}

// recorder is a merchant function that records its calls.
type recorder struct {
	mu    sync.Mutex
	calls []*callback.Notification
	err   error                          // returned by every call
	hook  func(n *callback.Notification) // run inside the call
}

func (r *recorder) fn(_ context.Context, n *callback.Notification) error {
	if r.hook != nil {
		r.hook(n)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, n)
	return r.err
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// logBuffer is a logger writing text records into a buffer.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// serve starts h on a real loopback listener.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("test server on %s, want loopback 127.0.0.1", s.URL)
	}
	return s
}

// answer is what a server answered.
type answer struct {
	status int
	body   string
	header http.Header
}

// post sends body to url as the gateway would.
func post(t testing.TB, c *http.Client, url string, body []byte) answer {
	t.Helper()
	req, err := callbacktest.NewClientRequest(url, body)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

func do(t testing.TB, c *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, string(b), resp.Header}
}

// seal makes a callback body of merchant m from JSON data.
func seal(t testing.TB, dataJSON, signKey string, r codec.Rule) []byte {
	t.Helper()
	o, err := codec.ParseObject([]byte(dataJSON))
	if err != nil {
		t.Fatal(err)
	}
	b, err := callbacktest.Body(o, signKey, r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// editOuter parses body, lets edit change its envelope, and writes it again.
func editOuter(t testing.TB, body []byte, edit func(e *codec.Envelope)) []byte {
	t.Helper()
	e, err := codec.ParseEnvelope(body)
	if err != nil {
		t.Fatal(err)
	}
	edit(e)
	b, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// typed returns the decrypted content of n: its typed fields, rule and
// data, without the envelope, for comparing two notifications.
func typed(n *callback.Notification) string {
	c := *n
	c.Envelope = nil
	c.Data = nil
	b, _ := json.Marshal(c)
	return string(b) + " data=" + string(n.Data.AppendJSON(nil))
}

// keyMaterial lists every text an error must not contain: the sign keys
// and the AES keys they give for md5.
func keyMaterial(md5 string, signKeys ...string) []string {
	var out []string
	for _, k := range signKeys {
		out = append(out, k, strings.ToLower(k))
		if md5 != "" {
			out = append(out, codec.AESKey(md5, k), codec.AESKey(strings.ToUpper(md5), k))
		}
	}
	return out
}
