package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/pay"
)

// startSandboxWorkbench runs the workbench server with -sandbox, knowing
// the Appendix A merchant, on a free loopback port, and returns its
// origin.
func startSandboxWorkbench(t *testing.T, v vector) string {
	t.Helper()
	root, _ := build(t)
	keys := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(keys, []byte(`{"`+merchantID+`":"`+v.SignKey+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, u := runWorkbench(t, "-root", root, "-sandbox", "-keys", keys)
	return strings.TrimSuffix(u, "/")
}

// callbackReceiver is a merchant's callback handler on 127.0.0.1 that
// acknowledges every callback and keeps its body.
type callbackReceiver struct {
	URL    string
	mu     sync.Mutex
	bodies []string
}

func startReceiver(t *testing.T) *callbackReceiver {
	t.Helper()
	r := &callbackReceiver{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		r.mu.Lock()
		r.bodies = append(r.bodies, string(b))
		r.mu.Unlock()
		io.WriteString(w, "SUCCESS")
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	r.URL = "http://" + ln.Addr().String() + "/ottpay/callback"
	return r
}

// waitCallback waits (at most 15 s) for a callback about order, decodes
// it with key and returns its data's order_status.
func (r *callbackReceiver) waitCallback(t *testing.T, key, order string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r.mu.Lock()
		bodies := append([]string(nil), r.bodies...)
		r.mu.Unlock()
		for _, b := range bodies {
			_, opened, err := codec.DecodeBody([]byte(b), key)
			if err != nil {
				t.Fatalf("a callback does not decode with the merchant's key: %v\n%s", err, b)
			}
			if id, _ := opened.Object.Get("order_id"); id.Text == order {
				st, _ := opened.Object.Get("order_status")
				return st.Text
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no callback about %s reached the receiver within 15 s (got %d others)", order, len(bodies))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sandboxOrder reads one order through the control API.
func sandboxOrder(t *testing.T, origin, id string) (state, reason string) {
	t.Helper()
	res, err := http.Get(origin + "/_sandbox/orders/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var o struct {
		State       string `json:"state"`
		CloseReason string `json:"close_reason"`
	}
	if err := json.NewDecoder(res.Body).Decode(&o); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /_sandbox/orders/%s: %d %v", id, res.StatusCode, err)
	}
	return o.State, o.CloseReason
}

// TestSandboxPayPage creates orders with the Go client against the
// workbench served with -sandbox, opens each order's payment link in
// Chromium and pays one and declines the other on the sandbox's pay page:
// the control API shows them paid and declined, and the paid one's
// callback reaches the merchant's receiver on 127.0.0.1.
func TestSandboxPayPage(t *testing.T) {
	v := loadVector(t)
	origin := startSandboxWorkbench(t, v)
	rcv := startReceiver(t)
	c, err := pay.NewClient(merchantID, v.SignKey, pay.WithURL(origin+"/processV2"), pay.WithOperatorID(operatorID))
	if err != nil {
		t.Fatal(err)
	}
	create := func(id string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rsp, err := c.ActivePayRetail(ctx, &pay.ActivePayRetailRequest{
			OrderID: id, Amount: 1250, BizType: "WECHATPAY", CallBackURL: rcv.URL,
		})
		if err != nil {
			t.Fatalf("ACTIVEPAY %s: %v", id, err)
		}
		if !rsp.Sandbox || !strings.Contains(rsp.CodeURL, "/_sandbox/pay/"+id) {
			t.Fatalf("ACTIVEPAY %s: sandbox %v, code_url %q; want the sandbox's pay page", id, rsp.Sandbox, rsp.CodeURL)
		}
		return rsp.CodeURL
	}
	payURL, declineURL := create("E2EPAYPAGE1"), create("E2EPAYPAGE2")

	b := startBrowser(t, t.TempDir(), &events{})
	b.run(t, "pay on the pay page",
		chromedp.Navigate(payURL),
		visible("#pay"),
		click("#pay"),
		waitText("#state", "paid"),
	)
	if st, _ := sandboxOrder(t, origin, "E2EPAYPAGE1"); st != "paid" {
		t.Errorf("after Pay the order is %q, want paid", st)
	}
	if st := rcv.waitCallback(t, v.SignKey, "E2EPAYPAGE1"); st != "SUCCESS" {
		t.Errorf("the callback's order_status is %q, want SUCCESS", st)
	}

	b.run(t, "decline on the pay page",
		chromedp.Navigate(declineURL),
		visible("#decline"),
		click("#decline"),
		waitText("#reason", "declined"),
	)
	if st, why := sandboxOrder(t, origin, "E2EPAYPAGE2"); st != "closed" || why != "declined" {
		t.Errorf("after Decline the order is %q (%q), want closed (declined)", st, why)
	}
}

// TestSandboxSendAndSandboxPage builds an ACTIVEPAY on the Construct page
// of the workbench served with -sandbox, with a key saved on the Keys
// page, sends it, and sees the sandbox's answer verified; then the
// Sandbox page lists the order, pays it, and shows the callback's
// delivery with its acknowledged attempt. The sign key goes out in no
// request: only the sealed envelope does.
func TestSandboxSendAndSandboxPage(t *testing.T) {
	v := loadVector(t)
	origin := startSandboxWorkbench(t, v)
	rcv := startReceiver(t)
	ev := &events{}
	b := startBrowser(t, t.TempDir(), ev)
	const order = "E2ESEND0001"

	b.run(t, "start", chromedp.Navigate(origin+"/keys"), appReady())
	addFirstProfile(t, b, label, merchantID, v.SignKey)

	t.Run("Send shows the verified answer", func(t *testing.T) {
		b.run(t, "construct and send",
			click("#nav-construct"),
			visible("#field-amount"),
			setValue("#field-operator_id", operatorID),
			setValue("#field-amount", "1250"),
			setValue("#field-biz_type", "WECHATPAY"),
			setValue("#field-call_back_url", rcv.URL),
			setValue("#field-order_id", order),
			visible("#construct-envelope"),
			visible("#construct-send"),
			click("#construct-send"),
			waitText("#send-result .badge", "Verified"),
			waitText("#send-result .rsp", "SUCCESS"),
			waitText("#send-result .fields", order),
		)
	})

	t.Run("the Sandbox page lists the order, pays it and shows the callback", func(t *testing.T) {
		row := `#sandbox-orders tr[data-order="` + order + `"]`
		cb := `#sandbox-callbacks tr[data-order="` + order + `"]`
		b.run(t, "sandbox page",
			click("#nav-sandbox"),
			visible(row),
			waitText(row+" .state", "processing"),
			waitText(row+" .amount", "12.50"),
			click(row+" button.pay"),
			waitText("#sandbox-note", "paid"),
			waitText(row+" .state", "paid"),
			// The delivery shows once the sandbox made its first attempt
			// (the page reads the sandbox again every 2 s).
			visible(cb),
			waitText(cb+" .state", "delivered"),
			waitText(cb+" .attempts li.acked", "HTTP 200"),
			waitText(cb+" .count", "1 attempt"),
			click(cb+" button.resend"),
			waitText("#sandbox-note", "sent again"),
			waitText(cb+" .count", "2 attempts"),
		)
		if st, _ := sandboxOrder(t, origin, order); st != "paid" {
			t.Errorf("the control API shows the order %q, want paid", st)
		}
		if st := rcv.waitCallback(t, v.SignKey, order); st != "SUCCESS" {
			t.Errorf("the callback's order_status is %q, want SUCCESS", st)
		}
	})

	t.Run("the key left the browser in no request", func(t *testing.T) {
		sent := false
		for _, r := range ev.all(&ev.requests) {
			first, _, _ := strings.Cut(r, "\n")
			if strings.HasPrefix(first, "POST ") && strings.HasSuffix(first, "/processV2") {
				sent = true
			}
			if leaks(r, v.SignKey) || leaks(r, v.AESKey) {
				t.Errorf("a request carries the sign key:\n%.500s", r)
			}
		}
		if !sent {
			t.Error("no POST /processV2 was recorded: the check saw nothing")
		}
	})
}

// TestSandboxAbsentWithoutTheSandbox checks the workbench served alone,
// and the static build on a host that even answers /_sandbox/healthz
// (without the sandbox's header): no Sandbox item in the navigation, no
// Send button under a signed request, and no request for the sandbox's
// health at start.
func TestSandboxAbsentWithoutTheSandbox(t *testing.T) {
	v := loadVector(t)
	root, bin := build(t)
	dist := filepath.Join(t.TempDir(), "dist")
	if out, err := exec.Command(bin, "-root", root, "-static", dist).CombinedOutput(); err != nil {
		t.Fatalf("writing the static website: %v\n%s", err, out)
	}
	if err := os.MkdirAll(filepath.Join(dist, "_sandbox"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dist, "_sandbox", "healthz"), []byte(`{"status":"ok","version":"1"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := &http.Server{Handler: http.FileServer(http.Dir(dist))}
	go host.Serve(ln)
	t.Cleanup(func() { host.Close() })

	for _, site := range []struct{ name, origin string }{
		{"served alone", startServer(t).URL},
		{"static build", "http://" + ln.Addr().String()},
	} {
		t.Run(site.name, func(t *testing.T) {
			ev := &events{}
			b := startBrowser(t, t.TempDir(), ev)
			b.run(t, "start", chromedp.Navigate(site.origin+"/keys"), appReady())
			addFirstProfile(t, b, label, merchantID, v.SignKey)
			var sendShown, navShown bool
			b.run(t, "construct",
				click("#nav-construct"),
				visible("#field-amount"),
				setValue("#field-operator_id", operatorID),
				setValue("#field-amount", "100"),
				setValue("#field-biz_type", "WECHATPAY"),
				setValue("#field-call_back_url", "http://127.0.0.1:9/callback"),
				setValue("#field-order_id", "E2EABSENT1"),
				visible("#construct-envelope"),
				store(chromedp.Evaluate[bool](`document.getElementById("construct-send") !== null`), &sendShown),
				store(chromedp.Evaluate[bool](`document.getElementById("nav-sandbox") !== null`), &navShown),
			)
			if sendShown || navShown {
				t.Errorf("without a sandbox: Send button shown %v, Sandbox nav item shown %v\n%s", sendShown, navShown, b.state())
			}
			// Only a server started with -sandbox says there is one;
			// without its word the app asks the origin nothing, so no
			// start waits for that round trip (and a host answering
			// the address cannot make the app show a sandbox).
			for _, r := range ev.all(&ev.requests) {
				if first, _, _ := strings.Cut(r, "\n"); first == "GET "+site.origin+"/_sandbox/healthz" {
					t.Errorf("the app asked for /_sandbox/healthz though no server said a sandbox is mounted:\n%s", r)
				}
			}
			// The workbench served alone answers the check without an
			// error status, so the console stays clean.
			for _, c := range ev.all(&ev.console) {
				if site.name == "served alone" && strings.Contains(c, "_sandbox") {
					t.Errorf("console: %s", c)
				}
			}
		})
	}
}
