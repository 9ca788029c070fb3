package ui

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// testSandbox is a real sandbox knowing shop's merchant, served on a
// loopback port, and a client of it.
func testSandbox(t *testing.T) (*sandbox.Server, *SandboxClient) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{NoListener: true, Merchants: map[string]string{shop.MerchantID: shop.SignKey}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	return sb, &SandboxClient{Base: srv.URL}
}

// receiver is a merchant's callback handler on loopback that acknowledges
// every callback and counts them.
type receiver struct {
	URL    string
	mu     sync.Mutex
	bodies []string
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, string(b))
		r.mu.Unlock()
		io.WriteString(w, "SUCCESS")
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/callback"
	return r
}

// activepayTo is the ACTIVEPAY of activepay() for order id, calling back
// to url.
func activepayTo(id, url string) Form {
	f := activepay()
	f.Values["order_id"] = id
	f.Values["call_back_url"] = url
	return f
}

func TestSandboxClientDetectsOnlyTheSandbox(t *testing.T) {
	_, c := testSandbox(t)
	ctx := context.Background()
	if !c.Detect(ctx) {
		t.Error("Detect is false against the sandbox")
	}
	// The workbench served alone answers the path with a page of its
	// own, or 404; a proxy may answer 200 without the header.
	for name, h := range map[string]http.HandlerFunc{
		"404":                http.NotFound,
		"200 without header": func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"status":"ok","version":"1"}`) },
		"header but 500": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(SandboxHeader, "1")
			w.WriteHeader(500)
		},
	} {
		srv := httptest.NewServer(h)
		if (&SandboxClient{Base: srv.URL}).Detect(ctx) {
			t.Errorf("%s: Detect is true", name)
		}
		srv.Close()
	}
	if (&SandboxClient{Base: "http://127.0.0.1:1"}).Detect(ctx) {
		t.Error("Detect is true with nothing listening")
	}
}

func TestSandboxSendPayAndCallback(t *testing.T) {
	sb, c := testSandbox(t)
	rcv := newReceiver(t)
	ctx := context.Background()

	m := Build(activepayTo("UI0001", rcv.URL), &shop)
	if !m.OK() {
		t.Fatalf("no envelope: %+v", m.Problems)
	}
	body, err := c.Send(ctx, m.Envelope)
	if err != nil {
		t.Fatal(err)
	}
	card := ResponseCard(body, shop)
	if card.Outcome != report.Verified || card.RspCode != "SUCCESS" || card.Badge != "Verified" {
		t.Fatalf("the answer's card: outcome %v, rsp_code %q, badge %q; want verified SUCCESS\n%s", card.Outcome, card.RspCode, card.Badge, body)
	}
	if !strings.Contains(card.CodeURL, "/_sandbox/pay/UI0001") {
		t.Errorf("code_url %q, want the sandbox's pay page of UI0001", card.CodeURL)
	}

	// The answer read with another key does not verify.
	other := shop
	other.SignKey = "0000000000000000"
	if got := ResponseCard(body, other); got.Outcome == report.Verified {
		t.Error("the answer verifies with a wrong key")
	}

	orders, err := c.Orders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 || orders[0].ID != "UI0001" || !OrderOpen(orders[0]) || orders[0].Amount != 100 {
		t.Fatalf("orders %+v, want UI0001 processing for 100 cents", orders)
	}
	if err := c.Pay(ctx, "UI0001"); err != nil {
		t.Fatal(err)
	}
	if err := c.Pay(ctx, "UI0001"); err == nil || !strings.Contains(err.Error(), "409") {
		t.Errorf("paying a paid order: %v, want the sandbox's 409 refusal", err)
	}
	o, err := sb.Order("UI0001")
	if err != nil || o.State != sandbox.StatePaid {
		t.Fatalf("order %+v %v, want paid", o, err)
	}

	// The callback reaches the receiver; the delivery lists the attempt.
	var ds []SandboxDelivery
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ds, err = c.Deliveries(ctx); err != nil {
			t.Fatal(err)
		}
		if len(ds) == 1 && ds[0].State == sandbox.DeliveryDelivered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries %+v: not delivered within 10 s", ds)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ds[0].OrderID != "UI0001" || ds[0].URL != rcv.URL || len(ds[0].Attempts) != 1 || !ds[0].Attempts[0].Acked {
		t.Errorf("delivery %+v, want one acknowledged attempt to %s", ds[0], rcv.URL)
	}
	if w := AttemptWords(ds[0].Attempts[0]); !strings.Contains(w, "HTTP 200") || !strings.Contains(w, "acknowledged") || !strings.Contains(w, `"SUCCESS"`) {
		t.Errorf("attempt in words: %q", w)
	}
	if err := c.Resend(ctx, ds[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := c.Resend(ctx, "no-such-delivery"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("resend of no delivery: %v, want a 404 refusal", err)
	}

	// Decline closes another order.
	if _, err := c.Send(ctx, Build(activepayTo("UI0002", rcv.URL), &shop).Envelope); err != nil {
		t.Fatal(err)
	}
	if err := c.Decline(ctx, "UI0002"); err != nil {
		t.Fatal(err)
	}
	o, _ = sb.Order("UI0002")
	if o.State != sandbox.StateClosed || OrderStateWords(SandboxOrder{State: o.State, CloseReason: o.CloseReason}) != "closed (declined)" {
		t.Errorf("declined order %+v", o)
	}
}

func TestSandboxSendRefusalIsShown(t *testing.T) {
	_, c := testSandbox(t)
	// Signed with another merchant's key: the sandbox answers FAIL, with
	// nothing to verify.
	stranger := shop
	stranger.MerchantID = "ON99999999"
	body, err := c.Send(context.Background(), Build(activepayTo("UI0003", "http://127.0.0.1:9/cb"), &stranger).Envelope)
	if err != nil {
		t.Fatal(err)
	}
	card := ResponseCard(body, stranger)
	if card.RspCode != "FAIL" || card.Outcome == report.Verified {
		t.Errorf("card %+v, want an unverified FAIL", card)
	}
	if got := ResponseCard("", shop); got.Failure == nil || got.Outcome == report.Verified {
		t.Errorf("an empty answer: %+v", got)
	}
}

func TestSandboxPageListsAndPays(t *testing.T) {
	sb, c := testSandbox(t)
	rcv := newReceiver(t)
	if _, err := c.Send(context.Background(), Build(activepayTo("UI0004", rcv.URL), &shop).Envelope); err != nil {
		t.Fatal(err)
	}
	p := NewSandbox(&Env{Sandbox: c})
	d := app.NewClientTester(p)
	defer d.Close()
	settle(d)
	if len(p.orders) != 1 || p.err != "" {
		t.Fatalf("orders %+v, error %q", p.orders, p.err)
	}
	html := app.HTMLString(p)
	for _, want := range []string{`data-order="UI0004"`, `class="pay"`, `Decline`, "1.00", `id="sandbox-no-callbacks"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s:\n%s", want, html)
		}
	}
	d.Dispatch(app.Dispatch{Mode: app.Update, Source: p, Function: func(ctx app.Context) {
		p.act(ctx, "paid", func(ctx context.Context, c *SandboxClient) error { return c.Pay(ctx, "UI0004") })
	}})
	settle(d)
	settle(d)
	if o, _ := sb.Order("UI0004"); o.State != sandbox.StatePaid {
		t.Fatalf("order %+v, want paid", o)
	}
	if p.note != "paid" || len(p.orders) != 1 || p.orders[0].State != sandbox.StatePaid {
		t.Errorf("after Pay: note %q, orders %+v", p.note, p.orders)
	}
	if html := app.HTMLString(p); strings.Contains(html, `class="pay"`) {
		t.Errorf("a paid order still offers Pay:\n%s", html)
	}
}

