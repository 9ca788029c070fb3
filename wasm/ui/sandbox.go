package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// PathSandbox is the route of the Sandbox page, which exists only when
// the workbench is served together with the local gateway (see
// SandboxClient.Detect).
const PathSandbox = "/sandbox"

// SandboxHeader is the header every answer of the local OTT Pay sandbox
// carries (package sandbox's Header). The workbench talks to a sandbox
// only when its health check answers with it.
const SandboxHeader = "X-OTTPay-Sandbox"

// maxSandboxBody bounds what the workbench reads of one sandbox answer.
const maxSandboxBody = 4 << 20

// SandboxClient talks to a sandbox served on the workbench's own origin:
// the gateway (/processV2) and the control API (/_sandbox/). Only sealed
// envelopes and the control API's own JSON go over it: never a key.
type SandboxClient struct {
	// Base is the origin, e.g. "http://127.0.0.1:47801".
	Base string
	// Fetch makes the requests; nil means the browser's fetch in the app
	// (net/http elsewhere). The app does not use net/http's client: it
	// would add megabytes to app.wasm.
	Fetch Fetcher
}

// Fetcher makes one HTTP request with a JSON body (nil for none) and
// returns the answer.
type Fetcher func(ctx context.Context, method, url string, body []byte) (FetchAnswer, error)

// FetchAnswer is what the workbench reads of an answer.
type FetchAnswer struct {
	Status int
	// Sandbox is the answer's SandboxHeader, "" when it has none.
	Sandbox string
	Body    []byte
}

// SandboxOrder is an order as the control API lists it (the fields the
// Sandbox page shows).
type SandboxOrder struct {
	ID          string    `json:"id"`
	MerchantID  string    `json:"merchant_id"`
	Action      string    `json:"action"`
	State       string    `json:"state"`
	Amount      int64     `json:"amount"`
	CallbackURL string    `json:"callback_url"`
	CloseReason string    `json:"close_reason"`
	CreatedAt   time.Time `json:"created_at"`
}

// SandboxDelivery is a callback delivery with its attempts, as the
// control API lists it.
type SandboxDelivery struct {
	ID           string           `json:"id"`
	OrderID      string           `json:"order_id"`
	URL          string           `json:"url"`
	State        string           `json:"state"`
	Attempts     []SandboxAttempt `json:"attempts"`
	AttemptCount int              `json:"attempt_count"`
}

// SandboxAttempt is one POST of a callback.
type SandboxAttempt struct {
	At      time.Time     `json:"at"`
	Status  int           `json:"status"`
	Latency time.Duration `json:"latency_ns"`
	Body    string        `json:"body"`
	Error   string        `json:"error"`
	Acked   bool          `json:"acked"`
}

// do makes one request and returns the answer (at most maxSandboxBody
// bytes of body).
func (c *SandboxClient) do(ctx context.Context, method, path string, body []byte) (FetchAnswer, error) {
	fetch := c.Fetch
	if fetch == nil {
		fetch = defaultFetch
	}
	a, err := fetch(ctx, method, strings.TrimSuffix(c.Base, "/")+path, body)
	if err != nil {
		return a, fmt.Errorf("the sandbox cannot be reached (%v): is the workbench still served with -sandbox?", err)
	}
	if len(a.Body) > maxSandboxBody {
		return a, fmt.Errorf("the sandbox's answer is larger than %d bytes", maxSandboxBody)
	}
	return a, nil
}

// Detect reports whether a sandbox answers on the origin: GET
// /_sandbox/healthz answered 200 with the SandboxHeader. A static host,
// a workbench served without the sandbox, or no network at all is no
// sandbox.
func (c *SandboxClient) Detect(ctx context.Context) bool {
	a, err := c.do(ctx, "GET", "/_sandbox/healthz", nil)
	return err == nil && a.Status == 200 && a.Sandbox != ""
}

// Send POSTs a sealed request envelope to the sandbox's gateway
// (/processV2) and returns the body it answered.
func (c *SandboxClient) Send(ctx context.Context, envelope string) (string, error) {
	a, err := c.do(ctx, "POST", "/processV2", []byte(envelope))
	if err != nil {
		return "", err
	}
	if a.Status != 200 {
		return string(a.Body), fmt.Errorf("the sandbox answered HTTP %d: %s", a.Status, excerpt(a.Body))
	}
	return string(a.Body), nil
}

// Orders lists the sandbox's orders, oldest first.
func (c *SandboxClient) Orders(ctx context.Context) ([]SandboxOrder, error) {
	var v struct {
		Orders []SandboxOrder `json:"orders"`
	}
	return v.Orders, c.getJSON(ctx, "/_sandbox/orders", &v)
}

// Deliveries lists the sandbox's callback deliveries with their attempts,
// oldest first.
func (c *SandboxClient) Deliveries(ctx context.Context) ([]SandboxDelivery, error) {
	var v struct {
		Callbacks []SandboxDelivery `json:"callbacks"`
	}
	return v.Callbacks, c.getJSON(ctx, "/_sandbox/callbacks", &v)
}

// Pay pays an order as its payer would.
func (c *SandboxClient) Pay(ctx context.Context, orderID string) error {
	return c.post(ctx, "/_sandbox/orders/"+url.PathEscape(orderID)+"/pay")
}

// Decline closes an order as declined by the payer.
func (c *SandboxClient) Decline(ctx context.Context, orderID string) error {
	return c.post(ctx, "/_sandbox/orders/"+url.PathEscape(orderID)+"/decline")
}

// Resend starts a new round of attempts for a callback delivery.
func (c *SandboxClient) Resend(ctx context.Context, deliveryID string) error {
	return c.post(ctx, "/_sandbox/callbacks/"+url.PathEscape(deliveryID)+"/resend")
}

func (c *SandboxClient) getJSON(ctx context.Context, path string, v any) error {
	a, err := c.do(ctx, "GET", path, nil)
	if err != nil {
		return err
	}
	if a.Status != 200 {
		return apiError(a.Status, a.Body)
	}
	if err := json.Unmarshal(a.Body, v); err != nil {
		return fmt.Errorf("the sandbox's answer to %s is not the JSON expected: %v", path, err)
	}
	return nil
}

func (c *SandboxClient) post(ctx context.Context, path string) error {
	a, err := c.do(ctx, "POST", path, []byte("{}"))
	if err != nil {
		return err
	}
	if a.Status/100 != 2 {
		return apiError(a.Status, a.Body)
	}
	return nil
}

// apiError words a control API refusal: its error message when it sent
// one.
func apiError(status int, body []byte) error {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return fmt.Errorf("the sandbox refused (HTTP %d): %s", status, e.Error)
	}
	return fmt.Errorf("the sandbox answered HTTP %d: %s", status, excerpt(body))
}

// excerpt is the start of an answer, for an error message.
func excerpt(b []byte) string {
	const n = 200
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// ResponseCard decodes the sandbox's answer to a request sent with
// profile p's key into the card the Decode page would show for it.
func ResponseCard(body string, p vault.Profile) Card {
	cards := DecodeText(body, []vault.Profile{p}, "")
	if len(cards) == 0 {
		return Card{N: 1, Title: "No envelope", Badge: "Not decrypted", BadgeClass: "warn",
			Failure: &Failure{What: "the sandbox answered with an empty body"}}
	}
	return cards[0]
}

// FormatCents writes an amount in cents as dollars and cents ("10.50").
func FormatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}
