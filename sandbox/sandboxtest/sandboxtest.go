// Package sandboxtest starts an OTT Pay sandbox for one Go test, in the
// manner of net/http/httptest:
//
//	sb := sandboxtest.New(t, sandbox.Options{})
//	client := pay.NewClient(sandboxtest.MerchantID, sandboxtest.SignKey,
//		pay.WithBaseURL(sb.Endpoint()), pay.WithHTTPClient(sb.HTTPClient()))
package sandboxtest

import (
	"strings"
	"sync"
	"testing"

	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// The merchant New sets up when Options.Merchants is nil: the merchant and
// sign key of the docs' published callback example (§3.4(a)).
const (
	MerchantID = "ON00004652"
	SignKey    = "A8B5FE540E38A5A9"
)

// New starts a sandbox with o for the test and closes it when the test
// and its subtests end. With o.Merchants nil the sandbox knows MerchantID
// with SignKey; with o.Log nil its log lines go to t.Log. New fails the
// test if the sandbox cannot start.
func New(t testing.TB, o sandbox.Options) *sandbox.Server {
	t.Helper()
	if o.Merchants == nil {
		o.Merchants = map[string]string{MerchantID: SignKey}
	}
	var lw *logWriter
	if o.Log == nil {
		lw = &logWriter{t: t}
		o.Log = lw
	}
	sb, err := sandbox.New(o)
	if err != nil {
		t.Fatalf("sandboxtest: %v", err)
	}
	t.Cleanup(func() {
		sb.Close()
		if lw != nil {
			lw.stop()
		}
	})
	return sb
}

// logWriter sends lines to t.Log until the test's cleanup stops it (a
// line written after the test ended would panic in t.Log).
type logWriter struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

func (w *logWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.t.Log(strings.TrimRight(string(b), "\n"))
	}
	return len(b), nil
}

func (w *logWriter) stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
}
