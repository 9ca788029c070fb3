package sandboxtest_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/ottpay-toolkit/ottpay/sandbox"
	"github.com/ottpay-toolkit/ottpay/sandbox/sandboxtest"
)

// New starts a sandbox that knows the default merchant, and closes it when
// the test ends: afterwards its in-memory client is refused.
func TestNew(t *testing.T) {
	var sb *sandbox.Server
	t.Run("inner", func(t *testing.T) {
		sb = sandboxtest.New(t, sandbox.Options{NoListener: true})
		resp, err := sb.HTTPClient().Get(sb.URL() + "/_sandbox/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get(sandbox.Header) != sandbox.Version {
			t.Fatalf("healthz: %d", resp.StatusCode)
		}
		if _, err := sb.Pay("none"); !errors.Is(err, sandbox.ErrNotFound) {
			t.Fatalf("Pay: %v", err)
		}
	})
	if _, err := sb.HTTPClient().Get(sb.URL() + "/_sandbox/healthz"); !errors.Is(err, sandbox.ErrServerClosed) {
		t.Fatalf("after the test: %v, want ErrServerClosed", err)
	}
}