func TestSendButtonOnlyWithASandbox(t *testing.T) {
	for _, withSandbox := range []bool{false, true} {
		env := &Env{Store: memoryStore(t, shop)}
		if withSandbox {
			_, env.Sandbox = testSandbox(t)
		}
		c := &Construct{env: env}
		d := app.NewClientTester(c)
		settle(d)
		c.form = activepayTo("UI0005", "http://127.0.0.1:9/cb")
		c.Update()
		settle(d)
		html := app.HTMLString(c)
		if got := strings.Contains(html, `id="construct-send"`); got != withSandbox {
			t.Errorf("with a sandbox %v: Send button shown %v", withSandbox, got)
		}
		if withSandbox {
			d.Dispatch(app.Dispatch{Mode: app.Update, Source: c, Function: func(ctx app.Context) { c.sendNow(ctx) }})
			settle(d)
			settle(d)
			if c.send.card == nil || c.send.card.Badge != "Verified" || c.send.card.RspCode != "SUCCESS" {
				t.Fatalf("after Send: %+v", c.send)
			}
			if html := app.HTMLString(c); !strings.Contains(html, `id="send-result"`) || !strings.Contains(html, "Verified") {
				t.Errorf("the answer's card is not shown:\n%s", html)
			}
		}
		d.Close()
	}
}

func TestRegisterSandboxAddsTheNavItemOnce(t *testing.T) {
	saved := Nav
	defer func() { Nav = saved }()
	Nav = append([]NavItem(nil), saved...)
	RegisterSandbox(&Env{})
	RegisterSandbox(&Env{})
	n := 0
	for i, item := range Nav {
		if item.Path == PathSandbox {
			n++
			if i == 0 || Nav[i-1].Path != PathConstruct {
				t.Errorf("Sandbox at %d, want right after Construct: %+v", i, Nav)
			}
		}
	}
	if n != 1 {
		t.Errorf("Sandbox listed %d times: %+v", n, Nav)
	}
}

func TestFormatCents(t *testing.T) {
	for c, want := range map[int64]string{0: "0.00", 5: "0.05", 100: "1.00", 1050: "10.50", -250: "-2.50"} {
		if got := FormatCents(c); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", c, got, want)
		}
	}
}
