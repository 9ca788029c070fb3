package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// routes builds the sandbox's handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /processV2", s.serveGateway)
	mux.HandleFunc("POST /process", s.serveGateway)
	mux.HandleFunc("GET /_sandbox/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": Version})
	})
	mux.HandleFunc("GET /_sandbox/orders", s.serveOrders)
	mux.HandleFunc("GET /_sandbox/orders/{id}", s.serveOrder)
	mux.HandleFunc("POST /_sandbox/orders/{id}/{verb}", s.serveOrderVerb)
	mux.HandleFunc("GET /_sandbox/callbacks", s.serveCallbacks)
	mux.HandleFunc("POST /_sandbox/callbacks/{id}/resend", s.serveResend)
	mux.HandleFunc("DELETE /_sandbox/data", s.serveDelete)
	mux.HandleFunc("GET /_sandbox/pay/{id}", s.servePayPage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{Error: "unrecognised request URL " + excerpt([]byte(r.Method+" "+r.URL.Path), 200) +
			"; the gateway is POST /processV2 (or /process), the control API is under /_sandbox/"})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(Header, Version)
		if r.Method != http.MethodGet && r.Method != http.MethodHead && strings.HasPrefix(r.URL.Path, "/_sandbox/") && !sameOrigin(r) {
			writeJSON(w, http.StatusForbidden, apiError{Error: "cross-origin request refused: the control API accepts forms from the sandbox's own pages only"})
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// sameOrigin refuses a browser request made by another site's page: one
// whose Origin header names another host than the request's.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// apiError is the control API's error body.
type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// writeErr maps a control error to a status.
func writeErr(w http.ResponseWriter, err error) {
	status, code := http.StatusInternalServerError, ""
	switch {
	case errors.Is(err, ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, ErrOrderPaid):
		status, code = http.StatusConflict, "ORDER_PAID"
	case errors.Is(err, ErrOrderClosed):
		status, code = http.StatusConflict, "ORDERCLOSE"
	case errors.Is(err, ErrDeclined):
		status, code = http.StatusConflict, "DECLINED"
	}
	writeJSON(w, status, apiError{Error: err.Error(), Code: code})
}

func (s *Server) serveOrders(w http.ResponseWriter, r *http.Request) {
	os, err := s.Orders()
	if err != nil {
		writeErr(w, err)
		return
	}
	if os == nil {
		os = []Order{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": os})
}

func (s *Server) serveOrder(w http.ResponseWriter, r *http.Request) {
	o, err := s.Order(r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// serveOrderVerb is POST /_sandbox/orders/{id}/pay|decline|close. A form
// from the pay page is answered with a redirect back to it.
func (s *Server) serveOrderVerb(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var o Order
	var err error
	switch verb := r.PathValue("verb"); verb {
	case "pay":
		o, err = s.Pay(id)
	case "decline", "fail":
		o, err = s.Decline(id)
	case "close", "expire":
		o, err = s.Expire(id)
	default:
		writeJSON(w, http.StatusNotFound, apiError{Error: "unknown order action " + excerpt([]byte(verb), 40) + "; use pay, decline or close"})
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		http.Redirect(w, r, "/_sandbox/pay/"+url.PathEscape(id), http.StatusSeeOther)
		return
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) serveCallbacks(w http.ResponseWriter, r *http.Request) {
	ds, err := s.Deliveries()
	if err != nil {
		writeErr(w, err)
		return
	}
	if ds == nil {
		ds = []Delivery{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"callbacks": ds})
}

func (s *Server) serveResend(w http.ResponseWriter, r *http.Request) {
	d, err := s.Resend(r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) serveDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Reset(); err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "deleted"})
}

// payPageCSP allows the pay page nothing but its own forms.
const payPageCSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

var payPage = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>OTT Pay sandbox: order {{.ID}}</title>
</head>
<body>
<h1>OTT Pay sandbox</h1>
<p>This is the sandbox's stand-in for the payer's wallet or checkout page. No money moves.</p>
<table>
<tr><th>Order</th><td id="order">{{.ID}}</td></tr>
<tr><th>Merchant</th><td id="merchant">{{.MerchantID}}</td></tr>
<tr><th>Action</th><td>{{.Action}} ({{.Variant}})</td></tr>
<tr><th>Amount</th><td id="amount">{{.Money}}</td></tr>
<tr><th>State</th><td id="state">{{.State}}</td></tr>
{{if .CloseReason}}<tr><th>Closed</th><td id="reason">{{.CloseReason}}</td></tr>{{end}}
{{if .Redirect}}<tr><th>Return to</th><td><a id="return" href="{{.Redirect}}">{{.Redirect}}</a></td></tr>{{end}}
</table>
{{if .Open}}
<form method="post" action="/_sandbox/orders/{{.PathID}}/pay"><button id="pay" type="submit">Pay {{.Money}}</button></form>
<form method="post" action="/_sandbox/orders/{{.PathID}}/decline"><button id="decline" type="submit">Decline</button></form>
{{end}}
</body>
</html>
`))

// payView is what the pay page shows.
type payView struct {
	Order
	PathID   string
	Money    string
	Open     bool
	Redirect string
}

func (s *Server) servePayPage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", payPageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: under no-referrer a browser sends
	// "Origin: null" with the page's own form POSTs, which sameOrigin
	// refuses, so Pay and Decline never worked in a browser.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	o, err := s.Order(r.PathValue("id"))
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, ErrNotFound) {
			status = http.StatusNotFound
		}
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte("sandbox: no such order\n"))
		return
	}
	v := payView{Order: o, PathID: url.PathEscape(o.ID), Money: money(o.charged()), Open: o.State == StateProcessing}
	if u := first(o.Request, "redirect_url", "frontUrl"); u != "" {
		if p, err := url.Parse(u); err == nil && (p.Scheme == "http" || p.Scheme == "https") {
			if o.Action == "PREPAY_INIT" && o.State != StateProcessing && o.State != StateClosed {
				// The documented return parameters of the hosted checkout.
				q := p.Query()
				q.Set("total_fee", strconv.FormatInt(o.charged(), 10))
				q.Set("trade_no", o.BizpayOrderID)
				q.Set("out_trade_no", o.ID)
				q.Set("trade_status", "Trade_Finished")
				p.RawQuery = q.Encode()
			}
			v.Redirect = p.String()
		}
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	payPage.Execute(w, v)
}

// money renders cents as "12.34".
func money(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}
