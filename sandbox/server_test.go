package sandbox_test

import (
	"errors"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// S1: the default and an explicit 127.0.0.1:0 give a loopback URL.
func TestListensOnLoopback(t *testing.T) {
	for _, addr := range []string{"", "127.0.0.1:0", "localhost:0"} {
		sb := start(t, sandbox.Options{Addr: addr})
		if !strings.HasPrefix(sb.URL(), "http://127.0.0.1:") {
			t.Errorf("Addr %q: URL %q, want http://127.0.0.1:PORT", addr, sb.URL())
		}
		if sb.Endpoint() != sb.URL()+"/processV2" {
			t.Errorf("Endpoint %q, want URL()+/processV2", sb.Endpoint())
		}
	}
}

// S1: any other address is refused unless AllowRemote says otherwise.
func TestRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:80", "[::]:0"} {
		sb, err := sandbox.New(sandbox.Options{Addr: addr})
		if err == nil {
			sb.Close()
			t.Errorf("Addr %q: started, want refused", addr)
			continue
		}
		if !errors.Is(err, sandbox.ErrNotLoopback) {
			t.Errorf("Addr %q: %v, want ErrNotLoopback", addr, err)
		}
		if !strings.Contains(err.Error(), "AllowRemote") {
			t.Errorf("Addr %q: error %q does not say how to allow it", addr, err)
		}
	}
}

// S1: healthz answers with the sandbox header.
func TestHealthz(t *testing.T) {
	sb := start(t, sandbox.Options{})
	var h struct{ Status, Version string }
	if st := control(t, sb, http.MethodGet, "/_sandbox/healthz", &h); st != http.StatusOK || h.Status != "ok" || h.Version != sandbox.Version {
		t.Fatalf("healthz: %d %+v", st, h)
	}
	// The header is on every answer, a 404 too.
	resp, err := http.Get(sb.URL() + "/nowhere")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get(sandbox.Header) != sandbox.Version {
		t.Fatalf("GET /nowhere: %d, header %q", resp.StatusCode, resp.Header.Get(sandbox.Header))
	}
}

func TestBadOptions(t *testing.T) {
	for name, o := range map[string]sandbox.Options{
		"negative scale":   {TimeScale: -1},
		"negative wait":    {RetrySchedule: []time.Duration{-time.Second}},
		"empty key":        {Merchants: map[string]string{merchant: ""}},
		"unknown rule":     {Rule: "cobol"},
		"cryptojs unsent":  {Rule: "cryptojs"},
		"empty merchantid": {Merchants: map[string]string{"": signKey}},
	} {
		o.NoListener = true
		if sb, err := sandbox.New(o); err == nil {
			sb.Close()
			t.Errorf("%s: accepted", name)
		} else if !errors.Is(err, sandbox.ErrBadOption) {
			t.Errorf("%s: %v, want ErrBadOption", name, err)
		}
	}
}

// sockets counts this process's open sockets.
func sockets(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd to count sockets: %v", err)
	}
	n := 0
	for _, e := range entries {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n
}

// S6: NoListener serves a whole conversation through HTTPClient without
// opening a socket, and Close leaves no goroutine behind.
func TestNoListener(t *testing.T) {
	baseSockets, baseG := sockets(t), runtime.NumGoroutine()
	sb, err := sandbox.New(sandbox.Options{NoListener: true, Merchants: merchants()})
	if err != nil {
		t.Fatal(err)
	}
	r := activePay(t, sb, "NOSOCKET1", "1000", "http://127.0.0.1:9/cb")
	wantCode(t, r, "SUCCESS")
	if !strings.HasPrefix(r.get("code_url"), sb.URL()+"/_sandbox/pay/") {
		t.Errorf("code_url %q, want the pay page under %s", r.get("code_url"), sb.URL())
	}
	wantCode(t, call(t, sb, "STATUS_QUERY", obj("order_id", "NOSOCKET1")), "SUCCESS")
	// Earlier tests' idle connections may close meanwhile; none may open.
	if n := sockets(t); n > baseSockets {
		t.Errorf("%d sockets open, more than the %d before New", n, baseSockets)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "goroutines back to the baseline after Close", func() bool {
		return runtime.NumGoroutine() <= baseG
	})
}

// S6: Close of a listening server with deliveries in flight and a held
// response returns every goroutine.
func TestCloseStopsEverything(t *testing.T) {
	baseG := runtime.NumGoroutine()
	hang := make(chan struct{})
	rc := newReceiver(t, func(int) (int, string) { <-hang; return 200, "SUCCESS" })
	defer close(hang)
	sb, err := sandbox.New(sandbox.Options{Merchants: merchants(), TimeScale: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	activePay(t, sb, "CLOSE1", "1000", rc.URL())
	if _, err := sb.Pay("CLOSE1"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the callback reaches the receiver", func() bool { return rc.count() == 1 })
	sb.Close()
	// The cut attempt is not recorded: the delivery stays pending.
	ds, _ := sb.Deliveries()
	if len(ds) != 1 || ds[0].State != sandbox.DeliveryPending || len(ds[0].Attempts) != 0 {
		t.Errorf("after Close: %+v, want one pending delivery without attempts", ds)
	}
	eventually(t, 5*time.Second, "goroutines back to the baseline after Close", func() bool {
		// the receiver's own handler goroutine is still parked on hang
		return runtime.NumGoroutine() <= baseG+3
	})
}

// S6: DELETE /_sandbox/data empties orders and deliveries.
func TestDeleteData(t *testing.T) {
	rc := newReceiver(t, acking)
	sb := start(t, sandbox.Options{})
	activePay(t, sb, "DEL1", "1000", rc.URL())
	activePay(t, sb, "DEL2", "1000", rc.URL())
	if _, err := sb.Pay("DEL1"); err != nil {
		t.Fatal(err)
	}
	var list struct{ Orders []sandbox.Order }
	control(t, sb, http.MethodGet, "/_sandbox/orders", &list)
	if len(list.Orders) != 2 || len(deliveries(t, sb)) != 1 {
		t.Fatalf("before: %d orders, %d deliveries", len(list.Orders), len(deliveries(t, sb)))
	}
	if st := control(t, sb, http.MethodDelete, "/_sandbox/data", nil); st != http.StatusOK {
		t.Fatalf("DELETE: %d", st)
	}
	control(t, sb, http.MethodGet, "/_sandbox/orders", &list)
	var cbs struct{ Callbacks []sandbox.Delivery }
	control(t, sb, http.MethodGet, "/_sandbox/callbacks", &cbs)
	if len(list.Orders) != 0 || len(cbs.Callbacks) != 0 {
		t.Fatalf("after DELETE: %d orders, %d callbacks", len(list.Orders), len(cbs.Callbacks))
	}
	// The ids are free again.
	wantCode(t, activePay(t, sb, "DEL1", "1000", rc.URL()), "SUCCESS")
}

// The control API says what is wrong: unknown orders, callbacks and
// verbs are 404s with a JSON error; an order is readable by id.
func TestControlErrors(t *testing.T) {
	sb := start(t, sandbox.Options{NoListener: true})
	activePay(t, sb, "CTL1", "1000", "http://127.0.0.1:9/cb")
	var o sandbox.Order
	if st := control(t, sb, http.MethodGet, "/_sandbox/orders/CTL1", &o); st != http.StatusOK || o.ID != "CTL1" || o.Amount != 1000 {
		t.Fatalf("GET order: %d %+v", st, o)
	}
	for _, c := range []struct{ method, path, want string }{
		{http.MethodGet, "/_sandbox/orders/NOPE", "no such order"},
		{http.MethodPost, "/_sandbox/orders/NOPE/pay", "no such order"},
		{http.MethodPost, "/_sandbox/orders/CTL1/refund", "use pay, decline or close"},
		{http.MethodPost, "/_sandbox/callbacks/NOPE/resend", "no such order or delivery"},
		{http.MethodGet, "/processV3", "unrecognised request URL"},
	} {
		var e struct{ Error string }
		if st := control(t, sb, c.method, c.path, &e); st != http.StatusNotFound || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s %s: %d %q, want 404 saying %q", c.method, c.path, st, e.Error, c.want)
		}
	}
}
